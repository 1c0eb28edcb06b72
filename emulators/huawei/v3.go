package huawei

// HarmonyOS NEXT (v3, vendor-facts/apns-honor-huawei-v3.md §3 and
// huawei-oppo-fcm-honor.md §1.7) beside v1, on the same apps:
//
//   - App.Key is the app's project id ({projectId} of the v3 URL) and
//     App.Extra["service_account"] its key file; DemoApp fills both in.
//   - A phone with world.Device.Platform "harmony" takes v3 only; any other
//     phone takes v1 only.
//   - Privileges: "voice-broadcast" (push-type 2), "live-view" (7),
//     "voip-call" (10); "self-classification" as for v1.
//   - Quotas: "v3_test_daily" (1000 test messages per project per day);
//     "max_tokens", "message_bytes", "marketing_daily", "device_daily" and
//     "qps" as for v1 (counted together with v1 for the same phone/app).
//   - Settings: "push_enabled", "http_status[.<code>]" and the content
//     filter keys as for v1.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/pushsim/pushsim/emulators/world"
)

// PlatformHarmony is world.Device.Platform of a HarmonyOS NEXT phone: it
// takes v3 sends only; every other phone takes v1 only (RuleV3Platform).
const PlatformHarmony = "harmony"

// Token failure reasons of v3 (§1.7).
const (
	reasonTokenFormat     = "tokenFormatError"
	reasonNoRight         = "noRight"
	reasonNoPushTypeRight = "noPushTypeRight"
	reasonNoPlayVoice     = "notSupportPlayVoice"
)

// routeV3 adds the v3 send (HarmonyOS NEXT scenario messages) and the
// revoke API to the emulator's router.
func (e *Emulator) routeV3(r *mux.Router) {
	r.HandleFunc("/v3/{projectId}/messages:send", e.serveV3Send).Methods(http.MethodPost)
	r.HandleFunc("/v1/{clientId}/messages:revoke", e.serveRevoke).Methods(http.MethodPost)
}

// v3PushType reads the push-type header (§3.3).
func v3PushType(v string) (int, *problem) {
	v = strings.TrimSpace(v)
	n, err := strconv.Atoi(v)
	if v == "" {
		return 0, &problem{codeParam, RuleV3PushType, "the push-type header is missing"}
	}
	switch {
	case err != nil:
	case n == pushAlert, n == pushWidget, n == pushExtension, n == pushBackground, n == pushLiveView, n == pushVoIP:
		return n, nil
	}
	return 0, &problem{codeParam, RuleV3PushType, fmt.Sprintf("push-type %q is not 0, 1, 2, 6, 7 or 10", v)}
}

