// Package xiaomi emulates Xiaomi MiPush's server API (api.xmpush.xiaomi.com)
// with a form body, `Authorization: key=<AppSecret>`, Xiaomi's validation,
// codes and answer shapes, the message classes' daily quotas (counted in the
// world's shared counters, reset at Shanghai midnight) and what the phone
// does with the message (world.Deliver). Endpoints:
//
//	POST /v2|v3|v4/message/regid, /v2|v3/message/alias     single sends (send.go)
//	POST /v2|v3/message/topic, /multi_topic, /all           broadcasts (topic.go)
//	POST /v2/multi_messages/regids, /aliases                a message per target (multi.go)
//	POST /v2/topic/subscribe, /unsubscribe [/alias]         server-side subscription (subscribe.go)
//	POST /v1/message/regid/revoke, /v1/message/alias/revoke revoke by notify_id (revoke.go)
//	GET  /v1/trace/message/status                           message status (trace.go)
//
// The facts are vendor-facts/xiaomi-meizu-vivo.md §1 and
// addendum-gaps-closed.md §2; paths the facts only list come from the
// official Java SDK's XmPushRequestPath (S-X1). Rules lists every rule with
// its source; what the facts do not say is marked "inferred" there.
//
// Aliases: MiPush maps an alias set by the app (MiPushClient.setAlias) to its
// regIds. The emulator keeps that map in the app's Extra, key "alias.<alias>",
// value the regIds joined with commas; SetAlias writes it, and the control
// plane can set it with the app's "extra" object.
//
// Topics: a phone's subscriptions (MiPushClient.subscribe, or the app
// server's /v2/topic/subscribe) are the world's (world.SubscribeTopic, PUT
// /_pushsim/devices/{id}/topics/{topic}); MiPush allows 30 per phone and app. A topic send reaches the app's subscribed
// phones, /message/all every phone of the app.
//
// Not emulated: /v2/message/user_account, /v2/multi_messages/user_accounts
// and the user_account revoke (the world keeps no user accounts to map onto
// phones), /v1/validation/regids (the facts give no answer shape), the
// topic and multi_topic revokes, /v1/trace/messages/status (a time range),
// the schedule_job, stats, quota (/v1/trace/quota/get), channel, feedback,
// /v1/topic/all, /v1/alias/all and stop_by_id / stop_by_jobkey APIs.
//
// Knobs where the facts are silent or an app needs other numbers, all per
// app. App.Quotas (integers):
//
//	qps                 requests per second (500; 0 = no limit)
//	public_per_device   public messages per device per day (5; 8 with App.News)
//	default_per_device  default-class messages per device per day (1)
//	public_multiplier   app total = max(enabled devices, total_floor) × this (2; 3 with App.News)
//	default_multiplier  the same for the default class (1)
//	total_floor         the floor of the device count in the app total (10000)
//	max_targets         regIds or aliases per request, messages per multi-message send (1000)
//	max_extras          custom extra.* pairs (10)
//	extra_max_len       characters of a custom extra key or value (1024)
//	title_max           a title must be shorter than this many characters (50)
//	description_max     a description must be shorter than this (128)
//	payload_max         payload bytes, 65009 above it (0 = no limit: none is documented)
//	max_body_bytes      request body bytes, 10018 above it (262144)
//	ttl_default_ms      time_to_live when absent or 0 (1209600000, two weeks)
//	ttl_max_public_ms   longest time_to_live for public messages (86400000, 1 day)
//	ttl_max_private_ms  for private messages (864000000, 10 days)
//	ttl_max_default_ms  for default-class messages (1209600000)
//	time_to_send_max_ms how far ahead time_to_send may be (604800000, 7 days)
//	max_topics          topics per multi_topic send (5)
//	topic_max_len       characters of a topic, 65010 above it (128; none is documented)
//	topics_per_device   topics a phone may subscribe to (30; read by the world)
//	topic_subscribers   phones a topic may have (world.DefaultSubscribersPerTopic)
//	all_per_day         /message/all sends per app per day, 26004 above it (0 = no limit)
//	topic_per_day       topic and multi_topic sends per app per day (0 = no limit)
//	trace_qps           message status calls per second, 10039 above it (0 = no limit)
//
// App.Settings (strings):
//
//	rate_limit_code    "200002" (default, addendum §2.3) or "10027" (older table)
//	require_channel    "true": a message without extra.channel_id gets 27001
//	                   (apps that opted into the full new classification)
//	default_notify_id  notify_id when absent ("0": Xiaomi shows only one
//	                   notification by default; "" = never replace)
//	trace_forbidden    "true": the message status API answers 10038
package xiaomi

import (
	"net/http"
	"strings"
	"sync"

	"github.com/gorilla/mux"

	"github.com/pushsim/pushsim/emulators/world"
)

const vendorName = "xiaomi"

// Emulator is the Xiaomi MiPush server.
type Emulator struct {
	w         *world.World
	router    *mux.Router
	sendPaths map[string]http.HandlerFunc
	handler   http.Handler
	keys      sync.Map // app name → *appKeys
	traces    traceTable
}

// New returns the Xiaomi emulator over w.
func New(w *world.World) world.Vendor {
	e := &Emulator{w: w}
	e.router = e.routes()
	e.handler = http.HandlerFunc(e.serve)
	return e
}

// Name is "xiaomi".
func (e *Emulator) Name() string { return vendorName }

