package apns_test

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/apns"
	"github.com/pushsim/pushsim/emulators/localca"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("token-based authentication", func() {
	var v *env
	BeforeEach(func() { v = newEnv() })

	bearer := func(tok string) *req { return v.push(v.app, v.alice.Token).set("authorization", "bearer "+tok) }

	It("accepts the JWS (R‖S) and the DER signature, and the scheme in any case", func() {
		now := v.clock.Now().Unix()
		raw := jwtWith(v.app, map[string]any{"alg": "ES256", "kid": v.app.Key}, map[string]any{"iss": v.app.ID, "iat": now}, false)
		der := jwtWith(v.app, map[string]any{"alg": "ES256", "kid": v.app.Key, "typ": "JWT"}, map[string]any{"iss": v.app.ID, "iat": now}, true)
		Expect(v.do(bearer(raw)).Status).To(Equal(http.StatusOK))
		Expect(v.do(bearer(der)).Status).To(Equal(http.StatusOK))
		Expect(v.do(v.push(v.app, v.alice.Token).set("authorization", "Bearer "+raw)).Status).To(Equal(http.StatusOK))
	})

	DescribeTable("refuses a token that does not verify with 403 InvalidProviderToken",
		func(tok func() string, rule string) {
			a := v.do(bearer(tok()))
			Expect(a.Status).To(Equal(http.StatusForbidden))
			Expect(a.Reason).To(Equal("InvalidProviderToken"))
			Expect(v.lastRequest().Rule).To(Equal(rule))
		},
		Entry("not a JWT", func() string { return "abc" }, apns.RuleAuthJWT),
		Entry("alg HS256", func() string {
			return jwtWith(v.app, map[string]any{"alg": "HS256", "kid": v.app.Key}, map[string]any{"iss": v.app.ID, "iat": v.clock.Now().Unix()}, false)
		}, apns.RuleAuthJWT),
		Entry("kid a number", func() string {
			return jwtWith(v.app, map[string]any{"alg": "ES256", "kid": 7}, map[string]any{"iss": v.app.ID, "iat": v.clock.Now().Unix()}, false)
		}, apns.RuleAuthJWT),
		Entry("unknown kid", func() string {
			return jwtWith(v.app, map[string]any{"alg": "ES256", "kid": "ZZZZZZZZZZ"}, map[string]any{"iss": v.app.ID, "iat": v.clock.Now().Unix()}, false)
		}, apns.RuleAuthJWT),
		Entry("iss another team", func() string {
			return jwtWith(v.app, map[string]any{"alg": "ES256", "kid": v.app.Key}, map[string]any{"iss": v.other.ID, "iat": v.clock.Now().Unix()}, false)
		}, apns.RuleAuthJWT),
		Entry("iat a string", func() string {
			return jwtWith(v.app, map[string]any{"alg": "ES256", "kid": v.app.Key}, map[string]any{"iss": v.app.ID, "iat": "1772445600"}, false)
		}, apns.RuleAuthJWT),
		Entry("signed by another key", func() string {
			tok := jwt(v.other, v.clock.Now())
			parts := strings.Split(jwt(v.app, v.clock.Now()), ".")
			return parts[0] + "." + parts[1] + "." + strings.Split(tok, ".")[2]
		}, apns.RuleAuthSignature),
		Entry("a topic of another team", func() string {
			return jwt(v.other, v.clock.Now()) // team B's valid token for team A's topic
		}, apns.RuleAuthTopic),
	)

	It("refuses a missing or non-bearer authorization with 403 MissingProviderToken", func() {
		Expect(v.do(v.push(v.app, v.alice.Token).del("authorization")).Reason).To(Equal("MissingProviderToken"))
		Expect(v.do(v.push(v.app, v.alice.Token).set("authorization", "basic abc")).Reason).To(Equal("MissingProviderToken"))
		Expect(v.lastRequest().Rule).To(Equal(apns.RuleAuthMissing))
	})

	It("honours a token for an hour after its iat, then answers 403 ExpiredProviderToken", func() {
		issued := v.clock.Now()
		v.clock.Advance(time.Hour)
		Expect(v.do(bearer(jwt(v.app, issued))).Status).To(Equal(http.StatusOK))
		v.clock.Advance(time.Second)
		a := v.do(bearer(jwt(v.app, issued)))
		Expect(a.Status).To(Equal(http.StatusForbidden))
		Expect(a.Reason).To(Equal("ExpiredProviderToken"))
		Expect(v.lastRequest().Rule).To(Equal(apns.RuleAuthExpired))
	})

	It("treats a refreshed token as a change only on a named connection when in memory", func() {
		first := jwt(v.app, v.clock.Now())
		v.clock.Advance(5 * time.Minute)
		second := jwt(v.app, v.clock.Now())
		Expect(v.do(bearer(first)).Status).To(Equal(http.StatusOK))
		Expect(v.do(bearer(second)).Status).To(Equal(http.StatusOK), "no connection, no refresh rule")
		Expect(v.do(bearer(first).set(apns.ConnectionHeader, "c1")).Status).To(Equal(http.StatusOK))
		a := v.do(bearer(second).set(apns.ConnectionHeader, "c1"))
		Expect(a.Status).To(Equal(http.StatusTooManyRequests))
		Expect(a.Reason).To(Equal("TooManyProviderTokenUpdates"))
	})

	Context("over real connections", func() {
		var s *emulators.Server
		var clock *world.VirtualClock
		var app, other *world.App
		var alice, bob world.Device
		var base string
		newConn := func() *http.Client { return &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}} }
		send := func(hc *http.Client, a *world.App, token string, iat time.Time) answer {
			r := &req{method: http.MethodPost, url: base + apns.PathPrefix + token, header: http.Header{},
				body: `{"aps":{"alert":"hi"}}`}
			r.set("authorization", "bearer "+jwt(a, iat)).set("apns-topic", a.Package)
			return doWith(hc, r)
		}
		BeforeEach(func() {
			clock = world.NewVirtualClock(start)
			s = emulators.New(emulators.Options{Clock: clock, Vendors: []func(*world.World) world.Vendor{apns.New}})
			ts := httptest.NewServer(s)
			DeferCleanup(ts.Close)
			base = ts.URL + "/" + apns.Vendor
			e := &env{w: s.World, v: s.Vendor(apns.Vendor)}
			app, other = e.addApp("chat"), e.addApp("other")
			alice, bob = e.register(app, "alice", nil), e.register(other, "bob", nil)
		})

		It("pins the first team on a connection and refuses another team there", func() {
			c1, c2 := newConn(), newConn()
			Expect(send(c1, app, alice.Token, clock.Now()).Status).To(Equal(http.StatusOK))
			a := send(c1, other, bob.Token, clock.Now())
			Expect(a.Reason).To(Equal("InvalidProviderToken"))
			e := s.World.Ledger(world.Filter{Rule: apns.RuleAuthOneTeam})
			Expect(e).To(HaveLen(1))
			Expect(send(c2, other, bob.Token, clock.Now()).Status).To(Equal(http.StatusOK), "another connection may serve team B")
		})

		It("refuses a new token within 20 minutes of the last change with 429, and takes it after", func() {
			c := newConn()
			t0 := clock.Now()
			Expect(send(c, app, alice.Token, t0).Status).To(Equal(http.StatusOK))
			clock.Advance(19 * time.Minute)
			a := send(c, app, alice.Token, clock.Now())
			Expect(a.Status).To(Equal(http.StatusTooManyRequests))
			Expect(a.Reason).To(Equal("TooManyProviderTokenUpdates"))
			Expect(send(c, app, alice.Token, t0).Status).To(Equal(http.StatusOK), "the old token still serves")
			clock.Advance(time.Minute)
			Expect(send(c, app, alice.Token, clock.Now()).Status).To(Equal(http.StatusOK))
		})
	})
})

