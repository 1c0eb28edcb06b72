package oppo

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// Message categories of OPPO's 2024 classification (vendor-facts §2.5).
var (
	serviceCategories = []string{"IM", "ACCOUNT", "TODO", "DEVICE_REMINDER", "ORDER", "SUBSCRIPTION"}
	contentCategories = []string{"NEWS", "CONTENT", "MARKETING", "SOCIAL"}
)

// Field limits (vendor-facts §2.3).
const (
	titleMax          = 50
	subTitleMax       = 10
	contentMaxSDK     = 200 // official SDK 1.1.0
	contentMaxShort   = 50  // current doc, styles 1 and 3
	contentMaxLong    = 128 // current doc, style 2 (long text)
	activityMax       = 500
	urlMax            = 2000
	parametersMax     = 4000
	callBackURLMax    = 200
	callBackParamMax  = 50
	showTTLMax        = 172800 // 48 h: the SDK's upper bound, above the doc's 24 h
	offLineTTLMax     = 864000 // 10 days
	offLineTTLDefault = 3600
)

// outcome is the emulator's decision for one message (one target).
type outcome struct {
	target    string
	device    world.Device
	code      int
	rule      string
	reason    string
	messageID string
	// Accepted (code 0) but not shown, and why.
	dropRule, dropReason string
	dedupe               bool
	n                    world.Notification
	ttl                  time.Duration
	controls             string // the content filter's note: control characters stripped on the phone
}

func (o *outcome) fail(code int, rule, reason string) outcome {
	o.code, o.rule, o.reason = code, rule, reason
	return *o
}

// decide validates one message and applies OPPO's server-side rules. It
// takes quota and records de-duplication state, but changes no phone: apply
// does that once the request is in the ledger.
func (e *Emulator) decide(s session, m *message) outcome {
	app := s.app
	var o outcome
	typ, target := m.target()
	o.target = target
	switch {
	case !typ.Set:
		return o.fail(codeMissingArgs, "oppo.message.required", "target_type is missing")
	case typ.V != 2:
		// Aliases (5) are not emulated: pushsim phones register regIds only.
		return o.fail(codeInvalidArgs, "oppo.message.target-type", "target_type "+strconv.Itoa(typ.V)+" is not supported; use 2 (registration_id)")
	case target == "":
		return o.fail(codeMissingArgs, "oppo.message.required", "target_value is missing")
	case !validRegID(target):
		return o.fail(codeInvalidRegID, "oppo.regid.invalid", "target_value is not a registration id (OPPO_CN_<32 hex>)")
	}
	dev, ok := e.w.DeviceByToken("oppo", target)
	if !ok || dev.App != app.Name {
		return o.fail(codeInvalidRegID, "oppo.regid.invalid", "no phone of app "+app.Name+" has this registration id")
	}
	if m.Notification == nil {
		o.device = dev
		return o.fail(codeMissingArgs, "oppo.message.required", "notification is missing")
	}
	n := m.Notification.merge()
	return e.decideFor(s, dev, target, &n)
}

