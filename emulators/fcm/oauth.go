package fcm

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// The JWT-bearer grant (vendor-facts §3.2).
const (
	grantJWTBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	scopeFCM       = "https://www.googleapis.com/auth/firebase.messaging"
	scopeCloud     = "https://www.googleapis.com/auth/cloud-platform"

	maxTokenBody   = 64 << 10
	maxJWTLifetime = time.Hour
	// jwtSkew is how far in the future an iat may lie. Google tolerates some
	// clock skew but does not say how much [inferred]; App.Quotas
	// jwt_skew_seconds changes it.
	defJWTSkew = 300
	// defTokenTTL is an access token's lifetime; App.Quotas
	// token_ttl_seconds changes it. expires_in reports one second less, as
	// Google's answers typically do (3599); App.Quotas token_expires_in
	// overrides what is reported.
	defTokenTTL = 3600
)

// Google's token-endpoint texts. The short-lived-token text is Google's
// own; the others follow its style [inferred: vendor-facts §3.7 found no raw
// error bodies].
const (
	txtBadSignature = "Invalid JWT Signature."
	txtNoAccount    = "Invalid grant: account not found"
	txtLifetime     = "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim."
	txtMalformed    = "Invalid JWT: the assertion is not a well-formed signed JWT."
	txtScope        = "Invalid OAuth scope or ID token audience provided."
	txtNoAssertion  = "Missing required parameter: assertion"
)

// grant is what an access token allows.
type grant struct {
	app      string // the world.App's Name
	project  string
	email    string
	expires  time.Time
	fcmScope bool
}

type oauthError struct {
	status int
	code   string // invalid_grant, invalid_request, ...
	desc   string
	rule   string
}

// token is POST /token: form grant_type=jwt-bearer and assertion=<JWT>.
func (e *Emulator) token(w http.ResponseWriter, r *http.Request) {
	now := e.w.Now()
	entry := world.Entry{Kind: world.KindRequest, Vendor: Vendor, Method: r.Method, Path: r.URL.Path, At: now}
	if oerr := e.exchange(w, r, now, &entry); oerr != nil {
		writeOAuthError(w, oerr)
		entry.Status, entry.Verdict, entry.Code, entry.Rule, entry.Reason = oerr.status, world.VerdictRejected, oerr.code, oerr.rule, oerr.desc
		entry.Response = oauthErrorJSON(oerr)
		e.w.Record(entry)
		return
	}
	e.w.Record(entry)
}

// exchange verifies the assertion and, when it holds, writes the access
// token answer and fills the ledger entry.
func (e *Emulator) exchange(w http.ResponseWriter, r *http.Request, now time.Time, entry *world.Entry) *oauthError {
	if r.Method != http.MethodPost {
		return &oauthError{http.StatusMethodNotAllowed, "invalid_request", "The token endpoint only accepts POST.", RuleAuthGrantType}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxTokenBody)
	if err := r.ParseForm(); err != nil {
		return &oauthError{http.StatusBadRequest, "invalid_request", "Could not read the request body: " + err.Error(), RuleAuthGrantType}
	}
	gt := r.PostForm.Get("grant_type")
	assertion := r.PostForm.Get("assertion")
	entry.Body = "grant_type=" + gt + "&assertion=" + maskJWT(assertion)
	if gt != grantJWTBearer {
		return &oauthError{http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type: " + gt, RuleAuthGrantType}
	}
	if assertion == "" {
		return &oauthError{http.StatusBadRequest, "invalid_request", txtNoAssertion, RuleAuthAssertion}
	}
	jwt, ok := parseJWT(assertion)
	if !ok {
		return &oauthError{http.StatusBadRequest, "invalid_grant", txtMalformed, RuleAuthAssertion}
	}
	app, acc := e.accountFor(jwt.claims.Iss)
	if app == nil || jwt.claims.Iss == "" {
		return &oauthError{http.StatusBadRequest, "invalid_grant", txtNoAccount, RuleAuthIssuer}
	}
	entry.App = app.Name
	if acc == nil || jwt.header.Alg != "RS256" || (jwt.header.Kid != "" && jwt.header.Kid != acc.keyID) || !jwt.verify(acc.pub) {
		return &oauthError{http.StatusBadRequest, "invalid_grant", txtBadSignature, RuleAuthSignature}
	}
	if !e.audienceOK(app, acc, r, jwt.claims.Aud) {
		return &oauthError{http.StatusBadRequest, "invalid_grant",
			"Invalid JWT: Failed audience check. The expected value was: " + GoogleTokenURL, RuleAuthAudience}
	}
	iat, exp := time.Unix(jwt.claims.Iat, 0), time.Unix(jwt.claims.Exp, 0)
	skew := time.Duration(app.Quota("jwt_skew_seconds", defJWTSkew)) * time.Second
	if jwt.claims.Iat == 0 || jwt.claims.Exp == 0 || exp.Sub(iat) > maxJWTLifetime || !exp.After(now) || iat.After(now.Add(skew)) || !exp.After(iat) {
		return &oauthError{http.StatusBadRequest, "invalid_grant", txtLifetime, RuleAuthLifetime}
	}
	fcmScope := false
	scopes := strings.Fields(jwt.claims.Scope)
	for _, s := range scopes {
		if s == scopeFCM || s == scopeCloud {
			fcmScope = true
		}
	}
	// Google issues a token for any valid scope and FCM refuses it at send
	// time (403, insufficient scopes). The issue asks for the check at the
	// token endpoint, which is the default; App.Settings scope_check=send
	// moves it to the send, as Google most likely does [inferred].
	if len(scopes) == 0 || !fcmScope && app.Setting("scope_check", "token") != "send" {
		return &oauthError{http.StatusBadRequest, "invalid_scope", txtScope, RuleAuthScope}
	}

	ttl := time.Duration(app.Quota("token_ttl_seconds", defTokenTTL)) * time.Second
	tok := "ya29.c.c0" + e.w.RandString(236, b64url)
	g := grant{app: app.Name, project: app.ID, email: acc.email, expires: now.Add(ttl), fcmScope: fcmScope}
	e.mu.Lock()
	e.freshLocked()
	e.sweepLocked(now)
	e.grants[tok] = g
	e.mu.Unlock()

	// App.Quotas token_expires_in makes the answer claim another lifetime
	// than the token has, as when Google revokes a token early: only the
	// send's 401 then tells the client.
	expiresIn := int64(app.Quota("token_expires_in", int(ttl/time.Second)-1))
	if expiresIn < 0 {
		expiresIn = 0
	}
	body := `{"access_token":"` + tok + `","expires_in":` + strconv.FormatInt(expiresIn, 10) + `,"token_type":"Bearer"}`
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(body))
	entry.Status, entry.Verdict, entry.Rule = http.StatusOK, world.VerdictAccepted, RuleAuthIssued
	entry.Reason = "access token issued for " + strconv.FormatInt(int64(ttl/time.Second), 10) + "s, scopes: " + jwt.claims.Scope
	entry.Response = `{"access_token":"` + maskToken(tok) + `","expires_in":` + strconv.FormatInt(expiresIn, 10) + `,"token_type":"Bearer"}`
	return nil
}

