package harness

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestParseFixture(t *testing.T) {
	s, err := Parse("testdata/story.yaml", mustRead(t, "testdata/story.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if s.ID != "fixture/story" || s.Line != 2 || len(s.Rules) != 2 || len(s.Labels) != 2 {
		t.Errorf("header = %q line %d rules %v labels %v", s.ID, s.Line, s.Rules, s.Labels)
	}
	if want := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC); !s.Start.T.Equal(want) {
		t.Errorf("start = %v", s.Start.T)
	}
	if p := s.Given.Phones[1]; p.App != "chat" || p.Vendor != "xiaomi" || !p.Offline {
		t.Errorf("bob-phone resolved to %+v", p)
	}
	if p := s.Given.Phones[0]; p.Vendor != "xiaomi" || p.Android != 26 || p.Line != 15 {
		t.Errorf("alice-phone = %+v", p)
	}
	c := s.Given.Certificates["chat"]
	if strings.Join(c.Keys, ",") != "channel,click" || c.Cert.Click.Type != "intent" {
		t.Errorf("certificate override = %+v", c)
	}
	kinds := []string{}
	for _, st := range s.Steps {
		kinds = append(kinds, st.Kind)
	}
	if got := strings.Join(kinds, " "); got != "login background send expect push expect request advance at phone logout" {
		t.Fatalf("steps = %s", got)
	}
	if st := s.Steps[0]; st.Line != 20 || st.Login.Phone != "alice-phone" {
		t.Errorf("login step = %+v line %d", st.Login, st.Line)
	}
	if b := s.Steps[1].Background; b.Unread != 2 || b.User != "alice" {
		t.Errorf("background = %+v (user comes from the phone)", b)
	}
	if m := s.Steps[2].Send; m.OPPOChannel == nil || *m.OPPOChannel != "" {
		t.Errorf("oppo_channel \"\" must be set and empty: %+v", m.OPPOChannel)
	}
	if e := (*s.Steps[3].Expect)[0]; *e.Outcome["alice-phone"].Kind != "sent" || *e.Phone["alice-phone"].Badge != 3 {
		t.Errorf("mid-story expect = %+v", e)
	}
	p := s.Steps[4].Push
	if p.App != "chat" || p.Vendor != "xiaomi" || time.Duration(p.TTL) != 24*time.Hour || strings.Join(p.To, ",") != "alice-phone" {
		t.Errorf("push = %+v", p)
	}
	if r := (*s.Steps[5].Expect)[0].Result["alice-phone"]; string(*r.Code) != "10017" {
		t.Errorf("result code = %v", *r.Code)
	}
	r := s.Steps[6].Request
	if r.Vendor != "xiaomi" || len(r.Form) != 4 || r.Form[2].Values[0] != "0" || strings.Join(r.Form[3].Values, ",") != "a,b" {
		t.Errorf("request = %+v", r)
	}
	if time.Duration(*s.Steps[7].Advance) != 90*time.Minute || !s.Steps[8].At.NextMidnight {
		t.Errorf("advance/at = %v %+v", *s.Steps[7].Advance, *s.Steps[8].At)
	}
	if ch := s.Steps[9].Phone["bob-phone"]; *ch.Offline || len(*ch.ChannelsOff) != 1 || ch.NotificationsOff != nil {
		t.Errorf("phone change = %+v", ch)
	}
	if len(s.Expect) != 3 || s.Expect[1].Phone["bob-phone"].Shows != "nothing" {
		t.Fatalf("final expect = %+v", s.Expect)
	}
	if v, ok := s.Expect[0].Response.JSON["data.bad_regids"]; !ok || v != nil {
		t.Errorf("null json expectation = %v %v", v, ok)
	}
	if l := s.Expect[2].Ledger[0]; *l.Count != 0 || string(*l.Code) != "21301" || l.Line != 46 {
		t.Errorf("ledger = %+v", l)
	}
}

