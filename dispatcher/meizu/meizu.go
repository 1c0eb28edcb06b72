// Package meizu is the dispatcher's Flyme Push (Meizu) client. It turns a
// push.Push into the signed form POST
// /garcia/api/server/push/varnished/pushByPushId on server-api-push.meizu.com,
// sends it in batches of at most 100 pushIds, and maps Meizu's answer (code
// "200" with a `value` map of per-target codes, or a request-level code) onto
// one push.Result per pushId. It makes one attempt per batch; the dispatcher
// core retries Retryable results. The facts are
// vendor-facts/xiaomi-meizu-vivo.md §2 and addendum-gaps-closed.md §4.
//
// How a Push becomes messageJson:
//   - noticeBarInfo: title and content from Title and Body; noticeMsgType 1
//     (private, 私信: no daily cap) for IM — Push.Class "private", or the
//     certificate's notice_msg_type 1, class "private" or category "IM" —
//     and 0 (public) otherwise or for Push.Class "public".
//   - clickTypeInfo: the Push's click, else the certificate's: launcher (or
//     none) → clickType 0; activity → 1 with `activity` (a class starting
//     with "." is relative to the package); url → 2 with `url`; intent → 2
//     with the intent URI as `url` (Meizu opens app-local URIs that way).
//   - clickTypeInfo.parameters: Push.Extras, plus Push.Ext under the key
//     "ext" (it wins over an extra of that name). The opened page reads them
//     as intent string extras, so the IM ext arrives byte for byte.
//   - pushTimeInfo: offLine 1, validTime = Push.TTL in whole hours rounded
//     up and kept within 1–72 (24 when TTL is 0).
//   - advanceInfo.notifyKey: Meizu has no request id, but a message with the
//     same notifyKey replaces the shown one. The key is Push.NotifyID, else
//     Push.ID (made to fit 8 characters of [0-9a-zA-Z_-], see NotifyKey), so
//     a retried batch replaces rather than repeats.
//   - PassThrough uses .../unvarnished/pushByPushId with {title, content:
//     Ext (or Body), pushTimeInfo}; Meizu restricts pass-through (110053).
//   - Push.Raw: a key with a dot is a path into messageJson
//     ("noticeBarInfo.noticeMsgType"), its value JSON when it parses as JSON
//     ("0", "true", "\"text\"", "{...}") and a string otherwise; any other key
//     is a form field ("restrictedPackageNames", even "appId"). The sign is
//     computed last, over what is sent.
//
// Certificate settings: "restrict_package" = "true" sends the certificate's
// package as restrictedPackageNames (off by default: the field is for apps
// with several packages, and omitting it means all of them).
package meizu

