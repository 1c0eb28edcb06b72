package apns

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// How an accepted push ends on the phone.
const (
	toShade   = iota // shown in the notification list
	toApp            // handed to the app (background wake-up, PushKit, ...)
	badgeOnly        // changes the icon's number, shows nothing
	nothing          // arrives and shows nothing
)

// delivery is what the phone will do with one accepted push.
type delivery struct {
	how          int
	n            world.Notification
	ttl          time.Duration
	background   bool   // a content-available wake-up (throttled)
	rule, reason string // for nothing and badgeOnly
	note         string // for the ledger's request entry
}

// aps is the aps dictionary, every key kept raw: the phone ignores a key
// of the wrong type rather than the whole payload.
type aps struct {
	Alert             json.RawMessage `json:"alert"`
	Badge             json.RawMessage `json:"badge"`
	Sound             json.RawMessage `json:"sound"`
	ThreadID          json.RawMessage `json:"thread-id"`
	Category          json.RawMessage `json:"category"`
	ContentAvailable  json.RawMessage `json:"content-available"`
	MutableContent    json.RawMessage `json:"mutable-content"`
	TargetContentID   json.RawMessage `json:"target-content-id"`
	InterruptionLevel json.RawMessage `json:"interruption-level"`
	RelevanceScore    json.RawMessage `json:"relevance-score"`
	FilterCriteria    json.RawMessage `json:"filter-criteria"`
}

// appTypes are the push types iOS hands to the app or the system instead
// of the notification list, with who takes them (§1.6).
var appTypes = map[string]string{
	"voip":         "PushKit (VoIP)",
	"location":     "the location push service extension",
	"complication": "the watch complication",
	"fileprovider": "the File Provider extension",
	"mdm":          "the MDM agent",
	"liveactivity": "ActivityKit (Live Activity)",
	"pushtotalk":   "the Push to Talk framework",
	"widgets":      "WidgetKit (widget reload)",
}

// plan decides what the phone does with an accepted push (vendor-facts
// §1.3.2, §1.6). It reads only the request: delivering is deliver's job.
func (e *Emulator) plan(rq *request) delivery {
	app := rq.app
	d := delivery{ttl: storeTTL(app, rq.expires, rq.now)}
	d.n = world.Notification{MessageID: rq.id, Vendor: Vendor, App: app.Name, NotifyID: rq.collapse, Payload: string(rq.body)}
	var top map[string]json.RawMessage
	if json.Unmarshal(rq.body, &top) != nil || top == nil {
		d.how, d.rule, d.reason = nothing, RulePayloadAPS, "the payload is not a JSON object: the phone cannot read it and shows nothing"
		d.note = d.reason
		return d
	}
	custom := customKeys(top)
	if who, ok := appTypes[rq.pushType]; ok {
		d.how, d.n.PassThrough, d.n.Extras = toApp, true, custom
		d.note = rq.pushType + " push: handed to " + who + ", not shown (" + RulePushTypeToApp + ")"
		return d
	}
	var a aps
	raw, ok := top["aps"]
	if !ok || json.Unmarshal(raw, &a) != nil || !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		d.how, d.rule, d.reason = nothing, RulePayloadAPS, "the payload has no aps dictionary: nothing to show"
		d.note = d.reason
		return d
	}
	title, subtitle, body := alertTexts(app, a.Alert)
	sound, critical := soundOf(a.Sound)
	badge, hasBadge := intOf(a.Badge)
	hasText := title != "" || subtitle != "" || body != ""
	if rq.pushType == "background" || (isOne(a.ContentAvailable) && !hasText && !hasBadge && sound == "") {
		d.how, d.background, d.n.PassThrough, d.n.Extras = toApp, true, true, custom
		d.note = "background push (content-available): the app is woken and handed it, nothing shown (" + RuleContentAvailable + ")"
		return d
	}
	if hasBadge {
		b := badge
		d.n.Badge = &b
	}
	if !hasText {
		if hasBadge {
			d.how, d.rule, d.reason = badgeOnly, RuleBadge, "badge-only push: the icon shows "+strconv.Itoa(badge)+", nothing in the list"
		} else {
			d.how, d.rule, d.reason = nothing, RuleAlert, "no alert text (title, subtitle or body): nothing shown"
		}
		d.note = d.reason
		return d
	}
	d.how = toShade
	d.n.Title, d.n.Body, d.n.Sound = title, body, sound
	level, _ := strOf(a.InterruptionLevel)
	switch level {
	case "passive", "time-sensitive", "critical":
	default:
		level = "active"
	}
	if critical && level != "passive" {
		level = "critical"
	}
	d.n.Importance = level
	d.n.Silent = level == "passive" || sound == ""
	d.n.HeadsUp = level == "time-sensitive" || level == "critical"
	d.n.Click = world.Click{Type: world.ClickApp, Extras: custom}
	extras := make(map[string]string, len(custom)+4)
	for k, v := range custom {
		extras[k] = v
	}
	if subtitle != "" {
		extras["aps.subtitle"] = subtitle
	}
	for _, attr := range [...]struct {
		key string
		raw json.RawMessage
	}{{"aps.thread-id", a.ThreadID}, {"aps.category", a.Category}, {"aps.target-content-id", a.TargetContentID},
		{"aps.mutable-content", a.MutableContent}, {"aps.relevance-score", a.RelevanceScore}, {"aps.filter-criteria", a.FilterCriteria},
		{"aps.content-available", a.ContentAvailable}} {
		if len(attr.raw) > 0 {
			extras[attr.key] = text(attr.raw)
		}
	}
	if len(extras) > 0 {
		d.n.Extras = extras
	}
	return d
}

