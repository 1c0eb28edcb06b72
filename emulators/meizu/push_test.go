package meizu_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/meizu"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("Meizu pushByPushId", func() {
	var (
		f     *fixture
		alice world.Device
	)
	BeforeEach(func() {
		f = newFixture(nil)
		alice = f.phone("alice")
	})

	It("answers code \"200\" with an empty value and a msgId, and shows the notification", func() {
		r := f.push(alice.Token, private("hello"))
		Expect(r.Code).To(Equal("200"))
		Expect(r.Message).To(Equal(""))
		Expect(string(r.Value)).To(Equal("{}"))
		Expect(r.MsgID).To(MatchRegexp(`^[0-9a-f]{32}$`))

		s := f.shade("alice")
		Expect(s.Shown).To(HaveLen(1))
		n := s.Shown[0]
		Expect(n.MessageID).To(Equal(r.MsgID))
		Expect(n.Title).To(Equal("Bob"))
		Expect(n.Body).To(Equal("hello"))
		Expect(n.Class).To(Equal(world.ClassPrivate))
		Expect(n.Click).To(Equal(world.Click{Type: world.ClickLauncher}))
		Expect(n.HeadsUp).To(BeTrue())
		Expect(n.Sound).To(Equal("default"))

		e := f.lastRequest()
		Expect(e.Verdict).To(Equal(world.VerdictAccepted))
		Expect(e.Code).To(Equal("200"))
		Expect(e.MessageID).To(Equal(r.MsgID))
		Expect(e.Device).To(Equal(alice.ID))
		Expect(e.Rule).To(Equal("meizu.quota.private-unlimited"))
		Expect(e.Body).To(ContainSubstring("messageJson={\"noticeBarInfo\""), "the ledger keeps the form decoded")
		Expect(e.Body).To(MatchRegexp(`sign=[0-9a-f]{4}\*\*\*($|&)`), "the sign is masked")
	})

	It("makes pushIds and demo credentials in Meizu's formats", func() {
		Expect(alice.Token).To(MatchRegexp(`^[0-9A-Z]{3}[0-9a-f]{42}$`))
		Expect(f.app.ID).To(MatchRegexp(`^[0-9]{6}$`))
		Expect(f.app.Key).To(MatchRegexp(`^[0-9a-f]{32}$`))
		Expect(f.app.Secret).To(MatchRegexp(`^[0-9a-f]{32}$`))
	})

	It("is reached through the real host name too", func() {
		form := f.signed(map[string]string{"pushIds": alice.Token, "messageJson": text(private("hi"))})
		req, err := http.NewRequest(http.MethodPost, "http://server-api-push.meizu.com"+meizu.PathPushByPushID, strings.NewReader(form.Encode()))
		Expect(err).NotTo(HaveOccurred())
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := f.srv.Client().Do(req)
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(f.shade("alice").Shown).To(HaveLen(1))
	})

	DescribeTable("maps clickTypeInfo onto the click action, with parameters as extras",
		func(click map[string]any, want world.Click) {
			ext := `{"conv":"c2c_bob","seq":7,"html":"<b>&</b> \u00e9"}`
			click["parameters"] = map[string]any{"ext": ext, "n": 3}
			Expect(f.push(alice.Token, notice("Bob", "hi", 1, map[string]any{"clickTypeInfo": click})).Code).To(Equal("200"))
			want.Extras = map[string]string{"ext": ext, "n": "3"}
			n := f.shade("alice").Shown[0]
			Expect(n.Click).To(Equal(want))
			Expect(n.Extras).To(Equal(want.Extras))
		},
		Entry("0 opens the app", map[string]any{"clickType": 0}, world.Click{Type: world.ClickLauncher}),
		Entry("1 opens the activity", map[string]any{"clickType": 1, "activity": "com.example.chat.ChatActivity"},
			world.Click{Type: world.ClickActivity, Target: "com.example.chat.ChatActivity"}),
		Entry("2 opens the URI", map[string]any{"clickType": 2, "url": "https://example.com/c?id=1"},
			world.Click{Type: world.ClickURL, Target: "https://example.com/c?id=1"}),
		Entry("3 hands the custom attribute to the app", map[string]any{"clickType": "3", "customAttribute": "open:c1"},
			world.Click{Type: world.ClickCustom, Target: "open:c1"}),
	)

	It("keeps a string parameter byte for byte, and accepts parameters pre-encoded as a string", func() {
		ext := "{\"a\":\"\\u4f60\",\"b\":[1, 2]}  \t"
		params := text(map[string]string{"ext": ext})
		m := notice("Bob", "hi", 1, map[string]any{"clickTypeInfo": map[string]any{"clickType": 0, "parameters": params}})
		Expect(f.push(alice.Token, m).Code).To(Equal("200"))
		Expect(f.shade("alice").Shown[0].Extras).To(HaveKeyWithValue("ext", ext))
	})

	DescribeTable("refuses a click type without the field it needs, or out of range",
		func(click map[string]any, code string) {
			r := f.push(alice.Token, notice("Bob", "hi", 1, map[string]any{"clickTypeInfo": click}))
			Expect(r.Code).To(Equal(code))
			Expect(f.lastRequest().Rule).To(Equal("meizu.click.type"))
			Expect(f.shade("alice").Shown).To(BeEmpty())
		},
		Entry("1 without activity", map[string]any{"clickType": 1}, "110004"),
		Entry("2 without url", map[string]any{"clickType": 2}, "110004"),
		Entry("3 without customAttribute", map[string]any{"clickType": 3}, "110004"),
		Entry("a url over 1000 bytes", map[string]any{"clickType": 2, "url": "https://x/" + strings.Repeat("a", 1000)}, "1005"),
		Entry("type 4", map[string]any{"clickType": 4}, "1005"),
	)

	It("refuses parameters that are not a JSON object with 1005", func() {
		r := f.push(alice.Token, notice("Bob", "hi", 1, map[string]any{"clickTypeInfo": map[string]any{"parameters": []int{1}}}))
		Expect(r.Code).To(Equal("1005"))
		Expect(r.Message).To(Equal("参数错误，请参考API文档"))
		Expect(f.lastRequest().Rule).To(Equal("meizu.click.parameters"))
	})

	It("accepts switches as 0/1 and as true/false, and refuses other values", func() {
		asInts := notice("Bob", "a", 1, map[string]any{
			"pushTimeInfo": map[string]any{"offLine": 1, "validTime": 2},
			"advanceInfo":  map[string]any{"suspend": 0, "clearNoticeBar": 1, "notificationType": map[string]any{"vibrate": 0, "lights": 1, "sound": 0}},
		})
		asBools := notice("Bob", "b", 1, map[string]any{
			"pushTimeInfo": map[string]any{"offLine": true, "validTime": "2"},
			"advanceInfo":  map[string]any{"suspend": false, "clearNoticeBar": true, "fixDisplay": false, "notificationType": map[string]any{"vibrate": false, "lights": true, "sound": false}},
		})
		for _, m := range []map[string]any{asInts, asBools} {
			Expect(f.push(alice.Token, m).Code).To(Equal("200"))
		}
		shown := f.shade("alice").Shown
		Expect(shown).To(HaveLen(2))
		for _, n := range shown {
			Expect(n.HeadsUp).To(BeFalse())
			Expect(n.Sound).To(BeEmpty())
			Expect(n.Silent).To(BeTrue())
		}
		r := f.push(alice.Token, notice("Bob", "c", 1, map[string]any{"pushTimeInfo": map[string]any{"offLine": 2}}))
		Expect(r.Code).To(Equal("1005"))
		Expect(f.lastRequest().Rule).To(Equal("meizu.message.booleans"))
	})

	DescribeTable("checks title and content",
		func(title, content, code, rule string) {
			r := f.push(alice.Token, notice(title, content, 1))
			Expect(r.Code).To(Equal(code))
			Expect(r.Message).To(Equal(meizu.Text(code)))
			Expect(r.MsgID).To(BeEmpty())
			Expect(string(r.Value)).To(Equal(`""`))
			Expect(r.Redirect).NotTo(BeNil())
			Expect(f.lastRequest().Rule).To(Equal(rule))
		},
		Entry("missing title", "", "hi", "110004", "meizu.notice.title"),
		Entry("33 characters of title", strings.Repeat("标", 33), "hi", "1005", "meizu.notice.title"),
		Entry("missing content", "Bob", "", "110004", "meizu.notice.content"),
		Entry("101 characters of content", "Bob", strings.Repeat("a", 101), "1005", "meizu.notice.content"),
	)

	It("counts characters, not bytes: 32 CJK characters of title and 100 of content pass", func() {
		Expect(f.push(alice.Token, notice(strings.Repeat("标", 32), strings.Repeat("内", 100), 1)).Code).To(Equal("200"))
	})

	It("refuses messageJson that is not a message object with 1005", func() {
		for _, m := range []string{`[]`, `{`, `{"noticeBarInfo":{"title":1,"content":"c"}}`, `{"noticeBarInfo":{"title":"t","content":"c","noticeMsgType":2}}`} {
			Expect(f.push(alice.Token, m).Code).To(Equal("1005"), m)
			Expect(f.lastRequest().Rule).To(Equal("meizu.message.json"), m)
		}
	})

	Describe("pushTimeInfo", func() {
		It("keeps the message validTime hours for an offline phone", func() {
			f.w.UpdateDevice("alice", func(d *world.Device) { d.Offline = true })
			Expect(f.push(alice.Token, notice("Bob", "kept", 1, map[string]any{"pushTimeInfo": map[string]any{"offLine": 1, "validTime": 2}})).Code).To(Equal("200"))
			f.clock.Advance(119 * time.Minute)
			f.w.UpdateDevice("alice", func(d *world.Device) { d.Offline = false })
			Expect(f.shade("alice").Shown).To(HaveLen(1))

			f.w.UpdateDevice("alice", func(d *world.Device) { d.Offline = true })
			f.push(alice.Token, notice("Bob", "expired", 1, map[string]any{"pushTimeInfo": map[string]any{"validTime": 2}}))
			f.clock.Advance(121 * time.Minute)
			f.w.UpdateDevice("alice", func(d *world.Device) { d.Offline = false })
			s := f.shade("alice")
			Expect(s.Shown).To(HaveLen(1))
			Expect(s.Dropped[0].Rule).To(Equal("world.ttl.expired"))
		})

		It("with offLine 0 reaches only a phone online now", func() {
			f.w.UpdateDevice("alice", func(d *world.Device) { d.Offline = true })
			Expect(f.push(alice.Token, notice("Bob", "now or never", 1, map[string]any{"pushTimeInfo": map[string]any{"offLine": 0}})).Code).To(Equal("200"))
			Expect(f.shade("alice").Dropped[0].Rule).To(Equal("world.ttl.offline"))
		})

		It("refuses validTime outside 1..72 hours", func() {
			for _, vt := range []int{0, 73} {
				Expect(f.push(alice.Token, notice("Bob", "x", 1, map[string]any{"pushTimeInfo": map[string]any{"validTime": vt}})).Code).To(Equal("1005"))
				Expect(f.lastRequest().Rule).To(Equal("meizu.ttl.offline"))
			}
		})
	})

	It("replaces the shown notification that has the same notifyKey", func() {
		key := map[string]any{"advanceInfo": map[string]any{"notifyKey": "conv_1"}}
		f.push(alice.Token, notice("Bob", "first", 1, key))
		f.push(alice.Token, notice("Bob", "other", 1))
		f.push(alice.Token, notice("Bob", "second", 1, key))
		var bodies []string
		for _, n := range f.shade("alice").Shown {
			bodies = append(bodies, n.Body)
		}
		Expect(bodies).To(Equal([]string{"other", "second"}))

		r := f.push(alice.Token, notice("Bob", "x", 1, map[string]any{"advanceInfo": map[string]any{"notifyKey": "too-long-key"}}))
		Expect(r.Code).To(Equal("1005"))
		Expect(f.lastRequest().Rule).To(Equal("meizu.notify-key.replaces"))
	})

	It("holds a fixDisplay message until the window opens, and drops it when the window closed first", func() {
		window := func(from, to string) map[string]any {
			return map[string]any{"advanceInfo": map[string]any{"fixDisplay": 1, "fixStartDisplayTime": from, "fixEndDisplayTime": to}}
		}
		Expect(f.push(alice.Token, notice("Bob", "at noon", 1, window("2026-11-25 12:00:00", "2026-11-25 13:00:00"))).Code).To(Equal("200"))
		Expect(f.shade("alice").Pending).To(Equal(1))
		Expect(f.w.Ledger(world.Filter{Rule: "meizu.display.window", Kind: world.KindDelivery})).To(HaveLen(1))
		f.clock.Set(time.Date(2026, 11, 25, 12, 0, 1, 0, world.Shanghai))
		f.w.Tick()
		Expect(f.shade("alice").Shown).To(HaveLen(1))

		f.w.UpdateDevice("alice", func(d *world.Device) { d.Offline = true })
		f.push(alice.Token, notice("Bob", "missed", 1, window("2026-11-25 12:30:00", "2026-11-25 12:40:00")))
		f.clock.Set(time.Date(2026, 11, 25, 12, 41, 0, 0, world.Shanghai))
		f.w.UpdateDevice("alice", func(d *world.Device) { d.Offline = false })
		Expect(f.shade("alice").Shown).To(HaveLen(1))

		for _, w := range []map[string]any{window("2026-11-25 14:00:00", "2026-11-25 13:00:00"), window("today", "tomorrow"), window("2026-11-25 08:00:00", "2026-11-25 09:00:00")} {
			Expect(f.push(alice.Token, notice("Bob", "x", 1, w)).Code).To(Equal("1005"))
			Expect(f.lastRequest().Rule).To(Equal("meizu.display.window"))
		}
	})

	Describe("per-target codes in value", func() {
		It("lists unknown, illegal and switched-off pushIds under their codes and sends to the rest", func() {
			bob := f.phone("bob", func(d *world.Device) { d.NotificationsOff = true })
			carol := f.phone("carol", func(d *world.Device) { d.Uninstalled = true })
			unknown := "ABC" + strings.Repeat("0", 42)
			r := f.push(strings.Join([]string{alice.Token, "not-a-push-id", unknown, bob.Token, carol.Token, alice.Token}, ","), private("hi"))
			Expect(r.Code).To(Equal("200"))
			Expect(r.MsgID).NotTo(BeEmpty())
			Expect(r.failed()).To(Equal(map[string][]string{
				"110002": {unknown, carol.Token},
				"110003": {"not-a-push-id"},
				"110010": {bob.Token},
			}))
			Expect(string(r.Value)).To(HavePrefix(`{"110002":`), "codes in ascending order")
			Expect(f.shade("alice").Shown).To(HaveLen(1), "a pushId listed twice gets one message")
			Expect(f.shade("bob").Shown).To(BeEmpty())

			Expect(f.w.Ledger(world.Filter{Kind: world.KindDelivery, Verdict: world.VerdictRejected, Device: bob.ID})).To(
				ConsistOf(HaveField("Rule", "meizu.switch.off")))
			Expect(f.w.Ledger(world.Filter{Kind: world.KindDelivery, Rule: "meizu.pushid.illegal"})).To(HaveLen(1))
			Expect(f.lastRequest().Reason).To(HavePrefix("5 target(s): 1 sent, 4 refused"), "a repeated target counts once")
		})

		It("pushes by alias: registry first, then the phone's name; unknown or switched-off aliases get 110005", func() {
			bob := f.phone("bob")
			off := f.phone("dave", func(d *world.Device) { d.NotificationsOff = true })
			Expect(meizu.SetAlias(f.w, "chat", "user-bob", bob.Token)).To(Succeed())
			r := f.pushTo(meizu.PathPushByAlias, "alias", "user-bob,alice,nobody,dave", private("hi"))
			Expect(r.Code).To(Equal("200"))
			Expect(r.failed()).To(Equal(map[string][]string{"110005": {"nobody", "dave"}}))
			Expect(f.shade("alice").Shown).To(HaveLen(1))
			Expect(f.shade("bob").Shown).To(HaveLen(1))
			Expect(f.shade("dave").Shown).To(BeEmpty())
			Expect(f.w.Ledger(world.Filter{Rule: "meizu.alias.unsubscribed", Device: off.ID})).To(HaveLen(1))

			Expect(meizu.SetAlias(f.w, "chat", "user-bob")).To(Succeed())
			r = f.pushTo(meizu.PathPushByAlias, "alias", "user-bob", private("again"))
			Expect(r.failed()).To(Equal(map[string][]string{"110005": {"user-bob"}}))
		})

		It("lists targets beyond the configured per-target rate under 518", func() {
			f = newFixture(func(a *world.App) { a.Quotas = map[string]int{"target_rate": 2} })
			ps := []world.Device{f.phone("a"), f.phone("b"), f.phone("c")}
			r := f.push(ps[0].Token+","+ps[1].Token+","+ps[2].Token, private("hi"))
			Expect(r.failed()).To(Equal(map[string][]string{"518": {ps[2].Token}}))
			f.clock.Advance(time.Second)
			Expect(string(f.push(ps[2].Token, private("retry")).Value)).To(Equal("{}"))
		})
	})

	Describe("request-level codes", func() {
		It("refuses a wrong sign with 1006, an unknown appId with 110000, a sign made with the AppKey with 110033", func() {
			body := func(appID, secret string) string {
				form := map[string]string{"appId": appID, "pushIds": alice.Token, "messageJson": text(private("hi"))}
				form["sign"] = meizu.Sign(form, secret)
				v := url.Values{}
				for k, x := range form {
					v.Set(k, x)
				}
				return v.Encode()
			}
			for _, c := range []struct{ body, code, rule string }{
				{body(f.app.ID, "wrong"), "1006", "meizu.auth.sign"},
				{strings.Replace(body(f.app.ID, f.app.Secret), "sign=", "sign=0", 1), "1006", "meizu.auth.sign"},
				{body("999999", f.app.Secret), "110000", "meizu.auth.app-id"},
				{body("abc", f.app.Secret), "110000", "meizu.auth.app-id"},
				{body(f.app.ID, f.app.Key), "110033", "meizu.auth.secret"},
				{"pushIds=" + alice.Token + "&messageJson=x", "110004", "meizu.params.required"},
				{"appId=" + f.app.ID + "&pushIds=" + alice.Token + "&messageJson=x", "110004", "meizu.params.required"},
			} {
				status, r := f.postRaw(meizu.PathPushByPushID, c.body)
				Expect(status).To(Equal(http.StatusOK))
				Expect(r.Code).To(Equal(c.code), c.body)
				Expect(r.Message).To(Equal(meizu.Text(c.code)))
				e := f.lastRequest()
				Expect(e.Verdict).To(Equal(world.VerdictRejected))
				Expect(e.Rule).To(Equal(c.rule))
			}
			Expect(meizu.Text("1006")).To(Equal("签名认证失败"))
			Expect(meizu.Text("110033")).To(Equal("非法的appSecret"))
			Expect(f.shade("alice").Shown).To(BeEmpty())
		})

		It("signs decoded values: a body with escapes and a UTF-8 title verifies", func() {
			r := f.push(alice.Token, notice("晚上 & 明天?", "a+b=c %20", 1))
			Expect(r.Code).To(Equal("200"))
			Expect(f.shade("alice").Shown[0].Title).To(Equal("晚上 & 明天?"))
		})

		It("refuses more than 100 targets with 1005, and a missing package with 110031", func() {
			ids := make([]string, 101)
			for i := range ids {
				ids[i] = f.srv.Vendor("meizu").NewToken(&f.app)
			}
			Expect(f.push(strings.Join(ids, ","), private("hi")).Code).To(Equal("1005"))
			Expect(f.lastRequest().Rule).To(Equal("meizu.targets.max"))
			Expect(string(f.push(strings.Join(ids[:100], ","), private("hi")).Value)).To(ContainSubstring(`"110002":[`))

			form := f.signed(map[string]string{"pushIds": alice.Token, "messageJson": text(private("hi")), "restrictedPackageNames": "com.other"})
			_, r := f.postRaw(meizu.PathPushByPushID, form.Encode())
			Expect(r.Code).To(Equal("110031"))
			form = f.signed(map[string]string{"pushIds": alice.Token, "messageJson": text(private("hi")), "restrictedPackageNames": "com.other,com.example.chat"})
			_, r = f.postRaw(meizu.PathPushByPushID, form.Encode())
			Expect(r.Code).To(Equal("200"))
		})

		It("limits the app to 200 requests a second with 110010 for the whole request", func() {
			for range 200 {
				Expect(f.push(alice.Token, private("hi")).Code).To(Equal("200"))
			}
			r := f.push(alice.Token, private("one too many"))
			Expect(r.Code).To(Equal("110010"))
			Expect(r.Message).To(Equal("应用请求频率超过限制"))
			Expect(f.lastRequest().Rule).To(Equal("meizu.rate.qps"))
			f.clock.Advance(time.Second)
			Expect(f.push(alice.Token, private("next second")).Code).To(Equal("200"))
		})

		It("answers a broken form, a body that is not UTF-8 and an oversized body with 1005", func() {
			for body, rule := range map[string]string{
				"appId=%zz":                         "meizu.request.form",
				"appId=1&pushIds=%ff%fe":            "meizu.request.form",
				"x=" + strings.Repeat("a", 600<<10): "meizu.request.size",
			} {
				status, r := f.postRaw(meizu.PathPushByPushID, body)
				Expect(status).To(Equal(http.StatusOK))
				Expect(r.Code).To(Equal("1005"))
				Expect(f.lastRequest().Rule).To(Equal(rule))
			}
		})

		It("answers an unknown path 404 and another method 405, in Meizu's envelope", func() {
			status, r := f.postRaw("/garcia/api/server/push/nothing", "")
			Expect(status).To(Equal(http.StatusNotFound))
			Expect(r.Code).To(Equal("500"))
			resp, err := http.Get(f.srv.BaseURL("meizu") + meizu.PathPushByPushID)
			Expect(err).NotTo(HaveOccurred())
			resp.Body.Close()
			Expect(resp.StatusCode).To(Equal(http.StatusMethodNotAllowed))
			Expect(f.lastRequest().Rule).To(Equal("meizu.request.path"))
		})
	})

	Describe("pass-through", func() {
		It("is restricted with 110053 by default", func() {
			r := f.pushTo(meizu.PathPassThroughByPushID, "pushIds", alice.Token, map[string]any{"title": "t", "content": "payload"})
			Expect(r.Code).To(Equal("110053"))
			Expect(r.Message).To(Equal("透传超过限制"))
		})

		It("reaches the app, not the shade, when allowed", func() {
			f = newFixture(func(a *world.App) { a.Settings = map[string]string{"pass_through": "allowed"} })
			p := f.phone("p")
			r := f.pushTo(meizu.PathPassThroughByPushID, "pushIds", p.Token, map[string]any{"content": `{"cmd":"sync"}`})
			Expect(r.Code).To(Equal("200"))
			s := f.shade("p")
			Expect(s.Shown).To(BeEmpty())
			Expect(s.Inbox).To(HaveLen(1))
			Expect(s.Inbox[0].Payload).To(Equal(`{"cmd":"sync"}`))
			Expect(f.lastRequest().Verdict).To(Equal(world.VerdictNotShown))
			Expect(f.pushTo(meizu.PathPassThroughByPushID, "pushIds", p.Token, map[string]any{"content": strings.Repeat("x", 2001)}).Code).To(Equal("1005"))
		})
	})
})

