package vivo

import (
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// Sign is vivo's auth signature (facts §3.2): lowercase hex
// md5(appId + appKey + timestamp + appSecret), no separators.
func Sign(appID, appKey, timestamp, appSecret string) string {
	h := md5.New()
	h.Write([]byte(appID))
	h.Write([]byte(appKey))
	h.Write([]byte(timestamp))
	h.Write([]byte(appSecret))
	return hex.EncodeToString(h.Sum(nil))
}

const authMaxBody = 64 << 10

// auth serves POST /message/auth.
func (e *Emulator) auth(w http.ResponseWriter, r *http.Request) {
	now := e.w.Now()
	buf, note := readBody(w, r, authMaxBody)
	defer putBuf(buf)
	var a authBody
	if why := decode(buf.Bytes(), &a); note == "" {
		note = why
	}
	// The older doc says every part is trimmed before it is signed.
	appID, appKey := strings.TrimSpace(a.AppID.s), strings.TrimSpace(a.AppKey.s)
	ts, sign := strings.TrimSpace(a.Timestamp.s), strings.TrimSpace(a.Sign.s)

	entry := world.Entry{Kind: world.KindRequest, Vendor: vendorName, Method: r.Method, Path: r.URL.Path,
		Status: http.StatusOK, Body: maskedAuthBody(appID, appKey, ts, sign)}
	var rep reply
	fail := func(code int, rule, reason string) {
		rep.result = code
		entry.Verdict, entry.Code, entry.Rule, entry.Reason = world.VerdictRejected, strconv.Itoa(code), rule, joinReason(note, reason)
		out := rep.appendJSON(nil, false)
		entry.Response = string(rep.appendJSON(nil, true))
		e.w.Record(entry)
		write(w, out)
	}

	switch {
	case appID == "":
		fail(codeAppIDEmpty, ruleAuthFields, "appId is empty")
		return
	case appKey == "":
		fail(codeAppKeyEmpty, ruleAuthFields, "appKey is empty")
		return
	case ts == "":
		fail(codeTimestampEmpty, ruleAuthFields, "timestamp is empty")
		return
	case sign == "":
		fail(codeSignEmpty, ruleAuthFields, "sign is empty")
		return
	}
	app, ok := e.w.FindAppShared(vendorName, func(x *world.App) bool { return x.ID == appID })
	if !ok || a.AppID.bad {
		fail(codeAppIDUnknown, ruleAuthFields, "no vivo app has appId "+strconv.Quote(appID))
		return
	}
	entry.App = app.Name
	if !e.w.Quotas().TakeRate(vendorName+"/"+app.ID+"/auth", app.Quota("auth_per_second", 10), time.Second, now) {
		fail(codeAuthRate, ruleAuthRate, "more than "+strconv.Itoa(app.Quota("auth_per_second", 10))+" auth calls in one second")
		return
	}
	if appKey != app.Key {
		fail(codeAppKeyIllegal, ruleAuthFields, "appKey is not the app's")
		return
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	skew := time.Duration(app.Quota("timestamp_skew_s", 600)) * time.Second
	if err != nil || a.Timestamp.bad {
		fail(codeTimestampBad, ruleAuthTimestamp, "timestamp is not Unix milliseconds")
		return
	}
	if d := now.Sub(time.UnixMilli(ms)); d > skew || d < -skew {
		fail(codeTimestampBad, ruleAuthTimestamp, "timestamp is "+d.Round(time.Second).String()+" away from the server's clock (allowed ±"+skew.String()+")")
		return
	}
	if want := Sign(appID, appKey, ts, app.Secret); sign != want {
		fail(codeSignWrong, ruleAuthSign, "sign is not md5(appId + appKey + timestamp + appSecret) in lowercase hex")
		return
	}

	token := e.uuid()
	ttl := time.Duration(app.Quota("token_ttl_s", 86400)) * time.Second
	e.mu.Lock()
	e.stateLocked()
	e.tokens[token] = authToken{appID: app.ID, expires: now.Add(ttl)}
	e.pruneLocked(now)
	e.mu.Unlock()

	rep.authToken = token
	out := rep.appendJSON(nil, false)
	entry.Verdict, entry.Code = world.VerdictAccepted, "0"
	entry.Rule, entry.Reason = ruleAuthToken, "authToken valid until "+now.Add(ttl).In(world.Shanghai).Format(time.DateTime)+" Asia/Shanghai"
	entry.Response = string(rep.appendJSON(nil, true))
	e.w.Record(entry)
	write(w, out)
}

// maskedAuthBody is the auth body for the ledger, appKey and sign masked.
func maskedAuthBody(appID, appKey, ts, sign string) string {
	b := append([]byte(nil), `{"appId":`...)
	b = appendString(b, appID)
	b = append(b, `,"appKey":`...)
	b = appendString(b, maskSecret(appKey))
	b = append(b, `,"timestamp":`...)
	b = appendString(b, ts)
	b = append(b, `,"sign":`...)
	b = appendString(b, maskSecret(sign))
	return string(append(b, '}'))
}

func joinReason(note, reason string) string {
	if note == "" {
		return reason
	}
	return reason + " (" + note + ")"
}

// tokenApp returns the appId behind a valid authToken.
func (e *Emulator) tokenApp(token string, now time.Time) (string, string) {
	if token == "" {
		return "", "no authToken header"
	}
	e.mu.Lock()
	e.stateLocked()
	t, ok := e.tokens[token]
	e.mu.Unlock()
	switch {
	case !ok:
		return "", "unknown authToken"
	case !now.Before(t.expires):
		return "", "authToken expired at " + t.expires.In(world.Shanghai).Format(time.DateTime) + " Asia/Shanghai"
	}
	return t.appID, ""
}