// decideFor validates a notification for one phone of the app and applies
// OPPO's server-side rules (unicast, batch and broadcast alike).
func (e *Emulator) decideFor(s session, dev world.Device, target string, n *notification) outcome {
	app := s.app
	o := outcome{target: target, device: dev}
	if code, rule, why := validate(app, n); code != codeSuccess {
		return o.fail(code, rule, why)
	}
	class := classOf(app, n)

	now := s.now
	if n.AppMessageID != "" {
		if id, dup := e.seen(app, n.AppMessageID, target, now); dup {
			o.messageID, o.dedupe = id, true
			o.dropRule = "oppo.dedupe.app-message-id"
			o.dropReason = "app_message_id " + strconv.Quote(n.AppMessageID) + " was already pushed to this target; answered with success, not shown again"
			return o
		}
	}
	// OPPO documents no code for content it will not show (addendum §3.4):
	// accepted, and the phone never shows it.
	cv := e.w.CheckContent(app, world.Content{Title: n.Title, Body: n.Content, Payload: n.ActionParameters, More: []string{n.SubTitle}})
	if cv.Rule != "" {
		o.messageID = e.messageID(app)
		if n.AppMessageID != "" {
			e.remember(app, n.AppMessageID, target, o.messageID, now)
		}
		o.n = e.notification(app, n, &dev, class, o.messageID)
		o.dropRule, o.dropReason = cv.RuleID("oppo"), cv.Reason
		return o
	}
	if cv.Controls > 0 {
		o.controls = cv.ControlsReason()
	}
	if class == world.ClassPublic {
		limit := app.Quota("public_daily_total", e.publicTotal(app))
		if used, ok := e.w.Quotas().TakeDaily("oppo/"+app.Name+"/public", limit, now, world.Shanghai); !ok {
			return o.fail(codeDailyLimit, "oppo.quota.public-daily-total",
				"content & marketing messages today: "+strconv.Itoa(used)+" of "+strconv.Itoa(limit)+" (resets at 00:00 Asia/Shanghai)")
		}
	}
	o.messageID = e.messageID(app)
	if n.AppMessageID != "" {
		e.remember(app, n.AppMessageID, target, o.messageID, now)
	}
	o.n = e.notification(app, n, &dev, class, o.messageID)
	if n.OffLine {
		o.ttl = time.Duration(n.OffLineTTL.or(offLineTTLDefault)) * time.Second
	}

	api, _ := strconv.Atoi(app.Setting("channel_required_api", "26"))
	if api <= 0 {
		api = 26
	}
	if dev.Android >= api {
		switch {
		case n.ChannelID == "":
			o.dropRule = "oppo.channel.required"
			o.dropReason = "Android API " + strconv.Itoa(dev.Android) + " phone: a notification without channel_id is accepted but never shown"
			return o
		case !dev.HasPhoneChannel(n.ChannelID):
			o.dropRule = "oppo.channel.required"
			o.dropReason = "Android API " + strconv.Itoa(dev.Android) + " phone: the app never created channel " + strconv.Quote(n.ChannelID) + " on the phone"
			return o
		}
	}
	if class == world.ClassPublic {
		limit := 2
		if app.News {
			limit = 5
		}
		limit = app.Quota("public_per_device", limit)
		if used, ok := e.w.Quotas().TakeDaily("oppo/"+app.Name+"/public/"+target, limit, now, world.Shanghai); !ok {
			// No API code is documented for this cap: it is enforced at
			// delivery (addendum §3.4).
			o.dropRule = "oppo.quota.public-per-device"
			o.dropReason = "content & marketing messages on this phone today: " + strconv.Itoa(used) + " of " + strconv.Itoa(limit) + " (resets at 00:00 Asia/Shanghai)"
		}
	}
	return o
}

