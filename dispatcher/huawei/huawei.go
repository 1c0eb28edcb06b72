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
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/pushsim/pushsim/dispatcher/internal/hms"
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

	defaultTimeout = 10 * time.Second
)

// Result codes the client acts on besides hms.Code* (§1.4).
const (
	codeSuccess   = "80000000"
	codePartial   = "80100000"
	codeOAuthFail = "80600003" // request to the OAuth service failed
)

// Client sends pushes through one Huawei app. It is safe for concurrent use.
type Client struct {
	cert push.Certificate
	auth hms.OAuth // the access token, one fetch shared by concurrent senders
	send hms.Sender
}

// New builds a client for a Huawei certificate: AppID is the OAuth
// client_id (= the appId in the send URL), AppSecret the client secret.
func New(cert push.Certificate, opt push.Options) (push.Client, error) {
	opt = opt.WithDefaults(defaultTimeout)
	if cert.Settings[SettingAPI] == "v3" { // HarmonyOS NEXT (v3.go)
		return newV3(cert, opt)
	}
	if err := cert.Require(Vendor, "app_id", "app_secret"); err != nil {
		return nil, err
	}
	base, auth, err := cert.ServerURLs(DefaultBaseURL, DefaultAuthURL)
	if err != nil {
		return nil, fmt.Errorf("huawei: %w", err)
	}
	c := &Client{
		cert: cert,
		// The client credentials url-encoded as the official Python demo
		// sends them; the answer read as documented, the refusal's
		// sub_error first.
		auth: hms.OAuth{Options: opt, URL: auth + TokenPath, ClientID: cert.AppID, ClientSecret: cert.AppSecret,
			ContentType: "application/x-www-form-urlencoded;charset=utf-8", Typed: true, SubError: true,
			Name: "huawei oauth", CodeName: "error ", ResultCode: "oauth"},
	}
	// The body as this client has always encoded it: json.Marshal, HTML escaped.
	c.send = hms.Sender{Options: opt, URL: base + "/v1/" + url.PathEscape(cert.AppID) + "/messages:send", Auth: &c.auth,
		BatchSize: MaxBatch, Marshal: json.Marshal, Answer: func() hms.Answer { return &answer{} }}
	return c, nil
}

// Vendor returns "huawei".
func (c *Client) Vendor() string { return Vendor }

// Send posts p to tokens, at most MaxBatch per request, and returns one
// Result per token: one request per batch, and one more after refreshing
// the access token if it was refused.
func (c *Client) Send(ctx context.Context, p push.Push, tokens []string) []push.Result {
	return c.send.Send(ctx, tokens, p.Raw, c.request(p), header)
}

func header(h http.Header, access string) {
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Authorization", "Bearer "+access)
}

// answer is one send response (§1.4).
type answer struct {
	hms.Reply
	Msg       string `json:"msg"`
	RequestID string `json:"requestId"`
}

// Results maps the answer onto one Result per token.
func (a *answer) Results(out []push.Result, tokens []string) []push.Result {
	// Flow control (HTTP 503, §1.5) passes, whatever code comes with it.
	if r, whole := a.Whole(a.Msg); whole {
		return push.AppendAll(out, tokens, r)
	}
	code := string(a.Code)
	switch {
	case code == codeSuccess:
		return push.AppendAll(out, tokens, push.Result{Kind: push.Sent, Code: code, Reason: a.Msg, MessageID: a.RequestID})
	case code == codePartial:
		return a.partial(out, tokens)
	case code == hms.CodeAllInvalid:
		return push.AppendAll(out, tokens, push.Result{Kind: push.Rejected, Code: code, Reason: a.Msg, MessageID: a.RequestID, InvalidToken: true})
	case code == hms.CodeExpired, code == hms.CodeInternal, code == codeOAuthFail:
		// Expired even after a refresh and internal errors pass. Huawei v1
		// has no quota code: its daily caps drop messages on the phone side
		// without an error, so nothing maps to OverQuota.
		return push.AppendAll(out, tokens, push.Result{Kind: push.Retryable, Code: code, Reason: a.Msg, RetryAfter: a.RetryAfter})
	default:
		// 80200001 after a fresh token, 80300002 (no permission), 80300008
		// (too big), 80300010, 80100001, 80100003, 80100013, 80100016 and
		// 80300011 do not change on a retry.
		return push.AppendAll(out, tokens, push.Result{Kind: push.Rejected, Code: code, Reason: a.Msg, MessageID: a.RequestID})
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
		return push.AppendAll(out, tokens, push.Result{Kind: push.Sent, Code: codePartial, Reason: "partial success, illegal tokens not listed: " + a.Msg, MessageID: a.RequestID})
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

// NotifyID maps a Push.NotifyID onto android.notification.notify_id: a
// non-negative int32 is used as is, anything else is hashed so that the same
// string always gives the same id.
func NotifyID(s string) int { return int(push.AndroidNotifyID(s)) }

// RetryAfter parses a Retry-After header (seconds or an HTTP date); 0 when
// absent or unreadable.
func RetryAfter(v string, now time.Time) time.Duration { return push.RetryAfter(v, now) }
