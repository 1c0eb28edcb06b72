package oppo_test

import (
	"encoding/json"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

func marketing() map[string]any {
	return map[string]any{"title": "Sale", "content": "50% off", "channel_id": "promo", "category": "MARKETING"}
}

var _ = Describe("OPPO content & marketing caps", func() {
	It("shows 2 per device per day, drops the rest with a reason, and resets at Shanghai midnight", func() {
		f := newFixture(nil)
		p := f.phone("p", 33)
		f.clock.Set(time.Date(2026, 3, 1, 23, 58, 0, 0, world.Shanghai))
		tok := f.token()
		for range 3 {
			Expect(f.unicast(tok, msg(p.Token, marketing())).Code).To(Equal(0))
		}
		s := f.shade("p")
		Expect(s.Shown).To(HaveLen(2))
		Expect(s.Shown[0].Class).To(Equal(world.ClassPublic))
		Expect(s.Dropped).To(HaveLen(1))
		Expect(s.Dropped[0].Rule).To(Equal("oppo.quota.public-per-device"))
		Expect(s.Dropped[0].Reason).To(ContainSubstring("2 of 2"))

		// 23:59:59 UTC+8 is still the same day; 00:00 is a new one.
		f.clock.Set(time.Date(2026, 3, 1, 23, 59, 59, 0, world.Shanghai))
		Expect(f.unicast(tok, msg(p.Token, marketing())).Code).To(Equal(0))
		Expect(f.shade("p").Shown).To(HaveLen(2))
		f.clock.Set(time.Date(2026, 3, 2, 0, 0, 0, 0, world.Shanghai))
		Expect(f.unicast(tok, msg(p.Token, marketing())).Code).To(Equal(0))
		Expect(f.shade("p").Shown).To(HaveLen(3))
	})

	It("counts days in Shanghai, not UTC", func() {
		f := newFixture(nil)
		p := f.phone("p", 33)
		// 15:30 UTC is 23:30 in Shanghai; 16:30 UTC is the next Shanghai day, same UTC day.
		f.clock.Set(time.Date(2026, 3, 1, 15, 30, 0, 0, time.UTC))
		tok := f.token()
		f.unicast(tok, msg(p.Token, marketing()))
		f.unicast(tok, msg(p.Token, marketing()))
		f.clock.Set(time.Date(2026, 3, 1, 16, 30, 0, 0, time.UTC))
		f.unicast(tok, msg(p.Token, marketing()))
		Expect(f.shade("p").Shown).To(HaveLen(3))
	})

	It("gives news apps 5 per device per day", func() {
		f := newFixture(func(a *world.App) { a.News = true })
		p := f.phone("p", 33)
		tok := f.token()
		for range 6 {
			f.unicast(tok, msg(p.Token, marketing()))
		}
		Expect(f.shade("p").Shown).To(HaveLen(5))
	})

	It("does not cap communication & service messages", func() {
		f := newFixture(nil)
		p := f.phone("p", 33)
		tok := f.token()
		for range 10 {
			Expect(f.unicast(tok, msg(p.Token, f.imNotification())).Code).To(Equal(0))
		}
		Expect(f.shade("p").Shown).To(HaveLen(10))
	})

	It("treats a message without category on an unregistered channel as public, on a private channel as private", func() {
		f := newFixture(nil)
		p := f.phone("p", 33)
		tok := f.token()
		for range 3 {
			f.unicast(tok, msg(p.Token, map[string]any{"title": "t", "content": "c", "channel_id": "promo"}))
		}
		Expect(f.shade("p").Shown).To(HaveLen(2))
		q := f.phone("q", 33)
		for range 3 {
			f.unicast(tok, msg(q.Token, map[string]any{"title": "t", "content": "c", "channel_id": "im"}))
		}
		Expect(f.shade("q").Shown).To(HaveLen(3))
		Expect(f.shade("q").Shown[0].Class).To(Equal(world.ClassPrivate))
	})

	It("answers 33 when the app's daily total is used up, until Shanghai midnight", func() {
		f := newFixture(func(a *world.App) { a.Quotas = map[string]int{"public_daily_total": 3} })
		ps := []world.Device{f.phone("a", 33), f.phone("b", 33)}
		tok := f.token()
		for i := range 3 {
			Expect(f.unicast(tok, msg(ps[i%2].Token, marketing())).Code).To(Equal(0))
		}
		r := f.unicast(tok, msg(ps[1].Token, marketing()))
		Expect(r).To(Equal(reply{Code: 33, Message: "The number of messages exceeds the daily limit"}))
		Expect(f.w.Ledger(world.Filter{Rule: "oppo.quota.public-daily-total", Verdict: world.VerdictRejected})).To(HaveLen(1))
		// The IM class is not affected.
		Expect(f.unicast(tok, msg(ps[1].Token, f.imNotification())).Code).To(Equal(0))
		f.clock.Set(time.Date(2026, 3, 2, 0, 0, 1, 0, world.Shanghai))
		Expect(f.unicast(f.token(), msg(ps[1].Token, marketing())).Code).To(Equal(0))
	})

	It("derives the daily total from cumulative users: 100000 below 50000, users × 2 from there", func() {
		used := func(f *fixture, n int) {
			for range n {
				f.w.Quotas().TakeDaily("oppo/chat/public", -1, f.clock.Now(), world.Shanghai)
			}
		}
		small := newFixture(func(a *world.App) { a.Quotas = map[string]int{"cumulative_users": 49999, "public_per_device": 1 << 30} })
		p := small.phone("p", 33)
		used(small, 100000)
		Expect(small.unicast(small.token(), msg(p.Token, marketing())).Code).To(Equal(33))

		big := newFixture(func(a *world.App) { a.Quotas = map[string]int{"cumulative_users": 60000, "public_per_device": 1 << 30} })
		q := big.phone("q", 33)
		tok := big.token()
		used(big, 100000)
		Expect(big.unicast(tok, msg(q.Token, marketing())).Code).To(Equal(0))
		used(big, 19999)
		Expect(big.unicast(tok, msg(q.Token, marketing())).Code).To(Equal(33))
	})

	It("reports per-target 33 in a batch once the total is used up", func() {
		f := newFixture(func(a *world.App) { a.Quotas = map[string]int{"public_daily_total": 1} })
		a, b := f.phone("a", 33), f.phone("b", 33)
		r := f.batch(f.token(), []any{msg(a.Token, marketing()), msg(b.Token, marketing())})
		Expect(r.Code).To(Equal(0))
		var res []struct {
			ErrorCode int `json:"errorCode"`
		}
		Expect(json.Unmarshal(r.Data, &res)).To(Succeed())
		Expect(res[0].ErrorCode).To(BeZero())
		Expect(res[1].ErrorCode).To(Equal(33))
	})
})
