package reports_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/reports"
)

var start = time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func sampleRun() *reports.Run {
	run := reports.NewRun(reports.Tool{Name: "pushsim", Version: "v0.1.0"}, "builtin", start)
	run.Duration = reports.Duration(1500 * time.Millisecond)
	run.Add(reports.Result{
		ID: "xiaomi/auth/secret", Title: "A wrong AppSecret gets 21301", File: "xiaomi/auth.yaml",
		Vendor: "xiaomi", Rules: []string{"xiaomi.auth.secret"}, Labels: []string{"auth"},
		Verdict: reports.Pass, Duration: reports.Duration(1234 * time.Microsecond),
		Trace: []reports.Event{{Step: 1, At: start, Kind: reports.EventStep, Summary: "push chat -> alice-phone"}},
	})
	run.Add(reports.Result{
		ID: "xiaomi/quota/default-daily", Title: "One default-class push per phone per day & <no more>",
		Vendor: "xiaomi", Rules: []string{"xiaomi.quota.default-daily", "xiaomi.channel.registered"},
		Verdict: reports.Fail, Duration: reports.Duration(2 * time.Millisecond),
		Failures: []reports.Failure{{Message: `alice-phone shows 2 notifications, want 1`, Step: 3, Line: 14}},
		Trace: []reports.Event{
			{Step: 2, At: start, Kind: reports.EventRequest, Summary: "POST /v3/message/regid", Detail: "title=hi\x01"},
			{At: start, Kind: reports.EventResponse, Summary: "200", Detail: `{"code":0}`},
		},
	})
	run.Add(reports.Result{ID: "oppo/channel/required", Title: "later", Vendor: "oppo", Verdict: reports.Skipped,
		Skip: "needs the built-in dispatcher", Area: "class & channel", Level: "MUST"})
	run.Add(reports.Result{ID: "xiaomi/should", Title: "a SHOULD", Vendor: "xiaomi", Rules: []string{"xiaomi.x"}, Verdict: reports.NonStrict,
		Area: "quota & rate", Level: "SHOULD", Failures: []reports.Failure{{Message: "badge 2, want 3", Line: 4}}})
	run.Results[0].Area, run.Results[0].Level = "auth", "MUST"
	run.Results[0].Source = "id: xiaomi/auth/secret\ntitle: A wrong AppSecret gets 21301\n"
	run.Results[1].Area, run.Results[1].Level = "quota & rate", "MUST"
	run.Rules = []reports.Rule{
		{ID: "xiaomi.auth.secret", Vendor: "xiaomi", Statement: "key=<AppSecret> or 21301", Level: "MUST", Source: "vendor-facts/xiaomi-meizu-vivo.md §1.2", Confidence: "documented"},
		{ID: "xiaomi.quota.default-daily", Vendor: "xiaomi", Statement: "one a day without a channel", Level: "MUST", Source: "vendor-facts/xiaomi-meizu-vivo.md §1.5"},
	}
	return run
}

func TestSummaryAndFailed(t *testing.T) {
	run := sampleRun()
	want := map[reports.Verdict]int{reports.Pass: 1, reports.Fail: 1, reports.Skipped: 1, reports.NonStrict: 1}
	if run.Summary.Total != 4 || fmt.Sprint(run.Summary.Counts) != fmt.Sprint(want) {
		t.Fatalf("summary = %+v, want total 4 and %v", run.Summary, want)
	}
	if !run.Failed() {
		t.Fatal("a run with a FAIL must fail")
	}
	for _, v := range []reports.Verdict{reports.Pass, reports.NonStrict, reports.Info, reports.Waived, reports.Skipped} {
		r := reports.NewRun(reports.Tool{}, "builtin", start)
		r.Add(reports.Result{ID: "a", Verdict: v})
		if r.Failed() {
			t.Errorf("a run whose only verdict is %s must not fail", v)
		}
	}
}

