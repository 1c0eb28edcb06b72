package meizu_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jarcoal/httpmock"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/dispatcher/meizu"
	"github.com/pushsim/pushsim/dispatcher/push"
)

const realURL = "https://server-api-push.meizu.com/garcia/api/server/push/varnished/pushByPushId"

// captured is one request as the mock saw it.
type captured struct {
	URL    string
	Header http.Header
	Form   url.Values
	Msg    map[string]any // messageJson, decoded
}

// signOf recomputes the sign of a form the test's own way.
func signOf(f url.Values, secret string) string {
	var names []string
	for k := range f {
		if k != "sign" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	s := ""
	for _, k := range names {
		s += k + "=" + f.Get(k)
	}
	sum := md5.Sum([]byte(s + secret))
	return hex.EncodeToString(sum[:])
}

var _ = Describe("Meizu client", func() {
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
		var m map[string]any
		if s := f.Get("messageJson"); s != "" {
			Expect(json.Unmarshal([]byte(s), &m)).To(Succeed(), s)
		}
		mu.Lock()
		reqs = append(reqs, captured{URL: req.URL.String(), Header: req.Header.Clone(), Form: f, Msg: m})
		mu.Unlock()
	}
	answer := func(status int, body string, header ...string) httpmock.Responder {
		return func(req *http.Request) (*http.Response, error) {
			record(req)
			resp := httpmock.NewStringResponse(status, body)
			resp.Header.Set("Content-Type", "application/json;charset=UTF-8")
			for i := 0; i+1 < len(header); i += 2 {
				resp.Header.Set(header[i], header[i+1])
			}
			return resp, nil
		}
	}
	ok := answer(200, `{"code":"200","message":"","msgId":"c2ee5c3bf00448cfbceb7fdf68c3c8eb","value":{}}`)
	client := func() push.Client {
		c, err := meizu.New(cert, push.Options{HTTPClient: hc, Timeout: time.Second})
		Expect(err).NotTo(HaveOccurred())
		return c
	}
	path := func(m map[string]any, p string) any {
		var v any = m
		for _, k := range strings.Split(p, ".") {
			v = v.(map[string]any)[k]
		}
		return v
	}

	BeforeEach(func() {
		mock = httpmock.NewMockTransport()
		hc = &http.Client{Transport: mock}
		reqs = nil
		cert = push.Certificate{BusinessID: 5, Vendor: "meizu", AppID: "110000", AppSecret: "0123456789abcdef0123456789abcdef",
			Package: "com.example.chat", NoticeMsgType: 1, Click: push.Click{Type: "activity", Target: "com.example.chat.MainActivity"}}
	})

	It("refuses a certificate without app_id or app_secret, or with a bad base URL", func() {
		_, err := meizu.New(push.Certificate{AppSecret: "s"}, push.Options{})
		Expect(err).To(MatchError(ContainSubstring("app_id")))
		_, err = meizu.New(push.Certificate{AppID: "1"}, push.Options{})
		Expect(err).To(MatchError(ContainSubstring("app_secret")))
		_, err = meizu.New(push.Certificate{AppID: "1", AppSecret: "s", BaseURL: "not a url"}, push.Options{})
		Expect(err).To(HaveOccurred())
	})

	It("posts a signed form to the real host, with the IM notification in messageJson", func() {
		mock.RegisterResponder("POST", realURL, ok)
		res := client().Send(context.Background(), push.Push{ID: "m1", Title: "Bob", Body: "晚上一起吃饭吗？"}, []string{"tokA"})
		Expect(res).To(Equal([]push.Result{{Token: "tokA", Kind: push.Sent, Code: "200", MessageID: "c2ee5c3bf00448cfbceb7fdf68c3c8eb"}}))
		Expect(reqs).To(HaveLen(1))
		r := reqs[0]
		Expect(r.Header.Get("Content-Type")).To(HavePrefix("application/x-www-form-urlencoded"))
		Expect(r.Form.Get("appId")).To(Equal("110000"))
		Expect(r.Form.Get("pushIds")).To(Equal("tokA"))
		Expect(r.Form.Get("sign")).To(Equal(signOf(r.Form, cert.AppSecret)))
		Expect(r.Form).NotTo(HaveKey("restrictedPackageNames"))
		Expect(r.Msg["noticeBarInfo"]).To(Equal(map[string]any{"noticeMsgType": 1.0, "noticeBarType": 0.0, "title": "Bob", "content": "晚上一起吃饭吗？"}))
		Expect(r.Msg["clickTypeInfo"]).To(Equal(map[string]any{"clickType": 1.0, "activity": "com.example.chat.MainActivity"}))
		Expect(r.Msg["pushTimeInfo"]).To(Equal(map[string]any{"offLine": 1.0, "validTime": 24.0}))
		Expect(path(r.Msg, "advanceInfo.notifyKey")).To(Equal("m1"))
		Expect(r.Form.Get("messageJson")).NotTo(ContainSubstring(" "), "compact JSON")
	})

	It("appends the real path to a configured base URL", func() {
		cert.BaseURL = "http://127.0.0.1:4800/meizu/"
		mock.RegisterResponder("POST", "http://127.0.0.1:4800/meizu/garcia/api/server/push/varnished/pushByPushId", ok)
		Expect(client().Send(context.Background(), push.Push{Title: "t", Body: "b"}, []string{"a"})[0].Kind).To(Equal(push.Sent))
	})

	It("carries Ext byte for byte under parameters.ext, beside the extras", func() {
		mock.RegisterResponder("POST", realURL, ok)
		ext := `{"conv":"c2c_bob","html":"<b>&</b>","seq":7, "sp":" é"}`
		client().Send(context.Background(), push.Push{Title: "t", Body: "b", Ext: ext, Extras: map[string]string{"ext": "loses", "n": "3"}}, []string{"a"})
		var m struct {
			ClickTypeInfo struct {
				Parameters map[string]string `json:"parameters"`
			} `json:"clickTypeInfo"`
		}
		Expect(json.Unmarshal([]byte(reqs[0].Form.Get("messageJson")), &m)).To(Succeed())
		Expect(m.ClickTypeInfo.Parameters).To(Equal(map[string]string{"ext": ext, "n": "3"}))
		Expect(reqs[0].Form.Get("messageJson")).To(ContainSubstring(`<b>&</b>`), "no HTML escaping")
	})

	DescribeTable("maps the click action onto clickTypeInfo",
		func(click push.Click, want map[string]any) {
			mock.RegisterResponder("POST", realURL, ok)
			client().Send(context.Background(), push.Push{Title: "t", Body: "b", Click: click}, []string{"a"})
			Expect(reqs[0].Msg["clickTypeInfo"]).To(Equal(want))
		},
		Entry("launcher → 0", push.Click{Type: "launcher"}, map[string]any{"clickType": 0.0}),
		Entry("activity → 1", push.Click{Type: "activity", Target: "com.example.chat.Chat"}, map[string]any{"clickType": 1.0, "activity": "com.example.chat.Chat"}),
		Entry("a relative activity gets the package", push.Click{Type: "activity", Target: ".Chat"}, map[string]any{"clickType": 1.0, "activity": "com.example.chat.Chat"}),
		Entry("the guide's activity： prefix is dropped", push.Click{Type: "activity", Target: "activity：com.example.chat.Chat"}, map[string]any{"clickType": 1.0, "activity": "com.example.chat.Chat"}),
		Entry("url → 2", push.Click{Type: "url", Target: "https://example.com/x"}, map[string]any{"clickType": 2.0, "url": "https://example.com/x"}),
		Entry("intent → 2 with the intent URI", push.Click{Type: "intent", Target: "intent:#Intent;component=com.example.chat/.Main;end"},
			map[string]any{"clickType": 2.0, "url": "intent:#Intent;component=com.example.chat/.Main;end"}),
	)

	DescribeTable("chooses noticeMsgType: 1 (private) for IM, 0 (public) otherwise",
		func(edit func(*push.Certificate, *push.Push), want float64) {
			mock.RegisterResponder("POST", realURL, ok)
			cert.NoticeMsgType = 0
			p := push.Push{Title: "t", Body: "b"}
			edit(&cert, &p)
			client().Send(context.Background(), p, []string{"a"})
			Expect(path(reqs[0].Msg, "noticeBarInfo.noticeMsgType")).To(Equal(want))
		},
		Entry("certificate notice_msg_type 1", func(c *push.Certificate, _ *push.Push) { c.NoticeMsgType = 1 }, 1.0),
		Entry("certificate category IM", func(c *push.Certificate, _ *push.Push) { c.Category = "IM" }, 1.0),
		Entry("certificate class private", func(c *push.Certificate, _ *push.Push) { c.Class = "private" }, 1.0),
		Entry("nothing said", func(*push.Certificate, *push.Push) {}, 0.0),
		Entry("the push says public", func(c *push.Certificate, p *push.Push) { c.NoticeMsgType = 1; p.Class = "public" }, 0.0),
		Entry("the push says private", func(_ *push.Certificate, p *push.Push) { p.Class = "private" }, 1.0),
	)

	It("turns the TTL into validTime hours within 1–72, and NotifyID/ID into a notifyKey that fits", func() {
		Expect(meizu.ValidTime(0)).To(Equal(24))
		Expect(meizu.ValidTime(90 * time.Second)).To(Equal(1))
		Expect(meizu.ValidTime(2 * time.Hour)).To(Equal(2))
		Expect(meizu.ValidTime(2*time.Hour + time.Second)).To(Equal(3))
		Expect(meizu.ValidTime(30 * 24 * time.Hour)).To(Equal(72))
		Expect(meizu.NotifyKey("conv_1")).To(Equal("conv_1"))
		long := meizu.NotifyKey("a-very-long-dispatcher-message-id")
		Expect(long).To(MatchRegexp(`^n[0-9a-f]{7}$`))
		Expect(meizu.NotifyKey("a-very-long-dispatcher-message-id")).To(Equal(long))
		Expect(meizu.NotifyKey("会话")).To(MatchRegexp(`^n[0-9a-f]{7}$`))

		mock.RegisterResponder("POST", realURL, ok)
		client().Send(context.Background(), push.Push{ID: "m1", NotifyID: "c1", Title: "t", Body: "b", TTL: 3 * time.Hour}, []string{"a"})
		Expect(path(reqs[0].Msg, "advanceInfo.notifyKey")).To(Equal("c1"))
		Expect(path(reqs[0].Msg, "pushTimeInfo.validTime")).To(Equal(3.0))
	})

	It("sends Raw: dotted keys into messageJson, others as form fields, and signs what is sent", func() {
		mock.RegisterResponder("POST", realURL, ok)
		cert.Settings = map[string]string{"restrict_package": "true"}
		client().Send(context.Background(), push.Push{Title: "t", Body: "b", Raw: map[string]string{
			"noticeBarInfo.noticeMsgType": "0", "advanceInfo.suspend": "true", "noticeBarInfo.title": `"123"`,
			"clickTypeInfo.url": "plain text", "extra": "x",
		}}, []string{"a"})
		r := reqs[0]
		Expect(path(r.Msg, "noticeBarInfo.noticeMsgType")).To(Equal(0.0))
		Expect(path(r.Msg, "noticeBarInfo.title")).To(Equal("123"))
		Expect(path(r.Msg, "advanceInfo.suspend")).To(BeTrue())
		Expect(path(r.Msg, "clickTypeInfo.url")).To(Equal("plain text"))
		Expect(r.Form.Get("extra")).To(Equal("x"))
		Expect(r.Form.Get("restrictedPackageNames")).To(Equal("com.example.chat"))
		Expect(r.Form.Get("sign")).To(Equal(signOf(r.Form, cert.AppSecret)))
	})

	It("sends pass-through to the unvarnished path with the ext as content", func() {
		mock.RegisterResponder("POST", "https://server-api-push.meizu.com/garcia/api/server/push/unvarnished/pushByPushId",
			answer(200, `{"code":"110053","message":"透传超过限制","value":"","redirect":""}`))
		res := client().Send(context.Background(), push.Push{Title: "t", Body: "b", Ext: `{"cmd":"sync"}`, PassThrough: true}, []string{"a"})
		Expect(reqs[0].Msg).To(Equal(map[string]any{"title": "t", "content": `{"cmd":"sync"}`, "pushTimeInfo": map[string]any{"offLine": 1.0, "validTime": 24.0}}))
		Expect(res[0]).To(Equal(push.Result{Token: "a", Kind: push.OverQuota, Code: "110053", Reason: "透传超过限制"}))
	})

	It("sends at most 100 pushIds per request", func() {
		mock.RegisterResponder("POST", realURL, ok)
		tokens := make([]string, 250)
		for i := range tokens {
			tokens[i] = "t" + string(rune('A'+i%26)) + strings.Repeat("x", i/26)
		}
		res := client().Send(context.Background(), push.Push{Title: "t", Body: "b"}, tokens)
		Expect(res).To(HaveLen(250))
		Expect(reqs).To(HaveLen(3))
		var sizes []int
		for _, r := range reqs {
			sizes = append(sizes, len(strings.Split(r.Form.Get("pushIds"), ",")))
			Expect(r.Form.Get("sign")).To(Equal(signOf(r.Form, cert.AppSecret)))
		}
		Expect(sizes).To(Equal([]int{100, 100, 50}))
		for i, r := range res {
			Expect(r.Token).To(Equal(tokens[i]))
			Expect(r.Kind).To(Equal(push.Sent))
		}
	})

	It("maps every per-target code in value onto its token, and sends the rest", func() {
		mock.RegisterResponder("POST", realURL, answer(200, `{"code":"200","message":"","msgId":"mid","value":{
			"110002":["u"],"110003":["i"],"110005":["al"],"110010":["off"],"110011":["q"],"518":["r"],"520":["f"],"519":["o"],"201":["p"]}}`))
		toks := []string{"ok", "u", "i", "al", "off", "q", "r", "f", "o", "p"}
		res := client().Send(context.Background(), push.Push{Title: "t", Body: "b"}, toks)
		got := map[string]push.Result{}
		for _, r := range res {
			got[r.Token] = r
		}
		Expect(got).To(HaveLen(len(toks)))
		Expect(got["ok"]).To(Equal(push.Result{Token: "ok", Kind: push.Sent, Code: "200", MessageID: "mid"}))
		for _, t := range []string{"u", "i", "al"} {
			Expect(got[t].Kind).To(Equal(push.Rejected), t)
			Expect(got[t].InvalidToken).To(BeTrue(), t)
		}
		Expect(got["off"]).To(beResult("off", push.Rejected, "110010", false))
		Expect(got["q"]).To(beResult("q", push.OverQuota, "110011", false))
		Expect(got["r"]).To(beResult("r", push.Retryable, "518", false))
		Expect(got["f"]).To(beResult("f", push.Retryable, "520", false))
		Expect(got["f"].RetryAfter).To(Equal(time.Minute))
		Expect(got["o"].Kind).To(Equal(push.Retryable))
		Expect(got["p"].Kind).To(Equal(push.Rejected))
		Expect(got["p"].InvalidToken).To(BeFalse())
	})

	DescribeTable("classifies request-level answers for the whole batch",
		func(status int, body string, kind push.Kind, code string, retryAfter time.Duration) {
			mock.RegisterResponder("POST", realURL, answer(status, body))
			res := client().Send(context.Background(), push.Push{Title: "t", Body: "b"}, []string{"a", "b"})
			Expect(res).To(HaveLen(2))
			for _, r := range res {
				Expect(r.Kind).To(Equal(kind))
				Expect(r.Code).To(Equal(code))
				Expect(r.RetryAfter).To(Equal(retryAfter))
				Expect(r.InvalidToken).To(BeFalse())
			}
		},
		Entry("110010 rate limit", 200, `{"code":"110010","message":"应用请求频率超过限制","value":"","redirect":""}`, push.Retryable, "110010", time.Second),
		Entry("1003 busy", 200, `{"code":"1003","message":"服务器忙"}`, push.Retryable, "1003", time.Duration(0)),
		Entry("1006 bad sign", 200, `{"code":"1006","message":"签名认证失败","value":"","redirect":""}`, push.Rejected, "1006", time.Duration(0)),
		Entry("110033 bad secret", 200, `{"code":"110033","message":"非法的appSecret"}`, push.Rejected, "110033", time.Duration(0)),
		Entry("110000 bad appId", 200, `{"code":"110000","message":"appId不合法"}`, push.Rejected, "110000", time.Duration(0)),
		Entry("110019 app daily limit", 200, `{"code":"110019","message":"超过该应用每天推送次数限制"}`, push.OverQuota, "110019", time.Duration(0)),
		Entry("a numeric code", 200, `{"code":1005,"message":"参数错误，请参考API文档"}`, push.Rejected, "1005", time.Duration(0)),
		Entry("HTTP 503", 503, `busy`, push.Retryable, "HTTP 503", time.Duration(0)),
		Entry("HTTP 404", 404, `{}`, push.Rejected, "HTTP 404", time.Duration(0)),
		Entry("an unreadable 200", 200, `<html>`, push.Retryable, "malformed-answer", time.Duration(0)),
	)

	It("honours Retry-After and reports a transport error as retryable for every token", func() {
		mock.RegisterResponder("POST", realURL, answer(503, ``, "Retry-After", "7"))
		Expect(client().Send(context.Background(), push.Push{Title: "t", Body: "b"}, []string{"a"})[0].RetryAfter).To(Equal(7 * time.Second))

		mock.RegisterResponder("POST", realURL, httpmock.NewErrorResponder(errors.New("connection reset")))
		res := client().Send(context.Background(), push.Push{Title: "t", Body: "b"}, []string{"a", "b"})
		Expect(res).To(HaveLen(2))
		for _, r := range res {
			Expect(r.Kind).To(Equal(push.Retryable))
			Expect(r.Code).To(Equal("transport"))
		}
	})

	It("sends the same messageJson, so the same notifyKey, on a retry", func() {
		mock.RegisterResponder("POST", realURL, ok)
		c := client()
		p := push.Push{ID: "dispatcher-message-0001", Title: "t", Body: "b"}
		c.Send(context.Background(), p, []string{"a"})
		c.Send(context.Background(), p, []string{"a"})
		Expect(reqs[0].Form.Get("messageJson")).To(Equal(reqs[1].Form.Get("messageJson")))
		Expect(reqs[0].Form.Get("sign")).To(Equal(reqs[1].Form.Get("sign")))
	})
})

// beResult matches a Result's token, kind, code and InvalidToken.
func beResult(token string, kind push.Kind, code string, invalid bool) OmegaMatcher {
	return And(HaveField("Token", token), HaveField("Kind", kind), HaveField("Code", code), HaveField("InvalidToken", invalid))
}
