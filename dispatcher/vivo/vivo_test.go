package vivo_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jarcoal/httpmock"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/dispatcher/push"
	"github.com/pushsim/pushsim/dispatcher/vivo"
)

const host = "https://api-push.vivo.com.cn"

// call is one request as the mock saw it.
type call struct {
	Path  string
	Token string
	Body  map[string]any
	Raw   string
}

// regID makes a 23-character regId.
func regID(i int) string { return fmt.Sprintf("1773108000000%010d", i) }

var _ = Describe("vivo client", func() {
	var (
		mock    *httpmock.MockTransport
		hc      *http.Client
		mu      sync.Mutex
		calls   []call
		cert    push.Certificate
		now     time.Time
		tokens  int
		answers map[string][]string // path → queued answers (JSON); empty = success
	)

	record := func(req *http.Request) call {
		b, _ := io.ReadAll(req.Body)
		var body map[string]any
		d := json.NewDecoder(strings.NewReader(string(b)))
		d.UseNumber()
		Expect(d.Decode(&body)).To(Succeed(), string(b))
		c := call{Path: req.URL.Path, Token: req.Header.Get("authToken"), Body: body, Raw: string(b)}
		mu.Lock()
		calls = append(calls, c)
		mu.Unlock()
		return c
	}
	next := func(path, def string) string {
		mu.Lock()
		defer mu.Unlock()
		if q := answers[path]; len(q) > 0 {
			answers[path] = q[1:]
			return q[0]
		}
		return def
	}
	json200 := func(body string) *http.Response {
		resp := httpmock.NewStringResponse(200, body)
		resp.Header.Set("Content-Type", "application/json;charset=UTF-8")
		return resp
	}
	// vivoServer answers like vivo: auth hands out token-1, token-2, ...
	vivoServer := func() {
		mock.RegisterResponder(http.MethodPost, host+"/message/auth", func(req *http.Request) (*http.Response, error) {
			record(req)
			mu.Lock()
			tokens++
			n := tokens
			mu.Unlock()
			return json200(next("/message/auth", `{"result":0,"desc":"请求成功","authToken":"token-`+strconv.Itoa(n)+`"}`)), nil
		})
		for _, p := range []string{"/message/send", "/message/saveListPayload", "/message/pushToList"} {
			mock.RegisterResponder(http.MethodPost, host+p, func(req *http.Request) (*http.Response, error) {
				c := record(req)
				def := `{"result":0,"desc":"请求成功","taskId":"121397329"}`
				if c.Path == "/message/saveListPayload" {
					def = `{"result":0,"desc":"请求成功","taskId":"555000111"}`
				}
				a := next(c.Path, def)
				if strings.HasPrefix(a, "HTTP ") {
					code, _ := strconv.Atoi(a[5:8])
					return httpmock.NewStringResponse(code, a[9:]), nil
				}
				return json200(a), nil
			})
		}
	}
	client := func() push.Client {
		GinkgoHelper()
		c, err := vivo.New(cert, push.Options{HTTPClient: hc, Timeout: time.Second, Now: func() time.Time { return now }})
		Expect(err).NotTo(HaveOccurred())
		return c
	}
	im := push.Push{ID: "m1", Title: "Bob", Body: "晚上一起吃饭吗？", Ext: `{"conv":"c_1","html":"<a&b>"}`,
		Extras: map[string]string{"from": "bob"}, Category: "IM"}
	paths := func() []string {
		mu.Lock()
		defer mu.Unlock()
		var out []string
		for _, c := range calls {
			out = append(out, c.Path)
		}
		return out
	}
	last := func(path string) call {
		GinkgoHelper()
		mu.Lock()
		defer mu.Unlock()
		for i := len(calls) - 1; i >= 0; i-- {
			if calls[i].Path == path {
				return calls[i]
			}
		}
		Fail("no call to " + path)
		return call{}
	}

	BeforeEach(func() {
		mock = httpmock.NewMockTransport()
		hc = &http.Client{Transport: mock}
		calls, tokens = nil, 0
		answers = map[string][]string{}
		now = time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)
		cert = push.Certificate{BusinessID: 7, Vendor: "vivo", AppID: "10337", AppKey: "b46efd9a-59e3-45f9-bc35-cc0ee888b0cc",
			AppSecret: "91e92e74-7709-47fc-9eb1-5bddc9265f78", Package: "com.example.chat", Category: "IM",
			Click: push.Click{Type: "intent", Target: "intent:#Intent;component=com.example.chat/.Chat;end"}}
		vivoServer()
	})

	It("signs like vivo's test vector", func() {
		Expect(vivo.Sign("10337", "b46efd9a-59e3-45f9-bc35-cc0ee888b0cc", "1700000000000", "91e92e74-7709-47fc-9eb1-5bddc9265f78")).
			To(Equal("72dbbca3acc2d6ab3a291eff2943b274"))
	})

	It("refuses a certificate without appId, appKey or appSecret", func() {
		for _, c := range []push.Certificate{{AppKey: "k", AppSecret: "s"}, {AppID: "1", AppSecret: "s"}, {AppID: "1", AppKey: "k"}} {
			_, err := vivo.New(c, push.Options{})
			Expect(err).To(HaveOccurred())
		}
	})

	It("signs in, then sends one regId with the authToken header and every field", func() {
		r := client().Send(context.Background(), im, []string{regID(1)})
		Expect(r).To(ConsistOf(push.Result{Token: regID(1), Kind: push.Sent, Code: "0", MessageID: "121397329"}))
		Expect(paths()).To(Equal([]string{"/message/auth", "/message/send"}))

		auth := last("/message/auth")
		Expect(auth.Raw).To(ContainSubstring(`"appId":10337`), "appId is a JSON number, as the SDK sends it")
		ts := auth.Body["timestamp"].(json.Number).String()
		Expect(ts).To(Equal(strconv.FormatInt(now.UnixMilli(), 10)))
		Expect(auth.Body["sign"]).To(Equal(vivo.Sign(cert.AppID, cert.AppKey, ts, cert.AppSecret)))
		Expect(auth.Body["appKey"]).To(Equal(cert.AppKey))

		send := last("/message/send")
		Expect(send.Token).To(Equal("token-1"))
		Expect(send.Body).To(HaveKeyWithValue("regId", regID(1)))
		Expect(send.Body).To(HaveKeyWithValue("appId", json.Number("10337")))
		Expect(send.Body).To(HaveKeyWithValue("title", "Bob"))
		Expect(send.Body).To(HaveKeyWithValue("content", "晚上一起吃饭吗？"))
		Expect(send.Body).To(HaveKeyWithValue("notifyType", json.Number("4")))
		Expect(send.Body).To(HaveKeyWithValue("skipType", json.Number("4")))
		Expect(send.Body).To(HaveKeyWithValue("skipContent", cert.Click.Target))
		Expect(send.Body).To(HaveKeyWithValue("classification", json.Number("1")))
		Expect(send.Body).To(HaveKeyWithValue("category", "IM"))
		Expect(send.Body).To(HaveKeyWithValue("requestId", vivo.RequestID("m1", []string{regID(1)})))
		Expect(send.Body["clientCustomMap"]).To(Equal(map[string]any{"ext": im.Ext, "from": "bob"}))
		Expect(send.Raw).To(ContainSubstring(`<a&b>`), "the ext string is not HTML-escaped")
	})

	It("posts under a configured base URL and auth URL", func() {
		cert.BaseURL = "http://127.0.0.1:4800/vivo"
		cert.AuthURL = "http://127.0.0.1:4801/vivo/"
		mock.RegisterResponder(http.MethodPost, "http://127.0.0.1:4801/vivo/message/auth", httpmock.NewStringResponder(200, `{"result":0,"desc":"请求成功","authToken":"t"}`))
		mock.RegisterResponder(http.MethodPost, "http://127.0.0.1:4800/vivo/message/send", httpmock.NewStringResponder(200, `{"result":0,"desc":"请求成功","taskId":"9"}`))
		r := client().Send(context.Background(), im, []string{regID(1)})
		Expect(r[0].Kind).To(Equal(push.Sent))
		Expect(r[0].MessageID).To(Equal("9"))
	})

	Describe("the authToken", func() {
		It("is reused, and fetched again after an hour, well before its 24 hours end", func() {
			c := client()
			c.Send(context.Background(), im, []string{regID(1)})
			now = now.Add(59 * time.Minute)
			c.Send(context.Background(), im, []string{regID(2)})
			Expect(last("/message/send").Token).To(Equal("token-1"))
			now = now.Add(time.Minute)
			c.Send(context.Background(), im, []string{regID(3)})
			Expect(last("/message/send").Token).To(Equal("token-2"))
		})

		It("follows settings.token_refresh", func() {
			cert.Settings = map[string]string{"token_refresh": "10m"}
			c := client()
			c.Send(context.Background(), im, []string{regID(1)})
			now = now.Add(10 * time.Minute)
			c.Send(context.Background(), im, []string{regID(2)})
			Expect(last("/message/send").Token).To(Equal("token-2"))
			cert.Settings = map[string]string{"token_refresh": "soon"}
			_, err := vivo.New(cert, push.Options{})
			Expect(err).To(HaveOccurred())
		})

		It("is fetched again once when a push is answered 10000, and the push repeated with the same requestId", func() {
			answers["/message/send"] = []string{`{"result":10000,"desc":"鉴权失败"}`}
			r := client().Send(context.Background(), im, []string{regID(1)})
			Expect(r[0].Kind).To(Equal(push.Sent))
			Expect(paths()).To(Equal([]string{"/message/auth", "/message/send", "/message/auth", "/message/send"}))
			Expect(calls[1].Body["requestId"]).To(Equal(calls[3].Body["requestId"]))
			Expect(calls[3].Token).To(Equal("token-2"))
		})

		It("gives up after the fresh token is refused too", func() {
			answers["/message/send"] = []string{`{"result":10000,"desc":"鉴权失败"}`, `{"result":10000,"desc":"鉴权失败"}`}
			r := client().Send(context.Background(), im, []string{regID(1)})
			Expect(r[0].Kind).To(Equal(push.Rejected))
			Expect(r[0].Code).To(Equal("10000"))
			Expect(paths()).To(HaveLen(4))
		})

		It("makes one auth call for concurrent sends", func() {
			c := client()
			var wg sync.WaitGroup
			for i := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c.Send(context.Background(), im, []string{regID(i)})
				}()
			}
			wg.Wait()
			Expect(tokens).To(Equal(1))
		})

		DescribeTable("maps auth failures onto every token",
			func(answer string, kind push.Kind, code string) {
				answers["/message/auth"] = []string{answer}
				r := client().Send(context.Background(), im, []string{regID(1), regID(2)})
				Expect(r).To(HaveLen(2))
				for _, x := range r {
					Expect(x.Kind).To(Equal(kind))
					Expect(x.Code).To(Equal(code))
					Expect(x.Reason).To(HavePrefix("auth: "))
				}
				Expect(paths()).To(Equal([]string{"/message/auth"}))
			},
			Entry("10250 too many auth calls → retryable", `{"result":10250,"desc":"x"}`, push.Retryable, "10250"),
			Entry("10206 bad sign → rejected", `{"result":10206,"desc":"sign不合法"}`, push.Rejected, "10206"),
			Entry("10205 unknown appId → rejected", `{"result":10205,"desc":"appId不存在"}`, push.Rejected, "10205"),
		)
	})

	Describe("list push", func() {
		It("stores the message once and pushes its taskId to the regIds", func() {
			toks := []string{regID(1), regID(2), regID(3)}
			answers["/message/pushToList"] = []string{`{"result":0,"desc":"请求成功","taskId":"555000111","invalidUsers":[{"status":1,"userid":"` + regID(2) + `"},{"status":4,"userid":"` + regID(3) + `"}]}`}
			r := client().Send(context.Background(), im, toks)
			Expect(paths()).To(Equal([]string{"/message/auth", "/message/saveListPayload", "/message/pushToList"}))
			save := last("/message/saveListPayload")
			Expect(save.Body).NotTo(HaveKey("regId"))
			Expect(save.Body).To(HaveKeyWithValue("title", "Bob"))
			Expect(save.Body["requestId"]).NotTo(BeEmpty())
			list := last("/message/pushToList")
			Expect(list.Body).To(HaveKeyWithValue("taskId", "555000111"))
			Expect(list.Body).To(HaveKeyWithValue("requestId", vivo.RequestID("m1", toks)))
			Expect(list.Body["regIds"]).To(Equal([]any{regID(1), regID(2), regID(3)}))
			Expect(list.Token).To(Equal("token-1"))

			Expect(r[0]).To(Equal(push.Result{Token: regID(1), Kind: push.Sent, Code: "0", MessageID: "555000111"}))
			Expect(r[1]).To(And(HaveField("Kind", push.Rejected), HaveField("InvalidToken", true), HaveField("Code", "10302")))
			Expect(r[2]).To(And(HaveField("Kind", push.Rejected), HaveField("InvalidToken", false)))
		})

		It("splits 2001 regIds into two lists of 1000 and a single push", func() {
			toks := make([]string, 2001)
			for i := range toks {
				toks[i] = regID(i)
			}
			r := client().Send(context.Background(), im, toks)
			Expect(paths()).To(Equal([]string{"/message/auth", "/message/saveListPayload", "/message/pushToList", "/message/pushToList", "/message/send"}))
			Expect(calls[2].Body["regIds"]).To(HaveLen(1000))
			Expect(calls[3].Body["regIds"]).To(HaveLen(1000))
			Expect(calls[4].Body["regId"]).To(Equal(toks[2000]))
			Expect(calls[2].Body["requestId"]).NotTo(Equal(calls[3].Body["requestId"]))
			Expect(r).To(HaveLen(2001))
			for _, x := range r {
				Expect(x.Kind).To(Equal(push.Sent))
			}
		})

		It("keeps every requestId the same when the same batch is sent again", func() {
			c := client()
			toks := []string{regID(1), regID(2)}
			c.Send(context.Background(), im, toks)
			c.Send(context.Background(), im, []string{toks[1], toks[0]})
			Expect(calls[1].Body["requestId"]).To(Equal(calls[3].Body["requestId"]))
			Expect(calls[2].Body["requestId"]).To(Equal(calls[4].Body["requestId"]))
		})

		It("answers every token of a failed saveListPayload", func() {
			answers["/message/saveListPayload"] = []string{`{"result":10070,"desc":"发送总量超出限制"}`}
			r := client().Send(context.Background(), im, []string{regID(1), regID(2)})
			Expect(r).To(HaveEach(HaveField("Kind", push.OverQuota)))
			Expect(r[0].RetryAfter).To(Equal(6 * time.Hour)) // 10:00 UTC = 18:00 Shanghai
			Expect(paths()).NotTo(ContainElement("/message/pushToList"))
		})

		It("gives one result per token, duplicates included, and refuses bad regIds without asking", func() {
			r := client().Send(context.Background(), im, []string{regID(1), "short", regID(1)})
			Expect(r).To(HaveLen(3))
			Expect(r[0].Kind).To(Equal(push.Sent))
			Expect(r[1]).To(And(HaveField("Token", "short"), HaveField("Kind", push.Rejected), HaveField("InvalidToken", true)))
			Expect(r[2]).To(And(HaveField("Token", regID(1)), HaveField("Kind", push.Sent)))
			Expect(paths()).To(Equal([]string{"/message/auth", "/message/send"}))
		})
	})

	DescribeTable("maps vivo's answers onto outcomes",
		func(answer string, kind push.Kind, code string, invalid bool) {
			answers["/message/send"] = []string{answer}
			r := client().Send(context.Background(), im, []string{regID(1)})
			Expect(r).To(HaveLen(1))
			Expect(r[0].Kind).To(Equal(kind))
			Expect(r[0].Code).To(Equal(code))
			Expect(r[0].InvalidToken).To(Equal(invalid))
		},
		Entry("10302 status 1 → rejected, token dead", `{"result":10302,"desc":"regId不合法","invalidUser":{"status":1,"userid":"x"}}`, push.Rejected, "10302", true),
		Entry("10302 status 2 → rejected, token dead", `{"result":10302,"desc":"regId不合法","invalidUser":{"status":2,"userid":"x"}}`, push.Rejected, "10302", true),
		Entry("10302 status 4 → rejected, token fine", `{"result":10302,"desc":"regId不合法","invalidUser":{"status":4,"userid":"x"}}`, push.Rejected, "10302", false),
		Entry("10070 → over quota", `{"result":10070,"desc":"发送总量超出限制"}`, push.OverQuota, "10070", false),
		Entry("10073 → over quota", `{"result":10073,"desc":"x"}`, push.OverQuota, "10073", false),
		Entry("10072 too fast → retryable", `{"result":10072,"desc":"发送速度过快"}`, push.Retryable, "10072", false),
		Entry("10040 → retryable", `{"result":10040,"desc":"x"}`, push.Retryable, "10040", false),
		Entry("10071 outside the window → retryable", `{"result":10071,"desc":"x"}`, push.Retryable, "10071", false),
		Entry("10097 → rejected", `{"result":10097,"desc":"x"}`, push.Rejected, "10097", false),
		Entry("10045 app under review → rejected", `{"result":10045,"desc":"应用审核中不可发送正式消息"}`, push.Rejected, "10045", false),
		Entry("result as a string", `{"result":"0","desc":"请求成功","taskId":121397329}`, push.Sent, "0", false),
		Entry("HTTP 500 → retryable", "HTTP 500 Internet server error!", push.Retryable, "HTTP 500", false),
		Entry("HTTP 404 → rejected", "HTTP 404 Not Found", push.Rejected, "HTTP 404", false),
		Entry("unreadable 200 → retryable", `{"desc":`, push.Retryable, "malformed-answer", false),
	)

	It("reports a transport error as retryable", func() {
		mock.RegisterResponder(http.MethodPost, host+"/message/send", httpmock.NewErrorResponder(errors.New("connection reset")))
		r := client().Send(context.Background(), im, []string{regID(1)})
		Expect(r[0].Kind).To(Equal(push.Retryable))
		Expect(r[0].Code).To(Equal("transport"))
	})

	DescribeTable("turns the click action into skipType",
		func(click push.Click, skipType string, content any) {
			p := im
			p.Click = click
			client().Send(context.Background(), p, []string{regID(1)})
			b := last("/message/send").Body
			Expect(b["skipType"]).To(Equal(json.Number(skipType)))
			if content == nil {
				Expect(b).NotTo(HaveKey("skipContent"))
			} else {
				Expect(b["skipContent"]).To(Equal(content))
			}
		},
		Entry("launcher → 1", push.Click{Type: "launcher"}, "1", nil),
		Entry("url → 2", push.Click{Type: "url", Target: "https://example.com"}, "2", "https://example.com"),
		Entry("intent → 4", push.Click{Type: "intent", Target: "intent://chat#Intent;end"}, "4", "intent://chat#Intent;end"),
		Entry("activity → 4 with its intent", push.Click{Type: "activity", Target: ".Chat"}, "4", "intent:#Intent;component=com.example.chat/.Chat;end"),
		Entry("none → the certificate's", push.Click{}, "4", "intent:#Intent;component=com.example.chat/.Chat;end"),
	)

	DescribeTable("takes classification from the category, else from the class",
		func(category, class string, classification int, wantCat any, want string) {
			cert.Category, cert.Classification = category, classification
			p := im
			p.Category, p.Class = "", class
			client().Send(context.Background(), p, []string{regID(1)})
			b := last("/message/send").Body
			Expect(b["classification"]).To(Equal(json.Number(want)))
			if wantCat == nil {
				Expect(b).NotTo(HaveKey("category"))
			} else {
				Expect(b["category"]).To(Equal(wantCat))
			}
		},
		Entry("IM → 1", "IM", "", 0, "IM", "1"),
		Entry("lower-case im is sent upper-case", "im", "", 0, "IM", "1"),
		Entry("NEWS → 0 even when the certificate says 1", "NEWS", "", 1, "NEWS", "0"),
		Entry("a custom category → 1", "VOIP", "", 0, "VOIP", "1"),
		Entry("no category, private class → 1", "", "private", 0, nil, "1"),
		Entry("no category, certificate classification 1 → 1", "", "", 1, nil, "1"),
		Entry("nothing → 0", "", "", 0, nil, "0"),
	)

	It("cuts title and content to vivo's limits, by the older rule when asked", func() {
		p := im
		p.Title, p.Body = strings.Repeat("字", 45), strings.Repeat("a", 120)
		client().Send(context.Background(), p, []string{regID(1)})
		b := last("/message/send").Body
		Expect(b["title"]).To(Equal(strings.Repeat("字", 40)))
		Expect(b["content"]).To(Equal(strings.Repeat("a", 100)))
		Expect(vivo.Cut(strings.Repeat("字", 25), 40, true)).To(Equal(strings.Repeat("字", 20)))
		Expect(vivo.Cut("字字a", 4, true)).To(Equal("字字"))
	})

	It("sends timeToLive in seconds within 60…86400, a test pushMode, notifyId and Raw fields", func() {
		cert.PushMode = 1
		p := im
		p.TTL, p.NotifyID, p.Raw = 10*time.Second, "42", map[string]string{"sendOnline": "true", "profileId": "u1"}
		client().Send(context.Background(), p, []string{regID(1)})
		b := last("/message/send").Body
		Expect(b).To(HaveKeyWithValue("timeToLive", json.Number("60")))
		Expect(b).To(HaveKeyWithValue("pushMode", json.Number("1")))
		Expect(b).To(HaveKeyWithValue("notifyId", json.Number("42")))
		Expect(b).To(HaveKeyWithValue("sendOnline", true))
		Expect(b).To(HaveKeyWithValue("profileId", "u1"))
		Expect(vivo.NotifyID("abc")).To(And(BeNumerically(">=", 1), BeNumerically("<=", 2147483647)))
	})

	It("gives pushes without an ID requestIds of their own, so two are never taken for one", func() {
		c := client()
		p := im
		p.ID = ""
		c.Send(context.Background(), p, []string{regID(1)})
		c.Send(context.Background(), p, []string{regID(1)})
		Expect(calls[1].Body["requestId"]).NotTo(Equal(calls[2].Body["requestId"]))
	})

	It("derives requestIds of at most 64 characters", func() {
		id := vivo.RequestID(strings.Repeat("x", 200), []string{regID(1)})
		Expect(len(id)).To(BeNumerically("<=", 64))
		Expect(vivo.RequestID("m1", []string{regID(1), regID(2)})).To(Equal(vivo.RequestID("m1", []string{regID(2), regID(1)})))
		Expect(vivo.RequestID("m1", []string{regID(1)})).NotTo(Equal(vivo.RequestID("m1", []string{regID(2)})))
		Expect(vivo.RequestID("m1", []string{regID(1)})).NotTo(Equal(vivo.RequestID("m2", []string{regID(1)})))
	})
})
