package apns

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// request is what the handler learnt of one POST so far.
type request struct {
	now      time.Time
	env      string // Development, Production or "" (either)
	path     string // without an environment prefix
	id       string // apns-id to answer ("" until known)
	topic    string
	base     string // the topic without its push-type suffix: the bundle id
	pushType string
	priority int
	collapse string
	expires  int64 // apns-expiration; -1 = absent
	token    string
	dev      world.Device
	devApp   *world.App // the app the token belongs to (shared: read only)
	app      *world.App // the topic's app (shared: read only)
	body     []byte
	bodyText string // body as a string, made once for the ledger and the phone
}

// checked are the headers APNs refuses to see twice.
var checked = []string{"Authorization", "Apns-Id", "Apns-Topic", "Apns-Push-Type", "Apns-Priority", "Apns-Expiration", "Apns-Collapse-Id"}

// pushTypes are the apns-push-type values (§1.3.1) with the topic suffix
// each requires ("*" = not checked: mdm topics come from the MDM
// certificate, the widgets suffix is not known).
var pushTypes = map[string]string{
	"alert":        "",
	"background":   "",
	"location":     ".location-query",
	"voip":         ".voip",
	"complication": ".complication",
	"fileprovider": ".pushkit.fileprovider",
	"mdm":          "*",
	"liveactivity": ".push-type.liveactivity",
	"pushtotalk":   ".voip-ptt",
	"widgets":      "*",
}

// suffixes are the topic suffixes, longest first so .voip-ptt wins over .voip.
var suffixes = []string{".push-type.liveactivity", ".pushkit.fileprovider", ".location-query", ".complication", ".voip-ptt", ".voip"}

// splitTopic cuts a push-type suffix off a topic.
func splitTopic(topic string) (base, suffix string) {
	for _, s := range suffixes {
		if len(topic) > len(s) && strings.HasSuffix(topic, s) {
			return topic[:len(topic)-len(s)], s
		}
	}
	return topic, ""
}

// ServeHTTP handles one request end to end: answer, ledger, delivery.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rq := request{now: e.now(), expires: -1, priority: 10, pushType: "alert"}
	rq.env, rq.path = environment(r)
	entry := world.Entry{Kind: world.KindRequest, Vendor: Vendor, Method: r.Method, Path: rq.path, At: rq.now}
	if f := e.serve(w, r, &rq, &entry); f != nil {
		e.fail(w, &rq, &entry, f)
	}
}

// environment reads the APNs environment from the Host, or from a
// /sandbox, /development or /production prefix behind the /apns prefix.
func environment(r *http.Request) (env, path string) {
	path = r.URL.Path
	host := r.Host
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	switch {
	case strings.EqualFold(host, HostDevelopment):
		return Development, path
	case strings.EqualFold(host, HostProduction):
		return Production, path
	}
	for _, p := range [...]struct{ prefix, env string }{{"/sandbox", Development}, {"/development", Development}, {"/production", Production}} {
		if strings.HasPrefix(path, p.prefix) && (len(path) == len(p.prefix) || path[len(p.prefix)] == '/') {
			return p.env, path[len(p.prefix):]
		}
	}
	return "", path
}

