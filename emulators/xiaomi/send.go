package xiaomi

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/pushsim/pushsim/emulators/world"
)

// Defaults of the App.Quotas knobs (see the package doc).
const (
	defQPS              = 500
	defPublicPerDevice  = 5
	defPublicNews       = 8
	defDefaultPerDevice = 1
	defPublicMult       = 2
	defPublicMultNews   = 3
	defDefaultMult      = 1
	defTotalFloor       = 10000
	defMaxTargets       = 1000
	defMaxExtras        = 10
	defExtraMaxLen      = 1024
	defTitleMax         = 50
	defDescriptionMax   = 128
	defMaxBody          = 256 << 10
	day                 = 24 * time.Hour
	defTTL              = 14 * day
	defTTLPublic        = 1 * day
	defTTLPrivate       = 10 * day
	defTimeToSendMax    = 7 * day
	ledgerBodyMax       = 2048 // bytes of the form kept in the ledger
)

type targetKind uint8

const (
	byRegID targetKind = iota
	byAlias
)

var formPool = sync.Pool{New: func() any { return new(form) }}

func (e *Emulator) sendRegIDs(w http.ResponseWriter, r *http.Request) { e.send(w, r, byRegID) }
func (e *Emulator) sendAliases(w http.ResponseWriter, r *http.Request) {
	e.send(w, r, byAlias)
}

// targetKey is the form field naming a send's targets; topic sends name
// theirs in topic / topics, which the form keeps apart (topic.go). The
// management APIs name their own (call.key: aliases, registration_ids).
func (c *call) targetKey() string {
	if c.key != "" {
		return c.key
	}
	switch c.kind {
	case byRegID:
		return "registration_id"
	case byAlias:
		return "alias"
	}
	return ""
}

// received is what a success answer says was received: the message id's
// first letter and the info line's count and kind.
func (c *call) received() (kind byte, info string, n int) {
	switch c.kind {
	case byRegID:
		return 's', "REGID", len(c.f.targets)
	case byAlias:
		return 'a', "ALIAS", len(c.f.targets)
	}
	return c.receivedTopics()
}

// rejection is a request the server refuses, with the rule that refused it.
type rejection struct {
	code         int
	reason, rule string
}

// call carries one request through the send path.
type call struct {
	e       *Emulator
	app     *world.App // shared with the world: read only, not kept
	now     time.Time
	kind    targetKind
	f       *form
	entry   world.Entry
	channel world.Channel // ID "" = default class
	devices []devRef      // accepted targets
	over    []overRef     // targets over their quota (not all of them)
	bad     []string      // unknown regIds (or aliases)
	acked   int
	quota   int
	counted bool
	enabled int // notification-enabled devices, -1 until counted
	content world.ContentVerdict
	topics  []string // topic sends: the topics named (topic.go)
	key     string   // the targets' form field when not the send's own (api.go)
}

type devRef struct{ id, token string }

type overRef struct {
	devRef
	rule, reason string
}

func (e *Emulator) send(w http.ResponseWriter, r *http.Request, kind targetKind) {
	c := call{e: e, now: e.w.Now(), kind: kind, enabled: -1}
	c.entry = world.Entry{Kind: world.KindRequest, Vendor: vendorName, Method: r.Method, Path: r.URL.Path, Status: http.StatusOK, At: c.now}
	out := getBuf()
	defer putBuf(out)

	rej := c.authorize(r)
	if rej.code == 0 {
		rej = c.read(w, r)
	}
	if rej.code == 0 {
		rej = c.validate()
	}
	if rej.code == 0 {
		rej = c.resolve()
	}
	if rej.code == 0 {
		rej = c.takeQuota()
	}
	if rej.code != 0 {
		trace, _ := e.newIDs('s')
		*out = appendError(*out, rej.code, rej.reason, trace)
		c.entry.Verdict, c.entry.Code, c.entry.Rule, c.entry.Reason = world.VerdictRejected, itoa(rej.code), rej.rule, rej.reason
		c.finish(out)
		writeJSON(w, http.StatusOK, *out)
		return
	}
	c.accept(out)
	writeJSON(w, http.StatusOK, *out)
}

