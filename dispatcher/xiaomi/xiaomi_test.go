package xiaomi_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jarcoal/httpmock"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/dispatcher/push"
	"github.com/pushsim/pushsim/dispatcher/xiaomi"
)

const realURL = "https://api.xmpush.xiaomi.com/v3/message/regid"

// captured is one request as the mock saw it.
type captured struct {
	Header http.Header
	Form   url.Values
	Body   string
}

var _ = Describe("Xiaomi client", func() {
	var (
		mock *httpmock.MockTransport
		hc   *http.Client
		mu   sync.Mutex
		reqs []captured
		cert push.Certificate
	)

	record := func(req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		f, err := url.ParseQuery(string(b))
		Expect(err).NotTo(HaveOccurred())
		mu.Lock()
		reqs = append(reqs, captured{Header: req.Header.Clone(), Form: f, Body: string(b)})
		mu.Unlock()
	}
	answer := func(status int, body string, header ...string) httpmock.Responder {
		return func(req *http.Request) (*http.Response, error) {
			record(req)
			resp := httpmock.NewStringResponse(status, body)
			resp.Header.Set("Content-Type", "application/json")
			for i := 0; i+1 < len(header); i += 2 {
				resp.Header.Set(header[i], header[i+1])
			}
			return resp, nil
		}
	}
	ok := answer(200, `{"result":"ok","trace_id":"Xlm01b","code":0,"data":{"id":"scm01b51234567890abcd"},"description":"成功","info":"Received push messages for 1 REGID"}`)
	client := func() push.Client {
		c, err := xiaomi.New(cert, push.Options{HTTPClient: hc, Timeout: time.Second})
		Expect(err).NotTo(HaveOccurred())
		return c
	}

	BeforeEach(func() {
		mock = httpmock.NewMockTransport()
		hc = &http.Client{Transport: mock}
		reqs = nil
		cert = push.Certificate{BusinessID: 1, Vendor: "xiaomi", AppSecret: "s3cr3t==", Package: "com.example.chat", Channel: "im"}
	})

	It("refuses a certificate without app secret or package", func() {
		_, err := xiaomi.New(push.Certificate{Package: "p"}, push.Options{})
		Expect(err).To(MatchError(ContainSubstring("app_secret")))
		_, err = xiaomi.New(push.Certificate{AppSecret: "s"}, push.Options{})
		Expect(err).To(MatchError(ContainSubstring("package")))
	})

	It("posts to the real host by default, form-encoded with the app secret", func() {
		mock.RegisterResponder("POST", realURL, ok)
		res := client().Send(context.Background(), push.Push{ID: "m1", Title: "Bob", Body: "hi"}, []string{"tokA"})
		Expect(res).To(ConsistOf(push.Result{Token: "tokA", Kind: push.Sent, Code: "0", MessageID: "scm01b51234567890abcd"}))
		Expect(reqs).To(HaveLen(1))
		Expect(reqs[0].Header.Get("Authorization")).To(Equal("key=s3cr3t=="))
		Expect(reqs[0].Header.Get("Content-Type")).To(HavePrefix("application/x-www-form-urlencoded"))
		f := reqs[0].Form
		Expect(f.Get("registration_id")).To(Equal("tokA"))
		Expect(f.Get("restricted_package_name")).To(Equal("com.example.chat"))
		Expect(f.Get("title")).To(Equal("Bob"))
		Expect(f.Get("description")).To(Equal("hi"))
		Expect(f.Get("pass_through")).To(Equal("0"))
		Expect(f.Get("extra.channel_id")).To(Equal("im"))
		Expect(f.Get("extra.jobkey")).To(Equal("m1"))
	})

	It("appends the real path to a configured base URL", func() {
		cert.BaseURL = "http://127.0.0.1:4800/xiaomi/"
		mock.RegisterResponder("POST", "http://127.0.0.1:4800/xiaomi/v3/message/regid", ok)
		res := client().Send(context.Background(), push.Push{Title: "t", Body: "b"}, []string{"a"})
		Expect(res[0].Kind).To(Equal(push.Sent))
	})

	It("maps every Push field onto MiPush's form fields", func() {
		mock.RegisterResponder("POST", realURL, ok)
		p := push.Push{
			ID: "a-very-long-dispatcher-message-id-0001", Title: "t", Body: "b",
			PassThrough: true, Channel: "chat-private", Sound: "ding.mp3",
			NotifyID: "42", TTL: 90 * time.Second,
			Click:  push.Click{Type: "intent", Target: "intent://x/y#Intent;scheme=s;end"},
			Extras: map[string]string{"conv": "c1"},
			Raw:    map[string]string{"notify_type": "-1", "extra.notify_foreground": "0"},
		}
		client().Send(context.Background(), p, []string{"a"})
		f := reqs[0].Form
		Expect(f.Get("pass_through")).To(Equal("1"))
		Expect(f.Get("extra.channel_id")).To(Equal("chat-private"), "the push's channel beats the certificate's")
		Expect(f.Get("extra.sound_uri")).To(Equal("android.resource://com.example.chat/raw/ding"))
		Expect(f.Get("notify_id")).To(Equal("42"))
		Expect(f.Get("time_to_live")).To(Equal("90000"))
		Expect(f.Get("extra.notify_effect")).To(Equal("2"))
		Expect(f.Get("extra.intent_uri")).To(Equal("intent://x/y#Intent;scheme=s;end"))
		Expect(f.Get("extra.conv")).To(Equal("c1"))
		Expect(f.Get("notify_type")).To(Equal("-1"))
		Expect(f.Get("extra.notify_foreground")).To(Equal("0"))
		Expect(f.Get("extra.jobkey")).To(MatchRegexp(`^m[0-9a-f]{16}$`))
	})

	DescribeTable("click actions from the certificate",
		func(click push.Click, effect, key, value string) {
			mock.RegisterResponder("POST", realURL, ok)
			cert.Click = click
			client().Send(context.Background(), push.Push{Title: "t", Body: "b"}, []string{"a"})
			f := reqs[0].Form
			Expect(f.Get("extra.notify_effect")).To(Equal(effect))
			if key != "" {
				Expect(f.Get(key)).To(Equal(value))
			}
		},
		Entry("launcher → 1", push.Click{Type: "launcher"}, "1", "", ""),
		Entry("intent → 2 with intent_uri", push.Click{Type: "intent", Target: "intent://h/p#Intent;scheme=ps;launchFlags=0x4000000;component=a/b.C;end"},
			"2", "extra.intent_uri", "intent://h/p#Intent;scheme=ps;launchFlags=0x4000000;component=a/b.C;end"),
		Entry("url → 3 with web_uri", push.Click{Type: "url", Target: "https://example.com/x"}, "3", "extra.web_uri", "https://example.com/x"),
		Entry("activity → 2 with the intent naming it", push.Click{Type: "activity", Target: "com.example.chat.Main"},
			"2", "extra.intent_uri", "intent:#Intent;component=com.example.chat/com.example.chat.Main;end"),
		Entry("none → client-defined", push.Click{}, "", "", ""),
	)

	It("carries ext in extra.ext (what the guide's app reads on a tap) and in payload, byte for byte", func() {
		mock.RegisterResponder("POST", realURL, ok)
		ext := "{\"k\":\"a&b=c+d%20e\",\"zh\":\"你好\"}\x00\xff\xfe raw"
		client().Send(context.Background(), push.Push{Title: "t", Body: "b", Ext: ext, Extras: map[string]string{"ext": "not this", "conv": "c1"}}, []string{"a"})
		Expect([]byte(reqs[0].Form.Get("payload"))).To(Equal([]byte(ext)))
		Expect([]byte(reqs[0].Form.Get("extra.ext"))).To(Equal([]byte(ext)))
		Expect(reqs[0].Form["extra.ext"]).To(HaveLen(1))
		Expect(reqs[0].Form.Get("extra.conv")).To(Equal("c1"))
	})

	It("puts an ext over 1024 characters in payload only (MiPush refuses a longer extra with the message)", func() {
		mock.RegisterResponder("POST", realURL, ok)
		fits, long := strings.Repeat("文", xiaomi.ExtraMax), strings.Repeat("文", xiaomi.ExtraMax+1)
		client().Send(context.Background(), push.Push{Title: "t", Body: "b", Ext: fits}, []string{"a"})
		client().Send(context.Background(), push.Push{Title: "t", Body: "b", Ext: long}, []string{"a"})
		Expect(reqs[0].Form.Get("extra.ext")).To(Equal(fits))
		Expect(reqs[1].Form).NotTo(HaveKey("extra.ext"))
		Expect(reqs[1].Form.Get("payload")).To(Equal(long))
	})

	It("splits 2500 regIds into 3 requests of at most 1000", func() {
		mock.RegisterResponder("POST", realURL, ok)
		tokens := make([]string, 2500)
		for i := range tokens {
			tokens[i] = fmt.Sprintf("tok%04d", i)
		}
		res := client().Send(context.Background(), push.Push{Title: "t", Body: "b"}, tokens)
		Expect(mock.GetTotalCallCount()).To(Equal(3))
		var sizes []int
		seen := map[string]bool{}
		for _, r := range reqs {
			ids := strings.Split(r.Form.Get("registration_id"), ",")
			sizes = append(sizes, len(ids))
			for _, id := range ids {
				seen[id] = true
			}
		}
		Expect(sizes).To(Equal([]int{1000, 1000, 500}))
		Expect(seen).To(HaveLen(2500))
		Expect(res).To(HaveLen(2500))
		for _, r := range res {
			Expect(r.Kind).To(Equal(push.Sent))
		}
	})

	It("marks the regIds in data.bad_regids invalid and the rest sent", func() {
		mock.RegisterResponder("POST", realURL, answer(200,
			`{"result":"ok","code":0,"data":{"id":"scm1","bad_regids":"b,c"},"description":"成功","trace_id":"X1"}`))
		res := client().Send(context.Background(), push.Push{Title: "t", Body: "b"}, []string{"a", "b", "c"})
		Expect(res).To(ConsistOf(
			push.Result{Token: "a", Kind: push.Sent, Code: "0", MessageID: "scm1"},
			push.Result{Token: "b", Kind: push.Rejected, Code: "0", Reason: "listed in data.bad_regids", InvalidToken: true},
			push.Result{Token: "c", Kind: push.Rejected, Code: "0", Reason: "listed in data.bad_regids", InvalidToken: true},
		))
	})

	DescribeTable("maps answers onto outcome kinds",
		func(status int, body string, kind push.Kind, code string, invalid bool, retryAfter time.Duration) {
			hdr := []string{}
			if retryAfter > 0 {
				hdr = []string{"Retry-After", fmt.Sprint(int(retryAfter.Seconds()))}
			}
			mock.RegisterResponder("POST", realURL, answer(status, body, hdr...))
			res := client().Send(context.Background(), push.Push{Title: "t", Body: "b"}, []string{"a", "b"})
			Expect(res).To(HaveLen(2))
			for _, r := range res {
				Expect(r.Kind).To(Equal(kind))
				Expect(r.Code).To(Equal(code))
				Expect(r.InvalidToken).To(Equal(invalid))
				Expect(r.RetryAfter).To(Equal(retryAfter))
			}
		},
		Entry("20301 no valid targets", 200, `{"result":"error","code":20301,"description":"发送消息失败","reason":"No valid targets!","trace_id":"X"}`, push.Rejected, "20301", true, time.Duration(0)),
		Entry("200001 over quota", 200, `{"result":"error","code":200001,"description":"x","reason":"exceed quota, quota: 1, have acked: 1"}`, push.OverQuota, "200001", false, time.Duration(0)),
		Entry("200002 QPS", 200, `{"result":"error","code":200002,"reason":"qps"}`, push.Retryable, "200002", false, 3*time.Second),
		Entry("10027 too frequent", 200, `{"result":"error","code":10027,"reason":"too frequent"}`, push.Retryable, "10027", false, time.Duration(0)),
		Entry("10002 busy", 200, `{"result":"error","code":"10002","reason":"busy"}`, push.Retryable, "10002", false, time.Duration(0)),
		Entry("10001 system error", 200, `{"result":"error","code":10001}`, push.Retryable, "10001", false, time.Duration(0)),
		Entry("21301 bad secret", 200, `{"result":"error","code":21301,"description":"认证失败","reason":"Invalid application secret."}`, push.Rejected, "21301", false, time.Duration(0)),
		Entry("27001 channel", 200, `{"result":"error","code":27001,"reason":"invalid channel info!"}`, push.Rejected, "27001", false, time.Duration(0)),
		Entry("HTTP 503 with Retry-After", 503, `oops`, push.Retryable, "HTTP 503", false, 7*time.Second),
		Entry("HTTP 500", 500, ``, push.Retryable, "HTTP 500", false, time.Duration(0)),
		Entry("HTTP 429", 429, ``, push.Retryable, "HTTP 429", false, 2*time.Second),
		Entry("truncated 200 body", 200, `{"result":"ok","co`, push.Retryable, "malformed-answer", false, time.Duration(0)),
		Entry("HTTP 404 without JSON", 404, `not found`, push.Rejected, "HTTP 404", false, time.Duration(0)),
	)

	It("keeps the reason text of a rejection", func() {
		mock.RegisterResponder("POST", realURL, answer(200, `{"result":"error","code":21301,"description":"认证失败","reason":"Invalid application secret."}`))
		res := client().Send(context.Background(), push.Push{Title: "t", Body: "b"}, []string{"a"})
		Expect(res[0].Reason).To(ContainSubstring("Invalid application secret."))
	})

	It("turns transport errors into retryable results, one per token", func() {
		mock.RegisterResponder("POST", realURL, httpmock.NewErrorResponder(errors.New("connection reset by peer")))
		res := client().Send(context.Background(), push.Push{Title: "t", Body: "b"}, []string{"a", "b", "c"})
		Expect(res).To(HaveLen(3))
		for _, r := range res {
			Expect(r.Kind).To(Equal(push.Retryable))
			Expect(r.Reason).To(ContainSubstring("connection reset"))
		}
	})

	It("gives up on a hanging vendor after the timeout", func() {
		mock.RegisterResponder("POST", realURL, func(req *http.Request) (*http.Response, error) {
			<-req.Context().Done()
			return nil, req.Context().Err()
		})
		c, err := xiaomi.New(cert, push.Options{HTTPClient: hc, Timeout: 20 * time.Millisecond})
		Expect(err).NotTo(HaveOccurred())
		res := c.Send(context.Background(), push.Push{Title: "t", Body: "b"}, []string{"a"})
		Expect(res[0].Kind).To(Equal(push.Retryable))
	})

	It("reads Retry-After as an HTTP date too", func() {
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		Expect(xiaomi.RetryAfter(now.Add(30*time.Second).Format(http.TimeFormat), now)).To(Equal(30 * time.Second))
		Expect(xiaomi.RetryAfter("12", now)).To(Equal(12 * time.Second))
		Expect(xiaomi.RetryAfter("soon", now)).To(BeZero())
		Expect(xiaomi.RetryAfter("-3", now)).To(BeZero())
	})

	It("derives stable notify ids and job keys", func() {
		Expect(xiaomi.NotifyID("7")).To(Equal(int32(7)))
		Expect(xiaomi.NotifyID("conv-1")).To(Equal(xiaomi.NotifyID("conv-1")))
		Expect(xiaomi.NotifyID("conv-1")).To(BeNumerically(">=", 0))
		Expect(xiaomi.NotifyID("-5")).To(BeNumerically(">=", 0))
		Expect(xiaomi.JobKey("abc_DEF-1")).To(Equal("abc_DEF-1"))
		Expect(xiaomi.JobKey("_x")).To(MatchRegexp(`^m[0-9a-f]{16}$`))
		Expect(xiaomi.JobKey("has space")).To(Equal(xiaomi.JobKey("has space")))
		Expect(xiaomi.JobKey("")).To(BeEmpty())
	})
})