// serve runs the checks in the order of vendor-facts §1.4 (Pushy's mock):
// headers, method, topic, collapse id, priority, expiration, push type,
// path and token, authentication, payload. It returns the failure to
// answer, or nil once it answered an accepted push.
func (e *Emulator) serve(w http.ResponseWriter, r *http.Request, rq *request, entry *world.Entry) *failure {
	h := r.Header
	for _, k := range checked {
		if len(h[k]) > 1 {
			return &failure{status: http.StatusBadRequest, reason: "DuplicateHeaders", rule: RuleDuplicateHeaders, msg: "header " + strings.ToLower(k) + " was sent more than once"}
		}
	}
	if v, ok := h["Apns-Id"]; ok {
		if !isUUID(v[0]) {
			return &failure{status: http.StatusBadRequest, reason: "BadMessageId", rule: RuleApnsID, msg: "apns-id " + strconv.Quote(v[0]) + " is not a UUID"}
		}
		rq.id = v[0]
	}
	if r.Method != http.MethodPost {
		return &failure{status: http.StatusMethodNotAllowed, reason: "MethodNotAllowed", rule: RuleMethod, msg: r.Method + " is not allowed: APNs takes POST only"}
	}
	auth := h.Get("Authorization")
	certAuth := auth == "" && r.TLS != nil && len(r.TLS.PeerCertificates) > 0
	rq.topic = h.Get("Apns-Topic")
	if rq.topic == "" && !certAuth {
		return &failure{status: http.StatusBadRequest, reason: "MissingTopic", rule: RuleTopicMissing, msg: "no apns-topic: it is required with token-based authentication"}
	}
	rq.collapse = h.Get("Apns-Collapse-Id")
	if len(rq.collapse) > maxCollapseID {
		return &failure{status: http.StatusBadRequest, reason: "BadCollapseId", rule: RuleCollapseID, msg: "apns-collapse-id is " + strconv.Itoa(len(rq.collapse)) + " bytes, at most 64"}
	}
	if v, ok := h["Apns-Priority"]; ok {
		switch v[0] {
		case "10":
			rq.priority = 10
		case "5":
			rq.priority = 5
		case "1":
			rq.priority = 1
		default:
			return &failure{status: http.StatusBadRequest, reason: "BadPriority", rule: RulePriority, msg: "apns-priority " + strconv.Quote(v[0]) + " is not 10, 5 or 1"}
		}
	}
	if v, ok := h["Apns-Expiration"]; ok {
		n, err := strconv.ParseInt(v[0], 10, 64)
		if err != nil || n < 0 || v[0][0] == '+' {
			return &failure{status: http.StatusBadRequest, reason: "BadExpirationDate", rule: RuleExpiration, msg: "apns-expiration " + strconv.Quote(v[0]) + " is not UNIX epoch seconds"}
		}
		rq.expires = n
	}
	if v, ok := h["Apns-Push-Type"]; ok {
		if _, known := pushTypes[v[0]]; !known {
			return &failure{status: http.StatusBadRequest, reason: "InvalidPushType", rule: RulePushType, msg: "apns-push-type " + strconv.Quote(v[0]) + " is not a push type"}
		}
		rq.pushType = v[0]
	}
	rq.base, _ = splitTopic(rq.topic)

	if f := e.target(rq, entry); f != nil {
		return f
	}

	var f *failure
	if certAuth {
		rq.app, f = e.certificate(r, rq)
	} else {
		rq.app, f = e.token(r, rq, auth)
	}
	if f != nil {
		return f
	}
	entry.App = rq.app.Name
	if want := pushTypes[rq.pushType]; want != "*" {
		if _, suffix := splitTopic(rq.topic); suffix != want {
			return &failure{status: http.StatusBadRequest, reason: "BadTopic", rule: RuleTopicSuffix,
				msg: "topic " + rq.topic + " does not fit apns-push-type " + rq.pushType + " (want " + rq.base + want + ")"}
		}
	}
	if rq.devApp != nil && rq.devApp.Package != rq.base {
		// Certificate auth without apns-topic: known only now.
		return notForTopic(rq)
	}

	if f := e.payload(w, r, rq, entry); f != nil {
		return f
	}
	if limit := rq.app.Quota("device_per_minute", 0); limit > 0 && rq.devApp != nil {
		if !e.w.Quotas().TakeRate("apns/device/"+rq.token, limit, time.Minute, rq.now) {
			return &failure{status: http.StatusTooManyRequests, reason: "TooManyRequests", rule: RuleRateDevice,
				msg: "more than " + strconv.Itoa(limit) + " pushes to this token within a minute (App.Quotas device_per_minute)"}
		}
	}
	e.accept(w, rq, entry)
	return nil
}

// target checks the path and the device token (step 7 of §1.4).
func (e *Emulator) target(rq *request, entry *world.Entry) *failure {
	p := rq.path
	if p == "/3/device/" || p == "/3/device" {
		return &failure{status: http.StatusBadRequest, reason: "MissingDeviceToken", rule: RulePath, msg: "no device token in the path"}
	}
	if !strings.HasPrefix(p, PathPrefix) {
		return &failure{status: http.StatusNotFound, reason: "BadPath", rule: RulePath, msg: "the path is not /3/device/<token>"}
	}
	rq.token = p[len(PathPrefix):]
	entry.Tokens = []string{rq.token}
	magic := world.TokenExpired(rq.token) || world.TokenUninstalled(rq.token)
	if !magic && !hexToken(rq.token) {
		return &failure{status: http.StatusBadRequest, reason: "BadDeviceToken", rule: RuleTokenFormat,
			msg: "the device token is not an even number (64 to 200) of hex digits"}
	}
	if world.TokenExpired(rq.token) {
		return &failure{status: http.StatusGone, reason: "ExpiredToken", rule: RuleTokenExpired, msg: "the device token expired", timestamp: e.goneAt(rq.token, rq.now)}
	}
	dev, ok := e.w.DeviceByToken(Vendor, rq.token)
	if !ok && hasUpper(rq.token) {
		dev, ok = e.w.DeviceByToken(Vendor, strings.ToLower(rq.token))
	}
	if !ok {
		return &failure{status: http.StatusBadRequest, reason: "BadDeviceToken", rule: RuleTokenUnknown, msg: "no phone holds this device token"}
	}
	rq.dev = dev
	entry.Device = dev.ID
	rq.devApp, _ = e.w.FindAppShared(Vendor, func(a *world.App) bool { return a.Name == dev.App })
	if rq.devApp == nil {
		return &failure{status: http.StatusBadRequest, reason: "BadDeviceToken", rule: RuleTokenUnknown, msg: "the token's app is not on the console"}
	}
	entry.App = rq.devApp.Name // until the topic's app is known
	if tokenEnv := rq.devApp.Setting("environment", ""); tokenEnv != "" && rq.env != "" && tokenEnv != rq.env {
		return &failure{status: http.StatusBadRequest, reason: "BadDeviceToken", rule: RuleTokenEnvironment,
			msg: "the token was issued for the " + tokenEnv + " environment and was sent to " + rq.env}
	}
	if dev.Uninstalled {
		return &failure{status: http.StatusGone, reason: "Unregistered", rule: RuleTokenUnregistered,
			msg: "the app was uninstalled: the token is no longer active for the topic", timestamp: e.goneAt(rq.token, rq.now)}
	}
	if rq.topic != "" && rq.devApp.Package != rq.base {
		return notForTopic(rq)
	}
	return nil
}

