package apns_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/jarcoal/httpmock"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/dispatcher/apns"
	"github.com/pushsim/pushsim/dispatcher/push"
)

// sent is one request the fake APNs saw.
type sent struct {
	URL    string
	Token  string
	Header http.Header
	Body   map[string]any
	Raw    string
}

// fakeAPNs is a scripted APNs behind httpmock.
type fakeAPNs struct {
	mu       sync.Mutex
	sends    []sent
	inFlight int
	maxIn    int
	delay    time.Duration
	// answer returns (status, reason, headers); nil = 200.
	answer func(s sent, n int) (int, string, http.Header)
}

func (f *fakeAPNs) install(base string) *http.Client {
	mock := httpmock.NewMockTransport()
	mock.RegisterRegexpResponder(http.MethodPost, regexp.MustCompile(`^`+regexp.QuoteMeta(base)+`/3/device/`), func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		s := sent{URL: r.URL.String(), Token: strings.TrimPrefix(r.URL.Path, "/3/device/"), Header: r.Header.Clone(), Raw: string(b)}
		if i := strings.Index(s.Token, "/3/device/"); i >= 0 {
			s.Token = s.Token[i+len("/3/device/"):]
		}
		Expect(json.Unmarshal(b, &s.Body)).To(Succeed())
		f.mu.Lock()
		f.sends = append(f.sends, s)
		n := len(f.sends)
		f.inFlight++
		f.maxIn = max(f.maxIn, f.inFlight)
		f.mu.Unlock()
		time.Sleep(f.delay)
		f.mu.Lock()
		f.inFlight--
		f.mu.Unlock()
		status, reason, hdr := http.StatusOK, "", http.Header{}
		if f.answer != nil {
			status, reason, hdr = f.answer(s, n)
			if hdr == nil {
				hdr = http.Header{}
			}
		}
		resp := httpmock.NewStringResponse(status, "")
		if reason != "" {
			body := fmt.Sprintf(`{"reason":%q}`, reason)
			if status == http.StatusGone {
				body = fmt.Sprintf(`{"reason":%q,"timestamp":1772445600000}`, reason)
			}
			resp = httpmock.NewStringResponse(status, body)
			resp.Header.Set("Content-Type", "application/json")
		}
		for k, v := range hdr {
			resp.Header[k] = v
		}
		id := r.Header.Get("apns-id")
		if id == "" {
			id = "9E2A7B62-2F0C-4C36-A9D5-6F4B1C1D2E3F"
		}
		resp.Header.Set("apns-id", id)
		return resp, nil
	})
	return &http.Client{Transport: mock}
}

func (f *fakeAPNs) all() []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sent(nil), f.sends...)
}

func newP8() (string, *ecdsa.PrivateKey) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	Expect(err).NotTo(HaveOccurred())
	der, err := x509.MarshalPKCS8PrivateKey(k)
	Expect(err).NotTo(HaveOccurred())
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), k
}

// claims checks a provider token's signature (JWS R‖S) with pub and
// returns its header and claims.
func claims(tok string, pub *ecdsa.PublicKey) (map[string]any, map[string]any) {
	parts := strings.Split(tok, ".")
	Expect(parts).To(HaveLen(3))
	dec := func(s string) map[string]any {
		b, err := base64.RawURLEncoding.DecodeString(s)
		Expect(err).NotTo(HaveOccurred())
		var m map[string]any
		Expect(json.Unmarshal(b, &m)).To(Succeed())
		return m
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	Expect(err).NotTo(HaveOccurred())
	Expect(sig).To(HaveLen(64), "JWS signatures are R‖S, 64 bytes")
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	Expect(ecdsa.Verify(pub, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))).To(BeTrue())
	return dec(parts[0]), dec(parts[1])
}

func bearer(s sent) string {
	v := s.Header.Get("authorization")
	Expect(v).To(HavePrefix("bearer "))
	return strings.TrimPrefix(v, "bearer ")
}