import (
	"bytes"
	"cmp"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// Wire facts (vendor-facts/xiaomi-meizu-vivo.md §2).
const (
	// Vendor is the name the dispatcher knows this client by.
	Vendor = "meizu"
	// DefaultBaseURL is the mainland push host.
	DefaultBaseURL = "https://server-api-push.meizu.com"
	// PushPath is the notification endpoint by pushId, appended to the base.
	PushPath = "/garcia/api/server/push/varnished/pushByPushId"
	// PassThroughPath is the (restricted) pass-through endpoint by pushId.
	PassThroughPath = "/garcia/api/server/push/unvarnished/pushByPushId"
	// MaxBatch is the most pushIds one request may carry.
	MaxBatch = 100

	maxAnswer      = 1 << 20 // bytes of an answer we read
	defaultTimeout = 10 * time.Second
	validTimeMax   = 72 // hours
	validTimeDef   = 24
)

// Codes the client reads (vendor-facts §2.4, addendum §4.1).
const (
	codeOK = "200"
	// Request level.
	codeSystem      = "1001"
	codeBusy        = "1003"
	codeRate        = "110010" // app too fast (per target: messages switched off)
	codeAppDaily    = "110019"
	codeAppCount    = "110051"
	codePassThrough = "110053"
	// Per target, keys of `value`.
	codeUnregistered = "110002"
	codeIllegalID    = "110003"
	codeAlias        = "110005"
	codePublicDaily  = "110011"
	codeTargetRate   = "518"
	codeFolded       = "520"
	codeDBError      = "501"
	codeInternal     = "513"
	codeOverloaded   = "519"
)

// Client sends pushes through one Meizu app. It is safe for concurrent use.
type Client struct {
	cert push.Certificate
	base string
	opt  push.Options // the HTTP client, clock and per-call timeout
}

// New builds a client for a Meizu certificate, which must carry the app's
// appId and AppSecret.
func New(cert push.Certificate, opt push.Options) (push.Client, error) {
	opt = opt.WithDefaults(defaultTimeout)
	if err := cert.Require(Vendor, "app_id", "app_secret"); err != nil {
		return nil, err
	}
	base, err := cert.ServerURL(DefaultBaseURL)
	if err != nil || !absolute(base) {
		return nil, fmt.Errorf("meizu: base_url %q is not an absolute URL", cert.BaseURL)
	}
	c := &Client{cert: cert, base: base, opt: opt}
	return c, nil
}

// absolute: the client sends to base + path, so a base URL needs a scheme
// and a host.
func absolute(base string) bool {
	u, err := url.Parse(base)
	return err == nil && u.Scheme != "" && u.Host != ""
}

// Vendor returns "meizu".
func (c *Client) Vendor() string { return Vendor }

// Send posts p to tokens (pushIds) in batches of at most MaxBatch and
// returns one Result per token.
func (c *Client) Send(ctx context.Context, p push.Push, tokens []string) []push.Result {
	if len(tokens) == 0 {
		return nil
	}
	results := make([]push.Result, 0, len(tokens))
	msg, err := c.messageJSON(p)
	if err != nil {
		return push.AppendAll(results, tokens, push.Result{Kind: push.Rejected, Code: "request", Reason: err.Error()})
	}
	path := PushPath
	if p.PassThrough {
		path = PassThroughPath
	}
	for start := 0; start < len(tokens); start += MaxBatch {
		end := min(start+MaxBatch, len(tokens))
		results = c.sendBatch(ctx, c.base+path, c.form(p, msg, tokens[start:end]), tokens[start:end], results)
	}
	return results
}

// form is the signed form of one batch.
func (c *Client) form(p push.Push, msg string, tokens []string) map[string]string {
	f := map[string]string{
		"appId":       c.cert.AppID,
		"pushIds":     strings.Join(tokens, ","),
		"messageJson": msg,
	}
	if c.cert.Settings["restrict_package"] == "true" && c.cert.Package != "" {
		f["restrictedPackageNames"] = c.cert.Package
	}
	for k, v := range p.Raw {
		if !strings.Contains(k, ".") {
			f[k] = v
		}
	}
	f["sign"] = Sign(f, c.cert.AppSecret)
	return f
}

// Sign is Meizu's request signature, the one place the client makes it
// (vendor-facts §2.2): every parameter but sign, sorted by name, written as
// name=value with no separator, the AppSecret appended, md5, lower-case hex.
// Values are the plain (not URL-encoded) strings.
func Sign(params map[string]string, appSecret string) string {
	names := make([]string, 0, len(params))
	for k := range params {
		if k != "sign" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(params[k])
	}
	b.WriteString(appSecret)
	sum := md5.Sum([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// messageJSON renders messageJson for p (see the package doc).
func (c *Client) messageJSON(p push.Push) (string, error) {
	timeInfo := map[string]any{"offLine": 1, "validTime": ValidTime(p.TTL)}
	var m map[string]any
	if p.PassThrough {
		content := p.Ext
		if content == "" {
			content = p.Body
		}
		m = map[string]any{"title": p.Title, "content": content, "pushTimeInfo": timeInfo}
	} else {
		m = map[string]any{
			"noticeBarInfo": map[string]any{"noticeMsgType": c.noticeMsgType(p), "noticeBarType": 0, "title": p.Title, "content": p.Body},
			"clickTypeInfo": c.clickTypeInfo(p),
			"pushTimeInfo":  timeInfo,
		}
		if k := NotifyKey(cmp.Or(p.NotifyID, p.ID)); k != "" {
			m["advanceInfo"] = map[string]any{"notifyKey": k}
		}
	}
	for k, v := range p.Raw {
		if strings.Contains(k, ".") {
			setPath(m, strings.Split(k, "."), rawValue(v))
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // the doc's messageJson is plain compact JSON
	if err := enc.Encode(m); err != nil {
		return "", fmt.Errorf("meizu: messageJson: %w", err)
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// noticeMsgType is 1 (private) for IM, 0 (public) otherwise.
func (c *Client) noticeMsgType(p push.Push) int {
	switch p.Class {
	case "private":
		return 1
	case "public":
		return 0
	}
	if c.cert.NoticeMsgType == 1 || c.cert.Class == "private" || strings.EqualFold(c.cert.Category, "IM") || strings.EqualFold(p.Category, "IM") {
		return 1
	}
	return 0
}

// clickTypeInfo maps the click action and carries Ext and Extras.
func (c *Client) clickTypeInfo(p push.Push) map[string]any {
	click := p.ClickOr(c.cert.Click)
	info := map[string]any{}
	switch click.Type {
	case "activity":
		target := push.ActivityClass(click.Target)
		if strings.HasPrefix(target, ".") {
			target = c.cert.Package + target
		}
		info["clickType"], info["activity"] = 1, target
	case "url", "intent":
		info["clickType"], info["url"] = 2, click.Target
	default: // launcher, or none
		info["clickType"] = 0
	}
	if len(p.Extras) > 0 || p.Ext != "" {
		params := make(map[string]string, len(p.Extras)+1)
		for k, v := range p.Extras {
			params[k] = v
		}
		if p.Ext != "" {
			params["ext"] = p.Ext
		}
		info["parameters"] = params
	}
	return info
}

// ValidTime is pushTimeInfo.validTime for a TTL: whole hours rounded up,
// within 1–72; 24 when the TTL is not set.
func ValidTime(ttl time.Duration) int {
	if ttl <= 0 {
		return validTimeDef
	}
	h := int((ttl + time.Hour - 1) / time.Hour)
	return max(1, min(h, validTimeMax))
}

// NotifyKey makes advanceInfo.notifyKey (1–8 characters of [0-9a-zA-Z_-])
// from an id: the id itself when it fits, else "n" and 7 hex digits of its
// FNV-1a hash, so the same id always gives the same key.
func NotifyKey(id string) string {
	if id == "" {
		return ""
	}
	if len(id) <= 8 && keySafe(id) {
		return id
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	return fmt.Sprintf("n%07x", h.Sum32()&0xfffffff)
}

func keySafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// rawValue reads a Raw value: JSON when it parses, else the string.
func rawValue(v string) any {
	if !json.Valid([]byte(v)) {
		return v
	}
	dec := json.NewDecoder(strings.NewReader(v))
	dec.UseNumber()
	var x any
	if dec.Decode(&x) != nil {
		return v
	}
	return x
}

// setPath sets m[a][b]... = v, making objects on the way.
func setPath(m map[string]any, path []string, v any) {
	for _, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

// sendBatch does one request and appends one Result per token to out.
func (c *Client) sendBatch(ctx context.Context, endpoint string, form map[string]string, tokens []string, out []push.Result) []push.Result {
	v := make(url.Values, len(form))
	for k, x := range form {
		v.Set(k, x)
	}
	ctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(v.Encode()))
	if err != nil {
		return push.AppendAll(out, tokens, push.Result{Kind: push.Rejected, Code: "request", Reason: err.Error()})
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	resp, err := c.opt.HTTPClient.Do(req)
	if err != nil {
		return push.AppendAll(out, tokens, push.Result{Kind: push.Retryable, Code: "transport", Reason: err.Error()})
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	retryAfter := RetryAfter(resp.Header.Get("Retry-After"), c.opt.Now())
	if err != nil {
		return push.AppendAll(out, tokens, push.Result{Kind: push.Retryable, Code: "transport", Reason: "reading the answer: " + err.Error(), RetryAfter: retryAfter})
	}
	var a answer
	jsonErr := json.Unmarshal(raw, &a)
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		return push.AppendAll(out, tokens, push.Result{Kind: push.Retryable, Code: "HTTP " + strconv.Itoa(resp.StatusCode), Reason: http.StatusText(resp.StatusCode), RetryAfter: retryAfter})
	}
	if resp.StatusCode != http.StatusOK {
		// The SDK treats any other status as an error, not to be retried.
		return push.AppendAll(out, tokens, push.Result{Kind: push.Rejected, Code: "HTTP " + strconv.Itoa(resp.StatusCode), Reason: http.StatusText(resp.StatusCode)})
	}
	if jsonErr != nil || a.Code == "" {
		// A 200 we cannot read may have been sent; the notifyKey makes a
		// retry replace rather than repeat, so it is retried, not lost.
		return push.AppendAll(out, tokens, push.Result{Kind: push.Retryable, Code: "malformed-answer", Reason: push.Snippet(raw), RetryAfter: retryAfter})
	}
	code := string(a.Code)
	if code != codeOK {
		return push.AppendAll(out, tokens, requestResult(code, a.text(), retryAfter))
	}
	failed := a.targets()
	for _, t := range tokens {
		r, bad := failed[t]
		if !bad {
			out = append(out, push.Result{Token: t, Kind: push.Sent, Code: codeOK, MessageID: a.MsgID})
			continue
		}
		r.Token, r.MessageID = t, a.MsgID
		out = append(out, r)
	}
	return out
}

// requestResult classifies a request-level code (the whole batch).
func requestResult(code, reason string, retryAfter time.Duration) push.Result {
	r := push.Result{Code: code, Reason: reason, RetryAfter: retryAfter}
	switch code {
	case codeRate:
		r.Kind = push.Retryable
		if r.RetryAfter == 0 {
			r.RetryAfter = time.Second // a per-second limit
		}
	case codeSystem, codeBusy:
		r.Kind = push.Retryable
	case codeAppDaily, codeAppCount, codePassThrough:
		r.Kind = push.OverQuota
	default: // 1005, 1006, 110000, 110004, 110031, 110033, ...: fix the request or the certificate
		r.Kind = push.Rejected
	}
	return r
}

// targetResult classifies a per-target code of `value`.
func targetResult(code string) push.Result {
	r := push.Result{Code: code}
	switch code {
	case codeUnregistered:
		r.Kind, r.InvalidToken, r.Reason = push.Rejected, true, "pushId未注册: not registered (or the app was uninstalled)"
	case codeIllegalID:
		r.Kind, r.InvalidToken, r.Reason = push.Rejected, true, "pushId非法: not a pushId"
	case codeAlias:
		r.Kind, r.InvalidToken, r.Reason = push.Rejected, true, "alias not subscribed"
	case codeRate:
		// Per target 110010 means the user switched the app's messages
		// off: a retry will not help, but the pushId is still the phone's.
		r.Kind, r.Reason = push.Rejected, "the user switched the app's messages off"
	case codePublicDaily:
		r.Kind, r.Reason = push.OverQuota, "the phone's daily public-message (公信) limit is reached"
	case codeTargetRate:
		r.Kind, r.Reason, r.RetryAfter = push.Retryable, "over the configured rate: retry", time.Second
	case codeFolded:
		r.Kind, r.Reason, r.RetryAfter = push.Retryable, "more than 5 messages to the phone within a minute", time.Minute
	case codeDBError, codeInternal, codeOverloaded:
		r.Kind, r.Reason = push.Retryable, "push failed on Meizu's side"
	default: // 201 no permission, and anything new
		r.Kind, r.Reason = push.Rejected, "refused with per-target code "+code
	}
	return r
}

// answer is Meizu's reply envelope.
type answer struct {
	Code    push.Text       `json:"code"`
	Message string          `json:"message"`
	Value   json.RawMessage `json:"value"`
	MsgID   string          `json:"msgId"`
}

func (a *answer) text() string {
	if a.Message != "" {
		return a.Message
	}
	return "code " + string(a.Code)
}

// targets reads `value` of a 200: per-target code → targets, as a map from
// target to its Result. value may be {}, "" or null; a target list may be
// an array or a comma-joined string.
func (a *answer) targets() map[string]push.Result {
	v := bytes.TrimSpace(a.Value)
	if len(v) == 0 || v[0] != '{' {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(v, &m) != nil {
		return nil
	}
	out := map[string]push.Result{}
	for code, list := range m {
		r := targetResult(code)
		for _, t := range targetList(list) {
			if _, seen := out[t]; !seen {
				out[t] = r
			}
		}
	}
	return out
}

func targetList(raw json.RawMessage) []string {
	var xs []string
	if json.Unmarshal(raw, &xs) == nil {
		return xs
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		for t := range strings.SplitSeq(s, ",") {
			if t = strings.TrimSpace(t); t != "" {
				xs = append(xs, t)
			}
		}
	}
	return xs
}

// RetryAfter parses a Retry-After header (seconds or an HTTP date); 0 when
// absent or unreadable.
func RetryAfter(v string, now time.Time) time.Duration { return push.RetryAfter(v, now) }
