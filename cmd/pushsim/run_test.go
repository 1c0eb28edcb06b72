package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	if run.Summary.Total < 12 || run.Summary.Counts[reports.Pass]+run.Summary.Counts[reports.Info] != run.Summary.Total || run.Target != "builtin" {
		t.Errorf("summary = %+v", run.Summary)
	}
	if b, err := os.ReadFile(filepath.Join(out, "junit.xml")); err != nil || xml.Unmarshal(b, new(struct{})) != nil {
		t.Errorf("junit.xml: %v", err)
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
