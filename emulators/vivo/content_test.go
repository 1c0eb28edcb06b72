package vivo_test

import (
	"encoding/json"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("vivo content filter", func() {
	var (
		f     *fixture
		dev   world.Device
		token string
	)
	BeforeEach(func() {
		f = newFixture(func(a *world.App) { a.Settings = map[string]string{"content.sensitive_words": "彩票"} })
		dev = f.phone("alice-phone")
		token = f.token()
	})

	It("accepts a sensitive word and never shows it, naming the word in the ledger", func() {
		m := msg(dev.Token, "w1")
		m["content"] = "买彩票吗"
		Expect(f.post("/message/send", token, m).Result).To(Equal(0))
		s := f.shade(dev)
		Expect(s.Shown).To(BeEmpty())
		Expect(s.Dropped).To(ConsistOf(HaveField("Rule", "vivo.content.sensitive-word")))
		e := f.w.Ledger(world.Filter{Kind: world.KindRequest, Verdict: world.VerdictNotShown, Rule: "vivo.content.sensitive-word"})
		Expect(e).To(HaveLen(1))
		Expect(e[0].Reason).To(ContainSubstring(`"彩票"`))
	})

	It("drops a stored list payload with a sensitive word on every phone", func() {
		bob := f.phone("bob-phone")
		m := msg("", "l1")
		delete(m, "regId")
		m["title"] = "彩票开奖"
		a := f.post("/message/saveListPayload", token, m)
		Expect(a.Result).To(Equal(0))
		Expect(f.post("/message/pushToList", token, obj{"regIds": []string{dev.Token, bob.Token}, "taskId": a.TaskID, "requestId": "l2"}).Result).To(Equal(0))
		Expect(f.shade(dev).Dropped).To(ConsistOf(HaveField("Rule", "vivo.content.sensitive-word")))
		Expect(f.shade(bob).Dropped).To(ConsistOf(HaveField("Rule", "vivo.content.sensitive-word")))
	})

	DescribeTable("rejects a title or content of only symbols with 10104",
		func(field, value string) {
			m := msg(dev.Token, "e1")
			m[field] = value
			a := f.post("/message/send", token, m)
			Expect(a.Result).To(Equal(10104))
			Expect(a.Desc).To(Equal("title或content内容过于简单"))
			Expect(f.requests("/message/send")[0].Rule).To(Equal("vivo.content.empty"))
		},
		Entry("punctuation title", "title", "！！！"),
		Entry("symbol content", "content", "→ ← $$"),
		Entry("control-character content", "content", "\u0007\u0008"),
	)

	DescribeTable("rejects simple or meaningless text with 10104 (addendum §1.6)",
		func(field, value, settingValue string) {
			g := f
			if settingValue != "" {
				g = newFixture(func(a *world.App) { a.Settings = map[string]string{"simple_text": settingValue} })
			}
			d, t := dev, token
			if g != f {
				d, t = g.phone("p"), g.token()
			}
			m := msg(d.Token, "s1")
			m[field] = value
			a := g.post("/message/send", t, m)
			Expect(a.Result).To(Equal(10104), a.Desc)
			Expect(a.Desc).To(Equal("title或content内容过于简单"))
			Expect(g.requests("/message/send")[0].Rule).To(Equal("vivo.content.simple"))
			Expect(g.shade(d).Shown).To(BeEmpty())
		},
		Entry("a title holding 测试", "title", "推送测试", ""),
		Entry("a content of only digits", "content", "123456", ""),
		Entry("a content of digits and symbols", "content", "2026-03-10 10:00", ""),
		Entry("a content with {} brackets", "content", "你好 {name}", ""),
		Entry("a title with [] brackets", "title", "[系统]通知", ""),
		Entry("a title of only English letters under simple_text strict", "title", "Hello world", "strict"),
	)

	DescribeTable("accepts text with meaning",
		func(field, value, settingValue string) {
			g := f
			if settingValue != "" {
				g = newFixture(func(a *world.App) { a.Settings = map[string]string{"simple_text": settingValue} })
			}
			d, t := dev, token
			if g != f {
				d, t = g.phone("p"), g.token()
			}
			m := msg(d.Token, "s2")
			m[field] = value
			Expect(g.post("/message/send", t, m).Result).To(Equal(0))
		},
		Entry("English letters by default", "title", "Bob", ""),
		Entry("letters and digits", "content", "Room 101 is ready", ""),
		Entry("CJK with digits", "content", "订单 12345 已发货", ""),
		Entry("CJK brackets 【】", "title", "【订单】已发货", ""),
		Entry("an emoji with digits", "content", "👍 2", ""),
		Entry("digits only when simple_text is off", "content", "123456", "off"),
	)

	It("still answers an all-whitespace title as empty (10055)", func() {
		m := msg(dev.Token, "e2")
		m["title"] = " \u3000 "
		Expect(f.post("/message/send", token, m).Result).To(Equal(10055))
	})

	It("answers a title or content that is not UTF-8 with the field's 不合法 code", func() {
		m := msg(dev.Token, "u1")
		b, _ := json.Marshal(m)
		a := f.postRaw("/message/send", token, []byte(strings.Replace(string(b), `"Bob"`, "\"B\xffb\"", 1)))
		Expect(a.Result).To(Equal(10056))
		Expect(a.Desc).To(Equal("title不合法"))
		b2 := strings.Replace(string(b), `"晚上一起吃饭吗？"`, "\"\xe6\x99\"", 1)
		Expect(f.postRaw("/message/send", token, []byte(b2)).Result).To(Equal(10058))
		Expect(f.w.Ledger(world.Filter{Rule: "vivo.content.invalid-encoding"})).To(HaveLen(2))
	})

	It("shows a title without its control characters and notes it", func() {
		m := msg(dev.Token, "c1")
		m["title"] = "Bob\u001b\u0007 Lee" // no [ ]: brackets are 10104 (simple.go)
		Expect(f.post("/message/send", token, m).Result).To(Equal(0))
		Expect(f.shade(dev).Shown).To(ConsistOf(HaveField("Title", "Bob Lee")))
		Expect(f.w.Ledger(world.Filter{Rule: "vivo.content.control-chars", Verdict: world.VerdictAccepted})).To(HaveLen(1))
	})

	It("counts the older rule with the world's counting: 20 CJK characters fit, 21 do not", func() {
		f2 := newFixture(func(a *world.App) { a.Settings = map[string]string{"length_rule": "older"} })
		d2 := f2.phone("p")
		t2 := f2.token()
		m := msg(d2.Token, "o1")
		m["title"] = strings.Repeat("标", 19) + "👋👋"
		Expect(f2.post("/message/send", t2, m).Result).To(Equal(0))
		Expect(f2.shade(d2).Shown[0].Title).To(Equal(m["title"]))
		m["title"], m["requestId"] = strings.Repeat("标", 21), "o2"
		Expect(f2.post("/message/send", t2, m).Result).To(Equal(10056))
	})
})
