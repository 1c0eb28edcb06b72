package huawei

import (
	"fmt"

	"github.com/pushsim/pushsim/emulators/world"
)

// Sends to message.topic or message.condition (vendor-facts §1.3). Push Kit
// accepts them whoever is subscribed; the emulator delivers at once to the
// app's Android phones the world has subscribed (topic.go's API, the control
// plane, or a scenario's subscribe step), each under the message's
// classification and daily caps as a token send would be. Not emulated: the
// 100 concurrent topic sends (80100017; a send here is instant).

const (
	defConditionTopics = 5 // App.Quotas condition_topics
	maxLedgerTokens    = 1000
)

// topicAudience resolves a topic or condition message to its phones, with
// the ledger's rule and reason; a bad topic or condition is 80100001.
func (e *Emulator) topicAudience(app *world.App, m *message) ([]world.Device, string, string, *problem) {
	var ds []world.Device
	rule, what := RuleTopicSend, ""
	if m.Topic != "" {
		if !validTopicName(m.Topic) {
			return nil, "", "", &problem{codeParam, RuleTopicSend, fmt.Sprintf("topic %q is not 1-900 letters, digits, _ - . ~ %% or Chinese", m.Topic)}
		}
		ds = e.w.TopicSubscribers(vendor, app.Name, m.Topic)
		what = fmt.Sprintf("topic %q", m.Topic)
	} else {
		c, err := world.ParseTopicCondition(m.Condition, conditionOptions(app))
		if err != nil {
			return nil, "", "", &problem{codeParam, RuleTopicCondition, "condition: " + err.Error()}
		}
		ds = e.w.MatchCondition(vendor, app.Name, c)
		rule, what = RuleTopicCondition, fmt.Sprintf("condition %q", m.Condition)
	}
	out := ds[:0]
	for _, d := range ds {
		if d.Platform != PlatformHarmony { // a HarmonyOS NEXT phone takes v3 only (v3.go)
			out = append(out, d)
		}
	}
	return out, rule, fmt.Sprintf("%s: %d phones", what, len(out)), nil
}

// conditionOptions are Huawei's condition rules: five topics of the topic
// pattern; && binds tighter than || (the docs give parentheses as "priority
// control" and no order; App.Settings condition_order=left-to-right
// combines them as written, FCM's documented reading).
func conditionOptions(app *world.App) world.ConditionOptions {
	o := world.ConditionOptions{MaxTopics: app.Quota("condition_topics", defConditionTopics), ValidTopic: validTopicName}
	if app.Setting("condition_order", "standard") == "left-to-right" {
		o.Order = world.ConditionLeftToRight
	}
	return o
}

// audienceTokens lists the tokens a topic send reached, for the ledger.
func audienceTokens(ds []world.Device) []string {
	out := make([]string, 0, min(len(ds), maxLedgerTokens))
	for _, d := range ds[:min(len(ds), maxLedgerTokens)] {
		out = append(out, d.Token)
	}
	return out
}
