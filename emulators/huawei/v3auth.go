package huawei

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pushsim/pushsim/emulators/internal/keyfile"
	"github.com/pushsim/pushsim/emulators/world"
)

// ExtraServiceAccount is the App.Extra key of the app's service-account key
// file (JSON) for HarmonyOS NEXT (v3) sends: project_id, key_id,
// private_key, sub_account, auth_uri, token_uri, auth_provider_cert_uri,
// client_cert_uri (vendor-facts/apns-honor-huawei-v3.md §3.2).
const ExtraServiceAccount = "service_account"

// DocTokenURI is the token URL Huawei's docs put in a JWT's aud (and every
// real key file's token_uri).
const DocTokenURI = "https://oauth-login.cloud.huawei.com/oauth2/v3/token"

// serviceAccount is a Huawei service-account key file.
type serviceAccount struct {
	ProjectID           string `json:"project_id"`
	KeyID               string `json:"key_id"`
	PrivateKey          string `json:"private_key"`
	SubAccount          string `json:"sub_account"`
	AuthURI             string `json:"auth_uri"`
	TokenURI            string `json:"token_uri"`
	AuthProviderCertURI string `json:"auth_provider_cert_uri"`
	ClientCertURI       string `json:"client_cert_uri"`
}

// demoV3 gives the app a project id (App.Key: the {projectId} of v3 send
// URLs, also reachable as ${app.app_key} in scenarios) and a service-account
// key file, unless it has one. The values are derived from the app's id,
// not drawn from the world's random source, so adding v3 credentials does
// not change anyone's seeded tokens; the key is demoV3Key.
func (e *Emulator) demoV3(app *world.App) {
	if raw := app.Extra[ExtraServiceAccount]; raw != "" {
		var sa serviceAccount
		if json.Unmarshal([]byte(raw), &sa) == nil && app.Key == "" {
			app.Key = sa.ProjectID
		}
		return // a broken key file stays as given: sends will say so
	}
	seed := sha256.Sum256([]byte("huawei-v3\x00" + app.ID + "\x00" + app.Name))
	h := hex.EncodeToString(seed[:])
	if app.Key == "" {
		app.Key = "3" + decimal(h[:20], 17) // AGC project ids are 17-19 digit numbers (the doc's 3158882***52863)
	}
	sa := serviceAccount{
		ProjectID:           app.Key,
		KeyID:               h[20:52],
		PrivateKey:          demoV3Key,
		SubAccount:          "1" + decimal(h[40:], 26),
		AuthURI:             "https://oauth-login.cloud.huawei.com/oauth2/v3/authorize",
		TokenURI:            DocTokenURI,
		AuthProviderCertURI: "https://oauth-login.cloud.huawei.com/oauth2/v3/certs",
	}
	sa.ClientCertURI = "https://oauth-login.cloud.huawei.com/oauth2/v3/x509?client_id=" + sa.SubAccount
	b, _ := json.MarshalIndent(sa, "", "  ")
	if app.Extra == nil {
		app.Extra = map[string]string{}
	}
	app.Extra[ExtraServiceAccount] = string(b) + "\n"
}

func decimal(h string, n int) string {
	b := make([]byte, n)
	for i := range b {
		c := h[i%len(h)]
		v := c - '0'
		if c >= 'a' {
			v = c - 'a' + 10
		}
		b[i] = '0' + v%10
	}
	return string(b)
}

// v3State is what the emulator keeps for v3: parsed key files and
// verified JWTs.
type v3State struct {
	accounts keyfile.Cache[*account] // parsed key files
	jwts     sync.Map                // raw JWT -> jwt
	nJWTs    atomic.Int64
}

// account is what v3 auth needs of a key file.
type account struct {
	projectID  string
	keyID      string
	subAccount string
	tokenURI   string
	pub        *rsa.PublicKey
}

func parseAccount(raw string) (*account, error) {
	var sa serviceAccount
	if err := json.Unmarshal([]byte(raw), &sa); err != nil {
		return nil, err
	}
	pub, err := keyfile.RSAPublicKey(sa.PrivateKey)
	if err != nil {
		return nil, err
	}
	return &account{projectID: sa.ProjectID, keyID: sa.KeyID, subAccount: sa.SubAccount, tokenURI: sa.TokenURI, pub: pub}, nil
}

// parsedAccount is parseAccount for keyfile.Cache: nil for a file that is
// unusable.
func parsedAccount(raw string) *account {
	a, _ := parseAccount(raw)
	return a
}

// accountOf is the parsed key file of an app (nil: none or unusable).
func (e *Emulator) accountOf(app *world.App) *account {
	if app == nil {
		return nil
	}
	raw := app.Extra[ExtraServiceAccount]
	if raw == "" {
		return nil
	}
	return e.v3.accounts.Get(raw, parsedAccount)
}

// appByProject finds the app whose key file is for projectID.
func (e *Emulator) appByProject(projectID string) (*world.App, *account) {
	var acc *account
	app, ok := e.w.FindAppShared(vendor, func(a *world.App) bool {
		if acc = e.accountOf(a); acc != nil && acc.projectID == projectID {
			return true
		}
		return false
	})
	if !ok {
		return nil, nil
	}
	return app, acc
}

