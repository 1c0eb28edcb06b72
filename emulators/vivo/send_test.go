package vivo_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/vivo"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("vivo /message/send", func() {
	var (
		f     *fixture
		dev   world.Device
		token string
	)
	BeforeEach(func() {
		f = newFixture(nil)
		dev = f.phone("alice-phone")
		token = f.token()
	})

	It("shows an IM message with its click intent and clientCustomMap on the phone", func() {
		a := f.post("/message/send", token, msg(dev.Token, "m1"))
		Expect(a.Result).To(Equal(0))
		Expect(a.Desc).To(Equal("请求成功"))
		Expect(a.TaskID).To(MatchRegexp(`^\d{9,}$`))
		s := f.shade(dev)
		Expect(s.Shown).To(HaveLen(1))
		n := s.Shown[0]
		Expect(n.Title).To(Equal("Bob"))
		Expect(n.Body).To(Equal("晚上一起吃饭吗？"))
		Expect(n.MessageID).To(Equal(a.TaskID))
		Expect(n.Class).To(Equal(world.ClassPrivate))
		Expect(n.Sound).To(Equal("default"))
		Expect(n.Click.Type).To(Equal(world.ClickIntent))
		Expect(n.Click.Target).To(Equal("intent:#Intent;component=com.example.chat/.Chat;S.conv=c_1;end"))
		Expect(n.Click.Extras).To(Equal(map[string]string{"ext": `{"conv":"c_1"}`, "seq": "42"}))
		Expect(n.Extras).To(HaveKeyWithValue("ext", `{"conv":"c_1"}`))
		e := f.w.Ledger(world.Filter{Vendor: "vivo", Kind: world.KindRequest, Verdict: world.VerdictAccepted, MessageID: a.TaskID})
		Expect(e).To(HaveLen(1))
		Expect(e[0].Path).To(Equal("/message/send"))
		Expect(e[0].Tokens).To(Equal([]string{dev.Token}))
		Expect(e[0].Code).To(Equal("0"))
	})

	DescribeTable("records skipType as the click action",
		func(skipType int, content string, want world.Click) {
			m := msg(dev.Token, "m1")
			m["skipType"], m["skipContent"] = skipType, content
			delete(m, "clientCustomMap")
			Expect(f.post("/message/send", token, m).Result).To(Equal(0))
			Expect(f.shade(dev).Shown[0].Click).To(Equal(want))
		},
		Entry("1 opens the app", 1, "ignored", world.Click{Type: world.ClickLauncher}),
		Entry("2 opens a URL", 2, "https://example.com/a", world.Click{Type: world.ClickURL, Target: "https://example.com/a"}),
		Entry("3 is custom", 3, "open_chat", world.Click{Type: world.ClickCustom, Target: "open_chat"}),
		Entry("4 with an activity", 4, "com.example.chat.Chat", world.Click{Type: world.ClickActivity, Target: "com.example.chat.Chat"}),
	)

	DescribeTable("refuses invalid messages with vivo's codes",
		func(edit func(obj), code int, desc, rule string) {
			m := msg(dev.Token, "m1")
			edit(m)
			a := f.post("/message/send", token, m)
			Expect(a.Result).To(Equal(code))
			Expect(a.Desc).To(Equal(desc))
			Expect(a.TaskID).To(BeEmpty())
			Expect(f.shade(dev).Shown).To(BeEmpty())
			Expect(f.w.Ledger(world.Filter{Vendor: "vivo", Verdict: world.VerdictRejected, Rule: rule})).To(HaveLen(1))
		},
		Entry("no regId or alias → 10050", func(m obj) { delete(m, "regId") }, 10050, "alias和regId 不能同时为空", "vivo.target.regid"),
		Entry("notifyType 0 → 10054", func(m obj) { m["notifyType"] = 0 }, 10054, "notifyType不合法", "vivo.message.notify-type"),
		Entry("notifyType missing → 10054", func(m obj) { delete(m, "notifyType") }, 10054, "notifyType不合法", "vivo.message.notify-type"),
		Entry("blank title → 10055", func(m obj) { m["title"] = "  " }, 10055, "title 不能为空", "vivo.message.title"),
		Entry("41-character title → 10056", func(m obj) { m["title"] = strings.Repeat("a", 41) }, 10056, "title不合法", "vivo.message.title"),
		Entry("no content → 10057", func(m obj) { delete(m, "content") }, 10057, "content 不能为空", "vivo.message.content"),
		Entry("101-character content → 10058", func(m obj) { m["content"] = strings.Repeat("字", 101) }, 10058, "content不合法", "vivo.message.content"),
		Entry("timeToLive 59 → 10059", func(m obj) { m["timeToLive"] = 59 }, 10059, "timeToLive不合法", "vivo.message.ttl"),
		Entry("timeToLive 2 days → 10059", func(m obj) { m["timeToLive"] = 172800 }, 10059, "timeToLive不合法", "vivo.message.ttl"),
		Entry("skipType 5 → 10060", func(m obj) { m["skipType"] = 5 }, 10060, "skipType不合法", "vivo.click.skip-type"),
		Entry("skipType 2 without URL → 10061", func(m obj) { m["skipType"], m["skipContent"] = 2, "" }, 10061, "skipContent 不能为空", "vivo.click.skip-type"),
		Entry("skipType 2 URL of 1025 → 10062", func(m obj) { m["skipType"], m["skipContent"] = 2, "https://"+strings.Repeat("a", 1017) }, 10062, "skipContent不合法", "vivo.click.skip-type"),
		Entry("skipType 3 without content → 10063", func(m obj) { m["skipType"], m["skipContent"] = 3, "" }, 10063, "skipContent 不能为空", "vivo.click.skip-type"),
		Entry("skipType 4 without intent → 10068", func(m obj) { delete(m, "skipContent") }, 10068, "skipContent 不能为空", "vivo.click.skip-type"),
		Entry("skipType 4 intent of 1025 → 10069", func(m obj) { m["skipContent"] = "intent:" + strings.Repeat("a", 1018) }, 10069, "skipContent不合法", "vivo.click.skip-type"),
		Entry("networkType 2 → 10065", func(m obj) { m["networkType"] = 2 }, 10065, "networkType不合法", "vivo.message.network-type"),
		Entry("11 custom pairs → 10066", func(m obj) {
			c := obj{}
			for _, k := range strings.Split("a b c d e f g h i j k", " ") {
				c[k] = "v"
			}
			m["clientCustomMap"] = c
		}, 10066, "clientCustomMap不合法", "vivo.click.custom-map"),
		Entry("custom pairs over 1024 in total → 10067", func(m obj) {
			m["clientCustomMap"] = obj{"a": strings.Repeat("x", 600), "b": strings.Repeat("y", 600)}
		}, 10067, "clientCustomMap不合法", "vivo.click.custom-map"),
		Entry("a custom value that is an object → 10067", func(m obj) { m["clientCustomMap"] = obj{"a": obj{"b": 1}} }, 10067, "clientCustomMap不合法", "vivo.click.custom-map"),
		Entry("callback of 129 → 10305", func(m obj) { m["extra"] = obj{"callback": strings.Repeat("c", 129)} }, 10305, "callback不合法", "vivo.message.callback"),
		Entry("callback.param of 65 → 10306", func(m obj) { m["extra"] = obj{"callback": "1234", "callback.param": strings.Repeat("p", 65)} }, 10306, "callback.param不合法", "vivo.message.callback"),
		Entry("classification 2 → 11000", func(m obj) { m["classification"] = 2; delete(m, "category") }, 11000, "classification不合法", "vivo.class.classification"),
		Entry("lower-case category → 10096", func(m obj) { m["category"] = "im" }, 10096, "category不合法", "vivo.class.category"),
		Entry("unknown category → 10096", func(m obj) { m["category"] = "CHAT" }, 10096, "category不合法", "vivo.class.category"),
		Entry("NEWS with classification 1 → 10097", func(m obj) { m["category"] = "NEWS" }, 10097, "category与classification不匹配", "vivo.class.mismatch"),
		Entry("IM with classification 0 → 10097", func(m obj) { m["classification"] = 0 }, 10097, "category与classification不匹配", "vivo.class.mismatch"),
		Entry("no requestId → 10352", func(m obj) { delete(m, "requestId") }, 10352, "requestId 不能为空", "vivo.request.request-id"),
		Entry("65-character requestId → 10353", func(m obj) { m["requestId"] = strings.Repeat("r", 65) }, 10353, "requestId不合法", "vivo.request.request-id"),
		Entry("22-character regId → 10302", func(m obj) { m["regId"] = m["regId"].(string)[:22] }, 10302, "regId不合法", "vivo.target.regid"),
		Entry("another app's appId → 10094", func(m obj) { m["appId"] = 12345678 }, 10094, "appId不合法", "vivo.request.app-id"),
	)

	It("answers an unknown regId with 10302 and invalidUser status 1", func() {
		other := f.v.NewToken(&f.app)
		a := f.post("/message/send", token, msg(other, "m1"))
		Expect(a.Result).To(Equal(10302))
		Expect(a.Desc).To(Equal("regId不合法"))
		Expect(a.InvalidUser).To(Equal(&invalid{Status: 1, UserID: other}))
	})

	It("answers an uninstalled app's regId with invalidUser status 2", func() {
		f.w.UpdateDevice(dev.ID, func(d *world.Device) { d.Uninstalled = true })
		a := f.post("/message/send", token, msg(dev.Token, "m1"))
		Expect(a.Result).To(Equal(10302))
		Expect(a.InvalidUser).To(Equal(&invalid{Status: 2, UserID: dev.Token}))
		Expect(f.w.Ledger(world.Filter{Rule: "vivo.target.uninstalled"})).To(HaveLen(1))
	})

	It("accepts the body's appId as a number or a string when it is the token's app", func() {
		m := msg(dev.Token, "m1")
		m["appId"] = f.app.ID
		Expect(f.post("/message/send", token, m).Result).To(Equal(0))
		m = msg(dev.Token, "m2")
		m["appId"], m["notifyType"], m["skipType"] = mustAtoi(f.app.ID), "4", "1"
		Expect(f.post("/message/send", token, m).Result).To(Equal(0))
	})

	It("does not send a repeated requestId twice, answering the first taskId", func() {
		a := f.post("/message/send", token, msg(dev.Token, "same-id"))
		b := f.post("/message/send", token, msg(dev.Token, "same-id"))
		Expect(b.Result).To(Equal(0))
		Expect(b.TaskID).To(Equal(a.TaskID))
		Expect(f.shade(dev).Shown).To(HaveLen(1))
		e := f.w.Ledger(world.Filter{Rule: "vivo.request.duplicate"})
		Expect(e).To(HaveLen(1))
		Expect(e[0].Verdict).To(Equal(world.VerdictNotShown))
		Expect(e[0].MessageID).To(Equal(a.TaskID))
		f.advance(25 * time.Hour)
		c := f.post("/message/send", f.token(), msg(dev.Token, "same-id"))
		Expect(c.TaskID).NotTo(Equal(a.TaskID))
	})

	It("reaches an alias bound to a regId", func() {
		Expect(vivo.SetAlias(f.w, "chat", "alice", dev.Token)).To(Succeed())
		m := msg("", "m1")
		delete(m, "regId")
		m["alias"] = "alice"
		Expect(f.post("/message/send", token, m).Result).To(Equal(0))
		Expect(f.shade(dev).Shown).To(HaveLen(1))
		m["alias"], m["requestId"] = "bob", "m2"
		a := f.post("/message/send", token, m)
		Expect(a.Result).To(Equal(10302))
		Expect(a.InvalidUser).To(Equal(&invalid{Status: 1, UserID: "bob"}))
		m["alias"] = strings.Repeat("a", 71)
		Expect(f.post("/message/send", token, m).Result).To(Equal(10301))
	})

	Describe("length counting", func() {
		It("counts every character 1 by default", func() {
			m := msg(dev.Token, "m1")
			m["title"], m["content"] = strings.Repeat("字", 40), strings.Repeat("字", 100)
			Expect(f.post("/message/send", token, m).Result).To(Equal(0))
		})
		It("counts a CJK character 2 and an emoji 1 under the older rule", func() {
			f = newFixture(func(a *world.App) { a.Settings = map[string]string{"length_rule": "older"} })
			dev = f.phone("alice-phone")
			token = f.token()
			m := msg(dev.Token, "m1")
			m["title"] = strings.Repeat("字", 19) + "😀a"
			Expect(f.post("/message/send", token, m).Result).To(Equal(0))
			m["title"], m["requestId"] = strings.Repeat("字", 20)+"a", "m2"
			Expect(f.post("/message/send", token, m).Result).To(Equal(10056))
			m["title"], m["content"], m["requestId"] = "Bob", strings.Repeat("字", 51), "m3"
			Expect(f.post("/message/send", token, m).Result).To(Equal(10058))
		})
	})

	It("holds a message for an offline phone within timeToLive and drops it after", func() {
		f.w.UpdateDevice(dev.ID, func(d *world.Device) { d.Offline = true })
		m := msg(dev.Token, "m1")
		m["timeToLive"] = 3600
		Expect(f.post("/message/send", token, m).Result).To(Equal(0))
		m = msg(dev.Token, "m2")
		m["timeToLive"], m["title"] = 7200, "second"
		Expect(f.post("/message/send", token, m).Result).To(Equal(0))
		f.clock.Advance(90 * time.Minute)
		f.w.UpdateDevice(dev.ID, func(d *world.Device) { d.Offline = false })
		s := f.shade(dev)
		Expect(s.Shown).To(ConsistOf(HaveField("Title", "second")))
		Expect(s.Dropped).To(ConsistOf(HaveField("Rule", "world.ttl.expired")))
	})

	It("replaces a notification with the same notifyId and keeps notifyType 1 silent", func() {
		m := msg(dev.Token, "m1")
		m["notifyId"], m["notifyType"] = 7, 1
		f.post("/message/send", token, m)
		m = msg(dev.Token, "m2")
		m["notifyId"], m["title"] = 7, "again"
		f.post("/message/send", token, m)
		s := f.shade(dev)
		Expect(s.Shown).To(ConsistOf(HaveField("Title", "again")))
		m = msg(dev.Token, "m3")
		m["notifyType"] = 1
		f.post("/message/send", token, m)
		Expect(f.shade(dev).Shown[1].Silent).To(BeTrue())
	})

	It("refuses formal pushes of an app under review with 10045", func() {
		f = newFixture(func(a *world.App) { a.Settings = map[string]string{"restricted": "true"} })
		dev = f.phone("alice-phone", func(d *world.Device) { d.Test = true })
		token = f.token()
		a := f.post("/message/send", token, msg(dev.Token, "m1"))
		Expect(a.Result).To(Equal(10045))
		Expect(a.Desc).To(Equal("应用审核中不可发送正式消息"))
		m := msg(dev.Token, "m2")
		m["pushMode"] = 1
		Expect(f.post("/message/send", token, m).Result).To(Equal(0))
	})

	It("answers a body that is not JSON in vivo's shape with the first missing field's code", func() {
		for _, body := range []string{"", "null", "[1,2]", `{"regId":`, "\xff\xfe", `"text"`} {
			Expect(f.postRaw("/message/send", token, []byte(body)).Result).To(Equal(10050), body)
		}
	})

	It("reads a body over max_body_bytes as empty", func() {
		f = newFixture(func(a *world.App) { a.Quotas = map[string]int{"max_body_bytes": 512} })
		dev = f.phone("alice-phone")
		token = f.token()
		m := msg(dev.Token, "m1")
		m["clientCustomMap"] = obj{"a": strings.Repeat("x", 600)}
		Expect(f.post("/message/send", token, m).Result).To(Equal(10050))
		Expect(f.w.Ledger(world.Filter{Verdict: world.VerdictRejected})[0].Reason).To(ContainSubstring("larger than 512 bytes"))
	})
})
