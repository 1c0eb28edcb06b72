// Package huawei is the dispatcher's Huawei Push Kit (v1, HMS Core) client.
// It fetches an OAuth 2.0 client-credentials access token for the app and
// caches it (refreshed ahead of expiry, and once more when the push server
// says 80200001 or 80200003; concurrent sends share one refresh), turns a
// push.Push into POST /v1/{appId}/messages:send with message.android,
// sends at most 1000 tokens per request and maps every answer onto one
// push.Result per token. It makes one attempt per batch (plus the one token
// refresh); the dispatcher core retries Retryable results.
//
// The IM ext reaches the app as the "ext" key of message.data, a JSON
// object that also holds Push.Extras (ExtKey): a tapped notification's data
// keys become the launched activity's intent extras, and the guide's app
// (step 8, OfflineMessageDispatcher.parseOfflineMessage) reads
// getIntent().getExtras().getString("ext"). A pass-through (data) message
// carries the same object to onMessageReceived.
//
// Facts: vendor-facts/huawei-oppo-fcm-honor.md §1.
package huawei

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// Wire facts (§1.1, §1.2).
const (
	// Vendor is the name the dispatcher knows this client by.
	Vendor = "huawei"
	// DefaultBaseURL is the push host; SendPath is appended.
	DefaultBaseURL = "https://push-api.cloud.huawei.com"
	// DefaultAuthURL is the OAuth host; TokenPath is appended.
	DefaultAuthURL = "https://oauth-login.cloud.huawei.com"
	// TokenPath is the client-credentials token endpoint.
	TokenPath = "/oauth2/v3/token"
	// MaxBatch is the most tokens one request may carry.
	MaxBatch = 1000
	// MaxTTL is the longest android.ttl Huawei keeps a message (15 days).
	MaxTTL = 15 * 24 * time.Hour

	maxAnswer      = 1 << 20
	defaultTimeout = 10 * time.Second
	// refreshAhead: the official Python demo refreshes 5 minutes before
	// expiry; for short-lived tokens a tenth of the lifetime is used.
	refreshAhead = 5 * time.Minute
)

// Result codes the client acts on (§1.4).
const (
	codeSuccess    = "80000000"
	codePartial    = "80100000"
	codeAuth       = "80200001"
	codeExpired    = "80200003"
	codeAllInvalid = "80300007"
	codeInternal   = "81000001"
	codeOAuthFail  = "80600003" // request to the OAuth service failed
)

// Client sends pushes through one Huawei app. It is safe for concurrent use.
type Client struct {
	cert     push.Certificate
	sendURL  string
	tokenURL string
	hc       *http.Client
	now      func() time.Time
	timeout  time.Duration

	tokens push.TokenCache // the access token, one fetch shared by concurrent senders
}

