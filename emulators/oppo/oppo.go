// Package oppo emulates the OPPO (HeyTap) Push server API: the signed auth
// call (POST /server/v1/auth), unicast and unicast_batch notifications
// (/server/v1/message/notification/unicast, .../unicast_batch), the
// broadcast pair (broadcast.go: .../save_message_content stores a
// notification and answers data.message_id, .../broadcast sends it to every
// phone of the app or to ≤ 1000 registration ids), OPPO's return codes and
// texts, and OPPO's own rules on top of the shared world: the Android 8+
// channel rule, the 2024 message classes (communication & service vs
// content & marketing) with their privileges and daily caps, notify_level,
// private IM templates and app_message_id de-duplication.
//
// Facts: vendor-facts/huawei-oppo-fcm-honor.md §2 and
// vendor-facts/addendum-gaps-closed.md §3 (newer where they disagree).
//
// Console conventions (world.App) for OPPO:
//   - Key = AppKey, Secret = MasterSecret (signs /server/v1/auth),
//     ID = AppId (prefix of message ids), Extra["app_secret"] = AppSecret.
//   - Privileges: "category:<CATEGORY>" grants a communication & service
//     category (e.g. "category:IM"); "notify_level:16" grants the strong
//     reminder level.
//   - Quotas: "public_per_device" (2, news apps 5), "public_daily_total"
//     (100000 below 50000 users, else users × 2), "cumulative_users"
//     (default: the app's registered phones), "saved_messages_max" (10000
//     saved broadcast messages kept per app; the oldest are forgotten → 31).
//   - Settings: "content_limits" ("sdk": title 50 / content 200, the default;
//     "current": title 50 / content 50, 128 for style 2), "channel_required_api"
//     (26), "auth_token_ttl" (24h), "auth_timestamp_skew" (10m),
//     "app_message_id_window" (24h), "template_required_categories" ("IM").
package oppo

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/pushsim/pushsim/emulators/world"
)

// Real paths (vendor-facts §2.1).
const (
	PathAuth         = "/server/v1/auth"
	PathUnicast      = "/server/v1/message/notification/unicast"
	PathUnicastBatch = "/server/v1/message/notification/unicast_batch"
)

// Privilege names on world.App.Privileges.
const (
	PrivilegeCategory    = "category:"       // + a communication & service category
	PrivilegeNotifyLevel = "notify_level:16" // strong reminder (banner, sound, vibrate)
)

// maxBody bounds a request body. OPPO's limit is not documented; 1000
// messages with 4000-character action_parameters fit in 8 MiB. Over it →
// code 41 in OPPO's envelope.
const maxBody = 8 << 20

// maxBatch is unicast_batch's documented maximum (vendor-facts §2.3).
const maxBatch = 1000

// Emulator is the OPPO push server over a world.
type Emulator struct {
	w *world.World
	h http.Handler

	mu       sync.Mutex
	tokens   map[string]authToken
	issued   int // tokens issued since the last sweep
	dedupe   map[string]dedupeEntry
	recorded int        // dedupe entries since the last sweep
	saved    savedStore // save_message_content's messages (broadcast.go)
}

type authToken struct {
	app     string // App.Name
	key     string // App.Key when issued: a new key invalidates old tokens
	created time.Time
	ttl     time.Duration
}

type dedupeEntry struct {
	messageID string
	at        time.Time
	window    time.Duration
}

// New returns the OPPO emulator over w.
func New(w *world.World) world.Vendor {
	e := &Emulator{w: w, tokens: map[string]authToken{}, dedupe: map[string]dedupeEntry{}}
	r := mux.NewRouter()
	r.HandleFunc(PathAuth, e.serveAuth)
	r.HandleFunc(PathUnicast, e.serveUnicast)
	r.HandleFunc(PathUnicastBatch, e.serveBatch)
	r.HandleFunc(PathSaveMessage, e.serveSave)    // broadcast.go
	r.HandleFunc(PathBroadcast, e.serveBroadcast) // broadcast.go

	// picture.go
	r.HandleFunc(PathUploadSmallPicture, e.serveSmallPicture)
	r.HandleFunc(PathUploadBigPicture, e.serveBigPicture)
	r.NotFoundHandler = http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		writeJSON(rw, http.StatusNotFound, errorBody(codeInvalidMethod, ""))
	})
	e.h = r
	return e
}

// Name is "oppo".
func (e *Emulator) Name() string { return "oppo" }

// Hosts are both China hosts: the documented api.push.oppomobile.com and the
// newer api-push-cn.heytapmobi.com (addendum §3.1: both are live), and the
// picture upload host api-media.push.heytapmobi.com (§2.1, picture.go).
func (e *Emulator) Hosts() []string {
	return []string{"api.push.oppomobile.com", "api-push-cn.heytapmobi.com", "api-media.push.heytapmobi.com"}
}

