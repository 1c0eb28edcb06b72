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
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/dispatcher/internal/hms"
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

	defaultTimeout = 10 * time.Second
)

// codeSuccess is Honor's own success code (§2.4); the error codes the
// client acts on are Huawei's numbers (hms.Code*).
const codeSuccess = "200"

// Certificate settings this client reads (push.Certificate.Settings).
const (
	SettingTokenPath   = "token_path"
	SettingBadgeClass  = "badge_class"
	SettingTestMessage = "test_message"
)

// Client sends pushes through one Honor app. It is safe for concurrent use.
type Client struct {
	cert push.Certificate
	opt  push.Options
	auth hms.OAuth // the access token, one fetch shared by concurrent senders
	send hms.Sender
}

// New builds a client for an Honor certificate.
func New(cert push.Certificate, opt push.Options) (push.Client, error) {
	opt = opt.WithDefaults(defaultTimeout)
	if err := cert.Require(Vendor, "app_id (the App ID)", "app_key (the Client ID)", "app_secret (the Client Secret)"); err != nil {
		return nil, err
	}
	base, auth, err := cert.ServerURLs(DefaultBaseURL, DefaultAuthURL)
	if err != nil {
		return nil, fmt.Errorf("honor: %w", err)
	}
	path := TokenPath
	if p := cert.Settings[SettingTokenPath]; p != "" {
		path = "/" + strings.TrimLeft(p, "/")
	}
	c := &Client{
		cert: cert,
		opt:  opt,
		// Client credentials (§2.2): the Client ID and Secret, not the App
		// ID. The token answer and its errors are undocumented, so it is
		// read leniently.
		auth: hms.OAuth{Options: opt, URL: auth + path, ClientID: cert.AppKey, ClientSecret: cert.AppSecret,
			ContentType: "application/x-www-form-urlencoded", Name: "honor auth", ResultCode: "auth"},
	}
	c.send = hms.Sender{Options: opt, URL: base + "/api/v1/" + url.PathEscape(cert.AppID) + "/sendMessage", Auth: &c.auth,
		BatchSize: MaxBatch, Marshal: push.Marshal, Answer: func() hms.Answer { return &answer{} }}
	return c, nil
}

// Vendor returns "honor".
func (c *Client) Vendor() string { return Vendor }

// Send posts p to tokens, at most MaxBatch per request, and returns one
// Result per token.
func (c *Client) Send(ctx context.Context, p push.Push, tokens []string) []push.Result {
	return c.send.Send(ctx, tokens, p.Raw, c.request(p), c.header)
}

// header: JSON, the bearer, and the time in epoch milliseconds (§2.2).
func (c *Client) header(h http.Header, access string) {
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("Authorization", "Bearer "+access)
	h.Set("timestamp", strconv.FormatInt(c.opt.Now().UnixMilli(), 10))
}

// answer is one send response: code, message and data (§2.4).
type answer struct {
	hms.Reply
	Message string `json:"message"`
	Data    *data  `json:"data"`
}

type data struct {
	SendResult   *bool    `json:"sendResult"`
	RequestID    string   `json:"requestId"`
	FailTokens   []string `json:"failTokens"`
	ExpireTokens []string `json:"expireTokens"`
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

// Results maps the answer onto one Result per token.
func (a *answer) Results(out []push.Result, tokens []string) []push.Result {
	if r, whole := a.Whole(a.Message); whole {
		return push.AppendAll(out, tokens, r)
	}
	code := string(a.Code)
	switch {
	case a.success():
		return a.perToken(out, tokens, push.Result{Kind: push.Sent, Code: code, MessageID: a.requestID()})
	case code == hms.CodeAllInvalid:
		// Tokens named in the lists are dead; without lists all are.
		if a.Data != nil && len(a.Data.FailTokens)+len(a.Data.ExpireTokens) > 0 {
			return a.perToken(out, tokens, push.Result{Kind: push.Rejected, Code: code, Reason: a.Message, MessageID: a.requestID()})
		}
		return push.AppendAll(out, tokens, push.Result{Kind: push.Rejected, Code: code, Reason: a.Message, MessageID: a.requestID(), InvalidToken: true})
	case code == hms.CodeTestLimit:
		return push.AppendAll(out, tokens, push.Result{Kind: push.OverQuota, Code: code, Reason: a.Message})
	case code == hms.CodeExpired, code == hms.CodeInternal:
		// Expired even after a refresh, and internal errors, pass.
		return push.AppendAll(out, tokens, push.Result{Kind: push.Retryable, Code: code, Reason: a.Message, RetryAfter: a.RetryAfter})
	default:
		// 80200001 after a fresh token, 80300002, 80300008, 80300010,
		// 80100001, 80100003, 80100016 and unknown codes do not change on a retry.
		return push.AppendAll(out, tokens, push.Result{Kind: push.Rejected, Code: code, Reason: a.Message, MessageID: a.requestID()})
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

// NotifyID maps a Push.NotifyID onto android.notification.notifyId: a
// non-negative int32 as is, anything else hashed (the same string always
// gives the same id).
func NotifyID(s string) int { return int(push.AndroidNotifyID(s)) }

// RetryAfter parses a Retry-After header (seconds or an HTTP date).
func RetryAfter(v string, now time.Time) time.Duration { return push.RetryAfter(v, now) }
