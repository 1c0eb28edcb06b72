package reports_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pushsim/pushsim/reports"
)

// gateRun has one result of every verdict, two vendors and the areas of a
// real run.
func gateRun() *reports.Run {
	run := reports.NewRun(reports.Tool{Name: "pushsim", Version: "v1.2.3"}, "http://127.0.0.1:4900", start)
	add := func(id, vendor, area string, v reports.Verdict, mut ...func(*reports.Result)) {
		r := reports.Result{ID: id, Title: "the story of " + id, Vendor: vendor, Area: area, Verdict: v,
			Rules: []string{vendor + ".x.y"}, File: id + ".yaml", Level: "MUST"}
		for _, m := range mut {
			m(&r)
		}
		run.Add(r)
	}
	fail := func(msg string) func(*reports.Result) {
		return func(r *reports.Result) { r.Failures = []reports.Failure{{Message: msg, Step: 2, Line: 11}} }
	}
	add("xiaomi/auth/secret", "xiaomi", "auth", reports.Pass)
	add("xiaomi/quota/daily", "xiaomi", "quota & rate", reports.Fail, fail("alice-phone shows 2 | notifications, want 1"))
	add("oppo/channel/required", "oppo", "class & channel", reports.NonStrict, fail("channel im, want tuikit"),
		func(r *reports.Result) { r.Level = "SHOULD" })
	add("oppo/api/path", "oppo", "request", reports.Info)
	add("im/oppo/badge", "oppo", "im: notification", reports.Waived, fail("badge 2, want 3"),
		func(r *reports.Result) {
			r.Waiver = &reports.Waiver{Reason: "badge lands in 2.1", Verdict: reports.Fail}
		})
	add("im/xiaomi/kick", "xiaomi", "im: session", reports.Pass,
		func(r *reports.Result) { r.Waiver = &reports.Waiver{Reason: "flaky last week", Verdict: reports.Pass} })
	add("im/xiaomi/retry", "xiaomi", "im: vendor answers", reports.Skipped,
		func(r *reports.Result) { r.Skip = "needs the built-in dispatcher: line 20 counts its retry attempts" })
	return run
}

