// Package xiaomi is the dispatcher's MiPush client: it turns a push.Push into
// the form-encoded POST /v3/message/regid request, sends it in batches of at
// most 1000 regIds with the app's secret, and maps every answer onto one
// push.Result per regId. It makes one attempt per batch; the dispatcher core
// retries Retryable results.
//
// The IM ext travels twice, byte for byte: as extra.ext, which the guide's
// app reads when the notification is tapped (step 8: TUIKit's
// OfflineMessageDispatcher takes the MiPushMessage from the intent's
// "key_message" extra and reads getExtra().get("ext")), and as payload
// (MiPushMessage.getContent(), what a pass-through message or an
// onNotificationMessageClicked callback reads). MiPush refuses a custom
// extra value over 1024 characters (65015) with the whole message, so a
// longer ext goes in payload only.
package xiaomi

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// Wire facts (vendor-facts/xiaomi-meizu-vivo.md §1).
const (
	// Vendor is the name the dispatcher knows this client by.
	Vendor = "xiaomi"
	// DefaultBaseURL is the mainland production host.
	DefaultBaseURL = "https://api.xmpush.xiaomi.com"
	// SendPath is the multi-package regId endpoint, appended to the base URL.
	SendPath = "/v3/message/regid"
	// MaxBatch is the most regIds one request may carry.
	MaxBatch = 1000
	// ExtKey is the custom extra that carries Push.Ext (extra.ext).
	ExtKey = "ext"
	// ExtraMax is the most characters of a custom extra value (65015
	// beyond it, vendor-facts §1.3).
	ExtraMax = 1024

	maxAnswer      = 1 << 20 // bytes of a response body we read
	defaultTimeout = 10 * time.Second
)

// Codes the client treats specially.
const (
	codeOK            = "0"
	codeNoValidTarget = "20301"
	codeOverQuota     = "200001"
	codeQPS           = "200002" // QPS overrun (newer text)
	codeTooFrequent   = "10027"  // QPS overrun (older table)
	codeSystemBusy    = "10002"
	codeSystemError   = "10001"
)

// Client sends pushes through one Xiaomi app. It is safe for concurrent use.
type Client struct {
	cert push.Certificate
	url  string
	auth string
	opt  push.Options // the HTTP client, clock and per-call timeout
}

// New builds a client for a Xiaomi certificate. The certificate must carry
// the app's AppSecret (sent as Authorization: key=...) and its package name
// (restricted_package_name).
func New(cert push.Certificate, opt push.Options) (push.Client, error) {
	opt = opt.WithDefaults(defaultTimeout)
	if err := cert.Require(Vendor, "app_secret", "package"); err != nil {
		return nil, err
	}
	base, err := cert.ServerURL(DefaultBaseURL)
	if err != nil {
		return nil, fmt.Errorf("xiaomi: base_url: %w", err)
	}
	c := &Client{
		cert: cert,
		url:  base + SendPath,
		auth: "key=" + cert.AppSecret,
		opt:  opt,
	}
	return c, nil
}

// Vendor returns "xiaomi".
func (c *Client) Vendor() string { return Vendor }

// Send posts p to tokens in batches of at most MaxBatch and returns one
// Result per token.
func (c *Client) Send(ctx context.Context, p push.Push, tokens []string) []push.Result {
	if len(tokens) == 0 {
		return nil
	}
	results := make([]push.Result, 0, len(tokens))
	form := c.form(p)
	for start := 0; start < len(tokens); start += MaxBatch {
		end := min(start+MaxBatch, len(tokens))
		results = c.sendBatch(ctx, form, tokens[start:end], results)
	}
	return results
}

