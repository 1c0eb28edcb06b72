package apns

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// ExtKey is the top-level payload key that carries Push.Ext.
const ExtKey = "ext"

// alert is aps.alert.
type alert struct {
	Title string `json:"title,omitempty"`
	Body  string `json:"body,omitempty"`
}

// payload builds the JSON body shared by every token of p (§1.3.2). The
// body text is shortened (never the ext) when the whole would pass 4096
// bytes; if ext alone does not fit, the push cannot be sent.
func (c *Client) payload(p push.Push) ([]byte, error) {
	aps := map[string]any{}
	if p.PassThrough {
		aps["content-available"] = 1
	} else {
		aps["alert"] = alert{Title: p.Title, Body: p.Body}
		if p.Badge > 0 && c.cert.Settings["ignore_badge"] != "true" {
			aps["badge"] = p.Badge
		}
		if s := c.sound(p); s != "" {
			aps["sound"] = s
		}
	}
	top := map[string]any{}
	for k, v := range p.Extras {
		top[k] = v
	}
	if p.Ext != "" {
		top[ExtKey] = p.Ext
	}
	// Raw: "aps.<key>" sets an aps key, "apns-*" are headers (headers),
	// anything else a top-level key; a value that is JSON goes as JSON.
	for k, v := range p.Raw {
		switch {
		case strings.HasPrefix(k, "apns-"):
		case strings.HasPrefix(k, "aps."):
			aps[k[len("aps."):]] = rawValue(v)
		default:
			top[k] = rawValue(v)
		}
	}
	top["aps"] = aps
	b, err := push.Marshal(top)
	if err != nil {
		return nil, err
	}
	if len(b) <= MaxPayload || p.PassThrough {
		if len(b) > MaxPayload {
			return nil, errors.New("the background payload is " + strconv.Itoa(len(b)) + " bytes, over APNs' 4096")
		}
		return b, nil
	}
	// Cut the body, keeping whole runes, until it fits.
	a := aps["alert"].(alert)
	over := len(b) - MaxPayload
	for a.Body != "" && over > 0 {
		cut := max(len(a.Body)-over-len("…"), 0)
		for cut > 0 && !utf8.RuneStart(a.Body[cut]) {
			cut--
		}
		a.Body = a.Body[:cut] + "…"
		if cut == 0 {
			a.Body = ""
		}
		aps["alert"] = a
		if b, err = push.Marshal(top); err != nil {
			return nil, err
		}
		over = len(b) - MaxPayload
	}
	if over > 0 {
		return nil, errors.New("the payload is " + strconv.Itoa(len(b)) + " bytes without a body, over APNs' 4096 (ext and extras are never cut)")
	}
	return b, nil
}

// rawValue is a Raw value as JSON when it is JSON, else as a string.
func rawValue(v string) any {
	if json.Valid([]byte(v)) {
		return json.RawMessage(v)
	}
	return v
}

// sound is the iOS sound of p (package doc).
func (c *Client) sound(p push.Push) string {
	s := p.Sound
	if s == "" {
		s = c.cert.Sound
	}
	switch s {
	case "":
		return "default"
	case NoSound:
		return ""
	}
	return s
}

// headers are the request headers shared by every token of p.
func (c *Client) headers(p push.Push) http.Header {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("apns-topic", c.cert.Package)
	if p.PassThrough {
		h.Set("apns-push-type", "background")
		h.Set("apns-priority", "5") // background pushes must use 5
	} else {
		h.Set("apns-push-type", "alert")
		h.Set("apns-priority", "10")
	}
	if id := collapseID(p.NotifyID); id != "" && !p.PassThrough {
		h.Set("apns-collapse-id", id)
	}
	if p.TTL > 0 {
		h.Set("apns-expiration", strconv.FormatInt(c.now().Add(p.TTL).Unix(), 10))
	}
	for k, v := range p.Raw {
		if strings.HasPrefix(k, "apns-") {
			h.Set(k, v)
		}
	}
	return h
}

// answer is one APNs response as read off the wire.
type answer struct {
	status    int
	transport error
	apnsID    string
	Reason    string `json:"reason"`
	Timestamp int64  `json:"timestamp"`
	retry     string // Retry-After
}

// sendOne posts to one token, once more with a fresh provider token when
// APNs refused the token (ExpiredProviderToken, InvalidProviderToken).
func (c *Client) sendOne(ctx context.Context, pushID string, hdr http.Header, body []byte, token string) push.Result {
	jwt, err := c.providerToken("")
	if err != nil {
		return push.Result{Token: token, Kind: push.Rejected, Code: "provider-token", Reason: err.Error()}
	}
	id := apnsID(pushID, token)
	var a answer
	for attempt := 0; ; attempt++ {
		a = c.post(ctx, hdr, body, token, id, jwt)
		if attempt > 0 || a.transport != nil || a.status != http.StatusForbidden ||
			(a.Reason != "ExpiredProviderToken" && a.Reason != "InvalidProviderToken") {
			break
		}
		if jwt, err = c.providerToken(jwt); err != nil {
			return push.Result{Token: token, Kind: push.Rejected, Code: "provider-token", Reason: err.Error()}
		}
	}
	r := a.result(c)
	r.Token = token
	if r.MessageID == "" {
		r.MessageID = id
	}
	return r
}

func (c *Client) post(ctx context.Context, hdr http.Header, body []byte, token, id, jwt string) answer {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.sendURL+token, bytes.NewReader(body))
	if err != nil {
		return answer{transport: err}
	}
	req.Header = hdr.Clone()
	req.Header.Set("authorization", "bearer "+jwt)
	if id != "" && req.Header.Get("apns-id") == "" {
		req.Header.Set("apns-id", id)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return answer{transport: err}
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode, apnsID: resp.Header.Get("apns-id"), retry: resp.Header.Get("Retry-After")}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		a.transport = err
		return a
	}
	if len(b) > 0 {
		_ = json.Unmarshal(b, &a) // a body we cannot read leaves Reason empty: the status decides
	}
	return a
}

// result maps an answer onto an outcome (§1.4's retry guidance).
func (a *answer) result(c *Client) push.Result {
	if a.transport != nil {
		return push.Result{Kind: push.Retryable, Code: "transport", Reason: a.transport.Error()}
	}
	r := push.Result{Code: a.Reason, Reason: a.Reason, MessageID: a.apnsID}
	if r.Code == "" {
		r.Code = "HTTP " + strconv.Itoa(a.status)
		r.Reason = http.StatusText(a.status)
	}
	switch {
	case a.status == http.StatusOK:
		r.Kind, r.Code, r.Reason = push.Sent, "200", ""
	case a.status == http.StatusGone, a.Reason == "BadDeviceToken", a.Reason == "Unregistered", a.Reason == "ExpiredToken":
		// The token is dead (or of the other environment): remove it.
		r.Kind, r.InvalidToken = push.Rejected, true
	case a.status == http.StatusTooManyRequests, a.status >= 500:
		// TooManyRequests, TooManyProviderTokenUpdates, InternalServerError,
		// ServiceUnavailable, Shutdown: later, with backoff.
		r.Kind, r.RetryAfter = push.Retryable, RetryAfter(a.retry, c.now())
	case a.Reason == "ExpiredProviderToken", a.Reason == "IdleTimeout":
		// Still expired after a fresh token: the clocks disagree; try again later.
		r.Kind = push.Retryable
	default:
		// DeviceTokenNotForTopic, BadTopic, PayloadTooLarge, the header
		// errors, InvalidProviderToken twice: fixing the request or the
		// certificate is needed, a retry would get the same answer.
		r.Kind = push.Rejected
	}
	return r
}
