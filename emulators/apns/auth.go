package apns

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// verified is a provider token whose signature checked out.
type verified struct {
	kid, team string
	iat       int64
	p8        string // the key it verified with (a rotated key invalidates it)
}

// conn is what APNs remembers of one connection (vendor-facts §1.7).
type conn struct {
	team string // pinned by the first valid token
	kid  string
	iat  int64 // the current token is (kid, iat)
	seen time.Time
}

const (
	maxCachedJWTs = 1 << 14
	maxConns      = 1 << 14
	connIdle      = 2 * time.Hour // a connection unseen this long is forgotten when the table is full
)

func invalidToken(rule, msg string) *failure {
	return &failure{status: http.StatusForbidden, reason: "InvalidProviderToken", rule: rule, msg: msg}
}

// token authenticates with `authorization: bearer <JWT>` (§1.2.1) and
// returns the topic's app.
func (e *Emulator) token(r *http.Request, rq *request, auth string) (*world.App, *failure) {
	if len(auth) < 7 || !strings.EqualFold(auth[:7], "bearer ") || strings.TrimSpace(auth[7:]) == "" {
		msg := "no authorization header and no client certificate"
		if auth != "" {
			msg = "authorization is not `bearer <JWT>`"
		}
		return nil, &failure{status: http.StatusForbidden, reason: "MissingProviderToken", rule: RuleAuthMissing, msg: msg}
	}
	v, keyApp, f := e.verify(strings.TrimSpace(auth[7:]))
	if f != nil {
		return nil, f
	}
	age := rq.now.Unix() - v.iat
	if lifetime := int64(keyApp.Quota("token_lifetime_seconds", defTokenLifetime)); age > lifetime {
		return nil, &failure{status: http.StatusForbidden, reason: "ExpiredProviderToken", rule: RuleAuthExpired,
			msg: "the provider token was issued " + (time.Duration(age) * time.Second).String() + " ago; it is valid for " + (time.Duration(lifetime) * time.Second).String()}
	}
	if skew := keyApp.Quota("jwt_future_skew_seconds", -1); skew >= 0 && -age > int64(skew) {
		return nil, invalidToken(RuleAuthJWT, "iat is "+strconv.FormatInt(-age, 10)+"s in the future")
	}
	if f := e.connection(r, v, keyApp, rq.now); f != nil {
		return nil, f
	}
	app, ok := e.w.FindAppShared(Vendor, func(a *world.App) bool { return a.ID == v.team && a.Package == rq.base })
	if !ok {
		return nil, invalidToken(RuleAuthTopic, "topic "+rq.topic+" is not a bundle of team "+v.team)
	}
	return app, nil
}

// verify checks a JWT's form, key and signature, with a cache: real
// providers send the same token for 20 to 60 minutes.
func (e *Emulator) verify(raw string) (verified, *world.App, *failure) {
	e.mu.Lock()
	e.freshLocked()
	v, cached := e.jwts[raw]
	e.mu.Unlock()
	if cached {
		app, ok := e.w.FindAppShared(Vendor, func(a *world.App) bool { return a.Key == v.kid && a.ID == v.team })
		if ok && app.Extra[ExtraP8] == v.p8 {
			return v, app, nil
		}
	}
	v, app, f := e.parse(raw)
	if f != nil {
		return v, nil, f
	}
	e.mu.Lock()
	if len(e.jwts) >= maxCachedJWTs {
		clear(e.jwts)
	}
	e.jwts[raw] = v
	e.mu.Unlock()
	return v, app, nil
}