var _ = Describe("Meizu faults", func() {
	var (
		f     *fixture
		alice world.Device
	)
	BeforeEach(func() {
		f = newFixture(nil)
		alice = f.phone("alice")
	})

	DescribeTable("answers generic fault codes in Meizu's envelope",
		func(code, want string, perTarget bool) {
			fa := f.srv.Vendor("meizu").(world.FaultAnswerer)
			form := f.signed(map[string]string{"pushIds": alice.Token + ",x", "messageJson": text(private("hi"))})
			req, err := http.NewRequest(http.MethodPost, meizu.PathPushByPushID, strings.NewReader(form.Encode()))
			Expect(err).NotTo(HaveOccurred())
			status, h, b := fa.FaultAnswer(code, req)
			Expect(status).To(Equal(http.StatusOK))
			Expect(h.Get("Content-Type")).To(HavePrefix("application/json"))
			var r reply
			Expect(json.Unmarshal(b, &r)).To(Succeed(), string(b))
			if perTarget {
				Expect(r.Code).To(Equal("200"))
				Expect(r.MsgID).NotTo(BeEmpty())
				Expect(r.failed()).To(Equal(map[string][]string{want: {alice.Token, "x"}}))
				return
			}
			Expect(r.Code).To(Equal(want))
			Expect(r.Message).To(Equal(meizu.Text(want)))
			Expect(string(r.Value)).To(Equal(`""`))
		},
		Entry("rate", world.FaultRate, "110010", false),
		Entry("quota", world.FaultQuota, "110019", false),
		Entry("unavailable", world.FaultUnavailable, "1003", false),
		Entry("auth-expired", world.FaultAuthExpired, "1006", false),
		Entry("token-invalid", world.FaultTokenInvalid, "110002", true),
		Entry("a per-target code", "520", "520", true),
		Entry("a request-level code", "110009", "110009", false),
	)

	It("names the app and the targets of a request", func() {
		body := f.signed(map[string]string{"alias": "a, b", "messageJson": "{}"}).Encode()
		req, _ := http.NewRequest(http.MethodPost, meizu.PathPushByAlias, strings.NewReader(body))
		app, targets := f.srv.Vendor("meizu").(world.FaultTargeter).FaultTarget(req, []byte(body))
		Expect(app).To(Equal("chat"))
		Expect(targets).To(Equal([]string{"a", "b"}))
	})

	It("answers a push carrying the QUOTA magic word with 110019, and treats EXPIRED and UNINSTALLED tokens as unregistered", func() {
		r := f.push(alice.Token+",QUOTA", private("hi"))
		Expect(r.Code).To(Equal("110019"))
		Expect(f.lastRequest().Rule).To(Equal("meizu.fault.injected"))

		gone := f.phone("gone", func(d *world.Device) { d.Token = "UNINSTALLED-1" })
		r = f.push(alice.Token+",EXPIRED-2,"+gone.Token, private("hi"))
		Expect(r.failed()).To(Equal(map[string][]string{"110002": {"EXPIRED-2", gone.Token}}))
		Expect(f.shade("alice").Shown).To(HaveLen(1))
	})
})
