package dispatcher_test

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/dispatcher/push"
)

func text(to, s string) dispatcher.Message {
	return dispatcher.Message{From: "bob", FromName: "Bob", To: to, Text: s}
}

var _ = Describe("Sessions", func() {
	var r *rig
	BeforeEach(func() { r = newRig() })

	It("does not push to a device that logged out, whatever token it reported (im.logout.no-push)", func() {
		r.away("alice", "phone", bidXiaomi, "tokA", 0)
		Expect(r.d.Logout("alice", "phone")).To(Succeed())
		o := only(r.send(text("alice", "hi")))
		Expect(o.Kind).To(Equal(push.Suppressed))
		Expect(o.Reason).To(Equal(dispatcher.ReasonLoggedOut))
		Expect(o.Rule).To(Equal(dispatcher.RuleLogout))
		Expect(o.Token).To(Equal("tokA"))
		Expect(r.vendor.Calls()).To(BeEmpty())
	})

	It("does not push to a device kicked by a login elsewhere (im.kick.no-push)", func() {
		r.away("alice", "phone", bidXiaomi, "tokA", 0)
		r.away("alice", "tablet", bidHuawei, "tokB", 0)
		Expect(r.d.Kick("alice", "phone")).To(Succeed())
		outs := r.send(text("alice", "hi"))
		Expect(outs).To(HaveLen(2))
		Expect(outs[0].Device).To(Equal("phone"))
		Expect(outs[0].Reason).To(Equal(dispatcher.ReasonKicked))
		Expect(outs[0].Rule).To(Equal(dispatcher.RuleKick))
		Expect(outs[1].Device).To(Equal("tablet"))
		Expect(outs[1].Kind).To(Equal(push.Sent))
	})

	It("leaves a foreground device to the long connection (im.foreground.online-only)", func() {
		r.away("alice", "phone", bidXiaomi, "tokA", 0)
		Expect(r.d.Foreground("alice", "phone")).To(Succeed())
		o := only(r.send(text("alice", "hi")))
		Expect(o.Kind).To(Equal(push.Suppressed))
		Expect(o.Reason).To(Equal(dispatcher.ReasonForeground))
		Expect(o.Rule).To(Equal(dispatcher.RuleForeground))
		Expect(r.vendor.Calls()).To(BeEmpty())
	})

	It("treats a freshly logged-in device as foreground", func() {
		Expect(r.d.Login("alice", "phone")).To(Succeed())
		Expect(r.d.ReportToken("alice", "phone", bidXiaomi, "tokA")).To(Succeed())
		Expect(only(r.send(text("alice", "hi"))).Reason).To(Equal(dispatcher.ReasonForeground))
	})

	It("suppresses a background device without a token as no-token", func() {
		Expect(r.d.Login("alice", "phone")).To(Succeed())
		Expect(r.d.Background("alice", "phone", 0)).To(Succeed())
		o := only(r.send(text("alice", "hi")))
		Expect(o.Kind).To(Equal(push.Suppressed))
		Expect(o.Reason).To(Equal(dispatcher.ReasonNoToken))
	})

	It("pushes to every background device of a user, each with its own certificate", func() {
		r.away("alice", "mi", bidXiaomi, "tokX", 0)
		r.away("alice", "hw", bidHuawei, "tokH", 0)
		outs := r.send(text("alice", "hi"))
		Expect(outs).To(HaveLen(2))
		for _, o := range outs {
			Expect(o.Kind).To(Equal(push.Sent))
		}
		Expect(outs[0].Vendor).To(Equal("huawei")) // devices in id order: hw, mi
		Expect(outs[1].Vendor).To(Equal("xiaomi"))
		Expect(r.vendor.CallsTo(bidXiaomi)[0].Tokens).To(Equal([]string{"tokX"}))
		Expect(r.vendor.CallsTo(bidHuawei)[0].Tokens).To(Equal([]string{"tokH"}))
	})

	It("replaces a device's old token with a new report", func() {
		r.away("alice", "phone", bidXiaomi, "old", 0)
		Expect(r.d.ReportToken("alice", "phone", bidHuawei, "new")).To(Succeed())
		o := only(r.send(text("alice", "hi")))
		Expect(o.Token).To(Equal("new"))
		Expect(o.Vendor).To(Equal("huawei"))
		Expect(r.vendor.CallsTo(bidXiaomi)).To(BeEmpty())
	})

	It("moves a token reported by another user on the same phone to that user", func() {
		r.away("alice", "phone", bidXiaomi, "shared", 0)
		Expect(r.d.Logout("alice", "phone")).To(Succeed())
		r.away("carol", "phone", bidXiaomi, "shared", 0)
		dv, ok := r.d.Device("alice", "phone")
		Expect(ok).To(BeTrue())
		Expect(dv.Token).To(BeEmpty())
		Expect(only(r.send(text("carol", "hi"))).Kind).To(Equal(push.Sent))
	})

	It("refuses state changes that make no sense, with errors a caller can test", func() {
		Expect(r.d.Foreground("nobody", "x")).To(MatchError(dispatcher.ErrUnknownDevice))
		Expect(r.d.Logout("nobody", "x")).To(MatchError(dispatcher.ErrUnknownDevice))
		r.away("alice", "phone", bidXiaomi, "t", 0)
		Expect(r.d.Logout("alice", "phone")).To(Succeed())
		Expect(r.d.Background("alice", "phone", 1)).To(MatchError(dispatcher.ErrNotLoggedIn))
		Expect(r.d.ReportToken("alice", "phone", bidXiaomi, "t2")).To(MatchError(dispatcher.ErrNotLoggedIn))
		Expect(r.d.Login("alice", "phone")).To(Succeed())
		Expect(r.d.ReportToken("alice", "phone", 999, "t2")).To(MatchError(dispatcher.ErrUnknownCertificate))
		Expect(r.d.ReportToken("alice", "phone", bidXiaomi, "")).To(MatchError(dispatcher.ErrInvalid))
		Expect(r.d.Background("alice", "phone", -1)).To(MatchError(dispatcher.ErrInvalid))
		Expect(r.d.Login("", "phone")).To(MatchError(dispatcher.ErrInvalid))
	})
})

