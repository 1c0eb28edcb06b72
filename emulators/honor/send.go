package honor

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

// maxSendBody bounds what is read at all; a body over message_bytes
// (tokens excluded) is refused with 80300008 after reading.
const maxSendBody = 1 << 20

// ledgerBodyCap keeps ledger entries small whatever was sent.
const ledgerBodyCap = 8 << 10

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// serveSend is POST /api/v1/{appId}/sendMessage.
func (e *Emulator) serveSend(w http.ResponseWriter, r *http.Request, appID string) {
	now := e.w.Now()
	rid := e.requestID(now)
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	_, readErr := buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxSendBody))
	body := buf.Bytes()

	entry := world.Entry{Kind: world.KindRequest, Vendor: Vendor, Method: r.Method, Path: r.URL.Path, MessageID: rid, Body: ledgerBody(body)}
	app, _ := e.w.FindAppShared(Vendor, func(a *world.App) bool { return a.ID == appID })
	if app != nil {
		entry.App = app.Name
	}
	if p := e.authorize(r, app, appID, now); p != nil {
		e.reject(w, &entry, app, p, rid, nil, nil)
		return
	}
	if e.flowControlled(w, &entry, app, rid, now) {
		return
	}
	if readErr != nil {
		e.reject(w, &entry, app, &problem{codeTooBig, RuleMessageSize, fmt.Sprintf("the request body exceeds %d bytes", maxSendBody)}, rid, nil, nil)
		return
	}
	if world.InvalidJSONText(body) {
		e.reject(w, &entry, app, &problem{codeParam, RuleContentEncoding, "the body is not valid UTF-8 (or escapes a lone surrogate)"}, rid, nil, nil)
		return
	}
	var req sendRequest
	if err := json.Unmarshal(body, &req); err != nil {
		e.reject(w, &entry, app, decodeProblem(err), rid, nil, nil)
		return
	}
	entry.Tokens = req.Token
	if limit := app.Quota("max_tokens", 1000); len(req.Token) == 0 || len(req.Token) > limit {
		e.reject(w, &entry, app, &problem{codeTokenCount, RuleMessageTokenCount, fmt.Sprintf("%d tokens, 1 to %d allowed", len(req.Token), limit)}, rid, nil, nil)
		return
	}
	if limit, size := app.Quota("message_bytes", 4096), len(body)-tokenBytes(req.Token); size > limit {
		e.reject(w, &entry, app, &problem{codeTooBig, RuleMessageSize, fmt.Sprintf("the message is %d bytes without tokens, more than %d", size, limit)}, rid, nil, nil)
		return
	}
	maxTTL := time.Duration(app.Quota("ttl_max_seconds", 1296000)) * time.Second
	if p := req.check(maxTTL, app.Setting("click_action_required", "") != "false"); p != nil {
		e.reject(w, &entry, app, p, rid, nil, nil)
		return
	}
	pl := planFor(app, &req)
	cv := e.w.CheckContent(app, contentOf(&req, &pl))
	switch cv.Rule {
	case world.ContentSensitiveWord:
		e.reject(w, &entry, app, &problem{codeSensitive, RuleContentSensitive, cv.Reason}, rid, nil, nil)
		return
	case world.ContentInvalidUTF8:
		e.reject(w, &entry, app, &problem{codeParam, RuleContentEncoding, cv.Reason}, rid, nil, nil)
		return
	}

	// Tokens: one a phone of this app holds is sent; an Honor token no
	// phone holds (expired, replaced, or the EXPIRED magic word) is
	// expired; anything else (not an Honor token, another app's) failed.
	devices := make([]world.Device, 0, len(req.Token))
	var failed, expired []string
	for i, t := range req.Token {
		if i > 0 && dupToken(req.Token[:i], t) {
			continue
		}
		d, ok := e.w.DeviceByToken(Vendor, t)
		switch {
		case ok && d.App == app.Name:
			devices = append(devices, d)
		case ok:
			failed = append(failed, t)
		case wellFormed(t) || world.TokenExpired(t):
			expired = append(expired, t)
		default:
			failed = append(failed, t)
		}
	}
	if len(devices) == 0 {
		e.reject(w, &entry, app, &problem{codeAllInvalid, RuleTokensAllInvalid,
			fmt.Sprintf("no token can be sent: %d not Honor tokens of app %s, %d expired", len(failed), app.ID, len(expired))}, rid, failed, expired)
		return
	}
	if pl.test {
		limit := app.Quota("test_daily", 1000)
		if used, ok := e.w.Quotas().TakeDaily("honor/"+app.ID+"/test", limit, now, world.Shanghai); !ok {
			e.reject(w, &entry, app, &problem{codeTestLimit, RuleTestMessage, fmt.Sprintf("%d test messages sent today, at most %d per app per day", used, limit)}, rid, nil, nil)
			return
		}
	}
	rule, reason := pl.rule, pl.reason
	switch {
	case len(expired) > 0:
		rule = RuleTokensExpire
		reason = fmt.Sprintf("%d of %d tokens expired (expireTokens)", len(expired), len(devices)+len(failed)+len(expired))
		if len(failed) > 0 {
			reason += fmt.Sprintf(", %d failed (failTokens)", len(failed))
		}
		reason += "; " + pl.reason
	case len(failed) > 0:
		rule = RuleTokensFail
		reason = fmt.Sprintf("%d of %d tokens are not Honor tokens of the app (failTokens); %s", len(failed), len(devices)+len(failed), pl.reason)
	}
	status := httpStatus(codeSuccess, app)
	entry.Status, entry.Verdict, entry.Code, entry.Rule, entry.Reason = status, world.VerdictAccepted, "200", rule, reason
	if cv.Rule == world.ContentEmpty {
		// No code is documented for it: accepted, and the phone shows nothing.
		entry.Verdict, entry.Rule, entry.Reason = world.VerdictNotShown, RuleContentEmpty, cv.Reason+"; accepted and not shown"
	}
	out := appendReply(make([]byte, 0, 160), codeSuccess, codeText[codeSuccess], rid, true, failed, expired)
	entry.Response = string(out)
	seq := e.w.Record(entry)
	writeJSON(w, status, out)
	for i := range devices {
		n := pl.n
		n.MessageID = rid
		if cv.Rule == world.ContentEmpty {
			e.w.Drop(devices[i].ID, n, RuleContentEmpty, cv.Reason, seq) //nolint:errcheck // the phone exists
			continue
		}
		e.deliver(app, &devices[i], &pl, rid, seq, now)
		if cv.Controls > 0 {
			e.w.Note(devices[i].ID, n, RuleContentControls, cv.ControlsReason(), seq)
		}
	}
}

