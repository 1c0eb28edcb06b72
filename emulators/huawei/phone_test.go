package huawei_test

import (
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/huawei"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("the phone", func() {
	var (
		f     *fixture
		alice world.Device
	)
	BeforeEach(func() {
		f = newFixture()
		alice = f.phone(f.app, "alice-phone")
	})
	last := func() world.Notification {
		s := f.shade(alice).Shown
		Expect(s).NotTo(BeEmpty())
		return s[len(s)-1]
	}

	DescribeTable("records the click action",
		func(click obj, want world.Click) {
			Expect(f.send(notify(toks(alice), nil, obj{"click_action": click})).Code).To(Equal("80000000"))
			Expect(last().Click.Type).To(Equal(want.Type))
			Expect(last().Click.Target).To(Equal(want.Target))
		},
		Entry("type 1 intent", obj{"type": 1, "intent": "intent://chat/detail#Intent;scheme=pushscheme;end"},
			world.Click{Type: world.ClickIntent, Target: "intent://chat/detail#Intent;scheme=pushscheme;end"}),
		Entry("type 1 action", obj{"type": 1, "action": "com.example.OPEN_CHAT"}, world.Click{Type: world.ClickAction, Target: "com.example.OPEN_CHAT"}),
		Entry("type 1: intent wins over action", obj{"type": 1, "intent": "intent:#Intent;end", "action": "A"}, world.Click{Type: world.ClickIntent, Target: "intent:#Intent;end"}),
		Entry("type 2 url", obj{"type": 2, "url": "https://example.com/x"}, world.Click{Type: world.ClickURL, Target: "https://example.com/x"}),
		Entry("type 3 launcher", obj{"type": 3}, world.Click{Type: world.ClickLauncher}),
	)

	It("opens the launcher when there is no click action", func() {
		f.send(obj{"message": obj{"android": obj{"category": "IM", "notification": obj{"title": "a", "body": "b"}}, "token": toks(alice)}})
		Expect(last().Click.Type).To(Equal(world.ClickLauncher))
	})

	It("hands data to the app on tap, byte for byte, and as extras", func() {
		data := `{"ext":"{\"chatId\":42}", "n":7}`
		body := notify(toks(alice), nil, nil)
		body["message"].(obj)["data"] = data
		Expect(f.send(body).Code).To(Equal("80000000"))
		n := last()
		Expect(n.Payload).To(Equal(data))
		Expect(n.Extras).To(Equal(map[string]string{"ext": `{"chatId":42}`, "n": "7"}))
		Expect(n.Click.Extras).To(HaveKeyWithValue("ext", `{"chatId":42}`))
	})

	It("prefers android.data over message.data", func() {
		body := notify(toks(alice), obj{"data": "android"}, nil)
		body["message"].(obj)["data"] = "message"
		f.send(body)
		Expect(last().Payload).To(Equal("android"))
	})

	It("hands a data message to the app without showing it", func() {
		Expect(f.send(obj{"message": obj{"data": "sync", "android": obj{"urgency": "HIGH"}, "token": toks(alice)}}).Code).To(Equal("80000000"))
		s := f.shade(alice)
		Expect(s.Shown).To(BeEmpty())
		Expect(s.Inbox).To(ConsistOf(HaveField("Payload", "sync")))
	})

	Describe("the badge", func() {
		It("sets it with set_num and adds with add_num", func() {
			f.send(notify(toks(alice), nil, obj{"badge": obj{"set_num": 5, "class": "com.example.chat.Main"}}))
			d, _ := f.w.Device(alice.ID)
			Expect(d.Badge).To(Equal(5))
			f.send(notify(toks(alice), nil, obj{"badge": obj{"add_num": 2, "class": "com.example.chat.Main"}}))
			d, _ = f.w.Device(alice.ID)
			Expect(d.Badge).To(Equal(7))
			Expect(*last().Badge).To(Equal(7))
		})

		It("lets set_num win over add_num", func() {
			f.send(notify(toks(alice), nil, obj{"badge": obj{"add_num": 9, "set_num": 1, "class": "com.example.chat.Main"}}))
			d, _ := f.w.Device(alice.ID)
			Expect(d.Badge).To(Equal(1))
		})

		It("leaves it alone without the launcher class", func() {
			f.send(notify(toks(alice), nil, obj{"badge": obj{"set_num": 5}}))
			d, _ := f.w.Device(alice.ID)
			Expect(d.Badge).To(BeZero())
		})
	})

	It("replaces a notification with the same notify_id", func() {
		f.send(notify(toks(alice), nil, obj{"notify_id": 7, "title": "one"}))
		f.send(notify(toks(alice), nil, obj{"notify_id": 7, "title": "two"}))
		s := f.shade(alice).Shown
		Expect(s).To(HaveLen(1))
		Expect(s[0].Title).To(Equal("two"))
	})

	It("falls back to the default channel when the app never created the channel on the phone", func() {
		f.w.UpdateDevice(alice.ID, func(d *world.Device) { d.PhoneChannels = []string{"other"} })
		f.send(notify(toks(alice), nil, obj{"channel_id": "im"}))
		Expect(last().Channel).To(BeEmpty())
	})

	Describe("ttl", func() {
		BeforeEach(func() { f.w.UpdateDevice(alice.ID, func(d *world.Device) { d.Offline = true }) })

		It("keeps a message for an offline phone within the ttl", func() {
			f.send(notify(toks(alice), obj{"ttl": "600s"}, nil))
			f.clock.Advance(9 * time.Minute)
			f.w.UpdateDevice(alice.ID, func(d *world.Device) { d.Offline = false })
			Expect(f.shade(alice).Shown).To(HaveLen(1))
		})

		It("expires it after the ttl", func() {
			f.send(notify(toks(alice), obj{"ttl": "600s"}, nil))
			f.clock.Advance(11 * time.Minute)
			f.w.UpdateDevice(alice.ID, func(d *world.Device) { d.Offline = false })
			s := f.shade(alice)
			Expect(s.Shown).To(BeEmpty())
			Expect(s.Dropped).To(ConsistOf(HaveField("Rule", "world.ttl.expired")))
		})

		It("keeps it a day by default", func() {
			f.send(notify(toks(alice), nil, nil))
			f.clock.Advance(23 * time.Hour)
			f.w.UpdateDevice(alice.ID, func(d *world.Device) { d.Offline = false })
			Expect(f.shade(alice).Shown).To(HaveLen(1))
		})
	})
})

