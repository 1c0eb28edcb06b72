// Package honor emulates Honor Push (荣耀推送服务), the push service Honor
// phones use since Honor left Huawei's HMS: the client-credentials token
// endpoint of Honor's developer IAM (iam.developer.honor.com, both the
// current /auth/token path and the Keycloak realm path of the 2023 guide)
// and POST /api/v1/{appId}/sendMessage on push-api.cloud.honor.com (and the
// older *.hihonor.com hosts), with Honor's flat camelCase body, its
// {code, message, data:{sendResult, requestId, failTokens, expireTokens}}
// answer, the two message classes (importance NORMAL = service &
// communication, LOW = news & marketing, capped per phone per day), test
// messages (android.targetUserType 1) and what a MagicOS phone does with
// each field.
//
// Facts: vendor-facts/apns-honor-huawei-v3.md §2 and huawei-oppo-fcm-honor.md
// §4. Honor publishes no response-code table, no token error format and no
// limits beyond the ones in §2.5 (§2.7). Where the facts are silent this
// emulator does what Huawei Push Kit does (Honor's API is a camelCase copy
// of Huawei's v1) and says so next to the code; every such choice is a
// knob on the app:
//
// App fields: ID = the numeric App ID (the {appId} of the send path),
// Key = the Client ID, Secret = the Client Secret (Honor's console shows
// all three; the token endpoint wants the client id and secret).
//
// Privileges (App.Privileges):
//   - "service-right": the app may send service & communication messages
//     (importance NORMAL). Without it NORMAL is downgraded to news &
//     marketing, as Huawei does without its self-classification right (what
//     Honor does is not found). DemoApp grants it when no privileges are given.
//
// Settings (App.Settings):
//   - "push_enabled": "false" switches Push off for the app (80300002).
//   - "strict_bearer": "true" refuses an Authorization header without the
//     "Bearer " prefix (by default the bare token is accepted too: one
//     third-party client sends it so).
//   - "strict_timestamp": "true" requires the timestamp header in epoch
//     milliseconds within "timestamp_skew_seconds" (Quotas, default 600) of
//     the world clock (by default a missing header, or seconds, is accepted:
//     clients disagree and whether Honor checks it is not found).
//   - "default_importance": the class of a notification without importance
//     ("LOW" by default: news & marketing, as Huawei treats a message
//     without category).
//   - "click_action_required": "false" accepts a notification without
//     android.notification.clickAction (required by Honor's field doc).
//   - "http_status" / "http_status.<code>": the HTTP status of every / one
//     code (defaults: 200 for success, 401 for authentication codes, 503
//     for flow control, 500 for internal errors, 400 otherwise).
//   - content filter keys (emulators/world/content.go).
//
// Quotas (App.Quotas): "token_ttl_seconds" (3600, the lifetime clients
// assume), "token_expires_in" (the lifetime the token answer claims),
// "oauth_tokens_per_5min" (1000, Huawei's), "max_tokens" (1000, Huawei's),
// "message_bytes" (4096 without tokens, Huawei's), "marketing_daily" (2, 5
// for App.News), "test_daily" (1000 test messages per app per day),
// "ttl_max_seconds" (1296000), "qps" (6000, Huawei's floor; 0 = no limit),
// "timestamp_skew_seconds" (600).
package honor

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gorilla/mux"

	"github.com/pushsim/pushsim/emulators/world"
)

// Vendor is the emulator's name and URL prefix.
const Vendor = "honor"

// PrivServiceRight lets an app send service & communication messages.
const PrivServiceRight = "service-right"

// Paths of the token endpoint: the one clients use today and the Keycloak
// realm path of Honor's 2023 guide; both are served (§2.1).
const (
	TokenPath      = "/auth/token"
	RealmTokenPath = "/auth/realms/developer/protocol/openid-connect/token"
)

// Emulator is the Honor Push server.
type Emulator struct {
	w       *world.World
	handler http.Handler
	tokens  sync.Map // raw access token -> verifiedToken
	nTokens atomic.Int64
	reqSeq  atomic.Uint64
}

// New returns the Honor emulator over w.
func New(w *world.World) world.Vendor {
	e := &Emulator{w: w}
	w.Rand(func(r *rand.Rand) { e.reqSeq.Store(r.Uint64N(1e10)) })
	r := mux.NewRouter()
	r.HandleFunc(TokenPath, e.serveToken).Methods(http.MethodPost)
	r.HandleFunc(RealmTokenPath, e.serveToken).Methods(http.MethodPost)
	r.NotFoundHandler = http.HandlerFunc(e.serveNotFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(e.serveNotFound)
	e.handler = &router{e: e, rest: r}
	return e
}

// router serves the send path without gorilla/mux's request copy (the hot
// path) and hands everything else to mux.
type router struct {
	e    *Emulator
	rest http.Handler
}

func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if appID, ok := sendPath(r.URL.Path); ok {
		if r.Method != http.MethodPost {
			rt.e.serveNotFound(w, r)
			return
		}
		rt.e.serveSend(w, r, appID)
		return
	}
	rt.rest.ServeHTTP(w, r)
}