// Handler serves OPPO's real paths.
func (e *Emulator) Handler() http.Handler { return e.h }

// setting reads a duration setting of an app, falling back to def when it is
// missing or malformed.
func durationSetting(app *world.App, name string, def time.Duration) time.Duration {
	if v, ok := app.Settings[name]; ok {
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			return d
		}
	}
	return def
}

// ---- auth ----

func (e *Emulator) serveAuth(rw http.ResponseWriter, r *http.Request) {
	now := e.w.Now()
	entry := world.Entry{Kind: world.KindRequest, Vendor: "oppo", Method: r.Method, Path: PathAuth, Status: http.StatusOK}
	code, rule, reason, app, form := e.checkAuth(rw, r, now)
	var body []byte
	if code == codeSuccess {
		ttl := durationSetting(app, "auth_token_ttl", 24*time.Hour)
		tok := e.issueToken(app, now, ttl)
		body = authSuccess(tok, now)
		entry.Verdict = world.VerdictAccepted
		entry.Reason = "auth_token issued, valid " + ttl.String()
	} else {
		body = errorBody(code, "")
		entry.Verdict, entry.Rule, entry.Reason = world.VerdictRejected, rule, reason
	}
	if app != nil {
		entry.App = app.Name
	}
	entry.Code = strconv.Itoa(code)
	entry.Body = maskedBody(form)
	entry.Response = capText(string(body))
	entry.At = now
	e.w.Record(entry)
	writeJSON(rw, http.StatusOK, body)
}

func (e *Emulator) checkAuth(rw http.ResponseWriter, r *http.Request, now time.Time) (code int, rule, reason string, app *world.App, form map[string][]string) {
	if r.Method != http.MethodPost {
		return codeMethod, "oppo.request.method", "every OPPO call is a POST", nil, nil
	}
	if c, rl, why := parseForm(rw, r); c != 0 {
		return c, rl, why, nil, r.PostForm
	}
	form = r.Form
	key, ts, sign := r.Form.Get("app_key"), r.Form.Get("timestamp"), r.Form.Get("sign")
	switch {
	case key == "":
		return codeMissingAppKey, "oppo.auth.app-key", "app_key is missing", nil, form
	case ts == "":
		return codeMissingTimestamp, "oppo.auth.timestamp", "timestamp is missing", nil, form
	case sign == "":
		return codeMissingSign, "oppo.auth.sign", "sign is missing", nil, form
	}
	app, ok := e.w.FindApp("oppo", func(a *world.App) bool { return a.Key == key })
	if !ok {
		return codeInvalidAppKey, "oppo.auth.app-key", "no OPPO app has app_key " + key, nil, form
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return codeInvalidTimestamp, "oppo.auth.timestamp", "timestamp is not a number of milliseconds", app, form
	}
	skew := durationSetting(app, "auth_timestamp_skew", 10*time.Minute)
	if d := now.Sub(time.UnixMilli(ms)); d > skew || d < -skew {
		return codeInvalidTimestamp, "oppo.auth.timestamp",
			"timestamp is " + d.Round(time.Second).String() + " away from the server clock (allowed ±" + skew.String() + ")", app, form
	}
	// The documented form is lowercase hex; case is not checked (most likely
	// a hex comparison on the server side — not documented).
	if !strings.EqualFold(sign, Sign(key, ts, app.Secret)) {
		return codeInvalidSign, "oppo.auth.sign", "sign is not SHA-256(app_key + timestamp + master_secret) in hex", app, form
	}
	return codeSuccess, "", "", app, form
}

func (e *Emulator) issueToken(app *world.App, now time.Time, ttl time.Duration) string {
	tok := e.w.RandString(8, world.Hex) + "-" + e.w.RandString(4, world.Hex) + "-" +
		e.w.RandString(4, world.Hex) + "-" + e.w.RandString(4, world.Hex) + "-" + e.w.RandString(12, world.Hex)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.issued++
	if e.issued > 1024 {
		e.issued = 0
		for k, t := range e.tokens {
			if now.Sub(t.created) > t.ttl {
				delete(e.tokens, k)
			}
		}
	}
	// Earlier tokens stay valid until they expire: OPPO documents no
	// revocation on re-auth, and clients refresh early.
	e.tokens[tok] = authToken{app: app.Name, key: app.Key, created: now, ttl: ttl}
	return tok
}

