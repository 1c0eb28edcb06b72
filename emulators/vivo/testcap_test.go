package vivo_test

import (
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("vivo test message daily caps", func() {
	It("allows 100 test operation messages a day, then answers 10070 until Shanghai midnight", func() {
		f := newFixture(nil)
		dev := f.phone("qa-phone", func(d *world.Device) { d.Test = true })
		token := f.token()
		send := func(i int) answer {
			m := operation(dev.Token, "t"+strconv.Itoa(i), "今晚的书单")
			m["pushMode"] = 1
			return f.post("/message/send", token, m)
		}
		for i := range 100 {
			Expect(send(i).Result).To(Equal(0))
		}
		a := send(100)
		Expect(a.Result).To(Equal(10070))
		Expect(a.Desc).To(Equal("发送总量超出限制"))
		Expect(f.requests("/message/send")[100].Rule).To(Equal("vivo.test.daily-cap"))
		// A formal system message is not held back by the test cap.
		Expect(f.post("/message/send", token, msg(dev.Token, "formal")).Result).To(Equal(0))
		f.set(time.Date(2026, 3, 11, 0, 0, 1, 0, world.Shanghai))
		token = f.token()
		Expect(send(101).Result).To(Equal(0))
	})

	It("caps test system messages with test_system_daily (10000 by default), and -1 lifts the operation cap", func() {
		f := newFixture(func(a *world.App) {
			a.Quotas = map[string]int{"test_system_daily": 2, "test_operation_daily": -1}
		})
		dev := f.phone("qa-phone", func(d *world.Device) { d.Test = true })
		token := f.token()
		for i := range 3 {
			m := msg(dev.Token, "s"+strconv.Itoa(i))
			m["pushMode"] = 1
			want := 0
			if i == 2 {
				want = 10073
			}
			Expect(f.post("/message/send", token, m).Result).To(Equal(want))
		}
		for i := range 101 {
			m := operation(dev.Token, "o"+strconv.Itoa(i), "今晚的书单")
			m["pushMode"] = 1
			Expect(f.post("/message/send", token, m).Result).To(Equal(0))
		}
	})
})
