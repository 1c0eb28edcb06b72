package world_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("Withdraw", func() {
	It("drops the app's message still held for the phone and leaves what it shows", func() {
		clock := world.NewVirtualClock(time.Date(2026, 11, 25, 10, 0, 0, 0, world.Shanghai))
		w := world.New(world.Options{Clock: clock})
		_, err := w.AddApp(world.App{Vendor: "v", Name: "chat"})
		Expect(err).NotTo(HaveOccurred())
		d, err := w.Register(world.Device{Vendor: "v", App: "chat", Token: "t"})
		Expect(err).NotTo(HaveOccurred())
		_, err = w.Deliver(d.ID, world.Notification{Vendor: "v", App: "chat", MessageID: "m1", Body: "shown"}, world.DeliverOptions{})
		Expect(err).NotTo(HaveOccurred())
		later := world.DeliverOptions{TTL: 2 * time.Hour, HoldUntil: clock.Now().Add(time.Hour)}
		for _, id := range []string{"m1", "m2"} {
			_, err = w.Deliver(d.ID, world.Notification{Vendor: "v", App: "chat", MessageID: id, Body: "held " + id}, later)
			Expect(err).NotTo(HaveOccurred())
		}

		n, err := w.Withdraw(d.ID, "chat", "m1", "v.task.cancel", "cancelled", 5)
		Expect(err).NotTo(HaveOccurred())
		Expect(n).To(Equal(1))
		s, _ := w.Shade(d.ID)
		Expect(s.Shown).To(ConsistOf(HaveField("Body", "shown")))
		Expect(s.Pending).To(Equal(1))
		Expect(s.Dropped).To(ConsistOf(And(HaveField("Body", "held m1"), HaveField("Rule", "v.task.cancel"))))
		Expect(w.Ledger(world.Filter{Rule: "v.task.cancel"})).To(ConsistOf(HaveField("Request", BeEquivalentTo(5))))

		clock.Advance(time.Hour)
		w.Tick()
		s, _ = w.Shade(d.ID)
		Expect(s.Shown).To(HaveLen(2), "the other message is still shown when due")

		n, err = w.Withdraw(d.ID, "chat", "", "r", "", 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(n).To(BeZero())
		_, err = w.Withdraw("nope", "chat", "m1", "r", "", 0)
		Expect(err).To(MatchError(world.ErrNotFound))
	})
})