var _ = Describe("Badge (im.background.badge)", func() {
	It("is the unread count reported on background plus the messages since", func() {
		r := newRig()
		r.away("alice", "hw", bidHuawei, "tokH", 3)
		Expect(only(r.send(text("alice", "1"))).Badge).To(Equal(4))
		Expect(only(r.send(text("alice", "2"))).Badge).To(Equal(5))
		calls := r.vendor.CallsTo(bidHuawei)
		Expect(calls[0].Push.Badge).To(Equal(4))
		Expect(calls[1].Push.Badge).To(Equal(5))

		By("coming to the foreground and going back with a new count")
		Expect(r.d.Foreground("alice", "hw")).To(Succeed())
		r.send(text("alice", "seen online"))
		Expect(r.d.Background("alice", "hw", 0)).To(Succeed())
		Expect(only(r.send(text("alice", "3"))).Badge).To(Equal(1))
	})

	It("counts messages that were not pushed too: they are unread all the same", func() {
		r := newRig()
		r.away("alice", "hw", bidHuawei, "tokH", 0)
		r.send(dispatcher.Message{From: "bob", To: "alice", Text: "quiet", Disable: true})
		Expect(only(r.send(text("alice", "loud"))).Badge).To(Equal(2))
	})

	It("splits a batch by badge only for vendors that carry one", func() {
		r := newRig()
		r.away("u1", "p", bidHuawei, "h1", 0)
		r.away("u2", "p", bidHuawei, "h2", 5)
		r.away("u3", "p", bidXiaomi, "x1", 0)
		r.away("u4", "p", bidXiaomi, "x2", 5)
		r.send(dispatcher.Message{From: "bob", Group: "g", Members: []string{"u1", "u2", "u3", "u4"}, Text: "hi"})
		Expect(r.vendor.CallsTo(bidHuawei)).To(HaveLen(2))
		Expect(r.vendor.CallsTo(bidXiaomi)).To(HaveLen(1))
		Expect(r.vendor.CallsTo(bidXiaomi)[0].Push.Badge).To(BeZero())
	})
})

