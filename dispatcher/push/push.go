// Package push is the vocabulary the dispatcher and its vendor clients share:
// a vendor-neutral Push, the per-token Result, the normalized outcome Kind and
// the Client interface each dispatcher/<vendor> package implements.
package push

import (
	"context"
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
	Channel     string // vendor channel id (Xiaomi channel_id, OPPO channel_id, FCM channel_id)
	Class       string // "private" (IM / service) or "public" (marketing)
	Category    string // vendor category (Huawei/OPPO/vivo: IM)
	Sound       string
	Badge       int // unread count to set; 0 = leave
	NotifyID    string
	Click       Click
	TTL         time.Duration
	Raw         map[string]string
}

// Click is the click action of a push, from the push certificate.
type Click struct {
	Type   string // "launcher", "activity", "intent", "url"
	Target string // activity class, intent URI or URL
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
