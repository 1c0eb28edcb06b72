package huawei

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// request is the body of messages:send (§1.3), as this client fills it.
type request struct {
	ValidateOnly bool    `json:"validate_only"`
	Message      message `json:"message"`
}

type message struct {
	Data    string   `json:"data,omitempty"`
	Android android  `json:"android"`
	Token   []string `json:"token"`
}

type android struct {
	Urgency      string        `json:"urgency,omitempty"`
	Category     string        `json:"category,omitempty"`
	TTL          string        `json:"ttl,omitempty"`
	BiTag        string        `json:"bi_tag,omitempty"`
	Notification *notification `json:"notification,omitempty"`
}

type notification struct {
	Title        string      `json:"title"`
	Body         string      `json:"body"`
	ClickAction  clickAction `json:"click_action"`
	ChannelID    string      `json:"channel_id,omitempty"`
	Sound        string      `json:"sound,omitempty"`
	DefaultSound bool        `json:"default_sound"`
	Importance   string      `json:"importance,omitempty"`
	NotifyID     *int        `json:"notify_id,omitempty"`
	Badge        *badge      `json:"badge,omitempty"`
}

type clickAction struct {
	Type   int    `json:"type"`
	Intent string `json:"intent,omitempty"`
	URL    string `json:"url,omitempty"`
}

type badge struct {
	SetNum int    `json:"set_num"`
	Class  string `json:"class"`
}

// Certificate settings this client reads (push.Certificate.Settings).
const (
	// SettingBadgeClass is the app's launcher activity (fully qualified):
	// Huawei's badge needs it, so a badge is sent only when it is set.
	SettingBadgeClass = "badge_class"
	// SettingValidateOnly "true" sends test messages that are never delivered.
	SettingValidateOnly = "validate_only"
)

// request builds everything but the tokens.
func (c *Client) request(p push.Push) request {
	r := request{ValidateOnly: c.cert.Settings[SettingValidateOnly] == "true"}
	a := &r.Message.Android
	r.Message.Data = data(p)
	if p.TTL > 0 {
		a.TTL = TTL(p.TTL)
	}
	if len(p.ID) <= 64 {
		a.BiTag = p.ID // echoed in delivery receipts
	}
	marketing := firstNonEmpty(p.Class, c.cert.Class) == "public"
	if p.PassThrough {
		a.Urgency = "NORMAL"
		if !marketing {
			a.Urgency = "HIGH"
		}
		if r.Message.Data == "" {
			r.Message.Data = "{}" // a data message needs data
		}
		return r
	}
	n := &notification{Title: p.Title, Body: p.Body, DefaultSound: true}
	a.Notification = n
	if marketing {
		// News & marketing: declared as such, silent (§1.5).
		a.Category, n.Importance = "MARKETING", "LOW"
	} else {
		a.Category = firstNonEmpty(p.Category, c.cert.Category)
		n.Importance = c.cert.Importance
	}
	if ch := firstNonEmpty(p.Channel, c.cert.Channel); ch != "" && !p.NoChannel {
		n.ChannelID = ch
	}
	if s := firstNonEmpty(p.Sound, c.cert.Sound); s != "" {
		n.Sound, n.DefaultSound = SoundPath(s), false
	}
	click := p.Click
	if click.Type == "" {
		click = c.cert.Click
	}
	switch click.Type {
	case "intent":
		n.ClickAction = clickAction{Type: 1, Intent: click.Target}
	case "activity":
		n.ClickAction = clickAction{Type: 1, Intent: ActivityIntent(c.cert.Package, click.Target)}
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
		n.Badge = &badge{SetNum: min(p.Badge, 99), Class: cls}
	}
	return r
}

// ExtKey is the data key that carries Push.Ext.
const ExtKey = "ext"

// data is message.data: a JSON object of Push.Extras plus Push.Ext under
// ExtKey (Ext wins over an extra of the same name); "" when both are empty.
// Huawei hands a tapped notification's data to the activity as extras, one
// per key, so the app reads getIntent().getExtras().getString("ext") and
// gets the IM ext byte for byte: what the guide's step 8 app
// (OfflineMessageDispatcher.parseOfflineMessage) reads first. The raw ext
// as data would give it ext's own keys instead, and no "ext".
func data(p push.Push) string {
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
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // <, >, & as they are: shorter, and readable in the ledger
	_ = enc.Encode(m)        // a map of strings always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// encode marshals the request and applies Push.Raw: each key is a dotted
// path from the body's root ("message.android.notification.image",
// "validate_only"); a value that is valid JSON is set as that JSON, any
// other value as a string.
func encode(r request, raw map[string]string) ([]byte, error) {
	b, err := json.Marshal(r)
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
	return json.Marshal(doc)
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

// SoundPath turns an Android sound into android.notification.sound: a path
// ("/raw/ring") is kept, a bare name ("ring", "ring.mp3") is the app's raw
// resource without extension (§1.3 example "/raw/shake").
func SoundPath(s string) string {
	if strings.HasPrefix(s, "/") {
		return s
	}
	if i := strings.LastIndexByte(s, '.'); i > 0 {
		s = s[:i]
	}
	return "/raw/" + s
}

// ActivityIntent is the intent URI that opens activity class cls of app
// pkg (Intent.toUri form); a class starting with '.' is relative to pkg.
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