// contentOf is what the content filter reads: the shown title and body,
// the other shown texts and the data.
func contentOf(m *sendRequest, pl *plan) world.Content {
	c := world.Content{Title: pl.n.Title, Body: pl.n.Body, Payload: pl.n.Payload, PassThrough: !pl.notify}
	if an := m.an(); an != nil {
		c.More = []string{an.BigTitle, an.BigBody, an.NotifySummary}
	}
	return c
}

// authorize checks the bearer token (80200001, 80200003), the app
// (80300002) and, in strict mode, the timestamp header.
func (e *Emulator) authorize(r *http.Request, app *world.App, appID string, now time.Time) *problem {
	header := r.Header.Get("Authorization")
	raw, bearer := strings.CutPrefix(header, "Bearer ")
	if !bearer {
		// One third-party client sends the bare token (§2.2).
		if app != nil && app.Setting("strict_bearer", "") == "true" && header != "" {
			return &problem{codeAuth, RuleSendBearer, "the Authorization header must be \"Bearer <access_token>\" (strict_bearer)"}
		}
		raw = strings.TrimSpace(header)
	}
	if raw == "" {
		return &problem{codeAuth, RuleSendBearer, "the Authorization header has no access token"}
	}
	tok, cached := e.verified(raw, app)
	if !cached {
		var ok bool
		if tok, ok = parseAccessToken(raw); !ok {
			return &problem{codeAuth, RuleSendBearer, "the access token is not one the token endpoint issued"}
		}
	}
	issuer := app
	if tok.AppID != appID {
		issuer, _ = e.w.FindAppShared(Vendor, func(a *world.App) bool { return a.ID == tok.AppID })
	}
	if issuer == nil || !cached && !tok.signedBy(issuer.Secret) {
		return &problem{codeAuth, RuleSendBearer, "the access token is not one the token endpoint issued"}
	}
	if !cached {
		e.remember(raw, tok, issuer.Secret)
	}
	if app == nil {
		return &problem{codeNoPermission, RuleAppPermission, fmt.Sprintf("appId %s in the path is no app", appID)}
	}
	if issuer != app {
		return &problem{codeAuth, RuleSendBearer, fmt.Sprintf("the access token was issued to app %s, not %s", tok.AppID, appID)}
	}
	if !now.Before(tok.exp) {
		return &problem{codeExpired, RuleSendExpired, fmt.Sprintf("the access token expired at %s", tok.exp.UTC().Format(time.RFC3339))}
	}
	if app.Setting("push_enabled", "") == "false" {
		return &problem{codeNoPermission, RuleAppPermission, "Push is not enabled for the app"}
	}
	if app.Setting("strict_timestamp", "") == "true" {
		return checkTimestamp(r.Header.Get("timestamp"), now, time.Duration(app.Quota("timestamp_skew_seconds", 600))*time.Second)
	}
	return nil
}

