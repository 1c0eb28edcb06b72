package fcm

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// sendRequest is the body of messages:send (vendor-facts §3.3). Fields are
// the proto's snake_case names; camelCase names (the proto JSON names, which
// Google accepts too) are mapped onto them on a slower path.
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
	Webpush      json.RawMessage `json:"webpush"`
	APNS         json.RawMessage `json:"apns"`
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

// messageData and androidData are map<string,string>: the proto accepts
// only string values, and its error names the entry's position, so they
// decode themselves.
type (
	messageData map[string]string
	androidData map[string]string
)

func (d *messageData) UnmarshalJSON(b []byte) error {
	return decodeData(b, (*map[string]string)(d), "message.data")
}

func (d *androidData) UnmarshalJSON(b []byte) error {
	return decodeData(b, (*map[string]string)(d), "message.android.data")
}

// dataError is a data entry whose value is not a string.
type dataError struct {
	field string // message.data[1].value
	raw   string
}

func (e *dataError) Error() string {
	return "Invalid value at '" + e.field + "' (TYPE_STRING), " + e.raw
}

func decodeData(b []byte, m *map[string]string, field string) error {
	if err := json.Unmarshal(b, m); err == nil {
		return nil
	}
	// Slow path: find the entry that is not a string.
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return &dataError{field: field, raw: oneLine(b)}
	}
	for i := 0; dec.More(); i++ {
		if _, err := dec.Token(); err != nil { // key
			return &dataError{field: field, raw: oneLine(b)}
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return &dataError{field: field, raw: oneLine(b)}
		}
		if len(v) == 0 || v[0] != '"' {
			return &dataError{field: field + "[" + strconv.Itoa(i) + "].value", raw: oneLine(v)}
		}
	}
	return &dataError{field: field, raw: oneLine(b)}
}

func oneLine(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// Google's JSON front-end texts for bodies it cannot map onto the proto
// (vendor-facts §3.3; "Unknown name … Cannot find field." and "Invalid value
// at 'message.data[0].value' (TYPE_STRING)" are quoted from real answers).
const txtUnexpected = "Invalid JSON payload received. Unexpected token."

// decodeSend decodes a messages:send body strictly, as Google's proto JSON
// parser would, and answers Google's error for anything it cannot map.
func decodeSend(body []byte) (*sendRequest, *failure) {
	if len(bytes.TrimSpace(body)) == 0 {
		return &sendRequest{}, nil
	}
	req, err := strictDecode(body)
	if err == nil {
		return req, nil
	}
	if strings.HasPrefix(err.Error(), "json: unknown field ") {
		return decodeSlow(body)
	}
	return nil, jsonFailure(body, err)
}

func strictDecode(body []byte) (*sendRequest, error) {
	req := new(sendRequest)
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(req); err != nil {
		return nil, err
	}
	if rest := bytes.TrimSpace(body[dec.InputOffset():]); len(rest) > 0 {
		return nil, &json.SyntaxError{Offset: dec.InputOffset()}
	}
	return req, nil
}

// decodeSlow maps camelCase names onto the proto's field names and reports
// the first name the proto does not have.
func decodeSlow(body []byte) (*sendRequest, *failure) {
	var doc any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, badJSON(RuleMessageJSON, "", txtUnexpected)
	}
	if name, at := normalize(doc, reflect.TypeOf(sendRequest{}), ""); name != "" {
		msg := "Invalid JSON payload received. Unknown name " + strconv.Quote(name) + ": Cannot find field."
		if at != "" {
			msg = "Invalid JSON payload received. Unknown name " + strconv.Quote(name) + " at '" + at + "': Cannot find field."
		}
		return nil, badJSON(RuleMessageJSON, at, msg)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, badJSON(RuleMessageJSON, "", txtUnexpected)
	}
	req, err := strictDecode(b)
	if err != nil {
		return nil, jsonFailure(b, err)
	}
	return req, nil
}