var _ = Describe("Message → notification", func() {
	var r *rig
	BeforeEach(func() {
		r = newRig()
		r.away("alice", "phone", bidXiaomi, "tokA", 0)
	})
	pushed := func() push.Push {
		calls := r.vendor.Calls()
		ExpectWithOffset(1, calls).NotTo(BeEmpty())
		return calls[len(calls)-1].Push
	}

	It("uses the text as the body and the sender's nickname as the title (im.title.default-sender)", func() {
		r.send(text("alice", "hello there"))
		Expect(pushed().Title).To(Equal("Bob"))
		Expect(pushed().Body).To(Equal("hello there"))
	})

	It("falls back to the sender id without a nickname, and lets an explicit title win", func() {
		r.send(dispatcher.Message{From: "bob", To: "alice", Text: "x"})
		Expect(pushed().Title).To(Equal("bob"))
		r.send(dispatcher.Message{From: "bob", FromName: "Bob", To: "alice", Text: "x", Title: "Custom"})
		Expect(pushed().Title).To(Equal("Custom"))
	})

	It("titles a group message with the group's name (im.title.default-group)", func() {
		r.send(dispatcher.Message{From: "bob", FromName: "Bob", Group: "g1", GroupName: "Hikers", Members: []string{"alice", "bob"}, Text: "x"})
		Expect(pushed().Title).To(Equal("Hikers"))
		r.send(dispatcher.Message{From: "bob", Group: "g1", Members: []string{"alice"}, Text: "x"})
		Expect(pushed().Title).To(Equal("g1"))
	})

	DescribeTable("gives non-text messages a placeholder body (im.message.placeholder)",
		func(typ, body string) {
			r.send(dispatcher.Message{From: "bob", To: "alice", Type: typ})
			Expect(pushed().Body).To(Equal(body))
		},
		Entry("image", "image", "[图片]"),
		Entry("voice", "voice", "[语音]"),
		Entry("file", "file", "[文件]"),
		Entry("video", "video", "[视频]"),
	)

	It("takes configured placeholders", func() {
		r = newRig(func(c *dispatcher.Config) {
			c.Placeholders = map[string]string{"image": "[Photo]"}
		})
		r.away("alice", "phone", bidXiaomi, "tokA", 0)
		r.send(dispatcher.Message{From: "bob", To: "alice", Type: "image"})
		Expect(pushed().Body).To(Equal("[Photo]"))
		r.send(dispatcher.Message{From: "bob", To: "alice", Type: "voice"})
		Expect(pushed().Body).To(Equal("[语音]"))

		r = newRig(func(c *dispatcher.Config) { c.Placeholder = "[media]" })
		r.away("alice", "phone", bidXiaomi, "tokA", 0)
		r.send(dispatcher.Message{From: "bob", To: "alice", Type: "video"})
		Expect(pushed().Body).To(Equal("[media]"))
	})

	It("prefers desc over the derived body", func() {
		r.send(dispatcher.Message{From: "bob", To: "alice", Type: "image", Desc: "Bob sent a photo"})
		Expect(pushed().Body).To(Equal("Bob sent a photo"))
	})

	It("does not push a custom message without desc, and pushes desc when set (im.custom.needs-desc)", func() {
		o := only(r.send(dispatcher.Message{From: "bob", To: "alice", Type: "custom", Ext: `{"k":1}`}))
		Expect(o.Kind).To(Equal(push.Suppressed))
		Expect(o.Reason).To(Equal(dispatcher.ReasonCustomNoDesc))
		Expect(o.Rule).To(Equal(dispatcher.RuleCustomNeedsDesc))
		Expect(r.vendor.Calls()).To(BeEmpty())

		o = only(r.send(dispatcher.Message{From: "bob", To: "alice", Type: "custom", Desc: "New order"}))
		Expect(o.Kind).To(Equal(push.Sent))
		Expect(pushed().Body).To(Equal("New order"))
	})

	It("does not push a message with disable set (im.disable.no-push)", func() {
		o := only(r.send(dispatcher.Message{From: "bob", To: "alice", Text: "x", Disable: true}))
		Expect(o.Reason).To(Equal(dispatcher.ReasonDisabled))
		Expect(o.Rule).To(Equal(dispatcher.RuleDisable))
		Expect(r.vendor.Calls()).To(BeEmpty())
	})

	It("hands ext to the client byte for byte (im.ext.round-trip)", func() {
		ext := "{\"entity\":{\"sender\":\"bob\",\"action\":1,\"chatType\":1}}\x00\xff é"
		r.send(dispatcher.Message{From: "bob", To: "alice", Text: "x", Ext: ext})
		Expect([]byte(pushed().Ext)).To(Equal([]byte(ext)))
		Expect(pushed().ID).NotTo(BeEmpty())
	})

	It("cuts titles and bodies to the vendor's limit on character boundaries, never refusing them", func() {
		long := strings.Repeat("很长的标题", 30)
		r.away("hu", "p", bidMeizu, "m1", 0)
		r.send(dispatcher.Message{From: "bob", To: "alice", Title: long, Text: long})
		p := pushed()
		Expect(utf8.RuneCountInString(p.Title)).To(Equal(49))
		Expect(utf8.RuneCountInString(p.Body)).To(Equal(127))
		Expect(utf8.ValidString(p.Title) && utf8.ValidString(p.Body)).To(BeTrue())
		Expect(strings.HasPrefix(long, p.Body)).To(BeTrue())

		r.send(dispatcher.Message{From: "bob", To: "hu", Title: long, Text: long})
		p = pushed()
		Expect(utf8.RuneCountInString(p.Title)).To(Equal(32))
		Expect(utf8.RuneCountInString(p.Body)).To(Equal(100))
	})

	It("gives every message its own notification by default, one per conversation when configured", func() {
		r.send(dispatcher.Message{ID: "m-1", From: "bob", To: "alice", Text: "x"})
		Expect(pushed().NotifyID).To(Equal("m-1"))

		r = newRig(func(c *dispatcher.Config) { c.NotifyPerConversation = true })
		r.away("alice", "phone", bidXiaomi, "tokA", 0)
		r.send(dispatcher.Message{From: "bob", To: "alice", Text: "x"})
		Expect(pushed().NotifyID).To(Equal("c2c:bob"))
		r.send(dispatcher.Message{From: "bob", Group: "g7", Members: []string{"alice"}, Text: "x"})
		Expect(pushed().NotifyID).To(Equal("group:g7"))
	})

	It("takes limits from the config over the table", func() {
		r = newRig(func(c *dispatcher.Config) {
			c.Limits = map[string]dispatcher.Limits{"xiaomi": {Title: 5}}
		})
		r.away("alice", "phone", bidXiaomi, "tokA", 0)
		r.send(dispatcher.Message{From: "bob", To: "alice", Title: "abcdefgh", Text: strings.Repeat("x", 200)})
		Expect(pushed().Title).To(Equal("abcde"))
		Expect(pushed().Body).To(HaveLen(127))
	})
})

