package fcm

import (
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// The messages:send body is decoded by hand against the Message proto's
// schema rather than with encoding/json: one pass, no reflection, and every
// error knows its path, so the answers carry Google's texts ("Unknown name
// … at 'message.android'", "Invalid value at 'message.data[1].value'
// (TYPE_STRING), 5"). Field names are accepted in the proto's snake_case and
// in its lowerCamelCase JSON names, as Google's front end does; a repeated
// key wins last; null leaves a field unset.

// decodeSend decodes a messages:send body.
func decodeSend(body []byte) (*sendRequest, *failure) {
	d := decoder{b: body}
	req := new(sendRequest)
	d.ws()
	if d.i == len(d.b) {
		return req, nil // an empty body is an empty request
	}
	d.request(req)
	if d.err == nil {
		d.ws()
		if d.i < len(d.b) {
			d.syntax()
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	return req, nil
}

const maxDepth = 256

type decoder struct {
	b     []byte
	i     int
	depth int
	err   *failure
}

// Google's JSON front-end texts (vendor-facts §3.3; "Unknown name …: Cannot
// find field." and "Invalid value at 'message.data[0].value' (TYPE_STRING)"
// are quoted from real answers).
const (
	txtUnexpected = "Invalid JSON payload received. Unexpected token."
	txtEnd        = "Invalid JSON payload received. Unexpected end of string."
)

func (d *decoder) syntax() {
	if d.err != nil {
		return
	}
	if d.i >= len(d.b) {
		d.err = badJSON(RuleMessageJSON, "", txtEnd)
		return
	}
	d.err = badJSON(RuleMessageJSON, "", txtUnexpected)
}

func (d *decoder) unknown(name, at string) {
	msg := "Invalid JSON payload received. Unknown name " + strconv.Quote(name) + ": Cannot find field."
	if at != "" {
		msg = "Invalid JSON payload received. Unknown name " + strconv.Quote(name) + " at '" + at + "': Cannot find field."
	}
	d.err = badJSON(RuleMessageJSON, at, msg)
}

// invalidValue reports a value of the wrong type at path, quoting it.
func (d *decoder) invalidValue(path, typ string, start int) {
	if d.err != nil {
		return
	}
	raw := oneLine(d.b[start:d.i])
	msg := "Invalid value at '" + path + "' (" + typ + "), " + raw
	rule := RuleMessageJSON
	switch {
	case typ == "TYPE_STRING" && (hasPrefix(path, "message.data[") || hasPrefix(path, "message.android.data[")):
		d.err = invalid(RuleDataStrings, path, msg)
		return
	case path == "message.android.ttl":
		d.err = invalid(RuleAndroidTTL, path, msg)
		return
	}
	d.err = badJSON(rule, path, msg)
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

func (d *decoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) peek() byte {
	d.ws()
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

// null consumes a null literal if one comes next.
func (d *decoder) null() bool {
	if d.peek() == 'n' && len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "null" {
		d.i += 4
		return true
	}
	return false
}

// object reads an object, calling field for each key with the decoder at
// the value. typ names the proto message for a type error.
func (d *decoder) object(path, typ string, field func(key []byte)) {
	start := d.i
	if d.peek() != '{' {
		d.skip()
		d.invalidValue(path, typ, start)
		return
	}
	d.depth++
	if d.depth > maxDepth {
		d.syntax()
		return
	}
	d.i++
	if d.peek() == '}' {
		d.i++
		d.depth--
		return
	}
	for d.err == nil {
		if d.peek() != '"' {
			d.syntax()
			return
		}
		key, ok := d.key()
		if !ok {
			return
		}
		if d.peek() != ':' {
			d.syntax()
			return
		}
		d.i++
		field(key)
		if d.err != nil {
			return
		}
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			d.depth--
			return
		default:
			d.syntax()
			return
		}
	}
}

// array reads an array, calling elem for each element.
func (d *decoder) array(path, typ string, elem func(i int)) {
	start := d.i
	if d.peek() != '[' {
		d.skip()
		d.invalidValue(path, typ, start)
		return
	}
	d.depth++
	if d.depth > maxDepth {
		d.syntax()
		return
	}
	d.i++
	if d.peek() == ']' {
		d.i++
		d.depth--
		return
	}
	for n := 0; d.err == nil; n++ {
		elem(n)
		if d.err != nil {
			return
		}
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			d.depth--
			return
		default:
			d.syntax()
			return
		}
	}
}

// key reads an object key without copying it when it has no escapes.
func (d *decoder) key() ([]byte, bool) {
	d.i++ // the opening quote, checked by the caller
	start := d.i
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			return d.b[start : d.i-1], true
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			d.i = start - 1
			s, ok := d.str()
			return []byte(s), ok
		}
		d.i++
	}
	d.syntax()
	return nil, false
}

// str reads a JSON string. Invalid UTF-8 becomes U+FFFD, as encoding/json
// does.
func (d *decoder) str() (string, bool) {
	if d.peek() != '"' {
		d.syntax()
		return "", false
	}
	d.i++
	start := d.i
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			s := string(d.b[start:d.i])
			d.i++
			return s, true
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			return d.strSlow(start)
		}
		d.i++
	}
	d.syntax()
	return "", false
}

