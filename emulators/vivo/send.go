package vivo

import (
	"bytes"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// call is one push API request on its way through the emulator.
type call struct {
	e     *Emulator
	w     http.ResponseWriter
	r     *http.Request
	api   string
	now   time.Time
	app   *world.App // shared, read-only
	buf   *bytes.Buffer
	note  string // why the body was read as empty
	msg   message
	out   []byte
	entry world.Entry
}

var calls = sync.Pool{New: func() any { return new(call) }}

// begin authenticates a push call by its authToken header and reads its
// body. It answers the request itself and returns nil when that fails.
func (e *Emulator) begin(w http.ResponseWriter, r *http.Request, api string) *call {
	c := calls.Get().(*call)
	*c = call{e: e, w: w, r: r, api: api, now: e.w.Now(), out: c.out[:0]}
	c.entry = world.Entry{Kind: world.KindRequest, Vendor: vendorName, Method: r.Method, Path: r.URL.Path, Status: http.StatusOK}

	appID, why := e.tokenApp(header(r, "authToken"), c.now)
	if appID != "" {
		if app, ok := e.w.FindAppShared(vendorName, func(a *world.App) bool { return a.ID == appID }); ok {
			c.app = app
		} else {
			why = "the authToken's app no longer exists"
		}
	}
	if c.app == nil {
		c.buf, _ = readBody(w, r, authMaxBody)
		c.reject(&verdict{codeAuthFailed, ruleAuthToken, why}, nil)
		c.release()
		return nil
	}
	c.entry.App = c.app.Name
	c.buf, c.note = readBody(w, r, c.app.Quota("max_body_bytes", 262144))
	if why := decode(c.buf.Bytes(), &c.msg); c.note == "" {
		c.note = why
	}
	if c.msg.AppID.set && strings.TrimSpace(c.msg.AppID.s) != c.app.ID {
		c.reject(&verdict{codeAppIDMismatch, ruleAppID, "appId " + show(c.msg.AppID) + " is not the authToken's app " + c.app.ID}, nil)
		c.release()
		return nil
	}
	if api != "tag" {
		if limit, over := e.tooFast(c.app, c.now); over {
			c.reject(&verdict{codeTooFast, ruleQPS, qpsReason(limit)}, nil)
			c.release()
			return nil
		}
	}
	return c
}

func (c *call) release() {
	if c.buf != nil {
		putBuf(c.buf)
	}
	out := c.out
	*c = call{out: out[:0]}
	calls.Put(c)
}

// reject answers a refused request and records it.
func (c *call) reject(v *verdict, inv *invalid) {
	rep := reply{result: v.code, invalidUser: inv}
	if inv != nil && v.code == codeRegID && strings.HasPrefix(v.rule, "vivo.target.alias") {
		rep.desc = "alias不合法"
	}
	c.entry.Verdict, c.entry.Rule, c.entry.Reason = world.VerdictRejected, v.rule, joinReason(c.note, v.reason)
	c.finish(&rep)
}

// record writes the ledger entry for the answer; finish also sends it.
func (c *call) record(rep *reply) uint64 {
	c.out = rep.appendJSON(c.out[:0], false)
	c.entry.Code = strconv.Itoa(rep.result)
	c.entry.Body = ledgerBody(c.buf.Bytes())
	c.entry.Response = string(c.out)
	return c.e.w.Record(c.entry)
}

func (c *call) finish(rep *reply) {
	c.record(rep)
	write(c.w, c.out)
}

// send serves POST /message/send: one regId (or alias).
func (e *Emulator) send(w http.ResponseWriter, r *http.Request) {
	c := e.begin(w, r, "send")
	if c == nil {
		return
	}
	defer c.release()
	m := &c.msg
	res, v := validate(c.app, m, false)
	if v == nil {
		v = c.checkContent(&res)
	}
	if v != nil {
		c.reject(v, nil)
		return
	}
	if c.app.Setting("restricted", "") == "true" && !res.test {
		c.reject(refuse(codeRestricted, ruleRestricted, "the app is under review: only test pushes (pushMode=1) to test devices"), nil)
		return
	}
	rid := strings.TrimSpace(m.RequestID.s)
	if c.duplicate(rid) {
		return
	}

	regID, userid, rule := strings.TrimSpace(m.RegID.s), "", ruleTarget
	if regID != "" {
		userid = regID
	} else {
		userid, rule = strings.TrimSpace(m.Alias.s), ruleAlias
		regID = c.app.Extra[aliasPrefix+userid]
	}
	c.entry.Tokens = []string{userid}
	dev, inv, v := c.target(regID, userid, rule, res.test)
	if v != nil {
		c.reject(v, inv)
		return
	}
	if v := c.totals(&res, 1); v != nil {
		c.reject(v, nil)
		return
	}
	taskID := e.newTaskID()
	c.remember(rid, taskID)
	c.accept(&res)
	c.entry.MessageID = taskID
	seq := c.record(&reply{taskID: taskID})
	e.deliver(c.app, &res, dev, taskID, seq, c.now)
	write(w, c.out)
}

// checkContent runs the world's content filter on the trimmed title and
// content: nothing meaningful to show, or text vivo calls simple
// (simple.go), is vivo's 10104; a sensitive word
// (no vivo code documented) is kept in res and drops the message on the
// phone, as are control characters stripped there.
func (c *call) checkContent(res *resolved) *verdict {
	res.filter = c.e.w.CheckContent(c.app, world.Content{Title: res.title, Body: res.content})
	switch res.filter.Rule {
	case world.ContentEmpty:
		return refuse(codeSimple, ruleContentEmpty, res.filter.Reason)
	case world.ContentInvalidUTF8: // validate caught it already
		return refuse(codeTitleLong, ruleContentEncoding, res.filter.Reason)
	}
	mode := c.app.Setting("simple_text", "")
	if why := simpleText(res.title, mode); why != "" {
		return refuse(codeSimple, ruleContentSimple, "the title "+why)
	}
	if why := simpleText(res.content, mode); why != "" {
		return refuse(codeSimple, ruleContentSimple, "the content "+why)
	}
	return nil
}

// accept fills the ledger entry of an accepted request.
func (c *call) accept(res *resolved) {
	c.entry.Verdict = world.VerdictAccepted
	switch {
	case res.filter.Rule != "":
		c.entry.Verdict, c.entry.Rule = world.VerdictNotShown, res.filter.RuleID(vendorName)
		c.entry.Reason = res.filter.Reason + "; accepted and not shown"
	case res.marketing != "":
		c.entry.Rule = ruleReclassified
		c.entry.Reason = "sent as a system message, re-classified as an operation message: the text reads as marketing (" + strconv.Quote(res.marketing) + ")"
	case res.test:
		c.entry.Rule, c.entry.Reason = ruleTestQuota, "test push (pushMode=1): no quotas"
	}
	if c.note != "" {
		c.entry.Reason = joinReason(c.note, c.entry.Reason)
	}
}

// target resolves one regId to a phone of the app.
func (c *call) target(regID, userid, rule string, test bool) (world.Device, *invalid, *verdict) {
	if len(regID) != regIDLen {
		why := "regId is not 23 characters"
		if rule == ruleAlias {
			why = "no regId has alias " + strconv.Quote(userid)
		}
		return world.Device{}, &invalid{statusUnknown, userid}, refuse(codeRegID, rule, why)
	}
	dev, ok := c.e.w.DeviceByToken(vendorName, regID)
	if !ok || dev.App != c.app.Name {
		return world.Device{}, &invalid{statusUnknown, userid}, refuse(codeRegID, rule, "regId "+regID+" is not registered for app "+c.app.Name)
	}
	if dev.Uninstalled && c.app.Setting("uninstalled", "reject") != "accept" {
		return world.Device{}, &invalid{statusUninstalled, userid}, refuse(codeRegID, ruleUninstalled, "the app is uninstalled on "+deviceName(dev))
	}
	if test && !dev.Test {
		return world.Device{}, &invalid{statusNotTest, userid}, refuse(codeRegID, ruleTestDevice, deviceName(dev)+" is not a test device (pushMode=1)")
	}
	return dev, nil, nil
}

func deviceName(d world.Device) string {
	if d.Name != "" {
		return d.Name
	}
	return d.ID
}

// duplicate answers a repeated requestId like its first request, without
// sending again, and reports whether it did.
func (c *call) duplicate(rid string) bool {
	c.e.mu.Lock()
	c.e.stateLocked()
	seen, ok := c.e.requests[requestKey{c.app.ID, c.api, rid}]
	c.e.mu.Unlock()
	if !ok || !c.now.Before(seen.expires) {
		return false
	}
	c.entry.Verdict, c.entry.Rule = world.VerdictNotShown, ruleDuplicate
	c.entry.Reason = joinReason(c.note, "requestId "+strconv.Quote(rid)+" was already sent as task "+seen.taskID+"; not sent again")
	c.entry.MessageID = seen.taskID
	c.finish(&reply{taskID: seen.taskID})
	return true
}

// remember keeps an accepted requestId and its taskId.
func (c *call) remember(rid, taskID string) {
	window := time.Duration(c.app.Quota("request_id_window_s", 86400)) * time.Second
	c.e.mu.Lock()
	c.e.stateLocked()
	c.e.requests[requestKey{c.app.ID, c.api, rid}] = requestSeen{taskID: taskID, expires: c.now.Add(window)}
	c.e.pruneLocked(c.now)
	c.e.mu.Unlock()
}

// saveListPayload serves POST /message/saveListPayload: it stores the
// message and answers its taskId.
func (e *Emulator) saveListPayload(w http.ResponseWriter, r *http.Request) {
	c := e.begin(w, r, "saveListPayload")
	if c == nil {
		return
	}
	defer c.release()
	res, v := validate(c.app, &c.msg, true)
	if v == nil {
		v = c.checkContent(&res)
	}
	if v != nil {
		c.reject(v, nil)
		return
	}
	if c.app.Setting("restricted", "") == "true" {
		c.reject(refuse(codeRestricted, ruleRestricted, "the app is under review: list pushes are not allowed"), nil)
		return
	}
	rid := strings.TrimSpace(c.msg.RequestID.s)
	if c.duplicate(rid) {
		return
	}
	if limit := c.app.Quota("list_payloads_daily", -1); limit >= 0 {
		if _, ok := e.w.Quotas().TakeDaily(vendorName+"/"+c.app.ID+"/lists", limit, c.now, world.Shanghai); !ok {
			c.reject(refuse(codeListPayloadQuota, ruleListQuota, "more than "+strconv.Itoa(limit)+" list payloads today"), nil)
			return
		}
	}
	taskID := e.newTaskID()
	e.mu.Lock()
	e.stateLocked()
	e.tasks[taskID] = &task{appID: c.app.ID, msg: res, at: c.now}
	e.taskFIFO = append(e.taskFIFO, taskID)
	if len(e.taskFIFO) > maxTasks {
		delete(e.tasks, e.taskFIFO[0])
		e.taskFIFO = e.taskFIFO[1:]
	}
	e.mu.Unlock()
	c.remember(rid, taskID)
	c.accept(&res)
	c.entry.Reason = joinReason(c.entry.Reason, "stored for pushToList")
	c.entry.MessageID = taskID
	c.finish(&reply{taskID: taskID})
}

// pushToList serves POST /message/pushToList: a stored message to 2–1000
// regIds (or aliases).
func (e *Emulator) pushToList(w http.ResponseWriter, r *http.Request) {
	c := e.begin(w, r, "pushToList")
	if c == nil {
		return
	}
	defer c.release()
	m := &c.msg
	if c.app.Setting("restricted", "") == "true" {
		c.reject(refuse(codeRestricted, ruleRestricted, "the app is under review: list pushes are not allowed"), nil)
		return
	}
	useRegIDs := len(m.RegIDs.v) > 0 || m.RegIDs.bad
	switch {
	case !useRegIDs && len(m.Aliases.v) == 0 && !m.Aliases.bad:
		c.reject(refuse(codeListEmpty, ruleListTargets, "neither regIds nor aliases"), nil)
		return
	case strings.TrimSpace(m.TaskID.s) == "":
		c.reject(refuse(codeTaskIDEmpty, ruleListTask, "taskId is empty"), nil)
		return
	case useRegIDs && (m.RegIDs.bad || len(m.RegIDs.v) < 2 || len(m.RegIDs.v) > 1000):
		c.reject(refuse(codeRegIDsCount, ruleListTargets, "regIds must be a list of 2…1000, got "+strconv.Itoa(len(m.RegIDs.v))), nil)
		return
	case !useRegIDs && (m.Aliases.bad || len(m.Aliases.v) < 2 || len(m.Aliases.v) > 1000):
		c.reject(refuse(codeAliasesCount, ruleListTargets, "aliases must be a list of 2…1000, got "+strconv.Itoa(len(m.Aliases.v))), nil)
		return
	}
	rid := strings.TrimSpace(m.RequestID.s)
	if rid == "" {
		c.reject(refuse(codeRequestIDEmpty, ruleRequestID, "requestId is empty"), nil)
		return
	}
	if len([]rune(rid)) > 64 {
		c.reject(refuse(codeRequestIDLong, ruleRequestID, "requestId longer than 64 characters"), nil)
		return
	}
	taskID := strings.TrimSpace(m.TaskID.s)
	e.mu.Lock()
	e.stateLocked()
	t := e.tasks[taskID]
	e.mu.Unlock()
	if t == nil || t.appID != c.app.ID {
		// The code for an unknown taskId is not documented; 10151 (taskId)
		// with the "<field>不合法" text is the nearest.
		rep := reply{result: codeTaskIDEmpty, desc: "taskId不合法"}
		c.entry.Verdict, c.entry.Rule = world.VerdictRejected, ruleListTask
		c.entry.Reason = joinReason(c.note, "taskId "+strconv.Quote(taskID)+" is not a saveListPayload of app "+c.app.Name)
		c.finish(&rep)
		return
	}
	res := t.msg
	if pm, ok := m.PushMode.int(); ok && pm == 1 {
		res.test = true
	}
	if c.duplicate(rid) {
		return
	}

	ids, rule := m.RegIDs.v, ruleTarget
	if !useRegIDs {
		ids, rule = m.Aliases.v, ruleAlias
	}
	c.entry.Tokens = ids
	var devs []world.Device
	var bad []invalid
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if seen[id] {
			continue
		}
		seen[id] = true
		regID := id
		if !useRegIDs {
			regID = c.app.Extra[aliasPrefix+id]
		}
		dev, inv, _ := c.target(regID, id, rule, res.test)
		if inv != nil {
			bad = append(bad, *inv)
			continue
		}
		devs = append(devs, dev)
	}
	if v := c.totals(&res, len(devs)); v != nil {
		c.reject(v, nil)
		return
	}
	c.remember(rid, taskID)
	c.accept(&res)
	if len(bad) > 0 {
		c.entry.Reason = joinReason(c.entry.Reason, strconv.Itoa(len(bad))+" of "+strconv.Itoa(len(ids))+" targets invalid (invalidUsers)")
	}
	c.entry.MessageID = taskID
	seq := c.record(&reply{taskID: taskID, invalidUsers: bad})
	for _, d := range devs {
		e.deliver(c.app, &res, d, taskID, seq, c.now)
	}
	write(w, c.out)
}