func TestFailureString(t *testing.T) {
	for _, tc := range []struct {
		f    reports.Failure
		want string
	}{
		{reports.Failure{Message: "m", Step: 2, Line: 9}, "step 2 (line 9): m"},
		{reports.Failure{Message: "m", Line: 9}, "line 9: m"},
		{reports.Failure{Message: "m"}, "m"},
	} {
		if got := tc.f.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.f, got, tc.want)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  *reports.Run
	}{
		{"sample", sampleRun()},
		{"empty", reports.NewRun(reports.Tool{Name: "pushsim", Version: "dev"}, "builtin", start)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := reports.WriteJSON(&buf, tc.run); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(buf.String(), `"schema": "pushsim.report/v1"`) {
				t.Fatalf("no schema line in\n%s", buf.String())
			}
			back, err := reports.ReadJSON(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if back.Summary.Total != len(tc.run.Results) || len(back.Results) != len(tc.run.Results) {
				t.Fatalf("read back %d results, want %d", len(back.Results), len(tc.run.Results))
			}
			if back.Duration != tc.run.Duration {
				t.Errorf("duration = %v, want %v", back.Duration.Std(), tc.run.Duration.Std())
			}
			for i, r := range back.Results {
				w := tc.run.Results[i]
				if r.ID != w.ID || r.Verdict != w.Verdict || r.Duration != w.Duration || len(r.Failures) != len(w.Failures) || len(r.Trace) != len(w.Trace) {
					t.Errorf("result %d = %+v, want %+v", i, r, w)
				}
			}
		})
	}
}

func TestJSONDurationIsMilliseconds(t *testing.T) {
	b, err := json.Marshal(reports.Duration(1234567 * time.Nanosecond))
	if err != nil || string(b) != "1.234" {
		t.Fatalf("Duration JSON = %s, %v; want 1.234", b, err)
	}
}