// validate checks a notification's fields; it keeps the parsed
// action_parameters in n.extras.
func validate(app *world.App, n *notification) (int, string, string) {
	switch {
	case n.Title == "":
		return codeMissingArgs, "oppo.notification.required", "title is missing"
	case n.Content == "":
		return codeMissingArgs, "oppo.notification.required", "content is missing"
	case n.Style < 1 || n.Style > 5:
		return codeInvalidArgs, "oppo.notification.style", "style " + strconv.Itoa(n.Style) + " is not 1..5"
	case runes(n.Title) > titleMax:
		return codeInvalidArgs, "oppo.notification.title-length", "title has " + strconv.Itoa(runes(n.Title)) + " characters, at most 50 are allowed"
	case runes(n.SubTitle) > subTitleMax:
		return codeInvalidArgs, "oppo.notification.sub-title-length", "sub_title has " + strconv.Itoa(runes(n.SubTitle)) + " characters, at most 10 are allowed"
	}
	contentMax := contentMaxSDK
	if app.Setting("content_limits", "sdk") == "current" {
		contentMax = contentMaxShort
		if n.Style == 2 {
			contentMax = contentMaxLong
		}
	}
	if c := runes(n.Content); c > contentMax {
		return codeInvalidArgs, "oppo.notification.content-length", "content has " + strconv.Itoa(c) + " characters, at most " + strconv.Itoa(contentMax) + " are allowed"
	}
	switch n.ClickType {
	case 0:
	case 1, 4:
		if n.ClickActivity == "" {
			return codeMissingArgs, "oppo.click.action", "click_action_type " + strconv.Itoa(n.ClickType) + " needs click_action_activity"
		}
		if runes(n.ClickActivity) > activityMax {
			return codeInvalidArgs, "oppo.click.action", "click_action_activity is longer than 500 characters"
		}
	case 2, 5:
		if n.ClickURL == "" {
			return codeMissingArgs, "oppo.click.action", "click_action_type " + strconv.Itoa(n.ClickType) + " needs click_action_url"
		}
		if runes(n.ClickURL) > urlMax {
			return codeInvalidArgs, "oppo.click.action", "click_action_url is longer than 2000 characters"
		}
	default:
		return codeInvalidArgs, "oppo.click.action", "click_action_type " + strconv.Itoa(n.ClickType) + " is not 0, 1, 2, 4 or 5"
	}
	if n.hasParameters {
		if runes(n.ActionParameters) > parametersMax {
			return codeInvalidArgs, "oppo.click.parameters", "action_parameters is longer than 4000 characters"
		}
		extras, err := parseParameters(n.ActionParameters)
		if err != nil {
			return codeInvalidArgs, "oppo.click.parameters", "action_parameters is not JSON object text"
		}
		n.extras = extras
	}
	if ttl := n.OffLineTTL; ttl.Set && (ttl.V < 0 || ttl.V > offLineTTLMax) {
		return codeInvalidArgs, "oppo.ttl.max", "off_line_ttl " + strconv.Itoa(ttl.V) + " is outside 0..864000 seconds"
	}
	// show_time_type 1 is a timed display: both ends are required
	// (vendor-facts §2.3, OPPO-GO-NEW). The window is not modelled.
	switch n.ShowTimeType {
	case 0:
	case 1:
		if !n.ShowStartTime.Set || !n.ShowEndTime.Set {
			return codeMissingArgs, "oppo.notification.show-time", "show_time_type 1 needs show_start_time and show_end_time (ms)"
		}
	default:
		return codeInvalidArgs, "oppo.notification.show-time", "show_time_type " + strconv.Itoa(n.ShowTimeType) + " is not 0 or 1"
	}
	// Receipts are not posted by the emulator; the documented limits are
	// checked (vendor-facts §2.3: call_back_url ≤200 OPPO-DEJ,
	// call_back_parameter ≤50 OPPO-SDK).
	if c := runes(n.CallBackURL); c > callBackURLMax {
		return codeInvalidArgs, "oppo.callback.length", "call_back_url has " + strconv.Itoa(c) + " characters, at most 200 are allowed"
	}
	if c := runes(n.CallBackParam); c > callBackParamMax {
		return codeInvalidArgs, "oppo.callback.length", "call_back_parameter has " + strconv.Itoa(c) + " characters, at most 50 are allowed"
	}
	// show_ttl: the doc says 0–12 h public / 0–24 h private, the SDK
	// 21600–172800 (vendor-facts §2.3, disagreement). Both clients' values
	// are accepted: 0..172800. The display time itself is not modelled.
	if t := n.ShowTTL; t.Set && (t.V < 0 || t.V > showTTLMax) {
		return codeInvalidArgs, "oppo.notification.show-ttl", "show_ttl " + strconv.Itoa(t.V) + " is outside 0..172800 seconds"
	}
	if n.BadgeOp != 0 && n.BadgeOp != 1 {
		return codeInvalidArgs, "oppo.notification.badge", "badge_operation_type " + strconv.Itoa(n.BadgeOp) + " is not 0 or 1"
	}
	service := slices.Contains(serviceCategories, n.Category)
	if n.Category != "" && !service && !slices.Contains(contentCategories, n.Category) {
		return codeCategory, "oppo.category.invalid", "category " + strconv.Quote(n.Category) + " is not an OPPO category"
	}
	if service && !app.Has(PrivilegeCategory+n.Category) {
		return codeCategory, "oppo.category.privilege", "the app has no approval for the communication & service category " + n.Category
	}
	if lv := n.NotifyLevel; lv.Set {
		switch {
		case lv.V != 1 && lv.V != 2 && lv.V != 16:
			return codeCategory, "oppo.notify-level.invalid", "notify_level " + strconv.Itoa(lv.V) + " is not 1, 2 or 16"
		case n.Category == "":
			return codeCategory, "oppo.notify-level.needs-category", "notify_level is only allowed together with category"
		case lv.V == 16 && !app.Has(PrivilegeNotifyLevel):
			return codeCategory, "oppo.notify-level.privilege", "notify_level 16 needs the strong-reminder approval"
		}
	}
	if n.TemplateID == "" && n.Category != "" && listed(app.Setting("template_required_categories", "IM"), n.Category) {
		return codeTemplateNull, "oppo.template.required", "a private " + n.Category + " message needs private_msg_template_id"
	}
	return codeSuccess, "", ""
}

