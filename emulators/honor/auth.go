package honor

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
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

// serveToken is POST /auth/token (and the realm path): client credentials
// for an access token (§2.2). Honor's IAM is a Keycloak realm (the 2023
// path is Keycloak's), so errors are Keycloak's OAuth 2.0 errors; the real
// error format is not found (§2.7). The credentials may come in the form
// or as HTTP Basic (client_secret_basic, which Keycloak also takes).
func (e *Emulator) serveToken(w http.ResponseWriter, r *http.Request) {
	now := e.w.Now()
	entry := world.Entry{Kind: world.KindRequest, Vendor: Vendor, Method: r.Method, Path: r.URL.Path}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxTokenBody))
	if err != nil {
		e.oauthFail(w, &entry, http.StatusBadRequest, "invalid_request", "request body too large or unreadable", RuleAuthClient)
		return
	}
	form, _ := url.ParseQuery(string(body)) // a malformed pair is skipped: what parses is judged
	entry.Body = maskSecret(form)
	clientID, secret := form.Get("client_id"), form.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok && clientID == "" {
		clientID, secret = u, p
	}
	switch {
	case form.Get("grant_type") != "client_credentials":
		e.oauthFail(w, &entry, http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant_type "+strconv.Quote(form.Get("grant_type"))+", only client_credentials", RuleAuthGrant)
		return
	case clientID == "":
		e.oauthFail(w, &entry, http.StatusBadRequest, "invalid_request", "Missing parameter: client_id", RuleAuthClient)
		return
	}
	app, ok := e.w.FindApp(Vendor, func(a *world.App) bool { return a.Key == clientID })
	if !ok {
		e.oauthFail(w, &entry, http.StatusUnauthorized, "invalid_client", "Invalid client or Invalid client credentials", RuleAuthClient)
		return
	}
	entry.App = app.Name
	if secret == "" || !hmac.Equal([]byte(secret), []byte(app.Secret)) {
		e.oauthFail(w, &entry, http.StatusUnauthorized, "invalid_client", "Invalid client or Invalid client credentials", RuleAuthClient)
		return
	}
	limit := app.Quota("oauth_tokens_per_5min", 1000)
	if !e.w.Quotas().TakeRate("honor/oauth/"+app.ID, limit, 5*time.Minute, now) {
		e.oauthFail(w, &entry, http.StatusServiceUnavailable, "temporarily_unavailable",
			fmt.Sprintf("Too many access tokens: at most %d per app per 5 minutes", limit), RuleAuthFlowControl)
		return
	}
	ttl := app.Quota("token_ttl_seconds", 3600)
	tok := e.mintAccessToken(app, now, now.Add(time.Duration(ttl)*time.Second))
	// "token_expires_in" makes the answer claim another lifetime than the
	// token has, as when a token is revoked early: only code 80200003 tells.
	claimed := app.Quota("token_expires_in", ttl)
	resp := []byte(`{"access_token":"` + tok + `","expires_in":` + strconv.Itoa(claimed) + `,"token_type":"Bearer"}`)
	entry.Status, entry.Verdict, entry.Rule = http.StatusOK, world.VerdictAccepted, RuleAuthIssued
	entry.Reason = fmt.Sprintf("access token issued at %s, expires in %d s", r.URL.Path, ttl)
	entry.Response = `{"access_token":"***","expires_in":` + strconv.Itoa(claimed) + `,"token_type":"Bearer"}`
	e.w.Record(entry)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(resp) //nolint:errcheck // the client went away
}

func (e *Emulator) oauthFail(w http.ResponseWriter, entry *world.Entry, status int, code, desc, rule string) {
	resp, _ := json.Marshal(struct {
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}{code, desc})
	entry.Status, entry.Verdict, entry.Code, entry.Rule, entry.Reason = status, world.VerdictRejected, code, rule, desc
	entry.Response = string(resp)
	e.w.Record(*entry)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(resp) //nolint:errcheck // the client went away
}

func maskSecret(form url.Values) string {
	if _, ok := form["client_secret"]; !ok {
		return form.Encode()
	}
	c := url.Values{}
	for k, v := range form {
		c[k] = v
	}
	c.Set("client_secret", "***")
	return c.Encode()
}

// Access tokens are self-contained, JWT-shaped (Keycloak hands out JWTs)
// and signed with HMAC-SHA256 under the app's Client Secret, so the
// emulator keeps no token table and changing the secret revokes them:
//
//	base64url({"alg":"HS256","typ":"JWT"}) . base64url({"azp","aid","iat","exp","jti"}) . base64url(mac)
var jwtHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

type tokenClaims struct {
	ClientID string `json:"azp"`
	AppID    string `json:"aid"`
	IssuedAt int64  `json:"iat"`
	Expires  int64  `json:"exp"`
	Nonce    string `json:"jti"`
}

func (e *Emulator) mintAccessToken(app *world.App, now, exp time.Time) string {
	var nonce uint64
	e.w.Rand(func(r *rand.Rand) { nonce = r.Uint64() })
	claims, _ := json.Marshal(tokenClaims{app.Key, app.ID, now.Unix(), exp.Unix(), strconv.FormatUint(nonce, 16)})
	signed := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(claims)
	return signed + "." + base64.RawURLEncoding.EncodeToString(mac(app.Secret, signed))
}

func mac(secret, signed string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(signed))
	return m.Sum(nil)
}

// accessToken is a decoded bearer token, not yet verified.
type accessToken struct {
	tokenClaims
	exp    time.Time
	signed string
	mac    []byte
}

func parseAccessToken(s string) (accessToken, bool) {
	head, rest, ok := strings.Cut(s, ".")
	if !ok || head != jwtHeader {
		return accessToken{}, false
	}
	payload, sig, ok := strings.Cut(rest, ".")
	if !ok {
		return accessToken{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return accessToken{}, false
	}
	m, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || len(m) != sha256.Size {
		return accessToken{}, false
	}
	var t accessToken
	if json.Unmarshal(raw, &t.tokenClaims) != nil || t.AppID == "" {
		return accessToken{}, false
	}
	t.exp, t.signed, t.mac = time.Unix(t.Expires, 0), s[:len(head)+1+len(payload)], m
	return t, true
}

func (t accessToken) signedBy(secret string) bool { return hmac.Equal(t.mac, mac(secret, t.signed)) }

// verifiedCap bounds the cache of verified access tokens.
const verifiedCap = 4096

type verifiedToken struct {
	tok    accessToken
	secret string
}

// verified returns a token verified before for app while app still has
// the secret that signed it, saving an HMAC and a JSON decode per send.
func (e *Emulator) verified(raw string, app *world.App) (accessToken, bool) {
	if app == nil {
		return accessToken{}, false
	}
	v, ok := e.tokens.Load(raw)
	if !ok {
		return accessToken{}, false
	}
	vt := v.(verifiedToken)
	if vt.tok.AppID != app.ID || vt.secret != app.Secret {
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

// hexID is a request id: Honor's format is not found; 32 hex characters
// (a UUID without dashes, what Keycloak-era Java services log) are used.
func hexID(n uint64, now time.Time) string {
	var b [16]byte
	for i := 0; i < 8; i++ {
		b[i] = byte(uint64(now.UnixMilli()) >> (56 - 8*i))
		b[8+i] = byte(n >> (56 - 8*i))
	}
	return hex.EncodeToString(b[:])
}