// finish records the request in the ledger and releases the form.
func (c *call) finish(out *[]byte) uint64 {
	c.entry.Response = string(*out)
	if c.f != nil {
		if len(c.f.targets) > 0 {
			c.entry.Tokens = append([]string(nil), c.f.targets...)
		}
		formPool.Put(c.f)
		c.f = nil
	}
	return c.e.w.Record(c.entry)
}

func (c *call) authorize(r *http.Request) rejection {
	secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "key=")
	if ok && secret != "" {
		c.app, ok = c.e.w.FindAppShared(vendorName, func(a *world.App) bool { return a.Secret == secret })
	}
	if !ok || c.app == nil {
		return rejection{codeAuth, reasonAuth, ruleAuth}
	}
	c.entry.App = c.app.Name
	if qps := c.app.Quota("qps", defQPS); qps > 0 {
		if !c.e.w.Quotas().TakeRate(c.e.appKeys(c.app.Name).qps, qps, time.Second, c.now) {
			code := codeQPS
			if c.app.Setting("rate_limit_code", "") == "10027" {
				code = codeTooFrequent
			}
			return rejection{code, "exceed qps limit, qps: " + itoa(qps), ruleRate}
		}
	}
	return rejection{}
}

// read takes the body (size-limited) and the query string and decodes them.
func (c *call) read(w http.ResponseWriter, r *http.Request) rejection {
	limit := c.app.Quota("max_body_bytes", defMaxBody)
	if r.ContentLength > int64(limit) {
		return tooLong(limit)
	}
	buf := getBuf()
	defer putBuf(buf)
	_, preread := r.Body.(world.Preread)
	body, err := world.ReadBody(r, limit, (*buf)[:0])
	if !preread {
		*buf = body // read into the pooled buffer (maybe grown): back to the pool
	}
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return tooLong(limit)
		}
		return rejection{codeParameter, "Failed to read the request body.", ruleEncoding}
	}
	c.entry.Body = string(truncateBytes(body, ledgerBodyMax))

	c.f = formPool.Get().(*form)
	c.f.reset()
	targetKey := c.targetKey()
	if q := r.URL.RawQuery; q != "" {
		if err := decode([]byte(q), targetKey, c.f); err != nil {
			return decodeRejection(err)
		}
	}
	if err := decode(body, targetKey, c.f); err != nil {
		return decodeRejection(err)
	}
	return rejection{}
}

// decodeRejection is 10008 for a form that cannot be read; invalid UTF-8 in
// the text the phone shows (or the payload) is the content filter's.
func decodeRejection(err error) rejection {
	rule := ruleEncoding
	if de, ok := err.(*decodeError); ok && de.content {
		rule = ruleContentUTF8
	}
	return rejection{codeParameter, err.Error(), rule}
}

func tooLong(limit int) rejection {
	return rejection{codeRequestTooLong, "Request body too long, limit: " + itoa(limit) + " bytes.", ruleBodySize}
}