// serveV3Send is POST /v3/{projectId}/messages:send.
func (e *Emulator) serveV3Send(w http.ResponseWriter, r *http.Request) {
	projectID := mux.Vars(r)["projectId"]
	now := e.w.Now()
	rid := e.requestID()
	var buf bytes.Buffer
	_, readErr := buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxSendBody))
	body := buf.Bytes()
	entry := world.Entry{Kind: world.KindRequest, Vendor: vendor, Method: r.Method, Path: r.URL.Path, MessageID: rid, Body: ledgerBody(body)}
	app, _ := e.appByProject(projectID)
	app, p := e.authorizeV3(r.Header.Get("Authorization"), app, projectID, now)
	if app != nil {
		entry.App = app.Name
	}
	if p != nil {
		e.rejectV3(w, &entry, app, p, rid)
		return
	}
	if e.flowControlled(w, &entry, app, rid, now) {
		return
	}
	pushType, p := v3PushType(r.Header.Get("push-type"))
	if p != nil {
		e.rejectV3(w, &entry, app, p, rid)
		return
	}
	if readErr != nil {
		e.rejectV3(w, &entry, app, &problem{codeTooBig, RuleV3Size, fmt.Sprintf("the request body exceeds %d bytes", maxSendBody)}, rid)
		return
	}
	if world.InvalidJSONText(body) {
		e.rejectV3(w, &entry, app, &problem{codeParam, RuleContentEncoding, "the body is not valid UTF-8 (or escapes a lone surrogate)"}, rid)
		return
	}
	var req v3Request
	if err := json.Unmarshal(body, &req); err != nil {
		e.rejectV3(w, &entry, app, payloadTypeProblem(err, ""), rid)
		return
	}
	var tokens []string
	if req.Target != nil {
		tokens = req.Target.Token
	}
	entry.Tokens = tokens
	limit := app.Quota("max_tokens", 1000)
	if pushType == pushWidget {
		limit = 1
	}
	if len(tokens) == 0 || len(tokens) > limit {
		e.rejectV3(w, &entry, app, &problem{codeTokenCount, RuleV3TokenCount, fmt.Sprintf("%d tokens, 1 to %d allowed for push-type %d", len(tokens), limit, pushType)}, rid)
		return
	}
	if req.PushOptions != nil && req.PushOptions.TestMessage {
		if testLimit := min(limit, 10); len(tokens) > testLimit {
			e.rejectV3(w, &entry, app, &problem{codeTestTokens, RuleV3TestMessage, fmt.Sprintf("a test message carries at most %d tokens, not %d", testLimit, len(tokens))}, rid)
			return
		}
	}
	if most, size := app.Quota("message_bytes", 4096), len(body)-tokenBytes(tokens); size > most {
		e.rejectV3(w, &entry, app, &problem{codeTooBig, RuleV3Size, fmt.Sprintf("the message is %d bytes without tokens, more than %d", size, most)}, rid)
		return
	}
	pl, p := planV3(app, pushType, &req)
	if p != nil {
		e.rejectV3(w, &entry, app, p, rid)
		return
	}
	cv := e.w.CheckContent(app, world.Content{Title: pl.n.Title, Body: pl.n.Body, Payload: pl.n.Payload, PassThrough: !pl.show})
	switch cv.Rule {
	case world.ContentSensitiveWord:
		e.rejectV3(w, &entry, app, &problem{codeSensitive, RuleContentSensitive, cv.Reason}, rid)
		return
	case world.ContentInvalidUTF8:
		e.rejectV3(w, &entry, app, &problem{codeParam, RuleContentEncoding, cv.Reason}, rid)
		return
	}

	devices, failed, nFailed := e.v3Tokens(app, tokens, func(d world.Device) string {
		switch {
		case pl.needs != "" && !app.Has(pl.needs):
			return reasonNoPushTypeRight
		case pushType == pushAlert && pl.category == "PLAY_VOICE":
			return reasonNoPlayVoice
		}
		return ""
	})
	if len(devices) == 0 {
		e.rejectV3(w, &entry, app, &problem{codeAllInvalid, RuleV3AllInvalid, "no token can be sent: " + reasonsText(failed)}, rid, illegalMsg(failed, nFailed))
		return
	}
	if pl.test {
		limit := app.Quota("v3_test_daily", 1000)
		if used, ok := e.w.Quotas().TakeDaily("huawei/v3/"+projectID+"/test", limit, now, world.Shanghai); !ok {
			e.rejectV3(w, &entry, app, &problem{codeTestLimit, RuleV3TestMessage, fmt.Sprintf("%d test messages sent today, at most %d per project per day", used, limit)}, rid)
			return
		}
	}
	code, msg, rule, reason := codeSuccess, v3Text[codeSuccess], pl.rule, pl.reason
	if nFailed > 0 {
		code, msg, rule = codePartial, illegalMsg(failed, nFailed), RuleV3Partial
		reason = fmt.Sprintf("%d of %d tokens failed (%s); %s", nFailed, nFailed+len(devices), reasonsText(failed), pl.reason)
	}
	status := v3Status(code, app)
	entry.Status, entry.Verdict, entry.Code, entry.Rule, entry.Reason = status, world.VerdictAccepted, code, rule, reason
	if cv.Rule == world.ContentEmpty {
		entry.Verdict, entry.Rule, entry.Reason = world.VerdictNotShown, RuleContentEmpty, cv.Reason+"; accepted and not shown"
	}
	out := appendResult(make([]byte, 0, 96+len(msg)), code, msg, rid)
	entry.Response = string(out)
	seq := e.w.Record(entry)
	writeJSON(w, status, out)
	e.handOut(devices, pl.n, rid, seq, &cv, func(d *world.Device) { e.deliverV3(app, d, &pl, rid, seq, now) })
}

// v3Tokens sorts a v3 request's tokens: a HarmonyOS NEXT phone of the app
// gets it; an unknown token is tokenFormatError; another app's token, or an
// Android phone's (v3 reaches HarmonyOS NEXT only), is noRight; refuse
// names a reason for a phone of the app (a missing push-type right).
func (e *Emulator) v3Tokens(app *world.App, tokens []string, refuse func(world.Device) string) ([]world.Device, map[string][]string, int) {
	devices := make([]world.Device, 0, len(tokens))
	var failed map[string][]string
	n := 0
	fail := func(reason, t string) {
		if failed == nil {
			failed = map[string][]string{}
		}
		failed[reason] = append(failed[reason], t)
		n++
	}
	for i, t := range tokens {
		if i > 0 && dupToken(tokens[:i], t) {
			continue
		}
		d, ok := e.w.DeviceByToken(vendor, t)
		switch {
		case !ok:
			fail(reasonTokenFormat, t)
		case d.App != app.Name, d.Platform != PlatformHarmony:
			fail(reasonNoRight, t)
		default:
			if why := refuse(d); why != "" {
				fail(why, t)
				continue
			}
			devices = append(devices, d)
		}
	}
	return devices, failed, n
}

