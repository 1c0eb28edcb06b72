package harness_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/harness"
	"github.com/pushsim/pushsim/reports"
	"github.com/pushsim/pushsim/scenarios"
)

// blackBox serves a plan of the suite on loopback and a `pushsim
// dispatcher` (dispatcher.Handler) loaded with its certificates, as a user
// would run them in two processes.
func blackBox(t *testing.T, all []*harness.Scenario) (harness.Options, *harness.Plan) {
	t.Helper()
	emu := httptest.NewUnstartedServer(nil)
	plan, err := harness.NewPlan(all, "http://"+emu.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	emu.Config.Handler = plan
	emu.Start()
	t.Cleanup(emu.Close)

	// The dispatcher reads the certificates file the plan prints, as
	// `pushsim dispatcher --certs` would.
	file, err := plan.CertificatesFile()
	if err != nil {
		t.Fatal(err)
	}
	certs, err := dispatcher.ParseCertificates("suite-certs.json", file)
	if err != nil {
		t.Fatalf("the plan's certificates file does not load: %v", err)
	}
	d, err := dispatcher.New(dispatcher.Config{Certificates: certs, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	target := httptest.NewServer(d.Handler())
	t.Cleanup(target.Close)
	return harness.Options{BlackBox: plan, NewDispatcher: harness.DriverTarget(target.URL, target.Client()), Timeout: time.Minute}, plan
}

// TestBlackBoxGivesTheBuiltinVerdicts runs the whole built-in suite twice:
// in-process against the built-in dispatcher, and over the driver protocol
// against `pushsim dispatcher` on loopback. Every scenario that runs
// black-box must come to the same verdict; the others must be SKIPPED with
// the reason the plan gives.
func TestBlackBoxGivesTheBuiltinVerdicts(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite twice")
	}
	all, err := harness.LoadFS(scenarios.FS)
	var le harness.LoadErrors
	if err != nil && !errors.As(err, &le) {
		t.Fatal(err)
	}
	ctx := context.Background()
	opt, plan := blackBox(t, all)
	// Only what runs black-box needs running twice; the rest must come
	// back SKIPPED with the plan's reason.
	var both []*harness.Scenario
	for _, s := range all {
		if plan.Skip(s.ID) == "" {
			both = append(both, s)
		}
	}
	builtin := harness.RunAll(ctx, both, 8, harness.Options{}, nil)
	black := harness.RunAll(ctx, all, 8, opt, nil)
	byID := map[string]reports.Result{}
	for _, r := range builtin {
		byID[r.ID] = r
	}

	ran := 0
	for i, s := range all {
		x := black[i]
		if why := plan.Skip(s.ID); why != "" {
			if x.Verdict != reports.Skipped || x.Skip != why {
				t.Errorf("%s: black-box %s (%s), want SKIPPED: %s", s.ID, x.Verdict, x.Skip, why)
			}
			continue
		}
		ran++
		if b := byID[s.ID]; b.Verdict != x.Verdict {
			t.Errorf("%s: builtin %s, black-box %s\nbuiltin: %v\nblack-box: %v\n%s", s.ID, b.Verdict, x.Verdict, b.Failures, x.Failures, harness.FailureText(s, x))
		}
	}
	if ran < 25 {
		t.Errorf("only %d scenarios ran black-box, want at least the 25 IM ones", ran)
	}
	t.Logf("%d of %d scenarios ran black-box with the built-in verdicts", ran, len(all))
}

// TestBlackBoxTrace checks that what a black-box target sends the
// emulators lands in the scenario's trace, hop by hop, and that users are
// namespaced on the target.
func TestBlackBoxTrace(t *testing.T) {
	s, err := harness.Parse("im/t.yaml", []byte(`id: im/t
title: t
rules: [im.logout.no-push]
given:
  apps:   [{vendor: xiaomi, name: chat}]
  phones: [{name: alice-phone, app: chat, user: alice}]
steps:
  - login: alice-phone
  - background: alice-phone
  - send: {from: bob, to: alice, text: hi}
expect:
  outcome: {alice-phone: sent}
  phone: {alice-phone: {title: bob, body: hi}}
`))
	if err != nil {
		t.Fatal(err)
	}
	opt, _ := blackBox(t, []*harness.Scenario{s})
	res := harness.Run(context.Background(), s, opt)
	if res.Verdict != reports.Pass {
		t.Fatalf("verdict %s: %s", res.Verdict, harness.FailureText(s, res))
	}
	var kinds []string
	for _, e := range res.Trace {
		if e.Step == 3 {
			kinds = append(kinds, e.Kind)
		}
	}
	if got := strings.Join(kinds, " "); got != "step request response outcome ledger shade" {
		t.Errorf("step 3 hops: %s", got)
	}
	text := reports.TraceText(res.Trace)
	if !strings.Contains(text, "/s/1/xiaomi/v3/message/regid") || !strings.Contains(text, "alice/alice-phone: sent") {
		t.Errorf("trace:\n%s", text)
	}
}

func TestPlanServesTheDriverConfiguration(t *testing.T) {
	all, err := harness.LoadFS(scenarios.FS)
	var le harness.LoadErrors
	if err != nil && !errors.As(err, &le) {
		t.Fatal(err)
	}
	plan, err := harness.NewPlan(all, "http://127.0.0.1:4800")
	if err != nil {
		t.Fatal(err)
	}
	again, err := harness.NewPlan(all, "http://127.0.0.1:4800")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := plan.CertificatesFile()
	b, _ := again.CertificatesFile()
	if string(a) != string(b) {
		t.Fatal("two plans of the same suite hold different certificates: a target configured from one cannot serve the other")
	}

	rec := httptest.NewRecorder()
	plan.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_pushsim/driver/config", nil))
	var cfg harness.DriverConfig
	if err := json.Unmarshal(rec.Body.Bytes(), &cfg); err != nil || cfg.Schema != harness.DriverConfigSchema {
		t.Fatalf("config: %v %s", err, rec.Body.String())
	}
	if len(cfg.Certificates) == 0 || len(cfg.Scenarios) != len(all) || cfg.Emulators != "http://127.0.0.1:4800" {
		t.Fatalf("config: %d certificates, %d scenarios, emulators %s", len(cfg.Certificates), len(cfg.Scenarios), cfg.Emulators)
	}
	for _, c := range cfg.Certificates {
		base, _ := c["base_url"].(string)
		if !strings.HasPrefix(base, "http://127.0.0.1:4800/s/") {
			t.Errorf("certificate %v: base_url %q", c["business_id"], base)
		}
	}
	// A slot with no scenario running answers 503, not a stale world.
	rec = httptest.NewRecorder()
	plan.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/s/1/xiaomi/v3/message/regid", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("idle slot: HTTP %d", rec.Code)
	}
}

func TestBlackBoxSkip(t *testing.T) {
	head := "id: t/x\ntitle: t\nrules: [im.logout.no-push]\ngiven:\n  apps: [{vendor: xiaomi, name: chat}]\n  phones: [{name: p, app: chat, user: alice}]\n"
	for _, tc := range []struct {
		name, body, want string
	}{
		{"drives the dispatcher", "steps:\n  - login: p\n  - send: {from: b, to: alice, text: x}\n", ""},
		{"emulator only", "steps:\n  - push: {to: p, title: a, body: b}\n", "built-in xiaomi client"},
		{"request only", "steps:\n  - request: {path: /v3/message/regid, form: {a: b}}\n", "drives no dispatcher"},
		{"marked", "needs: builtin\nsteps:\n  - login: p\n", "needs: builtin"},
		{"attempts", "steps:\n  - login: p\n  - send: {from: b, to: alice, text: x}\nexpect:\n  outcome: {p: {attempts: 2}}\n", "retry attempts"},
		{"clock moved", "steps:\n  - login: p\n  - advance: 1h\n  - send: {from: b, to: alice, text: x}\n", "clock"},
		{"clock after the last send", "steps:\n  - login: p\n  - send: {from: b, to: alice, text: x}\n  - advance: 1h\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := harness.Parse("t.yaml", []byte(head+tc.body))
			if err != nil {
				t.Fatal(err)
			}
			got := harness.BlackBoxSkip(s)
			if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
				t.Errorf("BlackBoxSkip = %q, want %q", got, tc.want)
			}
		})
	}
}
