package xiaomi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
	"github.com/pushsim/pushsim/emulators/xiaomi"
)

// reply is a decoded Xiaomi answer plus the raw bytes and HTTP status.
type reply struct {
	Status      int
	Raw         string
	Result      string            `json:"result"`
	Code        int               `json:"code"`
	Description string            `json:"description"`
	Reason      string            `json:"reason"`
	Info        string            `json:"info"`
	TraceID     string            `json:"trace_id"`
	Data        map[string]string `json:"data"`
}

var start = time.Date(2026, 11, 25, 10, 0, 0, 0, world.Shanghai)

var _ = Describe("Xiaomi MiPush emulator", func() {
	var (
		clock *world.VirtualClock
		w     *world.World
		v     world.Vendor
		h     http.Handler
		app   *world.App
		alice world.Device
		bob   world.Device
	)

	register := func(name string) world.Device {
		d, err := w.Register(world.Device{Vendor: "xiaomi", App: "chat", Name: name, Token: v.NewToken(app)})
		Expect(err).NotTo(HaveOccurred())
		return d
	}
	updateApp := func(fn func(a *world.App)) {
		a, ok := w.App("xiaomi", "chat")
		Expect(ok).To(BeTrue())
		fn(a)
		Expect(w.UpdateApp(*a)).To(Succeed())
	}
	do := func(method, path, auth, body string) reply {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		out := reply{Status: rec.Code, Raw: rec.Body.String()}
		Expect(json.Unmarshal(rec.Body.Bytes(), &out)).To(Succeed(), out.Raw)
		return out
	}
	// message is a valid private-channel notification to alice.
	message := func() url.Values {
		return url.Values{
			"registration_id":         {alice.Token},
			"restricted_package_name": {app.Package},
			"title":                   {"Bob"},
			"description":             {"hello"},
			"extra.channel_id":        {"high_im"},
		}
	}
	send := func(f url.Values) reply { return do("POST", "/v3/message/regid", "key="+app.Secret, f.Encode()) }
	// sent sends and expects success.
	sent := func(f url.Values) {
		GinkgoHelper()
		r := send(f)
		Expect(r.Code).To(BeZero(), r.Raw)
	}
	with := func(f url.Values, kv ...string) url.Values {
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				f.Del(kv[i])
			} else {
				f.Set(kv[i], kv[i+1])
			}
		}
		return f
	}
	shade := func(d world.Device) world.Shade {
		s, err := w.Shade(d.ID)
		Expect(err).NotTo(HaveOccurred())
		return s
	}
	lastRequest := func() world.Entry {
		l := w.Ledger(world.Filter{Kind: world.KindRequest, Limit: 1})
		Expect(l).To(HaveLen(1))
		return l[0]
	}
	expectError := func(r reply, code int, rule string) {
		GinkgoHelper()
		Expect(r.Status).To(Equal(http.StatusOK))
		Expect(r.Result).To(Equal("error"), r.Raw)
		Expect(r.Code).To(Equal(code), r.Raw)
		Expect(r.Description).NotTo(BeEmpty())
		Expect(r.TraceID).To(HavePrefix("X"))
		e := lastRequest()
		Expect(e.Verdict).To(Equal(world.VerdictRejected))
		Expect(e.Code).To(Equal(fmt.Sprint(code)))
		Expect(e.Rule).To(Equal(rule))
		Expect(e.Response).To(Equal(r.Raw))
	}

	BeforeEach(func() {
		clock = world.NewVirtualClock(start)
		w = world.New(world.Options{Clock: clock, Seed: 7})
		v = xiaomi.New(w)
		h = v.Handler()
		a := world.App{Vendor: "xiaomi", Name: "chat"}
		v.DemoApp(&a)
		var err error
		app, err = w.AddApp(a)
		Expect(err).NotTo(HaveOccurred())
		alice = register("alice-phone")
		bob = register("bob-phone")
	})

	Describe("the console formats", func() {
		It("makes demo apps and regIds in Xiaomi's formats", func() {
			Expect(app.ID).To(MatchRegexp(`^2882303761517\d{6}$`))
			Expect(app.Key).To(MatchRegexp(`^5\d{12}$`))
			Expect(app.Secret).To(MatchRegexp(`^[A-Za-z0-9+/]{22}==$`))
			Expect(app.Package).To(Equal("com.example.chat"))
			Expect(app.Channels).To(ContainElements(
				world.Channel{ID: "high_im", Name: "即时消息", Class: world.ClassPrivate},
				HaveField("Class", world.ClassPublic)))
			Expect(alice.Token).To(MatchRegexp(`^[A-Za-z0-9+/]{64}$`))
			Expect(alice.Token).NotTo(Equal(bob.Token))
			Expect(v.Hosts()).To(ContainElements("api.xmpush.xiaomi.com", "vip.api.xmpush.xiaomi.com"))
		})
		It("keeps what the caller set", func() {
			a := world.App{Vendor: "xiaomi", Name: "x", ID: "1", Package: "p", Channels: []world.Channel{{ID: "c"}}}
			v.DemoApp(&a)
			Expect(a.ID).To(Equal("1"))
			Expect(a.Package).To(Equal("p"))
			Expect(a.Channels).To(HaveLen(1))
		})
	})

	Describe("a valid send", func() {
		It("answers the documented success JSON and the phone shows the notification", func() {
			r := send(with(message(), "extra.room", "42", "payload", `{"conv":"c1"}`))
			Expect(r.Raw).To(MatchRegexp(`^\{"result":"ok","trace_id":"X[a-z]m51b\d{14}[A-Za-z]{2}","code":0,"data":\{"id":"s[a-z]m51b\d{14}[A-Za-z]{2}","day_acked":"1","day_quota":"-1"\},"description":"成功","info":"Received push messages for 1 REGID"\}$`))
			s := shade(alice)
			Expect(s.Shown).To(HaveLen(1))
			n := s.Shown[0]
			Expect(n.MessageID).To(Equal(r.Data["id"]))
			Expect(n.Title).To(Equal("Bob"))
			Expect(n.Body).To(Equal("hello"))
			Expect(n.Channel).To(Equal("high_im"))
			Expect(n.Class).To(Equal(world.ClassPrivate))
			Expect(n.Sound).To(Equal("default"))
			Expect(n.NotifyID).To(Equal("0"))
			Expect(n.Click.Type).To(Equal(world.ClickApp))
			Expect(n.Extras).To(Equal(map[string]string{"room": "42"}))
			Expect(n.Payload).To(Equal(`{"conv":"c1"}`))
			Expect(shade(bob).Shown).To(BeEmpty())

			e := lastRequest()
			Expect(e.Verdict).To(Equal(world.VerdictAccepted))
			Expect(e.App).To(Equal("chat"))
			Expect(e.Code).To(Equal("0"))
			Expect(e.MessageID).To(Equal(r.Data["id"]))
			Expect(e.Tokens).To(Equal([]string{alice.Token}))
			Expect(e.Path).To(Equal("/v3/message/regid"))
			Expect(e.Body).To(ContainSubstring("title=Bob"))
			Expect(e.Body).NotTo(ContainSubstring(app.Secret))
			Expect(e.Response).To(Equal(r.Raw))
		})

		It("serves /v2 and /v4 and reads fields from the query string too", func() {
			Expect(do("POST", "/v2/message/regid", "key="+app.Secret, message().Encode()).Code).To(BeZero())
			Expect(do("POST", "/v4/message/regid", "key="+app.Secret, message().Encode()).Code).To(BeZero())
			q := message()
			body := url.Values{"title": {q.Get("title")}, "description": {q.Get("description")}}
			q.Del("title")
			q.Del("description")
			Expect(do("POST", "/v3/message/regid?"+q.Encode(), "key="+app.Secret, body.Encode()).Code).To(BeZero())
		})

		It("accepts comma-joined and repeated registration_id, once per phone", func() {
			f := with(message(), "registration_id", alice.Token+","+bob.Token)
			f.Add("registration_id", alice.Token)
			r := send(f)
			Expect(r.Code).To(BeZero(), r.Raw)
			Expect(r.Info).To(Equal("Received push messages for 2 REGID"))
			Expect(shade(alice).Shown).To(HaveLen(1))
			Expect(shade(bob).Shown).To(HaveLen(1))
		})

		It("counts title and description in characters, not bytes", func() {
			title49, desc127 := strings.Repeat("消", 49), strings.Repeat("息", 127)
			Expect(send(with(message(), "title", title49, "description", desc127)).Code).To(BeZero())
			Expect(shade(alice).Shown[0].Title).To(Equal(title49))
		})
	})

	Describe("authentication", func() {
		DescribeTable("refuses anything but key=<AppSecret> with 21301",
			func(auth func() string) {
				r := do("POST", "/v3/message/regid", auth(), message().Encode())
				Expect(r.Raw).To(MatchRegexp(`^\{"result":"error","code":21301,"description":"认证失败","reason":"Invalid application secret\.","trace_id":"X[a-z]m51b\d{14}[A-Za-z]{2}"\}$`))
				expectError(r, 21301, "xiaomi.auth.secret")
				Expect(shade(alice).Shown).To(BeEmpty())
			},
			Entry("missing header", func() string { return "" }),
			Entry("wrong secret", func() string { return "key=bm90LXRoZS1zZWNyZXQ=" }),
			Entry("the AppKey", func() string { return "key=" + app.Key }),
			Entry("upper-case Key", func() string { return "Key=" + app.Secret }),
			Entry("bare secret", func() string { return app.Secret }),
		)
	})

	Describe("restricted_package_name", func() {
		It("refuses another package with 22022", func() {
			expectError(send(with(message(), "restricted_package_name", "com.other")), 22022, "xiaomi.package.restricted")
		})
		It("accepts a list that holds the app's package, and no package at all", func() {
			Expect(send(with(message(), "restricted_package_name", "com.other,"+app.Package)).Code).To(BeZero())
			Expect(send(with(message(), "restricted_package_name", "")).Code).To(BeZero())
		})
	})

	Describe("validation", func() {
		DescribeTable("rejects with Xiaomi's code and the rule",
			func(change []string, code int, rule string) {
				expectError(send(with(message(), change...)), code, rule)
				Expect(shade(alice).Shown).To(BeEmpty())
			},
			Entry("no title", []string{"title", ""}, 10016, "xiaomi.title.required"),
			Entry("blank title", []string{"title", " \t "}, 10008, "xiaomi.title.required"),
			Entry("title of 50 characters", []string{"title", strings.Repeat("标", 50)}, 10017, "xiaomi.title.length"),
			Entry("no description", []string{"description", ""}, 10016, "xiaomi.description.required"),
			Entry("blank description", []string{"description", "   "}, 10008, "xiaomi.description.required"),
			Entry("description of 128 characters", []string{"description", strings.Repeat("x", 128)}, 10017, "xiaomi.description.length"),
			Entry("no registration_id", []string{"registration_id", ""}, 10016, "xiaomi.targets.required"),
			Entry("pass-through without payload", []string{"pass_through", "1"}, 10016, "xiaomi.pass-through.payload"),
			Entry("pass_through 2", []string{"pass_through", "2"}, 10017, "xiaomi.params.value"),
			Entry("notify_id too big", []string{"notify_id", "2147483648"}, 10017, "xiaomi.params.value"),
			Entry("notify_type 8", []string{"notify_type", "8"}, 10017, "xiaomi.params.value"),
			Entry("negative time_to_live", []string{"time_to_live", "-1"}, 10017, "xiaomi.params.value"),
			Entry("time_to_send 8 days ahead", []string{"time_to_send", fmt.Sprint(start.Add(8 * 24 * time.Hour).UnixMilli())}, 10017, "xiaomi.params.value"),
			Entry("unknown channel", []string{"extra.channel_id", "nope"}, 27001, "xiaomi.channel.registered"),
			Entry("notify_effect 4", []string{"extra.notify_effect", "4"}, 10017, "xiaomi.click.effect"),
			Entry("notify_effect 2 without intent", []string{"extra.notify_effect", "2"}, 10017, "xiaomi.click.effect"),
			Entry("notify_effect 3 with a non-web URI", []string{"extra.notify_effect", "3", "extra.web_uri", "ftp://x"}, 10017, "xiaomi.click.effect"),
			Entry("jobkey starting with _", []string{"extra.jobkey", "_batch"}, 10017, "xiaomi.jobkey.collapses"),
			Entry("jobkey longer than 20", []string{"extra.jobkey", strings.Repeat("j", 21)}, 10017, "xiaomi.jobkey.collapses"),
			Entry("custom extra key over 1024", []string{"extra." + strings.Repeat("k", 1025), "v"}, 65015, "xiaomi.extras.length"),
			Entry("custom extra value over 1024", []string{"extra.k", strings.Repeat("v", 1025)}, 65015, "xiaomi.extras.length"),
		)

		It("answers 27001 with Xiaomi's reason", func() {
			r := send(with(message(), "extra.channel_id", "nope"))
			Expect(r.Reason).To(Equal("invalid channel info!"))
		})

		It("rejects invalid UTF-8 and broken escapes with 10008", func() {
			body := message().Encode() + "&title=%FF%FE"
			expectError(do("POST", "/v3/message/regid", "key="+app.Secret, strings.Replace(body, "title=Bob&", "", 1)), 10008, "xiaomi.content.invalid-encoding")
			expectError(do("POST", "/v3/message/regid", "key="+app.Secret, message().Encode()+"&extra.k=%FF"), 10008, "xiaomi.request.encoding")
			expectError(do("POST", "/v3/message/regid", "key="+app.Secret, message().Encode()+"&x=%zz"), 10008, "xiaomi.request.encoding")
		})

		It("allows 10 custom extras besides Xiaomi's own, not 11", func() {
			f := with(message(), "extra.notify_effect", "1", "extra.sound_uri", "android.resource://x/raw/a", "extra.jobkey", "b1")
			for i := 0; i < 10; i++ {
				f.Set(fmt.Sprintf("extra.k%d", i), "v")
			}
			Expect(send(f).Code).To(BeZero())
			f.Set("extra.k10", "v")
			r := send(f)
			expectError(r, 65014, "xiaomi.extras.max")
		})

		It("takes 1000 regIds and refuses 1001 with 10017", func() {
			ids := make([]string, 1000)
			ids[0] = alice.Token
			for i := 1; i < len(ids); i++ {
				ids[i] = v.NewToken(app)
			}
			r := send(with(message(), "registration_id", strings.Join(ids, ",")))
			Expect(r.Code).To(BeZero(), r.Raw)
			Expect(strings.Split(r.Data["bad_regids"], ",")).To(HaveLen(999))
			ids = append(ids, v.NewToken(app))
			expectError(send(with(message(), "registration_id", strings.Join(ids, ","))), 10017, "xiaomi.targets.max")
		})

		It("makes the limits configurable per app", func() {
			updateApp(func(a *world.App) { a.Quotas = map[string]int{"title_max": 5, "max_targets": 1, "max_extras": 0} })
			expectError(send(with(message(), "title", "12345")), 10017, "xiaomi.title.length")
			expectError(send(with(message(), "registration_id", alice.Token+","+bob.Token)), 10017, "xiaomi.targets.max")
			expectError(send(with(message(), "extra.k", "v")), 65014, "xiaomi.extras.max")
		})

		It("turns on a payload limit only when configured", func() {
			Expect(send(with(message(), "payload", strings.Repeat("p", 10000))).Code).To(BeZero())
			updateApp(func(a *world.App) { a.Quotas = map[string]int{"payload_max": 100} })
			expectError(send(with(message(), "payload", strings.Repeat("p", 101))), 65009, "xiaomi.payload.size")
		})
	})

	Describe("targets", func() {
		It("lists unknown regIds in data.bad_regids and still sends to the rest", func() {
			ghost := v.NewToken(app)
			r := send(with(message(), "registration_id", alice.Token+","+ghost))
			Expect(r.Code).To(BeZero())
			Expect(r.Data["bad_regids"]).To(Equal(ghost))
			Expect(shade(alice).Shown).To(HaveLen(1))
			e := lastRequest()
			Expect(e.Rule).To(Equal("xiaomi.targets.invalid"))
			Expect(e.Tokens).To(ConsistOf(alice.Token, ghost))
		})
		It("answers 20301 No valid targets! when none is known", func() {
			r := send(with(message(), "registration_id", v.NewToken(app)))
			Expect(r.Reason).To(Equal("No valid targets!"))
			Expect(r.Description).To(Equal("发送消息失败"))
			expectError(r, 20301, "xiaomi.targets.invalid")
		})
		It("treats another app's regId as unknown", func() {
			other := world.App{Vendor: "xiaomi", Name: "other"}
			v.DemoApp(&other)
			_, err := w.AddApp(other)
			Expect(err).NotTo(HaveOccurred())
			d, err := w.Register(world.Device{Vendor: "xiaomi", App: "other", Token: v.NewToken(app)})
			Expect(err).NotTo(HaveOccurred())
			expectError(send(with(message(), "registration_id", d.Token)), 20301, "xiaomi.targets.invalid")
		})
	})

	Describe("aliases", func() {
		BeforeEach(func() {
			Expect(xiaomi.SetAlias(w, "chat", "alice", alice.Token)).To(Succeed())
			Expect(xiaomi.SetAlias(w, "chat", "bob", bob.Token)).To(Succeed())
		})
		aliasSend := func(path string, f url.Values) reply {
			f.Del("registration_id")
			return do("POST", path, "key="+app.Secret, f.Encode())
		}
		It("sends to repeated and comma-joined aliases on /v3 and /v2", func() {
			f := message()
			f["alias"] = []string{"alice", "bob"}
			r := aliasSend("/v3/message/alias", f)
			Expect(r.Code).To(BeZero(), r.Raw)
			Expect(r.Info).To(Equal("Received push messages for 2 ALIAS"))
			Expect(r.Data["id"]).To(HavePrefix("a"))
			Expect(shade(alice).Shown).To(HaveLen(1))
			Expect(shade(bob).Shown).To(HaveLen(1))
			Expect(aliasSend("/v2/message/alias", with(message(), "alias", "alice,bob")).Code).To(BeZero())
		})
		It("answers 20301 when no alias is set, and forgets a removed one", func() {
			expectError(aliasSend("/v3/message/alias", with(message(), "alias", "carol")), 20301, "xiaomi.targets.invalid")
			Expect(xiaomi.SetAlias(w, "chat", "alice")).To(Succeed())
			expectError(aliasSend("/v3/message/alias", with(message(), "alias", "alice")), 20301, "xiaomi.targets.invalid")
		})
		It("needs alias, not registration_id", func() {
			expectError(do("POST", "/v3/message/alias", "key="+app.Secret, message().Encode()), 10016, "xiaomi.targets.required")
		})
	})

	Describe("what the phone does", func() {
		It("hands pass-through messages to the app without showing them", func() {
			r := send(with(message(), "pass_through", "1", "payload", "p1", "title", "", "description", ""))
			Expect(r.Code).To(BeZero(), r.Raw)
			s := shade(alice)
			Expect(s.Shown).To(BeEmpty())
			Expect(s.Inbox).To(ConsistOf(HaveField("Payload", "p1")))
			e := lastRequest()
			Expect(e.Verdict).To(Equal(world.VerdictNotShown))
			Expect(e.Rule).To(Equal("xiaomi.pass-through.not-shown"))
		})

		It("replaces a notification with the same notify_id; by default only one is shown", func() {
			sent(with(message(), "title", "one"))
			sent(with(message(), "title", "two"))
			Expect(shade(alice).Shown).To(ConsistOf(HaveField("Title", "two")))
			sent(with(message(), "title", "three", "notify_id", "7"))
			sent(with(message(), "title", "four", "notify_id", "8"))
			sent(with(message(), "title", "five", "notify_id", "7"))
			titles := []string{}
			for _, n := range shade(alice).Shown {
				titles = append(titles, n.Title)
			}
			Expect(titles).To(ConsistOf("two", "four", "five"))
		})

		It("keeps every notification when default_notify_id is empty", func() {
			updateApp(func(a *world.App) { a.Settings = map[string]string{"default_notify_id": ""} })
			sent(message())
			sent(message())
			Expect(shade(alice).Shown).To(HaveLen(2))
		})

		It("shows only the first message of a jobkey batch", func() {
			sent(with(message(), "extra.jobkey", "batch-1", "notify_id", "1"))
			r := send(with(message(), "extra.jobkey", "batch-1", "notify_id", "2"))
			Expect(r.Code).To(BeZero())
			s := shade(alice)
			Expect(s.Shown).To(HaveLen(1))
			Expect(s.Dropped).To(ConsistOf(HaveField("Rule", "xiaomi.jobkey.collapses")))
			Expect(w.Ledger(world.Filter{Kind: world.KindDelivery, Rule: "xiaomi.jobkey.collapses"})).To(ConsistOf(
				HaveField("Request", lastRequest().Seq)))
		})

		DescribeTable("records the click action",
			func(kv []string, click world.Click) {
				Expect(send(with(message(), kv...)).Code).To(BeZero())
				Expect(shade(alice).Shown[0].Click).To(Equal(click))
			},
			Entry("none: the app decides", []string{}, world.Click{Type: world.ClickApp}),
			Entry("1: launcher", []string{"extra.notify_effect", "1"}, world.Click{Type: world.ClickLauncher}),
			Entry("2: intent URI with its extras", []string{"extra.notify_effect", "2", "extra.intent_uri", "intent:#Intent;component=com.example.chat/.Chat;S.conv=c1;end"},
				world.Click{Type: world.ClickIntent, Target: "intent:#Intent;component=com.example.chat/.Chat;S.conv=c1;end", Extras: map[string]string{"conv": "c1"}}),
			Entry("2: class name", []string{"extra.notify_effect", "2", "extra.class_name", "com.example.chat.Chat"}, world.Click{Type: world.ClickActivity, Target: "com.example.chat.Chat"}),
			Entry("3: web page", []string{"extra.notify_effect", "3", "extra.web_uri", "https://example.com/a"}, world.Click{Type: world.ClickURL, Target: "https://example.com/a"}),
		)

		DescribeTable("plays the sound notify_type and sound_uri ask for",
			func(kv []string, sound string, silent bool) {
				Expect(send(with(message(), kv...)).Code).To(BeZero())
				n := shade(alice).Shown[0]
				Expect(n.Sound).To(Equal(sound))
				Expect(n.Silent).To(Equal(silent))
			},
			Entry("default all", []string{"notify_type", "-1"}, "default", false),
			Entry("sound bit", []string{"notify_type", "1"}, "default", false),
			Entry("vibrate only", []string{"notify_type", "2"}, "", false),
			Entry("nothing", []string{"notify_type", "0"}, "", true),
			Entry("custom sound", []string{"extra.sound_uri", "android.resource://com.example.chat/raw/ding"}, "android.resource://com.example.chat/raw/ding", false),
		)

		It("does not show it when notifications are off or the app is uninstalled, and says why", func() {
			w.UpdateDevice(alice.ID, func(d *world.Device) { d.NotificationsOff = true })
			w.UpdateDevice(bob.ID, func(d *world.Device) { d.Uninstalled = true })
			r := send(with(message(), "registration_id", alice.Token+","+bob.Token))
			Expect(r.Code).To(BeZero())
			Expect(shade(alice).Dropped).To(ConsistOf(HaveField("Rule", "world.device.notifications-off")))
			Expect(shade(bob).Dropped).To(ConsistOf(HaveField("Rule", "world.device.uninstalled")))
		})
	})

	Describe("time to live", func() {
		goOffline := func(d world.Device) { w.UpdateDevice(d.ID, func(d *world.Device) { d.Offline = true }) }
		goOnline := func(d world.Device) { w.UpdateDevice(d.ID, func(d *world.Device) { d.Offline = false }) }

		It("delivers to a phone that comes back within time_to_live", func() {
			goOffline(alice)
			sent(with(message(), "time_to_live", "3600000"))
			clock.Advance(59 * time.Minute)
			w.Tick()
			Expect(shade(alice).Shown).To(BeEmpty())
			goOnline(alice)
			Expect(shade(alice).Shown).To(HaveLen(1))
		})
		It("expires it when the phone stays away longer, and the ledger says so", func() {
			goOffline(alice)
			sent(with(message(), "time_to_live", "3600000"))
			clock.Advance(61 * time.Minute)
			goOnline(alice)
			w.Tick()
			Expect(shade(alice).Shown).To(BeEmpty())
			Expect(shade(alice).Dropped).To(ConsistOf(HaveField("Rule", "world.ttl.expired")))
			Expect(w.Ledger(world.Filter{Rule: "world.ttl.expired"})).To(HaveLen(1))
		})
		It("keeps a message two weeks by default, at most one day for public channels", func() {
			goOffline(alice)
			sent(with(message(), "extra.channel_id", "high_im", "notify_id", "1"))
			sent(with(message(), "extra.channel_id", "public_news", "notify_id", "2", "time_to_live", fmt.Sprint((3 * 24 * time.Hour).Milliseconds())))
			clock.Advance(25 * time.Hour)
			goOnline(alice)
			s := shade(alice)
			Expect(s.Shown).To(ConsistOf(HaveField("Channel", "high_im")))
			Expect(s.Dropped).To(ConsistOf(HaveField("Channel", "public_news")))
		})
		It("clamps private messages to ten days", func() {
			goOffline(alice)
			sent(with(message(), "time_to_live", fmt.Sprint((14 * 24 * time.Hour).Milliseconds())))
			clock.Advance(11 * 24 * time.Hour)
			goOnline(alice)
			Expect(shade(alice).Dropped).To(ConsistOf(HaveField("Rule", "world.ttl.expired")))
		})
		It("does not store an only_send_once message for an offline phone", func() {
			goOffline(alice)
			sent(with(message(), "extra.only_send_once", "1"))
			Expect(shade(alice).Dropped).To(ConsistOf(HaveField("Rule", "world.ttl.offline")))
		})
		It("holds a scheduled message until time_to_send", func() {
			sent(with(message(), "time_to_send", fmt.Sprint(start.Add(time.Hour).UnixMilli())))
			Expect(shade(alice).Shown).To(BeEmpty())
			clock.Advance(time.Hour)
			w.Tick()
			Expect(shade(alice).Shown).To(HaveLen(1))
		})
	})

	Describe("daily quotas", func() {
		public := func() url.Values { return with(message(), "extra.channel_id", "public_news") }
		defaultClass := func() url.Values { return with(message(), "extra.channel_id", "") }

		It("does not cap private channels", func() {
			for i := 0; i < 30; i++ {
				Expect(send(message()).Code).To(BeZero())
			}
			r := send(message())
			Expect(r.Data).To(HaveKeyWithValue("day_acked", "31"))
			Expect(r.Data).To(HaveKeyWithValue("day_quota", "-1"))
		})

		It("allows 5 public messages per device per day, then 200001, and resets at Shanghai midnight", func() {
			for i := 1; i <= 5; i++ {
				r := send(public())
				Expect(r.Code).To(BeZero())
				Expect(r.Data).To(HaveKeyWithValue("day_acked", fmt.Sprint(i)))
				Expect(r.Data).To(HaveKeyWithValue("day_quota", "20000"))
			}
			r := send(public())
			Expect(r.Reason).To(Equal("exceed quota, quota: 5, have acked: 5"))
			expectError(r, 200001, "xiaomi.quota.public-daily")
			Expect(send(with(public(), "registration_id", bob.Token)).Code).To(BeZero())

			clock.Set(time.Date(2026, 11, 25, 23, 59, 59, 0, world.Shanghai))
			expectError(send(public()), 200001, "xiaomi.quota.public-daily")
			clock.Set(time.Date(2026, 11, 26, 0, 0, 0, 0, world.Shanghai)) // 16:00 UTC the day before
			Expect(send(public()).Code).To(BeZero())
		})

		It("allows 8 with a news licence and reads overrides from App.Quotas", func() {
			updateApp(func(a *world.App) { a.News = true })
			for i := 0; i < 8; i++ {
				Expect(send(public()).Code).To(BeZero())
			}
			Expect(send(public()).Code).To(Equal(200001))
			Expect(send(with(public(), "registration_id", bob.Token)).Data).To(HaveKeyWithValue("day_quota", "30000"))
			updateApp(func(a *world.App) { a.Quotas = map[string]int{"public_per_device": 9} })
			Expect(send(public()).Code).To(BeZero())
		})

		It("allows one default-class message per device per day", func() {
			r := send(defaultClass())
			Expect(r.Code).To(BeZero())
			Expect(r.Data).To(HaveKeyWithValue("day_quota", "10000"))
			Expect(shade(alice).Shown[0].Class).To(Equal(world.ClassDefault))
			r = send(defaultClass())
			Expect(r.Reason).To(Equal("exceed quota, quota: 1, have acked: 1"))
			expectError(r, 200001, "xiaomi.quota.default-daily")
		})

		It("counts the app total as max(enabled devices, floor) × multiplier", func() {
			updateApp(func(a *world.App) {
				a.Quotas = map[string]int{"total_floor": 1, "public_per_device": 100}
			})
			carol := register("carol-phone")
			w.UpdateDevice(carol.ID, func(d *world.Device) { d.NotificationsOff = true }) // not counted: 2 enabled × 2 = 4
			for i := 0; i < 4; i++ {
				r := send(public())
				Expect(r.Code).To(BeZero())
				Expect(r.Data).To(HaveKeyWithValue("day_quota", "4"))
			}
			r := send(with(public(), "registration_id", bob.Token))
			Expect(r.Reason).To(Equal("exceed quota, quota: 4, have acked: 4"))
			expectError(r, 200001, "xiaomi.quota.app-total")
		})

		It("drops only the devices over their cap in a multi-target send", func() {
			for i := 0; i < 5; i++ {
				sent(with(public(), "notify_id", fmt.Sprint(i)))
			}
			r := send(with(public(), "registration_id", alice.Token+","+bob.Token, "title", "late"))
			Expect(r.Code).To(BeZero(), r.Raw)
			Expect(shade(bob).Shown).To(ConsistOf(HaveField("Title", "late")))
			Expect(shade(alice).Dropped).To(ConsistOf(And(HaveField("Title", "late"), HaveField("Rule", "xiaomi.quota.public-daily"))))
			req := lastRequest()
			Expect(req.Verdict).To(Equal(world.VerdictAccepted))
			Expect(req.Rule).To(Equal("xiaomi.quota.public-daily"))
			Expect(w.Ledger(world.Filter{Kind: world.KindDelivery, Device: alice.ID})).To(ConsistOf(And(
				HaveField("Rule", "xiaomi.quota.public-daily"),
				HaveField("Reason", "exceed quota, quota: 5, have acked: 5"),
				HaveField("Request", req.Seq))))

			for i := 0; i < 4; i++ {
				sent(with(public(), "registration_id", bob.Token, "notify_id", fmt.Sprint(i)))
			}
			expectError(send(with(public(), "registration_id", alice.Token+","+bob.Token)), 200001, "xiaomi.quota.public-daily")
		})

		It("keeps the per-device cap exact under concurrent sends", func() {
			codes := make(chan int, 20)
			var wg sync.WaitGroup
			for i := 0; i < 20; i++ {
				wg.Add(1)
				go func() {
					defer GinkgoRecover()
					defer wg.Done()
					codes <- send(public()).Code
				}()
			}
			wg.Wait()
			close(codes)
			counts := map[int]int{}
			for c := range codes {
				counts[c]++
			}
			Expect(counts).To(Equal(map[int]int{0: 5, 200001: 15}))
		})

		It("answers 27001 for a missing channel when the app requires one", func() {
			updateApp(func(a *world.App) { a.Settings = map[string]string{"require_channel": "true"} })
			expectError(send(defaultClass()), 27001, "xiaomi.channel.registered")
		})
	})

	Describe("rate limit", func() {
		It("answers 200002 past the app's QPS and recovers a second later", func() {
			updateApp(func(a *world.App) { a.Quotas = map[string]int{"qps": 2} })
			Expect(send(message()).Code).To(BeZero())
			Expect(send(message()).Code).To(BeZero())
			expectError(send(message()), 200002, "xiaomi.rate.qps")
			clock.Advance(1001 * time.Millisecond)
			Expect(send(message()).Code).To(BeZero())
		})
		It("answers 10027 when the app is set to the older table", func() {
			updateApp(func(a *world.App) {
				a.Quotas = map[string]int{"qps": 1}
				a.Settings = map[string]string{"rate_limit_code": "10027"}
			})
			sent(message())
			expectError(send(message()), 10027, "xiaomi.rate.qps")
		})
	})

	Describe("the HTTP surface", func() {
		It("answers an oversized body with 10018", func() {
			updateApp(func(a *world.App) { a.Quotas = map[string]int{"max_body_bytes": 1024} })
			r := send(with(message(), "payload", strings.Repeat("p", 2000)))
			expectError(r, 10018, "xiaomi.body.size")
			Expect(r.Description).To(Equal("请求长度超过限制"))
			// Without a Content-Length the limit still holds.
			req := httptest.NewRequest("POST", "/v3/message/regid", struct{ *strings.Reader }{strings.NewReader(with(message(), "payload", strings.Repeat("p", 2000)).Encode())})
			req.ContentLength = -1
			req.Header.Set("Authorization", "key="+app.Secret)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			Expect(rec.Body.String()).To(ContainSubstring(`"code":10018`))
		})
		It("answers unknown paths and methods in Xiaomi's shape", func() {
			r := do("POST", "/v3/message/nowhere", "key="+app.Secret, "")
			Expect(r.Status).To(Equal(http.StatusNotFound))
			Expect(r.Code).To(Equal(10020))
			Expect(r.Result).To(Equal("error"))
			r = do("GET", "/v3/message/regid", "key="+app.Secret, "")
			Expect(r.Status).To(Equal(http.StatusMethodNotAllowed))
			Expect(r.Code).To(Equal(10021))
			Expect(lastRequest().Rule).To(Equal("xiaomi.api.path"))
		})
		It("answers with a JSON content type", func() {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("POST", "/v3/message/regid", strings.NewReader(message().Encode()))
			req.Header.Set("Authorization", "key="+app.Secret)
			h.ServeHTTP(rec, req)
			Expect(rec.Header().Get("Content-Type")).To(HavePrefix("application/json"))
		})
	})

	Describe("rules", func() {
		It("lists every rule once with a source, level and confidence", func() {
			ids := map[string]bool{}
			idRe := regexp.MustCompile(`^xiaomi\.[a-z-]+\.[a-z-]+$`)
			for _, r := range v.Rules() {
				Expect(r.ID).To(MatchRegexp(idRe.String()))
				Expect(ids).NotTo(HaveKey(r.ID))
				ids[r.ID] = true
				Expect(r.Vendor).To(Equal("xiaomi"))
				Expect(r.Statement).NotTo(BeEmpty())
				Expect(r.Source).To(ContainSubstring("vendor-facts/"))
				Expect([]string{world.MUST, world.SHOULD, world.INFO}).To(ContainElement(r.Level))
				Expect([]string{"documented", "secondary", "inferred"}).To(ContainElement(r.Confidence))
			}
			for _, id := range []string{"xiaomi.auth.secret", "xiaomi.package.restricted", "xiaomi.title.required", "xiaomi.title.length",
				"xiaomi.description.length", "xiaomi.targets.max", "xiaomi.targets.invalid", "xiaomi.extras.max", "xiaomi.channel.registered",
				"xiaomi.quota.private-unlimited", "xiaomi.quota.public-daily", "xiaomi.quota.default-daily", "xiaomi.quota.app-total",
				"xiaomi.pass-through.not-shown", "xiaomi.notify-id.replaces", "xiaomi.jobkey.collapses", "xiaomi.ttl.offline",
				"xiaomi.click.effect", "xiaomi.rate.qps", "xiaomi.body.size"} {
				Expect(ids).To(HaveKey(id))
			}
		})
		It("uses only listed rule ids in the ledger", func() {
			send(with(message(), "title", ""))
			send(with(message(), "extra.channel_id", "nope"))
			sent(message())
			ids := map[string]bool{}
			for _, r := range v.Rules() {
				ids[r.ID] = true
			}
			for _, e := range w.Ledger(world.Filter{Vendor: "xiaomi"}) {
				if e.Rule != "" && strings.HasPrefix(e.Rule, "xiaomi.") {
					Expect(ids).To(HaveKey(e.Rule))
				}
			}
		})
	})
})
