package harness

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/dispatcher/push"
	"github.com/pushsim/pushsim/reports"
)

func mustParse(t *testing.T, yaml string) *Scenario {
	t.Helper()
	s, err := Parse("t.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const xiaomiHead = `id: t/x
title: t
rules: [xiaomi.auth.secret]
given:
  apps:   [{vendor: xiaomi, name: chat}]
  phones: [{name: alice-phone, app: chat, user: alice}]
`

func failures(res reports.Result) string {
	var b strings.Builder
	for _, f := range res.Failures {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}

func TestRunPasses(t *testing.T) {
	s := mustParse(t, xiaomiHead+`steps:
  - push: {to: alice-phone, title: Hi, body: there, channel: high_im}
expect:
  result: {alice-phone: {kind: sent, code: 0}}
  phone: {alice-phone: {count: 1, title: Hi, body: there, channel: high_im}}
  ledger: [{kind: request, verdict: accepted, phone: alice-phone, count: 1}]
`)
	res := Run(context.Background(), s, Options{})
	if res.Verdict != reports.Pass {
		t.Fatalf("verdict %s:\n%s\n%s", res.Verdict, failures(res), reports.TraceText(res.Trace))
	}
	if res.ID != "t/x" || res.Vendor != "xiaomi" || res.File != "t.yaml" || res.Duration <= 0 {
		t.Errorf("result header = %+v", res)
	}
	trace := reports.TraceText(res.Trace)
	for _, want := range []string{"push through xiaomi/chat", "POST pushsim.invalid/xiaomi/v3/message/regid", "title=Hi", `"code":0`, "xiaomi request accepted", `alice-phone shows "Hi": "there"`, "Authorization: key="} {
		if !strings.Contains(trace, want) {
			t.Errorf("trace lacks %q:\n%s", want, trace)
		}
	}
}

// TestRunReportsEveryBrokenExpectation: the checks are not vacuous, and each
// failure says what was found, on the expectation's line.
func TestRunReportsEveryBrokenExpectation(t *testing.T) {
	s := mustParse(t, xiaomiHead+`steps:
  - push: {to: alice-phone, title: Hi, body: there, channel: high_im}
  - request:
      path: /v3/message/regid
      headers: {Authorization: key=wrong}
      form: {registration_id: "${alice-phone.token}", title: a, description: b}
expect:
  - result: {alice-phone: {kind: rejected, code: 22022}}
    response: {status: 201, code: 0, json: {result: ok, data.id: null, missing.path: 1}, contains: nope}
    phone:
      alice-phone: {count: 2, title: Bye, badge: 4, dropped: x.y, because: xiaomi.quota.default-daily, inbox: 1}
  - phone: {alice-phone: nothing}
    ledger:
      - {verdict: rejected, code: 21301, count: 2}
      - {rule: xiaomi.channel.registered}
`)
	res := Run(context.Background(), s, Options{})
	if res.Verdict != reports.Fail {
		t.Fatalf("verdict %s, want FAIL", res.Verdict)
	}
	got := failures(res)
	for _, want := range []string{
		`line 14: alice-phone: kind sent, want rejected`,
		`line 14: alice-phone: code 0, want 22022`,
		`line 15: status 200, want 201`,
		`line 15: vendor code 21301, want 0`,
		`line 15: result is error, want ok`,
		`line 15: missing.path is absent, want 1`,
		`line 15: the body does not contain "nope"`,
		`line 18: alice-phone: shows 1 notification ("Hi"), want nothing`,
		`line 17: alice-phone: shows 1 notification ("Hi"), want 2`,
		`line 17: alice-phone: newest notification's title is "Hi", want "Bye"`,
		`line 17: alice-phone: badge is 0, want 4`,
		`line 17: alice-phone: dropped nothing, want a drop by x.y`,
		`line 17: alice-phone: nothing says xiaomi.quota.default-daily explains it`,
		`line 17: alice-phone: app received 0 pass-through message(s), want 1`,
		`line 20: ledger has 1 entries with verdict=rejected code=21301, want 2`,
		`line 21: ledger has no entries with rule=xiaomi.channel.registered`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("failures lack %q; got:\n%s", want, got)
		}
	}
	if strings.Contains(got, "data.id") {
		t.Errorf("data.id: null must pass for an error answer:\n%s", got)
	}
}

func TestRunStopsAtAFailedMidStoryExpect(t *testing.T) {
	s := mustParse(t, xiaomiHead+`steps:
  - expect: {phone: {alice-phone: something}}
  - push: {to: alice-phone, title: Hi, body: there}
expect:
  phone: {alice-phone: nothing}
`)
	res := Run(context.Background(), s, Options{})
	if len(res.Failures) != 1 || res.Failures[0].Step != 1 || res.Failures[0].Line != 8 {
		t.Fatalf("failures = %+v", res.Failures)
	}
	if strings.Contains(reports.TraceText(res.Trace), "push through") {
		t.Error("the steps after a failed expect must not run")
	}
}