// New builds a client for a Huawei certificate: AppID is the OAuth
// client_id (= the appId in the send URL), AppSecret the client secret.
func New(cert push.Certificate, opt push.Options) (push.Client, error) {
	opt = opt.WithDefaults(defaultTimeout)
	if cert.Settings[SettingAPI] == "v3" { // HarmonyOS NEXT (v3.go)
		return newV3(cert, opt)
	}
	if cert.AppID == "" {
		return nil, errors.New("huawei: certificate has no app_id")
	}
	if cert.AppSecret == "" {
		return nil, errors.New("huawei: certificate has no app_secret")
	}
	base := strings.TrimRight(cert.BaseURL, "/")
	auth := strings.TrimRight(cert.AuthURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	if auth == "" {
		auth = DefaultAuthURL
		if cert.BaseURL != "" {
			auth = base
		}
	}
	for _, u := range []string{base, auth} {
		if _, err := url.Parse(u); err != nil {
			return nil, fmt.Errorf("huawei: %w", err)
		}
	}
	c := &Client{
		cert:     cert,
		sendURL:  base + "/v1/" + url.PathEscape(cert.AppID) + "/messages:send",
		tokenURL: auth + TokenPath,
		hc:       opt.HTTPClient,
		now:      opt.Now,
		timeout:  opt.Timeout,
	}
	return c, nil
}

// Vendor returns "huawei".
func (c *Client) Vendor() string { return Vendor }

// Send posts p to tokens, at most MaxBatch per request, and returns one
// Result per token.
func (c *Client) Send(ctx context.Context, p push.Push, tokens []string) []push.Result {
	if len(tokens) == 0 {
		return nil
	}
	results := make([]push.Result, 0, len(tokens))
	req := c.request(p)
	for start := 0; start < len(tokens); start += MaxBatch {
		end := min(start+MaxBatch, len(tokens))
		results = c.sendBatch(ctx, req, p.Raw, tokens[start:end], results)
	}
	return results
}

// sendBatch does one request (and one more after refreshing the access
// token if it was refused) and appends one Result per token.
func (c *Client) sendBatch(ctx context.Context, req request, raw map[string]string, tokens []string, out []push.Result) []push.Result {
	req.Message.Token = tokens
	body, err := encode(req, raw)
	if err != nil {
		return all(out, tokens, push.Result{Kind: push.Rejected, Code: "request", Reason: err.Error()})
	}
	access, err := c.accessToken(ctx, "")
	if err != nil {
		return all(out, tokens, tokenFailure(err))
	}
	for attempt := 0; ; attempt++ {
		a := c.post(ctx, body, access)
		if attempt == 0 && a.authRefused() {
			if access, err = c.accessToken(ctx, access); err != nil {
				return all(out, tokens, tokenFailure(err))
			}
			continue
		}
		return a.results(out, tokens)
	}
}

// answer is one send response as read off the wire.
type answer struct {
	status     int
	transport  error
	parsed     bool
	Code       codeText `json:"code"`
	Msg        string   `json:"msg"`
	RequestID  string   `json:"requestId"`
	raw        []byte
	retryAfter time.Duration
}

func (c *Client) post(ctx context.Context, body []byte, access string) answer {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.sendURL, bytes.NewReader(body))
	if err != nil {
		return answer{transport: err}
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	req.Header.Set("Authorization", "Bearer "+access)
	resp, err := c.hc.Do(req)
	if err != nil {
		return answer{transport: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	a := answer{status: resp.StatusCode, raw: b, retryAfter: RetryAfter(resp.Header.Get("Retry-After"), c.now())}
	if err != nil {
		a.transport = fmt.Errorf("reading answer: %w", err)
		return a
	}
	// The HTTP status of each v1 code is not documented (§1.8): the JSON
	// body decides whatever the status.
	a.parsed = json.Unmarshal(b, &a) == nil && a.Code != ""
	return a
}

// authRefused: the access token was not accepted (expired, revoked, or
// not known), so one fresh token is worth a second try.
func (a *answer) authRefused() bool {
	if a.parsed {
		return a.Code == codeAuth || a.Code == codeExpired
	}
	return a.transport == nil && a.status == http.StatusUnauthorized
}

// results maps the answer onto one Result per token.
func (a *answer) results(out []push.Result, tokens []string) []push.Result {
	httpCode := "HTTP " + strconv.Itoa(a.status)
	switch {
	case a.transport != nil:
		return all(out, tokens, push.Result{Kind: push.Retryable, Code: "transport", Reason: a.transport.Error(), RetryAfter: a.retryAfter})
	case !a.parsed && (a.status >= 500 || a.status == http.StatusTooManyRequests):
		return all(out, tokens, push.Result{Kind: push.Retryable, Code: httpCode, Reason: http.StatusText(a.status), RetryAfter: a.retryAfter})
	case !a.parsed && a.status == http.StatusOK:
		// A 200 we cannot read may or may not have been accepted; Huawei has
		// no idempotency key, but losing a message is worse than a repeat.
		return all(out, tokens, push.Result{Kind: push.Retryable, Code: "malformed-answer", Reason: snippet(a.raw)})
	case !a.parsed:
		return all(out, tokens, push.Result{Kind: push.Rejected, Code: httpCode, Reason: snippet(a.raw)})
	}
	code := string(a.Code)
	switch {
	case a.status >= 500 || a.status == http.StatusTooManyRequests:
		// Flow control (HTTP 503, §1.5) and server errors pass, whatever code came with them.
		return all(out, tokens, push.Result{Kind: push.Retryable, Code: code, Reason: a.Msg, RetryAfter: a.retryAfter})
	case code == codeSuccess:
		return all(out, tokens, push.Result{Kind: push.Sent, Code: code, Reason: a.Msg, MessageID: a.RequestID})
	case code == codePartial:
		return a.partial(out, tokens)
	case code == codeAllInvalid:
		return all(out, tokens, push.Result{Kind: push.Rejected, Code: code, Reason: a.Msg, MessageID: a.RequestID, InvalidToken: true})
	case code == codeExpired, code == codeInternal, code == codeOAuthFail:
		// Expired even after a refresh and internal errors pass. Huawei v1
		// has no quota code: its daily caps drop messages on the phone side
		// without an error, so nothing maps to OverQuota.
		return all(out, tokens, push.Result{Kind: push.Retryable, Code: code, Reason: a.Msg, RetryAfter: a.retryAfter})
	default:
		// 80200001 after a fresh token, 80300002 (no permission), 80300008
		// (too big), 80300010, 80100001, 80100003, 80100013, 80100016 and
		// 80300011 do not change on a retry.
		return all(out, tokens, push.Result{Kind: push.Rejected, Code: code, Reason: a.Msg, MessageID: a.RequestID})
	}
}

// partial handles 80100000: msg is a JSON string naming the illegal tokens.
func (a *answer) partial(out []push.Result, tokens []string) []push.Result {
	var m struct {
		Success       int      `json:"success"`
		Failure       int      `json:"failure"`
		IllegalTokens []string `json:"illegal_tokens"`
	}
	if err := json.Unmarshal([]byte(a.Msg), &m); err != nil {
		// Without the list nobody knows which failed; a retry would repeat
		// the delivered ones, so all count as sent.
		return all(out, tokens, push.Result{Kind: push.Sent, Code: codePartial, Reason: "partial success, illegal tokens not listed: " + a.Msg, MessageID: a.RequestID})
	}
	bad := make(map[string]struct{}, len(m.IllegalTokens))
	for _, t := range m.IllegalTokens {
		bad[t] = struct{}{}
	}
	for _, t := range tokens {
		if _, ok := bad[t]; ok {
			out = append(out, push.Result{Token: t, Kind: push.Rejected, Code: codePartial, Reason: "illegal token", MessageID: a.RequestID, InvalidToken: true})
			continue
		}
		out = append(out, push.Result{Token: t, Kind: push.Sent, Code: codePartial, MessageID: a.RequestID})
	}
	return out
}

// all appends r once per token.
func all(out []push.Result, tokens []string, r push.Result) []push.Result {
	for _, t := range tokens {
		r.Token = t
		out = append(out, r)
	}
	return out
}

// codeText is a result code sent as a string (documented) or a number.
type codeText string

func (c *codeText) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*c = codeText(s)
		return nil
	}
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*c = codeText(n.String())
	return nil
}

// NotifyID maps a Push.NotifyID onto android.notification.notify_id: a
// non-negative int32 is used as is, anything else is hashed so that the same
// string always gives the same id.
func NotifyID(s string) int {
	if n, err := strconv.ParseInt(s, 10, 32); err == nil && n >= 0 {
		return int(n)
	}
	h := fnv.New32a()
	h.Write([]byte(s))
	return int(h.Sum32() & 0x7fffffff)
}

// RetryAfter parses a Retry-After header (seconds or an HTTP date); 0 when
// absent or unreadable.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

func snippet(b []byte) string {
	const n = 120
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
