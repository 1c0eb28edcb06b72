package vivo_test

import (
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/vivo"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("vivo auth", func() {
	var f *fixture
	BeforeEach(func() { f = newFixture(nil) })

	It("answers an authToken for a body signed with numbers, and one signed with strings", func() {
		a := f.post("/message/auth", "", f.authBody())
		Expect(a).To(HaveField("Result", 0))
		Expect(a.Desc).To(Equal("请求成功"))
		Expect(a.AuthToken).NotTo(BeEmpty())

		body := f.authBody()
		body["appId"] = f.app.ID
		body["timestamp"] = strconv.FormatInt(f.clock.Now().UnixMilli(), 10)
		b := f.post("/message/auth", "", body)
		Expect(b.Result).To(Equal(0))
		Expect(b.AuthToken).NotTo(Equal(a.AuthToken))
	})

	It("keeps several tokens valid at once and lets each lapse after 24 hours", func() {
		dev := f.phone("alice-phone")
		t1 := f.token()
		f.advance(2 * time.Hour)
		t2 := f.token()
		Expect(f.post("/message/send", t1, msg(dev.Token, "r1")).Result).To(Equal(0))
		Expect(f.post("/message/send", t2, msg(dev.Token, "r2")).Result).To(Equal(0))

		f.advance(22*time.Hour - time.Second)
		Expect(f.post("/message/send", t1, msg(dev.Token, "r3")).Result).To(Equal(0))
		f.advance(time.Second)
		a := f.post("/message/send", t1, msg(dev.Token, "r4"))
		Expect(a.Result).To(Equal(10000))
		Expect(a.Desc).To(Equal("鉴权失败"))
		Expect(f.post("/message/send", t2, msg(dev.Token, "r5")).Result).To(Equal(0))
		Expect(f.w.Ledger(world.Filter{Vendor: "vivo", Rule: "vivo.auth.token", Verdict: world.VerdictRejected})).
			To(ConsistOf(HaveField("Reason", ContainSubstring("expired"))))
	})

	It("refuses a push without a valid authToken header", func() {
		dev := f.phone("alice-phone")
		Expect(f.post("/message/send", "", msg(dev.Token, "r1")).Result).To(Equal(10000))
		Expect(f.post("/message/send", "not-a-token", msg(dev.Token, "r1")).Result).To(Equal(10000))
		Expect(f.shade(dev).Shown).To(BeEmpty())
	})

	DescribeTable("refuses bad auth bodies with vivo's codes",
		func(edit func(obj, *fixture), code int, desc, rule string) {
			body := f.authBody()
			edit(body, f)
			a := f.post("/message/auth", "", body)
			Expect(a.Result).To(Equal(code))
			Expect(a.Desc).To(Equal(desc))
			Expect(a.AuthToken).To(BeEmpty())
			Expect(f.w.Ledger(world.Filter{Vendor: "vivo", Rule: rule, Verdict: world.VerdictRejected})).To(HaveLen(1))
		},
		Entry("no appId → 10200", func(b obj, _ *fixture) { delete(b, "appId") }, 10200, "appId 不能为空", "vivo.auth.fields"),
		Entry("no appKey → 10201", func(b obj, _ *fixture) { b["appKey"] = "" }, 10201, "appKey 不能为空", "vivo.auth.fields"),
		Entry("no timestamp → 10203", func(b obj, _ *fixture) { delete(b, "timestamp") }, 10203, "timestamp 不能为空", "vivo.auth.fields"),
		Entry("no sign → 10204", func(b obj, _ *fixture) { delete(b, "sign") }, 10204, "sign 不能为空", "vivo.auth.fields"),
		Entry("unknown appId → 10205", func(b obj, _ *fixture) { b["appId"] = 99999999 }, 10205, "appId不存在", "vivo.auth.fields"),
		Entry("another appKey → 10202", func(b obj, _ *fixture) { b["appKey"] = "x" + b["appKey"].(string) }, 10202, "appKey不合法", "vivo.auth.fields"),
		Entry("timestamp 11 minutes old → 10207", func(b obj, f *fixture) {
			ts := f.clock.Now().Add(-11 * time.Minute).UnixMilli()
			b["timestamp"] = ts
			b["sign"] = vivo.Sign(f.app.ID, f.app.Key, strconv.FormatInt(ts, 10), f.app.Secret)
		}, 10207, "timestamp不合法", "vivo.auth.timestamp"),
		Entry("timestamp in seconds → 10207", func(b obj, f *fixture) {
			ts := f.clock.Now().Unix()
			b["timestamp"] = ts
			b["sign"] = vivo.Sign(f.app.ID, f.app.Key, strconv.FormatInt(ts, 10), f.app.Secret)
		}, 10207, "timestamp不合法", "vivo.auth.timestamp"),
		Entry("uppercase sign → 10206", func(b obj, _ *fixture) { b["sign"] = strings.ToUpper(b["sign"].(string)) }, 10206, "sign不合法", "vivo.auth.sign"),
		Entry("sign with the appKey as secret → 10206", func(b obj, f *fixture) {
			b["sign"] = vivo.Sign(f.app.ID, f.app.Key, strconv.FormatInt(f.clock.Now().UnixMilli(), 10), f.app.Key)
		}, 10206, "sign不合法", "vivo.auth.sign"),
	)

	It("accepts a timestamp 9 minutes ahead of its clock", func() {
		ts := f.clock.Now().Add(9 * time.Minute).UnixMilli()
		body := f.authBody()
		body["timestamp"] = ts
		body["sign"] = vivo.Sign(f.app.ID, f.app.Key, strconv.FormatInt(ts, 10), f.app.Secret)
		Expect(f.post("/message/auth", "", body).Result).To(Equal(0))
	})

	It("allows 10 auth calls per second per app, then answers 10250", func() {
		for range 10 {
			Expect(f.post("/message/auth", "", f.authBody()).Result).To(Equal(0))
		}
		Expect(f.post("/message/auth", "", f.authBody())).To(HaveField("Result", 10250))
		f.advance(time.Second)
		Expect(f.post("/message/auth", "", f.authBody()).Result).To(Equal(0))
		Expect(f.w.Ledger(world.Filter{Rule: "vivo.auth.rate"})).To(HaveLen(1))
	})

	It("masks appKey, sign and authToken in the ledger", func() {
		body := f.authBody()
		a := f.post("/message/auth", "", body)
		e := f.w.Ledger(world.Filter{Vendor: "vivo"})
		Expect(e).To(HaveLen(1))
		Expect(e[0].App).To(Equal("chat"))
		Expect(e[0].Verdict).To(Equal(world.VerdictAccepted))
		Expect(e[0].Body).NotTo(ContainSubstring(f.app.Key))
		Expect(e[0].Body).NotTo(ContainSubstring(body["sign"].(string)))
		Expect(e[0].Response).NotTo(ContainSubstring(a.AuthToken))
		Expect(e[0].Response).To(ContainSubstring(a.AuthToken[:4] + "***"))
	})

	It("answers a body that is not JSON with vivo's shape", func() {
		a := f.postRaw("/message/auth", "", []byte(`{"appId":`))
		Expect(a.Result).To(Equal(10200))
		Expect(f.w.Ledger(world.Filter{Vendor: "vivo"})[0].Reason).To(ContainSubstring("not valid JSON"))
	})

	It("forgets its tokens when the world is reset", func() {
		t := f.token()
		f.w.Reset()
		_, err := f.w.AddApp(f.app)
		Expect(err).NotTo(HaveOccurred())
		dev := f.phone("alice-phone")
		Expect(f.post("/message/send", t, msg(dev.Token, "r1")).Result).To(Equal(10000))
	})
})

var _ = Describe("vivo Sign", func() {
	It("is lowercase md5 of appId + appKey + timestamp + appSecret", func() {
		// Vector computed with coreutils md5sum over the concatenation of the
		// SDK example's credentials (facts S-V1) and timestamp 1700000000000.
		Expect(vivo.Sign("10337", "b46efd9a-59e3-45f9-bc35-cc0ee888b0cc", "1700000000000", "91e92e74-7709-47fc-9eb1-5bddc9265f78")).
			To(Equal("72dbbca3acc2d6ab3a291eff2943b274"))
	})
})
