// Package huawei emulates Huawei Push Kit's v1 server API for Android (HMS)
// phones: the OAuth 2.0 client-credentials token endpoint
// (oauth-login.cloud.huawei.com/oauth2/v3/token) and the send endpoint
// (push-api.cloud.huawei.com/v1/{appId}/messages:send, and its multi-sender
// form /v2/{projectId}/messages:send addressed by App.Key; the bearer may be
// the access token or a service-account JWT, v1jwt.go), with Huawei's result
// codes, its message classification (service & communication versus news &
// marketing, with the daily caps) and what an EMUI phone does with each field.
//
// Facts come from vendor-facts/huawei-oppo-fcm-honor.md §1 and
// addendum-gaps-closed.md §5. Where the facts are silent the emulator picks
// the most likely behaviour and makes it configurable on the app:
//
// Privileges (App.Privileges):
//   - "self-classification": the 自分类权益; without it every message is news & marketing.
//   - "high-importance": may send importance HIGH (else 80300011).
//
// Settings (App.Settings):
//   - "push_enabled": "false" switches Push Kit off for the app (80300002).
//   - "content.sensitive_words" (or the older "sensitive_words"): words refused with
//     80100016 (Huawei publishes no list); the world's content filter also applies the
//     vendor-wide words of PUT /_pushsim/content/huawei (see world.ContentRules).
//   - "http_status" / "http_status.<code>": HTTP status sent with every / one result code.
//   - "token_format": "legacy" for old 32-character 0866…CN01 push tokens.
//   - "click_action_required": "true" refuses a notification without click_action.
//   - "condition_order": "left-to-right" combines a condition's && and || as written
//     (default: && first; topicsend.go).
//
// Quotas (App.Quotas): "oauth_tokens_per_5min" (1000), "token_ttl_seconds"
// (3600), "token_expires_in" (the lifetime the token answer claims; default
// the real one), "message_bytes" (4096), "max_tokens" (1000), "marketing_daily" (2,
// 5 for App.News), "device_daily" (3000), "ttl_max_seconds" (1296000),
// "topics_per_device" (2000), "condition_topics" (5), "offline_cache" (10:
// messages kept for an offline phone, offline.go).
//
// Topics: the v1 topic API (topic:subscribe, topic:unsubscribe, topic:list;
// topic.go) and sends to message.topic and message.condition (topicsend.go)
// over the world's subscriptions.
package huawei

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gorilla/mux"

	"github.com/pushsim/pushsim/emulators/world"
)

const vendor = "huawei"

// Privileges an app can be granted on the console.
const (
	PrivSelfClassification = "self-classification"
	PrivHighImportance     = "high-importance"
)

// Emulator is the Huawei Push Kit server.
type Emulator struct {
	w       *world.World
	handler http.Handler
	tokens  sync.Map // raw access token -> verifiedToken
	nTokens atomic.Int64
	reqSeq  atomic.Uint64
	v3      v3State // HarmonyOS NEXT sends (v3.go)
}

// New returns the Huawei emulator over w.
func New(w *world.World) world.Vendor {
	e := &Emulator{w: w}
	w.Rand(func(r *rand.Rand) { e.reqSeq.Store(r.Uint64N(1e10)) })
	r := mux.NewRouter()
	r.HandleFunc("/oauth2/v3/token", e.serveToken).Methods(http.MethodPost)
	r.HandleFunc("/oauth2/v2/token", e.serveToken).Methods(http.MethodPost) // legacy path some clients still use
	e.routeV3(r)                                                            // v3 send and revoke (v3.go)
	e.routeTopics(r)                                                        // topic subscribe, unsubscribe, list (topic.go)
	r.NotFoundHandler = http.HandlerFunc(e.serveNotFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(e.serveNotFound)
	e.handler = &router{e: e, rest: r}
	return e
}

// router serves the send path without gorilla/mux's request copy (it is the
// hot path) and hands everything else to mux.
type router struct {
	e    *Emulator
	rest http.Handler
}

func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if appID, ok := rt.e.sendPath(r.URL.Path); ok {
		if r.Method != http.MethodPost {
			rt.e.serveNotFound(w, r)
			return
		}
		rt.e.serveSend(w, r, appID)
		return
	}
	rt.rest.ServeHTTP(w, r)
}

// sendPath matches /v1/{appId}/messages:send and its multi-sender form
// /v2/{projectId}/messages:send (§1.1: same body, token and answers), and
// returns the appId the send is for. A v2 project id is the app's project
// (App.Key); an unknown one is passed on as is and gets 80300002.
func (e *Emulator) sendPath(p string) (string, bool) {
	rest, v2 := strings.CutPrefix(p, "/v2/")
	if !v2 {
		var ok bool
		if rest, ok = strings.CutPrefix(p, "/v1/"); !ok {
			return "", false
		}
	}
	id, ok := strings.CutSuffix(rest, "/messages:send")
	if !ok || id == "" || strings.Contains(id, "/") {
		return "", false
	}
	if v2 {
		if app, ok := e.w.FindAppShared(vendor, func(a *world.App) bool { return a.Key == id }); ok {
			return app.ID, true
		}
		return "project:" + id, true // no app has this id: 80300002
	}
	return id, true
}

// Name is "huawei".
func (e *Emulator) Name() string { return vendor }

// Hosts are the OAuth and push hosts, current and legacy (the official Go
// demo and several libraries still use the old ones).
func (e *Emulator) Hosts() []string {
	return []string{"oauth-login.cloud.huawei.com", "push-api.cloud.huawei.com", "login.cloud.huawei.com", "api.push.hicloud.com"}
}

// Handler serves both hosts; the paths differ.
func (e *Emulator) Handler() http.Handler { return e.handler }

// Rules lists the rules this emulator enforces.
func (e *Emulator) Rules() []world.Rule { return append([]world.Rule(nil), rules...) }

// base64url is the alphabet of HMS Core push tokens.
const base64url = world.Alnum + "-_"

// NewToken makes an HMS Core push token. The facts give no format; the
// tokens HMS Core 4+ hands out look like "IQAAAACy0…": about 130 characters
// of base64url. "token_format": "legacy" gives the older 32-character
// "0866…CN01" form.
func (e *Emulator) NewToken(app *world.App) string {
	if app != nil && app.Setting("token_format", "") == "legacy" {
		return "0866" + e.w.RandString(24, "0123456789") + "CN01"
	}
	return "IQAAAACy0" + e.w.RandString(121, base64url)
}

// DemoApp fills in a numeric app id (client_id), a 64-hex client secret, a
// package and, when the caller gave no privileges at all, the
// self-classification right.
func (e *Emulator) DemoApp(app *world.App) {
	if app.ID == "" {
		app.ID = "1" + e.w.RandString(8, "0123456789")
	}
	if app.Secret == "" {
		app.Secret = e.w.RandString(64, world.Hex)
	}
	if app.Package == "" {
		app.Package = "com.example." + sanitizePackage(app.Name)
	}
	if app.Privileges == nil {
		app.Privileges = []string{PrivSelfClassification}
	}
	e.demoV3(app) // the project id and service account of v3 (v3auth.go)
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
	writeResult(w, status, codeParam, "Request parameter check failed, no such API: "+r.Method+" "+r.URL.Path, e.requestID())
}