// sendPath matches /api/v1/{appId}/sendMessage.
func sendPath(p string) (string, bool) {
	rest, ok := strings.CutPrefix(p, "/api/v1/")
	if !ok {
		return "", false
	}
	appID, ok := strings.CutSuffix(rest, "/sendMessage")
	if !ok || appID == "" || strings.Contains(appID, "/") {
		return "", false
	}
	return appID, true
}

// Name is "honor".
func (e *Emulator) Name() string { return Vendor }

// Hosts are the push and IAM hosts, current (honor.com) and older
// (hihonor.com): Honor moved its domains and clients use both (§2.1).
func (e *Emulator) Hosts() []string {
	return []string{"push-api.cloud.honor.com", "iam.developer.honor.com", "push-api.cloud.hihonor.com", "iam.developer.hihonor.com"}
}

// Handler serves every host; the paths differ.
func (e *Emulator) Handler() http.Handler { return e.handler }

// Rules lists the rules this emulator enforces.
func (e *Emulator) Rules() []world.Rule { return append([]world.Rule(nil), rules...) }

// tokenPrefix and tokenLen shape an Honor push token. The facts give no
// format (§2.7); these are chosen so that a Huawei or other vendor's token
// is recognisably not Honor's: "AQ" and 62 base64url characters.
const (
	tokenPrefix = "AQ"
	tokenLen    = 64
	b64url      = world.Alnum + "-_"
)

// NewToken makes an Honor push token (format chosen, see tokenPrefix).
func (e *Emulator) NewToken(app *world.App) string {
	return tokenPrefix + e.w.RandString(tokenLen-len(tokenPrefix), b64url)
}

// wellFormed reports whether t looks like a token Honor hands out.
func wellFormed(t string) bool {
	if len(t) != tokenLen || !strings.HasPrefix(t, tokenPrefix) {
		return false
	}
	for i := 0; i < len(t); i++ {
		if !strings.ContainsRune(b64url, rune(t[i])) {
			return false
		}
	}
	return true
}

// DemoApp fills in what the caller left empty: a numeric App ID, a Client
// ID, a Client Secret, a package and, when no privileges were given, the
// service & communication right. Honor's formats are not documented: the
// App ID is numeric (ZANDALA types it int), the Client ID and Secret follow
// Keycloak's (Honor's IAM): a numeric id and a 32-character secret. They
// are derived from the app's name and what is set already, not drawn from
// the world's random source, so adding Honor apps does not change any other
// vendor's seeded tokens.
func (e *Emulator) DemoApp(app *world.App) {
	seed := sha256.Sum256([]byte("honor\x00" + app.Name + "\x00" + app.ID + "\x00" + app.Key))
	h := hex.EncodeToString(seed[:])
	if app.ID == "" {
		app.ID = "10" + digitsOf(h[:14], 7)
	}
	if app.Key == "" {
		app.Key = "2" + digitsOf(h[14:40], 18)
	}
	if app.Secret == "" {
		sec := sha256.Sum256([]byte("honor-secret\x00" + h))
		b := make([]byte, 32)
		for i := range b {
			b[i] = world.Alnum[int(sec[i])%len(world.Alnum)]
		}
		app.Secret = string(b)
	}
	if app.Package == "" {
		app.Package = "com.example." + sanitizePackage(app.Name)
	}
	if app.Privileges == nil {
		app.Privileges = []string{PrivServiceRight}
	}
}

// digitsOf maps hex characters onto n decimal digits.
func digitsOf(h string, n int) string {
	b := make([]byte, n)
	for i := range b {
		c := h[i%len(h)]
		v := c - '0'
		if c >= 'a' {
			v = c - 'a' + 10
		}
		b[i] = '0' + v%10
	}
	return string(b)
}

func sanitizePackage(name string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(name) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	if b.Len() == 0 || b.String()[0] >= '0' && b.String()[0] <= '9' {
		return "app" + b.String()
	}
	return b.String()
}

// serveNotFound answers unknown paths and methods in the send API's shape.
func (e *Emulator) serveNotFound(w http.ResponseWriter, r *http.Request) {
	status := http.StatusNotFound
	if r.Method != http.MethodPost {
		status = http.StatusMethodNotAllowed
	}
	writeJSON(w, status, appendReply(nil, codeParam, "Request parameter check failed, no such API: "+r.Method+" "+r.URL.Path, e.requestID(e.w.Now()), false, nil, nil))
}
