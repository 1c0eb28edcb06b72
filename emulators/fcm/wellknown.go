package fcm

import (
	"strconv"
	"time"
)

// protoTimestamp names the Timestamp type in errors (protoDuration: decode.go).
const protoTimestamp = "type.googleapis.com/google.protobuf.Timestamp"

// wellKnown checks the android.notification fields of proto JSON's
// well-known types (vendor-facts §3.3): event_time is a Timestamp (RFC 3339,
// up to nine fractional digits, "Z" or an offset), vibrate_timings and the
// light_settings durations are Durations ("3s", "3.000000001s"). Google's
// JSON front end refuses what does not parse like any value of the wrong
// type: 400 INVALID_ARGUMENT with a BadRequest detail and no FcmError.
func (m *message) wellKnown() *failure {
	if m.Android == nil || m.Android.Notification == nil {
		return nil
	}
	an := m.Android.Notification
	const p = "message.android.notification"
	if an.EventTime != "" {
		if _, err := time.Parse(time.RFC3339Nano, an.EventTime); err != nil {
			return wrongType(p+".event_time", protoTimestamp, an.EventTime)
		}
	}
	for i, s := range an.VibrateTimings {
		if _, ok := parseDuration(s); !ok {
			return wrongType(p+".vibrate_timings["+strconv.Itoa(i)+"]", protoDuration, s)
		}
	}
	if l := an.LightSettings; l != nil {
		if _, ok := parseDuration(l.LightOnDuration); l.LightOnDuration != "" && !ok {
			return wrongType(p+".light_settings.light_on_duration", protoDuration, l.LightOnDuration)
		}
		if _, ok := parseDuration(l.LightOffDuration); l.LightOffDuration != "" && !ok {
			return wrongType(p+".light_settings.light_off_duration", protoDuration, l.LightOffDuration)
		}
	}
	return nil
}

// wrongType is the front end's answer to a value of the wrong type, in the
// decoder's words (decode.go invalidValue).
func wrongType(path, typ, v string) *failure {
	return badJSON(RuleMessageJSON, path, "Invalid value at '"+path+"' ("+typ+"), "+strconv.Quote(v))
}
