package meizu

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// Task ("save once, push to many") paths (vendor-facts §2.1; the fields and
// answers are the PushAPI README's, S-M2, which §2.1 and §2.4 cite).
const (
	PathGetTaskID               = "/garcia/api/server/push/pushTask/getTaskId"
	PathTaskPushByPushID        = "/garcia/api/server/push/task/varnished/pushByPushId"
	PathTaskPushByAlias         = "/garcia/api/server/push/task/varnished/pushByAlias"
	PathTaskPassThroughByPushID = "/garcia/api/server/push/task/unvarnished/pushByPushId"
	PathTaskPassThroughByAlias  = "/garcia/api/server/push/task/unvarnished/pushByAlias"
	PathPushToApp               = "/garcia/api/server/push/pushTask/pushToApp"
	PathPushToTag               = "/garcia/api/server/push/pushTask/pushToTag" // tag.go
	PathCancelTask              = "/garcia/api/server/push/pushTask/cancel"
)

// taskOp is what a task path does; opNone is a plain push.
type taskOp uint8

const (
	opNone      taskOp = iota
	opGetTaskID        // store a message, answer its taskId
	opTaskPush         // push a stored message to ≤ 100 pushIds or aliases
	opPushToApp        // a message to every phone of the app, as a task
	opPushToTag        // a message to the phones subscribed to tags, as a task (tag.go)
	opCancel           // cancel a pushToApp or pushToTag task
)

// Task store bounds: App.Quotas tasks_max tasks per app (the facts give no
// number and no lifetime: a task lives until it is pushed out of the store),
// and at most maxTaskBytes of stored messageJson in all.
const (
	defTasksMax  = 10000
	maxTaskBytes = 64 << 20
)

func (e *Emulator) addTaskRoutes() {
	e.paths[PathGetTaskID] = route{op: opGetTaskID}
	e.paths[PathTaskPushByPushID] = route{op: opTaskPush}
	e.paths[PathTaskPushByAlias] = route{op: opTaskPush, alias: true}
	e.paths[PathTaskPassThroughByPushID] = route{op: opTaskPush, passThrough: true}
	e.paths[PathTaskPassThroughByAlias] = route{op: opTaskPush, alias: true, passThrough: true}
	e.paths[PathPushToApp] = route{op: opPushToApp}
	e.paths[PathPushToTag] = route{op: opPushToTag}
	e.paths[PathCancelTask] = route{op: opCancel}
	var base uint64
	e.w.Rand(func(r *rand.Rand) { base = r.Uint64() })
	e.tasks.next = 20000 + int64(base%80000) // the README's taskId 20457
}

// task serves the task APIs: signed and rate-limited like every push, then
// the operation's own fields.
func (e *Emulator) task(w http.ResponseWriter, r *http.Request, rt route) {
	var c call
	if rej := c.begin(e, w, r, rt); rej.code != "" {
		c.refuse(w, rej)
		return
	}
	switch rt.op {
	case opGetTaskID:
		c.getTaskID(w)
	case opTaskPush:
		c.pushTask(w)
	case opPushToApp:
		c.pushToApp(w)
	case opPushToTag:
		c.pushToTag(w)
	case opCancel:
		c.cancelTask(w)
	}
}

// getTaskID validates a message as the push of its pushType would and
// stores it; the answer's value is {taskId, pushType, appId}.
func (c *call) getTaskID(w http.ResponseWriter) {
	pt, rej := c.pushType(ruleTaskCreate)
	if rej.code == "" {
		c.rt.passThrough = pt == 1
		rej = c.decodeMessage(c.form.Get("messageJson"))
	}
	if rej.code != "" {
		c.refuse(w, rej)
		return
	}
	id := c.e.tasks.add(c.e.w, c.app, task{appID: c.app.ID, pushType: pt, message: c.form.Get("messageJson")})
	b := appendTaskValue(make([]byte, 0, 96), id, pt, c.app.ID)
	c.accept(w, b, strconv.FormatInt(id, 10), ruleTaskCreate, "task "+strconv.FormatInt(id, 10)+" stored for task/"+pushKind(pt)+"/pushByPushId and pushByAlias")
}

