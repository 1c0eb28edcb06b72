package xiaomi

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/pushsim/pushsim/emulators/world"
)

// Topic sends (vendor-facts §1.1): POST /v2|v3/message/topic (form field
// `topic`), /v2|v3/message/multi_topic (`topics` joined with ";$;" and
// `topic_op` UNION / INTERSECTION / EXCEPT, at most 5 topics) and
// /v2|v3/message/all (every phone of the app). They take the same message
// fields as /message/regid and go through the same send path (send.go):
// the same validation, content filter, channel and quotas, counted per
// phone reached. The phones' subscriptions live in the world
// (world.SubscribeTopic; the control plane's PUT
// /_pushsim/devices/{id}/topics/{topic} stands in for the app's
// MiPushClient.subscribe).
//
// Where the facts are silent, the emulator does what is most likely
// (rules.go marks these "inferred"): a topic nobody subscribed to is
// accepted (code 0) and reaches no phone; a message id starts with 't' and
// the info line reads "Received push messages for N TOPIC" (as answers
// quoted in third-party clients do), "1 ALL" for /message/all; EXCEPT keeps
// the first topic's subscribers that have none of the others.

const (
	byTopic targetKind = byAlias + 1 + iota
	byMultiTopic
	byAll
)

// Defaults of the topic knobs (App.Quotas, see the package doc).
const (
	defMaxTopics       = 5   // topics per multi_topic send (vendor-facts §1.1)
	defTopicMaxLen     = 128 // characters of a topic (65010 exists, no number is documented: inferred)
	defTopicsPerDevice = 30  // topics a phone may subscribe to per app (addendum §2.3)
	topicSeparator     = ";$;"
)

func (e *Emulator) sendTopic(w http.ResponseWriter, r *http.Request) { e.send(w, r, byTopic) }
func (e *Emulator) sendMultiTopic(w http.ResponseWriter, r *http.Request) {
	e.send(w, r, byMultiTopic)
}
func (e *Emulator) sendAll(w http.ResponseWriter, r *http.Request) { e.send(w, r, byAll) }

// topicRoutes adds the topic send paths to the router and to the exact-match
// send paths, and sets MiPush's subscription limit in the world.
func (e *Emulator) topicRoutes(r *mux.Router) {
	e.w.SetTopicLimits(vendorName, world.TopicLimits{PerDevice: defTopicsPerDevice})
	for _, p := range [...]struct {
		path string
		h    http.HandlerFunc
	}{
		{"/v2/message/topic", e.sendTopic}, {"/v3/message/topic", e.sendTopic},
		{"/v2/message/multi_topic", e.sendMultiTopic}, {"/v3/message/multi_topic", e.sendMultiTopic},
		{"/v2/message/all", e.sendAll}, {"/v3/message/all", e.sendAll},
	} {
		r.HandleFunc(p.path, p.h).Methods(http.MethodPost)
		e.sendPaths[p.path] = p.h
	}
}

// checkTopics validates the topic fields: topic (or topics, split on ";$;"
// and de-duplicated) present and not empty → 65013, at most max_topics →
// 65035, each at most topic_max_len characters → 65010 and one the world can
// keep that does not hold the separator → 20209; topic_op present → 10016
// and one of the three → 10017.
func (c *call) checkTopics() rejection {
	f, app := c.f, c.app
	switch c.kind {
	case byAll:
		return rejection{}
	case byTopic:
		c.topics = append(c.topics[:0], f.topic)
	case byMultiTopic:
		c.topics = c.topics[:0]
		for rest := f.topics; ; {
			t, next, more := strings.Cut(rest, topicSeparator)
			if !contains(c.topics, t) {
				c.topics = append(c.topics, t)
			}
			if !more {
				break
			}
			rest = next
		}
		if lim := app.Quota("max_topics", defMaxTopics); len(c.topics) > lim {
			return rejection{codeTooManyTopics, "Too many topics, at most " + itoa(lim) + ".", ruleTopicMax}
		}
	}
	for _, t := range c.topics {
		if rej := checkTopicName(t, app); rej.code != 0 {
			return rej
		}
	}
	if c.kind == byMultiTopic {
		switch world.TopicOp(f.topicOp) {
		case world.TopicUnion, world.TopicIntersection, world.TopicExcept:
		case "":
			return rejection{codeMissingParam, "Missing required parameter: topic_op.", ruleTopicOp}
		default:
			return illegal("topic_op", ruleTopicOp)
		}
	}
	return rejection{}
}

