package oppo

import (
	"bytes"
	"encoding/json"
)

// decodeMessages decodes unicast_batch's messages as json.Unmarshal into
// []message does. The JSON clients write (the exact snake_case or
// camelCase keys, string, number, boolean and null values, the
// notification object) is walked here and each value handed to the same
// UnmarshalJSON method encoding/json would call; anything else (another
// key, which encoding/json may match case-insensitively, a nested value,
// a value a method refuses, invalid JSON) goes to encoding/json itself, so
// the result and the error are always encoding/json's. A 1000-message
// batch decodes several times faster than by reflection.
func decodeMessages(raw string) ([]message, error) {
	b := []byte(raw)
	if ms, ok := fastMessages(b); ok {
		return ms, nil
	}
	var ms []message
	err := json.Unmarshal(b, &ms)
	return ms, err
}

// scanner walks JSON text; every method reports false for anything it
// does not take, never an error.
type scanner struct {
	s []byte
	i int
}

// fastMessages decodes the batch, or reports false. The values handed to
// the UnmarshalJSON methods are slices of raw, which they copy.
func fastMessages(raw []byte) ([]message, bool) {
	p := scanner{s: raw}
	p.space()
	if !p.byte('[') {
		return nil, false
	}
	ms := []message{}
	p.space()
	if !p.byte(']') {
		for {
			ms = append(ms, message{})
			if !p.object(func(key []byte) bool { return p.messageField(&ms[len(ms)-1], key) }) {
				return nil, false
			}
			p.space()
			if p.byte(']') {
				break
			}
			if !p.byte(',') {
				return nil, false
			}
			p.space()
		}
	}
	p.space()
	return ms, p.i == len(p.s)
}

func (p *scanner) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *scanner) byte(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// object walks {"key": value, ...}; field reads the value after the colon.
func (p *scanner) object(field func(key []byte) bool) bool {
	if !p.byte('{') {
		return false
	}
	p.space()
	if p.byte('}') {
		return true
	}
	for {
		k, ok := p.str()
		if !ok || len(k) < 2 {
			return false
		}
		key := k[1 : len(k)-1]
		for j := 0; j < len(key); j++ {
			if key[j] == '\\' {
				return false // an escaped key: encoding/json unquotes it
			}
		}
		p.space()
		if !p.byte(':') {
			return false
		}
		p.space()
		if !field(key) {
			return false
		}
		p.space()
		if p.byte('}') {
			return true
		}
		if !p.byte(',') {
			return false
		}
		p.space()
	}
}

// str returns a JSON string with its quotes, as valid as encoding/json's
// scanner wants it: no control character, known escapes, four hex digits
// after \u. Other bytes (invalid UTF-8 too) pass, as they do there.
func (p *scanner) str() ([]byte, bool) {
	start := p.i
	if !p.byte('"') {
		return nil, false
	}
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return p.s[start:p.i], true
		case c == '\\':
			if p.i+1 >= len(p.s) {
				return nil, false
			}
			switch p.s[p.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.i += 2
			case 'u':
				if p.i+6 > len(p.s) {
					return nil, false
				}
				for _, h := range p.s[p.i+2 : p.i+6] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return nil, false
					}
				}
				p.i += 6
			default:
				return nil, false
			}
		case c < 0x20:
			return nil, false
		default:
			p.i++
		}
	}
	return nil, false
}

// literal returns a string, number, true, false or null as its JSON text.
func (p *scanner) literal() ([]byte, bool) {
	if p.i >= len(p.s) {
		return nil, false
	}
	switch c := p.s[p.i]; {
	case c == '"':
		return p.str()
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	}
	for _, w := range [...]string{"true", "false", "null"} {
		if len(p.s)-p.i >= len(w) && string(p.s[p.i:p.i+len(w)]) == w {
			p.i += len(w)
			return p.s[p.i-len(w) : p.i], true
		}
	}
	return nil, false
}

// number takes JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *scanner) number() ([]byte, bool) {
	start := p.i
	p.byte('-')
	switch {
	case p.byte('0'):
	case p.digits() == 0:
		return nil, false
	}
	if p.byte('.') && p.digits() == 0 {
		return nil, false
	}
	if p.byte('e') || p.byte('E') {
		if !p.byte('+') {
			p.byte('-')
		}
		if p.digits() == 0 {
			return nil, false
		}
	}
	return p.s[start:p.i], true
}

func (p *scanner) digits() int {
	n := 0
	for p.i < len(p.s) && '0' <= p.s[p.i] && p.s[p.i] <= '9' {
		p.i++
		n++
	}
	return n
}

// set hands a literal value to the field's UnmarshalJSON, as encoding/json
// does; a refusal sends the whole batch to encoding/json.
func (p *scanner) set(u json.Unmarshaler) bool {
	lit, ok := p.literal()
	return ok && u.UnmarshalJSON(lit) == nil
}

