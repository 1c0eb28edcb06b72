package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/pushsim/pushsim/harness"
	"github.com/pushsim/pushsim/reports"
	"github.com/pushsim/pushsim/scenarios"
)

func init() { subcommands = append(subcommands, newRunCmd()) }

type runOptions struct {
	scenarios string
	out       string
	parallel  int
	verbose   bool
}

func newRunCmd() *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the scenario suite against the built-in dispatcher and write report.json and junit.xml",
		Long: `Run the scenario suite: every scenario on a fresh in-process world with a
virtual clock, the built-in dispatcher wired to the emulators. One line per
scenario is printed as it finishes; report.json (schema pushsim.report/v1)
and junit.xml are written to --out. The exit status is non-zero when a
scenario fails or a scenario file is malformed.

Without --scenarios the suite built into pushsim runs; with it, every
*.yaml file under DIR (format: scenarios/README.md).`,
		Example: `  pushsim run
  pushsim run --scenarios ./my-scenarios --out out/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSuite(cmd, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.scenarios, "scenarios", "", "directory of scenario files (default: the built-in suite)")
	f.StringVar(&o.out, "out", ".", "directory to write report.json and junit.xml to")
	f.IntVar(&o.parallel, "parallel", runtime.GOMAXPROCS(0), "scenarios run at the same time")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "print the trace of failed scenarios")
	return cmd
}

// failedError is returned when the run has failures: the reports are
// written and the process exits non-zero.
type failedError struct{ failed, total int }

func (e *failedError) Error() string {
	return fmt.Sprintf("%d of %d scenarios failed", e.failed, e.total)
}

func runSuite(cmd *cobra.Command, o runOptions) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stdout := cmd.OutOrStdout()

	var fsys fs.FS = scenarios.FS
	if o.scenarios != "" {
		if st, err := os.Stat(o.scenarios); err != nil || !st.IsDir() {
			return fmt.Errorf("--scenarios %s: not a directory", o.scenarios)
		}
		fsys = os.DirFS(o.scenarios)
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	list, err := harness.LoadFS(fsys)
	var loadErrs harness.LoadErrors
	if err != nil && !errors.As(err, &loadErrs) {
		return err
	}

	started := time.Now()
	run := reports.NewRun(reports.Tool{Name: "pushsim", Version: toolVersion()}, "builtin", started)
	byID := map[string]*harness.Scenario{}
	for _, s := range list {
		byID[s.ID] = s
	}
	for _, e := range loadErrs {
		// A malformed file is a failed result, so it shows in both reports.
		res := reports.Result{ID: e.File, Title: "malformed scenario file", File: e.File, Vendor: vendorOfFile(e.File),
			Verdict: reports.Fail, Failures: []reports.Failure{{Message: e.Msg, Line: e.Line}}}
		printResult(stdout, res, nil, o.verbose)
		run.Results = append(run.Results, res)
	}
	results := harness.RunAll(ctx, list, o.parallel, harness.Options{}, func(r reports.Result) {
		printResult(stdout, r, byID[r.ID], o.verbose)
	})
	run.Results = append(run.Results, results...)
	run.Duration = reports.Duration(time.Since(started))
	run.Summarize()

	jsonPath, junitPath := filepath.Join(o.out, "report.json"), filepath.Join(o.out, "junit.xml")
	if err := writeFile(jsonPath, func(w io.Writer) error { return reports.WriteJSON(w, run) }); err != nil {
		return err
	}
	if err := writeFile(junitPath, func(w io.Writer) error { return reports.WriteJUnit(w, run) }); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%s in %s; wrote %s and %s\n", summaryText(run), run.Duration.Std().Round(time.Millisecond), jsonPath, junitPath)
	if run.Failed() {
		return &failedError{run.Summary.Counts[reports.Fail], run.Summary.Total}
	}
	return ctx.Err()
}

func printResult(w io.Writer, r reports.Result, s *harness.Scenario, verbose bool) {
	fmt.Fprintf(w, "%-7s %-44s %7s  %s\n", r.Verdict, r.ID, r.Duration.Std().Round(100*time.Microsecond), oneLine(r.Title, 90))
	if r.Verdict != reports.Fail {
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
		fmt.Fprintf(w, "        %s: %s%s\n", loc, step, f.Message)
	}
	if verbose && len(r.Trace) > 0 {
		for _, line := range strings.Split(strings.TrimRight(reports.TraceText(r.Trace), "\n"), "\n") {
			fmt.Fprintf(w, "          %s\n", line)
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

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
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
