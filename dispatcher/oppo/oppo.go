// Package oppo is the dispatcher's OPPO (HeyTap) Push client. It signs in
// with the app's AppKey and MasterSecret (POST /server/v1/auth), caches the
// auth_token for its 24 hours (refreshed an hour early, and once more when
// OPPO answers 11), turns a push.Push into OPPO's notification JSON and sends
// it with unicast (one target) or unicast_batch (up to 1000), mapping every
// answer onto one push.Result per token.
//
// Each message carries an app_message_id derived from Push.ID and the token
// (AppMessageID), so a retry of the same push to the same phone is answered
// with success by OPPO and never shown twice. The Push's Ext and Extras
// travel in action_parameters, Ext under the key "ext" (ExtKey).
//
// Facts: vendor-facts/huawei-oppo-fcm-honor.md §2 and
// vendor-facts/addendum-gaps-closed.md §3.
package oppo

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// Wire facts (vendor-facts §2.1–2.3).
const (
	// Vendor is the name the dispatcher knows this client by.
	Vendor = "oppo"
	// DefaultBaseURL is the documented China host; the newer
	// https://api-push-cn.heytapmobi.com answers too (addendum §3.1) and can
	// be set as the certificate's base_url.
	DefaultBaseURL = "https://api.push.oppomobile.com"
	AuthPath       = "/server/v1/auth"
	UnicastPath    = "/server/v1/message/notification/unicast"
	BatchPath      = "/server/v1/message/notification/unicast_batch"
	// MaxBatch is the most messages one unicast_batch may carry.
	MaxBatch = 1000
	// TokenLifetime is how long OPPO honours an auth_token.
	TokenLifetime = 24 * time.Hour
	// RefreshAhead is how long before expiry the cached token is replaced.
	RefreshAhead = time.Hour

	defaultTimeout = 10 * time.Second
	maxAnswer      = 4 << 20 // bytes of a response we read (1000 batch results fit)
)

// Client sends pushes through one OPPO app. It is safe for concurrent use.
type Client struct {
	cert     push.Certificate
	base     string
	authBase string
	hc       *http.Client
	now      func() time.Time
	timeout  time.Duration

	tokens push.TokenCache // the auth_token; concurrent senders share one sign-in
}

// New builds a client for an OPPO certificate, which must carry AppKey and
// MasterSecret. BaseURL "" means OPPO's real host; AuthURL "" means BaseURL.
func New(cert push.Certificate, opt push.Options) (push.Client, error) {
	opt = opt.WithDefaults(defaultTimeout)
	if err := cert.Require(Vendor, "app_key", "master_secret"); err != nil {
		return nil, err
	}
	base, authBase, err := cert.ServerURLs(DefaultBaseURL, "") // AuthURL "" means BaseURL
	if err != nil {
		return nil, fmt.Errorf("oppo: base url: %w", err)
	}
	c := &Client{cert: cert, base: base, authBase: authBase, hc: opt.HTTPClient, now: opt.Now, timeout: opt.Timeout}
	return c, nil
}

// Vendor returns "oppo".
func (c *Client) Vendor() string { return Vendor }

// Send pushes p to every token: one unicast for a single token, else
// unicast_batch requests of at most MaxBatch. It returns one Result per
// token, in the order of tokens.
func (c *Client) Send(ctx context.Context, p push.Push, tokens []string) []push.Result {
	if len(tokens) == 0 {
		return nil
	}
	out := make([]push.Result, 0, len(tokens))
	if p.PassThrough {
		// OPPO's server API only sends notification-bar messages.
		return push.AppendAll(out, tokens, push.Result{Kind: push.Rejected, Code: "unsupported", Reason: "oppo: no pass-through messages"})
	}
	notif, err := c.notification(p)
	if err != nil {
		return push.AppendAll(out, tokens, push.Result{Kind: push.Rejected, Code: "request", Reason: err.Error()})
	}
	if len(tokens) == 1 {
		return append(out, c.unicast(ctx, p.ID, notif, tokens[0]))
	}
	for start := 0; start < len(tokens); start += MaxBatch {
		end := min(start+MaxBatch, len(tokens))
		out = c.batch(ctx, p.ID, notif, tokens[start:end], out)
	}
	return out
}
