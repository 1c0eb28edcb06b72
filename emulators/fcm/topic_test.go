package fcm_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/fcm"
	"github.com/pushsim/pushsim/emulators/world"
)

// iid posts to the Instance ID topic management API (batchAdd or
// batchRemove) with a bearer token and access_token_auth: true unless the
// header map says otherwise ("" removes a header).
func (v *env) iid(op, bearer, body string, headers map[string]string) answer {
	r := httptest.NewRequest(http.MethodPost, "http://iid.googleapis.com/iid/v1:"+op, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("access_token_auth", "true")
	if bearer != "" {
		r.Header.Set("Authorization", "Bearer "+bearer)
	}
	for k, val := range headers {
		if val == "" {
			r.Header.Del(k)
		} else {
			r.Header.Set(k, val)
		}
	}
	return v.do(r)
}

func iidBody(topic string, tokens ...string) string {
	qs := make([]string, len(tokens))
	for i, t := range tokens {
		qs[i] = quote(t)
	}
	return `{"to":` + quote(topic) + `,"registration_tokens":[` + strings.Join(qs, ",") + `]}`
}

// results reads the per-token errors of an iid answer ("" for success).
func results(a answer) []string {
	GinkgoHelper()
	Expect(a.status).To(Equal(http.StatusOK), a.body)
	rs, ok := a.json["results"].([]any)
	Expect(ok).To(BeTrue(), a.body)
	out := make([]string, len(rs))
	for i, r := range rs {
		m := r.(map[string]any)
		if e, ok := m["error"].(string); ok {
			out[i] = e
		} else {
			Expect(m).To(BeEmpty())
		}
	}
	return out
}

var _ = Describe("topic and condition sends", func() {
	var (
		v          *env
		bob, carol world.Device
	)
	// alice: news sports; bob: news; carol: no topic; the other project's
	// phone: news.
	BeforeEach(func() {
		v = newEnv()
		bob = v.register(v.app, "bob-phone", nil)
		carol = v.register(v.app, "carol-phone", nil)
		for _, s := range []struct{ phone, topic string }{
			{v.phone.ID, "news"}, {v.phone.ID, "sports"}, {bob.ID, "news"}, {v.alien.ID, "news"},
		} {
			Expect(v.w.SubscribeTopic(s.phone, s.topic)).To(Succeed())
		}
	})
	shown := func() []string {
		GinkgoHelper()
		out := []string{}
		for _, d := range []world.Device{v.phone, bob, carol, v.alien} {
			if len(v.shade(d.ID).Shown) > 0 {
				out = append(out, d.Name)
			}
		}
		return out
	}
	ok := func(a answer) {
		GinkgoHelper()
		Expect(a.status).To(Equal(http.StatusOK), a.body)
		Expect(a.json["name"]).To(HavePrefix("projects/" + v.app.ID + "/messages/"))
	}

	DescribeTable("a topic reaches the project's phones subscribed to it",
		func(topic string) {
			ok(v.send(`{"message":{"topic":` + quote(topic) + `,"notification":{"title":"Goal","body":"1:0"}}}`))
			Expect(shown()).To(ConsistOf("alice-phone", "bob-phone"))
			n := v.shade(bob.ID).Shown[0]
			Expect(n.Title).To(Equal("Goal"))
			Expect(n.Channel).To(Equal(fcm.DefaultChannel))
			e := v.lastRequest()
			Expect(e.Rule).To(Equal(fcm.RuleTopicSend))
			Expect(e.Reason).To(Equal(`topic "news": 2 phones subscribed`))
			Expect(e.Tokens).To(ConsistOf(v.phone.Token, bob.Token))
		},
		Entry("bare name", "news"),
		Entry("with the /topics/ prefix", "/topics/news"),
	)

	DescribeTable("a condition reaches the phones it selects",
		func(cond string, want ...string) {
			ok(v.send(`{"message":{"condition":` + quote(cond) + `,"notification":{"title":"t"}}}`))
			Expect(shown()).To(ConsistOf(want))
			Expect(v.lastRequest().Rule).To(Equal(fcm.RuleTopicCondition))
		},
		Entry("and", "'news' in topics && 'sports' in topics", "alice-phone"),
		Entry("or", "'sports' in topics || 'news' in topics", "alice-phone", "bob-phone"),
		Entry("not, phones without subscriptions included", "!('sports' in topics)", "bob-phone", "carol-phone"),
		Entry("parentheses", "'news' in topics && ('sports' in topics || 'weather' in topics)", "alice-phone"),
		Entry("nothing matches", "'weather' in topics"),
	)

	It("evaluates && and || from left to right, or && first with condition_order=standard", func() {
		body := `{"message":{"condition":"'sports' in topics || 'news' in topics && 'weather' in topics","notification":{"title":"t"}}}`
		ok(v.send(body))
		Expect(shown()).To(BeEmpty()) // (sports || news) && weather
		v.setApp(func(a *world.App) { a.Settings = map[string]string{"condition_order": "standard"} })
		ok(v.send(body))
		Expect(shown()).To(ConsistOf("alice-phone")) // sports || (news && weather)
	})

	DescribeTable("refuses a malformed condition with 400 INVALID_ARGUMENT",
		func(cond, why string) {
			a := v.send(`{"message":{"condition":` + quote(cond) + `,"notification":{"title":"t"}}}`)
			Expect(a.status).To(Equal(http.StatusBadRequest), a.body)
			st, code := fcmError(a)
			Expect(st).To(Equal("INVALID_ARGUMENT"))
			Expect(code).To(Equal("INVALID_ARGUMENT"))
			Expect(errMessage(a)).To(HavePrefix("Invalid condition expression provided."))
			Expect(errMessage(a)).To(ContainSubstring(why))
			Expect(a.body).To(ContainSubstring(`"field": "message.condition"`))
			Expect(v.lastRequest().Rule).To(Equal(fcm.RuleTopicCondition))
			Expect(shown()).To(BeEmpty())
		},
		Entry("no 'in topics'", "'news'", "in topics"),
		Entry("a name outside the topic pattern", "'a b' in topics", "invalid topic name"),
		Entry("unbalanced", "('news' in topics", "')' expected"),
		Entry("six topics", "'a' in topics || 'b' in topics || 'c' in topics || 'd' in topics || 'e' in topics || 'f' in topics", "6 topics, at most 5"),
		Entry("blank", " ", "the condition ends"),
	)

	It("takes more topics per condition with App.Quotas condition_topics", func() {
		v.setApp(func(a *world.App) { a.Quotas = map[string]int{"condition_topics": 6} })
		ok(v.send(`{"message":{"condition":"'a' in topics || 'b' in topics || 'c' in topics || 'd' in topics || 'e' in topics || 'news' in topics","notification":{"title":"t"}}}`))
		Expect(shown()).To(ConsistOf("alice-phone", "bob-phone"))
	})

	It("validates a topic message without delivering it (validate_only)", func() {
		a := v.send(`{"validate_only":true,"message":{"topic":"news","notification":{"title":"t"}}}`)
		Expect(a.status).To(Equal(http.StatusOK), a.body)
		Expect(a.json["name"]).To(HaveSuffix("/fake_message_id"))
		Expect(shown()).To(BeEmpty())
	})

	It("holds it for an offline subscriber within the ttl", func() {
		_, err := v.w.UpdateDevice(bob.ID, func(d *world.Device) { d.Offline = true })
		Expect(err).NotTo(HaveOccurred())
		ok(v.send(`{"message":{"topic":"news","notification":{"title":"later"},"android":{"ttl":"3600s"}}}`))
		Expect(shown()).To(ConsistOf("alice-phone"))
		v.clock.Advance(10 * time.Minute)
		_, err = v.w.UpdateDevice(bob.ID, func(d *world.Device) { d.Offline = false })
		Expect(err).NotTo(HaveOccurred())
		Expect(shown()).To(ConsistOf("alice-phone", "bob-phone"))
	})

	It("drops it on every subscriber when the content filter catches it", func() {
		v.setApp(func(a *world.App) { a.Settings = map[string]string{"content.sensitive_words": "casino"} })
		ok(v.send(`{"message":{"topic":"news","notification":{"title":"casino night"}}}`))
		Expect(shown()).To(BeEmpty())
		Expect(v.shade(bob.ID).Dropped).To(HaveLen(1))
		Expect(v.shade(bob.ID).Dropped[0].Rule).To(Equal(fcm.RuleContentWord))
		Expect(v.lastRequest().Verdict).To(Equal(world.VerdictNotShown))
	})

	It("notes on each phone a channel it falls back from", func() {
		ok(v.send(`{"message":{"topic":"news","android":{"notification":{"title":"t","channel_id":"promo"}}}}`))
		notes := v.w.Ledger(world.Filter{Vendor: fcm.Vendor, Kind: world.KindDelivery, Rule: fcm.RuleChannelFallback})
		Expect(notes).To(HaveLen(2))
		Expect(v.shade(bob.ID).Shown[0].Channel).To(Equal(fcm.DefaultChannel))
	})
})

var _ = Describe("topic management (Instance ID batchAdd, batchRemove)", func() {
	var (
		v   *env
		tok string
	)
	BeforeEach(func() {
		v = newEnv()
		tok = v.bearer()
	})
	topics := func(d world.Device) []string {
		GinkgoHelper()
		ts, err := v.w.DeviceTopics(d.ID)
		Expect(err).NotTo(HaveOccurred())
		return ts
	}

	It("subscribes the project's tokens and answers one result per token", func() {
		gone := v.register(v.app, "gone-phone", func(d *world.Device) { d.Uninstalled = true })
		unknown := v.e.NewToken(v.app)
		a := v.iid("batchAdd", tok, iidBody("/topics/news", v.phone.Token, unknown, "not-a-token", v.alien.Token, gone.Token), nil)
		Expect(results(a)).To(Equal([]string{"", "NOT_FOUND", "INVALID_ARGUMENT", "INVALID_ARGUMENT", "NOT_FOUND"}))
		Expect(topics(v.phone)).To(Equal([]string{"news"}))
		Expect(topics(v.alien)).To(BeEmpty())
		e := v.lastRequest()
		Expect(e.Verdict).To(Equal(world.VerdictAccepted))
		Expect(e.Rule).To(Equal(fcm.RuleTopicManage))
		Expect(e.Code).To(Equal("NOT_FOUND"))
		Expect(e.Reason).To(Equal(`subscribed 1 of 5 tokens to "news"; 2 NOT_FOUND; 2 INVALID_ARGUMENT`))
		Expect(e.App).To(Equal("chat"))
	})

	It("takes the topic without the /topics/ prefix, and subscribing twice is a success", func() {
		Expect(results(v.iid("batchAdd", tok, iidBody("news", v.phone.Token), nil))).To(Equal([]string{""}))
		Expect(results(v.iid("batchAdd", tok, iidBody("/topics/news", v.phone.Token), nil))).To(Equal([]string{""}))
		Expect(topics(v.phone)).To(Equal([]string{"news"}))
	})

	It("unsubscribes, and removing a topic the token does not have is a success", func() {
		Expect(v.w.SubscribeTopic(v.phone.ID, "news")).To(Succeed())
		a := v.iid("batchRemove", tok, iidBody("/topics/news", v.phone.Token), nil)
		Expect(results(a)).To(Equal([]string{""}))
		Expect(topics(v.phone)).To(BeEmpty())
		Expect(v.lastRequest().Reason).To(Equal(`unsubscribed 1 of 1 tokens from "news"`))
		Expect(results(v.iid("batchRemove", tok, iidBody("/topics/news", v.phone.Token), nil))).To(Equal([]string{""}))
	})

	It("answers TOO_MANY_TOPICS for a token at its topic limit", func() {
		v.setApp(func(a *world.App) { a.Quotas = map[string]int{"topics_per_device": 1} })
		Expect(results(v.iid("batchAdd", tok, iidBody("/topics/a", v.phone.Token), nil))).To(Equal([]string{""}))
		Expect(results(v.iid("batchAdd", tok, iidBody("/topics/b", v.phone.Token), nil))).To(Equal([]string{"TOO_MANY_TOPICS"}))
		Expect(v.lastRequest().Rule).To(Equal(fcm.RuleTopicMax))
		Expect(topics(v.phone)).To(Equal([]string{"a"}))
	})

	It("keeps an app instance to 2000 topics by default", func() {
		Expect(v.w.TopicLimitsOf(fcm.Vendor, "chat").PerDevice).To(Equal(2000))
	})

	It("answers RESOURCE_EXHAUSTED for every token over the per-second rate", func() {
		v.setApp(func(a *world.App) { a.Quotas = map[string]int{"topic_manage_per_second": 1} })
		Expect(results(v.iid("batchAdd", tok, iidBody("/topics/a", v.phone.Token), nil))).To(Equal([]string{""}))
		a := v.iid("batchAdd", tok, iidBody("/topics/b", v.phone.Token, v.alien.Token), nil)
		Expect(results(a)).To(Equal([]string{"RESOURCE_EXHAUSTED", "RESOURCE_EXHAUSTED"}))
		Expect(v.lastRequest().Rule).To(Equal(fcm.RuleTopicRate))
		v.clock.Advance(time.Second)
		Expect(results(v.iid("batchAdd", tok, iidBody("/topics/b", v.phone.Token), nil))).To(Equal([]string{""}))
	})

	DescribeTable("refuses a request it cannot take with {\"error\": reason}",
		func(op, body string, headers map[string]string, noBearer bool, status int, reason, rule string) {
			bearer := tok
			if noBearer {
				bearer = ""
			}
			a := v.iid(op, bearer, body, headers)
			Expect(a.status).To(Equal(status), a.body)
			Expect(a.json).To(Equal(map[string]any{"error": reason}))
			e := v.lastRequest()
			Expect(e.Verdict).To(Equal(world.VerdictRejected))
			Expect(e.Code).To(Equal(reason))
			Expect(e.Rule).To(Equal(rule))
			Expect(topics(v.phone)).To(BeEmpty())
		},
		Entry("broken JSON", "batchAdd", `{"to":`, nil, false, 400, "INVALID_ARGUMENT", fcm.RuleTopicManage),
		Entry("tokens not a list", "batchAdd", `{"to":"/topics/a","registration_tokens":"x"}`, nil, false, 400, "INVALID_ARGUMENT", fcm.RuleTopicManage),
		Entry("no topic", "batchAdd", `{"registration_tokens":["x"]}`, nil, false, 400, "INVALID_ARGUMENT", fcm.RuleTopicManage),
		Entry("a topic outside the pattern", "batchRemove", iidBody("/topics/a b", "x"), nil, false, 400, "INVALID_ARGUMENT", fcm.RuleTopicManage),
		Entry("no tokens", "batchAdd", iidBody("/topics/a"), nil, false, 400, "INVALID_ARGUMENT", fcm.RuleTopicManage),
		Entry("1001 tokens", "batchAdd", iidBody("/topics/a", make([]string, 1001)...), nil, false, 400, "INVALID_ARGUMENT", fcm.RuleTopicManage),
		Entry("no access_token_auth header", "batchAdd", iidBody("/topics/a", "x"), map[string]string{"access_token_auth": ""}, false, 401, "UNAUTHENTICATED", fcm.RuleTopicManage),
		Entry("no bearer token", "batchAdd", iidBody("/topics/a", "x"), nil, true, 401, "UNAUTHENTICATED", fcm.RuleAuthBearer),
		Entry("an unknown bearer token", "batchAdd", iidBody("/topics/a", "x"), map[string]string{"Authorization": "Bearer ya29.nope"}, false, 401, "UNAUTHENTICATED", fcm.RuleAuthBearer),
	)

	It("refuses a token without the messaging scope with 403 PERMISSION_DENIED", func() {
		v.setApp(func(a *world.App) { a.Settings = map[string]string{"scope_check": "send"} })
		ex := v.exchange(v.jwt(v.sa, "", claims{Scope: "https://www.googleapis.com/auth/userinfo.email"}))
		Expect(ex.status).To(Equal(http.StatusOK), ex.body)
		a := v.iid("batchAdd", ex.json["access_token"].(string), iidBody("/topics/a", v.phone.Token), nil)
		Expect(a.status).To(Equal(http.StatusForbidden))
		Expect(a.json["error"]).To(Equal("PERMISSION_DENIED"))
		Expect(v.lastRequest().Rule).To(Equal(fcm.RuleAuthScope))
	})

	It("answers another method with 404", func() {
		r := httptest.NewRequest(http.MethodGet, "http://iid.googleapis.com/iid/v1:batchAdd", nil)
		a := v.do(r)
		Expect(a.status).To(Equal(http.StatusNotFound))
		Expect(a.json["error"]).To(Equal("NOT_FOUND"))
	})

	It("makes topic sends reach the tokens it subscribed", func() {
		Expect(results(v.iid("batchAdd", tok, iidBody("/topics/news", v.phone.Token), nil))).To(Equal([]string{""}))
		a := v.send(`{"message":{"topic":"news","notification":{"title":"hi"}}}`)
		Expect(a.status).To(Equal(http.StatusOK), a.body)
		Expect(v.shade(v.phone.ID).Shown).To(HaveLen(1))
	})
})
