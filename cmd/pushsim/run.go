package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/pushsim/pushsim/harness"
	"github.com/pushsim/pushsim/harness/catalogue"
	"github.com/pushsim/pushsim/reports"
	"github.com/pushsim/pushsim/scenarios"
)

func init() { subcommands = append(subcommands, newRunCmd()) }

type runOptions struct {
	scenarios     string
	out           string
	parallel      int
	verbose       bool
	target        string
	emulatorsAddr string
	targetTimeout time.Duration
	printCerts    bool
	list          bool
	waivers       string
	sel           harness.Selection
}

func newRunCmd() *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the conformance suite against a dispatcher and write the reports",
		Long: `Run the conformance suite: every scenario on a fresh world with a virtual
clock. One line per scenario is printed as it finishes; report.json (schema
pushsim.report/v1), junit.xml, report.md and report.html are written to --out.
The exit status is non-zero when a scenario FAILs (a MUST rule broken) or a
scenario file is malformed; NON-STRICT (only SHOULD rules broken), INFO,
WAIVED and SKIPPED do not fail the run.

Targets (--target):
  builtin              the built-in dispatcher, in-process (default)
  http://HOST:PORT     a dispatcher that serves the driver protocol
                       (dispatcher/README.md), started before the run and
                       loaded with the certificates of --print-certs
  exec:'COMMAND'       a dispatcher pushsim starts (sh -c COMMAND) and stops;
                       it finds its configuration in the environment:
                       PUSHSIM_DRIVER_ADDR (where to listen), PUSHSIM_CERTS
                       (certificates file), PUSHSIM_DRIVER_CONFIG (URL of the
                       driver configuration), PUSHSIM_URL (the emulators)

For http and exec targets pushsim serves the emulators on --emulators-addr,
one fresh world per scenario under /s/<slot>/<vendor>, and skips the
scenarios that need the built-in dispatcher's internals.

Without --scenarios the suite built into pushsim runs; with it, every
*.yaml file under DIR (format: scenarios/README.md).`,
		Example: `  pushsim run --out out/
  pushsim run --vendor oppo --rule 'oppo.*' --label quota
  pushsim run --list --label smoke
  pushsim run --print-certs > suite-certs.json
  pushsim dispatcher --certs suite-certs.json &
  pushsim run --target http://127.0.0.1:4900 --out out/
  pushsim run --target exec:'pushsim dispatcher --certs $PUSHSIM_CERTS --addr $PUSHSIM_DRIVER_ADDR'
  pushsim run --waivers known-gaps.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSuite(cmd, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.scenarios, "scenarios", "", "directory of scenario files (default: the built-in suite)")
	f.StringVar(&o.out, "out", ".", "directory to write report.json, junit.xml, report.md and report.html to")
	f.IntVar(&o.parallel, "parallel", max(runtime.GOMAXPROCS(0), 4), "scenarios run at the same time")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "print the trace of failed scenarios")
	f.StringVar(&o.target, "target", "builtin", "dispatcher under test: builtin, http://HOST:PORT or exec:'COMMAND'")
	f.StringVar(&o.emulatorsAddr, "emulators-addr", "", "where the emulators listen for an http or exec target (default 127.0.0.1:4800 for http, a free port for exec)")
	f.DurationVar(&o.targetTimeout, "target-timeout", 30*time.Second, "how long an exec target may take to answer GET /v1/health")
	f.BoolVar(&o.printCerts, "print-certs", false, "print the certificates a black-box target must hold (for --emulators-addr) and exit")
	f.BoolVar(&o.list, "list", false, "print the selected scenarios without running them")
	f.StringVar(&o.waivers, "waivers", "", "expected failures: a YAML or JSON list of {id, reason}")
	f.StringSliceVar(&o.sel.Vendors, "vendor", nil, "select scenarios of these vendors (globs, repeatable)")
	f.StringSliceVar(&o.sel.Rules, "rule", nil, "select scenarios that check one of these rule ids (globs: 'oppo.*')")
	f.StringSliceVar(&o.sel.Labels, "label", nil, "select scenarios with one of these labels")
	f.StringSliceVar(&o.sel.IDs, "id", nil, "select scenarios by id (globs: 'im/*')")
	return cmd
}

// failedError is returned when the run has failures: the reports are
// written and the process exits non-zero.
type failedError struct{ failed, total int }

func (e *failedError) Error() string {
	return fmt.Sprintf("%d of %d scenarios failed", e.failed, e.total)
}

// target is where the scenarios' dispatcher calls go.
type target struct {
	name string
	opt  harness.Options
	stop func() error
}

func runSuite(cmd *cobra.Command, o runOptions) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()

	var fsys fs.FS = scenarios.FS
	if o.scenarios != "" {
		if st, err := os.Stat(o.scenarios); err != nil || !st.IsDir() {
			return fmt.Errorf("--scenarios %s: not a directory", o.scenarios)
		}
		fsys = os.DirFS(o.scenarios)
	}
	all, err := harness.LoadFS(fsys)
	var loadErrs harness.LoadErrors
	if err != nil && !errors.As(err, &loadErrs) {
		return err
	}
	var waivers harness.Waivers
	if o.waivers != "" {
		if waivers, err = harness.LoadWaivers(o.waivers); err != nil {
			return err
		}
		for _, w := range waivers.Unused(all) {
			fmt.Fprintf(stderr, "pushsim: waiver %q matches no scenario\n", w.ID)
		}
	}
	cat, err := catalogue.Default()
	if err != nil {
		fmt.Fprintf(stderr, "pushsim: %v\n", err) // levels still come from what is consistent
	}
	kind, err := targetKind(o.target)
	if err != nil {
		return err
	}
	selected := harness.Select(all, o.sel)
	if !o.sel.Empty() {
		kept := slices.DeleteFunc(slices.Clone(loadErrs), func(e *harness.LoadError) bool { return !selectsFile(o.sel, e.File) })
		if n := len(loadErrs) - len(kept); n > 0 {
			fmt.Fprintf(stderr, "pushsim: %d malformed scenario file(s) outside the selection are not reported\n", n)
		}
		loadErrs = kept
	}

	if o.printCerts {
		addr := o.emulatorsAddr
		if addr == "" {
			addr = defaultEmulatorsAddr
		}
		if strings.HasSuffix(addr, ":0") {
			return errors.New("--print-certs needs a fixed --emulators-addr: the certificates name it")
		}
		plan, err := harness.NewPlan(all, "http://"+addr)
		if err != nil {
			return err
		}
		b, err := plan.CertificatesFile()
		if err != nil {
			return err
		}
		_, err = stdout.Write(b)
		return err
	}
	if o.list {
		return listScenarios(stdout, selected, kind != "builtin", all)
	}
	if len(selected) == 0 && len(loadErrs) == 0 {
		return errors.New("no scenario matches the selection")
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return fmt.Errorf("--out: %w", err)
	}

	tg, err := startTarget(ctx, stderr, o, kind, all)
	if err != nil {
		return err
	}
	defer func() {
		if tg.stop != nil {
			if err := tg.stop(); err != nil {
				fmt.Fprintf(stderr, "pushsim: stopping the target: %v\n", err)
			}
		}
	}()
	tg.opt.Catalogue, tg.opt.Waivers = cat, waivers

	started := time.Now()
	run := reports.NewRun(reports.Tool{Name: "pushsim", Version: toolVersion()}, tg.name, started)
	for _, e := range loadErrs {
		// A malformed file is a failed result, so it shows in every report.
		res := reports.Result{ID: e.File, Title: "malformed scenario file", File: e.File, Vendor: vendorOfFile(e.File),
			Area: "file", Level: catalogue.MUST, Verdict: reports.Fail, Failures: []reports.Failure{{Message: e.Msg, Line: e.Line}}}
		printResult(stdout, res, o.verbose)
		run.Results = append(run.Results, res)
	}
	quiet := 0 // emulator checks skipped against a black-box target: not printed one by one
	results := harness.RunAll(ctx, selected, o.parallel, tg.opt, func(r reports.Result) {
		if tg.opt.BlackBox != nil && r.Verdict == reports.Skipped && strings.HasPrefix(r.Skip, harness.SkipEmulatorCheck) {
			quiet++
			return
		}
		printResult(stdout, r, o.verbose)
	})
	run.Results = append(run.Results, results...)
	run.Duration = reports.Duration(time.Since(started))
	run.Rules = rulesNamed(cat, run.Results)
	run.Summarize()

	paths, err := reports.WriteFiles(o.out, run)
	if err != nil {
		return err
	}
	if quiet > 0 {
		fmt.Fprintf(stdout, "SKIPPED    %d emulator checks: they drive no dispatcher (listed in the reports)\n", quiet)
	}
	fmt.Fprintf(stdout, "\n%s in %s; wrote %s\n", summaryText(run), run.Duration.Std().Round(time.Millisecond), strings.Join(paths, ", "))
	for _, r := range run.Results {
		if r.Stale() {
			fmt.Fprintf(stderr, "pushsim: %s is waived but passes: the waiver can go\n", r.ID)
		}
	}
	if run.Failed() {
		return &failedError{run.Summary.Counts[reports.Fail], run.Summary.Total}
	}
	return ctx.Err()
}

const defaultEmulatorsAddr = "127.0.0.1:4800"

func targetKind(t string) (string, error) {
	switch {
	case t == "" || t == "builtin":
		return "builtin", nil
	case strings.HasPrefix(t, "http://") || strings.HasPrefix(t, "https://"):
		return "http", nil
	case strings.HasPrefix(t, "exec:"):
		if strings.TrimSpace(strings.TrimPrefix(t, "exec:")) == "" {
			return "", errors.New("--target exec: needs a command")
		}
		return "exec", nil
	}
	return "", fmt.Errorf("--target %q: want builtin, http://HOST:PORT or exec:'COMMAND'", t)
}

// selectsFile keeps a malformed file in a selected run when the selection
// is by vendor only and its folder is one of them: it cannot be matched on
// the rules, labels or id it failed to declare.
func selectsFile(sel harness.Selection, file string) bool {
	return len(sel.Rules)+len(sel.Labels)+len(sel.IDs) == 0 && catalogue.MatchAny(sel.Vendors, vendorOfFile(file))
}

// startTarget prepares the dispatcher under test. For http and exec targets
// it serves the emulators of a black-box plan first.
func startTarget(ctx context.Context, stderr io.Writer, o runOptions, kind string, all []*harness.Scenario) (*target, error) {
	if kind == "builtin" {
		return &target{name: "builtin"}, nil
	}
	addr := o.emulatorsAddr
	if addr == "" {
		addr = defaultEmulatorsAddr
		if kind == "exec" {
			addr = "127.0.0.1:0"
		}
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("emulators: listen on %s: %w", addr, err)
	}
	emuURL := "http://" + l.Addr().String()
	plan, err := harness.NewPlan(all, emuURL)
	if err != nil {
		l.Close()
		return nil, err
	}
	srv := &http.Server{Handler: plan, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(l) //nolint:errcheck // ends with ErrServerClosed at shutdown
	fmt.Fprintf(stderr, "pushsim: emulators on %s (driver configuration: %s/_pushsim/driver/config)\n", emuURL, emuURL)
	stopEmulators := func() error { return shutdown(srv) }

	tg := &target{name: o.target, stop: stopEmulators}
	driverURL := strings.TrimRight(o.target, "/")
	if kind == "exec" {
		proc, url, err := startExec(ctx, stderr, o, plan, emuURL)
		if err != nil {
			stopEmulators()
			return nil, err
		}
		driverURL = url
		tg.stop = func() error {
			err := proc.stop()
			return errors.Join(err, stopEmulators())
		}
	}
	client := &http.Client{Timeout: 2 * time.Minute}
	if err := checkTarget(ctx, driverURL, client, plan); err != nil {
		_ = tg.stop()
		return nil, err
	}
	tg.opt = harness.Options{BlackBox: plan, NewDispatcher: harness.DriverTarget(driverURL, client), Timeout: 2 * time.Minute}
	return tg, nil
}

// checkTarget asks the target for its health and, when it lists its
// certificates, makes sure it holds the plan's.
func checkTarget(ctx context.Context, url string, client *http.Client, plan *harness.Plan) error {
	d := &harness.Driver{URL: url, Client: client}
	hctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	held, err := d.Health(hctx)
	if err != nil {
		return fmt.Errorf("target %s: GET /v1/health: %w", url, err)
	}
	if held == nil {
		return nil // it does not say; the scenarios will
	}
	var missing []string
	for _, c := range plan.Certificates() {
		if v, ok := held[c.BusinessID]; !ok || v != c.Vendor {
			missing = append(missing, fmt.Sprintf("%d (%s)", c.BusinessID, c.Vendor))
		}
	}
	if len(missing) > 0 {
		more := ""
		if len(missing) > 5 {
			more = fmt.Sprintf(" and %d more", len(missing)-5)
			missing = missing[:5]
		}
		return fmt.Errorf("target %s does not hold the suite's certificates %s%s: load the file `pushsim run --print-certs --emulators-addr %s` prints (the emulators' address is part of it)",
			url, strings.Join(missing, ", "), more, strings.TrimPrefix(plan.URL(), "http://"))
	}
	return nil
}

func listScenarios(w io.Writer, selected []*harness.Scenario, blackBox bool, all []*harness.Scenario) error {
	var plan *harness.Plan
	if blackBox {
		var err error
		if plan, err = harness.NewPlan(all, "http://"+defaultEmulatorsAddr); err != nil {
			return err
		}
	}
	runs := 0
	for _, s := range selected {
		why := s.Skip
		if why == "" && plan != nil {
			why = plan.Skip(s.ID)
		}
		mark := "run "
		if why != "" {
			mark = "skip"
		} else {
			runs++
		}
		fmt.Fprintf(w, "%s  %-46s %-7s %-16s %s\n", mark, s.ID, harness.VendorOf(s), harness.AreaOf(s), strings.Join(s.Rules, ","))
		if why != "" {
			fmt.Fprintf(w, "      %s\n", why)
		}
	}
	fmt.Fprintf(w, "\n%d scenarios selected, %d would run\n", len(selected), runs)
	return nil
}

// rulesNamed are the catalogue entries the results name, in catalogue order.
func rulesNamed(cat *catalogue.Catalogue, results []reports.Result) []reports.Rule {
	named := map[string]bool{}
	for _, r := range results {
		for _, id := range r.Rules {
			named[id] = true
		}
	}
	var out []reports.Rule
	for _, r := range cat.Rules() {
		if named[r.ID] {
			out = append(out, r)
		}
	}
	return out
}

func printResult(w io.Writer, r reports.Result, verbose bool) {
	verdict := string(r.Verdict)
	fmt.Fprintf(w, "%-10s %-44s %7s  %s\n", verdict, r.ID, r.Duration.Std().Round(100*time.Microsecond), oneLine(r.Title, 90))
	switch {
	case r.Verdict == reports.Skipped:
		fmt.Fprintf(w, "           skipped: %s\n", r.Skip)
		return
	case r.Waiver != nil && r.Verdict == reports.Waived:
		fmt.Fprintf(w, "           waived: %s\n", r.Waiver.Reason)
	case r.Stale():
		fmt.Fprintf(w, "           waived (%s), but passes\n", r.Waiver.Reason)
	}
	if len(r.Failures) == 0 || r.Verdict == reports.Pass {
		return
	}
	for _, f := range r.Failures {
		loc := r.File
		if f.Line > 0 {
			loc += fmt.Sprintf(":%d", f.Line)
		}
		step := ""
		if f.Step > 0 {
			step = fmt.Sprintf("step %d: ", f.Step)
		}
		fmt.Fprintf(w, "           %s: %s%s\n", loc, step, f.Message)
	}
	if verbose && len(r.Trace) > 0 {
		for _, line := range strings.Split(strings.TrimRight(reports.TraceText(r.Trace), "\n"), "\n") {
			fmt.Fprintf(w, "             %s\n", line)
		}
	}
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func summaryText(run *reports.Run) string {
	parts := []string{fmt.Sprintf("%d scenarios", run.Summary.Total)}
	for _, v := range reports.Verdicts {
		if n := run.Summary.Counts[v]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, v))
		}
	}
	return strings.Join(parts, ", ")
}

func vendorOfFile(file string) string {
	dir, _, ok := strings.Cut(filepath.ToSlash(file), "/")
	if !ok {
		return ""
	}
	return dir
}

// toolVersion is the module version pushsim was built as, with the commit
// when the build recorded one.
func toolVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "dev"
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += "+" + s.Value[:12]
		}
	}
	return v
}
