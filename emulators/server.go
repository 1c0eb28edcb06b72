package emulators

import (
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/pushsim/pushsim/emulators/admin"
	"github.com/pushsim/pushsim/emulators/faults"
	"github.com/pushsim/pushsim/emulators/world"
)

// Options configure a Server. The zero value gives a real clock and empty world.
type Options struct {
	// Clock is the world's clock; use world.NewVirtualClock in tests.
	Clock world.Clock
	// Seed makes tokens, ids and probabilistic faults reproducible.
	Seed uint64
	// LedgerCap, ShadeCap and PendingCap bound memory (defaults 10000, 200
	// and 300 pushes held for one offline phone).
	LedgerCap, ShadeCap, PendingCap int
	// Vendors replaces the emulated vendors (nil = every vendor pushsim
	// knows): tests plug in a fake or a spy, users a vendor of their own.
	Vendors []func(*world.World) world.Vendor
	// UI is served at "/" and every path that is neither a vendor's nor the
	// control plane's (the console); nil serves a small JSON index.
	UI http.Handler
	// Faults configures the fault injector (the SLOW token's latency, magic
	// tokens off).
	Faults faults.Options
}

// Server is every vendor emulator plus the control plane over one world.
type Server struct {
	World   *world.World
	vendors map[string]world.Vendor
	names   []string
	hosts   map[string]world.Vendor
	admin   *admin.API
	faults  *faults.Injector
	ts      *httptest.Server
	url     string
}

// New builds the emulators in memory. Use Handler, Client or Intercept to
// reach them, or Start to listen on a port.
func New(opts Options) *Server {
	w := world.New(world.Options{Clock: opts.Clock, Seed: opts.Seed, LedgerCap: opts.LedgerCap, ShadeCap: opts.ShadeCap, PendingCap: opts.PendingCap})
	s := &Server{World: w, vendors: map[string]world.Vendor{}, hosts: map[string]world.Vendor{}, url: "http://pushsim.invalid"}
	builders := opts.Vendors
	if builders == nil {
		builders = vendorBuilders
	}
	for _, build := range builders {
		v := build(w)
		s.vendors[v.Name()] = v
		s.names = append(s.names, v.Name())
		for _, h := range v.Hosts() {
			s.hosts[strings.ToLower(h)] = v
		}
	}
	sort.Strings(s.names)
	s.admin = admin.New(w, s.vendors, admin.Options{UI: opts.UI})
	set := faults.NewSet(w.Options().Seed)
	s.faults = faults.NewInjector(w, set, opts.Faults)
	faults.Routes(s.admin, set)
	return s
}

// Start runs New's server on a loopback port until the test ends.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	s := New(opts)
	s.ts = httptest.NewServer(s)
	s.url = s.ts.URL
	tb.Cleanup(s.Close)
	return s
}

// Listen serves on an existing listener (pushsim serve); URL reports it.
func (s *Server) Listen(l net.Listener) *http.Server {
	s.url = "http://" + l.Addr().String()
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	// Shutdown waits for open requests: end the control plane's event
	// streams so a browser left open does not hold it up.
	srv.RegisterOnShutdown(s.admin.Close)
	srv.RegisterOnShutdown(s.faults.Close)
	go srv.Serve(l) //nolint:errcheck // Serve returns when the caller shuts srv down
	return srv
}

// Close stops a started server.
func (s *Server) Close() {
	s.admin.Close()
	s.faults.Close()
	if s.ts != nil {
		s.ts.Close()
	}
}

// Vendors lists the emulated vendors' names.
func (s *Server) Vendors() []string { return append([]string(nil), s.names...) }

// Vendor returns one vendor's emulator.
func (s *Server) Vendor(name string) world.Vendor { return s.vendors[name] }

// URL is the server's root ("http://127.0.0.1:port"; a placeholder host when
// in memory, which Client still reaches).
func (s *Server) URL() string { return s.url }

// BaseURL is the URL to configure as a vendor's base: URL()/<vendor>.
func (s *Server) BaseURL(vendor string) string { return s.url + "/" + vendor }

// Admin returns the control plane, to add routes to it (faults, events).
func (s *Server) Admin() *admin.API { return s.admin }

// Faults returns the fault rules every vendor request passes (see package
// faults); the control plane serves them at /_pushsim/faults.
func (s *Server) Faults() *faults.Set { return s.faults.Set() }

// Handler returns the one handler that serves every vendor and the control plane.
func (s *Server) Handler() http.Handler { return s }

// ServeHTTP routes by real vendor host, then by /<vendor>/ prefix, then to
// the control plane.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := strings.ToLower(r.Host)
	if strings.IndexByte(host, ':') >= 0 { // SplitHostPort allocates an error when there is no port
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
	}
	if v, ok := s.hosts[host]; ok {
		s.faults.Serve(v, w, r)
		return
	}
	path := r.URL.Path
	if path == "" {
		path = "/" // a client request for "http://host" has no path
	}
	if strings.HasPrefix(path, "/_pushsim") || path == "/" || !strings.Contains(path[1:], "/") && s.vendors[path[1:]] == nil {
		s.admin.ServeHTTP(w, r)
		return
	}
	name, _, _ := strings.Cut(path[1:], "/")
	v, ok := s.vendors[name]
	if !ok {
		s.admin.ServeHTTP(w, r)
		return
	}
	// A shallow copy with its own URL, as http.StripPrefix does: Clone would
	// deep-copy the headers on every vendor request. The rest of the path is
	// a slice of it, not a new string.
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	r2.URL = &u
	r2.URL.Path = path[1+len(name):]
	if r2.URL.Path == "" {
		r2.URL.Path = "/"
	}
	r2.URL.RawPath = ""
	if raw := r.URL.RawPath; len(raw) > 1 {
		if i := strings.IndexByte(raw[1:], '/'); i >= 0 {
			r2.URL.RawPath = raw[1+i:]
		}
	}
	s.faults.Serve(v, w, r2)
}

// Transport is an http.RoundTripper that hands every request to the
// emulators in memory, whatever its host: real vendor hosts are routed by
// name, anything else by path.
func (s *Server) Transport() http.RoundTripper { return roundTripper{s} }

// Client returns an *http.Client whose every request reaches the emulators
// in memory, so vendor clients work unchanged with their real host names.
func (s *Server) Client() *http.Client { return &http.Client{Transport: s.Transport()} }

// Intercept redirects the vendors' real host names on an existing client to
// the emulators (through jarcoal/httpmock); other hosts pass through to the
// client's previous transport. It returns a function that undoes it.
func (s *Server) Intercept(c *http.Client) (restore func()) {
	orig := c.Transport
	prev := orig
	if prev == nil {
		prev = http.DefaultTransport
	}
	mock := httpmock.NewMockTransport()
	mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) { return prev.RoundTrip(r) })
	inner := s.Transport()
	toEmulators := func(r *http.Request) (*http.Response, error) { return inner.RoundTrip(r) }
	for host := range s.hosts {
		re := regexp.MustCompile(`^https?://` + regexp.QuoteMeta(host) + `(:\d+)?(/|$)`)
		for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions} {
			mock.RegisterRegexpResponder(method, re, toEmulators)
		}
	}
	c.Transport = mock
	return func() { c.Transport = orig }
}