var _ = Describe("the APNs client", func() {
	var (
		f    *fakeAPNs
		key  *ecdsa.PrivateKey
		cert push.Certificate
		now  time.Time
		hc   *http.Client
	)
	tokens := []string{strings.Repeat("ab", 32), strings.Repeat("cd", 32)}
	ctx := context.Background()
	BeforeEach(func() {
		f = &fakeAPNs{}
		var p8 string
		p8, key = newP8()
		cert = push.Certificate{BusinessID: 1, Vendor: "apns", AppID: "TEAM123456", AppKey: "KEY1234567", AppSecret: p8, Package: "com.example.chat"}
		now = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		hc = f.install(apns.ProductionURL)
	})
	client := func() push.Client {
		c, err := apns.New(cert, push.Options{HTTPClient: hc, Now: func() time.Time { return now }})
		Expect(err).NotTo(HaveOccurred())
		return c
	}
	hello := push.Push{ID: "m1", Title: "Bob", Body: "are you there?", Ext: `{"conv":"c1","t":"<b>&"}`, NotifyID: "conv-c1", Badge: 3}

	DescribeTable("refuses an incomplete certificate",
		func(mod func(*push.Certificate), msg string) {
			mod(&cert)
			_, err := apns.New(cert, push.Options{})
			Expect(err).To(MatchError(ContainSubstring(msg)))
		},
		Entry("no team", func(c *push.Certificate) { c.AppID = "" }, "Team ID"),
		Entry("no key id", func(c *push.Certificate) { c.AppKey = "" }, "Key ID"),
		Entry("no p8", func(c *push.Certificate) { c.AppSecret = "" }, ".p8"),
		Entry("not a PEM", func(c *push.Certificate) { c.AppSecret = "secret" }, "PEM"),
		Entry("no bundle", func(c *push.Certificate) { c.Package = "" }, "bundle"),
		Entry("bad environment", func(c *push.Certificate) { c.Settings = map[string]string{"environment": "staging"} }, "environment"),
	)

	It("posts one request per token with the provider token, topic and alert headers", func() {
		rs := client().Send(ctx, hello, tokens)
		Expect(rs).To(HaveLen(2))
		for i, r := range rs {
			Expect(r.Token).To(Equal(tokens[i]))
			Expect(r.Kind).To(Equal(push.Sent))
		}
		ss := f.all()
		Expect(ss).To(HaveLen(2))
		Expect([]string{ss[0].Token, ss[1].Token}).To(ConsistOf(tokens))
		s := ss[0]
		Expect(s.URL).To(HavePrefix("https://api.push.apple.com/3/device/"))
		Expect(s.Header.Get("apns-topic")).To(Equal("com.example.chat"))
		Expect(s.Header.Get("apns-push-type")).To(Equal("alert"))
		Expect(s.Header.Get("apns-priority")).To(Equal("10"))
		Expect(s.Header.Get("apns-collapse-id")).To(Equal("conv-c1"))
		Expect(s.Header.Get("apns-expiration")).To(BeEmpty())
		Expect(s.Header.Get("apns-id")).To(MatchRegexp(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`))
		h, c := claims(bearer(s), &key.PublicKey)
		Expect(h).To(Equal(map[string]any{"alg": "ES256", "kid": "KEY1234567"}))
		Expect(c).To(Equal(map[string]any{"iss": "TEAM123456", "iat": float64(now.Unix())}))
		Expect(rs[0].MessageID).To(BeElementOf(ss[0].Header.Get("apns-id"), ss[1].Header.Get("apns-id")))
	})

	It("builds aps.alert, badge and sound, and carries ext byte for byte as the top-level key ext", func() {
		p := hello
		p.Extras = map[string]string{"from": "bob"}
		client().Send(ctx, p, tokens[:1])
		s := f.all()[0]
		Expect(s.Body).To(Equal(map[string]any{
			"aps":  map[string]any{"alert": map[string]any{"title": "Bob", "body": "are you there?"}, "badge": float64(3), "sound": "default"},
			"ext":  hello.Ext,
			"from": "bob",
		}))
		Expect(s.Raw).To(ContainSubstring(`"ext":"{\"conv\":\"c1\",\"t\":\"<b>&\"}"`), "no HTML escaping")
	})

	DescribeTable("plays the iOS sound: the push's, else the certificate's, else default; push.no_sound is silent",
		func(certSound, pushSound string, want any) {
			cert.Sound = certSound
			p := hello
			p.Sound = pushSound
			client().Send(ctx, p, tokens[:1])
			aps := f.all()[0].Body["aps"].(map[string]any)
			if want == nil {
				Expect(aps).NotTo(HaveKey("sound"))
			} else {
				Expect(aps["sound"]).To(Equal(want))
			}
		},
		Entry("none", "", "", "default"),
		Entry("certificate", "ring.caf", "", "ring.caf"),
		Entry("message over certificate", "ring.caf", "msg.caf", "msg.caf"),
		Entry("silent", "push.no_sound", "", nil),
	)

	It("leaves the badge alone at 0 and with ignore_badge", func() {
		p := hello
		p.Badge = 0
		client().Send(ctx, p, tokens[:1])
		Expect(f.all()[0].Body["aps"]).NotTo(HaveKey("badge"))
		cert.Settings = map[string]string{"ignore_badge": "true"}
		client().Send(ctx, hello, tokens[:1])
		Expect(f.all()[1].Body["aps"]).NotTo(HaveKey("badge"))
	})

	It("sends a pass-through push as a background push", func() {
		client().Send(ctx, push.Push{ID: "m2", PassThrough: true, Ext: "x", NotifyID: "n"}, tokens[:1])
		s := f.all()[0]
		Expect(s.Header.Get("apns-push-type")).To(Equal("background"))
		Expect(s.Header.Get("apns-priority")).To(Equal("5"))
		Expect(s.Header.Get("apns-collapse-id")).To(BeEmpty())
		Expect(s.Body).To(Equal(map[string]any{"aps": map[string]any{"content-available": float64(1)}, "ext": "x"}))
	})

	It("sets apns-expiration from the TTL, and keeps collapse ids within 64 bytes", func() {
		p := hello
		p.TTL = time.Hour
		p.NotifyID = strings.Repeat("n", 80)
		client().Send(ctx, p, tokens[:1])
		s := f.all()[0]
		Expect(s.Header.Get("apns-expiration")).To(Equal(fmt.Sprint(now.Add(time.Hour).Unix())))
		Expect(len(s.Header.Get("apns-collapse-id"))).To(BeNumerically("<=", 64))
	})

	It("takes Raw aps keys and headers", func() {
		p := hello
		p.Raw = map[string]string{"aps.interruption-level": "time-sensitive", "aps.thread-id": "c1", "apns-priority": "5", "k": `{"a":1}`}
		client().Send(ctx, p, tokens[:1])
		s := f.all()[0]
		Expect(s.Header.Get("apns-priority")).To(Equal("5"))
		Expect(s.Body["aps"]).To(HaveKeyWithValue("interruption-level", "time-sensitive"))
		Expect(s.Body["k"]).To(Equal(map[string]any{"a": float64(1)}))
	})

	It("uses the sandbox for Settings environment development, and BaseURL as given", func() {
		cert.Settings = map[string]string{"environment": "development"}
		hc = f.install(apns.DevelopmentURL)
		Expect(client().Send(ctx, hello, tokens[:1])[0].Kind).To(Equal(push.Sent))
		cert.BaseURL = "http://127.0.0.1:4800/apns/sandbox"
		hc = f.install("http://127.0.0.1:4800/apns/sandbox")
		client().Send(ctx, hello, tokens[:1])
		Expect(f.all()[1].URL).To(HavePrefix("http://127.0.0.1:4800/apns/sandbox/3/device/"))
	})

	It("keeps one provider token for 50 minutes, then signs a new one", func() {
		c := client()
		c.Send(ctx, hello, tokens[:1])
		now = now.Add(49 * time.Minute)
		c.Send(ctx, hello, tokens[:1])
		now = now.Add(time.Minute)
		c.Send(ctx, hello, tokens[:1])
		ss := f.all()
		Expect(bearer(ss[1])).To(Equal(bearer(ss[0])))
		Expect(bearer(ss[2])).NotTo(Equal(bearer(ss[1])))
		_, cl := claims(bearer(ss[2]), &key.PublicKey)
		Expect(cl["iat"]).To(Equal(float64(now.Unix())))
	})

	It("keeps token_refresh between 20 and 60 minutes", func() {
		cert.Settings = map[string]string{"token_refresh": "5m"}
		c := client()
		c.Send(ctx, hello, tokens[:1])
		now = now.Add(19 * time.Minute)
		c.Send(ctx, hello, tokens[:1])
		Expect(bearer(f.all()[1])).To(Equal(bearer(f.all()[0])), "not more often than every 20 minutes")
		cert.Settings = map[string]string{"token_refresh": "3h"}
		c = client()
		c.Send(ctx, hello, tokens[:1])
		now = now.Add(60 * time.Minute)
		c.Send(ctx, hello, tokens[:1])
		Expect(bearer(f.all()[3])).NotTo(Equal(bearer(f.all()[2])), "not less often than every 60 minutes")
	})

	It("signs a new token once after ExpiredProviderToken and sends again", func() {
		f.answer = func(s sent, n int) (int, string, http.Header) {
			if n == 1 {
				return 403, "ExpiredProviderToken", nil
			}
			return 200, "", nil
		}
		now = now.Add(time.Second)
		r := client().Send(ctx, hello, tokens[:1])[0]
		Expect(r.Kind).To(Equal(push.Sent))
		ss := f.all()
		Expect(ss).To(HaveLen(2))
		Expect(bearer(ss[1])).NotTo(Equal(bearer(ss[0])))
		Expect(ss[1].Header.Get("apns-id")).To(Equal(ss[0].Header.Get("apns-id")), "the same notification")
	})

	It("gives up after one fresh token: InvalidProviderToken twice is Rejected", func() {
		f.answer = func(sent, int) (int, string, http.Header) { return 403, "InvalidProviderToken", nil }
		r := client().Send(ctx, hello, tokens[:1])[0]
		Expect(r.Kind).To(Equal(push.Rejected))
		Expect(r.Code).To(Equal("InvalidProviderToken"))
		Expect(f.all()).To(HaveLen(2))
	})

	DescribeTable("classifies APNs' answers",
		func(status int, reason string, hdr http.Header, kind push.Kind, invalid bool, retryAfter time.Duration) {
			f.answer = func(sent, int) (int, string, http.Header) { return status, reason, hdr }
			r := client().Send(ctx, hello, tokens[:1])[0]
			Expect(r.Kind).To(Equal(kind))
			Expect(r.InvalidToken).To(Equal(invalid))
			Expect(r.RetryAfter).To(Equal(retryAfter))
			if reason != "" {
				Expect(r.Code).To(Equal(reason))
			}
			Expect(f.all()).To(HaveLen(1), "one attempt: the dispatcher retries")
		},
		Entry("410 Unregistered", 410, "Unregistered", nil, push.Rejected, true, time.Duration(0)),
		Entry("410 ExpiredToken", 410, "ExpiredToken", nil, push.Rejected, true, time.Duration(0)),
		Entry("400 BadDeviceToken", 400, "BadDeviceToken", nil, push.Rejected, true, time.Duration(0)),
		Entry("400 DeviceTokenNotForTopic", 400, "DeviceTokenNotForTopic", nil, push.Rejected, false, time.Duration(0)),
		Entry("413 PayloadTooLarge", 413, "PayloadTooLarge", nil, push.Rejected, false, time.Duration(0)),
		Entry("429 TooManyRequests with Retry-After", 429, "TooManyRequests", http.Header{"Retry-After": {"30"}}, push.Retryable, false, 30*time.Second),
		Entry("429 TooManyProviderTokenUpdates", 429, "TooManyProviderTokenUpdates", nil, push.Retryable, false, time.Duration(0)),
		Entry("500 InternalServerError", 500, "InternalServerError", nil, push.Retryable, false, time.Duration(0)),
		Entry("503 Shutdown", 503, "Shutdown", nil, push.Retryable, false, time.Duration(0)),
		Entry("502 without a body", 502, "", nil, push.Retryable, false, time.Duration(0)),
	)

	It("reports a transport error as Retryable for every token", func() {
		mock := httpmock.NewMockTransport()
		mock.RegisterNoResponder(httpmock.NewErrorResponder(errors.New("connection reset")))
		hc = &http.Client{Transport: mock}
		rs := client().Send(ctx, hello, tokens)
		Expect(rs).To(HaveLen(2))
		for _, r := range rs {
			Expect(r.Kind).To(Equal(push.Retryable))
			Expect(r.Code).To(Equal("transport"))
		}
	})

	It("sends concurrently, at most Settings concurrency at a time, answering in token order", func() {
		cert.Settings = map[string]string{"concurrency": "3"}
		f.delay = 5 * time.Millisecond
		many := make([]string, 20)
		for i := range many {
			many[i] = fmt.Sprintf("%064x", i)
		}
		f.answer = func(s sent, _ int) (int, string, http.Header) {
			if s.Token == many[7] {
				return 410, "Unregistered", nil
			}
			return 200, "", nil
		}
		rs := client().Send(ctx, hello, many)
		Expect(rs).To(HaveLen(20))
		for i, r := range rs {
			Expect(r.Token).To(Equal(many[i]))
			Expect(r.InvalidToken).To(Equal(i == 7))
		}
		Expect(f.maxIn).To(BeNumerically("<=", 3))
		Expect(f.maxIn).To(BeNumerically(">", 1))
	})

	It("derives the same apns-id for the same push and token, and another for another push", func() {
		c := client()
		c.Send(ctx, hello, tokens[:1])
		c.Send(ctx, hello, tokens[:1])
		p := hello
		p.ID = "m9"
		c.Send(ctx, p, tokens[:1])
		ss := f.all()
		Expect(ss[1].Header.Get("apns-id")).To(Equal(ss[0].Header.Get("apns-id")))
		Expect(ss[2].Header.Get("apns-id")).NotTo(Equal(ss[0].Header.Get("apns-id")))
	})

	It("shortens a long body to fit 4096 bytes and never touches ext", func() {
		p := hello
		p.Body = strings.Repeat("会", 2000)
		client().Send(ctx, p, tokens[:1])
		s := f.all()[0]
		Expect(len(s.Raw)).To(BeNumerically("<=", apns.MaxPayload))
		Expect(s.Body["ext"]).To(Equal(hello.Ext))
		body := s.Body["aps"].(map[string]any)["alert"].(map[string]any)["body"].(string)
		Expect(body).To(HaveSuffix("…"))
		Expect(strings.ToValidUTF8(body, "?")).To(Equal(body))
	})

	It("refuses a push whose ext alone is over 4096 bytes without sending it", func() {
		p := hello
		p.Ext = strings.Repeat("x", 5000)
		r := client().Send(ctx, p, tokens[:1])[0]
		Expect(r.Kind).To(Equal(push.Rejected))
		Expect(r.Code).To(Equal("PayloadTooLarge"))
		Expect(f.all()).To(BeEmpty())
	})

	It("keeps the caller's *http.Transport untouched and uses connections of its own", func() {
		tr := &http.Transport{}
		shared := &http.Client{Transport: tr}
		_, err := apns.New(cert, push.Options{HTTPClient: shared})
		Expect(err).NotTo(HaveOccurred())
		Expect(shared.Transport).To(BeIdenticalTo(tr))
	})
})
