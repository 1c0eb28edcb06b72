// Package vivo is the dispatcher's vivo Push client. It signs in at
// POST /message/auth (md5 of appId + appKey + timestamp + appSecret) and
// caches the authToken, refreshing it well ahead of its 24 h expiry and once
// more when a push is answered 10000 (token refused); it sends one target
// with POST /message/send and 2–1000 targets with POST
// /message/saveListPayload (the message, once) and POST /message/pushToList
// (the taskId to the regIds); and it maps every answer onto one push.Result
// per regId. It makes one attempt per batch; the dispatcher core retries
// Retryable results. The facts are vendor-facts/xiaomi-meizu-vivo.md §3 and
// addendum-gaps-closed.md §1.
//
// What the app receives: clientCustomMap carries Push.Extras and, under the
// key "ext", Push.Ext byte for byte (the IM ext string; vivo hands the pairs
// to the launched activity as intent extras). The click action becomes
// skipType: launcher → 1, url → 2 (skipContent = the URL), custom → 3,
// intent → 4 (skipContent = the intent URI), activity → 4 with the intent URI
// that names the activity of the certificate's package.
//
// Idempotency: every request carries a requestId derived from Push.ID and
// the regIds it targets (see RequestID), the same on every retry of the same
// batch, so vivo never shows a retried push twice, and different from every
// other batch of the same message.
//
// Certificate fields: AppID (numeric), AppKey, AppSecret, Package, Category
// (IM → category IM, classification 1), Classification (used when there is no
// category), PushMode (1 = test push), Click. Certificate.Settings:
//
//	length_rule    "older": title/content are cut counting a CJK character as 2
//	               (the SDK's rule); default: every character counts 1
//	notify_type    1 none, 2 sound, 3 vibrate, 4 both (default 4)
//	token_refresh  how long a token is used before a new one is fetched
//	               (Go duration, default 1h: vivo advises every 1–2 h)
package vivo

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// Wire facts (vendor-facts/xiaomi-meizu-vivo.md §3).
const (
	// Vendor is the name the dispatcher knows this client by.
	Vendor = "vivo"
	// DefaultBaseURL is vivo's production host.
	DefaultBaseURL = "https://api-push.vivo.com.cn"
	// Paths, appended to the base URL (auth: to the auth URL).
	PathAuth       = "/message/auth"
	PathSend       = "/message/send"
	PathSavePaylod = "/message/saveListPayload"
	PathPushToList = "/message/pushToList"
	// MaxBatch is the most regIds one pushToList may carry; the least is 2.
	MaxBatch = 1000
	// RegIDLen is the only length a regId has.
	RegIDLen = 23

	tokenLife      = 24 * time.Hour
	defaultRefresh = time.Hour
	maxAnswer      = 1 << 20
	defaultTimeout = 10 * time.Second
)

// Result codes the client treats specially (facts §3.4, addendum §1.3).
const (
	codeOK             = 0
	codeAuthFailed     = 10000 // authToken refused [unverified in the facts]
	codeRetry          = 10040 // a client retries on it
	codeOperationTotal = 10070
	codeOutsideWindow  = 10071
	codeTooFast        = 10072
	codeSystemTotal    = 10073
	codeAuthRate       = 10250
	codeListQuota      = 10252
	codeAllQuota       = 10254
	codeRegID          = 10302
)

// invalidUser.status values (addendum §1.3).
const (
	statusUnknown     = 1
	statusUninstalled = 2
	statusNotTest     = 4
)

// Client sends pushes through one vivo app. It is safe for concurrent use.
type Client struct {
	cert     push.Certificate
	base     string
	authBase string
	appID    any // json.Number when numeric, else the string
	hc       *http.Client
	now      func() time.Time
	timeout  time.Duration
	refresh  time.Duration
	older    bool

	mu     sync.Mutex // held while a token is fetched: one auth call at a time
	token  string
	issued time.Time
}