func TestMarkdownSummaryAndMatrix(t *testing.T) {
	var buf bytes.Buffer
	if err := reports.WriteMarkdown(&buf, gateRun()); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{
		"## pushsim conformance: ❌ FAIL",
		"7 scenarios against `http://127.0.0.1:4900`",
		"❌ 1 FAIL · ⚠️ 1 NON-STRICT · 🔕 1 WAIVED · ℹ️ 1 INFO · ✅ 2 PASS · ⏭️ 1 SKIPPED",
		"| area | xiaomi | oppo |",
		"| quota & rate | ❌1 |  |",
		"| im: session | ✅1 |  |",
		"| im: notification |  | 🔕1 |",
		// the problem list, FAIL first, with file:line, pipes escaped
		"| ❌ FAIL | `xiaomi/quota/daily`",
		"`xiaomi/quota/daily.yaml:11`",
		`alice-phone shows 2 \| notifications, want 1`,
		"waived: badge lands in 2.1",
		"their waivers can go: `im/xiaomi/kick`",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	// The vendors' own areas come before the dispatcher's, and the FAIL row
	// before the NON-STRICT one.
	if strings.Index(md, "| quota & rate |") > strings.Index(md, "| im: session |") {
		t.Error("im: rows must come after the vendors' areas")
	}
	if strings.Index(md, "| ❌ FAIL |") > strings.Index(md, "| ⚠️ NON-STRICT |") {
		t.Error("FAIL must be listed before NON-STRICT")
	}
	if len(md) > 65536 {
		t.Errorf("markdown is %d bytes, over a PR comment's 65536", len(md))
	}
}

func TestMarkdownStaysUnderACommentsSize(t *testing.T) {
	run := reports.NewRun(reports.Tool{Name: "pushsim"}, "builtin", start)
	for i := 0; i < 2000; i++ {
		run.Add(reports.Result{ID: strings.Repeat("x", 40) + string(rune('a'+i%26)), Vendor: "xiaomi", Area: "auth", Verdict: reports.Fail,
			Failures: []reports.Failure{{Message: strings.Repeat("why ", 200)}}})
	}
	var buf bytes.Buffer
	if err := reports.WriteMarkdown(&buf, run); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 65536 || !strings.Contains(buf.String(), "and 1940 more") {
		t.Errorf("%d bytes; tail:\n%s", buf.Len(), buf.String()[max(0, buf.Len()-400):])
	}
}

func TestHTMLIsSelfContainedAndShowsEveryScenario(t *testing.T) {
	run := sampleRun()
	var buf bytes.Buffer
	if err := reports.WriteHTML(&buf, run); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, bad := range []string{"<script src", "<link ", "@import", "url(http", `src="http`} {
		if strings.Contains(page, bad) {
			t.Errorf("the page loads something from outside (%q)", bad)
		}
	}
	for _, want := range []string{
		`<td class="cell v-fail" data-vendor="xiaomi" data-area="quota &amp; rate" data-worst="FAIL"`,
		`id="s-xiaomi-quota-default-daily"`,
		"key=&lt;AppSecret&gt; or 21301", // the rule's statement, escaped
		"vendor-facts/xiaomi-meizu-vivo.md §1.2",
		"step 3 (line 14): alice-phone shows 2 notifications, want 1",
		"→ POST /v3/message/regid",
		"One default-class push per phone per day &amp; &lt;no more&gt;",
		"Skipped: needs the built-in dispatcher",
		"id: xiaomi/auth/secret", // the scenario file
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := strings.Count(page, `<details class="scenario `); n != len(run.Results) {
		t.Errorf("%d scenarios on the page, want %d", n, len(run.Results))
	}
}

func TestDiff(t *testing.T) {
	old := reports.NewRun(reports.Tool{}, "builtin", start)
	cur := reports.NewRun(reports.Tool{}, "builtin", start)
	for _, r := range []reports.Result{
		{ID: "a", Verdict: reports.Pass}, {ID: "b", Verdict: reports.Fail}, {ID: "c", Verdict: reports.Pass},
		{ID: "d", Verdict: reports.NonStrict}, {ID: "gone", Verdict: reports.Pass}, {ID: "s", Verdict: reports.Skipped},
	} {
		old.Add(r)
	}
	for _, r := range []reports.Result{
		{ID: "a", Verdict: reports.Pass},
		{ID: "b", Verdict: reports.Pass},
		{ID: "c", Verdict: reports.Fail, Failures: []reports.Failure{{Message: "broke", Line: 3}}},
		{ID: "d", Verdict: reports.Fail},
		{ID: "new", Verdict: reports.Fail},
		{ID: "s", Verdict: reports.Pass},
	} {
		cur.Add(r)
	}
	got := map[string]reports.DiffEntry{}
	for _, e := range reports.Diff(old, cur) {
		got[e.ID] = e
	}
	want := map[string]reports.Change{"b": reports.Better, "c": reports.Worse, "d": reports.Worse, "new": reports.Added, "gone": reports.Removed, "s": reports.Other}
	if len(got) != len(want) {
		t.Errorf("diff = %+v", got)
	}
	for id, ch := range want {
		if got[id].Change != ch {
			t.Errorf("%s: %s, want %s", id, got[id].Change, ch)
		}
	}
	if !got["c"].NewFail() || !got["new"].NewFail() || !got["d"].NewFail() || got["b"].NewFail() {
		t.Errorf("new FAILs: %+v", got)
	}
	var buf bytes.Buffer
	n, err := reports.WriteDiff(&buf, reports.Diff(old, cur))
	if err != nil || n != 3 {
		t.Fatalf("WriteDiff = %d, %v", n, err)
	}
	out := buf.String()
	for _, want := range []string{"worse (2):", "! PASS       → FAIL       c  (line 3: broke)", "better (1):", "new scenarios (1):", "gone (1):", "3 new FAIL"} {
		if !strings.Contains(out, want) {
			t.Errorf("diff output lacks %q:\n%s", want, out)
		}
	}
	// The same run twice: nothing to say, no new FAIL.
	if n, _ := reports.WriteDiff(&bytes.Buffer{}, reports.Diff(cur, cur)); n != 0 {
		t.Errorf("a run against itself has %d new FAILs", n)
	}
}

func TestWriteFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	paths, err := reports.WriteFiles(dir, gateRun())
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 4 {
		t.Fatalf("paths = %v", paths)
	}
	for _, name := range []string{reports.FileJSON, reports.FileJUnit, reports.FileMarkdown, reports.FileHTML} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || len(b) == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	f, _ := os.Open(filepath.Join(dir, reports.FileJSON))
	defer f.Close()
	back, err := reports.ReadJSON(f)
	if err != nil || back.Summary.Total != 7 || back.Results[4].Waiver == nil || back.Results[4].Waiver.Reason != "badge lands in 2.1" {
		t.Fatalf("read back: %v %+v", err, back)
	}
}