// illegalMsg is the msg of 80100000 and 80300007: a JSON document in the
// string, {"illegalTokens":{"<reason>":[...]},"failure":N}.
func illegalMsg(failed map[string][]string, n int) string {
	b, _ := json.Marshal(struct {
		IllegalTokens map[string][]string `json:"illegalTokens"`
		Failure       int                 `json:"failure"`
	}{failed, n})
	return string(b)
}

func reasonsText(failed map[string][]string) string {
	reasons := make([]string, 0, len(failed))
	for r, ts := range failed {
		reasons = append(reasons, fmt.Sprintf("%s: %d", r, len(ts)))
	}
	sort.Strings(reasons)
	return strings.Join(reasons, ", ")
}

// rejectV3 answers a refused v3 request: {code, msg, requestId}, msg
// carrying the tips for 80100001 and 80100003 ("Illegal payload, <tips>"),
// or the given msg.
func (e *Emulator) rejectV3(w http.ResponseWriter, entry *world.Entry, app *world.App, p *problem, rid string, msg ...string) {
	text := v3Text[p.code]
	switch {
	case len(msg) > 0:
		text = msg[0]
	case p.code == codeParam || p.code == codeStructure:
		text += ", " + p.detail
	}
	status := v3Status(p.code, app)
	out := appendResult(make([]byte, 0, 96+len(text)), p.code, text, rid)
	entry.Status, entry.Verdict, entry.Code, entry.Rule, entry.Reason = status, world.VerdictRejected, p.code, p.rule, p.detail
	entry.Response = string(out)
	e.w.Record(*entry)
	writeJSON(w, status, out)
}

// deliverV3 applies the per-phone rules and hands the message to the phone.
func (e *Emulator) deliverV3(app *world.App, d *world.Device, pl *v3Plan, rid string, seq uint64, now time.Time) {
	n := pl.n
	n.MessageID = rid
	q := e.w.Quotas()
	// A phone takes at most 3000 scenario messages a day from an app (§3.5),
	// counted with its v1 messages (one phone runs one system).
	limit := app.Quota("device_daily", 3000)
	if _, ok := q.TakeDaily("huawei/"+app.ID+"/device/"+d.ID, limit, now, world.Shanghai); !ok {
		e.w.Drop(d.ID, n, RuleDeviceCap, fmt.Sprintf("more than %d messages from the app to this phone today", limit), seq) //nolint:errcheck // the phone exists
		return
	}
	if (pl.pushType == pushAlert || pl.pushType == pushExtension) && !pl.service && !pl.test && !pl.badgeOnly {
		capN := 2
		if app.News {
			capN = 5
		}
		capN = app.Quota("marketing_daily", capN)
		if used, ok := q.TakeDaily("huawei/"+app.ID+"/marketing/"+d.ID, capN, now, world.Shanghai); !ok {
			e.w.Drop(d.ID, n, RuleMarketingCap, fmt.Sprintf("news & marketing cap: %d per device per app per day, %d shown today", capN, used), seq) //nolint:errcheck // the phone exists
			return
		}
	}
	if b := pl.badge; b != nil && (b.SetNum != nil || b.AddNum != nil) {
		v := d.Badge
		if b.SetNum != nil {
			v = *b.SetNum
		} else {
			v += *b.AddNum
		}
		n.Badge = &v
		if pl.badgeOnly {
			_, _ = e.w.UpdateDevice(d.ID, func(dev *world.Device) { dev.Badge = v }) // the phone exists
			e.w.Note(d.ID, n, RuleV3Badge, fmt.Sprintf("badge-only message: the app's badge is now %d, nothing shown", v), seq)
			return
		}
	}
	// Only the newest of a collapseKey group reaches a phone that was
	// offline (offline.go).
	opts := world.DeliverOptions{TTL: pl.ttl, Request: seq, HoldKey: holdKey(pl.collapse), Store: offlineStoreV3}
	e.w.Deliver(d.ID, n, opts) //nolint:errcheck // the phone exists
}

// revokeRequest is the body of messages:revoke (§3.1).
type revokeRequest struct {
	NotifyID *int     `json:"notifyId"`
	Token    []string `json:"token"`
}

