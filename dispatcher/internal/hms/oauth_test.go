package hms

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// tokenServer answers every token request with status and body and keeps
// the last request's form and content type.
type tokenServer struct {
	status      int
	body        string
	form        url.Values
	contentType string
}

func (s *tokenServer) RoundTrip(r *http.Request) (*http.Response, error) {
	b, _ := io.ReadAll(r.Body)
	s.form, _ = url.ParseQuery(string(b))
	s.contentType = r.Header.Get("Content-Type")
	return &http.Response{StatusCode: s.status, Header: http.Header{"Retry-After": {"7"}}, Body: io.NopCloser(strings.NewReader(s.body)), Request: r}, nil
}

var now = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// The two vendors as their clients configure OAuth.
func huaweiOAuth(rt http.RoundTripper) *OAuth {
	return &OAuth{Options: push.Options{HTTPClient: &http.Client{Transport: rt}, Timeout: time.Second, Now: func() time.Time { return now }},
		URL: "https://oauth.test/oauth2/v3/token", ClientID: "101234567", ClientSecret: "s+/=", ContentType: "application/x-www-form-urlencoded;charset=utf-8",
		Typed: true, SubError: true, Name: "huawei oauth", CodeName: "error ", ResultCode: "oauth"}
}

func honorOAuth(rt http.RoundTripper) *OAuth {
	return &OAuth{Options: push.Options{HTTPClient: &http.Client{Transport: rt}, Timeout: time.Second, Now: func() time.Time { return now }},
		URL: "https://iam.test/auth/token", ClientID: "220114812", ClientSecret: "s", ContentType: "application/x-www-form-urlencoded",
		Name: "honor auth", ResultCode: "auth"}
}

func TestOAuthSendsTheClientCredentials(t *testing.T) {
	s := &tokenServer{status: 200, body: `{"access_token":"AT","expires_in":3600,"token_type":"Bearer"}`}
	tok, err := huaweiOAuth(s).Bearer(context.Background(), "")
	if err != nil || tok != "AT" {
		t.Fatalf("%q, %v", tok, err)
	}
	want := url.Values{"grant_type": {"client_credentials"}, "client_id": {"101234567"}, "client_secret": {"s+/="}}
	if s.form.Encode() != want.Encode() || s.contentType != "application/x-www-form-urlencoded;charset=utf-8" {
		t.Errorf("form %v, content type %q", s.form, s.contentType)
	}
}

