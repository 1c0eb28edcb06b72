package vivo

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/pushsim/pushsim/emulators/world"
)

// tagPush serves POST /message/tagPush: /message/all's message to the
// phones a tag expression selects (facts §3.1, §3.3: "message fields plus
// tagExpression {orTags, andTags, notTags}"). vivo's tags are the world's
// topics of the app: the phone's SDK sets them (PushClient.setTopic), the
// server adds members with /tag/addMembers (tags.go), the control plane with
// PUT /_pushsim/devices/{id}/topics/{tag}. The phones reached are
//
//	(subscribed to any of orTags) ∩ (subscribed to every one of andTags) − (subscribed to any of notTags)
//
// where an empty orTags selects every phone of the app (the SDK accepts an
// expression with andTags only), and an expression with neither orTags nor
// andTags is refused (the SDK's validateTagExpression: "应有“and”或者“or”
// 标签组合"; the server's code is not documented, 10601 is inferred). The
// message checks, the 10045 of an app under review, the requestId memory,
// the daily totals and the per-phone rules are /message/all's; its
// once-a-day limit (10254) is not: it is documented for /message/all only.
// The answer is a taskId; a tag nobody has is accepted and reaches no phone.
func (e *Emulator) tagPush(w http.ResponseWriter, r *http.Request) {
	c := e.begin(w, r, "tagPush")
	if c == nil {
		return
	}
	defer c.release()
	res, v := c.checkBroadcast()
	if v != nil {
		c.reject(v, nil)
		return
	}
	x, v := readExpression(&c.msg.TagExpression)
	if v != nil {
		c.rejectDesc(v, exprDesc)
		return
	}
	rid := strings.TrimSpace(c.msg.RequestID.s)
	if c.duplicate(rid) {
		return
	}
	devs := e.tagged(c.app.Name, x, res.test)
	if v := c.totals(&res, len(devs)); v != nil {
		c.reject(v, nil)
		return
	}
	to := "to the phones of " + x.String()
	if len(devs) == 0 {
		to += ", none of them subscribed"
	}
	c.broadcast(&res, rid, devs, ruleTagPush, to)
}

// exprDesc is the desc of a refused tagExpression: the official SDK's own
// text for it (its validateTagExpression), typo included.
const exprDesc = "表现组合表达式错误，应有“and”或者“or”标签组合"

// rejectDesc is reject with a desc other than the code's.
func (c *call) rejectDesc(v *verdict, desc string) {
	c.entry.Verdict, c.entry.Rule, c.entry.Reason = world.VerdictRejected, v.rule, joinReason(c.note, v.reason)
	c.finish(&reply{result: v.code, desc: desc})
}

// expression is a checked tagExpression: tags trimmed, repeats dropped.
type expression struct{ or, and, not []string }

func (x expression) String() string {
	var b strings.Builder
	for _, p := range [...]struct {
		name string
		tags []string
	}{{"orTags", x.or}, {"andTags", x.and}, {"notTags", x.not}} {
		if len(p.tags) > 0 {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(p.name + "[" + strings.Join(p.tags, ",") + "]")
		}
	}
	return truncate(b.String(), 300)
}

// readExpression checks a tagExpression: present, an object of arrays of
// scalars, orTags or andTags not empty, every tag a name the world can keep.
func readExpression(t *tagExpr) (expression, *verdict) {
	switch {
	case !t.set:
		return expression{}, refuse(codeTagName, ruleTagExpression, "tagExpression is missing")
	case t.bad:
		return expression{}, refuse(codeTagName, ruleTagExpression, "tagExpression is not {\"orTags\":[…],\"andTags\":[…],\"notTags\":[…]} with lists of tag names")
	}
	var x expression
	for _, l := range [...]struct {
		name string
		in   []string
		out  *[]string
	}{{"orTags", t.or.v, &x.or}, {"andTags", t.and.v, &x.and}, {"notTags", t.not.v, &x.not}} {
		for _, tag := range l.in {
			tag = strings.TrimSpace(tag)
			if err := world.ValidTopic(tag); err != nil {
				return expression{}, refuse(codeTagName, ruleTagExpression, l.name+" holds "+strconv.QuoteToASCII(truncate(tag, 40))+": "+err.Error())
			}
			if !slices.Contains(*l.out, tag) {
				*l.out = append(*l.out, tag)
			}
		}
	}
	if len(x.or) == 0 && len(x.and) == 0 {
		return expression{}, refuse(codeTagName, ruleTagExpression, "tagExpression has neither orTags nor andTags")
	}
	return x, nil
}

// tagged lists the app's phones the expression selects that a broadcast
// reaches, in the order of the phones orTags (or the app) lists.
func (e *Emulator) tagged(app string, x expression, test bool) []world.Device {
	var base []world.Device
	if len(x.or) > 0 {
		base, _ = e.w.MatchTopics(vendorName, app, world.TopicUnion, x.or...) // readExpression made them valid
	} else {
		for _, d := range e.w.Devices(vendorName) {
			if d.App == app {
				base = append(base, d)
			}
		}
	}
	ids := func(op world.TopicOp, tags []string) map[string]bool {
		if len(tags) == 0 {
			return nil
		}
		devs, _ := e.w.MatchTopics(vendorName, app, op, tags...)
		set := make(map[string]bool, len(devs))
		for _, d := range devs {
			set[d.ID] = true
		}
		return set
	}
	every, none := ids(world.TopicIntersection, x.and), ids(world.TopicUnion, x.not)
	out := base[:0]
	for _, d := range base {
		if (every == nil || every[d.ID]) && !none[d.ID] && reachable(d, test) {
			out = append(out, d)
		}
	}
	return out
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
