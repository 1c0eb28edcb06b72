package fcm_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/fcm"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("the OAuth token endpoint", func() {
	var v *env
	BeforeEach(func() { v = newEnv() })

	oauthErr := func(a answer) (string, string) {
		e, _ := a.json["error"].(string)
		d, _ := a.json["error_description"].(string)
		return e, d
	}

	It("issues a one-hour bearer token for a JWT signed with the project's service-account key", func() {
		a := v.exchange(v.jwt(v.sa, "", claims{}))
		Expect(a.status).To(Equal(http.StatusOK), a.body)
		Expect(a.json).To(HaveKeyWithValue("token_type", "Bearer"))
		Expect(a.json).To(HaveKeyWithValue("expires_in", BeNumerically("==", 3599)))
		Expect(a.json["access_token"]).To(HavePrefix("ya29."))
		Expect(a.header.Get("Cache-Control")).To(ContainSubstring("no-store"))
		e := v.lastRequest()
		Expect(e.Verdict).To(Equal(world.VerdictAccepted))
		Expect(e.Rule).To(Equal(fcm.RuleAuthIssued))
		Expect(e.App).To(Equal("chat"))
		Expect(e.Body).To(HaveSuffix(".<signature>"), "the ledger never keeps the signature")
	})

	It("hands out a complete service-account key file with the requested token_uri", func() {
		var sa map[string]any
		Expect(jsonUnmarshal(fcm.ServiceAccountJSON(v.app, "http://127.0.0.1:1/fcm/token"), &sa)).To(Succeed())
		Expect(sa).To(HaveKeyWithValue("type", "service_account"))
		Expect(sa).To(HaveKeyWithValue("project_id", v.app.ID))
		Expect(sa).To(HaveKeyWithValue("token_uri", "http://127.0.0.1:1/fcm/token"))
		Expect(sa["private_key"]).To(HavePrefix("-----BEGIN PRIVATE KEY-----"))
		Expect(sa["client_email"]).To(HaveSuffix("@" + v.app.ID + ".iam.gserviceaccount.com"))
		Expect(sa["private_key_id"]).To(MatchRegexp(`^[0-9a-f]{40}$`))
		Expect(v.app.ID).To(MatchRegexp(`^[a-z][a-z0-9-]{5,29}$`))
		Expect(v.app.Extra[fcm.ExtraSenderID]).To(MatchRegexp(`^[1-9][0-9]{11}$`))
		Expect(fcm.ServiceAccountJSON(&world.App{}, "x")).To(BeNil())
	})

	It("makes registration tokens in FCM's shape", func() {
		Expect(v.phone.Token).To(MatchRegexp(`^[A-Za-z0-9_-]{22}:APA91b[A-Za-z0-9_-]{134}$`))
		Expect(v.e.NewToken(v.app)).NotTo(Equal(v.phone.Token))
	})

	It("refuses another grant type", func() {
		a := v.tokenRequest(url.Values{"grant_type": {"client_credentials"}, "assertion": {"x"}})
		Expect(a.status).To(Equal(http.StatusBadRequest))
		e, d := oauthErr(a)
		Expect(e).To(Equal("unsupported_grant_type"))
		Expect(d).To(ContainSubstring("client_credentials"))
		Expect(v.lastRequest().Rule).To(Equal(fcm.RuleAuthGrantType))
	})

	It("refuses a missing assertion and a malformed one", func() {
		a := v.tokenRequest(url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}})
		e, _ := oauthErr(a)
		Expect(a.status).To(Equal(http.StatusBadRequest))
		Expect(e).To(Equal("invalid_request"))

		a = v.exchange("not.a.jwt")
		e, _ = oauthErr(a)
		Expect(e).To(Equal("invalid_grant"))
		Expect(v.lastRequest().Rule).To(Equal(fcm.RuleAuthAssertion))
	})

	It("refuses an issuer no project knows", func() {
		a := v.exchange(v.jwt(v.sa, "", claims{Iss: "nobody@example.iam.gserviceaccount.com"}))
		e, d := oauthErr(a)
		Expect(e).To(Equal("invalid_grant"))
		Expect(d).To(Equal("Invalid grant: account not found"))
	})

	It("refuses a signature made with another key, and a foreign kid", func() {
		other := parseSA(v.other)
		forged := other
		forged.ClientEmail = v.sa.ClientEmail
		a := v.exchange(v.jwt(forged, v.sa.PrivateKeyID, claims{}))
		e, d := oauthErr(a)
		Expect(e).To(Equal("invalid_grant"))
		Expect(d).To(Equal("Invalid JWT Signature."))

		a = v.exchange(v.jwt(v.sa, strings.Repeat("0", 40), claims{}))
		_, d = oauthErr(a)
		Expect(d).To(Equal("Invalid JWT Signature."))
		Expect(v.lastRequest().Rule).To(Equal(fcm.RuleAuthSignature))

		tampered := v.jwt(v.sa, "", claims{})
		tampered = tampered[:len(tampered)-4] + "AAAA"
		_, d = oauthErr(v.exchange(tampered))
		Expect(d).To(Equal("Invalid JWT Signature."))
	})

	It("checks the audience: the key file's token_uri, Google's, or the URL the client posted to", func() {
		Expect(v.exchange(v.jwt(v.sa, "", claims{Aud: "https://oauth2.googleapis.com/token"})).status).To(Equal(http.StatusOK))

		r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4800/token", strings.NewReader(url.Values{
			"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
			"assertion":  {v.jwt(v.sa, "", claims{Aud: "http://127.0.0.1:4800/fcm/token"})},
		}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		Expect(v.do(r).status).To(Equal(http.StatusOK))

		a := v.exchange(v.jwt(v.sa, "", claims{Aud: "https://example.com/token"}))
		e, d := oauthErr(a)
		Expect(e).To(Equal("invalid_grant"))
		Expect(d).To(ContainSubstring("audience"))
		Expect(v.lastRequest().Rule).To(Equal(fcm.RuleAuthAudience))
	})

	It("refuses a JWT that lives longer than an hour, has expired, or starts in the future", func() {
		now := v.clock.Now().Unix()
		for _, c := range []claims{
			{Iat: now, Exp: now + 3601},
			{Iat: now - 4000, Exp: now - 400},
			{Iat: now + 3000, Exp: now + 3600},
		} {
			a := v.exchange(v.jwt(v.sa, "", c))
			e, d := oauthErr(a)
			Expect(e).To(Equal("invalid_grant"), "%+v", c)
			Expect(d).To(ContainSubstring("short-lived token (60 minutes)"))
		}
		Expect(v.lastRequest().Rule).To(Equal(fcm.RuleAuthLifetime))
		Expect(v.exchange(v.jwt(v.sa, "", claims{Iat: now, Exp: now + 3600})).status).To(Equal(http.StatusOK))
	})

	It("reads iat and exp against the world's clock", func() {
		assertion := v.jwt(v.sa, "", claims{})
		v.clock.Advance(2 * time.Hour)
		_, d := oauthErr(v.exchange(assertion))
		Expect(d).To(ContainSubstring("short-lived"))
	})

	It("wants a scope that covers FCM", func() {
		e, _ := oauthErr(v.exchange(v.jwt(v.sa, "", claims{Scope: "https://www.googleapis.com/auth/userinfo.email"})))
		Expect(e).To(Equal("invalid_scope"))
		Expect(v.lastRequest().Rule).To(Equal(fcm.RuleAuthScope))
		Expect(v.exchange(v.jwt(v.sa, "", claims{Scope: "https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/datastore"})).status).To(Equal(http.StatusOK))
	})

	It("can move the scope check to the send (scope_check=send)", func() {
		v.setApp(func(a *world.App) { a.Settings = map[string]string{"scope_check": "send"} })
		a := v.exchange(v.jwt(v.sa, "", claims{Scope: "https://www.googleapis.com/auth/userinfo.email"}))
		Expect(a.status).To(Equal(http.StatusOK))
		s := v.sendAs(a.json["access_token"].(string), v.app.ID, v.msg(`"notification":{"title":"t"}`))
		Expect(s.status).To(Equal(http.StatusForbidden))
		st, _ := fcmError(s)
		Expect(st).To(Equal("PERMISSION_DENIED"))
		Expect(errMessage(s)).To(ContainSubstring("insufficient authentication scopes"))
	})

	It("answers GET with an OAuth error", func() {
		r := httptest.NewRequest(http.MethodGet, "http://oauth2.googleapis.com/token", nil)
		a := v.do(r)
		Expect(a.status).To(Equal(http.StatusMethodNotAllowed))
		Expect(a.json).To(HaveKey("error"))
	})

	It("serves the three real hosts from one handler", func() {
		Expect(v.e.Hosts()).To(ConsistOf("fcm.googleapis.com", "oauth2.googleapis.com", "iid.googleapis.com"))
	})
})
