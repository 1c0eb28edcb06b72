package honor

import (
	"cmp"
	"time"

	"github.com/pushsim/pushsim/dispatcher/internal/hms"
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

// clickAction is the click action object Huawei v1 and Honor share (hms.Click).
type clickAction = hms.ClickAction

type badge struct {
	SetNum     int    `json:"setNum"`
	BadgeClass string `json:"badgeClass"`
}

// WithTokens addresses the request to one batch.
func (r *request) WithTokens(batch []string) any {
	r.Token = batch
	return r
}

// request builds everything but the tokens.
func (c *Client) request(p push.Push) *request {
	r := &request{Data: string(hms.Data(p))}
	a := &r.Android
	if p.TTL > 0 {
		a.TTL = TTL(p.TTL)
	}
	a.BiTag = hms.BiTag(p.ID)
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
	if cmp.Or(p.Class, c.cert.Class) == "public" {
		n.Importance = "LOW"
	} else if c.cert.Importance != "" {
		n.Importance = c.cert.Importance
	}
	a.Notification = n
	// Honor's type 1 also opens an intent-filter action (§2.6).
	n.ClickAction = hms.Click(c.cert.Package, p.ClickOr(c.cert.Click), true)
	n.NotifyID = hms.NotifyID(p.NotifyID)
	if cls := c.cert.Settings[SettingBadgeClass]; p.Badge > 0 && cls != "" {
		n.Badge = &badge{SetNum: min(p.Badge, 99), BadgeClass: cls}
	}
	return r
}

// ExtKey is the data key that carries Push.Ext. The top-level data is a
// JSON object of Push.Extras plus Push.Ext under ExtKey (hms.Data): Honor
// hands a tapped notification's data to the launched activity as extras,
// one per key (§2.6), so the app reads getIntent().getExtras().getString("ext")
// and gets the IM ext byte for byte, as the integration guide's app does;
// a data message carries the same object to onMessageReceived.
const ExtKey = hms.ExtKey

// TTL formats android.ttl ("86400s"), at most MaxTTL and at least 1 s.
func TTL(d time.Duration) string { return hms.TTL(d, MaxTTL) }

// ActivityIntent is the intent URI that opens activity cls of app pkg
// (Intent.toUri form); a class starting with '.' is relative to pkg.
// Honor push service before 7.0.51 ignores an explicit component (§2.6).
func ActivityIntent(pkg, cls string) string { return push.ActivityIntent(pkg, cls) }
