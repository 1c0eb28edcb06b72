package fcm

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// Throttling (vendor-facts §3.5). Each limit is an App.Quotas key; a
// negative value switches it off.
const (
	defProjectPerMinute  = 600000 // project_per_minute
	defDevicePerMinute   = 240    // device_per_minute
	defDevicePerHour     = 5000   // device_per_hour
	defCollapsibleBurst  = 20     // collapsible_burst
	defCollapsibleRefill = 180    // collapsible_refill_seconds
	defCollapseKeys      = 4      // collapse_keys: stored per offline device
	defPendingMessages   = 100    // pending_messages: stored per offline device
)

// projectQuota counts one message against the project's per-minute quota.
// Client errors count too ("quota counts messages, not requests"), so it is
// taken before the message is validated.
func (e *Emulator) projectQuota(app *world.App, now time.Time) *failure {
	limit := app.Quota("project_per_minute", defProjectPerMinute)
	if limit < 0 || e.w.Quotas().TakeRate("fcm/project/"+app.ID+"/minute", limit, time.Minute, now) {
		return nil
	}
	f := quotaFailure(RuleQuotaProject,
		"Quota exceeded for quota metric 'Send requests' and limit 'Send requests per minute' of service 'fcm.googleapis.com' for consumer 'project_number:"+app.Extra[ExtraSenderID]+"'.",
		"SendsPerMinutePerProject")
	f.retryAfter = retryAfter429(app, 60)
	return f
}

// deviceQuota applies the per-device rates: 240 a minute and 5000 an hour.
func (e *Emulator) deviceQuota(app *world.App, dev string, now time.Time) *failure {
	q := e.w.Quotas()
	if limit := app.Quota("device_per_hour", defDevicePerHour); limit >= 0 && !q.TakeRate("fcm/device/"+dev+"/hour", limit, time.Hour, now) {
		f := quotaFailure(RuleQuotaDeviceHour, "Message rate exceeded for this device: at most "+strconv.Itoa(limit)+" messages an hour.", "DeviceMessagesPerHour")
		f.retryAfter = retryAfter429(app, 3600)
		return f
	}
	if limit := app.Quota("device_per_minute", defDevicePerMinute); limit >= 0 && !q.TakeRate("fcm/device/"+dev+"/minute", limit, time.Minute, now) {
		f := quotaFailure(RuleQuotaDeviceMinute, "Message rate exceeded for this device: at most "+strconv.Itoa(limit)+" messages a minute.", "DeviceMessagesPerMinute")
		f.retryAfter = retryAfter429(app, 60)
		return f
	}
	return nil
}

// quotaFailure is 429 RESOURCE_EXHAUSTED with the QUOTA_EXCEEDED FcmError
// and a QuotaFailure detail. The per-device texts are not documented
// [inferred]; the project text is Google's.
func quotaFailure(rule, msg, subject string) *failure {
	return &failure{status: http.StatusTooManyRequests, grpc: "RESOURCE_EXHAUSTED", fcm: "QUOTA_EXCEEDED", msg: msg, rule: rule,
		quota: &quotaViolation{subject: subject, description: msg}}
}

// retryAfter429 is the Retry-After of a 429. FCM documents Retry-After only
// for 503 (vendor-facts §3.7); pushsim sends the time until the window has
// room by default, App.Settings retry_after_429=off drops the header.
func retryAfter429(app *world.App, secs int) int {
	if app.Setting("retry_after_429", "on") == "off" {
		return 0
	}
	return secs
}

// bucket is a token bucket for collapsible messages: a burst of 20 per app
// per device, refilled one every 3 minutes. The world's counter has daily
// caps and sliding windows but no bucket, so the emulator keeps this one
// itself (dropped with the world's generation).
type bucket struct {
	tokens float64
	at     time.Time
}

func (e *Emulator) collapsibleQuota(app *world.App, dev string, now time.Time) *failure {
	burst := app.Quota("collapsible_burst", defCollapsibleBurst)
	if burst < 0 {
		return nil
	}
	refill := time.Duration(max(1, app.Quota("collapsible_refill_seconds", defCollapsibleRefill))) * time.Second
	key := app.Name + "/" + dev
	e.mu.Lock()
	e.freshLocked()
	b, ok := e.buckets[key]
	if !ok {
		b = bucket{tokens: float64(burst), at: now}
	}
	if now.After(b.at) {
		b.tokens = math.Min(float64(burst), b.tokens+float64(now.Sub(b.at))/float64(refill))
		b.at = now
	}
	allowed := b.tokens >= 1
	if allowed {
		b.tokens--
	}
	e.buckets[key] = b
	wait := time.Duration((1 - b.tokens) * float64(refill))
	e.mu.Unlock()
	if allowed {
		return nil
	}
	f := quotaFailure(RuleQuotaCollapsible, "Collapsible message rate exceeded for this device: a burst of "+strconv.Itoa(burst)+
		", then one every "+strconv.Itoa(int(refill/time.Second))+" seconds.", "CollapsibleMessagesPerDevice")
	f.retryAfter = retryAfter429(app, int(math.Ceil(wait.Seconds())))
	return f
}

// fault answers App.Settings fault: "unavailable" (503 with Retry-After) or
// "internal" (500), for every send while set, or for the next
// App.Quotas fault_count sends when that is positive. App.Quotas
// fault_retry_after sets the 503's Retry-After (default 30 s).
func (e *Emulator) fault(app *world.App, now time.Time) *failure {
	kind := app.Setting("fault", "")
	if kind == "" {
		return nil
	}
	if n := app.Quota("fault_count", 0); n > 0 && !e.w.Quotas().TakeRate("fcm/fault/"+app.Name, n, 100*365*24*time.Hour, now) {
		return nil
	}
	switch kind {
	case "unavailable":
		return &failure{status: http.StatusServiceUnavailable, grpc: "UNAVAILABLE", fcm: "UNAVAILABLE", rule: RuleServerUnavailable,
			msg: "The service is currently unavailable.", retryAfter: max(1, app.Quota("fault_retry_after", 30))}
	case "internal":
		return &failure{status: http.StatusInternalServerError, grpc: "INTERNAL", fcm: "INTERNAL", rule: RuleServerInternal,
			msg: "Internal error encountered."}
	}
	return nil
}
