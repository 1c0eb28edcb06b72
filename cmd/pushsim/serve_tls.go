package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/localca"
)

// tlsOptions are serve's --tls flags: HTTPS on the vendors' real host
// names, for clients whose host and transport are both fixed (an APNs
// provider, a vendor SDK with https://<real host> built in).
type tlsOptions struct {
	on   bool
	dir  string
	addr string
}

// hostsFile is written into the --tls-dir beside the CA.
const hostsFile = "hosts"

func addTLSFlags(f *pflag.FlagSet, o *tlsOptions) {
	f.BoolVar(&o.on, "tls", false, "also serve HTTPS (HTTP/2 and HTTP/1.1) on --tls-addr with a certificate for every vendor host, from a local CA; prints the CA's path and the hosts-file lines")
	f.StringVar(&o.dir, "tls-dir", "", "where the local CA and the server certificate are kept and reused (default: <user config dir>/pushsim/tls)")
	f.StringVar(&o.addr, "tls-addr", "127.0.0.1:4443", "where --tls listens; clients that always dial port 443 need 127.0.0.1:443 (root or CAP_NET_BIND_SERVICE) or a port redirect")
}

// defaultTLSDir is <user config dir>/pushsim/tls, or .pushsim-tls in the
// working directory when the system has no config dir.
func defaultTLSDir() string {
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "pushsim", "tls")
	}
	return ".pushsim-tls"
}

// startTLS serves s over TLS as --tls says and tells the user how to point
// clients at it.
func startTLS(s *emulators.Server, o tlsOptions, stderr io.Writer) (*http.Server, error) {
	dir := o.dir
	if dir == "" {
		dir = defaultTLSDir()
	}
	ca, err := localca.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("--tls: %w", err)
	}
	cfg, err := ca.ServerConfig(s.TLSHosts())
	if err != nil {
		return nil, fmt.Errorf("--tls: %w", err)
	}
	l, err := net.Listen("tcp", o.addr)
	if err != nil {
		return nil, fmt.Errorf("--tls: listen on %s: %w", o.addr, err)
	}
	srv := s.ListenTLS(l, cfg)
	host, port, _ := net.SplitHostPort(l.Addr().String())
	ip := host
	if isUnspecified(host) {
		ip = "127.0.0.1"
	}
	lines := localca.HostsLines(ip, s.Hosts())
	hostsPath := filepath.Join(dir, hostsFile)
	if err := writeFileAtomic(hostsPath, lines); err != nil {
		hostsPath = "" // the lines are printed below anyway
	}
	fmt.Fprintf(stderr, "pushsim: HTTPS (HTTP/2, HTTP/1.1) on %s for every vendor host\n", l.Addr())
	if w := exposureWarning(l.Addr()); w != "" {
		fmt.Fprintln(stderr, w)
	}
	fmt.Fprintf(stderr, "pushsim: CA certificate %s: make the client trust it (curl --cacert, Go RootCAs, NODE_EXTRA_CA_CERTS, Java keytool -importcert, the system store)\n", ca.CertPath())
	fmt.Fprintf(stderr, "pushsim: add these lines to the hosts file (/etc/hosts; also in %s):\n", orDash(hostsPath))
	fmt.Fprint(stderr, lines)
	if port != "443" {
		fmt.Fprintf(stderr, "pushsim: clients that dial port 443 reach this only with --tls-addr %s:443 or a redirect of 443 to %s (APNs clients may also use port 2197)\n", ip, port)
	}
	return srv, nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
