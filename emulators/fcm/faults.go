package fcm

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/pushsim/pushsim/emulators/world"
)

// Injected faults name a rule of this vendor (world.FaultRuleOf).
func init() { rules = append(rules, world.FaultRuleOf(Vendor)) }

// FaultAnswer answers an injected fault as FCM answers the condition: a
// google.rpc.Status with the FcmError detail. Generic codes: rate and
// quota → 429 RESOURCE_EXHAUSTED / QUOTA_EXCEEDED with Retry-After (60 s,
// or none with App.Settings retry_after_429=off); unavailable → 503
// UNAVAILABLE with Retry-After (App.Quotas fault_retry_after, 30 s);
// auth-expired → 401 UNAUTHENTICATED; token-invalid → 404 UNREGISTERED.
// FCM's own codes (QUOTA_EXCEEDED, UNAVAILABLE, INTERNAL, UNREGISTERED,
// INVALID_ARGUMENT, SENDER_ID_MISMATCH, THIRD_PARTY_AUTH_ERROR) and the
// canonical UNAUTHENTICATED are answered with their documented status.
func (e *Emulator) FaultAnswer(code string, r *http.Request) (int, http.Header, []byte) {
	app := e.faultApp(r)
	retry := func(secs int) int {
		if app == nil {
			return secs
		}
		return retryAfter429(app, secs)
	}
	var f *failure
	switch code {
	case world.FaultRate, world.FaultQuota, "QUOTA_EXCEEDED", "RESOURCE_EXHAUSTED":
		f = quotaFailure(RuleQuotaDeviceMinute, "Quota exceeded (injected by pushsim).", "SendsPerMinutePerProject")
		f.retryAfter = retry(60)
	case world.FaultUnavailable, "UNAVAILABLE":
		secs := 30
		if app != nil {
			secs = max(1, app.Quota("fault_retry_after", 30))
		}
		f = &failure{status: http.StatusServiceUnavailable, grpc: "UNAVAILABLE", fcm: "UNAVAILABLE", msg: "The service is currently unavailable.", retryAfter: secs}
	case "INTERNAL":
		f = &failure{status: http.StatusInternalServerError, grpc: "INTERNAL", fcm: "INTERNAL", msg: "Internal error encountered."}
	case world.FaultAuthExpired, "UNAUTHENTICATED":
		f = &failure{status: http.StatusUnauthorized, grpc: "UNAUTHENTICATED",
			msg: "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."}
	case world.FaultTokenInvalid, "UNREGISTERED", "NOT_FOUND":
		f = &failure{status: http.StatusNotFound, grpc: "NOT_FOUND", fcm: "UNREGISTERED", msg: "Requested entity was not found."}
	case "SENDER_ID_MISMATCH", "PERMISSION_DENIED":
		f = &failure{status: http.StatusForbidden, grpc: "PERMISSION_DENIED", fcm: "SENDER_ID_MISMATCH", msg: "SenderId mismatch"}
	case "THIRD_PARTY_AUTH_ERROR":
		f = &failure{status: http.StatusUnauthorized, grpc: "UNAUTHENTICATED", fcm: "THIRD_PARTY_AUTH_ERROR", msg: "Auth error from APNS or Web Push Service"}
	default: // INVALID_ARGUMENT and anything else
		f = invalid("", "", "Request contains an invalid argument.")
		if code != "INVALID_ARGUMENT" {
			f.fcm = code
		}
	}
	rec := &capture{h: http.Header{}}
	writeRPC(rec, f)
	return f.status, rec.h, rec.b
}

// FaultTarget names the app (by the project in the send path) and the
// message's token.
func (e *Emulator) FaultTarget(r *http.Request, body []byte) (string, []string) {
	var app string
	if a := e.faultApp(r); a != nil {
		app = a.Name
	}
	var m struct {
		Message struct {
			Token string `json:"token"`
		} `json:"message"`
	}
	if json.Unmarshal(body, &m) == nil && m.Message.Token != "" {
		return app, []string{m.Message.Token}
	}
	return app, nil
}

// faultApp is the app of a send, by the project in its path.
func (e *Emulator) faultApp(r *http.Request) *world.App {
	rest, ok := strings.CutPrefix(r.URL.Path, "/v1/projects/")
	if !ok {
		return nil
	}
	project, _, _ := strings.Cut(rest, "/")
	if project == "" {
		return nil
	}
	a, _ := e.w.FindApp(Vendor, func(a *world.App) bool { return a.ID == project || a.Extra[ExtraSenderID] == project })
	return a
}

// capture keeps what writeRPC writes.
type capture struct {
	h http.Header
	b []byte
}

func (c *capture) Header() http.Header         { return c.h }
func (c *capture) WriteHeader(int)             {}
func (c *capture) Write(b []byte) (int, error) { c.b = append(c.b, b...); return len(b), nil }
