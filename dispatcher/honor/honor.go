// Package honor is the dispatcher's Honor Push client. It fetches a
// client-credentials access token from Honor's IAM with the certificate's
// Client ID and Client Secret and caches it (refreshed ahead of expiry, and
// once more when the push server answers an invalid- or expired-token code;
// concurrent sends share one refresh), turns a push.Push into POST
// /api/v1/{appId}/sendMessage with Honor's flat camelCase body and the
// timestamp header, sends at most 1000 tokens per request and maps every
// answer onto one push.Result per token: data.failTokens and
// data.expireTokens are Rejected with InvalidToken (the token is to be
// deleted), the rest of a code-200 answer is Sent. It makes one attempt
// per batch (plus the one token refresh); the dispatcher core retries
// Retryable results.
//
// Certificate fields: AppID = the numeric App ID, AppKey = the Client ID,
// AppSecret = the Client Secret. Settings: "token_path" (default
// /auth/token; "/auth/realms/developer/protocol/openid-connect/token" is
// the 2023 guide's), "badge_class" (the launcher activity: a badge is sent
// only with it), "test_message" "true" (android.targetUserType 1).
//
// The IM ext reaches the app byte for byte under the key "ext" (ExtKey) of
// the top-level data, a JSON object that also holds Push.Extras: Honor
// hands a tapped notification's data to the launched activity as extras,
// one per key, and a data message's to onMessageReceived.
//
// Facts: vendor-facts/apns-honor-huawei-v3.md §2. Honor publishes no code
// table: besides code 200 (success) the client reads Huawei's codes, which
// Honor's API copies (80200001/80200003 auth, 80300007 all tokens invalid,
// 81000001 internal), and treats every other code as permanent.
package honor

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

// Wire facts (§2.1, §2.2).
const (
	// Vendor is the name the dispatcher knows this client by.
	Vendor = "honor"
	// DefaultBaseURL is the push host; the send path is appended.
	DefaultBaseURL = "https://push-api.cloud.honor.com"
	// DefaultAuthURL is the IAM host; TokenPath is appended.
	DefaultAuthURL = "https://iam.developer.honor.com"
	// TokenPath is the token endpoint clients use today.
	TokenPath = "/auth/token"
	// MaxBatch is the most tokens one request carries (Honor's limit is
	// not found; Huawei's 1000 is used).
	MaxBatch = 1000
	// MaxTTL is the longest android.ttl (15 days).
	MaxTTL = 15 * 24 * time.Hour

	maxAnswer      = 1 << 20
	defaultTimeout = 10 * time.Second
	// refreshAhead: a token is replaced this long before it expires (a
	// tenth of the lifetime for short-lived ones).
	refreshAhead = 5 * time.Minute
)

// Codes the client acts on (§2.4; the errors are Huawei's numbers).
const (
	codeSuccess    = "200"
	codeAuth       = "80200001"
	codeExpired    = "80200003"
	codeAllInvalid = "80300007"
	codeTestLimit  = "80300029"
	codeInternal   = "81000001"
)

// Certificate settings this client reads (push.Certificate.Settings).
const (
	SettingTokenPath   = "token_path"
	SettingBadgeClass  = "badge_class"
	SettingTestMessage = "test_message"
)

// Client sends pushes through one Honor app. It is safe for concurrent use.
type Client struct {
	cert     push.Certificate
	sendURL  string
	tokenURL string
	hc       *http.Client
	now      func() time.Time
	timeout  time.Duration

	tokens push.TokenCache // the access token, one fetch shared by concurrent senders
}

// New builds a client for an Honor certificate.
func New(cert push.Certificate, opt push.Options) (push.Client, error) {
	opt = opt.WithDefaults(defaultTimeout)
	switch {
	case cert.AppID == "":
		return nil, errors.New("honor: certificate has no app_id (the App ID)")
	case cert.AppKey == "":
		return nil, errors.New("honor: certificate has no app_key (the Client ID)")
	case cert.AppSecret == "":
		return nil, errors.New("honor: certificate has no app_secret (the Client Secret)")
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
			return nil, fmt.Errorf("honor: %w", err)
		}
	}
	path := TokenPath
	if p := cert.Settings[SettingTokenPath]; p != "" {
		path = "/" + strings.TrimLeft(p, "/")
	}
	c := &Client{
		cert:     cert,
		sendURL:  base + "/api/v1/" + url.PathEscape(cert.AppID) + "/sendMessage",
		tokenURL: auth + path,
		hc:       opt.HTTPClient,
		now:      opt.Now,
		timeout:  opt.Timeout,
	}
	return c, nil
}

// Vendor returns "honor".
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

func (c *Client) sendBatch(ctx context.Context, req request, raw map[string]string, tokens []string, out []push.Result) []push.Result {
	req.Token = tokens
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
	Message    string   `json:"message"`
	Data       *data    `json:"data"`
	raw        []byte
	retryAfter time.Duration
}

type data struct {
	SendResult   *bool    `json:"sendResult"`
	RequestID    string   `json:"requestId"`
	FailTokens   []string `json:"failTokens"`
	ExpireTokens []string `json:"expireTokens"`
}

