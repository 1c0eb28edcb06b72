package hms

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// refreshAhead: a token is replaced this long before it expires, as
// Huawei's official Python demo does (a tenth of the lifetime for
// short-lived ones).
const refreshAhead = 5 * time.Minute

// OAuth gets and caches a client-credentials access token: Huawei's
// /oauth2/v3/token (§1.2) and Honor's /auth/token (§2.2) are the same
// exchange. It implements Auth; concurrent senders share one fetch. Fill
// every field before the first use; do not copy it after.
type OAuth struct {
	Options      push.Options // the HTTP client, timeout and clock
	URL          string       // the token endpoint
	ClientID     string
	ClientSecret string
	ContentType  string // of the form: Huawei's demo adds ";charset=utf-8", Honor's guide does not

	// Typed: the answer's expires_in must be a JSON integer and its
	// token_type a string, as Huawei's client has always read them; an
	// answer with other types is unreadable. Without it (Honor, whose token
	// answer is undocumented, §2.2) expires_in may be any number or a
	// numeric string, and token_type is not read.
	Typed bool
	// SubError: a refusal's code is its sub_error (unless "" or "0") before
	// its error, as Huawei's OAuth server sends both.
	SubError bool

	// Name starts every error text ("huawei oauth: ..."); CodeName is
	// what the text calls the refusal's code ("error " at Huawei, "" at
	// Honor); ResultCode starts a failure's Result.Code ("oauth 1101").
	Name, CodeName, ResultCode string

	tokens push.TokenCache
}

// Bearer returns the cached access token, or fetches one (see Auth).
func (o *OAuth) Bearer(ctx context.Context, stale string) (string, error) {
	return o.tokens.Get(ctx, o.Options.Now(), stale, func(ctx context.Context) (string, time.Time, error) {
		tok, lifetime, err := o.fetch(ctx)
		if err != nil {
			return "", time.Time{}, err
		}
		return tok, o.Options.Now().Add(lifetime - min(refreshAhead, lifetime/10)), nil
	})
}

// Failure maps a failed token request onto the batch's result: refused
// credentials and answers of the wrong shape are permanent; transport
// errors, answers that are not JSON, 429 (flow control) and 5xx pass.
func (o *OAuth) Failure(err error) push.Result {
	var te *tokenError
	if !errors.As(err, &te) {
		return push.Result{Kind: push.Retryable, Code: o.ResultCode, Reason: err.Error()}
	}
	if te.transport {
		return push.Result{Kind: push.Retryable, Code: o.ResultCode + " transport", Reason: te.Error()}
	}
	if te.status >= 500 || te.status == http.StatusTooManyRequests {
		return push.Result{Kind: push.Retryable, Code: o.ResultCode + " " + te.code, Reason: te.Error(), RetryAfter: te.retryAfter}
	}
	return push.Result{Kind: push.Rejected, Code: o.ResultCode + " " + te.code, Reason: te.Error()}
}

// tokenError is a refusal or failure of the token endpoint.
type tokenError struct {
	name, codeName string // OAuth.Name and CodeName
	status         int
	code           string // the refusal's code as the server sent it
	desc           string
	retryAfter     time.Duration
	transport      bool
}

func (e *tokenError) Error() string {
	if e.transport {
		return e.name + ": " + e.desc
	}
	return fmt.Sprintf("%s: HTTP %d, %s%s: %s", e.name, e.status, e.codeName, e.code, e.desc)
}

// tokenAnswer is the token endpoint's answer; ExpiresIn and TokenType are
// read as Typed says (lifetime).
type tokenAnswer struct {
	AccessToken      string          `json:"access_token"`
	ExpiresIn        json.RawMessage `json:"expires_in"`
	TokenType        json.RawMessage `json:"token_type"`
	Error            json.RawMessage `json:"error"`
	SubError         json.RawMessage `json:"sub_error"`
	ErrorDescription string          `json:"error_description"`
}

// fetch does POST URL with the client credentials, form-encoded as both
// vendors' guides send them.
func (o *OAuth) fetch(ctx context.Context) (string, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, o.Options.Timeout)
	defer cancel()
	failed := func(desc string) error { return &tokenError{name: o.Name, desc: desc, transport: true} }
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {o.ClientID}, "client_secret": {o.ClientSecret}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.URL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, failed(err.Error())
	}
	req.Header.Set("Content-Type", o.ContentType)
	resp, err := o.Options.HTTPClient.Do(req)
	if err != nil {
		return "", 0, failed(err.Error())
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return "", 0, failed("reading answer: " + err.Error())
	}
	if !json.Valid(b) {
		// Not JSON at all (an answer cut off or garbled on the way, a proxy's
		// error page): the request may well succeed again, unlike an answer
		// that is JSON of the wrong shape, which the vendor meant.
		return "", 0, failed(fmt.Sprintf("HTTP %d, an answer that is not JSON: %s", resp.StatusCode, push.Snippet(b)))
	}
	var a tokenAnswer
	jsonErr := json.Unmarshal(b, &a)
	lifetime, typeErr := o.lifetime(&a)
	if jsonErr == nil {
		jsonErr = typeErr
	}
	if resp.StatusCode == http.StatusOK && jsonErr == nil && a.AccessToken != "" {
		if lifetime <= 0 {
			lifetime = time.Hour // Huawei's documented lifetime, what Honor's clients assume (§2.2)
		}
		return a.AccessToken, lifetime, nil
	}
	e := &tokenError{name: o.Name, codeName: o.CodeName, status: resp.StatusCode,
		retryAfter: push.RetryAfter(resp.Header.Get("Retry-After"), o.Options.Now())}
	if jsonErr != nil {
		e.code, e.desc = httpCode(resp.StatusCode), push.Snippet(b)
		return "", 0, e
	}
	if o.SubError {
		e.code = rawText(a.SubError)
	}
	if e.code == "" || e.code == "0" {
		e.code = rawText(a.Error)
	}
	e.code = cmp.Or(e.code, httpCode(resp.StatusCode))
	e.desc = cmp.Or(a.ErrorDescription, "no access token in the answer")
	return "", 0, e
}

// lifetime reads expires_in (seconds; 0 when absent) as Typed says, and
// with Typed checks token_type too.
func (o *OAuth) lifetime(a *tokenAnswer) (time.Duration, error) {
	if o.Typed {
		var typ string
		var secs int64
		if err := unmarshalSet(a.TokenType, &typ); err != nil {
			return 0, err
		}
		if err := unmarshalSet(a.ExpiresIn, &secs); err != nil {
			return 0, err
		}
		return time.Duration(secs) * time.Second, nil
	}
	var n json.Number
	if err := unmarshalSet(a.ExpiresIn, &n); err != nil {
		return 0, err
	}
	secs, _ := n.Int64() // not an integer: as if absent
	return time.Duration(secs) * time.Second, nil
}

// unmarshalSet decodes a field that was present; an absent one stays zero.
func unmarshalSet(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, v)
}

// rawText is a JSON string's or number's text; "" for anything else.
func rawText(r json.RawMessage) string {
	var s string
	if json.Unmarshal(r, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(r, &n) == nil {
		return n.String()
	}
	return ""
}
