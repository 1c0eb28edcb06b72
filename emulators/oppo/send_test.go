package oppo_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/oppo"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("OPPO unicast", func() {
	var (
		f     *fixture
		tok   string
		alice world.Device
	)
	BeforeEach(func() {
		f = newFixture(nil)
		alice = f.phone("alice", 33)
		tok = f.token()
	})

	It("answers {code:0, message:\"\", data.messageId} and shows the notification", func() {
		n := f.imNotification()
		n["click_action_type"] = 4
		n["click_action_activity"] = "com.example.chat.ChatActivity"
		n["action_parameters"] = `{"ext":"{\"conv\":\"c1\"}","n":3}`
		n["notify_id"] = 7
		r := f.unicast(tok, msg(alice.Token, n))
		Expect(r.Code).To(Equal(0))
		Expect(r.Message).To(Equal(""))
		id := messageID(r)
		Expect(id).To(MatchRegexp(`^` + regexp.QuoteMeta(f.app.ID) + `-1-1-[0-9a-f]{24}$`))

		s := f.shade("alice")
		Expect(s.Shown).To(HaveLen(1))
		got := s.Shown[0]
		Expect(got.MessageID).To(Equal(id))
		Expect(got.Title).To(Equal("Bob"))
		Expect(got.Body).To(Equal("hello"))
		Expect(got.Channel).To(Equal("im"))
		Expect(got.Class).To(Equal(world.ClassPrivate))
		Expect(got.NotifyID).To(Equal("7"))
		Expect(got.Click).To(Equal(world.Click{Type: world.ClickActivity, Target: "com.example.chat.ChatActivity",
			Extras: map[string]string{"ext": `{"conv":"c1"}`, "n": "3"}}))
		Expect(got.Payload).To(Equal(`{"ext":"{\"conv\":\"c1\"}","n":3}`))

		e := f.w.Ledger(world.Filter{Kind: world.KindRequest, Limit: 1})[0]
		Expect(e.Verdict).To(Equal(world.VerdictAccepted))
		Expect(e.MessageID).To(Equal(id))
		Expect(e.Device).To(Equal(alice.ID))
		Expect(e.Tokens).To(Equal([]string{alice.Token}))
	})

	It("makes registration ids of the real form", func() {
		Expect(alice.Token).To(MatchRegexp(`^OPPO_CN_[0-9a-f]{32}$`))
	})

	It("accepts the doc's camelCase keys, and snake_case wins when both are sent", func() {
		n := map[string]any{
			"title": "Bob", "content": "hi", "channelId": "other", "channel_id": "im",
			"clickActionType": 2, "clickActionUrl": "https://example.com/p?a=1", "actionParameters": `{"b":"2"}`,
			"category": "IM", "privateMsgTemplateId": "tpl", "notifyLevel": 2, "appMessageId": nil, "subTitle": nil,
		}
		Expect(f.unicast(tok, msg(alice.Token, n)).Code).To(Equal(0))
		got := f.shade("alice").Shown[0]
		Expect(got.Channel).To(Equal("im"))
		Expect(got.Importance).To(Equal("shade+lockscreen"))
		Expect(got.Click.Type).To(Equal(world.ClickURL))
		u, err := url.Parse(got.Click.Target)
		Expect(err).NotTo(HaveOccurred())
		Expect(u.Query()).To(Equal(url.Values{"a": {"1"}, "b": {"2"}}))
	})

	DescribeTable("records each click action type",
		func(typ int, field, target string, want world.Click) {
			n := f.imNotification()
			n["click_action_type"] = typ
			if field != "" {
				n[field] = target
			}
			n["action_parameters"] = `{"k":"v"}`
			Expect(f.unicast(tok, msg(alice.Token, n)).Code).To(Equal(0))
			Expect(f.shade("alice").Shown[0].Click).To(Equal(want))
		},
		Entry("0 launches the app", 0, "", "", world.Click{Type: world.ClickLauncher, Extras: map[string]string{"k": "v"}}),
		Entry("1 opens an activity by action", 1, "click_action_activity", "com.example.OPEN", world.Click{Type: world.ClickAction, Target: "com.example.OPEN", Extras: map[string]string{"k": "v"}}),
		Entry("2 opens a web page with the parameters as query", 2, "click_action_url", "https://example.com", world.Click{Type: world.ClickURL, Target: "https://example.com?k=v"}),
		Entry("4 opens an activity by class", 4, "click_action_activity", "com.example.Main", world.Click{Type: world.ClickActivity, Target: "com.example.Main", Extras: map[string]string{"k": "v"}}),
		Entry("5 opens an intent-scheme URL", 5, "click_action_url", "intent://chat#Intent;scheme=app;end", world.Click{Type: world.ClickIntent, Target: "intent://chat#Intent;scheme=app;end", Extras: map[string]string{"k": "v"}}),
	)

	Describe("the channel rule (oppo.channel.required)", func() {
		It("accepts a notification without channel_id on Android 8 (API 26) but never shows it", func() {
			f.phone("bob", 26)
			bob, _ := f.w.Device("bob")
			n := f.imNotification()
			delete(n, "channel_id")
			r := f.unicast(tok, msg(bob.Token, n))
			Expect(r.Code).To(Equal(0))
			s := f.shade("bob")
			Expect(s.Shown).To(BeEmpty())
			Expect(s.Dropped).To(HaveLen(1))
			Expect(s.Dropped[0].Rule).To(Equal("oppo.channel.required"))
			Expect(s.Dropped[0].Reason).To(ContainSubstring("without channel_id"))
			req := f.w.Ledger(world.Filter{Kind: world.KindRequest, Limit: 1})[0]
			Expect(req.Verdict).To(Equal(world.VerdictNotShown))
			Expect(req.Code).To(Equal("0"))
			Expect(f.w.Ledger(world.Filter{Kind: world.KindDelivery, Rule: "oppo.channel.required"})).To(HaveLen(1))
		})

		It("shows the same notification on Android 7.1 (API 25)", func() {
			carol := f.phone("carol", 25)
			n := f.imNotification()
			delete(n, "channel_id")
			Expect(f.unicast(tok, msg(carol.Token, n)).Code).To(Equal(0))
			Expect(f.shade("carol").Shown).To(HaveLen(1))
		})

		It("drops a channel the app never created on the phone", func() {
			dave := f.phone("dave", 30, func(d *world.Device) { d.PhoneChannels = []string{"other"} })
			r := f.unicast(tok, msg(dave.Token, f.imNotification()))
			Expect(r.Code).To(Equal(0))
			s := f.shade("dave")
			Expect(s.Shown).To(BeEmpty())
			Expect(s.Dropped[0].Rule).To(Equal("oppo.channel.required"))
			Expect(s.Dropped[0].Reason).To(ContainSubstring(`never created channel "im"`))
		})

		It("follows the channel_required_api setting", func() {
			g := newFixture(func(a *world.App) { a.Settings = map[string]string{"channel_required_api": "28"} })
			p := g.phone("erin", 27)
			n := g.imNotification()
			delete(n, "channel_id")
			Expect(g.unicast(g.token(), msg(p.Token, n)).Code).To(Equal(0))
			Expect(g.shade("erin").Shown).To(HaveLen(1))
		})
	})

	DescribeTable("rejects bad fields with OPPO's codes",
		func(edit func(n map[string]any), code int, text, rule string) {
			n := f.imNotification()
			edit(n)
			r := f.unicast(tok, msg(alice.Token, n))
			Expect(r).To(Equal(reply{Code: code, Message: text}))
			e := f.w.Ledger(world.Filter{Kind: world.KindRequest, Limit: 1})[0]
			Expect(e.Verdict).To(Equal(world.VerdictRejected))
			Expect(e.Rule).To(Equal(rule))
			Expect(f.shade("alice").Shown).To(BeEmpty())
		},
		Entry("no title → 40", func(n map[string]any) { delete(n, "title") }, 40, "Missing Required Arguments", "oppo.notification.required"),
		Entry("no content → 40", func(n map[string]any) { n["content"] = nil }, 40, "Missing Required Arguments", "oppo.notification.required"),
		Entry("title of 51 characters → 41", func(n map[string]any) { n["title"] = strings.Repeat("标", 51) }, 41, "Invalid Arguments", "oppo.notification.title-length"),
		Entry("content of 201 characters → 41", func(n map[string]any) { n["content"] = strings.Repeat("字", 201) }, 41, "Invalid Arguments", "oppo.notification.content-length"),
		Entry("sub_title of 11 characters → 41", func(n map[string]any) { n["sub_title"] = strings.Repeat("x", 11) }, 41, "Invalid Arguments", "oppo.notification.sub-title-length"),
		Entry("style 9 → 41", func(n map[string]any) { n["style"] = 9 }, 41, "Invalid Arguments", "oppo.notification.style"),
		Entry("click_action_type 3 → 41", func(n map[string]any) { n["click_action_type"] = 3 }, 41, "Invalid Arguments", "oppo.click.action"),
		Entry("click_action_type 4 without activity → 40", func(n map[string]any) { n["click_action_type"] = 4 }, 40, "Missing Required Arguments", "oppo.click.action"),
		Entry("click_action_type 2 without url → 40", func(n map[string]any) { n["click_action_type"] = "2" }, 40, "Missing Required Arguments", "oppo.click.action"),
		Entry("action_parameters not an object → 41", func(n map[string]any) { n["action_parameters"] = "[1,2]" }, 41, "Invalid Arguments", "oppo.click.parameters"),
		Entry("action_parameters over 4000 characters → 41", func(n map[string]any) {
			n["action_parameters"] = `{"k":"` + strings.Repeat("x", 4000) + `"}`
		}, 41, "Invalid Arguments", "oppo.click.parameters"),
		Entry("off_line_ttl over 10 days → 41", func(n map[string]any) { n["off_line_ttl"] = 864001 }, 41, "Invalid Arguments", "oppo.ttl.max"),
		Entry("unknown category → 67", func(n map[string]any) { n["category"] = "CHAT" }, 67, "Category error/Private classify channel notify_level invalid", "oppo.category.invalid"),
		Entry("ORDER without its privilege → 67", func(n map[string]any) { n["category"] = "ORDER" }, 67, "Category error/Private classify channel notify_level invalid", "oppo.category.privilege"),
		Entry("notify_level 3 → 67", func(n map[string]any) { n["notify_level"] = 3 }, 67, "Category error/Private classify channel notify_level invalid", "oppo.notify-level.invalid"),
		Entry("notify_level 16 without its privilege → 67", func(n map[string]any) { n["notify_level"] = 16 }, 67, "Category error/Private classify channel notify_level invalid", "oppo.notify-level.privilege"),
		Entry("notify_level without category → 67", func(n map[string]any) { delete(n, "category"); n["notify_level"] = 2 }, 67, "Category error/Private classify channel notify_level invalid", "oppo.notify-level.needs-category"),
		Entry("private IM without template → 54", func(n map[string]any) { delete(n, "private_msg_template_id") }, 54, "private_msg_template_id is null", "oppo.template.required"),
		Entry("title as a number → 41", func(n map[string]any) { n["title"] = 5 }, 41, "Invalid Arguments", "oppo.message.json"),
	)

	It("accepts the 50-character title and 200-character content of the SDK", func() {
		n := f.imNotification()
		n["title"], n["content"] = strings.Repeat("标", 50), strings.Repeat("字", 200)
		Expect(f.unicast(tok, msg(alice.Token, n)).Code).To(Equal(0))
	})

	It("applies the current doc's 50/128 content limits with content_limits=current", func() {
		g := newFixture(func(a *world.App) { a.Settings = map[string]string{"content_limits": "current"} })
		p := g.phone("p", 33)
		t := g.token()
		n := g.imNotification()
		n["content"] = strings.Repeat("字", 51)
		Expect(g.unicast(t, msg(p.Token, n)).Code).To(Equal(41))
		n["style"] = 2
		Expect(g.unicast(t, msg(p.Token, n)).Code).To(Equal(0))
		n["content"] = strings.Repeat("字", 129)
		Expect(g.unicast(t, msg(p.Token, n)).Code).To(Equal(41))
	})

	It("shows notify_level 16 as a heads-up when the app has the privilege", func() {
		g := newFixture(func(a *world.App) { a.Privileges = append(a.Privileges, oppo.PrivilegeNotifyLevel) })
		p := g.phone("p", 33)
		n := g.imNotification()
		n["notify_level"] = 16
		Expect(g.unicast(g.token(), msg(p.Token, n)).Code).To(Equal(0))
		Expect(g.shade("p").Shown[0].HeadsUp).To(BeTrue())
	})

	DescribeTable("rejects bad targets with 10000 Invalid Registration_id",
		func(target func(*fixture) string) {
			r := f.unicast(tok, msg(target(f), f.imNotification()))
			Expect(r).To(Equal(reply{Code: 10000, Message: "Invalid Registration_id"}))
			Expect(f.w.Ledger(world.Filter{Rule: "oppo.regid.invalid"})).To(HaveLen(1))
		},
		Entry("not hex", func(*fixture) string { return "OPPO_CN_" + strings.Repeat("z", 32) }),
		Entry("overseas region", func(*fixture) string { return "OPPO_EU_" + strings.Repeat("a", 32) }),
		Entry("well-formed but unknown", func(*fixture) string { return "OPPO_CN_" + strings.Repeat("a", 32) }),
		Entry("a phone of another app", func(f *fixture) string {
			other := world.App{Vendor: "oppo", Name: "other", Package: "com.example.other"}
			f.srv.Vendor("oppo").DemoApp(&other)
			_, err := f.w.AddApp(other)
			Expect(err).NotTo(HaveOccurred())
			d, err := f.w.Register(world.Device{Vendor: "oppo", App: "other", Token: f.srv.Vendor("oppo").NewToken(&other)})
			Expect(err).NotTo(HaveOccurred())
			return d.Token
		}),
	)

	It("rejects target_type 5 (aliases are not emulated) and a missing notification", func() {
		m := msg(alice.Token, f.imNotification())
		m["target_type"] = 5
		Expect(f.unicast(tok, m).Code).To(Equal(41))
		Expect(f.unicast(tok, map[string]any{"target_type": 2, "target_value": alice.Token}).Code).To(Equal(40))
	})

	It("rejects a missing, malformed or non-UTF-8 message with OPPO's envelope", func() {
		Expect(f.post(oppo.PathUnicast, url.Values{"auth_token": {tok}})).To(Equal(reply{Code: 40, Message: "Missing Required Arguments"}))
		Expect(f.unicast(tok, `{"target_type":`)).To(Equal(reply{Code: 41, Message: "Invalid Arguments"}))
		Expect(f.unicast(tok, "{\"target_value\":\"\xff\"}")).To(Equal(reply{Code: 25, Message: "Invalid Encoding"}))
	})

	It("rejects a body over the size limit with 41", func() {
		big := strings.Repeat("a", 9<<20)
		Expect(f.post(oppo.PathUnicast, url.Values{"auth_token": {tok}, "message": {big}}).Code).To(Equal(41))
		Expect(f.w.Ledger(world.Filter{Rule: "oppo.request.size"})).To(HaveLen(1))
	})

	Describe("app_message_id", func() {
		It("answers a repeat with success and the first message id, and shows it once", func() {
			n := f.imNotification()
			n["app_message_id"] = "m-1"
			first := f.unicast(tok, msg(alice.Token, n))
			again := f.unicast(tok, msg(alice.Token, n))
			Expect(first.Code).To(Equal(0))
			Expect(again.Code).To(Equal(0))
			Expect(messageID(again)).To(Equal(messageID(first)))
			Expect(f.shade("alice").Shown).To(HaveLen(1))
			Expect(f.shade("alice").Dropped).To(BeEmpty())
			d := f.w.Ledger(world.Filter{Kind: world.KindDelivery, Rule: "oppo.dedupe.app-message-id"})
			Expect(d).To(HaveLen(1))
			Expect(d[0].Device).To(Equal(alice.ID))
		})

		It("is per target: the same id reaches another phone", func() {
			bob := f.phone("bob", 33)
			n := f.imNotification()
			n["appMessageId"] = "m-2"
			Expect(f.unicast(tok, msg(alice.Token, n)).Code).To(Equal(0))
			Expect(f.unicast(tok, msg(bob.Token, n)).Code).To(Equal(0))
			Expect(f.shade("bob").Shown).To(HaveLen(1))
		})
	})

	It("holds a message for an offline phone within off_line_ttl", func() {
		_, err := f.w.UpdateDevice("alice", func(d *world.Device) { d.Offline = true })
		Expect(err).NotTo(HaveOccurred())
		n := f.imNotification()
		n["off_line_ttl"] = 600
		Expect(f.unicast(tok, msg(alice.Token, n)).Code).To(Equal(0))
		Expect(f.shade("alice").Pending).To(Equal(1))
		_, err = f.w.UpdateDevice("alice", func(d *world.Device) { d.Offline = false })
		Expect(err).NotTo(HaveOccurred())
		Expect(f.shade("alice").Shown).To(HaveLen(1))
	})

	It("sets or increases the badge", func() {
		n := f.imNotification()
		n["badge_message_count"], n["badge_operation_type"] = 3, 0
		Expect(f.unicast(tok, msg(alice.Token, n)).Code).To(Equal(0))
		n["badge_message_count"], n["badge_operation_type"] = 2, 1
		Expect(f.unicast(tok, msg(alice.Token, n)).Code).To(Equal(0))
		d, _ := f.w.Device("alice")
		Expect(d.Badge).To(Equal(5))
	})

	It("lists its rules with sources, and every rule id it records is listed", func() {
		rules := f.srv.Vendor("oppo").Rules()
		ids := map[string]bool{}
		for _, r := range rules {
			Expect(r.ID).To(HavePrefix("oppo."))
			Expect(r.Vendor).To(Equal("oppo"))
			Expect(r.Source).NotTo(BeEmpty())
			Expect(r.Statement).NotTo(BeEmpty())
			ids[r.ID] = true
		}
		Expect(ids).To(HaveKey("oppo.channel.required"))
		// Provoke a few rejections and check their rule ids are listed.
		n := f.imNotification()
		delete(n, "private_msg_template_id")
		f.unicast(tok, msg(alice.Token, n))
		f.unicast(tok, msg("bad", f.imNotification()))
		f.unicast("bad", msg(alice.Token, f.imNotification()))
		for _, e := range f.w.Ledger(world.Filter{}) {
			if e.Rule != "" {
				Expect(ids).To(HaveKey(e.Rule))
			}
		}
	})
})

