package huawei_test

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

	"github.com/pushsim/pushsim/dispatcher/huawei"
	"github.com/pushsim/pushsim/dispatcher/push"
)

const (
	realToken = "https://oauth-login.cloud.huawei.com/oauth2/v3/token"
	realSend  = "https://push-api.cloud.huawei.com/v1/101234567/messages:send"
)

// sent is one send request as the mock saw it.
type sent struct {
	Auth string
	Body map[string]any
	Raw  string
}

func (s sent) android() map[string]any {
	return s.Body["message"].(map[string]any)["android"].(map[string]any)
}

func (s sent) notification() map[string]any {
	n, _ := s.android()["notification"].(map[string]any)
	return n
}

func (s sent) tokens() []any { return s.Body["message"].(map[string]any)["token"].([]any) }

// data is message.data decoded as the phone does: a JSON object of strings.
func (s sent) data() map[string]string {
	GinkgoHelper()
	text, ok := s.Body["message"].(map[string]any)["data"].(string)
	Expect(ok).To(BeTrue(), "message.data is a string")
	var m map[string]string
	Expect(json.Unmarshal([]byte(text), &m)).To(Succeed())
	return m
}

var _ = Describe("Huawei client", func() {
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
		return httpmock.NewStringResponse(200, fmt.Sprintf(`{"access_token":"AT%d+/=","expires_in":3600,"token_type":"Bearer"}`, n)), nil
	}
	record := func(req *http.Request) sent {
		b, _ := io.ReadAll(req.Body)
		var m map[string]any
		Expect(json.Unmarshal(b, &m)).To(Succeed())
		s := sent{Auth: req.Header.Get("Authorization"), Body: m, Raw: string(b)}
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
	success := reply(200, `{"code":"80000000","msg":"Success","requestId":"176400000000012345678901"}`)
	client := func() push.Client {
		c, err := huawei.New(cert, push.Options{HTTPClient: hc, Timeout: time.Second, Now: func() time.Time {
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
	imPush := push.Push{ID: "m-1", Title: "Bob", Body: "lunch?", Ext: `{"chatId":42,"html":"<b>&</b>","emoji":"😀"}`}

	BeforeEach(func() {
		mock = httpmock.NewMockTransport()
		hc = &http.Client{Transport: mock}
		sends, forms = nil, nil
		tokenHits.Store(0)
		now = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
		cert = push.Certificate{BusinessID: 2, Vendor: "huawei", AppID: "101234567", AppSecret: "s3cr3t+/==",
			Package: "com.example.chat", Category: "IM", Importance: "NORMAL", Channel: "im"}
		mock.RegisterResponder(http.MethodPost, realToken, tokenOK)
	})

	It("refuses a certificate without app id or secret", func() {
		_, err := huawei.New(push.Certificate{AppSecret: "s"}, push.Options{})
		Expect(err).To(MatchError(ContainSubstring("app_id")))
		_, err = huawei.New(push.Certificate{AppID: "1"}, push.Options{})
		Expect(err).To(MatchError(ContainSubstring("app_secret")))
	})

	It("gets a token with client credentials from the real OAuth host and sends to the real push host", func() {
		mock.RegisterResponder(http.MethodPost, realSend, success)
		res := client().Send(context.Background(), imPush, []string{"t1"})
		Expect(res).To(ConsistOf(And(HaveField("Token", "t1"), HaveField("Kind", push.Sent), HaveField("Code", "80000000"),
			HaveField("MessageID", "176400000000012345678901"))))
		Expect(forms).To(HaveLen(1))
		Expect(forms[0].Get("grant_type")).To(Equal("client_credentials"))
		Expect(forms[0].Get("client_id")).To(Equal("101234567"))
		Expect(forms[0].Get("client_secret")).To(Equal("s3cr3t+/=="))
		Expect(sends[0].Auth).To(Equal("Bearer AT1+/="))
	})

	It("appends the real paths to a configured base URL, for auth too", func() {
		cert.BaseURL = "http://127.0.0.1:4800/huawei/"
		mock.RegisterResponder(http.MethodPost, "http://127.0.0.1:4800/huawei/oauth2/v3/token", tokenOK)
		mock.RegisterResponder(http.MethodPost, "http://127.0.0.1:4800/huawei/v1/101234567/messages:send", success)
		Expect(client().Send(context.Background(), imPush, []string{"t1"})[0].Kind).To(Equal(push.Sent))
		cert.AuthURL = "http://auth.example"
		mock.RegisterResponder(http.MethodPost, "http://auth.example/oauth2/v3/token", tokenOK)
		Expect(client().Send(context.Background(), imPush, []string{"t1"})[0].Kind).To(Equal(push.Sent))
		Expect(mock.GetCallCountInfo()["POST http://auth.example/oauth2/v3/token"]).To(Equal(1))
	})

	Describe("the payload", func() {
		var last func() sent
		BeforeEach(func() {
			mock.RegisterResponder(http.MethodPost, realSend, success)
			last = func() sent { return sends[len(sends)-1] }
		})
		send := func(p push.Push) sent {
			client().Send(context.Background(), p, []string{"t1"})
			return last()
		}

		It("carries title, body, category, importance, channel, the default sound and the ext under data's ext key, byte for byte", func() {
			s := send(imPush)
			Expect(s.Body["validate_only"]).To(BeFalse())
			Expect(s.data()).To(Equal(map[string]string{"ext": imPush.Ext}))
			Expect(s.android()).To(And(HaveKeyWithValue("category", "IM"), HaveKeyWithValue("bi_tag", "m-1")))
			Expect(s.notification()).To(And(HaveKeyWithValue("title", "Bob"), HaveKeyWithValue("body", "lunch?"),
				HaveKeyWithValue("importance", "NORMAL"), HaveKeyWithValue("channel_id", "im"),
				HaveKeyWithValue("default_sound", true), HaveKeyWithValue("click_action", HaveKeyWithValue("type", 3.0))))
			Expect(s.tokens()).To(Equal([]any{"t1"}))
		})

		It("sends the extras as JSON data when there is no ext", func() {
			s := send(push.Push{Title: "a", Body: "b", Extras: map[string]string{"k": "v"}})
			Expect(s.Body["message"]).To(HaveKeyWithValue("data", `{"k":"v"}`))
		})

		It("puts the ext beside the extras, the ext winning over an extra named ext, with <, > and & unescaped", func() {
			p := imPush
			p.Extras = map[string]string{"k": "v", "ext": "not this"}
			s := send(p)
			Expect(s.data()).To(Equal(map[string]string{"k": "v", "ext": imPush.Ext}))
			Expect(s.Body["message"].(map[string]any)["data"]).To(ContainSubstring(`<b>&</b>`))
		})

		It("sends no data without ext or extras", func() {
			Expect(send(push.Push{Title: "a", Body: "b"}).Body["message"]).NotTo(HaveKey("data"))
		})

		DescribeTable("maps the click action",
			func(c push.Click, want map[string]any) {
				p := imPush
				p.Click = c
				Expect(send(p).notification()["click_action"]).To(Equal(want))
			},
			Entry("intent → type 1", push.Click{Type: "intent", Target: "intent://x#Intent;end"}, map[string]any{"type": 1.0, "intent": "intent://x#Intent;end"}),
			Entry("activity → type 1 intent", push.Click{Type: "activity", Target: ".Main"}, map[string]any{"type": 1.0, "intent": "intent:#Intent;component=com.example.chat/.Main;end"}),
			Entry("url → type 2", push.Click{Type: "url", Target: "https://example.com"}, map[string]any{"type": 2.0, "url": "https://example.com"}),
			Entry("launcher → type 3", push.Click{Type: "launcher"}, map[string]any{"type": 3.0}),
		)

		It("takes the certificate's click action when the push has none", func() {
			cert.Click = push.Click{Type: "url", Target: "https://example.com/c"}
			Expect(send(imPush).notification()["click_action"]).To(HaveKeyWithValue("type", 2.0))
		})

		It("plays a custom sound from the app's raw resources", func() {
			p := imPush
			p.Sound = "msg_ring.mp3"
			Expect(send(p).notification()).To(And(HaveKeyWithValue("sound", "/raw/msg_ring"), HaveKeyWithValue("default_sound", false)))
		})

		It("sets the badge with the launcher class only when the certificate names it", func() {
			p := imPush
			p.Badge = 120
			Expect(send(p).notification()).NotTo(HaveKey("badge"))
			cert.Settings = map[string]string{"badge_class": "com.example.chat.MainActivity"}
			Expect(send(p).notification()["badge"]).To(Equal(map[string]any{"set_num": 99.0, "class": "com.example.chat.MainActivity"}))
		})

		It("declares a public push as marketing, silent", func() {
			p := imPush
			p.Class = "public"
			s := send(p)
			Expect(s.android()["category"]).To(Equal("MARKETING"))
			Expect(s.notification()["importance"]).To(Equal("LOW"))
		})

		It("lets the push's category override the certificate's and leaves out an explicitly empty channel", func() {
			p := imPush
			p.Category, p.NoChannel = "VOIP", true
			s := send(p)
			Expect(s.android()["category"]).To(Equal("VOIP"))
			Expect(s.notification()).NotTo(HaveKey("channel_id"))
		})

		It("sends a pass-through push as a data message", func() {
			p := imPush
			p.PassThrough = true
			s := send(p)
			Expect(s.android()).NotTo(HaveKey("notification"))
			Expect(s.android()["urgency"]).To(Equal("HIGH"))
			Expect(s.data()).To(Equal(map[string]string{"ext": imPush.Ext}))
		})

		It("sends ttl in seconds (at most 15 days), notify_id as a number and the raw overrides", func() {
			p := imPush
			p.TTL, p.NotifyID = 90*time.Minute, "42"
			p.Raw = map[string]string{"message.android.notification.image": "https://x.example/a.png", "validate_only": "true", "message.android.collapse_key": "-1"}
			s := send(p)
			Expect(s.android()).To(And(HaveKeyWithValue("ttl", "5400s"), HaveKeyWithValue("collapse_key", -1.0)))
			Expect(s.notification()).To(And(HaveKeyWithValue("notify_id", 42.0), HaveKeyWithValue("image", "https://x.example/a.png")))
			Expect(s.Body["validate_only"]).To(BeTrue())
			Expect(s.data()).To(Equal(map[string]string{"ext": imPush.Ext}))
			p.TTL = 30 * 24 * time.Hour
			Expect(send(p).android()["ttl"]).To(Equal("1296000s"))
		})

		It("hashes a non-numeric notify id the same way every time", func() {
			Expect(huawei.NotifyID("conv-9")).To(Equal(huawei.NotifyID("conv-9")))
			Expect(huawei.NotifyID("conv-9")).To(BeNumerically(">=", 0))
			Expect(huawei.NotifyID("7")).To(Equal(7))
		})
	})

	It("sends at most 1000 tokens per request with one access token", func() {
		mock.RegisterResponder(http.MethodPost, realSend, success)
		tokens := make([]string, 2500)
		for i := range tokens {
			tokens[i] = fmt.Sprintf("t%d", i)
		}
		res := client().Send(context.Background(), imPush, tokens)
		Expect(res).To(HaveLen(2500))
		Expect(sends).To(HaveLen(3))
		Expect(sends[0].tokens()).To(HaveLen(1000))
		Expect(sends[2].tokens()).To(HaveLen(500))
		Expect(tokenHits.Load()).To(BeEquivalentTo(1))
	})

	Describe("the access token", func() {
		BeforeEach(func() { mock.RegisterResponder(http.MethodPost, realSend, success) })

		It("is cached and refreshed five minutes before it expires", func() {
			c := client()
			c.Send(context.Background(), imPush, []string{"t"})
			advance(54 * time.Minute)
			c.Send(context.Background(), imPush, []string{"t"})
			Expect(tokenHits.Load()).To(BeEquivalentTo(1))
			advance(2 * time.Minute)
			c.Send(context.Background(), imPush, []string{"t"})
			Expect(tokenHits.Load()).To(BeEquivalentTo(2))
			Expect(sends[2].Auth).To(Equal("Bearer AT2+/="))
		})

		It("is fetched once for many concurrent sends", func() {
			release := make(chan struct{})
			mock.RegisterResponder(http.MethodPost, realToken, func(req *http.Request) (*http.Response, error) {
				<-release
				return tokenOK(req)
			})
			c := client()
			var wg sync.WaitGroup
			results := make([][]push.Result, 20)
			for i := range results {
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[i] = c.Send(context.Background(), imPush, []string{fmt.Sprint(i)})
				}()
			}
			time.Sleep(20 * time.Millisecond) // let them all queue behind the first token request
			close(release)
			wg.Wait()
			Expect(tokenHits.Load()).To(BeEquivalentTo(1))
			for _, r := range results {
				Expect(r).To(ConsistOf(HaveField("Kind", push.Sent)))
			}
		})

		DescribeTable("is refreshed once when the push server refuses it, and the batch retried",
			func(code string, status int) {
				var n atomic.Int32
				mock.RegisterResponder(http.MethodPost, realSend, func(req *http.Request) (*http.Response, error) {
					if n.Add(1) == 1 {
						return reply(status, `{"code":"`+code+`","msg":"x","requestId":"1"}`)(req)
					}
					return success(req)
				})
				res := client().Send(context.Background(), imPush, []string{"t"})
				Expect(res).To(ConsistOf(HaveField("Kind", push.Sent)))
				Expect(tokenHits.Load()).To(BeEquivalentTo(2))
				Expect(sends[1].Auth).To(Equal("Bearer AT2+/="))
			},
			Entry("80200003 expired (HTTP 401)", "80200003", 401),
			Entry("80200001 auth error (HTTP 200)", "80200001", 200),
		)

		It("is refreshed only once per batch: a second 80200001 is final, a second 80200003 passes", func() {
			mock.RegisterResponder(http.MethodPost, realSend, reply(401, `{"code":"80200001","msg":"OAuth authentication error","requestId":"1"}`))
			res := client().Send(context.Background(), imPush, []string{"t"})
			Expect(res).To(ConsistOf(And(HaveField("Kind", push.Rejected), HaveField("Code", "80200001"))))
			Expect(sends).To(HaveLen(2))
			mock.RegisterResponder(http.MethodPost, realSend, reply(401, `{"code":"80200003","msg":"OAuth token expired","requestId":"1"}`))
			Expect(client().Send(context.Background(), imPush, []string{"t"})[0].Kind).To(Equal(push.Retryable))
		})

		It("reports refused credentials as permanent and a busy OAuth server as passing", func() {
			mock.RegisterResponder(http.MethodPost, realToken, httpmock.NewStringResponder(400,
				`{"error":1101,"sub_error":12304,"error_description":"client_secret is invalid"}`))
			res := client().Send(context.Background(), imPush, []string{"t1", "t2"})
			Expect(res).To(HaveLen(2))
			Expect(res[0]).To(And(HaveField("Kind", push.Rejected), HaveField("Code", "oauth 12304"), HaveField("Reason", ContainSubstring("client_secret is invalid"))))
			Expect(sends).To(BeEmpty())
			resp := httpmock.NewStringResponse(503, `{"error":1101,"sub_error":503,"error_description":"flow control"}`)
			resp.Header.Set("Retry-After", "30")
			mock.RegisterResponder(http.MethodPost, realToken, httpmock.ResponderFromResponse(resp))
			res = client().Send(context.Background(), imPush, []string{"t1"})
			Expect(res[0]).To(And(HaveField("Kind", push.Retryable), HaveField("RetryAfter", 30*time.Second)))
			mock.RegisterResponder(http.MethodPost, realToken, httpmock.NewErrorResponder(errors.New("dial tcp: refused")))
			Expect(client().Send(context.Background(), imPush, []string{"t1"})[0]).To(And(HaveField("Kind", push.Retryable), HaveField("Code", "oauth transport")))
		})
	})

	Describe("answers", func() {
		send := func(tokens ...string) []push.Result {
			return client().Send(context.Background(), imPush, tokens)
		}

		It("marks the illegal tokens of 80100000 invalid and the rest sent", func() {
			mock.RegisterResponder(http.MethodPost, realSend, reply(200,
				`{"code":"80100000","msg":"{\"success\":2,\"failure\":1,\"illegal_tokens\":[\"bad\"]}","requestId":"r1"}`))
			res := send("a", "bad", "b")
			Expect(res).To(ConsistOf(
				And(HaveField("Token", "a"), HaveField("Kind", push.Sent), HaveField("MessageID", "r1")),
				And(HaveField("Token", "bad"), HaveField("Kind", push.Rejected), HaveField("InvalidToken", true), HaveField("Code", "80100000")),
				And(HaveField("Token", "b"), HaveField("Kind", push.Sent)),
			))
		})

		It("marks every token invalid on 80300007", func() {
			mock.RegisterResponder(http.MethodPost, realSend, reply(400, `{"code":"80300007","msg":"All the tokens are invalid","requestId":"r"}`))
			Expect(send("a", "b")).To(HaveEach(And(HaveField("Kind", push.Rejected), HaveField("InvalidToken", true))))
		})

		DescribeTable("classifies the other codes",
			func(status int, body string, kind push.Kind, code string) {
				mock.RegisterResponder(http.MethodPost, realSend, reply(status, body, "Retry-After", "7"))
				res := send("a", "b")
				Expect(res).To(HaveLen(2))
				Expect(res).To(HaveEach(And(HaveField("Kind", kind), HaveField("Code", code), HaveField("InvalidToken", false))))
			},
			Entry("80300008 too big", 400, `{"code":"80300008","msg":"x","requestId":"r"}`, push.Rejected, "80300008"),
			Entry("80300010 token count", 400, `{"code":"80300010","msg":"x","requestId":"r"}`, push.Rejected, "80300010"),
			Entry("80100001 parameters", 400, `{"code":"80100001","msg":"x","requestId":"r"}`, push.Rejected, "80100001"),
			Entry("80100003 structure", 400, `{"code":"80100003","msg":"x","requestId":"r"}`, push.Rejected, "80100003"),
			Entry("80100016 sensitive", 400, `{"code":"80100016","msg":"x","requestId":"r"}`, push.Rejected, "80100016"),
			Entry("80300002 no permission", 400, `{"code":"80300002","msg":"x","requestId":"r"}`, push.Rejected, "80300002"),
			Entry("80300011 HIGH right", 400, `{"code":"80300011","msg":"x","requestId":"r"}`, push.Rejected, "80300011"),
			Entry("81000001 internal", 500, `{"code":"81000001","msg":"x","requestId":"r"}`, push.Retryable, "81000001"),
			Entry("flow control 503 with a code", 503, `{"code":"80300029","msg":"x","requestId":"r"}`, push.Retryable, "80300029"),
			Entry("502 without JSON", 502, `<html>bad gateway</html>`, push.Retryable, "HTTP 502"),
			Entry("404 without JSON", 404, `not found`, push.Rejected, "HTTP 404"),
			Entry("200 without JSON", 200, `oops`, push.Retryable, "malformed-answer"),
			Entry("a numeric code", 200, `{"code":80000000,"msg":"Success","requestId":"r"}`, push.Sent, "80000000"),
		)

		It("honours Retry-After on flow control", func() {
			mock.RegisterResponder(http.MethodPost, realSend, reply(503, `busy`, "Retry-After", "12"))
			Expect(send("a")[0].RetryAfter).To(Equal(12 * time.Second))
		})

		It("reports transport errors as passing, one result per token", func() {
			mock.RegisterResponder(http.MethodPost, realSend, httpmock.NewErrorResponder(errors.New("connection reset")))
			res := send("a", "b", "c")
			Expect(res).To(HaveLen(3))
			Expect(res).To(HaveEach(And(HaveField("Kind", push.Retryable), HaveField("Code", "transport"))))
		})

		It("returns nothing for no tokens", func() {
			Expect(send()).To(BeEmpty())
			Expect(tokenHits.Load()).To(BeZero())
		})
	})
})