// audienceOK accepts the audiences a correctly configured client sends: the
// key file's token_uri, Google's token URL, App.Settings token_audiences
// (comma-separated), or the URL this request was posted to (the emulator
// cannot know its own prefix, so any http(s) URL on the request's host whose
// path ends in /token counts).
func (e *Emulator) audienceOK(app *world.App, acc *account, r *http.Request, aud string) bool {
	if aud == "" {
		return false
	}
	if aud == GoogleTokenURL || aud == acc.tokenURI {
		return true
	}
	for _, a := range strings.Split(app.Setting("token_audiences", ""), ",") {
		if a = strings.TrimSpace(a); a != "" && a == aud {
			return true
		}
	}
	u, err := url.Parse(aud)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.HasSuffix(u.Path, "/token") {
		return false
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	return strings.EqualFold(u.Host, host)
}

// sweepLocked forgets expired grants now and then, so memory stays bounded.
func (e *Emulator) sweepLocked(now time.Time) {
	e.issued++
	if e.issued < 1024 && len(e.grants) < 4096 {
		return
	}
	e.issued = 0
	for t, g := range e.grants {
		if !now.Before(g.expires) {
			delete(e.grants, t)
		}
	}
}

// bearer resolves the Authorization header of a send.
func (e *Emulator) bearer(r *http.Request, now time.Time) (grant, *failure) {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") || strings.TrimSpace(h[7:]) == "" {
		return grant{}, &failure{status: http.StatusUnauthorized, grpc: "UNAUTHENTICATED", rule: RuleAuthBearer,
			msg: "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."}
	}
	tok := strings.TrimSpace(h[7:])
	e.mu.RLock()
	g, ok := e.grants[tok]
	stale := e.gen != e.w.Quotas()
	e.mu.RUnlock()
	if !ok || stale || !now.Before(g.expires) {
		return grant{}, &failure{status: http.StatusUnauthorized, grpc: "UNAUTHENTICATED", rule: RuleAuthBearer,
			msg: "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."}
	}
	return g, nil
}

// jwt is a parsed compact JWS.
type jwt struct {
	header struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
		Kid string `json:"kid"`
	}
	claims struct {
		Iss   string `json:"iss"`
		Scope string `json:"scope"`
		Aud   string `json:"aud"`
		Exp   int64  `json:"exp"`
		Iat   int64  `json:"iat"`
		Sub   string `json:"sub"`
	}
	signed []byte // header.claims, as signed
	sig    []byte
}

func parseJWT(s string) (*jwt, bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, false
	}
	var j jwt
	hb, err1 := b64decode(parts[0])
	cb, err2 := b64decode(parts[1])
	sig, err3 := b64decode(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, false
	}
	if json.Unmarshal(hb, &j.header) != nil || json.Unmarshal(cb, &j.claims) != nil {
		return nil, false
	}
	j.signed = []byte(parts[0] + "." + parts[1])
	j.sig = sig
	return &j, true
}

// b64decode reads base64url with or without padding (x/oauth2 omits it).
func b64decode(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

func (j *jwt) verify(pub *rsa.PublicKey) bool {
	if pub == nil {
		return false
	}
	sum := sha256.Sum256(j.signed)
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], j.sig) == nil
}

func writeOAuthError(w http.ResponseWriter, e *oauthError) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")
	w.WriteHeader(e.status)
	_, _ = w.Write([]byte(oauthErrorJSON(e)))
}

func oauthErrorJSON(e *oauthError) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}{e.code, e.desc})
	return strings.TrimSuffix(b.String(), "\n")
}

// maskJWT keeps a JWT's header and claims (useful in the ledger) and hides
// the signature.
func maskJWT(s string) string {
	if i := strings.LastIndexByte(s, '.'); i > 0 {
		return s[:i] + ".<signature>"
	}
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// maskToken keeps the first characters of an access token.
func maskToken(t string) string {
	if len(t) > 16 {
		return t[:16] + "…"
	}
	return t
}