// appByKeyID finds the app whose key file has key_id kid.
func (e *Emulator) appByKeyID(kid string) (*world.App, *account) {
	var acc *account
	app, ok := e.w.FindAppShared(vendor, func(a *world.App) bool {
		if acc = e.accountOf(a); acc != nil && acc.keyID == kid {
			return true
		}
		return false
	})
	if !ok {
		return nil, nil
	}
	return app, acc
}

// jwt is a verified service-account JWT.
type jwt struct {
	acc      *account
	iat, exp time.Time
}

// maxJWTLifetime: a JWT valid for more than a day gets 80300036 (§1.7).
const maxJWTLifetime = 24 * time.Hour

// verifyJWT checks a v3 bearer: a PS256 JWT whose kid is a key file's
// key_id, iss its sub_account, aud the token URL (the doc's, the key
// file's token_uri, or any URL ending in /oauth2/v3/token, for a key file
// rewritten to point at pushsim), signed with that key. Time is checked by
// the caller. Verified JWTs are cached (RSA is the dear part).
func (e *Emulator) verifyJWT(raw string) (jwt, *world.App, *problem) {
	if v, ok := e.v3.jwts.Load(raw); ok {
		t := v.(jwt)
		// Still the same key file? (An app whose key was replaced is looked up again.)
		if app, acc := e.appByKeyID(t.acc.keyID); acc == t.acc {
			return t, app, nil
		}
	}
	bad := func(format string, args ...any) (jwt, *world.App, *problem) {
		return jwt{}, nil, &problem{codeAuth, RuleV3AuthJWT, fmt.Sprintf(format, args...)}
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return bad("the bearer is not a JWT: HarmonyOS NEXT sends take only the service-account JWT, not an OAuth 2.0 access token")
	}
	var head struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
		Typ string `json:"typ"`
	}
	var claims struct {
		Iss string          `json:"iss"`
		Aud json.RawMessage `json:"aud"`
		Iat *int64          `json:"iat"`
		Exp *int64          `json:"exp"`
	}
	if !decodeSegment(parts[0], &head) || !decodeSegment(parts[1], &claims) {
		return bad("the JWT's header or claims are not base64url JSON")
	}
	if head.Alg != "PS256" {
		return bad("the JWT is signed with %q, not PS256", head.Alg)
	}
	app, acc := e.appByKeyID(head.Kid)
	if acc == nil {
		return bad("kid %q is the key_id of no service account", head.Kid)
	}
	if claims.Iss != acc.subAccount {
		return bad("iss %q is not the key file's sub_account", claims.Iss)
	}
	if aud := audiences(claims.Aud); !slices.ContainsFunc(aud, func(a string) bool {
		return a == DocTokenURI || a == acc.tokenURI || strings.HasSuffix(a, "/oauth2/v3/token")
	}) {
		return bad("aud %v is not the token URL (%s or the key file's token_uri)", aud, DocTokenURI)
	}
	if claims.Iat == nil || claims.Exp == nil {
		return bad("the JWT has no iat or exp")
	}
	sig, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[2], "="))
	if err != nil {
		return bad("the JWT's signature is not base64url")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPSS(acc.pub, crypto.SHA256, digest[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}) != nil {
		return bad("the JWT's signature does not verify with the key of key_id %s (RSASSA-PSS SHA-256)", acc.keyID)
	}
	t := jwt{acc: acc, iat: time.Unix(*claims.Iat, 0), exp: time.Unix(*claims.Exp, 0)}
	if e.v3.nJWTs.Add(1) > verifiedCap {
		e.v3.jwts.Clear()
		e.v3.nJWTs.Store(1)
	}
	e.v3.jwts.Store(raw, t)
	return t, app, nil
}

func decodeSegment(s string, v any) bool {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	return err == nil && json.Unmarshal(b, v) == nil
}

// audiences reads aud as a string or a list of strings.
func audiences(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(raw, &many) // anything else is no audience
	return many
}

// authorizeV3 checks a v3 request's bearer for the app of projectID
// (80200001, 80200005, 80300036) and that push is enabled (80300002).
func (e *Emulator) authorizeV3(header string, app *world.App, projectID string, now time.Time) (*world.App, *problem) {
	raw, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || raw == "" {
		return app, &problem{codeAuth, RuleV3AuthJWT, "the Authorization header has no Bearer JWT"}
	}
	t, issuer, p := e.verifyJWT(raw)
	if p != nil {
		return app, p
	}
	if t.acc.projectID != projectID {
		return app, &problem{codeAuth, RuleV3AuthProject, fmt.Sprintf("the JWT is for project %s, the URL names project %s", t.acc.projectID, projectID)}
	}
	if app == nil {
		app = issuer
	}
	if t.exp.Sub(t.iat) > maxJWTLifetime {
		return app, &problem{codeJWTLifetime, RuleV3AuthLifetime, fmt.Sprintf("the JWT is valid for %s, more than a day", t.exp.Sub(t.iat))}
	}
	if !now.Before(t.exp) {
		return app, &problem{codeJWTExpired, RuleV3AuthExpired, fmt.Sprintf("the JWT expired at %s", t.exp.UTC().Format(time.RFC3339))}
	}
	if app.Setting("push_enabled", "") == "false" {
		return app, &problem{codeNoPermission, RuleV3AppPermission, "Push Kit is not enabled for the app"}
	}
	return app, nil
}