func notForTopic(rq *request) *failure {
	return &failure{status: http.StatusBadRequest, reason: "DeviceTokenNotForTopic", rule: RuleTokenTopic,
		msg: "the token belongs to " + rq.devApp.Package + ", not to topic " + rq.topic}
}

// payload reads and measures the body (step 9 of §1.4).
func (e *Emulator) payload(w http.ResponseWriter, r *http.Request, rq *request, entry *world.Entry) *failure {
	limit := rq.app.Quota("payload_bytes", defPayload)
	what := "4096"
	if rq.pushType == "voip" {
		limit = rq.app.Quota("voip_payload_bytes", defVoIPPayload)
		what = "5120 (voip)"
	}
	if limit != defPayload && limit != defVoIPPayload {
		what = strconv.Itoa(limit)
	}
	body, err := readBody(w, r, limit)
	rq.bodyText = string(body)
	entry.Body = rq.bodyText
	if len(body) > maxLedgerBody {
		entry.Body = clip(body)
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &failure{status: http.StatusRequestEntityTooLarge, reason: "PayloadTooLarge", rule: RulePayloadSize, msg: "the payload is over " + what + " bytes"}
		}
		return &failure{status: http.StatusBadRequest, reason: "PayloadEmpty", rule: RulePayloadEmpty, msg: "the body could not be read: " + err.Error()}
	}
	if len(body) == 0 {
		return &failure{status: http.StatusBadRequest, reason: "PayloadEmpty", rule: RulePayloadEmpty, msg: "the body is empty"}
	}
	rq.body = body
	return nil
}

// readBody reads at most limit bytes, sized by Content-Length when given.
func readBody(w http.ResponseWriter, r *http.Request, limit int) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	rd := http.MaxBytesReader(w, r.Body, int64(limit))
	if n := r.ContentLength; n > 0 && n <= int64(limit) {
		b := make([]byte, n)
		m, err := io.ReadFull(rd, b)
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return b[:m], nil
			}
			return b[:m], err
		}
		// Anything past Content-Length is the transport's business.
		return b, nil
	}
	return io.ReadAll(rd)
}

// accept answers 200, records the request and hands the push to the phone.
func (e *Emulator) accept(w http.ResponseWriter, rq *request, entry *world.Entry) {
	if rq.id == "" {
		rq.id = e.newUUID(true)
	}
	entry.Status, entry.Verdict, entry.MessageID = http.StatusOK, world.VerdictAccepted, rq.id
	d := e.plan(rq)
	entry.Reason = d.note
	seq := e.w.Record(*entry)
	// Deliver before answering: a client that reads the shade after its
	// send returns must see the push.
	e.deliver(rq, &d, seq)
	hd := w.Header()
	hd["Apns-Id"] = []string{rq.id}
	if rq.env == Development {
		hd["Apns-Unique-Id"] = []string{e.newUUID(false)}
	}
	w.WriteHeader(http.StatusOK)
}

// goneAt is when APNs learnt a token is no longer valid (epoch ms): the
// first time it was asked, the same on every later answer.
func (e *Emulator) goneAt(token string, now time.Time) int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.freshLocked()
	if t, ok := e.gone[token]; ok {
		return t
	}
	t := now.UnixMilli()
	if len(e.gone) > 1<<16 {
		clear(e.gone)
	}
	e.gone[token] = t
	return t
}

func hexToken(s string) bool {
	if len(s) < minTokenHex || len(s) > maxTokenHex || len(s)%2 != 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// isUUID accepts 8-4-4-4-12 hex digits in either case.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}

const maxLedgerBody = 8 << 10

// clip keeps the start of a body for the ledger.
func clip(b []byte) string {
	if len(b) > maxLedgerBody {
		return string(b[:maxLedgerBody]) + "…"
	}
	return string(b)
}