func TestJSONEmptyRulesAreArrays(t *testing.T) {
	run := reports.NewRun(reports.Tool{}, "builtin", start)
	run.Add(reports.Result{ID: "a", Verdict: reports.Pass})
	var buf bytes.Buffer
	if err := reports.WriteJSON(&buf, run); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"rules":[]`) || strings.Contains(buf.String(), "null") {
		t.Fatalf("want rules: [] and no null in\n%s", buf.String())
	}
}

func TestReadJSONRejectsOtherSchemas(t *testing.T) {
	for _, doc := range []string{
		`{"schema":"pushsim.report/v2","results":[]}`,
		`{"schema":"something/else"}`,
		`{}`,
	} {
		_, err := reports.ReadJSON(strings.NewReader(doc))
		if !errors.Is(err, reports.ErrSchema) {
			t.Errorf("ReadJSON(%s) = %v, want ErrSchema", doc, err)
		}
	}
	if _, err := reports.ReadJSON(strings.NewReader(`{"schema":`)); err == nil || errors.Is(err, reports.ErrSchema) {
		t.Errorf("truncated JSON: err = %v, want a decode error", err)
	}
}

// TestJSONMatchesSchema checks a written report against the published JSON
// Schema, so the two cannot drift apart.
func TestJSONMatchesSchema(t *testing.T) {
	var schema map[string]any
	if err := json.Unmarshal(reports.SchemaJSON, &schema); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	run := sampleRun()
	run.Add(reports.Result{ID: "all", Title: "every verdict", Vendor: "x", Rules: []string{}, Verdict: reports.Waived,
		Waiver: &reports.Waiver{Reason: "known gap", Verdict: reports.Fail}, Failures: []reports.Failure{{Message: "m"}}})
	var buf bytes.Buffer
	if err := reports.WriteJSON(&buf, run); err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	v := validator{root: schema}
	v.check("$", schema, doc)
	for _, e := range v.errs {
		t.Error(e)
	}
	// and the validator does catch drift
	bad := validator{root: schema}
	bad.check("$", schema, map[string]any{"schema": "pushsim.report/v1", "surprise": 1})
	if len(bad.errs) == 0 {
		t.Error("validator accepted an unknown field and missing required ones")
	}
}

func TestJUnit(t *testing.T) {
	var buf bytes.Buffer
	if err := reports.WriteJUnit(&buf, sampleRun()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, xml.Header) {
		t.Fatalf("no XML header:\n%s", out)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Tests int    `xml:"tests,attr"`
			Cases []struct {
				Name       string `xml:"name,attr"`
				Classname  string `xml:"classname,attr"`
				Time       string `xml:"time,attr"`
				Properties []struct {
					Name  string `xml:"name,attr"`
					Value string `xml:"value,attr"`
				} `xml:"properties>property"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
				Skipped   *struct{} `xml:"skipped"`
				SystemOut string    `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("junit does not parse: %v\n%s", err, out)
	}
	if doc.Tests != 4 || doc.Failures != 1 || doc.Skipped != 1 {
		t.Errorf("totals tests=%d failures=%d skipped=%d, want 4 1 1", doc.Tests, doc.Failures, doc.Skipped)
	}
	if len(doc.Suites) != 2 || doc.Suites[0].Name != "oppo" || doc.Suites[1].Name != "xiaomi" || doc.Suites[1].Tests != 3 {
		t.Fatalf("suites = %+v, want oppo(1) and xiaomi(3)", doc.Suites)
	}
	quota := doc.Suites[1].Cases[1]
	if quota.Name != "xiaomi/quota/default-daily" || quota.Classname != "xiaomi" || quota.Time != "0.002" {
		t.Errorf("testcase = %s/%s time %s", quota.Classname, quota.Name, quota.Time)
	}
	var rules []string
	for _, p := range quota.Properties {
		if p.Name == "rule" {
			rules = append(rules, p.Value)
		}
	}
	if fmt.Sprint(rules) != "[xiaomi.quota.default-daily xiaomi.channel.registered]" {
		t.Errorf("rule properties = %v", rules)
	}
	if quota.Failure == nil || quota.Failure.Message != "step 3 (line 14): alice-phone shows 2 notifications, want 1" {
		t.Errorf("failure = %+v", quota.Failure)
	}
	if !strings.Contains(quota.SystemOut, "POST /v3/message/regid") || !strings.Contains(quota.SystemOut, `{"code":0}`) {
		t.Errorf("system-out lacks the trace:\n%s", quota.SystemOut)
	}
	if doc.Suites[0].Cases[0].Skipped == nil {
		t.Error("SKIPPED is not <skipped>")
	}
	if doc.Suites[1].Cases[2].Failure != nil || doc.Suites[1].Cases[2].Skipped != nil {
		t.Error("NON-STRICT must pass in JUnit")
	}
	if !strings.Contains(out, "&amp; &lt;no more&gt;") {
		t.Error("title not escaped")
	}
}

func TestJUnitEmptyRun(t *testing.T) {
	var buf bytes.Buffer
	if err := reports.WriteJUnit(&buf, reports.NewRun(reports.Tool{}, "builtin", start)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `<testsuites name="pushsim" tests="0" failures="0" errors="0" skipped="0" time="0.000"`) {
		t.Errorf("empty junit:\n%s", buf.String())
	}
}

func TestTraceText(t *testing.T) {
	got := reports.TraceText([]reports.Event{
		{Step: 1, At: start, Kind: "step", Summary: "login alice-phone"},
		{At: start, Kind: "request", Summary: "POST /v3/message/regid", Detail: "a=1\nb=2"},
	})
	want := "10:00:00.000 [1] step     login alice-phone\n10:00:00.000     request  POST /v3/message/regid\n        a=1\n        b=2\n"
	if got != want {
		t.Errorf("TraceText =\n%q\nwant\n%q", got, want)
	}
}

// validator checks the subset of JSON Schema that the report schema uses.
type validator struct {
	root map[string]any
	errs []string
}

func (v *validator) fail(path, format string, a ...any) {
	v.errs = append(v.errs, path+": "+fmt.Sprintf(format, a...))
}

func (v *validator) check(path string, s map[string]any, doc any) {
	if ref, ok := s["$ref"].(string); ok {
		s = v.root["$defs"].(map[string]any)[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
	}
	if c, ok := s["const"]; ok && c != doc {
		v.fail(path, "%v, want const %v", doc, c)
	}
	if e, ok := s["enum"].([]any); ok {
		found := false
		for _, x := range e {
			found = found || x == doc
		}
		if !found {
			v.fail(path, "%v not in %v", doc, e)
		}
	}
	switch s["type"] {
	case "object":
		m, ok := doc.(map[string]any)
		if !ok {
			v.fail(path, "not an object")
			return
		}
		for _, r := range asList(s["required"]) {
			if _, ok := m[r.(string)]; !ok {
				v.fail(path, "missing required %q", r)
			}
		}
		props, _ := s["properties"].(map[string]any)
		for k, val := range m {
			if ps, ok := props[k].(map[string]any); ok {
				v.check(path+"."+k, ps, val)
				continue
			}
			if pn, ok := s["propertyNames"].(map[string]any); ok {
				v.check(path+"."+k+"(name)", pn, k)
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					v.fail(path, "property %q not in the schema", k)
				}
			case map[string]any:
				v.check(path+"."+k, ap, val)
			}
		}
	case "array":
		a, ok := doc.([]any)
		if !ok {
			v.fail(path, "not an array")
			return
		}
		if items, ok := s["items"].(map[string]any); ok {
			for i, x := range a {
				v.check(fmt.Sprintf("%s[%d]", path, i), items, x)
			}
		}
	case "string":
		if _, ok := doc.(string); !ok {
			v.fail(path, "not a string")
		}
	case "number":
		if _, ok := doc.(float64); !ok {
			v.fail(path, "not a number")
		}
	case "integer":
		if f, ok := doc.(float64); !ok || f != float64(int64(f)) {
			v.fail(path, "not an integer")
		}
	}
}

func asList(x any) []any { l, _ := x.([]any); return l }
