package honor

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/pushsim/pushsim/emulators/world"
)

// plan is what every phone gets from one accepted message: its class and
// the notification as a MagicOS phone shows it. Per-phone parts (badge,
// the marketing cap) are applied in deliver.
type plan struct {
	n       world.Notification
	service bool // service & communication; else news & marketing
	notify  bool // a notification; else a data message for the app
	test    bool // android.targetUserType 1
	ttl     time.Duration
	badge   *badge
	rule    string // the classification rule for the ledger
	reason  string
}

// planFor classifies the message (§2.5) and maps its fields onto the phone (§2.3, §2.6).
func planFor(app *world.App, m *sendRequest) plan {
	pl := plan{notify: m.notify(), ttl: 86400 * time.Second} // documented default
	if a := m.Android; a != nil {
		if a.TTL != "" {
			pl.ttl, _ = parseTTL(a.TTL) // checked before
		}
		pl.test = a.TargetUserType == 1
	}
	data := m.data()
	n := world.Notification{Vendor: Vendor, App: app.Name, Payload: data, Extras: extrasOf(data)}
	if !pl.notify {
		// Data message: onMessageReceived(HonorPushDataMsg), not shown (§2.6).
		n.PassThrough = true
		pl.rule, pl.reason = RuleData, "data message, handed to the app"
		pl.n = n
		return pl
	}
	n.Title, n.Body = m.titleBody()
	an := m.an()
	importance := app.Setting("default_importance", importanceLow)
	if an != nil && an.Importance != "" {
		importance = an.Importance
	}
	pl.service = importance == importanceNormal && app.Has(PrivServiceRight)
	if pl.service {
		n.Class, n.Importance, n.Sound = world.ClassPrivate, importanceNormal, "default"
		pl.rule, pl.reason = RuleClassService, "service & communication (importance NORMAL): lock screen, sound and vibration"
	} else {
		// News & marketing: silent, shade only, text only (§2.5).
		n.Class, n.Importance, n.Silent = world.ClassPublic, importanceLow, true
		why := "importance LOW"
		switch {
		case importance == importanceNormal:
			why = "importance NORMAL without the service right"
		case an == nil || an.Importance == "":
			why = "no importance"
		}
		pl.rule, pl.reason = RuleClassMarketing, "news & marketing ("+why+"): silent, shade only, capped per phone per day"
	}
	if pl.test {
		pl.reason += "; a test message (targetUserType 1), not counted against the daily cap"
	}
	n.Click = world.Click{Type: world.ClickLauncher}
	if an != nil {
		if c := an.ClickAction; c != nil {
			switch c.Type {
			case 1:
				if c.Intent != "" {
					n.Click = world.Click{Type: world.ClickIntent, Target: c.Intent}
				} else {
					n.Click = world.Click{Type: world.ClickAction, Target: c.Action}
				}
			case 2:
				n.Click = world.Click{Type: world.ClickURL, Target: c.URL}
			}
		}
		if an.NotifyID != nil && *an.NotifyID >= 0 {
			n.NotifyID = strconv.Itoa(*an.NotifyID)
		} else if an.Tag != "" {
			n.NotifyID = "tag:" + an.Tag // the same tag replaces older ones
		}
		pl.badge = an.badge()
	}
	n.Click.Extras = n.Extras // the launched activity reads the data as extras
	pl.n = n
	return pl
}

// extrasOf reads data the way apps usually send it, a JSON object of
// strings; the string itself stays byte for byte in Payload. Values that
// are not strings keep their JSON text.
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

// deliver applies the per-phone rules and hands the push to the phone.
func (e *Emulator) deliver(app *world.App, d *world.Device, pl *plan, rid string, seq uint64, now time.Time) {
	n := pl.n
	n.MessageID = rid
	if pl.notify && !pl.service && !pl.test {
		capN := 2
		if app.News {
			capN = 5
		}
		capN = app.Quota("marketing_daily", capN)
		if used, ok := e.w.Quotas().TakeDaily("honor/"+app.ID+"/marketing/"+d.ID, capN, now, world.Shanghai); !ok {
			e.w.Drop(d.ID, n, RuleMarketingCap, fmt.Sprintf("news & marketing cap: %d per phone per app per day, %d shown today", capN, used), seq) //nolint:errcheck // the phone exists
			return
		}
	}
	if b := pl.badge; b != nil && b.BadgeClass != "" && (b.SetNum != nil || b.AddNum != nil) {
		// Without badgeClass the launcher cannot tell which icon to badge.
		v := d.Badge
		if b.SetNum != nil {
			v = *b.SetNum // setNum wins over addNum
		} else {
			v += *b.AddNum
		}
		n.Badge = &v
	}
	e.w.Deliver(d.ID, n, world.DeliverOptions{TTL: pl.ttl, Request: seq}) //nolint:errcheck // the phone exists
}

// flatExtras is extrasOf's fast path (the send path's hottest part): a flat
// object of strings and literals with simple escapes. ok is false for
// anything else (nested values, \u escapes, invalid JSON), which the slow
// path decides.
func flatExtras(s string) (map[string]string, bool) {
	i := skipWS(s, 1)
	if i < len(s) && s[i] == '}' {
		return nil, skipWS(s, i+1) == len(s)
	}
	m := make(map[string]string, 4)
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
			if v = s[i:n]; !literal(v) {
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

// jsonString reads the JSON string at s[i]; \u escapes and bytes that are
// not UTF-8 are left to the slow path.
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
		switch e := s[j+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
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
		default:
			return "", 0, false
		}
		j += 2
	}
	return "", 0, false
}

// literal reports whether v is true, false, null or a JSON number.
func literal(v string) bool {
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
