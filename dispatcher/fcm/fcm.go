// Package fcm is the dispatcher's Firebase Cloud Messaging client (HTTP v1).
// It signs a service-account JWT (RS256), exchanges it for an OAuth access
// token at the key file's token_uri, caches the token until shortly before it
// expires, and sends one messages:send request per registration token,
// several at a time. Every token ends in one push.Result; the dispatcher core
// retries the Retryable ones.
//
// Wire facts: vendor-facts/huawei-oppo-fcm-honor.md §3.
package fcm

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// Wire facts (vendor-facts §3.1, §3.2).
const (
	// Vendor is the name the dispatcher knows this client by.
	Vendor = "fcm"
	// DefaultBaseURL is FCM's host; the send path is appended to it.
	DefaultBaseURL = "https://fcm.googleapis.com"
	// DefaultTokenURL is Google's OAuth 2.0 token endpoint.
	DefaultTokenURL = "https://oauth2.googleapis.com/token"
	// Scope is the OAuth scope that allows sending.
	Scope = "https://www.googleapis.com/auth/firebase.messaging"

	grantType      = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	maxAnswer      = 1 << 20
	defaultTimeout = 10 * time.Second
	// refreshAhead renews a cached token this long before it expires, so a
	// send never starts with a token about to die (x/oauth2 uses 10 s; the
	// official Python demos of other vendors 5 min).
	refreshAhead = 5 * time.Minute
	// defaultConcurrency bounds the requests in flight per Send (certificate
	// setting "concurrency"); the Admin SDK uses 50 workers.
	defaultConcurrency = 16
)

// Client sends through one Firebase project. It is safe for concurrent use.
type Client struct {
	cert     push.Certificate
	project  string
	sendURL  string
	tokenURL string
	email    string
	keyID    string
	key      *rsa.PrivateKey
	hc       *http.Client
	now      func() time.Time
	timeout  time.Duration
	workers  int
	tokens   push.TokenCache
}

// keyFile is the part of a service-account key file the client needs.
type keyFile struct {
	Type         string `json:"type"`
	ProjectID    string `json:"project_id"`
	PrivateKeyID string `json:"private_key_id"`
	PrivateKey   string `json:"private_key"`
	ClientEmail  string `json:"client_email"`
	TokenURI     string `json:"token_uri"`
}

// New builds a client from a certificate whose ServiceAccount holds the
// key file's JSON. The project is cert.ProjectID, else the key file's. The
// token endpoint is cert.AuthURL (+"/token"), else a token_uri that is not
// Google's, else cert.BaseURL + "/token" when a base URL is set, else
// Google's.
func New(cert push.Certificate, opt push.Options) (push.Client, error) {
	opt = opt.WithDefaults(defaultTimeout)
	if cert.ServiceAccount == "" {
		return nil, errors.New("fcm: certificate has no service_account")
	}
	var kf keyFile
	if err := json.Unmarshal([]byte(cert.ServiceAccount), &kf); err != nil {
		return nil, fmt.Errorf("fcm: service_account: %w", err)
	}
	if kf.Type != "" && kf.Type != "service_account" {
		return nil, fmt.Errorf("fcm: service_account: type %q, want service_account", kf.Type)
	}
	if kf.ClientEmail == "" {
		return nil, errors.New("fcm: service_account has no client_email")
	}
	key, err := parseKey(kf.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("fcm: service_account: %w", err)
	}
	project := cmp.Or(cert.ProjectID, kf.ProjectID)
	if project == "" {
		return nil, errors.New("fcm: no project id in the certificate or the key file")
	}
	base := strings.TrimRight(cmp.Or(cert.BaseURL, DefaultBaseURL), "/")
	if _, err := url.Parse(base); err != nil {
		return nil, fmt.Errorf("fcm: base_url: %w", err)
	}
	c := &Client{
		cert:     cert,
		project:  project,
		sendURL:  base + "/v1/projects/" + url.PathEscape(project) + "/messages:send",
		tokenURL: tokenURL(cert, kf.TokenURI),
		email:    kf.ClientEmail,
		keyID:    kf.PrivateKeyID,
		key:      key,
		hc:       opt.HTTPClient,
		now:      opt.Now,
		timeout:  opt.Timeout,
		workers:  defaultConcurrency,
	}
	if n, err := strconv.Atoi(cert.Settings["concurrency"]); err == nil && n > 0 {
		c.workers = n
	}
	return c, nil
}

func tokenURL(cert push.Certificate, tokenURI string) string {
	switch {
	case cert.AuthURL != "":
		u := strings.TrimRight(cert.AuthURL, "/")
		if strings.HasSuffix(u, "/token") {
			return u
		}
		return u + "/token"
	case tokenURI != "" && tokenURI != DefaultTokenURL:
		return tokenURI
	case cert.BaseURL != "":
		return strings.TrimRight(cert.BaseURL, "/") + "/token"
	}
	return cmp.Or(tokenURI, DefaultTokenURL)
}

func parseKey(p string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(p))
	if block == nil {
		return nil, errors.New("private_key is not PEM")
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, errors.New("private_key is not an RSA key")
		}
		return rk, nil
	}
	rk, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("private_key is neither PKCS#8 nor PKCS#1")
	}
	return rk, nil
}

// Vendor returns "fcm".
func (c *Client) Vendor() string { return Vendor }

