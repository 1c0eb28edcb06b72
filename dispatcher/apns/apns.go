// Package apns is the dispatcher's Apple Push Notification service client
// (HTTP/2 provider API, token-based authentication). It signs an ES256
// provider token with the certificate's .p8 key (crypto/ecdsa, JWS R‖S
// signature), keeps it for 50 minutes (Settings token_refresh, between 20
// and 60 minutes: APNs refuses a token older than an hour and a token
// changed more often than every 20 minutes), sends one request per device
// token, several at a time, and maps every answer onto one push.Result.
//
// A push certificate for APNs carries (push.Certificate):
//
//	AppID      the 10-character Team ID (the JWT's iss)
//	AppKey     the 10-character Key ID of the auth key (the JWT's kid)
//	AppSecret  the auth key file's content: the .p8 PEM ("PRIVATE KEY")
//	Package    the bundle id: the apns-topic
//	Sound      the iOS sound (see below)
//	BaseURL    "" = Apple's host for Settings environment (production,
//	           or development/sandbox); a URL is used as it is, with
//	           /3/device/<token> appended
//	Settings   environment, token_refresh (a Go duration), concurrency
//	           (requests in flight per Send, default 16), ignore_badge
//	           ("true": never set the icon's number)
//
// The payload: aps.alert {title, body}, aps.badge = Push.Badge when above
// 0, aps.sound, and Push.Ext as the top-level custom key "ext" (a JSON
// string, so the app reads it back byte for byte), Push.Extras as more
// top-level keys. Push.NotifyID is the apns-collapse-id, so a newer push
// replaces the shown one. A pass-through push is a background push
// (content-available, apns-push-type background, priority 5).
//
// iOS sound, as the integration guide's custom-ring FAQ has it (APNs is
// one of the four vendors whose per-message sound is honoured: the
// message's iOS sound, else the certificate's): "" plays "default", a
// file name in the app bundle plays that file, and "push.no_sound" (Tencent
// IM's setIOSSound value for silence; not in the guide, inferred) sends no
// sound at all.
//
// Each request carries an apns-id derived from Push.ID and the token, so a
// retry of the same push is traceable as the same notification. Push.Click,
// Channel, Category and Class are not sent: iOS has no server-side click
// action or channels (the app decides what a tap does, from ext).
//
// Facts: vendor-facts/apns-honor-huawei-v3.md §1.
package apns

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// Wire facts (vendor-facts §1.1, §1.2.1, §1.5).
const (
	// Vendor is the name the dispatcher knows this client by.
	Vendor = "apns"
	// ProductionURL and DevelopmentURL are Apple's provider API hosts.
	ProductionURL  = "https://api.push.apple.com"
	DevelopmentURL = "https://api.sandbox.push.apple.com"
	// SendPath is followed by the hex device token.
	SendPath = "/3/device/"
	// MaxPayload is the most bytes of an alert or background payload.
	MaxPayload = 4096
	// DefaultRefresh is how long a provider token is used; MinRefresh and
	// MaxRefresh bound Settings token_refresh (APNs: no more often than
	// every 20 minutes, no less than every 60).
	DefaultRefresh = 50 * time.Minute
	MinRefresh     = 20 * time.Minute
	MaxRefresh     = 60 * time.Minute
	// NoSound is the sound value that sends no sound.
	NoSound = "push.no_sound"

	defaultConcurrency = 16
	defaultTimeout     = 10 * time.Second
	maxAnswer          = 64 << 10
	maxCollapseID      = 64
)

// Client sends pushes through one APNs team and bundle. It is safe for
// concurrent use.
type Client struct {
	cert        push.Certificate
	sendURL     string // ends with SendPath
	key         *ecdsa.PrivateKey
	hc          *http.Client
	now         func() time.Time
	timeout     time.Duration
	refresh     time.Duration
	concurrency int

	mu     sync.Mutex
	jwt    string
	issued time.Time
}

// New builds a client for an APNs certificate; see the package doc for the
// fields. When opt.HTTPClient's transport is an *http.Transport it is
// cloned: APNs serves one team per connection, so this client's
// connections are its own.
func New(cert push.Certificate, opt push.Options) (push.Client, error) {
	if err := cert.Require(Vendor, "app_id (the Team ID)", "app_key (the Key ID)", "app_secret (the .p8 auth key)",
		"package (the bundle id, apns-topic)"); err != nil {
		return nil, err
	}
	key, err := ParseP8(cert.AppSecret)
	if err != nil {
		return nil, fmt.Errorf("apns: app_secret: %w", err)
	}
	base := strings.TrimRight(cert.BaseURL, "/")
	if base == "" {
		switch env := strings.ToLower(cert.Settings["environment"]); env {
		case "", "production":
			base = ProductionURL
		case "development", "sandbox":
			base = DevelopmentURL
		default:
			return nil, fmt.Errorf("apns: settings environment %q: want production or development", env)
		}
	}
	if _, err := url.Parse(base); err != nil {
		return nil, fmt.Errorf("apns: base url: %w", err)
	}
	c := &Client{cert: cert, sendURL: base + SendPath, key: key, now: opt.Now, timeout: opt.Timeout,
		refresh: DefaultRefresh, concurrency: defaultConcurrency}
	if v := cert.Settings["token_refresh"]; v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return nil, fmt.Errorf("apns: settings token_refresh: %w", err)
		}
		c.refresh = min(max(d, MinRefresh), MaxRefresh)
	}
	if v := cert.Settings["concurrency"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("apns: settings concurrency %q: want a positive number", v)
		}
		c.concurrency = n
	}
	c.hc = ownConnections(opt.HTTPClient)
	if c.now == nil {
		c.now = time.Now
	}
	if c.timeout <= 0 {
		c.timeout = defaultTimeout
	}
	return c, nil
}

