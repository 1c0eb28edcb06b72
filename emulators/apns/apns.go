// Package apns emulates Apple's Push Notification service provider API
// (vendor-facts/apns-honor-huawei-v3.md §1): POST /3/device/<token> on
// api.push.apple.com and api.sandbox.push.apple.com, with every apns-*
// header checked in the order the facts give (Pushy's mock server order),
// token-based auth (an ES256 JWT in `authorization: bearer`, raw R‖S or DER
// signatures) and certificate-based auth (the TLS client certificate's
// subject UID is the topic), Apple's `{"reason": ...}` answers with an
// `apns-id` on every response, and what an iPhone does with the payload.
//
// An APNs developer account is a world.App of vendor "apns", one per bundle:
//
//	App.ID       the 10-character Team ID (the JWT's iss)
//	App.Key      the 10-character Key ID of the .p8 auth key (the JWT's kid)
//	App.Package  the bundle id: the apns-topic
//	App.Extra    "p8": the auth key, PKCS#8 PEM (DemoApp makes a P-256 one);
//	             "cert_sha256": hex SHA-256 of the one provider certificate
//	             accepted for the bundle (absent: any certificate whose UID is
//	             the bundle); "loc.<key>": a localized format string for
//	             loc-key / title-loc-key (%@, %1$@), as the app's
//	             Localizable.strings; absent keys show as the key itself.
//
// Environments: the Host api.sandbox.push.apple.com is development and
// api.push.apple.com production. Behind the /apns prefix a client may add
// /sandbox (or /development) or /production to its base URL to choose; with
// neither the request matches both. App.Settings "environment"
// (development, production, or "" for both) is where the app's tokens
// were issued: a token sent to the other environment is BadDeviceToken.
//
// Connections: APNs keeps state per HTTP/2 connection (the pinned Team ID,
// the current token and when it last changed). The emulator keys it by the
// client's address (r.RemoteAddr), one key per TCP connection. Requests
// that come in memory (emulators.Server.Client) have no connection: the
// per-connection rules (one team, token refresh rate) do not apply to them
// unless they name one with the X-Pushsim-Connection header, which also
// takes precedence over the address (so a scenario reads the same in
// memory and over a listener).
//
// Knobs where the facts give no number (App.Quotas): payload_bytes (4096),
// voip_payload_bytes (5120), token_lifetime_seconds (3600),
// token_update_seconds (1200: a token change sooner is
// TooManyProviderTokenUpdates), jwt_future_skew_seconds (-1: an iat in the
// future is not checked), device_per_minute (0: no TooManyRequests limit;
// Apple publishes none), background_per_hour (3: background pushes a phone
// takes an hour, Apple's "two or three"), max_store_seconds (30 days);
// App.Settings token_bytes (32: NewToken's length in bytes; Apple says
// tokens vary).
package apns

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// Names and hosts (vendor-facts §1.1).
const (
	// Vendor is the emulator's name and URL prefix.
	Vendor = "apns"
	// HostProduction and HostDevelopment are APNs' provider API hosts.
	HostProduction  = "api.push.apple.com"
	HostDevelopment = "api.sandbox.push.apple.com"
	// PathPrefix is the send path before the device token.
	PathPrefix = "/3/device/"

	// ExtraP8 is the App.Extra key of the .p8 auth key (PKCS#8 PEM).
	ExtraP8 = "p8"
	// ExtraCertSHA256 is the App.Extra key of the provider certificate's
	// SHA-256 fingerprint (hex), when only that certificate is accepted.
	ExtraCertSHA256 = "cert_sha256"
	// ConnectionHeader names a connection for requests that have none (in memory).
	ConnectionHeader = "X-Pushsim-Connection"

	// Environments.
	Development = "development"
	Production  = "production"
)

// Defaults of the App.Quotas knobs (see the package doc).
const (
	defPayload         = 4096
	defVoIPPayload     = 5120
	defTokenLifetime   = 3600
	defTokenUpdate     = 1200
	defBackgroundHour  = 3
	defMaxStoreSeconds = 30 * 24 * 3600
	defTokenBytes      = 32
	maxCollapseID      = 64
	minTokenHex        = 64  // 32 bytes, the usual token
	maxTokenHex        = 200 // 100 bytes: the longest tokens reported (§1.3.1)
)

// Emulator is the APNs provider API over one world.
type Emulator struct {
	w *world.World

	// mu guards the state below. It belongs to one generation of the world:
	// World.Reset replaces the quota counter, and the state goes with it.
	mu    sync.Mutex
	gen   *world.Quotas
	conns map[string]*conn            // connection id → what APNs remembers of it
	jwts  map[string]verified         // bearer token → its verified claims
	keys  map[string]*ecdsa.PublicKey // p8 PEM → public key
	gone  map[string]int64            // token → when APNs learnt it is unregistered (ms)
}

// New returns the APNs emulator over w.
func New(w *world.World) world.Vendor { return &Emulator{w: w} }

// Name returns "apns".
func (e *Emulator) Name() string { return Vendor }

// Hosts are APNs' production and development hosts.
func (e *Emulator) Hosts() []string { return []string{HostProduction, HostDevelopment} }

// Handler serves POST /3/device/<token> and answers everything else as APNs does.
func (e *Emulator) Handler() http.Handler { return e }

// Rules lists the rules the emulator enforces.
func (e *Emulator) Rules() []world.Rule { return append([]world.Rule(nil), rules...) }

// freshLocked drops the state of an earlier world generation. Callers hold e.mu.
func (e *Emulator) freshLocked() {
	if q := e.w.Quotas(); q != e.gen || e.conns == nil {
		e.gen = q
		e.conns = map[string]*conn{}
		e.jwts = map[string]verified{}
		e.keys = map[string]*ecdsa.PublicKey{}
		e.gone = map[string]int64{}
	}
}

// NewToken makes a device token: hex of 32 random bytes, or of App.Settings
// token_bytes bytes (Apple says tokens vary in length).
func (e *Emulator) NewToken(app *world.App) string {
	n := defTokenBytes
	if v, err := strconv.Atoi(app.Setting("token_bytes", "")); err == nil && v >= minTokenHex/2 && v <= maxTokenHex/2 {
		n = v
	}
	return e.w.RandString(2*n, world.Hex)
}

const upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// DemoApp fills what the caller left empty: a Team ID, a Key ID, a bundle id
// and a fresh P-256 auth key (.p8).
func (e *Emulator) DemoApp(app *world.App) {
	if app.ID == "" {
		app.ID = e.w.RandString(10, upperAlnum)
	}
	if app.Key == "" {
		app.Key = e.w.RandString(10, upperAlnum)
	}
	if app.Package == "" {
		app.Package = "com.example." + bundleName(app.Name)
	}
	if app.Extra == nil {
		app.Extra = map[string]string{}
	}
	if app.Extra[ExtraP8] == "" {
		if p8, err := NewP8(); err == nil {
			app.Extra[ExtraP8] = p8
		}
	}
}

// NewP8 makes an APNs auth key as Apple's developer account hands it out:
// a P-256 private key in a PKCS#8 PEM ("PRIVATE KEY") file.
func NewP8() (string, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

// bundleName turns an app name into a bundle id component.
func bundleName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "app"
	}
	return b.String()
}

// now is the world's clock.
func (e *Emulator) now() time.Time { return e.w.Now() }