func (d *decoder) strSlow(start int) (string, bool) {
	out := make([]byte, 0, d.i-start+16)
	out = append(out, d.b[start:d.i]...)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			return string(out), true
		case c < 0x20:
			d.syntax()
			return "", false
		case c == '\\':
			if d.i+1 >= len(d.b) {
				d.i = len(d.b)
				d.syntax()
				return "", false
			}
			e := d.b[d.i+1]
			d.i += 2
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := d.hex4()
				if !ok {
					d.syntax()
					return "", false
				}
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if d.i+1 < len(d.b) && d.b[d.i] == '\\' && d.b[d.i+1] == 'u' {
						save := d.i
						d.i += 2
						if x, ok := d.hex4(); ok {
							r2 = x
						} else {
							d.i = save
						}
						if r2 >= 0 {
							if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
								out = utf8.AppendRune(out, dec)
								continue
							}
							d.i = save // not a pair: the second escape stands alone
						}
					}
					r = utf8.RuneError
				}
				out = utf8.AppendRune(out, r)
			default:
				d.i--
				d.syntax()
				return "", false
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			d.i++
		default:
			r, size := utf8.DecodeRune(d.b[d.i:])
			if r == utf8.RuneError && size == 1 {
				out = append(out, "\ufffd"...)
			} else {
				out = append(out, d.b[d.i:d.i+size]...)
			}
			d.i += size
		}
	}
	d.syntax()
	return "", false
}

func (d *decoder) hex4() (rune, bool) {
	if len(d.b)-d.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range d.b[d.i : d.i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	d.i += 4
	return r, true
}

// skip consumes any JSON value, checking its syntax.
func (d *decoder) skip() {
	switch c := d.peek(); {
	case c == '{':
		d.object("", "", func([]byte) { d.skip() })
	case c == '[':
		d.array("", "", func(int) { d.skip() })
	case c == '"':
		d.str()
	case c == 't':
		d.lit("true")
	case c == 'f':
		d.lit("false")
	case c == 'n':
		d.lit("null")
	case c == '-' || c >= '0' && c <= '9':
		d.number()
	default:
		d.syntax()
	}
}

func (d *decoder) lit(s string) {
	if len(d.b)-d.i >= len(s) && string(d.b[d.i:d.i+len(s)]) == s {
		d.i += len(s)
		return
	}
	d.syntax()
}

// number consumes a JSON number and returns its text.
func (d *decoder) number() []byte {
	start := d.i
	if d.i < len(d.b) && d.b[d.i] == '-' {
		d.i++
	}
	switch {
	case d.i < len(d.b) && d.b[d.i] == '0':
		d.i++
	case d.i < len(d.b) && d.b[d.i] >= '1' && d.b[d.i] <= '9':
		for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
			d.i++
		}
	default:
		d.syntax()
		return nil
	}
	if d.i < len(d.b) && d.b[d.i] == '.' {
		d.i++
		if !d.digits() {
			return nil
		}
	}
	if d.i < len(d.b) && (d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		d.i++
		if d.i < len(d.b) && (d.b[d.i] == '+' || d.b[d.i] == '-') {
			d.i++
		}
		if !d.digits() {
			return nil
		}
	}
	return d.b[start:d.i]
}

func (d *decoder) digits() bool {
	s := d.i
	for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
		d.i++
	}
	if d.i == s {
		d.syntax()
		return false
	}
	return true
}

// String-typed fields.

