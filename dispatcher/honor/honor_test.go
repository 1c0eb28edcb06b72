package honor_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jarcoal/httpmock"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/dispatcher/honor"
	"github.com/pushsim/pushsim/dispatcher/push"
)

const (
	realToken = "https://iam.developer.honor.com/auth/token"
	realSend  = "https://push-api.cloud.honor.com/api/v1/104436789/sendMessage"
)

// sent is one send request as the mock saw it.
type sent struct {
	Auth      string
	Timestamp string
	Body      map[string]any
	Raw       string
}

func (s sent) android() map[string]any { return s.Body["android"].(map[string]any) }

func (s sent) notification() map[string]any {
	n, _ := s.android()["notification"].(map[string]any)
	return n
}

var _ = Describe("Honor client", func() {
	var (
		mock      *httpmock.MockTransport
		hc        *http.Client
		mu        sync.Mutex
		sends     []sent
		forms     []url.Values
		tokenHits atomic.Int32
		now       time.Time
		cert      push.Certificate
	)

	tokenOK := func(req *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(req.Body)
		f, err := url.ParseQuery(string(b))
		Expect(err).NotTo(HaveOccurred())
		n := tokenHits.Add(1)
		mu.Lock()
		forms = append(forms, f)
		mu.Unlock()
		return httpmock.NewStringResponse(200, fmt.Sprintf(`{"access_token":"AT%d","expires_in":3600,"token_type":"Bearer"}`, n)), nil
	}
	record := func(req *http.Request) sent {
		b, _ := io.ReadAll(req.Body)
		var m map[string]any
		Expect(json.Unmarshal(b, &m)).To(Succeed())
		s := sent{Auth: req.Header.Get("Authorization"), Timestamp: req.Header.Get("timestamp"), Body: m, Raw: string(b)}
		mu.Lock()
		sends = append(sends, s)
		mu.Unlock()
		return s
	}
	reply := func(status int, body string, header ...string) httpmock.Responder {
		return func(req *http.Request) (*http.Response, error) {
			record(req)
			resp := httpmock.NewStringResponse(status, body)
			for i := 0; i+1 < len(header); i += 2 {
				resp.Header.Set(header[i], header[i+1])
			}
			return resp, nil
		}
	}
	success := reply(200, `{"code":200,"message":"success","data":{"sendResult":true,"requestId":"rid-1","failTokens":[],"expireTokens":[]}}`)
	client := func() push.Client {
		c, err := honor.New(cert, push.Options{HTTPClient: hc, Timeout: time.Second, Now: func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			return now
		}})
		Expect(err).NotTo(HaveOccurred())
		return c
	}
	advance := func(d time.Duration) {
		mu.Lock()
		now = now.Add(d)
		mu.Unlock()
	}
	imPush := push.Push{ID: "m-1", Title: "Bob", Body: "lunch?", Ext: `{"chatId":42,"html":"<b>&</b>","emoji":"😀","q":"\"x\""}`}

	BeforeEach(func() {
		mock = httpmock.NewMockTransport()
		hc = &http.Client{Transport: mock}
		sends, forms = nil, nil
		tokenHits.Store(0)
		now = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
		cert = push.Certificate{BusinessID: 9, Vendor: "honor", AppID: "104436789", AppKey: "220114812", AppSecret: "s3cr3t+/==",
			Package: "com.example.chat", Click: push.Click{Type: "intent", Target: "intent://chat#Intent;scheme=pushscheme;end"},
			Settings: map[string]string{"badge_class": "com.example.chat.MainActivity"}}
		mock.RegisterResponder(http.MethodPost, realToken, tokenOK)
	})

	It("refuses a certificate without App ID, Client ID or Client Secret", func() {
		for _, c := range []push.Certificate{{AppKey: "k", AppSecret: "s"}, {AppID: "1", AppSecret: "s"}, {AppID: "1", AppKey: "k"}} {
			_, err := honor.New(c, push.Options{})
			Expect(err).To(HaveOccurred())
		}
	})

	It("gets a token with the Client ID and Secret and sends the documented body with bearer and timestamp", func() {
		mock.RegisterResponder(http.MethodPost, realSend, success)
		res := client().Send(context.Background(), imPush, []string{"t1", "t2"})
		Expect(res).To(ConsistOf(
			And(HaveField("Token", "t1"), HaveField("Kind", push.Sent), HaveField("Code", "200"), HaveField("MessageID", "rid-1")),
			And(HaveField("Token", "t2"), HaveField("Kind", push.Sent)),
		))
		Expect(forms).To(HaveLen(1))
		Expect(forms[0]).To(Equal(url.Values{"grant_type": {"client_credentials"}, "client_id": {"220114812"}, "client_secret": {"s3cr3t+/=="}}))
		Expect(sends).To(HaveLen(1))
		s := sends[0]
		Expect(s.Auth).To(Equal("Bearer AT1"))
		Expect(s.Timestamp).To(Equal(fmt.Sprint(now.UnixMilli())))
		Expect(s.Body).To(HaveKeyWithValue("token", ConsistOf("t1", "t2")))
		Expect(s.Body).NotTo(HaveKey("message"))
		Expect(s.android()).To(HaveKeyWithValue("biTag", "m-1"))
		Expect(s.notification()).To(Equal(map[string]any{
			"title": "Bob", "body": "lunch?", "importance": "NORMAL",
			"clickAction": map[string]any{"type": float64(1), "intent": "intent://chat#Intent;scheme=pushscheme;end"},
		}))
	})

	It("carries the ext byte for byte under data's ext key, beside the extras", func() {
		mock.RegisterResponder(http.MethodPost, realSend, success)
		client().Send(context.Background(), imPush, []string{"t1"})
		var d map[string]string
		Expect(json.Unmarshal([]byte(sends[0].Body["data"].(string)), &d)).To(Succeed())
		Expect(d).To(Equal(map[string]string{"ext": imPush.Ext}))
		Expect(sends[0].Raw).To(ContainSubstring(`<b>&</b>`), "no HTML escapes")
		client().Send(context.Background(), push.Push{PassThrough: true, Ext: imPush.Ext, Extras: map[string]string{"k": "v", "ext": "loses"}}, []string{"t1"})
		Expect(json.Unmarshal([]byte(sends[1].Body["data"].(string)), &d)).To(Succeed())
		Expect(d).To(Equal(map[string]string{"ext": imPush.Ext, "k": "v"}))
		Expect(sends[1].android()).NotTo(HaveKey("notification"))
		client().Send(context.Background(), push.Push{PassThrough: true}, []string{"t1"})
		Expect(sends[2].Body).To(HaveKeyWithValue("data", "{}"), "a data message needs data")
	})

	DescribeTable("maps the click action",
		func(click push.Click, want map[string]any) {
			mock.RegisterResponder(http.MethodPost, realSend, success)
			client().Send(context.Background(), push.Push{Title: "a", Body: "b", Click: click}, []string{"t"})
			Expect(sends[0].notification()["clickAction"]).To(Equal(want))
		},
		Entry("activity", push.Click{Type: "activity", Target: ".MainActivity"}, map[string]any{"type": float64(1), "intent": "intent:#Intent;component=com.example.chat/.MainActivity;end"}),
		Entry("action", push.Click{Type: "action", Target: "com.example.OPEN"}, map[string]any{"type": float64(1), "action": "com.example.OPEN"}),
		Entry("url", push.Click{Type: "url", Target: "https://example.com"}, map[string]any{"type": float64(2), "url": "https://example.com"}),
		Entry("launcher", push.Click{Type: "launcher"}, map[string]any{"type": float64(3)}),
	)

	It("sends marketing as importance LOW, badges with badgeClass, notifyId, ttl and test messages", func() {
		mock.RegisterResponder(http.MethodPost, realSend, success)
		cert.Settings["test_message"] = "true"
		client().Send(context.Background(), push.Push{Title: "a", Body: "b", Class: "public", Badge: 120, NotifyID: "conv-7", TTL: 20 * 24 * time.Hour}, []string{"t"})
		n := sends[0].notification()
		Expect(n).To(HaveKeyWithValue("importance", "LOW"))
		Expect(n).To(HaveKeyWithValue("badge", map[string]any{"setNum": float64(99), "badgeClass": "com.example.chat.MainActivity"}))
		Expect(n).To(HaveKeyWithValue("notifyId", float64(honor.NotifyID("conv-7"))))
		Expect(sends[0].android()).To(HaveKeyWithValue("ttl", "1296000s"))
		Expect(sends[0].android()).To(HaveKeyWithValue("targetUserType", float64(1)))
	})

	It("applies Raw fields verbatim", func() {
		mock.RegisterResponder(http.MethodPost, realSend, success)
		client().Send(context.Background(), push.Push{Title: "a", Body: "b", Raw: map[string]string{"android.notification.style": "1", "android.notification.bigTitle": "T"}}, []string{"t"})
		Expect(sends[0].notification()).To(And(HaveKeyWithValue("style", float64(1)), HaveKeyWithValue("bigTitle", "T")))
	})

	It("marks failTokens and expireTokens invalid and sends the rest", func() {
		mock.RegisterResponder(http.MethodPost, realSend, reply(200, `{"code":200,"message":"success","data":{"sendResult":true,"requestId":"r","failTokens":["bad"],"expireTokens":["old"]}}`))
		res := client().Send(context.Background(), imPush, []string{"ok", "bad", "old"})
		Expect(res).To(ConsistOf(
			And(HaveField("Token", "ok"), HaveField("Kind", push.Sent), HaveField("InvalidToken", false)),
			And(HaveField("Token", "bad"), HaveField("Kind", push.Rejected), HaveField("InvalidToken", true)),
			And(HaveField("Token", "old"), HaveField("Kind", push.Rejected), HaveField("InvalidToken", true)),
		))
	})

	It("marks the listed tokens invalid on 80300007, or all when none is listed", func() {
		mock.RegisterResponder(http.MethodPost, realSend, reply(400, `{"code":80300007,"message":"All the tokens are invalid","data":{"sendResult":false,"requestId":"r","failTokens":["a"],"expireTokens":[]}}`))
		res := client().Send(context.Background(), imPush, []string{"a"})
		Expect(res).To(ConsistOf(And(HaveField("Kind", push.Rejected), HaveField("InvalidToken", true), HaveField("Code", "80300007"))))
		mock.RegisterResponder(http.MethodPost, realSend, reply(400, `{"code":80300007,"message":"All the tokens are invalid"}`))
		res = client().Send(context.Background(), imPush, []string{"a", "b"})
		Expect(res).To(HaveEach(HaveField("InvalidToken", true)))
	})

	It("refreshes ahead of expiry and reuses the token until then", func() {
		mock.RegisterResponder(http.MethodPost, realSend, success)
		c := client()
		c.Send(context.Background(), imPush, []string{"t"})
		advance(50 * time.Minute)
		c.Send(context.Background(), imPush, []string{"t"})
		Expect(tokenHits.Load()).To(BeEquivalentTo(1))
		advance(6 * time.Minute) // inside the last 5 minutes
		c.Send(context.Background(), imPush, []string{"t"})
		Expect(tokenHits.Load()).To(BeEquivalentTo(2))
		Expect(sends[2].Auth).To(Equal("Bearer AT2"))
	})

	DescribeTable("fetches a new token once on an invalid-token answer",
		func(status int, body string) {
			n := 0
			mock.RegisterResponder(http.MethodPost, realSend, func(req *http.Request) (*http.Response, error) {
				record(req)
				n++
				if n == 1 {
					return httpmock.NewStringResponse(status, body), nil
				}
				return httpmock.NewStringResponse(200, `{"code":200,"message":"success","data":{"sendResult":true,"requestId":"r2"}}`), nil
			})
			res := client().Send(context.Background(), imPush, []string{"t"})
			Expect(res).To(ConsistOf(And(HaveField("Kind", push.Sent), HaveField("MessageID", "r2"))))
			Expect(tokenHits.Load()).To(BeEquivalentTo(2))
			Expect(sends[1].Auth).To(Equal("Bearer AT2"))
		},
		Entry("80200003", 401, `{"code":80200003,"message":"Access token expired"}`),
		Entry("80200001", 401, `{"code":80200001,"message":"Authentication failed"}`),
		Entry("80200001 as a string with 200", 200, `{"code":"80200001","message":"x"}`),
		Entry("a bare 401", 401, `<html>unauthorized</html>`),
	)

	It("does not refresh twice", func() {
		mock.RegisterResponder(http.MethodPost, realSend, reply(401, `{"code":80200001,"message":"Authentication failed"}`))
		res := client().Send(context.Background(), imPush, []string{"t"})
		Expect(res).To(ConsistOf(And(HaveField("Kind", push.Rejected), HaveField("Code", "80200001"))))
		Expect(sends).To(HaveLen(2))
	})

	It("shares one token request between concurrent sends", func() {
		mock.RegisterResponder(http.MethodPost, realSend, success)
		c := client()
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer GinkgoRecover()
				defer wg.Done()
				c.Send(context.Background(), imPush, []string{"t"})
			}()
		}
		wg.Wait()
		Expect(tokenHits.Load()).To(BeEquivalentTo(1))
	})

	DescribeTable("classifies the answers",
		func(status int, body string, kind push.Kind, code string) {
			mock.RegisterResponder(http.MethodPost, realSend, reply(status, body, "Retry-After", "7"))
			res := client().Send(context.Background(), imPush, []string{"t"})
			Expect(res).To(ConsistOf(And(HaveField("Kind", kind), HaveField("Code", code))))
		},
		Entry("flow control", 503, `{"code":81000001,"message":"System flow control"}`, push.Retryable, "81000001"),
		Entry("internal error with 200", 200, `{"code":81000001,"message":"x"}`, push.Retryable, "81000001"),
		Entry("a bare 502", 502, `bad gateway`, push.Retryable, "HTTP 502"),
		Entry("an unreadable 200", 200, `<html>`, push.Retryable, "malformed-answer"),
		Entry("parameter error", 400, `{"code":80100001,"message":"Request parameter check failed, x"}`, push.Rejected, "80100001"),
		Entry("sensitive word", 400, `{"code":80100016,"message":"Anti-Spam"}`, push.Rejected, "80100016"),
		Entry("no permission", 400, `{"code":80300002,"message":"x"}`, push.Rejected, "80300002"),
		Entry("test messages over the day's limit", 400, `{"code":80300029,"message":"x"}`, push.OverQuota, "80300029"),
		Entry("success as 0 (one client's reading)", 200, `{"code":0,"message":"ok"}`, push.Sent, "0"),
		Entry("a bare 404", 404, `not found`, push.Rejected, "HTTP 404"),
	)

	It("honours Retry-After on a retryable answer", func() {
		mock.RegisterResponder(http.MethodPost, realSend, reply(503, `{"code":81000001,"message":"x"}`, "Retry-After", "7"))
		res := client().Send(context.Background(), imPush, []string{"t"})
		Expect(res[0].RetryAfter).To(Equal(7 * time.Second))
	})

	It("reports transport errors as retryable, one result per token", func() {
		mock.RegisterResponder(http.MethodPost, realSend, httpmock.NewErrorResponder(errors.New("connection reset")))
		res := client().Send(context.Background(), imPush, []string{"a", "b", "a"})
		Expect(res).To(HaveLen(3))
		Expect(res).To(HaveEach(HaveField("Kind", push.Retryable)))
	})

	DescribeTable("maps token endpoint failures",
		func(status int, body string, kind push.Kind) {
			mock.RegisterResponder(http.MethodPost, realToken, httpmock.NewStringResponder(status, body))
			res := client().Send(context.Background(), imPush, []string{"t"})
			Expect(res).To(ConsistOf(HaveField("Kind", kind)))
			Expect(sends).To(BeEmpty())
		},
		Entry("invalid client", 401, `{"error":"invalid_client","error_description":"Invalid client or Invalid client credentials"}`, push.Rejected),
		Entry("flow control", 503, `{"error":"temporarily_unavailable"}`, push.Retryable),
		Entry("garbage", 500, `oops`, push.Retryable),
	)

	It("splits more than 1000 tokens into batches", func() {
		mock.RegisterResponder(http.MethodPost, realSend, success)
		tokens := make([]string, 2500)
		for i := range tokens {
			tokens[i] = fmt.Sprint("t", i)
		}
		res := client().Send(context.Background(), imPush, tokens)
		Expect(res).To(HaveLen(2500))
		Expect(sends).To(HaveLen(3))
		Expect(sends[2].Body["token"]).To(HaveLen(500))
	})

	It("uses the base URL and the realm token path when told to", func() {
		cert.BaseURL = "http://127.0.0.1:4800/honor"
		cert.Settings["token_path"] = "/auth/realms/developer/protocol/openid-connect/token"
		mock.RegisterResponder(http.MethodPost, "http://127.0.0.1:4800/honor/auth/realms/developer/protocol/openid-connect/token", tokenOK)
		mock.RegisterResponder(http.MethodPost, "http://127.0.0.1:4800/honor/api/v1/104436789/sendMessage", success)
		res := client().Send(context.Background(), imPush, []string{"t"})
		Expect(res).To(ConsistOf(HaveField("Kind", push.Sent)))
	})
})
