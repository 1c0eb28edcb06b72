package xiaomi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
	"github.com/pushsim/pushsim/emulators/xiaomi"
)

var _ = Describe("Xiaomi topic sends", func() {
	var (
		w   *world.World
		h   http.Handler
		app *world.App
	)

	// Phones of app chat: alice (news, sports), bob (news), carol (none);
	// dave belongs to another app and follows its own news.
	BeforeEach(func() {
		w = world.New(world.Options{Clock: world.NewVirtualClock(start), Seed: 7})
		v := xiaomi.New(w)
		h = v.Handler()
		for _, name := range []string{"chat", "other"} {
			a := world.App{Vendor: "xiaomi", Name: name}
			v.DemoApp(&a)
			added, err := w.AddApp(a)
			Expect(err).NotTo(HaveOccurred())
			if name == "chat" {
				app = added
			}
		}
		for _, p := range []struct{ name, app, topics string }{
			{"alice", "chat", "news sports"}, {"bob", "chat", "news"}, {"carol", "chat", ""}, {"dave", "other", "news"},
		} {
			a, _ := w.App("xiaomi", p.app)
			_, err := w.Register(world.Device{ID: p.name, Vendor: "xiaomi", App: p.app, Token: v.NewToken(a)})
			Expect(err).NotTo(HaveOccurred())
			for _, t := range strings.Fields(p.topics) {
				Expect(w.SubscribeTopic(p.name, t)).To(Succeed())
			}
		}
	})

	post := func(path string, f url.Values) reply {
		GinkgoHelper()
		r := httptest.NewRequest("POST", path, strings.NewReader(f.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
		r.Header.Set("Authorization", "key="+app.Secret)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		out := reply{Status: rec.Code, Raw: rec.Body.String()}
		Expect(json.Unmarshal(rec.Body.Bytes(), &out)).To(Succeed(), out.Raw)
		return out
	}
	// message is a valid private-channel notification; kv adds fields.
	message := func(kv ...string) url.Values {
		f := url.Values{"title": {"Goal"}, "description": {"1:0"}, "extra.channel_id": {"high_im"}}
		for i := 0; i < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	shown := func() []string {
		var out []string
		for _, id := range []string{"alice", "bob", "carol", "dave"} {
			s, err := w.Shade(id)
			Expect(err).NotTo(HaveOccurred())
			if len(s.Shown) > 0 {
				out = append(out, id)
			}
		}
		return out
	}
	lastRequest := func() world.Entry {
		l := w.Ledger(world.Filter{Kind: world.KindRequest, Limit: 1})
		Expect(l).To(HaveLen(1))
		return l[0]
	}
	expectError := func(r reply, code int, rule string) {
		GinkgoHelper()
		Expect(r.Status).To(Equal(http.StatusOK))
		Expect(r.Result).To(Equal("error"), r.Raw)
		Expect(r.Code).To(Equal(code), r.Raw)
		Expect(r.Description).NotTo(BeEmpty())
		Expect(r.Description).NotTo(Equal("未知错误"))
		e := lastRequest()
		Expect(e.Verdict).To(Equal(world.VerdictRejected))
		Expect(e.Code).To(Equal(fmt.Sprint(code)))
		Expect(e.Rule).To(Equal(rule))
		Expect(shown()).To(BeEmpty())
	}

	It("sends a topic to the app's subscribed phones only, answering data.id and the TOPIC info", func() {
		for _, path := range []string{"/v3/message/topic", "/v2/message/topic"} {
			r := post(path, message("topic", "news"))
			Expect(r.Raw).To(MatchRegexp(`^\{"result":"ok","trace_id":"X[a-z]m51b\d{14}[A-Za-z]{2}","code":0,"data":\{"id":"t[a-z]m51b\d{14}[A-Za-z]{2}","day_acked":"\d+","day_quota":"-1"\},"description":"成功","info":"Received push messages for 1 TOPIC"\}$`))
			Expect(shown()).To(Equal([]string{"alice", "bob"}))
			s, _ := w.Shade("alice")
			Expect(s.Shown[len(s.Shown)-1].MessageID).To(Equal(r.Data["id"]))
			Expect(lastRequest().Verdict).To(Equal(world.VerdictAccepted))
		}
	})
	It("accepts a topic nobody subscribed to, reaches no phone and says why in the ledger", func() {
		r := post("/v3/message/topic", message("topic", "cars"))
		Expect(r.Code).To(BeZero(), r.Raw)
		Expect(shown()).To(BeEmpty())
		e := lastRequest()
		Expect(e.Rule).To(Equal("xiaomi.topic.subscribers"))
		Expect(e.Reason).To(ContainSubstring("no phone of the app is subscribed: cars"))
	})
	It("ignores a stray registration_id on a topic send", func() {
		carol, _ := w.Device("carol")
		Expect(post("/v3/message/topic", message("topic", "sports", "registration_id", carol.Token)).Code).To(BeZero())
		Expect(shown()).To(Equal([]string{"alice"}))
	})

	DescribeTable("multi_topic selects the phones by topic_op",
		func(topics, op string, want ...string) {
			r := post("/v3/message/multi_topic", message("topics", topics, "topic_op", op))
			Expect(r.Code).To(BeZero(), r.Raw)
			Expect(r.Info).To(Equal(fmt.Sprintf("Received push messages for %d TOPIC", len(strings.Split(topics, ";$;")))))
			Expect(shown()).To(Equal(want))
		},
		Entry("UNION", "sports;$;news", "UNION", "alice", "bob"),
		Entry("INTERSECTION", "news;$;sports", "INTERSECTION", "alice"),
		Entry("EXCEPT: the first topic and none of the others", "news;$;sports", "EXCEPT", "bob"),
		Entry("one topic", "sports", "UNION", "alice"),
		Entry("five topics, the most", "a;$;b;$;c;$;d;$;news", "UNION", "alice", "bob"),
	)

	It("sends /message/all to every phone of the app and to no other app's", func() {
		for _, path := range []string{"/v3/message/all", "/v2/message/all"} {
			r := post(path, message())
			Expect(r.Code).To(BeZero(), r.Raw)
			Expect(r.Data["id"]).To(HavePrefix("t"))
			Expect(r.Info).To(Equal("Received push messages for 1 ALL"))
		}
		Expect(shown()).To(Equal([]string{"alice", "bob", "carol"}))
	})

	DescribeTable("refuses bad topics with Xiaomi's codes",
		func(path string, f url.Values, code int, rule string) {
			expectError(post(path, f), code, rule)
		},
		Entry("no topic", "/v3/message/topic", message(), 65013, "xiaomi.topic.name"),
		Entry("a blank topic", "/v2/message/topic", message("topic", "  "), 65013, "xiaomi.topic.name"),
		Entry("a topic over 128 characters", "/v3/message/topic", message("topic", strings.Repeat("话", 129)), 65010, "xiaomi.topic.name"),
		Entry("a control character", "/v3/message/topic", message("topic", "a\tb"), 20209, "xiaomi.topic.name"),
		Entry("the separator in a single topic", "/v3/message/topic", message("topic", "a;$;b"), 20209, "xiaomi.topic.name"),
		Entry("no topics", "/v3/message/multi_topic", message("topic_op", "UNION"), 65013, "xiaomi.topic.name"),
		Entry("an empty element", "/v3/message/multi_topic", message("topics", "news;$;;$;sports", "topic_op", "UNION"), 65013, "xiaomi.topic.name"),
		Entry("six topics", "/v3/message/multi_topic", message("topics", "a;$;b;$;c;$;d;$;e;$;f", "topic_op", "UNION"), 65035, "xiaomi.topic.max"),
		Entry("no topic_op", "/v2/message/multi_topic", message("topics", "news;$;sports"), 10016, "xiaomi.topic.op"),
		Entry("a lower-case topic_op", "/v3/message/multi_topic", message("topics", "news;$;sports", "topic_op", "union"), 10017, "xiaomi.topic.op"),
		Entry("another topic_op", "/v3/message/multi_topic", message("topics", "news;$;sports", "topic_op", "XOR"), 10017, "xiaomi.topic.op"),
		Entry("the regid send's rules: no title", "/v3/message/topic", message("topic", "news", "title", ""), 10016, "xiaomi.title.required"),
		Entry("the regid send's rules: unknown channel", "/v3/message/all", message("extra.channel_id", "nope"), 27001, "xiaomi.channel.registered"),
		Entry("the regid send's rules: another package", "/v3/message/topic", message("topic", "news", "restricted_package_name", "com.other"), 22022, "xiaomi.package.restricted"),
	)
	It("counts repeated topics once towards the five", func() {
		r := post("/v3/message/multi_topic", message("topics", "a;$;a;$;b;$;c;$;d;$;news", "topic_op", "UNION"))
		Expect(r.Code).To(BeZero(), r.Raw)
	})

	It("applies the content filter: a sensitive word is accepted and shown on no subscriber", func() {
		w.SetContentRules("xiaomi", world.ContentRules{SensitiveWords: []string{"lottery"}})
		r := post("/v3/message/topic", message("topic", "news", "description", "win the lottery"))
		Expect(r.Code).To(BeZero(), r.Raw)
		Expect(shown()).To(BeEmpty())
		Expect(lastRequest().Rule).To(Equal("xiaomi.content.sensitive-word"))
	})
	It("counts the default class per phone: a second broadcast the same day is over quota on every phone", func() {
		Expect(post("/v3/message/all", message("extra.channel_id", "")).Code).To(BeZero())
		Expect(shown()).To(Equal([]string{"alice", "bob", "carol"}))
		r := post("/v3/message/all", message("extra.channel_id", ""))
		Expect(r.Code).To(Equal(200001), r.Raw)
		Expect(lastRequest().Rule).To(Equal("xiaomi.quota.default-daily"))
		// carol had her one default-class message today, by topic as well.
		Expect(w.SubscribeTopic("carol", "late")).To(Succeed())
		Expect(post("/v3/message/topic", message("topic", "late", "extra.channel_id", "")).Code).To(Equal(200001))
		Expect(post("/v3/message/topic", message("topic", "late")).Code).To(BeZero(), "the private class has no cap")
	})

	It("refuses a 31st topic on a phone (MiPush's 30), unless the app raises topics_per_device", func() {
		for i := range 28 {
			Expect(w.SubscribeTopic("alice", fmt.Sprint("t", i))).To(Succeed())
		}
		Expect(w.DeviceTopics("alice")).To(HaveLen(30))
		Expect(w.SubscribeTopic("alice", "one-more")).To(MatchError(world.ErrTopicLimit))
		Expect(post("/v3/message/topic", message("topic", "one-more")).Code).To(BeZero())
		Expect(shown()).To(BeEmpty())

		a, _ := w.App("xiaomi", "chat")
		a.Quotas = map[string]int{"topics_per_device": 31}
		Expect(w.UpdateApp(*a)).To(Succeed())
		Expect(w.SubscribeTopic("alice", "one-more")).To(Succeed())
	})

	DescribeTable("limits broadcasts per day when the app sets a number (26004), until Shanghai midnight",
		func(knob, path string, f url.Values) {
			a, _ := w.App("xiaomi", "chat")
			a.Quotas = map[string]int{knob: 1}
			Expect(w.UpdateApp(*a)).To(Succeed())
			Expect(post(path, f).Code).To(BeZero())
			r := post(path, f)
			Expect(r.Code).To(Equal(26004), r.Raw)
			Expect(r.Description).To(Equal("广播消息发送过于频繁"))
			Expect(lastRequest().Rule).To(Equal("xiaomi.broadcast.daily"))
			Expect(post("/v3/message/regid", message("registration_id", mustToken(w, "carol"))).Code).To(BeZero(), "regid sends are not broadcasts")
		},
		Entry("all_per_day", "all_per_day", "/v3/message/all", message()),
		Entry("topic_per_day", "topic_per_day", "/v3/message/topic", message("topic", "news")),
		Entry("topic_per_day counts multi_topic too", "topic_per_day", "/v3/message/multi_topic", message("topics", "news;$;sports", "topic_op", "UNION")),
	)
})

func mustToken(w *world.World, id string) string {
	GinkgoHelper()
	d, ok := w.Device(id)
	Expect(ok).To(BeTrue())
	return d.Token
}
