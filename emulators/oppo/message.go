package oppo

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"unicode/utf8"
)

// message is one element of `message` (unicast) or `messages` (unicast_batch).
type message struct {
	TargetType   optInt      `json:"target_type"`
	TargetTypeC  optInt      `json:"targetType"`
	TargetValue  optString   `json:"target_value"`
	TargetValueC optString   `json:"targetValue"`
	Notification *notifyWire `json:"notification"`
	Verify       optBool     `json:"verify_registration_id"`
	VerifyC      optBool     `json:"verifyRegistrationId"`
}

// notifyWire is the `notification` object as sent. The official SDK and most
// clients send snake_case; OPPO's doc example and some production clients send
// camelCase (addendum §3.3). Both are accepted; snake_case wins when a field
// appears in both spellings.
type notifyWire struct {
	AppMessageID  optString `json:"app_message_id"`
	AppMessageIDC optString `json:"appMessageId"`
	Style         optInt    `json:"style"`
	Title         optString `json:"title"`
	SubTitle      optString `json:"sub_title"`
	SubTitleC     optString `json:"subTitle"`
	Content       optString `json:"content"`

	ClickActionType      optInt    `json:"click_action_type"`
	ClickActionTypeC     optInt    `json:"clickActionType"`
	ClickActionActivity  optString `json:"click_action_activity"`
	ClickActionActivityC optString `json:"clickActionActivity"`
	ClickActionURL       optString `json:"click_action_url"`
	ClickActionURLC      optString `json:"clickActionUrl"`
	ActionParameters     jsonText  `json:"action_parameters"`
	ActionParametersC    jsonText  `json:"actionParameters"`

	OffLine     optBool `json:"off_line"`
	OffLineC    optBool `json:"offLine"`
	OffLineTTL  optInt  `json:"off_line_ttl"`
	OffLineTTLC optInt  `json:"offLineTtl"`

	ChannelID  optString `json:"channel_id"`
	ChannelIDC optString `json:"channelId"`
	NotifyID   optInt    `json:"notify_id"`
	NotifyIDC  optInt    `json:"notifyId"`

	BadgeCount  optInt `json:"badge_message_count"`
	BadgeCountC optInt `json:"badgeMessageCount"`
	BadgeOp     optInt `json:"badge_operation_type"`
	BadgeOpC    optInt `json:"badgeOperationType"`

	Category     optString `json:"category"`
	NotifyLevel  optInt    `json:"notify_level"`
	NotifyLevelC optInt    `json:"notifyLevel"`
	TemplateID   optString `json:"private_msg_template_id"`
	TemplateIDC  optString `json:"privateMsgTemplateId"`

	ShowTimeType   optInt    `json:"show_time_type"`
	ShowTimeTypeC  optInt    `json:"showTimeType"`
	ShowStartTime  optInt    `json:"show_start_time"`
	ShowStartTimeC optInt    `json:"showStartTime"`
	ShowEndTime    optInt    `json:"show_end_time"`
	ShowEndTimeC   optInt    `json:"showEndTime"`
	CallBackURL    optString `json:"call_back_url"`
	CallBackURLC   optString `json:"callBackUrl"`
	CallBackParam  optString `json:"call_back_parameter"`
	CallBackParamC optString `json:"callBackParameter"`
	ShowTTL        optInt    `json:"show_ttl"`
	ShowTTLC       optInt    `json:"showTtl"`
}

// notification is notifyWire with the two spellings merged.
type notification struct {
	AppMessageID     string
	Style            int
	Title            string
	SubTitle         string
	Content          string
	ClickType        int
	ClickActivity    string
	ClickURL         string
	ActionParameters string
	hasParameters    bool
	extras           map[string]string // parsed ActionParameters, set by validate
	OffLine          bool
	OffLineTTL       optInt
	ChannelID        string
	NotifyID         optInt
	BadgeCount       optInt
	BadgeOp          int
	Category         string
	NotifyLevel      optInt
	TemplateID       string
	ShowTimeType     int
	ShowStartTime    optInt // ms epoch
	ShowEndTime      optInt // ms epoch
	CallBackURL      string
	CallBackParam    string
	ShowTTL          optInt // seconds the notification stays shown
}

