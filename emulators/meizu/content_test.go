package meizu_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/meizu"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("Meizu content filter", func() {
	var (
		f     *fixture
		alice world.Device
	)
	BeforeEach(func() {
		f = newFixture(func(a *world.App) {
			a.Settings = map[string]string{"content.sensitive_words": "代开发票", "pass_through": "allowed"}
		})
		alice = f.phone("alice-phone")
	})

	It("accepts a sensitive word with 200 and never shows it, naming the word", func() {
		Expect(f.push(alice.Token, private("代开发票，请联系")).Code).To(Equal("200"))
		s := f.shade("alice-phone")
		Expect(s.Shown).To(BeEmpty())
		Expect(s.Dropped).To(ConsistOf(HaveField("Rule", "meizu.content.sensitive-word")))
		r := f.lastRequest()
		Expect(r.Verdict).To(Equal(world.VerdictNotShown))
		Expect(r.Reason).To(ContainSubstring(`"代开发票"`))
	})

	It("filters the expanded text and a pass-through payload too", func() {
		m := notice("Bob", "hi", 1, map[string]any{"noticeExpandInfo": map[string]any{"noticeExpandType": 1, "noticeExpandContent": "代开发票"}})
		Expect(f.push(alice.Token, m).Code).To(Equal("200"))
		Expect(f.shade("alice-phone").Dropped).To(HaveLen(1))
		Expect(f.pushTo(meizu.PathPassThroughByPushID, "pushIds", alice.Token, map[string]any{"content": `{"t":"代开发票"}`}).Code).To(Equal("200"))
		s := f.shade("alice-phone")
		Expect(s.Inbox).To(BeEmpty())
		Expect(s.Dropped).To(HaveLen(2))
	})

	It("accepts a blank title (it passes 1–32 characters) and never shows it", func() {
		Expect(f.push(alice.Token, notice("   ", "hi", 1)).Code).To(Equal("200"))
		Expect(f.shade("alice-phone").Dropped).To(ConsistOf(HaveField("Rule", "meizu.content.empty")))
	})

	It("strips control characters on the phone and notes it", func() {
		Expect(f.push(alice.Token, notice("Bob\u0008", "hi", 1)).Code).To(Equal("200"))
		Expect(f.shade("alice-phone").Shown).To(ConsistOf(HaveField("Title", "Bob")))
		Expect(f.w.Ledger(world.Filter{Rule: "meizu.content.control-chars", Verdict: world.VerdictAccepted})).To(HaveLen(1))
	})
})
