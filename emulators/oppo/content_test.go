package oppo_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("OPPO content filter", func() {
	var (
		f     *fixture
		tok   string
		alice world.Device
	)
	BeforeEach(func() {
		f = newFixture(func(a *world.App) { a.Settings = map[string]string{"content.sensitive_words": "抽奖"} })
		alice = f.phone("alice", 33)
		tok = f.token()
	})

	It("accepts a sensitive word in the sub_title and never shows it", func() {
		n := f.imNotification()
		n["sub_title"] = "免费抽奖"
		r := f.unicast(tok, msg(alice.Token, n))
		Expect(r.Code).To(Equal(0))
		s := f.shade("alice")
		Expect(s.Shown).To(BeEmpty())
		Expect(s.Dropped).To(ConsistOf(HaveField("Rule", "oppo.content.sensitive-word")))
		e := f.w.Ledger(world.Filter{Kind: world.KindRequest, Verdict: world.VerdictNotShown, Rule: "oppo.content.sensitive-word"})
		Expect(e).To(HaveLen(1))
		Expect(e[0].Reason).To(ContainSubstring(`"抽奖"`))
	})

	It("takes a vendor-wide word from the world for every app", func() {
		f.w.SetContentRules("oppo", world.ContentRules{SensitiveWords: []string{"casino"}})
		n := f.imNotification()
		n["content"] = "CASINO tonight"
		Expect(f.unicast(tok, msg(alice.Token, n)).Code).To(Equal(0))
		Expect(f.shade("alice").Dropped).To(ConsistOf(HaveField("Rule", "oppo.content.sensitive-word")))
	})

	It("accepts a content of only punctuation per target in a batch and shows the other", func() {
		bob := f.phone("bob", 33)
		a, b := f.imNotification(), f.imNotification()
		a["content"] = "……"
		r := f.batch(tok, []any{msg(alice.Token, a), msg(bob.Token, b)})
		Expect(r.Code).To(Equal(0))
		Expect(f.shade("alice").Dropped).To(ConsistOf(HaveField("Rule", "oppo.content.empty")))
		Expect(f.shade("bob").Shown).To(HaveLen(1))
	})

	It("strips control characters on the phone and notes it", func() {
		n := f.imNotification()
		n["title"] = "Bob\u0000"
		Expect(f.unicast(tok, msg(alice.Token, n)).Code).To(Equal(0))
		Expect(f.shade("alice").Shown).To(ConsistOf(HaveField("Title", "Bob")))
		Expect(f.w.Ledger(world.Filter{Rule: "oppo.content.control-chars", Verdict: world.VerdictAccepted})).To(HaveLen(1))
	})
})