func (c *call) validate() rejection {
	f, app := c.f, c.app
	if c.kind >= byTopic {
		if rej := c.checkTopics(); rej.code != 0 {
			return rej
		}
	} else if rej := c.checkTargets(); rej.code != 0 {
		return rej
	}
	if rej := c.checkPackage(); rej.code != 0 {
		return rej
	}
	switch f.passThrough {
	case "", "0", "1":
	default:
		return illegal("pass_through", ruleParams)
	}
	if f.passThrough == "1" {
		if !f.hasPayload || f.payload == "" {
			return rejection{codeMissingParam, "Missing required parameter: payload.", rulePayloadRequired}
		}
	} else {
		if rej := checkText(f.title, f.hasTitle, "title", app.Quota("title_max", defTitleMax), ruleTitleRequired, ruleTitleLength); rej.code != 0 {
			return rej
		}
		if rej := checkText(f.description, f.hasDescription, "description", app.Quota("description_max", defDescriptionMax), ruleDescRequired, ruleDescLength); rej.code != 0 {
			return rej
		}
	}
	if lim := app.Quota("payload_max", 0); lim > 0 && len(f.payload) > lim {
		return rejection{codeContentTooLong, "payload too long, limit: " + itoa(lim) + " bytes.", rulePayloadSize}
	}
	if f.notifyType != "" {
		if n, err := strconv.Atoi(f.notifyType); err != nil || n < -1 || n > 7 {
			return illegal("notify_type", ruleParams)
		}
	}
	if f.notifyID != "" {
		if n, err := strconv.ParseInt(f.notifyID, 10, 64); err != nil || n < 0 || n > 2147483647 {
			return illegal("notify_id", ruleParams)
		}
	}
	if f.timeToLive != "" {
		if n, err := strconv.ParseInt(f.timeToLive, 10, 64); err != nil || n < 0 {
			return illegal("time_to_live", ruleParams)
		}
	}
	if f.timeToSend != "" {
		n, err := strconv.ParseInt(f.timeToSend, 10, 64)
		if err != nil || n < 0 || time.UnixMilli(n).Sub(c.now) > quotaDuration(app, "time_to_send_max_ms", defTimeToSendMax) {
			return illegal("time_to_send", ruleParams)
		}
	}
	if rej := checkExtras(f, app); rej.code != 0 {
		return rej
	}
	if rej := c.checkContent(); rej.code != 0 {
		return rej
	}
	return c.checkChannel()
}

// checkTargets: the targets are present → 10016, at most max_targets → 10017.
func (c *call) checkTargets() rejection {
	targetKey := c.targetKey()
	if len(c.f.targets) == 0 {
		return rejection{codeMissingParam, "Missing required parameter: " + targetKey + ".", ruleTargetsRequired}
	}
	if lim := c.app.Quota("max_targets", defMaxTargets); len(c.f.targets) > lim {
		return rejection{codeIllegalValue, "Too many " + targetKey + ", at most " + itoa(lim) + " per request.", ruleTargetsMax}
	}
	return rejection{}
}

// checkPackage: restricted_package_name, when given, names the app's package → 22022.
func (c *call) checkPackage() rejection {
	if f := c.f; len(f.packages) > 0 && !contains(f.packages, c.app.Package) {
		return rejection{codePackage, "Invalid restricted_package_name: " + truncate(strings.Join(f.packages, ","), 100) + ".", rulePackage}
	}
	return rejection{}
}

// checkContent runs the world's content filter. Xiaomi forbids sensitive
// words and intercepts what fails its audit without an error code
// (addendum §2.4), so a sensitive word, like a text with nothing to show,
// is accepted and never shown; invalid UTF-8 is a parameter error.
func (c *call) checkContent() rejection {
	f := c.f
	c.content = c.e.w.CheckContent(c.app, world.Content{Title: f.title, Body: f.description, Payload: f.payload, PassThrough: f.passThrough == "1"})
	if c.content.Rule == world.ContentInvalidUTF8 {
		return rejection{codeParameter, "Parameter " + c.content.Field + " is not valid UTF-8.", ruleContentUTF8}
	}
	return rejection{}
}

func illegal(name, rule string) rejection {
	return rejection{codeIllegalValue, "Illegal value of parameter " + name + ".", rule}
}

// checkText applies the title and description rules: present, not all
// whitespace, shorter than max characters (runes: a CJK character counts 1).
func checkText(s string, present bool, name string, limit int, required, length string) rejection {
	switch {
	case !present || s == "":
		return rejection{codeMissingParam, "Missing required parameter: " + name + ".", required}
	case strings.TrimSpace(s) == "":
		return rejection{codeParameter, "Parameter " + name + " must not be blank.", required}
	case utf8.RuneCountInString(s) >= limit:
		return rejection{codeIllegalValue, "Parameter " + name + " is too long, its length must be less than " + itoa(limit) + ".", length}
	}
	return rejection{}
}

