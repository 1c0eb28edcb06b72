package meizu

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pushsim/pushsim/emulators/world"
)

// Tag pushes (vendor-facts §2.1; the fields are the PushAPI README's
// "应用标签推送", S-M2): POST .../pushTask/pushToTag with appId, pushType
// (0 notification, 1 pass-through), tagNames (comma-joined), scope (0
// union, 1 intersection), messageJson and sign. Meizu's tags are the
// world's topics of the app: a phone subscribes them through the SDK
// (PushManager.subScribeTags), the server API subscribeTags (subscribe.go)
// or the control plane (PUT /_pushsim/devices/{id}/topics/{tag}). The send
// is a task like pushToApp: the answer is value {taskId, pushType, appId},
// it may start later (pushTimeInfo.pushTimeType 1) and pushTask/cancel
// withdraws what it has not delivered (the Java SDK's cancelTaskPush covers
// "全部用户推送以及标签推送").
//
// Where the README is silent (rules.go marks these "inferred"): the
// subscription API's limits (a tag at most 20 characters, at most 100 tags)
// bound tagNames too, an empty list is 110004 参数不能为空 and anything over
// a limit 1005; a tag nobody subscribed is accepted and reaches no phone.

// Defaults of the tag knobs (App.Quotas, see the package doc): the
// subscribeTags doc's "单个标签20个字符限制，100个标签数量限制".
const (
	defTagMaxLen = 20
	defMaxTags   = 100
)

// pushToTag sends a message to the app's phones subscribed to the tags,
// their union (scope 0) or intersection (scope 1), as a task.
func (c *call) pushToTag(w http.ResponseWriter) {
	pt, rej := c.pushType(ruleTagPush)
	var tags []string
	if rej.code == "" {
		tags, rej = c.tagList("tagNames")
	}
	op := world.TopicUnion
	if rej.code == "" {
		op, rej = c.scope()
	}
	if rej.code == "" {
		c.rt.passThrough = pt == 1 // restricted: 110053 unless App.Settings pass_through=allowed
		rej = c.decodeMessage(c.form.Get("messageJson"))
	}
	var start time.Time
	if rej.code == "" {
		start, rej = c.schedule()
	}
	if rej.code == "" {
		rej = c.appQuotas()
	}
	if rej.code != "" {
		c.refuse(w, rej)
		return
	}
	devs, _ := c.e.w.MatchTopics(vendorName, c.app.Name, op, tags...) // tagList made them valid
	tokens := make([]string, 0, len(devs))
	for _, d := range devs {
		if !d.Uninstalled {
			tokens = append(tokens, d.Token)
		}
	}
	how := "union"
	if op == world.TopicIntersection {
		how = "intersection"
	}
	to := "to the phones subscribed to " + truncate(strings.Join(tags, ","), 200) + " (" + how + ")"
	if len(tokens) == 0 {
		to += ", none of them subscribed"
	}
	c.broadcast(w, pt, tokens, start, ruleTagPush, to)
}

// scope reads the required scope field: 0 union, 1 intersection (the Java
// SDK's ScopeType).
func (c *call) scope() (world.TopicOp, rejection) {
	switch v := c.form.Get("scope"); v {
	case "0":
		return world.TopicUnion, rejection{}
	case "1":
		return world.TopicIntersection, rejection{}
	case "":
		return "", rejection{codeEmpty, ruleTagPush, "scope is missing (0 union, 1 intersection)"}
	default:
		return "", rejection{codeParameter, ruleTagPush, "scope " + strconv.Quote(truncate(v, 20)) + " is not 0 (union) or 1 (intersection)"}
	}
}

// tagList reads a comma-joined list of tags (pushToTag's tagNames,
// subscribeTags' tags): trimmed, repeats dropped; none → 110004, more than
// App.Quotas max_tags or one longer than tag_max_len characters → 1005, a
// tag the world cannot keep (control characters) → 1005.
func (c *call) tagList(field string) ([]string, rejection) {
	tags := splitTargets(c.form.Get(field))
	if len(tags) == 0 {
		return nil, rejection{codeEmpty, ruleTagNames, field + " is missing"}
	}
	if lim := c.app.Quota("max_tags", defMaxTags); len(tags) > lim {
		return nil, rejection{codeParameter, ruleTagNames, field + " has " + strconv.Itoa(len(tags)) + " tags, at most " + strconv.Itoa(lim) + " are allowed"}
	}
	maxLen := c.app.Quota("tag_max_len", defTagMaxLen)
	for _, t := range tags {
		if n := utf8.RuneCountInString(t); n > maxLen {
			return nil, rejection{codeParameter, ruleTagNames, "tag " + strconv.Quote(truncate(t, 40)) + " has " + strconv.Itoa(n) + " characters, at most " + strconv.Itoa(maxLen) + " are allowed"}
		}
		if err := world.ValidTopic(t); err != nil {
			return nil, rejection{codeParameter, ruleTagNames, "tag " + strconv.QuoteToASCII(truncate(t, 40)) + ": " + err.Error()}
		}
	}
	return tags, rejection{}
}