func TestRunSkip(t *testing.T) {
	s := mustParse(t, xiaomiHead+"skip: needs the HTTP target\nexpect: {phone: {alice-phone: nothing}}\n")
	res := Run(context.Background(), s, Options{})
	if res.Verdict != reports.Skipped || res.Skip != "needs the HTTP target" {
		t.Fatalf("result = %+v", res)
	}
}

// fakeDispatcher records what the steps asked of it.
type fakeDispatcher struct {
	mu       sync.Mutex
	calls    []string
	env      *Env
	sent     []dispatcher.Message
	outcomes []dispatcher.Outcome
	failOn   string
	panicOn  string
}

func (f *fakeDispatcher) rec(format string, a ...any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := fmt.Sprintf(format, a...)
	f.calls = append(f.calls, c)
	if f.panicOn != "" && strings.HasPrefix(c, f.panicOn) {
		panic("boom")
	}
	if f.failOn != "" && strings.HasPrefix(c, f.failOn) {
		return errors.New("refused")
	}
	return nil
}
func (f *fakeDispatcher) Login(u, d string) error      { return f.rec("login %s %s", u, d) }
func (f *fakeDispatcher) Logout(u, d string) error     { return f.rec("logout %s %s", u, d) }
func (f *fakeDispatcher) Kick(u, d string) error       { return f.rec("kick %s %s", u, d) }
func (f *fakeDispatcher) Foreground(u, d string) error { return f.rec("foreground %s %s", u, d) }
func (f *fakeDispatcher) Background(u, d string, n int) error {
	return f.rec("background %s %s %d", u, d, n)
}
func (f *fakeDispatcher) ReportToken(u, d string, b int, tok string) error {
	return f.rec("token %s %s %d %d", u, d, b, len(tok))
}
func (f *fakeDispatcher) Send(ctx context.Context, m dispatcher.Message) (string, error) {
	if err := f.rec("send %s→%s", m.From, m.To+m.Group); err != nil {
		return "", err
	}
	// a retry: the harness's Sleep moves the virtual clock, never the wall clock
	before := f.env.Clock.Now()
	if err := f.env.Sleep(ctx, time.Hour); err != nil {
		return "", err
	}
	if f.env.Clock.Now().Sub(before) != time.Hour {
		return "", errors.New("Sleep did not advance the virtual clock")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, m)
	id := fmt.Sprintf("m%d", len(f.sent))
	f.outcomes = append(f.outcomes, dispatcher.Outcome{MessageID: id, User: m.To, Device: "alice-phone", Kind: push.Suppressed, Reason: "logged-out", Rule: "im.logout.no-push"})
	return id, nil
}
func (f *fakeDispatcher) Outcomes(filter dispatcher.OutcomeFilter) []dispatcher.Outcome {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []dispatcher.Outcome
	for _, o := range f.outcomes {
		if filter.Match(&o) {
			out = append(out, o)
		}
	}
	return out
}

func TestRunDrivesTheDispatcher(t *testing.T) {
	s := mustParse(t, xiaomiHead+`steps:
  - login: alice-phone
  - background: {phone: alice-phone, unread: 3}
  - kick: {phone: alice-phone, user: alice}
  - send: {id: first, from: bob, to: alice, text: hi, oppo_channel: "", ext: "${alice-phone.name}"}
  - send: {from: bob, group: g1, members: [alice, bob], type: image}
expect:
  - message: first
    outcome: {alice-phone: {kind: suppressed, reason: logged, rule: im.logout.no-push}}
  - outcome: {alice-phone: {kind: sent}}
`)
	fake := &fakeDispatcher{}
	var certs int
	res := Run(context.Background(), s, Options{NewDispatcher: func(env *Env) (Dispatcher, error) {
		fake.env, certs = env, len(env.Certificates)
		return fake, nil
	}})
	if certs != 1 {
		t.Errorf("the dispatcher got %d certificates, want 1", certs)
	}
	want := "login alice alice-phone|token alice alice-phone 1 64|background alice alice-phone 3|kick alice alice-phone|send bob→alice|send bob→g1"
	if got := strings.Join(fake.calls, "|"); got != want {
		t.Errorf("calls\n  %s\nwant\n  %s", got, want)
	}
	if m := fake.sent[0]; m.OPPOChannel == nil || *m.OPPOChannel != "" || m.Ext != "alice-phone" || m.Text != "hi" {
		t.Errorf("first message = %+v", m)
	}
	if m := fake.sent[1]; m.Type != "image" || len(m.Members) != 2 {
		t.Errorf("group message = %+v", m)
	}
	if len(res.Failures) != 1 || !strings.Contains(res.Failures[0].Message, "alice-phone: kind suppressed, want sent") {
		t.Fatalf("failures = %s", failures(res))
	}
	if !strings.Contains(reports.TraceText(res.Trace), "alice/alice-phone: suppressed [im.logout.no-push]: logged-out") {
		t.Errorf("trace lacks the outcome:\n%s", reports.TraceText(res.Trace))
	}
}

