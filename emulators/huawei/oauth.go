package huawei

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

const maxTokenBody = 64 << 10

// serveToken is POST /oauth2/v3/token: client credentials for an access token.
func (e *Emulator) serveToken(w http.ResponseWriter, r *http.Request) {
	now := e.w.Now()
	entry := world.Entry{Kind: world.KindRequest, Vendor: vendor, Method: r.Method, Path: r.URL.Path}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxTokenBody))
	if err != nil {
		e.oauthFail(w, &entry, http.StatusBadRequest, subClientIDFormat, "request body too large or unreadable")
		return
	}
	form := parseForm(string(body))
	entry.Body = maskSecret(string(body))

	grant := form.get("grant_type")
	clientID := form.get("client_id")
	switch {
	case grant != "client_credentials":
		e.oauthFail(w, &entry, http.StatusBadRequest, subGrantType, "")
		return
	case !validClientID(clientID):
		e.oauthFail(w, &entry, http.StatusBadRequest, subClientIDFormat, "")
		return
	case form.get("client_secret") == "":
		e.oauthFail(w, &entry, http.StatusBadRequest, subSecretEmpty, "")
		return
	}
	app, ok := e.w.FindApp(vendor, func(a *world.App) bool { return a.ID == clientID })
	if !ok {
		e.oauthFail(w, &entry, http.StatusBadRequest, subClientUnknown, "")
		return
	}
	entry.App = app.Name
	if !form.secretIs("client_secret", app.Secret) {
		e.oauthFail(w, &entry, http.StatusBadRequest, subSecretWrong, "")
		return
	}
	limit := app.Quota("oauth_tokens_per_5min", 1000)
	if !e.w.Quotas().TakeRate("huawei/oauth/"+app.ID, limit, 5*time.Minute, now) {
		// The documented flow control ("refused until the window resets")
		// names no code; HTTP 503 is what Huawei lists for flow control.
		e.oauthFail(w, &entry, http.StatusServiceUnavailable, subFlowControl,
			fmt.Sprintf("at most %d access tokens per app per 5 minutes", limit))
		return
	}
	ttl := app.Quota("token_ttl_seconds", 3600)
	tok := e.mintAccessToken(app, now.Add(time.Duration(ttl)*time.Second))
	// "token_expires_in" makes the answer claim another lifetime than the
	// token has, as when Huawei revokes a token early: clients must then
	// recover from 80200003 by refreshing.
	claimed := app.Quota("token_expires_in", ttl)
	resp, _ := json.Marshal(struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
		TokenType   string `json:"token_type"`
	}{tok, claimed, "Bearer"})
	entry.Status, entry.Verdict, entry.Rule = http.StatusOK, world.VerdictAccepted, RuleOAuthIssued
	entry.Reason = fmt.Sprintf("access token issued, expires in %d s", ttl)
	entry.Response = `{"access_token":"***","expires_in":` + strconv.Itoa(claimed) + `,"token_type":"Bearer"}`
	e.w.Record(entry)
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(resp) //nolint:errcheck // the client went away
}

func (e *Emulator) oauthFail(w http.ResponseWriter, entry *world.Entry, status, sub int, detail string) {
	desc := subText[sub]
	if detail != "" {
		desc += ": " + detail
	}
	resp, _ := json.Marshal(struct {
		Error            int    `json:"error"`
		SubError         int    `json:"sub_error"`
		ErrorDescription string `json:"error_description"`
	}{oauthError, sub, desc})
	rule := RuleOAuthSecret
	switch sub {
	case subGrantType:
		rule = RuleOAuthGrant
	case subClientIDFormat, subClientUnknown:
		rule = RuleOAuthClientID
	case subFlowControl:
		rule = RuleOAuthFlowControl
	}
	entry.Status, entry.Verdict, entry.Code, entry.Rule, entry.Reason = status, world.VerdictRejected, strconv.Itoa(sub), rule, desc
	entry.Response = string(resp)
	e.w.Record(*entry)
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(resp) //nolint:errcheck // the client went away
}