// ownConnections gives the client a connection pool of its own.
func ownConnections(hc *http.Client) *http.Client {
	if hc == nil {
		return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	if tr, ok := hc.Transport.(*http.Transport); ok {
		clone := tr.Clone()
		// APNs speaks HTTP/2 only; a transport with its own TLS config
		// would otherwise stay on HTTP/1.1.
		clone.ForceAttemptHTTP2 = true
		own := *hc
		own.Transport = clone
		return &own
	}
	return hc
}

// ParseP8 reads an APNs auth key: a P-256 private key in PKCS#8 PEM (or
// SEC 1 "EC PRIVATE KEY").
func ParseP8(p8 string) (*ecdsa.PrivateKey, error) {
	blk, _ := pem.Decode([]byte(strings.TrimSpace(p8)))
	if blk == nil {
		return nil, errors.New("not a PEM key (.p8)")
	}
	var (
		k   any
		err error
	)
	if blk.Type == "EC PRIVATE KEY" {
		k, err = x509.ParseECPrivateKey(blk.Bytes)
	} else {
		k, err = x509.ParsePKCS8PrivateKey(blk.Bytes)
	}
	if err != nil {
		return nil, err
	}
	ek, ok := k.(*ecdsa.PrivateKey)
	if !ok || ek.Curve.Params().Name != "P-256" {
		return nil, errors.New("not a P-256 ECDSA key")
	}
	return ek, nil
}

// Vendor returns "apns".
func (c *Client) Vendor() string { return Vendor }

// providerToken returns the cached JWT, or a new one when it is due. A
// non-empty refused is the token APNs just refused: it is replaced unless
// another request replaced it already.
func (c *Client) providerToken(refused string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.jwt != "" && now.Sub(c.issued) < c.refresh && (refused == "" || refused != c.jwt) {
		return c.jwt, nil
	}
	tok, err := SignJWT(c.key, c.cert.AppKey, c.cert.AppID, now)
	if err != nil {
		return "", err
	}
	c.jwt, c.issued = tok, now
	return tok, nil
}

// SignJWT makes an APNs provider token: header {alg ES256, kid}, claims
// {iss team, iat}, signed with key; the signature is JWS's 64-byte R‖S.
func SignJWT(key *ecdsa.PrivateKey, kid, team string, iat time.Time) (string, error) {
	enc := base64.RawURLEncoding
	h, _ := json.Marshal(struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}{"ES256", kid}) // strings only: cannot fail
	cl, _ := json.Marshal(struct {
		Iss string `json:"iss"`
		Iat int64  `json:"iat"`
	}{team, iat.Unix()})
	in := enc.EncodeToString(h) + "." + enc.EncodeToString(cl)
	sum := sha256.Sum256([]byte(in))
	r, s, err := ecdsa.Sign(rand.Reader, key, sum[:])
	if err != nil {
		return "", fmt.Errorf("apns: signing the provider token: %w", err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return in + "." + enc.EncodeToString(sig), nil
}

// apnsID derives the request's apns-id from the push id and the token (a
// UUID-shaped hash): the same push to the same phone keeps its id on retry.
func apnsID(pushID, token string) string {
	if pushID == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(pushID + "\x00" + token))
	sum[6] = sum[6]&0x0f | 0x40
	sum[8] = sum[8]&0x3f | 0x80
	h := hex.EncodeToString(sum[:16])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// collapseID is Push.NotifyID as an apns-collapse-id: at most 64 bytes, a
// longer id is replaced by a hash of it (still stable, still distinct).
func collapseID(notifyID string) string {
	if len(notifyID) <= maxCollapseID {
		return notifyID
	}
	sum := sha256.Sum256([]byte(notifyID))
	return "n-" + hex.EncodeToString(sum[:24])
}

// RetryAfter reads a Retry-After header: seconds or an HTTP date.
func RetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Send pushes p to every token, one request each, at most concurrency at a
// time, and returns one Result per token in the order of tokens.
func (c *Client) Send(ctx context.Context, p push.Push, tokens []string) []push.Result {
	if len(tokens) == 0 {
		return nil
	}
	out := make([]push.Result, len(tokens))
	body, err := c.payload(p)
	if err != nil {
		for i, t := range tokens {
			out[i] = push.Result{Token: t, Kind: push.Rejected, Code: "PayloadTooLarge", Reason: err.Error()}
		}
		return out
	}
	hdr := c.headers(p)
	sem := make(chan struct{}, c.concurrency)
	var wg sync.WaitGroup
	for i, t := range tokens {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i] = c.sendOne(ctx, p.ID, hdr, body, t)
		}()
	}
	wg.Wait()
	return out
}