func (w *notifyWire) merge() notification {
	params := pick(w.ActionParameters.optString, w.ActionParametersC.optString)
	return notification{
		AppMessageID:     pick(w.AppMessageID, w.AppMessageIDC).V,
		Style:            w.Style.or(1),
		Title:            w.Title.V,
		SubTitle:         pick(w.SubTitle, w.SubTitleC).V,
		Content:          w.Content.V,
		ClickType:        pick(w.ClickActionType, w.ClickActionTypeC).or(0),
		ClickActivity:    pick(w.ClickActionActivity, w.ClickActionActivityC).V,
		ClickURL:         pick(w.ClickActionURL, w.ClickActionURLC).V,
		ActionParameters: params.V,
		hasParameters:    params.Set && params.V != "",
		OffLine:          pick(w.OffLine, w.OffLineC).or(true),
		OffLineTTL:       pick(w.OffLineTTL, w.OffLineTTLC),
		ChannelID:        pick(w.ChannelID, w.ChannelIDC).V,
		NotifyID:         pick(w.NotifyID, w.NotifyIDC),
		BadgeCount:       pick(w.BadgeCount, w.BadgeCountC),
		BadgeOp:          pick(w.BadgeOp, w.BadgeOpC).or(0),
		Category:         w.Category.V,
		NotifyLevel:      pick(w.NotifyLevel, w.NotifyLevelC),
		TemplateID:       pick(w.TemplateID, w.TemplateIDC).V,
		ShowTimeType:     pick(w.ShowTimeType, w.ShowTimeTypeC).or(0),
		ShowStartTime:    pick(w.ShowStartTime, w.ShowStartTimeC),
		ShowEndTime:      pick(w.ShowEndTime, w.ShowEndTimeC),
		CallBackURL:      pick(w.CallBackURL, w.CallBackURLC).V,
		CallBackParam:    pick(w.CallBackParam, w.CallBackParamC).V,
		ShowTTL:          pick(w.ShowTTL, w.ShowTTLC),
	}
}

func (m *message) target() (typ optInt, value string) {
	return pick(m.TargetType, m.TargetTypeC), pick(m.TargetValue, m.TargetValueC).V
}

type setter interface{ isSet() bool }

// pick returns the snake_case value when it was sent, else the camelCase one.
func pick[T setter](snake, camel T) T {
	if snake.isSet() {
		return snake
	}
	return camel
}

var errType = errors.New("wrong JSON type")

// optString is a string that remembers whether it was sent. JSON null counts
// as not sent (the doc's example body is full of nulls).
type optString struct {
	V   string
	Set bool
}

func (o optString) isSet() bool { return o.Set }

func (o *optString) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) < 2 || b[0] != '"' {
		return errType
	}
	// The decoder hands over a valid JSON string: without escapes its text
	// is the value.
	if bytes.IndexByte(b, '\\') < 0 {
		o.V, o.Set = string(b[1:len(b)-1]), true
		return nil
	}
	if err := json.Unmarshal(b, &o.V); err != nil {
		return err
	}
	o.Set = true
	return nil
}

// jsonText is a field that carries JSON object text: normally a string
// (action_parameters is documented as one), but an object sent as-is is
// accepted and kept as its text.
type jsonText struct{ optString }

func (j *jsonText) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		j.V, j.Set = string(b), true
		return nil
	}
	return j.optString.UnmarshalJSON(b)
}

// optInt is an integer that remembers whether it was sent. Some clients send
// numbers as strings ("4"); both are accepted.
type optInt struct {
	V   int
	Set bool
}

func (o optInt) isSet() bool { return o.Set }

func (o optInt) or(def int) int {
	if o.Set {
		return o.V
	}
	return def
}

func (o *optInt) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n != int64(int(n)) {
		// A float like 4.0 is a number too.
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) || f > 1<<53 || f < -(1<<53) {
			return errType
		}
		n = int64(f)
	}
	o.V, o.Set = int(n), true
	return nil
}

// optBool is a boolean that remembers whether it was sent; "true"/"false"
// strings and 0/1 are accepted as well.
type optBool struct {
	V   bool
	Set bool
}

func (o optBool) isSet() bool { return o.Set }

func (o optBool) or(def bool) bool {
	if o.Set {
		return o.V
	}
	return def
}

func (o *optBool) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "null":
		return nil
	case "true", `"true"`, "1", `"1"`:
		o.V, o.Set = true, true
	case "false", `"false"`, "0", `"0"`:
		o.V, o.Set = false, true
	default:
		return errType
	}
	return nil
}

// runes counts characters the way OPPO's limits do (characters, not bytes).
func runes(s string) int { return utf8.RuneCountInString(s) }
