package fcm

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// sendRequest is the body of messages:send (vendor-facts §3.3), decoded by
// decodeSend. The json tags are the proto's field names, for tests that
// build bodies from these types.
type sendRequest struct {
	ValidateOnly bool     `json:"validate_only"`
	Message      *message `json:"message"`
}

// message is the Message proto. Targets are pointers so that a target set to
// "" still counts as set, as in the proto's oneof.
type message struct {
	Name         string          `json:"name"`
	Data         messageData     `json:"data"`
	Notification *notification   `json:"notification"`
	Android      *androidConfig  `json:"android"`
	Webpush      json.RawMessage `json:"webpush,omitempty"`
	APNS         json.RawMessage `json:"apns,omitempty"`
	FCMOptions   *fcmOptions     `json:"fcm_options"`
	Token        *string         `json:"token"`
	Topic        *string         `json:"topic"`
	Condition    *string         `json:"condition"`
	FID          *string         `json:"fid"`
}

type notification struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	Image string `json:"image"`
}

type fcmOptions struct {
	AnalyticsLabel string `json:"analytics_label"`
}

type androidConfig struct {
	CollapseKey            string               `json:"collapse_key"`
	Priority               string               `json:"priority"`
	TTL                    *string              `json:"ttl"`
	RestrictedPackageName  string               `json:"restricted_package_name"`
	Data                   androidData          `json:"data"`
	Notification           *androidNotification `json:"notification"`
	FCMOptions             *fcmOptions          `json:"fcm_options"`
	DirectBootOK           bool                 `json:"direct_boot_ok"`
	BandwidthConstrainedOK bool                 `json:"bandwidth_constrained_ok"`
	RestrictedSatelliteOK  bool                 `json:"restricted_satellite_ok"`
}

type androidNotification struct {
	Title                 string         `json:"title"`
	Body                  string         `json:"body"`
	Icon                  string         `json:"icon"`
	Color                 string         `json:"color"`
	Sound                 string         `json:"sound"`
	Tag                   string         `json:"tag"`
	ClickAction           string         `json:"click_action"`
	BodyLocKey            string         `json:"body_loc_key"`
	BodyLocArgs           []string       `json:"body_loc_args"`
	TitleLocKey           string         `json:"title_loc_key"`
	TitleLocArgs          []string       `json:"title_loc_args"`
	ChannelID             string         `json:"channel_id"`
	Image                 string         `json:"image"`
	Ticker                string         `json:"ticker"`
	Sticky                bool           `json:"sticky"`
	EventTime             string         `json:"event_time"`
	LocalOnly             bool           `json:"local_only"`
	NotificationPriority  string         `json:"notification_priority"`
	DefaultSound          bool           `json:"default_sound"`
	DefaultVibrateTimings bool           `json:"default_vibrate_timings"`
	DefaultLightSettings  bool           `json:"default_light_settings"`
	VibrateTimings        []string       `json:"vibrate_timings"`
	Visibility            string         `json:"visibility"`
	LightSettings         *lightSettings `json:"light_settings"`
	NotificationCount     *int32         `json:"notification_count"`
	Proxy                 string         `json:"proxy"`
}

type lightSettings struct {
	Color            *rgbaColor `json:"color"`
	LightOnDuration  string     `json:"light_on_duration"`
	LightOffDuration string     `json:"light_off_duration"`
}

type rgbaColor struct {
	Red   float64  `json:"red"`
	Green float64  `json:"green"`
	Blue  float64  `json:"blue"`
	Alpha *float64 `json:"alpha"`
}

// messageData and androidData are map<string,string>.
type (
	messageData map[string]string
	androidData map[string]string
)

