package fcm_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/fcm"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("messages:send", func() {
	var v *env
	BeforeEach(func() { v = newEnv() })

	rejected := func(a answer, status int, grpc, code, rule string) {
		GinkgoHelper()
		Expect(a.status).To(Equal(status), a.body)
		st, c := fcmError(a)
		Expect(st).To(Equal(grpc))
		Expect(c).To(Equal(code))
		e := v.lastRequest()
		Expect(e.Verdict).To(Equal(world.VerdictRejected))
		Expect(e.Rule).To(Equal(rule))
		if code != "" {
			Expect(e.Code).To(Equal(code))
		} else {
			Expect(e.Code).To(Equal(grpc))
		}
	}

	Describe("authentication", func() {
		It("accepts a message and names it projects/<p>/messages/<id>", func() {
			a := v.send(v.msg(`"notification":{"title":"Bob","body":"hi"}`))
			Expect(a.status).To(Equal(http.StatusOK), a.body)
			Expect(a.json["name"]).To(MatchRegexp(`^projects/` + v.app.ID + `/messages/0:\d+%[0-9a-f]{16}$`))
			e := v.lastRequest()
			Expect(e.Verdict).To(Equal(world.VerdictAccepted))
			Expect(e.MessageID).To(Equal(a.json["name"]))
			Expect(e.Device).To(Equal(v.phone.ID))
		})

		It("accepts the project number in the path", func() {
			a := v.sendAs(v.bearer(), v.app.Extra[fcm.ExtraSenderID], v.msg(`"notification":{"title":"t"}`))
			Expect(a.status).To(Equal(http.StatusOK), a.body)
			Expect(a.json["name"]).To(HavePrefix("projects/" + v.app.Extra[fcm.ExtraSenderID] + "/messages/"))
		})

		It("answers 401 UNAUTHENTICATED without a bearer token", func() {
			a := v.sendAs("", v.app.ID, v.msg(""))
			rejected(a, http.StatusUnauthorized, "UNAUTHENTICATED", "", fcm.RuleAuthBearer)
			Expect(errMessage(a)).To(HavePrefix("Request is missing required authentication credential"))
			Expect(a.header.Get("WWW-Authenticate")).To(HavePrefix("Bearer"))
		})

		It("answers 401 once the token has expired on the world's clock", func() {
			tok := v.bearer()
			Expect(v.sendAs(tok, v.app.ID, v.msg(`"data":{"a":"b"}`)).status).To(Equal(http.StatusOK))
			v.clock.Advance(59 * time.Minute)
			Expect(v.sendAs(tok, v.app.ID, v.msg(`"data":{"a":"b"}`)).status).To(Equal(http.StatusOK))
			v.clock.Advance(time.Minute)
			a := v.sendAs(tok, v.app.ID, v.msg(`"data":{"a":"b"}`))
			rejected(a, http.StatusUnauthorized, "UNAUTHENTICATED", "", fcm.RuleAuthBearer)
			Expect(errMessage(a)).To(HavePrefix("Request had invalid authentication credentials"))
		})

		It("honours a shorter token lifetime (token_ttl_seconds)", func() {
			v.setApp(func(a *world.App) { a.Quotas = map[string]int{"token_ttl_seconds": 600} })
			tok := v.bearer()
			v.clock.Advance(10 * time.Minute)
			Expect(v.sendAs(tok, v.app.ID, v.msg("")).status).To(Equal(http.StatusUnauthorized))
		})

		It("forgets tokens when the world is reset", func() {
			tok := v.bearer()
			v.w.Reset()
			Expect(v.sendAs(tok, v.app.ID, v.msg("")).status).To(Equal(http.StatusUnauthorized))
		})

		It("answers 403 PERMISSION_DENIED for another project's path", func() {
			a := v.sendAs(v.bearer(), v.other.ID, msgFor(v.alien.Token, ""))
			rejected(a, http.StatusForbidden, "PERMISSION_DENIED", "", fcm.RuleAuthProject)
			Expect(errMessage(a)).To(ContainSubstring("cloudmessaging.messages.create"))
			a = v.sendAs(v.bearer(), "no-such-project", v.msg(""))
			Expect(a.status).To(Equal(http.StatusForbidden))
		})

		It("answers unknown paths and methods 404", func() {
			r := httptest.NewRequest(http.MethodGet, "http://fcm.googleapis.com/v1/projects/"+v.app.ID+"/messages:send", nil)
			Expect(v.do(r).status).To(Equal(http.StatusNotFound))
			r = httptest.NewRequest(http.MethodPost, "http://fcm.googleapis.com/v1/projects/x/messages:list", nil)
			a := v.do(r)
			Expect(a.status).To(Equal(http.StatusNotFound))
			st, _ := fcmError(a)
			Expect(st).To(Equal("NOT_FOUND"))
		})
	})

	Describe("validation", func() {
		It("refuses a token that is not shaped like a registration token", func() {
			a := v.send(msgFor("abc", `"notification":{"title":"t"}`))
			rejected(a, http.StatusBadRequest, "INVALID_ARGUMENT", "INVALID_ARGUMENT", fcm.RuleTokenFormat)
			Expect(errMessage(a)).To(Equal("The registration token is not a valid FCM registration token"))
			Expect(a.body).To(ContainSubstring(`"field": "message.token"`))
		})

		DescribeTable("refuses reserved data keys",
			func(key string) {
				a := v.send(v.msg(`"data":{"ok":"1",` + quote(key) + `:"x"}`))
				rejected(a, http.StatusBadRequest, "INVALID_ARGUMENT", "INVALID_ARGUMENT", fcm.RuleDataReserved)
				Expect(errMessage(a)).To(Equal("Invalid data payload key: " + key))
			},
			Entry("from", "from"),
			Entry("message_type", "message_type"),
			Entry("google.*", "google.sent_time"),
			Entry("gcm.*", "gcm.notification.title"),
			Entry("google prefix without a dot", "googlex"),
		)

		It("refuses reserved keys in android.data too, and extra ones from the console", func() {
			a := v.send(v.msg(`"android":{"data":{"from":"x"}}`))
			rejected(a, http.StatusBadRequest, "INVALID_ARGUMENT", "INVALID_ARGUMENT", fcm.RuleDataReserved)
			v.setApp(func(a *world.App) { a.Settings = map[string]string{"reserved_data_keys": "notification,collapse_key"} })
			a = v.send(v.msg(`"data":{"collapse_key":"x"}`))
			Expect(a.status).To(Equal(http.StatusBadRequest))
		})

		It("tolerates collapse_key and notification as data keys by default", func() {
			Expect(v.send(v.msg(`"data":{"collapse_key":"x","notification":"y"}`)).status).To(Equal(http.StatusOK))
		})

		It("refuses data values that are not strings, naming the entry", func() {
			a := v.send(v.msg(`"data":{"type":"chat","id":21465}`))
			rejected(a, http.StatusBadRequest, "INVALID_ARGUMENT", "INVALID_ARGUMENT", fcm.RuleDataStrings)
			Expect(errMessage(a)).To(Equal("Invalid value at 'message.data[1].value' (TYPE_STRING), 21465"))
			a = v.send(v.msg(`"android":{"data":{"nested":{"a":"b"}}}`))
			Expect(errMessage(a)).To(HavePrefix("Invalid value at 'message.android.data[0].value' (TYPE_STRING)"))
		})

		It("refuses a payload over 4096 bytes", func() {
			a := v.send(v.msg(`"data":{"big":"` + strings.Repeat("x", 4094) + `"}`))
			rejected(a, http.StatusBadRequest, "INVALID_ARGUMENT", "INVALID_ARGUMENT", fcm.RulePayloadSize)
			Expect(errMessage(a)).To(Equal("Android message is too big"))
			Expect(v.send(v.msg(`"data":{"big":"` + strings.Repeat("x", 4093) + `"}`)).status).To(Equal(http.StatusOK))
			a = v.send(v.msg(`"notification":{"title":"t","body":"` + strings.Repeat("y", 4096) + `"}`))
			Expect(a.status).To(Equal(http.StatusBadRequest))
		})

		DescribeTable("refuses a bad ttl",
			func(ttl string) {
				a := v.send(v.msg(`"android":{"ttl":` + ttl + `}`))
				rejected(a, http.StatusBadRequest, "INVALID_ARGUMENT", "INVALID_ARGUMENT", fcm.RuleAndroidTTL)
				Expect(errMessage(a)).To(ContainSubstring("message.android.ttl"))
			},
			Entry("no unit", `"3600"`),
			Entry("minutes", `"10m"`),
			Entry("negative", `"-1s"`),
			Entry("over 28 days", `"2419201s"`),
			Entry("ten fractional digits", `"1.0000000001s"`),
			Entry("a number", `3600`),
		)

		It("accepts proto durations", func() {
			for _, ttl := range []string{"0s", "3s", "3.5s", "3.000000001s", "2419200s"} {
				Expect(v.send(v.msg(`"android":{"ttl":"`+ttl+`"}`)).status).To(Equal(http.StatusOK), ttl)
			}
		})

		It("refuses two targets and none", func() {
			a := v.send(v.msg(`"topic":"news"`))
			rejected(a, http.StatusBadRequest, "INVALID_ARGUMENT", "INVALID_ARGUMENT", fcm.RuleMessageTarget)
			Expect(errMessage(a)).To(ContainSubstring("oneof field 'target' is already set"))
			a = v.send(`{"message":{"notification":{"title":"t"}}}`)
			Expect(errMessage(a)).To(Equal("Recipient of the message is not set."))
			a = v.send(``)
			Expect(errMessage(a)).To(Equal("Recipient of the message is not set."))
		})

		It("refuses names the proto does not have, saying where", func() {
			a := v.send(v.msg(`"android":{"urgency":"HIGH"}`))
			rejected(a, http.StatusBadRequest, "INVALID_ARGUMENT", "", fcm.RuleMessageJSON)
			Expect(errMessage(a)).To(Equal(`Invalid JSON payload received. Unknown name "urgency" at 'message.android': Cannot find field.`))
			a = v.send(`{"msg":{}}`)
			Expect(errMessage(a)).To(Equal(`Invalid JSON payload received. Unknown name "msg": Cannot find field.`))
		})

		It("accepts the proto's camelCase names", func() {
			a := v.send(`{"validateOnly":false,"message":{"token":` + quote(v.phone.Token) +
				`,"android":{"collapseKey":"c","notification":{"title":"t","channelId":"im","clickAction":"OPEN_CHAT"}}}}`)
			Expect(a.status).To(Equal(http.StatusOK), a.body)
			n := v.shade(v.phone.ID).Shown[0]
			Expect(n.Channel).To(Equal("im"))
			Expect(n.Click.Target).To(Equal("OPEN_CHAT"))
		})

		It("answers broken JSON and wrong types with Google's parser errors", func() {
			a := v.send(`{"message":`)
			rejected(a, http.StatusBadRequest, "INVALID_ARGUMENT", "", fcm.RuleMessageJSON)
			Expect(errMessage(a)).To(HavePrefix("Invalid JSON payload received."))
			a = v.send(v.msg(`"notification":{"title":5}`))
			Expect(errMessage(a)).To(Equal("Invalid value at 'message.notification.title' (TYPE_STRING), 5"))
			a = v.send(`{"message":[]}`)
			Expect(a.status).To(Equal(http.StatusBadRequest))
			Expect(errMessage(a)).To(ContainSubstring("google.firebase.fcm.v1.Message"))
		})

		It("accepts android.priority in either case and refuses other values", func() {
			Expect(v.send(v.msg(`"android":{"priority":"high"}`)).status).To(Equal(http.StatusOK))
			Expect(v.send(v.msg(`"android":{"priority":"NORMAL"}`)).status).To(Equal(http.StatusOK))
			a := v.send(v.msg(`"android":{"priority":"urgent"}`))
			rejected(a, http.StatusBadRequest, "INVALID_ARGUMENT", "INVALID_ARGUMENT", fcm.RuleMessageEnum)
		})

		It("refuses a restricted_package_name that is not the app's", func() {
			a := v.send(v.msg(`"android":{"restricted_package_name":"com.evil"}`))
			rejected(a, http.StatusBadRequest, "INVALID_ARGUMENT", "INVALID_ARGUMENT", fcm.RuleRestrictedPackage)
			Expect(v.send(v.msg(`"android":{"restricted_package_name":"com.example.chat"}`)).status).To(Equal(http.StatusOK))
		})

		It("refuses a body over the size limit with Google's text", func() {
			a := v.send(v.msg(`"data":{"x":"` + strings.Repeat("a", 1<<20) + `"}`))
			rejected(a, http.StatusBadRequest, "INVALID_ARGUMENT", "", fcm.RuleBodySize)
			Expect(errMessage(a)).To(Equal("Request payload size exceeds the limit: 1048576 bytes."))
		})
	})

	Describe("registration", func() {
		It("answers 404 UNREGISTERED for a well-formed token no phone holds", func() {
			a := v.send(msgFor(v.e.NewToken(v.app), ""))
			rejected(a, http.StatusNotFound, "NOT_FOUND", "UNREGISTERED", fcm.RuleTokenUnregistered)
			Expect(errMessage(a)).To(Equal("Requested entity was not found."))
		})

		It("answers 404 UNREGISTERED once the app is uninstalled", func() {
			_, err := v.w.UpdateDevice(v.phone.ID, func(d *world.Device) { d.Uninstalled = true })
			Expect(err).NotTo(HaveOccurred())
			rejected(v.send(v.msg("")), http.StatusNotFound, "NOT_FOUND", "UNREGISTERED", fcm.RuleTokenUnregistered)
		})

		It("answers 403 SENDER_ID_MISMATCH for another project's token", func() {
			a := v.send(msgFor(v.alien.Token, `"notification":{"title":"t"}`))
			rejected(a, http.StatusForbidden, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", fcm.RuleTokenSenderMismatch)
			Expect(errMessage(a)).To(Equal("SenderId mismatch"))
			Expect(v.shade(v.alien.ID).Shown).To(BeEmpty())
		})

		It("validates without delivering when validate_only is set, and still checks the token", func() {
			a := v.send(`{"validate_only":true,"message":{"token":` + quote(v.phone.Token) + `,"notification":{"title":"t"}}}`)
			Expect(a.status).To(Equal(http.StatusOK), a.body)
			Expect(a.json["name"]).To(Equal("projects/" + v.app.ID + "/messages/fake_message_id"))
			Expect(v.shade(v.phone.ID).Shown).To(BeEmpty())
			Expect(v.lastRequest().Rule).To(Equal(fcm.RuleValidateOnly))
			a = v.send(`{"validate_only":true,"message":{"token":` + quote(v.alien.Token) + `}}`)
			Expect(a.status).To(Equal(http.StatusForbidden))
		})

		It("reaches a phone by its installation id (fid)", func() {
			fid, _, _ := strings.Cut(v.phone.Token, ":")
			a := v.send(`{"message":{"fid":` + quote(fid) + `,"notification":{"title":"by fid"}}}`)
			Expect(a.status).To(Equal(http.StatusOK), a.body)
			Expect(v.shade(v.phone.ID).Shown).To(HaveLen(1))
		})

		It("accepts a topic nobody is subscribed to, reaching no phone", func() {
			a := v.send(`{"message":{"topic":"news","notification":{"title":"t"}}}`)
			Expect(a.status).To(Equal(http.StatusOK))
			Expect(v.lastRequest().Reason).To(Equal(`topic "news": 0 phones subscribed`))
			Expect(v.shade(v.phone.ID).Shown).To(BeEmpty())
		})
	})

	Describe("quotas", func() {
		tok := ""
		BeforeEach(func() { tok = v.bearer() })
		data := func(i int) string { return v.msg(`"data":{"n":"` + strconv.Itoa(i) + `"}`) }

		It("allows 240 messages a minute to one device, then answers 429 QUOTA_EXCEEDED", func() {
			for i := range 240 {
				Expect(v.sendAs(tok, v.app.ID, data(i)).status).To(Equal(http.StatusOK), "message %d", i)
			}
			a := v.sendAs(tok, v.app.ID, data(240))
			rejected(a, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", fcm.RuleQuotaDeviceMinute)
			Expect(a.header.Get("Retry-After")).To(Equal("60"))
			Expect(a.body).To(ContainSubstring("google.rpc.QuotaFailure"))
			v.clock.Advance(time.Minute)
			Expect(v.sendAs(tok, v.app.ID, data(241)).status).To(Equal(http.StatusOK))
		})

		It("allows 5000 messages an hour to one device", func() {
			for i := range 5000 {
				if i > 0 && i%240 == 0 {
					v.clock.Advance(time.Minute)
				}
				Expect(v.sendAs(tok, v.app.ID, data(i)).status).To(Equal(http.StatusOK), "message %d", i)
			}
			v.clock.Advance(time.Minute)
			rejected(v.sendAs(tok, v.app.ID, data(5000)), http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", fcm.RuleQuotaDeviceHour)
		})

		It("allows a burst of 20 collapsible messages, refilled one every 3 minutes; ttl 0 is exempt", func() {
			note := func(i int) string { return v.msg(`"notification":{"title":"` + strconv.Itoa(i) + `"}`) }
			for i := range 20 {
				Expect(v.sendAs(tok, v.app.ID, note(i)).status).To(Equal(http.StatusOK), "message %d", i)
			}
			a := v.sendAs(tok, v.app.ID, note(20))
			rejected(a, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", fcm.RuleQuotaCollapsible)
			Expect(a.header.Get("Retry-After")).To(Equal("180"))
			Expect(v.sendAs(tok, v.app.ID, v.msg(`"notification":{"title":"now"},"android":{"ttl":"0s"}`)).status).To(Equal(http.StatusOK))
			Expect(v.sendAs(tok, v.app.ID, data(1)).status).To(Equal(http.StatusOK), "data without collapse_key is not collapsible")
			Expect(v.sendAs(tok, v.app.ID, v.msg(`"data":{"a":"b"},"android":{"collapse_key":"k"}`)).status).To(Equal(http.StatusTooManyRequests))
			v.clock.Advance(3 * time.Minute)
			Expect(v.sendAs(tok, v.app.ID, note(21)).status).To(Equal(http.StatusOK))
			Expect(v.sendAs(tok, v.app.ID, note(22)).status).To(Equal(http.StatusTooManyRequests))
		})

		It("counts every message, client errors included, against the project's per-minute quota", func() {
			v.setApp(func(a *world.App) { a.Quotas = map[string]int{"project_per_minute": 3} })
			Expect(v.sendAs(tok, v.app.ID, data(1)).status).To(Equal(http.StatusOK))
			Expect(v.sendAs(tok, v.app.ID, msgFor("bad", "")).status).To(Equal(http.StatusBadRequest))
			Expect(v.sendAs(tok, v.app.ID, data(2)).status).To(Equal(http.StatusOK))
			a := v.sendAs(tok, v.app.ID, data(3))
			rejected(a, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", fcm.RuleQuotaProject)
			Expect(errMessage(a)).To(ContainSubstring("Send requests per minute"))
			v.clock.Advance(time.Minute)
			Expect(v.sendAs(tok, v.app.ID, data(4)).status).To(Equal(http.StatusOK))
		})

		It("turns a limit off with a negative quota", func() {
			v.setApp(func(a *world.App) { a.Quotas = map[string]int{"collapsible_burst": -1} })
			for i := range 30 {
				Expect(v.sendAs(tok, v.app.ID, v.msg(`"notification":{"title":"t"}`)).status).To(Equal(http.StatusOK), "message %d", i)
			}
		})
	})

	Describe("faults", func() {
		It("answers 503 UNAVAILABLE with Retry-After while fault=unavailable", func() {
			v.setApp(func(a *world.App) { a.Settings = map[string]string{"fault": "unavailable"} })
			a := v.send(v.msg(""))
			rejected(a, http.StatusServiceUnavailable, "UNAVAILABLE", "UNAVAILABLE", fcm.RuleServerUnavailable)
			Expect(a.header.Get("Retry-After")).To(Equal("30"))
		})

		It("answers 500 INTERNAL for the next fault_count sends", func() {
			v.setApp(func(a *world.App) {
				a.Settings = map[string]string{"fault": "internal"}
				a.Quotas = map[string]int{"fault_count": 2}
			})
			rejected(v.send(v.msg("")), http.StatusInternalServerError, "INTERNAL", "INTERNAL", fcm.RuleServerInternal)
			Expect(v.send(v.msg("")).status).To(Equal(http.StatusInternalServerError))
			Expect(v.send(v.msg("")).status).To(Equal(http.StatusOK))
		})
	})
})