// form builds every field but registration_id, which differs per batch.
func (c *Client) form(p push.Push) url.Values {
	f := make(url.Values, 16)
	f.Set("restricted_package_name", c.cert.Package)
	f.Set("title", p.Title)
	f.Set("description", p.Body)
	if p.Ext != "" {
		// payload is a plain form value: url encoding carries any bytes
		// unchanged, so the app gets the IM ext byte for byte.
		f.Set("payload", p.Ext)
	}
	if p.PassThrough {
		f.Set("pass_through", "1")
	} else {
		f.Set("pass_through", "0")
	}
	if p.NotifyID != "" {
		f.Set("notify_id", strconv.FormatInt(int64(NotifyID(p.NotifyID)), 10))
	}
	if p.TTL > 0 {
		f.Set("time_to_live", strconv.FormatInt(p.TTL.Milliseconds(), 10))
	}
	if ch := cmp.Or(p.Channel, c.cert.Channel); ch != "" && !p.NoChannel {
		f.Set("extra.channel_id", ch)
	}
	click := p.ClickOr(c.cert.Click)
	switch click.Type {
	case "launcher":
		f.Set("extra.notify_effect", "1")
	case "intent":
		f.Set("extra.notify_effect", "2")
		f.Set("extra.intent_uri", click.Target)
	case "activity":
		// MiPush opens an arbitrary activity only through an intent URI, so
		// an activity class from the certificate becomes the intent that
		// names it (Intent.toUri form, as vendor-facts §1.6 shows).
		f.Set("extra.notify_effect", "2")
		f.Set("extra.intent_uri", ActivityIntent(c.cert.Package, click.Target))
	case "url":
		f.Set("extra.notify_effect", "3")
		f.Set("extra.web_uri", click.Target)
	}
	if s := cmp.Or(p.Sound, c.cert.Sound); s != "" {
		f.Set("extra.sound_uri", SoundURI(c.cert.Package, s))
	}
	if id := JobKey(p.ID); id != "" {
		// Xiaomi has no request id; a phone shows only the first message
		// of a jobkey, so a retried batch is never shown twice.
		f.Set("extra.jobkey", id)
	}
	for k, v := range p.Extras {
		f.Set("extra."+k, v)
	}
	if p.Ext != "" && utf8.RuneCountInString(p.Ext) <= ExtraMax {
		f.Set("extra."+ExtKey, p.Ext) // after Extras: the ext wins over an extra named ext
	}
	for k, v := range p.Raw {
		f.Set(k, v)
	}
	return f
}

// sendBatch does one request for at most MaxBatch tokens and appends one
// Result per token to out.
func (c *Client) sendBatch(ctx context.Context, form url.Values, tokens []string, out []push.Result) []push.Result {
	body := form.Encode() + "&registration_id=" + url.QueryEscape(strings.Join(tokens, ","))
	ctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, strings.NewReader(body))
	if err != nil {
		return push.AppendAll(out, tokens, push.Result{Kind: push.Rejected, Code: "request", Reason: err.Error()})
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	req.Header.Set("Authorization", c.auth)
	resp, err := c.opt.HTTPClient.Do(req)
	if err != nil {
		return push.AppendAll(out, tokens, push.Result{Kind: push.Retryable, Code: "transport", Reason: err.Error()})
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	retryAfter := RetryAfter(resp.Header.Get("Retry-After"), c.opt.Now())
	if err != nil {
		return push.AppendAll(out, tokens, push.Result{Kind: push.Retryable, Code: "transport", Reason: "reading answer: " + err.Error(), RetryAfter: retryAfter})
	}
	var a answer
	jsonErr := json.Unmarshal(raw, &a)
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		r := push.Result{Kind: push.Retryable, Code: "HTTP " + strconv.Itoa(resp.StatusCode), Reason: http.StatusText(resp.StatusCode), RetryAfter: retryAfter}
		if jsonErr == nil && a.Code != "" {
			r.Reason = a.text()
		}
		return push.AppendAll(out, tokens, r)
	}
	if jsonErr != nil || a.Code == "" {
		if resp.StatusCode != http.StatusOK {
			return push.AppendAll(out, tokens, push.Result{Kind: push.Rejected, Code: "HTTP " + strconv.Itoa(resp.StatusCode), Reason: http.StatusText(resp.StatusCode)})
		}
		// A 200 we cannot read may or may not have been accepted; the
		// jobkey makes a retry safe, so it is retried rather than lost.
		return push.AppendAll(out, tokens, push.Result{Kind: push.Retryable, Code: "malformed-answer", Reason: push.Snippet(raw), RetryAfter: retryAfter})
	}
	code := string(a.Code)
	switch code {
	case codeOK:
		id := cmp.Or(a.Data.ID, a.TraceID)
		bad := a.Data.BadRegIDs.set()
		for _, t := range tokens {
			if _, ok := bad[t]; ok {
				out = append(out, push.Result{Token: t, Kind: push.Rejected, Code: codeOK, Reason: "listed in data.bad_regids", InvalidToken: true})
				continue
			}
			out = append(out, push.Result{Token: t, Kind: push.Sent, Code: codeOK, MessageID: id})
		}
		return out
	case codeNoValidTarget:
		return push.AppendAll(out, tokens, push.Result{Kind: push.Rejected, Code: code, Reason: a.text(), InvalidToken: true})
	case codeOverQuota:
		return push.AppendAll(out, tokens, push.Result{Kind: push.OverQuota, Code: code, Reason: a.text()})
	case codeQPS, codeTooFrequent, codeSystemBusy, codeSystemError:
		return push.AppendAll(out, tokens, push.Result{Kind: push.Retryable, Code: code, Reason: a.text(), RetryAfter: retryAfter})
	default:
		return push.AppendAll(out, tokens, push.Result{Kind: push.Rejected, Code: code, Reason: a.text()})
	}
}