// New builds a client for a vivo certificate: AppID, AppKey and AppSecret
// are required.
func New(cert push.Certificate, opt push.Options) (push.Client, error) {
	switch {
	case cert.AppID == "":
		return nil, errors.New("vivo: certificate has no app_id")
	case cert.AppKey == "":
		return nil, errors.New("vivo: certificate has no app_key")
	case cert.AppSecret == "":
		return nil, errors.New("vivo: certificate has no app_secret")
	}
	base := strings.TrimRight(cert.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	authBase := strings.TrimRight(cert.AuthURL, "/")
	if authBase == "" {
		authBase = base
	}
	for _, u := range []string{base, authBase} {
		if _, err := url.Parse(u); err != nil {
			return nil, fmt.Errorf("vivo: base_url: %w", err)
		}
	}
	c := &Client{cert: cert, base: base, authBase: authBase, hc: opt.HTTPClient, now: opt.Now, timeout: opt.Timeout,
		refresh: defaultRefresh, older: cert.Settings["length_rule"] == "older"}
	// The official SDK sends appId as a JSON number (facts §3.2).
	if _, err := strconv.ParseInt(cert.AppID, 10, 64); err == nil {
		c.appID = json.Number(cert.AppID)
	} else {
		c.appID = cert.AppID
	}
	if s := cert.Settings["token_refresh"]; s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("vivo: settings.token_refresh %q: not a positive duration", s)
		}
		c.refresh = min(d, tokenLife-time.Minute)
	}
	if c.hc == nil {
		c.hc = http.DefaultClient
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.timeout <= 0 {
		c.timeout = defaultTimeout
	}
	return c, nil
}

// Vendor returns "vivo".
func (c *Client) Vendor() string { return Vendor }

// Sign is vivo's auth signature: lowercase hex md5(appId + appKey +
// timestamp + appSecret), no separators (facts §3.2).
func Sign(appID, appKey, timestamp, appSecret string) string {
	sum := md5.Sum([]byte(appID + appKey + timestamp + appSecret))
	return hex.EncodeToString(sum[:])
}

// RequestID derives the requestId of one request from the dispatcher's
// message id and the regIds it targets (their order does not matter): the
// same batch always gets the same id, and other batches of the same message
// other ids. At most 64 characters, as vivo allows (facts §3.3).
func RequestID(pushID string, regIDs []string) string {
	sorted := slices.Clone(regIDs)
	slices.Sort(sorted)
	h := fnv.New64a()
	for _, r := range sorted {
		h.Write([]byte(r))
		h.Write([]byte{'\n'})
	}
	id := pushID
	if id == "" || len(id) > 44 {
		hi := fnv.New64a()
		hi.Write([]byte(pushID))
		id = fmt.Sprintf("m%016x", hi.Sum64())
	}
	return fmt.Sprintf("%s-%016x", id, h.Sum64())
}

// Send pushes p to tokens and returns one Result per token, in order.
func (c *Client) Send(ctx context.Context, p push.Push, tokens []string) []push.Result {
	if len(tokens) == 0 {
		return nil
	}
	byToken := make(map[string]push.Result, len(tokens))
	var targets []string
	for _, t := range tokens {
		if _, seen := byToken[t]; seen {
			continue
		}
		if utf8.RuneCountInString(t) != RegIDLen {
			// vivo answers such a regId 10302 (facts §3.3): no need to ask.
			byToken[t] = push.Result{Token: t, Kind: push.Rejected, Code: strconv.Itoa(codeRegID),
				Reason: "regId不合法: a vivo regId has 23 characters (checked before sending)", InvalidToken: true}
			continue
		}
		byToken[t] = push.Result{}
		targets = append(targets, t)
	}
	msg := c.message(p)
	switch {
	case len(targets) == 1:
		c.sendOne(ctx, p, msg, targets[0], byToken)
	case len(targets) > 1:
		c.sendList(ctx, p, msg, targets, byToken)
	}
	out := make([]push.Result, len(tokens))
	for i, t := range tokens {
		r := byToken[t]
		r.Token = t
		out[i] = r
	}
	return out
}

