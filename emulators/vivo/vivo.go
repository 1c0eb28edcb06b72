// Package vivo emulates vivo Push's server API (api-push.vivo.com.cn):
// POST /message/auth (md5-signed, answers an authToken valid 24 h),
// /message/send (one regId or alias), /message/saveListPayload (stores a
// message, answers a taskId), /message/pushToList (a taskId to 2–1000
// regIds), /message/all (every phone of the app, once a day by default;
// all.go), /message/tagPush (the phones a tag expression of orTags, andTags
// and notTags selects; tag.go) and the tag management APIs /tag/add,
// /tag/update, /tag/addMembers and /tag/removeMembers (tags.go; a tag is a
// world topic of the app), all JSON with the `authToken` header, vivo's
// validation, result codes, desc texts and answer shapes; the two message classes (system and
// operation, with category) and their rules: re-classification of
// marketing-like system messages, per-device and per-app daily quotas
// (counted in the world's shared counters, reset at Shanghai midnight), the
// 07:00–23:00 display window for operation messages, duplicate-content
// removal, test pushes (pushMode=1) to test devices only; and what the
// phone does with the message (world.Deliver). The facts are
// vendor-facts/xiaomi-meizu-vivo.md §3 and addendum-gaps-closed.md §1
// (newer where they disagree); Rules lists every rule with its source.
//
// Aliases: vivo maps an alias the app set on the phone to its regId. The
// emulator keeps that map in the app's Extra, key "alias.<alias>", value the
// regId; SetAlias writes it.
//
// Knobs where the facts are silent or an app needs other numbers, all per
// app. App.Quotas (integers):
//
//	auth_per_second       /message/auth calls per second (10)
//	qps                   push calls per second (0 = automatic: 3000, 4000 over
//	                      5 million enabled devices, 5000 over 8 million; -1 none) → 10072
//	token_ttl_s           authToken lifetime in seconds (86400)
//	timestamp_skew_s      allowed auth timestamp skew in seconds (600)
//	operation_per_device  formal operation messages per device per day (2; 5 with App.News)
//	operation_daily       formal operation messages per app per day (0 = automatic:
//	                      2×, 3× with App.News, of max(enabled devices, 10000))
//	system_daily          formal system messages per app per day (0 = automatic:
//	                      3× the same base; -1 unlimited, vivo grants that on request)
//	test_operation_daily  test operation messages per app per day (100; -1 unlimited) → 10070
//	test_system_daily     test system messages per app per day (10000; -1 unlimited) → 10073
//	list_payloads_daily   saveListPayload calls per app per day (-1 = unlimited, the
//	                      default: the real number behind 10252 is not documented)
//	all_daily             /message/all calls per app per day (1; -1 = unlimited) → 10254
//	title_max             title length (40)
//	content_max           content length (100)
//	ttl_max_s             longest timeToLive (86400 today; 604800 in older docs)
//	alias_max             alias length (70 today; 40 in older docs)
//	request_id_window_s   how long a requestId is remembered (86400)
//	max_body_bytes        request body size; a larger body reads as empty (262144)
//
// App.Settings (strings):
//
//	length_rule         "newer" (default): every character counts 1;
//	                    "older": a CJK character counts 2, an emoji 1
//	marketing_keywords  comma-separated words that make a system message read as
//	                    marketing (a built-in list when absent; "" turns it off)
//	operation_hours     the display window of operation messages ("07:00-23:00")
//	custom_categories   comma-separated approved custom categories (system class)
//	restricted          "true": the app is under review (test single pushes only, 10045)
//	uninstalled         "reject" (default: 10302 with invalidUser status 2) or
//	                    "accept" (accepted, the phone drops it)
//	test_window         "true": test pushes also wait for the display window
//	simple_text         which simple texts are 10104 (simple.go): "" digits,
//	                    digits and symbols, 测试, {} and []; "strict" also only
//	                    English letters; "off" none
package vivo

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"

	"github.com/pushsim/pushsim/emulators/world"
)

const vendorName = "vivo"

// Host is vivo Push's production host (facts §3.1).
const Host = "api-push.vivo.com.cn"

// Emulator is the vivo Push server.
type Emulator struct {
	w       *world.World
	router  *mux.Router
	taskSeq atomic.Uint64

	mu       sync.Mutex
	epoch    *world.Quotas // the world's counters when the state below was made
	tokens   map[string]authToken
	tasks    map[string]*task
	taskFIFO []string
	requests map[requestKey]requestSeen
	inserts  int
}

// authToken is one token handed out by /message/auth.
type authToken struct {
	appID   string
	expires time.Time
}

// task is a message stored by saveListPayload.
type task struct {
	appID string
	msg   resolved
	at    time.Time
}

// requestKey identifies a requestId of one app on one API.
type requestKey struct{ appID, api, id string }

// requestSeen is what the first request with that requestId was answered.
type requestSeen struct {
	taskID  string
	expires time.Time
}

// maxTasks bounds the stored list payloads; the oldest go first.
const maxTasks = 10000

// New returns the vivo emulator over w.
func New(w *world.World) world.Vendor {
	e := &Emulator{w: w}
	var base uint64
	w.Rand(func(r *rand.Rand) { base = r.Uint64() })
	e.taskSeq.Store(100000000 + base%800000000)
	e.router = e.routes()
	return e
}

// Name is "vivo".
func (e *Emulator) Name() string { return vendorName }

