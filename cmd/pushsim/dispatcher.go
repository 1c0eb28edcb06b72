package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/pushsim/pushsim/dispatcher"
)

func init() { subcommands = append(subcommands, newDispatcherCmd()) }

type dispatcherOptions struct {
	certs     string
	addr      string
	emulators string
	seed      uint64
	readyFile string
}

func newDispatcherCmd() *cobra.Command {
	var o dispatcherOptions
	cmd := &cobra.Command{
		Use:   "dispatcher",
		Short: "Run the IM offline-push dispatcher and its HTTP driver API",
		Long: `Run the IM offline-push dispatcher: it keeps users' devices, sessions and
push tokens, decides for every message and device whether and how to push,
sends through the vendors' push APIs and records one outcome per device.

Its JSON API (POST /v1/login, /v1/background, /v1/token, /v1/send, GET
/v1/outcomes, ...) is described in dispatcher/README.md; it is also the driver
protocol a dispatcher of your own implements to run the conformance suite.

Certificates come from a YAML or JSON file (see dispatcher/README.md). Vendor
calls go to the vendors' real hosts unless a certificate sets base_url, or
--emulators points every certificate without one at a running pushsim serve.`,
		Example: `  pushsim dispatcher --certs certs.yaml
  pushsim dispatcher --certs certs.yaml --emulators http://127.0.0.1:4800`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runDispatcher(ctx, cmd.ErrOrStderr(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.certs, "certs", "", "push certificates file (YAML or JSON)")
	f.StringVar(&o.addr, "addr", "127.0.0.1:4900", "where to listen (host:port; port 0 picks a free one)")
	f.StringVar(&o.emulators, "emulators", "", "base URL of a pushsim serve; certificates without base_url use URL/<vendor>")
	f.Uint64Var(&o.seed, "seed", 0, "seed for message ids and retry jitter (0 = random)")
	f.StringVar(&o.readyFile, "ready-file", "", "write the dispatcher's URL to this file once it serves (for scripts and tests)")
	_ = f.MarkHidden("ready-file") // the flag exists; MarkHidden cannot fail
	_ = cmd.MarkFlagRequired("certs")
	return cmd
}

// newDispatcher builds a dispatcher from a certificates file; with
// emulators set, every certificate without a base URL is pointed at
// emulators/<vendor>. pushsim serve --dispatcher can use it too.
func newDispatcher(certsPath, emulators string, seed uint64) (*dispatcher.Dispatcher, error) {
	certs, err := dispatcher.LoadCertificates(certsPath)
	if err != nil {
		return nil, err
	}
	if emulators != "" {
		base := strings.TrimRight(emulators, "/")
		for i := range certs {
			if certs[i].BaseURL == "" {
				certs[i].BaseURL = base + "/" + certs[i].Vendor
			}
		}
	}
	return dispatcher.New(dispatcher.Config{Certificates: certs, Seed: seed})
}

// runDispatcher serves the dispatcher until ctx ends.
func runDispatcher(ctx context.Context, stderr io.Writer, o dispatcherOptions) error {
	d, err := newDispatcher(o.certs, o.emulators, o.seed)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.addr, err)
	}
	srv := &http.Server{Handler: d.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }() // Serve ends with ErrServerClosed at shutdown
	url := "http://" + l.Addr().String()
	if host, port, err := net.SplitHostPort(l.Addr().String()); err == nil && isUnspecified(host) {
		url = "http://127.0.0.1:" + port
	}
	fmt.Fprintf(stderr, "pushsim: dispatcher listening on %s (%s/v1/health)\n", l.Addr(), url)
	if !isLoopback(l.Addr()) {
		fmt.Fprintf(stderr, "pushsim: WARNING: %s is not a loopback address: anyone who can reach it can drive the dispatcher, which has no authentication\n", l.Addr())
	}
	for _, c := range d.Certificates() {
		where := c.BaseURL
		if where == "" {
			where = "the vendor's real host"
		}
		fmt.Fprintf(stderr, "pushsim: certificate %d  %-7s %s → %s\n", c.BusinessID, c.Vendor, c.Package, where)
	}
	if o.readyFile != "" {
		if err := writeFileAtomic(o.readyFile, url+"\n"); err != nil {
			shutdown(srv)
			return fmt.Errorf("--ready-file: %w", err)
		}
	}
	<-ctx.Done()
	fmt.Fprintln(stderr, "pushsim: dispatcher shutting down")
	return shutdown(srv)
}
