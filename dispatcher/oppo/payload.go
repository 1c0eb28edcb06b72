package oppo

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// ExtKey is the action_parameters key that carries Push.Ext: the opened page
// reads intent.getStringExtra("ext") and gets the IM ext byte for byte.
const ExtKey = "ext"

// Limits the client shortens to rather than have the push refused
// (vendor-facts §2.3). ContentMax is the SDK's 200; the current doc's
// stricter 50 (128 for long text) is chosen with the certificate setting
// content_max.
const (
	TitleMax      = 50
	ContentMax    = 200
	maxOffLineTTL = 864000 // 10 days, in seconds
)

// AppMessageID derives OPPO's app_message_id from the dispatcher's message
// id and the target: "pm" + 30 hex digits of SHA-256(id NUL token). It is
// the same on every retry, so OPPO pushes a retried message to a phone only
// once. An empty id gives "" (no de-duplication).
func AppMessageID(id, token string) string {
	if id == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(id + "\x00" + token))
	return "pm" + hex.EncodeToString(sum[:15])
}

// notification builds the notification JSON shared by every target
// (app_message_id is added per target by withAppMessageID).
//
// Push.Raw entries are notification keys written last: a value replaces the
// built one ("" removes the key). Integer keys (style, click_action_type,
// off_line_ttl, notify_id, notify_level, badge_*, show_time_type,
// network_type, show_ttl) and the boolean off_line are sent as JSON numbers
// and booleans; everything else as strings.
func (c *Client) notification(p push.Push) ([]byte, error) {
	n := map[string]any{
		"title":   shorten(p.Title, TitleMax),
		"content": shorten(p.Body, c.contentMax()),
	}
	if !p.NoChannel {
		if ch := cmp.Or(p.Channel, c.cert.Channel); ch != "" {
			n["channel_id"] = ch
		}
	}
	category := cmp.Or(p.Category, c.cert.Category)
	if category != "" {
		n["category"] = category
		// notify_level is refused without a category (addendum §3.4).
		if c.cert.NotifyLevel > 0 {
			n["notify_level"] = c.cert.NotifyLevel
		}
	}
	if c.cert.TemplateID != "" {
		n["private_msg_template_id"] = c.cert.TemplateID
	}
	c.click(n, p.Click)
	if params := actionParameters(p); params != "" {
		n["action_parameters"] = params
	}
	if p.TTL > 0 {
		n["off_line"] = true
		n["off_line_ttl"] = min(max(int(p.TTL.Seconds()), 1), maxOffLineTTL)
	}
	if p.NotifyID != "" {
		n["notify_id"] = NotifyID(p.NotifyID)
	}
	if p.Badge > 0 {
		n["badge_message_count"] = p.Badge
		n["badge_operation_type"] = 0 // overwrite with the unread count
	}
	for k, v := range p.Raw {
		switch {
		case v == "":
			delete(n, k)
		case rawInts[k]:
			i, err := strconv.Atoi(v)
			if err != nil {
				return nil, errRaw(k, v)
			}
			n[k] = i
		case k == "off_line":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return nil, errRaw(k, v)
			}
			n[k] = b
		default:
			n[k] = v
		}
	}
	return push.Marshal(n)
}

var rawInts = map[string]bool{
	"style": true, "click_action_type": true, "off_line_ttl": true, "notify_id": true, "notify_level": true,
	"badge_message_count": true, "badge_operation_type": true, "show_time_type": true, "network_type": true, "show_ttl": true,
}

func errRaw(k, v string) error {
	return jsonError("oppo: raw field " + k + "=" + strconv.Quote(v) + " is not of its type")
}

// click maps the click action (the push's, else the certificate's) onto
// click_action_type (vendor-facts §2.6):
//
//	launcher (or none)              → 0, open the app
//	activity (a class name)         → 4, click_action_activity = the class
//	                                  (without the guide's "activity:" or
//	                                  "activity：" prefix, push.ActivityClass)
//	action                          → 1, click_action_activity = the intent action
//	intent with an "intent:" URI    → 5, click_action_url = the URI
//	intent with anything else       → 1, treated as an intent action name
//	url                             → 2, click_action_url = the URL
//
// A class starting with "." is relative to the certificate's package.
func (c *Client) click(n map[string]any, ck push.Click) {
	if ck.Type == "" {
		ck = c.cert.Click
	}
	target := strings.TrimSpace(ck.Target)
	switch ck.Type {
	case "activity":
		// The guide's console value is "activity：<class>"; OPPO's SDK would
		// look for a class named that and open nothing.
		target = push.ActivityClass(target)
		if strings.HasPrefix(target, ".") {
			target = c.cert.Package + target
		}
		n["click_action_type"], n["click_action_activity"] = 4, target
	case "action":
		n["click_action_type"], n["click_action_activity"] = 1, target
	case "intent":
		if strings.HasPrefix(target, "intent:") {
			n["click_action_type"], n["click_action_url"] = 5, target
		} else {
			n["click_action_type"], n["click_action_activity"] = 1, target
		}
	case "url":
		n["click_action_type"], n["click_action_url"] = 2, target
	default:
		n["click_action_type"] = 0
	}
}

// actionParameters is the JSON object text of Push.Extras plus Push.Ext
// under ExtKey (Ext wins over an extra of the same name); "" when both are
// empty.
func actionParameters(p push.Push) string {
	if p.Ext == "" && len(p.Extras) == 0 {
		return ""
	}
	m := make(map[string]string, len(p.Extras)+1)
	for k, v := range p.Extras {
		m[k] = v
	}
	if p.Ext != "" {
		m[ExtKey] = p.Ext
	}
	b, err := push.Marshal(m)
	if err != nil {
		return ""
	}
	return string(b)
}

// withAppMessageID prepends "app_message_id" to the notification object.
func withAppMessageID(notif []byte, id string) []byte {
	if id == "" {
		return notif
	}
	q, _ := json.Marshal(id)
	out := make([]byte, 0, len(notif)+len(q)+20)
	out = append(out, `{"app_message_id":`...)
	out = append(out, q...)
	if len(notif) > 2 {
		out = append(out, ',')
	}
	return append(out, notif[1:]...)
}

func (c *Client) contentMax() int {
	if n, err := strconv.Atoi(c.cert.Settings["content_max"]); err == nil && n > 0 {
		return n
	}
	return ContentMax
}

// shorten cuts s to at most n characters, ending with "…" when cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// NotifyID maps Push.NotifyID onto OPPO's integer notify_id: a
// non-negative 31-bit number is used as is, anything else is hashed (FNV-1a)
// so the same string always gives the same id.
func NotifyID(s string) int { return int(push.AndroidNotifyID(s)) }
