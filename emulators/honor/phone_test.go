package honor_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/honor"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("what the phone does", func() {
	var (
		f     *fixture
		alice world.Device
	)
	BeforeEach(func() {
		f = newFixture()
		alice = f.phone(f.app, "alice-phone")
	})

	Describe("classification", func() {
		It("shows NORMAL with the service right as service & communication, with sound", func() {
			f.send(notify(toks(alice), nil, nil))
			n := f.shade(alice).Shown[0]
			Expect(n).To(And(HaveField("Class", world.ClassPrivate), HaveField("Importance", "NORMAL"), HaveField("Sound", "default"), HaveField("Silent", false)))
		})

		DescribeTable("shows news & marketing silently",
			func(an obj, privileges []string) {
				if privileges != nil {
					f.update("chat", func(a *world.App) { a.Privileges = privileges })
				}
				f.send(notify(toks(alice), nil, an))
				n := f.shade(alice).Shown[0]
				Expect(n).To(And(HaveField("Class", world.ClassPublic), HaveField("Importance", "LOW"), HaveField("Silent", true), HaveField("Sound", "")))
				Expect(f.w.Ledger(world.Filter{Kind: world.KindRequest, Rule: honor.RuleClassMarketing})).To(HaveLen(1))
			},
			Entry("importance LOW", obj{"importance": "LOW"}, nil),
			Entry("no importance", obj{"importance": nil}, nil),
			Entry("NORMAL without the service right", nil, []string{}),
		)

		It("treats a message without importance as the default_importance setting says", func() {
			f.update("chat", func(a *world.App) { a.Settings = map[string]string{"default_importance": "NORMAL"} })
			f.send(notify(toks(alice), nil, obj{"importance": nil}))
			Expect(f.shade(alice).Shown[0].Class).To(Equal(world.ClassPrivate))
		})

		It("shows 2 marketing messages a day (5 for a news app), drops the rest, and resets at Shanghai midnight", func() {
			for i := 0; i < 3; i++ {
				Expect(f.send(notify(toks(alice), nil, obj{"importance": "LOW"})).Code).To(Equal(200))
			}
			s := f.shade(alice)
			Expect(s.Shown).To(HaveLen(2))
			Expect(s.Dropped).To(ConsistOf(HaveField("Rule", honor.RuleMarketingCap)))
			f.send(notify(toks(alice), nil, nil))
			Expect(f.shade(alice).Shown).To(HaveLen(3), "service messages are not capped")
			f.clock.Set(world.NextMidnight(f.clock.Now(), world.Shanghai))
			f.send(notify(toks(alice), nil, obj{"importance": "LOW"}))
			Expect(f.shade(alice).Shown).To(HaveLen(4))

			news := f.addApp(world.App{Name: "news", News: true})
			bob := f.phone(news, "bob-phone")
			for i := 0; i < 6; i++ {
				f.sendAs(news, notify(toks(bob), nil, obj{"importance": "LOW"}))
			}
			Expect(f.shade(bob).Shown).To(HaveLen(5))
		})
	})

	Describe("click actions", func() {
		DescribeTable("open what clickAction names, with the data as extras",
			func(click obj, want world.Click) {
				body := notify(toks(alice), obj{"data": `{"conv":"c1"}`}, obj{"clickAction": click})
				Expect(f.send(body).Code).To(Equal(200))
				n := f.shade(alice).Shown[0]
				want.Extras = map[string]string{"conv": "c1"}
				Expect(n.Click).To(Equal(want))
			},
			Entry("type 1 intent (wins over action)", obj{"type": 1, "intent": "intent://chat#Intent;scheme=pushscheme;end", "action": "a.b"},
				world.Click{Type: world.ClickIntent, Target: "intent://chat#Intent;scheme=pushscheme;end"}),
			Entry("type 1 action", obj{"type": 1, "action": "com.example.chat.OPEN"}, world.Click{Type: world.ClickAction, Target: "com.example.chat.OPEN"}),
			Entry("type 2 url", obj{"type": 2, "url": "https://example.com/a"}, world.Click{Type: world.ClickURL, Target: "https://example.com/a"}),
			Entry("type 3 launcher", obj{"type": 3}, world.Click{Type: world.ClickLauncher}),
		)
	})

	Describe("data", func() {
		It("hands a data message to the app, not the shade, byte for byte", func() {
			ext := `{"chatId":42,"html":"<b>&</b>","emoji":"😀"}`
			Expect(f.send(obj{"data": ext, "token": toks(alice)}).Code).To(Equal(200))
			s := f.shade(alice)
			Expect(s.Shown).To(BeEmpty())
			Expect(s.Inbox).To(ConsistOf(And(HaveField("Payload", ext), HaveField("PassThrough", true))))
			Expect(f.w.Ledger(world.Filter{Kind: world.KindRequest, Rule: honor.RuleData})).To(HaveLen(1))
		})

		It("prefers android.data over data for a notification", func() {
			body := notify(toks(alice), obj{"data": `{"a":"android"}`}, nil)
			body["data"] = `{"a":"top"}`
			f.send(body)
			Expect(f.shade(alice).Shown[0].Payload).To(Equal(`{"a":"android"}`))
		})
	})

	Describe("badge", func() {
		It("sets with setNum, adds with addNum, and needs badgeClass", func() {
			f.send(notify(toks(alice), nil, obj{"badge": obj{"setNum": 5, "badgeClass": "com.example.chat.MainActivity"}}))
			Expect(*f.shade(alice).Shown[0].Badge).To(Equal(5))
			f.send(notify(toks(alice), nil, obj{"badge": obj{"addNum": 2, "badgeClass": "com.example.chat.MainActivity"}}))
			Expect(f.shade(alice).Device.Badge).To(Equal(7))
			f.send(notify(toks(alice), nil, obj{"badge": obj{"setNum": 1}}))
			Expect(f.shade(alice).Device.Badge).To(Equal(7), "no badgeClass, no badge")
			f.send(notify(toks(alice), nil, obj{"badgeNotification": obj{"setNum": 0, "badgeClass": "c"}}))
			Expect(f.shade(alice).Device.Badge).To(Equal(0), "the other client's field name")
		})
	})

	Describe("replacing", func() {
		It("replaces a notification with the same notifyId or tag", func() {
			f.send(notify(toks(alice), nil, obj{"notifyId": 7, "body": "one"}))
			f.send(notify(toks(alice), nil, obj{"notifyId": 7, "body": "two"}))
			f.send(notify(toks(alice), nil, obj{"tag": "t", "body": "three"}))
			f.send(notify(toks(alice), nil, obj{"tag": "t", "body": "four"}))
			f.send(notify(toks(alice), nil, obj{"notifyId": -1, "body": "five"}))
			Expect(f.shade(alice).Shown).To(HaveExactElements(HaveField("Body", "two"), HaveField("Body", "four"), HaveField("Body", "five")))
		})
	})

	Describe("ttl", func() {
		It("keeps a message for an offline phone for android.ttl", func() {
			_, err := f.w.UpdateDevice(alice.ID, func(d *world.Device) { d.Offline = true })
			Expect(err).NotTo(HaveOccurred())
			f.send(notify(toks(alice), obj{"ttl": "3600s"}, obj{"body": "short"}))
			f.send(notify(toks(alice), nil, obj{"body": "default"}))
			f.clock.Advance(2 * time.Hour)
			_, err = f.w.UpdateDevice(alice.ID, func(d *world.Device) { d.Offline = false })
			Expect(err).NotTo(HaveOccurred())
			s := f.shade(alice)
			Expect(s.Shown).To(ConsistOf(HaveField("Body", "default")))
			Expect(s.Dropped).To(ConsistOf(HaveField("Rule", "world.ttl.expired")))
		})
	})

	It("strips control characters from what it shows", func() {
		f.send(notify(toks(alice), nil, obj{"body": "he\x07llo"}))
		Expect(f.shade(alice).Shown[0].Body).To(Equal("hello"))
		Expect(f.w.Ledger(world.Filter{Rule: honor.RuleContentControls})).To(HaveLen(1))
	})

	It("drops on uninstalled phones", func() {
		_, err := f.w.UpdateDevice(alice.ID, func(d *world.Device) { d.Uninstalled = true })
		Expect(err).NotTo(HaveOccurred())
		Expect(f.send(notify(toks(alice), nil, nil)).Code).To(Equal(200))
		Expect(f.shade(alice).Dropped).To(ConsistOf(HaveField("Rule", "world.device.uninstalled")))
	})
})