func (e *Emulator) parse(raw string) (verified, *world.App, *failure) {
	var v verified
	h64, rest, ok1 := strings.Cut(raw, ".")
	c64, s64, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.Contains(s64, ".") {
		return v, nil, invalidToken(RuleAuthJWT, "the provider token is not a JWT (three base64url parts)")
	}
	hb, err1 := base64.RawURLEncoding.DecodeString(h64)
	cb, err2 := base64.RawURLEncoding.DecodeString(c64)
	sig, err3 := base64.RawURLEncoding.DecodeString(s64)
	if err1 != nil || err2 != nil || err3 != nil {
		return v, nil, invalidToken(RuleAuthJWT, "the provider token's parts are not base64url")
	}
	var hdr struct {
		Alg any `json:"alg"`
		Kid any `json:"kid"`
	}
	if json.Unmarshal(hb, &hdr) != nil {
		return v, nil, invalidToken(RuleAuthJWT, "the JWT header is not a JSON object")
	}
	if hdr.Alg != "ES256" {
		return v, nil, invalidToken(RuleAuthJWT, "the JWT alg is not ES256")
	}
	kid, ok := hdr.Kid.(string)
	if !ok {
		return v, nil, invalidToken(RuleAuthJWT, "the JWT header has no string kid")
	}
	var claims struct {
		Iss any `json:"iss"`
		Iat any `json:"iat"`
	}
	dec := json.NewDecoder(bytes.NewReader(cb))
	dec.UseNumber()
	if dec.Decode(&claims) != nil {
		return v, nil, invalidToken(RuleAuthJWT, "the JWT claims are not a JSON object")
	}
	iss, ok := claims.Iss.(string)
	if !ok {
		return v, nil, invalidToken(RuleAuthJWT, "the JWT has no string iss (the Team ID)")
	}
	num, ok := claims.Iat.(json.Number)
	iat, err := num.Int64()
	if !ok || err != nil {
		return v, nil, invalidToken(RuleAuthJWT, "the JWT iat is not an integer")
	}
	app, found := e.w.FindAppShared(Vendor, func(a *world.App) bool { return a.Key == kid })
	if !found {
		return v, nil, invalidToken(RuleAuthJWT, "no auth key has Key ID "+strconv.Quote(kid))
	}
	if iss != app.ID {
		// Another app of the same key may be of that team (a key is per
		// team, so this only differs when the console says so).
		other, ok := e.w.FindAppShared(Vendor, func(a *world.App) bool { return a.Key == kid && a.ID == iss })
		if !ok {
			return v, nil, invalidToken(RuleAuthJWT, "iss "+strconv.Quote(iss)+" is not the team of key "+kid+" ("+app.ID+")")
		}
		app = other
	}
	pub, msg := e.publicKey(app.Extra[ExtraP8])
	if pub == nil {
		return v, nil, invalidToken(RuleAuthSignature, "key "+kid+" on the console is unusable: "+msg)
	}
	sum := sha256.Sum256([]byte(raw[:len(h64)+1+len(c64)]))
	if !verifySignature(pub, sum[:], sig) {
		return v, nil, invalidToken(RuleAuthSignature, "the ES256 signature does not verify with key "+kid+" (raw R‖S or DER)")
	}
	return verified{kid: kid, team: iss, iat: iat, p8: app.Extra[ExtraP8]}, app, nil
}

// verifySignature accepts both encodings APNs takes (§1.2.1): the JWS form
// (64 bytes, R‖S) and ASN.1 DER.
func verifySignature(pub *ecdsa.PublicKey, digest, sig []byte) bool {
	if len(sig) == 64 {
		r := new(big.Int).SetBytes(sig[:32])
		s := new(big.Int).SetBytes(sig[32:])
		if ecdsa.Verify(pub, digest, r, s) {
			return true
		}
	}
	return ecdsa.VerifyASN1(pub, digest, sig)
}

// publicKey parses a .p8 (cached by its text).
func (e *Emulator) publicKey(p8 string) (*ecdsa.PublicKey, string) {
	e.mu.Lock()
	k, ok := e.keys[p8]
	e.mu.Unlock()
	if ok {
		return k, ""
	}
	blk, _ := pem.Decode([]byte(p8))
	if blk == nil {
		return nil, "App.Extra p8 is not PEM"
	}
	var key any
	var err error
	if blk.Type == "EC PRIVATE KEY" {
		key, err = x509.ParseECPrivateKey(blk.Bytes)
	} else {
		key, err = x509.ParsePKCS8PrivateKey(blk.Bytes)
	}
	if err != nil {
		return nil, "App.Extra p8: " + err.Error()
	}
	priv, ok := key.(*ecdsa.PrivateKey)
	if !ok {
		return nil, "App.Extra p8 is not an ECDSA key"
	}
	pub := &priv.PublicKey
	e.mu.Lock()
	if len(e.keys) >= 1024 {
		clear(e.keys)
	}
	e.keys[p8] = pub
	e.mu.Unlock()
	return pub, ""
}

