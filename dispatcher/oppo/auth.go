package oppo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// Sign is OPPO's auth signature, the one place the recipe lives: lowercase
// hex SHA-256 of app_key + timestamp (milliseconds, decimal) + master_secret,
// concatenated without separators (vendor-facts §2.2). It is the
// MasterSecret, not the AppSecret, that signs.
func Sign(appKey, timestamp, masterSecret string) string {
	sum := sha256.Sum256([]byte(appKey + timestamp + masterSecret))
	return hex.EncodeToString(sum[:])
}

// answer is OPPO's envelope: {"code": n, "message": "...", "data": ...}.
type answer struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// call posts fields plus auth_token to path. It signs in when the cached
// token is missing or about to expire, and once more when OPPO answers 11
// (Invalid AuthToken), as the official SDK does. A nil *push.Result means
// the answer was read; otherwise it says why there is none (without Token).
func (c *Client) call(ctx context.Context, path string, fields url.Values) (answer, *push.Result) {
	tok, fail := c.authToken(ctx, "")
	if fail != nil {
		return answer{}, fail
	}
	a, fail := c.post(ctx, c.base+path, encodeForm(fields, tok))
	if fail != nil || a.Code != codeInvalidToken {
		return a, fail
	}
	tok, fail = c.authToken(ctx, tok)
	if fail != nil {
		return answer{}, fail
	}
	return c.post(ctx, c.base+path, encodeForm(fields, tok))
}

// encodeForm is fields plus auth_token=tok as url.Values.Encode writes
// them (keys sorted, values query-escaped), into one buffer: a batch's
// messages field is about a megabyte.
func encodeForm(fields url.Values, tok string) []byte {
	keys := make([]string, 0, len(fields)+1)
	size := len("auth_token=") + 3*len(tok)
	for k, vs := range fields {
		if k == "auth_token" {
			continue
		}
		keys = append(keys, k)
		for _, v := range vs {
			size += len(k) + 2 + len(v) + len(v)/2
		}
	}
	keys = append(keys, "auth_token")
	slices.Sort(keys)
	b := make([]byte, 0, size)
	for _, k := range keys {
		vs := fields[k]
		if k == "auth_token" {
			vs = []string{tok}
		}
		for _, v := range vs {
			if len(b) > 0 {
				b = append(b, '&')
			}
			b = appendQueryEscape(b, k)
			b = append(b, '=')
			b = appendQueryEscape(b, v)
		}
	}
	return b
}

// appendQueryEscape appends s escaped as url.QueryEscape does: letters,
// digits and -_.~ as they are, space as +, every other byte as %XX.
func appendQueryEscape(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~':
			b = append(b, c)
		case c == ' ':
			b = append(b, '+')
		default:
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return b
}

// authToken returns a usable auth_token. stale, when set, is a token OPPO
// just refused: it is replaced unless another caller already did so.
// Concurrent callers share one sign-in (push.TokenCache), and a failed one
// is reported to each of them as the same Result.
func (c *Client) authToken(ctx context.Context, stale string) (string, *push.Result) {
	tok, err := c.tokens.Get(ctx, c.now(), stale, c.signIn)
	if err != nil {
		return "", authResult(err)
	}
	return tok, nil
}

// signIn does POST /server/v1/auth (vendor-facts §2.2) and says when the
// token is to be replaced: RefreshAhead before its TokenLifetime ends.
func (c *Client) signIn(ctx context.Context) (string, time.Time, error) {
	now := c.now()
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	form := url.Values{"app_key": {c.cert.AppKey}, "timestamp": {ts}, "sign": {Sign(c.cert.AppKey, ts, c.cert.MasterSecret)}}
	a, fail := c.post(ctx, c.authBase+AuthPath, []byte(form.Encode()))
	if fail != nil {
		fail.Reason = "auth: " + fail.Reason
		return "", time.Time{}, authError{*fail}
	}
	if a.Code != 0 {
		return "", time.Time{}, authError{classify(a.Code, "auth: "+a.text())}
	}
	var data struct {
		AuthToken string `json:"auth_token"`
	}
	if err := json.Unmarshal(a.Data, &data); err != nil || data.AuthToken == "" {
		return "", time.Time{}, authError{push.Result{Kind: push.Retryable, Code: "malformed-answer", Reason: "auth: no data.auth_token in the answer"}}
	}
	// The lifetime counts from our own clock: OPPO's create_time may come
	// from a clock that is not ours.
	return data.AuthToken, now.Add(TokenLifetime - RefreshAhead), nil
}

// authError carries a failed sign-in's Result through push.TokenCache to
// every caller that waited on it.
type authError struct{ r push.Result }

func (e authError) Error() string { return e.r.Reason }

// authResult is a caller's own copy of why there is no token (callers set
// its Token). A caller whose context ended while it waited gets that.
func authResult(err error) *push.Result {
	var ae authError
	if errors.As(err, &ae) {
		r := ae.r
		return &r
	}
	return &push.Result{Kind: push.Retryable, Code: "transport", Reason: "auth: " + err.Error()}
}

// post sends one encoded form and reads OPPO's envelope.
func (c *Client) post(ctx context.Context, u string, form []byte) (answer, *push.Result) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(form))
	if err != nil {
		return answer{}, &push.Result{Kind: push.Rejected, Code: "request", Reason: err.Error()}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	resp, err := c.hc.Do(req)
	if err != nil {
		return answer{}, &push.Result{Kind: push.Retryable, Code: "transport", Reason: err.Error()}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return answer{}, &push.Result{Kind: push.Retryable, Code: "transport", Reason: "reading answer: " + err.Error()}
	}
	status := "HTTP " + strconv.Itoa(resp.StatusCode)
	switch {
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return answer{}, &push.Result{Kind: push.Retryable, Code: status, Reason: http.StatusText(resp.StatusCode), RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	case resp.StatusCode/100 != 2:
		return answer{}, &push.Result{Kind: push.Rejected, Code: status, Reason: http.StatusText(resp.StatusCode) + ": " + snippet(raw)}
	}
	a, err := decodeAnswer(raw)
	if err != nil {
		// A 200 we cannot read may have been accepted; app_message_id makes
		// a retry safe, so it is retried rather than lost.
		return answer{}, &push.Result{Kind: push.Retryable, Code: "malformed-answer", Reason: snippet(raw)}
	}
	return a, nil
}

// decodeAnswer reads the envelope. Some OPPO answers arrive as a JSON string
// holding the JSON (vendor-facts §2.4, OPPO-DEJ); those are unwrapped.
func decodeAnswer(raw []byte) (answer, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var inner string
		if err := json.Unmarshal(raw, &inner); err != nil {
			return answer{}, err
		}
		raw = []byte(inner)
	}
	var env struct {
		Code    *json.Number    `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return answer{}, err
	}
	if env.Code == nil {
		return answer{}, errNoCode
	}
	code, err := strconv.Atoi(env.Code.String())
	if err != nil {
		return answer{}, err
	}
	return answer{Code: code, Message: env.Message, Data: env.Data}, nil
}

var errNoCode = jsonError("no code in the answer")

type jsonError string

func (e jsonError) Error() string { return string(e) }

func (a answer) text() string {
	if a.Message != "" {
		return a.Message
	}
	return "code " + strconv.Itoa(a.Code)
}

func snippet(b []byte) string {
	const max = 200
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

func retryAfter(v string) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return 0
}
