package xiaomi

import (
	"errors"
	"strings"

	"github.com/pushsim/pushsim/emulators/world"
)

// Server-side topic subscription (the Java SDK's Subscription class, S-X1;
// paths in vendor-facts §1.1's source): POST /v2/topic/subscribe and
// /v2/topic/unsubscribe with `registration_id` (comma-joined), POST
// /v2/topic/subscribe/alias and /v2/topic/unsubscribe/alias with `aliases`
// (comma-joined); `topic`, optional `restricted_package_name` and `category`
// (ignored: the facts do not say what it does). The subscriptions are the
// world's, the same a phone's MiPushClient.subscribe makes, so topic sends
// (topic.go) reach them.
//
// Answers (inferred: the facts quote none): code 0 with the success shape
// when at least one phone was (un)subscribed, unknown regIds listed in
// data.bad_regids; 20215 (subscribe) or 20216 (unsubscribe) when none was:
// no target names a phone of the app, or every phone already holds its
// 30 topics (xiaomi.topic.device-max). The topic name is checked as a topic
// send's (65013, 65010, 20209). Unsubscribing a topic a phone does not hold
// succeeds.

// Codes of the subscription APIs (vendor-facts §1.4 table; the Chinese
// descriptions are our wording, inferred).
const (
	codeSubscribeFailed   = 20215 // subscribe failed
	codeUnsubscribeFailed = 20216 // unsubscribe failed
	descSubscribeFailed   = "订阅topic失败"
	descUnsubscribeFailed = "取消订阅topic失败"
)

func (c *call) subscribeTopic(out *[]byte) (rejection, func(uint64)) {
	return c.subscription(true, out)
}

func (c *call) unsubscribeTopic(out *[]byte) (rejection, func(uint64)) {
	return c.subscription(false, out)
}

// subscription (un)subscribes the targets' phones to the call's topic.
func (c *call) subscription(subscribe bool, out *[]byte) (rejection, func(uint64)) {
	if rej := c.checkTargets(); rej.code != 0 {
		return rej, nil
	}
	if rej := c.checkPackage(); rej.code != 0 {
		return rej, nil
	}
	topic := c.f.topic
	if rej := checkTopicName(topic, c.app); rej.code != 0 {
		return rej, nil
	}
	_ = c.resolve() // an unknown target is reported, not refused

	done, full := 0, 0
	for _, d := range c.devices {
		var err error
		if subscribe {
			err = c.e.w.SubscribeTopic(d.id, topic)
		} else {
			err = c.e.w.UnsubscribeTopic(d.id, topic)
		}
		switch {
		case err == nil:
			done++
		case errors.Is(err, world.ErrTopicLimit) || errors.Is(err, world.ErrTopicFull):
			full++
		}
	}
	verb, code := "subscribe", codeSubscribeFailed
	if !subscribe {
		verb, code = "unsubscribe", codeUnsubscribeFailed
	}
	if done == 0 {
		if full > 0 {
			return rejection{code, "Failed to " + verb + " topic " + truncate(topic, 40) + ": every phone holds the most topics it may have.", ruleTopicsPerDevice}, nil
		}
		return rejection{code, "Failed to " + verb + " topic " + truncate(topic, 40) + ": no valid " + c.targetKey() + ".", ruleTopicSubscribe}, nil
	}

	trace, _ := c.e.newIDs('s')
	var data []string
	if len(c.bad) > 0 && c.kind == byRegID {
		data = []string{"bad_regids", strings.Join(c.bad, ",")}
	}
	*out = appendOK(*out, trace, data...)
	reason := verb + " " + truncate(topic, 40) + ": " + itoa(done) + " phone(s)"
	switch {
	case full > 0:
		c.accepted(ruleTopicsPerDevice, reason+"; "+itoa(full)+" phone(s) already hold the most topics they may have")
	case len(c.bad) > 0:
		c.accepted(ruleTopicSubscribe, reason+"; "+itoa(len(c.bad))+" unknown target(s): "+truncate(strings.Join(c.bad, ","), 200))
	default:
		c.accepted(ruleTopicSubscribe, reason)
	}
	return rejection{}, nil
}
