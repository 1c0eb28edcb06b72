package huawei

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/pushsim/pushsim/emulators/world"
)

// plan is what every phone gets from one accepted message: its class and
// the notification as EMUI would show it. Per-phone parts (badge, caps) are
// applied in deliver.
type plan struct {
	n          world.Notification
	service    bool // service & communication; else news & marketing
	notify     bool // a notification; else a data message for the app
	importance string
	ttl        time.Duration
	badge      *badge
	rule       string // classification rule for the ledger
	reason     string
}

// planFor classifies the message (§1.5) and maps its fields onto the phone (§1.3, §1.6).
func planFor(app *world.App, m *message) plan {
	var pl plan
	a := m.Android
	var an *androidNotification
	if a != nil {
		an = a.Notification
	}
	pl.notify = m.Notification != nil || an != nil
	category := ""
	if a != nil {
		category = a.Category
	}
	selfClass := app.Has(PrivSelfClassification)
	pl.service = selfClass && category != "" && category != "MARKETING"

	pl.ttl = 86400 * time.Second // documented default
	if a != nil && a.TTL != "" {
		pl.ttl, _ = parseTTL(a.TTL)
	}
	data := m.Data
	if a != nil && a.Data != "" {
		data = a.Data
	}
	n := world.Notification{Vendor: vendor, App: app.Name, Payload: data, Extras: extrasOf(data)}
	if !pl.notify {
		n.PassThrough = true
		pl.rule = RuleData
		pl.reason = "data message, handed to the app"
		pl.n = n
		return pl
	}

	if m.Notification != nil {
		n.Title, n.Body = m.Notification.Title, m.Notification.Body
	}
	importance := importanceNormal
	if an != nil {
		if an.Title != "" {
			n.Title = an.Title
		}
		if an.Body != "" {
			n.Body = an.Body
		}
		if an.Importance != "" {
			importance = an.Importance
		}
	}
	pl.importance = importance
	if pl.service {
		n.Class = world.ClassPrivate
		pl.rule = RuleClassService
		pl.reason = "service & communication (category " + category + ", importance " + importance + ")"
	} else {
		// News & marketing is shown silently, in the marketing channel.
		n.Class = world.ClassPublic
		importance = importanceLow
		pl.rule = RuleClassMarketing
		why := "no category"
		switch {
		case !selfClass:
			why = "the app has no self-classification right"
		case category == "MARKETING":
			why = "category MARKETING"
		}
		pl.reason = "news & marketing (" + why + "): shown silently, capped per device per day"
	}
	n.Importance = importance
	n.Silent = importance == importanceLow
	n.HeadsUp = importance == importanceHigh
	n.Click = world.Click{Type: world.ClickLauncher}
	if an != nil {
		if importance != importanceLow {
			n.Channel = an.ChannelID // low importance goes to the marketing channel
		}
		if !n.Silent {
			n.Sound = "default"
			if an.Sound != "" && !an.DefaultSound {
				n.Sound = an.Sound
			}
		}
		if an.NotifyID != nil {
			n.NotifyID = strconv.Itoa(*an.NotifyID)
		} else if an.Tag != "" {
			n.NotifyID = "tag:" + an.Tag
		}
		if c := an.ClickAction; c != nil {
			n.Click = clickOf(c)
		}
		pl.badge = an.Badge
	} else if !n.Silent {
		n.Sound = "default"
	}
	n.Click.Extras = n.Extras
	pl.n = n
	return pl
}

func clickOf(c *clickAction) world.Click {
	switch c.Type {
	case 1:
		if c.Intent != "" { // intent wins over action
			return world.Click{Type: world.ClickIntent, Target: c.Intent}
		}
		return world.Click{Type: world.ClickAction, Target: c.Action}
	case 2:
		return world.Click{Type: world.ClickURL, Target: c.URL}
	case 4:
		return world.Click{Type: world.ClickURL, Target: c.RichResource}
	}
	return world.Click{Type: world.ClickLauncher}
}

// extrasOf reads data the way apps usually send it, a JSON object; the
// string itself stays in Payload byte for byte. Values that are not strings
// keep their JSON text.
func extrasOf(data string) map[string]string {
	if len(data) < 2 || data[0] != '{' {
		return nil
	}
	if m, ok := flatExtras(data); ok {
		return m
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal([]byte(data), &raw) != nil || len(raw) == 0 {
		return nil
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		var s string
		if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &s) == nil {
			out[k] = s
			continue
		}
		out[k] = string(v)
	}
	return out
}