// checkTimestamp: epoch milliseconds (13 digits) within skew of now.
func checkTimestamp(v string, now time.Time, skew time.Duration) *problem {
	if v == "" {
		return &problem{codeParam, RuleSendTimestamp, "the timestamp header is missing"}
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil || len(v) != 13 {
		return &problem{codeParam, RuleSendTimestamp, fmt.Sprintf("the timestamp header %q is not epoch milliseconds", v)}
	}
	if d := now.Sub(time.UnixMilli(ms)); d > skew || d < -skew {
		return &problem{codeParam, RuleSendTimestamp, fmt.Sprintf("the timestamp header is %s away from the server's clock (at most %s)", d.Round(time.Second), skew)}
	}
	return nil
}

// defQPS is Huawei's documented QPS floor (Honor's is not found).
const defQPS = 6000

// flowControlled answers a send over the app's QPS with HTTP 503 and
// 81000001, as Huawei does.
func (e *Emulator) flowControlled(w http.ResponseWriter, entry *world.Entry, app *world.App, rid string, now time.Time) bool {
	limit := app.Quota("qps", defQPS)
	if limit <= 0 || e.w.Quotas().TakeRate("honor/"+app.ID+"/qps", limit, time.Second, now) {
		return false
	}
	out := appendReply(nil, codeInternal, "System flow control", rid, false, nil, nil)
	entry.Status, entry.Verdict, entry.Code, entry.Rule = http.StatusServiceUnavailable, world.VerdictRejected, strconv.Itoa(codeInternal), RuleSendFlowControl
	entry.Reason = fmt.Sprintf("more than %d send requests in one second (flow control)", limit)
	entry.Response = string(out)
	e.w.Record(*entry)
	writeJSON(w, http.StatusServiceUnavailable, out)
	return true
}

// reject answers a refused request and records it.
func (e *Emulator) reject(w http.ResponseWriter, entry *world.Entry, app *world.App, p *problem, rid string, failed, expired []string) {
	msg := codeText[p.code]
	if p.code == codeParam || p.code == codeStructure {
		msg += ", " + p.detail // Huawei appends what was wrong to these two
	}
	status := httpStatus(p.code, app)
	out := appendReply(make([]byte, 0, 160+len(msg)), p.code, msg, rid, false, failed, expired)
	entry.Status, entry.Verdict, entry.Code, entry.Rule, entry.Reason = status, world.VerdictRejected, strconv.Itoa(p.code), p.rule, p.detail
	entry.Response = string(out)
	e.w.Record(*entry)
	writeJSON(w, status, out)
}

// appendReply writes Honor's answer (§2.4):
// {"code":200,"message":"...","data":{"sendResult":true,"requestId":"...","failTokens":[...],"expireTokens":[...]}}.
func appendReply(b []byte, code int, msg, rid string, ok bool, failed, expired []string) []byte {
	b = append(b, `{"code":`...)
	b = strconv.AppendInt(b, int64(code), 10)
	b = append(b, `,"message":`...)
	b = appendJSONString(b, msg)
	b = append(b, `,"data":{"sendResult":`...)
	b = strconv.AppendBool(b, ok)
	b = append(b, `,"requestId":"`...)
	b = append(b, rid...)
	b = append(b, `","failTokens":`...)
	b = appendStrings(b, failed)
	b = append(b, `,"expireTokens":`...)
	b = appendStrings(b, expired)
	return append(b, `}}`...)
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
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
	w.Header()["Content-Type"] = contentTypeJSON
	w.WriteHeader(status)
	w.Write(body) //nolint:errcheck // the client went away
}

func ledgerBody(b []byte) string {
	if len(b) > ledgerBodyCap {
		return string(b[:ledgerBodyCap]) + "…"
	}
	return string(b)
}

// tokenBytes is what the token array takes in the body: the size limit
// excludes tokens, as Huawei's does.
func tokenBytes(tokens []string) int {
	if len(tokens) == 0 {
		return 0
	}
	n := len(tokens) - 1
	for _, t := range tokens {
		n += len(t) + 2
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

// requestID is a 32-hex-character id (Honor's format is not found): the
// time and a counter that starts at a seeded random value.
func (e *Emulator) requestID(now time.Time) string {
	return hexID(e.reqSeq.Add(1), now)
}