var _ = Describe("Certificate settings", func() {
	var r *rig
	BeforeEach(func() {
		r = newRig()
		r.away("mi", "p", bidXiaomi, "x", 0)
		r.away("hw", "p", bidHuawei, "h", 0)
		r.away("op", "p", bidOPPO, "o", 0)
		r.away("vi", "p", bidVivo, "v", 0)
		r.away("mz", "p", bidMeizu, "m", 0)
		r.away("fc", "p", bidFCM, "f", 0)
	})
	group := func(m dispatcher.Message) map[int]push.Push {
		m.From, m.Group, m.Members = "bob", "g", []string{"mi", "hw", "op", "vi", "mz", "fc"}
		if m.Text == "" {
			m.Text = "hi"
		}
		outs := r.send(m)
		Expect(outs).To(HaveLen(6))
		got := map[int]push.Push{}
		for _, c := range r.vendor.Calls() {
			got[c.BusinessID] = c.Push
		}
		return got
	}

	It("gives each vendor the click action of its certificate (im.cert.click-action)", func() {
		got := group(dispatcher.Message{})
		Expect(got[bidXiaomi].Click).To(Equal(push.Click{Type: "intent", Target: intent}))
		Expect(got[bidHuawei].Click).To(Equal(push.Click{Type: "intent", Target: intent}))
		Expect(got[bidVivo].Click).To(Equal(push.Click{Type: "intent", Target: intent}))
		Expect(got[bidOPPO].Click).To(Equal(push.Click{Type: "activity", Target: "com.example.chat.MainActivity"}))
		Expect(got[bidMeizu].Click).To(Equal(push.Click{Type: "activity", Target: "com.example.chat.MainActivity"}))
		Expect(got[bidFCM].Click).To(Equal(push.Click{Type: "launcher"}))
	})

	It("carries the certificate's message class and category", func() {
		got := group(dispatcher.Message{})
		Expect(got[bidHuawei].Category).To(Equal("IM"))
		Expect(got[bidOPPO].Category).To(Equal("IM"))
		Expect(got[bidXiaomi].Channel).To(Equal("im-private"))
	})

	It("lets a message's sound override the certificate's on Huawei, Xiaomi and FCM only (im.sound.override)", func() {
		got := group(dispatcher.Message{Sound: "msg_ring"})
		Expect(got[bidHuawei].Sound).To(Equal("msg_ring"))
		Expect(got[bidXiaomi].Sound).To(Equal("msg_ring"))
		Expect(got[bidFCM].Sound).To(Equal("msg_ring"))
		Expect(got[bidOPPO].Sound).To(Equal("cert_ring"))
		got = group(dispatcher.Message{})
		Expect(got[bidHuawei].Sound).To(Equal("cert_ring"))
	})

	It("takes OPPO's channel from the message over the certificate (im.oppo.channel-override)", func() {
		got := group(dispatcher.Message{})
		Expect(got[bidOPPO].Channel).To(Equal("im-cert"))
		Expect(got[bidOPPO].NoChannel).To(BeFalse())

		other := "tuikit"
		got = group(dispatcher.Message{OPPOChannel: &other})
		Expect(got[bidOPPO].Channel).To(Equal("tuikit"))
		Expect(got[bidXiaomi].Channel).To(Equal("im-private"), "only OPPO takes it")

		none := ""
		got = group(dispatcher.Message{OPPOChannel: &none})
		Expect(got[bidOPPO].Channel).To(BeEmpty())
		Expect(got[bidOPPO].NoChannel).To(BeTrue())
	})
})

