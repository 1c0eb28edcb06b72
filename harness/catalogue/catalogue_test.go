package catalogue_test

import (
	"strings"
	"testing"

	"github.com/pushsim/pushsim/harness/catalogue"
	"github.com/pushsim/pushsim/reports"
)

func TestDefaultHoldsEveryVendorAndTheDispatcher(t *testing.T) {
	c, err := catalogue.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"xiaomi", catalogue.IM} {
		if len(c.Vendor(v)) == 0 {
			t.Errorf("no %s rules in the catalogue", v)
		}
	}
	r, ok := c.Rule("im.logout.no-push")
	if !ok || r.Level != catalogue.MUST || !strings.Contains(r.Source, "integration-guide") {
		t.Errorf("im.logout.no-push = %+v, %v", r, ok)
	}
	vs := c.Vendors()
	if vs[0] != "xiaomi" || vs[len(vs)-1] != catalogue.IM {
		t.Errorf("vendors in order %v, want xiaomi first and im last", vs)
	}
	for _, r := range c.Rules() {
		if r.Statement == "" || r.Source == "" || r.Confidence == "" {
			t.Errorf("rule %s lacks a statement, source or confidence: %+v", r.ID, r)
		}
	}
}

func TestNewRefusesBrokenRules(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    []reports.Rule
		want string
	}{
		{"duplicate", []reports.Rule{ok("a.b.c"), ok("a.b.c")}, "twice"},
		{"short id", []reports.Rule{ok("a.b")}, "vendor.topic.rule"},
		{"vendor mismatch", []reports.Rule{{ID: "a.b.c", Vendor: "x", Level: "MUST", Statement: "s", Source: "s"}}, "starts with"},
		{"level", []reports.Rule{{ID: "a.b.c", Vendor: "a", Level: "MAY", Statement: "s", Source: "s"}}, "level"},
		{"source", []reports.Rule{{ID: "a.b.c", Vendor: "a", Level: "MUST", Statement: "s"}}, "source"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := catalogue.New(tc.r)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func ok(id string) reports.Rule {
	return reports.Rule{ID: id, Vendor: strings.SplitN(id, ".", 2)[0], Level: "MUST", Statement: "s", Source: "s"}
}

func TestLevel(t *testing.T) {
	c, err := catalogue.New([]reports.Rule{
		{ID: "a.x.must", Vendor: "a", Level: "MUST", Statement: "s", Source: "s"},
		{ID: "a.x.should", Vendor: "a", Level: "SHOULD", Statement: "s", Source: "s"},
		{ID: "a.x.info", Vendor: "a", Level: "INFO", Statement: "s", Source: "s"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ids  []string
		want string
	}{
		{[]string{"a.x.info"}, "INFO"},
		{[]string{"a.x.info", "a.x.should"}, "SHOULD"},
		{[]string{"a.x.should", "a.x.must"}, "MUST"},
		{[]string{"a.x.info", "nobody.knows.this"}, "MUST"},
		{nil, "MUST"},
	} {
		if got := c.Level(tc.ids); got != tc.want {
			t.Errorf("Level(%v) = %s, want %s", tc.ids, got, tc.want)
		}
	}
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"oppo.*", "oppo.channel.required", true},
		{"oppo.*", "xiaomi.channel.required", false},
		{"*.quota.*", "xiaomi.quota.public-daily", true},
		{"*.quota.*", "xiaomi.auth.secret", false},
		{"im.logout.no-push", "im.logout.no-push", true},
		{"im.?ick.*", "im.kick.no-push", true},
		{"[hx]*", "huawei.auth.token", true},
		{"[!hx]*", "huawei.auth.token", false},
		{"*", "", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
	} {
		if got := catalogue.Glob(tc.p, tc.s); got != tc.want {
			t.Errorf("Glob(%q, %q) = %v, want %v", tc.p, tc.s, got, tc.want)
		}
	}
}
