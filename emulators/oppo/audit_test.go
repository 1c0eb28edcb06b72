package oppo_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

// Fields whose documented limits the emulator once let through
// (vendor-facts/huawei-oppo-fcm-honor.md §2.3).
var _ = Describe("OPPO notification fields with documented conditions", func() {
	var (
		f     *fixture
		tok   string
		alice world.Device
	)
	BeforeEach(func() {
		f = newFixture(nil)
		alice = f.phone("alice", 33)
		tok = f.token()
	})

	DescribeTable("show_time_type: 0 immediate, 1 timed with show_start_time and show_end_time (ms)",
		func(fields map[string]any, code int) {
			n := f.imNotification()
			for k, v := range fields {
				n[k] = v
			}
			r := f.unicast(tok, msg(alice.Token, n))
			Expect(r.Code).To(Equal(code), r.Message)
			if code != 0 {
				Expect(r.Message).To(Equal(map[int]string{40: "Missing Required Arguments", 41: "Invalid Arguments"}[code]))
			}
		},
		Entry("0 needs nothing", map[string]any{"show_time_type": 0}, 0),
		Entry("1 with both times", map[string]any{"show_time_type": 1, "show_start_time": 1772330400000, "show_end_time": 1772416800000}, 0),
		Entry("camelCase spelling", map[string]any{"showTimeType": 1, "showStartTime": 1772330400000, "showEndTime": 1772416800000}, 0),
		Entry("1 without show_end_time", map[string]any{"show_time_type": 1, "show_start_time": 1772330400000}, 40),
		Entry("1 without either time", map[string]any{"show_time_type": 1}, 40),
		Entry("another type", map[string]any{"show_time_type": 2}, 41),
	)

	DescribeTable("call_back_url is at most 200 characters, call_back_parameter at most 50",
		func(fields map[string]any, code int) {
			n := f.imNotification()
			for k, v := range fields {
				n[k] = v
			}
			Expect(f.unicast(tok, msg(alice.Token, n)).Code).To(Equal(code))
		},
		Entry("200-character URL", map[string]any{"call_back_url": "https://cb.example.com/" + repeat("a", 177)}, 0),
		Entry("201-character URL", map[string]any{"call_back_url": "https://cb.example.com/" + repeat("a", 178)}, 41),
		Entry("camelCase URL over 200", map[string]any{"callBackUrl": "https://cb.example.com/" + repeat("a", 178)}, 41),
		Entry("50-character parameter", map[string]any{"call_back_parameter": repeat("p", 50)}, 0),
		Entry("51-character parameter", map[string]any{"call_back_parameter": repeat("p", 51)}, 41),
	)

	It("does not show a timed notification that was refused", func() {
		n := f.imNotification()
		n["show_time_type"] = 1
		Expect(f.unicast(tok, msg(alice.Token, n)).Code).To(Equal(40))
		Expect(f.shade("alice").Shown).To(BeEmpty())
	})

	DescribeTable("show_ttl is 0..172800 seconds: the doc's 0–24 h and the SDK's 21600–172800 together",
		func(key string, ttl, code int) {
			n := f.imNotification()
			n[key] = ttl
			Expect(f.unicast(tok, msg(alice.Token, n)).Code).To(Equal(code))
		},
		Entry("0", "show_ttl", 0, 0),
		Entry("12 h (doc, public)", "show_ttl", 43200, 0),
		Entry("48 h (SDK maximum)", "show_ttl", 172800, 0),
		Entry("negative", "show_ttl", -1, 41),
		Entry("over 48 h", "show_ttl", 172801, 41),
		Entry("camelCase over 48 h", "showTtl", 172801, 41),
	)
})