// validClientID: 1 to 64 digits (sub_error 20002 otherwise).
func validClientID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// rawForm keeps each value both url-decoded and as sent: the official Go
// and Java demos concatenate the secret without encoding it, so a secret
// with '+' or '%' only matches raw.
type rawForm map[string][2]string

func parseForm(body string) rawForm {
	f := rawForm{}
	for body != "" {
		var pair string
		pair, body, _ = strings.Cut(body, "&")
		k, v, _ := strings.Cut(pair, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		dv, err := url.QueryUnescape(v)
		if err != nil {
			dv = v
		}
		if _, seen := f[k]; !seen {
			f[k] = [2]string{dv, v}
		}
	}
	return f
}

func (f rawForm) get(k string) string { return f[k][0] }

func (f rawForm) secretIs(k, secret string) bool {
	v := f[k]
	return hmac.Equal([]byte(v[0]), []byte(secret)) || hmac.Equal([]byte(v[1]), []byte(secret))
}

func maskSecret(body string) string {
	var b strings.Builder
	for i, pair := range strings.Split(body, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		if k, _, _ := strings.Cut(pair, "="); k == "client_secret" {
			b.WriteString("client_secret=***")
			continue
		}
		b.WriteString(pair)
	}
	return b.String()
}

// Access tokens are self-contained and signed with the app's secret, so the
// emulator keeps no token table (memory stays bounded however many are
// issued) and changing an app's secret revokes its tokens:
//
//	base64( 1 | len(appID) | appID | expiry unix seconds (8) | nonce (8) | HMAC-SHA256[:16] )
//
// Standard base64 gives them the '/', '+' and '=' real Huawei tokens have.
func (e *Emulator) mintAccessToken(app *world.App, exp time.Time) string {
	b := make([]byte, 0, 2+len(app.ID)+16+16)
	b = append(b, 1, byte(len(app.ID)))
	b = append(b, app.ID...)
	b = binary.BigEndian.AppendUint64(b, uint64(exp.Unix()))
	var nonce uint64
	e.w.Rand(func(r *rand.Rand) { nonce = r.Uint64() })
	b = binary.BigEndian.AppendUint64(b, nonce)
	b = append(b, sign(app.Secret, b)...)
	return base64.StdEncoding.EncodeToString(b)
}

func sign(secret string, payload []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(payload)
	return m.Sum(nil)[:16]
}

// accessToken is a decoded bearer token, not yet verified.
type accessToken struct {
	appID   string
	exp     time.Time
	payload []byte
	mac     []byte
}

func parseAccessToken(s string) (accessToken, bool) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(raw) < 2 || raw[0] != 1 {
		return accessToken{}, false
	}
	n := int(raw[1])
	if n == 0 || len(raw) != 2+n+16+16 {
		return accessToken{}, false
	}
	id := string(raw[2 : 2+n])
	exp := int64(binary.BigEndian.Uint64(raw[2+n:]))
	return accessToken{appID: id, exp: time.Unix(exp, 0), payload: raw[:2+n+16], mac: raw[2+n+16:]}, true
}

func (t accessToken) signedBy(secret string) bool {
	return hmac.Equal(t.mac, sign(secret, t.payload))
}

// verifiedCap bounds the cache of verified access tokens.
const verifiedCap = 4096

type verifiedToken struct {
	tok    accessToken
	secret string
}

// verified returns a token verified before for app, while app still has
// the secret that signed it, saving an HMAC on every send.
func (e *Emulator) verified(raw string, app *world.App) (accessToken, bool) {
	if app == nil {
		return accessToken{}, false
	}
	v, ok := e.tokens.Load(raw)
	if !ok {
		return accessToken{}, false
	}
	vt := v.(verifiedToken)
	if vt.tok.appID != app.ID || vt.secret != app.Secret {
		return accessToken{}, false
	}
	return vt.tok, true
}

func (e *Emulator) remember(raw string, tok accessToken, secret string) {
	if e.nTokens.Add(1) > verifiedCap {
		e.tokens.Clear()
		e.nTokens.Store(1)
	}
	e.tokens.Store(raw, verifiedToken{tok, secret})
}