// checkTopicName applies MiPush's rules for one topic name: not empty →
// 65013, at most topic_max_len characters → 65010, one the world can keep
// that does not hold the multi_topic separator → 20209.
func checkTopicName(t string, app *world.App) rejection {
	maxLen := app.Quota("topic_max_len", defTopicMaxLen)
	switch {
	case strings.TrimSpace(t) == "":
		return rejection{codeTopicEmpty, "Topic is empty.", ruleTopicName}
	case utf8.RuneCountInString(t) > maxLen:
		return rejection{codeTopicTooLong, "Topic is too long, at most " + itoa(maxLen) + " characters.", ruleTopicName}
	case world.ValidTopic(t) != nil || strings.Contains(t, topicSeparator):
		return rejection{codeInvalidTopic, "Invalid topic: " + truncate(t, 40) + ".", ruleTopicName}
	}
	return rejection{}
}

// resolveTopics finds the phones a valid topic send reaches: the app's
// subscribers of the topic(s), or every phone of the app for /message/all.
// None is no error: the broadcast is accepted and reaches nobody.
func (c *call) resolveTopics() rejection {
	if rej := c.takeBroadcast(); rej.code != 0 {
		return rej
	}
	var devices []world.Device
	if c.kind == byAll {
		for _, d := range c.e.w.Devices(vendorName) {
			if d.App == c.app.Name {
				devices = append(devices, d)
			}
		}
	} else {
		op := world.TopicUnion
		if c.kind == byMultiTopic {
			op = world.TopicOp(c.f.topicOp)
		}
		devices, _ = c.e.w.MatchTopics(vendorName, c.app.Name, op, c.topics...) // checkTopics made them valid
	}
	c.devices = make([]devRef, 0, len(devices))
	for _, d := range devices {
		c.devices = append(c.devices, devRef{d.ID, d.Token})
	}
	if len(c.devices) == 0 {
		c.entry.Rule = ruleTopicSend
		c.entry.Reason = "no phone of the app is subscribed: " + truncate(strings.Join(c.topics, topicSeparator), 200)
		if c.kind == byAll {
			c.entry.Reason = "the app has no phone"
		} else if c.kind == byMultiTopic {
			c.entry.Reason += " (" + c.f.topicOp + ")"
		}
	}
	return rejection{}
}

// takeBroadcast counts a valid broadcast against the app's daily broadcast
// limits (App.Quotas all_per_day for /message/all, topic_per_day for topic
// and multi_topic; 0, the default, is no limit): over it → 26004. The code is
// documented (broadcast sent too frequently, §1.4), the numbers are not.
func (c *call) takeBroadcast() rejection {
	knob, kind := "topic_per_day", "topic"
	if c.kind == byAll {
		knob, kind = "all_per_day", "all"
	}
	limit := c.app.Quota(knob, 0)
	if limit <= 0 {
		return rejection{}
	}
	key := vendorName + "/" + c.app.Name + "/broadcast/" + kind
	if used, ok := c.e.w.Quotas().TakeDaily(key, limit, c.now, world.Shanghai); !ok {
		return rejection{codeBroadcastOften, "broadcast too frequently, " + kind + " sends today: " + itoa(used) + ", limit: " + itoa(limit) + ".", ruleBroadcastDaily}
	}
	return rejection{}
}

// receivedTopics is the answer's message id letter and info line for topic
// sends (inferred, see above).
func (c *call) receivedTopics() (kind byte, info string, n int) {
	if c.kind == byAll {
		return 't', "ALL", 1
	}
	return 't', "TOPIC", len(c.topics)
}
