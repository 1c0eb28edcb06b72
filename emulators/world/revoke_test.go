package world_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("Revoke", func() {
	It("removes the app's notifications with that notify id, shown or held, and records them as dropped", func() {
		clock := world.NewVirtualClock(time.Date(2026, 11, 25, 10, 0, 0, 0, world.Shanghai))
		w := world.New(world.Options{Clock: clock})
		_, err := w.AddApp(world.App{Vendor: "v", Name: "chat"})
		Expect(err).NotTo(HaveOccurred())
		d, err := w.Register(world.Device{Vendor: "v", App: "chat", Token: "t"})
		Expect(err).NotTo(HaveOccurred())
		for _, id := range []string{"7", "8"} {
			_, err = w.Deliver(d.ID, world.Notification{Vendor: "v", App: "chat", NotifyID: id, Body: id}, world.DeliverOptions{})
			Expect(err).NotTo(HaveOccurred())
		}
		_, err = w.UpdateDevice(d.ID, func(d *world.Device) { d.Offline = true })
		Expect(err).NotTo(HaveOccurred())
		_, err = w.Deliver(d.ID, world.Notification{Vendor: "v", App: "chat", NotifyID: "7", Body: "held"}, world.DeliverOptions{TTL: time.Hour})
		Expect(err).NotTo(HaveOccurred())

		n, err := w.Revoke(d.ID, "chat", "7", "v.revoke.rule", "revoked", 3)
		Expect(err).NotTo(HaveOccurred())
		Expect(n).To(Equal(2))
		s, _ := w.Shade(d.ID)
		Expect(s.Shown).To(ConsistOf(HaveField("Body", "8")))
		Expect(s.Pending).To(BeZero())
		Expect(s.Dropped).To(HaveLen(2))
		Expect(s.Dropped).To(HaveEach(HaveField("Rule", "v.revoke.rule")))
		Expect(w.Ledger(world.Filter{Rule: "v.revoke.rule"})).To(HaveEach(HaveField("Request", BeEquivalentTo(3))))

		n, err = w.Revoke(d.ID, "chat", "", "r", "", 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(n).To(BeZero())
		_, err = w.Revoke("nope", "chat", "7", "r", "", 0)
		Expect(err).To(MatchError(world.ErrNotFound))
	})
})
