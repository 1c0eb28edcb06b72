package oppo_test

import (
	"context"
	"encoding/json"
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
	. "github.com/onsi/gomega/gstruct"

	"github.com/pushsim/pushsim/dispatcher/oppo"
	"github.com/pushsim/pushsim/dispatcher/push"
)

// fakeOPPO is a scripted OPPO server behind httpmock: it records every
// request and answers with what the spec sets.
type fakeOPPO struct {
	mu       sync.Mutex
	auths    []url.Values
	sends    []sent
	tokenSeq int
	// authAnswer and sendAnswer return (HTTP status, body); nil = success.
	authAnswer func() (int, string)
	sendAnswer func(s sent) (int, string)
}

type sent struct {
	URL  string
	Path string
	Form url.Values
}

func (f *fakeOPPO) messages(i int) []map[string]any {
	GinkgoHelper()
	s := f.sends[i]
	var out []map[string]any
	if m := s.Form.Get("message"); m != "" {
		var one map[string]any
		Expect(json.Unmarshal([]byte(m), &one)).To(Succeed())
		return append(out, one)
	}
	Expect(json.Unmarshal([]byte(s.Form.Get("messages")), &out)).To(Succeed())
	return out
}

func (f *fakeOPPO) notification(i int) map[string]any {
	GinkgoHelper()
	return f.messages(i)[0]["notification"].(map[string]any)
}

func (f *fakeOPPO) install(base string) *http.Client {
	mock := httpmock.NewMockTransport()
	form := func(r *http.Request) url.Values {
		b, _ := io.ReadAll(r.Body)
		v, err := url.ParseQuery(string(b))
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Header.Get("Content-Type")).To(HavePrefix("application/x-www-form-urlencoded"))
		Expect(r.Method).To(Equal(http.MethodPost))
		return v
	}
	mock.RegisterResponder(http.MethodPost, base+oppo.AuthPath, func(r *http.Request) (*http.Response, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.auths = append(f.auths, form(r))
		if f.authAnswer != nil {
			st, body := f.authAnswer()
			return httpmock.NewStringResponse(st, body), nil
		}
		f.tokenSeq++
		return httpmock.NewStringResponse(200, fmt.Sprintf(`{"code":0,"message":"Success","data":{"auth_token":"tok-%d","create_time":1}}`, f.tokenSeq)), nil
	})
	sendResponder := func(path string) httpmock.Responder {
		return func(r *http.Request) (*http.Response, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			s := sent{URL: r.URL.String(), Path: path, Form: form(r)}
			f.sends = append(f.sends, s)
			if f.sendAnswer != nil {
				st, body := f.sendAnswer(s)
				return httpmock.NewStringResponse(st, body), nil
			}
			return httpmock.NewStringResponse(200, success(s)), nil
		}
	}
	mock.RegisterResponder(http.MethodPost, base+oppo.UnicastPath, sendResponder(oppo.UnicastPath))
	mock.RegisterResponder(http.MethodPost, base+oppo.BatchPath, sendResponder(oppo.BatchPath))
	return &http.Client{Transport: mock}
}

// success answers a send the way OPPO does when every target is fine.
func success(s sent) string {
	if s.Path == oppo.UnicastPath {
		return `{"code":0,"message":"","data":{"messageId":"3000-1-1-aaa"}}`
	}
	var ms []map[string]any
	_ = json.Unmarshal([]byte(s.Form.Get("messages")), &ms)
	items := make([]map[string]any, len(ms))
	for i, m := range ms {
		items[i] = map[string]any{"messageId": fmt.Sprintf("3000-1-1-%d", i), "registrationId": m["target_value"]}
	}
	b, _ := json.Marshal(map[string]any{"code": 0, "message": "", "data": items})
	return string(b)
}

func regID(i int) string { return fmt.Sprintf("OPPO_CN_%032x", i) }

func regIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = regID(i)
	}
	return out
}

var cert = push.Certificate{
	Vendor: "oppo", AppKey: "appkey", MasterSecret: "mastersecret", AppSecret: "appsecret",
	Package: "com.example.chat", BaseURL: "http://pushsim.test/oppo",
	Channel: "im", Category: "IM", NotifyLevel: 2, TemplateID: "tpl-1",
	Click: push.Click{Type: "activity", Target: ".ChatActivity"},
}

