package honor_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/dispatcher/honor"
	"github.com/pushsim/pushsim/dispatcher/push"
)

// fixed answers the token and send endpoints with canned responses.
type fixed struct {
	tokenStatus int
	tokenBody   string
	sendStatus  int
	sendBody    string
}

func (f fixed) RoundTrip(r *http.Request) (*http.Response, error) {
	status, body := f.sendStatus, f.sendBody
	if strings.HasSuffix(r.URL.Path, "/token") {
		status, body = f.tokenStatus, f.tokenBody
	}
	if status < 100 || status > 999 {
		status = 200
	}
	return &http.Response{StatusCode: status, Header: http.Header{"Retry-After": {"5"}}, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

// FuzzSendAnswer: whatever the servers answer, every token gets exactly
// one classified result, and an invalid token is always rejected.
func FuzzSendAnswer(f *testing.F) {
	tok := `{"access_token":"a","expires_in":3600}`
	f.Add(200, tok, 200, `{"code":200,"message":"success","data":{"sendResult":true,"requestId":"r","failTokens":["b"],"expireTokens":["a"]}}`)
	f.Add(200, tok, 400, `{"code":80300007,"message":"x","data":{"failTokens":["a","b","zz"]}}`)
	f.Add(200, tok, 401, `{"code":"80200003"}`)
	f.Add(200, tok, 200, `{"code":200,"data":null}`)
	f.Add(200, tok, 200, `{"code":1e400}`)
	f.Add(401, `{"error":"invalid_client"}`, 200, ``)
	f.Add(200, `{"access_token":"a","expires_in":"x"}`, 503, `{"code":81000001}`)
	f.Fuzz(func(t *testing.T, ts int, tb string, ss int, sb string) {
		c, err := honor.New(push.Certificate{AppID: "1", AppKey: "k", AppSecret: "s"},
			push.Options{HTTPClient: &http.Client{Transport: fixed{ts, tb, ss, sb}}, Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		tokens := []string{"a", "b", "a"}
		res := c.Send(context.Background(), push.Push{Title: "t", Body: "b"}, tokens)
		if len(res) != len(tokens) {
			t.Fatalf("%d results for %d tokens", len(res), len(tokens))
		}
		for i, r := range res {
			if r.Token != tokens[i] || r.Kind == "" {
				t.Fatalf("result %d: %+v", i, r)
			}
			if r.InvalidToken && r.Kind != push.Rejected {
				t.Fatalf("invalid token not rejected: %+v", r)
			}
		}
	})
}
