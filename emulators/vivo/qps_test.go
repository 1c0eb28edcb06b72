package vivo_test

import (
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("vivo push QPS", func() {
	It("allows App.Quotas qps push calls per second, then answers 10072, and again the next second", func() {
		f := newFixture(func(a *world.App) { a.Quotas = map[string]int{"qps": 3} })
		dev := f.phone("alice-phone")
		token := f.token()
		for i := range 3 {
			Expect(f.post("/message/send", token, msg(dev.Token, "q"+strconv.Itoa(i))).Result).To(Equal(0))
		}
		a := f.post("/message/send", token, msg(dev.Token, "q3"))
		Expect(a.Result).To(Equal(10072))
		Expect(a.Desc).To(Equal("发送速度过快"))
		Expect(f.requests("/message/send")[3].Rule).To(Equal("vivo.request.qps"))
		Expect(f.post("/message/saveListPayload", token, msg("", "l1")).Result).To(Equal(10072))
		f.advance(time.Second)
		Expect(f.post("/message/send", token, msg(dev.Token, "q4")).Result).To(Equal(0))
	})

	It("allows 3000 a second by default, and none is counted with qps -1", func() {
		f := newFixture(nil)
		dev := f.phone("alice-phone")
		token := f.token()
		m := msg(dev.Token, "same") // a repeated requestId is answered without sending again
		for range 3000 {
			Expect(f.post("/message/send", token, m).Result).To(Equal(0))
		}
		Expect(f.post("/message/send", token, m).Result).To(Equal(10072))

		g := newFixture(func(a *world.App) { a.Quotas = map[string]int{"qps": -1} })
		d2 := g.phone("p")
		t2 := g.token()
		m2 := msg(d2.Token, "same")
		for range 3001 {
			Expect(g.post("/message/send", t2, m2).Result).To(Equal(0))
		}
	})
})
