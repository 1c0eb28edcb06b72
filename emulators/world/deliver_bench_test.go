package world_test

import (
	"strconv"
	"testing"

	"github.com/pushsim/pushsim/emulators/world"
)

// BenchmarkDeliverOnline is the hot path: a push to an online phone whose
// shade is full (every delivery trims it).
func BenchmarkDeliverOnline(b *testing.B) {
	w := world.New(world.Options{ShadeCap: 20})
	if _, err := w.AddApp(world.App{Vendor: "v", Name: "chat"}); err != nil {
		b.Fatal(err)
	}
	d, err := w.Register(world.Device{Vendor: "v", App: "chat", Token: "t"})
	if err != nil {
		b.Fatal(err)
	}
	n := world.Notification{Vendor: "v", App: "chat", MessageID: "m", Title: "Bob", Body: "hi", Channel: "im", NotifyID: "1"}
	opt := world.DeliverOptions{TTL: 3600e9, Request: 1}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		n.NotifyID = strconv.Itoa(i & 63)
		if _, err := w.Deliver(d.ID, n, opt); err != nil {
			b.Fatal(err)
		}
	}
}
