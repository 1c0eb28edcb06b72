// Package push is the vocabulary the dispatcher and its vendor clients share:
// a vendor-neutral Push, the per-token Result, the normalized outcome Kind and
// the Client interface each dispatcher/<vendor> package implements.
package push

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// Kind is the normalized outcome of one push to one device. Every vendor's
// answers are mapped onto these.
type Kind string

// Outcome kinds.
const (
	Suppressed Kind = "suppressed" // decided not to push (foreground, logged out, ...)
	Sent       Kind = "sent"       // the vendor accepted it
	Rejected   Kind = "rejected"   // the vendor refused it for good (bad token, bad field)
	OverQuota  Kind = "over-quota" // the vendor refused it for a quota; not retried today
	Failed     Kind = "failed"     // retryable failures until the retry budget ran out
	Retryable  Kind = "retryable"  // transient: a client returns it; the dispatcher retries
)

// Push is one notification in vendor-neutral form. Each vendor client maps
// it onto its own fields; Raw carries vendor-specific fields verbatim
// (form fields or JSON keys, as the client documents) for tests that need a
// field the neutral form lacks.
type Push struct {
	// ID is the dispatcher's message id; clients derive idempotency keys from
	// it (vivo requestId, OPPO app_message_id) so retries are never shown twice.
	ID          string
	Title       string
	Body        string
	Ext         string            // the IM ext string, must reach the app byte-identical
	Extras      map[string]string // custom key/values handed to the app
	PassThrough bool
	Channel     string // vendor channel id (Xiaomi channel_id, OPPO channel_id, FCM channel_id); "" = the certificate's
	// NoChannel sends no channel id at all, even if the certificate has one:
	// an IM message may set its OPPO channel to "" on purpose.
	NoChannel bool
	Class     string // "private" (IM / service) or "public" (marketing)
	Category  string // vendor category (Huawei/OPPO/vivo: IM)
	Sound     string
	Badge     int // unread count to set; 0 = leave
	NotifyID  string
	Click     Click
	TTL       time.Duration
	Raw       map[string]string
}

// Click is the click action of a push, from the push certificate.
type Click struct {
	// Type is "launcher", "activity", "intent", "url", or one vendor's own:
	// "action" (OPPO click_action_type 1), "custom" (vivo skipType 3).
	Type   string
	Target string // activity class, intent URI, URL, intent action or custom content
}

// ClickOr is the push's click action, or def (the certificate's) when the
// push sets none.
func (p *Push) ClickOr(def Click) Click {
	if p.Click.Type == "" {
		return def
	}
	return p.Click
}

// ActivityClass is a click target of type "activity" as a class name: the
// target without surrounding space and without the "activity:" prefix the
// guide writes for OPPO's console value ("activity：com.x.MainActivity",
// often with a full-width colon). A relative ".Main" stays relative.
func ActivityClass(target string) string {
	t := strings.TrimSpace(target)
	for _, p := range []string{"activity:", "activity："} {
		if rest, ok := strings.CutPrefix(t, p); ok {
			return strings.TrimSpace(rest)
		}
	}
	return t
}

// Result is a vendor's answer for one token.
type Result struct {
	Token        string
	Kind         Kind
	Code         string // vendor code as a string
	Reason       string
	MessageID    string // vendor message id
	InvalidToken bool   // the vendor said the token is dead: remove it
	RetryAfter   time.Duration
}

// Client sends pushes through one vendor app. Implementations live in
// dispatcher/<vendor>; they batch as the vendor allows and return one
// Result per token, in any order. A transport error for the whole call is
// reported as Retryable results, never lost.
type Client interface {
	Vendor() string
	Send(ctx context.Context, p Push, tokens []string) []Result
}

// Certificate is a push certificate (the guide's steps 2–4): one vendor app's
// credentials and the per-vendor settings an IM backend configures for it.
// Field use per vendor:
//   - xiaomi: AppSecret (Authorization: key=), Package, Channel (extra.channel_id)
//   - huawei: AppID (client_id), AppSecret (client_secret), Category, Importance
//   - oppo:   AppKey, MasterSecret, Channel, Category, NotifyLevel, TemplateID
//   - vivo:   AppID, AppKey, AppSecret, Classification, Category, PushMode
//   - meizu:  AppID, AppSecret, NoticeMsgType
//   - fcm:    ServiceAccount (the JSON key file's content), ProjectID, Channel
type Certificate struct {
	BusinessID     int               `json:"business_id" yaml:"business_id"`
	Vendor         string            `json:"vendor" yaml:"vendor"`
	AppID          string            `json:"app_id,omitempty" yaml:"app_id,omitempty"`
	AppKey         string            `json:"app_key,omitempty" yaml:"app_key,omitempty"`
	AppSecret      string            `json:"app_secret,omitempty" yaml:"app_secret,omitempty"`
	MasterSecret   string            `json:"master_secret,omitempty" yaml:"master_secret,omitempty"`
	ServiceAccount string            `json:"service_account,omitempty" yaml:"service_account,omitempty"`
	ProjectID      string            `json:"project_id,omitempty" yaml:"project_id,omitempty"`
	Package        string            `json:"package" yaml:"package"`
	BaseURL        string            `json:"base_url,omitempty" yaml:"base_url,omitempty"` // "" = the vendor's real host
	AuthURL        string            `json:"auth_url,omitempty" yaml:"auth_url,omitempty"` // token endpoint base; "" = BaseURL or the real host
	Click          Click             `json:"click" yaml:"click"`
	Channel        string            `json:"channel,omitempty" yaml:"channel,omitempty"`
	Category       string            `json:"category,omitempty" yaml:"category,omitempty"`
	Class          string            `json:"class,omitempty" yaml:"class,omitempty"`
	Importance     string            `json:"importance,omitempty" yaml:"importance,omitempty"`
	NotifyLevel    int               `json:"notify_level,omitempty" yaml:"notify_level,omitempty"`
	TemplateID     string            `json:"template_id,omitempty" yaml:"template_id,omitempty"`
	Classification int               `json:"classification,omitempty" yaml:"classification,omitempty"`
	NoticeMsgType  int               `json:"notice_msg_type,omitempty" yaml:"notice_msg_type,omitempty"`
	PushMode       int               `json:"push_mode,omitempty" yaml:"push_mode,omitempty"`
	Sound          string            `json:"sound,omitempty" yaml:"sound,omitempty"`
	Settings       map[string]string `json:"settings,omitempty" yaml:"settings,omitempty"`
	// Manifest is the app's AndroidManifest.xml or .apk (a path; in a
	// certificates file, relative to it): Click is checked against it at load.
	Manifest string `json:"manifest,omitempty" yaml:"manifest,omitempty"`
}

// Options are what a vendor client takes besides its certificate.
type Options struct {
	HTTPClient *http.Client     // nil = http.DefaultClient
	Now        func() time.Time // for token expiry; nil = time.Now
	Timeout    time.Duration    // per vendor call; 0 = 10s
}

// NewClient builds a vendor client from a certificate; each dispatcher/<vendor>
// package exports one as New.
type NewClient func(cert Certificate, opt Options) (Client, error)

// WithDefaults fills what the caller left unset: http.DefaultClient, the
// wall clock, and timeout for each vendor call.
func (o Options) WithDefaults(timeout time.Duration) Options {
	if o.HTTPClient == nil {
		o.HTTPClient = http.DefaultClient
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Timeout <= 0 {
		o.Timeout = timeout
	}
	return o
}