// serveRevoke is POST /v1/{clientId}/messages:revoke: with the v3 JWT and
// push-type 0 or 2, the notification with notifyId is taken back from the
// tokens' phones (shown or still held). The answer is a send's.
func (e *Emulator) serveRevoke(w http.ResponseWriter, r *http.Request) {
	clientID := mux.Vars(r)["clientId"]
	now := e.w.Now()
	rid := e.requestID()
	var buf bytes.Buffer
	_, readErr := buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxSendBody))
	body := buf.Bytes()
	entry := world.Entry{Kind: world.KindRequest, Vendor: vendor, Method: r.Method, Path: r.URL.Path, MessageID: rid, Body: ledgerBody(body)}
	app, _ := e.w.FindAppShared(vendor, func(a *world.App) bool { return a.ID == clientID })
	project := ""
	if acc := e.accountOf(app); acc != nil {
		project = acc.projectID
	}
	if app == nil {
		project = "(no app " + clientID + ")"
	}
	app, p := e.authorizeV3(r.Header.Get("Authorization"), app, project, now)
	if app != nil {
		entry.App = app.Name
	}
	if p != nil {
		e.rejectV3(w, &entry, app, p, rid)
		return
	}
	pushType, p := v3PushType(r.Header.Get("push-type"))
	if p == nil && pushType != pushAlert && pushType != pushExtension {
		p = &problem{codeParam, RuleV3Revoke, fmt.Sprintf("only push-type 0 and 2 messages can be revoked, not %d", pushType)}
	}
	if p != nil {
		e.rejectV3(w, &entry, app, p, rid)
		return
	}
	var req revokeRequest
	switch err := json.Unmarshal(body, &req); {
	case readErr != nil:
		p = &problem{codeTooBig, RuleV3Revoke, "the request body is too large"}
	case err != nil:
		p = payloadTypeProblem(err, "")
		p.rule = RuleV3Revoke
	case req.NotifyID == nil:
		p = &problem{codeParam, RuleV3Revoke, "notifyId is required"}
	case len(req.Token) == 0 || len(req.Token) > app.Quota("max_tokens", 1000):
		p = &problem{codeTokenCount, RuleV3Revoke, fmt.Sprintf("%d tokens, 1 to 1000 allowed", len(req.Token))}
	}
	if p != nil {
		e.rejectV3(w, &entry, app, p, rid)
		return
	}
	entry.Tokens = req.Token
	devices, failed, nFailed := e.v3Tokens(app, req.Token, func(world.Device) string { return "" })
	if len(devices) == 0 {
		e.rejectV3(w, &entry, app, &problem{codeAllInvalid, RuleV3Revoke, "no token can be revoked: " + reasonsText(failed)}, rid, illegalMsg(failed, nFailed))
		return
	}
	id := strconv.Itoa(*req.NotifyID)
	code, msg := codeSuccess, v3Text[codeSuccess]
	if nFailed > 0 {
		code, msg = codePartial, illegalMsg(failed, nFailed)
	}
	status := v3Status(code, app)
	entry.Status, entry.Verdict, entry.Code, entry.Rule = status, world.VerdictAccepted, code, RuleV3Revoke
	entry.Reason = fmt.Sprintf("revoke notifyId %s on %d phones", id, len(devices))
	out := appendResult(make([]byte, 0, 96+len(msg)), code, msg, rid)
	entry.Response = string(out)
	seq := e.w.Record(entry)
	writeJSON(w, status, out)
	for _, d := range devices {
		_, _ = e.w.Revoke(d.ID, app.Name, id, RuleV3Revoke, "revoked by the app server (messages:revoke, notifyId "+id+")", seq) // the phone exists
	}
}

// v3FaultTarget names the app and tokens of a v3 send or a revoke.
func (e *Emulator) v3FaultTarget(r *http.Request, body []byte) (string, []string, bool) {
	p := r.URL.Path
	var app *world.App
	switch {
	case strings.HasPrefix(p, "/v3/") && strings.HasSuffix(p, "/messages:send"):
		app, _ = e.appByProject(strings.TrimSuffix(strings.TrimPrefix(p, "/v3/"), "/messages:send"))
	case strings.HasPrefix(p, "/v1/") && strings.HasSuffix(p, "/messages:revoke"):
		id := strings.TrimSuffix(strings.TrimPrefix(p, "/v1/"), "/messages:revoke")
		app, _ = e.w.FindAppShared(vendor, func(a *world.App) bool { return a.ID == id })
	default:
		return "", nil, false
	}
	var req struct {
		Target struct {
			Token []json.RawMessage `json:"token"`
		} `json:"target"`
		Token []json.RawMessage `json:"token"`
	}
	_ = json.Unmarshal(body, &req) // a bad body names what it can
	var tokens []string
	for _, raw := range append(req.Target.Token, req.Token...) {
		var t string
		if json.Unmarshal(raw, &t) == nil && t != "" {
			tokens = append(tokens, t)
		}
	}
	name := ""
	if app != nil {
		name = app.Name
	}
	return name, tokens, true
}
