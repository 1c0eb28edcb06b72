package vivo_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("vivo /message/all", func() {
	var (
		f     *fixture
		token string
	)
	BeforeEach(func() {
		f = newFixture(nil)
		token = f.token()
	})

	// broadcast is an operation message for /message/all (no target).
	broadcast := func(requestID, content string) obj {
		m := operation("", requestID, content)
		delete(m, "regId")
		return m
	}

	It("sends one message to every phone that has the app, answers a taskId, and records the phone count", func() {
		alice, bob := f.phone("alice-phone"), f.phone("bob-phone")
		carol := f.phone("carol-phone", func(d *world.Device) { d.Uninstalled = true })
		a := f.post("/message/all", token, broadcast("b1", "周末大促"))
		Expect(a.Result).To(Equal(0), a.Desc)
		Expect(a.Desc).To(Equal("请求成功"))
		Expect(a.TaskID).To(MatchRegexp(`^\d+$`))
		for _, d := range []world.Device{alice, bob} {
			Expect(f.shade(d).Shown).To(ConsistOf(And(HaveField("Body", "周末大促"), HaveField("MessageID", a.TaskID))), d.Name)
		}
		Expect(f.shade(carol).Shown).To(BeEmpty())
		e := f.requests("/message/all")
		Expect(e).To(HaveLen(1))
		Expect(e[0].Rule).To(Equal("vivo.all.targets"))
		Expect(e[0].Reason).To(ContainSubstring("2 phone(s)"))
		Expect(e[0].MessageID).To(Equal(a.TaskID))
	})

	It("is accepted once a day (10254 全量发送超过次数限), again after Shanghai midnight, and as often as all_daily says", func() {
		f.phone("alice-phone")
		Expect(f.post("/message/all", token, broadcast("b1", "一")).Result).To(Equal(0))
		a := f.post("/message/all", token, broadcast("b2", "二"))
		Expect(a.Result).To(Equal(10254))
		Expect(a.Desc).To(Equal("全量发送超过次数限"))
		Expect(a.TaskID).To(BeEmpty())
		Expect(f.requests("/message/all")[1].Rule).To(Equal("vivo.all.daily"))

		f.set(time.Date(2026, 3, 11, 0, 0, 1, 0, world.Shanghai))
		Expect(f.post("/message/all", f.token(), broadcast("b3", "三")).Result).To(Equal(0))

		g := newFixture(func(a *world.App) { a.Quotas = map[string]int{"all_daily": 2} })
		t := g.token()
		Expect(g.post("/message/all", t, broadcast("b1", "一")).Result).To(Equal(0))
		Expect(g.post("/message/all", t, broadcast("b2", "二")).Result).To(Equal(0))
		Expect(g.post("/message/all", t, broadcast("b3", "三")).Result).To(Equal(10254))
	})

	It("does not count a repeated requestId as a second call, nor send it again", func() {
		alice := f.phone("alice-phone")
		first := f.post("/message/all", token, broadcast("b1", "一"))
		again := f.post("/message/all", token, broadcast("b1", "一"))
		Expect(again.Result).To(Equal(0))
		Expect(again.TaskID).To(Equal(first.TaskID))
		Expect(f.shade(alice).Shown).To(HaveLen(1))
	})

	It("applies the per-phone rules: the operation cap per device and the 07:00–23:00 window", func() {
		g := newFixture(func(a *world.App) { a.Quotas = map[string]int{"all_daily": -1, "operation_per_device": 1} })
		t := g.token()
		p := g.phone("p")
		Expect(g.post("/message/all", t, broadcast("b1", "一")).Result).To(Equal(0))
		Expect(g.post("/message/all", t, broadcast("b2", "二")).Result).To(Equal(0))
		Expect(g.shade(p).Shown).To(HaveLen(1))
		Expect(g.shade(p).Dropped).To(ConsistOf(HaveField("Rule", "vivo.quota.operation-per-device")))

		h := newFixture(nil)
		q := h.phone("q")
		h.set(time.Date(2026, 3, 10, 23, 30, 0, 0, world.Shanghai))
		Expect(h.post("/message/all", h.token(), broadcast("b1", "夜里")).Result).To(Equal(0))
		Expect(h.shade(q).Pending).To(Equal(1))
		h.set(time.Date(2026, 3, 11, 7, 0, 0, 0, world.Shanghai))
		Expect(h.shade(q).Shown).To(HaveLen(1))
	})

	It("sends a test push (pushMode=1) to the test devices only, without counting it", func() {
		tester, other := f.phone("tester", func(d *world.Device) { d.Test = true }), f.phone("other")
		m := broadcast("t1", "内部预览")
		m["pushMode"] = 1
		Expect(f.post("/message/all", token, m).Result).To(Equal(0))
		Expect(f.shade(tester).Shown).To(HaveLen(1))
		Expect(f.shade(other).Shown).To(BeEmpty())
		Expect(f.post("/message/all", token, broadcast("b1", "正式")).Result).To(Equal(0), "the test push did not use the day's call")
	})

	It("counts every phone against the daily operation total (10070) and sends nothing when they do not fit", func() {
		g := newFixture(func(a *world.App) { a.Quotas = map[string]int{"operation_daily": 1} })
		g.phone("a")
		b := g.phone("b")
		a := g.post("/message/all", g.token(), broadcast("b1", "一"))
		Expect(a.Result).To(Equal(10070))
		Expect(g.shade(b).Shown).To(BeEmpty())
	})

	DescribeTable("refuses a malformed message with /message/send's codes",
		func(edit func(obj), code int) {
			f.phone("alice-phone")
			m := broadcast("b1", "周末大促")
			edit(m)
			a := f.post("/message/all", token, m)
			Expect(a.Result).To(Equal(code))
			Expect(a.TaskID).To(BeEmpty())
		},
		Entry("no title", func(m obj) { delete(m, "title") }, 10055),
		Entry("timeToLive under a list's 900 s", func(m obj) { m["timeToLive"] = 600 }, 10059),
		Entry("no requestId", func(m obj) { delete(m, "requestId") }, 10352),
		Entry("a bad skipType", func(m obj) { m["skipType"] = 9 }, 10060),
		Entry("another app's appId", func(m obj) { m["appId"] = 1 }, 10094),
	)

	It("refuses an app under review with 10045, and a missing authToken with 10000", func() {
		g := newFixture(func(a *world.App) { a.Settings = map[string]string{"restricted": "true"} })
		Expect(g.post("/message/all", g.token(), broadcast("b1", "一")).Result).To(Equal(10045))
		Expect(f.post("/message/all", "", broadcast("b1", "一")).Result).To(Equal(10000))
		Expect(f.postRaw("/message/all", token, []byte("{not json")).Result).To(Equal(10054))
	})
})
