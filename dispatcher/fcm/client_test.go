package fcm_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jarcoal/httpmock"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/dispatcher/fcm"
	"github.com/pushsim/pushsim/dispatcher/push"
)

const (
	tokenURL = "https://oauth2.googleapis.com/token"
	sendURL  = "https://fcm.googleapis.com/v1/projects/chat-4f2a1/messages:send"
)

// fakeClock is Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fakeGoogle is the token endpoint and FCM behind httpmock. It checks every
// JWT and bearer it is given.
type fakeGoogle struct {
	mu        sync.Mutex
	clock     *fakeClock
	exchanges atomic.Int32
	issued    []string
	sends     []sent
	// answer decides the reply to a send; nil = 200 with a name.
	answer func(s sent, attempt int) (int, http.Header, string)
	// tokenAnswer overrides the token endpoint's reply.
	tokenAnswer func() (int, string)
	claims      map[string]any
	attempts    map[string]int
}

type sent struct {
	bearer string
	body   map[string]any
	raw    string
}

func (s sent) token() string {
	m, _ := s.body["message"].(map[string]any)
	t, _ := m["token"].(string)
	return t
}

func (g *fakeGoogle) install(mock *httpmock.MockTransport, tokenAt, sendAt string) {
	mock.RegisterResponder(http.MethodPost, tokenAt, func(r *http.Request) (*http.Response, error) {
		defer GinkgoRecover()
		g.exchanges.Add(1)
		Expect(r.Header.Get("Content-Type")).To(Equal("application/x-www-form-urlencoded"))
		Expect(r.ParseForm()).To(Succeed())
		Expect(r.PostForm.Get("grant_type")).To(Equal("urn:ietf:params:oauth:grant-type:jwt-bearer"))
		g.mu.Lock()
		g.claims = verifyJWT(r.PostForm.Get("assertion"))
		g.mu.Unlock()
		if g.tokenAnswer != nil {
			code, body := g.tokenAnswer()
			return httpmock.NewStringResponse(code, body), nil
		}
		g.mu.Lock()
		tok := "ya29.token-" + strconv.Itoa(len(g.issued)+1)
		g.issued = append(g.issued, tok)
		g.mu.Unlock()
		return httpmock.NewStringResponse(http.StatusOK, `{"access_token":"`+tok+`","expires_in":3599,"token_type":"Bearer"}`), nil
	})
	mock.RegisterResponder(http.MethodPost, sendAt, func(r *http.Request) (*http.Response, error) {
		defer GinkgoRecover()
		raw, _ := io.ReadAll(r.Body)
		s := sent{bearer: strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), raw: string(raw)}
		Expect(json.Unmarshal(raw, &s.body)).To(Succeed())
		Expect(r.Header.Get("Content-Type")).To(Equal("application/json"))
		g.mu.Lock()
		g.sends = append(g.sends, s)
		if g.attempts == nil {
			g.attempts = map[string]int{}
		}
		g.attempts[s.token()]++
		attempt := g.attempts[s.token()]
		known := false
		for _, t := range g.issued {
			known = known || t == s.bearer
		}
		g.mu.Unlock()
		if !known {
			return httpmock.NewStringResponse(http.StatusUnauthorized, `{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}`), nil
		}
		if g.answer != nil {
			code, h, body := g.answer(s, attempt)
			resp := httpmock.NewStringResponse(code, body)
			for k, v := range h {
				resp.Header[k] = v
			}
			return resp, nil
		}
		return httpmock.NewStringResponse(http.StatusOK, `{"name":"projects/chat-4f2a1/messages/0:`+s.token()+`"}`), nil
	})
}

// verifyJWT checks the assertion as Google would and returns its claims.
func verifyJWT(assertion string) map[string]any {
	GinkgoHelper()
	parts := strings.Split(assertion, ".")
	Expect(parts).To(HaveLen(3))
	dec := func(s string) []byte {
		b, err := base64.RawURLEncoding.DecodeString(s)
		Expect(err).NotTo(HaveOccurred())
		return b
	}
	var header, claims map[string]any
	Expect(json.Unmarshal(dec(parts[0]), &header)).To(Succeed())
	Expect(json.Unmarshal(dec(parts[1]), &claims)).To(Succeed())
	Expect(header).To(HaveKeyWithValue("alg", "RS256"))
	Expect(header).To(HaveKeyWithValue("kid", "1234567890abcdef1234567890abcdef12345678"))
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	Expect(rsa.VerifyPKCS1v15(&testKey.PublicKey, crypto.SHA256, sum[:], dec(parts[2]))).To(Succeed())
	return claims
}

