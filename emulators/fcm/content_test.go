package fcm_test

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/fcm"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("the content filter", func() {
	var v *env
	BeforeEach(func() {
		v = newEnv(func(a *world.App) { a.Settings = map[string]string{"content.sensitive_words": "casino"} })
	})

	It("accepts a sensitive word in the body and never shows it, naming the word", func() {
		a := v.send(v.msg(`"notification":{"title":"Bob","body":"Casino night?"}`))
		Expect(a.status).To(Equal(http.StatusOK), a.body)
		s := v.shade(v.phone.ID)
		Expect(s.Shown).To(BeEmpty())
		Expect(s.Dropped).To(ConsistOf(HaveField("Rule", fcm.RuleContentWord)))
		e := v.lastRequest()
		Expect(e.Verdict).To(Equal(world.VerdictNotShown))
		Expect(e.Reason).To(ContainSubstring(`"casino"`))
	})

	It("drops a data-only message whose data holds a sensitive word", func() {
		Expect(v.send(v.msg(`"data":{"t":"casino"}`)).status).To(Equal(http.StatusOK))
		s := v.shade(v.phone.ID)
		Expect(s.Inbox).To(BeEmpty())
		Expect(s.Dropped).To(ConsistOf(HaveField("Rule", fcm.RuleContentWord)))
	})

	It("shows a title alone, and drops a notification where neither title nor body has anything to show", func() {
		Expect(v.send(v.msg(`"notification":{"title":"Bob"}`)).status).To(Equal(http.StatusOK))
		Expect(v.shade(v.phone.ID).Shown).To(HaveLen(1))
		Expect(v.send(v.msg(`"notification":{"title":"…","body":"!!"}`)).status).To(Equal(http.StatusOK))
		Expect(v.shade(v.phone.ID).Dropped).To(ConsistOf(HaveField("Rule", fcm.RuleContentEmpty)))
	})

	It("refuses a lone surrogate escape with 400 INVALID_ARGUMENT", func() {
		a := v.send(v.msg(`"notification":{"title":"Bob \ud800","body":"hi"}`))
		Expect(a.status).To(Equal(http.StatusBadRequest))
		st, _ := fcmError(a)
		Expect(st).To(Equal("INVALID_ARGUMENT"))
		Expect(v.lastRequest().Rule).To(Equal(fcm.RuleContentEncoding))
	})

	It("strips control characters on the phone and notes it", func() {
		Expect(v.send(v.msg(`"notification":{"title":"Bob\u0007","body":"hi"}`)).status).To(Equal(http.StatusOK))
		Expect(v.shade(v.phone.ID).Shown).To(ConsistOf(HaveField("Title", "Bob")))
		Expect(v.w.Ledger(world.Filter{Rule: fcm.RuleContentControls, Verdict: world.VerdictAccepted})).To(HaveLen(1))
	})
})