// totals counts n formal messages against the app's daily totals (facts
// §3.5, addendum §1.2): operation → 10070, system → 10073.
func (c *call) totals(res *resolved, n int) *verdict {
	if res.test {
		return c.testTotals(res, n) // testcap.go
	}
	if n == 0 {
		return nil
	}
	app, q := c.app, c.e.w.Quotas()
	key, name, mult, code, rule := vendorName+"/"+app.ID+"/system", "system_daily", 3, codeSystemTotal, ruleSysTotal
	if !res.system {
		key, name, mult, code, rule = vendorName+"/"+app.ID+"/operation", "operation_daily", 2, codeOperationTotal, ruleOpTotal
		if app.News {
			mult = 3
		}
	}
	limit := app.Quota(name, 0)
	used := q.Used(key, c.now, world.Shanghai)
	if limit == 0 {
		// Automatic: mult × max(notification-enabled devices, 10000). The
		// device count is only needed once the floor is reached.
		limit = mult * 10000
		if used+n > limit {
			limit = mult * max(c.e.enabledDevices(app), 10000)
		}
	}
	if limit >= 0 && used+n > limit {
		class := "system"
		if !res.system {
			class = "operation"
		}
		return refuse(code, rule, class+" messages today: "+strconv.Itoa(used)+" of "+strconv.Itoa(limit)+", "+strconv.Itoa(n)+" more do not fit")
	}
	for range n {
		q.TakeDaily(key, -1, c.now, world.Shanghai)
	}
	return nil
}

