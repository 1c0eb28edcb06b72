package vivo

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/pushsim/pushsim/emulators/world"
)

// text is a JSON scalar as vivo's server binds it: real clients send appId,
// timestamp and the int fields either as numbers (the official SDK) or as
// strings (several third-party clients, facts §3.2), and a Jackson-style
// binder turns any scalar into the target type. set tells a present field
// from an absent one (classification and category must only agree when both
// are sent); bad marks an object or array where a scalar belongs.
type text struct {
	s       string
	set     bool
	bad     bool
	invalid bool // the string was not valid UTF-8 (encoding/json put U+FFFD in)
}

func (t *text) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0 || string(b) == "null":
		return nil
	case b[0] == '"':
		t.set = true
		if bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b) {
			t.s = string(b[1 : len(b)-1])
			return nil
		}
		t.invalid = world.InvalidJSONText(b)
		if err := json.Unmarshal(b, &t.s); err != nil {
			t.bad = true
		}
	case b[0] == '{' || b[0] == '[':
		t.set, t.bad = true, true
	default: // number, true, false
		t.set, t.s = true, string(b)
	}
	return nil
}

// int reads the scalar as a whole number; ok is false when it is not one.
func (t text) int() (int64, bool) {
	if t.bad {
		return 0, false
	}
	v, err := strconv.ParseInt(t.s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(t.s, 64)
		if ferr != nil || f != float64(int64(f)) {
			return 0, false
		}
		return int64(f), true
	}
	return v, true
}

// texts is a JSON array of scalars (regIds, aliases); bad when the value is
// not an array of scalars.
type texts struct {
	v   []string
	set bool
	bad bool
}

func (t *texts) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	t.set = true
	ok := elements(b, func(v []byte) {
		var x text
		_ = x.UnmarshalJSON(v)
		if x.bad {
			t.bad = true
		}
		t.v = append(t.v, x.s)
	})
	if !ok {
		t.bad = true
	}
	return nil
}

// pairs is a JSON object of scalars (clientCustomMap, extra), keys in the
// order sent; bad when it is not an object or a value is not a scalar.
type pairs struct {
	keys []string
	vals []string
	set  bool
	bad  bool
}

func (p *pairs) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	p.set = true
	ok := members(b, func(k, v []byte) {
		var kt, vt text
		_ = kt.UnmarshalJSON(k)
		_ = vt.UnmarshalJSON(v)
		if vt.bad || kt.bad || !vt.set {
			p.bad = true
			return
		}
		p.keys = append(p.keys, kt.s)
		p.vals = append(p.vals, vt.s)
	})
	if !ok {
		p.bad = true
	}
	return nil
}

