package huawei

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// sendRequest is the body of POST /v1/{appId}/messages:send (§1.3).
type sendRequest struct {
	ValidateOnly bool     `json:"validate_only"`
	Message      *message `json:"message"`
}

type message struct {
	Data         string         `json:"data"`
	Notification *notification  `json:"notification"`
	Android      *androidConfig `json:"android"`
	Apns         any            `json:"apns"`
	Webpush      any            `json:"webpush"`
	Token        []string       `json:"token"`
	Topic        string         `json:"topic"`
	Condition    string         `json:"condition"`
}

type notification struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	Image string `json:"image"`
}

type androidConfig struct {
	CollapseKey   *int                 `json:"collapse_key"`
	Urgency       string               `json:"urgency"`
	Category      string               `json:"category"`
	TTL           string               `json:"ttl"`
	BiTag         string               `json:"bi_tag"`
	ReceiptID     string               `json:"receipt_id"`
	FastAppTarget int                  `json:"fast_app_target"`
	Data          string               `json:"data"`
	Notification  *androidNotification `json:"notification"`
}

type androidNotification struct {
	Title          string         `json:"title"`
	Body           string         `json:"body"`
	Icon           string         `json:"icon"`
	Color          string         `json:"color"`
	Sound          string         `json:"sound"`
	DefaultSound   bool           `json:"default_sound"`
	Tag            string         `json:"tag"`
	ClickAction    *clickAction   `json:"click_action"`
	BodyLocKey     string         `json:"body_loc_key"`
	BodyLocArgs    []string       `json:"body_loc_args"`
	TitleLocKey    string         `json:"title_loc_key"`
	TitleLocArgs   []string       `json:"title_loc_args"`
	MultiLangKey   map[string]any `json:"multi_lang_key"`
	ChannelID      string         `json:"channel_id"`
	NotifySummary  string         `json:"notify_summary"`
	Image          string         `json:"image"`
	Style          int            `json:"style"`
	BigTitle       string         `json:"big_title"`
	BigBody        string         `json:"big_body"`
	InboxContent   []string       `json:"inbox_content"`
	AutoClear      int            `json:"auto_clear"`
	NotifyID       *int           `json:"notify_id"`
	Group          string         `json:"group"`
	Badge          *badge         `json:"badge"`
	Ticker         string         `json:"ticker"`
	When           string         `json:"when"`
	AutoCancel     *bool          `json:"auto_cancel"`
	LocalOnly      *bool          `json:"local_only"`
	Importance     string         `json:"importance"`
	UseDefVibrate  bool           `json:"use_default_vibrate"`
	UseDefLight    bool           `json:"use_default_light"`
	VibrateConfig  []string       `json:"vibrate_config"`
	Visibility     string         `json:"visibility"`
	LightSettings  *lightSettings `json:"light_settings"`
	ForegroundShow *bool          `json:"foreground_show"`
	Buttons        []button       `json:"buttons"`
	ProfileID      string         `json:"profile_id"`
}

type clickAction struct {
	Type         int    `json:"type"`
	Intent       string `json:"intent"`
	Action       string `json:"action"`
	URL          string `json:"url"`
	RichResource string `json:"rich_resource"`
}

type badge struct {
	AddNum *int   `json:"add_num"`
	SetNum *int   `json:"set_num"`
	Class  string `json:"class"`
}

type lightSettings struct {
	Color            *struct{ Alpha, Red, Green, Blue *float64 } `json:"color"`
	LightOnDuration  string                                      `json:"light_on_duration"`
	LightOffDuration string                                      `json:"light_off_duration"`
}

type button struct {
	Name       string `json:"name"`
	ActionType int    `json:"action_type"`
	IntentType int    `json:"intent_type"`
	Intent     string `json:"intent"`
	Data       string `json:"data"`
}

// Categories of self-classification (§1.5). All but MARKETING are service
// & communication.
var categories = []string{"IM", "VOIP", "SUBSCRIPTION", "TRAVEL", "HEALTH", "WORK", "ACCOUNT", "EXPRESS",
	"FINANCE", "DEVICE_REMINDER", "SYSTEM_REMINDER", "MAIL", "PLAY_VOICE", "MARKETING"}

