package oppo

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// Rate rules (vendor-facts §2.4, §2.5; addendum §3.2: 13 call count or
// frequency, 55 call frequency, −2 flow control).
const (
	RuleRateQPS        = "oppo.rate.qps"
	RuleRateDailyCalls = "oppo.rate.daily-calls"
)

// defQPS is the lowest QPS tier (cumulative users < 10 M: 5000), shared by
// every interface of the app (§2.5).
const defQPS = 5000

func init() {
	rules = append(rules,
		world.Rule{ID: RuleRateQPS, Statement: "More than the app's QPS (App.Quotas qps, default 5000, the lowest tier) push calls in one second are refused with 55 App Call Frequency Limit (App.Settings rate_limit_code: 13 or -2 instead).", Level: world.SHOULD, Source: srcMain + "§2.4, §2.5; " + srcAddendum + "§3.2", Confidence: "secondary"},
		world.Rule{ID: RuleRateDailyCalls, Statement: "App.Quotas daily_calls caps the app's push calls per day (none by default: OPPO publishes no number); over it 13 App Call Limited. Resets at Shanghai midnight.", Level: world.INFO, Source: srcMain + "§2.4; " + srcAddendum + "§3.2", Confidence: "inferred"},
		world.FaultRuleOf("oppo"),
	)
}

// rateLimit applies the app's call rate and daily call count to a push
// call (after authentication).
func (e *Emulator) rateLimit(app *world.App, now time.Time) (code int, rule, reason string) {
	q := e.w.Quotas()
	if limit := app.Quota("qps", defQPS); limit > 0 && !q.TakeRate("oppo/"+app.Name+"/qps", limit, time.Second, now) {
		code := e.rateLimitCode(app)
		return code, RuleRateQPS, "more than " + strconv.Itoa(limit) + " push calls in one second"
	}
	if limit := app.Quota("daily_calls", -1); limit >= 0 {
		if used, ok := q.TakeDaily("oppo/"+app.Name+"/calls", limit, now, world.Shanghai); !ok {
			return codeCallLimited, RuleRateDailyCalls, strconv.Itoa(used) + " push calls today, the app's limit is " + strconv.Itoa(limit)
		}
	}
	return codeSuccess, "", ""
}

// FaultAnswer answers an injected fault as OPPO answers the condition: HTTP
// 200 with {"code","message"}. Generic codes: rate → 55 (or the app's
// rate_limit_code), unavailable → −1, quota → 33, auth-expired → 11,
// token-invalid → 10000. Other numbers (−2 flow control, 13, ...) are
// answered with OPPO's text for them.
func (e *Emulator) FaultAnswer(code string, r *http.Request) (int, http.Header, []byte) {
	n := 0
	switch code {
	case world.FaultRate:
		n = codeFrequencyLimit
		if body, err := io.ReadAll(io.LimitReader(r.Body, maxBody)); err == nil {
			if name, _ := e.FaultTarget(r, body); name != "" {
				if app, ok := e.w.App("oppo", name); ok {
					n = e.rateLimitCode(app)
				}
			}
		}
	case world.FaultUnavailable:
		n = codeUnavailable
	case world.FaultQuota:
		n = codeDailyLimit
	case world.FaultAuthExpired:
		n = codeInvalidToken
	case world.FaultTokenInvalid:
		n = codeInvalidRegID
	default:
		v, err := strconv.Atoi(code)
		if err != nil {
			v = codeUnavailable
		}
		n = v
	}
	msg := Text(n)
	if msg == "" {
		msg = "Unknown Error"
	}
	return http.StatusOK, http.Header{"Content-Type": jsonContentType}, errorBody(n, msg)
}

// rateLimitCode is the code an app's rate limit answers.
func (e *Emulator) rateLimitCode(app *world.App) int {
	switch app.Setting("rate_limit_code", "") {
	case "13":
		return codeCallLimited
	case "-2":
		return codeFlowControl
	}
	return codeFrequencyLimit
}

// FaultTarget names the app (by auth_token, or app_key on the auth call)
// and the registration ids of message / messages or a broadcast's
// target_value.
func (e *Emulator) FaultTarget(r *http.Request, body []byte) (string, []string) {
	f, _ := url.ParseQuery(string(body)) // a bad body names what it can
	var app string
	if tok := f.Get("auth_token"); tok != "" {
		e.mu.Lock()
		app = e.tokens[tok].app
		e.mu.Unlock()
	} else if key := f.Get("app_key"); key != "" {
		if a, ok := e.w.FindAppShared("oppo", func(a *world.App) bool { return a.Key == key }); ok {
			app = a.Name
		}
	}
	type target struct {
		TargetValue string `json:"target_value"`
	}
	var tokens []string
	if raw := f.Get("message"); raw != "" {
		var m target
		if json.Unmarshal([]byte(raw), &m) == nil && m.TargetValue != "" {
			tokens = append(tokens, m.TargetValue)
		}
	}
	if raw := f.Get("messages"); raw != "" {
		var ms []target
		_ = json.Unmarshal([]byte(raw), &ms)
		for _, m := range ms {
			if m.TargetValue != "" {
				tokens = append(tokens, m.TargetValue)
			}
		}
	}
	if f.Get("target_type") == "2" { // broadcast.go
		tokens = append(tokens, splitTargets(f.Get("target_value"))...)
	}
	return app, tokens
}
