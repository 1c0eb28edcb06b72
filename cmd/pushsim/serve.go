package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/world"
)

func init() { subcommands = append(subcommands, newServeCmd()) }

// consoleUI is served at "/" by pushsim serve when set; the console's file
// sets it in its init (issue 9). nil serves the control plane's JSON index.
var consoleUI http.Handler

// shutdownGrace is how long serve waits for requests in flight on SIGINT/SIGTERM.
const shutdownGrace = 5 * time.Second

type serveOptions struct {
	addr       string
	demo       bool
	virtual    bool
	clockStart string
	seed       uint64
	ledgerCap  int
	shadeCap   int
	pendingCap int
	readyFile  string

	dispatcher     bool
	dispatcherAddr string
	certs          string

	manifest string

	tls tlsOptions // serve_tls.go
}

func newServeCmd() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve every vendor emulator and the control plane on one listener",
		Long: `Serve every vendor emulator and the control plane on one listener.

Vendors answer under /<vendor>/<the vendor's real path> (configure
http://ADDR/<vendor> as a client's base URL), and on their real paths when the
Host header is the vendor's real host. The control plane is /_pushsim/...
(GET /_pushsim/health; GET / lists it all). The control plane has no
authentication: keep --addr on loopback unless the network is yours.`,
		Example: `  pushsim serve --demo
  pushsim serve --demo --dispatcher
  pushsim serve --addr 127.0.0.1:4800 --virtual-clock --seed 42
  pushsim serve --demo --tls --tls-addr 127.0.0.1:443   # HTTPS by real host name (APNs)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return serve(ctx, cmd.OutOrStdout(), cmd.ErrOrStderr(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:4800", "where to listen (host:port; port 0 picks a free one)")
	f.BoolVar(&o.demo, "demo", false, "create a demo app and two phones per vendor and print their credentials and tokens")
	f.BoolVar(&o.virtual, "virtual-clock", false, "use a virtual clock that only moves through POST /_pushsim/clock/advance")
	f.StringVar(&o.clockStart, "clock-start", "", "start the virtual clock at this RFC 3339 time (implies --virtual-clock; default now)")
	f.Uint64Var(&o.seed, "seed", 1, "seed for tokens, ids and probabilistic faults (the same seed reproduces them)")
	f.IntVar(&o.ledgerCap, "ledger-cap", 10000, "ledger entries kept (oldest dropped)")
	f.IntVar(&o.shadeCap, "shade-cap", 200, "notifications kept per phone (oldest dropped)")
	f.IntVar(&o.pendingCap, "pending-cap", 300, "pushes held for one offline phone (oldest dropped, recorded as world.pending.cap)")
	f.StringVar(&o.readyFile, "ready-file", "", "write the server's URL to this file once it serves (for scripts and tests)")
	f.BoolVar(&o.dispatcher, "dispatcher", false, "also run the IM dispatcher (driver protocol) wired to these emulators")
	f.StringVar(&o.dispatcherAddr, "dispatcher-addr", "127.0.0.1:4900", "where the dispatcher listens, with --dispatcher")
	f.StringVar(&o.certs, "certs", "", "push certificates for --dispatcher (default: derived from the console's apps, e.g. --demo's)")
	f.StringVar(&o.manifest, "manifest", "", "the app's AndroidManifest.xml or .apk for the --demo apps: notification taps resolve against it")
	addTLSFlags(f, &o.tls)
	_ = f.MarkHidden("ready-file") // the flag exists; MarkHidden cannot fail
	return cmd
}

// serve runs until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, stdout, stderr io.Writer, o serveOptions) error {
	if o.ledgerCap < 1 || o.shadeCap < 1 || o.pendingCap < 1 {
		return errors.New("--ledger-cap, --shade-cap and --pending-cap must be at least 1")
	}
	if o.manifest != "" && !o.demo {
		return errors.New("--manifest applies to the demo apps: add --demo")
	}
	opts := emulators.Options{Seed: o.seed, LedgerCap: o.ledgerCap, ShadeCap: o.shadeCap, PendingCap: o.pendingCap, UI: consoleUI}
	clockKind := "real"
	if o.virtual || o.clockStart != "" {
		start := time.Now().Truncate(time.Second)
		if o.clockStart != "" {
			t, err := time.Parse(time.RFC3339, o.clockStart)
			if err != nil {
				return fmt.Errorf("--clock-start: want an RFC 3339 time such as 2026-01-02T09:00:00+08:00: %w", err)
			}
			start = t
		}
		opts.Clock = world.NewVirtualClock(start)
		clockKind = "virtual, at " + start.Format(time.RFC3339) + " (move it: POST /_pushsim/clock/advance {\"by\":\"1h\"})"
	}
	s := emulators.New(opts)

	l, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.addr, err)
	}
	srv := s.Listen(l)
	url := s.URL()
	if host, _, err := net.SplitHostPort(l.Addr().String()); err == nil && isUnspecified(host) {
		// URL() names the listener's address; say something a browser can open.
		_, port, _ := net.SplitHostPort(l.Addr().String())
		url = "http://127.0.0.1:" + port
	}

	fmt.Fprintf(stderr, "pushsim: listening on %s (%s)\n", l.Addr(), url)
	if w := exposureWarning(l.Addr()); w != "" {
		fmt.Fprintln(stderr, w)
	}
	fmt.Fprintf(stderr, "pushsim: clock %s, seed %d\n", clockKind, o.seed)
	fmt.Fprintf(stderr, "pushsim: control plane %s/_pushsim/health\n", url)
	for _, v := range s.Vendors() {
		fmt.Fprintf(stderr, "pushsim: %-8s %s/%s   (or Host: %s)\n", v, url, v, strings.Join(s.Vendor(v).Hosts(), ", "))
	}
	if o.tls.on {
		tsrv, err := startTLS(s, o.tls, stderr)
		if err != nil {
			shutdown(srv)
			return err
		}
		defer shutdown(tsrv)
	}

	if o.demo {
		demo, err := emulators.SeedDemo(s)
		if err != nil {
			shutdown(srv)
			return fmt.Errorf("demo: %w", err)
		}
		if o.manifest != "" {
			if err := applyManifest(s, &demo, o.manifest, stderr); err != nil {
				shutdown(srv)
				return err
			}
		}
		demo.URL = url
		for i := range demo.Vendors {
			demo.Vendors[i].BaseURL = url + "/" + demo.Vendors[i].Vendor
		}
		fmt.Fprintln(stdout, demo.Env())
		fmt.Fprintf(stderr, "pushsim: demo phones' shades: %s/_pushsim/devices/<name>/shade (e.g. alice-%s)\n", url, first(s.Vendors()))
	}
	if o.dispatcher {
		dsrv, err := startServeDispatcher(s, url, o, stdout, stderr)
		if err != nil {
			shutdown(srv)
			return err
		}
		defer shutdown(dsrv)
	}
	if o.readyFile != "" {
		if err := writeFileAtomic(o.readyFile, url+"\n"); err != nil {
			shutdown(srv)
			return fmt.Errorf("--ready-file: %w", err)
		}
	}

	<-ctx.Done()
	fmt.Fprintln(stderr, "pushsim: shutting down")
	return shutdown(srv)
}

// shutdown lets requests in flight finish for a short while, then closes.
func shutdown(srv *http.Server) error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// exposureWarning is what serve says when it listens beyond loopback ("" on
// loopback): it listens where told, but nobody should be surprised.
func exposureWarning(a net.Addr) string {
	if isLoopback(a) {
		return ""
	}
	return fmt.Sprintf("pushsim: WARNING: %s is not a loopback address: anyone who can reach this machine can use the emulators and the control plane, which has no authentication", a)
}

func isLoopback(a net.Addr) bool {
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func isUnspecified(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsUnspecified()
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// writeFileAtomic writes through a temporary file and a rename, so a reader
// polling for the file never sees it half written.
func writeFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pushsim-ready-*")
	if err != nil {
		return err
	}
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
