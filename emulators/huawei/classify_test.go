package huawei_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/huawei"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("classification", func() {
	var (
		f     *fixture
		alice world.Device
	)
	BeforeEach(func() {
		f = newFixture()
		alice = f.phone(f.app, "alice-phone")
	})

	It("shows a service & communication message with sound in its channel", func() {
		Expect(f.send(notify(toks(alice), nil, obj{"channel_id": "im"})).Code).To(Equal("80000000"))
		n := f.shade(alice).Shown[0]
		Expect(n).To(And(HaveField("Class", world.ClassPrivate), HaveField("Silent", false), HaveField("Sound", "default"),
			HaveField("Channel", "im"), HaveField("Importance", "NORMAL")))
	})

	DescribeTable("treats a message as news & marketing: silent, marketing channel",
		func(privileges []string, category string) {
			app := f.addApp(world.App{Name: "news", Privileges: privileges})
			bob := f.phone(app, "bob-phone")
			body := notify(toks(bob), obj{"category": category}, obj{"channel_id": "im", "sound": "/raw/ring"})
			Expect(f.sendAs(app, body).Code).To(Equal("80000000"))
			n := f.shade(bob).Shown[0]
			Expect(n).To(And(HaveField("Class", world.ClassPublic), HaveField("Silent", true), HaveField("Sound", ""),
				HaveField("Channel", ""), HaveField("Importance", "LOW")))
			Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleClassMarketing})).To(HaveLen(1))
		},
		Entry("without the self-classification right", []string{}, "IM"),
		Entry("with the right but no category", []string{huawei.PrivSelfClassification}, ""),
		Entry("with category MARKETING", []string{huawei.PrivSelfClassification}, "MARKETING"),
	)

	It("makes a service message with importance LOW silent and ignores its channel", func() {
		Expect(f.send(notify(toks(alice), nil, obj{"importance": "LOW", "channel_id": "im"})).Code).To(Equal("80000000"))
		Expect(f.shade(alice).Shown[0]).To(And(HaveField("Class", world.ClassPrivate), HaveField("Silent", true), HaveField("Channel", "")))
	})

	It("plays a custom sound unless default_sound is set", func() {
		f.send(notify(toks(alice), nil, obj{"sound": "/raw/shake"}))
		f.send(notify(toks(alice), nil, obj{"sound": "/raw/shake", "default_sound": true}))
		s := f.shade(alice).Shown
		Expect(s[0].Sound).To(Equal("/raw/shake"))
		Expect(s[1].Sound).To(Equal("default"))
	})

	Describe("the news & marketing cap", func() {
		var app *world.App
		var bob world.Device
		BeforeEach(func() {
			app = f.addApp(world.App{Name: "shop", Privileges: []string{}})
			bob = f.phone(app, "bob-phone")
		})
		sendN := func(n int) {
			for i := 0; i < n; i++ {
				Expect(f.sendAs(app, notify(toks(bob), nil, nil)).Code).To(Equal("80000000"), "the request is accepted; the phone drops it")
			}
		}

		It("shows 2 per device per day and drops the rest with the rule, until Shanghai midnight", func() {
			f.clock.Set(time.Date(2026, 11, 25, 23, 50, 0, 0, world.Shanghai))
			sendN(3)
			s := f.shade(bob)
			Expect(s.Shown).To(HaveLen(2))
			Expect(s.Dropped).To(ConsistOf(HaveField("Rule", huawei.RuleMarketingCap)))
			Expect(f.w.Ledger(world.Filter{Kind: world.KindDelivery, Rule: huawei.RuleMarketingCap, Verdict: world.VerdictNotShown})).To(HaveLen(1))
			f.clock.Advance(15 * time.Minute) // 00:05 in Shanghai, still the same UTC day
			sendN(1)
			Expect(f.shade(bob).Shown).To(HaveLen(3))
		})

		It("shows 5 for an app marked as news", func() {
			f.update("shop", func(a *world.App) { a.News = true })
			sendN(6)
			Expect(f.shade(bob).Shown).To(HaveLen(5))
		})

		It("does not count service messages against it", func() {
			for i := 0; i < 4; i++ {
				f.send(notify(toks(alice), nil, nil))
			}
			Expect(f.shade(alice).Shown).To(HaveLen(4))
		})

		It("does not count validate_only messages", func() {
			body := notify(toks(bob), nil, nil)
			body["validate_only"] = true
			for i := 0; i < 3; i++ {
				f.sendAs(app, body)
			}
			sendN(2)
			Expect(f.shade(bob).Shown).To(HaveLen(2))
		})
	})

	It("drops more than the per-device daily total", func() {
		f.update("chat", func(a *world.App) { a.Quotas = map[string]int{"device_daily": 3} })
		for i := 0; i < 4; i++ {
			f.send(notify(toks(alice), nil, nil))
		}
		s := f.shade(alice)
		Expect(s.Shown).To(HaveLen(3))
		Expect(s.Dropped).To(ConsistOf(HaveField("Rule", huawei.RuleDeviceCap)))
	})

	It("drops the 3001st message to a phone in a day by default", func() {
		for i := 0; i < 3001; i++ {
			f.send(obj{"message": obj{"data": "x", "token": toks(alice)}})
		}
		s := f.shade(alice)
		Expect(s.Dropped).To(ConsistOf(HaveField("Rule", huawei.RuleDeviceCap)))
	})
})
