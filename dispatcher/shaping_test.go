package dispatcher_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/dispatcher/push"
)

var _ = Describe("Text shaping (im.content.no-avoidable-filter)", func() {
	var r *rig
	BeforeEach(func() {
		r = newRig()
		r.away("alice", "phone", bidXiaomi, "tokA", 0)
	})
	pushed := func() push.Push {
		GinkgoHelper()
		calls := r.vendor.Calls()
		Expect(calls).NotTo(BeEmpty())
		return calls[len(calls)-1].Push
	}

	It("drops control characters and bytes that are not UTF-8, keeping newlines", func() {
		r.send(dispatcher.Message{From: "bob", FromName: "Bob\u0007", To: "alice", Text: "line 1\r\nline 2\x00\xff"})
		Expect(pushed().Title).To(Equal("Bob"))
		Expect(pushed().Body).To(Equal("line 1\nline 2"))
	})

	It("sends a CJK and emoji title at the vendor's exact limit intact and cuts one more", func() {
		exact := strings.Repeat("你好👋", 16) + "吗" // 49 characters: Xiaomi's "< 50"
		r.send(dispatcher.Message{From: "bob", To: "alice", Title: exact, Text: "x"})
		Expect(pushed().Title).To(Equal(exact))
		r.send(dispatcher.Message{From: "bob", To: "alice", Title: exact + "吗", Text: "x"})
		Expect(pushed().Title).To(Equal(exact))
	})

	It("never cuts inside an emoji sequence", func() {
		title := strings.Repeat("a", 47) + "👨\u200d👩\u200d👧"
		r.send(dispatcher.Message{From: "bob", To: "alice", Title: title, Text: "x"})
		Expect(pushed().Title).To(Equal(strings.Repeat("a", 47)))
	})

	It("falls back to the sender's id, then the placeholder, for a title with nothing to show", func() {
		r.send(dispatcher.Message{From: "bob", FromName: "。。。", To: "alice", Text: "hi"})
		Expect(pushed().Title).To(Equal("bob"))
		r.send(dispatcher.Message{From: "bob", To: "alice", Title: "???", Text: "hi"})
		Expect(pushed().Title).To(Equal("bob"))
	})

	It("pushes the empty placeholder instead of a body with nothing to show", func() {
		r.send(dispatcher.Message{From: "bob", To: "alice", Text: "……!!"})
		Expect(pushed().Body).To(Equal(dispatcher.DefaultEmptyText))
		r.send(dispatcher.Message{From: "bob", To: "alice", Text: " \u200d\ufe0f\x07"})
		Expect(pushed().Body).To(Equal(dispatcher.DefaultEmptyText))
		By("an emoji alone is something to show")
		r.send(dispatcher.Message{From: "bob", To: "alice", Text: "👍"})
		Expect(pushed().Body).To(Equal("👍"))
	})

	It("takes the empty placeholder from the config", func() {
		r = newRig(func(c *dispatcher.Config) {
			c.Placeholders = map[string]string{dispatcher.PlaceholderEmpty: "[消息]"}
		})
		r.away("alice", "phone", bidXiaomi, "tokA", 0)
		r.send(dispatcher.Message{From: "bob", To: "alice", Text: "..."})
		Expect(pushed().Body).To(Equal("[消息]"))
	})

	It("counts under vivo's older rule when the config says so", func() {
		r = newRig(func(c *dispatcher.Config) {
			c.Limits = map[string]dispatcher.Limits{"vivo": {Count: dispatcher.CountCJK2}}
		})
		r.away("alice", "phone", bidVivo, "tokV", 0)
		r.send(dispatcher.Message{From: "bob", To: "alice", Title: strings.Repeat("标", 25), Text: "x"})
		Expect(pushed().Title).To(Equal(strings.Repeat("标", 20)))
	})

	It("counts under vivo's older rule when the vivo certificate says length_rule older", func() {
		r = newRig(func(c *dispatcher.Config) {
			for i := range c.Certificates {
				if c.Certificates[i].Vendor == "vivo" {
					c.Certificates[i].Settings = map[string]string{"length_rule": "older"}
				}
			}
		})
		r.away("alice", "phone", bidVivo, "tokV", 0)
		r.send(dispatcher.Message{From: "bob", To: "alice", Title: strings.Repeat("标", 19) + "👋👋👋", Text: "x"})
		Expect(pushed().Title).To(Equal(strings.Repeat("标", 19) + "👋👋"))
	})

	It("leaves ext byte for byte (im.ext.round-trip wins)", func() {
		ext := "{\"a\":\"\x07\"}\xff"
		r.send(dispatcher.Message{From: "bob", To: "alice", Text: "x", Ext: ext})
		Expect(pushed().Ext).To(Equal(ext))
	})
})