func TestRunStepErrorsAndPanicsFail(t *testing.T) {
	s := mustParse(t, xiaomiHead+`steps:
  - login: alice-phone
  - logout: alice-phone
  - foreground: alice-phone
expect: {phone: {alice-phone: nothing}}
`)
	for _, tc := range []struct{ failOn, panicOn, want string }{
		{"logout", "", "step 2 (line 9): logout alice-phone: refused"},
		{"", "foreground", "panic: boom"},
	} {
		fake := &fakeDispatcher{failOn: tc.failOn, panicOn: tc.panicOn}
		res := Run(context.Background(), s, Options{NewDispatcher: func(*Env) (Dispatcher, error) { return fake, nil }})
		if res.Verdict != reports.Fail || !strings.Contains(failures(res), tc.want) {
			t.Errorf("failures = %s, want %q", failures(res), tc.want)
		}
		if tc.failOn != "" && strings.Contains(strings.Join(fake.calls, " "), "foreground") {
			t.Error("a step ran after a failed one")
		}
	}
}

func TestRunTimesOut(t *testing.T) {
	s := mustParse(t, xiaomiHead+"steps:\n  - advance: 1h\nexpect: {phone: {alice-phone: nothing}}\n")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := Run(ctx, s, Options{})
	if res.Verdict != reports.Fail || !strings.Contains(failures(res), "timed out") {
		t.Errorf("failures = %s", failures(res))
	}
}

// TestRunAllInParallel runs the same scenario many times at once: each run
// has its own world, so all pass and -race stays quiet.
func TestRunAllInParallel(t *testing.T) {
	var all []*Scenario
	for i := 0; i < 16; i++ {
		s := mustParse(t, strings.Replace(xiaomiHead, "id: t/x", fmt.Sprintf("id: t/x%d", i), 1)+`steps:
  - push: {to: alice-phone, title: Hi, body: there, channel: high_im, times: 3}
  - advance: 1h
expect:
  phone: {alice-phone: {count: 1}}
  ledger: [{kind: request, count: 3}]
`)
		all = append(all, s)
	}
	var mu sync.Mutex
	var done []string
	results := RunAll(context.Background(), all, 8, Options{}, func(r reports.Result) {
		mu.Lock()
		done = append(done, r.ID)
		mu.Unlock()
	})
	if len(done) != 16 {
		t.Fatalf("done called %d times", len(done))
	}
	for i, r := range results {
		if r.ID != all[i].ID || r.Verdict != reports.Pass {
			t.Errorf("result %d = %s %s %s", i, r.ID, r.Verdict, failures(r))
		}
	}
}

func TestCertificateOverride(t *testing.T) {
	s := mustParse(t, `id: t/c
title: t
rules: [a.b]
given:
  apps: [{vendor: xiaomi, name: chat, business_id: 7}]
  certificates:
    chat: {channel: "", sound: ding, click: {type: url, target: "https://example.com"}}
expect: {ledger: [{count: 0}]}
`)
	r := &runner{s: s, ctx: context.Background()}
	if err := r.setup(); err != nil {
		t.Fatal(err)
	}
	c := r.apps[0].cert
	if c.BusinessID != 7 || c.Channel != "" || c.Sound != "ding" || c.Click.Type != "url" || c.AppSecret == "" || c.Package != "com.example.chat" || c.BaseURL != "http://pushsim.invalid/xiaomi" {
		t.Errorf("certificate = %+v", c)
	}
}

func TestLookupAndText(t *testing.T) {
	doc, _ := decodeJSON([]byte(`{"code":21301,"data":{"bad_regids":"a,b","list":[{"x":1.5}]},"extra.channel_id":"im","ok":true,"n":null}`))
	for _, tc := range []struct {
		path, want string
		found      bool
	}{
		{"code", "21301", true},
		{"data.bad_regids", "a,b", true},
		{"data.list.0.x", "1.5", true},
		{"data.list.1.x", "", false},
		{"extra.channel_id", "im", true},
		{"ok", "true", true},
		{"n", "null", true},
		{"data", `{"bad_regids":"a,b","list":[{"x":1.5}]}`, true},
		{"nope.deeper", "", false},
	} {
		v, ok := lookup(doc, tc.path)
		if ok != tc.found || (ok && text(v) != tc.want) {
			t.Errorf("lookup(%q) = %v %v, want %q %v", tc.path, v, ok, tc.want, tc.found)
		}
	}
	if vendorCode("xiaomi", []byte(`{"code":0}`)) != "0" || vendorCode("vivo", []byte(`{"result":10040}`)) != "10040" || vendorCode("xiaomi", []byte("<html>")) != "" {
		t.Error("vendorCode")
	}
}

func TestLabels(t *testing.T) {
	s := mustParse(t, xiaomiHead+"labels: [quota, xiaomi]\nexpect: {phone: {alice-phone: nothing}}\n")
	if got := strings.Join(Labels(s), " "); got != "xiaomi xiaomi.auth.secret quota" {
		t.Errorf("labels = %s", got)
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{"key=abcdefgh": "key=abcd…", "Bearer abcdefgh": "Bearer abcd…", "abc": "abc"} {
		if got := mask(in); got != want {
			t.Errorf("mask(%q) = %q, want %q", in, got, want)
		}
	}
}