// TestMalformed: every malformed file fails with file:line and what is wrong.
func TestMalformed(t *testing.T) {
	head := "id: a/b\ntitle: t\nrules: [xiaomi.x]\ngiven:\n  apps: [{vendor: xiaomi, name: chat}]\n  phones: [{name: p, app: chat, user: u}]\n"
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"unknown top key", head + "stpes: []\n", `f.yaml:7:1: unknown field "stpes"`},
		{"unknown phone key", "id: a/b\ntitle: t\nrules: [xiaomi.x]\ngiven:\n  phones:\n    - {name: p, colour: red}\n", `f.yaml:6:17: unknown field "colour"`},
		{"unknown step", head + "steps:\n  - logn: p\n", `f.yaml:8:5: unknown step "logn" (want one of: login`},
		{"two actions in one step", head + "steps:\n  - login: p\n    advance: 1h\n", "f.yaml:8:5: a step has exactly one action, got 2: login, advance"},
		{"unknown phone in a step", head + "steps:\n  - login: alcie\n", `f.yaml:8: no phone named "alcie" in given.phones`},
		{"typo suggestion", head + "steps:\n  - login: q\n", `(did you mean "p"?)`},
		{"unknown key in push", head + "steps:\n  - push: {to: p, titel: x}\n", `f.yaml:8:19: unknown field "titel"`},
		{"bad duration", head + "steps:\n  - advance: soon\n", `f.yaml:8:14: bad duration "soon"`},
		{"bad time", head + "steps:\n  - at: tomorrow\n", `f.yaml:8:9: bad time "tomorrow"`},
		{"wrong type", head + "steps:\n  - background: {phone: p, unread: lots}\n", `f.yaml:8:36: "lots" is not a whole number`},
		{"missing id", "title: t\n", "f.yaml:1: id is required"},
		{"missing rules", "id: a/b\ntitle: t\n", "f.yaml:1: rules is required"},
		{"bad rule id", "id: a/b\ntitle: t\nrules: [Quota]\n", `rule id "Quota": want vendor.topic.rule`},
		{"bad label", "id: a/b\ntitle: t\nrules: [x.y]\nlabels: [a/b]\nexpect: {ledger: [{}]}\n", `label "a/b"`},
		{"unknown vendor", "id: a/b\ntitle: t\nrules: [x.y]\ngiven:\n  apps:\n    - {vendor: nokia, name: chat}\n", `f.yaml:6: unknown vendor "nokia"`},
		{"unknown expression", head + "steps:\n  - push: {to: p, title: '${bob.token}', body: b}\n", `f.yaml:8: ${bob.token}: no phone or app named "bob"`},
		{"response before request", head + "expect:\n  response: {code: 0}\n", "f.yaml:8: expect response: no request step before it"},
		{"outcome before send", head + "steps:\n  - expect: {outcome: {p: sent}}\n", "expect outcome: no send step before it"},
		{"bad shows", head + "expect:\n  phone: {p: {shows: maybe}}\n", `shows: "maybe", want nothing or something`},
		{"duplicate key", head + "expect:\n  phone: {p: nothing}\n  phone: {p: nothing}\n", "f.yaml:9:3:"},
		{"syntax", "id: [a\n", "f.yaml:1:"},
		{"not a mapping", "- a\n- b\n", "f.yaml:1:1: a scenario is a mapping"},
		{"phone without user", "id: a/b\ntitle: t\nrules: [x.y]\ngiven:\n  apps: [{vendor: xiaomi, name: chat}]\n  phones: [{name: p}]\nsteps:\n  - login: p\n", `f.yaml:8: login: phone "p" has no user`},
		{"certificate for unknown app", head + "  certificates:\n    chats: {channel: x}\nexpect: {ledger: [{}]}\n", `certificate for "chats"`},
		{"request with form and body", head + "steps:\n  - request: {path: /v3/message/regid, body: x, form: {a: b}}\n", "more than one of form, json and body"},
		{"bad ledger verdict", head + "expect: {ledger: [{verdict: ok}]}\n", `f.yaml:7: ledger verdict "ok"`},
		{"subscribe an unknown phone", head + "steps:\n  - subscribe: {phone: q, topics: news}\n", `f.yaml:8: no phone named "q"`},
		{"subscribe without topics", head + "steps:\n  - subscribe: {phone: p}\n", "f.yaml:8: subscribe: name the topics"},
		{"subscribe to a bad topic", head + "steps:\n  - subscribe: {phone: p, topics: [news, \" \"]}\n", `f.yaml:8: subscribe: topic " ": invalid topic name`},
		{"unknown key in subscribe", head + "steps:\n  - subscribe: {phone: p, topic: news}\n", `unknown field "topic"`},
		{"a request id used before its step", head + "steps:\n  - request: {path: /x, body: '${saved.value.id}'}\n  - request: {path: /y, id: saved}\n", `f.yaml:8: ${saved.value.id}: no phone or app named "saved.value"`},
		{"a request id that is a phone's name", head + "steps:\n  - request: {path: /x, id: p}\n", `f.yaml:8: request id "p" is already the name`},
		{"a request id with a dot", head + "steps:\n  - request: {path: /x, id: a.b}\n", `f.yaml:8: request id "a.b": a plain name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			var le *LoadError
			if !errors.As(err, &le) || le.File != "f.yaml" || le.Line == 0 {
				t.Errorf("error %q is not a LoadError with a line", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error\n  %s\nwant it to contain\n  %s", err, tc.want)
			}
		})
	}
}

func TestLoadFS(t *testing.T) {
	ok := "id: a/ok\ntitle: t\nrules: [x.y]\nexpect: {ledger: [{count: 0}]}\n"
	fsys := fstest.MapFS{
		"xiaomi/ok.yaml":    {Data: []byte(ok)},
		"xiaomi/dup.yml":    {Data: []byte(ok)},
		"xiaomi/bad.yaml":   {Data: []byte("id: a/bad\n  title: [\n")},
		"xiaomi/README.md":  {Data: []byte("not a scenario")},
		"other/deep/x.yaml": {Data: []byte(strings.Replace(ok, "a/ok", "a/deep", 1))},
	}
	got, err := LoadFS(fsys)
	var errs LoadErrors
	if !errors.As(err, &errs) || len(errs) != 2 {
		t.Fatalf("err = %v, want two LoadErrors", err)
	}
	if errs[0].File != "xiaomi/bad.yaml" || errs[1].File != "xiaomi/ok.yaml" || !strings.Contains(errs[1].Msg, `id "a/ok" is already used by xiaomi/dup.yml`) {
		t.Errorf("errors = %v", err)
	}
	if len(got) != 2 || got[0].File != "other/deep/x.yaml" || got[1].File != "xiaomi/dup.yml" {
		t.Errorf("loaded %d scenarios", len(got))
	}
}

func TestExpand(t *testing.T) {
	env := names{phones: map[string]bool{"alice-phone": true}, apps: map[string]bool{"chat": true}, requests: map[string]bool{"saved": true}}
	for _, tc := range []struct{ in, want, err string }{
		{"plain", "plain", ""},
		{"$5 and $$", "$5 and $", ""},
		{"${repeat(ab, 3)}!", "ababab!", ""},
		{`${repeat("a,b", 2)}`, "a,ba,b", ""},
		{"${alice-phone.token}", "x", ""},
		{"${chat.app_secret}", "x", ""},
		{"${response.value.taskId}", "x", ""},
		{"${saved.data.message_id}", "x", ""},
		{"${unsaved.data.message_id}", "", `no phone or app named "unsaved.data"`},
		{"${chat.colour}", "", `app "chat" has no field "colour"`},
		{"${repeat(a)}", "", "repeat takes a text and a count"},
		{"${tokens(0)}", "", "tokens count"},
		{"${nope()}", "", `unknown function "nope"`},
		{"${alice-phone.token", "", "unclosed ${"},
	} {
		got, err := expand(tc.in, env)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("expand(%q) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("expand(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"90s": 90 * time.Second, "2h": 2 * time.Hour, "1d": 24 * time.Hour, "1d12h": 36 * time.Hour} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "d", "xd", "1d1", "soon"} {
		if _, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) succeeded", in)
		}
	}
}

// TestMalformedFiles: files on disk fail with their name, line and column.
func TestMalformedFiles(t *testing.T) {
	_, err := LoadFS(os.DirFS("testdata/malformed"))
	want := "key.yaml:11:29: unknown field \"titel\"\n" +
		"typo.yaml:9:5: unknown step \"advnce\" (want one of: login, logout, kick, foreground, background, token, send, push, request, advance, at, phone, fault, tap, subscribe, expect)"
	if err == nil || err.Error() != want {
		t.Errorf("LoadFS error\n%v\nwant\n%s", err, want)
	}
}
