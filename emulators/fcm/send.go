package fcm

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/pushsim/pushsim/emulators/world"
)

const (
	defMaxBody   = 1 << 20 // App.Quotas max_body_bytes
	maxLedgerLen = 8 << 10 // bytes of a body kept in the ledger
)

// send is POST /v1/projects/{project}/messages:send.
func (e *Emulator) send(w http.ResponseWriter, r *http.Request) {
	now := e.w.Now()
	project := mux.Vars(r)["project"]
	entry := world.Entry{Kind: world.KindRequest, Vendor: Vendor, Method: r.Method, Path: r.URL.Path, At: now}
	ok, f := e.sendOne(w, r, now, project, &entry)
	if ok {
		return
	}
	b := writeRPC(w, f)
	entry.Status, entry.Verdict, entry.Code, entry.Rule, entry.Reason = f.status, world.VerdictRejected, f.code(), f.rule, f.msg
	entry.Response = string(b)
	e.w.Record(entry)
}

// sendOne handles an accepted send completely (answer, ledger, delivery) and
// returns true, or returns the failure to answer.
func (e *Emulator) sendOne(w http.ResponseWriter, r *http.Request, now time.Time, project string, entry *world.Entry) (bool, *failure) {
	if r.Method != http.MethodPost {
		return false, &failure{status: http.StatusNotFound, grpc: "NOT_FOUND", msg: "Method not found.", rule: RuleMessageJSON}
	}
	g, f := e.bearer(r, now)
	if f != nil {
		return false, f
	}
	entry.App = g.app
	app, _ := e.w.FindAppShared(Vendor, func(a *world.App) bool {
		return a.ID == project || (project != "" && a.Extra[ExtraSenderID] == project)
	})
	if app == nil || app.Name != g.app {
		return false, &failure{status: http.StatusForbidden, grpc: "PERMISSION_DENIED", rule: RuleAuthProject,
			msg: "Permission 'cloudmessaging.messages.create' denied on resource '//cloudresourcemanager.googleapis.com/projects/" + project + "' (or it may not exist)."}
	}
	if !g.fcmScope {
		return false, &failure{status: http.StatusForbidden, grpc: "PERMISSION_DENIED", rule: RuleAuthScope,
			msg: "Request had insufficient authentication scopes."}
	}
	if f := e.fault(app, now); f != nil {
		return false, f
	}
	if f := e.projectQuota(app, now); f != nil {
		return false, f
	}

	limit := app.Quota("max_body_bytes", defMaxBody)
	body, err := world.ReadBody(r, limit, nil)
	entry.Body = clip(body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return false, badJSON(RuleBodySize, "", "Request payload size exceeds the limit: "+strconv.Itoa(limit)+" bytes.")
		}
		return false, badJSON(RuleMessageJSON, "", "Invalid JSON payload received. Unexpected end of string.")
	}
	if world.InvalidJSONText(body) {
		// Google's JSON parser refuses what encoding/json would quietly
		// turn into U+FFFD (the exact message text is not documented).
		return false, badJSON(RuleContentEncoding, "", "Invalid JSON payload received. Invalid UTF-8 in string.")
	}
	req, f := decodeSend(body)
	if f != nil {
		return false, f
	}
	m := req.Message
	if m == nil {
		m = &message{}
	}
	ttl, f := m.validate(app.Package, app.Setting("reserved_data_keys", ""), app.Quota("payload_bytes", defPayloadMax))
	if f != nil {
		return false, f
	}

	var dev world.Device
	target := ""
	switch {
	case m.Token != nil:
		target = *m.Token
		entry.Tokens = []string{target}
		d, ok := e.w.DeviceByToken(Vendor, target)
		if f := registered(app, d, ok); f != nil {
			return false, f
		}
		dev = d
	case m.FID != nil:
		target = *m.FID
		d, ok := e.byFID(target)
		if f := registered(app, d, ok); f != nil {
			return false, f
		}
		dev = d
		entry.Tokens = []string{d.Token}
	}
	entry.Device = dev.ID
	var audience []world.Device // a topic's or condition's phones (topic.go)
	topicRule, topicReason := "", ""
	if m.Topic != nil || m.Condition != nil {
		if audience, topicRule, topicReason, f = e.audience(app, m); f != nil {
			return false, f
		}
	}

	if req.ValidateOnly {
		name := "projects/" + project + "/messages/fake_message_id"
		resp := nameJSON(name)
		entry.Status, entry.Verdict, entry.Rule, entry.MessageID = http.StatusOK, world.VerdictAccepted, RuleValidateOnly, name
		entry.Reason = "validate_only: the message is valid and was not delivered"
		entry.Response = string(resp)
		e.w.Record(*entry)
		writeJSON(w, resp)
		return true, nil
	}

	ck := ""
	if m.Android != nil {
		ck = m.Android.CollapseKey
	}
	if dev.ID != "" {
		if f := e.deviceQuota(app, dev.ID, now); f != nil {
			return false, f
		}
		if (m.isNotification() || ck != "") && ttl != 0 {
			if f := e.collapsibleQuota(app, dev.ID, now); f != nil {
				return false, f
			}
		}
	}

	id := "0:" + strconv.FormatInt(now.UnixMicro(), 10) + "%" + e.w.RandString(16, world.Hex)
	name := "projects/" + project + "/messages/" + id
	resp := nameJSON(name)
	entry.Status, entry.Verdict, entry.MessageID, entry.Response = http.StatusOK, world.VerdictAccepted, name, string(resp)
	if dev.ID == "" {
		entry.Rule, entry.Reason = topicRule, topicReason
		e.fanOut(w, app, m, audience, entry, name, id, ttl, now)
		return true, nil
	}
	n, note := notificationFor(app, &dev, m, name, id)
	entry.Reason = note
	// FCM documents no content rule: what the world's filter catches is
	// accepted and never shown; control characters are stripped on the phone.
	cv := e.checkContent(app, m)
	rule := cv.RuleID(Vendor)
	if rule != "" {
		entry.Verdict, entry.Rule, entry.Reason = world.VerdictNotShown, rule, cv.Reason+"; accepted and not shown"
	}
	seq := e.w.Record(*entry)
	// Deliver before answering: a client that reads the shade after its
	// send returns must see the message.
	if rule != "" {
		_ = e.w.Drop(dev.ID, n, rule, cv.Reason, seq) // the phone may have been removed meanwhile
	} else {
		e.deliver(app, &dev, n, ck, ttl, seq)
		if cv.Controls > 0 {
			e.w.Note(dev.ID, n, RuleContentControls, cv.ControlsReason(), seq)
		}
	}
	writeJSON(w, resp)
	return true, nil
}

