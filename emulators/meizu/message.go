package meizu

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
)

// messageJSON is the `messageJson` form field (vendor-facts §2.3). Unknown
// keys are ignored, as the server's JSON binding would; every object the
// Java SDK always sends (vipInfo, extra) may be empty.
type messageJSON struct {
	NoticeBarInfo    *noticeBarInfo    `json:"noticeBarInfo"`
	NoticeExpandInfo *noticeExpandInfo `json:"noticeExpandInfo"`
	ClickTypeInfo    *clickTypeInfo    `json:"clickTypeInfo"`
	PushTimeInfo     *pushTimeInfo     `json:"pushTimeInfo"`
	AdvanceInfo      *advanceInfo      `json:"advanceInfo"`
	VipInfo          *vipInfo          `json:"vipInfo"`
	Extra            *extraInfo        `json:"extra"`
	// Pass-through (unvarnished) messages carry title and content at the top.
	Title   optString `json:"title"`
	Content optString `json:"content"`
}

type noticeBarInfo struct {
	NoticeMsgType   flexInt   `json:"noticeMsgType"`
	NoticeBarType   flexInt   `json:"noticeBarType"`
	Title           optString `json:"title"`
	Content         optString `json:"content"`
	NoticeBarImgURL optString `json:"noticeBarImgUrl"`
}

type noticeExpandInfo struct {
	NoticeExpandType    flexInt   `json:"noticeExpandType"`
	NoticeExpandContent optString `json:"noticeExpandContent"`
	NoticeExpandImgURL  optString `json:"noticeExpandImgUrl"`
}

type clickTypeInfo struct {
	ClickType       flexInt    `json:"clickType"`
	URL             optString  `json:"url"`
	Parameters      parameters `json:"parameters"`
	Activity        optString  `json:"activity"`
	CustomAttribute optString  `json:"customAttribute"`
}

type pushTimeInfo struct {
	OffLine   flexBool `json:"offLine"`
	ValidTime flexInt  `json:"validTime"`
	// A scheduled start, documented for pushToApp and pushToTag only
	// (task.go): 0 now, 1 at startTime (yyyy-MM-dd HH:mm:ss).
	PushTimeType flexInt   `json:"pushTimeType"`
	StartTime    optString `json:"startTime"`
}

type advanceInfo struct {
	Suspend             flexBool          `json:"suspend"`
	ClearNoticeBar      flexBool          `json:"clearNoticeBar"`
	FixDisplay          flexBool          `json:"fixDisplay"`
	FixStartDisplayTime optString         `json:"fixStartDisplayTime"`
	FixEndDisplayTime   optString         `json:"fixEndDisplayTime"`
	NotificationType    *notificationType `json:"notificationType"`
	NotifyKey           optString         `json:"notifyKey"`
	FixSpeed            flexBool          `json:"fixSpeed"`
	FixSpeedRate        flexInt           `json:"fixSpeedRate"`
}

type notificationType struct {
	Vibrate flexBool `json:"vibrate"`
	Lights  flexBool `json:"lights"`
	Sound   flexBool `json:"sound"`
}

type vipInfo struct {
	Subtitle    optString `json:"subtitle"`
	PullDownTop flexBool  `json:"pullDownTop"` // pinned at once
	TimeTop     flexInt   `json:"timeTop"`     // pinned for 1800–7200 s
	NotGroup    flexBool  `json:"notGroup"`
	TitleColor  optString `json:"titleColor"`
}

// extraInfo is `extra`: the receipt callback settings. Receipts are not
// posted by the emulator; the fields are validated.
type extraInfo struct {
	Callback      optString `json:"callback"`
	CallbackParam optString `json:"callback.param"`
	CallbackType  flexInt   `json:"callback.type"`
}

// Decoding errors, told apart so the ledger names the rule that failed.
var (
	errType   = errors.New("wrong JSON type")
	errSwitch = errors.New("a switch must be 0, 1, true or false")
	errParams = errors.New("clickTypeInfo.parameters must be a JSON object")
)

// optString is a string that remembers whether it was sent; null counts as
// not sent (fastjson omits nulls, other clients send them).
type optString struct {
	V   string
	Set bool
}

func (o *optString) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) == 0 || b[0] != '"' {
		return errType
	}
	if err := json.Unmarshal(b, &o.V); err != nil {
		return err
	}
	o.Set = true
	return nil
}

// flexInt is an integer that remembers whether it was sent; a number inside
// a string ("24"), which form-minded clients send, is accepted too.
type flexInt struct {
	V   int
	Set bool
}

func (o flexInt) or(def int) int {
	if o.Set {
		return o.V
	}
	return def
}

func (o *flexInt) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		// 24.0 is a number too; 1.5 or 1e99 is not an integer.
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int32(f)) {
			return errType
		}
		n = int64(f)
	}
	o.V, o.Set = int(n), true
	return nil
}

// flexBool is a switch (0/1) that remembers whether it was sent. The HTTP
// spec and the Go SDK send 0/1, the Java SDK's fastjson most likely
// true/false (vendor-facts §2.3): both are accepted, in strings too.
type flexBool struct {
	V   bool
	Set bool
}

func (o flexBool) or(def bool) bool {
	if o.Set {
		return o.V
	}
	return def
}

func (o *flexBool) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "null":
		return nil
	case "1", "true", `"1"`, `"true"`:
		o.V, o.Set = true, true
	case "0", "false", `"0"`, `"false"`:
		o.V, o.Set = false, true
	default:
		return errSwitch
	}
	return nil
}

// parameters is clickTypeInfo.parameters: a JSON object whose values the
// opened page receives as intent string extras. A string holding a JSON
// object is accepted too (clients that pre-encode it).
type parameters struct {
	M   map[string]string
	Set bool
}

func (p *parameters) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return errParams
		}
		b = bytes.TrimSpace([]byte(s))
		if len(b) == 0 {
			p.Set = true
			return nil
		}
	}
	if len(b) == 0 || b[0] != '{' {
		return errParams
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return errParams
	}
	p.M, p.Set = make(map[string]string, len(raw)), true
	for k, v := range raw {
		if len(v) > 0 && v[0] == '"' {
			var s string
			if json.Unmarshal(v, &s) == nil {
				p.M[k] = s
				continue
			}
		}
		p.M[k] = string(v)
	}
	return nil
}