// Sign is OPPO's auth signature: lowercase hex SHA-256 of app_key +
// timestamp + master_secret, plainly concatenated (vendor-facts §2.2).
func Sign(appKey, timestamp, masterSecret string) string {
	return sha256Hex(appKey + timestamp + masterSecret)
}

// ---- sends ----

// session is an authenticated send request.
type session struct {
	app *world.App // shared, read-only
	now time.Time
}

// authenticate checks auth_token and finds its app. The returned app is the
// world's shared copy: read it, never keep or change it.
func (e *Emulator) authenticate(r *http.Request, now time.Time) (s session, code int, rule, reason string) {
	tok := r.Form.Get("auth_token")
	if tok == "" {
		return s, codeMissingToken, "oppo.auth.token-missing", "auth_token is missing"
	}
	e.mu.Lock()
	t, ok := e.tokens[tok]
	e.mu.Unlock()
	if !ok {
		return s, codeInvalidToken, "oppo.auth.token-invalid", "auth_token was never issued"
	}
	if now.Sub(t.created) >= t.ttl {
		return s, codeInvalidToken, "oppo.auth.token-expired",
			"auth_token expired: issued " + t.created.UTC().Format(time.RFC3339) + ", valid " + t.ttl.String()
	}
	app, ok := e.w.FindAppShared("oppo", func(a *world.App) bool { return a.Name == t.app })
	if !ok || app.Key != t.key {
		return s, codeInvalidToken, "oppo.auth.token-invalid", "the app behind auth_token no longer exists or changed its AppKey"
	}
	return session{app: app, now: now}, codeSuccess, "", ""
}

func (e *Emulator) serveUnicast(rw http.ResponseWriter, r *http.Request) {
	now := e.w.Now()
	entry := world.Entry{Kind: world.KindRequest, Vendor: "oppo", Method: r.Method, Path: PathUnicast, Status: http.StatusOK, At: now}
	s, code, rule, reason := e.begin(rw, r, now)
	if code != codeSuccess {
		e.reject(rw, &entry, r, s, code, rule, reason)
		return
	}
	raw := r.Form.Get("message")
	if raw == "" {
		e.reject(rw, &entry, r, s, codeMissingArgs, "oppo.message.required", "form field message is missing")
		return
	}
	if !utf8.ValidString(raw) {
		e.reject(rw, &entry, r, s, codeInvalidEncoding, "oppo.request.encoding", "message is not UTF-8")
		return
	}
	var m message
	if err := unmarshal(raw, &m); err != nil {
		e.reject(rw, &entry, r, s, codeInvalidArgs, "oppo.message.json", "message is not a valid message object: "+err.Error())
		return
	}
	o := e.decide(s, &m)
	if o.target != "" {
		entry.Tokens = []string{o.target}
	}
	entry.Device = o.device.ID
	if o.code != codeSuccess {
		e.reject(rw, &entry, r, s, o.code, o.rule, o.reason)
		return
	}
	body := unicastSuccess(o.messageID)
	entry.App = s.app.Name
	entry.Code = "0"
	entry.MessageID = o.messageID
	entry.Verdict = world.VerdictAccepted
	if o.dropRule != "" {
		entry.Verdict, entry.Rule, entry.Reason = world.VerdictNotShown, o.dropRule, o.dropReason
	}
	entry.Body = maskedBody(r.Form)
	entry.Response = capText(string(body))
	seq := e.w.Record(entry)
	e.apply(s, &o, seq)
	writeJSON(rw, http.StatusOK, body)
}

