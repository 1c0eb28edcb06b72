package honor_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/pushsim/pushsim/dispatcher/honor"
	"github.com/pushsim/pushsim/dispatcher/internal/pushtest"
	"github.com/pushsim/pushsim/dispatcher/push"
)

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
		server := pushtest.Fixed{TokenStatus: ts, TokenBody: tb, SendStatus: ss, SendBody: sb}
		c, err := honor.New(push.Certificate{AppID: "1", AppKey: "k", AppSecret: "s"},
			push.Options{HTTPClient: &http.Client{Transport: server}, Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		tokens := []string{"a", "b", "a"}
		pushtest.CheckResults(t, tokens, c.Send(context.Background(), push.Push{Title: "t", Body: "b"}, tokens))
	})
}
