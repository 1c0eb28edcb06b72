package huawei_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/huawei"
	"github.com/pushsim/pushsim/emulators/world"
)

// topicReply is a topic API answer, decoded loosely.
type topicReply struct {
	status int
	body   map[string]any
}

func (r topicReply) code() string { s, _ := r.body["code"].(string); return s }

// topicPost posts a raw body to /v1/{appId}/topic:<op> with the app's token.
func (f *fixture) topicPost(app *world.App, op string, body []byte) topicReply {
	GinkgoHelper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/v1/"+app.ID+"/topic:"+op, bytes.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	req.Header.Set("Authorization", "Bearer "+f.accessToken(app))
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	r := topicReply{status: resp.StatusCode}
	Expect(json.Unmarshal(raw, &r.body)).To(Succeed(), string(raw))
	return r
}

func (f *fixture) topic(op string, body obj) topicReply {
	GinkgoHelper()
	b, err := json.Marshal(body)
	Expect(err).NotTo(HaveOccurred())
	return f.topicPost(f.app, op, b)
}

func (f *fixture) lastTopicRequest() world.Entry {
	GinkgoHelper()
	es := f.w.Ledger(world.Filter{Vendor: "huawei", Kind: world.KindRequest})
	Expect(es).NotTo(BeEmpty())
	return es[len(es)-1]
}

func (f *fixture) topicsOf(d world.Device) []string {
	GinkgoHelper()
	ts, err := f.w.DeviceTopics(d.ID)
	Expect(err).NotTo(HaveOccurred())
	return ts
}