// pushTask sends a stored task to ≤ 100 pushIds or aliases: the answer
// and the per-target codes are those of pushByPushId / pushByAlias.
func (c *call) pushTask(w http.ResponseWriter) {
	t, rej := c.findTask()
	switch {
	case rej.code != "":
	case t.broadcast:
		rej = rejection{codeTaskID, ruleTaskID, "task " + strconv.FormatInt(t.id, 10) + " is a pushToApp or pushToTag task: it went to its phones already"}
	case (t.pushType == 1) != c.rt.passThrough:
		rej = rejection{codeTaskID, ruleTaskID, "task " + strconv.FormatInt(t.id, 10) + " is a " + pushKind(t.pushType) + " task; this path pushes " + pushKind(boolInt(c.rt.passThrough)) + " tasks"}
	}
	if rej.code == "" {
		rej = c.decodeTargets()
	}
	if rej.code == "" {
		// Validated again: a display window may have closed since getTaskId.
		rej = c.decodeMessage(t.message)
	}
	if rej.code == "" {
		rej = c.appQuotas()
	}
	if rej.code != "" {
		c.refuse(w, rej)
		return
	}
	c.entry.Rule, c.entry.Reason = ruleTaskPush, "task "+strconv.FormatInt(t.id, 10)
	writeJSON(w, http.StatusOK, c.send())
}

