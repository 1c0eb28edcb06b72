package xiaomi

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// Multi-message sends (vendor-facts §1.1 table): POST
// /v2/multi_messages/regids and /v2/multi_messages/aliases carry a form field
// `messages`, a JSON array of {"target": <regId or alias>, "message": {…}},
// and a `time_to_send`, as the Java SDK's Sender.send(List<TargetedMessage>)
// builds them (S-X1): the message object holds the form's fields under the
// same names (numbers as JSON numbers, the Go clients send strings: both are
// read) and the extras as an object under "extra".
//
// Each message is checked as a /message/regid send of its own (send.go's
// validate: fields, content filter, channel); the first that fails refuses
// the whole call with its code, the reason naming messages[i] (inferred: the
// facts do not say whether the server sends the valid ones). Over a daily
// quota, a message is not refused: it is dropped and counted per channel in
// data.channel_exceed_quota ("no_channel:2 a:3"; addendum §2.3), so the call
// never answers 200001. The answer's data.id names every message of the call
// (one id per call is inferred); unknown regIds come back in data.bad_regids
// and when no target is valid the answer is 20301, as a single send's.

// noChannel names the messages without extra.channel_id in channel_exceed_quota.
const noChannel = "no_channel"

// multiItem is one {"target", "message"} element of `messages`.
type multiItem struct {
	Target  json.RawMessage `json:"target"`
	Message json.RawMessage `json:"message"`
}

// multiFields are the message fields read as form fields; any other key
// (collapse_key, aps_proper_fields) is ignored, as the form's unknown keys are.
var multiFields = map[string]bool{
	"title": true, "description": true, "payload": true, "pass_through": true, "notify_type": true,
	"notify_id": true, "time_to_live": true, "time_to_send": true, "restricted_package_name": true,
}

// sendMulti is the work of a multi-message call (api.go).
func (c *call) sendMulti(out *[]byte) (rejection, func(uint64)) {
	if rej := c.checkPackage(); rej.code != 0 {
		return rej, nil
	}
	items, rej := c.multiItems()
	if rej.code != 0 {
		return rej, nil
	}
	for i, it := range items {
		if rej := it.validate(); rej.code != 0 {
			rej.reason = "messages[" + itoa(i) + "]: " + rej.reason
			return rej, nil
		}
	}

	// Reach each message's phones and take its quota; the phone count of
	// the app total is counted once for the call.
	var bad []string
	var exceed []string // channel ids in order of first overrun, counts alongside
	var exceedN []int
	reached := 0
	for _, it := range items {
		_ = it.resolve() // an unknown target is reported in bad, not refused
		bad = append(bad, it.bad...)
		if len(it.devices) == 0 {
			continue
		}
		it.enabled = c.enabled
		_ = it.takeQuota() // over quota is reported in channel_exceed_quota, not refused
		c.enabled = it.enabled
		reached += len(it.devices) + len(it.over)
		if len(it.over) > 0 {
			ch := or(it.channel.ID, noChannel)
			if k := slices.Index(exceed, ch); k >= 0 {
				exceedN[k] += len(it.over)
			} else {
				exceed, exceedN = append(exceed, ch), append(exceedN, len(it.over))
			}
		}
	}
	bad = dedupe(bad)
	targets := make([]string, len(items))
	for i, it := range items {
		targets[i] = it.f.targets[0]
	}
	c.f.targets = targets // the ledger's tokens
	if reached == 0 {
		return rejection{codeSendFailed, reasonNoTargets, ruleTargetsInvalid}, nil
	}

	kindByte, info := byte('s'), "REGID"
	if c.kind == byAlias {
		kindByte, info = 'a', "ALIAS"
	}
	trace, id := c.e.newIDs(kindByte)
	s := success{id: id, info: info, targets: len(items), multi: true}
	if c.kind == byRegID {
		s.badRegIDs = bad
	}
	var over strings.Builder
	for i, ch := range exceed {
		if i > 0 {
			over.WriteByte(' ')
		}
		over.WriteString(ch + ":" + itoa(exceedN[i]))
	}
	s.channelExceed = over.String()
	*out = appendSuccess(*out, trace, &s)

	c.entry.MessageID = id
	switch {
	case s.channelExceed != "":
		c.accepted(ruleMultiQuota, "over the daily quota, channel_exceed_quota: "+s.channelExceed)
	case len(bad) > 0:
		c.accepted(ruleTargetsInvalid, itoa(len(bad))+" unknown target(s): "+truncate(strings.Join(bad, ","), 200))
	default:
		c.accepted("", "")
	}
	app, now := c.app.Name, c.now
	return rejection{}, func(request uint64) {
		t := traceRecord{id: id, app: app, at: now, kind: info}
		for i, it := range items {
			n, opt := it.notification(id)
			opt.Request = request
			if i == 0 {
				t.ttl, t.jobKey = opt.TTL, n.Collapse
			}
			it.deliver(n, opt, &t)
		}
		c.e.traces.add(&t, c.e.traceLimit())
	}
}