func (e *Emulator) serveBatch(rw http.ResponseWriter, r *http.Request) {
	now := e.w.Now()
	entry := world.Entry{Kind: world.KindRequest, Vendor: "oppo", Method: r.Method, Path: PathUnicastBatch, Status: http.StatusOK, At: now}
	s, code, rule, reason := e.begin(rw, r, now)
	if code != codeSuccess {
		e.reject(rw, &entry, r, s, code, rule, reason)
		return
	}
	raw := r.Form.Get("messages")
	if raw == "" {
		e.reject(rw, &entry, r, s, codeMissingArgs, "oppo.message.required", "form field messages is missing")
		return
	}
	if !utf8.ValidString(raw) {
		e.reject(rw, &entry, r, s, codeInvalidEncoding, "oppo.request.encoding", "messages is not UTF-8")
		return
	}
	ms, err := decodeMessages(raw)
	if err != nil {
		e.reject(rw, &entry, r, s, codeInvalidArgs, "oppo.message.json", "messages is not a JSON array of message objects: "+err.Error())
		return
	}
	if len(ms) == 0 {
		e.reject(rw, &entry, r, s, codeMissingArgs, "oppo.message.required", "messages is empty")
		return
	}
	if len(ms) > maxBatch {
		e.reject(rw, &entry, r, s, codeInvalidArgs, "oppo.batch.max",
			"messages holds "+strconv.Itoa(len(ms))+" messages, at most 1000 are allowed")
		return
	}
	outs := make([]outcome, len(ms))
	results := make([]batchResult, len(ms))
	entry.Tokens = make([]string, len(ms))
	accepted, notShown := 0, 0
	var firstFail outcome
	for i := range ms {
		o := e.decide(s, &ms[i])
		outs[i] = o
		entry.Tokens[i] = o.target
		results[i] = batchResult{MessageID: o.messageID, RegistrationID: o.target}
		if o.code != codeSuccess {
			results[i].ErrorCode, results[i].ErrorMessage = o.code, Text(o.code)
			if firstFail.rule == "" {
				firstFail = o
			}
			continue
		}
		accepted++
		if o.dropRule != "" {
			notShown++
		}
	}
	body := batchSuccess(results)
	entry.App = s.app.Name
	entry.Code = "0"
	entry.Verdict = world.VerdictAccepted
	entry.Reason = strconv.Itoa(len(ms)) + " messages: " + strconv.Itoa(accepted) + " accepted (" +
		strconv.Itoa(notShown) + " not to be shown), " + strconv.Itoa(len(ms)-accepted) + " rejected"
	if firstFail.rule != "" {
		entry.Rule = firstFail.rule
		entry.Reason += "; first rejection " + strconv.Itoa(firstFail.code) + " for " + firstFail.target + ": " + firstFail.reason
	}
	if len(ms) == 1 && outs[0].code == codeSuccess {
		entry.MessageID = outs[0].messageID
		entry.Device = outs[0].device.ID
	}
	entry.Body = maskedBody(r.Form)
	entry.Response = capText(string(body))
	seq := e.w.Record(entry)
	for i := range outs {
		if outs[i].code == codeSuccess {
			e.apply(s, &outs[i], seq)
		}
	}
	writeJSON(rw, http.StatusOK, body)
}

// begin checks the method, parses the form and authenticates.
func (e *Emulator) begin(rw http.ResponseWriter, r *http.Request, now time.Time) (session, int, string, string) {
	if r.Method != http.MethodPost {
		return session{}, codeMethod, "oppo.request.method", "every OPPO call is a POST"
	}
	if c, rule, why := parseForm(rw, r); c != 0 {
		return session{}, c, rule, why
	}
	s, code, rule, reason := e.authenticate(r, now)
	if code == codeSuccess {
		code, rule, reason = e.rateLimit(s.app, now) // faults.go
	}
	return s, code, rule, reason
}

// reject answers a request-level error and records it.
func (e *Emulator) reject(rw http.ResponseWriter, entry *world.Entry, r *http.Request, s session, code int, rule, reason string) {
	body := errorBody(code, "")
	if s.app != nil {
		entry.App = s.app.Name
	}
	entry.Verdict, entry.Code, entry.Rule, entry.Reason = world.VerdictRejected, strconv.Itoa(code), rule, reason
	entry.Body = maskedBody(r.Form)
	entry.Response = capText(string(body))
	e.w.Record(*entry)
	writeJSON(rw, http.StatusOK, body)
}

// parseForm reads the form body within maxBody.
func parseForm(rw http.ResponseWriter, r *http.Request) (code int, rule, reason string) {
	r.Body = http.MaxBytesReader(rw, r.Body, maxBody)
	if err := readForm(r); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return codeInvalidArgs, "oppo.request.size", "request body is larger than " + strconv.Itoa(maxBody) + " bytes"
		}
		return codeInvalidArgs, "oppo.request.form", "request body is not a valid form: " + err.Error()
	}
	return 0, "", ""
}

// readForm is r.ParseForm, with a form body of declared length read by
// world.ReadBody (a buffer of that size, or the fault injector's without a
// copy): ParseForm's io.ReadAll starts at 512 bytes and copies a megabyte
// unicast_batch about a dozen times as it grows. The
// values and errors are ParseForm's (it still merges the URL's query, and
// handles every other request itself).
func readForm(r *http.Request) error {
	if r.PostForm != nil || r.ContentLength <= 0 || r.ContentLength > maxBody ||
		r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch {
		return r.ParseForm()
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		return r.ParseForm()
	}
	b, err := world.ReadBody(r, maxBody, nil)
	if err != nil {
		// ParseForm keeps an empty PostForm and the URL's query.
		r.PostForm = url.Values{}
		_ = r.ParseForm()
		return err
	}
	r.PostForm, err = url.ParseQuery(string(b))
	if ferr := r.ParseForm(); err == nil {
		err = ferr
	}
	return err
}