func rpc(code int, status, fcmCode, msg string, field string) string {
	details := []any{}
	if fcmCode != "" {
		details = append(details, map[string]string{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": fcmCode})
	}
	if field != "" {
		details = append(details, map[string]any{"@type": "type.googleapis.com/google.rpc.BadRequest",
			"fieldViolations": []map[string]string{{"field": field, "description": msg}}})
	}
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"code": code, "message": msg, "status": status, "details": details}})
	return string(b)
}

var _ = Describe("the FCM client", func() {
	var (
		clock  *fakeClock
		google *fakeGoogle
		mock   *httpmock.MockTransport
		cert   push.Certificate
		opt    push.Options
		ctx    = context.Background()
	)

	BeforeEach(func() {
		clock = &fakeClock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
		google = &fakeGoogle{clock: clock}
		mock = httpmock.NewMockTransport()
		google.install(mock, tokenURL, sendURL)
		cert = push.Certificate{Vendor: "fcm", ServiceAccount: testKeyJSON, Package: "com.example.chat", Channel: "im",
			Click: push.Click{Type: "activity", Target: "OPEN_CHAT"}}
		opt = push.Options{HTTPClient: &http.Client{Transport: mock}, Now: clock.Now}
	})

	client := func() push.Client {
		GinkgoHelper()
		c, err := fcm.New(cert, opt)
		Expect(err).NotTo(HaveOccurred())
		return c
	}
	tokens := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = "tok" + strconv.Itoa(i) + ":APA91b" + strings.Repeat("x", 20)
		}
		return out
	}

	It("exchanges a signed JWT for an access token, then sends one request per token", func() {
		ext := `{"conv":"c_1","text":"晚上好 \"quoted\" \\ <b>&amp;</b> \u2028"}`
		rs := client().Send(ctx, push.Push{ID: "m1", Title: "Bob", Body: "hi", Ext: ext, Extras: map[string]string{"conv": "c_1"},
			TTL: 90*time.Second + 500*time.Millisecond, Badge: 3, Sound: "ding"}, tokens(3))
		Expect(rs).To(HaveLen(3))
		for i, r := range rs {
			Expect(r.Token).To(Equal(tokens(3)[i]))
			Expect(r.Kind).To(Equal(push.Sent))
			Expect(r.Code).To(Equal("OK"))
			Expect(r.MessageID).To(Equal("projects/chat-4f2a1/messages/0:" + r.Token))
		}
		Expect(google.exchanges.Load()).To(BeEquivalentTo(1))
		Expect(google.claims).To(HaveKeyWithValue("iss", "firebase-adminsdk-abcde@chat-4f2a1.iam.gserviceaccount.com"))
		Expect(google.claims).To(HaveKeyWithValue("aud", tokenURL))
		Expect(google.claims).To(HaveKeyWithValue("scope", "https://www.googleapis.com/auth/firebase.messaging"))
		Expect(google.claims["exp"].(float64) - google.claims["iat"].(float64)).To(BeNumerically("==", 3600))
		Expect(int64(google.claims["iat"].(float64))).To(BeNumerically("<=", clock.Now().Unix()))

		Expect(google.sends).To(HaveLen(3))
		s := google.sends[0]
		Expect(s.bearer).To(Equal("ya29.token-1"))
		m := s.body["message"].(map[string]any)
		Expect(m["notification"]).To(Equal(map[string]any{"title": "Bob", "body": "hi"}))
		Expect(m["data"]).To(Equal(map[string]any{"ext": ext, "conv": "c_1"}))
		a := m["android"].(map[string]any)
		Expect(a).To(HaveKeyWithValue("priority", "high"))
		Expect(a).To(HaveKeyWithValue("ttl", "90.5s"))
		Expect(a["notification"]).To(Equal(map[string]any{"channel_id": "im", "sound": "ding", "tag": "m1",
			"click_action": "OPEN_CHAT", "notification_count": float64(3)}))
	})

	It("keeps Ext byte for byte", func() {
		ext := "a\u00e9\U0001F600<>&\"\\\t\x01" + `{"x":[1,2]}`
		client().Send(ctx, push.Push{ID: "m", Title: "t", Ext: ext}, tokens(1))
		var body struct {
			Message struct {
				Data map[string]string `json:"data"`
			} `json:"message"`
		}
		Expect(json.Unmarshal([]byte(google.sends[0].raw), &body)).To(Succeed())
		Expect(body.Message.Data["ext"]).To(Equal(ext))
	})

	It("sends a pass-through push as a data message", func() {
		client().Send(ctx, push.Push{ID: "m", Title: "t", Body: "b", Ext: "e", PassThrough: true}, tokens(1))
		m := google.sends[0].body["message"].(map[string]any)
		Expect(m).NotTo(HaveKey("notification"))
		Expect(m["android"]).NotTo(HaveKey("notification"))
		Expect(m["data"]).To(Equal(map[string]any{"ext": "e"}))
	})

	It("maps the push's own channel, notify id, no-channel and URL clicks", func() {
		client().Send(ctx, push.Push{ID: "m", Title: "t", Channel: "calls", NotifyID: "conv-1", Click: push.Click{Type: "url", Target: "https://x.example/c"}}, tokens(1))
		m := google.sends[0].body["message"].(map[string]any)
		n := m["android"].(map[string]any)["notification"].(map[string]any)
		Expect(n).To(HaveKeyWithValue("channel_id", "calls"))
		Expect(n).To(HaveKeyWithValue("tag", "conv-1"))
		Expect(n).NotTo(HaveKey("click_action"))
		Expect(m["data"]).To(HaveKeyWithValue("url", "https://x.example/c"))

		client().Send(ctx, push.Push{ID: "m2", Title: "t", NoChannel: true}, tokens(1))
		n = google.sends[1].body["message"].(map[string]any)["android"].(map[string]any)["notification"].(map[string]any)
		Expect(n).NotTo(HaveKey("channel_id"))
	})

	It("applies Raw fields as JSON paths", func() {
		client().Send(ctx, push.Push{ID: "m", Title: "t", Raw: map[string]string{
			"android.collapse_key": "score", "data.count:json": "5", "topic": "news", "validate_only": "true",
		}}, tokens(1))
		b := google.sends[0].body
		Expect(b).To(HaveKeyWithValue("validate_only", true))
		m := b["message"].(map[string]any)
		Expect(m["android"]).To(HaveKeyWithValue("collapse_key", "score"))
		Expect(m["data"]).To(HaveKeyWithValue("count", float64(5)))
		Expect(m).To(HaveKeyWithValue("topic", "news"))
	})

	It("reuses the access token and renews it shortly before it expires", func() {
		c := client()
		c.Send(ctx, push.Push{ID: "1", Title: "t"}, tokens(1))
		clock.Advance(50 * time.Minute)
		c.Send(ctx, push.Push{ID: "2", Title: "t"}, tokens(1))
		Expect(google.exchanges.Load()).To(BeEquivalentTo(1))
		clock.Advance(6 * time.Minute) // 4 minutes left
		c.Send(ctx, push.Push{ID: "3", Title: "t"}, tokens(1))
		Expect(google.exchanges.Load()).To(BeEquivalentTo(2))
		Expect(google.sends[2].bearer).To(Equal("ya29.token-2"))
	})

	It("refreshes once on 401, shared by every concurrent send, and retries", func() {
		c := client()
		c.Send(ctx, push.Push{ID: "1", Title: "t"}, tokens(1))
		google.mu.Lock()
		google.issued = []string{"ya29.revoked"} // the server forgets token-1
		google.mu.Unlock()
		rs := c.Send(ctx, push.Push{ID: "2", Title: "t"}, tokens(40))
		for _, r := range rs {
			Expect(r.Kind).To(Equal(push.Sent), r.Reason)
		}
		Expect(google.exchanges.Load()).To(BeEquivalentTo(2), "one refresh for 40 concurrent 401s")
	})

	It("gives up after one refresh when the server keeps answering 401", func() {
		google.answer = func(sent, int) (int, http.Header, string) {
			return 401, nil, `{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}`
		}
		rs := client().Send(ctx, push.Push{ID: "1", Title: "t"}, tokens(1))
		Expect(rs[0].Kind).To(Equal(push.Rejected))
		Expect(rs[0].Code).To(Equal("UNAUTHENTICATED"))
		Expect(google.exchanges.Load()).To(BeEquivalentTo(2))
		Expect(google.sends).To(HaveLen(2))
	})

	DescribeTable("maps FCM's answers",
		func(status int, header http.Header, body string, kind push.Kind, code string, invalid bool, after time.Duration) {
			google.answer = func(sent, int) (int, http.Header, string) { return status, header, body }
			r := client().Send(ctx, push.Push{ID: "1", Title: "t"}, tokens(1))[0]
			Expect(r.Kind).To(Equal(kind))
			Expect(r.Code).To(Equal(code))
			Expect(r.InvalidToken).To(Equal(invalid))
			Expect(r.RetryAfter).To(Equal(after))
			Expect(r.Reason).NotTo(BeEmpty())
		},
		Entry("UNREGISTERED", 404, nil, rpc(404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found.", ""), push.Rejected, "UNREGISTERED", true, time.Duration(0)),
		Entry("SENDER_ID_MISMATCH", 403, nil, rpc(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", "SenderId mismatch", ""), push.Rejected, "SENDER_ID_MISMATCH", true, time.Duration(0)),
		Entry("the SDK fixtures' UNREGISTERED with INVALID_ARGUMENT", 400, nil, rpc(400, "INVALID_ARGUMENT", "UNREGISTERED", "x", ""), push.Rejected, "UNREGISTERED", true, time.Duration(0)),
		Entry("a malformed token", 400, nil, rpc(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token", "message.token"), push.Rejected, "INVALID_ARGUMENT", true, time.Duration(0)),
		Entry("a bad payload", 400, nil, rpc(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "Invalid data payload key: from", "message.data"), push.Rejected, "INVALID_ARGUMENT", false, time.Duration(0)),
		Entry("QUOTA_EXCEEDED with Retry-After", 429, http.Header{"Retry-After": {"60"}}, rpc(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", "Message rate exceeded", ""), push.Retryable, "QUOTA_EXCEEDED", false, time.Minute),
		Entry("UNAVAILABLE with an HTTP-date Retry-After", 503, http.Header{"Retry-After": {"Mon, 02 Mar 2026 10:00:30 GMT"}}, rpc(503, "UNAVAILABLE", "UNAVAILABLE", "The service is currently unavailable.", ""), push.Retryable, "UNAVAILABLE", false, 30*time.Second),
		Entry("INTERNAL", 500, nil, rpc(500, "INTERNAL", "INTERNAL", "Internal error encountered.", ""), push.Retryable, "INTERNAL", false, time.Duration(0)),
		Entry("a 502 without a body", 502, nil, "", push.Retryable, "HTTP 502", false, time.Duration(0)),
		Entry("PERMISSION_DENIED without FcmError", 403, nil, rpc(403, "PERMISSION_DENIED", "", "Permission 'cloudmessaging.messages.create' denied", ""), push.Rejected, "PERMISSION_DENIED", false, time.Duration(0)),
		Entry("a 200 without a name", 200, nil, `{}`, push.Retryable, "malformed-answer", false, time.Duration(0)),
	)

	It("reports a transport error as retryable for every token", func() {
		mock.RegisterResponder(http.MethodPost, sendURL, httpmock.NewErrorResponder(errors.New("connection reset")))
		rs := client().Send(ctx, push.Push{ID: "1", Title: "t"}, tokens(2))
		Expect(rs).To(HaveLen(2))
		for _, r := range rs {
			Expect(r.Kind).To(Equal(push.Retryable))
			Expect(r.Code).To(Equal("transport"))
		}
	})

	It("refuses every token when the token endpoint refuses the grant, and retries when it is down", func() {
		google.tokenAnswer = func() (int, string) {
			return 400, `{"error":"invalid_grant","error_description":"Invalid JWT Signature."}`
		}
		rs := client().Send(ctx, push.Push{ID: "1", Title: "t"}, tokens(2))
		for _, r := range rs {
			Expect(r.Kind).To(Equal(push.Rejected))
			Expect(r.Code).To(Equal("invalid_grant"))
			Expect(r.Reason).To(ContainSubstring("Invalid JWT Signature."))
		}
		Expect(google.sends).To(BeEmpty())

		google.tokenAnswer = func() (int, string) { return 503, `unavailable` }
		rs = client().Send(ctx, push.Push{ID: "1", Title: "t"}, tokens(1))
		Expect(rs[0].Kind).To(Equal(push.Retryable))
	})

	It("keeps at most the configured number of requests in flight", func() {
		cert.Settings = map[string]string{"concurrency": "3"}
		var inFlight, peak atomic.Int32
		google.answer = func(s sent, _ int) (int, http.Header, string) {
			n := inFlight.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(2 * time.Millisecond)
			inFlight.Add(-1)
			return 200, nil, `{"name":"projects/p/messages/1"}`
		}
		rs := client().Send(ctx, push.Push{ID: "1", Title: "t"}, tokens(30))
		Expect(rs).To(HaveLen(30))
		Expect(peak.Load()).To(BeNumerically("<=", 3))
		Expect(peak.Load()).To(BeNumerically(">", 1))
	})

	It("returns nothing for no tokens", func() {
		Expect(client().Send(ctx, push.Push{}, nil)).To(BeEmpty())
		Expect(google.exchanges.Load()).To(BeZero())
	})

	Describe("endpoints", func() {
		It("uses base_url for both the send and the token endpoint", func() {
			cert.BaseURL = "http://127.0.0.1:4800/fcm"
			google.install(mock, "http://127.0.0.1:4800/fcm/token", "http://127.0.0.1:4800/fcm/v1/projects/chat-4f2a1/messages:send")
			Expect(client().Send(ctx, push.Push{ID: "1", Title: "t"}, tokens(1))[0].Kind).To(Equal(push.Sent))
			Expect(google.claims).To(HaveKeyWithValue("aud", "http://127.0.0.1:4800/fcm/token"))
		})

		It("prefers auth_url, then a token_uri that is not Google's", func() {
			cert.AuthURL = "http://auth.local"
			google.install(mock, "http://auth.local/token", sendURL)
			Expect(client().Send(ctx, push.Push{ID: "1", Title: "t"}, tokens(1))[0].Kind).To(Equal(push.Sent))
			Expect(google.claims).To(HaveKeyWithValue("aud", "http://auth.local/token"))

			cert.AuthURL = ""
			block := strings.Split(testKeyJSON, `"private_key":`)[1]
			var pemText string
			Expect(json.Unmarshal([]byte(strings.SplitN(block, `,"private_key_id"`, 2)[0]), &pemText)).To(Succeed())
			cert.ServiceAccount = keyFileJSON(pemText, "http://emulator.local/token")
			google.install(mock, "http://emulator.local/token", sendURL)
			Expect(client().Send(ctx, push.Push{ID: "1", Title: "t"}, tokens(1))[0].Kind).To(Equal(push.Sent))
			Expect(google.claims).To(HaveKeyWithValue("aud", "http://emulator.local/token"))
		})

		It("takes the project from the certificate over the key file", func() {
			cert.ProjectID = "other-proj"
			google.install(mock, tokenURL, "https://fcm.googleapis.com/v1/projects/other-proj/messages:send")
			Expect(client().Send(ctx, push.Push{ID: "1", Title: "t"}, tokens(1))[0].Kind).To(Equal(push.Sent))
		})
	})

	DescribeTable("refuses a certificate it cannot use",
		func(sa string, want string) {
			cert.ServiceAccount = sa
			_, err := fcm.New(cert, opt)
			Expect(err).To(MatchError(ContainSubstring(want)))
		},
		Entry("no key file", "", "no service_account"),
		Entry("not JSON", "{", "service_account"),
		Entry("no PEM", `{"type":"service_account","client_email":"a@b","private_key":"x","project_id":"p"}`, "not PEM"),
		Entry("no email", `{"type":"service_account","private_key":"x"}`, "client_email"),
		Entry("another type", `{"type":"authorized_user"}`, "authorized_user"),
	)
})