// flatExtras is extrasOf's fast path for the common case, a flat object of
// strings, numbers, booleans and nulls; ok is false for anything else
// (nested values, \u escapes, invalid JSON), which the slow path decides.
func flatExtras(s string) (m map[string]string, ok bool) {
	if s == "" || s[0] != '{' {
		return nil, false
	}
	i := skipWS(s, 1)
	if i < len(s) && s[i] == '}' {
		return nil, skipWS(s, i+1) == len(s)
	}
	m = make(map[string]string, 4)
	for {
		k, n, ok := jsonString(s, i)
		if !ok {
			return nil, false
		}
		if i = skipWS(s, n); i >= len(s) || s[i] != ':' {
			return nil, false
		}
		if i = skipWS(s, i+1); i >= len(s) {
			return nil, false
		}
		var v string
		if s[i] == '"' {
			if v, n, ok = jsonString(s, i); !ok {
				return nil, false
			}
		} else {
			n = i
			for n < len(s) && s[n] != ',' && s[n] != '}' && s[n] != ' ' && s[n] != '\t' && s[n] != '\n' && s[n] != '\r' {
				n++
			}
			if v = s[i:n]; !jsonLiteral(v) {
				return nil, false
			}
		}
		m[k] = v
		if i = skipWS(s, n); i >= len(s) {
			return nil, false
		}
		switch s[i] {
		case ',':
			i = skipWS(s, i+1)
		case '}':
			return m, skipWS(s, i+1) == len(s)
		default:
			return nil, false
		}
	}
}

func skipWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// jsonString reads the JSON string starting at s[i] and returns its value
// and the index after it; \u escapes and invalid UTF-8 are left to the slow path.
func jsonString(s string, i int) (string, int, bool) {
	if i >= len(s) || s[i] != '"' {
		return "", 0, false
	}
	j := i + 1
	for j < len(s) && s[j] != '"' && s[j] != '\\' && s[j] >= 0x20 {
		j++
	}
	if j < len(s) && s[j] == '"' {
		v := s[i+1 : j]
		return v, j + 1, utf8.ValidString(v)
	}
	b := []byte(s[i+1 : j])
	for j < len(s) {
		c := s[j]
		switch {
		case c == '"':
			return string(b), j + 1, utf8.Valid(b)
		case c < 0x20:
			return "", 0, false
		case c != '\\':
			b = append(b, c)
			j++
			continue
		}
		if j+1 >= len(s) {
			return "", 0, false
		}
		switch s[j+1] {
		case '"', '\\', '/':
			b = append(b, s[j+1])
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		default: // \u and invalid escapes
			return "", 0, false
		}
		j += 2
	}
	return "", 0, false
}

// jsonLiteral reports whether v is true, false, null or a JSON number.
func jsonLiteral(v string) bool {
	switch v {
	case "true", "false", "null":
		return true
	case "":
		return false
	}
	i := 0
	if v[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(v) && v[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(v) && v[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(v)
}

// deliver applies the per-phone rules and hands the push to the phone.
func (e *Emulator) deliver(app *world.App, d *world.Device, pl *plan, rid string, seq uint64, now time.Time) {
	n := pl.n
	n.MessageID = rid
	q := e.w.Quotas()
	limit := app.Quota("device_daily", 3000)
	if _, ok := q.TakeDaily("huawei/"+app.ID+"/device/"+d.ID, limit, now, world.Shanghai); !ok {
		e.w.Drop(d.ID, n, RuleDeviceCap, fmt.Sprintf("more than %d messages from the app to this phone today", limit), seq) //nolint:errcheck // the phone exists
		return
	}
	if pl.notify && !pl.service {
		capN := 2
		if app.News {
			capN = 5
		}
		capN = app.Quota("marketing_daily", capN)
		if used, ok := q.TakeDaily("huawei/"+app.ID+"/marketing/"+d.ID, capN, now, world.Shanghai); !ok {
			e.w.Drop(d.ID, n, RuleMarketingCap, fmt.Sprintf("news & marketing cap: %d per device per app per day, %d shown today", capN, used), seq) //nolint:errcheck // the phone exists
			return
		}
	}
	if b := pl.badge; b != nil && b.Class != "" && (b.SetNum != nil || b.AddNum != nil) {
		// Without class the launcher cannot tell which icon to badge.
		v := d.Badge
		if b.SetNum != nil {
			v = *b.SetNum // set_num wins over add_num
		} else {
			v += *b.AddNum
		}
		n.Badge = &v
	}
	if n.Channel != "" && !d.HasPhoneChannel(n.Channel) {
		// A channel the app never created: HMS posts to its default channel (inferred).
		n.Channel = ""
	}
	e.w.Deliver(d.ID, n, world.DeliverOptions{TTL: pl.ttl, Request: seq}) //nolint:errcheck // the phone exists
}
