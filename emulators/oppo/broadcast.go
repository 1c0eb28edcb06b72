package oppo

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/pushsim/pushsim/emulators/world"
)

// Broadcast ("save once, push to many") paths (vendor-facts §2.1).
const (
	PathSaveMessage = "/server/v1/message/notification/save_message_content"
	PathBroadcast   = "/server/v1/message/notification/broadcast"
)

// Saved messages are kept per app up to App.Quotas saved_messages_max and
// maxSavedBytes in all (the facts give no number and no lifetime).
const (
	defSavedMax   = 10000
	maxSavedBytes = 64 << 20
)

// serveSave serves save_message_content: the notification is checked and
// stored; data.message_id names it for broadcast.
func (e *Emulator) serveSave(rw http.ResponseWriter, r *http.Request) {
	now := e.w.Now()
	entry := world.Entry{Kind: world.KindRequest, Vendor: "oppo", Method: r.Method, Path: PathSaveMessage, Status: http.StatusOK, At: now}
	s, code, rule, reason := e.begin(rw, r, now)
	if code != codeSuccess {
		e.reject(rw, &entry, r, s, code, rule, reason)
		return
	}
	wire, code, reason := formNotification(r.Form)
	if code != codeSuccess {
		rule := ruleSave
		if code == codeInvalidEncoding {
			rule = "oppo.request.encoding"
		}
		e.reject(rw, &entry, r, s, code, rule, reason)
		return
	}
	n := wire.merge()
	if code, rule, why := validate(s.app, &n); code != codeSuccess {
		e.reject(rw, &entry, r, s, code, rule, why)
		return
	}
	id, again := e.saved.add(e.w, s.app, n, formSize(r.Form), func() string { return e.messageID(s.app) })
	entry.Verdict, entry.Rule, entry.Reason = world.VerdictAccepted, ruleSave, "saved for broadcast"
	if again {
		entry.Rule, entry.Reason = ruleSaveOnce, "app_message_id "+strconv.Quote(n.AppMessageID)+" was saved before as "+id+": not saved again"
	}
	body := saveSuccess(id)
	entry.App, entry.Code, entry.MessageID = s.app.Name, "0", id
	entry.Body, entry.Response = maskedBody(r.Form), capText(string(body))
	e.w.Record(entry)
	writeJSON(rw, http.StatusOK, body)
}

// formNotification reads the notification fields save_message_content
// carries as form fields (OPPO-SDK MessageTool.getNotification; OPPO-DEJ)
// into the notifyWire unicast's `notification` JSON decodes into: each value
// goes to its field's decoder as a JSON string, which takes "4" for a number
// and "true" or "1" for a switch.
func formNotification(form url.Values) (notifyWire, int, string) {
	var w notifyWire
	obj := make(map[string]json.RawMessage, len(form))
	for k, vs := range form {
		if k == "auth_token" || len(vs) == 0 {
			continue
		}
		if !utf8.ValidString(k) || !utf8.ValidString(vs[0]) {
			return w, codeInvalidEncoding, "form field " + strconv.QuoteToASCII(truncateText(k, 40)) + " is not UTF-8"
		}
		q, _ := json.Marshal(vs[0]) // a valid UTF-8 string: cannot fail
		obj[k] = q
	}
	b, _ := json.Marshal(obj)
	if err := json.Unmarshal(b, &w); err != nil {
		return w, codeInvalidArgs, "a notification field has the wrong form: " + err.Error()
	}
	return w, codeSuccess, ""
}

// formSize is what a saved message costs the store: its form's text.
func formSize(form url.Values) int {
	n := 0
	for k, vs := range form {
		for _, v := range vs {
			n += len(k) + len(v)
		}
	}
	return n
}

