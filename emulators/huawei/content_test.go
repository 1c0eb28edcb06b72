package huawei_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/huawei"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("the content filter", func() {
	var (
		f     *fixture
		alice world.Device
	)
	BeforeEach(func() {
		f = newFixture()
		alice = f.phone(f.app, "alice-phone")
	})

	It("refuses the vendor-wide words of the control plane and the app's content.sensitive_words with 80100016", func() {
		f.w.SetContentRules("huawei", world.ContentRules{SensitiveWords: []string{"casino"}})
		Expect(f.send(notify(toks(alice), nil, obj{"big_title": "Casino", "big_body": "x", "style": 1})).Code).To(Equal("80100016"))
		f.update("chat", func(a *world.App) { a.Settings = map[string]string{"content.sensitive_words": "彩票"} })
		Expect(f.send(notify(toks(alice), obj{"data": `{"t":"彩票"}`}, nil)).Code).To(Equal("80100016"))
		Expect(f.shade(alice).Shown).To(BeEmpty())
		Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleContentSensitive, Verdict: world.VerdictRejected})).To(HaveLen(2))
	})

	It("accepts a body with nothing to show and the phone never shows it", func() {
		r := f.send(notify(toks(alice), nil, obj{"body": " 。。。！"}))
		Expect(r.Code).To(Equal("80000000"))
		s := f.shade(alice)
		Expect(s.Shown).To(BeEmpty())
		Expect(s.Dropped).To(ConsistOf(HaveField("Rule", huawei.RuleContentEmpty)))
		l := f.w.Ledger(world.Filter{Kind: world.KindRequest, Verdict: world.VerdictNotShown, Rule: huawei.RuleContentEmpty})
		Expect(l).To(HaveLen(1))
		Expect(l[0].Reason).To(ContainSubstring("body has nothing to show"))
	})

	It("lets a localized title stand for a missing one", func() {
		Expect(f.send(notify(toks(alice), nil, obj{"title": "", "title_loc_key": "new_message"})).Code).To(Equal("80000000"))
		Expect(f.shade(alice).Dropped).To(BeEmpty())
	})

	It("refuses a body that is not UTF-8 with 80100001", func() {
		r := f.sendRaw(f.app.ID, f.accessToken(f.app), []byte(`{"message":{"android":{"notification":{"title":"A`+"\xff"+`","body":"b","click_action":{"type":3}}},"token":["`+alice.Token+`"]}}`))
		Expect(r.Code).To(Equal("80100001"))
		Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleContentEncoding})).To(HaveLen(1))
	})

	It("strips control characters on the phone and notes it in the ledger", func() {
		Expect(f.send(notify(toks(alice), nil, obj{"title": "Bob\u0007", "body": "hi\r\nthere\u0000"})).Code).To(Equal("80000000"))
		s := f.shade(alice)
		Expect(s.Shown).To(ConsistOf(And(HaveField("Title", "Bob"), HaveField("Body", "hi\nthere"))))
		l := f.w.Ledger(world.Filter{Rule: huawei.RuleContentControls})
		Expect(l).To(ConsistOf(And(HaveField("Verdict", world.VerdictAccepted), HaveField("Device", alice.ID))))
	})
})
