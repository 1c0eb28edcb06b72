package scenarios_test

import (
	"context"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/harness"
	"github.com/pushsim/pushsim/reports"
	"github.com/pushsim/pushsim/scenarios"
)

// The fault scenarios' promise: the same seed gives the same outcome
// ledger, run after run; another seed gives another one.
var _ = Describe("seeded faults", func() {
	It("give the same ledger and outcomes for the same seed, and others for another seed", func() {
		all, err := harness.LoadFS(scenarios.FS)
		Expect(err).NotTo(HaveOccurred())
		var s *harness.Scenario
		for _, x := range all {
			if x.ID == "faults/seeded/share-reproducible" {
				s = x
			}
		}
		Expect(s).NotTo(BeNil())
		story := func(seed uint64) string {
			c := *s
			c.Seed = seed
			res := harness.Run(context.Background(), &c, harness.Options{})
			var lines []string
			for _, e := range res.Trace {
				if e.Kind == reports.EventLedger || e.Kind == reports.EventOutcome {
					lines = append(lines, e.Summary)
				}
			}
			return strings.Join(lines, "\n")
		}
		first := story(42)
		Expect(first).To(ContainSubstring("xiaomi.fault.injected"))
		Expect(story(42)).To(Equal(first))
		Expect(story(43)).NotTo(Equal(first))
	})
})
