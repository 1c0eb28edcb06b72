package huawei

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// RuleFlowControl: an app's send QPS is limited; over it Huawei answers
// HTTP 503 (flow control).
const RuleFlowControl = "huawei.send.flow-control"

// defQPS is the floor of an app's QPS (vendor-facts §1.5: MAU × category
// weight × 0.00072, floor 6000).
const defQPS = 6000

func init() {
	rules = append(rules,
		rule(RuleFlowControl, "More than the app's QPS (App.Quotas qps, default 6000, the documented floor) send requests in a second are refused with HTTP 503 (flow control) and code 81000001 (App.Settings flow_control_code): retry later", world.SHOULD, "vendor-facts/huawei-oppo-fcm-honor.md §1.5 (QPS), §1.4 (HTTP 503)", "secondary"),
		world.FaultRuleOf(vendor),
	)
}

// flowControlled answers a send over the app's QPS. v1's JSON code for it
// is not documented: the HTTP status (503, "system flow control") is what
// clients act on, the code is App.Settings flow_control_code (81000001,
// Huawei's system error).
func (e *Emulator) flowControlled(w http.ResponseWriter, entry *world.Entry, app *world.App, rid string, now time.Time) bool {
	limit := app.Quota("qps", defQPS)
	if limit <= 0 || e.w.Quotas().TakeRate("huawei/"+app.ID+"/qps", limit, time.Second, now) {
		return false
	}
	code := app.Setting("flow_control_code", codeInternal)
	out := appendResult(nil, code, "System flow control", rid)
	entry.Status, entry.Verdict, entry.Code, entry.Rule = http.StatusServiceUnavailable, world.VerdictRejected, code, RuleFlowControl
	entry.Reason = fmt.Sprintf("more than %d send requests in one second (flow control)", limit)
	entry.Response = string(out)
	e.w.Record(*entry)
	writeJSON(w, http.StatusServiceUnavailable, out)
	return true
}

// FaultAnswer answers an injected fault as Push Kit answers the condition:
// {"code","msg","requestId"} with the status the emulator uses for that
// code. Generic codes: rate and unavailable → HTTP 503 flow control;
// auth-expired → 80200003 (HTTP 401; the client refreshes its token);
// token-invalid → 80300007; quota → Huawei has no quota answer (its caps
// drop messages on the phone): 80000000, and every targeted phone drops the
// message. Other codes are answered with Huawei's text for them.
func (e *Emulator) FaultAnswer(code string, r *http.Request) (int, http.Header, []byte) {
	h := http.Header{"Content-Type": contentTypeJSON}
	rid := e.requestID()
	appName, tokens := "", []string(nil)
	if body, err := io.ReadAll(io.LimitReader(r.Body, maxSendBody)); err == nil {
		appName, tokens = e.FaultTarget(r, body)
	}
	app, _ := e.w.App(vendor, appName)
	switch code {
	case world.FaultRate, world.FaultUnavailable:
		return http.StatusServiceUnavailable, h, appendResult(nil, codeInternal, "System flow control", rid)
	case world.FaultAuthExpired:
		code = codeExpired
	case world.FaultTokenInvalid:
		code = codeAllInvalid
	case world.FaultQuota:
		for _, t := range tokens {
			if d, ok := e.w.DeviceByToken(vendor, t); ok && d.App == appName {
				n := world.Notification{Vendor: vendor, App: appName, MessageID: rid}
				_ = e.w.Drop(d.ID, n, world.FaultRule(vendor), "over the daily cap (injected): Huawei accepts the message and the phone drops it", 0) // the phone exists
			}
		}
		code = codeSuccess
	}
	msg, ok := codeText[code]
	if !ok {
		msg = "injected by pushsim"
	}
	return httpStatus(code, app), h, appendResult(nil, code, msg, rid)
}

// FaultTarget names the app (by the appId in the send path, or the
// token call's client_id) and the tokens of message.token.
func (e *Emulator) FaultTarget(r *http.Request, body []byte) (string, []string) {
	if app, tokens, ok := e.v3FaultTarget(r, body); ok { // v3 send and revoke (v3.go)
		return app, tokens
	}
	appID, ok := e.sendPath(r.URL.Path)
	var tokens []string
	if ok {
		var req struct {
			Message struct {
				Token []json.RawMessage `json:"token"`
			} `json:"message"`
		}
		_ = json.Unmarshal(body, &req) // a bad body names what it can
		for _, raw := range req.Message.Token {
			var t string
			if json.Unmarshal(raw, &t) == nil && t != "" {
				tokens = append(tokens, t)
			}
		}
	} else if f, err := url.ParseQuery(string(body)); err == nil {
		appID = f.Get("client_id")
	}
	if appID == "" {
		return "", tokens
	}
	a, ok := e.w.FindAppShared(vendor, func(a *world.App) bool { return a.ID == appID })
	if !ok {
		return "", tokens
	}
	return a.Name, tokens
}
