package vivo_test

import (
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("vivo message classes", func() {
	var (
		f     *fixture
		dev   world.Device
		token string
	)
	setup := func(edit func(*world.App)) {
		f = newFixture(edit)
		dev = f.phone("alice-phone")
		token = f.token()
	}
	BeforeEach(func() { setup(nil) })

	Describe("the 07:00–23:00 window for operation messages", func() {
		It("holds an operation message sent at 23:30 until 07:00 Shanghai time", func() {
			f.set(time.Date(2026, 3, 10, 23, 30, 0, 0, world.Shanghai))
			token = f.token()
			a := f.post("/message/send", token, operation(dev.Token, "o1", "春季新品上架"))
			Expect(a.Result).To(Equal(0))
			Expect(f.shade(dev).Shown).To(BeEmpty())
			Expect(f.shade(dev).Pending).To(Equal(1))
			held := f.w.Ledger(world.Filter{Rule: "vivo.window.operation-hours"})
			Expect(held).To(ConsistOf(And(HaveField("Kind", world.KindDelivery), HaveField("Device", dev.ID),
				HaveField("Reason", ContainSubstring("2026-03-11 07:00")))))

			f.set(time.Date(2026, 3, 11, 6, 59, 0, 0, world.Shanghai))
			Expect(f.shade(dev).Shown).To(BeEmpty())
			f.advance(time.Minute)
			s := f.shade(dev)
			Expect(s.Shown).To(ConsistOf(HaveField("MessageID", a.TaskID)))
			Expect(s.Shown[0].At).To(Equal(time.Date(2026, 3, 11, 7, 0, 0, 0, world.Shanghai)))
		})

		It("holds one sent at 05:00 until 07:00 the same day, and shows one at 22:59 at once", func() {
			f.set(time.Date(2026, 3, 11, 5, 0, 0, 0, world.Shanghai))
			token = f.token()
			f.post("/message/send", token, operation(dev.Token, "o1", "早安资讯"))
			Expect(f.shade(dev).Shown).To(BeEmpty())
			f.set(time.Date(2026, 3, 11, 7, 0, 0, 0, world.Shanghai))
			Expect(f.shade(dev).Shown).To(HaveLen(1))
			f.set(time.Date(2026, 3, 11, 22, 59, 0, 0, world.Shanghai))
			f.post("/message/send", token, operation(dev.Token, "o2", "晚间资讯"))
			Expect(f.shade(dev).Shown).To(HaveLen(2))
		})

		It("never holds a system message", func() {
			f.set(time.Date(2026, 3, 11, 2, 0, 0, 0, world.Shanghai))
			f.post("/message/send", f.token(), msg(dev.Token, "m1"))
			Expect(f.shade(dev).Shown).To(HaveLen(1))
		})

		It("follows App.Settings operation_hours", func() {
			setup(func(a *world.App) { a.Settings = map[string]string{"operation_hours": "08:00-20:00"} })
			f.set(time.Date(2026, 3, 10, 7, 30, 0, 0, world.Shanghai))
			f.post("/message/send", f.token(), operation(dev.Token, "o1", "早安资讯"))
			Expect(f.shade(dev).Shown).To(BeEmpty())
			f.set(time.Date(2026, 3, 10, 8, 0, 0, 0, world.Shanghai))
			Expect(f.shade(dev).Shown).To(HaveLen(1))
		})
	})

	Describe("per-device caps", func() {
		It("shows 2 operation messages per device per day and the rest again after Shanghai midnight", func() {
			for i := range 3 {
				Expect(f.post("/message/send", token, operation(dev.Token, "o"+strconv.Itoa(i), "资讯 "+strconv.Itoa(i))).Result).To(Equal(0))
			}
			s := f.shade(dev)
			Expect(s.Shown).To(HaveLen(2))
			Expect(s.Dropped).To(ConsistOf(HaveField("Rule", "vivo.quota.operation-per-device")))
			Expect(f.w.Ledger(world.Filter{Rule: "vivo.quota.operation-per-device", Verdict: world.VerdictNotShown})).To(HaveLen(1))

			// 23:59 the same day: still capped.
			f.set(time.Date(2026, 3, 10, 22, 59, 0, 0, world.Shanghai))
			f.post("/message/send", token, operation(dev.Token, "o3", "资讯 3"))
			Expect(f.shade(dev).Shown).To(HaveLen(2))
			// 07:00 the next day: a new day's quota.
			f.set(time.Date(2026, 3, 11, 7, 0, 0, 0, world.Shanghai))
			Expect(f.post("/message/send", f.token(), operation(dev.Token, "o4", "资讯 4")).Result).To(Equal(0))
			Expect(f.shade(dev).Shown).To(HaveLen(3))
		})

		It("counts a message held overnight on the day it was sent", func() {
			f.set(time.Date(2026, 3, 10, 23, 30, 0, 0, world.Shanghai))
			token = f.token()
			f.post("/message/send", token, operation(dev.Token, "o1", "资讯 1"))
			f.post("/message/send", token, operation(dev.Token, "o2", "资讯 2"))
			f.set(time.Date(2026, 3, 11, 7, 0, 0, 0, world.Shanghai))
			Expect(f.shade(dev).Shown).To(HaveLen(2))
			f.post("/message/send", f.token(), operation(dev.Token, "o3", "资讯 3"))
			f.post("/message/send", f.token(), operation(dev.Token, "o4", "资讯 4"))
			Expect(f.shade(dev).Shown).To(HaveLen(4))
		})

		It("gives a news app 5", func() {
			setup(func(a *world.App) { a.News = true })
			for i := range 6 {
				f.post("/message/send", token, operation(dev.Token, "o"+strconv.Itoa(i), "资讯 "+strconv.Itoa(i)))
			}
			Expect(f.shade(dev).Shown).To(HaveLen(5))
		})

		It("does not cap system messages", func() {
			for i := range 20 {
				m := msg(dev.Token, "m"+strconv.Itoa(i))
				m["content"] = "消息 " + strconv.Itoa(i)
				Expect(f.post("/message/send", token, m).Result).To(Equal(0))
			}
			Expect(f.shade(dev).Shown).To(HaveLen(20))
		})
	})

	It("drops identical operation content for the same phone the same day", func() {
		f.post("/message/send", token, operation(dev.Token, "o1", "春季新品上架"))
		Expect(f.post("/message/send", token, operation(dev.Token, "o2", "春季新品上架")).Result).To(Equal(0))
		s := f.shade(dev)
		Expect(s.Shown).To(HaveLen(1))
		Expect(s.Dropped).To(ConsistOf(HaveField("Rule", "vivo.content.duplicate")))
		f.set(time.Date(2026, 3, 11, 10, 0, 0, 0, world.Shanghai))
		f.post("/message/send", f.token(), operation(dev.Token, "o3", "春季新品上架"))
		Expect(f.shade(dev).Shown).To(HaveLen(2))
	})

	Describe("re-classification", func() {
		It("handles a system message that reads as marketing as an operation message", func() {
			f.set(time.Date(2026, 3, 10, 23, 30, 0, 0, world.Shanghai))
			m := msg(dev.Token, "m1")
			m["content"] = "限时优惠，今晚下单立减50元"
			a := f.post("/message/send", f.token(), m)
			Expect(a.Result).To(Equal(0))
			e := f.w.Ledger(world.Filter{Rule: "vivo.class.reclassified"})
			Expect(e).To(ConsistOf(HaveField("Reason", ContainSubstring("优惠"))))
			Expect(f.shade(dev).Shown).To(BeEmpty(), "held like an operation message")
			f.set(time.Date(2026, 3, 11, 7, 0, 0, 0, world.Shanghai))
			Expect(f.shade(dev).Shown).To(ConsistOf(HaveField("Class", world.ClassPublic)))
		})

		It("uses App.Settings marketing_keywords, and none when it is empty", func() {
			setup(func(a *world.App) { a.Settings = map[string]string{"marketing_keywords": "Sale"} })
			m := msg(dev.Token, "m1")
			m["content"] = "Big SALE today"
			f.post("/message/send", token, m)
			Expect(f.w.Ledger(world.Filter{Rule: "vivo.class.reclassified"})).To(HaveLen(1))

			setup(func(a *world.App) { a.Settings = map[string]string{"marketing_keywords": ""} })
			m = msg(dev.Token, "m1")
			m["content"] = "限时优惠"
			f.post("/message/send", token, m)
			Expect(f.w.Ledger(world.Filter{Rule: "vivo.class.reclassified"})).To(BeEmpty())
			Expect(f.shade(dev).Shown).To(ConsistOf(HaveField("Class", world.ClassPrivate)))
		})

		It("takes the class from category alone, and accepts an approved custom category as system", func() {
			m := msg(dev.Token, "m1")
			delete(m, "classification")
			m["category"] = "ORDER"
			Expect(f.post("/message/send", token, m).Result).To(Equal(0))
			Expect(f.shade(dev).Shown[0].Class).To(Equal(world.ClassPrivate))

			setup(func(a *world.App) { a.Settings = map[string]string{"custom_categories": "VOIP"} })
			m = msg(dev.Token, "m1")
			m["category"] = "VOIP"
			Expect(f.post("/message/send", token, m).Result).To(Equal(0))
		})

		It("treats a message with neither classification nor category as operation", func() {
			m := msg(dev.Token, "m1")
			delete(m, "classification")
			delete(m, "category")
			f.post("/message/send", token, m)
			Expect(f.shade(dev).Shown[0].Class).To(Equal(world.ClassPublic))
		})
	})

	Describe("app daily totals", func() {
		It("answers 10070 when the operation total is used up, until Shanghai midnight", func() {
			setup(func(a *world.App) { a.Quotas = map[string]int{"operation_daily": 2} })
			other := f.phone("bob-phone")
			Expect(f.post("/message/send", token, operation(dev.Token, "o1", "资讯 1")).Result).To(Equal(0))
			Expect(f.post("/message/send", token, operation(other.Token, "o2", "资讯 2")).Result).To(Equal(0))
			a := f.post("/message/send", token, operation(dev.Token, "o3", "资讯 3"))
			Expect(a.Result).To(Equal(10070))
			Expect(a.Desc).To(Equal("发送总量超出限制"))
			Expect(f.post("/message/send", token, msg(dev.Token, "m1")).Result).To(Equal(0), "system messages have their own total")
			f.set(time.Date(2026, 3, 11, 0, 0, 0, 0, world.Shanghai))
			Expect(f.post("/message/send", f.token(), operation(dev.Token, "o4", "资讯 4")).Result).To(Equal(0))
		})

		It("answers 10073 when the system total is used up", func() {
			setup(func(a *world.App) { a.Quotas = map[string]int{"system_daily": 1} })
			Expect(f.post("/message/send", token, msg(dev.Token, "m1")).Result).To(Equal(0))
			Expect(f.post("/message/send", token, msg(dev.Token, "m2")).Result).To(Equal(10073))
			Expect(f.w.Ledger(world.Filter{Rule: "vivo.quota.system-total"})).To(HaveLen(1))
		})

		It("sets the automatic operation total to 2 × max(enabled devices, 10000)", func() {
			for i := range 20000 {
				f.w.Quotas().TakeDaily("vivo/"+f.app.ID+"/operation", -1, f.clock.Now(), world.Shanghai)
				_ = i
			}
			Expect(f.post("/message/send", token, operation(dev.Token, "o1", "资讯 1")).Result).To(Equal(10070))
		})
	})

	Describe("test pushes (pushMode=1)", func() {
		It("reach only test devices, skip the caps and the window", func() {
			tester := f.phone("qa-phone", func(d *world.Device) { d.Test = true })
			f.set(time.Date(2026, 3, 10, 23, 30, 0, 0, world.Shanghai))
			token = f.token()
			for i := range 4 {
				m := operation(tester.Token, "t"+strconv.Itoa(i), "同样的内容")
				m["pushMode"] = 1
				Expect(f.post("/message/send", token, m).Result).To(Equal(0))
			}
			Expect(f.shade(tester).Shown).To(HaveLen(4))
			Expect(f.w.Ledger(world.Filter{Rule: "vivo.test.no-quota"})).To(HaveLen(4))

			m := operation(dev.Token, "t9", "同样的内容")
			m["pushMode"] = 1
			a := f.post("/message/send", token, m)
			Expect(a.Result).To(Equal(10302))
			Expect(a.InvalidUser).To(Equal(&invalid{Status: 4, UserID: dev.Token}))
		})
	})
})