var _ = Describe("the topic API", func() {
	var (
		f          *fixture
		alice, bob world.Device
	)
	BeforeEach(func() {
		f = newFixture()
		alice, bob = f.phone(f.app, "alice"), f.phone(f.app, "bob")
	})

	It("subscribes tokens and answers the counts with code 80000000", func() {
		r := f.topic("subscribe", obj{"topic": "weather", "tokenArray": toks(alice, bob)})
		Expect(r.status).To(Equal(http.StatusOK))
		Expect(r.body).To(HaveKeyWithValue("code", "80000000"))
		Expect(r.body).To(HaveKeyWithValue("msg", "Success"))
		Expect(r.body).To(HaveKeyWithValue("successCount", 2.0))
		Expect(r.body).To(HaveKeyWithValue("failureCount", 0.0))
		Expect(r.body).To(HaveKeyWithValue("errors", []any{}))
		Expect(r.body["requestId"]).To(MatchRegexp(`^\d{24}$`))
		Expect(f.topicsOf(alice)).To(Equal([]string{"weather"}))
		Expect(f.topicsOf(bob)).To(Equal([]string{"weather"}))
		e := f.lastTopicRequest()
		Expect(e.Rule).To(Equal(huawei.RuleTopicManage))
		Expect(e.Verdict).To(Equal(world.VerdictAccepted))
		Expect(e.Reason).To(Equal(`2 of 2 tokens subscribed to "weather"`))
	})

	It("takes Chinese topic names", func() {
		r := f.topic("subscribe", obj{"topic": "天气_news-1.0~%", "tokenArray": toks(alice)})
		Expect(r.code()).To(Equal("80000000"))
		Expect(f.topicsOf(alice)).To(Equal([]string{"天气_news-1.0~%"}))
	})

	It("answers 82000010 with the failing indexes when some tokens are not the app's", func() {
		other := f.addApp(world.App{Name: "other"})
		stranger := f.phone(other, "stranger")
		r := f.topic("subscribe", obj{"topic": "weather", "tokenArray": []string{alice.Token, "stale", stranger.Token}})
		Expect(r.status).To(Equal(http.StatusOK))
		Expect(r.code()).To(Equal("82000010"))
		Expect(r.body["msg"]).To(Equal("Some token is wrong"))
		Expect(r.body["successCount"]).To(Equal(1.0))
		Expect(r.body["failureCount"]).To(Equal(2.0))
		Expect(r.body["errors"]).To(Equal([]any{
			map[string]any{"index": 1.0, "reason": "Invalid Token"},
			map[string]any{"index": 2.0, "reason": "Invalid Token"},
		}))
		Expect(f.topicsOf(alice)).To(Equal([]string{"weather"}))
		Expect(f.topicsOf(stranger)).To(BeEmpty())
	})

	It("answers 80300007 when no token is the app's", func() {
		r := f.topic("unsubscribe", obj{"topic": "weather", "tokenArray": []string{"stale"}})
		Expect(r.status).To(Equal(http.StatusBadRequest))
		Expect(r.code()).To(Equal("80300007"))
		Expect(r.body["failureCount"]).To(Equal(1.0))
		Expect(f.lastTopicRequest().Verdict).To(Equal(world.VerdictRejected))
	})

	It("unsubscribes, and removing a topic a token does not have works", func() {
		Expect(f.w.SubscribeTopic(alice.ID, "weather")).To(Succeed())
		r := f.topic("unsubscribe", obj{"topic": "weather", "tokenArray": toks(alice, bob)})
		Expect(r.code()).To(Equal("80000000"))
		Expect(r.body["successCount"]).To(Equal(2.0))
		Expect(f.topicsOf(alice)).To(BeEmpty())
		Expect(f.lastTopicRequest().Reason).To(Equal(`2 of 2 tokens unsubscribed from "weather"`))
	})

	It("answers 82000009 for a token at its topic limit (2000 by default)", func() {
		Expect(f.w.TopicLimitsOf("huawei", "chat").PerDevice).To(Equal(2000))
		f.update("chat", func(a *world.App) { a.Quotas = map[string]int{"topics_per_device": 1} })
		Expect(f.w.SubscribeTopic(alice.ID, "a")).To(Succeed())
		r := f.topic("subscribe", obj{"topic": "b", "tokenArray": toks(alice, bob)})
		Expect(r.status).To(Equal(http.StatusOK))
		Expect(r.code()).To(Equal("82000009"))
		Expect(r.body["msg"]).To(Equal("Topic num transfinited, at most 2000"))
		Expect(r.body["errors"]).To(Equal([]any{map[string]any{"index": 0.0, "reason": "Topic num transfinited, at most 2000"}}))
		Expect(f.topicsOf(bob)).To(Equal([]string{"b"}))
		Expect(f.lastTopicRequest().Rule).To(Equal(huawei.RuleTopicMax))
	})

	DescribeTable("refuses a request it cannot take",
		func(op, body string, status int, code, rule string) {
			r := f.topicPost(f.app, op, []byte(body))
			Expect(r.status).To(Equal(status))
			Expect(r.code()).To(Equal(code))
			Expect(r.body).To(HaveKey("msg"))
			Expect(r.body).To(HaveKey("requestId"))
			e := f.lastTopicRequest()
			Expect(e.Verdict).To(Equal(world.VerdictRejected))
			Expect(e.Code).To(Equal(code))
			Expect(e.Rule).To(Equal(rule))
			Expect(f.topicsOf(alice)).To(BeEmpty())
		},
		Entry("no topic", "subscribe", `{"tokenArray":["t"]}`, 400, "82000007", huawei.RuleTopicName),
		Entry("a topic with a space", "subscribe", `{"topic":"a b","tokenArray":["t"]}`, 400, "82000007", huawei.RuleTopicName),
		Entry("a topic of 901 characters", "subscribe", `{"topic":"`+strings.Repeat("a", 901)+`","tokenArray":["t"]}`, 400, "82000007", huawei.RuleTopicName),
		Entry("no tokenArray", "subscribe", `{"topic":"a"}`, 400, "82000008", huawei.RuleTopicTokenArray),
		Entry("an empty tokenArray", "unsubscribe", `{"topic":"a","tokenArray":[]}`, 400, "82000008", huawei.RuleTopicTokenArray),
		Entry("1001 tokens", "subscribe", `{"topic":"a","tokenArray":[`+strings.TrimSuffix(strings.Repeat(`"t",`, 1001), ",")+`]}`, 400, "82000008", huawei.RuleTopicTokenArray),
		Entry("broken JSON", "subscribe", `{"topic":`, 400, "80100003", huawei.RuleTopicManage),
		Entry("a wrongly typed field", "subscribe", `{"topic":"a","tokenArray":"t"}`, 400, "80100003", huawei.RuleTopicManage),
		Entry("list without a token", "list", `{}`, 400, "82000011", huawei.RuleTopicList),
		Entry("list with another app's token", "list", `{"token":"stale"}`, 400, "80300007", huawei.RuleTopicList),
	)

	It("refuses a request without a valid access token with 80200001", func() {
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/v1/"+f.app.ID+"/topic:subscribe", strings.NewReader(`{"topic":"a","tokenArray":["t"]}`))
		resp, err := http.DefaultClient.Do(req)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		var r result
		Expect(json.NewDecoder(resp.Body).Decode(&r)).To(Succeed())
		Expect(resp.StatusCode).To(Equal(http.StatusUnauthorized))
		Expect(r.Code).To(Equal("80200001"))
	})

	It("lists a token's topics with the Shanghai date of subscription", func() {
		Expect(f.w.SubscribeTopic(alice.ID, "sports")).To(Succeed())
		f.clock.Advance(15 * time.Hour) // past midnight in Shanghai
		Expect(f.w.SubscribeTopic(alice.ID, "weather")).To(Succeed())
		r := f.topic("list", obj{"token": alice.Token})
		Expect(r.status).To(Equal(http.StatusOK))
		Expect(r.code()).To(Equal("80000000"))
		Expect(r.body["topics"]).To(Equal([]any{
			map[string]any{"name": "sports", "addDate": "2026-11-25"},
			map[string]any{"name": "weather", "addDate": "2026-11-26"},
		}))
		Expect(f.lastTopicRequest().Rule).To(Equal(huawei.RuleTopicList))
		Expect(f.topic("list", obj{"token": bob.Token}).body["topics"]).To(Equal([]any{}))
	})
})

