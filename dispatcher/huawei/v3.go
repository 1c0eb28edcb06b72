package huawei

import (
	"cmp"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/pushsim/pushsim/dispatcher/internal/hms"
	"github.com/pushsim/pushsim/dispatcher/push"
)

// HarmonyOS NEXT (v3): a certificate whose Settings["api"] is "v3" sends
// scenario messages to HarmonyOS NEXT phones: POST /v3/{projectId}/messages:send
// with the push-type header and a self-signed PS256 JWT from the
// certificate's ServiceAccount key file (no token exchange), facts
// vendor-facts/apns-honor-huawei-v3.md §3 and huawei-oppo-fcm-honor.md §1.7.
// A notification is push-type 0 with category IM (or the certificate's /
// the push's category; MARKETING for the public class); a pass-through is a
// background message (push-type 6). The IM ext reaches the app byte for
// byte under the key "ext" of clickAction.data (or of the extraData JSON).
const (
	// SettingAPI selects the API: "v3" for HarmonyOS NEXT, else v1.
	SettingAPI = "api"
	// V3TokenURI is the aud of the JWT when the key file names no token_uri.
	V3TokenURI = "https://oauth-login.cloud.huawei.com/oauth2/v3/token"
	// jwtLifetime is the lifetime the doc recommends; the JWT is signed
	// again when less than jwtAhead is left (the official demo: 10 s).
	jwtLifetime = time.Hour
	jwtAhead    = 5 * time.Minute
)

// codeJWTExpired is v3's own code (§1.7); it reads the others as v1 does.
const codeJWTExpired = "80200005"

// V3Account is a Huawei service-account key file as far as signing needs it.
type V3Account struct {
	ProjectID  string `json:"project_id"`
	KeyID      string `json:"key_id"`
	PrivateKey string `json:"private_key"`
	SubAccount string `json:"sub_account"`
	TokenURI   string `json:"token_uri"`
	key        *rsa.PrivateKey
}

// ParseV3Account reads a key file and its RSA key (PKCS#8 or PKCS#1 PEM).
func ParseV3Account(raw string) (*V3Account, error) {
	var a V3Account
	if err := json.Unmarshal([]byte(raw), &a); err != nil {
		return nil, fmt.Errorf("huawei v3: service account: %w", err)
	}
	switch {
	case a.ProjectID == "":
		return nil, errors.New("huawei v3: service account has no project_id")
	case a.KeyID == "":
		return nil, errors.New("huawei v3: service account has no key_id")
	case a.SubAccount == "":
		return nil, errors.New("huawei v3: service account has no sub_account")
	}
	block, _ := pem.Decode([]byte(a.PrivateKey))
	if block == nil {
		return nil, errors.New("huawei v3: private_key is not PEM")
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, errors.New("huawei v3: private_key is not RSA")
		}
		a.key = rk
	} else if rk, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		a.key = rk
	} else {
		return nil, errors.New("huawei v3: private_key is neither PKCS#8 nor PKCS#1")
	}
	if a.TokenURI == "" {
		a.TokenURI = V3TokenURI
	}
	return &a, nil
}