// serveBroadcast serves broadcast: a saved message to every phone of the
// app (target_type 1) or to ≤ 1000 registration ids (2).
func (e *Emulator) serveBroadcast(rw http.ResponseWriter, r *http.Request) {
	now := e.w.Now()
	entry := world.Entry{Kind: world.KindRequest, Vendor: "oppo", Method: r.Method, Path: PathBroadcast, Status: http.StatusOK, At: now}
	s, code, rule, reason := e.begin(rw, r, now)
	if code != codeSuccess {
		e.reject(rw, &entry, r, s, code, rule, reason)
		return
	}
	id, typ, value := r.Form.Get("message_id"), r.Form.Get("target_type"), r.Form.Get("target_value")
	var targets []string
	switch {
	case id == "":
		code, rule, reason = codeMissingArgs, ruleMessageID, "message_id is missing"
	case typ == "":
		code, rule, reason = codeMissingArgs, ruleTarget, "target_type is missing"
	case typ == "1":
	case typ != "2":
		code, rule, reason = codeInvalidArgs, ruleTarget, "target_type "+strconv.Quote(truncateText(typ, 20))+" is not 1 (all) or 2 (registration ids)"
	default:
		targets = splitTargets(value)
		switch {
		case len(targets) == 0:
			code, rule, reason = codeMissingArgs, ruleTarget, "target_type 2 needs target_value: registration ids joined by ';'"
		case len(targets) > maxBatch:
			code, rule, reason = codeInvalidArgs, ruleTarget, "target_value holds "+strconv.Itoa(len(targets))+" registration ids, at most 1000 are allowed"
		}
	}
	var n notification
	if code == codeSuccess {
		var ok bool
		if n, ok = e.saved.get(e.w, s.app.Name, id); !ok {
			code, rule, reason = codeDataNotExist, ruleMessageID, "message_id "+strconv.Quote(truncateText(id, 80))+" is not a message the app saved (or it was forgotten: App.Quotas saved_messages_max)"
		}
	}
	if code != codeSuccess {
		entry.Tokens = targets
		e.reject(rw, &entry, r, s, code, rule, reason)
		return
	}

	all := typ == "1"
	if all {
		for _, d := range e.w.Devices("oppo") {
			if d.App == s.app.Name && !d.Uninstalled {
				targets = append(targets, d.Token)
			}
		}
	}
	outs := make([]outcome, len(targets))
	for i, t := range targets {
		outs[i] = e.decideTarget(s, t, n, id)
	}
	taskID := e.w.RandString(24, world.Hex)
	var failed []outcome
	if !all {
		for _, o := range outs {
			if o.code != codeSuccess {
				failed = append(failed, o)
			}
		}
	}
	body := broadcastSuccess(id, taskID, failed)
	entry.App, entry.Code, entry.MessageID, entry.Verdict = s.app.Name, "0", id, world.VerdictAccepted
	if len(targets) <= maxBatch {
		entry.Tokens = targets
	}
	entry.Rule, entry.Reason = ruleTarget, broadcastReason(taskID, all, outs)
	entry.Body, entry.Response = maskedBody(r.Form), capText(string(body))
	seq := e.w.Record(entry)
	for i := range outs {
		o := &outs[i]
		if o.code == codeSuccess {
			e.apply(s, o, seq)
			continue
		}
		e.w.Record(world.Entry{Kind: world.KindDelivery, At: now, Vendor: "oppo", App: s.app.Name, Tokens: []string{o.target},
			Device: o.device.ID, Verdict: world.VerdictRejected, Code: strconv.Itoa(o.code), Rule: o.rule, Reason: o.reason, MessageID: id, Request: seq})
	}
	writeJSON(rw, http.StatusOK, body)
}

// decideTarget decides one registration id of a broadcast: the id checked
// as unicast's target_value, then the saved notification under unicast's
// rules. What the phone shows carries the saved message_id.
func (e *Emulator) decideTarget(s session, target string, n notification, id string) outcome {
	o := outcome{target: target}
	if !validRegID(target) {
		return o.fail(codeInvalidRegID, "oppo.regid.invalid", "not a registration id (OPPO_CN_<32 hex>)")
	}
	dev, ok := e.w.DeviceByToken("oppo", target)
	if !ok || dev.App != s.app.Name {
		return o.fail(codeInvalidRegID, "oppo.regid.invalid", "no phone of app "+s.app.Name+" has this registration id")
	}
	o = e.decideFor(s, dev, target, &n)
	if o.code == codeSuccess {
		o.messageID, o.n.MessageID = id, id
	}
	return o
}