// Send posts p to every token, at most the certificate's concurrency at a
// time, and returns one Result per token in the order of tokens.
func (c *Client) Send(ctx context.Context, p push.Push, tokens []string) []push.Result {
	if len(tokens) == 0 {
		return nil
	}
	results := make([]push.Result, len(tokens))
	bearer, aerr := c.accessToken(ctx, "")
	if aerr != nil {
		for i, t := range tokens {
			results[i] = aerr.result(t)
		}
		return results
	}
	msg := c.message(p)
	// A fixed pool takes the tokens in turn (the caller is one of the
	// workers): goroutines that live for the whole batch keep their grown
	// stacks, where one goroutine per token grew a fresh stack each time.
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	work := func() {
		for {
			i := int(next.Add(1) - 1)
			if i >= len(tokens) {
				return
			}
			results[i] = c.sendOne(ctx, msg, tokens[i], bearer)
		}
	}
	for range min(c.workers, len(tokens)) - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
	return results
}

// sendOne sends to one token; a 401 refreshes the access token once (shared
// with every concurrent sender) and tries again.
func (c *Client) sendOne(ctx context.Context, msg *message, token, bearer string) push.Result {
	body, err := msg.body(token)
	if err != nil {
		return push.Result{Token: token, Kind: push.Rejected, Code: "payload", Reason: err.Error()}
	}
	a := c.post(ctx, body, bearer)
	if a.status == http.StatusUnauthorized {
		fresh, aerr := c.accessToken(ctx, bearer)
		if aerr != nil {
			return aerr.result(token)
		}
		a = c.post(ctx, body, fresh)
	}
	return a.result(token, c.now())
}

// contentTypeJSON is every request's Content-Type, shared: never changed.
var contentTypeJSON = []string{"application/json"}

// reply is one HTTP answer of messages:send, or a transport error.
type reply struct {
	status     int
	body       []byte
	retryAfter string
	err        error
}

func (c *Client) post(ctx context.Context, body []byte, bearer string) reply {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.sendURL, bytes.NewReader(body))
	if err != nil {
		return reply{err: err}
	}
	req.Header["Content-Type"] = contentTypeJSON
	req.Header["Authorization"] = []string{"Bearer " + bearer}
	resp, err := c.hc.Do(req)
	if err != nil {
		return reply{err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return reply{err: fmt.Errorf("reading the answer: %w", err)}
	}
	return reply{status: resp.StatusCode, body: raw, retryAfter: resp.Header.Get("Retry-After")}
}

// rpcError is FCM's google.rpc error body (vendor-facts §3.4).
type rpcError struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
		Details []struct {
			Type            string `json:"@type"`
			ErrorCode       string `json:"errorCode"`
			FieldViolations []struct {
				Field string `json:"field"`
			} `json:"fieldViolations"`
		} `json:"details"`
	} `json:"error"`
}

// result maps an answer onto a Result: UNREGISTERED, SENDER_ID_MISMATCH and
// a malformed token mark the token invalid; 429, 5xx and transport errors are
// retryable (with the server's Retry-After); every other refusal is final.
func (a reply) result(token string, now time.Time) push.Result {
	r := push.Result{Token: token}
	if a.err != nil {
		r.Kind, r.Code, r.Reason = push.Retryable, "transport", a.err.Error()
		return r
	}
	if a.status == http.StatusOK {
		var ok struct {
			Name string `json:"name"`
		}
		var err error
		if name, simple := answerName(a.body); simple {
			ok.Name = name
		} else {
			err = json.Unmarshal(a.body, &ok)
		}
		if err != nil || ok.Name == "" {
			// Maybe delivered, maybe not: retrying may show it twice, but
			// the tag makes a second copy replace the first.
			r.Kind, r.Code, r.Reason = push.Retryable, "malformed-answer", snippet(a.body)
			return r
		}
		r.Kind, r.Code, r.MessageID = push.Sent, "OK", ok.Name
		return r
	}
	var e rpcError
	_ = json.Unmarshal(a.body, &e)
	code, tokenField := e.Error.Status, false
	for _, d := range e.Error.Details {
		if strings.HasSuffix(d.Type, "google.firebase.fcm.v1.FcmError") && d.ErrorCode != "" && code == e.Error.Status {
			code = d.ErrorCode
		}
		for _, v := range d.FieldViolations {
			tokenField = tokenField || v.Field == "message.token"
		}
	}
	if code == "" {
		code = "HTTP " + strconv.Itoa(a.status)
	}
	r.Code = code
	r.Reason = cmp.Or(e.Error.Message, http.StatusText(a.status))
	switch {
	case code == "UNREGISTERED" || code == "SENDER_ID_MISMATCH":
		r.Kind, r.InvalidToken = push.Rejected, true
	case code == "INVALID_ARGUMENT" && (tokenField || strings.Contains(e.Error.Message, "registration token")):
		r.Kind, r.InvalidToken = push.Rejected, true
	case a.status == http.StatusTooManyRequests || a.status >= 500:
		r.Kind, r.RetryAfter = push.Retryable, push.RetryAfter(a.retryAfter, now)
	default:
		r.Kind = push.Rejected
	}
	return r
}

// answerName reads a success answer, {"name": "projects/…/messages/…"}, as
// json.Unmarshal would, for the common case of that one key and a plain
// ASCII string; anything else reports false and goes to encoding/json.
func answerName(b []byte) (string, bool) {
	i := 0
	space := func() {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
			i++
		}
	}
	take := func(s string) bool {
		space()
		if !bytes.HasPrefix(b[i:], []byte(s)) {
			return false
		}
		i += len(s)
		return true
	}
	if !take("{") || !take(`"name"`) || !take(":") || !take(`"`) {
		return "", false
	}
	start := i
	for ; i < len(b) && b[i] != '"'; i++ {
		if c := b[i]; c == '\\' || c < 0x20 || c >= 0x80 {
			return "", false
		}
	}
	if i == len(b) {
		return "", false
	}
	name := string(b[start:i])
	i++
	if !take("}") {
		return "", false
	}
	space()
	return name, i == len(b)
}

func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