var _ = Describe("Group fan-out", func() {
	It("reaches every member but the sender, each once (im.group.fan-out)", func() {
		r := newRig()
		r.away("alice", "p", bidXiaomi, "a", 0)
		r.away("bob", "p", bidXiaomi, "b", 0)
		r.away("carol", "p", bidXiaomi, "c", 0)
		outs := r.send(dispatcher.Message{From: "bob", Group: "g", Members: []string{"alice", "bob", "carol", "alice", "nobody"}, Text: "hi"})
		Expect(outs).To(HaveLen(2))
		Expect(outs[0].User).To(Equal("alice"))
		Expect(outs[1].User).To(Equal("carol"))
		Expect(r.vendor.Calls()).To(HaveLen(1))
		Expect(r.vendor.Calls()[0].Tokens).To(Equal([]string{"a", "c"}))
	})

	DescribeTable("batches per vendor app within the vendor's limit (im.batch.per-vendor)",
		func(bid, members int, sizes []int) {
			r := newRig()
			all := make([]string, members)
			for i := range all {
				all[i] = fmt.Sprintf("u%05d", i)
				r.away(all[i], "p", bid, "t-"+all[i], 0)
			}
			outs := r.send(dispatcher.Message{From: "sender", Group: "g", Members: all, Text: "hi"})
			Expect(outs).To(HaveLen(members))
			var got []int
			for _, c := range r.vendor.Calls() {
				got = append(got, len(c.Tokens))
			}
			Expect(got).To(ConsistOf(sizes))
			for _, o := range outs {
				Expect(o.Kind).To(Equal(push.Sent))
			}
		},
		Entry("a 2500-member group on Xiaomi is 3 requests", bidXiaomi, 2500, []int{1000, 1000, 500}),
		Entry("Huawei 1000 per request", bidHuawei, 1001, []int{1000, 1}),
		Entry("Meizu 100 per request", bidMeizu, 250, []int{100, 100, 50}),
		Entry("FCM one token per request", bidFCM, 5, []int{1, 1, 1, 1, 1}),
	)

	It("ends every (message, device) in exactly one outcome whatever happens", func() {
		r := newRig()
		r.vendor.answer = func(n int, c call, tok string) push.Result {
			switch {
			case strings.HasSuffix(tok, "bad"):
				return push.Result{Kind: push.Rejected, Code: "20301", InvalidToken: true}
			case strings.HasSuffix(tok, "quota"):
				return push.Result{Kind: push.OverQuota, Code: "200001"}
			case strings.HasSuffix(tok, "flaky"):
				return push.Result{Kind: push.Retryable, Code: "HTTP 503"}
			}
			return push.Result{Kind: push.Sent, MessageID: "ok"}
		}
		var members []string
		kinds := []string{"ok", "bad", "quota", "flaky"}
		for i, bid := range []int{bidXiaomi, bidHuawei, bidOPPO, bidVivo, bidMeizu, bidFCM} {
			for _, k := range kinds {
				u := fmt.Sprintf("u%d-%s", i, k)
				members = append(members, u)
				r.away(u, "phone", bid, u+"-"+k, 0)
				Expect(r.d.Login(u, "tablet")).To(Succeed()) // foreground
			}
		}
		outs := r.send(dispatcher.Message{From: "bob", Group: "g", Members: members, Text: "hi"})
		Expect(outs).To(HaveLen(2 * len(members)))
		seen := map[string]bool{}
		count := map[push.Kind]int{}
		for _, o := range outs {
			key := o.User + "/" + o.Device
			Expect(seen).NotTo(HaveKey(key))
			seen[key] = true
			count[o.Kind]++
		}
		Expect(count).To(Equal(map[push.Kind]int{
			push.Suppressed: 24, push.Sent: 6, push.Rejected: 6, push.OverQuota: 6, push.Failed: 6,
		}))
	})
})