func oneLine(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// Android delivery limits (vendor-facts §3.3, §3.5).
const (
	maxTTL        = 28 * 24 * time.Hour // 2 419 200 s
	defaultTTL    = maxTTL              // no ttl: four weeks
	defPayloadMax = 4096
)

// parseDuration reads a proto Duration in JSON form: "3s", "3.5s",
// "-1.000000001s" (seconds with up to nine fractional digits).
func parseDuration(s string) (time.Duration, bool) {
	num, ok := strings.CutSuffix(s, "s")
	if !ok || num == "" {
		return 0, false
	}
	neg := strings.HasPrefix(num, "-")
	num = strings.TrimPrefix(num, "-")
	whole, frac, hasFrac := strings.Cut(num, ".")
	if whole == "" || !allDigits(whole) || len(whole) > 12 || hasFrac && (frac == "" || len(frac) > 9 || !allDigits(frac)) {
		return 0, false
	}
	secs, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, false
	}
	d := time.Duration(secs) * time.Second
	if frac != "" {
		n, _ := strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
		d += time.Duration(n)
	}
	if neg {
		d = -d
	}
	return d, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validToken reports whether t has the shape of an FCM registration token:
// "<installation id>:APA91b<rest>" (or a legacy "APA91b<rest>"), base64url.
// The grammar is not documented; this is what tokens in the wild look like.
func validToken(t string) bool {
	if len(t) > 4096 {
		return false
	}
	if i := strings.IndexByte(t, ':'); i >= 0 {
		if i < 11 || i > 64 || !isB64URL(t[:i]) {
			return false
		}
		t = t[i+1:]
	}
	return len(t) >= 100 && strings.HasPrefix(t, "APA91b") && isB64URL(t)
}

func isB64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// validTopic is the SDK's topic pattern [a-zA-Z0-9-_.~%]+ (with an optional
// "/topics/" prefix).
func validTopic(t string) bool { return validTopicName(strings.TrimPrefix(t, "/topics/")) }

// validTopicName is a bare topic name: [a-zA-Z0-9-_.~%]+.
func validTopicName(t string) bool {
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~%", c) >= 0) {
			return false
		}
	}
	return true
}

// reservedKey reports whether a data key is reserved: "from",
// "message_type", or a key starting with "google" or "gcm" (vendor-facts
// §3.3). App.Settings reserved_data_keys adds more, comma-separated (the
// older docs also list "notification" and "collapse_key"; the facts say
// FCM tolerates them).
func reservedKey(k, extra string) bool {
	if k == "from" || k == "message_type" || strings.HasPrefix(k, "google") || strings.HasPrefix(k, "gcm") {
		return true
	}
	for extra != "" {
		var one string
		one, extra, _ = strings.Cut(extra, ",")
		if strings.TrimSpace(one) == k {
			return true
		}
	}
	return false
}

// enumOK checks a proto enum given as a name.
func enumOK(v string, names ...string) bool {
	if v == "" {
		return true
	}
	for _, n := range names {
		if v == n {
			return true
		}
	}
	return false
}

func invalidEnum(field, typ, v string) *failure {
	return invalid(RuleMessageEnum, field, "Invalid value at '"+field+"' ("+typ+"), "+strconv.Quote(v))
}

// validate applies FCM's checks to a decoded message (everything but the
// target's registration, which needs the world). pkg is the project's app
// package; reserved are extra reserved data keys.
func (m *message) validate(pkg, reserved string, payloadMax int) (ttl time.Duration, f *failure) {
	if f := m.wellKnown(); f != nil { // a parse error of the JSON front end comes first
		return 0, f
	}
	targets := [...]struct {
		name string
		set  bool
	}{{"token", m.Token != nil}, {"topic", m.Topic != nil}, {"condition", m.Condition != nil}, {"fid", m.FID != nil}}
	n := 0
	for _, t := range targets {
		if !t.set {
			continue
		}
		n++
		if n > 1 {
			return 0, invalid(RuleMessageTarget, "message", "Invalid value at 'message' (oneof), oneof field 'target' is already set. Cannot set '"+t.name+"'")
		}
	}
	if n == 0 {
		return 0, invalid(RuleMessageTarget, "message", "Recipient of the message is not set.")
	}
	switch {
	case m.Token != nil && !validToken(*m.Token):
		return 0, invalid(RuleTokenFormat, "message.token", "The registration token is not a valid FCM registration token")
	case m.Topic != nil && !validTopic(*m.Topic):
		return 0, invalid(RuleMessageTarget, "message.topic", "Request contains an invalid argument.")
	case m.FID != nil && (len(*m.FID) < 11 || !isB64URL(*m.FID)):
		return 0, invalid(RuleMessageTarget, "message.fid", "Request contains an invalid argument.")
	}
	for k := range m.Data {
		if reservedKey(k, reserved) {
			return 0, invalid(RuleDataReserved, "message.data", "Invalid data payload key: "+k)
		}
	}
	ttl = defaultTTL
	if a := m.Android; a != nil {
		for k := range a.Data {
			if reservedKey(k, reserved) {
				return 0, invalid(RuleDataReserved, "message.android.data", "Invalid data payload key: "+k)
			}
		}
		if a.TTL != nil {
			d, ok := parseDuration(*a.TTL)
			if !ok {
				return 0, invalid(RuleAndroidTTL, "message.android.ttl", "Invalid value at 'message.android.ttl' (type.googleapis.com/google.protobuf.Duration), "+strconv.Quote(*a.TTL))
			}
			if d < 0 || d > maxTTL {
				// The range is documented (0 to 28 days); the text is not [inferred].
				return 0, invalid(RuleAndroidTTL, "message.android.ttl", "Invalid value at 'message.android.ttl': a time to live must be between 0 and 2419200 seconds (28 days), got "+*a.TTL)
			}
			ttl = d
		}
		if !enumOK(strings.ToUpper(a.Priority), "NORMAL", "HIGH") {
			return 0, invalidEnum("message.android.priority", "type.googleapis.com/google.firebase.fcm.v1.AndroidMessagePriority", a.Priority)
		}
		if a.RestrictedPackageName != "" && pkg != "" && a.RestrictedPackageName != pkg {
			return 0, invalid(RuleRestrictedPackage, "message.android.restricted_package_name", "Request contains an invalid argument.")
		}
		if an := a.Notification; an != nil {
			switch {
			case !enumOK(an.NotificationPriority, "PRIORITY_UNSPECIFIED", "PRIORITY_MIN", "PRIORITY_LOW", "PRIORITY_DEFAULT", "PRIORITY_HIGH", "PRIORITY_MAX"):
				return 0, invalidEnum("message.android.notification.notification_priority", "type.googleapis.com/google.firebase.fcm.v1.AndroidNotification.NotificationPriority", an.NotificationPriority)
			case !enumOK(an.Visibility, "VISIBILITY_UNSPECIFIED", "PRIVATE", "PUBLIC", "SECRET"):
				return 0, invalidEnum("message.android.notification.visibility", "type.googleapis.com/google.firebase.fcm.v1.AndroidNotification.Visibility", an.Visibility)
			case !enumOK(an.Proxy, "PROXY_UNSPECIFIED", "ALLOW", "DENY", "IF_PRIORITY_LOWERED"):
				return 0, invalidEnum("message.android.notification.proxy", "type.googleapis.com/google.firebase.fcm.v1.AndroidNotification.Proxy", an.Proxy)
			case an.Color != "" && !validColor(an.Color):
				return 0, invalid(RuleMessageEnum, "message.android.notification.color", "Invalid value at 'message.android.notification.color': color must be in the form #RRGGBB, got "+strconv.Quote(an.Color))
			case len(an.BodyLocArgs) > 0 && an.BodyLocKey == "", len(an.TitleLocArgs) > 0 && an.TitleLocKey == "":
				return 0, invalid(RuleMessageEnum, "message.android.notification", "Request contains an invalid argument.")
			}
		}
	}
	if size := m.payloadSize(); size > payloadMax {
		return 0, invalid(RulePayloadSize, "message", "Android message is too big")
	}
	return ttl, nil
}