func (d *decoder) stringField(path string, dst *string) {
	if d.null() {
		return
	}
	start := d.i
	if d.peek() != '"' {
		d.skip()
		d.invalidValue(path, "TYPE_STRING", start)
		return
	}
	*dst, _ = d.str()
}

func (d *decoder) optString(path string, dst **string) {
	if d.null() {
		return
	}
	var s string
	d.stringField(path, &s)
	if d.err == nil {
		*dst = &s
	}
}

func (d *decoder) boolField(path string, dst *bool) {
	if d.null() {
		return
	}
	start := d.i
	switch d.peek() {
	case 't':
		d.lit("true")
		*dst = true
	case 'f':
		d.lit("false")
		*dst = false
	default:
		d.skip()
		d.invalidValue(path, "TYPE_BOOL", start)
	}
}

// int32Field takes a number or a numeric string, as proto JSON does.
func (d *decoder) int32Field(path string, dst **int32) {
	if d.null() {
		return
	}
	start := d.i
	var text string
	switch c := d.peek(); {
	case c == '"':
		text, _ = d.str()
	case c == '-' || c >= '0' && c <= '9':
		text = string(d.number())
	default:
		d.skip()
		d.invalidValue(path, "TYPE_INT32", start)
		return
	}
	if d.err != nil {
		return
	}
	n, err := strconv.ParseInt(text, 10, 32)
	if err != nil {
		f, ferr := strconv.ParseFloat(text, 64)
		if ferr != nil || f != math.Trunc(f) || f < math.MinInt32 || f > math.MaxInt32 {
			d.invalidValue(path, "TYPE_INT32", start)
			return
		}
		n = int64(f)
	}
	v := int32(n)
	*dst = &v
}

func (d *decoder) floatField(path string, dst *float64) {
	if d.null() {
		return
	}
	start := d.i
	var text string
	switch c := d.peek(); {
	case c == '"':
		text, _ = d.str()
	case c == '-' || c >= '0' && c <= '9':
		text = string(d.number())
	default:
		d.skip()
		d.invalidValue(path, "TYPE_FLOAT", start)
		return
	}
	if d.err != nil {
		return
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		d.invalidValue(path, "TYPE_FLOAT", start)
		return
	}
	*dst = f
}

func (d *decoder) stringList(path string, dst *[]string) {
	if d.null() {
		return
	}
	d.array(path, "TYPE_STRING", func(i int) {
		var s string
		d.stringField(path, &s)
		*dst = append(*dst, s)
	})
}

// stringMap reads map<string,string>; a value that is not a string is
// reported with its position, as Google does.
func (d *decoder) stringMap(path string, dst *map[string]string) {
	if d.null() {
		return
	}
	n := 0
	d.object(path, "Map", func(key []byte) {
		start := d.i
		if d.peek() != '"' {
			d.skip()
			d.invalidValue(path+"["+strconv.Itoa(n)+"].value", "TYPE_STRING", start)
			return
		}
		v, ok := d.str()
		if !ok {
			return
		}
		if *dst == nil {
			*dst = make(map[string]string, 4)
		}
		(*dst)[string(key)] = v
		n++
	})
	if d.err == nil && *dst == nil {
		*dst = map[string]string{}
	}
}

// raw keeps a value as it is (webpush, apns: not used on an Android phone).
func (d *decoder) raw(dst *[]byte) {
	d.ws()
	start := d.i
	d.skip()
	if d.err == nil {
		*dst = d.b[start:d.i:d.i]
	}
}

// The schema.

const (
	protoMessage      = "type.googleapis.com/google.firebase.fcm.v1.Message"
	protoNotification = "type.googleapis.com/google.firebase.fcm.v1.Notification"
	protoAndroid      = "type.googleapis.com/google.firebase.fcm.v1.AndroidConfig"
	protoAndroidNote  = "type.googleapis.com/google.firebase.fcm.v1.AndroidNotification"
	protoFcmOptions   = "type.googleapis.com/google.firebase.fcm.v1.FcmOptions"
	protoLight        = "type.googleapis.com/google.firebase.fcm.v1.LightSettings"
	protoColor        = "type.googleapis.com/google.type.Color"
	protoDuration     = "type.googleapis.com/google.protobuf.Duration"
	protoRequest      = "type.googleapis.com/google.firebase.fcm.v1.SendMessageRequest"
)

