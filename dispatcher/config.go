package dispatcher

import (
	"context"
	"net/http"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// Config is everything a Dispatcher is built from. Only Certificates is
// required; every other field has a production default.
type Config struct {
	// Certificates are the push certificates (guide steps 2–4), one per
	// vendor app, keyed by BusinessID.
	Certificates []push.Certificate
	// HTTPClient carries every vendor call (nil = http.DefaultClient).
	HTTPClient *http.Client
	// Now is the clock (nil = time.Now).
	Now func() time.Time
	// Sleep waits d or until ctx ends (nil = a real timer). A harness on a
	// virtual clock passes one that advances the clock instead.
	Sleep func(ctx context.Context, d time.Duration) error
	// Retry shapes the retries of retryable vendor answers.
	Retry RetryPolicy
	// Circuit shapes the per-vendor circuit breaker (circuit.go).
	Circuit CircuitPolicy
	// Store holds devices, tokens, sessions and outcomes (nil = NewMemoryStore(0)).
	Store Store
	// Placeholder, when set, is the body of every image, voice, file and
	// video message; Placeholders sets them one by one. Defaults:
	// DefaultPlaceholders.
	Placeholder  string
	Placeholders map[string]string
	// VendorQPS overrides the per-vendor request rate (requests per second
	// per certificate; negative = unpaced). Defaults: the vendor table.
	VendorQPS map[string]int
	// Limits overrides a vendor's title/body/batch limits (zero fields keep
	// the built-in value).
	Limits map[string]Limits
	// Seed makes message ids and retry jitter reproducible (0 = from the
	// wall clock).
	Seed uint64
	// Clients overrides the client constructor of a vendor (tests inject
	// fakes here); vendors not listed use the built-in registry.
	Clients map[string]push.NewClient
	// Timeout bounds each vendor HTTP call (0 = 10s); one client Send (an
	// auth call, the push, one re-auth) is bounded by three of them.
	Timeout time.Duration
	// NotifyPerConversation makes a conversation's newer notification replace
	// its older one on the phone (notify id = the conversation). By default
	// every message gets its own notify id and its own notification: a
	// vendor default (Xiaomi notify_id 0) would otherwise show one message only.
	NotifyPerConversation bool
	// Concurrency bounds the vendor requests one Send has in flight (0 = 16).
	// FCM's one-token requests are what it mostly paces.
	Concurrency int
}

// RetryPolicy bounds the retries of retryable answers: exponential backoff
// from BaseDelay, doubled per attempt, capped at MaxDelay, with a seeded
// jitter; a vendor's Retry-After wins when longer (clamped to MaxDelay).
// Retries stop after MaxAttempts calls or when the next wait would pass
// MaxTotal since the first call; the device then ends failed.
type RetryPolicy struct {
	MaxAttempts int           // calls per device including the first (0 = 4)
	BaseDelay   time.Duration // wait before the first retry (0 = 500ms)
	MaxDelay    time.Duration // longest single wait, also the Retry-After clamp (0 = 30s)
	MaxTotal    time.Duration // longest time from first call to last retry (0 = 2m)
	Jitter      float64       // ± share of each wait drawn from the seed (0 = 0.2; negative = none)
}

// DefaultPlaceholders are the bodies of non-text messages (the guide's
// Tencent IM defaults).
var DefaultPlaceholders = map[string]string{
	TypeImage: "[图片]",
	TypeVoice: "[语音]",
	TypeFile:  "[文件]",
	TypeVideo: "[视频]",
}

func (r RetryPolicy) withDefaults() RetryPolicy {
	if r.MaxAttempts <= 0 {
		r.MaxAttempts = 4
	}
	if r.BaseDelay <= 0 {
		r.BaseDelay = 500 * time.Millisecond
	}
	if r.MaxDelay <= 0 {
		r.MaxDelay = 30 * time.Second
	}
	if r.MaxTotal <= 0 {
		r.MaxTotal = 2 * time.Minute
	}
	switch {
	case r.Jitter == 0:
		r.Jitter = 0.2
	case r.Jitter < 0:
		r.Jitter = 0
	case r.Jitter > 1:
		r.Jitter = 1
	}
	return r
}

// sleepReal waits on a timer.
func sleepReal(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