// The scanner below walks JSON that encoding/json has already found valid
// (json.Valid), so it only has to find where values end; it still checks
// its bounds, so no input can make it index out of range.

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// valueEnd returns the index after the JSON value starting at b[i].
func valueEnd(b []byte, i int) int {
	if i >= len(b) {
		return len(b)
	}
	switch b[i] {
	case '"':
		for j := i + 1; j < len(b); j++ {
			switch b[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
		return len(b)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = valueEnd(b, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(b)
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && !isSpace(b[j]) {
		j++
	}
	return j
}

// members calls fn with every key (quoted) and value of a JSON object; it
// reports false when b is not an object.
func members(b []byte, fn func(k, v []byte)) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	for i < len(b) && b[i] == '"' {
		kend := valueEnd(b, i)
		key := b[i:kend]
		i = skipSpace(b, kend)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipSpace(b, i+1)
		vend := valueEnd(b, i)
		fn(key, b[i:vend])
		i = skipSpace(b, vend)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return true
}

// elements calls fn with every value of a JSON array; it reports false when
// b is not an array.
func elements(b []byte, fn func(v []byte)) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return false
	}
	i = skipSpace(b, i+1)
	for i < len(b) && b[i] != ']' {
		end := valueEnd(b, i)
		if end == i {
			return false
		}
		fn(b[i:end])
		i = skipSpace(b, end)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return true
}

func (p *pairs) get(key string) (string, bool) {
	for i, k := range p.keys {
		if k == key {
			return p.vals[i], true
		}
	}
	return "", false
}

func (p *pairs) toMap() map[string]string {
	if len(p.keys) == 0 {
		return nil
	}
	m := make(map[string]string, len(p.keys))
	for i, k := range p.keys {
		m[k] = p.vals[i]
	}
	return m
}

// message is the body of /message/send and /message/saveListPayload
// (facts §3.3); pushToList's fields are at the end.
type message struct {
	AppID           text  `json:"appId"`
	RegID           text  `json:"regId"`
	Alias           text  `json:"alias"`
	NotifyType      text  `json:"notifyType"`
	Title           text  `json:"title"`
	Content         text  `json:"content"`
	TimeToLive      text  `json:"timeToLive"`
	SkipType        text  `json:"skipType"`
	SkipContent     text  `json:"skipContent"`
	NetworkType     text  `json:"networkType"`
	Classification  text  `json:"classification"`
	Category        text  `json:"category"`
	PushMode        text  `json:"pushMode"`
	RequestID       text  `json:"requestId"`
	ClientCustomMap pairs `json:"clientCustomMap"`
	Extra           pairs `json:"extra"`
	NotifyID        text  `json:"notifyId"`
	ProfileID       text  `json:"profileId"`
	SendOnline      text  `json:"sendOnline"`
	ForegroundShow  text  `json:"foregroundShow"`

	// pushToList
	RegIDs  texts `json:"regIds"`
	Aliases texts `json:"aliases"`
	TaskID  text  `json:"taskId"`

	// tagPush (tag.go) and the tag management APIs (tags.go)
	TagExpression tagExpr `json:"tagExpression"`
	Name          text    `json:"name"`
	OldName       text    `json:"oldName"`
	NewName       text    `json:"newName"`
	Type          text    `json:"type"`
	IDs           texts   `json:"ids"`
}

// tagExpr is tagPush's tagExpression {"orTags":[…],"andTags":[…],
// "notTags":[…]}; bad when it is not an object or a list is not an array
// of scalars.
type tagExpr struct {
	or, and, not texts
	set, bad     bool
}

func (t *tagExpr) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	t.set = true
	ok := members(b, func(k, v []byte) {
		var key text
		_ = key.UnmarshalJSON(k)
		var list *texts
		switch key.s {
		case "orTags":
			list = &t.or
		case "andTags":
			list = &t.and
		case "notTags":
			list = &t.not
		default:
			return
		}
		*list = texts{}
		_ = list.UnmarshalJSON(v)
		if list.bad {
			t.bad = true
		}
	})
	if !ok {
		t.bad = true
	}
	return nil
}

// authBody is the body of /message/auth.
type authBody struct {
	AppID     text `json:"appId"`
	AppKey    text `json:"appKey"`
	Timestamp text `json:"timestamp"`
	Sign      text `json:"sign"`
}

// decode reads a JSON object into v (a *message or an *authBody). Keys
// match exactly, as vivo's Java binder matches them. A body that is not a
// JSON object leaves v empty (every field absent) and decode says why: the
// request is then answered with the first missing field's code, in vivo's
// own shape.
func decode(body []byte, v any) string {
	if len(bytes.TrimSpace(body)) == 0 {
		return "empty body"
	}
	if !json.Valid(body) {
		return "body is not valid JSON"
	}
	var ok bool
	switch v := v.(type) {
	case *message:
		ok = members(body, func(k, val []byte) { v.field(k, val) })
		if !ok {
			*v = message{}
		}
	case *authBody:
		ok = members(body, func(k, val []byte) { v.field(k, val) })
		if !ok {
			*v = authBody{}
		}
	}
	if !ok {
		return "body is not a JSON object"
	}
	return ""
}

// field sets the message field named by the quoted key k.
func (m *message) field(k, v []byte) {
	if bytes.IndexByte(k, '\\') >= 0 {
		var t text
		_ = t.UnmarshalJSON(k)
		k = []byte(`"` + t.s + `"`)
	}
	var u json.Unmarshaler
	switch string(k[1 : len(k)-1]) {
	case "appId":
		u = &m.AppID
	case "regId":
		u = &m.RegID
	case "alias":
		u = &m.Alias
	case "notifyType":
		u = &m.NotifyType
	case "title":
		u = &m.Title
	case "content":
		u = &m.Content
	case "timeToLive":
		u = &m.TimeToLive
	case "skipType":
		u = &m.SkipType
	case "skipContent":
		u = &m.SkipContent
	case "networkType":
		u = &m.NetworkType
	case "classification":
		u = &m.Classification
	case "category":
		u = &m.Category
	case "pushMode":
		u = &m.PushMode
	case "requestId":
		u = &m.RequestID
	case "clientCustomMap":
		m.ClientCustomMap = pairs{}
		u = &m.ClientCustomMap
	case "extra":
		m.Extra = pairs{}
		u = &m.Extra
	case "notifyId":
		u = &m.NotifyID
	case "profileId":
		u = &m.ProfileID
	case "sendOnline":
		u = &m.SendOnline
	case "foregroundShow":
		u = &m.ForegroundShow
	case "regIds":
		m.RegIDs = texts{}
		u = &m.RegIDs
	case "aliases":
		m.Aliases = texts{}
		u = &m.Aliases
	case "taskId":
		u = &m.TaskID
	case "tagExpression":
		m.TagExpression = tagExpr{}
		u = &m.TagExpression
	case "name":
		u = &m.Name
	case "oldName":
		u = &m.OldName
	case "newName":
		u = &m.NewName
	case "type":
		u = &m.Type
	case "ids":
		m.IDs = texts{}
		u = &m.IDs
	default:
		return
	}
	_ = u.UnmarshalJSON(v)
}

// field sets the auth body field named by the quoted key k.
func (a *authBody) field(k, v []byte) {
	switch string(k[1 : len(k)-1]) {
	case "appId":
		_ = a.AppID.UnmarshalJSON(v)
	case "appKey":
		_ = a.AppKey.UnmarshalJSON(v)
	case "timestamp":
		_ = a.Timestamp.UnmarshalJSON(v)
	case "sign":
		_ = a.Sign.UnmarshalJSON(v)
	}
}