// deliver hands a planned push to the phone.
func (e *Emulator) deliver(rq *request, d *delivery, seq uint64) {
	dev := &rq.dev
	switch d.how {
	case nothing:
		_ = e.w.Drop(dev.ID, d.n, d.rule, d.reason, seq)
		return
	case badgeOnly:
		b := *d.n.Badge
		_, _ = e.w.UpdateDevice(dev.ID, func(x *world.Device) { x.Badge = b })
		_ = e.w.Drop(dev.ID, d.n, d.rule, d.reason, seq)
		return
	case toApp:
		if d.background {
			if limit := rq.app.Quota("background_per_hour", defBackgroundHour); limit >= 0 &&
				!e.w.Quotas().TakeRate("apns/background/"+dev.ID, limit, time.Hour, rq.now) {
				_ = e.w.Drop(dev.ID, d.n, RuleBackgroundThrottle, "more than "+strconv.Itoa(limit)+
					" background pushes to this phone within an hour: the system does not wake the app", seq)
				return
			}
		}
	case toShade:
		if dev.Offline && d.ttl > 0 {
			e.store(dev, &d.n, d.ttl, seq, rq.now)
		}
	}
	_, _ = e.w.Deliver(dev.ID, d.n, world.DeliverOptions{TTL: d.ttl, Request: seq})
}

// heldPush is the one push APNs stores for an offline phone.
type heldPush struct {
	n       world.Notification
	expires time.Time
}

// store applies "one stored push per bundle, the newest" (§1.1) for an
// offline phone. The world holds pushes for offline phones and cannot
// withdraw one, so the superseded push is recorded as dropped now and the
// new one takes over its notify id: when the phone comes online both are
// shown in order and the newest replaces the older. (A push with its own
// collapse id that supersedes one with another id loses its id.)
func (e *Emulator) store(dev *world.Device, n *world.Notification, ttl time.Duration, seq uint64, now time.Time) {
	pending := 0
	if sh, err := e.w.Shade(dev.ID); err == nil {
		pending = sh.Pending
	}
	e.mu.Lock()
	e.freshLocked()
	old, superseded := e.held[dev.ID]
	if superseded && (pending == 0 || !now.Before(old.expires)) {
		superseded = false // the phone came online since, or the old one expired
	}
	switch {
	case superseded:
		n.NotifyID = old.n.NotifyID
	case n.NotifyID == "":
		n.NotifyID = "apns.stored:" + n.MessageID
	}
	e.held[dev.ID] = heldPush{n: *n, expires: now.Add(ttl)}
	e.mu.Unlock()
	if superseded {
		_ = e.w.Drop(dev.ID, old.n, RuleOfflineLatest, "superseded while the phone was offline by "+n.MessageID+
			": APNs stores one push per app, the newest", seq)
	}
}

