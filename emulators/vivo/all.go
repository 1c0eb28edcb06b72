package vivo

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/pushsim/pushsim/emulators/world"
)

// all serves POST /message/all: one message to every phone of the app
// (facts §3.1, §3.5). The body is /message/send's without regId or alias,
// checked as a list payload is (timeToLive 900…86400); it is accepted once
// per app per day by default (addendum §1.2: App.Quotas all_daily, counted
// in the world's shared counters like vivo's other quotas). Each phone then
// gets it under the per-device rules of a list push; the answer is a taskId.
func (e *Emulator) all(w http.ResponseWriter, r *http.Request) {
	c := e.begin(w, r, "all")
	if c == nil {
		return
	}
	defer c.release()
	res, v := c.checkBroadcast()
	if v != nil {
		c.reject(v, nil)
		return
	}
	rid := strings.TrimSpace(c.msg.RequestID.s)
	if c.duplicate(rid) {
		return
	}
	q, key := e.w.Quotas(), vendorName+"/"+c.app.ID+"/all"
	limit := c.app.Quota("all_daily", 1)
	if !res.test && limit >= 0 {
		if used := q.Used(key, c.now, world.Shanghai); used >= limit {
			c.reject(refuse(codeAllDaily, ruleAllDaily, "/message/all was called "+strconv.Itoa(used)+" time(s) today, the app's limit (App.Quotas all_daily; resets at 00:00 Asia/Shanghai)"), nil)
			return
		}
	}

	var devs []world.Device
	for _, d := range e.w.Devices(vendorName) {
		if d.App == c.app.Name && reachable(d, res.test) {
			devs = append(devs, d)
		}
	}
	if v := c.totals(&res, len(devs)); v != nil {
		c.reject(v, nil)
		return
	}
	if !res.test {
		q.TakeDaily(key, limit, c.now, world.Shanghai)
	}
	c.broadcast(&res, rid, devs, ruleAllTargets, "to every phone of the app")
}

// reachable reports whether a broadcast reaches a phone of the app:
// uninstalled phones have no subscription, and a test push reaches the
// console's test devices only.
func reachable(d world.Device, test bool) bool {
	return !d.Uninstalled && (!test || d.Test)
}

// checkBroadcast checks the message of a broadcast (/message/all,
// /message/tagPush): /message/send's fields as a list payload has them, the
// content filter, and no broadcast while the app is under review (the one
// documented sighting of 10045 is on /message/all, addendum §1.3).
func (c *call) checkBroadcast() (resolved, *verdict) {
	res, v := validate(c.app, &c.msg, true)
	if v == nil {
		v = c.checkContent(&res)
	}
	if v == nil && c.app.Setting("restricted", "") == "true" {
		v = refuse(codeRestricted, ruleRestricted, "the app is under review: "+c.r.URL.Path+" is not allowed")
	}
	return res, v
}

// broadcast answers an accepted broadcast with a new taskId, records it
// (rule, and to whom: "to every phone of the app") and hands the message to
// each phone under the per-device rules. The daily totals were counted.
func (c *call) broadcast(res *resolved, rid string, devs []world.Device, rule, to string) {
	taskID := c.e.newTaskID()
	c.remember(rid, taskID)
	c.accept(res)
	if c.entry.Rule == "" {
		c.entry.Rule = rule
	}
	c.entry.Reason = joinReason(c.entry.Reason, to+": "+strconv.Itoa(len(devs))+" phone(s)")
	c.entry.MessageID = taskID
	seq := c.record(&reply{taskID: taskID})
	for _, d := range devs {
		c.e.deliver(c.app, res, d, taskID, seq, c.now)
	}
	write(c.w, c.out)
}