func (p *scanner) messageField(m *message, key []byte) bool {
	if string(key) == "notification" {
		if p.i < len(p.s) && p.s[p.i] != '{' {
			return false // null or another type: encoding/json's
		}
		if m.Notification == nil {
			m.Notification = new(notifyWire)
		}
		n := m.Notification
		return p.object(func(key []byte) bool {
			u := n.field(key)
			return u != nil && p.set(u)
		})
	}
	var u json.Unmarshaler
	switch string(key) {
	case "target_type":
		u = &m.TargetType
	case "targetType":
		u = &m.TargetTypeC
	case "target_value":
		u = &m.TargetValue
	case "targetValue":
		u = &m.TargetValueC
	case "verify_registration_id":
		u = &m.Verify
	case "verifyRegistrationId":
		u = &m.VerifyC
	default:
		return false
	}
	return p.set(u)
}

// field is the notification field whose JSON name is key, exactly.
func (w *notifyWire) field(key []byte) json.Unmarshaler {
	switch string(key) {
	case "app_message_id":
		return &w.AppMessageID
	case "appMessageId":
		return &w.AppMessageIDC
	case "style":
		return &w.Style
	case "title":
		return &w.Title
	case "sub_title":
		return &w.SubTitle
	case "subTitle":
		return &w.SubTitleC
	case "content":
		return &w.Content
	case "click_action_type":
		return &w.ClickActionType
	case "clickActionType":
		return &w.ClickActionTypeC
	case "click_action_activity":
		return &w.ClickActionActivity
	case "clickActionActivity":
		return &w.ClickActionActivityC
	case "click_action_url":
		return &w.ClickActionURL
	case "clickActionUrl":
		return &w.ClickActionURLC
	case "action_parameters":
		return &w.ActionParameters
	case "actionParameters":
		return &w.ActionParametersC
	case "off_line":
		return &w.OffLine
	case "offLine":
		return &w.OffLineC
	case "off_line_ttl":
		return &w.OffLineTTL
	case "offLineTtl":
		return &w.OffLineTTLC
	case "channel_id":
		return &w.ChannelID
	case "channelId":
		return &w.ChannelIDC
	case "notify_id":
		return &w.NotifyID
	case "notifyId":
		return &w.NotifyIDC
	case "badge_message_count":
		return &w.BadgeCount
	case "badgeMessageCount":
		return &w.BadgeCountC
	case "badge_operation_type":
		return &w.BadgeOp
	case "badgeOperationType":
		return &w.BadgeOpC
	case "category":
		return &w.Category
	case "notify_level":
		return &w.NotifyLevel
	case "notifyLevel":
		return &w.NotifyLevelC
	case "private_msg_template_id":
		return &w.TemplateID
	case "privateMsgTemplateId":
		return &w.TemplateIDC
	case "show_time_type":
		return &w.ShowTimeType
	case "showTimeType":
		return &w.ShowTimeTypeC
	case "show_start_time":
		return &w.ShowStartTime
	case "showStartTime":
		return &w.ShowStartTimeC
	case "show_end_time":
		return &w.ShowEndTime
	case "showEndTime":
		return &w.ShowEndTimeC
	case "call_back_url":
		return &w.CallBackURL
	case "callBackUrl":
		return &w.CallBackURLC
	case "call_back_parameter":
		return &w.CallBackParam
	case "callBackParameter":
		return &w.CallBackParamC
	case "show_ttl":
		return &w.ShowTTL
	case "showTtl":
		return &w.ShowTTLC
	}
	return nil
}

// fastParameters reads trimmed action_parameters that are a flat object of
// plain strings ({"ext":"{\"conv\":1}"}, what IM clients send) as
// parseParameters' encoding/json path does; anything else (another value
// type, a non-ASCII key, a \u escape or non-ASCII text beside an escape,
// invalid JSON) reports false and goes there.
func fastParameters(b []byte) (map[string]string, bool) {
	p := scanner{s: b}
	if !p.byte('{') {
		return nil, false
	}
	out := map[string]string{}
	p.space()
	if p.byte('}') {
		return out, p.i == len(b)
	}
	for {
		k, ok := p.str()
		if !ok {
			return nil, false
		}
		for _, c := range k {
			if c == '\\' || c >= 0x80 {
				return nil, false // encoding/json unquotes or checks such a key
			}
		}
		p.space()
		if !p.byte(':') {
			return nil, false
		}
		p.space()
		v, ok := p.str()
		if !ok {
			return nil, false
		}
		text, ok := plainString(v[1 : len(v)-1])
		if !ok {
			return nil, false
		}
		out[string(k[1:len(k)-1])] = text
		p.space()
		if p.byte('}') {
			return out, p.i == len(b)
		}
		if !p.byte(',') {
			return nil, false
		}
		p.space()
	}
}

// plainString is the text of a scanned JSON string's content: as it is
// without escapes (rawString slices it too), else decoded when it is ASCII
// with one-letter escapes only.
func plainString(raw []byte) (string, bool) {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw), true
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c >= 0x80:
			return "", false
		case c != '\\':
			out = append(out, c)
			continue
		}
		i++ // the scanner saw a valid escape: raw[i] exists
		switch raw[i] {
		case '"', '\\', '/':
			out = append(out, raw[i])
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
		default:
			return "", false // \u: encoding/json's
		}
	}
	return string(out), true
}