// Importance levels.
const (
	importanceLow    = "LOW"
	importanceNormal = "NORMAL"
	importanceHigh   = "HIGH"
)

// problem is a refused request: the result code and what exactly was wrong.
type problem struct {
	code   string
	rule   string
	detail string
}

func paramProblem(format string, args ...any) *problem {
	return &problem{code: codeParam, rule: RuleMessageParams, detail: fmt.Sprintf(format, args...)}
}

var (
	colorPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
)

// parseTTL reads android.ttl in the demos' format: N, Ns, N.f or N.fs with
// 1 to 9 fraction digits ("86400s", "1.5s").
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

// check applies the field rules the official demos and the docs give
// (§1.3, §1.6). limits carries the app's configurable limits.
func (m *message) check(maxTTL time.Duration, clickRequired bool) *problem {
	if m.Notification != nil && m.Notification.Image != "" && !strings.HasPrefix(m.Notification.Image, "https://") {
		return paramProblem("notification.image must be an https url")
	}
	a := m.Android
	if a == nil {
		if m.Notification != nil && (m.Notification.Title == "" || m.Notification.Body == "") {
			return paramProblem("notification title and body are required")
		}
		return nil
	}
	if a.CollapseKey != nil && (*a.CollapseKey < -1 || *a.CollapseKey > 100) {
		return &problem{code: codeCollapseKey, rule: RuleCollapseKey, detail: fmt.Sprintf("collapse_key %d is outside -1..100", *a.CollapseKey)}
	}
	if a.Urgency != "" && a.Urgency != "HIGH" && a.Urgency != "NORMAL" {
		return paramProblem("android.urgency %q must be HIGH or NORMAL", a.Urgency)
	}
	if a.Category != "" && !slices.Contains(categories, a.Category) {
		return paramProblem("android.category %q is not a known category", a.Category)
	}
	if a.TTL != "" {
		d, ok := parseTTL(a.TTL)
		if !ok {
			return paramProblem("android.ttl %q is not a duration like \"86400s\"", a.TTL)
		}
		// Whether Huawei rejects or clamps a ttl above 15 days is unknown
		// (§1.8); rejecting is the likelier and the stricter.
		if d > maxTTL {
			return paramProblem("android.ttl %q exceeds %d seconds", a.TTL, int(maxTTL/time.Second))
		}
	}
	if len(a.BiTag) > 64 {
		return paramProblem("android.bi_tag is longer than 64 bytes")
	}
	if a.FastAppTarget != 0 && a.FastAppTarget != 1 && a.FastAppTarget != 2 {
		return paramProblem("android.fast_app_target must be 1 or 2")
	}
	n := a.Notification
	if n == nil {
		if m.Notification != nil && (m.Notification.Title == "" || m.Notification.Body == "") {
			return paramProblem("notification title and body are required")
		}
		return nil
	}
	// Title and body are required in one of the two places only when
	// message.notification is present (§1.3, HW-JAVA
	// AndroidNotification.check); an android.notification alone may carry
	// just a title (what the phone then shows is the content filter's call).
	if m.Notification != nil {
		title, body := n.Title, n.Body
		if title == "" {
			title = m.Notification.Title
		}
		if body == "" {
			body = m.Notification.Body
		}
		if (title == "" && n.TitleLocKey == "") || (body == "" && n.BodyLocKey == "") {
			return paramProblem("title and body are required in notification or android.notification")
		}
	}
	if len(n.TitleLocArgs) > 0 && n.TitleLocKey == "" || len(n.BodyLocArgs) > 0 && n.BodyLocKey == "" {
		return paramProblem("*_loc_args need the matching *_loc_key")
	}
	if n.Color != "" && !colorPattern.MatchString(n.Color) {
		return paramProblem("android.notification.color %q must be #RRGGBB", n.Color)
	}
	if n.Image != "" && !strings.HasPrefix(n.Image, "https://") {
		return paramProblem("android.notification.image must be an https url")
	}
	switch n.Importance {
	case "", importanceLow, importanceNormal, importanceHigh:
	default:
		return paramProblem("android.notification.importance %q must be LOW, NORMAL or HIGH", n.Importance)
	}
	switch n.Visibility {
	case "", "VISIBILITY_UNSPECIFIED", "PRIVATE", "PUBLIC", "SECRET":
	default:
		return paramProblem("android.notification.visibility %q is not a visibility", n.Visibility)
	}
	switch n.Style {
	case 0:
	case 1:
		if n.BigTitle == "" || n.BigBody == "" {
			return paramProblem("style 1 needs big_title and big_body")
		}
	case 3:
		if len(n.InboxContent) < 1 || len(n.InboxContent) > 5 {
			return paramProblem("style 3 needs 1 to 5 inbox_content lines")
		}
	default:
		return paramProblem("android.notification.style %d is not 0, 1 or 3", n.Style)
	}
	if n.AutoClear < 0 {
		return paramProblem("android.notification.auto_clear must be positive")
	}
	if len(n.VibrateConfig) > 10 {
		return paramProblem("vibrate_config has more than 10 entries")
	}
	for _, v := range n.VibrateConfig {
		d, ok := parseTTL(v)
		if !ok || d <= 0 || d >= time.Minute {
			return paramProblem("vibrate_config entry %q must be between 0 and 60 s", v)
		}
	}
	if ls := n.LightSettings; ls != nil && (ls.Color == nil || ls.LightOnDuration == "" || ls.LightOffDuration == "") {
		return paramProblem("light_settings needs color, light_on_duration and light_off_duration")
	} else if ls != nil && (ls.Color.Alpha == nil || ls.Color.Red == nil || ls.Color.Green == nil || ls.Color.Blue == nil) {
		// Every field of light_settings is required, the color's four too (§1.3).
		return paramProblem("light_settings.color needs alpha, red, green and blue")
	}
	if len(n.Buttons) > 3 {
		return paramProblem("at most 3 buttons")
	}
	for _, b := range n.Buttons {
		if b.Name == "" || b.ActionType < 0 || b.ActionType > 4 || b.ActionType == 4 && b.Data == "" {
			return paramProblem("button %q is not valid", b.Name)
		}
	}
	for k, v := range n.MultiLangKey {
		// Each key's value is an object of at most 3 languages (§1.3, HW-JAVA).
		if langs, ok := v.(map[string]any); !ok || len(langs) > 3 {
			return paramProblem("multi_lang_key %q must be an object of at most 3 languages", k)
		}
	}
	if len(n.ProfileID) > 64 {
		return paramProblem("profile_id is longer than 64 characters")
	}
	if b := n.Badge; b != nil {
		if b.AddNum != nil && (*b.AddNum < 1 || *b.AddNum > 99) {
			return paramProblem("badge add_num %d must be 1..99", *b.AddNum)
		}
		if b.SetNum != nil && (*b.SetNum < 0 || *b.SetNum > 99) {
			return paramProblem("badge set_num %d must be 0..99", *b.SetNum)
		}
	}
	c := n.ClickAction
	if c == nil {
		if clickRequired {
			return paramProblem("android.notification.click_action is required")
		}
		return nil
	}
	switch c.Type {
	case 1:
		if c.Intent == "" && c.Action == "" {
			return paramProblem("click_action type 1 needs intent or action")
		}
	case 2:
		if !strings.HasPrefix(c.URL, "https://") {
			return paramProblem("click_action type 2 needs an https url")
		}
	case 3:
	case 4:
		if !strings.HasPrefix(c.RichResource, "https://") {
			return paramProblem("click_action type 4 needs an https rich_resource")
		}
	default:
		return paramProblem("click_action type %d must be 1, 2, 3 or 4", c.Type)
	}
	return nil
}

// decodeProblem turns a JSON error into 80100003 with where it happened.
func decodeProblem(err error) *problem {
	detail := "the body is not valid JSON"
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		detail = fmt.Sprintf("field %s must be %s, not %s", te.Field, te.Type, te.Value)
	}
	return &problem{code: codeStructure, rule: RuleMessageStructure, detail: detail}
}
