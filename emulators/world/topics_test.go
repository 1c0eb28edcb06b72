package world_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("topic subscriptions", func() {
	var w *world.World

	// Phones a, b, c of app chat and z of app other; a: news sports,
	// b: news, c: sports weather, z: news (another app's news).
	BeforeEach(func() {
		w = world.New(world.Options{})
		for _, app := range []string{"chat", "other"} {
			_, err := w.AddApp(world.App{Vendor: "v", Name: app})
			Expect(err).NotTo(HaveOccurred())
		}
		for _, p := range []struct{ name, app, topics string }{
			{"a", "chat", "news sports"}, {"b", "chat", "news"}, {"c", "chat", "sports weather"}, {"z", "other", "news"},
		} {
			_, err := w.Register(world.Device{ID: p.name, Vendor: "v", App: p.app, Token: "tok-" + p.name})
			Expect(err).NotTo(HaveOccurred())
			for _, t := range strings.Fields(p.topics) {
				Expect(w.SubscribeTopic(p.name, t)).To(Succeed())
			}
		}
	})
	ids := func(ds []world.Device) []string {
		out := []string{}
		for _, d := range ds {
			out = append(out, d.ID)
		}
		return out
	}

	DescribeTable("selects the phones of one app by a combination of topics",
		func(op world.TopicOp, topics string, want ...string) {
			got, err := w.MatchTopics("v", "chat", op, strings.Fields(topics)...)
			Expect(err).NotTo(HaveOccurred())
			Expect(ids(got)).To(Equal(append([]string{}, want...)))
		},
		Entry("one topic, subscription order", world.TopicUnion, "news", "a", "b"),
		Entry("a topic nobody subscribed to", world.TopicUnion, "cars"),
		Entry("union, first topic's order first", world.TopicUnion, "sports news", "a", "c", "b"),
		Entry("union with a repeated topic", world.TopicUnion, "news news", "a", "b"),
		Entry("intersection", world.TopicIntersection, "news sports", "a"),
		Entry("intersection with an unknown topic is empty", world.TopicIntersection, "news cars"),
		Entry("intersection of one topic with itself", world.TopicIntersection, "news news", "a", "b"),
		Entry("except: the first minus the others", world.TopicExcept, "sports news", "c"),
		Entry("except several", world.TopicExcept, "sports news weather"),
		Entry("except a topic with itself is empty", world.TopicExcept, "news news"),
	)

	DescribeTable("refuses what it cannot keep or combine",
		func(run func() error, want error) {
			Expect(run()).To(MatchError(want))
		},
		Entry("an empty topic", func() error { return w.SubscribeTopic("a", " ") }, world.ErrTopicName),
		Entry("a control character", func() error { return w.SubscribeTopic("a", "x\ny") }, world.ErrTopicName),
		Entry("invalid UTF-8", func() error { return w.SubscribeTopic("a", "\xff") }, world.ErrTopicName),
		Entry("a topic over MaxTopicBytes", func() error { return w.SubscribeTopic("a", strings.Repeat("x", world.MaxTopicBytes+1)) }, world.ErrTopicName),
		Entry("an unknown phone", func() error { return w.SubscribeTopic("nobody", "news") }, world.ErrNotFound),
		Entry("unsubscribing an unknown phone", func() error { return w.UnsubscribeTopic("nobody", "news") }, world.ErrNotFound),
		Entry("an unknown op", func() error { _, err := w.MatchTopics("v", "chat", "XOR", "news"); return err }, world.ErrTopicOp),
		Entry("no topic", func() error { _, err := w.MatchTopics("v", "chat", world.TopicUnion); return err }, world.ErrTopicName),
	)

	It("lists a phone's topics and an app's topics with their counts, apart from other apps'", func() {
		Expect(w.DeviceTopics("c")).To(Equal([]string{"sports", "weather"}))
		Expect(w.Topics("v", "chat")).To(Equal([]world.TopicCount{{"news", 2}, {"sports", 2}, {"weather", 1}}))
		Expect(w.Topics("v", "other")).To(Equal([]world.TopicCount{{"news", 1}}))
		Expect(ids(w.TopicSubscribers("v", "other", "news"))).To(Equal([]string{"z"}))
	})
	It("subscribes once however often the SDK asks, and unsubscribes idempotently", func() {
		Expect(w.SubscribeTopic("b", "news")).To(Succeed())
		Expect(ids(w.TopicSubscribers("v", "chat", "news"))).To(Equal([]string{"a", "b"}))
		Expect(w.UnsubscribeTopic("a", "news")).To(Succeed())
		Expect(w.UnsubscribeTopic("a", "news")).To(Succeed())
		Expect(ids(w.TopicSubscribers("v", "chat", "news"))).To(Equal([]string{"b"}))
		Expect(w.DeviceTopics("a")).To(Equal([]string{"sports"}))
	})
	It("forgets a removed phone's subscriptions, and every subscription on reset", func() {
		Expect(w.RemoveDevice("a")).To(Succeed())
		Expect(ids(w.TopicSubscribers("v", "chat", "news"))).To(Equal([]string{"b"}))
		Expect(w.Topics("v", "chat")).To(Equal([]world.TopicCount{{"news", 1}, {"sports", 1}, {"weather", 1}}))
		w.Reset()
		Expect(w.Topics("v", "chat")).To(BeEmpty())
	})

	Describe("limits", func() {
		It("caps the topics of a phone at the vendor's limit, which an app's quota overrides and reset keeps", func() {
			w.SetTopicLimits("v", world.TopicLimits{PerDevice: 2})
			Expect(w.SubscribeTopic("a", "cars")).To(MatchError(world.ErrTopicLimit))
			Expect(w.SubscribeTopic("a", "news")).To(Succeed(), "already subscribed: no new topic")
			Expect(w.SubscribeTopic("b", "cars")).To(Succeed())

			a, _ := w.App("v", "chat")
			a.Quotas = map[string]int{world.QuotaTopicsPerDevice: 3}
			Expect(w.UpdateApp(*a)).To(Succeed())
			Expect(w.SubscribeTopic("a", "cars")).To(Succeed())
			Expect(w.TopicLimitsOf("v", "chat").PerDevice).To(Equal(3))
			Expect(w.TopicLimitsOf("v", "other").PerDevice).To(Equal(2))

			w.Reset()
			Expect(w.TopicLimitsOf("v", "x")).To(Equal(world.TopicLimits{PerDevice: 2, PerTopic: world.DefaultSubscribersPerTopic}))
		})
		It("caps the subscribers of a topic", func() {
			w.SetTopicLimits("v", world.TopicLimits{PerTopic: 2})
			Expect(w.SubscribeTopic("c", "news")).To(MatchError(world.ErrTopicFull))
			Expect(w.UnsubscribeTopic("b", "news")).To(Succeed())
			Expect(w.SubscribeTopic("c", "news")).To(Succeed())
		})
		It("has defaults when nobody sets a limit", func() {
			Expect(w.TopicLimitsOf("v", "chat")).To(Equal(world.TopicLimits{PerDevice: world.DefaultTopicsPerDevice, PerTopic: world.DefaultSubscribersPerTopic}))
		})
	})
})