var _ = Describe("certificate-based authentication", func() {
	var (
		s     *emulators.Server
		ca    *localca.CA
		addr  string
		app   *world.App
		alice world.Device
	)
	BeforeEach(func() {
		clock := world.NewVirtualClock(time.Now())
		s = emulators.New(emulators.Options{Clock: clock, Vendors: []func(*world.World) world.Vendor{apns.New}})
		var err error
		ca, err = localca.New()
		Expect(err).NotTo(HaveOccurred())
		addr = s.StartTLS(GinkgoT(), ca)
		e := &env{w: s.World, v: s.Vendor(apns.Vendor)}
		app = e.addApp("chat")
		alice = e.register(app, "alice", nil)
	})

	// provider is a client with an APNs provider certificate for bundle
	// (subject UID) whose common name says the environment.
	provider := func(cn, uid string) (*http.Client, tls.Certificate) {
		subject := pkix.Name{CommonName: cn + ": " + uid,
			ExtraNames: []pkix.AttributeTypeAndValue{{Type: asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}, Value: uid}}}
		cert, err := ca.IssueClient(subject)
		Expect(err).NotTo(HaveOccurred())
		cfg := ca.ClientConfig()
		cfg.Certificates = []tls.Certificate{cert}
		tr := &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: true,
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, network, addr)
			}}
		return &http.Client{Transport: tr}, cert
	}
	send := func(hc *http.Client, host, topic string) answer {
		r := &req{method: http.MethodPost, url: "https://" + host + apns.PathPrefix + alice.Token, header: http.Header{}, body: `{"aps":{"alert":"hi"}}`}
		if topic != "" {
			r.set("apns-topic", topic)
		}
		return doWith(hc, r)
	}

	It("takes the topic from the certificate's UID, over HTTP/2", func() {
		hc, _ := provider("Apple Push Services", app.Package)
		r, err := hc.Post("https://"+apns.HostProduction+apns.PathPrefix+alice.Token, "application/json", strings.NewReader(`{"aps":{"alert":"hi"}}`))
		Expect(err).NotTo(HaveOccurred())
		r.Body.Close()
		Expect(r.StatusCode).To(Equal(http.StatusOK))
		Expect(r.Proto).To(Equal("HTTP/2.0"))
		Expect(send(hc, apns.HostProduction, app.Package).Status).To(Equal(http.StatusOK))
		sh, _ := s.World.Shade(alice.ID)
		Expect(sh.Shown).To(HaveLen(2))
	})

	It("refuses a topic the certificate does not cover (only UID, UID.voip, UID.complication) with 400 BadTopic", func() {
		hc, _ := provider("Apple Push Services", app.Package)
		r := &req{method: http.MethodPost, url: "https://" + apns.HostProduction + apns.PathPrefix + alice.Token, header: http.Header{}, body: `{"aps":{}}`}
		r.set("apns-topic", app.Package+".location-query").set("apns-push-type", "location")
		Expect(doWith(hc, r).Reason).To(Equal("BadTopic"))
		Expect(s.World.Ledger(world.Filter{Rule: apns.RuleAuthCertificate})).To(HaveLen(1))
		r.set("apns-topic", app.Package+".voip").set("apns-push-type", "voip")
		Expect(doWith(hc, r).Status).To(Equal(http.StatusOK))
	})

	It("refuses a certificate of an unknown bundle, or not the registered one, with 403 BadCertificate", func() {
		hc, _ := provider("Apple Push Services", "com.example.nobody")
		Expect(send(hc, apns.HostProduction, "").Reason).To(Equal("BadCertificate"))
		hc, cert := provider("Apple Push Services", app.Package)
		sum := sha256.Sum256(cert.Certificate[0])
		app.Extra[apns.ExtraCertSHA256] = strings.Repeat("0", 64)
		Expect(s.World.UpdateApp(*app)).To(Succeed())
		Expect(send(hc, apns.HostProduction, "").Reason).To(Equal("BadCertificate"))
		app.Extra[apns.ExtraCertSHA256] = hex.EncodeToString(sum[:])
		Expect(s.World.UpdateApp(*app)).To(Succeed())
		Expect(send(hc, apns.HostProduction, "").Status).To(Equal(http.StatusOK))
	})

	It("refuses a development certificate on the production host with 403 BadCertificateEnvironment", func() {
		hc, _ := provider("Apple Development IOS Push Services", app.Package)
		a := send(hc, apns.HostProduction, "")
		Expect(a.Status).To(Equal(http.StatusForbidden))
		Expect(a.Reason).To(Equal("BadCertificateEnvironment"))
		Expect(send(hc, apns.HostDevelopment, "").Status).To(Equal(http.StatusOK))
	})
})