// storeTTL is how long APNs keeps a push for an offline phone:
// apns-expiration 0 = not at all, a time = until then, absent = the most
// it keeps (30 days, App.Quotas max_store_seconds).
func storeTTL(app *world.App, expires int64, now time.Time) time.Duration {
	most := time.Duration(app.Quota("max_store_seconds", defMaxStoreSeconds)) * time.Second
	switch {
	case expires < 0:
		return most
	case expires == 0:
		return 0
	}
	ttl := time.Unix(expires, 0).Sub(now)
	if ttl <= 0 {
		return 0 // already past: one attempt, like 0
	}
	return min(ttl, most)
}

// customKeys are the payload's top-level keys other than aps, as the app
// reads them from userInfo: strings as they are, anything else as its JSON.
func customKeys(top map[string]json.RawMessage) map[string]string {
	if len(top) <= 1 {
		if _, onlyAps := top["aps"]; onlyAps || len(top) == 0 {
			return nil
		}
	}
	out := make(map[string]string, len(top))
	for k, v := range top {
		if k != "aps" {
			out[k] = text(v)
		}
	}
	return out
}

// text renders a raw JSON value: a string's content, else the JSON itself.
func text(raw json.RawMessage) string {
	if s, ok := strOf(raw); ok {
		return s
	}
	return string(bytes.TrimSpace(raw))
}

func strOf(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

func intOf(raw json.RawMessage) (int, bool) {
	if len(raw) == 0 {
		return 0, false
	}
	var f float64
	if json.Unmarshal(raw, &f) != nil || f < 0 || f > 1<<31 {
		return 0, false
	}
	return int(f), true
}

// isOne is a 1 (or true, which iOS also takes).
func isOne(raw json.RawMessage) bool {
	n, ok := intOf(raw)
	return ok && n == 1 || string(raw) == "true"
}

// soundOf reads aps.sound: a file name (or "default"), or the critical-alert
// dictionary {critical, name, volume}.
func soundOf(raw json.RawMessage) (name string, critical bool) {
	if s, ok := strOf(raw); ok {
		return s, false
	}
	var d map[string]json.RawMessage
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &d) != nil {
		return "", false
	}
	name, _ = strOf(d["name"])
	return name, isOne(d["critical"])
}

// alertTexts reads aps.alert: a string is the body; a dictionary has
// title, subtitle and body, or their loc-key forms, which take precedence.
func alertTexts(app *world.App, raw json.RawMessage) (title, subtitle, body string) {
	if s, ok := strOf(raw); ok {
		return "", "", s
	}
	var d map[string]json.RawMessage
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &d) != nil {
		return "", "", ""
	}
	pick := func(plain, locKey, locArgs string) string {
		if k, ok := strOf(d[locKey]); ok && k != "" {
			return localize(app, k, args(d[locArgs]))
		}
		s, _ := strOf(d[plain])
		return s
	}
	return pick("title", "title-loc-key", "title-loc-args"), pick("subtitle", "subtitle-loc-key", "subtitle-loc-args"), pick("body", "loc-key", "loc-args")
}

func args(raw json.RawMessage) []string {
	var vs []json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &vs) != nil {
		return nil
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = text(v)
	}
	return out
}

// localize formats a localization key the way iOS does: the app's string
// for the key (App.Extra "loc.<key>"), or the key itself when the app has
// none, with %@ taking the next argument, %n$@ the n-th and %% a percent.
func localize(app *world.App, key string, argv []string) string {
	format := app.Extra["loc."+key]
	if format == "" {
		format = key
	}
	var b strings.Builder
	next := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 >= len(format) {
			b.WriteByte(c)
			continue
		}
		switch {
		case format[i+1] == '%':
			b.WriteByte('%')
			i++
		case format[i+1] == '@':
			if next < len(argv) {
				b.WriteString(argv[next])
			}
			next++
			i++
		default:
			j := i + 1
			for j < len(format) && format[j] >= '0' && format[j] <= '9' {
				j++
			}
			if j > i+1 && j+1 < len(format) && format[j] == '$' && format[j+1] == '@' {
				if n, err := strconv.Atoi(format[i+1 : j]); err == nil && n >= 1 && n <= len(argv) {
					b.WriteString(argv[n-1])
				}
				i = j + 1
				continue
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}
