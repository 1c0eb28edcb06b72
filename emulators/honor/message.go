package honor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// sendRequest is the body of POST /api/v1/{appId}/sendMessage: flat, no
// message wrapper (§2.3).
type sendRequest struct {
	Token        []string       `json:"token"`
	Data         string         `json:"data"`
	Notification *notification  `json:"notification"`
	Android      *androidConfig `json:"android"`
}

type notification struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	Image string `json:"image"`
}

type androidConfig struct {
	TTL            string               `json:"ttl"`
	BiTag          string               `json:"biTag"`
	Data           string               `json:"data"`
	Notification   *androidNotification `json:"notification"`
	TargetUserType int                  `json:"targetUserType"`
}

type androidNotification struct {
	Title       string       `json:"title"`
	Body        string       `json:"body"`
	ClickAction *clickAction `json:"clickAction"`
	Image       string       `json:"image"`
	Style       int          `json:"style"`
	BigTitle    string       `json:"bigTitle"`
	BigBody     string       `json:"bigBody"`
	Importance  string       `json:"importance"`
	When        string       `json:"when"`
	Buttons     buttons      `json:"buttons"`
	Badge       *badge       `json:"badge"`
	// BadgeNotification is the name one third-party client uses for badge
	// (§2.3, disagreement): both are read, badge wins.
	BadgeNotification *badge `json:"badgeNotification"`
	NotifyID          *int   `json:"notifyId"`
	Tag               string `json:"tag"`
	Group             string `json:"group"`
	// Sent by one client only (§2.3), probably mirrored from Huawei: read
	// and checked, never required.
	UseDefaultVibrate *bool  `json:"useDefaultVibrate"`
	UseDefaultLight   *bool  `json:"useDefaultLight"`
	Visibility        string `json:"visibility"`
	ForegroundShow    *bool  `json:"foregroundShow"`
	Icon              string `json:"icon"`
	NotifySummary     string `json:"notifySummary"`
}

type clickAction struct {
	Type   int    `json:"type"`
	Intent string `json:"intent"`
	Action string `json:"action"`
	URL    string `json:"url"`
}

type badge struct {
	AddNum     *int   `json:"addNum"`
	SetNum     *int   `json:"setNum"`
	BadgeClass string `json:"badgeClass"`
}

// buttons is android.notification.buttons: an array of up to 3 (Honor's
// field doc, HIPUSH), or one button object as ZANDALA sends it (§2.3:
// "wrongly types it as one object"); both are accepted, as the brief's
// rule is to take every form a real client sends.
type buttons []button

func (bs *buttons) UnmarshalJSON(b []byte) error {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) > 0 && b[0] == '{' {
		var one button
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*bs = buttons{one}
		return nil
	}
	return json.Unmarshal(b, (*[]button)(bs))
}

type button struct {
	Name       string `json:"name"`
	ActionType int    `json:"actionType"`
	IntentType int    `json:"intentType"`
	Intent     string `json:"intent"`
	Data       string `json:"data"`
}

// Importance values (§2.5).
const (
	importanceNormal = "NORMAL" // service & communication
	importanceLow    = "LOW"    // news & marketing
)

// problem is a refused request: the code and what exactly was wrong.
type problem struct {
	code   int
	rule   string
	detail string
}

func paramProblem(format string, args ...any) *problem {
	return &problem{code: codeParam, rule: RuleMessageParams, detail: fmt.Sprintf(format, args...)}
}

// notify reports whether the request is a notification (else a data
// message): it has notification or android.notification (§2.3).
func (m *sendRequest) notify() bool {
	return m.Notification != nil || m.Android != nil && m.Android.Notification != nil
}

// an returns android.notification or nil.
func (m *sendRequest) an() *androidNotification {
	if m.Android == nil {
		return nil
	}
	return m.Android.Notification
}

// data is what the app gets: android.data wins over data (§2.3).
func (m *sendRequest) data() string {
	if m.Android != nil && m.Android.Data != "" {
		return m.Android.Data
	}
	return m.Data
}

// titleBody is the shown title and body: android.notification's win.
func (m *sendRequest) titleBody() (string, string) {
	var t, b string
	if m.Notification != nil {
		t, b = m.Notification.Title, m.Notification.Body
	}
	if an := m.an(); an != nil {
		if an.Title != "" {
			t = an.Title
		}
		if an.Body != "" {
			b = an.Body
		}
	}
	return t, b
}

