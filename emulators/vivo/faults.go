package vivo

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/pushsim/pushsim/emulators/world"
)

// codeTooFast is the push calls' rate code, 发送速度过快: known only from a
// hand-written fixture (addendum §1.3, [unverified]); the auth call's is
// 10250. Answered over the app's QPS (qps.go) and for injected faults.
const codeTooFast = 10072

// FaultAnswer answers an injected fault as vivo answers the condition: HTTP
// 200 with vivo's {result, desc} envelope, except a busy server, which is
// HTTP 500 with vivo's plain-text page (facts §3.2). Generic codes: rate →
// 10250 on /message/auth, 10072 发送速度过快 elsewhere; quota → 10070
// 发送总量超出限制; unavailable → HTTP 500; auth-expired → 10000 鉴权失败;
// token-invalid → 10302 regId不合法 with invalidUser status 1. Other numbers
// are answered with vivo's desc for them.
func (e *Emulator) FaultAnswer(code string, r *http.Request) (int, http.Header, []byte) {
	rep := reply{}
	switch code {
	case world.FaultRate:
		rep.result = codeAuthRate
		if r.URL.Path != "/message/auth" {
			rep.result, rep.desc = codeTooFast, "发送速度过快"
		}
	case world.FaultQuota:
		rep.result = codeOperationTotal
	case world.FaultUnavailable:
		return http.StatusInternalServerError, http.Header{"Content-Type": {"text/plain;charset=UTF-8"}}, []byte(serverFault)
	case world.FaultAuthExpired:
		rep.result = codeAuthFailed
	case world.FaultTokenInvalid:
		rep.result = codeRegID
		if body, err := readFault(r); err == nil {
			if _, tokens := e.FaultTarget(r, body); len(tokens) > 0 {
				rep.invalidUser = &invalid{status: statusUnknown, userid: tokens[0]}
			}
		}
	default:
		n, err := strconv.Atoi(code)
		if err != nil {
			return http.StatusInternalServerError, http.Header{"Content-Type": {"text/plain;charset=UTF-8"}}, []byte(serverFault)
		}
		rep.result = n
		if n == codeTooFast {
			rep.desc = "发送速度过快"
		}
	}
	return http.StatusOK, http.Header{"Content-Type": contentType}, rep.appendJSON(nil, false)
}

func readFault(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	return io.ReadAll(io.LimitReader(r.Body, 1<<20))
}

// FaultTarget names the app (by the authToken header, or appId on
// /message/auth) and the regIds or aliases a request targets.
func (e *Emulator) FaultTarget(r *http.Request, body []byte) (string, []string) {
	var m struct {
		AppID   json.RawMessage   `json:"appId"`
		RegID   string            `json:"regId"`
		Alias   string            `json:"alias"`
		RegIDs  []json.RawMessage `json:"regIds"`
		Aliases []json.RawMessage `json:"aliases"`
	}
	_ = json.Unmarshal(body, &m) // a bad body names what it can
	appID, _ := e.tokenApp(header(r, "authToken"), e.w.Now())
	if appID == "" {
		appID = strings.Trim(string(m.AppID), `" `)
	}
	var app string
	if appID != "" {
		if a, ok := e.w.FindAppShared(vendorName, func(a *world.App) bool { return a.ID == appID }); ok {
			app = a.Name
		}
	}
	var tokens []string
	for _, t := range []string{m.RegID, m.Alias} {
		if t != "" {
			tokens = append(tokens, t)
		}
	}
	for _, raw := range append(m.RegIDs, m.Aliases...) {
		var s string
		if json.Unmarshal(raw, &s) == nil && s != "" {
			tokens = append(tokens, s)
		}
	}
	return app, tokens
}

// Injected faults name a rule of this vendor (world.FaultRuleOf).
func init() { rules = append(rules, world.FaultRuleOf(vendorName)) }
