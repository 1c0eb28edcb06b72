package huawei

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// accessToken returns a cached access token, or fetches one. stale is a
// token the push server just refused: it is replaced even if it looks
// valid. Concurrent callers share one token request (push.TokenCache).
func (c *Client) accessToken(ctx context.Context, stale string) (string, error) {
	return c.tokens.Get(ctx, c.now(), stale, func(ctx context.Context) (string, time.Time, error) {
		tok, lifetime, err := c.fetchToken(ctx)
		if err != nil {
			return "", time.Time{}, err
		}
		return tok, c.now().Add(lifetime - min(refreshAhead, lifetime/10)), nil
	})
}

// tokenError is a refusal or failure of the token endpoint.
type tokenError struct {
	status     int
	code       string // sub_error (or error) as the OAuth server sent it
	desc       string
	retryAfter time.Duration
	transport  bool
}

func (e *tokenError) Error() string {
	if e.transport {
		return "huawei oauth: " + e.desc
	}
	return fmt.Sprintf("huawei oauth: HTTP %d, error %s: %s", e.status, e.code, e.desc)
}

// fetchToken does POST /oauth2/v3/token with the client credentials,
// url-encoded as the official Python demo sends them.
func (c *Client) fetchToken(ctx context.Context) (string, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.cert.AppID}, "client_secret": {c.cert.AppSecret}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, &tokenError{desc: err.Error(), transport: true}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
	resp, err := c.hc.Do(req)
	if err != nil {
		return "", 0, &tokenError{desc: err.Error(), transport: true}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return "", 0, &tokenError{desc: "reading answer: " + err.Error(), transport: true}
	}
	var a struct {
		AccessToken      string          `json:"access_token"`
		ExpiresIn        int64           `json:"expires_in"`
		TokenType        string          `json:"token_type"`
		Error            json.RawMessage `json:"error"`
		SubError         json.RawMessage `json:"sub_error"`
		ErrorDescription string          `json:"error_description"`
	}
	jsonErr := json.Unmarshal(b, &a)
	if resp.StatusCode == http.StatusOK && jsonErr == nil && a.AccessToken != "" {
		lifetime := time.Duration(a.ExpiresIn) * time.Second
		if lifetime <= 0 {
			lifetime = time.Hour // documented lifetime when the answer omits it
		}
		return a.AccessToken, lifetime, nil
	}
	e := &tokenError{status: resp.StatusCode, retryAfter: RetryAfter(resp.Header.Get("Retry-After"), c.now())}
	switch {
	case jsonErr != nil:
		e.code, e.desc = "HTTP "+strconv.Itoa(resp.StatusCode), snippet(b)
	default:
		e.code = rawText(a.SubError)
		if e.code == "" || e.code == "0" {
			e.code = rawText(a.Error)
		}
		if e.code == "" {
			e.code = "HTTP " + strconv.Itoa(resp.StatusCode)
		}
		e.desc = a.ErrorDescription
		if e.desc == "" {
			e.desc = "no access token in the answer"
		}
	}
	return "", 0, e
}

// tokenFailure maps a failed token request onto the batch's result: bad
// credentials (HTTP 400, error 1101) are permanent; transport errors, flow
// control (503, or 429) and 5xx pass.
func tokenFailure(err error) push.Result {
	var te *tokenError
	if !errors.As(err, &te) {
		return push.Result{Kind: push.Retryable, Code: "oauth", Reason: err.Error()}
	}
	if te.transport {
		return push.Result{Kind: push.Retryable, Code: "oauth transport", Reason: te.Error()}
	}
	if te.status >= 500 || te.status == http.StatusTooManyRequests {
		return push.Result{Kind: push.Retryable, Code: "oauth " + te.code, Reason: te.Error(), RetryAfter: te.retryAfter}
	}
	return push.Result{Kind: push.Rejected, Code: "oauth " + te.code, Reason: te.Error()}
}

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
