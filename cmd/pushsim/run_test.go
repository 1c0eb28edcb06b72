package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/reports"
)

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newRunCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	cmd.SilenceUsage = true
	err := cmd.Execute()
	return out.String(), err
}

// line is how pushsim run starts a scenario's line.
func line(verdict, id string) string { return fmt.Sprintf("%-10s %s", verdict, id) }

func TestRunBuiltInSuite(t *testing.T) {
	out := t.TempDir()
	stdout, err := runCmd(t, "--out", out)
	if err != nil {
		t.Fatalf("pushsim run: %v\n%s", err, stdout)
	}
	if !strings.Contains(stdout, line("PASS", "xiaomi/auth/secret")) || !strings.Contains(stdout, "wrote "+filepath.Join(out, "report.json")) {
		t.Errorf("output:\n%s", stdout)
	}
	f, err := os.Open(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	run, err := reports.ReadJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	if run.Summary.Total < 150 || run.Summary.Counts[reports.Fail]+run.Summary.Counts[reports.NonStrict] > 0 || run.Summary.Counts[reports.Pass] < 140 || run.Target != "builtin" {
		t.Errorf("summary = %+v", run.Summary)
	}
	if b, err := os.ReadFile(filepath.Join(out, "junit.xml")); err != nil || xml.Unmarshal(b, new(struct{})) != nil {
		t.Errorf("junit.xml: %v", err)
	}
	for _, f := range []string{"report.md", "report.html"} {
		if b, err := os.ReadFile(filepath.Join(out, f)); err != nil || len(b) == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if len(run.Rules) < 100 {
		t.Errorf("the report carries %d rules, want the catalogue entries the scenarios name", len(run.Rules))
	}
}

func TestRunFailsOnAFailureOrAMalformedFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	head := "title: t\nrules: [xiaomi.auth.secret]\ngiven:\n  apps: [{vendor: xiaomi, name: chat}]\n  phones: [{name: p, app: chat}]\n"
	write("xiaomi/ok.yaml", "id: xiaomi/ok\n"+head+"steps:\n  - push: {to: p, title: a, body: b}\nexpect: {phone: {p: {count: 1}}}\n")
	write("xiaomi/wrong.yaml", "id: xiaomi/wrong\n"+head+"steps:\n  - push: {to: p, title: a, body: b}\nexpect: {phone: {p: nothing}}\n")
	write("xiaomi/broken.yaml", "id: xiaomi/broken\n"+head+"steps:\n  - pusj: {}\n")
	out := filepath.Join(t.TempDir(), "nested", "out")
	stdout, err := runCmd(t, "--scenarios", dir, "--out", out, "--parallel", "2", "-v")
	var failed *failedError
	if !errors.As(err, &failed) || err.Error() != "2 of 3 scenarios failed" {
		t.Fatalf("err = %v\n%s", err, stdout)
	}
	for _, want := range []string{
		line("PASS", "xiaomi/ok"),
		line("FAIL", "xiaomi/wrong"),
		"xiaomi/wrong.yaml:9: p: shows 1 notification (\"a\"), want nothing",
		line("FAIL", "xiaomi/broken.yaml"),
		`xiaomi/broken.yaml:8: unknown step "pusj"`,
		"POST pushsim.invalid/xiaomi/v3/message/regid", // -v prints the trace
		"3 scenarios, 1 PASS, 2 FAIL",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	for _, f := range []string{"report.json", "junit.xml"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
}

func TestRunRejectsAMissingDirectory(t *testing.T) {
	if _, err := runCmd(t, "--scenarios", filepath.Join(t.TempDir(), "nope")); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("err = %v", err)
	}
}

// TestMain lets the test binary stand in for the pushsim binary: with
// PUSHSIM_TEST_MAIN=1 it runs the command line it was given (an exec:
// target starts it as `pushsim dispatcher ...`).
func TestMain(m *testing.M) {
	if os.Getenv("PUSHSIM_TEST_MAIN") == "1" {
		root := newRootCmd()
		root.SetArgs(os.Args[1:])
		if err := root.Execute(); err != nil {
			fmt.Fprintln(os.Stderr, "pushsim:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestRunListAndSelection(t *testing.T) {
	stdout, err := runCmd(t, "--list", "--vendor", "oppo", "--rule", "im.*")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "run   im/oppo/channel-message-or-certificate") || strings.Contains(stdout, "im/xiaomi/") || strings.Contains(stdout, "oppo/auth/") {
		t.Errorf("--vendor oppo --rule 'im.*':\n%s", stdout)
	}
	// Against a black-box target --list says what would be skipped and why.
	stdout, err = runCmd(t, "--list", "--target", "http://127.0.0.1:1", "--id", "xiaomi/auth/*", "--id", "im/xiaomi/retry-backoff", "--id", "im/xiaomi/kick-no-push")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"skip  xiaomi/auth/secret", "drives no dispatcher", "skip  im/xiaomi/retry-backoff", "im.retry.backoff waits", "run   im/xiaomi/kick-no-push", "3 scenarios selected, 1 would run"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("--list lacks %q:\n%s", want, stdout)
		}
	}
	if _, err := runCmd(t, "--label", "no-such-label"); err == nil || !strings.Contains(err.Error(), "no scenario matches") {
		t.Errorf("empty selection: %v", err)
	}
	if _, err := runCmd(t, "--target", "ftp://x"); err == nil {
		t.Error("a bad --target must be refused")
	}
}

func TestRunWaivers(t *testing.T) {
	dir := t.TempDir()
	head := "title: t\nrules: [xiaomi.auth.secret]\ngiven:\n  apps: [{vendor: xiaomi, name: chat}]\n  phones: [{name: p, app: chat}]\nsteps:\n  - push: {to: p, title: a, body: b}\n"
	for name, body := range map[string]string{
		"xiaomi/known.yaml": "id: xiaomi/known\n" + head + "expect: {phone: {p: nothing}}\n",
		"xiaomi/fixed.yaml": "id: xiaomi/fixed\n" + head + "expect: {phone: {p: {count: 1}}}\n",
	} {
		if err := os.MkdirAll(filepath.Join(dir, "xiaomi"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	waivers := filepath.Join(t.TempDir(), "waivers.yaml")
	if err := os.WriteFile(waivers, []byte("- {id: xiaomi/known, reason: the fix lands in 2.1}\n- {id: xiaomi/fixed, reason: was broken}\n- {id: xiaomi/typo, reason: x}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	stdout, err := runCmd(t, "--scenarios", dir, "--waivers", waivers, "--out", out)
	if err != nil {
		t.Fatalf("a waived failure must not fail the run: %v\n%s", err, stdout)
	}
	for _, want := range []string{line("WAIVED", "xiaomi/known"), "waived: the fix lands in 2.1", line("PASS", "xiaomi/fixed"), "waived (was broken), but passes",
		`waiver "xiaomi/typo" matches no scenario`, "xiaomi/fixed is waived but passes: the waiver can go"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil || !strings.Contains(string(b), "🔕 1 WAIVED") {
		t.Errorf("report.md: %v\n%s", err, b)
	}
}

func TestRulesCommand(t *testing.T) {
	cmd := newRulesCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"--vendor", "im", "--json"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Rules []struct {
			ID, Vendor, Level, Source string
			Scenarios                 []string
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range doc.Rules {
		if r.Vendor != "im" {
			t.Errorf("--vendor im listed %s", r.ID)
		}
		if r.ID == "im.kick.no-push" {
			found = r.Level == "MUST" && strings.Contains(r.Source, "概述") && slices.Contains(r.Scenarios, "im/xiaomi/kick-no-push")
		}
	}
	if !found {
		t.Errorf("im.kick.no-push is not listed with its level, source and scenario:\n%s", out.String())
	}
	out.Reset()
	cmd = newRulesCmd()
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"--rule", "xiaomi.auth.*"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "xiaomi.auth.secret") || !strings.Contains(out.String(), "MUST") || strings.Contains(out.String(), "im.") {
		t.Errorf("text:\n%s", out.String())
	}
}

func TestReportDiffIsAReleaseGate(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, verdicts map[string]reports.Verdict) string {
		run := reports.NewRun(reports.Tool{Name: "pushsim"}, "builtin", time.Now())
		for _, id := range []string{"a", "b", "c"} {
			if v, ok := verdicts[id]; ok {
				run.Add(reports.Result{ID: id, Verdict: v})
			}
		}
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := reports.WriteJSON(f, run); err != nil {
			t.Fatal(err)
		}
		return p
	}
	base := write("base.json", map[string]reports.Verdict{"a": reports.Pass, "b": reports.Fail, "c": reports.Pass})
	better := write("better.json", map[string]reports.Verdict{"a": reports.Pass, "b": reports.Pass, "c": reports.Pass})
	worse := write("worse.json", map[string]reports.Verdict{"a": reports.Fail, "b": reports.Fail, "c": reports.Pass})
	diff := func(old, cur string) (string, error) {
		cmd := newReportCmd()
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		cmd.SetArgs([]string{"diff", old, cur})
		err := cmd.Execute()
		return out.String(), err
	}
	if out, err := diff(base, better); err != nil || !strings.Contains(out, "better (1):") {
		t.Errorf("better: %v\n%s", err, out)
	}
	out, err := diff(base, worse)
	var nf *newFailError
	if !errors.As(err, &nf) || !strings.Contains(out, "! PASS       → FAIL       a") {
		t.Errorf("a new FAIL must fail the gate: %v\n%s", err, out)
	}
	// An old FAIL that is still there is not new.
	if _, err := diff(worse, worse); err != nil {
		t.Errorf("same run: %v", err)
	}
	if _, err := diff(base, filepath.Join(dir, "missing.json")); err == nil {
		t.Error("a missing file must be an error")
	}
}

// TestRunAgainstAnHTTPTarget is the documented release flow in one test:
// print the certificates, start a dispatcher with them, run the IM
// scenarios through --target http, and get the verdicts of --target builtin.
func TestRunAgainstAnHTTPTarget(t *testing.T) {
	emuAddr := freeTestAddr(t)
	certs, err := runCmd(t, "--print-certs", "--emulators-addr", emuAddr)
	if err != nil {
		t.Fatal(err)
	}
	list, err := dispatcher.ParseCertificates("suite-certs.json", []byte(certs))
	if err != nil {
		t.Fatalf("--print-certs output does not load as a certificates file: %v", err)
	}
	d, err := dispatcher.New(dispatcher.Config{Certificates: list})
	if err != nil {
		t.Fatal(err)
	}
	target := httptest.NewServer(d.Handler())
	defer target.Close()

	builtinOut, blackOut := t.TempDir(), t.TempDir()
	if out, err := runCmd(t, "--id", "im/*", "--out", builtinOut); err != nil {
		t.Fatalf("builtin: %v\n%s", err, out)
	}
	out, err := runCmd(t, "--id", "im/*", "--target", target.URL, "--emulators-addr", emuAddr, "--out", blackOut)
	if err != nil {
		t.Fatalf("--target %s: %v\n%s", target.URL, err, out)
	}
	sameVerdicts(t, filepath.Join(builtinOut, "report.json"), filepath.Join(blackOut, "report.json"), target.URL)

	// A target without the suite's certificates is refused before anything runs.
	empty, err := dispatcher.New(dispatcher.Config{})
	if err != nil {
		t.Fatal(err)
	}
	bare := httptest.NewServer(empty.Handler())
	defer bare.Close()
	if _, err := runCmd(t, "--id", "im/*", "--target", bare.URL, "--emulators-addr", freeTestAddr(t), "--out", t.TempDir()); err == nil || !strings.Contains(err.Error(), "does not hold the suite's certificates") {
		t.Errorf("bare target: %v", err)
	}
}

// TestRunAgainstAnExecTarget starts `pushsim dispatcher` (this test binary)
// as the target from its environment and stops it after the run.
func TestRunAgainstAnExecTarget(t *testing.T) {
	t.Setenv("PUSHSIM_TEST_MAIN", "1")
	out := t.TempDir()
	cmd := `exec:'` + os.Args[0] + `' dispatcher --certs "$PUSHSIM_CERTS" --addr "$PUSHSIM_DRIVER_ADDR"`
	stdout, err := runCmd(t, "--id", "im/xiaomi/*", "--id", "im/oppo/*", "--target", cmd, "--out", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if !strings.Contains(stdout, line("PASS", "im/xiaomi/kick-no-push")) || !strings.Contains(stdout, line("SKIPPED", "im/xiaomi/retry-backoff")) {
		t.Errorf("output:\n%s", stdout)
	}
	log, err := os.ReadFile(filepath.Join(out, "target.log"))
	if err != nil || !strings.Contains(string(log), "dispatcher listening on") || !strings.Contains(string(log), "shutting down") {
		t.Errorf("target.log (the target must have been started and stopped): %v\n%s", err, log)
	}
	// A command that never serves is reported with its output.
	_, err = runCmd(t, "--id", "im/xiaomi/*", "--target", "exec:echo no server here; exit 3", "--out", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "no server here") {
		t.Errorf("dead target: %v", err)
	}
}

func sameVerdicts(t *testing.T, builtinPath, blackPath, target string) {
	t.Helper()
	read := func(p string) *reports.Run {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		run, err := reports.ReadJSON(f)
		if err != nil {
			t.Fatal(err)
		}
		return run
	}
	b, x := read(builtinPath), read(blackPath)
	if x.Target != target || len(b.Results) != len(x.Results) {
		t.Fatalf("target %q, %d vs %d results", x.Target, len(b.Results), len(x.Results))
	}
	byID := map[string]reports.Result{}
	for _, r := range b.Results {
		byID[r.ID] = r
	}
	ran := 0
	for _, r := range x.Results {
		if r.Verdict == reports.Skipped {
			continue
		}
		ran++
		if want := byID[r.ID].Verdict; r.Verdict != want {
			t.Errorf("%s: %s through the target, %s built in: %v", r.ID, r.Verdict, want, r.Failures)
		}
	}
	if ran < 25 {
		t.Errorf("only %d IM scenarios ran through the target", ran)
	}
}

func freeTestAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
