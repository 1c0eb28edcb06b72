package vivo_test

import (
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/vivo"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("vivo tags", func() {
	var (
		f                       *fixture
		token                   string
		alice, bob, carol, dave world.Device
	)
	subscribe := func(f *fixture, d world.Device, tags ...string) {
		GinkgoHelper()
		for _, t := range tags {
			Expect(f.w.SubscribeTopic(d.ID, t)).To(Succeed())
		}
	}
	BeforeEach(func() {
		f = newFixture(func(a *world.App) { a.Quotas = map[string]int{"operation_per_device": -1} })
		token = f.token()
		alice, bob, carol, dave = f.phone("alice"), f.phone("bob"), f.phone("carol"), f.phone("dave")
		subscribe(f, alice, "vip", "sports")
		subscribe(f, bob, "vip")
		subscribe(f, carol, "sports", "muted")
	})

	// tagged is an operation message for /message/tagPush.
	tagged := func(requestID, content string, expr obj) obj {
		m := operation("", requestID, content)
		delete(m, "regId")
		m["tagExpression"] = expr
		return m
	}
	shown := func(f *fixture, devs ...world.Device) []string {
		GinkgoHelper()
		var names []string
		for _, d := range devs {
			if len(f.shade(d).Shown) > 0 {
				names = append(names, d.Name)
			}
		}
		return names
	}

	Describe("/message/tagPush", func() {
		DescribeTable("sends to (any of orTags) ∩ (every one of andTags) − (any of notTags)",
			func(expr obj, want ...string) {
				a := f.post("/message/tagPush", token, tagged("t1", "周末书单", expr))
				Expect(a.Result).To(Equal(0), a.Desc)
				Expect(a.Desc).To(Equal("请求成功"))
				Expect(a.TaskID).To(MatchRegexp(`^\d+$`))
				Expect(shown(f, alice, bob, carol, dave)).To(ConsistOf(want))
				e := f.requests("/message/tagPush")
				Expect(e).To(HaveLen(1))
				Expect(e[0].Rule).To(Equal("vivo.tag.push"))
				Expect(e[0].MessageID).To(Equal(a.TaskID))
				Expect(e[0].Reason).To(ContainSubstring(strconv.Itoa(len(want)) + " phone(s)"))
			},
			Entry("orTags: the union", obj{"orTags": []string{"vip", "sports"}}, "alice", "bob", "carol"),
			Entry("orTags and andTags", obj{"orTags": []string{"vip", "sports"}, "andTags": []string{"sports"}}, "alice", "carol"),
			Entry("andTags only: every phone of the app with all of them", obj{"andTags": []string{"vip", "sports"}}, "alice"),
			Entry("an empty orTags with andTags", obj{"orTags": []string{}, "andTags": []string{"sports"}}, "alice", "carol"),
			Entry("notTags take phones out", obj{"orTags": []string{"sports"}, "notTags": []string{"muted"}}, "alice"),
			Entry("andTags and notTags", obj{"andTags": []string{"vip"}, "notTags": []string{"sports"}}, "bob"),
			Entry("trimmed, repeated tags count once", obj{"orTags": []string{" vip", "vip "}}, "alice", "bob"),
			Entry("a tag nobody has", obj{"orTags": []string{"nobody"}}),
		)

		It("shows the message with the taskId as every broadcast does, and skips uninstalled phones", func() {
			_, err := f.w.UpdateDevice(bob.ID, func(d *world.Device) { d.Uninstalled = true })
			Expect(err).NotTo(HaveOccurred())
			a := f.post("/message/tagPush", token, tagged("t1", "会员日", obj{"orTags": []string{"vip"}}))
			Expect(a.Result).To(Equal(0))
			Expect(f.shade(alice).Shown).To(ConsistOf(And(HaveField("Body", "会员日"), HaveField("MessageID", a.TaskID))))
			Expect(f.shade(bob).Shown).To(BeEmpty())
		})

		It("answers a tag nobody has with a taskId and says so in the ledger", func() {
			a := f.post("/message/tagPush", token, tagged("t1", "x", obj{"orTags": []string{"nobody"}}))
			Expect(a.Result).To(Equal(0))
			Expect(f.requests("/message/tagPush")[0].Reason).To(ContainSubstring("none of them subscribed"))
		})

		DescribeTable("refuses a tagExpression without orTags or andTags, or not of lists of names, with 10601",
			func(edit func(obj)) {
				m := tagged("t1", "x", obj{"orTags": []string{"vip"}})
				edit(m)
				a := f.post("/message/tagPush", token, m)
				Expect(a.Result).To(Equal(10601))
				Expect(a.Desc).To(Equal("表现组合表达式错误，应有“and”或者“or”标签组合"))
				Expect(a.TaskID).To(BeEmpty())
				Expect(f.requests("/message/tagPush")[0].Rule).To(Equal("vivo.tag.expression"))
				Expect(shown(f, alice, bob, carol, dave)).To(BeEmpty())
			},
			Entry("no tagExpression", func(m obj) { delete(m, "tagExpression") }),
			Entry("null", func(m obj) { m["tagExpression"] = nil }),
			Entry("notTags only", func(m obj) { m["tagExpression"] = obj{"notTags": []string{"muted"}} }),
			Entry("empty lists", func(m obj) { m["tagExpression"] = obj{"orTags": []string{}, "andTags": []string{}} }),
			Entry("a string", func(m obj) { m["tagExpression"] = "vip" }),
			Entry("orTags not a list", func(m obj) { m["tagExpression"] = obj{"orTags": "vip"} }),
			Entry("a list of objects", func(m obj) { m["tagExpression"] = obj{"orTags": []obj{{"name": "vip"}}} }),
			Entry("a blank tag", func(m obj) { m["tagExpression"] = obj{"orTags": []string{"vip", " "}} }),
			Entry("a control character", func(m obj) { m["tagExpression"] = obj{"andTags": []string{"v\u0007ip"}} }),
		)

		DescribeTable("checks the message as /message/all does, before the expression",
			func(edit func(obj), code int) {
				m := tagged("t1", "x", obj{})
				edit(m)
				Expect(f.post("/message/tagPush", token, m).Result).To(Equal(code))
			},
			Entry("no title", func(m obj) { delete(m, "title") }, 10055),
			Entry("timeToLive under a list's 900 s", func(m obj) { m["timeToLive"] = 600 }, 10059),
			Entry("no requestId", func(m obj) { delete(m, "requestId") }, 10352),
			Entry("another app's appId", func(m obj) { m["appId"] = 1 }, 10094),
		)

		It("refuses an app under review (10045) and a missing authToken (10000)", func() {
			g := newFixture(func(a *world.App) { a.Settings = map[string]string{"restricted": "true"} })
			Expect(g.post("/message/tagPush", g.token(), tagged("t1", "x", obj{"orTags": []string{"vip"}})).Result).To(Equal(10045))
			Expect(f.post("/message/tagPush", "", tagged("t1", "x", obj{"orTags": []string{"vip"}})).Result).To(Equal(10000))
		})

		It("answers a repeated requestId like the first, without sending again", func() {
			m := tagged("t1", "一", obj{"orTags": []string{"vip"}})
			first, again := f.post("/message/tagPush", token, m), f.post("/message/tagPush", token, m)
			Expect(again.Result).To(Equal(0))
			Expect(again.TaskID).To(Equal(first.TaskID))
			Expect(f.shade(alice).Shown).To(HaveLen(1))
		})

		It("is not limited to once a day like /message/all, but counts every phone in the daily totals (10070)", func() {
			for i := range 3 {
				Expect(f.post("/message/tagPush", token, tagged("t"+strconv.Itoa(i), "第"+strconv.Itoa(i), obj{"orTags": []string{"vip"}})).Result).To(Equal(0))
			}
			Expect(f.shade(alice).Shown).To(HaveLen(3))

			g := newFixture(func(a *world.App) { a.Quotas = map[string]int{"operation_daily": 1} })
			p, q := g.phone("p"), g.phone("q")
			subscribe(g, p, "vip")
			subscribe(g, q, "vip")
			Expect(g.post("/message/tagPush", g.token(), tagged("t1", "x", obj{"orTags": []string{"vip"}})).Result).To(Equal(10070))
			Expect(g.shade(p).Shown).To(BeEmpty())
		})

		It("sends a test push (pushMode=1) to the tagged test devices only", func() {
			tester := f.phone("tester", func(d *world.Device) { d.Test = true })
			subscribe(f, tester, "vip")
			m := tagged("t1", "预览", obj{"orTags": []string{"vip"}})
			m["pushMode"] = 1
			Expect(f.post("/message/tagPush", token, m).Result).To(Equal(0))
			Expect(f.shade(tester).Shown).To(HaveLen(1))
			Expect(shown(f, alice, bob)).To(BeEmpty())
		})
	})

	Describe("the tag management APIs", func() {
		members := func(path, name string, typ any, ids ...string) answer {
			GinkgoHelper()
			return f.post(path, token, obj{"name": name, "type": typ, "ids": ids})
		}

		It("adds and removes members by regId (type 1): they are the world's topics, which tagPush follows", func() {
			a := members("/tag/addMembers", "night", 1, dave.Token, bob.Token)
			Expect(a.Result).To(Equal(0), a.Desc)
			Expect(a.InvalidUsers).To(BeEmpty())
			Expect(f.w.TopicSubscribers("vivo", "chat", "night")).To(HaveLen(2))
			e := f.requests("/tag/addMembers")[0]
			Expect(e.Rule).To(Equal("vivo.tag.members"))
			Expect(e.Reason).To(ContainSubstring("2 phone(s) added to tag \"night\""))

			Expect(members("/tag/removeMembers", "night", 1, bob.Token).Result).To(Equal(0))
			Expect(f.post("/message/tagPush", token, tagged("t1", "夜读", obj{"orTags": []string{"night"}})).Result).To(Equal(0))
			Expect(shown(f, alice, bob, carol, dave)).To(ConsistOf("dave"))
		})

		It("adds members by alias (type 2), and lists ids that name no installed phone in invalidUsers", func() {
			Expect(vivo.SetAlias(f.w, "chat", "u-dave", dave.Token)).To(Succeed())
			_, err := f.w.UpdateDevice(bob.ID, func(d *world.Device) { d.Uninstalled = true })
			Expect(err).NotTo(HaveOccurred())
			a := members("/tag/addMembers", "night", 2, "u-dave", "u-nobody")
			Expect(a.Result).To(Equal(0))
			Expect(a.InvalidUsers).To(Equal([]invalid{{1, "u-nobody"}}))
			Expect(f.w.DeviceTopics(dave.ID)).To(ContainElement("night"))

			a = members("/tag/addMembers", "night", "1", bob.Token, "123", alice.Token)
			Expect(a.InvalidUsers).To(Equal([]invalid{{2, bob.Token}, {1, "123"}}))
			Expect(f.w.DeviceTopics(alice.ID)).To(ContainElement("night"))
		})

		DescribeTable("checks name, type and ids in the SDK's order: 10601, 10616, 10609, 10614",
			func(body func() obj, code int, desc string) {
				a := f.post("/tag/addMembers", token, body())
				Expect(a.Result).To(Equal(code))
				Expect(a.Desc).To(Equal(desc))
				Expect(f.requests("/tag/addMembers")[0].Rule).To(Equal("vivo.tag.members"))
				Expect(f.w.TopicSubscribers("vivo", "chat", "night")).To(BeEmpty())
			},
			Entry("no name", func() obj { return obj{"type": 1, "ids": []string{"x"}} }, 10601, "name 不能为空"),
			Entry("a blank name", func() obj { return obj{"name": "  ", "type": 9, "ids": nil} }, 10601, "name 不能为空"),
			Entry("no type", func() obj { return obj{"name": "night", "ids": []string{"x"}} }, 10616, "type不合法"),
			Entry("type 3", func() obj { return obj{"name": "night", "type": 3} }, 10616, "type不合法"),
			Entry("no ids", func() obj { return obj{"name": "night", "type": 1} }, 10609, "ids 不能为空"),
			Entry("empty ids", func() obj { return obj{"name": "night", "type": 1, "ids": []string{}} }, 10609, "ids 不能为空"),
			Entry("ids not a list", func() obj { return obj{"name": "night", "type": 1, "ids": "x"} }, 10609, "ids 不能为空"),
			Entry("1001 ids", func() obj {
				ids := make([]string, 1001)
				for i := range ids {
					ids[i] = strconv.Itoa(i)
				}
				return obj{"name": "night", "type": 1, "ids": ids}
			}, 10614, "ids不合法"),
		)

		It("takes 1000 ids", func() {
			ids := make([]string, 999, 1000)
			for i := range ids {
				ids[i] = strconv.Itoa(i)
			}
			a := members("/tag/addMembers", "night", 1, append(ids, dave.Token)...)
			Expect(a.Result).To(Equal(0))
			Expect(a.InvalidUsers).To(HaveLen(999))
			Expect(f.w.TopicSubscribers("vivo", "chat", "night")).To(HaveLen(1))
		})

		It("checks /tag/add's name, and /tag/update moves every member to the new name", func() {
			Expect(f.post("/tag/add", token, obj{"name": "", "desc": "x"}).Result).To(Equal(10601))
			Expect(f.post("/tag/add", token, obj{"name": "vip", "desc": "会员"}).Result).To(Equal(0))
			Expect(f.requests("/tag/add")[1].Rule).To(Equal("vivo.tag.manage"))

			Expect(f.post("/tag/update", token, obj{"oldName": "vip"}).Result).To(Equal(10601))
			Expect(f.post("/tag/update", token, obj{"oldName": "vip", "newName": "gold"}).Result).To(Equal(0))
			Expect(f.w.TopicSubscribers("vivo", "chat", "vip")).To(BeEmpty())
			Expect(f.w.TopicSubscribers("vivo", "chat", "gold")).To(HaveLen(2))
			Expect(f.requests("/tag/update")[1].Reason).To(ContainSubstring("2 member(s) moved"))
		})

		It("needs an authToken like every vivo API", func() {
			Expect(f.post("/tag/addMembers", "", obj{"name": "night", "type": 1, "ids": []string{dave.Token}}).Result).To(Equal(10000))
			Expect(f.w.TopicSubscribers("vivo", "chat", "night")).To(BeEmpty())
		})
	})
})