// listed reports whether v is one of the comma-separated items of list.
func listed(list, v string) bool {
	for item := range strings.SplitSeq(list, ",") {
		if strings.TrimSpace(item) == v {
			return true
		}
	}
	return false
}

// classOf is the message class: the category decides (2024 model); without
// a category a channel registered as private on the console makes it
// private (the older 私信 model); everything else is public.
func classOf(app *world.App, n *notification) string {
	switch {
	case slices.Contains(serviceCategories, n.Category):
		return world.ClassPrivate
	case n.Category != "":
		return world.ClassPublic
	}
	if ch, ok := app.Channel(n.ChannelID); ok && n.ChannelID != "" && ch.Class == world.ClassPrivate {
		return world.ClassPrivate
	}
	return world.ClassPublic
}

// publicTotal is the app's daily content & marketing total: 100000 when it
// has fewer than 50000 cumulative users, else users × 2 (addendum §3.4).
func (e *Emulator) publicTotal(app *world.App) int {
	users, ok := app.Quotas["cumulative_users"]
	if !ok {
		for _, d := range e.w.Devices("oppo") {
			if d.App == app.Name {
				users++
			}
		}
	}
	if users < 50000 {
		return 100000
	}
	return users * 2
}

// messageID is AppId-1-1-<24 hex>, as in OPPO's doc example.
func (e *Emulator) messageID(app *world.App) string {
	prefix := app.ID
	if prefix == "" {
		prefix = app.Name
	}
	return prefix + "-1-1-" + e.w.RandString(24, world.Hex)
}

func dedupeKey(app *world.App, id, target string) string {
	return app.Name + "\x00" + id + "\x00" + target
}

// seen reports whether app_message_id was pushed to target within the
// window (setting app_message_id_window, default 24h: OPPO documents no
// window) and returns the first message id.
func (e *Emulator) seen(app *world.App, id, target string, now time.Time) (string, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	d, ok := e.dedupe[dedupeKey(app, id, target)]
	if !ok || now.Sub(d.at) >= d.window {
		return "", false
	}
	return d.messageID, true
}

func (e *Emulator) remember(app *world.App, id, target, messageID string, now time.Time) {
	window := durationSetting(app, "app_message_id_window", 24*time.Hour)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.recorded++
	if e.recorded > 4096 {
		e.recorded = 0
		for k, d := range e.dedupe {
			if now.Sub(d.at) >= d.window {
				delete(e.dedupe, k)
			}
		}
	}
	e.dedupe[dedupeKey(app, id, target)] = dedupeEntry{messageID: messageID, at: now, window: window}
}