func (c *Client) post(ctx context.Context, body []byte, access string) answer {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.sendURL, bytes.NewReader(body))
	if err != nil {
		return answer{transport: err}
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set("Authorization", "Bearer "+access)
	req.Header.Set("timestamp", strconv.FormatInt(c.now().UnixMilli(), 10))
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
	// Honor's HTTP statuses are not documented (§2.7): the JSON decides
	// whatever the status.
	a.parsed = json.Unmarshal(b, &a) == nil && a.Code != ""
	return a
}

// authRefused: the access token was not accepted, so one fresh token is
// worth a second try.
func (a *answer) authRefused() bool {
	if a.parsed {
		return a.Code == codeAuth || a.Code == codeExpired
	}
	return a.transport == nil && a.status == http.StatusUnauthorized
}

// success: code 200 is Honor's success (§2.4); one third-party client
// reads 0 and another 80000000 as success too, so they are accepted.
func (a *answer) success() bool {
	switch a.Code {
	case codeSuccess, "0", "80000000":
		return a.Data == nil || a.Data.SendResult == nil || *a.Data.SendResult || len(a.Data.FailTokens)+len(a.Data.ExpireTokens) > 0
	}
	return false
}

func (a *answer) requestID() string {
	if a.Data == nil {
		return ""
	}
	return a.Data.RequestID
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
		// A 200 that cannot be read may or may not have been accepted;
		// losing a message is worse than a repeat.
		return all(out, tokens, push.Result{Kind: push.Retryable, Code: "malformed-answer", Reason: snippet(a.raw)})
	case !a.parsed:
		return all(out, tokens, push.Result{Kind: push.Rejected, Code: httpCode, Reason: snippet(a.raw)})
	}
	code := string(a.Code)
	switch {
	case a.status >= 500 || a.status == http.StatusTooManyRequests:
		// Flow control and server errors pass, whatever code came with them.
		return all(out, tokens, push.Result{Kind: push.Retryable, Code: code, Reason: a.Message, RetryAfter: a.retryAfter})
	case a.success():
		return a.perToken(out, tokens, push.Result{Kind: push.Sent, Code: code, MessageID: a.requestID()})
	case code == codeAllInvalid:
		// Tokens named in the lists are dead; without lists all are.
		if a.Data != nil && len(a.Data.FailTokens)+len(a.Data.ExpireTokens) > 0 {
			return a.perToken(out, tokens, push.Result{Kind: push.Rejected, Code: code, Reason: a.Message, MessageID: a.requestID()})
		}
		return all(out, tokens, push.Result{Kind: push.Rejected, Code: code, Reason: a.Message, MessageID: a.requestID(), InvalidToken: true})
	case code == codeTestLimit:
		return all(out, tokens, push.Result{Kind: push.OverQuota, Code: code, Reason: a.Message})
	case code == codeExpired, code == codeInternal:
		// Expired even after a refresh, and internal errors, pass.
		return all(out, tokens, push.Result{Kind: push.Retryable, Code: code, Reason: a.Message, RetryAfter: a.retryAfter})
	default:
		// 80200001 after a fresh token, 80300002, 80300008, 80300010,
		// 80100001, 80100003, 80100016 and unknown codes do not change on a retry.
		return all(out, tokens, push.Result{Kind: push.Rejected, Code: code, Reason: a.Message, MessageID: a.requestID()})
	}
}

// perToken gives the tokens in failTokens and expireTokens a Rejected
// result with InvalidToken, and the others base.
func (a *answer) perToken(out []push.Result, tokens []string, base push.Result) []push.Result {
	var failed, expired map[string]struct{}
	if a.Data != nil {
		failed, expired = set(a.Data.FailTokens), set(a.Data.ExpireTokens)
	}
	for _, t := range tokens {
		r := base
		r.Token = t
		if _, ok := expired[t]; ok {
			r = push.Result{Token: t, Kind: push.Rejected, Code: string(a.Code), Reason: "expired token (expireTokens)", MessageID: a.requestID(), InvalidToken: true}
		} else if _, ok := failed[t]; ok {
			r = push.Result{Token: t, Kind: push.Rejected, Code: string(a.Code), Reason: "invalid token (failTokens)", MessageID: a.requestID(), InvalidToken: true}
		}
		out = append(out, r)
	}
	return out
}

func set(ss []string) map[string]struct{} {
	if len(ss) == 0 {
		return nil
	}
	m := make(map[string]struct{}, len(ss))
	for _, s := range ss {
		m[s] = struct{}{}
	}
	return m
}

func all(out []push.Result, tokens []string, r push.Result) []push.Result {
	for _, t := range tokens {
		r.Token = t
		out = append(out, r)
	}
	return out
}

// codeText is a code sent as a number (Honor) or a string.
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

// NotifyID maps a Push.NotifyID onto android.notification.notifyId: a
// non-negative int32 as is, anything else hashed (the same string always
// gives the same id).
func NotifyID(s string) int {
	if n, err := strconv.ParseInt(s, 10, 32); err == nil && n >= 0 {
		return int(n)
	}
	h := fnv.New32a()
	h.Write([]byte(s))
	return int(h.Sum32() & 0x7fffffff)
}

// RetryAfter parses a Retry-After header (seconds or an HTTP date).
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		return time.Duration(max(s, 0)) * time.Second
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