func validColor(c string) bool {
	if len(c) != 7 || c[0] != '#' {
		return false
	}
	for i := 1; i < 7; i++ {
		if !strings.ContainsRune("0123456789abcdefABCDEF", rune(c[i])) {
			return false
		}
	}
	return true
}

// payloadSize is what counts toward the 4096-byte limit: the data the
// device receives (keys and values) and the notification's texts. FCM does
// not document its exact accounting [inferred].
func (m *message) payloadSize() int {
	n := 0
	data := map[string]string(m.Data)
	if m.Android != nil && m.Android.Data != nil {
		data = m.Android.Data
	}
	for k, v := range data {
		n += len(k) + len(v)
	}
	title, body := m.texts()
	n += len(title) + len(body)
	if m.Notification != nil {
		n += len(m.Notification.Image)
	}
	if a := m.Android; a != nil {
		n += len(a.CollapseKey)
		if an := a.Notification; an != nil {
			n += len(an.Icon) + len(an.Color) + len(an.Sound) + len(an.Tag) + len(an.ClickAction) +
				len(an.ChannelID) + len(an.Image) + len(an.Ticker) + len(an.BodyLocKey) + len(an.TitleLocKey)
			for _, s := range an.BodyLocArgs {
				n += len(s)
			}
			for _, s := range an.TitleLocArgs {
				n += len(s)
			}
		}
	}
	return n
}

// texts are the title and body the phone shows: android.notification
// overrides message.notification.
func (m *message) texts() (title, body string) {
	if m.Notification != nil {
		title, body = m.Notification.Title, m.Notification.Body
	}
	if m.Android != nil && m.Android.Notification != nil {
		if an := m.Android.Notification; an.Title != "" {
			title = an.Title
		}
		if an := m.Android.Notification; an.Body != "" {
			body = an.Body
		}
	}
	return title, body
}

// isNotification reports whether the message has a notification part (the
// FCM SDK shows it in the tray) rather than being data-only.
func (m *message) isNotification() bool {
	return m.Notification != nil || (m.Android != nil && m.Android.Notification != nil)
}

// data is what the app receives: android.data replaces message.data.
func (m *message) data() map[string]string {
	if m.Android != nil && m.Android.Data != nil {
		return m.Android.Data
	}
	return m.Data
}