func (d *decoder) request(r *sendRequest) {
	d.object("", protoRequest, func(k []byte) {
		switch string(k) {
		case "validate_only", "validateOnly":
			d.boolField("validate_only", &r.ValidateOnly)
		case "message":
			if d.null() {
				return
			}
			if r.Message == nil {
				r.Message = new(message)
			}
			d.message(r.Message)
		default:
			d.unknown(string(k), "")
		}
	})
}

func (d *decoder) message(m *message) {
	const p = "message"
	d.object(p, protoMessage, func(k []byte) {
		switch string(k) {
		case "name":
			d.stringField(p+".name", &m.Name)
		case "data":
			d.stringMap(p+".data", (*map[string]string)(&m.Data))
		case "notification":
			if !d.null() {
				if m.Notification == nil {
					m.Notification = new(notification)
				}
				d.notification(m.Notification)
			}
		case "android":
			if !d.null() {
				if m.Android == nil {
					m.Android = new(androidConfig)
				}
				d.android(m.Android)
			}
		case "webpush":
			d.raw((*[]byte)(&m.Webpush))
		case "apns":
			d.raw((*[]byte)(&m.APNS))
		case "fcm_options", "fcmOptions":
			if !d.null() {
				m.FCMOptions = new(fcmOptions)
				d.fcmOptions(p+".fcm_options", m.FCMOptions)
			}
		case "token":
			d.optString(p+".token", &m.Token)
		case "topic":
			d.optString(p+".topic", &m.Topic)
		case "condition":
			d.optString(p+".condition", &m.Condition)
		case "fid":
			d.optString(p+".fid", &m.FID)
		default:
			d.unknown(string(k), p)
		}
		if d.err == nil && (m.Token != nil || m.Topic != nil || m.Condition != nil || m.FID != nil) {
			d.target(m, k)
		}
	})
}

// target enforces the proto's oneof while parsing, as Google's parser does:
// the second target named is the one refused.
func (d *decoder) target(m *message, k []byte) {
	n := 0
	for _, t := range [...]*string{m.Token, m.Topic, m.Condition, m.FID} {
		if t != nil {
			n++
		}
	}
	if n > 1 {
		d.err = invalid(RuleMessageTarget, "message", "Invalid value at 'message' (oneof), oneof field 'target' is already set. Cannot set '"+string(k)+"'")
	}
}

func (d *decoder) notification(n *notification) {
	const p = "message.notification"
	d.object(p, protoNotification, func(k []byte) {
		switch string(k) {
		case "title":
			d.stringField(p+".title", &n.Title)
		case "body":
			d.stringField(p+".body", &n.Body)
		case "image":
			d.stringField(p+".image", &n.Image)
		default:
			d.unknown(string(k), p)
		}
	})
}

func (d *decoder) fcmOptions(p string, o *fcmOptions) {
	d.object(p, protoFcmOptions, func(k []byte) {
		switch string(k) {
		case "analytics_label", "analyticsLabel":
			d.stringField(p+".analytics_label", &o.AnalyticsLabel)
		default:
			d.unknown(string(k), p)
		}
	})
}

func (d *decoder) android(a *androidConfig) {
	const p = "message.android"
	d.object(p, protoAndroid, func(k []byte) {
		switch string(k) {
		case "collapse_key", "collapseKey":
			d.stringField(p+".collapse_key", &a.CollapseKey)
		case "priority":
			d.stringField(p+".priority", &a.Priority)
		case "ttl":
			if d.null() {
				return
			}
			start := d.i
			if d.peek() != '"' {
				d.skip()
				d.invalidValue(p+".ttl", protoDuration, start)
				return
			}
			s, _ := d.str()
			a.TTL = &s
		case "restricted_package_name", "restrictedPackageName":
			d.stringField(p+".restricted_package_name", &a.RestrictedPackageName)
		case "data":
			d.stringMap(p+".data", (*map[string]string)(&a.Data))
		case "notification":
			if !d.null() {
				if a.Notification == nil {
					a.Notification = new(androidNotification)
				}
				d.androidNotification(a.Notification)
			}
		case "fcm_options", "fcmOptions":
			if !d.null() {
				a.FCMOptions = new(fcmOptions)
				d.fcmOptions(p+".fcm_options", a.FCMOptions)
			}
		case "direct_boot_ok", "directBootOk":
			d.boolField(p+".direct_boot_ok", &a.DirectBootOK)
		case "bandwidth_constrained_ok", "bandwidthConstrainedOk":
			d.boolField(p+".bandwidth_constrained_ok", &a.BandwidthConstrainedOK)
		case "restricted_satellite_ok", "restrictedSatelliteOk":
			d.boolField(p+".restricted_satellite_ok", &a.RestrictedSatelliteOK)
		default:
			d.unknown(string(k), p)
		}
	})
}

