package huawei

import (
	"cmp"
	"strings"
	"time"

	"github.com/pushsim/pushsim/dispatcher/internal/hms"
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

// clickAction is the click action object Huawei v1 and Honor share (hms.Click).
type clickAction = hms.ClickAction

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

// WithTokens addresses the request to one batch.
func (r *request) WithTokens(batch []string) any {
	r.Message.Token = batch
	return r
}

// request builds everything but the tokens.
func (c *Client) request(p push.Push) *request {
	r := &request{ValidateOnly: c.cert.Settings[SettingValidateOnly] == "true"}
	a := &r.Message.Android
	r.Message.Data = string(hms.Data(p))
	if p.TTL > 0 {
		a.TTL = TTL(p.TTL)
	}
	a.BiTag = hms.BiTag(p.ID)
	marketing := cmp.Or(p.Class, c.cert.Class) == "public"
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
		a.Category = cmp.Or(p.Category, c.cert.Category)
		n.Importance = c.cert.Importance
	}
	if ch := cmp.Or(p.Channel, c.cert.Channel); ch != "" && !p.NoChannel {
		n.ChannelID = ch
	}
	if s := cmp.Or(p.Sound, c.cert.Sound); s != "" {
		n.Sound, n.DefaultSound = SoundPath(s), false
	}
	// This client sends no intent-filter action: an action click opens the app.
	n.ClickAction = hms.Click(c.cert.Package, p.ClickOr(c.cert.Click), false)
	n.NotifyID = hms.NotifyID(p.NotifyID)
	if cls := c.cert.Settings[SettingBadgeClass]; p.Badge > 0 && cls != "" {
		n.Badge = &badge{SetNum: min(p.Badge, 99), Class: cls}
	}
	return r
}

// ExtKey is the data key that carries Push.Ext. message.data is a JSON
// object of Push.Extras plus Push.Ext under ExtKey (hms.Data): a tapped
// notification's data keys become the launched activity's intent extras,
// and the guide's step 8 app (OfflineMessageDispatcher.parseOfflineMessage)
// reads getIntent().getExtras().getString("ext") first.
const ExtKey = hms.ExtKey

// TTL formats android.ttl ("86400s"), at most MaxTTL and at least 1 s.
func TTL(d time.Duration) string { return hms.TTL(d, MaxTTL) }

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
func ActivityIntent(pkg, cls string) string { return push.ActivityIntent(pkg, cls) }