// Hosts is vivo's one production host.
func (e *Emulator) Hosts() []string { return []string{Host} }

// Handler serves vivo's real paths.
func (e *Emulator) Handler() http.Handler { return e.router }

// Rules lists the rules this emulator enforces.
func (e *Emulator) Rules() []world.Rule { return append([]world.Rule(nil), rules...) }

func (e *Emulator) routes() *mux.Router {
	r := mux.NewRouter()
	r.HandleFunc("/message/auth", e.auth).Methods(http.MethodPost)
	r.HandleFunc("/message/send", e.send).Methods(http.MethodPost)
	r.HandleFunc("/message/saveListPayload", e.saveListPayload).Methods(http.MethodPost)
	r.HandleFunc("/message/pushToList", e.pushToList).Methods(http.MethodPost)
	r.HandleFunc("/message/all", e.all).Methods(http.MethodPost)          // all.go
	r.HandleFunc("/message/tagPush", e.tagPush).Methods(http.MethodPost)  // tag.go
	r.HandleFunc("/tag/add", e.tagRoute(addTag)).Methods(http.MethodPost) // tags.go
	r.HandleFunc("/tag/update", e.tagRoute(updateTag)).Methods(http.MethodPost)
	r.HandleFunc("/tag/addMembers", e.tagRoute(addMembers)).Methods(http.MethodPost)
	r.HandleFunc("/tag/removeMembers", e.tagRoute(removeMembers)).Methods(http.MethodPost)
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.plain(w, r, http.StatusNotFound, "Not Found")
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.plain(w, r, http.StatusMethodNotAllowed, "Method Not Allowed")
	})
	return r
}

// plain answers a request that reached no API. vivo's business answers are
// all HTTP 200 JSON; for paths it does not serve the gateway's plain status
// is the most likely answer (not documented).
func (e *Emulator) plain(w http.ResponseWriter, r *http.Request, status int, text string) {
	e.w.Record(world.Entry{Kind: world.KindRequest, Vendor: vendorName, Method: r.Method, Path: r.URL.Path,
		Status: status, Verdict: world.VerdictRejected, Code: strconv.Itoa(status), Rule: rulePath, Reason: text})
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(text))
}

// NewToken makes a regId: 23 digits, the phone's registration time in Unix
// milliseconds (13) followed by 10 digits, like the doc's example
// "15638535410301000000001".
func (e *Emulator) NewToken(app *world.App) string {
	ms := e.w.Now().UnixMilli() % 1e13
	b := make([]byte, 0, regIDLen)
	b = strconv.AppendInt(b, ms, 10)
	for len(b) < 13 {
		b = append([]byte{'0'}, b...)
	}
	return string(b) + e.w.RandString(10, "0123456789")
}

// regIDLen is the only length a regId has (facts §3.3).
const regIDLen = 23

// DemoApp fills an app's empty fields in vivo's formats: a 5-digit numeric
// appId and UUID-shaped appKey and appSecret (as in the official SDK's
// example usage, facts S-V1), package com.example.chat.
func (e *Emulator) DemoApp(app *world.App) {
	if app.ID == "" {
		app.ID = "1" + e.w.RandString(4, "0123456789")
	}
	if app.Key == "" {
		app.Key = e.uuid()
	}
	if app.Secret == "" {
		app.Secret = e.uuid()
	}
	if app.Package == "" {
		app.Package = "com.example.chat"
	}
}

func (e *Emulator) uuid() string {
	s := e.w.RandString(32, world.Hex)
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// aliasPrefix is the App.Extra key prefix of the alias registry.
const aliasPrefix = "alias."

// SetAlias points an alias of an app at a regId ("" removes it), as
// PushClient.bindAlias on the phone would.
func SetAlias(w *world.World, appName, alias, regID string) error {
	a, ok := w.App(vendorName, appName)
	if !ok {
		return world.ErrNotFound
	}
	if a.Extra == nil {
		a.Extra = map[string]string{}
	}
	if regID == "" {
		delete(a.Extra, aliasPrefix+alias)
	} else {
		a.Extra[aliasPrefix+alias] = regID
	}
	return w.UpdateApp(*a)
}

// stateLocked makes sure the emulator's own state (tokens, tasks, requestIds)
// belongs to the world as it is now: World.Reset replaces the shared
// counters, and then everything vivo handed out is forgotten as well.
func (e *Emulator) stateLocked() {
	if q := e.w.Quotas(); q != e.epoch || e.tokens == nil {
		e.epoch = q
		e.tokens = map[string]authToken{}
		e.tasks = map[string]*task{}
		e.taskFIFO = nil
		e.requests = map[requestKey]requestSeen{}
		e.inserts = 0
	}
}

// pruneLocked forgets expired tokens and requestIds now and then, so memory
// stays bounded on a long run.
func (e *Emulator) pruneLocked(now time.Time) {
	e.inserts++
	if e.inserts%4096 != 0 {
		return
	}
	for k, t := range e.tokens {
		if !now.Before(t.expires) {
			delete(e.tokens, k)
		}
	}
	for k, r := range e.requests {
		if !now.Before(r.expires) {
			delete(e.requests, k)
		}
	}
}

// newTaskID returns a numeric task id like the doc's "121397329".
func (e *Emulator) newTaskID() string {
	return strconv.FormatUint(e.taskSeq.Add(1), 10)
}
