package huawei_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/pushsim/pushsim/dispatcher/huawei"
	"github.com/pushsim/pushsim/dispatcher/internal/pushtest"
	"github.com/pushsim/pushsim/dispatcher/push"
)

func fuzzSend(t *testing.T, rt http.RoundTripper) {
	c, err := huawei.New(push.Certificate{AppID: "101234567", AppSecret: "s"}, push.Options{HTTPClient: &http.Client{Transport: rt}, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	tokens := []string{"a", "b", "a"}
	pushtest.CheckResults(t, tokens, c.Send(context.Background(), push.Push{Title: "t", Body: "b"}, tokens))
}

// FuzzSendAnswer: whatever the push server answers, every token gets
// exactly one classified result.
func FuzzSendAnswer(f *testing.F) {
	for _, s := range []struct {
		status int
		body   string
	}{
		{200, `{"code":"80000000","msg":"Success","requestId":"1"}`},
		{200, `{"code":"80100000","msg":"{\"success\":1,\"failure\":1,\"illegal_tokens\":[\"b\"]}","requestId":"1"}`},
		{200, `{"code":"80100000","msg":"not json","requestId":"1"}`},
		{400, `{"code":"80300007","msg":"All the tokens are invalid","requestId":"1"}`},
		{401, `{"code":"80200003","msg":"expired"}`},
		{401, ``},
		{503, `busy`},
		{200, `{"code":80000000}`},
		{200, `{"code":null}`},
		{200, `[]`},
	} {
		f.Add(s.status, s.body)
	}
	f.Fuzz(func(t *testing.T, status int, body string) {
		fuzzSend(t, pushtest.Fixed{TokenStatus: 200, TokenBody: `{"access_token":"x","expires_in":3600}`, SendStatus: status, SendBody: body})
	})
}

// FuzzTokenAnswer: whatever the OAuth server answers, no panic and one
// result per token.
func FuzzTokenAnswer(f *testing.F) {
	f.Add(200, `{"access_token":"x","expires_in":3600,"token_type":"Bearer"}`)
	f.Add(200, `{"access_token":"x","expires_in":-5}`)
	f.Add(400, `{"error":1101,"sub_error":12304,"error_description":"x"}`)
	f.Add(400, `{"error":"invalid_client","sub_error":"x"}`)
	f.Add(503, `{"error":1101,"sub_error":503}`)
	f.Add(200, `{}`)
	f.Add(500, `<html>`)
	f.Fuzz(func(t *testing.T, status int, body string) {
		fuzzSend(t, pushtest.Fixed{TokenStatus: status, TokenBody: body, SendStatus: 200, SendBody: `{"code":"80000000","msg":"Success","requestId":"1"}`})
	})
}