var _ = Describe("OPPO client", func() {
	var (
		fake  *fakeOPPO
		now   time.Time
		c     push.Client
		build func(push.Certificate) push.Client
		ctx   = context.Background()
	)
	BeforeEach(func() {
		fake = &fakeOPPO{}
		now = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		build = func(ct push.Certificate) push.Client {
			base := strings.TrimRight(ct.BaseURL, "/")
			if base == "" {
				base = oppo.DefaultBaseURL
			}
			cl, err := oppo.New(ct, push.Options{HTTPClient: fake.install(base), Now: func() time.Time { return now }})
			Expect(err).NotTo(HaveOccurred())
			return cl
		}
		c = build(cert)
	})

	It("refuses a certificate without app_key or master_secret", func() {
		_, err := oppo.New(push.Certificate{AppKey: "k"}, push.Options{})
		Expect(err).To(MatchError(ContainSubstring("master_secret")))
		_, err = oppo.New(push.Certificate{MasterSecret: "s"}, push.Options{})
		Expect(err).To(MatchError(ContainSubstring("app_key")))
	})

	Describe("auth", func() {
		It("signs app_key + timestamp(ms) + master_secret and sends the token as auth_token", func() {
			r := c.Send(ctx, push.Push{ID: "m1", Title: "t", Body: "b"}, []string{regID(1)})
			Expect(r[0].Kind).To(Equal(push.Sent))
			Expect(fake.auths).To(HaveLen(1))
			a := fake.auths[0]
			Expect(a.Get("app_key")).To(Equal("appkey"))
			Expect(a.Get("timestamp")).To(Equal("1772359200000"))
			Expect(a.Get("sign")).To(Equal(oppo.Sign("appkey", "1772359200000", "mastersecret")))
			Expect(fake.sends[0].Form.Get("auth_token")).To(Equal("tok-1"))
		})

		It("caches the token and refreshes it an hour before its 24 hours end", func() {
			send := func() { c.Send(ctx, push.Push{ID: "m", Title: "t", Body: "b"}, []string{regID(1)}) }
			send()
			now = now.Add(22*time.Hour + 59*time.Minute)
			send()
			Expect(fake.auths).To(HaveLen(1))
			now = now.Add(time.Minute)
			send()
			Expect(fake.auths).To(HaveLen(2))
			Expect(fake.sends[2].Form.Get("auth_token")).To(Equal("tok-2"))
		})

		It("signs in again once on 11 Invalid AuthToken and resends", func() {
			fake.sendAnswer = func(s sent) (int, string) {
				if s.Form.Get("auth_token") == "tok-1" {
					return 200, `{"code":11,"message":"Invalid AuthToken"}`
				}
				return 200, success(s)
			}
			r := c.Send(ctx, push.Push{ID: "m", Title: "t", Body: "b"}, []string{regID(1)})
			Expect(r[0].Kind).To(Equal(push.Sent))
			Expect(fake.auths).To(HaveLen(2))
			Expect(fake.sends).To(HaveLen(2))
			// Both attempts carry the same app_message_id.
			Expect(fake.notification(0)["app_message_id"]).To(Equal(fake.notification(1)["app_message_id"]))
		})

		It("gives up after one refresh: a second 11 is retryable", func() {
			fake.sendAnswer = func(sent) (int, string) { return 200, `{"code":11,"message":"Invalid AuthToken"}` }
			r := c.Send(ctx, push.Push{ID: "m", Title: "t", Body: "b"}, []string{regID(1)})
			Expect(r[0]).To(MatchFields(IgnoreExtras, Fields{"Kind": Equal(push.Retryable), "Code": Equal("11")}))
			Expect(fake.auths).To(HaveLen(2))
			Expect(fake.sends).To(HaveLen(2))
		})

		It("rejects every token when OPPO refuses the credentials", func() {
			fake.authAnswer = func() (int, string) { return 200, `{"code":16,"message":"Invalid Signature"}` }
			r := c.Send(ctx, push.Push{ID: "m", Title: "t", Body: "b"}, regIDs(3))
			Expect(r).To(HaveLen(3))
			for i, x := range r {
				Expect(x.Token).To(Equal(regID(i)))
				Expect(x.Kind).To(Equal(push.Rejected))
				Expect(x.Code).To(Equal("16"))
				Expect(x.Reason).To(Equal("auth: Invalid Signature"))
			}
			Expect(fake.sends).To(BeEmpty())
		})

		It("retries when the auth call itself fails", func() {
			fake.authAnswer = func() (int, string) { return 503, "busy" }
			r := c.Send(ctx, push.Push{ID: "m", Title: "t", Body: "b"}, regIDs(2))
			Expect(r[0].Kind).To(Equal(push.Retryable))
			Expect(r[1].Kind).To(Equal(push.Retryable))
		})

		It("signs in once for many concurrent senders", func() {
			var wg sync.WaitGroup
			for range 8 {
				wg.Go(func() { c.Send(ctx, push.Push{ID: "m", Title: "t", Body: "b"}, []string{regID(1)}) })
			}
			wg.Wait()
			Expect(fake.auths).To(HaveLen(1))
		})
	})

	Describe("the notification", func() {
		It("carries the certificate's channel, category, notify_level, template and click action", func() {
			p := push.Push{ID: "msg-1", Title: "Bob", Body: "hi <there> & you", TTL: 2 * time.Hour, NotifyID: "42", Badge: 3}
			c.Send(ctx, p, []string{regID(1)})
			Expect(fake.sends[0].Path).To(Equal(oppo.UnicastPath))
			Expect(fake.sends[0].URL).To(Equal("http://pushsim.test/oppo" + oppo.UnicastPath))
			m := fake.messages(0)[0]
			Expect(m["target_type"]).To(BeEquivalentTo(2))
			Expect(m["target_value"]).To(Equal(regID(1)))
			Expect(m["notification"]).To(Equal(map[string]any{
				"app_message_id":          oppo.AppMessageID("msg-1", regID(1)),
				"title":                   "Bob",
				"content":                 "hi <there> & you",
				"channel_id":              "im",
				"category":                "IM",
				"notify_level":            2.0,
				"private_msg_template_id": "tpl-1",
				"click_action_type":       4.0,
				"click_action_activity":   "com.example.chat.ChatActivity",
				"off_line":                true,
				"off_line_ttl":            7200.0,
				"notify_id":               42.0,
				"badge_message_count":     3.0,
				"badge_operation_type":    0.0,
			}))
		})

		It("puts Ext byte-identical under \"ext\" in action_parameters, with the extras", func() {
			ext := `{"conv":"c1","text":"<b>&amp;\u00e9 \\ \"q\""}` + "\t中文"
			c.Send(ctx, push.Push{ID: "m", Title: "t", Body: "b", Ext: ext, Extras: map[string]string{"k": "v", "ext": "loses"}}, []string{regID(1)})
			params := fake.notification(0)["action_parameters"].(string)
			var got map[string]string
			Expect(json.Unmarshal([]byte(params), &got)).To(Succeed())
			Expect(got).To(Equal(map[string]string{oppo.ExtKey: ext, "k": "v"}))
			Expect([]byte(got["ext"])).To(Equal([]byte(ext)))
		})

		It("uses Push.Channel over the certificate's, and sends none with NoChannel", func() {
			c.Send(ctx, push.Push{ID: "m", Title: "t", Body: "b", Channel: "other"}, []string{regID(1)})
			Expect(fake.notification(0)["channel_id"]).To(Equal("other"))
			c.Send(ctx, push.Push{ID: "m", Title: "t", Body: "b", NoChannel: true}, []string{regID(1)})
			Expect(fake.notification(1)).NotTo(HaveKey("channel_id"))
		})

		It("leaves out notify_level when there is no category", func() {
			ct := cert
			ct.Category = ""
			build(ct).Send(ctx, push.Push{ID: "m", Title: "t", Body: "b"}, []string{regID(1)})
			n := fake.notification(0)
			Expect(n).NotTo(HaveKey("category"))
			Expect(n).NotTo(HaveKey("notify_level"))
		})

		It("takes the push's category over the certificate's", func() {
			c.Send(ctx, push.Push{ID: "m", Title: "t", Body: "b", Category: "ORDER"}, []string{regID(1)})
			Expect(fake.notification(0)["category"]).To(Equal("ORDER"))
		})

		DescribeTable("maps click actions onto click_action_type",
			func(ck push.Click, typ float64, field, value string) {
				c.Send(ctx, push.Push{ID: "m", Title: "t", Body: "b", Click: ck}, []string{regID(1)})
				n := fake.notification(0)
				Expect(n["click_action_type"]).To(Equal(typ))
				if field != "" {
					Expect(n[field]).To(Equal(value))
				}
			},
			Entry("launcher → 0", push.Click{Type: "launcher"}, 0.0, "", ""),
			Entry("activity class → 4", push.Click{Type: "activity", Target: "com.x.Main"}, 4.0, "click_action_activity", "com.x.Main"),
			Entry("relative activity → 4 with the package", push.Click{Type: "activity", Target: ".Main"}, 4.0, "click_action_activity", "com.example.chat.Main"),
			Entry("the guide's activity: prefix is stripped", push.Click{Type: "activity", Target: "activity:com.x.Main"}, 4.0, "click_action_activity", "com.x.Main"),
			Entry("the guide's full-width activity： prefix is stripped", push.Click{Type: "activity", Target: " activity： com.tencent.qcloud.tim.demo.main.MainActivity "}, 4.0, "click_action_activity", "com.tencent.qcloud.tim.demo.main.MainActivity"),
			Entry("a prefixed relative activity → 4 with the package", push.Click{Type: "activity", Target: "activity：.Main"}, 4.0, "click_action_activity", "com.example.chat.Main"),
			Entry("action → 1", push.Click{Type: "action", Target: "com.x.OPEN"}, 1.0, "click_action_activity", "com.x.OPEN"),
			Entry("intent URI → 5", push.Click{Type: "intent", Target: "intent://chat#Intent;scheme=x;end"}, 5.0, "click_action_url", "intent://chat#Intent;scheme=x;end"),
			Entry("intent action → 1", push.Click{Type: "intent", Target: "com.x.OPEN"}, 1.0, "click_action_activity", "com.x.OPEN"),
			Entry("url → 2", push.Click{Type: "url", Target: "https://example.com"}, 2.0, "click_action_url", "https://example.com"),
		)

		It("shortens title to 50 and content to 200 characters (or the content_max setting)", func() {
			c.Send(ctx, push.Push{ID: "m", Title: strings.Repeat("标", 60), Body: strings.Repeat("字", 250)}, []string{regID(1)})
			n := fake.notification(0)
			Expect([]rune(n["title"].(string))).To(HaveLen(50))
			Expect(n["title"]).To(HaveSuffix("…"))
			Expect([]rune(n["content"].(string))).To(HaveLen(200))
			ct := cert
			ct.Settings = map[string]string{"content_max": "50"}
			build(ct).Send(ctx, push.Push{ID: "m", Title: "t", Body: strings.Repeat("字", 60)}, []string{regID(1)})
			Expect([]rune(fake.notification(1)["content"].(string))).To(HaveLen(50))
		})

		It("applies Raw fields last, typed, and removes a key with an empty value", func() {
			c.Send(ctx, push.Push{ID: "m", Title: "t", Body: "b", Raw: map[string]string{"style": "2", "channel_id": "", "off_line": "false", "sub_title": "s"}}, []string{regID(1)})
			n := fake.notification(0)
			Expect(n["style"]).To(Equal(2.0))
			Expect(n["off_line"]).To(BeFalse())
			Expect(n["sub_title"]).To(Equal("s"))
			Expect(n).NotTo(HaveKey("channel_id"))
			r := c.Send(ctx, push.Push{ID: "m", Title: "t", Body: "b", Raw: map[string]string{"style": "two"}}, []string{regID(1)})
			Expect(r[0].Kind).To(Equal(push.Rejected))
		})

		It("derives app_message_id from the push id and the token, stable across retries", func() {
			p := push.Push{ID: "msg-7", Title: "t", Body: "b"}
			c.Send(ctx, p, regIDs(2))
			c.Send(ctx, p, regIDs(2))
			first, again := fake.messages(0), fake.messages(1)
			for i := range 2 {
				id := first[i]["notification"].(map[string]any)["app_message_id"]
				Expect(id).To(Equal(oppo.AppMessageID("msg-7", regID(i))))
				Expect(again[i]["notification"].(map[string]any)["app_message_id"]).To(Equal(id))
			}
			Expect(oppo.AppMessageID("msg-7", regID(0))).NotTo(Equal(oppo.AppMessageID("msg-7", regID(1))))
			Expect(oppo.AppMessageID("msg-8", regID(0))).NotTo(Equal(oppo.AppMessageID("msg-7", regID(0))))
			Expect(oppo.AppMessageID("", regID(0))).To(BeEmpty())
		})

		It("refuses pass-through pushes (OPPO only has notification-bar messages)", func() {
			r := c.Send(ctx, push.Push{ID: "m", PassThrough: true}, regIDs(2))
			Expect(r).To(HaveLen(2))
			Expect(r[1]).To(MatchFields(IgnoreExtras, Fields{"Token": Equal(regID(1)), "Kind": Equal(push.Rejected)}))
			Expect(fake.sends).To(BeEmpty())
		})
	})

	Describe("batching", func() {
		It("sends 2500 tokens as unicast_batch requests of 1000, 1000 and 500, one result per token", func() {
			tokens := regIDs(2500)
			r := c.Send(ctx, push.Push{ID: "m", Title: "t", Body: "b"}, tokens)
			Expect(fake.sends).To(HaveLen(3))
			for i, n := range []int{1000, 1000, 500} {
				Expect(fake.sends[i].Path).To(Equal(oppo.BatchPath))
				Expect(fake.messages(i)).To(HaveLen(n))
			}
			Expect(fake.auths).To(HaveLen(1))
			Expect(r).To(HaveLen(2500))
			for i, x := range r {
				Expect(x.Token).To(Equal(tokens[i]))
				Expect(x.Kind).To(Equal(push.Sent))
			}
		})

		It("maps per-target errors: 10000 dead token, 33 over quota, -2 retryable", func() {
			fake.sendAnswer = func(s sent) (int, string) {
				return 200, `{"code":0,"message":"","data":[
					{"messageId":"a-1","registrationId":"` + regID(0) + `"},
					{"registrationId":"` + regID(1) + `","errorCode":10000,"errorMessage":"Invalid Registration_id"},
					{"registrationId":"` + regID(3) + `","errorCode":-2,"errorMessage":"Service in Flow Control"},
					{"registrationId":"` + regID(2) + `","errorCode":33,"errorMessage":"The number of messages exceeds the daily limit"}]}`
			}
			now = time.Date(2026, 3, 1, 22, 0, 0, 0, time.FixedZone("CST", 8*3600))
			r := c.Send(ctx, push.Push{ID: "m", Title: "t", Body: "b"}, regIDs(5))
			Expect(r).To(HaveLen(5))
			Expect(r[0]).To(Equal(push.Result{Token: regID(0), Kind: push.Sent, Code: "0", MessageID: "a-1"}))
			Expect(r[1]).To(Equal(push.Result{Token: regID(1), Kind: push.Rejected, Code: "10000", Reason: "Invalid Registration_id", InvalidToken: true}))
			Expect(r[2]).To(Equal(push.Result{Token: regID(2), Kind: push.OverQuota, Code: "33", Reason: "The number of messages exceeds the daily limit", RetryAfter: 2 * time.Hour}))
			Expect(r[3]).To(MatchFields(IgnoreExtras, Fields{"Token": Equal(regID(3)), "Kind": Equal(push.Retryable), "Code": Equal("-2")}))
			Expect(r[4]).To(MatchFields(IgnoreExtras, Fields{"Token": Equal(regID(4)), "Kind": Equal(push.Retryable), "Code": Equal("missing-result")}))
		})
	})

	DescribeTable("maps a whole-request code onto every token",
		func(body string, kind push.Kind, code string, invalid bool) {
			fake.sendAnswer = func(sent) (int, string) { return 200, body }
			for _, tokens := range [][]string{regIDs(1), regIDs(2)} {
				r := c.Send(ctx, push.Push{ID: "m", Title: "t", Body: "b"}, tokens)
				Expect(r).To(HaveLen(len(tokens)))
				for i, x := range r {
					Expect(x.Token).To(Equal(tokens[i]))
					Expect(x.Kind).To(Equal(kind))
					Expect(x.Code).To(Equal(code))
					Expect(x.InvalidToken).To(Equal(invalid && len(tokens) == 1))
				}
			}
		},
		Entry("-2 flow control → retryable", `{"code":-2,"message":"Service in Flow Control"}`, push.Retryable, "-2", false),
		Entry("-1 unavailable → retryable", `{"code":-1,"message":"Service Currently Unavailable"}`, push.Retryable, "-1", false),
		Entry("13 call limited → retryable", `{"code":13,"message":"App Call Limited"}`, push.Retryable, "13", false),
		Entry("55 frequency → retryable", `{"code":55,"message":"App Call Frequency Limit"}`, push.Retryable, "55", false),
		Entry("33 daily limit → over quota", `{"code":33,"message":"The number of messages exceeds the daily limit"}`, push.OverQuota, "33", false),
		Entry("67 category → rejected", `{"code":67,"message":"Category error/Private classify channel notify_level invalid"}`, push.Rejected, "67", false),
		Entry("54 template → rejected", `{"code":54,"message":"private_msg_template_id is null"}`, push.Rejected, "54", false),
		Entry("41 invalid arguments → rejected", `{"code":41,"message":"Invalid Arguments"}`, push.Rejected, "41", false),
		Entry("10000 → rejected, dead token on unicast", `{"code":10000,"message":"Invalid Registration_id"}`, push.Rejected, "10000", true),
		Entry("a JSON-quoted answer is unwrapped", `"{\"code\":-2,\"message\":\"x\"}"`, push.Retryable, "-2", false),
		Entry("an unreadable 200 → retryable", `<html>`, push.Retryable, "malformed-answer", false),
	)

	DescribeTable("maps HTTP failures",
		func(status int, kind push.Kind) {
			fake.sendAnswer = func(sent) (int, string) { return status, "oops" }
			r := c.Send(ctx, push.Push{ID: "m", Title: "t", Body: "b"}, regIDs(2))
			Expect(r[0].Kind).To(Equal(kind))
			Expect(r[0].Code).To(Equal(fmt.Sprintf("HTTP %d", status)))
		},
		Entry("503 → retryable", 503, push.Retryable),
		Entry("429 → retryable", 429, push.Retryable),
		Entry("404 → rejected", 404, push.Rejected),
	)

	It("reports a transport error as retryable for every token", func() {
		cl, err := oppo.New(cert, push.Options{HTTPClient: &http.Client{Transport: failing{}}})
		Expect(err).NotTo(HaveOccurred())
		r := cl.Send(ctx, push.Push{ID: "m", Title: "t", Body: "b"}, regIDs(3))
		Expect(r).To(HaveLen(3))
		for _, x := range r {
			Expect(x.Kind).To(Equal(push.Retryable))
		}
	})

	It("uses the real host by default and a separate auth base when set", func() {
		ct := cert
		ct.BaseURL = ""
		build(ct).Send(ctx, push.Push{ID: "m", Title: "t", Body: "b"}, []string{regID(1)})
		Expect(fake.sends[0].URL).To(Equal("https://api.push.oppomobile.com" + oppo.UnicastPath))

		ct.BaseURL, ct.AuthURL = "http://send.test", "http://auth.test"
		f2 := &fakeOPPO{}
		mock := httpmock.NewMockTransport()
		authHits := 0
		mock.RegisterResponder(http.MethodPost, "http://auth.test"+oppo.AuthPath, func(*http.Request) (*http.Response, error) {
			authHits++
			return httpmock.NewStringResponse(200, `{"code":0,"data":{"auth_token":"t"}}`), nil
		})
		mock.RegisterResponder(http.MethodPost, "http://send.test"+oppo.UnicastPath, func(r *http.Request) (*http.Response, error) {
			f2.sends = append(f2.sends, sent{})
			return httpmock.NewStringResponse(200, `{"code":0,"data":{"messageId":"x"}}`), nil
		})
		cl, err := oppo.New(ct, push.Options{HTTPClient: &http.Client{Transport: mock}})
		Expect(err).NotTo(HaveOccurred())
		Expect(cl.Send(ctx, push.Push{ID: "m", Title: "t", Body: "b"}, []string{regID(1)})[0].MessageID).To(Equal("x"))
		Expect(authHits).To(Equal(1))
		Expect(f2.sends).To(HaveLen(1))
	})
})

type failing struct{}

func (failing) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("connection reset")
}
