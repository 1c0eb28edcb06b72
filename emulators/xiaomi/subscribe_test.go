package xiaomi_test

import (
	"fmt"
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("Xiaomi server-side topic subscription", func() {
	var x *apiWorld
	BeforeEach(func() { x = newAPIWorld() })

	topics := func(id string) []string {
		GinkgoHelper()
		t, err := x.w.DeviceTopics(id)
		Expect(err).NotTo(HaveOccurred())
		return t
	}
	broadcast := func(topic string) {
		GinkgoHelper()
		f := url.Values{"topic": {topic}, "title": {"Goal"}, "description": {"1:0"}, "extra.channel_id": {"high_im"}}
		Expect(x.post("/v3/message/topic", f).Code).To(BeZero())
	}

	It("subscribes regIds to a topic that topic sends then reach, and unsubscribes them", func() {
		r := x.post("/v2/topic/subscribe", url.Values{"registration_id": {x.token("alice") + "," + x.token("bob")}, "topic": {"sports"}, "category": {"1"}})
		Expect(r.Raw).To(MatchRegexp(`^\{"result":"ok","trace_id":"X[a-z]m51b\d{14}[A-Za-z]{2}","code":0,"description":"成功"\}$`))
		Expect(topics("alice")).To(Equal([]string{"sports"}))
		Expect(topics("bob")).To(Equal([]string{"sports"}))
		e := x.lastRequest()
		Expect(e.Verdict).To(Equal(world.VerdictAccepted))
		Expect(e.Rule).To(Equal("xiaomi.topic.subscribe"))
		Expect(e.Tokens).To(ConsistOf(x.token("alice"), x.token("bob")))
		broadcast("sports")
		Expect(x.titles("alice")).To(Equal([]string{"Goal"}))

		Expect(x.post("/v2/topic/unsubscribe", url.Values{"registration_id": {x.token("alice")}, "topic": {"sports"}}).Code).To(BeZero())
		Expect(topics("alice")).To(BeEmpty())
		Expect(topics("bob")).To(Equal([]string{"sports"}))
		Expect(x.post("/v2/topic/unsubscribe", url.Values{"registration_id": {x.token("alice")}, "topic": {"sports"}}).Code).To(BeZero(), "a topic the phone does not hold")
	})

	It("subscribes and unsubscribes by alias", func() {
		Expect(x.post("/v2/topic/subscribe/alias", url.Values{"aliases": {"al"}, "topic": {"news"}}).Code).To(BeZero())
		Expect(topics("alice")).To(Equal([]string{"news"}))
		Expect(x.post("/v2/topic/unsubscribe/alias", url.Values{"aliases": {"al,ghost"}, "topic": {"news"}}).Code).To(BeZero())
		Expect(topics("alice")).To(BeEmpty())
	})

	It("lists unknown regIds in data.bad_regids; 20215 and 20216 when no phone changed", func() {
		r := x.post("/v2/topic/subscribe", url.Values{"registration_id": {x.token("alice") + ",stale," + x.token("dave")}, "topic": {"news"}})
		Expect(r.Code).To(BeZero(), r.Raw)
		Expect(r.Data["bad_regids"]).To(Equal("stale," + x.token("dave")))
		Expect(topics("dave")).To(BeEmpty(), "another app's phone")

		x.expectError(x.post("/v2/topic/subscribe", url.Values{"registration_id": {"stale"}, "topic": {"news"}}), 20215, "xiaomi.topic.subscribe")
		x.expectError(x.post("/v2/topic/unsubscribe", url.Values{"registration_id": {"stale"}, "topic": {"news"}}), 20216, "xiaomi.topic.subscribe")
		x.expectError(x.post("/v2/topic/subscribe/alias", url.Values{"aliases": {"ghost"}, "topic": {"news"}}), 20215, "xiaomi.topic.subscribe")
	})

	It("refuses a 31st topic on a phone with 20215, naming the per-phone limit", func() {
		for i := range 30 {
			Expect(x.w.SubscribeTopic("alice", fmt.Sprint("t", i))).To(Succeed())
		}
		r := x.post("/v2/topic/subscribe", url.Values{"registration_id": {x.token("alice")}, "topic": {"one-more"}})
		x.expectError(r, 20215, "xiaomi.topic.device-max")
		r = x.post("/v2/topic/subscribe", url.Values{"registration_id": {x.token("alice") + "," + x.token("bob")}, "topic": {"one-more"}})
		Expect(r.Code).To(BeZero(), "bob could")
		Expect(x.lastRequest().Rule).To(Equal("xiaomi.topic.device-max"))
		Expect(topics("bob")).To(Equal([]string{"one-more"}))
	})

	DescribeTable("refuses what a topic send refuses",
		func(f url.Values, code int, rule string) {
			if f.Get("registration_id") == "alice" {
				f.Set("registration_id", x.token("alice"))
			}
			x.expectError(x.post("/v2/topic/subscribe", f), code, rule)
			Expect(topics("alice")).To(BeEmpty())
		},
		Entry("no regId", url.Values{"topic": {"news"}}, 10016, "xiaomi.targets.required"),
		Entry("no topic", url.Values{"registration_id": {"alice"}}, 65013, "xiaomi.topic.name"),
		Entry("a topic over 128 characters", url.Values{"registration_id": {"alice"}, "topic": {strings.Repeat("话", 129)}}, 65010, "xiaomi.topic.name"),
		Entry("a control character", url.Values{"registration_id": {"alice"}, "topic": {"a\x01b"}}, 20209, "xiaomi.topic.name"),
		Entry("the multi_topic separator", url.Values{"registration_id": {"alice"}, "topic": {"a;$;b"}}, 20209, "xiaomi.topic.name"),
		Entry("another package", url.Values{"registration_id": {"alice"}, "topic": {"news"}, "restricted_package_name": {"com.other"}}, 22022, "xiaomi.package.restricted"),
	)

	It("answers a GET with 10021", func() {
		status, raw := x.do("GET", "/v2/topic/subscribe", url.Values{"topic": {"news"}})
		Expect(status).To(Equal(405))
		Expect(raw).To(ContainSubstring(`"code":10021`))
	})
})
