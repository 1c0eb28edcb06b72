package meizu

import (
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/pushsim/pushsim/emulators/world"
)

// perTarget lists the codes Meizu only sends inside `value` (vendor-facts
// §2.4): an injected one is answered code "200" with every target under it.
var perTarget = map[string]bool{
	codePushIDUnknown: true, codePushIDIllegal: true, codeAliasInvalid: true, codePublicDaily: true,
	codeNoPermission: true, "501": true, "513": true, codeTargetRate: true, "519": true, codeFolded: true,
}

// FaultAnswer answers an injected fault as Meizu answers the condition:
// HTTP 200 with Meizu's envelope. Generic codes: rate → 110010 for the
// whole request; quota → 110019 (the app's daily limit); unavailable → 1003
// 服务器忙; auth-expired → 1006 (Meizu has no token: a failed signature is
// what a client sees); token-invalid → code "200" with every target under
// 110002 in `value`. A per-target code (110002, 110011, 518, 520, ...) is
// answered the same way under that code; any other code as a request-level
// error with Meizu's text for it.
func (e *Emulator) FaultAnswer(code string, r *http.Request) (int, http.Header, []byte) {
	h := http.Header{"Content-Type": contentType}
	switch code {
	case world.FaultRate:
		code = codeRate
	case world.FaultQuota:
		code = codeAppDaily
	case world.FaultUnavailable:
		code = codeBusy
	case world.FaultAuthExpired:
		code = codeSign
	case world.FaultTokenInvalid:
		code = codePushIDUnknown
	}
	if !perTarget[code] {
		if _, err := strconv.Atoi(code); err != nil || Text(code) == "" && code != codeOK {
			return http.StatusOK, h, appendErrorText(nil, code, "")
		}
		return http.StatusOK, h, appendError(nil, code)
	}
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(r.Body, maxBody))
	}
	_, targets := e.FaultTarget(r, body)
	failed := make([]targetCode, len(targets))
	for i, t := range targets {
		failed[i] = targetCode{code, t}
	}
	return http.StatusOK, h, appendSuccess(nil, e.w.RandString(32, world.Hex), failed)
}

// FaultTarget names the app (by appId) and the pushIds or aliases a request
// targets, for fault rules and magic tokens.
func (e *Emulator) FaultTarget(r *http.Request, body []byte) (string, []string) {
	form, _ := url.ParseQuery(string(body)) // a bad body still names what it can
	if q, err := url.ParseQuery(r.URL.RawQuery); err == nil {
		for k, v := range q {
			form[k] = append(form[k], v...)
		}
	}
	var app string
	if id := form.Get("appId"); id != "" {
		if a, ok := e.w.FindAppShared(vendorName, func(a *world.App) bool { return a.ID == id }); ok {
			app = a.Name
		}
	}
	targets := splitTargets(form.Get("pushIds"))
	if len(targets) == 0 {
		targets = splitTargets(form.Get("alias"))
	}
	return app, targets
}