// multiItems reads `messages` into one call per element, each a regid (or
// alias) send of its own message to its one target: missing or empty →
// 10016, not a JSON array of objects → 10017, more elements than
// max_targets → 10017.
func (c *call) multiItems() ([]*call, rejection) {
	raw := strings.TrimSpace(c.f.messages)
	if raw == "" {
		return nil, rejection{codeMissingParam, "Missing required parameter: messages.", ruleMultiMessages}
	}
	var elems []multiItem
	if err := json.Unmarshal([]byte(raw), &elems); err != nil {
		return nil, rejection{codeIllegalValue, "Illegal value of parameter messages: not a JSON array of {\"target\", \"message\"} objects.", ruleMultiMessages}
	}
	if len(elems) == 0 {
		return nil, rejection{codeMissingParam, "Missing required parameter: messages (an empty array).", ruleMultiMessages}
	}
	if lim := c.app.Quota("max_targets", defMaxTargets); len(elems) > lim {
		return nil, rejection{codeIllegalValue, "Too many messages, at most " + itoa(lim) + " per request.", ruleTargetsMax}
	}
	items := make([]*call, len(elems))
	for i, el := range elems {
		f, rej := c.multiForm(el)
		if rej.code != 0 {
			rej.reason = "messages[" + itoa(i) + "]: " + rej.reason
			return nil, rej
		}
		items[i] = &call{e: c.e, app: c.app, now: c.now, kind: c.kind, f: f, enabled: -1}
	}
	return items, rejection{}
}

// multiForm reads one element into a form, as if its message had been sent
// alone to its target. The call's time_to_send applies to a message without
// its own.
func (c *call) multiForm(el multiItem) (*form, rejection) {
	f := new(form)
	target, present, ok := jsonText(el.Target)
	switch {
	case !ok || present && bytes.TrimSpace(el.Target)[0] != '"': // a regId or alias is a string
		return nil, rejection{codeIllegalValue, "Illegal value of parameter target.", ruleMultiMessages}
	case !present || strings.TrimSpace(target) == "":
		return nil, rejection{codeMissingParam, "Missing required parameter: target.", ruleMultiMessages}
	}
	f.targets = []string{strings.TrimSpace(target)}

	var msg map[string]json.RawMessage
	if isNull(el.Message) {
		return nil, rejection{codeMissingParam, "Missing required parameter: message.", ruleMultiMessages}
	}
	if err := json.Unmarshal(el.Message, &msg); err != nil || msg == nil {
		return nil, rejection{codeIllegalValue, "Illegal value of parameter message: not a JSON object.", ruleMultiMessages}
	}
	for _, k := range sortedKeys(msg) {
		v := msg[k]
		switch {
		case k == "extra":
			if rej := setExtras(f, "", v, 0); rej.code != 0 {
				return nil, rej
			}
		case strings.HasPrefix(k, "extra."):
			if rej := setExtras(f, strings.TrimPrefix(k, "extra."), v, 1); rej.code != 0 {
				return nil, rej
			}
		case k == "restricted_package_name":
			var names []string
			if json.Unmarshal(v, &names) == nil {
				for _, n := range names {
					f.packages = splitAppend(f.packages, n)
				}
				continue
			}
			fallthrough
		case multiFields[k]:
			s, present, ok := jsonText(v)
			if !ok {
				return nil, illegal(k, ruleParams)
			}
			if present {
				f.set(k, s, "")
			}
		}
	}
	if f.timeToSend == "" {
		f.timeToSend = c.f.timeToSend
	}
	return f, rejection{}
}

// setExtras adds extra values: an object's members (keys with or without
// the "extra." prefix; a nested object, as callback {"param", "type"},
// becomes dotted keys), a string, number or boolean as its text.
func setExtras(f *form, key string, v json.RawMessage, depth int) rejection {
	if depth > 0 {
		if s, present, ok := jsonText(v); ok {
			if present && key != "" {
				f.set("extra."+key, s, "")
			}
			return rejection{}
		}
		if b := bytes.TrimSpace(v); len(b) > 0 && (b[0] == 't' || b[0] == 'f') {
			f.set("extra."+key, string(b), "")
			return rejection{}
		}
	}
	var obj map[string]json.RawMessage
	if depth > 2 || json.Unmarshal(v, &obj) != nil {
		return illegal("extra."+key, ruleParams)
	}
	for _, k := range sortedKeys(obj) {
		name := strings.TrimPrefix(k, "extra.")
		if key != "" {
			name = key + "." + k
		}
		if rej := setExtras(f, name, obj[k], depth+1); rej.code != 0 {
			return rej
		}
	}
	return rejection{}
}

// jsonText reads a JSON scalar as the form would carry it: a string
// unquoted, a number as written; null or absent is not present; a boolean,
// object or array is not ok.
func jsonText(v json.RawMessage) (s string, present, ok bool) {
	b := bytes.TrimSpace(v)
	switch {
	case len(b) == 0 || string(b) == "null":
		return "", false, true
	case b[0] == '"':
		if json.Unmarshal(b, &s) != nil {
			return "", false, false
		}
		return s, true, true
	case b[0] == '-' || '0' <= b[0] && b[0] <= '9':
		return string(b), true, true
	}
	return "", false, false
}

func isNull(v json.RawMessage) bool {
	b := bytes.TrimSpace(v)
	return len(b) == 0 || string(b) == "null"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
