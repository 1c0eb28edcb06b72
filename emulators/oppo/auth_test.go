package oppo_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/oppo"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("OPPO auth", func() {
	var f *fixture
	BeforeEach(func() { f = newFixture(nil) })

	It("signs with the documented test vector", func() {
		Expect(oppo.Sign("appkey", "1700000000000", "mastersecret")).
			To(Equal("b4048b7b7e89b93a02e1259ab0b788a3f0641748a671e43137bf99f540a28b87"))
		Expect(oppo.Sign("a3f1c2d4e5b60718293a4b5c6d7e8f90", "1700000000000", "9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e")).
			To(Equal("5f4ee74c98d334c0048f32bf303a15ec7b887359e97095504c04a82be57d002d"))
	})

	It("issues an auth_token with create_time in milliseconds of the world clock", func() {
		r := f.post(oppo.PathAuth, f.authForm(f.clock.Now()))
		Expect(r.Code).To(Equal(0))
		var data struct {
			AuthToken  string `json:"auth_token"`
			CreateTime int64  `json:"create_time"`
		}
		Expect(json.Unmarshal(r.Data, &data)).To(Succeed())
		Expect(data.AuthToken).NotTo(BeEmpty())
		Expect(data.CreateTime).To(Equal(start.UnixMilli()))
	})

	It("masks the signature in the ledger", func() {
		form := f.authForm(f.clock.Now())
		f.post(oppo.PathAuth, form)
		e := f.w.Ledger(world.Filter{Vendor: "oppo"})
		Expect(e).To(HaveLen(1))
		Expect(e[0].Verdict).To(Equal(world.VerdictAccepted))
		Expect(e[0].Body).NotTo(ContainSubstring(form.Get("sign")))
		Expect(e[0].Body).To(ContainSubstring("sign=" + form.Get("sign")[:4] + "***"))
		Expect(e[0].Response).NotTo(BeEmpty())
	})

	DescribeTable("refuses bad credentials with OPPO's codes and texts",
		func(edit func(url.Values, *fixture), code int, text, rule string) {
			form := f.authForm(f.clock.Now())
			edit(form, f)
			r := f.post(oppo.PathAuth, form)
			Expect(r.Code).To(Equal(code))
			Expect(r.Message).To(Equal(text))
			Expect(f.w.Ledger(world.Filter{Vendor: "oppo", Rule: rule, Verdict: world.VerdictRejected})).To(HaveLen(1))
		},
		Entry("missing app_key → 15", func(v url.Values, _ *fixture) { v.Del("app_key") }, 15, "Missing App Key", "oppo.auth.app-key"),
		Entry("unknown app_key → 14", func(v url.Values, _ *fixture) { v.Set("app_key", "nope") }, 14, "Invalid App Key", "oppo.auth.app-key"),
		Entry("missing sign → 17", func(v url.Values, _ *fixture) { v.Del("sign") }, 17, "Missing Signature", "oppo.auth.sign"),
		Entry("wrong sign → 16", func(v url.Values, _ *fixture) { v.Set("sign", strings.Repeat("0", 64)) }, 16, "Invalid Signature", "oppo.auth.sign"),
		Entry("signed with the AppSecret instead of the MasterSecret → 16", func(v url.Values, f *fixture) {
			v.Set("sign", sign(f.app.Key, v.Get("timestamp"), f.app.Extra["app_secret"]))
		}, 16, "Invalid Signature", "oppo.auth.sign"),
		Entry("missing timestamp → 18", func(v url.Values, _ *fixture) { v.Del("timestamp") }, 18, "Missing Timestamp", "oppo.auth.timestamp"),
		Entry("timestamp in seconds → 19", func(v url.Values, f *fixture) {
			ts := f.clock.Now().Unix()
			v.Set("timestamp", itoa(ts))
			v.Set("sign", sign(f.app.Key, itoa(ts), f.app.Secret))
		}, 19, "Invalid Timestamp", "oppo.auth.timestamp"),
		Entry("timestamp 11 minutes behind → 19", func(v url.Values, f *fixture) {
			ts := f.clock.Now().Add(-11 * time.Minute).UnixMilli()
			v.Set("timestamp", itoa(ts))
			v.Set("sign", sign(f.app.Key, itoa(ts), f.app.Secret))
		}, 19, "Invalid Timestamp", "oppo.auth.timestamp"),
	)

	It("accepts a timestamp 9 minutes ahead and an uppercase signature", func() {
		form := f.authForm(f.clock.Now().Add(9 * time.Minute))
		form.Set("sign", strings.ToUpper(form.Get("sign")))
		Expect(f.post(oppo.PathAuth, form).Code).To(Equal(0))
	})

	It("answers 12 to a GET", func() {
		resp, err := http.Get(f.srv.BaseURL("oppo") + oppo.PathAuth)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		var r reply
		Expect(json.NewDecoder(resp.Body).Decode(&r)).To(Succeed())
		Expect(r).To(Equal(reply{Code: 12, Message: "Http Action Not Allowed"}))
	})

	Describe("the auth_token on sends", func() {
		var tok string
		var phone world.Device
		BeforeEach(func() {
			phone = f.phone("alice", 33)
			tok = f.token()
		})

		It("is valid for 24 hours of virtual time, then answers 11", func() {
			f.clock.Advance(24*time.Hour - time.Second)
			Expect(f.unicast(tok, msg(phone.Token, f.imNotification())).Code).To(Equal(0))
			f.clock.Advance(time.Second)
			r := f.unicast(tok, msg(phone.Token, f.imNotification()))
			Expect(r.Code).To(Equal(11))
			Expect(r.Message).To(Equal("Invalid AuthToken"))
			Expect(f.w.Ledger(world.Filter{Rule: "oppo.auth.token-expired"})).To(HaveLen(1))
			Expect(f.unicast(f.token(), msg(phone.Token, f.imNotification())).Code).To(Equal(0))
		})

		It("keeps an older token valid after a re-auth", func() {
			newer := f.token()
			Expect(newer).NotTo(Equal(tok))
			Expect(f.unicast(tok, msg(phone.Token, f.imNotification())).Code).To(Equal(0))
			Expect(f.unicast(newer, msg(phone.Token, f.imNotification())).Code).To(Equal(0))
		})

		It("answers 29 without auth_token and 11 for a token never issued", func() {
			Expect(f.post(oppo.PathUnicast, url.Values{"message": {mustJSON(msg(phone.Token, f.imNotification()))}})).
				To(Equal(reply{Code: 29, Message: "Missing Auth Token"}))
			Expect(f.unicast("made-up", msg(phone.Token, f.imNotification())).Code).To(Equal(11))
		})

		It("masks the auth_token in the ledger", func() {
			f.unicast(tok, msg(phone.Token, f.imNotification()))
			e := f.w.Ledger(world.Filter{Kind: world.KindRequest, Limit: 1})
			Expect(e[0].Path).To(Equal(oppo.PathUnicast))
			Expect(e[0].Body).NotTo(ContainSubstring(tok))
			Expect(e[0].Body).To(ContainSubstring(`"title":"Bob"`))
		})
	})

	It("answers on the real host names too", func() {
		for _, host := range []string{"api.push.oppomobile.com", "api-push-cn.heytapmobi.com"} {
			form := f.authForm(f.clock.Now())
			req, err := http.NewRequest(http.MethodPost, f.srv.URL()+oppo.PathAuth, strings.NewReader(form.Encode()))
			Expect(err).NotTo(HaveOccurred())
			req.Host = host
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := http.DefaultClient.Do(req)
			Expect(err).NotTo(HaveOccurred())
			var r reply
			Expect(json.NewDecoder(resp.Body).Decode(&r)).To(Succeed())
			resp.Body.Close()
			Expect(r.Code).To(Equal(0), host)
		}
	})
})

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
