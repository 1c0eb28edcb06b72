package world_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("topic conditions", func() {
	var w *world.World

	// Phones of app chat: a (A B), b (A C), c (B), d (none); z of app
	// other has A.
	BeforeEach(func() {
		w = world.New(world.Options{})
		for _, app := range []string{"chat", "other"} {
			_, err := w.AddApp(world.App{Vendor: "v", Name: app})
			Expect(err).NotTo(HaveOccurred())
		}
		for _, p := range []struct{ name, app, topics string }{
			{"a", "chat", "A B"}, {"b", "chat", "A C"}, {"c", "chat", "B"}, {"d", "chat", ""}, {"z", "other", "A"},
		} {
			_, err := w.Register(world.Device{ID: p.name, Vendor: "v", App: p.app, Token: "tok-" + p.name})
			Expect(err).NotTo(HaveOccurred())
			for _, t := range strings.Fields(p.topics) {
				Expect(w.SubscribeTopic(p.name, t)).To(Succeed())
			}
		}
	})

	match := func(cond string, order world.ConditionOrder) []string {
		GinkgoHelper()
		c, err := world.ParseTopicCondition(cond, world.ConditionOptions{MaxTopics: 5, Order: order})
		Expect(err).NotTo(HaveOccurred())
		out := []string{}
		for _, d := range w.MatchCondition("v", "chat", c) {
			out = append(out, d.ID)
		}
		return out
	}

	DescribeTable("selects an app's phones, in registration order",
		func(cond string, want ...string) {
			Expect(match(cond, world.ConditionStandard)).To(Equal(append([]string{}, want...)))
		},
		Entry("one topic", "'A' in topics", "a", "b"),
		Entry("and", "'A' in topics && 'B' in topics", "a"),
		Entry("or", "'B' in topics || 'C' in topics", "a", "b", "c"),
		Entry("the documented example", "'A' in topics && ('B' in topics || 'C' in topics)", "a", "b"),
		Entry("not reaches phones with no subscription", "!('A' in topics)", "c", "d"),
		Entry("not without parentheses", "!'B' in topics && 'A' in topics", "b"),
		Entry("double quotes and no spaces around operators", `"A" in topics&&"C" in topics`, "b"),
		Entry("a topic nobody has", "'X' in topics"),
		Entry("another app's subscribers are not reached", "'A' in topics || 'X' in topics", "a", "b"),
	)

	It("combines && before || by default and left to right when asked", func() {
		cond := "'B' in topics || 'C' in topics && 'A' in topics"
		Expect(match(cond, world.ConditionStandard)).To(Equal([]string{"a", "b", "c"})) // B || (C && A)
		Expect(match(cond, world.ConditionLeftToRight)).To(Equal([]string{"a", "b"}))   // (B || C) && A
	})

	It("lists the condition's topics once each", func() {
		c, err := world.ParseTopicCondition("'A' in topics && ('B' in topics || !('A' in topics))", world.ConditionOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Topics()).To(Equal([]string{"A", "B"}))
	})

	DescribeTable("refuses what the grammar does not allow",
		func(cond, why string) {
			_, err := world.ParseTopicCondition(cond, world.ConditionOptions{MaxTopics: 5,
				ValidTopic: func(t string) bool { return t != "" && !strings.Contains(t, " ") }})
			Expect(errors.Is(err, world.ErrTopicCondition)).To(BeTrue(), "%v", err)
			Expect(err.Error()).To(ContainSubstring(why))
		},
		Entry("empty", "", "the condition ends"),
		Entry("blank", "   ", "the condition ends"),
		Entry("no 'in topics'", "'A'", `must be followed by "in topics"`),
		Entry("'in' glued to the next word", "'A' in topicsX", `must be followed by "in topics"`),
		Entry("unterminated name", "'A in topics", "unterminated"),
		Entry("invalid name", "'a b' in topics", "invalid topic name"),
		Entry("dangling operator", "'A' in topics &&", "the condition ends"),
		Entry("single ampersand", "'A' in topics & 'B' in topics", "unexpected"),
		Entry("unbalanced parenthesis", "('A' in topics", "')' expected"),
		Entry("stray closing parenthesis", "'A' in topics)", "unexpected"),
		Entry("six topics", strings.Repeat("'A' in topics || ", 5)+"'B' in topics", "6 topics, at most 5"),
		Entry("deep nesting", strings.Repeat("(", 40)+"'A' in topics"+strings.Repeat(")", 40), "nested deeper"),
		Entry("a long chain of negations", strings.Repeat("!", 40)+"'A' in topics", "nested deeper"),
		Entry("too long", "'"+strings.Repeat("a", 9000)+"' in topics", "longer than"),
	)

	It("remembers when a phone subscribed, until it unsubscribes", func() {
		clock := world.NewVirtualClock(time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC))
		w := world.New(world.Options{Clock: clock})
		_, err := w.AddApp(world.App{Vendor: "v", Name: "chat"})
		Expect(err).NotTo(HaveOccurred())
		_, err = w.Register(world.Device{ID: "p", Vendor: "v", App: "chat", Token: "t"})
		Expect(err).NotTo(HaveOccurred())
		Expect(w.SubscribeTopic("p", "news")).To(Succeed())
		clock.Advance(24 * time.Hour)
		Expect(w.SubscribeTopic("p", "sports")).To(Succeed())
		Expect(w.SubscribeTopic("p", "news")).To(Succeed()) // again: keeps the first date
		got, err := w.DeviceTopicsSince("p")
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal([]world.TopicSince{
			{Topic: "news", Since: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)},
			{Topic: "sports", Since: time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC)},
		}))
		Expect(w.UnsubscribeTopic("p", "news")).To(Succeed())
		got, _ = w.DeviceTopicsSince("p")
		Expect(got).To(HaveLen(1))
		_, err = w.DeviceTopicsSince("nobody")
		Expect(errors.Is(err, world.ErrNotFound)).To(BeTrue())
	})
})

func FuzzTopicCondition(f *testing.F) {
	for _, s := range []string{"'A' in topics", "!('A' in topics) || 'B' in topics && \"C\" in topics", "((", "'", "!!", "'A' in"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := world.ParseTopicCondition(s, world.ConditionOptions{MaxTopics: 5})
		if err != nil {
			if !errors.Is(err, world.ErrTopicCondition) {
				t.Fatalf("%q: error %v does not wrap ErrTopicCondition", s, err)
			}
			return
		}
		if n := len(c.Topics()); n == 0 || n > 5 {
			t.Fatalf("%q parsed with %d topics", s, n)
		}
		c.Match(func(string) bool { return true })
	})
}