// sendOne is /message/send for one regId.
func (c *Client) sendOne(ctx context.Context, p push.Push, msg map[string]any, regID string, out map[string]push.Result) {
	body := clone(msg)
	body["regId"] = regID
	body["requestId"] = RequestID(p.ID, []string{regID})
	clampTTL(body, 60)
	a, fail := c.call(ctx, PathSend, body)
	if fail != nil {
		out[regID] = *fail
		return
	}
	switch {
	case a.Result == codeOK:
		out[regID] = push.Result{Kind: push.Sent, Code: "0", MessageID: a.TaskID}
	case a.Result == codeRegID:
		r := push.Result{Kind: push.Rejected, Code: strconv.Itoa(a.Result), Reason: a.text(), InvalidToken: true}
		if a.InvalidUser != nil {
			r.InvalidToken = a.InvalidUser.Status != statusNotTest
			r.Reason += " (" + statusText(a.InvalidUser.Status) + ")"
		}
		out[regID] = r
	default:
		out[regID] = c.classify(a)
	}
}

// sendList stores the message once and pushes it to the regIds in batches
// of at most MaxBatch; a batch of one goes through /message/send.
func (c *Client) sendList(ctx context.Context, p push.Push, msg map[string]any, regIDs []string, out map[string]push.Result) {
	save := clone(msg)
	save["requestId"] = RequestID(p.ID+"/payload", regIDs)
	clampTTL(save, 900)
	a, fail := c.call(ctx, PathSavePaylod, save)
	if fail == nil && a.Result != codeOK {
		r := c.classify(a)
		fail = &r
	}
	if fail == nil && a.TaskID == "" {
		fail = &push.Result{Kind: push.Retryable, Code: "0", Reason: "saveListPayload answered no taskId"}
	}
	if fail != nil {
		for _, t := range regIDs {
			out[t] = *fail
		}
		return
	}
	taskID := a.TaskID
	for start := 0; start < len(regIDs); start += MaxBatch {
		batch := regIDs[start:min(start+MaxBatch, len(regIDs))]
		if len(batch) == 1 {
			c.sendOne(ctx, p, msg, batch[0], out)
			continue
		}
		body := map[string]any{"appId": c.appID, "regIds": batch, "taskId": taskID, "requestId": RequestID(p.ID, batch)}
		if c.cert.PushMode == 1 {
			body["pushMode"] = 1
		}
		a, fail := c.call(ctx, PathPushToList, body)
		if fail == nil && a.Result != codeOK {
			r := c.classify(a)
			fail = &r
		}
		if fail != nil {
			for _, t := range batch {
				out[t] = *fail
			}
			continue
		}
		bad := make(map[string]int, len(a.InvalidUsers))
		for _, u := range a.InvalidUsers {
			bad[u.UserID.String()] = u.Status
		}
		for _, t := range batch {
			if st, ok := bad[t]; ok {
				out[t] = push.Result{Kind: push.Rejected, Code: strconv.Itoa(codeRegID),
					Reason: "listed in invalidUsers (" + statusText(st) + ")", InvalidToken: st != statusNotTest}
				continue
			}
			out[t] = push.Result{Kind: push.Sent, Code: "0", MessageID: firstNonEmpty(a.TaskID, taskID)}
		}
	}
}

// classify maps a non-success answer of a push API onto a Result.
func (c *Client) classify(a *answer) push.Result {
	code, text := strconv.Itoa(a.Result), a.text()
	switch a.Result {
	case codeOperationTotal, codeSystemTotal, codeListQuota, codeAllQuota:
		// Daily totals: vivo warns that calling again the same day lowers
		// the app's quota (facts §3.5), so wait for Shanghai midnight.
		return push.Result{Kind: push.OverQuota, Code: code, Reason: text, RetryAfter: untilMidnight(c.now())}
	case codeTooFast, codeRetry, codeAuthRate:
		return push.Result{Kind: push.Retryable, Code: code, Reason: text, RetryAfter: time.Second}
	case codeOutsideWindow:
		return push.Result{Kind: push.Retryable, Code: code, Reason: text, RetryAfter: untilSeven(c.now())}
	case codeRegID:
		return push.Result{Kind: push.Rejected, Code: code, Reason: text, InvalidToken: true}
	case codeAuthFailed:
		return push.Result{Kind: push.Rejected, Code: code, Reason: text + " (a fresh authToken was refused too)"}
	default:
		return push.Result{Kind: push.Rejected, Code: code, Reason: text}
	}
}