// SignJWT signs the v3 bearer at now: header {kid, typ, alg PS256}, claims
// {iss: sub_account, aud: token_uri, iat, exp: iat + lifetime}, RSASSA-PSS
// with SHA-256 (salt as long as the hash, as Java's PS256).
func (a *V3Account) SignJWT(now time.Time, lifetime time.Duration) (string, error) {
	h, _ := json.Marshal(map[string]string{"kid": a.KeyID, "typ": "JWT", "alg": "PS256"})
	c, _ := json.Marshal(map[string]any{"iss": a.SubAccount, "aud": a.TokenURI, "iat": now.Unix(), "exp": now.Add(lifetime).Unix()})
	signed := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	d := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPSS(rand.Reader, a.key, crypto.SHA256, d[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	if err != nil {
		return "", fmt.Errorf("huawei v3: signing the JWT: %w", err)
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// V3Client sends to HarmonyOS NEXT phones through one app. It is safe for
// concurrent use.
type V3Client struct {
	cert push.Certificate
	acc  *V3Account
	opt  push.Options
	send hms.Sender

	mu     sync.Mutex
	jwt    string
	jwtExp time.Time
}

func newV3(cert push.Certificate, opt push.Options) (push.Client, error) {
	opt = opt.WithDefaults(defaultTimeout)
	if err := cert.Require("huawei v3", "service_account"); err != nil {
		return nil, err
	}
	acc, err := ParseV3Account(cert.ServiceAccount)
	if err != nil {
		return nil, err
	}
	project := cmp.Or(cert.ProjectID, acc.ProjectID)
	base, err := cert.ServerURL(DefaultBaseURL)
	if err != nil {
		return nil, fmt.Errorf("huawei v3: %w", err)
	}
	c := &V3Client{cert: cert, acc: acc, opt: opt}
	c.send = hms.Sender{Options: opt, URL: base + "/v3/" + url.PathEscape(project) + "/messages:send", Auth: v3Auth{c},
		BatchSize: MaxBatch, Marshal: push.Marshal, Answer: func() hms.Answer { return &v3Answer{} }}
	return c, nil
}

// Vendor returns "huawei".
func (c *V3Client) Vendor() string { return Vendor }

// bearer returns the cached JWT or signs a new one (also when stale, a JWT
// the server just refused, is the cached one).
func (c *V3Client) bearer(stale string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.opt.Now()
	if c.jwt != "" && c.jwt != stale && now.Before(c.jwtExp.Add(-jwtAhead)) {
		return c.jwt, nil
	}
	j, err := c.acc.SignJWT(now, jwtLifetime)
	if err != nil {
		return "", err
	}
	c.jwt, c.jwtExp = j, now.Add(jwtLifetime)
	return j, nil
}

// v3Body is the body of a v3 send (payload per push-type).
type v3Body struct {
	Payload     any         `json:"payload"`
	Target      v3Target    `json:"target"`
	PushOptions *v3PushOpts `json:"pushOptions,omitempty"`
}

type v3Target struct {
	Token []string `json:"token"`
}

type v3PushOpts struct {
	TTL         int64  `json:"ttl,omitempty"`
	BiTag       string `json:"biTag,omitempty"`
	TestMessage bool   `json:"testMessage,omitempty"`
}

type v3Notification struct {
	Category    string        `json:"category"`
	Title       string        `json:"title"`
	Body        string        `json:"body"`
	ClickAction v3ClickAction `json:"clickAction"`
	NotifyID    *int          `json:"notifyId,omitempty"`
	Badge       *v3Badge      `json:"badge,omitempty"`
	Sound       string        `json:"sound,omitempty"`
}

type v3ClickAction struct {
	ActionType int             `json:"actionType"`
	Action     string          `json:"action,omitempty"`
	URI        string          `json:"uri,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
}

type v3Badge struct {
	SetNum int `json:"setNum"`
}

// WithTokens addresses the body to one batch.
func (b *v3Body) WithTokens(batch []string) any {
	b.Target.Token = batch
	return b
}

// v3Request builds the body (without tokens) and the push-type.
func (c *V3Client) v3Request(p push.Push) (v3Body, string) {
	b := v3Body{PushOptions: &v3PushOpts{BiTag: hms.BiTag(p.ID), TestMessage: c.cert.Settings[SettingValidateOnly] == "true"}}
	if p.TTL > 0 {
		b.PushOptions.TTL = int64(min(p.TTL, MaxTTL) / time.Second)
	}
	if p.PassThrough {
		extra := string(hms.Data(p))
		if extra == "" {
			extra = "{}"
		}
		b.Payload = map[string]string{"extraData": extra}
		return b, "6"
	}
	n := v3Notification{Title: p.Title, Body: p.Body, Category: cmp.Or(p.Category, c.cert.Category, "IM")}
	if cmp.Or(p.Class, c.cert.Class) == "public" {
		n.Category = "MARKETING"
	}
	click := p.ClickOr(c.cert.Click)
	// An Android intent URI means nothing to HarmonyOS: it opens the home
	// ability (actionType 0), which gets the data.
	switch click.Type {
	case "action", "activity":
		n.ClickAction = v3ClickAction{ActionType: 1, Action: strings.TrimPrefix(click.Target, "activity:")}
	case "url":
		n.ClickAction = v3ClickAction{ActionType: 1, URI: click.Target}
	}
	// clickAction.data (hms.Data): HarmonyOS hands it to the opened
	// ability (want.parameters), so the app reads "ext" and gets the IM ext
	// byte for byte, as on Huawei's Android phones.
	n.ClickAction.Data = hms.Data(p)
	n.NotifyID = hms.NotifyID(p.NotifyID)
	if p.Badge > 0 {
		n.Badge = &v3Badge{SetNum: min(p.Badge, 99)}
	}
	if s := cmp.Or(p.Sound, c.cert.Sound); s != "" {
		n.Sound = s
	}
	b.Payload = map[string]any{"notification": n}
	return b, "0"
}

// Send posts p to tokens, at most MaxBatch per request, one Result per token.
func (c *V3Client) Send(ctx context.Context, p push.Push, tokens []string) []push.Result {
	body, pushType := c.v3Request(p)
	return c.send.Send(ctx, tokens, p.Raw, &body, func(h http.Header, jwt string) {
		header(h, jwt)
		h.Set("push-type", pushType)
	})
}

// v3Auth gives a batch the client's self-signed JWT (no token exchange);
// a JWT that cannot be signed rejects the batch.
type v3Auth struct{ c *V3Client }

func (a v3Auth) Bearer(_ context.Context, stale string) (string, error) { return a.c.bearer(stale) }

func (v3Auth) Failure(err error) push.Result {
	return push.Result{Kind: push.Rejected, Code: "jwt", Reason: err.Error()}
}

// v3Answer is a v3 send response: v1's shape, v3's codes.
type v3Answer struct{ answer }

// AuthRefused: v1's refusals, and 80200005 (the JWT expired).
func (a *v3Answer) AuthRefused() bool {
	return a.answer.AuthRefused() || a.Parsed && a.Code == codeJWTExpired
}

// Results maps a v3 answer onto one Result per token. 80100000 and
// 80300007 name the failed tokens by reason in msg: tokenFormatError and
// noRight mean the token is dead here; noPushTypeRight and
// notSupportPlayVoice are the app's or the message's fault, not the token's.
func (a *v3Answer) Results(out []push.Result, tokens []string) []push.Result {
	if r, whole := a.Whole(a.Msg); whole {
		return push.AppendAll(out, tokens, r)
	}
	code := string(a.Code)
	switch code {
	case codeSuccess:
		return push.AppendAll(out, tokens, push.Result{Kind: push.Sent, Code: code, Reason: a.Msg, MessageID: a.RequestID})
	case codePartial, hms.CodeAllInvalid:
		var m struct {
			IllegalTokens map[string][]string `json:"illegalTokens"`
		}
		if json.Unmarshal([]byte(a.Msg), &m) != nil || len(m.IllegalTokens) == 0 {
			if code == codePartial {
				return push.AppendAll(out, tokens, push.Result{Kind: push.Sent, Code: code, Reason: "partial success, failed tokens not listed: " + a.Msg, MessageID: a.RequestID})
			}
			return push.AppendAll(out, tokens, push.Result{Kind: push.Rejected, Code: code, Reason: a.Msg, MessageID: a.RequestID, InvalidToken: true})
		}
		why := map[string]string{}
		for reason, ts := range m.IllegalTokens {
			for _, t := range ts {
				why[t] = reason
			}
		}
		for _, t := range tokens {
			reason, failed := why[t]
			switch {
			case !failed && code == codePartial:
				out = append(out, push.Result{Token: t, Kind: push.Sent, Code: code, MessageID: a.RequestID})
			case !failed:
				out = append(out, push.Result{Token: t, Kind: push.Rejected, Code: code, Reason: a.Msg, MessageID: a.RequestID})
			default:
				dead := reason == "tokenFormatError" || reason == "noRight"
				out = append(out, push.Result{Token: t, Kind: push.Rejected, Code: code, Reason: reason, MessageID: a.RequestID, InvalidToken: dead})
			}
		}
		return out
	case hms.CodeTestLimit:
		return push.AppendAll(out, tokens, push.Result{Kind: push.OverQuota, Code: code, Reason: a.Msg})
	case codeJWTExpired, hms.CodeInternal:
		return push.AppendAll(out, tokens, push.Result{Kind: push.Retryable, Code: code, Reason: a.Msg, RetryAfter: a.RetryAfter})
	}
	return push.AppendAll(out, tokens, push.Result{Kind: push.Rejected, Code: code, Reason: a.Msg, MessageID: a.RequestID})
}
