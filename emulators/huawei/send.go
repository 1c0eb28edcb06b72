package huawei

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// maxSendBody bounds what is read at all: 1000 tokens of ~130 characters
// plus a 4096-byte message fit easily; larger bodies get 80300008.
const maxSendBody = 1 << 20

// ledgerBodyCap keeps ledger entries small whatever was sent.
const ledgerBodyCap = 8 << 10

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// serveSend is POST /v1/{appId}/messages:send.
func (e *Emulator) serveSend(w http.ResponseWriter, r *http.Request, appID string) {
	now := e.w.Now()
	rid := e.requestID()
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	_, readErr := buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxSendBody))
	body := buf.Bytes()

	entry := world.Entry{Kind: world.KindRequest, Vendor: vendor, Method: r.Method, Path: r.URL.Path, MessageID: rid, Body: ledgerBody(body)}
	app, _ := e.w.FindAppShared(vendor, func(a *world.App) bool { return a.ID == appID })
	if app != nil {
		entry.App = app.Name
	}
	if p := e.authorize(r.Header.Get("Authorization"), app, appID, now); p != nil {
		e.reject(w, &entry, app, p, rid)
		return
	}
	if e.flowControlled(w, &entry, app, rid, now) {
		return
	}
	if readErr != nil {
		e.reject(w, &entry, app, &problem{codeTooBig, RuleMessageSize, fmt.Sprintf("the request body exceeds %d bytes", maxSendBody)}, rid)
		return
	}
	if world.InvalidJSONText(body) {
		// encoding/json would quietly turn the bad bytes (or a lone
		// surrogate escape) into U+FFFD.
		e.reject(w, &entry, app, &problem{codeParam, RuleContentEncoding, "the body is not valid UTF-8 (or escapes a lone surrogate)"}, rid)
		return
	}
	var req sendRequest
	if err := json.Unmarshal(body, &req); err != nil {
		e.reject(w, &entry, app, decodeProblem(err), rid)
		return
	}
	m := req.Message
	if m == nil {
		e.reject(w, &entry, app, &problem{codeTokenCount, RuleMessageTokenCount, "the body has no message (misspelled?)"}, rid)
		return
	}
	entry.Tokens = m.Token
	if p := checkTargets(app, m); p != nil {
		e.reject(w, &entry, app, p, rid)
		return
	}
	if limit, size := app.Quota("message_bytes", 4096), len(body)-tokenBytes(m.Token); size > limit {
		e.reject(w, &entry, app, &problem{codeTooBig, RuleMessageSize, fmt.Sprintf("the message is %d bytes without tokens, more than %d", size, limit)}, rid)
		return
	}
	maxTTL := time.Duration(app.Quota("ttl_max_seconds", 1296000)) * time.Second
	if p := m.check(maxTTL, app.Setting("click_action_required", "") == "true"); p != nil {
		e.reject(w, &entry, app, p, rid)
		return
	}
	pl := planFor(app, m)
	if pl.importance == importanceHigh && !app.Has(PrivHighImportance) {
		e.reject(w, &entry, app, &problem{codeHighRight, RuleImportanceHigh, "importance HIGH needs the high-importance right"}, rid)
		return
	}
	cv := e.w.CheckContent(app, contentOf(m, &pl))
	switch cv.Rule {
	case world.ContentSensitiveWord:
		e.reject(w, &entry, app, &problem{codeSensitive, RuleContentSensitive, cv.Reason}, rid)
		return
	case world.ContentInvalidUTF8:
		e.reject(w, &entry, app, &problem{codeParam, RuleContentEncoding, cv.Reason}, rid)
		return
	}

	// Tokens: a token is valid when it is registered for this app.
	devices := make([]world.Device, 0, len(m.Token))
	var illegal []string
	for i, t := range m.Token {
		if i > 0 && dupToken(m.Token[:i], t) {
			continue
		}
		d, ok := e.w.DeviceByToken(vendor, t)
		if !ok || d.App != app.Name || d.Platform == PlatformHarmony { // a HarmonyOS NEXT phone takes v3 only (v3.go)
			illegal = append(illegal, t)
			continue
		}
		devices = append(devices, d)
	}
	code, msg, rule := codeSuccess, codeText[codeSuccess], pl.rule
	entry.Reason = pl.reason
	switch {
	case m.Topic != "" || m.Condition != "": // topicsend.go
		var p *problem
		if devices, rule, entry.Reason, p = e.topicAudience(app, m); p != nil {
			e.reject(w, &entry, app, p, rid)
			return
		}
		entry.Tokens = audienceTokens(devices)
		entry.Reason += "; " + pl.reason
	case len(devices) == 0:
		e.reject(w, &entry, app, &problem{codeAllInvalid, RuleTokensAllInvalid, fmt.Sprintf("none of the %d tokens is registered for app %s", len(illegal), app.ID)}, rid)
		return
	case len(illegal) > 0:
		code, rule = codePartial, RuleTokensPartial
		msg = partialMsg(len(devices), len(illegal), illegal)
		entry.Reason = fmt.Sprintf("%d of %d tokens are not registered for the app; %s", len(illegal), len(illegal)+len(devices), pl.reason)
	}
	if req.ValidateOnly {
		rule = RuleValidateOnly
		entry.Reason = "validate_only: the message is valid and was not delivered"
		devices = nil
	}
	status := httpStatus(code, app)
	entry.Status, entry.Verdict, entry.Code, entry.Rule = status, world.VerdictAccepted, code, rule
	if cv.Rule == world.ContentEmpty && len(devices) > 0 {
		// Huawei documents no code for it: accepted, and the phone shows nothing.
		entry.Verdict, entry.Rule, entry.Reason = world.VerdictNotShown, RuleContentEmpty, cv.Reason+"; accepted and not shown"
	}
	out := appendResult(make([]byte, 0, 96+len(msg)), code, msg, rid)
	entry.Response = string(out)
	seq := e.w.Record(entry)
	writeJSON(w, status, out)
	e.handOut(devices, pl.n, rid, seq, &cv, func(d *world.Device) { e.deliver(app, d, &pl, rid, seq, now) })
}