// splitTargets splits target_value on ';', trimming and dropping empty
// items and repeats.
func splitTargets(v string) []string {
	var out []string
	for t := range strings.SplitSeq(v, ";") {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func broadcastReason(taskID string, all bool, outs []outcome) string {
	accepted, notShown := 0, 0
	var first *outcome
	for i := range outs {
		switch {
		case outs[i].code != codeSuccess:
			if first == nil {
				first = &outs[i]
			}
		case outs[i].dropRule != "":
			accepted++
			notShown++
		default:
			accepted++
		}
	}
	who := "target(s)"
	if all {
		who = "phone(s) of the app (target_type 1)"
	}
	b := "task " + taskID + ": " + strconv.Itoa(len(outs)) + " " + who + ": " + strconv.Itoa(accepted) + " accepted (" +
		strconv.Itoa(notShown) + " not to be shown), " + strconv.Itoa(len(outs)-accepted) + " refused"
	if first != nil {
		b += "; first " + strconv.Itoa(first.code) + " for " + truncateText(first.target, 60) + ": " + first.reason
	}
	return b
}

// saveSuccess is {"code":0,"message":"","data":{"message_id":"..."}}.
func saveSuccess(id string) []byte {
	b := append(make([]byte, 0, 96), `{"code":0,"message":"","data":{"message_id":`...)
	b = appendJSONString(b, id)
	return append(b, "}}"...)
}

// broadcastSuccess is {"code":0,"message":"","data":{"message_id":..,
// "messageId":.., "task_id":.., "<code>":[targets], ...}}: the refused
// targets under their numeric code, codes ascending, targets in request
// order (vendor-facts §2.4, OPPO-SDK setBroadcastResult). The facts name
// the id "data.message_id/messageId": both keys carry it, so a client
// reading either finds it.
func broadcastSuccess(id, taskID string, failed []outcome) []byte {
	b := append(make([]byte, 0, 160), `{"code":0,"message":"","data":{"message_id":`...)
	b = appendJSONString(b, id)
	b = append(b, `,"messageId":`...)
	b = appendJSONString(b, id)
	b = append(b, `,"task_id":`...)
	b = appendJSONString(b, taskID)
	var codes []int
	for _, o := range failed {
		if !slices.Contains(codes, o.code) {
			codes = append(codes, o.code)
		}
	}
	slices.Sort(codes)
	for _, c := range codes {
		b = append(b, ',', '"')
		b = strconv.AppendInt(b, int64(c), 10)
		b = append(b, `":[`...)
		n := 0
		for _, o := range failed {
			if o.code != c {
				continue
			}
			if n > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, o.target)
			n++
		}
		b = append(b, ']')
	}
	return append(b, "}}"...)
}

// truncateText cuts s to at most n bytes on a rune boundary.
func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// savedMessage is one save_message_content, checked and merged.
type savedMessage struct {
	id           string
	app          string // App.Name
	appMessageID string
	n            notification // AppMessageID cleared: a broadcast is not de-duplicated per target
	size         int
}

// savedStore keeps saved messages oldest first, within each app's
// saved_messages_max and maxSavedBytes in all.
type savedStore struct {
	mu     sync.Mutex
	epoch  *world.Quotas // the world's counters when the messages were saved
	byID   map[string]*savedMessage
	order  []*savedMessage
	perApp map[string]int
	bytes  int
}

// stateLocked forgets every message when the world was reset.
func (s *savedStore) stateLocked(w *world.World) {
	if q := w.Quotas(); q != s.epoch || s.byID == nil {
		s.epoch, s.byID, s.order, s.perApp, s.bytes = q, map[string]*savedMessage{}, nil, map[string]int{}, 0
	}
}

// add saves n under a new id (newID) and returns it, or the id of the app's
// earlier save with the same app_message_id (again = true).
func (s *savedStore) add(w *world.World, app *world.App, n notification, size int, newID func() string) (id string, again bool) {
	limit := max(app.Quota("saved_messages_max", defSavedMax), 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stateLocked(w)
	if n.AppMessageID != "" {
		for _, m := range s.order {
			if m.app == app.Name && m.appMessageID == n.AppMessageID {
				return m.id, true
			}
		}
	}
	m := &savedMessage{id: newID(), app: app.Name, appMessageID: n.AppMessageID, n: n, size: size}
	m.n.AppMessageID = ""
	s.byID[m.id] = m
	s.order = append(s.order, m)
	s.perApp[m.app]++
	s.bytes += size
	for s.perApp[m.app] > limit {
		for i, o := range s.order {
			if o.app == m.app {
				s.removeLocked(i)
				break
			}
		}
	}
	for s.bytes > maxSavedBytes && len(s.order) > 1 {
		s.removeLocked(0)
	}
	return m.id, false
}

func (s *savedStore) removeLocked(i int) {
	o := s.order[i]
	s.order = append(s.order[:i], s.order[i+1:]...)
	delete(s.byID, o.id)
	s.perApp[o.app]--
	s.bytes -= o.size
}

// get returns a copy of the app's saved notification.
func (s *savedStore) get(w *world.World, app, id string) (notification, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stateLocked(w)
	m, ok := s.byID[id]
	if !ok || m.app != app {
		return notification{}, false
	}
	return m.n, true
}
