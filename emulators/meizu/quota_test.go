package meizu_test

import (
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

// public is a public (公信) notification: noticeMsgType 0.
func public(content string) map[string]any { return notice("News", content, 0) }

var _ = Describe("Meizu caps", func() {
	It("shows 3 public messages per phone per day, lists the 4th under 110011, and resets at Shanghai midnight", func() {
		f := newFixture(nil)
		p := f.phone("p")
		f.clock.Set(time.Date(2026, 11, 25, 23, 0, 0, 0, world.Shanghai))
		for i := range 3 {
			r := f.push(p.Token, public("n"))
			Expect(string(r.Value)).To(Equal("{}"), "message %d", i+1)
			f.clock.Advance(time.Minute)
		}
		r := f.push(p.Token, public("fourth"))
		Expect(r.Code).To(Equal("200"))
		Expect(r.failed()).To(Equal(map[string][]string{"110011": {p.Token}}))
		Expect(f.shade("p").Shown).To(HaveLen(3))
		Expect(f.w.Ledger(world.Filter{Kind: world.KindDelivery, Rule: "meizu.quota.public-daily", Device: p.ID})).To(
			ConsistOf(HaveField("Reason", ContainSubstring("3 of 3"))))

		// 23:59:59 is still the same day; 00:00 in Shanghai is a new one
		// (16:00 UTC: the UTC day has not changed).
		f.clock.Set(time.Date(2026, 11, 25, 23, 59, 59, 0, world.Shanghai))
		Expect(f.push(p.Token, public("late")).failed()).To(HaveKey("110011"))
		f.clock.Set(time.Date(2026, 11, 25, 16, 0, 0, 0, time.UTC))
		Expect(string(f.push(p.Token, public("a new day")).Value)).To(Equal("{}"))
		Expect(f.shade("p").Shown[3].Body).To(Equal("a new day"))
	})

	It("gives news apps 5 public messages per phone per day, and honours public_per_device", func() {
		f := newFixture(func(a *world.App) { a.News = true })
		p := f.phone("p")
		for range 6 {
			f.push(p.Token, public("n"))
			f.clock.Advance(time.Minute)
		}
		Expect(f.shade("p").Shown).To(HaveLen(5))

		g := newFixture(func(a *world.App) { a.Quotas = map[string]int{"public_per_device": 1} })
		q := g.phone("q")
		g.push(q.Token, public("1"))
		Expect(g.push(q.Token, public("2")).failed()).To(HaveKey("110011"))
	})

	It("counts the cap per phone: one phone over it does not stop the others in the same request", func() {
		f := newFixture(func(a *world.App) { a.Quotas = map[string]int{"public_per_device": 1} })
		a, b := f.phone("a"), f.phone("b")
		f.push(a.Token, public("1"))
		r := f.push(a.Token+","+b.Token, public("2"))
		Expect(r.failed()).To(Equal(map[string][]string{"110011": {a.Token}}))
		Expect(f.shade("b").Shown).To(HaveLen(1))
	})

	It("does not cap private messages per day", func() {
		f := newFixture(nil)
		p := f.phone("p")
		for range 20 {
			Expect(string(f.push(p.Token, private("hi")).Value)).To(Equal("{}"))
			f.clock.Advance(time.Minute)
		}
		Expect(f.shade("p").Shown).To(HaveLen(20))
	})

	It("lists a 6th message to one phone within a minute under 520, and takes it again a minute later", func() {
		f := newFixture(nil)
		p, q := f.phone("p"), f.phone("q")
		for i := range 5 {
			Expect(string(f.push(p.Token, private("m")).Value)).To(Equal("{}"), "message %d", i+1)
			f.clock.Advance(10 * time.Second)
		}
		r := f.push(p.Token+","+q.Token, private("sixth"))
		Expect(r.failed()).To(Equal(map[string][]string{"520": {p.Token}}), "the other phone is not affected")
		Expect(f.shade("p").Shown).To(HaveLen(5))
		Expect(f.shade("q").Shown).To(HaveLen(1))
		Expect(f.w.Ledger(world.Filter{Rule: "meizu.rate.device-minute", Device: p.ID})).To(HaveLen(1))

		// The window slides: the first message was 50 s ago; 10 s later it
		// leaves the minute.
		f.clock.Advance(10 * time.Second)
		Expect(string(f.push(p.Token, private("later")).Value)).To(Equal("{}"))
	})

	It("does not spend a public message of the day on a message folded by the minute rule", func() {
		f := newFixture(func(a *world.App) { a.Quotas = map[string]int{"device_per_minute": 1} })
		p := f.phone("p")
		f.push(p.Token, public("1"))
		Expect(f.push(p.Token, public("folded")).failed()).To(HaveKey("520"))
		f.clock.Advance(time.Minute)
		f.push(p.Token, public("2"))
		f.clock.Advance(time.Minute)
		Expect(string(f.push(p.Token, public("3")).Value)).To(Equal("{}"))
	})

	It("answers 110019 past daily_pushes and 110051 past daily_targets, until Shanghai midnight", func() {
		f := newFixture(func(a *world.App) { a.Quotas = map[string]int{"daily_pushes": 2} })
		p := f.phone("p")
		f.push(p.Token, private("1"))
		f.push(p.Token, private("2"))
		r := f.push(p.Token, private("3"))
		Expect(r.Code).To(Equal("110019"))
		Expect(r.Message).To(Equal("超过该应用每天推送次数限制"))
		f.clock.Set(time.Date(2026, 11, 26, 0, 0, 0, 0, world.Shanghai))
		Expect(f.push(p.Token, private("tomorrow")).Code).To(Equal("200"))

		g := newFixture(func(a *world.App) { a.Quotas = map[string]int{"daily_targets": 3} })
		ps := []string{g.phone("a").Token, g.phone("b").Token, g.phone("c").Token}
		Expect(g.push(strings.Join(ps[:2], ","), private("1")).Code).To(Equal("200"))
		Expect(g.push(ps[2], private("2")).Code).To(Equal("200"))
		r = g.push(ps[0], private("3"))
		Expect(r.Code).To(Equal("110051"))
		Expect(r.Message).To(Equal("超过该应用的次数限制"))
	})
})

var _ = Describe("Meizu under concurrent requests", func() {
	It("answers every request and counts every cap exactly once", func() {
		f := newFixture(func(a *world.App) { a.Quotas = map[string]int{"public_per_device": 10} })
		const phones, each = 8, 12
		tokens := make([]string, phones)
		for i := range tokens {
			tokens[i] = f.phone(string(rune('a' + i))).Token
		}
		var wg sync.WaitGroup
		codes := make(chan string, phones*each)
		for i := range phones {
			wg.Go(func() {
				defer GinkgoRecover()
				for range each {
					r := f.push(tokens[i], public("n"))
					for c := range r.failed() {
						codes <- c
					}
				}
			})
		}
		wg.Wait()
		close(codes)
		folded := 0
		for c := range codes {
			Expect(c).To(Equal("520"))
			folded++
		}
		// Within one minute each phone takes 5; the rest are folded.
		Expect(folded).To(Equal(phones * (each - 5)))
		for i := range phones {
			Expect(f.shade(string(rune('a' + i))).Shown).To(HaveLen(5))
		}
	})
})
