package emulators

import (
	"crypto/tls"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/pushsim/pushsim/emulators/localca"
)

// Hosts lists every emulated vendor's real host names, sorted: what a
// server certificate for --tls must cover and what the hosts file sends here.
func (s *Server) Hosts() []string {
	out := make([]string, 0, len(s.hosts))
	for h := range s.hosts {
		out = append(out, h)
	}
	slices.Sort(out)
	return out
}

// TLSHosts is Hosts plus the loopback names, so one certificate also serves
// https://127.0.0.1:port and https://localhost:port.
func (s *Server) TLSHosts() []string {
	return append(s.Hosts(), "localhost", "127.0.0.1", "::1")
}

// ListenTLS serves the same handler as Listen over TLS on l, with HTTP/2
// (ALPN h2, as APNs requires) and HTTP/1.1. cfg carries the server
// certificate (localca.CA.ServerConfig); requests whose Host is a vendor's
// real host name reach that vendor on its real paths. URL is unchanged.
func (s *Server) ListenTLS(l net.Listener, cfg *tls.Config) *http.Server {
	cfg = cfg.Clone()
	if len(cfg.NextProtos) == 0 {
		cfg.NextProtos = []string{"h2", "http/1.1"}
	}
	srv := &http.Server{Handler: s, TLSConfig: cfg, ReadHeaderTimeout: 10 * time.Second}
	srv.RegisterOnShutdown(s.admin.Close)
	go srv.ServeTLS(l, "", "") //nolint:errcheck // ServeTLS returns when the caller shuts srv down
	return srv
}

// TB is what StartTLS needs of a test: *testing.T and Ginkgo's GinkgoT()
// both have it.
type TB interface {
	Helper()
	Fatal(args ...any)
	Cleanup(func())
}

// StartTLS serves s over TLS on a loopback port until the test ends, with a
// certificate for every vendor host from ca, and returns the address
// ("127.0.0.1:port"). A client trusting ca.Pool() that dials this address
// for a vendor's real host name reaches that vendor.
func (s *Server) StartTLS(tb TB, ca *localca.CA) string {
	tb.Helper()
	cfg, err := ca.ServerConfig(s.TLSHosts())
	if err != nil {
		tb.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := s.ListenTLS(l, cfg)
	tb.Cleanup(func() { srv.Close() })
	return l.Addr().String()
}
