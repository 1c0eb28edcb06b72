package honor_test

import (
	"net/http"
	"net/url"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/honor"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("the token endpoint", func() {
	var f *fixture
	BeforeEach(func() { f = newFixture() })

	DescribeTable("issues a Bearer token for an hour on both documented paths",
		func(path string) {
			r := f.postToken(path, creds(f.app))
			Expect(r.status).To(Equal(http.StatusOK))
			Expect(r.body).To(HaveKeyWithValue("token_type", "Bearer"))
			Expect(r.body).To(HaveKeyWithValue("expires_in", BeNumerically("==", 3600)))
			Expect(r.body["access_token"]).To(MatchRegexp(`^eyJ[\w-]+\.[\w-]+\.[\w-]+$`))
			Expect(r.header.Get("Cache-Control")).To(Equal("no-store"))
			l := f.w.Ledger(world.Filter{Rule: honor.RuleAuthIssued})
			Expect(l).To(HaveLen(1))
			Expect(l[0].Body).To(ContainSubstring("client_secret=%2A%2A%2A"))
			Expect(l[0].Response).NotTo(ContainSubstring(r.body["access_token"].(string)))
		},
		Entry("/auth/token", honor.TokenPath),
		Entry("the Keycloak realm path", honor.RealmTokenPath),
	)

	It("takes the client credentials as HTTP Basic too", func() {
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+honor.TokenPath, stringsReader("grant_type=client_credentials"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(f.app.Key, f.app.Secret)
		resp, err := http.DefaultClient.Do(req)
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
	})

	It("refuses another grant type with unsupported_grant_type", func() {
		r := f.postToken(honor.TokenPath, url.Values{"grant_type": {"password"}, "client_id": {f.app.Key}, "client_secret": {f.app.Secret}}.Encode())
		Expect(r.status).To(Equal(http.StatusBadRequest))
		Expect(r.body).To(HaveKeyWithValue("error", "unsupported_grant_type"))
		Expect(f.w.Ledger(world.Filter{Rule: honor.RuleAuthGrant, Verdict: world.VerdictRejected})).To(HaveLen(1))
	})

	DescribeTable("refuses bad client credentials with invalid_client",
		func(form func(a *world.App) url.Values, status int) {
			r := f.postToken(honor.TokenPath, form(f.app).Encode())
			Expect(r.status).To(Equal(status))
			Expect(r.body).NotTo(HaveKey("access_token"))
			Expect(f.w.Ledger(world.Filter{Rule: honor.RuleAuthClient})).To(HaveLen(1))
		},
		Entry("wrong secret", func(a *world.App) url.Values {
			return url.Values{"grant_type": {"client_credentials"}, "client_id": {a.Key}, "client_secret": {"nope"}}
		}, http.StatusUnauthorized),
		Entry("unknown client", func(a *world.App) url.Values {
			return url.Values{"grant_type": {"client_credentials"}, "client_id": {"1"}, "client_secret": {a.Secret}}
		}, http.StatusUnauthorized),
		Entry("the App ID instead of the Client ID", func(a *world.App) url.Values {
			return url.Values{"grant_type": {"client_credentials"}, "client_id": {a.ID}, "client_secret": {a.Secret}}
		}, http.StatusUnauthorized),
		Entry("no client_id", func(a *world.App) url.Values {
			return url.Values{"grant_type": {"client_credentials"}, "client_secret": {a.Secret}}
		}, http.StatusBadRequest),
		Entry("no secret", func(a *world.App) url.Values {
			return url.Values{"grant_type": {"client_credentials"}, "client_id": {a.Key}}
		}, http.StatusUnauthorized),
	)

	It("limits tokens per app per 5 minutes, then lets them through again", func() {
		f.update("chat", func(a *world.App) { a.Quotas = map[string]int{"oauth_tokens_per_5min": 2} })
		f.accessToken(f.app)
		f.accessToken(f.app)
		r := f.postToken(honor.TokenPath, creds(f.app))
		Expect(r.status).To(Equal(http.StatusServiceUnavailable))
		Expect(r.body).To(HaveKeyWithValue("error", "temporarily_unavailable"))
		f.clock.Advance(5*time.Minute + time.Second)
		f.accessToken(f.app)
	})

	It("claims another lifetime than the token has when told to", func() {
		f.update("chat", func(a *world.App) { a.Quotas = map[string]int{"token_ttl_seconds": 60, "token_expires_in": 3600} })
		r := f.postToken(honor.TokenPath, creds(f.app))
		Expect(r.body).To(HaveKeyWithValue("expires_in", BeNumerically("==", 3600)))
	})
})
