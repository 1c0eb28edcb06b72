package harness

import (
	"strings"
	"testing"

	"github.com/pushsim/pushsim/reports"
)

func TestParseWaivers(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      int
		err       string
	}{
		{"yaml list", "- {id: a/b, reason: later}\n- id: c/*\n  reason: gap\n", 2, ""},
		{"yaml mapping", "waivers:\n  - {id: a/b, reason: later}\n", 1, ""},
		{"json list", `[{"id":"a/b","reason":"later"}]`, 1, ""},
		{"json mapping", `{"waivers":[{"id":"a/b","reason":"later"}]}`, 1, ""},
		{"empty", "  \n", 0, ""},
		{"no reason", "- {id: a/b}\n", 0, "needs a reason"},
		{"no id", `[{"reason":"x"}]`, 0, "no id"},
		{"unknown key", "- {id: a, reason: b, owner: me}\n", 0, "owner"},
		{"unknown json key", `[{"id":"a","reason":"b","owner":"me"}]`, 0, "owner"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws, err := ParseWaivers("w.yaml", []byte(tc.doc))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || len(ws) != tc.want {
				t.Fatalf("ParseWaivers = %v, %v; want %d waivers", ws, err, tc.want)
			}
		})
	}
}

func TestJudge(t *testing.T) {
	waivers := Waivers{{ID: "w/*", Reason: "known"}}
	fail := []reports.Failure{{Message: "x"}}
	for _, tc := range []struct {
		id, level string
		failures  []reports.Failure
		want      reports.Verdict
		waived    reports.Verdict // the waiver's verdict, "" = none
	}{
		{"a", "MUST", nil, reports.Pass, ""},
		{"a", "MUST", fail, reports.Fail, ""},
		{"a", "SHOULD", fail, reports.NonStrict, ""},
		{"a", "SHOULD", nil, reports.Pass, ""},
		{"a", "INFO", fail, reports.Info, ""},
		{"a", "INFO", nil, reports.Info, ""},
		{"w/1", "MUST", fail, reports.Waived, reports.Fail},
		{"w/2", "SHOULD", fail, reports.Waived, reports.NonStrict},
		{"w/3", "MUST", nil, reports.Pass, reports.Pass}, // stale
	} {
		r := reports.Result{ID: tc.id, Level: tc.level, Failures: tc.failures}
		judge(&r, waivers)
		if r.Verdict != tc.want {
			t.Errorf("%s %s %v: %s, want %s", tc.id, tc.level, tc.failures, r.Verdict, tc.want)
		}
		if got := reports.Verdict(""); r.Waiver != nil {
			got = r.Waiver.Verdict
			if got != tc.waived {
				t.Errorf("%s: waiver verdict %s, want %s", tc.id, got, tc.waived)
			}
		} else if tc.waived != "" {
			t.Errorf("%s: no waiver, want one", tc.id)
		}
	}
}

func TestSelection(t *testing.T) {
	s, err := Parse("oppo/x.yaml", []byte("id: oppo/channel/x\ntitle: t\nrules: [oppo.channel.required, im.oppo.channel-override]\nlabels: [quota, smoke]\ngiven:\n  apps: [{vendor: oppo, name: chat}]\nexpect: {ledger: [{kind: request, count: 0}]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		sel  Selection
		want bool
	}{
		{Selection{}, true},
		{Selection{Vendors: []string{"oppo"}}, true},
		{Selection{Vendors: []string{"xiaomi", "oppo"}}, true},
		{Selection{Vendors: []string{"xiaomi"}}, false},
		{Selection{Rules: []string{"oppo.*"}}, true},
		{Selection{Rules: []string{"im.*"}}, true},
		{Selection{Rules: []string{"*.quota.*"}}, false},
		{Selection{Labels: []string{"quota"}}, true},
		{Selection{Vendors: []string{"oppo"}, Labels: []string{"nope"}}, false},
		{Selection{IDs: []string{"oppo/*"}}, true},
		{Selection{IDs: []string{"oppo/auth/*"}}, false},
	} {
		if got := tc.sel.Match(s); got != tc.want {
			t.Errorf("%+v.Match = %v, want %v", tc.sel, got, tc.want)
		}
	}
}

func TestAreas(t *testing.T) {
	for rule, want := range map[string]string{
		"xiaomi.quota.public-daily": "quota & rate",
		"oppo.channel.required":     "class & channel",
		"im.kick.no-push":           "im: session",
		"im.group.fan-out":          "im: fan-out",
		"acme.brand-new.topic":      "other",
	} {
		if got := area(&Scenario{Rules: []string{rule}}); got != want {
			t.Errorf("area(%s) = %q, want %q", rule, got, want)
		}
	}
}

func FuzzParseWaivers(f *testing.F) {
	for _, seed := range []string{
		"- {id: a/b, reason: later}\n",
		"waivers:\n  - {id: a, reason: b}\n",
		`[{"id":"a","reason":"b"}]`,
		`{"waivers":[{"id":"a","reason":"b"}]}`,
		"- id: [1, 2]\n", "{", "[", "waivers: 3", "- &a {id: x, reason: *a}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ws, err := ParseWaivers("fuzz.yaml", data)
		if err != nil {
			return
		}
		for _, w := range ws {
			if strings.TrimSpace(w.ID) == "" || strings.TrimSpace(w.Reason) == "" {
				t.Fatalf("accepted a waiver without id or reason: %+v", w)
			}
			ws.Lookup(w.ID) // a glob of any shape matches without panicking
		}
	})
}
