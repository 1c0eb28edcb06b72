package fcm_test

import (
	"net/http"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/fcm"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("the phone", func() {
	var v *env
	BeforeEach(func() { v = newEnv() })

	ok := func(a answer) {
		GinkgoHelper()
		Expect(a.status).To(Equal(http.StatusOK), a.body)
	}
	offline := func(dev string, off bool) {
		GinkgoHelper()
		_, err := v.w.UpdateDevice(dev, func(d *world.Device) { d.Offline = off })
		Expect(err).NotTo(HaveOccurred())
	}

	It("shows android.notification fields over the generic notification", func() {
		a := v.send(v.msg(`"notification":{"title":"generic","body":"generic body"},
			"data":{"ext":"{\"k\":1}","conv":"c1"},
			"android":{"priority":"high","notification":{"title":"Bob","channel_id":"im","sound":"ding","tag":"conv-1",
			"click_action":"OPEN_CHAT","notification_priority":"PRIORITY_HIGH","notification_count":3}}`))
		ok(a)
		sh := v.shade(v.phone.ID)
		Expect(sh.Shown).To(HaveLen(1))
		n := sh.Shown[0]
		Expect(n.MessageID).To(Equal(a.json["name"]))
		Expect(n.Title).To(Equal("Bob"))
		Expect(n.Body).To(Equal("generic body"))
		Expect(n.Channel).To(Equal("im"))
		Expect(n.Sound).To(Equal("ding"))
		Expect(n.Importance).To(Equal("HIGH"))
		Expect(n.HeadsUp).To(BeTrue())
		Expect(n.NotifyID).To(Equal("conv-1"))
		Expect(*n.Badge).To(Equal(3))
		Expect(n.Extras).To(Equal(map[string]string{"ext": `{"k":1}`, "conv": "c1"}))
		Expect(n.Click.Type).To(Equal(world.ClickAction), "click_action is an intent action, not a class")
		Expect(n.Click.Target).To(Equal("OPEN_CHAT"))
		Expect(n.Click.Extras).To(HaveKeyWithValue("ext", `{"k":1}`))
		Expect(n.Click.Extras).To(HaveKeyWithValue("from", v.app.Extra[fcm.ExtraSenderID]))
		Expect(n.Click.Extras).To(HaveKeyWithValue("collapse_key", "com.example.chat"))
		Expect(n.Click.Extras).To(HaveKey("google.message_id"))
	})

	It("opens the launcher without click_action and plays the default sound with default_sound", func() {
		ok(v.send(v.msg(`"notification":{"title":"t"},"android":{"notification":{"default_sound":true}}`)))
		n := v.shade(v.phone.ID).Shown[0]
		Expect(n.Click.Type).To(Equal(world.ClickLauncher))
		Expect(n.Sound).To(Equal("default"))
		Expect(n.Importance).To(Equal("NORMAL"))
	})

	It("puts a notification for a channel the app did not create in the default channel", func() {
		a := v.send(v.msg(`"notification":{"title":"t"},"android":{"notification":{"channel_id":"promo"}}`))
		ok(a)
		Expect(v.shade(v.phone.ID).Shown[0].Channel).To(Equal(fcm.DefaultChannel))
		Expect(v.lastRequest().Reason).To(ContainSubstring(fcm.RuleChannelFallback))

		ok(v.send(v.msg(`"notification":{"title":"no channel"}`)))
		Expect(v.shade(v.phone.ID).Shown[1].Channel).To(Equal(fcm.DefaultChannel))

		v.setApp(func(a *world.App) { a.Settings = map[string]string{"default_channel": "im"} })
		ok(v.send(v.msg(`"notification":{"title":"t"},"android":{"notification":{"channel_id":"promo"}}`)))
		Expect(v.shade(v.phone.ID).Shown[2].Channel).To(Equal("im"))
	})

	It("looks at the channels the app created on the phone", func() {
		p := v.register(v.app, "carol-phone", func(d *world.Device) { d.PhoneChannels = []string{"other"} })
		ok(v.send(msgFor(p.Token, `"notification":{"title":"t"},"android":{"notification":{"channel_id":"im"}}`)))
		Expect(v.shade(p.ID).Shown[0].Channel).To(Equal(fcm.DefaultChannel))
	})

	It("has no channels before Android 8", func() {
		p := v.register(v.app, "old-phone", func(d *world.Device) { d.Android = 25 })
		ok(v.send(msgFor(p.Token, `"notification":{"title":"t"},"android":{"notification":{"channel_id":"im"}}`)))
		Expect(v.shade(p.ID).Shown[0].Channel).To(BeEmpty())
	})

	It("replaces a shown notification with the same tag", func() {
		ok(v.send(v.msg(`"android":{"notification":{"title":"1","tag":"t"}}`)))
		ok(v.send(v.msg(`"android":{"notification":{"title":"2","tag":"t"}}`)))
		ok(v.send(v.msg(`"android":{"notification":{"title":"3","tag":"u"}}`)))
		titles := []string{}
		for _, n := range v.shade(v.phone.ID).Shown {
			titles = append(titles, n.Title)
		}
		Expect(titles).To(Equal([]string{"2", "3"}))
	})

	It("hands a data-only message to the app instead of the shade", func() {
		ok(v.send(v.msg(`"data":{"ext":"x"}`)))
		sh := v.shade(v.phone.ID)
		Expect(sh.Shown).To(BeEmpty())
		Expect(sh.Inbox).To(HaveLen(1))
		Expect(sh.Inbox[0].Extras).To(HaveKeyWithValue("ext", "x"))
	})

	It("lets android.data replace message.data", func() {
		ok(v.send(v.msg(`"notification":{"title":"t"},"data":{"a":"1"},"android":{"data":{"b":"2"}}`)))
		Expect(v.shade(v.phone.ID).Shown[0].Extras).To(Equal(map[string]string{"b": "2"}))
	})

	It("holds a message for an offline phone for its ttl", func() {
		offline(v.phone.ID, true)
		ok(v.send(v.msg(`"notification":{"title":"kept"},"android":{"ttl":"60s"}`)))
		ok(v.send(v.msg(`"notification":{"title":"lost"},"android":{"ttl":"10s"}`)))
		ok(v.send(v.msg(`"notification":{"title":"never"},"android":{"ttl":"0s"}`)))
		v.clock.Advance(30 * time.Second)
		offline(v.phone.ID, false)
		sh := v.shade(v.phone.ID)
		Expect(sh.Shown).To(HaveLen(1))
		Expect(sh.Shown[0].Title).To(Equal("kept"))
		rules := []string{}
		for _, d := range sh.Dropped {
			rules = append(rules, d.Rule)
		}
		Expect(rules).To(ConsistOf("world.ttl.offline", "world.ttl.expired"))
	})

	It("keeps only the newest message of a collapse key for an offline phone", func() {
		offline(v.phone.ID, true)
		for i := 1; i <= 3; i++ {
			// Tags differ (as a client that tags by message id sends them).
			ok(v.send(v.msg(`"notification":{"title":"v` + strconv.Itoa(i) + `"},"android":{"collapse_key":"score","notification":{"tag":"m` + strconv.Itoa(i) + `"}}`)))
		}
		offline(v.phone.ID, false)
		sh := v.shade(v.phone.ID)
		Expect(sh.Shown).To(HaveLen(1))
		Expect(sh.Shown[0].Title).To(Equal("v3"))
		Expect(sh.Dropped).To(HaveLen(2))
		for _, d := range sh.Dropped {
			Expect(d.Rule).To(Equal(fcm.RuleCollapseLatest))
		}
		Expect(v.w.Ledger(world.Filter{Rule: fcm.RuleCollapseLatest, Kind: world.KindDelivery})).To(HaveLen(2))
	})

	It("stores at most 4 collapse keys for an offline phone", func() {
		offline(v.phone.ID, true)
		for i := 1; i <= 5; i++ {
			ok(v.send(v.msg(`"notification":{"title":"k` + strconv.Itoa(i) + `"},"android":{"collapse_key":"k` + strconv.Itoa(i) + `"}`)))
		}
		ok(v.send(v.msg(`"notification":{"title":"plain"}`)))
		offline(v.phone.ID, false)
		sh := v.shade(v.phone.ID)
		titles := []string{}
		for _, n := range sh.Shown {
			titles = append(titles, n.Title)
		}
		Expect(titles).To(Equal([]string{"k1", "k2", "k3", "k4", "plain"}))
		Expect(sh.Dropped).To(HaveLen(1))
		Expect(sh.Dropped[0].Title).To(Equal("k5"))
		Expect(sh.Dropped[0].Rule).To(Equal(fcm.RuleCollapseMaxKeys))

		By("starting afresh once the phone was online")
		offline(v.phone.ID, true)
		ok(v.send(v.msg(`"notification":{"title":"again"},"android":{"collapse_key":"k5"}`)))
		offline(v.phone.ID, false)
		Expect(v.shade(v.phone.ID).Shown).To(HaveLen(6))
	})

	It("discards every stored message when one more than 100 arrives for an offline phone", func() {
		offline(v.phone.ID, true)
		for i := 1; i <= 100; i++ {
			// Data messages without a collapse key: not collapsible, so not throttled as such.
			ok(v.send(v.msg(`"data":{"n":"` + strconv.Itoa(i) + `"}`)))
		}
		Expect(v.shade(v.phone.ID).Pending).To(Equal(100))
		ok(v.send(v.msg(`"data":{"n":"101"}`)))
		sh := v.shade(v.phone.ID)
		Expect(sh.Pending).To(BeZero())
		Expect(v.w.Ledger(world.Filter{Rule: fcm.RulePendingDiscard, Kind: world.KindDelivery})).To(HaveLen(101))
		Expect(sh.Dropped[len(sh.Dropped)-1].Reason).To(ContainSubstring("all 101 held are discarded"))

		By("storing again from nothing")
		ok(v.send(v.msg(`"data":{"n":"after"}`)))
		offline(v.phone.ID, false)
		sh = v.shade(v.phone.ID)
		Expect(sh.Inbox).To(HaveLen(1))
		Expect(sh.Inbox[0].Extras).To(HaveKeyWithValue("n", "after"))
	})

	It("takes the store's size from App.Quotas pending_messages, and a negative one switches it off", func() {
		v.setApp(func(a *world.App) { a.Quotas = map[string]int{"pending_messages": 2} })
		offline(v.phone.ID, true)
		for i := 1; i <= 3; i++ {
			ok(v.send(v.msg(`"notification":{"title":"m` + strconv.Itoa(i) + `"}`)))
		}
		Expect(v.shade(v.phone.ID).Pending).To(BeZero())
		Expect(v.w.Ledger(world.Filter{Rule: fcm.RulePendingDiscard})).To(HaveLen(3))

		v.setApp(func(a *world.App) { a.Quotas = map[string]int{"pending_messages": -1} })
		for i := 1; i <= 3; i++ {
			ok(v.send(v.msg(`"notification":{"title":"n` + strconv.Itoa(i) + `"}`)))
		}
		Expect(v.shade(v.phone.ID).Pending).To(Equal(3))
	})

	It("keeps only the newest data message of a collapse key too", func() {
		offline(v.phone.ID, true)
		ok(v.send(v.msg(`"data":{"sync":"1"},"android":{"collapse_key":"sync"}`)))
		ok(v.send(v.msg(`"data":{"sync":"2"},"android":{"collapse_key":"sync"}`)))
		offline(v.phone.ID, false)
		sh := v.shade(v.phone.ID)
		Expect(sh.Inbox).To(HaveLen(1))
		Expect(sh.Inbox[0].Extras).To(HaveKeyWithValue("sync", "2"))
		Expect(sh.Dropped).To(ConsistOf(HaveField("Rule", fcm.RuleCollapseLatest)))
	})

	It("lets a collapse key not matter while the phone is online", func() {
		ok(v.send(v.msg(`"notification":{"title":"a"},"android":{"collapse_key":"k"}`)))
		ok(v.send(v.msg(`"notification":{"title":"b"},"android":{"collapse_key":"k"}`)))
		Expect(v.shade(v.phone.ID).Shown).To(HaveLen(2))
	})

	It("lists its rules with sources", func() {
		ids := map[string]bool{}
		for _, r := range v.e.Rules() {
			Expect(r.ID).To(HavePrefix("fcm."))
			Expect(r.Vendor).To(Equal(fcm.Vendor))
			Expect(r.Source).To(ContainSubstring("vendor-facts/"))
			Expect(r.Statement).NotTo(BeEmpty())
			Expect(ids).NotTo(HaveKey(r.ID))
			ids[r.ID] = true
		}
		Expect(ids).To(HaveKey(fcm.RuleCollapseMaxKeys))
		Expect(len(ids)).To(BeNumerically(">=", 30))
	})
})