var _ = Describe("the offline store", func() {
	var (
		f     *fixture
		alice world.Device
	)
	BeforeEach(func() {
		f = newFixture()
		alice = f.phone(f.app, "alice-phone")
		_, err := f.w.UpdateDevice(alice.ID, func(d *world.Device) { d.Offline = true })
		Expect(err).NotTo(HaveOccurred())
	})
	online := func() world.Shade {
		GinkgoHelper()
		_, err := f.w.UpdateDevice(alice.ID, func(d *world.Device) { d.Offline = false })
		Expect(err).NotTo(HaveOccurred())
		return f.shade(alice)
	}
	bodies := func(ns []world.Notification) []string {
		out := []string{}
		for _, n := range ns {
			out = append(out, n.Body)
		}
		return out
	}

	It("keeps 10 messages for an offline phone and drops the oldest", func() {
		for i := 1; i <= 11; i++ {
			Expect(f.send(notify(toks(alice), nil, obj{"body": strconv.Itoa(i)})).Code).To(Equal("80000000"))
		}
		Expect(f.shade(alice).Pending).To(Equal(10))
		s := online()
		Expect(bodies(s.Shown)).To(Equal([]string{"2", "3", "4", "5", "6", "7", "8", "9", "10", "11"}))
		Expect(s.Dropped).To(ConsistOf(And(HaveField("Body", "1"), HaveField("Rule", huawei.RuleOfflineCache))))
	})

	It("takes the count from App.Quotas offline_cache", func() {
		f.update("chat", func(a *world.App) { a.Quotas = map[string]int{"offline_cache": 2} })
		for i := 1; i <= 3; i++ {
			f.send(notify(toks(alice), nil, obj{"body": strconv.Itoa(i)}))
		}
		Expect(bodies(online().Shown)).To(Equal([]string{"2", "3"}))
	})

	It("keeps only the newest message of a collapse_key group; -1 keeps all", func() {
		for _, m := range []struct {
			body     string
			collapse int
		}{{"1:0", 1}, {"hi", -1}, {"2:0", 1}, {"zero a", 0}, {"yo", -1}, {"zero b", 0}} {
			f.send(notify(toks(alice), obj{"collapse_key": m.collapse}, obj{"body": m.body}))
		}
		s := online()
		Expect(bodies(s.Shown)).To(Equal([]string{"hi", "2:0", "yo", "zero b"}))
		Expect(bodies(s.Dropped)).To(Equal([]string{"1:0", "zero a"}))
		Expect(s.Dropped).To(HaveEach(HaveField("Rule", huawei.RuleOfflineCollapse)))
	})

	It("collapses data messages too, and lets a collapse_key not matter online", func() {
		send := func(data string) {
			f.send(obj{"message": obj{"data": data, "android": obj{"collapse_key": 3}, "token": toks(alice)}})
		}
		send("a")
		send("b")
		Expect(online().Inbox).To(ConsistOf(HaveField("Payload", "b")))
		send("c")
		send("d")
		Expect(f.shade(alice).Inbox).To(HaveLen(3))
	})
})

var _ = Describe("the vendor", func() {
	It("lists its rules with unique ids and sources", func() {
		v := huawei.New(world.New(world.Options{}))
		seen := map[string]bool{}
		for _, r := range v.Rules() {
			Expect(r.ID).To(HavePrefix("huawei."))
			Expect(seen).NotTo(HaveKey(r.ID))
			seen[r.ID] = true
			Expect(r.Source).NotTo(BeEmpty())
			Expect(r.Level).To(BeElementOf("MUST", "SHOULD", "INFO"))
		}
		Expect(seen).To(HaveLen(38 + 26 + 7)) // with faults.go's flow control and injected faults, v3rules.go's 26 and topicrules.go's 7
	})

	It("makes HMS Core tokens and demo apps in Huawei's formats", func() {
		w := world.New(world.Options{Seed: 3})
		v := huawei.New(w)
		app := world.App{Name: "My Chat"}
		v.DemoApp(&app)
		Expect(app.ID).To(MatchRegexp(`^1\d{8}$`))
		Expect(app.Secret).To(MatchRegexp(`^[0-9a-f]{64}$`))
		Expect(app.Package).To(Equal("com.example.mychat"))
		Expect(app.Privileges).To(ContainElement(huawei.PrivSelfClassification))
		Expect(v.NewToken(&app)).To(MatchRegexp(`^IQAAAACy0[A-Za-z0-9_-]{121}$`))
		app.Settings = map[string]string{"token_format": "legacy"}
		Expect(v.NewToken(&app)).To(MatchRegexp(`^0866\d{24}CN01$`))
		Expect(v.Hosts()).To(ContainElements("oauth-login.cloud.huawei.com", "push-api.cloud.huawei.com"))
	})

	It("keeps the privileges a caller gave, even none", func() {
		v := huawei.New(world.New(world.Options{}))
		app := world.App{Name: "x", Privileges: []string{}}
		v.DemoApp(&app)
		Expect(app.Privileges).To(BeEmpty())
	})
})
