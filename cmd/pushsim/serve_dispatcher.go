package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/dispatcher/push"
	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/harness"
)

// startServeDispatcher runs the IM dispatcher beside the emulators for
// `pushsim serve --dispatcher`. Its certificates come from --certs, or are
// derived from every app on the emulators' console (the demo apps with
// --demo), numbered 1, 2, ... in vendor order; either way they point at this
// server. It returns the dispatcher's server and the lines to print.
func startServeDispatcher(s *emulators.Server, url string, o serveOptions, stdout, stderr io.Writer) (*http.Server, error) {
	var certs []push.Certificate
	if o.certs != "" {
		var err error
		if certs, err = dispatcher.LoadCertificates(o.certs); err != nil {
			return nil, err
		}
	} else {
		apps := s.World.Apps("")
		sort.SliceStable(apps, func(i, j int) bool { return apps[i].Vendor < apps[j].Vendor })
		for _, app := range apps {
			if !slices.Contains(dispatcher.Vendors, app.Vendor) {
				fmt.Fprintf(stderr, "pushsim: --dispatcher: no dispatcher client for %s yet; its apps are left out\n", app.Vendor)
				continue
			}
			certs = append(certs, harness.Certificate(app, len(certs)+1, ""))
		}
		if len(certs) == 0 {
			return nil, fmt.Errorf("--dispatcher: no certificates: give --certs FILE, or --demo for the demo apps")
		}
	}
	for i := range certs {
		if certs[i].BaseURL == "" {
			certs[i].BaseURL = url + "/" + certs[i].Vendor
		}
	}
	d, err := dispatcher.New(dispatcher.Config{Certificates: certs, Seed: o.seed})
	if err != nil {
		return nil, fmt.Errorf("--dispatcher: %w", err)
	}
	l, err := net.Listen("tcp", o.dispatcherAddr)
	if err != nil {
		return nil, fmt.Errorf("--dispatcher-addr %s: %w", o.dispatcherAddr, err)
	}
	srv := &http.Server{Handler: d.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }() // Serve ends with ErrServerClosed at shutdown
	durl := "http://" + l.Addr().String()
	if host, port, err := net.SplitHostPort(l.Addr().String()); err == nil && isUnspecified(host) {
		durl = "http://127.0.0.1:" + port
	}
	fmt.Fprintf(stderr, "pushsim: dispatcher listening on %s (%s/v1/health)\n", l.Addr(), durl)
	if w := exposureWarning(l.Addr()); w != "" {
		fmt.Fprintln(stderr, w)
	}
	var b strings.Builder
	b.WriteString("\n# dispatcher (driver protocol: dispatcher/README.md)\n")
	b.WriteString("PUSHSIM_DISPATCHER_URL=" + durl + "\n")
	for _, c := range certs {
		fmt.Fprintf(&b, "PUSHSIM_%s_BUSINESS_ID=%d\n", strings.ToUpper(c.Vendor), c.BusinessID)
	}
	fmt.Fprint(stdout, b.String())
	return srv, nil
}
