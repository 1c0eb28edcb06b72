package apns_test

import (
	"net/http"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/apns"
	"github.com/pushsim/pushsim/emulators/world"
)

var upperUUID = regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$`)

var _ = Describe("POST /3/device/<token>", func() {
	var v *env
	BeforeEach(func() { v = newEnv() })

	It("accepts a valid alert push: 200, empty body, a new upper-case apns-id, and the phone shows it", func() {
		a := v.do(v.push(v.app, v.alice.Token))
		Expect(a.Status).To(Equal(http.StatusOK))
		Expect(a.Body).To(BeEmpty())
		Expect(a.ID).To(MatchRegexp(upperUUID.String()))
		Expect(a.UniqueID).To(BeEmpty(), "apns-unique-id is a development-only header")
		sh := v.shade(v.alice)
		Expect(sh.Shown).To(HaveLen(1))
		Expect(sh.Shown[0].Title).To(Equal("Bob"))
		Expect(sh.Shown[0].Body).To(Equal("are you there?"))
		Expect(sh.Shown[0].MessageID).To(Equal(a.ID))
		e := v.lastRequest()
		Expect(e.Verdict).To(Equal(world.VerdictAccepted))
		Expect(e.App).To(Equal("chat"))
		Expect(e.Device).To(Equal(v.alice.ID))
		Expect(e.Tokens).To(ConsistOf(v.alice.Token))
		Expect(e.MessageID).To(Equal(a.ID))
	})

	It("echoes the request's apns-id, in either case", func() {
		a := v.do(v.push(v.app, v.alice.Token).set("apns-id", "123e4567-e89b-12d3-a456-4266554400a0"))
		Expect(a.Status).To(Equal(http.StatusOK))
		Expect(a.ID).To(Equal("123e4567-e89b-12d3-a456-4266554400a0"))
		a = v.do(v.push(v.app, v.alice.Token).set("apns-id", "123E4567-E89B-12D3-A456-4266554400A0"))
		Expect(a.ID).To(Equal("123E4567-E89B-12D3-A456-4266554400A0"))
	})

	It("answers apns-unique-id on the development host only", func() {
		v.host = "https://" + apns.HostDevelopment
		a := v.do(v.push(v.app, v.alice.Token))
		Expect(a.Status).To(Equal(http.StatusOK))
		Expect(a.UniqueID).To(MatchRegexp(`^[0-9a-f]{8}-[0-9a-f]{4}-4`))
	})

	It("serves the /apns prefix, with /sandbox and /production choosing the environment", func() {
		v.host = v.s.BaseURL(apns.Vendor)
		Expect(v.do(v.push(v.app, v.alice.Token)).Status).To(Equal(http.StatusOK))
		v.host = v.s.BaseURL(apns.Vendor) + "/sandbox"
		Expect(v.do(v.push(v.app, v.alice.Token)).UniqueID).NotTo(BeEmpty())
		v.host = v.s.BaseURL(apns.Vendor) + "/production"
		Expect(v.do(v.push(v.app, v.alice.Token)).UniqueID).To(BeEmpty())
	})

	DescribeTable("refuses a bad header with Apple's reason (and apns-id on the error)",
		func(mod func(*req), status int, reason, rule string) {
			r := v.push(v.app, v.alice.Token)
			mod(r)
			a := v.do(r)
			Expect(a.Status).To(Equal(status))
			Expect(a.Reason).To(Equal(reason))
			Expect(a.ID).To(MatchRegexp(upperUUID.String()))
			Expect(a.Header.Get("Content-Type")).To(Equal("application/json"))
			e := v.lastRequest()
			Expect(e.Verdict).To(Equal(world.VerdictRejected))
			Expect(e.Code).To(Equal(reason))
			Expect(e.Rule).To(Equal(rule))
			Expect(v.shade(v.alice).Shown).To(BeEmpty())
		},
		Entry("apns-topic repeated", func(r *req) { r.header.Add("apns-topic", "x") }, 400, "DuplicateHeaders", apns.RuleDuplicateHeaders),
		Entry("apns-id not a UUID", func(r *req) { r.set("apns-id", "12345") }, 400, "BadMessageId", apns.RuleApnsID),
		Entry("apns-id empty", func(r *req) { r.header["Apns-Id"] = []string{""} }, 400, "BadMessageId", apns.RuleApnsID),
		Entry("GET", func(r *req) { r.method = http.MethodGet; r.body = "" }, 405, "MethodNotAllowed", apns.RuleMethod),
		Entry("no apns-topic", func(r *req) { r.del("apns-topic") }, 400, "MissingTopic", apns.RuleTopicMissing),
		Entry("collapse id of 65 bytes", func(r *req) { r.set("apns-collapse-id", strings.Repeat("c", 65)) }, 400, "BadCollapseId", apns.RuleCollapseID),
		Entry("collapse id of 22 three-byte runes (66 bytes)", func(r *req) { r.set("apns-collapse-id", strings.Repeat("会", 22)) }, 400, "BadCollapseId", apns.RuleCollapseID),
		Entry("priority 7", func(r *req) { r.set("apns-priority", "7") }, 400, "BadPriority", apns.RulePriority),
		Entry("priority high", func(r *req) { r.set("apns-priority", "high") }, 400, "BadPriority", apns.RulePriority),
		Entry("expiration a date", func(r *req) { r.set("apns-expiration", "2026-03-02") }, 400, "BadExpirationDate", apns.RuleExpiration),
		Entry("expiration negative", func(r *req) { r.set("apns-expiration", "-1") }, 400, "BadExpirationDate", apns.RuleExpiration),
		Entry("push type Alert", func(r *req) { r.set("apns-push-type", "Alert") }, 400, "InvalidPushType", apns.RulePushType),
		Entry("no token", func(r *req) { r.url = v.host + "/3/device/" }, 400, "MissingDeviceToken", apns.RulePath),
		Entry("another path", func(r *req) { r.url = v.host + "/2/device/" + v.alice.Token }, 404, "BadPath", apns.RulePath),
		Entry("token too short", func(r *req) { r.url = v.host + "/3/device/abcd" }, 400, "BadDeviceToken", apns.RuleTokenFormat),
		Entry("token of odd length", func(r *req) { r.url = v.host + "/3/device/" + hexOf(65) }, 400, "BadDeviceToken", apns.RuleTokenFormat),
		Entry("token not hex", func(r *req) { r.url = v.host + "/3/device/" + strings.Repeat("g", 64) }, 400, "BadDeviceToken", apns.RuleTokenFormat),
		Entry("token nobody holds", func(r *req) { r.url = v.host + "/3/device/" + hexOf(64) }, 400, "BadDeviceToken", apns.RuleTokenUnknown),
		Entry("token of another bundle", func(r *req) { r.url = v.host + "/3/device/" + v.bob.Token }, 400, "DeviceTokenNotForTopic", apns.RuleTokenTopic),
		Entry("voip topic for an alert", func(r *req) { r.set("apns-topic", v.app.Package+".voip") }, 400, "BadTopic", apns.RuleTopicSuffix),
		Entry("bare topic for voip", func(r *req) { r.set("apns-push-type", "voip") }, 400, "BadTopic", apns.RuleTopicSuffix),
		Entry("empty body", func(r *req) { r.body = "" }, 400, "PayloadEmpty", apns.RulePayloadEmpty),
		Entry("4097 bytes", func(r *req) {
			r.body = `{"aps":{"alert":"` + strings.Repeat("x", 4097-len(`{"aps":{"alert":""}}`)) + `"}}`
		}, 413, "PayloadTooLarge", apns.RulePayloadSize),
	)

	It("checks in the facts' order: apns-id, method, topic, collapse id, priority, push type, path, token, auth, payload", func() {
		r := v.push(v.app, "zz").set("apns-id", "x").set("apns-collapse-id", strings.Repeat("c", 65)).
			set("apns-priority", "7").set("apns-push-type", "nope").set("authorization", "basic x").with("")
		r.method = http.MethodPut
		r.del("apns-topic")
		order := []struct {
			reason string
			fix    func()
		}{
			{"BadMessageId", func() { r.del("apns-id") }},
			{"MethodNotAllowed", func() { r.method = http.MethodPost }},
			{"MissingTopic", func() { r.set("apns-topic", v.app.Package) }},
			{"BadCollapseId", func() { r.del("apns-collapse-id") }},
			{"BadPriority", func() { r.set("apns-priority", "5") }},
			{"InvalidPushType", func() { r.set("apns-push-type", "alert") }},
			{"BadDeviceToken", func() { r.url = v.host + "/3/device/" + v.alice.Token }},
			{"MissingProviderToken", func() { r.set("authorization", "bearer "+jwt(v.app, v.clock.Now())) }},
			{"PayloadEmpty", func() { r.with(`{"aps":{"alert":"hi"}}`) }},
		}
		for _, step := range order {
			Expect(v.do(r).Reason).To(Equal(step.reason))
			step.fix()
		}
		Expect(v.do(r).Status).To(Equal(http.StatusOK))
	})

	It("accepts 4096 bytes, and 5120 for voip, which is refused at 5121", func() {
		pad := func(n int) string {
			return `{"aps":{"alert":"` + strings.Repeat("x", n-len(`{"aps":{"alert":""}}`)) + `"}}`
		}
		Expect(v.do(v.push(v.app, v.alice.Token).with(pad(4096))).Status).To(Equal(http.StatusOK))
		voip := func(n int) *req {
			return v.push(v.app, v.alice.Token).set("apns-push-type", "voip").set("apns-topic", v.app.Package+".voip").with(pad(n))
		}
		Expect(v.do(voip(5120)).Status).To(Equal(http.StatusOK))
		Expect(v.do(voip(5121)).Reason).To(Equal("PayloadTooLarge"))
	})

	It("takes tokens of other lengths (100 bytes) and in upper case", func() {
		long := v.register(v.app, "carol", func(d *world.Device) { d.Token = hexOf(200) })
		Expect(v.do(v.push(v.app, long.Token)).Status).To(Equal(http.StatusOK))
		Expect(v.do(v.push(v.app, strings.ToUpper(v.alice.Token))).Status).To(Equal(http.StatusOK))
		Expect(v.shade(long).Shown).To(HaveLen(1))
	})

	It("makes tokens of App.Settings token_bytes", func() {
		app := v.addApp("long", func(a *world.App) { a.Settings = map[string]string{"token_bytes": "80"} })
		Expect(v.v.NewToken(app)).To(MatchRegexp(`^[0-9a-f]{160}$`))
		Expect(v.v.NewToken(v.app)).To(MatchRegexp(`^[0-9a-f]{64}$`))
	})

	It("answers 410 Unregistered with the same millisecond timestamp once the app is uninstalled", func() {
		_, err := v.w.UpdateDevice(v.alice.ID, func(d *world.Device) { d.Uninstalled = true })
		Expect(err).NotTo(HaveOccurred())
		a := v.do(v.push(v.app, v.alice.Token))
		Expect(a.Status).To(Equal(http.StatusGone))
		Expect(a.Reason).To(Equal("Unregistered"))
		Expect(a.Timestamp).To(Equal(start.UnixMilli()))
		v.clock.Advance(time.Hour)
		Expect(v.do(v.push(v.app, v.alice.Token)).Timestamp).To(Equal(start.UnixMilli()))
		Expect(v.lastRequest().Rule).To(Equal(apns.RuleTokenUnregistered))
	})

	It("answers 410 ExpiredToken for a token carrying the EXPIRED magic word", func() {
		a := v.do(v.push(v.app, "EXPIRED"+hexOf(57)))
		Expect(a.Status).To(Equal(http.StatusGone))
		Expect(a.Reason).To(Equal("ExpiredToken"))
		Expect(a.Timestamp).To(Equal(start.UnixMilli()))
	})

	It("refuses a token of the other environment as BadDeviceToken", func() {
		app := v.addApp("dev-build", func(a *world.App) { a.Settings = map[string]string{"environment": apns.Development} })
		phone := v.register(app, "dev-phone", nil)
		a := v.do(v.push(app, phone.Token))
		Expect(a.Reason).To(Equal("BadDeviceToken"))
		Expect(v.lastRequest().Rule).To(Equal(apns.RuleTokenEnvironment))
		v.host = "https://" + apns.HostDevelopment
		Expect(v.do(v.push(app, phone.Token)).Status).To(Equal(http.StatusOK))
	})

	It("answers 429 TooManyRequests past App.Quotas device_per_minute", func() {
		app := v.addApp("busy", func(a *world.App) { a.Quotas = map[string]int{"device_per_minute": 2} })
		phone := v.register(app, "busy-phone", nil)
		Expect(v.do(v.push(app, phone.Token)).Status).To(Equal(http.StatusOK))
		Expect(v.do(v.push(app, phone.Token)).Status).To(Equal(http.StatusOK))
		a := v.do(v.push(app, phone.Token))
		Expect(a.Status).To(Equal(http.StatusTooManyRequests))
		Expect(a.Reason).To(Equal("TooManyRequests"))
		v.clock.Advance(time.Minute)
		Expect(v.do(v.push(app, phone.Token)).Status).To(Equal(http.StatusOK))
	})

	It("answers injected faults in Apple's shape", func() {
		fa := v.v.(world.FaultAnswerer)
		r, _ := http.NewRequest(http.MethodPost, "https://api.push.apple.com/3/device/x", nil)
		st, h, b := fa.FaultAnswer(world.FaultTokenInvalid, r)
		Expect(st).To(Equal(410))
		Expect(string(b)).To(MatchJSON(`{"reason":"Unregistered","timestamp":` + itoa(int(start.UnixMilli())) + `}`))
		Expect(h.Get("apns-id")).NotTo(BeEmpty())
		st, _, b = fa.FaultAnswer("Shutdown", r)
		Expect(st).To(Equal(503))
		Expect(string(b)).To(MatchJSON(`{"reason":"Shutdown"}`))
		st, _, _ = fa.FaultAnswer(world.FaultRate, r)
		Expect(st).To(Equal(429))
		r.Header.Set("apns-topic", v.app.Package)
		app, tokens := v.v.(world.FaultTargeter).FaultTarget(r, nil)
		Expect(app).To(Equal("chat"))
		Expect(tokens).To(ConsistOf("x"))
	})

	It("lists every rule with a source and a confidence", func() {
		for _, r := range v.v.Rules() {
			Expect(r.ID).To(HavePrefix("apns."))
			Expect(r.Source).To(ContainSubstring("apns-honor-huawei-v3.md §1"))
			Expect(r.Confidence).To(BeElementOf("documented", "secondary", "inferred"))
		}
		Expect(apns.Reasons()).To(HaveKeyWithValue("TooManyProviderTokenUpdates", 429))
	})
})
