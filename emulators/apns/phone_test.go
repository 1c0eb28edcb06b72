package apns_test

import (
	"net/http"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/apns"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("what the iPhone does", func() {
	var v *env
	BeforeEach(func() {
		v = newEnv(func(a *world.App) {
			a.Extra = map[string]string{"loc.MSG_FROM": "%1$@ sent you %2$@", "loc.NEW": "New message"}
		})
	})
	send := func(body string, hdr ...string) answer {
		r := v.push(v.app, v.alice.Token).with(body)
		for i := 0; i+1 < len(hdr); i += 2 {
			r.set(hdr[i], hdr[i+1])
		}
		a := v.do(r)
		Expect(a.Status).To(Equal(http.StatusOK), a.Reason)
		return a
	}
	newest := func() world.Notification {
		sh := v.shade(v.alice)
		Expect(sh.Shown).NotTo(BeEmpty())
		return sh.Shown[len(sh.Shown)-1]
	}
	lastDrop := func() world.Notification {
		sh := v.shade(v.alice)
		Expect(sh.Dropped).NotTo(BeEmpty())
		return sh.Dropped[len(sh.Dropped)-1]
	}

	It("shows a string alert as the body", func() {
		send(`{"aps":{"alert":"hello"}}`)
		Expect(newest().Title).To(BeEmpty())
		Expect(newest().Body).To(Equal("hello"))
	})

	It("shows title, subtitle and body of a dictionary alert", func() {
		send(`{"aps":{"alert":{"title":"Bob","subtitle":"Team chat","body":"lunch?"}}}`)
		n := newest()
		Expect([]string{n.Title, n.Body, n.Extras["aps.subtitle"]}).To(Equal([]string{"Bob", "lunch?", "Team chat"}))
	})

	It("resolves loc keys from the app's strings, and shows an unknown key as itself", func() {
		send(`{"aps":{"alert":{"title-loc-key":"NEW","loc-key":"MSG_FROM","loc-args":["Bob","a photo"]}}}`)
		Expect(newest().Title).To(Equal("New message"))
		Expect(newest().Body).To(Equal("Bob sent you a photo"))
		send(`{"aps":{"alert":{"loc-key":"UNKNOWN %@","loc-args":["x"]}}}`)
		Expect(newest().Body).To(Equal("UNKNOWN x"))
	})

	It("sets the badge, clears it with 0, and a badge-only push shows nothing", func() {
		send(`{"aps":{"alert":"one","badge":3}}`)
		Expect(*newest().Badge).To(Equal(3))
		Expect(v.shade(v.alice).Device.Badge).To(Equal(3))
		send(`{"aps":{"badge":7}}`)
		Expect(v.shade(v.alice).Shown).To(HaveLen(1))
		Expect(v.shade(v.alice).Device.Badge).To(Equal(7))
		Expect(lastDrop().Rule).To(Equal(apns.RuleBadge))
		send(`{"aps":{"alert":"two","badge":0}}`)
		Expect(v.shade(v.alice).Device.Badge).To(Equal(0))
	})

	It("plays a named sound, is silent without one, and a critical sound dictionary shows heads-up", func() {
		send(`{"aps":{"alert":"a","sound":"chime.caf"}}`)
		Expect(newest().Sound).To(Equal("chime.caf"))
		Expect(newest().Silent).To(BeFalse())
		send(`{"aps":{"alert":"b"}}`)
		Expect(newest().Sound).To(BeEmpty())
		Expect(newest().Silent).To(BeTrue())
		send(`{"aps":{"alert":"c","sound":{"critical":1,"name":"alarm.caf","volume":0.8}}}`)
		Expect(newest().Sound).To(Equal("alarm.caf"))
		Expect(newest().HeadsUp).To(BeTrue())
		Expect(newest().Importance).To(Equal("critical"))
	})

	DescribeTable("applies interruption-level",
		func(level string, silent, headsUp bool, importance string) {
			send(`{"aps":{"alert":"x","sound":"default","interruption-level":"` + level + `"}}`)
			n := newest()
			Expect(n.Silent).To(Equal(silent))
			Expect(n.HeadsUp).To(Equal(headsUp))
			Expect(n.Importance).To(Equal(importance))
		},
		Entry("passive", "passive", true, false, "passive"),
		Entry("active", "active", false, false, "active"),
		Entry("time-sensitive", "time-sensitive", false, true, "time-sensitive"),
		Entry("critical", "critical", false, true, "critical"),
	)

	It("hands a content-available push to the app without showing it, and throttles past three an hour", func() {
		for i := 0; i < 3; i++ {
			send(`{"aps":{"content-available":1},"sync":"`+strconv.Itoa(i)+`"}`, "apns-push-type", "background", "apns-priority", "5")
		}
		sh := v.shade(v.alice)
		Expect(sh.Shown).To(BeEmpty())
		Expect(sh.Inbox).To(HaveLen(3))
		Expect(sh.Inbox[2].Extras).To(HaveKeyWithValue("sync", "2"))
		send(`{"aps":{"content-available":1}}`, "apns-push-type", "background", "apns-priority", "5")
		Expect(v.shade(v.alice).Inbox).To(HaveLen(3))
		Expect(lastDrop().Rule).To(Equal(apns.RuleBackgroundThrottle))
		v.clock.Advance(time.Hour)
		send(`{"aps":{"content-available":1}}`)
		Expect(v.shade(v.alice).Inbox).To(HaveLen(4), "content-available alone is background even as push type alert")
	})

	It("carries thread-id, category, target-content-id and mutable-content with the notification", func() {
		send(`{"aps":{"alert":"x","thread-id":"conv-1","category":"MESSAGE","mutable-content":1,"target-content-id":"w1"}}`)
		Expect(newest().Extras).To(Equal(map[string]string{"aps.thread-id": "conv-1", "aps.category": "MESSAGE",
			"aps.mutable-content": "1", "aps.target-content-id": "w1"}))
	})

	It("replaces a shown notification with the same apns-collapse-id", func() {
		send(`{"aps":{"alert":"first"}}`, "apns-collapse-id", "conv-1")
		send(`{"aps":{"alert":"other"}}`)
		send(`{"aps":{"alert":"second"}}`, "apns-collapse-id", "conv-1")
		sh := v.shade(v.alice)
		Expect(sh.Shown).To(HaveLen(2))
		Expect(sh.Shown[1].Body).To(Equal("second"))
		Expect(sh.Shown[1].NotifyID).To(Equal("conv-1"))
	})

	It("hands custom top-level keys to the app on tap, a string exactly as sent", func() {
		ext := `{"conv":"c1","seq":42,"text":"\"quoted\" 会"}`
		b := `{"aps":{"alert":"x"},"ext":` + strconv.Quote(ext) + `,"n":7,"o":{"a":[1,2]}}`
		send(b)
		n := newest()
		Expect(n.Click.Type).To(Equal(world.ClickApp))
		Expect(n.Click.Extras).To(Equal(map[string]string{"ext": ext, "n": "7", "o": `{"a":[1,2]}`}))
		Expect(n.Payload).To(Equal(b))
	})

	It("hands voip and other non-alert pushes to the app or the system", func() {
		send(`{"aps":{},"call":"c-9"}`, "apns-push-type", "voip", "apns-topic", v.app.Package+".voip")
		sh := v.shade(v.alice)
		Expect(sh.Shown).To(BeEmpty())
		Expect(sh.Inbox).To(HaveLen(1))
		Expect(sh.Inbox[0].Extras).To(HaveKeyWithValue("call", "c-9"))
		Expect(v.lastRequest().Reason).To(ContainSubstring("PushKit"))
	})

	It("accepts a body that is not a JSON object, and the phone shows nothing", func() {
		send(`not json`)
		Expect(v.shade(v.alice).Shown).To(BeEmpty())
		Expect(lastDrop().Rule).To(Equal(apns.RulePayloadAPS))
		send(`{"hello":"no aps"}`)
		Expect(lastDrop().Rule).To(Equal(apns.RulePayloadAPS))
		send(`{"aps":{"sound":"default"}}`)
		Expect(lastDrop().Rule).To(Equal(apns.RuleAlert))
	})

	Context("while the phone is offline", func() {
		BeforeEach(func() {
			_, err := v.w.UpdateDevice(v.alice.ID, func(d *world.Device) { d.Offline = true })
			Expect(err).NotTo(HaveOccurred())
		})
		online := func() {
			_, err := v.w.UpdateDevice(v.alice.ID, func(d *world.Device) { d.Offline = false })
			Expect(err).NotTo(HaveOccurred())
		}

		It("stores only the newest push and shows it when the phone comes online", func() {
			send(`{"aps":{"alert":"first"}}`)
			send(`{"aps":{"alert":"second"}}`)
			send(`{"aps":{"alert":"third"}}`)
			Expect(v.shade(v.alice).Shown).To(BeEmpty())
			online()
			sh := v.shade(v.alice)
			Expect(sh.Shown).To(HaveLen(1))
			Expect(sh.Shown[0].Body).To(Equal("third"))
			Expect(sh.Dropped).To(HaveLen(2))
			Expect(sh.Dropped[0].Rule).To(Equal(apns.RuleOfflineLatest))
		})

		It("keeps the newest push's own collapse id, so it still replaces what the phone shows", func() {
			online()
			send(`{"aps":{"alert":"1:0"}}`, "apns-collapse-id", "score")
			_, err := v.w.UpdateDevice(v.alice.ID, func(d *world.Device) { d.Offline = true })
			Expect(err).NotTo(HaveOccurred())
			send(`{"aps":{"alert":"unrelated"}}`)
			send(`{"aps":{"alert":"2:0"}}`, "apns-collapse-id", "score")
			online()
			sh := v.shade(v.alice)
			Expect(sh.Shown).To(ConsistOf(And(HaveField("Body", "2:0"), HaveField("NotifyID", "score"))))
			Expect(sh.Dropped).To(ConsistOf(And(HaveField("Body", "unrelated"), HaveField("Rule", apns.RuleOfflineLatest))))
		})

		It("stores pushes for the app (background) apart from the one notification", func() {
			send(`{"aps":{"content-available":1},"n":"1"}`, "apns-push-type", "background", "apns-priority", "5")
			send(`{"aps":{"content-available":1},"n":"2"}`, "apns-push-type", "background", "apns-priority", "5")
			send(`{"aps":{"alert":"first"}}`)
			send(`{"aps":{"alert":"second"}}`)
			online()
			sh := v.shade(v.alice)
			Expect(sh.Inbox).To(HaveLen(2))
			Expect(sh.Shown).To(ConsistOf(HaveField("Body", "second")))
		})

		It("does not store a push with apns-expiration 0", func() {
			send(`{"aps":{"alert":"now or never"}}`, "apns-expiration", "0")
			online()
			Expect(v.shade(v.alice).Shown).To(BeEmpty())
			Expect(lastDrop().Rule).To(Equal("world.ttl.offline"))
		})

		It("keeps a push until its apns-expiration", func() {
			send(`{"aps":{"alert":"for an hour"}}`, "apns-expiration", strconv.FormatInt(start.Add(time.Hour).Unix(), 10))
			v.clock.Advance(2 * time.Hour)
			online()
			Expect(v.shade(v.alice).Shown).To(BeEmpty())
			Expect(lastDrop().Rule).To(Equal("world.ttl.expired"))
		})
	})

	It("respects the user's notification switch", func() {
		_, err := v.w.UpdateDevice(v.alice.ID, func(d *world.Device) { d.NotificationsOff = true })
		Expect(err).NotTo(HaveOccurred())
		send(`{"aps":{"alert":"x"}}`)
		Expect(v.shade(v.alice).Shown).To(BeEmpty())
		Expect(lastDrop().Rule).To(Equal("world.device.notifications-off"))
	})
})