// checkContent runs the world's content filter on what the phone shows (a
// title or a body alone makes a notification) and on the data the app gets.
func (e *Emulator) checkContent(app *world.App, m *message) world.ContentVerdict {
	title, body := m.texts()
	c := world.Content{Title: title, Body: body, PassThrough: !m.isNotification(), EitherShows: true}
	if data := m.data(); len(data) > 0 {
		c.More = make([]string, 0, len(data))
		for _, v := range data {
			c.More = append(c.More, v)
		}
	}
	return e.w.CheckContent(app, c)
}

// registered checks that a target token belongs to an installed app of this
// project: unknown or uninstalled → 404 UNREGISTERED, another project's →
// 403 SENDER_ID_MISMATCH.
func registered(app *world.App, d world.Device, found bool) *failure {
	switch {
	case !found:
		return &failure{status: http.StatusNotFound, grpc: "NOT_FOUND", fcm: "UNREGISTERED", rule: RuleTokenUnregistered, msg: "Requested entity was not found."}
	case d.App != app.Name:
		return &failure{status: http.StatusForbidden, grpc: "PERMISSION_DENIED", fcm: "SENDER_ID_MISMATCH", rule: RuleTokenSenderMismatch, msg: "SenderId mismatch"}
	case d.Uninstalled:
		return &failure{status: http.StatusNotFound, grpc: "NOT_FOUND", fcm: "UNREGISTERED", rule: RuleTokenUnregistered, msg: "Requested entity was not found."}
	}
	return nil
}

// byFID finds the phone whose registration token starts with the Firebase
// installation id.
func (e *Emulator) byFID(fid string) (world.Device, bool) {
	for _, d := range e.w.Devices(Vendor) {
		if strings.HasPrefix(d.Token, fid+":") {
			return d, true
		}
	}
	return world.Device{}, false
}

// nameJSON is the success answer, indented as Google's APIs answer.
func nameJSON(name string) []byte {
	b := make([]byte, 0, len(name)+20)
	b = append(b, "{\n  \"name\": "...)
	b = appendJSONString(b, name)
	return append(b, "\n}\n"...)
}

// Shared header values; net/http only reads them.
var (
	hdrJSON = []string{"application/json; charset=UTF-8"}
	hdrVary = []string{"Origin, X-Origin, Referer"}
)

func writeJSON(w http.ResponseWriter, b []byte) {
	h := w.Header()
	h["Content-Type"] = hdrJSON
	h["Vary"] = hdrVary
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < 0x7f {
			continue
		}
		if c >= 0x80 {
			continue // UTF-8 passes; invalid bytes are the caller's text, kept as they are
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// clip keeps the start of a body for the ledger.
func clip(b []byte) string {
	if len(b) > maxLedgerLen {
		return string(b[:maxLedgerLen]) + "…"
	}
	return string(b)
}
