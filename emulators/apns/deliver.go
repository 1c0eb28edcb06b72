package apns

import (
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
	d.n = world.Notification{MessageID: rq.id, Vendor: Vendor, App: app.Name, NotifyID: rq.collapse, Payload: rq.bodyText}
	p, ok := readPayload(rq.body)
	if !ok {
		d.how, d.rule, d.reason = nothing, RulePayloadAPS, "the payload is not a JSON object: the phone cannot read it and shows nothing"
		d.note = d.reason
		return d
	}
	if who, ok := appTypes[rq.pushType]; ok {
		d.how, d.n.PassThrough, d.n.Extras = toApp, true, p.custom
		d.note = rq.pushType + " push: handed to " + who + ", not shown (" + RulePushTypeToApp + ")"
		return d
	}
	if !p.hasAps {
		d.how, d.rule, d.reason = nothing, RulePayloadAPS, "the payload has no aps dictionary: nothing to show"
		d.note = d.reason
		return d
	}
	title := p.pick(app, 0)
	subtitle := p.pick(app, 1)
	body := p.pick(app, 2)
	hasText := title != "" || subtitle != "" || body != ""
	if rq.pushType == "background" || (p.contentAvailable && !hasText && !p.hasBadge && p.sound == "") {
		d.how, d.background, d.n.PassThrough, d.n.Extras = toApp, true, true, p.custom
		d.note = "background push (content-available): the app is woken and handed it, nothing shown (" + RuleContentAvailable + ")"
		return d
	}
	if p.hasBadge {
		b := p.badge
		d.n.Badge = &b
	}
	if !hasText {
		if p.hasBadge {
			d.how, d.rule, d.reason = badgeOnly, RuleBadge, "badge-only push: the icon shows "+strconv.Itoa(p.badge)+", nothing in the list"
		} else {
			d.how, d.rule, d.reason = nothing, RuleAlert, "no alert text (title, subtitle or body): nothing shown"
		}
		d.note = d.reason
		return d
	}
	d.how = toShade
	d.n.Title, d.n.Body, d.n.Sound = title, body, p.sound
	level := p.level
	switch level {
	case "passive", "time-sensitive", "critical":
	default:
		level = "active"
	}
	if p.critical && level != "passive" {
		level = "critical"
	}
	d.n.Importance = level
	d.n.Silent = level == "passive" || p.sound == ""
	d.n.HeadsUp = level == "time-sensitive" || level == "critical"
	d.n.Click = world.Click{Type: world.ClickApp, Extras: p.custom}
	if n := len(p.custom) + len(p.attrs); n > 0 || subtitle != "" {
		extras := make(map[string]string, n+1)
		for k, v := range p.custom {
			extras[k] = v
		}
		for _, a := range p.attrs {
			extras[a.key] = a.val
		}
		if subtitle != "" {
			extras["aps.subtitle"] = subtitle
		}
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
		opts := world.DeliverOptions{TTL: d.ttl, Request: seq, HoldKey: rq.app.Package, Store: offlineStore}
		_, _ = e.w.Deliver(dev.ID, d.n, opts)
		return
	}
	_, _ = e.w.Deliver(dev.ID, d.n, world.DeliverOptions{TTL: d.ttl, Request: seq})
}

// offlineStore is what APNs keeps for a phone it cannot reach: "only one
// undelivered notification per bundle ID (usually the newest)"
// (vendor-facts/apns-honor-huawei-v3.md §1.1, §1.5), for the time
// storeTTL gives. A notification is held under its bundle id; the one it
// replaces is dropped under apns.offline.latest and never shown. Pushes
// handed to the app (background, VoIP, ...) keep the world's default store.
var offlineStore = world.OfflineStore{ReplacedRule: RuleOfflineLatest}

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
