package fcm_test

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/fcm"
)

// Proto JSON's well-known types (vendor-facts huawei-oppo-fcm-honor.md §3.3:
// event_time is an RFC 3339 Timestamp, vibrate_timings and the light
// durations are Durations): Google's JSON front end refuses a value it
// cannot parse with 400 INVALID_ARGUMENT, a BadRequest detail and no
// FcmError, as for any other value of the wrong type.
var _ = Describe("well-known types in android.notification", func() {
	var v *env
	BeforeEach(func() { v = newEnv() })

	DescribeTable("refuses a value that does not parse",
		func(fields, message string) {
			a := v.send(v.msg(`"android":{"notification":{"title":"t",` + fields + `}}`))
			Expect(a.status).To(Equal(http.StatusBadRequest))
			status, code := fcmError(a)
			Expect(status).To(Equal("INVALID_ARGUMENT"))
			Expect(code).To(BeEmpty())
			Expect(errMessage(a)).To(Equal(message))
			Expect(v.lastRequest().Rule).To(Equal(fcm.RuleMessageJSON))
		},
		Entry("event_time not RFC 3339", `"event_time":"yesterday"`,
			`Invalid value at 'message.android.notification.event_time' (type.googleapis.com/google.protobuf.Timestamp), "yesterday"`),
		Entry("event_time without a zone", `"event_time":"2026-11-25T10:00:00"`,
			`Invalid value at 'message.android.notification.event_time' (type.googleapis.com/google.protobuf.Timestamp), "2026-11-25T10:00:00"`),
		Entry("a vibrate timing without the s", `"vibrate_timings":["0.5s","100"]`,
			`Invalid value at 'message.android.notification.vibrate_timings[1]' (type.googleapis.com/google.protobuf.Duration), "100"`),
		Entry("a light duration that is no duration", `"light_settings":{"color":{"red":1},"light_on_duration":"1.5s","light_off_duration":"long"}`,
			`Invalid value at 'message.android.notification.light_settings.light_off_duration' (type.googleapis.com/google.protobuf.Duration), "long"`),
	)

	It("accepts the documented forms: RFC 3339 with nanos and Z or an offset, durations with a fraction", func() {
		a := v.send(v.msg(`"android":{"notification":{"title":"t","event_time":"2026-11-25T10:00:00.123456789Z","vibrate_timings":["0.5s","1s"],` +
			`"light_settings":{"color":{"red":1},"light_on_duration":"3.000000001s","light_off_duration":"2s"}}}`))
		Expect(a.status).To(Equal(http.StatusOK))
		Expect(v.send(v.msg(`"android":{"notification":{"title":"t","event_time":"2026-11-25T18:00:00+08:00"}}`)).status).To(Equal(http.StatusOK))
	})
})

// §3.1: a key given twice in the body takes its last value.
var _ = Describe("duplicate JSON keys", func() {
	var v *env
	BeforeEach(func() { v = newEnv() })

	It("take the last value, for the target and for a nested field", func() {
		body := `{"message":{"token":"not-a-token","token":` + quote(v.phone.Token) +
			`,"android":{"priority":"bogus","priority":"high"}}}`
		Expect(v.send(body).status).To(Equal(http.StatusOK))
	})
})