// answer is Xiaomi's JSON reply, success and error alike.
type answer struct {
	Result      string    `json:"result"`
	Code        push.Text `json:"code"`
	Description string    `json:"description"`
	Reason      string    `json:"reason"`
	Info        string    `json:"info"`
	TraceID     string    `json:"trace_id"`
	Data        struct {
		ID        string   `json:"id"`
		BadRegIDs textList `json:"bad_regids"`
	} `json:"data"`
}

func (a *answer) text() string {
	switch {
	case a.Reason != "" && a.Description != "":
		return a.Reason + " (" + a.Description + ")"
	case a.Reason != "":
		return a.Reason
	default:
		return a.Description
	}
}

// textList is bad_regids: documented as a comma-joined string; an array is
// accepted too.
type textList []string

func (l *textList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		return nil
	case b[0] == '[':
		var xs []string
		if err := json.Unmarshal(b, &xs); err != nil {
			return err
		}
		*l = xs
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			*l = append(*l, t)
		}
	}
	return nil
}

func (l textList) set() map[string]struct{} {
	if len(l) == 0 {
		return nil
	}
	m := make(map[string]struct{}, len(l))
	for _, t := range l {
		m[t] = struct{}{}
	}
	return m
}

// NotifyID maps a Push.NotifyID onto Xiaomi's notify_id (0..2147483647): a
// number in range is used as is, anything else is hashed so that the same
// string always gives the same id.
func NotifyID(s string) int32 { return push.AndroidNotifyID(s) }

// JobKey derives extra.jobkey ([0-9a-zA-Z_-], at most 20 characters, not
// starting with '_') from a dispatcher message id: the id itself when it
// fits, else "m" and 16 hex digits of its FNV-1a hash.
func JobKey(id string) string {
	if id == "" {
		return ""
	}
	if len(id) <= 20 && id[0] != '_' && jobKeySafe(id) {
		return id
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	return fmt.Sprintf("m%016x", h.Sum64())
}

func jobKeySafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// ActivityIntent is the intent URI that opens activity class cls of app pkg.
// A class starting with '.' is relative to the package.
func ActivityIntent(pkg, cls string) string { return push.ActivityIntent(pkg, cls) }

// SoundURI turns an Android sound into extra.sound_uri: a value that is
// already a URI is sent as is; a bare name is the app's raw resource
// (android.resource://<package>/raw/<name>, the form MiPush plays).
func SoundURI(pkg, sound string) string {
	if strings.Contains(sound, "://") {
		return sound
	}
	name := sound
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		name = name[:i] // raw resources are named without extension
	}
	return "android.resource://" + pkg + "/raw/" + name
}

// RetryAfter parses a Retry-After header (seconds or an HTTP date); 0 when
// absent or unreadable.
func RetryAfter(v string, now time.Time) time.Duration { return push.RetryAfter(v, now) }
