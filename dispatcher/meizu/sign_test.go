package meizu

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// TestSignVector checks Sign against the vendor's own example
// (vendor-facts/xiaomi-meizu-vivo.md §2.2).
func TestSignVector(t *testing.T) {
	params := map[string]string{
		"appId":       "10000",
		"pushIds":     "RA50c6348036344485d01776773577c64740465480a6b",
		"messageJson": `{"title":"title","content":"content","pushTimeInfo":{"offLine":1,"validTime":24}}`,
	}
	const want = "ac076ff25d9900015a681cb5172aa53b"
	if got := Sign(params, "<APP_SECRET>"); got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
	params["sign"] = "ignored"
	if got := Sign(params, "<APP_SECRET>"); got != want {
		t.Fatalf("Sign signed its own sign field: %s", got)
	}
}

// FuzzAnswer feeds arbitrary answers to a batch of three pushIds: every
// token ends in exactly one Result, whatever comes back.
func FuzzAnswer(f *testing.F) {
	for _, seed := range []string{
		`{"code":"200","message":"","msgId":"c2ee5c3bf00448cfbceb7fdf68c3c8eb","value":{}}`,
		`{"code":"200","message":"","msgId":"m","value":{"110002":["a"],"110011":["b","b"],"520":"c"}}`,
		`{"code":"200","value":""}`, `{"code":200,"value":null}`, `{"code":"110010","message":"应用请求频率超过限制","value":"","redirect":""}`,
		`{"code":"1006","message":"签名认证失败"}`, `{"code":{}}`, `[]`, ``, `{"code":"200","value":{"110002":[1,2]}}`,
	} {
		f.Add(200, seed)
		f.Add(503, seed)
	}
	tokens := []string{"a", "b", "c"}
	f.Fuzz(func(t *testing.T, status int, body string) {
		if status < 100 || status > 999 {
			status = 200
		}
		mock := httpmock.NewMockTransport()
		mock.RegisterNoResponder(httpmock.NewStringResponder(status, body))
		c, err := New(push.Certificate{AppID: "1", AppSecret: "s"}, push.Options{HTTPClient: &http.Client{Transport: mock}, Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		res := c.Send(context.Background(), push.Push{ID: "m1", Title: "t", Body: "b"}, tokens)
		if len(res) != len(tokens) {
			t.Fatalf("%d results for %d tokens", len(res), len(tokens))
		}
		for i, r := range res {
			if r.Token != tokens[i] || r.Kind == "" {
				t.Fatalf("result %d: %+v", i, r)
			}
		}
	})
}