var _ = Describe("Message validation", func() {
	var r *rig
	BeforeEach(func() { r = newRig() })

	DescribeTable("refuses malformed messages",
		func(m dispatcher.Message, want string) {
			_, err := r.d.Send(context.Background(), m)
			Expect(err).To(MatchError(dispatcher.ErrInvalid))
			Expect(err.Error()).To(ContainSubstring(want))
		},
		Entry("no sender", dispatcher.Message{To: "a"}, "from"),
		Entry("no receiver", dispatcher.Message{From: "a"}, "to or group"),
		Entry("both", dispatcher.Message{From: "a", To: "b", Group: "g", Members: []string{"b"}}, "not both"),
		Entry("group without members", dispatcher.Message{From: "a", Group: "g"}, "members"),
		Entry("unknown type", dispatcher.Message{From: "a", To: "b", Type: "sticker"}, "sticker"),
		Entry("bad id", dispatcher.Message{ID: "a b", From: "a", To: "b"}, "id"),
	)

	It("refuses a message id used before", func() {
		_, err := r.d.Send(context.Background(), dispatcher.Message{ID: "m1", From: "a", To: "b"})
		Expect(err).NotTo(HaveOccurred())
		_, err = r.d.Send(context.Background(), dispatcher.Message{ID: "m1", From: "a", To: "b"})
		Expect(err).To(MatchError(dispatcher.ErrDuplicateMessage))
	})

	It("draws message ids from the seed", func() {
		a, b := newRig(), newRig()
		ida, _ := a.d.Send(context.Background(), text("x", "1"))
		idb, _ := b.d.Send(context.Background(), text("x", "1"))
		Expect(ida).To(Equal(idb))
		ida2, _ := a.d.Send(context.Background(), text("x", "1"))
		Expect(ida2).NotTo(Equal(ida))
	})
})
