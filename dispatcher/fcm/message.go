package fcm

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// The messages:send body (vendor-facts §3.3), as much of it as an IM
// backend uses.
type sendBody struct {
	ValidateOnly bool     `json:"validate_only,omitempty"`
	Message      *message `json:"message"`
}

type message struct {
	Token        string            `json:"token"`
	Notification *notification     `json:"notification,omitempty"`
	Data         map[string]string `json:"data,omitempty"`
	Android      *android          `json:"android,omitempty"`

	raw map[string]string // push.Raw, applied to the JSON

	// head and tail are the encoded request around the token's JSON
	// string (set when there is no Raw): head + token + tail is what
	// json.Marshal gives, without encoding the message again per token.
	head, tail []byte
}

type notification struct {
	Title string `json:"title,omitempty"`
	Body  string `json:"body,omitempty"`
}

type android struct {
	Priority     string               `json:"priority,omitempty"`
	TTL          string               `json:"ttl,omitempty"`
	Notification *androidNotification `json:"notification,omitempty"`
}

type androidNotification struct {
	ChannelID         string `json:"channel_id,omitempty"`
	Sound             string `json:"sound,omitempty"`
	Tag               string `json:"tag,omitempty"`
	ClickAction       string `json:"click_action,omitempty"`
	NotificationCount *int   `json:"notification_count,omitempty"`
}

// message maps a Push onto FCM's fields:
//   - Title/Body → notification (none for PassThrough: a data message the
//     app handles in onMessageReceived);
//   - Ext → data["ext"], byte for byte; Extras → data;
//   - Channel (else the certificate's) → android.notification.channel_id;
//   - Sound → sound; Badge → notification_count;
//   - NotifyID → tag; without one the tag is the dispatcher's message id, so
//     a retried send that FCM had in fact accepted replaces the first copy
//     instead of showing twice (FCM has no idempotency key);
//   - Click activity/intent → click_action (an intent-filter action);
//     url → data["url"] (FCM cannot open a URL itself);
//   - TTL → android.ttl ("3.5s"); priority high (certificate setting
//     "priority" changes it), so an IM message wakes a dozing phone;
//   - Raw: dotted JSON paths under message ("android.collapse_key"), string
//     values; a key ending in ":json" takes a raw JSON value
//     ("data.count:json" = "5"); "validate_only" is the request's flag.
func (c *Client) message(p push.Push) *message {
	m := &message{raw: p.Raw}
	data := make(map[string]string, len(p.Extras)+2)
	for k, v := range p.Extras {
		data[k] = v
	}
	if p.Ext != "" {
		data["ext"] = p.Ext
	}
	a := &android{Priority: cmp.Or(c.cert.Settings["priority"], "high")}
	if p.TTL > 0 {
		a.TTL = duration(p.TTL)
	}
	if !p.PassThrough {
		m.Notification = &notification{Title: p.Title, Body: p.Body}
		n := &androidNotification{Sound: cmp.Or(p.Sound, c.cert.Sound), Tag: cmp.Or(p.NotifyID, p.ID)}
		if !p.NoChannel {
			n.ChannelID = cmp.Or(p.Channel, c.cert.Channel)
		}
		if p.Badge > 0 {
			b := p.Badge
			n.NotificationCount = &b
		}
		click := p.ClickOr(c.cert.Click)
		switch click.Type {
		case "activity", "intent":
			n.ClickAction = click.Target
		case "url":
			if _, set := data["url"]; !set {
				data["url"] = click.Target
			}
		}
		if *n != (androidNotification{}) {
			a.Notification = n
		}
	}
	if len(data) > 0 {
		m.Data = data
	}
	m.Android = a
	if len(m.raw) == 0 {
		// Token is the message's first field and encodes as "".
		const prefix = `{"message":{"token":""`
		if b, err := json.Marshal(sendBody{Message: m}); err == nil && bytes.HasPrefix(b, []byte(prefix)) {
			m.head, m.tail = b[:len(prefix)-2], b[len(prefix):]
		}
	}
	return m
}

// body renders the request for one token.
func (m *message) body(token string) ([]byte, error) {
	if m.head != nil {
		out := make([]byte, 0, len(m.head)+len(token)+2+len(m.tail))
		out = append(out, m.head...)
		out = appendString(out, token)
		return append(out, m.tail...), nil
	}
	one := *m
	one.Token = token
	req := sendBody{Message: &one}
	b, err := json.Marshal(req)
	if err != nil || len(m.raw) == 0 {
		return b, err
	}
	return applyRaw(b, m.raw)
}

// appendString appends s as encoding/json encodes a string: printable
// ASCII without '"', '\\' and the HTML characters is copied, anything else
// goes through json.Marshal.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// applyRaw sets push.Raw's paths in the encoded request.
func applyRaw(b []byte, raw map[string]string) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	msg, _ := doc["message"].(map[string]any)
	for k, v := range raw {
		var val any = v
		if path, ok := strings.CutSuffix(k, ":json"); ok {
			k = path
			if err := json.Unmarshal([]byte(v), &val); err != nil {
				return nil, fmt.Errorf("raw %s: %w", k, err)
			}
		}
		if k == "validate_only" {
			doc["validate_only"] = val == "true" || val == true
			continue
		}
		setPath(msg, strings.Split(k, "."), val)
	}
	return json.Marshal(doc)
}

func setPath(m map[string]any, path []string, v any) {
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

// duration renders a proto Duration: whole seconds, or seconds with up to
// nine fractional digits.
func duration(d time.Duration) string {
	s := strconv.FormatInt(int64(d/time.Second), 10)
	if ns := int64(d % time.Second); ns != 0 {
		frac := strings.TrimRight(fmt.Sprintf("%09d", ns), "0")
		s += "." + frac
	}
	return s + "s"
}