// What each vendor's client reads from an answer: Typed and SubError are
// the differences, the rest is the same exchange.
func TestOAuthReadsTheAnswerAsEachVendorDoes(t *testing.T) {
	for _, c := range []struct {
		name          string
		status        int
		body          string
		huawei, honor push.Result // Kind, Code, and Reason's start; Kind Sent = a token
	}{
		{"an integer lifetime", 200, `{"access_token":"AT","expires_in":3600}`,
			push.Result{Kind: push.Sent}, push.Result{Kind: push.Sent}},
		{"a lifetime as a string: Huawei's answer is typed", 200, `{"access_token":"AT","expires_in":"3600"}`,
			push.Result{Kind: push.Rejected, Code: "oauth HTTP 200", Reason: "huawei oauth: HTTP 200, error HTTP 200: {"}, push.Result{Kind: push.Sent}},
		{"a token_type that is no string", 200, `{"access_token":"AT","expires_in":3600,"token_type":1}`,
			push.Result{Kind: push.Rejected, Code: "oauth HTTP 200"}, push.Result{Kind: push.Sent}},
		{"a lifetime that is no number", 200, `{"access_token":"AT","expires_in":"x"}`,
			push.Result{Kind: push.Rejected, Code: "oauth HTTP 200"}, push.Result{Kind: push.Rejected, Code: "auth HTTP 200", Reason: "honor auth: HTTP 200, HTTP 200: {"}},
		{"sub_error first at Huawei only", 400, `{"error":1101,"sub_error":12304,"error_description":"client_secret is invalid"}`,
			push.Result{Kind: push.Rejected, Code: "oauth 12304", Reason: "huawei oauth: HTTP 400, error 12304: client_secret is invalid"},
			push.Result{Kind: push.Rejected, Code: "auth 1101", Reason: "honor auth: HTTP 400, 1101: client_secret is invalid"}},
		{"sub_error 0 means none", 400, `{"error":"invalid_client","sub_error":0}`,
			push.Result{Kind: push.Rejected, Code: "oauth invalid_client", Reason: "huawei oauth: HTTP 400, error invalid_client: no access token in the answer"},
			push.Result{Kind: push.Rejected, Code: "auth invalid_client"}},
		{"no code at all", 401, `{}`,
			push.Result{Kind: push.Rejected, Code: "oauth HTTP 401"}, push.Result{Kind: push.Rejected, Code: "auth HTTP 401"}},
		{"flow control passes", 503, `{"error":1101,"sub_error":503}`,
			push.Result{Kind: push.Retryable, Code: "oauth 503", RetryAfter: 7 * time.Second},
			push.Result{Kind: push.Retryable, Code: "auth 1101", RetryAfter: 7 * time.Second}},
		{"an answer that is not JSON (cut off or garbled) passes", 200, "{\"access_token\":\"A\x00<html>",
			push.Result{Kind: push.Retryable, Code: "oauth transport", Reason: "huawei oauth: HTTP 200, an answer that is not JSON"},
			push.Result{Kind: push.Retryable, Code: "auth transport", Reason: "honor auth: HTTP 200, an answer that is not JSON"}},
		{"a 200 without a token", 200, `{"token_type":"Bearer"}`,
			push.Result{Kind: push.Rejected, Code: "oauth HTTP 200"}, push.Result{Kind: push.Rejected, Code: "auth HTTP 200"}},
	} {
		for vendor, o := range map[string]*OAuth{"huawei": huaweiOAuth(&tokenServer{status: c.status, body: c.body}), "honor": honorOAuth(&tokenServer{status: c.status, body: c.body})} {
			want := c.huawei
			if vendor == "honor" {
				want = c.honor
			}
			tok, err := o.Bearer(context.Background(), "")
			if want.Kind == push.Sent {
				if err != nil || tok != "AT" {
					t.Errorf("%s, %s: %q, %v; want the token", c.name, vendor, tok, err)
				}
				continue
			}
			if err == nil {
				t.Errorf("%s, %s: token %q, want a failure", c.name, vendor, tok)
				continue
			}
			got := o.Failure(err)
			if got.Kind != want.Kind || got.Code != want.Code || !strings.HasPrefix(got.Reason, want.Reason) || got.RetryAfter != want.RetryAfter {
				t.Errorf("%s, %s: %+v, want %+v", c.name, vendor, got, want)
			}
		}
	}
}

func TestOAuthTransportFailurePasses(t *testing.T) {
	o := honorOAuth(roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, io.ErrUnexpectedEOF }))
	_, err := o.Bearer(context.Background(), "")
	if got := o.Failure(err); got.Kind != push.Retryable || got.Code != "auth transport" || !strings.HasPrefix(got.Reason, "honor auth: ") {
		t.Errorf("%+v", got)
	}
}

func TestOAuthRefreshesAheadOfExpiryAndWhenStale(t *testing.T) {
	n := 0
	o := huaweiOAuth(roundTripFunc(func(r *http.Request) (*http.Response, error) {
		n++
		body := `{"access_token":"AT` + string(rune('0'+n)) + `","expires_in":3600}`
		return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	}))
	clock := now
	o.Options.Now = func() time.Time { return clock }
	get := func(stale string) string {
		t.Helper()
		tok, err := o.Bearer(context.Background(), stale)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	if tok := get(""); tok != "AT1" {
		t.Fatalf("first: %s", tok)
	}
	clock = now.Add(54 * time.Minute) // before the refresh, 5 minutes ahead of expiry
	if tok := get(""); tok != "AT1" {
		t.Errorf("cached: %s", tok)
	}
	if tok := get("AT1"); tok != "AT2" {
		t.Errorf("after a refusal: %s", tok)
	}
	clock = clock.Add(56 * time.Minute)
	if tok := get(""); tok != "AT3" {
		t.Errorf("ahead of expiry: %s", tok)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
