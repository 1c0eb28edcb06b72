// Package meizu emulates Meizu's Flyme Push server API
// (server-api-push.meizu.com): the signed form posts
// POST /garcia/api/server/push/varnished/pushByPushId and .../pushByAlias
// (and their restricted unvarnished, pass-through twins), and the task
// APIs ("save once, push to many", task.go): .../push/pushTask/getTaskId
// (store a message, answer its taskId), .../push/task/varnished/pushByPushId
// and .../pushByAlias (a stored task to ≤ 100 targets; unvarnished twins),
// .../push/pushTask/pushToApp (every phone of the app, optionally at a
// scheduled start), .../push/pushTask/pushToTag (the phones subscribed to
// tags, their union or intersection; tag.go) and .../push/pushTask/cancel
// (withdraw what a pushToApp or pushToTag task has not delivered yet); and
// the tag subscription APIs of api-push.meizu.com (subscribe.go):
// .../server/message/subscribeTags, unSubscribeTags, getSubTags and
// unSubAllTags, over the world's topics; and .../push/uploadImg (upload.go:
// an external picture URL answered with a Meizu-hosted one). Meizu's validation of messageJson,
// its result codes and texts, the `value` map of per-target codes, the message classes'
// caps (counted in the world's shared counters, reset at Shanghai midnight)
// and what the phone does with the message (world.Deliver). The facts are
// vendor-facts/xiaomi-meizu-vivo.md §2 and addendum-gaps-closed.md §4; Rules
// lists every rule with its source.
//
// Console conventions (world.App) for Meizu: ID = appId (a number), Secret =
// AppSecret (signs every request), Key = AppKey (used by the phone SDK; a
// request signed with it instead of the secret gets 110033). Meizu has no
// notification channels; the message class comes from noticeMsgType.
//
// Aliases: the phone SDK subscribes an alias (PushManager.subScribeAlias).
// The emulator resolves an alias through the app's Extra, key
// "alias.<alias>", value the pushIds joined with commas (SetAlias writes it,
// the control plane can set it with the app's "extra" object); an alias
// found there wins. Otherwise a phone of the app whose name is the alias is
// its target, so scenarios can push to "alice-phone" by alias.
//
// Knobs where the facts are silent or an app needs other numbers, all per
// app. App.Quotas (integers):
//
//	qps                requests per second (200; 0 = no limit) → 110010
//	max_targets        pushIds or aliases per request (100) → 1005
//	public_per_device  public messages per phone per day (3; 5 with App.News) → 110011
//	device_per_minute  messages per phone per minute (5; 0 = no limit) → 520
//	target_rate        targets per second per app (0 = no limit) → 518
//	daily_pushes       push requests per app per day (0 = no limit) → 110019
//	daily_targets      messages (targets) per app per day (0 = no limit) → 110051
//	title_max          characters of noticeBarInfo.title (32)
//	content_max        characters of noticeBarInfo.content (100)
//	valid_time_max     hours of pushTimeInfo.validTime (72)
//	pass_through_max   bytes of a pass-through content (2000; the SDK README says 3800)
//	tasks_max          tasks kept per app (10000; the oldest are forgotten → 110032)
//	max_tags           tags in one tagNames or tags field (100) → 1005
//	tag_max_len        characters of a tag (20) → 1005
//	topics_per_device  tags one pushId may hold (100; the world's knob) → 1005
//
// App.Settings (strings):
//
//	pass_through       "restricted" (default): unvarnished pushes get 110053;
//	                   "allowed": they reach the app
//	app_key_sign_code  code for a request signed with the AppKey ("110033",
//	                   the default, or "1006")
package meizu

import (
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"

	"github.com/pushsim/pushsim/emulators/world"
)

const vendorName = "meizu"

// Real paths (vendor-facts §2.1).
const (
	PathPushByPushID        = "/garcia/api/server/push/varnished/pushByPushId"
	PathPushByAlias         = "/garcia/api/server/push/varnished/pushByAlias"
	PathPassThroughByPushID = "/garcia/api/server/push/unvarnished/pushByPushId"
	PathPassThroughByAlias  = "/garcia/api/server/push/unvarnished/pushByAlias"
)

// Emulator is the Meizu Flyme Push server over a world.
type Emulator struct {
	w     *world.World
	paths map[string]route
	h     http.Handler
	tasks taskStore // task.go
}

// route is what one push path sends to.
type route struct {
	alias       bool // targets are aliases, not pushIds
	passThrough bool // unvarnished
	op          taskOp
	sub         subOp // a tag subscription API (subscribe.go)
	get         bool  // GET is served as well as POST
	upload      bool  // uploadImg (upload.go)
}

// New returns the Meizu emulator over w.
func New(w *world.World) world.Vendor {
	e := &Emulator{w: w, paths: map[string]route{
		PathPushByPushID:        {},
		PathPushByAlias:         {alias: true},
		PathPassThroughByPushID: {passThrough: true},
		PathPassThroughByAlias:  {alias: true, passThrough: true},
	}}
	e.addTaskRoutes()         // task.go
	e.addSubscriptionRoutes() // subscribe.go
	e.paths[PathUploadImg] = route{upload: true}
	e.h = http.HandlerFunc(e.serve)
	return e
}