// enabledDevices counts the app's phones that could show a push: the base
// of vivo's daily totals.
func (e *Emulator) enabledDevices(app *world.App) int {
	n := 0
	for _, d := range e.w.Devices(vendorName) {
		if d.App == app.Name && !d.Uninstalled && !d.NotificationsOff {
			n++
		}
	}
	return n
}

// deliver applies vivo's own rules for one phone (duplicate content,
// per-device cap, display window) and hands the push to the phone.
func (e *Emulator) deliver(app *world.App, res *resolved, dev world.Device, taskID string, seq uint64, now time.Time) {
	n := world.Notification{
		MessageID: taskID, Vendor: vendorName, App: app.Name,
		Title: res.title, Body: res.content, NotifyID: res.notifyID,
		Silent: res.notifyType == 1, Extras: res.custom,
		Click: click(res),
	}
	switch res.notifyType {
	case 2, 4:
		n.Sound = "default"
	}
	n.Class = world.ClassPublic
	if res.system {
		n.Class = world.ClassPrivate
	}
	opt := world.DeliverOptions{TTL: res.ttl, Request: seq}
	if res.sendOnline {
		opt.TTL = 0
	}
	if rule := res.filter.RuleID(vendorName); rule != "" {
		_ = e.w.Drop(dev.ID, n, rule, res.filter.Reason, seq)
		return
	}
	q := e.w.Quotas()
	if !res.system && !res.test {
		h := fnv.New64a()
		h.Write([]byte(res.title))
		h.Write([]byte{0})
		h.Write([]byte(res.content))
		key := vendorName + "/" + app.ID + "/dup/" + dev.ID + "/" + strconv.FormatUint(h.Sum64(), 36)
		if _, ok := q.TakeDaily(key, 1, now, world.Shanghai); !ok {
			_ = e.w.Drop(dev.ID, n, ruleContentDup, "the phone already got an operation message with the same title and content today", seq)
			return
		}
		limit := 2
		if app.News {
			limit = 5
		}
		limit = app.Quota("operation_per_device", limit)
		if _, ok := q.TakeDaily(vendorName+"/"+app.ID+"/operation/"+dev.ID, limit, now, world.Shanghai); !ok {
			_ = e.w.Drop(dev.ID, n, ruleOpPerDevice, "more than "+strconv.Itoa(limit)+" operation messages to this phone today", seq)
			return
		}
	}
	if !res.system && (!res.test || app.Setting("test_window", "") == "true") {
		opt.HoldUntil = holdUntil(app.Setting("operation_hours", "07:00-23:00"), now)
	}
	d, err := e.w.Deliver(dev.ID, n, opt)
	if err == nil && res.filter.Controls > 0 {
		e.w.Note(dev.ID, n, ruleContentControls, res.filter.ControlsReason(), seq)
	}
	if err == nil && d.Held && !opt.HoldUntil.IsZero() {
		e.w.Record(world.Entry{Kind: world.KindDelivery, Vendor: vendorName, App: app.Name, Tokens: []string{dev.Token},
			Device: dev.ID, Verdict: world.VerdictAccepted, Rule: ruleWindow, MessageID: taskID, Request: seq,
			Reason: "operation message held until " + opt.HoldUntil.In(world.Shanghai).Format("2006-01-02 15:04") + " Asia/Shanghai (shown only " + app.Setting("operation_hours", "07:00-23:00") + ")"})
	}
}

