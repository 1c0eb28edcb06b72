package oppo

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// FuzzAnswer feeds arbitrary send answers to the client: it must never
// panic and must return exactly one result per token, in order.
func FuzzAnswer(f *testing.F) {
	for _, seed := range []string{
		`{"code":0,"message":"","data":{"messageId":"1-1-1-a"}}`,
		`{"code":0,"message":"","data":[{"messageId":"a","registrationId":"OPPO_CN_1"},{"registrationId":"OPPO_CN_2","errorCode":10000,"errorMessage":"Invalid Registration_id"}]}`,
		`{"code":0,"data":[{"registrationId":"x"},{"registrationId":"x"},{"registrationId":"x"}]}`,
		`{"code":11,"message":"Invalid AuthToken"}`, `{"code":33}`, `{"code":"-2"}`, `{"code":1e400}`,
		`"{\"code\":0,\"data\":{}}"`, `{"code":0,"data":"nope"}`, `null`, ``, `<html>`, `{"code":0,"data":[null,1,"x"]}`,
	} {
		f.Add(seed, uint8(1))
		f.Add(seed, uint8(3))
	}
	f.Fuzz(func(t *testing.T, answer string, n uint8) {
		mock := httpmock.NewMockTransport()
		mock.RegisterResponder(http.MethodPost, "http://o.test"+AuthPath,
			httpmock.NewStringResponder(200, `{"code":0,"data":{"auth_token":"t"}}`))
		mock.RegisterResponder(http.MethodPost, "http://o.test"+UnicastPath, httpmock.NewStringResponder(200, answer))
		mock.RegisterResponder(http.MethodPost, "http://o.test"+BatchPath, httpmock.NewStringResponder(200, answer))
		c, err := New(push.Certificate{AppKey: "k", MasterSecret: "s", BaseURL: "http://o.test"}, push.Options{HTTPClient: &http.Client{Transport: mock}})
		if err != nil {
			t.Fatal(err)
		}
		tokens := make([]string, int(n%5)+1)
		for i := range tokens {
			tokens[i] = "OPPO_CN_" + strings.Repeat(string(rune('1'+i)), 1)
		}
		rs := c.Send(context.Background(), push.Push{ID: "m", Title: "t", Body: "b"}, tokens)
		if len(rs) != len(tokens) {
			t.Fatalf("%d results for %d tokens", len(rs), len(tokens))
		}
		for i, r := range rs {
			if r.Token != tokens[i] || r.Kind == "" {
				t.Fatalf("result %d: %+v", i, r)
			}
		}
	})
}