func (d *decoder) androidNotification(n *androidNotification) {
	const p = "message.android.notification"
	d.object(p, protoAndroidNote, func(k []byte) {
		switch string(k) {
		case "title":
			d.stringField(p+".title", &n.Title)
		case "body":
			d.stringField(p+".body", &n.Body)
		case "icon":
			d.stringField(p+".icon", &n.Icon)
		case "color":
			d.stringField(p+".color", &n.Color)
		case "sound":
			d.stringField(p+".sound", &n.Sound)
		case "tag":
			d.stringField(p+".tag", &n.Tag)
		case "click_action", "clickAction":
			d.stringField(p+".click_action", &n.ClickAction)
		case "body_loc_key", "bodyLocKey":
			d.stringField(p+".body_loc_key", &n.BodyLocKey)
		case "body_loc_args", "bodyLocArgs":
			d.stringList(p+".body_loc_args", &n.BodyLocArgs)
		case "title_loc_key", "titleLocKey":
			d.stringField(p+".title_loc_key", &n.TitleLocKey)
		case "title_loc_args", "titleLocArgs":
			d.stringList(p+".title_loc_args", &n.TitleLocArgs)
		case "channel_id", "channelId":
			d.stringField(p+".channel_id", &n.ChannelID)
		case "image":
			d.stringField(p+".image", &n.Image)
		case "ticker":
			d.stringField(p+".ticker", &n.Ticker)
		case "sticky":
			d.boolField(p+".sticky", &n.Sticky)
		case "event_time", "eventTime":
			d.stringField(p+".event_time", &n.EventTime)
		case "local_only", "localOnly":
			d.boolField(p+".local_only", &n.LocalOnly)
		case "notification_priority", "notificationPriority":
			d.stringField(p+".notification_priority", &n.NotificationPriority)
		case "default_sound", "defaultSound":
			d.boolField(p+".default_sound", &n.DefaultSound)
		case "default_vibrate_timings", "defaultVibrateTimings":
			d.boolField(p+".default_vibrate_timings", &n.DefaultVibrateTimings)
		case "default_light_settings", "defaultLightSettings":
			d.boolField(p+".default_light_settings", &n.DefaultLightSettings)
		case "vibrate_timings", "vibrateTimings":
			d.stringList(p+".vibrate_timings", &n.VibrateTimings)
		case "visibility":
			d.stringField(p+".visibility", &n.Visibility)
		case "light_settings", "lightSettings":
			if !d.null() {
				n.LightSettings = new(lightSettings)
				d.lightSettings(n.LightSettings)
			}
		case "notification_count", "notificationCount":
			d.int32Field(p+".notification_count", &n.NotificationCount)
		case "proxy":
			d.stringField(p+".proxy", &n.Proxy)
		default:
			d.unknown(string(k), p)
		}
	})
}

func (d *decoder) lightSettings(l *lightSettings) {
	const p = "message.android.notification.light_settings"
	d.object(p, protoLight, func(k []byte) {
		switch string(k) {
		case "color":
			if !d.null() {
				l.Color = new(rgbaColor)
				d.color(l.Color)
			}
		case "light_on_duration", "lightOnDuration":
			d.stringField(p+".light_on_duration", &l.LightOnDuration)
		case "light_off_duration", "lightOffDuration":
			d.stringField(p+".light_off_duration", &l.LightOffDuration)
		default:
			d.unknown(string(k), p)
		}
	})
}

func (d *decoder) color(c *rgbaColor) {
	const p = "message.android.notification.light_settings.color"
	d.object(p, protoColor, func(k []byte) {
		switch string(k) {
		case "red":
			d.floatField(p+".red", &c.Red)
		case "green":
			d.floatField(p+".green", &c.Green)
		case "blue":
			d.floatField(p+".blue", &c.Blue)
		case "alpha":
			if !d.null() {
				c.Alpha = new(float64)
				d.floatField(p+".alpha", c.Alpha)
			}
		default:
			d.unknown(string(k), p)
		}
	})
}