// check applies the field rules of Honor's field doc (§2.3, §2.6).
func (m *sendRequest) check(maxTTL time.Duration, clickRequired bool) *problem {
	if a := m.Android; a != nil {
		if a.TTL != "" {
			d, ok := parseTTL(a.TTL)
			if !ok {
				return paramProblem("android.ttl %q is not a duration like \"86400s\"", a.TTL)
			}
			if d > maxTTL {
				return paramProblem("android.ttl %q exceeds %d seconds", a.TTL, int(maxTTL/time.Second))
			}
		}
		if a.TargetUserType != 0 && a.TargetUserType != 1 {
			return paramProblem("android.targetUserType %d must be 0 (normal) or 1 (test)", a.TargetUserType)
		}
	}
	if !m.notify() {
		if m.data() == "" {
			return paramProblem("the message has neither notification nor data")
		}
		return nil
	}
	if n := m.Notification; n != nil && n.Image != "" && !strings.HasPrefix(n.Image, "https://") {
		return paramProblem("notification.image must be an https url")
	}
	if t, b := m.titleBody(); t == "" || b == "" {
		return paramProblem("title and body are required (in notification or android.notification)")
	}
	n := m.an()
	if n == nil {
		if clickRequired {
			return &problem{codeParam, RuleClickAction, "android.notification.clickAction is required for a notification message"}
		}
		return nil
	}
	if n.Image != "" && !strings.HasPrefix(n.Image, "https://") {
		return paramProblem("android.notification.image must be an https url")
	}
	switch n.Style {
	case 0:
	case 1:
		if n.BigTitle == "" || n.BigBody == "" {
			return paramProblem("style 1 needs bigTitle and bigBody")
		}
	default:
		return paramProblem("android.notification.style %d is not 0 or 1", n.Style)
	}
	switch n.Importance {
	case "", importanceNormal, importanceLow:
	default:
		return paramProblem("android.notification.importance %q must be NORMAL or LOW", n.Importance)
	}
	switch n.Visibility {
	case "", "PUBLIC", "PRIVATE", "SECRET", "VISIBILITY_UNSPECIFIED":
	default:
		return paramProblem("android.notification.visibility %q is not PUBLIC, PRIVATE or SECRET", n.Visibility)
	}
	if len(n.Buttons) > 3 {
		return paramProblem("at most 3 buttons")
	}
	for _, b := range n.Buttons {
		switch {
		case b.Name == "" || utf8.RuneCountInString(b.Name) > 40:
			return paramProblem("button name %q must be 1 to 40 characters", b.Name)
		case b.ActionType < 0 || b.ActionType > 2:
			return paramProblem("button %q: actionType %d must be 0, 1 or 2", b.Name, b.ActionType)
		case b.IntentType != 0 && b.IntentType != 1:
			return paramProblem("button %q: intentType %d must be 0 or 1", b.Name, b.IntentType)
		case b.ActionType == 1 && b.Intent == "":
			return paramProblem("button %q: actionType 1 needs an intent", b.Name)
		case b.ActionType == 2 && !strings.HasPrefix(b.Intent, "https://"):
			return paramProblem("button %q: actionType 2 needs an https url in intent", b.Name)
		case utf8.RuneCountInString(b.Data) > 1024: // characters, not bytes ("最大长度1024")
			return paramProblem("button %q: data is longer than 1024 characters", b.Name)
		}
	}
	if b := n.badge(); b != nil {
		// addNum 0 adds nothing: the facts give no range for addNum, and
		// one client (ZANDALA) always sends it, 0 when unset (§2.3).
		if b.AddNum != nil && (*b.AddNum < 0 || *b.AddNum > 99) {
			return &problem{codeParam, RuleBadge, fmt.Sprintf("badge addNum %d must be 0..99", *b.AddNum)}
		}
		if b.SetNum != nil && (*b.SetNum < 0 || *b.SetNum > 99) {
			return &problem{codeParam, RuleBadge, fmt.Sprintf("badge setNum %d must be 0..99", *b.SetNum)}
		}
	}
	if n.NotifyID != nil && *n.NotifyID < -1 {
		return paramProblem("android.notification.notifyId %d must be -1 or more", *n.NotifyID)
	}
	c := n.ClickAction
	if c == nil {
		if clickRequired {
			return &problem{codeParam, RuleClickAction, "android.notification.clickAction is required for a notification message"}
		}
		return nil
	}
	switch c.Type {
	case 1:
		if c.Intent == "" && c.Action == "" {
			return &problem{codeParam, RuleClickAction, "clickAction type 1 needs intent or action"}
		}
	case 2:
		if !strings.HasPrefix(c.URL, "https://") {
			return &problem{codeParam, RuleClickAction, "clickAction type 2 needs an https url"}
		}
	case 3:
	default:
		return &problem{codeParam, RuleClickAction, fmt.Sprintf("clickAction type %d must be 1, 2 or 3", c.Type)}
	}
	return nil
}

func (n *androidNotification) badge() *badge {
	if n.Badge != nil {
		return n.Badge
	}
	return n.BadgeNotification
}

// parseTTL reads android.ttl as Huawei's demos write it: N, Ns, N.f or
// N.fs with 1 to 9 fraction digits ("86400s").
func parseTTL(s string) (time.Duration, bool) {
	if n := len(s); n > 0 && (s[n-1] == 's' || s[n-1] == 'S') {
		s = s[:n-1]
	}
	whole, frac, dot := strings.Cut(s, ".")
	if !allDigits(whole) || dot && (len(frac) < 1 || len(frac) > 9 || !allDigits(frac)) || len(whole) > 12 {
		return 0, false
	}
	secs, _ := strconv.ParseInt(whole, 10, 64)
	d := time.Duration(secs) * time.Second
	if dot {
		ns, _ := strconv.ParseInt(frac+"000000000"[len(frac):], 10, 64)
		d += time.Duration(ns)
	}
	return d, true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// decodeProblem turns a JSON error into 80100003 saying where it happened.
func decodeProblem(err error) *problem {
	detail := "the body is not valid JSON"
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		detail = fmt.Sprintf("field %s must be %s, not %s", te.Field, te.Type, te.Value)
	}
	return &problem{code: codeStructure, rule: RuleMessageStructure, detail: detail}
}
