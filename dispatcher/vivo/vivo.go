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
	"cmp"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
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
	PathAuth        = "/message/auth"
	PathSend        = "/message/send"
	PathSavePayload = "/message/saveListPayload"
	PathPushToList  = "/message/pushToList"
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

	seq atomic.Uint64 // for requestIds of pushes without an ID

	tokens push.TokenCache // the authToken; concurrent senders share one fetch
}

// New builds a client for a vivo certificate: AppID, AppKey and AppSecret
// are required.
func New(cert push.Certificate, opt push.Options) (push.Client, error) {
	opt = opt.WithDefaults(defaultTimeout)
	if err := cert.Require(Vendor, "app_id", "app_key", "app_secret"); err != nil {
		return nil, err
	}
	base, authBase, err := cert.ServerURLs(DefaultBaseURL, "") // auth on the push host unless auth_url says otherwise
	if err != nil {
		return nil, fmt.Errorf("vivo: base_url: %w", err)
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
	if p.ID == "" {
		// No message id, no idempotency key to derive: each call gets its
		// own requestId, so two such pushes are never taken for one.
		p.ID = "x" + strconv.FormatInt(c.now().UnixNano(), 36) + "-" + strconv.FormatUint(c.seq.Add(1), 36)
	}
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
	a, fail := c.call(ctx, PathSend, withRaw(body, p.Raw))
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
	a, fail := c.call(ctx, PathSavePayload, withRaw(save, p.Raw))
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
		a, fail := c.call(ctx, PathPushToList, withRaw(body, p.Raw))
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
			bad[u.UserID] = u.Status
		}
		for _, t := range batch {
			if st, ok := bad[t]; ok {
				out[t] = push.Result{Kind: push.Rejected, Code: strconv.Itoa(codeRegID),
					Reason: "listed in invalidUsers (" + statusText(st) + ")", InvalidToken: st != statusNotTest}
				continue
			}
			out[t] = push.Result{Kind: push.Sent, Code: "0", MessageID: cmp.Or(a.TaskID, taskID)}
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
// just saw refused). Concurrent callers share one fetch (push.TokenCache),
// and a failed one is reported to each of them as the same Result.
func (c *Client) authToken(ctx context.Context, stale string) (string, *push.Result) {
	tok, err := c.tokens.Get(ctx, c.now(), stale, c.signIn)
	if err != nil {
		var ae authError
		if errors.As(err, &ae) {
			r := ae.r // each caller its own copy
			return "", &r
		}
		// This caller's context ended while it waited for the fetch.
		return "", &push.Result{Kind: push.Retryable, Code: "transport", Reason: "auth: " + err.Error()}
	}
	return tok, nil
}

// signIn does POST /message/auth (facts §3.2). The token lives 24 h; it is
// replaced after the refresh interval (vivo advises every 1–2 h), which
// New keeps below the lifetime.
func (c *Client) signIn(ctx context.Context) (string, time.Time, error) {
	now := c.now()
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	body := map[string]any{"appId": c.appID, "appKey": c.cert.AppKey, "timestamp": json.Number(ts),
		"sign": Sign(c.cert.AppID, c.cert.AppKey, ts, c.cert.AppSecret)}
	a, fail := c.post(ctx, c.authBase+PathAuth, "", body)
	if fail != nil {
		fail.Reason = "auth: " + fail.Reason
		return "", time.Time{}, authError{*fail}
	}
	if a.Result != codeOK || a.AuthToken == "" {
		r := push.Result{Kind: push.Rejected, Code: strconv.Itoa(a.Result), Reason: "auth: " + a.text()}
		if a.Result == codeAuthRate {
			r.Kind, r.RetryAfter = push.Retryable, time.Second
		}
		if a.Result == codeOK {
			r.Kind, r.Reason = push.Retryable, "auth: answered no authToken"
		}
		return "", time.Time{}, authError{r}
	}
	return a.AuthToken, now.Add(min(c.refresh, tokenLife)), nil
}

// authError carries a failed sign-in's Result through push.TokenCache to
// every caller that waited on it.
type authError struct{ r push.Result }

func (e authError) Error() string { return e.r.Reason }

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
		req.Header.Set("authToken", token) // header names are case-insensitive
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, &push.Result{Kind: push.Retryable, Code: "transport", Reason: err.Error()}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	retryAfter := push.RetryAfter(resp.Header.Get("Retry-After"), c.now())
	if err != nil {
		return nil, &push.Result{Kind: push.Retryable, Code: "transport", Reason: "reading answer: " + err.Error(), RetryAfter: retryAfter}
	}
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout {
		return nil, &push.Result{Kind: push.Retryable, Code: "HTTP " + strconv.Itoa(resp.StatusCode), Reason: snippet(raw, resp.Status), RetryAfter: retryAfter}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &push.Result{Kind: push.Rejected, Code: "HTTP " + strconv.Itoa(resp.StatusCode), Reason: snippet(raw, resp.Status)}
	}
	var w wireAnswer
	code, convErr := 0, error(nil)
	err = json.Unmarshal(raw, &w)
	if err == nil {
		code, convErr = strconv.Atoi(string(w.Result))
	}
	if err != nil || convErr != nil {
		// A 200 we cannot read may or may not have been sent; the
		// requestId makes a retry safe, so it is retried, not lost.
		return nil, &push.Result{Kind: push.Retryable, Code: "malformed-answer", Reason: snippet(raw, "empty answer"), RetryAfter: retryAfter}
	}
	a := &answer{Result: code, Desc: w.Desc, AuthToken: w.AuthToken, TaskID: string(w.TaskID)}
	if w.InvalidUser != nil {
		a.InvalidUser = &invalid{Status: w.InvalidUser.Status, UserID: string(w.InvalidUser.UserID)}
	}
	for _, u := range w.InvalidUsers {
		a.InvalidUsers = append(a.InvalidUsers, invalid{Status: u.Status, UserID: string(u.UserID)})
	}
	return a, nil
}

// answer is vivo's reply envelope (facts §3.4).
type answer struct {
	Result       int
	Desc         string
	AuthToken    string
	TaskID       string
	InvalidUser  *invalid
	InvalidUsers []invalid
}

// invalid is an invalidUser entry: the regId (or alias) and why.
type invalid struct {
	Status int
	UserID string
}

func (a *answer) text() string {
	if a.Desc == "" {
		return "result " + strconv.Itoa(a.Result)
	}
	return a.Desc
}

// wireAnswer is the answer as JSON: taskId is documented as a string,
// userid as a string in the example and an int in one client (facts §3.4),
// so both take either.
type wireAnswer struct {
	Result       push.Text     `json:"result"`
	Desc         string        `json:"desc"`
	AuthToken    string        `json:"authToken"`
	TaskID       push.Text     `json:"taskId"`
	InvalidUser  *wireInvalid  `json:"invalidUser"`
	InvalidUsers []wireInvalid `json:"invalidUsers"`
}

type wireInvalid struct {
	Status int       `json:"status"`
	UserID push.Text `json:"userid"`
}

// message builds every field of /message/send but regId and requestId
// (also the body of saveListPayload).
func (c *Client) message(p push.Push) map[string]any {
	m := map[string]any{
		"appId":       c.appID,
		"title":       Cut(p.Title, 40, c.older),
		"content":     Cut(p.Body, 100, c.older),
		"notifyType":  4,
		"networkType": -1,
	}
	if nt, err := strconv.Atoi(c.cert.Settings["notify_type"]); err == nil && nt >= 1 && nt <= 4 {
		m["notifyType"] = nt
	}
	if s := strings.ToLower(cmp.Or(p.Sound, c.cert.Sound)); s == "none" || s == "silent" {
		m["notifyType"] = 1
	}
	if p.TTL > 0 {
		m["timeToLive"] = int64(p.TTL / time.Second)
	}

	click := p.ClickOr(c.cert.Click)
	switch click.Type {
	case "url":
		m["skipType"], m["skipContent"] = 2, click.Target
	case "custom":
		m["skipType"], m["skipContent"] = 3, click.Target
	case "intent":
		m["skipType"], m["skipContent"] = 4, click.Target
	case "activity":
		m["skipType"], m["skipContent"] = 4, ActivityIntent(c.cert.Package, click.Target)
	default: // launcher
		m["skipType"] = 1
	}

	// Class: a category decides the classification (they must agree, else
	// 10097); without one, the certificate's classification or the push's
	// class. Custom (approved) categories count as system.
	if cat := strings.ToUpper(strings.TrimSpace(cmp.Or(p.Category, c.cert.Category))); cat != "" {
		m["category"] = cat
		m["classification"] = 1
		if operationCategories[cat] {
			m["classification"] = 0
		}
	} else if c.cert.Classification == 1 || p.Class == "private" || (p.Class == "" && c.cert.Class == "private") {
		m["classification"] = 1
	} else {
		m["classification"] = 0
	}
	if c.cert.PushMode == 1 {
		m["pushMode"] = 1
	}
	if p.NotifyID != "" {
		m["notifyId"] = NotifyID(p.NotifyID)
	}
	custom := make(map[string]string, len(p.Extras)+1)
	for k, v := range p.Extras {
		custom[k] = v
	}
	if p.Ext != "" {
		custom["ext"] = p.Ext
	}
	if len(custom) > 0 {
		m["clientCustomMap"] = custom
	}
	return m
}

// withRaw sets Push.Raw's keys on a request body, last, so they win: a
// value that is JSON (a number, true, an object) goes as that JSON, any
// other as a string.
func withRaw(body map[string]any, raw map[string]string) map[string]any {
	for k, v := range raw {
		if json.Valid([]byte(v)) && !strings.HasPrefix(strings.TrimSpace(v), `"`) {
			body[k] = json.RawMessage(v)
		} else {
			body[k] = v
		}
	}
	return body
}

// operationCategories are vivo's operation-class categories (addendum §1.1);
// IM, ACCOUNT, TODO, DEVICE_REMINDER, ORDER and SUBSCRIPTION are system.
var operationCategories = map[string]bool{"NEWS": true, "CONTENT": true, "MARKETING": true, "SOCIAL": true}

// Cut shortens s to at most max under vivo's counting rule: every
// character 1, or (older) a CJK character 2 and anything else 1.
func Cut(s string, max int, older bool) string {
	n := 0
	for i, r := range s {
		w := 1
		if older && isCJK(r) {
			w = 2
		}
		if n+w > max {
			return s[:i]
		}
		n += w
	}
	return s
}

func isCJK(r rune) bool {
	if r < 0x2E80 {
		return false
	}
	return unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// ActivityIntent is the intent URI that opens activity class cls of app
// pkg (skipType 4 takes an intent URI, facts §3.6).
func ActivityIntent(pkg, cls string) string {
	cls = push.ActivityClass(cls)
	if strings.HasPrefix(cls, "intent:") {
		return cls
	}
	return "intent:#Intent;component=" + pkg + "/" + cls + ";end"
}

// NotifyID maps Push.NotifyID onto vivo's notifyId (1…2147483647): a number
// in range as is, anything else hashed, so the same string gives the same id.
func NotifyID(s string) int64 {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 1 && n <= 2147483647 {
		return n
	}
	h := fnv.New32a()
	h.Write([]byte(s))
	return int64(h.Sum32()%2147483647) + 1
}

// clampTTL keeps timeToLive within what the API takes: low…86400 seconds
// (single push 60, list 900; addendum §1.4).
func clampTTL(m map[string]any, low int64) {
	if v, ok := m["timeToLive"].(int64); ok {
		m["timeToLive"] = min(max(v, low), 86400)
	}
}

func clone(m map[string]any) map[string]any {
	c := make(map[string]any, len(m)+2)
	for k, v := range m {
		c[k] = v
	}
	return c
}

func statusText(status int) string {
	switch status {
	case statusUnknown:
		return "status 1: the regId does not exist for this app"
	case statusUninstalled:
		return "status 2: the app was uninstalled or unsubscribed"
	case statusNotTest:
		return "status 4: not a test device (pushMode=1)"
	}
	return "status " + strconv.Itoa(status)
}

// shanghai is where vivo's days and display window are counted.
var shanghai = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600) // China has no daylight saving
}()

func untilMidnight(now time.Time) time.Duration {
	l := now.In(shanghai)
	next := time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, shanghai)
	return next.Sub(now)
}

func untilSeven(now time.Time) time.Duration {
	l := now.In(shanghai)
	next := time.Date(l.Year(), l.Month(), l.Day(), 7, 0, 0, 0, shanghai)
	if !next.After(now) {
		next = next.AddDate(0, 0, 1)
	}
	return next.Sub(now)
}

func snippet(b []byte, empty string) string {
	s := strings.TrimSpace(string(b))
	if s == "" {
		return empty
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