// handOut gives every phone an accepted message (v1 and v3): dropped at
// once when the content filter found nothing to show, else through
// deliver, with a note when control characters were stripped.
func (e *Emulator) handOut(devices []world.Device, n world.Notification, rid string, seq uint64, cv *world.ContentVerdict, deliver func(*world.Device)) {
	n.MessageID = rid
	for i := range devices {
		if cv.Rule == world.ContentEmpty {
			e.w.Drop(devices[i].ID, n, RuleContentEmpty, cv.Reason, seq) //nolint:errcheck // the phone exists
			continue
		}
		deliver(&devices[i])
		if cv.Controls > 0 {
			e.w.Note(devices[i].ID, n, RuleContentControls, cv.ControlsReason(), seq)
		}
	}
}

// contentOf is what the content filter reads: the title and body the phone
// shows (a localization key stands in for a missing text), the other shown
// texts, and the data.
func contentOf(m *message, pl *plan) world.Content {
	c := world.Content{Title: pl.n.Title, Body: pl.n.Body, Payload: pl.n.Payload, PassThrough: !pl.notify}
	if m.Android != nil && m.Android.Notification != nil {
		an := m.Android.Notification
		if c.Title == "" {
			c.Title = an.TitleLocKey
		}
		if c.Body == "" {
			c.Body = an.BodyLocKey
		}
		c.More = []string{an.BigTitle, an.BigBody, an.NotifySummary}
	}
	return c
}

// authorize checks the bearer token (80200001, 80200003) and the app's push
// permission (80300002). A token of app A used in app B's URL is 80200001;
// an appId that is no app at all is 80300002 (§1.1).
func (e *Emulator) authorize(header string, app *world.App, appID string, now time.Time) *problem {
	raw, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || raw == "" {
		return &problem{codeAuth, RuleAuthInvalid, "the Authorization header has no Bearer token"}
	}
	if isJWT(raw) {
		return e.authorizeJWT(raw, app, appID, now) // v1jwt.go
	}
	tok, cached := e.verified(raw, app)
	if !cached {
		if tok, ok = parseAccessToken(raw); !ok {
			return &problem{codeAuth, RuleAuthInvalid, "the access token is not one the token endpoint issued"}
		}
	}
	issuer := app
	if tok.appID != appID {
		issuer, _ = e.w.FindAppShared(vendor, func(a *world.App) bool { return a.ID == tok.appID })
	}
	if issuer == nil || !cached && !tok.signedBy(issuer.Secret) {
		return &problem{codeAuth, RuleAuthInvalid, "the access token is not one the token endpoint issued"}
	}
	if !cached {
		e.remember(raw, tok, issuer.Secret)
	}
	if app == nil {
		return &problem{codeNoPermission, RuleAppPermission, fmt.Sprintf("appId %s in the URL is no app", appID)}
	}
	if issuer != app {
		return &problem{codeAuth, RuleAuthInvalid, fmt.Sprintf("the access token was issued to app %s, not %s", tok.appID, appID)}
	}
	if !now.Before(tok.exp) {
		return &problem{codeExpired, RuleAuthExpired, fmt.Sprintf("the access token expired at %s", tok.exp.UTC().Format(time.RFC3339))}
	}
	if app.Setting("push_enabled", "") == "false" {
		return &problem{codeNoPermission, RuleAppPermission, "Push Kit is not enabled for the app"}
	}
	return nil
}

