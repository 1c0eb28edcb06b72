package honor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// request is the body of sendMessage (§2.3), as this client fills it:
// flat, camelCase, no message wrapper.
type request struct {
	Data    string   `json:"data,omitempty"`
	Android android  `json:"android"`
	Token   []string `json:"token"`
}

type android struct {
	TTL            string        `json:"ttl,omitempty"`
	BiTag          string        `json:"biTag,omitempty"`
	TargetUserType int           `json:"targetUserType,omitempty"`
	Notification   *notification `json:"notification,omitempty"`
}

type notification struct {
	Title       string      `json:"title"`
	Body        string      `json:"body"`
	ClickAction clickAction `json:"clickAction"`
	Importance  string      `json:"importance"`
	NotifyID    *int        `json:"notifyId,omitempty"`
	Badge       *badge      `json:"badge,omitempty"`
}

type clickAction struct {
	Type   int    `json:"type"`
	Intent string `json:"intent,omitempty"`
	Action string `json:"action,omitempty"`
	URL    string `json:"url,omitempty"`
}

type badge struct {
	SetNum     int    `json:"setNum"`
	BadgeClass string `json:"badgeClass"`
}

// request builds everything but the tokens.
func (c *Client) request(p push.Push) request {
	var r request
	r.Data = dataOf(p)
	a := &r.Android
	if p.TTL > 0 {
		a.TTL = TTL(p.TTL)
	}
	if len(p.ID) <= 64 {
		a.BiTag = p.ID // echoed in receipts
	}
	if c.cert.Settings[SettingTestMessage] == "true" {
		a.TargetUserType = 1
	}
	if p.PassThrough {
		if r.Data == "" {
			r.Data = "{}" // a data message needs data
		}
		return r
	}
	// NORMAL = service & communication (IM), LOW = news & marketing (§2.5).
	n := &notification{Title: p.Title, Body: p.Body, Importance: "NORMAL"}
	if firstNonEmpty(p.Class, c.cert.Class) == "public" {
		n.Importance = "LOW"
	} else if c.cert.Importance != "" {
		n.Importance = c.cert.Importance
	}
	a.Notification = n
	click := p.Click
	if click.Type == "" {
		click = c.cert.Click
	}
	switch click.Type {
	case "intent":
		n.ClickAction = clickAction{Type: 1, Intent: click.Target}
	case "activity":
		n.ClickAction = clickAction{Type: 1, Intent: ActivityIntent(c.cert.Package, click.Target)}
	case "action":
		n.ClickAction = clickAction{Type: 1, Action: click.Target}
	case "url":
		n.ClickAction = clickAction{Type: 2, URL: click.Target}
	default:
		n.ClickAction = clickAction{Type: 3}
	}
	if p.NotifyID != "" {
		id := NotifyID(p.NotifyID)
		n.NotifyID = &id
	}
	if cls := c.cert.Settings[SettingBadgeClass]; p.Badge > 0 && cls != "" {
		n.Badge = &badge{SetNum: min(p.Badge, 99), BadgeClass: cls}
	}
	return r
}

// ExtKey is the data key that carries Push.Ext.
const ExtKey = "ext"

// dataOf is the top-level data string: a JSON object of Push.Extras plus
// Push.Ext under ExtKey (Ext wins over an extra of the same name); "" when
// both are empty. Honor hands a tapped notification's data to the launched
// activity as extras, one per key (§2.6), so the app reads
// getIntent().getExtras().getString("ext") and gets the IM ext byte for
// byte, as the integration guide's app does; a data message carries the
// same object to onMessageReceived.
func dataOf(p push.Push) string {
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
	b, _ := marshal(m) // a map of strings always encodes
	return string(b)
}

// marshal is json.Marshal without HTML escapes (<, >, & stay as they are).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// encode marshals the request and applies Push.Raw: each key is a dotted
// path from the body's root ("android.notification.image", "data"); a
// value that is valid JSON is set as that JSON, any other as a string.
func encode(r request, raw map[string]string) ([]byte, error) {
	b, err := marshal(r)
	if err != nil || len(raw) == 0 {
		return b, err
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	for path, v := range raw {
		var val any = v
		var j any
		if json.Unmarshal([]byte(v), &j) == nil {
			val = j
		}
		if err := setPath(doc, strings.Split(path, "."), val); err != nil {
			return nil, fmt.Errorf("raw %q: %w", path, err)
		}
	}
	return marshal(doc)
}

func setPath(doc map[string]any, path []string, v any) error {
	for _, k := range path[:len(path)-1] {
		next, ok := doc[k].(map[string]any)
		if !ok {
			if doc[k] != nil {
				return fmt.Errorf("%s is not an object", k)
			}
			next = map[string]any{}
			doc[k] = next
		}
		doc = next
	}
	doc[path[len(path)-1]] = v
	return nil
}

// TTL formats android.ttl ("86400s"), at most MaxTTL and at least 1 s.
func TTL(d time.Duration) string {
	d = min(d, MaxTTL)
	s := int64((d + time.Second - 1) / time.Second)
	return strconv.FormatInt(max(s, 1), 10) + "s"
}

// ActivityIntent is the intent URI that opens activity cls of app pkg
// (Intent.toUri form); a class starting with '.' is relative to pkg.
// Honor push service before 7.0.51 ignores an explicit component (§2.6).
func ActivityIntent(pkg, cls string) string {
	cls = push.ActivityClass(cls)
	return "intent:#Intent;component=" + pkg + "/" + cls + ";end"
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
