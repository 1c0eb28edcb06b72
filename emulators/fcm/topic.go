package fcm

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// Sends to a topic or a condition (vendor-facts §3.3: the targets topic and
// condition). FCM answers 200 with a message name before it fans the message
// out, whoever is subscribed (nobody included); the emulator fans out at
// once, to the app's phones the world has subscribed (world.SubscribeTopic:
// the iid API in iid.go, the control plane, or a scenario's subscribe step).
//
// Not emulated: the 2048-byte limit the older ErrorCode text gives topic
// messages (§3.3 calls it a disagreement; the 4096 bytes of every message
// apply), the 1000 concurrent fan-outs per project (§3.5: a fan-out here is
// instant), and the per-device rates, which FCM applies while fanning out
// and cannot answer 429 for.

// Topic limits (vendor-facts §3.5; FCM's topic-messaging page).
const (
	defTopicsPerDevice   = 2000 // an app instance subscribes to at most 2000 topics
	defConditionTopics   = 5    // App.Quotas condition_topics
	defConditionOrderFCM = "left-to-right"
)

// audience resolves a topic or condition message to the phones it reaches,
// with the rule and the ledger reason. A condition the grammar refuses is
// 400 INVALID_ARGUMENT.
func (e *Emulator) audience(app *world.App, m *message) ([]world.Device, string, string, *failure) {
	if m.Topic != nil {
		topic := strings.TrimPrefix(*m.Topic, "/topics/")
		ds := e.w.TopicSubscribers(Vendor, app.Name, topic)
		return ds, RuleTopicSend, "topic " + strconv.Quote(topic) + ": " + phones(len(ds)) + " subscribed", nil
	}
	c, err := world.ParseTopicCondition(*m.Condition, conditionOptions(app))
	if err != nil {
		return nil, "", "", invalid(RuleTopicCondition, "message.condition", "Invalid condition expression provided. "+err.Error())
	}
	ds := e.w.MatchCondition(Vendor, app.Name, c)
	return ds, RuleTopicCondition, "condition " + strconv.Quote(*m.Condition) + ": " + phones(len(ds)) + " match", nil
}

// conditionOptions are FCM's condition rules: five topics (App.Quotas
// condition_topics) of the topic pattern, combined left to right as the
// topic-messaging page words it ("FCM first evaluates any conditions in
// parentheses, and then evaluates the expression from left to right");
// App.Settings condition_order=standard lets && bind tighter than ||.
func conditionOptions(app *world.App) world.ConditionOptions {
	o := world.ConditionOptions{MaxTopics: app.Quota("condition_topics", defConditionTopics), ValidTopic: validTopicName}
	if app.Setting("condition_order", defConditionOrderFCM) == "left-to-right" {
		o.Order = world.ConditionLeftToRight
	}
	return o
}

func phones(n int) string {
	if n == 1 {
		return "1 phone"
	}
	return strconv.Itoa(n) + " phones"
}

// maxLedgerTokens bounds the tokens a fan-out's ledger line lists.
const maxLedgerTokens = 1000

// fanOut records and answers an accepted topic or condition send, then
// delivers it to every phone of the audience as a token send would be (the
// same notification, content rule, channel fallback and offline storage).
func (e *Emulator) fanOut(w http.ResponseWriter, app *world.App, m *message, audience []world.Device, entry *world.Entry,
	name, id string, ttl time.Duration, now time.Time) {
	for _, d := range audience[:min(len(audience), maxLedgerTokens)] {
		entry.Tokens = append(entry.Tokens, d.Token)
	}
	cv := e.checkContent(app, m)
	rule := cv.RuleID(Vendor)
	if rule != "" {
		entry.Verdict, entry.Rule, entry.Reason = world.VerdictNotShown, rule, entry.Reason+"; "+cv.Reason+"; accepted and not shown"
	}
	seq := e.w.Record(*entry)
	ck := ""
	if m.Android != nil {
		ck = m.Android.CollapseKey
	}
	// Deliver before answering, as a token send does.
	for i := range audience {
		dev := &audience[i]
		n, note := notificationFor(app, dev, m, name, id)
		if rule != "" {
			_ = e.w.Drop(dev.ID, n, rule, cv.Reason, seq) // the phone may have been removed meanwhile
			continue
		}
		e.deliver(app, dev, n, ck, ttl, seq)
		if note != "" {
			e.w.Note(dev.ID, n, RuleChannelFallback, note, seq)
		}
		if cv.Controls > 0 {
			e.w.Note(dev.ID, n, RuleContentControls, cv.ControlsReason(), seq)
		}
	}
	writeJSON(w, []byte(entry.Response))
}