// Hosts are the mainland production host and the backup and VIP hosts the
// Java SDK switches to (vendor-facts §1.1).
func (e *Emulator) Hosts() []string {
	return []string{"api.xmpush.xiaomi.com", "lg.api.xmpush.xiaomi.com", "c3.api.xmpush.xiaomi.com", "vip.api.xmpush.xiaomi.com"}
}

// Handler serves Xiaomi's real paths.
func (e *Emulator) Handler() http.Handler { return e.handler }

// serve dispatches the send paths by exact match and everything else
// through the mux router (which has the same routes, so the answers are the
// same): the router's regexp match and its two request copies for route
// variables (none here) were a tenth of the send path's time.
func (e *Emulator) serve(w http.ResponseWriter, r *http.Request) {
	if h := e.sendPaths[r.URL.Path]; h != nil && r.Method == http.MethodPost {
		h(w, r)
		return
	}
	var m mux.RouteMatch
	if e.router.Match(r, &m) && m.Handler != nil {
		m.Handler.ServeHTTP(w, r)
		return
	}
	e.router.NotFoundHandler.ServeHTTP(w, r)
}

// Rules lists the rules this emulator enforces.
func (e *Emulator) Rules() []world.Rule { return append([]world.Rule(nil), rules...) }

func (e *Emulator) routes() *mux.Router {
	r := mux.NewRouter()
	e.sendPaths = map[string]http.HandlerFunc{}
	for _, p := range []string{"/v2/message/regid", "/v3/message/regid", "/v4/message/regid"} {
		r.HandleFunc(p, e.sendRegIDs).Methods(http.MethodPost)
		e.sendPaths[p] = e.sendRegIDs
	}
	for _, p := range []string{"/v2/message/alias", "/v3/message/alias"} {
		r.HandleFunc(p, e.sendAliases).Methods(http.MethodPost)
		e.sendPaths[p] = e.sendAliases
	}
	e.topicRoutes(r)
	e.apiRoutes(r)
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.answerPlain(w, r, http.StatusNotFound, codeAPINotFound, reasonAPINotFound)
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.answerPlain(w, r, http.StatusMethodNotAllowed, codeMethod, reasonMethod)
	})
	return r
}

// answerPlain answers a request that reached no API in Xiaomi's error shape.
func (e *Emulator) answerPlain(w http.ResponseWriter, r *http.Request, status, code int, reason string) {
	trace, _ := e.newIDs('s')
	b := appendError(nil, code, reason, trace)
	e.w.Record(world.Entry{Kind: world.KindRequest, Vendor: vendorName, Method: r.Method, Path: r.URL.Path,
		Status: status, Verdict: world.VerdictRejected, Code: itoa(code), Rule: rulePath, Reason: reason, Response: string(b)})
	writeJSON(w, status, b)
}

// NewToken makes a regId: 64 base64 characters, as the MiPush client SDK
// hands out (they contain '+' and '/', so a client must URL-encode them).
func (e *Emulator) NewToken(app *world.App) string {
	return e.w.RandString(64, world.Base64Chars)
}

// DemoApp fills an app's empty fields in Xiaomi's formats: a numeric AppID
// (2882303761517…), a numeric AppKey (5…), a 24-character base64 AppSecret,
// package com.example.chat, a private channel "high_im" and a public one
// "public_news".
func (e *Emulator) DemoApp(app *world.App) {
	if app.ID == "" {
		app.ID = "2882303761517" + e.w.RandString(6, "0123456789")
	}
	if app.Key == "" {
		app.Key = "5" + e.w.RandString(12, "0123456789")
	}
	if app.Secret == "" {
		app.Secret = e.w.RandString(22, world.Base64Chars) + "=="
	}
	if app.Package == "" {
		app.Package = "com.example.chat"
	}
	if len(app.Channels) == 0 {
		app.Channels = []world.Channel{
			{ID: "high_im", Name: "即时消息", Class: world.ClassPrivate},
			{ID: "public_news", Name: "资讯", Class: world.ClassPublic},
		}
	}
}

// aliasPrefix is the App.Extra key prefix of the alias registry.
const aliasPrefix = "alias."

// SetAlias points an alias of an app at regIds (none: removes the alias), as
// MiPushClient.setAlias on the phones would.
func SetAlias(w *world.World, appName, alias string, regIDs ...string) error {
	a, ok := w.App(vendorName, appName)
	if !ok {
		return world.ErrNotFound
	}
	if a.Extra == nil {
		a.Extra = map[string]string{}
	}
	if len(regIDs) == 0 {
		delete(a.Extra, aliasPrefix+alias)
	} else {
		a.Extra[aliasPrefix+alias] = strings.Join(regIDs, ",")
	}
	return w.UpdateApp(*a)
}

// appKeys are an app's quota counter keys, built once per app.
type appKeys struct {
	qps                                 string
	privateTotal, publicTotal, defTotal string
	publicDevice, defDevice             string // prefixes; the regId follows
}

func (e *Emulator) appKeys(app string) *appKeys {
	if k, ok := e.keys.Load(app); ok {
		return k.(*appKeys)
	}
	p := vendorName + "/" + app + "/"
	k, _ := e.keys.LoadOrStore(app, &appKeys{
		qps:          p + "qps",
		privateTotal: p + "private/total",
		publicTotal:  p + "public/total",
		defTotal:     p + "default/total",
		publicDevice: p + "public/device/",
		defDevice:    p + "default/device/",
	})
	return k.(*appKeys)
}