// reserved lists the extra.* keys Xiaomi itself reads; every other extra is
// a custom key/value handed to the app and counted against max_extras.
var reserved = map[string]bool{
	"channel_id": true, "channel_name": true, "channel_description": true,
	"notify_effect": true, "intent_uri": true, "web_uri": true, "class_name": true, "intent_flag": true,
	"notify_foreground": true, "sound_uri": true, "ticker": true, "jobkey": true, "only_send_once": true,
	"flow_control": true, "callback": true, "callback.param": true, "callback.type": true,
	"locale": true, "locale_not_in": true, "model": true, "model_not_in": true,
	"app_version": true, "app_version_not_in": true, "connpt": true,
	"template_id": true, "template_param": true, "ios_msg_channel": true,
}

// isReserved reports whether an extra key is one of Xiaomi's own.
func isReserved(k string) bool {
	return reserved[k] || strings.HasPrefix(k, "notification_") || strings.HasPrefix(k, "apsAlert-")
}

func checkExtras(f *form, app *world.App) rejection {
	maxN, maxLen := app.Quota("max_extras", defMaxExtras), app.Quota("extra_max_len", defExtraMaxLen)
	n := 0
	for _, x := range f.extras {
		if isReserved(x.key) {
			continue
		}
		n++
		if utf8.RuneCountInString(x.key) > maxLen || utf8.RuneCountInString(x.value) > maxLen {
			return rejection{codeExtraTooLong, "Extra key or value too long, at most " + itoa(maxLen) + " characters: " + truncate(x.key, 40) + ".", ruleExtrasLength}
		}
	}
	if n > maxN {
		reason := reasonTooManyExtras
		if maxN != defMaxExtras {
			reason = "Too many extra key/value pairs, at most " + itoa(maxN) + "."
		}
		return rejection{codeTooManyExtras, reason, ruleExtrasMax}
	}
	switch eff := f.extra("notify_effect"); eff {
	case "", "1":
	case "2":
		if f.extra("intent_uri") == "" && f.extra("class_name") == "" {
			return rejection{codeIllegalValue, "notify_effect 2 requires extra.intent_uri.", ruleClick}
		}
	case "3":
		u := f.extra("web_uri")
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return rejection{codeIllegalValue, "notify_effect 3 requires an http(s) extra.web_uri.", ruleClick}
		}
	default:
		return illegal("extra.notify_effect", ruleClick)
	}
	if jk := f.extra("jobkey"); jk != "" && !validJobKey(jk) {
		return illegal("extra.jobkey", ruleJobKey)
	}
	return rejection{}
}

