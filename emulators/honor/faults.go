package honor

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/pushsim/pushsim/emulators/world"
)

// FaultAnswer answers an injected fault as this emulator answers the
// condition, in Honor's envelope. Generic codes: rate and unavailable →
// HTTP 503, 81000001 (flow control); auth-expired → 80200003 (the client
// fetches a new token); token-invalid → code 200, sendResult true, every
// targeted token in expireTokens; quota → code 200 and every targeted
// phone drops the message (Honor's caps act on the phone, as Huawei's).
// A numeric code is answered with its text; anything else with code
// 81000001 and the injected code in the message.
func (e *Emulator) FaultAnswer(code string, r *http.Request) (int, http.Header, []byte) {
	h := http.Header{"Content-Type": contentTypeJSON}
	now := e.w.Now()
	rid := e.requestID(now)
	appName, tokens := "", []string(nil)
	if r.Body != nil {
		if body, err := io.ReadAll(io.LimitReader(r.Body, maxSendBody)); err == nil {
			appName, tokens = e.FaultTarget(r, body)
		}
	}
	app, _ := e.w.App(Vendor, appName)
	switch code {
	case world.FaultRate, world.FaultUnavailable:
		return http.StatusServiceUnavailable, h, appendReply(nil, codeInternal, "System flow control", rid, false, nil, nil)
	case world.FaultAuthExpired:
		return httpStatus(codeExpired, app), h, appendReply(nil, codeExpired, codeText[codeExpired], rid, false, nil, nil)
	case world.FaultTokenInvalid:
		return http.StatusOK, h, appendReply(nil, codeSuccess, codeText[codeSuccess], rid, true, nil, tokens)
	case world.FaultQuota:
		for _, t := range tokens {
			if d, ok := e.w.DeviceByToken(Vendor, t); ok && d.App == appName {
				n := world.Notification{Vendor: Vendor, App: appName, MessageID: rid}
				_ = e.w.Drop(d.ID, n, world.FaultRule(Vendor), "over the daily cap (injected): Honor accepts the message and the phone drops it", 0) // the phone exists
			}
		}
		return http.StatusOK, h, appendReply(nil, codeSuccess, codeText[codeSuccess], rid, true, nil, nil)
	}
	n, err := strconv.Atoi(code)
	if err != nil {
		return http.StatusInternalServerError, h, appendReply(nil, codeInternal, "injected by pushsim: "+code, rid, false, nil, nil)
	}
	msg, ok := codeText[n]
	if !ok {
		msg = "injected by pushsim"
	}
	return httpStatus(n, app), h, appendReply(nil, n, msg, rid, n == codeSuccess, nil, nil)
}

// FaultTarget names the app (by the appId of the send path, or the token
// call's client_id) and the tokens of the body.
func (e *Emulator) FaultTarget(r *http.Request, body []byte) (string, []string) {
	var match func(*world.App) bool
	var tokens []string
	if appID, ok := sendPath(r.URL.Path); ok {
		match = func(a *world.App) bool { return a.ID == appID }
		var req struct {
			Token []json.RawMessage `json:"token"`
		}
		_ = json.Unmarshal(body, &req) // a bad body names what it can
		for _, raw := range req.Token {
			var t string
			if json.Unmarshal(raw, &t) == nil && t != "" {
				tokens = append(tokens, t)
			}
		}
	} else if f, err := url.ParseQuery(string(body)); err == nil && f.Get("client_id") != "" {
		id := f.Get("client_id")
		match = func(a *world.App) bool { return a.Key == id }
	}
	if match == nil {
		return "", tokens
	}
	a, ok := e.w.FindAppShared(Vendor, match)
	if !ok {
		return "", tokens
	}
	return a.Name, tokens
}