var _ = Describe("OPPO unicast_batch", func() {
	var (
		f   *fixture
		tok string
	)
	BeforeEach(func() {
		f = newFixture(nil)
		tok = f.token()
	})

	type result struct {
		MessageID      string `json:"messageId"`
		RegistrationID string `json:"registrationId"`
		ErrorCode      int    `json:"errorCode"`
		ErrorMessage   string `json:"errorMessage"`
	}

	It("answers per target, with errorCode 10000 for a bad regId", func() {
		a, b := f.phone("a", 33), f.phone("b", 26)
		bad := "OPPO_CN_" + strings.Repeat("0", 32)
		r := f.batch(tok, []any{msg(a.Token, f.imNotification()), msg(bad, f.imNotification()), msg(b.Token, f.imNotification())})
		Expect(r.Code).To(Equal(0))
		var res []result
		Expect(json.Unmarshal(r.Data, &res)).To(Succeed())
		Expect(res).To(HaveLen(3))
		Expect(res[0].RegistrationID).To(Equal(a.Token))
		Expect(res[0].MessageID).NotTo(BeEmpty())
		Expect(res[0].ErrorCode).To(BeZero())
		Expect(res[1]).To(Equal(result{RegistrationID: bad, ErrorCode: 10000, ErrorMessage: "Invalid Registration_id"}))
		Expect(res[2].MessageID).NotTo(Equal(res[0].MessageID))
		Expect(f.shade("a").Shown).To(HaveLen(1))
		Expect(f.shade("b").Shown).To(HaveLen(1))
		req := f.w.Ledger(world.Filter{Kind: world.KindRequest, Limit: 1})[0]
		Expect(req.Verdict).To(Equal(world.VerdictAccepted))
		Expect(req.Tokens).To(ConsistOf(a.Token, bad, b.Token))
		Expect(req.Reason).To(ContainSubstring("2 accepted"))
		Expect(req.Reason).To(ContainSubstring("1 rejected"))
	})

	It("applies the channel rule per target", func() {
		old, modern := f.phone("old", 25), f.phone("modern", 26)
		n := f.imNotification()
		delete(n, "channel_id")
		Expect(f.batch(tok, []any{msg(old.Token, n), msg(modern.Token, n)}).Code).To(Equal(0))
		Expect(f.shade("old").Shown).To(HaveLen(1))
		Expect(f.shade("modern").Shown).To(BeEmpty())
		Expect(f.shade("modern").Dropped[0].Rule).To(Equal("oppo.channel.required"))
	})

	It("takes up to 1000 messages and refuses 1001", func() {
		p := f.phone("p", 33)
		ms := make([]any, 1001)
		for i := range ms {
			ms[i] = msg(p.Token, f.imNotification())
		}
		Expect(f.batch(tok, ms).Code).To(Equal(41))
		Expect(f.w.Ledger(world.Filter{Rule: "oppo.batch.max"})).To(HaveLen(1))
		Expect(f.batch(tok, ms[:1000]).Code).To(Equal(0))
		Expect(f.shade("p").Shown).To(HaveLen(200)) // the world's shade cap
	})

	It("refuses an empty or malformed messages field", func() {
		Expect(f.batch(tok, "[]").Code).To(Equal(40))
		Expect(f.batch(tok, `{"target_type":2}`).Code).To(Equal(41))
		Expect(f.post(oppo.PathUnicastBatch, url.Values{"auth_token": {tok}}).Code).To(Equal(40))
	})
})