// pushToApp sends a notification to every phone of the app that has it
// installed, as a task; the answer's value is {taskId, pushType, appId}.
// Phones refused (switch off, daily public cap, ...) are in the ledger only:
// the answer lists no targets.
func (c *call) pushToApp(w http.ResponseWriter) {
	pt, rej := c.pushType(rulePushToApp)
	if rej.code == "" && pt == 1 {
		rej = rejection{codePassThrough, rulePushToApp, "pushToApp takes notification messages only (pushType 0); pass-through is restricted since 2018-06-16"}
	}
	if rej.code == "" {
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
	var tokens []string
	for _, d := range c.e.w.Devices(vendorName) {
		if d.App == c.app.Name && !d.Uninstalled {
			tokens = append(tokens, d.Token)
		}
	}
	c.broadcast(w, 0, tokens, start, rulePushToApp, "to every phone of the app")
}

// broadcast stores the call's message as a pushToApp or pushToTag task and
// sends it to the phones with these tokens (each admitted as a pushByPushId
// target is), held until start when it is set. The answer is value {taskId,
// pushType, appId}; refused phones are in the ledger only.
func (c *call) broadcast(w http.ResponseWriter, pushType int, tokens []string, start time.Time, rule, to string) {
	id := c.e.tasks.add(c.e.w, c.app, task{appID: c.app.ID, pushType: pushType, broadcast: true, message: c.form.Get("messageJson")})
	taskID := strconv.FormatInt(id, 10)
	c.targets = tokens
	if len(c.targets) > defMaxTargets {
		c.entry.Tokens = []string{} // the deliveries name each phone
	}
	c.n.MessageID = taskID // what the phones see: the task is the message
	failed, sent := c.fanOut()
	b := appendTaskValue(make([]byte, 0, 96), id, pushType, c.app.ID)
	c.entry.Rule = rule
	c.entry.Reason = "task " + taskID + " " + to + ": " + strconv.Itoa(len(c.targets)) + " phone(s)"
	if !start.IsZero() {
		c.entry.Rule = ruleTaskSchedule
		c.entry.Reason += ", held until startTime " + start.In(world.Shanghai).Format(timeLayout) + " Asia/Shanghai"
	}
	c.conclude(b, failed, sent)
	writeJSON(w, http.StatusOK, b)
}

// schedule reads a pushToApp's pushTimeInfo.pushTimeType and startTime and
// returns the start (zero: now). A scheduled task is held for every phone
// until its start, and its validTime counts from there. A start that has
// passed sends at once (inferred).
func (c *call) schedule() (time.Time, rejection) {
	if c.timing == nil {
		return time.Time{}, rejection{}
	}
	switch t := c.timing.PushTimeType.or(0); t {
	case 0:
		return time.Time{}, rejection{}
	case 1:
	default:
		return time.Time{}, rejection{codeParameter, ruleTaskSchedule, "pushTimeInfo.pushTimeType " + strconv.Itoa(t) + " is not 0 (now) or 1 (at startTime)"}
	}
	start, err := time.ParseInLocation(timeLayout, c.timing.StartTime.V, world.Shanghai)
	if err != nil {
		return time.Time{}, rejection{codeParameter, ruleTaskSchedule, "pushTimeType 1 needs pushTimeInfo.startTime as yyyy-MM-dd HH:mm:ss"}
	}
	if !start.After(c.now) {
		return time.Time{}, rejection{}
	}
	if c.opt.TTL > 0 {
		c.opt.TTL += start.Sub(c.now)
	}
	if start.After(c.opt.HoldUntil) {
		c.opt.HoldUntil = start
	}
	return start, rejection{}
}

// cancelTask cancels a pushToApp or pushToTag task (the Java SDK's
// cancelTaskPush: "全部用户推送以及标签推送"): whatever it has not delivered yet
// (held for a scheduled start or an offline phone) is withdrawn. A task
// with nothing left to deliver, or cancelled before, is answered 500
// 任务已取消[已完成]，无法取消 (addendum §4.1); any other task 110032 (the
// README: cancel is for those tasks only).
func (c *call) cancelTask(w http.ResponseWriter) {
	t, rej := c.findTask()
	if rej.code == "" && c.form.Has("pushType") {
		_, rej = c.pushType(ruleTaskCancel)
	}
	if rej.code == "" && !t.broadcast {
		rej = rejection{codeTaskID, ruleTaskCancel, "task " + strconv.FormatInt(t.id, 10) + " is not a pushToApp or pushToTag task: only those can be cancelled"}
	}
	if rej.code != "" {
		c.refuse(w, rej)
		return
	}
	taskID := strconv.FormatInt(t.id, 10)
	if t.cancelled {
		c.refuseText(w, rejection{codeOther, ruleTaskCancel, "task " + taskID + " was cancelled before"}, taskFinished)
		return
	}
	withdrawn := 0
	for _, d := range c.e.w.Devices(vendorName) {
		if d.App == c.app.Name {
			n, _ := c.e.w.Withdraw(d.ID, c.app.Name, taskID, ruleTaskCancel, "task "+taskID+" was cancelled (pushTask/cancel) before it reached the phone", 0)
			withdrawn += n
		}
	}
	c.e.tasks.cancel(t.id)
	if withdrawn == 0 {
		c.refuseText(w, rejection{codeOther, ruleTaskCancel, "task " + taskID + " has reached every phone it could: nothing left to cancel"}, taskFinished)
		return
	}
	b := append(make([]byte, 0, 80), `{"code":"200","message":"","value":{"result":true},"redirect":""}`...)
	c.accept(w, b, taskID, ruleTaskCancel, "task "+taskID+" cancelled: withdrawn from "+strconv.Itoa(withdrawn)+" phone(s) still waiting for it")
}

// taskFinished is the README's 500 text for a task that cannot be cancelled.
const taskFinished = "任务已取消[已完成]，无法取消"

// pushType reads the required pushType field: 0 notification, 1 pass-through.
func (c *call) pushType(rule string) (int, rejection) {
	v := c.form.Get("pushType")
	switch v {
	case "0", "1":
		return int(v[0] - '0'), rejection{}
	case "":
		return 0, rejection{codeEmpty, rule, "pushType is missing"}
	}
	return 0, rejection{codeParameter, rule, "pushType " + strconv.Quote(truncate(v, 20)) + " is not 0 (notification) or 1 (pass-through)"}
}

// findTask reads taskId and finds the app's task.
func (c *call) findTask() (task, rejection) {
	raw := c.form.Get("taskId")
	if raw == "" {
		return task{}, rejection{codeEmpty, ruleTaskID, "taskId is missing"}
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return task{}, rejection{codeTaskID, ruleTaskID, "taskId " + strconv.Quote(truncate(raw, 40)) + " is not a number"}
	}
	t, ok := c.e.tasks.get(c.e.w, id)
	if !ok || t.appID != c.app.ID {
		return task{}, rejection{codeTaskID, ruleTaskID, "no task " + raw + " of this app (never made, made by another app, or forgotten: App.Quotas tasks_max)"}
	}
	return t, rejection{}
}

// accept answers a task call that succeeded with b and records it.
func (c *call) accept(w http.ResponseWriter, b []byte, id, rule, reason string) {
	e := &c.entry
	e.Verdict, e.Code, e.MessageID, e.Rule, e.Reason, e.Response = world.VerdictAccepted, codeOK, id, rule, reason, string(b)
	c.e.w.Record(*e)
	writeJSON(w, http.StatusOK, b)
}

// appendTaskValue writes getTaskId's and pushToApp's answer:
// {"code":"200","message":"","value":{"taskId":20457,"pushType":0,"appId":100999},"redirect":""}.
func appendTaskValue(b []byte, id int64, pushType int, appID string) []byte {
	b = append(b, `{"code":"200","message":"","value":{"taskId":`...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, `,"pushType":`...)
	b = strconv.AppendInt(b, int64(pushType), 10)
	b = append(b, `,"appId":`...)
	n, _ := strconv.ParseUint(appID, 10, 63) // authenticate checked it is a number
	b = strconv.AppendUint(b, n, 10)
	return append(b, `},"redirect":""}`...)
}

func pushKind(pushType int) string {
	if pushType == 1 {
		return "unvarnished"
	}
	return "varnished"
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// task is a stored message. The messageJson is kept as sent and validated
// again at each push, so a time-dependent check (a display window that has
// closed) is made when the task is pushed.
type task struct {
	id        int64
	appID     string
	pushType  int  // 0 notification, 1 pass-through
	broadcast bool // made by pushToApp or pushToTag: cancellable, not pushable to targets
	cancelled bool
	message   string
}

// taskStore keeps the tasks in memory, oldest first, within each app's
// tasks_max and maxTaskBytes in all.
type taskStore struct {
	mu     sync.Mutex
	epoch  *world.Quotas // the world's counters when the tasks were made
	next   int64
	byID   map[int64]*task
	order  []*task
	perApp map[string]int
	bytes  int
}

// stateLocked forgets every task when the world was reset (World.Reset
// replaces its counters).
func (s *taskStore) stateLocked(w *world.World) {
	if q := w.Quotas(); q != s.epoch || s.byID == nil {
		s.epoch, s.byID, s.order, s.perApp, s.bytes = q, map[int64]*task{}, nil, map[string]int{}, 0
	}
}

// add stores t under a new id and returns it; the app's oldest tasks go
// beyond its tasks_max, everyone's oldest beyond maxTaskBytes.
func (s *taskStore) add(w *world.World, app *world.App, t task) int64 {
	limit := max(app.Quota("tasks_max", defTasksMax), 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stateLocked(w)
	s.next++
	t.id = s.next
	s.byID[t.id] = &t
	s.order = append(s.order, &t)
	s.perApp[t.appID]++
	s.bytes += len(t.message)
	for s.perApp[t.appID] > limit {
		for i, o := range s.order {
			if o.appID == t.appID {
				s.removeLocked(i)
				break
			}
		}
	}
	for s.bytes > maxTaskBytes && len(s.order) > 1 {
		s.removeLocked(0)
	}
	return t.id
}

func (s *taskStore) removeLocked(i int) {
	o := s.order[i]
	s.order = append(s.order[:i], s.order[i+1:]...)
	delete(s.byID, o.id)
	s.perApp[o.appID]--
	s.bytes -= len(o.message)
}

// get returns a copy of a task.
func (s *taskStore) get(w *world.World, id int64) (task, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stateLocked(w)
	t, ok := s.byID[id]
	if !ok {
		return task{}, false
	}
	return *t, true
}

// cancel marks a task cancelled.
func (s *taskStore) cancel(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.byID[id]; ok {
		t.cancelled = true
	}
}
