package oppo

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// Codes the client acts on (vendor-facts §2.4, addendum §3.2 and §3.4).
const (
	codeOK           = 0
	codeFlowControl  = -2 // service in flow control
	codeUnavailable  = -1 // service currently unavailable
	codeInvalidToken = 11 // Invalid AuthToken: sign in again
	codeCallLimited  = 13 // app call count or frequency over the limit
	codeDailyLimit   = 33 // the number of messages exceeds the daily limit
	codeFrequency    = 55 // app call frequency limit
	codeInvalidRegID = 10000
)

// shanghai is UTC+8 (no daylight saving): OPPO's daily counters reset at
// its midnight.
var shanghai = time.FixedZone("CST", 8*3600)

// classify maps an OPPO code (not 0) onto an outcome.
func classify(code int, reason string) push.Result {
	r := push.Result{Code: strconv.Itoa(code), Reason: reason}
	switch code {
	case codeFlowControl, codeUnavailable, codeCallLimited, codeFrequency, codeInvalidToken:
		r.Kind = push.Retryable
	case codeDailyLimit:
		r.Kind = push.OverQuota
	default:
		r.Kind = push.Rejected
	}
	return r
}

// overQuota sets RetryAfter to the next midnight in Shanghai, when OPPO's
// daily count starts again.
func (c *Client) overQuota(r push.Result) push.Result {
	if r.Kind == push.OverQuota {
		now := c.now().In(shanghai)
		y, m, d := now.Date()
		r.RetryAfter = time.Date(y, m, d+1, 0, 0, 0, 0, shanghai).Sub(now)
	}
	return r
}

// message is one element of `message` / `messages`.
type message struct {
	TargetType   int             `json:"target_type"`
	TargetValue  string          `json:"target_value"`
	Notification json.RawMessage `json:"notification"`
}

func newMessage(pushID string, notif []byte, token string) message {
	return message{TargetType: 2, TargetValue: token, Notification: withAppMessageID(notif, AppMessageID(pushID, token))}
}

// batchJSON is json.Marshal of the tokens' messages, written directly: the
// notification is HTML-escaped once (as Marshal escapes a RawMessage) and
// copied per token behind its app_message_id, without Marshal's validation
// and compaction of every message's notification. It is built as a string,
// the form field's type, without a copy.
func batchJSON(pushID string, notif []byte, tokens []string) string {
	var esc bytes.Buffer
	json.HTMLEscape(&esc, notif)
	n := esc.Bytes()
	var b strings.Builder
	b.Grow(len(tokens)*(len(n)+100) + 2)
	b.WriteByte('[')
	for i, t := range tokens {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"target_type":2,"target_value":`)
		writeJSONString(&b, t)
		b.WriteString(`,"notification":`)
		if id := AppMessageID(pushID, t); id != "" {
			// withAppMessageID, in place: the id is letters and digits.
			b.WriteString(`{"app_message_id":"`)
			b.WriteString(id)
			b.WriteByte('"')
			if len(n) > 2 {
				b.WriteByte(',')
			}
			b.Write(n[1:])
		} else {
			b.Write(n)
		}
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return b.String()
}

// writeJSONString writes s as encoding/json encodes a string: printable
// ASCII without '"', '\\' and the HTML characters as it is, anything else
// through json.Marshal.
func writeJSONString(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			b.Write(q)
			return
		}
	}
	b.WriteByte('"')
	b.WriteString(s)
	b.WriteByte('"')
}

// unicast sends to one token.
func (c *Client) unicast(ctx context.Context, pushID string, notif []byte, token string) push.Result {
	m, _ := json.Marshal(newMessage(pushID, notif, token)) // strings and raw JSON: cannot fail
	a, fail := c.call(ctx, UnicastPath, url.Values{"message": {string(m)}})
	if fail != nil {
		fail.Token = token
		return *fail
	}
	if a.Code != codeOK {
		r := c.overQuota(classify(a.Code, a.text()))
		r.Token = token
		r.InvalidToken = a.Code == codeInvalidRegID
		return r
	}
	var data struct {
		MessageID string `json:"messageId"`
	}
	_ = json.Unmarshal(a.Data, &data) // a success without an id is still a success
	return push.Result{Token: token, Kind: push.Sent, Code: "0", MessageID: data.MessageID}
}

// batchItem is one entry of unicast_batch's data.
type batchItem struct {
	MessageID      string `json:"messageId"`
	RegistrationID string `json:"registrationId"`
	ErrorCode      int    `json:"errorCode"`
	ErrorMessage   string `json:"errorMessage"`
}

// batch sends up to MaxBatch tokens in one unicast_batch and appends one
// Result per token to out.
func (c *Client) batch(ctx context.Context, pushID string, notif []byte, tokens []string, out []push.Result) []push.Result {
	a, fail := c.call(ctx, BatchPath, url.Values{"messages": {batchJSON(pushID, notif, tokens)}})
	if fail != nil {
		return push.AppendAll(out, tokens, *fail)
	}
	if a.Code != codeOK {
		return push.AppendAll(out, tokens, c.overQuota(classify(a.Code, a.text())))
	}
	var items []batchItem
	if err := json.Unmarshal(a.Data, &items); err != nil {
		return push.AppendAll(out, tokens, push.Result{Kind: push.Retryable, Code: "malformed-answer", Reason: "unicast_batch data is not a list: " + snippet(a.Data)})
	}
	// Results come in request order; match by registrationId where the
	// order does not hold (and for duplicates, first unused match).
	byID := make(map[string][]int, len(items))
	for i, it := range items {
		byID[it.RegistrationID] = append(byID[it.RegistrationID], i)
	}
	used := make([]bool, len(items))
	for i, t := range tokens {
		j := -1
		if i < len(items) && items[i].RegistrationID == t && !used[i] {
			j = i
		} else {
			for _, k := range byID[t] {
				if !used[k] {
					j = k
					break
				}
			}
		}
		if j < 0 {
			// Not answered: retrying is safe thanks to app_message_id.
			out = append(out, push.Result{Token: t, Kind: push.Retryable, Code: "missing-result", Reason: "unicast_batch returned no result for this target"})
			continue
		}
		used[j] = true
		it := items[j]
		if it.ErrorCode != 0 {
			reason := it.ErrorMessage
			if reason == "" {
				reason = "errorCode " + strconv.Itoa(it.ErrorCode)
			}
			r := c.overQuota(classify(it.ErrorCode, reason))
			r.Token = t
			r.MessageID = it.MessageID
			r.InvalidToken = it.ErrorCode == codeInvalidRegID
			out = append(out, r)
			continue
		}
		out = append(out, push.Result{Token: t, Kind: push.Sent, Code: "0", MessageID: it.MessageID})
	}
	return out
}
