package world_test

import (
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("World", func() {
	var (
		clock *world.VirtualClock
		w     *world.World
		dev   world.Device
	)
	start := time.Date(2026, 11, 25, 23, 30, 0, 0, world.Shanghai)

	BeforeEach(func() {
		clock = world.NewVirtualClock(start)
		w = world.New(world.Options{Clock: clock, ShadeCap: 3, LedgerCap: 5})
		_, err := w.AddApp(world.App{Vendor: "v", Name: "chat", Package: "com.example.chat",
			Channels: []world.Channel{{ID: "im", Class: world.ClassPrivate}}})
		Expect(err).NotTo(HaveOccurred())
		dev, err = w.Register(world.Device{Vendor: "v", App: "chat", Token: "tok-1", Name: "alice-phone"})
		Expect(err).NotTo(HaveOccurred())
	})

	Describe("the console", func() {
		It("refuses a second app with the same vendor and name", func() {
			_, err := w.AddApp(world.App{Vendor: "v", Name: "chat"})
			Expect(err).To(MatchError(world.ErrConflict))
		})
		It("hands out copies that cannot change the stored app", func() {
			a, _ := w.App("v", "chat")
			a.Channels[0].Class = world.ClassPublic
			b, _ := w.App("v", "chat")
			Expect(b.Channels[0].Class).To(Equal(world.ClassPrivate))
		})
		It("refuses a device for an unknown app and a duplicate token", func() {
			_, err := w.Register(world.Device{Vendor: "v", App: "nope", Token: "x"})
			Expect(err).To(MatchError(world.ErrNotFound))
			_, err = w.Register(world.Device{Vendor: "v", App: "chat", Token: "tok-1"})
			Expect(err).To(MatchError(world.ErrConflict))
		})
		It("defaults a new phone to a current Android and finds it by name and token", func() {
			Expect(dev.Android).To(Equal(33))
			d, ok := w.Device("alice-phone")
			Expect(ok).To(BeTrue())
			Expect(d.ID).To(Equal(dev.ID))
			d, ok = w.DeviceByToken("v", "tok-1")
			Expect(ok).To(BeTrue())
			Expect(d.Name).To(Equal("alice-phone"))
		})
	})

	Describe("delivery", func() {
		n := world.Notification{Vendor: "v", App: "chat", Title: "hi", Body: "there", MessageID: "m1"}

		It("shows a push and replaces one with the same notify id", func() {
			a, b := n, n
			a.NotifyID, b.NotifyID, b.Title = "7", "7", "second"
			Expect(w.Deliver(dev.ID, a, world.DeliverOptions{})).To(HaveField("Shown", true))
			Expect(w.Deliver(dev.ID, b, world.DeliverOptions{})).To(HaveField("Shown", true))
			s, _ := w.Shade(dev.ID)
			Expect(s.Shown).To(HaveLen(1))
			Expect(s.Shown[0].Title).To(Equal("second"))
		})

		It("collapses a second push with the same key", func() {
			a := n
			a.Collapse = "job1"
			w.Deliver(dev.ID, a, world.DeliverOptions{})
			d, _ := w.Deliver(dev.ID, a, world.DeliverOptions{})
			Expect(d.Rule).To(Equal("world.shade.collapsed"))
			s, _ := w.Shade(dev.ID)
			Expect(s.Shown).To(HaveLen(1))
			Expect(s.Dropped).To(HaveLen(1))
		})

		DescribeTable("drops what a phone would not show, with the rule",
			func(change func(*world.Device), channel, rule string) {
				_, err := w.UpdateDevice(dev.ID, change)
				Expect(err).NotTo(HaveOccurred())
				m := n
				m.Channel = channel
				d, err := w.Deliver(dev.ID, m, world.DeliverOptions{})
				Expect(err).NotTo(HaveOccurred())
				Expect(d.Shown).To(BeFalse())
				Expect(d.Rule).To(Equal(rule))
				s, _ := w.Shade(dev.ID)
				Expect(s.Shown).To(BeEmpty())
				Expect(s.Dropped[0].Rule).To(Equal(rule))
				Expect(w.Ledger(world.Filter{Verdict: world.VerdictNotShown, Rule: rule})).To(HaveLen(1))
			},
			Entry("uninstalled", func(d *world.Device) { d.Uninstalled = true }, "", "world.device.uninstalled"),
			Entry("notifications off", func(d *world.Device) { d.NotificationsOff = true }, "", "world.device.notifications-off"),
			Entry("channel off", func(d *world.Device) { d.ChannelsOff = []string{"im"} }, "im", "world.device.channel-off"),
			Entry("offline without TTL", func(d *world.Device) { d.Offline = true }, "", "world.ttl.offline"),
		)

		It("hands pass-through messages to the app, not the shade", func() {
			m := n
			m.PassThrough = true
			w.Deliver(dev.ID, m, world.DeliverOptions{})
			s, _ := w.Shade(dev.ID)
			Expect(s.Shown).To(BeEmpty())
			Expect(s.Inbox).To(HaveLen(1))
		})

		It("holds a push for an offline phone and delivers it when it comes back within the TTL", func() {
			w.UpdateDevice(dev.ID, func(d *world.Device) { d.Offline = true })
			d, _ := w.Deliver(dev.ID, n, world.DeliverOptions{TTL: time.Hour})
			Expect(d.Held).To(BeTrue())
			clock.Advance(30 * time.Minute)
			w.UpdateDevice(dev.ID, func(d *world.Device) { d.Offline = false })
			s, _ := w.Shade(dev.ID)
			Expect(s.Shown).To(HaveLen(1))
			Expect(s.Pending).To(BeZero())
		})

		It("expires a held push when the phone stays offline past the TTL", func() {
			w.UpdateDevice(dev.ID, func(d *world.Device) { d.Offline = true })
			w.Deliver(dev.ID, n, world.DeliverOptions{TTL: time.Hour})
			clock.Advance(2 * time.Hour)
			w.UpdateDevice(dev.ID, func(d *world.Device) { d.Offline = false })
			s, _ := w.Shade(dev.ID)
			Expect(s.Shown).To(BeEmpty())
			Expect(s.Dropped).To(ConsistOf(HaveField("Rule", "world.ttl.expired")))
		})

		It("holds a push until its display window opens", func() {
			w.Deliver(dev.ID, n, world.DeliverOptions{TTL: 24 * time.Hour, HoldUntil: start.Add(8 * time.Hour)})
			w.Tick()
			s, _ := w.Shade(dev.ID)
			Expect(s.Shown).To(BeEmpty())
			clock.Advance(8 * time.Hour)
			w.Tick()
			s, _ = w.Shade(dev.ID)
			Expect(s.Shown).To(HaveLen(1))
		})

		It("keeps the shade and the ledger within their caps", func() {
			for i := 0; i < 10; i++ {
				w.Deliver(dev.ID, n, world.DeliverOptions{})
				w.Record(world.Entry{Kind: world.KindRequest, Vendor: "v", Verdict: world.VerdictAccepted})
			}
			s, _ := w.Shade(dev.ID)
			Expect(s.Shown).To(HaveLen(3))
			Expect(s.Shown[2].Seq).To(Equal(10))
			l := w.Ledger(world.Filter{})
			Expect(l).To(HaveLen(5))
			Expect(l[4].Seq).To(Equal(uint64(10)))
		})
	})

	Describe("quotas", func() {
		It("resets daily counters at Shanghai midnight, not UTC midnight", func() {
			q := w.Quotas()
			_, ok := q.TakeDaily("k", 1, clock.Now(), world.Shanghai)
			Expect(ok).To(BeTrue())
			_, ok = q.TakeDaily("k", 1, clock.Now(), world.Shanghai)
			Expect(ok).To(BeFalse())
			clock.Advance(31 * time.Minute) // 00:01 in Shanghai, 16:01 UTC the same UTC day
			used, ok := q.TakeDaily("k", 1, clock.Now(), world.Shanghai)
			Expect(ok).To(BeTrue())
			Expect(used).To(Equal(1))
			Expect(world.NextMidnight(clock.Now(), world.Shanghai)).To(Equal(time.Date(2026, 11, 27, 0, 0, 0, 0, world.Shanghai)))
		})
		It("reports today's counters with the limit each was last taken with", func() {
			q := w.Quotas()
			q.TakeDaily("capped", 2, clock.Now(), world.Shanghai)
			q.TakeDaily("capped", 2, clock.Now(), world.Shanghai)
			q.TakeDaily("capped", 2, clock.Now(), world.Shanghai) // refused, still shown at its cap
			q.TakeDaily("free", -1, clock.Now(), world.Shanghai)
			Expect(q.Daily(clock.Now(), world.Shanghai)).To(Equal(map[string]world.Daily{
				"capped": {Used: 2, Limit: 2}, "free": {Used: 1, Limit: -1},
			}))
			Expect(q.Daily(clock.Now().Add(24*time.Hour), world.Shanghai)).To(BeEmpty())
		})
		It("limits rates over a sliding window", func() {
			q := w.Quotas()
			now := clock.Now()
			Expect(q.TakeRate("r", 2, time.Second, now)).To(BeTrue())
			Expect(q.TakeRate("r", 2, time.Second, now)).To(BeTrue())
			Expect(q.TakeRate("r", 2, time.Second, now.Add(500*time.Millisecond))).To(BeFalse())
			Expect(q.TakeRate("r", 2, time.Second, now.Add(1001*time.Millisecond))).To(BeTrue())
		})
		It("is safe for concurrent use", func() {
			var wg sync.WaitGroup
			for i := 0; i < 50; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					w.Quotas().TakeDaily("c", 20, clock.Now(), world.Shanghai)
					w.Deliver(dev.ID, world.Notification{Title: "x"}, world.DeliverOptions{})
				}()
			}
			wg.Wait()
			Expect(w.Quotas().Used("c", clock.Now(), world.Shanghai)).To(Equal(20))
		})
	})

	It("draws the same tokens from the same seed", func() {
		a := world.New(world.Options{Seed: 42}).RandString(16, world.Hex)
		b := world.New(world.Options{Seed: 42}).RandString(16, world.Hex)
		c := world.New(world.Options{Seed: 43}).RandString(16, world.Hex)
		Expect(a).To(Equal(b))
		Expect(a).NotTo(Equal(c))
	})
})
