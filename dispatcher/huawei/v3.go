package huawei

import (
	"bytes"
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
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

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

// v3 codes (§1.7).
const (
	codeJWTExpired = "80200005"
	codeTestLimit  = "80300029"
)

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
	cert    push.Certificate
	acc     *V3Account
	sendURL string
	hc      *http.Client
	now     func() time.Time
	timeout time.Duration

	mu     sync.Mutex
	jwt    string
	jwtExp time.Time
}

func newV3(cert push.Certificate, opt push.Options) (push.Client, error) {
	opt = opt.WithDefaults(defaultTimeout)
	if cert.ServiceAccount == "" {
		return nil, errors.New("huawei v3: certificate has no service_account")
	}
	acc, err := ParseV3Account(cert.ServiceAccount)
	if err != nil {
		return nil, err
	}
	project := cert.ProjectID
	if project == "" {
		project = acc.ProjectID
	}
	base := strings.TrimRight(cert.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	if _, err := url.Parse(base); err != nil {
		return nil, fmt.Errorf("huawei v3: %w", err)
	}
	c := &V3Client{cert: cert, acc: acc, sendURL: base + "/v3/" + url.PathEscape(project) + "/messages:send",
		hc: opt.HTTPClient, now: opt.Now, timeout: opt.Timeout}
	return c, nil
}

// Vendor returns "huawei".
func (c *V3Client) Vendor() string { return Vendor }

// bearer returns the cached JWT or signs a new one (also when stale, a JWT
// the server just refused, is the cached one).
func (c *V3Client) bearer(stale string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
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

// v3Request builds the body (without tokens) and the push-type.
func (c *V3Client) v3Request(p push.Push) (v3Body, string) {
	b := v3Body{PushOptions: &v3PushOpts{BiTag: p.ID, TestMessage: c.cert.Settings[SettingValidateOnly] == "true"}}
	if len(p.ID) > 64 {
		b.PushOptions.BiTag = ""
	}
	if p.TTL > 0 {
		b.PushOptions.TTL = int64(min(p.TTL, MaxTTL) / time.Second)
	}
	if p.PassThrough {
		extra := string(v3Data(p))
		if extra == "" {
			extra = "{}"
		}
		b.Payload = map[string]string{"extraData": extra}
		return b, "6"
	}
	n := v3Notification{Title: p.Title, Body: p.Body, Category: firstNonEmpty(p.Category, firstNonEmpty(c.cert.Category, "IM"))}
	if firstNonEmpty(p.Class, c.cert.Class) == "public" {
		n.Category = "MARKETING"
	}
	click := p.Click
	if click.Type == "" {
		click = c.cert.Click
	}
	// An Android intent URI means nothing to HarmonyOS: it opens the home
	// ability (actionType 0), which gets the data.
	switch click.Type {
	case "action", "activity":
		n.ClickAction = v3ClickAction{ActionType: 1, Action: strings.TrimPrefix(click.Target, "activity:")}
	case "url":
		n.ClickAction = v3ClickAction{ActionType: 1, URI: click.Target}
	}
	n.ClickAction.Data = v3Data(p)
	if p.NotifyID != "" {
		id := NotifyID(p.NotifyID)
		n.NotifyID = &id
	}
	if p.Badge > 0 {
		n.Badge = &v3Badge{SetNum: min(p.Badge, 99)}
	}
	if s := firstNonEmpty(p.Sound, c.cert.Sound); s != "" {
		n.Sound = s
	}
	b.Payload = map[string]any{"notification": n}
	return b, "0"
}

// v3Data is clickAction.data (and a background message's extraData): a
// JSON object of Push.Extras plus Push.Ext under the key "ext" (Ext wins),
// nil when both are empty. HarmonyOS hands clickAction.data to the opened
// ability (want.parameters), so the app reads "ext" and gets the IM ext
// byte for byte, as on Huawei's Android phones.
func v3Data(p push.Push) json.RawMessage {
	if p.Ext == "" && len(p.Extras) == 0 {
		return nil
	}
	m := make(map[string]string, len(p.Extras)+1)
	for k, v := range p.Extras {
		m[k] = v
	}
	if p.Ext != "" {
		m["ext"] = p.Ext
	}
	b, _ := marshalV3(m) // a map of strings always encodes
	return b
}

// Send posts p to tokens, at most MaxBatch per request, one Result per token.
func (c *V3Client) Send(ctx context.Context, p push.Push, tokens []string) []push.Result {
	if len(tokens) == 0 {
		return nil
	}
	body, pushType := c.v3Request(p)
	out := make([]push.Result, 0, len(tokens))
	for start := 0; start < len(tokens); start += MaxBatch {
		batch := tokens[start:min(start+MaxBatch, len(tokens))]
		body.Target.Token = batch
		raw, err := encodeRaw(body, p.Raw)
		if err != nil {
			out = all(out, batch, push.Result{Kind: push.Rejected, Code: "request", Reason: err.Error()})
			continue
		}
		out = c.sendBatch(ctx, raw, pushType, batch, out)
	}
	return out
}

func (c *V3Client) sendBatch(ctx context.Context, body []byte, pushType string, tokens []string, out []push.Result) []push.Result {
	j, err := c.bearer("")
	if err != nil {
		return all(out, tokens, push.Result{Kind: push.Rejected, Code: "jwt", Reason: err.Error()})
	}
	for attempt := 0; ; attempt++ {
		a := c.post(ctx, body, pushType, j)
		if attempt == 0 && a.authRefused() || attempt == 0 && a.parsed && a.Code == codeJWTExpired {
			if j, err = c.bearer(j); err != nil {
				return all(out, tokens, push.Result{Kind: push.Rejected, Code: "jwt", Reason: err.Error()})
			}
			continue
		}
		return v3Results(&a, out, tokens)
	}
}

func (c *V3Client) post(ctx context.Context, body []byte, pushType, bearer string) answer {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.sendURL, bytes.NewReader(body))
	if err != nil {
		return answer{transport: err}
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("push-type", pushType)
	resp, err := c.hc.Do(req)
	if err != nil {
		return answer{transport: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	a := answer{status: resp.StatusCode, raw: b, retryAfter: RetryAfter(resp.Header.Get("Retry-After"), c.now())}
	if err != nil {
		a.transport = fmt.Errorf("reading answer: %w", err)
		return a
	}
	a.parsed = json.Unmarshal(b, &a) == nil && a.Code != ""
	return a
}

// v3Results maps a v3 answer onto one Result per token. 80100000 and
// 80300007 name the failed tokens by reason in msg: tokenFormatError and
// noRight mean the token is dead here; noPushTypeRight and
// notSupportPlayVoice are the app's or the message's fault, not the token's.
func v3Results(a *answer, out []push.Result, tokens []string) []push.Result {
	if !a.parsed || a.transport != nil || a.status >= 500 || a.status == http.StatusTooManyRequests {
		return a.results(out, tokens)
	}
	code := string(a.Code)
	switch code {
	case codeSuccess:
		return all(out, tokens, push.Result{Kind: push.Sent, Code: code, Reason: a.Msg, MessageID: a.RequestID})
	case codePartial, codeAllInvalid:
		var m struct {
			IllegalTokens map[string][]string `json:"illegalTokens"`
		}
		if json.Unmarshal([]byte(a.Msg), &m) != nil || len(m.IllegalTokens) == 0 {
			if code == codePartial {
				return all(out, tokens, push.Result{Kind: push.Sent, Code: code, Reason: "partial success, failed tokens not listed: " + a.Msg, MessageID: a.RequestID})
			}
			return all(out, tokens, push.Result{Kind: push.Rejected, Code: code, Reason: a.Msg, MessageID: a.RequestID, InvalidToken: true})
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
	case codeTestLimit:
		return all(out, tokens, push.Result{Kind: push.OverQuota, Code: code, Reason: a.Msg})
	case codeJWTExpired, codeInternal:
		return all(out, tokens, push.Result{Kind: push.Retryable, Code: code, Reason: a.Msg, RetryAfter: a.retryAfter})
	}
	return all(out, tokens, push.Result{Kind: push.Rejected, Code: code, Reason: a.Msg, MessageID: a.RequestID})
}

// encodeRaw marshals a body (without HTML escapes, so the ext's bytes stay
// as they are) and applies Push.Raw as encode does.
func encodeRaw(body any, raw map[string]string) ([]byte, error) {
	b, err := marshalV3(body)
	if err != nil || len(raw) == 0 {
		return b, err
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	for path, v := range raw {
		var val any = v
		var j any
		if json.Unmarshal([]byte(v), &j) == nil {
			val = j
		}
		if err := setPath(doc, strings.Split(path, "."), val); err != nil {
			return nil, fmt.Errorf("raw %q: %w", path, err)
		}
	}
	return marshalV3(doc)
}

func marshalV3(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