// click is the phone's click action for skipType (facts §3.6).
func click(res *resolved) world.Click {
	c := world.Click{Extras: res.custom}
	switch res.skipType {
	case 2:
		c.Type, c.Target = world.ClickURL, res.skipContent
	case 3:
		c.Type, c.Target = world.ClickCustom, res.skipContent
	case 4:
		c.Type, c.Target = world.ClickIntent, res.skipContent
		if !strings.HasPrefix(res.skipContent, "intent:") {
			c.Type = world.ClickActivity
		}
	default:
		c.Type = world.ClickLauncher
	}
	return c
}

// holdUntil returns when an operation message sent at now may be shown: the
// zero time inside the window ("07:00-23:00", Asia/Shanghai), else the
// window's next opening.
func holdUntil(window string, now time.Time) time.Time {
	from, to, ok := parseWindow(window)
	if !ok {
		from, to = 7*60, 23*60
	}
	local := now.In(world.Shanghai)
	m := local.Hour()*60 + local.Minute()
	if m >= from && m < to {
		return time.Time{}
	}
	day := world.DayStart(now, world.Shanghai)
	if m >= to {
		day = day.AddDate(0, 0, 1)
	}
	return day.Add(time.Duration(from) * time.Minute)
}

func parseWindow(s string) (from, to int, ok bool) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, false
	}
	from, ok1 := clockMinutes(a)
	to, ok2 := clockMinutes(b)
	return from, to, ok1 && ok2 && from < to
}

func clockMinutes(s string) (int, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 {
		return 0, false
	}
	return hh*60 + mm, true
}

// header reads a header by name whatever its spelling: a request that came
// over the wire has canonical names, one handed over in memory (httpmock,
// Server.Transport) may keep vivo's own spelling "authToken".
func header(r *http.Request, name string) string {
	if v := r.Header.Get(name); v != "" {
		return v
	}
	for k, v := range r.Header {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}
