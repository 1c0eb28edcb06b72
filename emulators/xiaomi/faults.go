package xiaomi

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/pushsim/pushsim/emulators/world"
)

// Codes only injected faults answer (vendor-facts §1.4 table; the Chinese
// descriptions are our wording, inferred).
const (
	codeSystemError = 10001 // system error
	codeSystemBusy  = 10002 // system busy
	codeRemoteError = 10003 // remote service error
)

var faultTexts = map[int]string{
	codeSystemError: "系统错误",
	codeSystemBusy:  "系统繁忙",
	codeRemoteError: "远程服务错误",
}

// FaultAnswer answers an injected fault as MiPush answers the condition:
// HTTP 200 with Xiaomi's error JSON. Generic codes: rate → 200002 (or 10027
// with the app's rate_limit_code setting), quota → 200001, unavailable →
// 10002 system busy, auth-expired → 21301 (Xiaomi's secret does not expire:
// a wrong one is what a client sees), token-invalid → 20301 No valid
// targets!; any other number is answered with Xiaomi's text for it.
func (e *Emulator) FaultAnswer(code string, r *http.Request) (int, http.Header, []byte) {
	var n int
	reason := "injected by pushsim"
	switch code {
	case world.FaultRate:
		n, reason = codeQPS, "exceed qps limit (injected by pushsim)"
		if app := e.faultApp(r); app != nil && app.Setting("rate_limit_code", "") == "10027" {
			n = codeTooFrequent
		}
	case world.FaultQuota:
		n, reason = codeQuota, "exceed quota, quota: 0, have acked: 0"
	case world.FaultUnavailable:
		n = codeSystemBusy
	case world.FaultAuthExpired:
		n, reason = codeAuth, reasonAuth
	case world.FaultTokenInvalid:
		n, reason = codeSendFailed, reasonNoTargets
	default:
		v, err := strconv.Atoi(code)
		if err != nil {
			v = -1 // unknown error
		}
		n = v
	}
	trace, _ := e.newIDs('s')
	desc, ok := faultTexts[n]
	if !ok {
		desc = codeText(n)
	}
	b := append([]byte(`{"result":"error","code":`), strconv.Itoa(n)...)
	b = append(b, `,"description":`...)
	b = appendString(b, desc)
	b = append(b, `,"reason":`...)
	b = appendString(b, reason)
	b = append(b, `,"trace_id":`...)
	b = appendString(b, trace)
	b = append(b, '}')
	return http.StatusOK, http.Header{"Content-Type": contentType}, b
}

// FaultTarget names the app (by its AppSecret) and the regIds or aliases a
// request targets, for fault rules and magic tokens.
func (e *Emulator) FaultTarget(r *http.Request, body []byte) (string, []string) {
	var app string
	if a := e.faultApp(r); a != nil {
		app = a.Name
	}
	form, _ := url.ParseQuery(string(body)) // a bad body still names what it can
	if q, err := url.ParseQuery(r.URL.RawQuery); err == nil {
		for k, v := range q {
			form[k] = append(form[k], v...)
		}
	}
	var tokens []string
	for _, key := range [...]string{"registration_id", "alias", "registration_ids", "aliases"} {
		for _, v := range form[key] {
			for _, t := range strings.Split(v, ",") {
				if t = strings.TrimSpace(t); t != "" {
					tokens = append(tokens, t)
				}
			}
		}
	}
	for _, v := range form["messages"] { // multi-message sends (multi.go)
		var items []struct {
			Target string `json:"target"`
		}
		_ = json.Unmarshal([]byte(v), &items) // a bad array names nothing
		for _, it := range items {
			if t := strings.TrimSpace(it.Target); t != "" {
				tokens = append(tokens, t)
			}
		}
	}
	return app, tokens
}

func (e *Emulator) faultApp(r *http.Request) *world.App {
	secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "key=")
	if !ok || secret == "" {
		return nil
	}
	a, _ := e.w.FindApp(vendorName, func(a *world.App) bool { return a.Secret == secret })
	return a
}

// Injected faults name a rule of this vendor (world.FaultRuleOf).
func init() { rules = append(rules, world.FaultRuleOf(vendorName)) }
