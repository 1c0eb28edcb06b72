package apns

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"strconv"

	"github.com/pushsim/pushsim/emulators/world"
)

// failure is one refused request: Apple's status and reason string
// (vendor-facts §1.4), the rule that refused it and why, for the ledger.
type failure struct {
	status    int
	reason    string
	rule      string
	msg       string
	timestamp int64 // epoch ms, only on 410
}

// reasons maps every documented reason string onto its HTTP status (§1.4).
var reasons = map[string]int{
	"BadCollapseId":               400,
	"BadDeviceToken":              400,
	"BadExpirationDate":           400,
	"BadMessageId":                400,
	"BadPriority":                 400,
	"BadTopic":                    400,
	"DeviceTokenNotForTopic":      400,
	"DuplicateHeaders":            400,
	"IdleTimeout":                 400,
	"InvalidPushType":             400,
	"MissingDeviceToken":          400,
	"MissingTopic":                400,
	"PayloadEmpty":                400,
	"TopicDisallowed":             400,
	"BadCertificate":              403,
	"BadCertificateEnvironment":   403,
	"ExpiredProviderToken":        403,
	"Forbidden":                   403,
	"InvalidProviderToken":        403,
	"MissingProviderToken":        403,
	"BadPath":                     404,
	"MethodNotAllowed":            405,
	"ExpiredToken":                410,
	"Unregistered":                410,
	"PayloadTooLarge":             413,
	"TooManyProviderTokenUpdates": 429,
	"TooManyRequests":             429,
	"InternalServerError":         500,
	"ServiceUnavailable":          503,
	"Shutdown":                    503,
}

// Reasons lists every reason string APNs answers with, and its status.
func Reasons() map[string]int {
	out := make(map[string]int, len(reasons))
	for k, v := range reasons {
		out[k] = v
	}
	return out
}

// body is Apple's error JSON: {"reason":"..."} plus "timestamp" on 410.
func (f *failure) body() []byte {
	b := make([]byte, 0, 48+len(f.reason))
	b = append(b, `{"reason":`...)
	if plainWord(f.reason) {
		b = append(b, '"')
		b = append(b, f.reason...)
		b = append(b, '"')
	} else { // an injected fault's code may be anything
		q, _ := json.Marshal(f.reason)
		b = append(b, q...)
	}
	if f.status == http.StatusGone {
		b = append(b, `,"timestamp":`...)
		b = strconv.AppendInt(b, f.timestamp, 10)
	}
	return append(b, '}')
}

var hdrJSON = []string{"application/json"}

// fail answers a refused request and records it.
func (e *Emulator) fail(w http.ResponseWriter, rq *request, entry *world.Entry, f *failure) {
	if rq.id == "" {
		rq.id = e.newUUID(true)
	}
	b := f.body()
	h := w.Header()
	h["Apns-Id"] = []string{rq.id}
	h["Content-Type"] = hdrJSON
	w.WriteHeader(f.status)
	_, _ = w.Write(b)
	entry.Status, entry.Verdict, entry.Code, entry.Rule, entry.Reason = f.status, world.VerdictRejected, f.reason, f.rule, f.msg
	entry.MessageID, entry.Response = rq.id, string(b)
	e.w.Record(*entry)
}

const hexDigits = "0123456789abcdef"
const hexUpper = "0123456789ABCDEF"

// newUUID makes a version-4 UUID from the world's seeded source: upper
// case as APNs writes the apns-id it makes (§1.4), lower case otherwise.
func (e *Emulator) newUUID(upper bool) string {
	var hi, lo uint64
	e.w.Rand(func(r *rand.Rand) { hi, lo = r.Uint64(), r.Uint64() })
	var raw [16]byte
	for i := 0; i < 8; i++ {
		raw[i] = byte(hi >> (8 * i))
		raw[8+i] = byte(lo >> (8 * i))
	}
	raw[6] = raw[6]&0x0f | 0x40
	raw[8] = raw[8]&0x3f | 0x80
	digits := hexDigits
	if upper {
		digits = hexUpper
	}
	var out [36]byte
	j := 0
	for i, c := range raw {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out[j] = '-'
			j++
		}
		out[j], out[j+1] = digits[c>>4], digits[c&0xf]
		j += 2
	}
	return string(out[:])
}

// FaultAnswer answers an injected fault as APNs would: a generic code
// (rate, quota → 429 TooManyRequests; unavailable → 503
// ServiceUnavailable; auth-expired → 403 ExpiredProviderToken;
// token-invalid → 410 Unregistered) or any reason string of §1.4 with its
// status; an unknown code is answered 500 with it as the reason.
func (e *Emulator) FaultAnswer(code string, r *http.Request) (int, http.Header, []byte) {
	reason := code
	switch code {
	case world.FaultRate, world.FaultQuota:
		reason = "TooManyRequests"
	case world.FaultUnavailable:
		reason = "ServiceUnavailable"
	case world.FaultAuthExpired:
		reason = "ExpiredProviderToken"
	case world.FaultTokenInvalid:
		reason = "Unregistered"
	}
	status, ok := reasons[reason]
	if !ok {
		status = http.StatusInternalServerError
	}
	f := failure{status: status, reason: reason, timestamp: e.now().UnixMilli()}
	id := r.Header.Get("Apns-Id")
	if !isUUID(id) {
		id = e.newUUID(true)
	}
	h := http.Header{"Apns-Id": {id}, "Content-Type": hdrJSON}
	return status, h, f.body()
}

// FaultTarget names the app (by the topic's bundle) and the device token
// of a request, for fault rules and magic tokens.
func (e *Emulator) FaultTarget(r *http.Request, _ []byte) (string, []string) {
	_, path := environment(r)
	var tokens []string
	if len(path) > len(PathPrefix) && path[:len(PathPrefix)] == PathPrefix {
		tokens = []string{path[len(PathPrefix):]}
	}
	base, _ := splitTopic(r.Header.Get("Apns-Topic"))
	name := ""
	if base != "" {
		if a, ok := e.w.FindAppShared(Vendor, func(a *world.App) bool { return a.Package == base }); ok {
			name = a.Name
		}
	}
	return name, tokens
}

// plainWord reports whether s needs no JSON escaping (Apple's reasons never do).
func plainWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
