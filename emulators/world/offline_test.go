package world_test

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("the offline store", func() {
	var (
		clock *world.VirtualClock
		w     *world.World
		dev   world.Device
	)
	setup := func(opts world.Options) {
		clock = world.NewVirtualClock(time.Date(2026, 11, 25, 10, 0, 0, 0, world.Shanghai))
		opts.Clock = clock
		w = world.New(opts)
		_, err := w.AddApp(world.App{Vendor: "v", Name: "chat"})
		Expect(err).NotTo(HaveOccurred())
		dev, err = w.Register(world.Device{Vendor: "v", App: "chat", Token: "t", Offline: true})
		Expect(err).NotTo(HaveOccurred())
	}
	BeforeEach(func() { setup(world.Options{}) })

	push := func(id string, opt world.DeliverOptions) world.Delivery {
		GinkgoHelper()
		if opt.TTL == 0 {
			opt.TTL = time.Hour
		}
		d, err := w.Deliver(dev.ID, world.Notification{Vendor: "v", App: "chat", MessageID: id, Body: id}, opt)
		Expect(err).NotTo(HaveOccurred())
		return d
	}
	online := func() world.Shade {
		GinkgoHelper()
		_, err := w.UpdateDevice(dev.ID, func(d *world.Device) { d.Offline = false })
		Expect(err).NotTo(HaveOccurred())
		s, err := w.Shade(dev.ID)
		Expect(err).NotTo(HaveOccurred())
		return s
	}
	bodies := func(ns []world.Notification) []string {
		out := make([]string, len(ns))
		for i, n := range ns {
			out[i] = n.Body
		}
		return out
	}

	It("keeps only the newest held push per hold key and records the replaced one under the vendor's rule", func() {
		store := world.OfflineStore{ReplacedRule: "v.offline.latest"}
		push("m1", world.DeliverOptions{HoldKey: "score", Store: store, Request: 1})
		push("m2", world.DeliverOptions{Request: 2})
		Expect(push("m3", world.DeliverOptions{HoldKey: "score", Store: store, Request: 3}).Held).To(BeTrue())

		s, _ := w.Shade(dev.ID)
		Expect(s.Pending).To(Equal(2))
		Expect(s.Dropped).To(ConsistOf(And(HaveField("MessageID", "m1"), HaveField("Rule", "v.offline.latest"),
			HaveField("Reason", ContainSubstring(`replaced while held by m3 with the same key "score"`)))))
		Expect(w.Ledger(world.Filter{Rule: "v.offline.latest"})).To(ConsistOf(HaveField("Request", BeEquivalentTo(3))))

		s = online()
		Expect(bodies(s.Shown)).To(Equal([]string{"m2", "m3"}), "the replaced push is never shown")
	})

	It("uses the world's rule when the vendor names none", func() {
		push("m1", world.DeliverOptions{HoldKey: "k"})
		push("m2", world.DeliverOptions{HoldKey: "k"})
		s, _ := w.Shade(dev.ID)
		Expect(s.Dropped).To(ConsistOf(HaveField("Rule", world.RulePendingReplaced)))
	})

	It("stores no push under a key beyond the store's bound on distinct keys, and still replaces under a held key", func() {
		store := world.OfflineStore{Keys: 2, KeysRule: "v.offline.keys"}
		push("a1", world.DeliverOptions{HoldKey: "a", Store: store})
		push("b1", world.DeliverOptions{HoldKey: "b", Store: store})
		d := push("c1", world.DeliverOptions{HoldKey: "c", Store: store})
		Expect(d.Held).To(BeFalse())
		Expect(d.Rule).To(Equal("v.offline.keys"))
		push("a2", world.DeliverOptions{HoldKey: "a", Store: store})
		push("none", world.DeliverOptions{Store: store})

		s := online()
		Expect(bodies(s.Shown)).To(Equal([]string{"b1", "a2", "none"}))
		Expect(s.Dropped).To(ConsistOf(
			And(HaveField("MessageID", "c1"), HaveField("Reason", ContainSubstring(`key "c" is not stored`))),
			And(HaveField("MessageID", "a1"), HaveField("Rule", world.RulePendingReplaced)),
		))
	})

	It("drops the oldest held pushes beyond the store's limit", func() {
		store := world.OfflineStore{Limit: 3, OverflowRule: "v.offline.cache"}
		for i := 1; i <= 5; i++ {
			Expect(push(fmt.Sprint("m", i), world.DeliverOptions{Store: store}).Held).To(BeTrue())
		}
		s, _ := w.Shade(dev.ID)
		Expect(s.Pending).To(Equal(3))
		Expect(bodies(s.Dropped)).To(Equal([]string{"m1", "m2"}))
		Expect(s.Dropped[0].Rule).To(Equal("v.offline.cache"))
		Expect(s.Dropped[0].Reason).To(ContainSubstring("at most 3"))

		s = online()
		Expect(bodies(s.Shown)).To(Equal([]string{"m3", "m4", "m5"}))
	})

	It("discards everything held, the new push with it, when the store says so", func() {
		store := world.OfflineStore{Limit: 3, Overflow: world.OverflowDiscardAll, OverflowRule: "v.offline.discard"}
		for i := 1; i <= 3; i++ {
			push(fmt.Sprint("m", i), world.DeliverOptions{Store: store})
		}
		d := push("m4", world.DeliverOptions{Store: store, Request: 9})
		Expect(d.Held).To(BeFalse())
		Expect(d.Rule).To(Equal("v.offline.discard"))
		Expect(w.Ledger(world.Filter{Rule: "v.offline.discard"})).To(HaveLen(4))

		push("m5", world.DeliverOptions{Store: store})
		s := online()
		Expect(bodies(s.Shown)).To(Equal([]string{"m5"}), "the store starts afresh after a discard")
		Expect(s.Dropped).To(HaveLen(4))
		Expect(s.Dropped).To(HaveEach(HaveField("Reason", ContainSubstring("all 4 held are discarded"))))
	})

	It("bounds every phone's store by PendingCap, whatever the vendor allows", func() {
		setup(world.Options{PendingCap: 4})
		discard := world.OfflineStore{Limit: 10, Overflow: world.OverflowDiscardAll, OverflowRule: "v.offline.discard"}
		for i := 1; i <= 6; i++ {
			push(fmt.Sprint("m", i), world.DeliverOptions{Store: discard})
		}
		s, _ := w.Shade(dev.ID)
		Expect(s.Pending).To(Equal(4))
		Expect(s.Dropped).To(HaveLen(2))
		Expect(s.Dropped).To(HaveEach(HaveField("Rule", world.RulePendingCap)))
		Expect(world.New(world.Options{}).Options().PendingCap).To(Equal(300), "the default cap")
	})

	It("holds pushes waiting for a display window in the same store", func() {
		setup(world.Options{PendingCap: 2})
		_, _ = w.UpdateDevice(dev.ID, func(d *world.Device) { d.Offline = false })
		later := clock.Now().Add(time.Hour)
		for i := 1; i <= 3; i++ {
			push(fmt.Sprint("m", i), world.DeliverOptions{HoldUntil: later, TTL: 2 * time.Hour})
		}
		clock.Advance(time.Hour)
		w.Tick()
		s, _ := w.Shade(dev.ID)
		Expect(bodies(s.Shown)).To(Equal([]string{"m2", "m3"}))
		Expect(s.Dropped).To(ConsistOf(HaveField("Rule", world.RulePendingCap)))
	})

	It("counts no expired push against the limit and records its expiry", func() {
		store := world.OfflineStore{Limit: 2, Overflow: world.OverflowDiscardAll}
		push("old", world.DeliverOptions{Store: store, TTL: time.Minute})
		clock.Advance(2 * time.Minute)
		push("m1", world.DeliverOptions{Store: store})
		Expect(push("m2", world.DeliverOptions{Store: store}).Held).To(BeTrue())

		s := online()
		Expect(bodies(s.Shown)).To(Equal([]string{"m1", "m2"}))
		Expect(s.Dropped).To(ConsistOf(And(HaveField("MessageID", "old"), HaveField("Rule", "world.ttl.expired"))))
	})
})