var _ = Describe("topic and condition sends", func() {
	var (
		f                 *fixture
		alice, bob, carol world.Device
	)
	// alice: news sports; bob: news; carol: none.
	BeforeEach(func() {
		f = newFixture()
		alice, bob, carol = f.phone(f.app, "alice"), f.phone(f.app, "bob"), f.phone(f.app, "carol")
		Expect(f.w.SubscribeTopic(alice.ID, "news")).To(Succeed())
		Expect(f.w.SubscribeTopic(alice.ID, "sports")).To(Succeed())
		Expect(f.w.SubscribeTopic(bob.ID, "news")).To(Succeed())
	})
	shown := func() []string {
		GinkgoHelper()
		out := []string{}
		for _, d := range []world.Device{alice, bob, carol} {
			if len(f.shade(d).Shown) > 0 {
				out = append(out, d.Name)
			}
		}
		return out
	}
	to := func(target obj) obj {
		m := obj{"notification": obj{"title": "Goal", "body": "1:0"}, "android": obj{"category": "IM", "notification": obj{"click_action": obj{"type": 3}}}}
		for k, v := range target {
			m[k] = v
		}
		return obj{"message": m}
	}

	It("delivers a topic message to the app's subscribed phones, as a service message", func() {
		other := f.addApp(world.App{Name: "other"})
		stranger := f.phone(other, "stranger")
		Expect(f.w.SubscribeTopic(stranger.ID, "news")).To(Succeed())
		r := f.send(to(obj{"topic": "news"}))
		Expect(r.Code).To(Equal("80000000"))
		Expect(shown()).To(ConsistOf("alice", "bob"))
		Expect(f.shade(stranger).Shown).To(BeEmpty())
		Expect(f.shade(bob).Shown[0].Title).To(Equal("Goal"))
		Expect(f.shade(bob).Shown[0].Class).To(Equal(world.ClassPrivate))
		e := f.lastTopicRequest()
		Expect(e.Rule).To(Equal(huawei.RuleTopicSend))
		Expect(e.Reason).To(HavePrefix(`topic "news": 2 phones; service & communication`))
		Expect(e.Tokens).To(ConsistOf(alice.Token, bob.Token))
	})

	It("applies the marketing cap to each subscriber", func() {
		f.update("chat", func(a *world.App) { a.Quotas = map[string]int{"marketing_daily": 1} })
		marketing := obj{"message": obj{"topic": "news", "notification": obj{"title": "Sale", "body": "50%"}}}
		Expect(f.send(marketing).Code).To(Equal("80000000"))
		Expect(f.send(marketing).Code).To(Equal("80000000"))
		Expect(f.shade(bob).Shown).To(HaveLen(1))
		Expect(f.shade(bob).Dropped).To(HaveLen(1))
		Expect(f.shade(bob).Dropped[0].Rule).To(Equal(huawei.RuleMarketingCap))
	})

	It("accepts a topic nobody is subscribed to", func() {
		Expect(f.send(to(obj{"topic": "weather"})).Code).To(Equal("80000000"))
		Expect(shown()).To(BeEmpty())
	})

	It("refuses a topic outside the pattern with 80100001", func() {
		r := f.send(to(obj{"topic": "a b"}))
		Expect(r.Code).To(Equal("80100001"))
		Expect(f.lastTopicRequest().Rule).To(Equal(huawei.RuleTopicSend))
	})

	DescribeTable("delivers a condition message to the phones it selects",
		func(cond string, want ...string) {
			Expect(f.send(to(obj{"condition": cond})).Code).To(Equal("80000000"))
			Expect(shown()).To(ConsistOf(want))
			Expect(f.lastTopicRequest().Rule).To(Equal(huawei.RuleTopicCondition))
		},
		Entry("the documented example", "'news' in topics && ('sports' in topics || 'weather' in topics)", "alice"),
		Entry("not", "!('sports' in topics)", "bob", "carol"),
		Entry("&& before ||", "'weather' in topics || 'news' in topics && 'sports' in topics", "alice"),
		Entry("or", "'sports' in topics || 'news' in topics", "alice", "bob"),
	)

	It("combines as written with App.Settings condition_order=left-to-right", func() {
		f.update("chat", func(a *world.App) { a.Settings = map[string]string{"condition_order": "left-to-right"} })
		Expect(f.send(to(obj{"condition": "'sports' in topics || 'news' in topics && 'weather' in topics"})).Code).To(Equal("80000000"))
		Expect(shown()).To(BeEmpty()) // (sports || news) && weather
	})

	DescribeTable("refuses a malformed condition with 80100001",
		func(cond, why string) {
			r := f.send(to(obj{"condition": cond}))
			Expect(r.Code).To(Equal("80100001"))
			Expect(r.Msg).To(ContainSubstring(why))
			Expect(f.lastTopicRequest().Rule).To(Equal(huawei.RuleTopicCondition))
			Expect(shown()).To(BeEmpty())
		},
		Entry("six topics", "'a' in topics || 'b' in topics || 'c' in topics || 'd' in topics || 'e' in topics || 'news' in topics", "6 topics, at most 5"),
		Entry("no 'in topics'", "'news'", "in topics"),
		Entry("unbalanced", "('news' in topics", "')' expected"),
	)

	It("does not reach a HarmonyOS NEXT phone", func() {
		d, err := f.w.Register(world.Device{Vendor: "huawei", App: "chat", Name: "next", Token: f.v.NewToken(f.app), Platform: huawei.PlatformHarmony})
		Expect(err).NotTo(HaveOccurred())
		Expect(f.w.SubscribeTopic(d.ID, "news")).To(Succeed())
		Expect(f.send(to(obj{"topic": "news"})).Code).To(Equal("80000000"))
		Expect(f.shade(d).Shown).To(BeEmpty())
		Expect(shown()).To(ConsistOf("alice", "bob"))
	})

	It("validates without delivering (validate_only)", func() {
		body := to(obj{"topic": "news"})
		body["validate_only"] = true
		Expect(f.send(body).Code).To(Equal("80000000"))
		Expect(shown()).To(BeEmpty())
	})

	It("subscribes through the API and then reaches the phone", func() {
		Expect(f.topic("subscribe", obj{"topic": "weather", "tokenArray": toks(carol)}).code()).To(Equal("80000000"))
		Expect(f.send(to(obj{"topic": "weather"})).Code).To(Equal("80000000"))
		Expect(shown()).To(ConsistOf("carol"))
	})
})