// Name is "meizu".
func (e *Emulator) Name() string { return vendorName }

// Hosts are the mainland push host, the subscription host the older Go SDK
// also posts pushes to, and their overseas twins (vendor-facts §2.1).
func (e *Emulator) Hosts() []string {
	return []string{"server-api-push.meizu.com", "api-push.meizu.com", "server-api-push.in.meizu.com", "api-push.in.meizu.com"}
}

// Handler serves Meizu's real paths.
func (e *Emulator) Handler() http.Handler { return e.h }

// serve routes by exact path: a dozen POST endpoints need no router.
func (e *Emulator) serve(w http.ResponseWriter, r *http.Request) {
	rt, ok := e.paths[r.URL.Path]
	switch {
	case !ok:
		e.answerPlain(w, r, http.StatusNotFound, "no Meizu push API at "+truncate(r.URL.Path, 200))
	case r.Method != http.MethodPost && !(rt.get && r.Method == http.MethodGet):
		e.answerPlain(w, r, http.StatusMethodNotAllowed, "Meizu push APIs take POST, not "+truncate(r.Method, 20))
	case rt.upload:
		e.uploadImg(w, r, rt)
	case rt.sub != subNone:
		e.subscription(w, r, rt)
	case rt.op != opNone:
		e.task(w, r, rt)
	default:
		e.push(w, r, rt)
	}
}

// answerPlain answers a request that reached no API: HTTP status and code
// 500 in Meizu's envelope (no documented answer exists; inferred).
func (e *Emulator) answerPlain(w http.ResponseWriter, r *http.Request, status int, reason string) {
	b := appendError(nil, codeOther)
	e.w.Record(world.Entry{Kind: world.KindRequest, Vendor: vendorName, Method: r.Method, Path: r.URL.Path,
		Status: status, Verdict: world.VerdictRejected, Code: codeOther, Rule: rulePath, Reason: reason, Response: string(b)})
	writeJSON(w, status, b)
}

// Sign is Meizu's request signature (vendor-facts §2.2): every parameter but
// sign, sorted by name, concatenated as name=value with no separator, the
// AppSecret appended, md5, lower-case hex. Values are the decoded strings.
func Sign(params map[string]string, appSecret string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return digest(keys, func(k string) (string, bool) { v, ok := params[k]; return v, ok }, appSecret)
}

// digest is the one implementation of the recipe over names sorted
// already: name=value of each (sign skipped), the secret appended, md5 in
// lower-case hex.
func digest(sorted []string, value func(string) (string, bool), secret string) string {
	var buf [1024]byte
	b := buf[:0]
	for _, k := range sorted {
		if v, ok := value(k); ok && k != "sign" {
			b = append(b, k...)
			b = append(b, '=')
			b = append(b, v...)
		}
	}
	b = append(b, secret...)
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

// pushIDAlphabet is the first three characters of a pushId.
const pushIDAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// NewToken makes a pushId in the form of the facts' sample
// (RA50c6348036344485d01776773577c64740465480a6b): three upper-case letters
// or digits, then 42 lower-case hex digits.
func (e *Emulator) NewToken(*world.App) string {
	return e.w.RandString(3, pushIDAlphabet) + e.w.RandString(42, world.Hex)
}

// validPushID reports whether s has a pushId's form.
func validPushID(s string) bool {
	if len(s) != 45 {
		return false
	}
	for i := 0; i < 3; i++ {
		if !strings.ContainsRune(pushIDAlphabet, rune(s[i])) {
			return false
		}
	}
	for i := 3; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// DemoApp fills an app's empty fields in Meizu's console formats: a
// six-digit numeric appId, a 32-hex-digit AppKey and AppSecret (the forms
// seen in public client code; the facts give only "numeric appId"), package
// com.example.chat.
func (e *Emulator) DemoApp(app *world.App) {
	if app.ID == "" {
		app.ID = "1" + e.w.RandString(5, "0123456789")
	}
	if app.Key == "" {
		app.Key = e.w.RandString(32, world.Hex)
	}
	if app.Secret == "" {
		app.Secret = e.w.RandString(32, world.Hex)
	}
	if app.Package == "" {
		app.Package = "com.example.chat"
	}
}

// aliasPrefix is the App.Extra key prefix of the alias registry.
const aliasPrefix = "alias."

// SetAlias subscribes an alias of an app for pushIds (none: removes it), as
// PushManager.subScribeAlias on the phones would.
func SetAlias(w *world.World, appName, alias string, pushIDs ...string) error {
	a, ok := w.App(vendorName, appName)
	if !ok {
		return world.ErrNotFound
	}
	if a.Extra == nil {
		a.Extra = map[string]string{}
	}
	if len(pushIDs) == 0 {
		delete(a.Extra, aliasPrefix+alias)
	} else {
		a.Extra[aliasPrefix+alias] = strings.Join(pushIDs, ",")
	}
	return w.UpdateApp(*a)
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