// validJobKey: [0-9a-zA-Z_-], at most 20 characters, not starting with '_'.
func validJobKey(s string) bool {
	if len(s) > 20 || s[0] == '_' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// checkChannel finds the message class: a registered channel's, or default.
func (c *call) checkChannel() rejection {
	id := c.f.extra("channel_id")
	if id == "" {
		if c.app.Setting("require_channel", "") == "true" {
			return rejection{codeChannel, reasonChannel, ruleChannel}
		}
		c.channel = world.Channel{Class: world.ClassDefault}
		return rejection{}
	}
	ch, ok := c.app.Channel(id)
	if !ok {
		return rejection{codeChannel, reasonChannel, ruleChannel}
	}
	if ch.Class != world.ClassPrivate && ch.Class != world.ClassPublic {
		ch.Class = world.ClassDefault
	}
	c.channel = ch
	return rejection{}
}

// resolve maps the targets onto the app's phones; unknown ones are bad.
func (c *call) resolve() rejection {
	if c.kind >= byTopic {
		return c.resolveTopics()
	}
	c.devices = make([]devRef, 0, len(c.f.targets))
	for _, t := range c.f.targets {
		if !c.addTarget(t) {
			c.bad = append(c.bad, t)
		}
	}
	if len(c.devices) == 0 {
		return rejection{codeSendFailed, reasonNoTargets, ruleTargetsInvalid}
	}
	return rejection{}
}

// addTarget adds the app's phones a regId (or an alias, by the call's kind)
// names; false when it names none.
func (c *call) addTarget(t string) bool {
	if c.kind == byRegID {
		return c.addDevice(t)
	}
	regIDs, ok := c.app.Extra[aliasPrefix+t]
	found := false
	for ok && regIDs != "" {
		var id string
		id, regIDs, _ = strings.Cut(regIDs, ",")
		if id != "" && c.addDevice(id) {
			found = true
		}
	}
	return found
}

func (c *call) addDevice(token string) bool {
	d, ok := c.e.w.DeviceByToken(vendorName, token)
	if !ok || d.App != c.app.Name {
		return false
	}
	for _, x := range c.devices {
		if x.id == d.ID {
			return true // two aliases of one phone: one message
		}
	}
	c.devices = append(c.devices, devRef{d.ID, d.Token})
	return true
}

// takeQuota counts one message per accepted device in the class's daily
// counters. A device over its cap (or meeting a full app total) is dropped
// from the request; only when every device is over is the request refused
// with 200001 (vendor-facts §1.4: single sends fail with 200001; for a list
// the facts are silent, so the emulator decides per device and leaves a
// ledger delivery entry for each dropped one).
func (c *call) takeQuota() rejection {
	q, app, keys := c.e.w.Quotas(), c.app, c.e.appKeys(c.app.Name)
	var perDevice, total int
	var deviceKey, totalKey, deviceRule string
	switch c.channel.Class {
	case world.ClassPrivate:
		for range c.devices {
			c.acked, _ = q.TakeDaily(keys.privateTotal, -1, c.now, world.Shanghai)
		}
		c.quota = -1
		return rejection{}
	case world.ClassPublic:
		mult := defPublicMult
		perDevice = defPublicPerDevice
		if app.News {
			perDevice, mult = defPublicNews, defPublicMultNews
		}
		perDevice, total = app.Quota("public_per_device", perDevice), c.total(app.Quota("public_multiplier", mult))
		deviceKey, totalKey, deviceRule = keys.publicDevice, keys.publicTotal, ruleQuotaPublic
	default:
		perDevice, total = app.Quota("default_per_device", defDefaultPerDevice), c.total(app.Quota("default_multiplier", defDefaultMult))
		deviceKey, totalKey, deviceRule = keys.defDevice, keys.defTotal, ruleQuotaDefault
	}
	c.quota, c.acked = total, q.Used(totalKey, c.now, world.Shanghai)
	kept := c.devices[:0]
	for _, d := range c.devices {
		if c.acked >= total {
			c.over = append(c.over, overRef{d, ruleQuotaAppTotal, exceed(total, c.acked)})
			continue
		}
		if used, ok := q.TakeDaily(deviceKey+d.token, perDevice, c.now, world.Shanghai); !ok {
			c.over = append(c.over, overRef{d, deviceRule, exceed(perDevice, used)})
			continue
		}
		// Another request may have filled the total since Used: then this
		// one device went one over; the shared counter has no give-back.
		c.acked, _ = q.TakeDaily(totalKey, total, c.now, world.Shanghai)
		kept = append(kept, d)
	}
	c.devices = kept
	if len(kept) == 0 && len(c.over) > 0 { // a topic nobody subscribed to reaches no device, and is no error
		return rejection{codeQuota, c.over[0].reason, c.over[0].rule}
	}
	return rejection{}
}

func exceed(quota, acked int) string {
	return "exceed quota, quota: " + itoa(quota) + ", have acked: " + itoa(acked)
}

// total is the app's daily total: max(notification-enabled devices, floor) × mult.
func (c *call) total(mult int) int {
	if c.enabled < 0 {
		c.enabled = 0
		for _, d := range c.e.w.Devices(vendorName) {
			if d.App == c.app.Name && !d.NotificationsOff && !d.Uninstalled {
				c.enabled++
			}
		}
	}
	return max(c.enabled, c.app.Quota("total_floor", defTotalFloor)) * mult
}

// accept answers success, records the request and hands the message to
// each phone.
func (c *call) accept(out *[]byte) {
	kindByte, info, targets := c.received()
	trace, id := c.e.newIDs(kindByte)
	s := success{id: id, dayAcked: c.acked, dayQuota: c.quota, info: info, targets: targets}
	if c.kind == byRegID {
		s.badRegIDs = c.bad
	}
	*out = appendSuccess(*out, trace, &s)

	n, opt := c.notification(id)
	c.entry.Verdict, c.entry.Code, c.entry.MessageID = world.VerdictAccepted, "0", id
	contentRule := c.content.RuleID(vendorName)
	switch {
	case contentRule != "":
		c.entry.Verdict, c.entry.Rule, c.entry.Reason = world.VerdictNotShown, contentRule, c.content.Reason+"; accepted and not shown"
	case len(c.over) > 0:
		c.entry.Rule = c.over[0].rule
		c.entry.Reason = itoa(len(c.over)) + " target(s) over the daily quota (" + c.over[0].reason + ")"
	case len(c.bad) > 0:
		c.entry.Rule = ruleTargetsInvalid
		c.entry.Reason = itoa(len(c.bad)) + " unknown target(s): " + truncate(strings.Join(c.bad, ","), 200)
	case n.PassThrough:
		c.entry.Verdict, c.entry.Rule = world.VerdictNotShown, rulePassThrough
		c.entry.Reason = "pass-through message: handed to the app, not shown"
	}
	opt.Request = c.finish(out)
	t := traceRecord{id: id, app: c.app.Name, at: c.now, ttl: opt.TTL, kind: info, jobKey: n.Collapse}
	c.deliver(n, opt, &t)
	c.e.traces.add(&t, c.e.traceLimit())
}

// deliver hands an accepted message to each phone the call reached and
// records a drop on each phone over its quota; t counts what happened, for
// the message status API (trace.go).
func (c *call) deliver(n world.Notification, opt world.DeliverOptions, t *traceRecord) {
	contentRule, jobKey := c.content.RuleID(vendorName), n.Collapse
	t.resolved += len(c.devices) + len(c.over)
	for _, o := range c.over {
		c.e.w.Drop(o.id, n, o.rule, o.reason, opt.Request) //nolint:errcheck // a phone removed meanwhile
	}
	for _, d := range c.devices {
		if contentRule != "" {
			c.e.w.Drop(d.id, n, contentRule, c.content.Reason, opt.Request) //nolint:errcheck // a phone removed meanwhile
			continue
		}
		if jobKey != "" && !n.PassThrough && c.shows(d.id, jobKey) {
			c.e.w.Drop(d.id, n, ruleJobKey, "the phone already shows a message of batch (jobkey) "+jobKey, opt.Request) //nolint:errcheck
			continue
		}
		if got, err := c.e.w.Deliver(d.id, n, opt); err == nil { // a phone removed meanwhile gets nothing
			t.count(d.id, got)
		}
		if c.content.Controls > 0 {
			c.e.w.Note(d.id, n, ruleContentControls, c.content.ControlsReason(), opt.Request)
		}
	}
}

// shows reports whether a phone shows a notification of that jobkey: the
// MiPush client shows only the first message of a batch.
func (c *call) shows(deviceID, jobKey string) bool {
	s, err := c.e.w.Shade(deviceID)
	if err != nil {
		return false
	}
	for _, n := range s.Shown {
		if n.Collapse == jobKey {
			return true
		}
	}
	return false
}

// notification builds what the phone gets, and how long the server keeps it.
func (c *call) notification(id string) (world.Notification, world.DeliverOptions) {
	f, app := c.f, c.app
	n := world.Notification{
		MessageID: id, Vendor: vendorName, App: app.Name,
		Title: f.title, Body: f.description, Payload: f.payload,
		Channel: c.channel.ID, Class: c.channel.Class,
		PassThrough: f.passThrough == "1",
		Collapse:    f.extra("jobkey"),
		NotifyID:    app.Setting("default_notify_id", "0"),
	}
	if f.notifyID != "" {
		v, _ := strconv.ParseInt(f.notifyID, 10, 64)
		n.NotifyID = strconv.FormatInt(v, 10)
	}
	nt := -1
	if f.notifyType != "" {
		nt, _ = strconv.Atoi(f.notifyType)
	}
	switch {
	case f.extra("sound_uri") != "":
		n.Sound = f.extra("sound_uri")
	case nt == -1 || nt&1 != 0:
		n.Sound = "default"
	}
	n.Silent = n.Sound == "" && nt != -1 && nt&2 == 0
	switch f.extra("notify_effect") {
	case "1":
		n.Click = world.Click{Type: world.ClickLauncher}
	case "2":
		if u := f.extra("intent_uri"); u != "" {
			n.Click = world.Click{Type: world.ClickIntent, Target: u, Extras: intentExtras(u)}
		} else {
			n.Click = world.Click{Type: world.ClickActivity, Target: f.extra("class_name")}
		}
	case "3":
		n.Click = world.Click{Type: world.ClickURL, Target: f.extra("web_uri")}
	default:
		n.Click = world.Click{Type: world.ClickApp}
	}
	for _, x := range f.extras {
		if !isReserved(x.key) {
			if n.Extras == nil {
				n.Extras = make(map[string]string, 4)
			}
			n.Extras[x.key] = x.value
		}
	}

	var opt world.DeliverOptions
	if f.extra("only_send_once") != "1" {
		opt.TTL = quotaDuration(app, "ttl_default_ms", defTTL)
		if f.timeToLive != "" {
			if v, _ := strconv.ParseInt(f.timeToLive, 10, 64); v > 0 {
				opt.TTL = time.Duration(v) * time.Millisecond
			}
		}
		var maxTTL time.Duration
		switch c.channel.Class {
		case world.ClassPublic:
			maxTTL = quotaDuration(app, "ttl_max_public_ms", defTTLPublic)
		case world.ClassPrivate:
			maxTTL = quotaDuration(app, "ttl_max_private_ms", defTTLPrivate)
		default:
			maxTTL = quotaDuration(app, "ttl_max_default_ms", defTTL)
		}
		opt.TTL = min(opt.TTL, maxTTL) // longer values are clamped, not refused (facts silent)
	}
	if f.timeToSend != "" {
		v, _ := strconv.ParseInt(f.timeToSend, 10, 64)
		if at := time.UnixMilli(v); at.After(c.now) {
			opt.HoldUntil = at
			if opt.TTL > 0 {
				opt.TTL += at.Sub(c.now) // the time to live starts when the message goes out
			}
		}
	}
	return n, opt
}

// intentExtras reads the string extras (S.<key>=<value>) of an intent URI,
// which the opened activity receives.
func intentExtras(u string) map[string]string {
	_, rest, ok := strings.Cut(u, "#Intent;")
	if !ok {
		return nil
	}
	var m map[string]string
	for rest != "" {
		var part string
		part, rest, _ = strings.Cut(rest, ";")
		if k, v, ok := strings.Cut(part, "="); ok && strings.HasPrefix(k, "S.") && len(k) > 2 {
			if m == nil {
				m = map[string]string{}
			}
			m[k[2:]] = v
		}
	}
	return m
}

func quotaDuration(app *world.App, name string, def time.Duration) time.Duration {
	if v, ok := app.Quotas[name]; ok {
		return time.Duration(v) * time.Millisecond
	}
	return def
}

func itoa(n int) string { return strconv.Itoa(n) }