func checkTargets(app *world.App, m *message) *problem {
	n := 0
	if len(m.Token) > 0 {
		n++
	}
	if m.Topic != "" {
		n++
	}
	if m.Condition != "" {
		n++
	}
	switch {
	case n > 1:
		return &problem{codeParam, RuleMessageTarget, "exactly one of token, topic and condition may be set"}
	case n == 0:
		return &problem{codeTokenCount, RuleMessageTokenCount, "the message has no token (1 to 1000 needed)"}
	}
	if limit := app.Quota("max_tokens", 1000); len(m.Token) > limit {
		return &problem{codeTokenCount, RuleMessageTokenCount, fmt.Sprintf("%d tokens, at most %d", len(m.Token), limit)}
	}
	return nil
}

// tokenBytes is what the token array takes in the body: the size limit
// excludes tokens (§1.5).
func tokenBytes(tokens []string) int {
	if len(tokens) == 0 {
		return 0
	}
	n := len(tokens) - 1 // commas
	for _, t := range tokens {
		n += len(t) + 2 // quotes
	}
	return n
}

func dupToken(before []string, t string) bool {
	for _, b := range before {
		if b == t {
			return true
		}
	}
	return false
}

// partialMsg is 80100000's msg: a JSON document inside the JSON string.
func partialMsg(success, failure int, illegal []string) string {
	b, _ := json.Marshal(struct {
		Success       int      `json:"success"`
		Failure       int      `json:"failure"`
		IllegalTokens []string `json:"illegal_tokens"`
	}{success, failure, illegal})
	return string(b)
}

// reject answers a refused request and records it.
func (e *Emulator) reject(w http.ResponseWriter, entry *world.Entry, app *world.App, p *problem, rid string) {
	msg := codeText[p.code]
	if p.code == codeParam || p.code == codeStructure {
		// Huawei appends what was wrong to these two (v3's "Illegal payload, {tips}").
		msg += ", " + p.detail
	}
	status := httpStatus(p.code, app)
	out := appendResult(make([]byte, 0, 96+len(msg)), p.code, msg, rid)
	entry.Status, entry.Verdict, entry.Code, entry.Rule, entry.Reason = status, world.VerdictRejected, p.code, p.rule, p.detail
	entry.Response = string(out)
	e.w.Record(*entry)
	writeJSON(w, status, out)
}

func writeResult(w http.ResponseWriter, status int, code, msg, rid string) {
	writeJSON(w, status, appendResult(nil, code, msg, rid))
}

// appendResult writes {"code":...,"msg":...,"requestId":...}.
func appendResult(b []byte, code, msg, rid string) []byte {
	b = append(b, `{"code":"`...)
	b = append(b, code...)
	b = append(b, `","msg":`...)
	b = appendJSONString(b, msg)
	b = append(b, `,"requestId":"`...)
	b = append(b, rid...)
	return append(b, `"}`...)
}

func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// contentTypeJSON is shared by every reply (never modified) to save an allocation.
var contentTypeJSON = []string{"application/json;charset=UTF-8"}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = contentTypeJSON
	w.WriteHeader(status)
	w.Write(body) //nolint:errcheck // the client went away
}

func ledgerBody(b []byte) string {
	if len(b) > ledgerBodyCap {
		return string(b[:ledgerBodyCap]) + "…"
	}
	return string(b)
}

// requestID looks like Huawei's: 13-digit epoch milliseconds and 11
// digits, here a counter that starts at a seeded random value (no lock on
// the hot path, reproducible for a seed).
func (e *Emulator) requestID() string {
	n := e.reqSeq.Add(1) % 1e11
	var b [24]byte
	out := strconv.AppendInt(b[:0], e.w.Now().UnixMilli(), 10)
	var d [11]byte
	for i := len(d) - 1; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return string(append(out, d[:]...))
}