// connection applies the per-connection rules: one team, and no change to
// a token issued within token_update_seconds of the current one.
func (e *Emulator) connection(r *http.Request, v verified, keyApp *world.App, now time.Time) *failure {
	// A named connection first: a scenario behaves the same in memory and
	// over a listener.
	id := r.RemoteAddr
	if name := r.Header.Get(ConnectionHeader); name != "" {
		id = "named:" + name
	}
	if id == "" {
		return nil // in memory: no connection to remember
	}
	minGap := time.Duration(keyApp.Quota("token_update_seconds", defTokenUpdate)) * time.Second
	e.mu.Lock()
	defer e.mu.Unlock()
	e.freshLocked()
	c := e.conns[id]
	if c == nil {
		if len(e.conns) >= maxConns {
			for k, old := range e.conns {
				if now.Sub(old.seen) > connIdle {
					delete(e.conns, k)
				}
			}
			if len(e.conns) >= maxConns {
				clear(e.conns)
			}
		}
		e.conns[id] = &conn{team: v.team, kid: v.kid, iat: v.iat, seen: now}
		return nil
	}
	c.seen = now
	if c.team != v.team {
		return invalidToken(RuleAuthOneTeam, "this connection serves team "+c.team+"; a token of team "+v.team+" is refused")
	}
	if c.kid != v.kid || c.iat != v.iat {
		// Measured between the tokens' iat, not by the wall clock: a
		// connection opened just before the provider's scheduled refresh
		// sees a token change soon after its first token, and that is a
		// normal refresh.
		gap := time.Duration(v.iat-c.iat) * time.Second
		if gap < 0 {
			gap = -gap
		}
		if gap < minGap {
			return &failure{status: http.StatusTooManyRequests, reason: "TooManyProviderTokenUpdates", rule: RuleAuthRefreshRate,
				msg: "the connection's provider token changed to one issued " + gap.String() + " from the current one's; at most once every " + minGap.String()}
		}
		c.kid, c.iat = v.kid, v.iat
	}
	return nil
}

// oidUID is the subject attribute userId (0.9.2342.19200300.100.1.1) that
// carries the bundle id of an APNs provider certificate.
var oidUID = asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}

// CertificateUID returns the subject UID of a provider certificate: its topic.
func CertificateUID(c *x509.Certificate) string {
	for _, n := range c.Subject.Names {
		if n.Type.Equal(oidUID) {
			if s, ok := n.Value.(string); ok {
				return s
			}
		}
	}
	return ""
}

// certEnvironment reads the environment from Apple's subject common names:
// "Apple Development IOS Push Services: <bundle>" is development only,
// "Apple Production IOS Push Services: ..." production only, and the
// universal "Apple Push Services: ..." both.
func certEnvironment(cn string) string {
	switch {
	case strings.HasPrefix(cn, "Apple Development"), strings.HasPrefix(cn, "Apple Sandbox"):
		return Development
	case strings.HasPrefix(cn, "Apple Production"):
		return Production
	}
	return ""
}

// certificate authenticates with the TLS client certificate (§1.2.2) and
// returns the topic's app.
func (e *Emulator) certificate(r *http.Request, rq *request) (*world.App, *failure) {
	c := r.TLS.PeerCertificates[0]
	uid := CertificateUID(c)
	bad := func(msg string) *failure {
		return &failure{status: http.StatusForbidden, reason: "BadCertificate", rule: RuleAuthCertificate, msg: msg}
	}
	if uid == "" {
		return nil, bad("the client certificate's subject has no UID (the bundle id)")
	}
	app, ok := e.w.FindAppShared(Vendor, func(a *world.App) bool { return a.Package == uid })
	if !ok {
		return nil, bad("no app has bundle id " + uid + " (the certificate's UID)")
	}
	if want := app.Extra[ExtraCertSHA256]; want != "" {
		sum := sha256.Sum256(c.Raw)
		if !strings.EqualFold(hex.EncodeToString(sum[:]), strings.ReplaceAll(want, ":", "")) {
			return nil, bad("the client certificate is not the one registered for " + uid)
		}
	}
	if rq.now.After(c.NotAfter) || rq.now.Before(c.NotBefore) {
		return nil, bad("the client certificate is not valid now")
	}
	if env := certEnvironment(c.Subject.CommonName); env != "" && rq.env != "" && env != rq.env {
		return nil, &failure{status: http.StatusForbidden, reason: "BadCertificateEnvironment", rule: RuleAuthCertificate,
			msg: "a " + env + " certificate sent to the " + rq.env + " environment"}
	}
	if rq.topic == "" {
		rq.topic = uid
	} else if rq.topic != uid && rq.topic != uid+".voip" && rq.topic != uid+".complication" {
		return nil, &failure{status: http.StatusBadRequest, reason: "BadTopic", rule: RuleAuthCertificate,
			msg: "the certificate of " + uid + " cannot push to topic " + rq.topic}
	}
	rq.base, _ = splitTopic(rq.topic)
	return app, nil
}
