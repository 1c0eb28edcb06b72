package huawei_test

import (
	"net/http"
	"net/url"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("the OAuth token endpoint", func() {
	var f *fixture
	BeforeEach(func() { f = newFixture() })

	form := func(id, secret string) string {
		return url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}.Encode()
	}

	It("issues a one-hour Bearer token for client credentials", func() {
		r := f.postToken("/oauth2/v3/token", form(f.app.ID, f.app.Secret))
		Expect(r.status).To(Equal(http.StatusOK))
		Expect(r.header.Get("Cache-Control")).To(Equal("no-store"))
		Expect(r.header.Get("Content-Type")).To(HavePrefix("application/json"))
		Expect(r.body).To(HaveKeyWithValue("expires_in", 3600.0))
		Expect(r.body).To(HaveKeyWithValue("token_type", "Bearer"))
		Expect(r.body["access_token"]).To(MatchRegexp(`^[A-Za-z0-9+/=]{40,}$`))
		Expect(f.w.Ledger(world.Filter{Rule: "huawei.oauth.issued"})).To(HaveLen(1))
	})

	It("can claim another lifetime than the token has, so that only 80200003 tells", func() {
		f.update("chat", func(a *world.App) {
			a.Quotas = map[string]int{"token_ttl_seconds": 600, "token_expires_in": 3600}
		})
		r := f.postToken("/oauth2/v3/token", form(f.app.ID, f.app.Secret))
		Expect(r.body).To(HaveKeyWithValue("expires_in", 3600.0))
		f.clock.Advance(10 * time.Minute)
		b := []byte(`{"message":{"data":"x","token":["t"]}}`)
		Expect(f.sendRaw(f.app.ID, r.body["access_token"].(string), b).Code).To(Equal("80200003"))
	})

	It("serves the legacy v2 path too", func() {
		Expect(f.postToken("/oauth2/v2/token", form(f.app.ID, f.app.Secret)).status).To(Equal(http.StatusOK))
	})

	It("accepts a secret with + / = sent url-encoded and sent raw", func() {
		app := f.addApp(world.App{Name: "odd", Secret: "ab+cd/ef=="})
		Expect(f.postToken("/oauth2/v3/token", form(app.ID, app.Secret)).status).To(Equal(http.StatusOK))
		raw := "grant_type=client_credentials&client_secret=" + app.Secret + "&client_id=" + app.ID
		Expect(f.postToken("/oauth2/v3/token", raw).status).To(Equal(http.StatusOK))
	})

	DescribeTable("refuses bad credentials with HTTP 400 and error 1101",
		func(body func(*fixture) string, sub float64) {
			r := f.postToken("/oauth2/v3/token", body(f))
			Expect(r.status).To(Equal(http.StatusBadRequest))
			Expect(r.body).To(HaveKeyWithValue("error", 1101.0))
			Expect(r.body).To(HaveKeyWithValue("sub_error", sub))
			Expect(r.body["error_description"]).NotTo(BeEmpty())
			Expect(f.w.Ledger(world.Filter{Verdict: world.VerdictRejected})).To(HaveLen(1))
		},
		Entry("wrong secret → 12304", func(f *fixture) string { return form(f.app.ID, "nope") }, 12304.0),
		Entry("client_id not digits → 20002", func(f *fixture) string { return form("abc", f.app.Secret) }, 20002.0),
		Entry("client_id too long → 20002", func(f *fixture) string {
			return form("1234567890123456789012345678901234567890123456789012345678901234567890", "x")
		}, 20002.0),
		Entry("unknown client_id → 20003", func(f *fixture) string { return form("999", f.app.Secret) }, 20003.0),
		Entry("empty secret → 20171", func(f *fixture) string { return form(f.app.ID, "") }, 20171.0),
		Entry("another grant type", func(f *fixture) string {
			return url.Values{"grant_type": {"password"}, "client_id": {f.app.ID}, "client_secret": {f.app.Secret}}.Encode()
		}, 20001.0),
	)

	It("never stores the secret in the ledger", func() {
		f.postToken("/oauth2/v3/token", form(f.app.ID, f.app.Secret))
		e := f.w.Ledger(world.Filter{})[0]
		Expect(e.Body).NotTo(ContainSubstring(f.app.Secret))
		Expect(e.Response).NotTo(ContainSubstring(`"access_token":"` + "A"))
	})

	It("issues at most the quota per app per 5 minutes, then again when the window has passed", func() {
		f.update("chat", func(a *world.App) { a.Quotas = map[string]int{"oauth_tokens_per_5min": 3} })
		for i := 0; i < 3; i++ {
			Expect(f.postToken("/oauth2/v3/token", form(f.app.ID, f.app.Secret)).status).To(Equal(http.StatusOK))
		}
		r := f.postToken("/oauth2/v3/token", form(f.app.ID, f.app.Secret))
		Expect(r.status).To(Equal(http.StatusServiceUnavailable))
		Expect(r.body).To(HaveKeyWithValue("error", 1101.0))
		Expect(f.w.Ledger(world.Filter{Rule: "huawei.oauth.flow-control"})).To(HaveLen(1))
		other := f.addApp(world.App{Name: "other"})
		Expect(f.postToken("/oauth2/v3/token", form(other.ID, other.Secret)).status).To(Equal(http.StatusOK), "the limit is per app")
		f.clock.Advance(5*time.Minute + time.Second)
		Expect(f.postToken("/oauth2/v3/token", form(f.app.ID, f.app.Secret)).status).To(Equal(http.StatusOK))
	})

	It("limits at 1000 per 5 minutes by default", func() {
		for i := 0; i < 1000; i++ {
			f.accessToken(f.app)
		}
		Expect(f.postToken("/oauth2/v3/token", form(f.app.ID, f.app.Secret)).status).To(Equal(http.StatusServiceUnavailable))
	})

	It("answers an oversized body in its own error shape", func() {
		r := f.postToken("/oauth2/v3/token", form(f.app.ID, string(make([]byte, 70<<10))))
		Expect(r.status).To(Equal(http.StatusBadRequest))
		Expect(r.body).To(HaveKeyWithValue("error", 1101.0))
	})
})
