package world_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("magic tokens", func() {
	var w *world.World
	BeforeEach(func() {
		w = world.New(world.Options{})
		_, err := w.AddApp(world.App{Vendor: "v", Name: "chat"})
		Expect(err).NotTo(HaveOccurred())
	})

	It("registers a phone whose token holds UNINSTALLED with the app uninstalled, and drops what reaches it", func() {
		d, err := w.Register(world.Device{Vendor: "v", App: "chat", Token: "tok-UNINSTALLED-1"})
		Expect(err).NotTo(HaveOccurred())
		Expect(d.Uninstalled).To(BeTrue())
		got, err := w.Deliver(d.ID, world.Notification{Vendor: "v", Title: "hi"}, world.DeliverOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Rule).To(Equal("world.device.uninstalled"))
	})

	It("knows no phone by a token that holds EXPIRED, even a registered one", func() {
		d, err := w.Register(world.Device{Vendor: "v", App: "chat", Token: "tok-EXPIRED-1"})
		Expect(err).NotTo(HaveOccurred())
		_, ok := w.DeviceByToken("v", d.Token)
		Expect(ok).To(BeFalse())
		_, ok = w.Device(d.ID)
		Expect(ok).To(BeTrue(), "the control plane still finds it by id")
	})
})
