package vivo

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// text is a JSON scalar as vivo's server binds it: real clients send appId,
// timestamp and the int fields either as numbers (the official SDK) or as
// strings (several third-party clients, facts §3.2), and a Jackson-style
// binder turns any scalar into the target type. set tells a present field
// from an absent one (classification and category must only agree when both
// are sent); bad marks an object or array where a scalar belongs.
type text struct {
	s   string
	set bool
	bad bool
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
	var raw []text
	if err := json.Unmarshal(b, &raw); err != nil {
		t.bad = true
		return nil
	}
	t.v = make([]string, 0, len(raw))
	for _, r := range raw {
		if r.bad {
			t.bad = true
		}
		t.v = append(t.v, r.s)
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
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		p.bad = true
		return nil
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			p.bad = true
			return nil
		}
		k, _ := kt.(string)
		var v text
		if err := dec.Decode(&v); err != nil || v.bad {
			p.bad = true
			return nil
		}
		p.keys = append(p.keys, k)
		p.vals = append(p.vals, v.s)
	}
	return nil
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
}

// authBody is the body of /message/auth.
type authBody struct {
	AppID     text `json:"appId"`
	AppKey    text `json:"appKey"`
	Timestamp text `json:"timestamp"`
	Sign      text `json:"sign"`
}

// decode reads a JSON object into v. A body that is not a JSON object
// leaves v empty (every field absent) and returns why: the request is then
// answered with the first missing field's code, in vivo's own shape.
func decode(body []byte, v any) string {
	if len(bytes.TrimSpace(body)) == 0 {
		return "empty body"
	}
	if err := json.Unmarshal(body, v); err != nil {
		switch v := v.(type) {
		case *message:
			*v = message{}
		case *authBody:
			*v = authBody{}
		}
		return "body is not a JSON object: " + err.Error()
	}
	return ""
}
