package world

import (
	"net/http"
	"strings"
)

// Fault codes every vendor answers in its own shape, besides its own codes
// (emulators/faults injects them; FaultAnswerer renders them).
const (
	FaultRate         = "rate"          // the app's request rate is exceeded: retry later
	FaultQuota        = "quota"         // a daily quota is spent: not before tomorrow
	FaultUnavailable  = "unavailable"   // the server is busy or in flow control: retry later
	FaultAuthExpired  = "auth-expired"  // the access token expired: authenticate again
	FaultTokenInvalid = "token-invalid" // the target token is invalid or expired: drop it
)

// FaultCodes lists the generic fault codes.
var FaultCodes = []string{FaultRate, FaultQuota, FaultUnavailable, FaultAuthExpired, FaultTokenInvalid}

// KindFault is the ledger kind of a fault that disturbed a request the
// vendor still handled (latency, a truncated or malformed answer); the
// vendor's own entry says what it decided. A fault that replaced the
// vendor's answer is a KindRequest entry.
const KindFault = "fault"

// FaultRule is the ledger rule of every injected fault of a vendor:
// "<vendor>.fault.injected".
func FaultRule(vendor string) string { return vendor + ".fault.injected" }

// FaultAnswerer is a vendor that answers an injected fault the way the real
// vendor answers that condition: its HTTP status, headers and JSON envelope.
// code is one of the generic FaultCodes or one of the vendor's own codes
// ("80200003", "-2", "110010", "QUOTA_EXCEEDED"); r is the request, whose
// body can be read again. A vendor that does not implement it gets a plain
// JSON answer.
type FaultAnswerer interface {
	FaultAnswer(code string, r *http.Request) (status int, header http.Header, body []byte)
}

// FaultTargeter is a vendor that can tell, from a request and its body,
// which app it is for (the app's Name) and which push tokens it targets;
// fault rules match on them and the magic tokens are looked for in them.
// Without it the whole body is searched.
type FaultTargeter interface {
	FaultTarget(r *http.Request, body []byte) (app string, tokens []string)
}

// Magic words: a push token that contains one behaves so on every vendor,
// for one-line scripts against `pushsim serve`.
const (
	// MagicUninstalled: a phone registered with such a token has the app
	// uninstalled (each vendor answers or drops as it does for that).
	MagicUninstalled = "UNINSTALLED"
	// MagicExpired: the token is not known to the vendor any more (each
	// vendor's invalid-token answer), even when a phone registered it.
	MagicExpired = "EXPIRED"
	// MagicQuota: a push request carrying it is answered over quota.
	MagicQuota = "QUOTA"
	// MagicSlow: a push request carrying it is answered late.
	MagicSlow = "SLOW"
)

// TokenExpired reports whether a token carries the EXPIRED magic word.
func TokenExpired(token string) bool { return strings.Contains(token, MagicExpired) }

// TokenUninstalled reports whether a token carries the UNINSTALLED magic word.
func TokenUninstalled(token string) bool { return strings.Contains(token, MagicUninstalled) }

// FaultRuleOf is the rule each vendor lists for the faults injected into
// its requests, so that ledger entries naming it are in the catalogue.
func FaultRuleOf(vendor string) Rule {
	return Rule{
		ID: FaultRule(vendor), Vendor: vendor, Level: SHOULD, Confidence: "documented",
		Statement: "A fault injected through /_pushsim/faults, a scenario's fault step or a magic token (QUOTA, SLOW) answers or disturbs exactly the requests it matches, in the vendor's own shape, and the ledger names it",
		Source:    "pushsim fault injection (emulators/faults), not a vendor-facts/ rule",
	}
}
