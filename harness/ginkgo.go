package harness

import (
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/pushsim/pushsim/reports"
)

// Specs declares one Ginkgo spec per scenario under fsys, grouped by
// vendor and labelled with the vendor, the rule ids and the scenario's own
// labels, so `ginkgo --label-filter='xiaomi && quota'` selects. A malformed
// file becomes a failing spec that names file:line. Call it at package
// level of a test file:
//
//	var _ = harness.Specs(scenarios.FS, harness.Options{})
func Specs(fsys fs.FS, opt Options) bool {
	all, err := LoadFS(fsys)
	if errs, ok := err.(LoadErrors); ok {
		for _, e := range errs {
			ginkgo.It("loads "+e.File, func() { ginkgo.Fail(e.Error()) })
		}
	} else if err != nil {
		ginkgo.It("loads the scenarios", func() { ginkgo.Fail(err.Error()) })
	}
	byVendor := map[string][]*Scenario{}
	for _, s := range all {
		byVendor[s.vendor()] = append(byVendor[s.vendor()], s)
	}
	vendors := make([]string, 0, len(byVendor))
	for v := range byVendor {
		vendors = append(vendors, v)
	}
	sort.Strings(vendors)
	for _, v := range vendors {
		ginkgo.Describe(v, func() {
			for _, s := range byVendor[v] {
				ginkgo.It(s.ID+": "+s.Title, ginkgo.Label(Labels(s)...), func(ctx ginkgo.SpecContext) {
					res := Run(ctx, s, opt)
					// The suite's own dispatcher is held to every rule:
					// a broken SHOULD fails the spec too.
					switch res.Verdict {
					case reports.Skipped:
						ginkgo.Skip(res.Skip)
					case reports.Waived:
						ginkgo.Skip("waived: " + res.Waiver.Reason)
					case reports.Fail, reports.NonStrict:
						ginkgo.Fail(string(res.Verdict) + "\n" + FailureText(s, res))
					}
				}, ginkgo.NodeTimeout(2*time.Minute))
			}
		})
	}
	return true
}

// Labels are a scenario's Ginkgo labels: its vendor, its rule ids and its
// own labels.
func Labels(s *Scenario) []string {
	out := []string{}
	add := func(l string) {
		if l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	add(s.vendor())
	for _, v := range scenarioVendors(s) {
		add(v)
	}
	for _, r := range s.Rules {
		add(r)
	}
	for _, l := range s.Labels {
		add(l)
	}
	return out
}

// FailureText renders a failed result for a person: file:line of every
// broken expectation, then what went over the wire.
func FailureText(s *Scenario, res reports.Result) string {
	var b strings.Builder
	for _, f := range res.Failures {
		b.WriteString(s.File)
		if f.Line > 0 {
			b.WriteString(":" + strconv.Itoa(f.Line))
		}
		b.WriteString(": ")
		if f.Step > 0 {
			b.WriteString("step " + strconv.Itoa(f.Step) + ": ")
		}
		b.WriteString(f.Message)
		b.WriteByte('\n')
	}
	if len(res.Trace) > 0 {
		b.WriteString("\ntrace:\n")
		b.WriteString(reports.TraceText(res.Trace))
	}
	return b.String()
}
