package fcm

import (
	"cmp"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// authError is a failed token exchange: a refusal by the token endpoint
// (final: the key file is wrong) or a transport or server error (retryable).
type authError struct {
	retryable bool
	code      string
	reason    string
}

func (e *authError) Error() string { return e.code + ": " + e.reason }

func (e *authError) result(token string) push.Result {
	r := push.Result{Token: token, Kind: push.Rejected, Code: e.code, Reason: "OAuth token: " + e.reason}
	if e.retryable {
		r.Kind = push.Retryable
	}
	return r
}

// accessToken returns a token that is good for at least refreshAhead. stale
// is a token the vendor just refused (401): it is replaced even if it has not
// expired, unless another sender has replaced it already. Concurrent senders
// that need a new one wait for a single exchange (push.TokenCache).
func (c *Client) accessToken(ctx context.Context, stale string) (string, *authError) {
	tok, err := c.tokens.Get(ctx, c.now(), stale, func(ctx context.Context) (string, time.Time, error) {
		xctx, cancel := context.WithTimeout(ctx, c.timeout)
		defer cancel()
		token, expires, aerr := c.fetchToken(xctx)
		if aerr != nil {
			return "", time.Time{}, aerr
		}
		return token, expires.Add(-refreshAhead), nil
	})
	if err == nil {
		return tok, nil
	}
	if aerr, ok := err.(*authError); ok {
		return "", aerr
	}
	// The caller's context ended while it waited for another's exchange.
	return "", &authError{retryable: true, code: "transport", reason: err.Error()}
}

// fetchToken signs a JWT with the service account's key and exchanges it
// (vendor-facts §3.2): header alg RS256 and kid, claims iss, scope, aud = the
// token URL, iat, exp = iat + 1 h.
func (c *Client) fetchToken(ctx context.Context) (string, time.Time, *authError) {
	now := c.now()
	assertion, err := c.jwt(now)
	if err != nil {
		return "", time.Time{}, &authError{code: "jwt", reason: err.Error()}
	}
	form := url.Values{"grant_type": {grantType}, "assertion": {assertion}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.tokenURL, strings.NewReader(form))
	if err != nil {
		return "", time.Time{}, &authError{code: "request", reason: err.Error()}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.hc.Do(req)
	if err != nil {
		return "", time.Time{}, &authError{retryable: true, code: "transport", reason: err.Error()}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return "", time.Time{}, &authError{retryable: true, code: "transport", reason: err.Error()}
	}
	var a struct {
		AccessToken string      `json:"access_token"`
		ExpiresIn   json.Number `json:"expires_in"`
		TokenType   string      `json:"token_type"`
		Error       string      `json:"error"`
		Description string      `json:"error_description"`
	}
	jerr := json.Unmarshal(raw, &a)
	if resp.StatusCode != http.StatusOK || jerr != nil || a.AccessToken == "" {
		ae := &authError{code: cmp.Or(a.Error, "HTTP "+strconv.Itoa(resp.StatusCode)),
			reason: cmp.Or(a.Description, snippet(raw), http.StatusText(resp.StatusCode))}
		// A refusal of the grant will not change on retry; an overloaded
		// or broken endpoint may.
		ae.retryable = resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusOK
		return "", time.Time{}, ae
	}
	secs, err := a.ExpiresIn.Int64()
	if err != nil || secs <= 0 {
		secs = 3600
	}
	return a.AccessToken, now.Add(time.Duration(secs) * time.Second), nil
}

func (c *Client) jwt(now time.Time) (string, error) {
	enc := base64.RawURLEncoding
	header, err := json.Marshal(struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
		Kid string `json:"kid,omitempty"`
	}{"RS256", "JWT", c.keyID})
	if err != nil {
		return "", err
	}
	iat := now.Add(-10 * time.Second) // as x/oauth2 does, for clock skew
	claims, err := json.Marshal(struct {
		Iss   string `json:"iss"`
		Scope string `json:"scope"`
		Aud   string `json:"aud"`
		Exp   int64  `json:"exp"`
		Iat   int64  `json:"iat"`
	}{c.email, Scope, c.tokenURL, iat.Add(time.Hour).Unix(), iat.Unix()})
	if err != nil {
		return "", err
	}
	signed := enc.EncodeToString(header) + "." + enc.EncodeToString(claims)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, c.key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("signing the JWT: %w", err)
	}
	return signed + "." + enc.EncodeToString(sig), nil
}
