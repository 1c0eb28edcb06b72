package xiaomi_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("Xiaomi multi-message sends", func() {
	var x *apiWorld
	BeforeEach(func() { x = newAPIWorld() })

	// note is a valid private-channel notification as the Java SDK writes it
	// into `messages` (numbers as numbers, extras as an object).
	note := func(title string, kv ...any) map[string]any {
		m := map[string]any{"title": title, "description": "hi", "pass_through": 0, "notify_type": -1, "extra": map[string]any{"channel_id": "high_im"}}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	messages := func(pairs ...any) url.Values {
		var list []map[string]any
		for i := 0; i < len(pairs); i += 2 {
			list = append(list, map[string]any{"target": pairs[i], "message": pairs[i+1]})
		}
		b, err := json.Marshal(list)
		Expect(err).NotTo(HaveOccurred())
		return url.Values{"messages": {string(b)}, "time_to_send": {"0"}}
	}

	It("sends each target its own message under one message id", func() {
		r := x.post("/v2/multi_messages/regids", messages(x.token("alice"), note("to Alice"), x.token("bob"), note("to Bob")))
		Expect(r.Raw).To(MatchRegexp(`^\{"result":"ok","trace_id":"X[a-z]m51b\d{14}[A-Za-z]{2}","code":0,"data":\{"id":"s[a-z]m51b\d{14}[A-Za-z]{2}"\},"description":"成功","info":"Received push messages for 2 REGID"\}$`))
		Expect(x.titles("alice")).To(Equal([]string{"to Alice"}))
		Expect(x.titles("bob")).To(Equal([]string{"to Bob"}))
		Expect(x.titles("dave")).To(BeEmpty())
		s, _ := x.w.Shade("bob")
		Expect(s.Shown[0].MessageID).To(Equal(r.Data["id"]))
		Expect(s.Shown[0].Channel).To(Equal("high_im"))
		e := x.lastRequest()
		Expect(e.Verdict).To(Equal(world.VerdictAccepted))
		Expect(e.MessageID).To(Equal(r.Data["id"]))
		Expect(e.Tokens).To(ConsistOf(x.token("alice"), x.token("bob")))
	})

	It("reads the fields as numbers or strings, extras under extra or flattened", func() {
		sdk := note("sdk", "notify_id", 3, "time_to_live", 60000)
		goClient := map[string]any{"title": "go", "description": "hi", "pass_through": "0", "notify_id": "4",
			"extra.channel_id": "high_im", "extra": map[string]any{"notify_effect": "3", "web_uri": "https://example.com", "callback": map[string]any{"type": 3}, "k": 1}}
		Expect(x.post("/v2/multi_messages/regids", messages(x.token("alice"), sdk, x.token("alice"), goClient)).Code).To(BeZero())
		s, _ := x.w.Shade("alice")
		Expect(s.Shown).To(HaveLen(2))
		Expect(s.Shown[0].NotifyID).To(Equal("3"))
		Expect(s.Shown[1].NotifyID).To(Equal("4"))
		Expect(s.Shown[1].Click).To(Equal(world.Click{Type: world.ClickURL, Target: "https://example.com"}))
		Expect(s.Shown[1].Extras).To(Equal(map[string]string{"k": "1"}), "callback.type is Xiaomi's, k the app's")
	})

	It("sends to aliases on /v2/multi_messages/aliases", func() {
		r := x.post("/v2/multi_messages/aliases", messages("al", note("by alias")))
		Expect(r.Code).To(BeZero(), r.Raw)
		Expect(r.Data["id"]).To(HavePrefix("a"))
		Expect(r.Info).To(Equal("Received push messages for 1 ALIAS"))
		Expect(x.titles("alice")).To(Equal([]string{"by alias"}))
	})

	It("lists unknown regIds in data.bad_regids and answers 20301 when none is valid", func() {
		r := x.post("/v2/multi_messages/regids", messages(x.token("alice"), note("a"), "stale", note("b"), x.token("dave"), note("c")))
		Expect(r.Code).To(BeZero(), r.Raw)
		Expect(r.Data["bad_regids"]).To(Equal("stale," + x.token("dave")))
		Expect(x.lastRequest().Rule).To(Equal("xiaomi.targets.invalid"))
		Expect(x.titles("dave")).To(BeEmpty())

		x.expectError(x.post("/v2/multi_messages/regids", messages("stale", note("b"))), 20301, "xiaomi.targets.invalid")
		x.expectError(x.post("/v2/multi_messages/aliases", messages("nobody", note("b"))), 20301, "xiaomi.targets.invalid")
	})

	It("gives a message without its own time_to_send the call's", func() {
		at := start.Add(time.Hour).UnixMilli()
		f := messages(x.token("alice"), note("later"), x.token("bob"), note("now", "time_to_send", 0))
		f.Set("time_to_send", fmt.Sprint(at))
		Expect(x.post("/v2/multi_messages/regids", f).Code).To(BeZero())
		Expect(x.titles("alice")).To(BeEmpty())
		Expect(x.titles("bob")).To(Equal([]string{"now"}))
		x.clock.Advance(time.Hour + time.Second)
		x.w.Tick()
		Expect(x.titles("alice")).To(Equal([]string{"later"}))
	})

	It("filters each message's content on its own", func() {
		x.w.SetContentRules("xiaomi", world.ContentRules{SensitiveWords: []string{"lottery"}})
		r := x.post("/v2/multi_messages/regids", messages(x.token("alice"), note("win the lottery"), x.token("bob"), note("hello")))
		Expect(r.Code).To(BeZero(), r.Raw)
		Expect(x.titles("alice")).To(BeEmpty())
		Expect(x.titles("bob")).To(Equal([]string{"hello"}))
		s, _ := x.w.Shade("alice")
		Expect(s.Dropped[0].Rule).To(Equal("xiaomi.content.sensitive-word"))
	})

	It("reports what is over quota per channel in channel_exceed_quota, never 200001", func() {
		a, _ := x.w.App("xiaomi", "chat")
		a.Quotas = map[string]int{"public_per_device": 1}
		Expect(x.w.UpdateApp(*a)).To(Succeed())
		noChannel := note("default", "extra", map[string]any{})
		public := note("news", "extra", map[string]any{"channel_id": "public_news"})
		Expect(x.post("/v2/multi_messages/regids", messages(x.token("alice"), noChannel)).Code).To(BeZero())
		Expect(x.titles("alice")).To(Equal([]string{"default"}))

		r := x.post("/v2/multi_messages/regids", messages(x.token("alice"), noChannel, x.token("alice"), public,
			x.token("alice"), public, x.token("bob"), noChannel, x.token("alice"), note("private")))
		Expect(r.Code).To(BeZero(), r.Raw)
		Expect(r.Data["channel_exceed_quota"]).To(Equal("no_channel:1 public_news:1"))
		Expect(r.Raw).NotTo(ContainSubstring("day_quota"))
		Expect(x.titles("bob")).To(Equal([]string{"default"}))
		e := x.lastRequest()
		Expect(e.Verdict).To(Equal(world.VerdictAccepted))
		Expect(e.Rule).To(Equal("xiaomi.multi.channel-exceed-quota"))
		s, _ := x.w.Shade("alice")
		var rules []string
		for _, n := range s.Dropped {
			rules = append(rules, n.Rule)
		}
		Expect(rules).To(ConsistOf("xiaomi.quota.default-daily", "xiaomi.quota.public-daily"))

		r = x.post("/v2/multi_messages/regids", messages(x.token("alice"), noChannel))
		Expect(r.Code).To(BeZero(), "all over quota is still code 0")
		Expect(r.Data["channel_exceed_quota"]).To(Equal("no_channel:1"))
	})

	DescribeTable("checks every message as a regid send, the first bad one refusing the call",
		func(f func(alice string) url.Values, code int, rule, reason string) {
			r := x.post("/v2/multi_messages/regids", f(x.token("alice")))
			x.expectError(r, code, rule)
			Expect(r.Reason).To(ContainSubstring(reason))
			Expect(x.titles("alice")).To(BeEmpty())
			Expect(x.titles("bob")).To(BeEmpty())
		},
		Entry("no messages", func(string) url.Values { return url.Values{"time_to_send": {"0"}} }, 10016, "xiaomi.multi.messages", "messages"),
		Entry("an empty array", func(string) url.Values { return url.Values{"messages": {"[]"}} }, 10016, "xiaomi.multi.messages", "messages"),
		Entry("not JSON", func(string) url.Values { return url.Values{"messages": {"[{"}} }, 10017, "xiaomi.multi.messages", "messages"),
		Entry("an object, not an array", func(string) url.Values { return url.Values{"messages": {`{"target":"a"}`}} }, 10017, "xiaomi.multi.messages", "messages"),
		Entry("an element that is no object", func(string) url.Values { return url.Values{"messages": {`[1]`}} }, 10017, "xiaomi.multi.messages", "messages"),
		Entry("no target", func(string) url.Values {
			return url.Values{"messages": {`[{"message":{"title":"t","description":"d"}}]`}}
		}, 10016, "xiaomi.multi.messages", "messages[0]: Missing required parameter: target."),
		Entry("a number as target", func(string) url.Values { return url.Values{"messages": {`[{"target":7,"message":{}}]`}} }, 10017, "xiaomi.multi.messages", "target"),
		Entry("no message", func(a string) url.Values { return url.Values{"messages": {`[{"target":"` + a + `"}]`}} }, 10016, "xiaomi.multi.messages", "message"),
		Entry("a string as message", func(a string) url.Values { return url.Values{"messages": {`[{"target":"` + a + `","message":"hi"}]`}} }, 10017, "xiaomi.multi.messages", "message"),
		Entry("the second message without a title", func(a string) url.Values {
			return messages(a, note("ok"), a, map[string]any{"description": "d"})
		}, 10016, "xiaomi.title.required", "messages[1]: Missing required parameter: title."),
		Entry("a title of 50 characters", func(a string) url.Values { return messages(a, note(strings.Repeat("标", 50))) }, 10017, "xiaomi.title.length", "messages[0]"),
		Entry("an unknown channel", func(a string) url.Values {
			return messages(a, note("t", "extra", map[string]any{"channel_id": "nope"}))
		}, 27001, "xiaomi.channel.registered", "messages[0]"),
		Entry("another package", func(a string) url.Values {
			return messages(a, note("t", "restricted_package_name", "com.other"))
		}, 22022, "xiaomi.package.restricted", "messages[0]"),
		Entry("a boolean notify_id", func(a string) url.Values { return messages(a, note("t", "notify_id", true)) }, 10017, "xiaomi.params.value", "notify_id"),
		Entry("an array as an extra", func(a string) url.Values {
			return messages(a, note("t", "extra", map[string]any{"k": []int{1}}))
		}, 10017, "xiaomi.params.value", "extra.k"),
		Entry("a pass-through message without payload", func(a string) url.Values { return messages(a, note("t", "pass_through", 1)) }, 10016, "xiaomi.pass-through.payload", "payload"),
		Entry("time_to_send eight days ahead", func(a string) url.Values {
			f := messages(a, note("t"))
			f.Set("time_to_send", fmt.Sprint(start.Add(8*24*time.Hour).UnixMilli()))
			return f
		}, 10017, "xiaomi.params.value", "time_to_send"),
	)

	It("takes at most max_targets messages", func() {
		a, _ := x.w.App("xiaomi", "chat")
		a.Quotas = map[string]int{"max_targets": 2}
		Expect(x.w.UpdateApp(*a)).To(Succeed())
		alice := x.token("alice")
		Expect(x.post("/v2/multi_messages/regids", messages(alice, note("1"), alice, note("2"))).Code).To(BeZero())
		x.expectError(x.post("/v2/multi_messages/regids", messages(alice, note("1"), alice, note("2"), alice, note("3"))), 10017, "xiaomi.targets.max")
	})

	It("needs the app's secret", func() {
		f := messages(x.token("alice"), note("t"))
		x.app.Secret = "wrong"
		x.expectError(x.post("/v2/multi_messages/regids", f), 21301, "xiaomi.auth.secret")
	})
})