// notification is what the phone will see.
func (e *Emulator) notification(app *world.App, n *notification, dev *world.Device, class, id string) world.Notification {
	out := world.Notification{
		MessageID: id, Vendor: "oppo", App: app.Name,
		Title: n.Title, Body: n.Content, Channel: n.ChannelID, Class: class,
	}
	if n.NotifyLevel.Set {
		switch n.NotifyLevel.V {
		case 1:
			out.Importance = "shade"
		case 2:
			out.Importance = "shade+lockscreen"
		case 16:
			out.Importance = "shade+lockscreen+banner+sound+vibrate"
			out.HeadsUp, out.Sound = true, "default"
		}
	}
	if n.NotifyID.Set {
		out.NotifyID = strconv.Itoa(n.NotifyID.V)
	}
	if n.BadgeCount.Set {
		b := n.BadgeCount.V
		if n.BadgeOp == 1 {
			b += dev.Badge
		}
		out.Badge = &b
	}
	extras := n.extras
	if n.hasParameters {
		out.Payload = n.ActionParameters
	}
	switch n.ClickType {
	case 0:
		out.Click = world.Click{Type: world.ClickLauncher, Extras: extras}
	case 1: // an intent action name
		out.Click = world.Click{Type: world.ClickAction, Target: n.ClickActivity, Extras: extras}
	case 4: // an Activity class name
		out.Click = world.Click{Type: world.ClickActivity, Target: n.ClickActivity, Extras: extras}
	case 2:
		// A web page gets the parameters as URL query parameters, not extras.
		out.Click = world.Click{Type: world.ClickURL, Target: withQuery(n.ClickURL, extras)}
	case 5:
		// An intent-scheme URL opens an in-app page: parameters are extras
		// of the launching intent (vendor-facts §2.6; inferred).
		out.Click = world.Click{Type: world.ClickIntent, Target: n.ClickURL, Extras: extras}
	}
	if n.ClickType != 2 {
		out.Extras = extras
	}
	return out
}

// parseParameters reads action_parameters: a JSON object whose string
// values become extras; other values keep their JSON text.
func parseParameters(s string) (map[string]string, error) {
	b := bytes.TrimSpace([]byte(s))
	if out, ok := fastParameters(b); ok { // decode.go
		return out, nil
	}
	if len(b) == 0 || b[0] != '{' {
		return nil, errType
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(obj))
	for k, v := range obj {
		out[k] = rawString(v)
	}
	return out, nil
}

// rawString is a JSON value as an extra: a string's text, or the JSON text
// of anything else. Strings without escapes are sliced, not decoded.
func rawString(v json.RawMessage) string {
	if len(v) >= 2 && v[0] == '"' {
		if bytes.IndexByte(v, '\\') < 0 {
			return string(v[1 : len(v)-1])
		}
		var str string
		if json.Unmarshal(v, &str) == nil {
			return str
		}
	}
	return string(v)
}

func withQuery(raw string, params map[string]string) string {
	if len(params) == 0 {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	for k, v := range params {
		q.Set(k, v)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// apply hands an accepted message to the phone, or records why it is not
// shown, linked to the request's ledger entry.
func (e *Emulator) apply(s session, o *outcome, seq uint64) {
	switch {
	case o.dedupe:
		// The phone never receives a de-duplicated push: ledger only.
		e.w.Record(world.Entry{
			Kind: world.KindDelivery, Vendor: "oppo", App: s.app.Name, Tokens: []string{o.target},
			Device: o.device.ID, Verdict: world.VerdictNotShown, Rule: o.dropRule, Reason: o.dropReason,
			MessageID: o.messageID, Request: seq,
		})
	case o.dropRule != "":
		_ = e.w.Drop(o.device.ID, o.n, o.dropRule, o.dropReason, seq) // the phone may have been removed meanwhile
	default:
		_, _ = e.w.Deliver(o.device.ID, o.n, world.DeliverOptions{TTL: o.ttl, Request: seq})
		if o.controls != "" {
			e.w.Note(o.device.ID, o.n, "oppo.content.control-chars", o.controls, seq)
		}
	}
}