// call posts a JSON body with the authToken header; on 10000 it fetches a
// new token and posts once more. fail is set when no vivo answer came back
// (transport, HTTP status, auth).
func (c *Client) call(ctx context.Context, path string, body map[string]any) (*answer, *push.Result) {
	token, fail := c.authToken(ctx, "")
	if fail != nil {
		return nil, fail
	}
	a, fail := c.post(ctx, c.base+path, token, body)
	if fail == nil && a.Result == codeAuthFailed {
		if token, fail = c.authToken(ctx, token); fail != nil {
			return nil, fail
		}
		a, fail = c.post(ctx, c.base+path, token, body)
	}
	return a, fail
}

// authToken returns a cached token, or fetches one when there is none, it
// is older than the refresh interval, or it is stale (the token a push
// just saw refused).
func (c *Client) authToken(ctx context.Context, stale string) (string, *push.Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.token != "" && (stale == "" || c.token != stale) && now.Sub(c.issued) < c.refresh && now.Before(c.issued.Add(tokenLife)) {
		return c.token, nil
	}
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	body := map[string]any{"appId": c.appID, "appKey": c.cert.AppKey, "timestamp": json.Number(ts),
		"sign": Sign(c.cert.AppID, c.cert.AppKey, ts, c.cert.AppSecret)}
	a, fail := c.post(ctx, c.authBase+PathAuth, "", body)
	if fail != nil {
		fail.Reason = "auth: " + fail.Reason
		return "", fail
	}
	if a.Result != codeOK || a.AuthToken == "" {
		r := push.Result{Kind: push.Rejected, Code: strconv.Itoa(a.Result), Reason: "auth: " + a.text()}
		if a.Result == codeAuthRate {
			r.Kind, r.RetryAfter = push.Retryable, time.Second
		}
		if a.Result == codeOK {
			r.Kind, r.Reason = push.Retryable, "auth: answered no authToken"
		}
		return "", &r
	}
	c.token, c.issued = a.AuthToken, now
	return c.token, nil
}

// post sends one JSON request and reads vivo's answer.
func (c *Client) post(ctx context.Context, u, token string, body map[string]any) (*answer, *push.Result) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // the ext string travels exactly as given
	if err := enc.Encode(body); err != nil {
		return nil, &push.Result{Kind: push.Rejected, Code: "request", Reason: err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, &buf)
	if err != nil {
		return nil, &push.Result{Kind: push.Rejected, Code: "request", Reason: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	if token != "" {
		req.Header["authToken"] = []string{token} // vivo's header name, exactly
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, &push.Result{Kind: push.Retryable, Code: "transport", Reason: err.Error()}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	retryAfter := retryAfterHeader(resp.Header.Get("Retry-After"), c.now())
	if err != nil {
		return nil, &push.Result{Kind: push.Retryable, Code: "transport", Reason: "reading answer: " + err.Error(), RetryAfter: retryAfter}
	}
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout {
		return nil, &push.Result{Kind: push.Retryable, Code: "HTTP " + strconv.Itoa(resp.StatusCode), Reason: snippet(raw, resp.Status), RetryAfter: retryAfter}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &push.Result{Kind: push.Rejected, Code: "HTTP " + strconv.Itoa(resp.StatusCode), Reason: snippet(raw, resp.Status)}
	}
	var a answer
	if err := json.Unmarshal(raw, &a); err != nil || a.Result == nil {
		// A 200 we cannot read may or may not have been sent; the
		// requestId makes a retry safe, so it is retried, not lost.
		return nil, &push.Result{Kind: push.Retryable, Code: "malformed-answer", Reason: snippet(raw, "empty answer"), RetryAfter: retryAfter}
	}
	a.Result_ = *a.Result
	return &a, nil
}

// answer is vivo's reply envelope (facts §3.4).
type answer struct {
	Result       *int      `json:"result"`
	Result_      int       `json:"-"`
	Desc         string    `json:"desc"`
	AuthToken    string    `json:"authToken"`
	TaskID       numText   `json:"taskId"`
	InvalidUser  *invalid  `json:"invalidUser"`
	InvalidUsers []invalid `json:"invalidUsers"`
}

type invalid struct {
	Status int     `json:"status"`
	UserID numText `json:"userid"`
}

func (a *answer) text() string {
	if a.Desc == "" {
		return "result " + strconv.Itoa(a.Result_)
	}
	return a.Desc
}