// normalize renames camelCase keys of doc to the snake_case fields of t and
// returns the first key t does not know, with the path of its object.
func normalize(doc any, t reflect.Type, path string) (unknown, at string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := doc.(map[string]any)
		if !ok {
			return "", "" // a type error the strict decoder reports
		}
		for _, key := range sortedKeys(obj) {
			f, name, ok := fieldByJSON(t, key)
			if !ok {
				return key, path
			}
			v := obj[key]
			if name != key {
				delete(obj, key)
				obj[name] = v
			}
			if u, a := normalize(v, f.Type, join(path, name)); u != "" {
				return u, a
			}
		}
	case reflect.Slice:
		if t == reflect.TypeOf(json.RawMessage(nil)) {
			return "", ""
		}
		if arr, ok := doc.([]any); ok {
			for _, v := range arr {
				if u, a := normalize(v, t.Elem(), path); u != "" {
					return u, a
				}
			}
		}
	}
	return "", ""
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Stable order keeps error texts reproducible.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// fieldByJSON finds t's field whose json name is key or key in snake_case.
func fieldByJSON(t reflect.Type, key string) (reflect.StructField, string, bool) {
	snake := toSnake(key)
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == key || name == snake {
			return f, name, true
		}
	}
	return reflect.StructField{}, "", false
}

func toSnake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r + ('a' - 'A'))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// protoTypes names the proto type of a field in "Invalid value" texts.
var protoTypes = map[string]string{
	"message":                                           "type.googleapis.com/google.firebase.fcm.v1.Message",
	"message.notification":                              "type.googleapis.com/google.firebase.fcm.v1.Notification",
	"message.android":                                   "type.googleapis.com/google.firebase.fcm.v1.AndroidConfig",
	"message.android.notification":                      "type.googleapis.com/google.firebase.fcm.v1.AndroidNotification",
	"message.android.ttl":                               "type.googleapis.com/google.protobuf.Duration",
	"message.android.fcm_options":                       "type.googleapis.com/google.firebase.fcm.v1.AndroidFcmOptions",
	"message.fcm_options":                               "type.googleapis.com/google.firebase.fcm.v1.FcmOptions",
	"message.webpush":                                   "type.googleapis.com/google.firebase.fcm.v1.WebpushConfig",
	"message.apns":                                      "type.googleapis.com/google.firebase.fcm.v1.ApnsConfig",
	"message.android.notification.light_settings":       "type.googleapis.com/google.firebase.fcm.v1.LightSettings",
	"message.android.notification.light_settings.color": "type.googleapis.com/google.type.Color",
}

// jsonFailure turns a decoding error into Google's answer.
func jsonFailure(body []byte, err error) *failure {
	var de *dataError
	if errors.As(err, &de) {
		return invalid(RuleDataStrings, de.field, de.Error())
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		typ := protoTypes[te.Field]
		if typ == "" {
			typ = scalarType(te.Type)
		}
		msg := "Invalid value at '" + te.Field + "' (" + typ + "), " + rawAt(body, te.Field)
		rule := RuleMessageJSON
		if te.Field == "message.android.ttl" {
			return invalid(RuleAndroidTTL, te.Field, msg)
		}
		return badJSON(rule, te.Field, msg)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return badJSON(RuleMessageJSON, "", "Invalid JSON payload received. Unexpected end of string.")
	}
	return badJSON(RuleMessageJSON, "", txtUnexpected)
}

func scalarType(t reflect.Type) string {
	if t == nil {
		return "TYPE_MESSAGE"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "TYPE_STRING"
	case reflect.Bool:
		return "TYPE_BOOL"
	case reflect.Int32, reflect.Int, reflect.Int64:
		return "TYPE_INT32"
	case reflect.Float32, reflect.Float64:
		return "TYPE_FLOAT"
	case reflect.Map:
		return "Map"
	case reflect.Slice:
		return "TYPE_STRING"
	}
	return "TYPE_MESSAGE"
}

// rawAt returns the JSON text of the value at a dotted path, for error texts.
func rawAt(body []byte, path string) string {
	var doc any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&doc) != nil {
		return ""
	}
	for _, k := range strings.Split(path, ".") {
		m, ok := doc.(map[string]any)
		if !ok {
			return ""
		}
		doc = m[k]
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return ""
	}
	return oneLine(b)
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
func validTopic(t string) bool {
	t = strings.TrimPrefix(t, "/topics/")
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
	case m.Condition != nil && strings.TrimSpace(*m.Condition) == "":
		return 0, invalid(RuleMessageTarget, "message.condition", "Request contains an invalid argument.")
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
