package huawei_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

var codePattern = regexp.MustCompile(`^\d{8}$`)

// FuzzSend feeds arbitrary bodies (and bearer tokens; "VALID" stands for a
// real one) to messages:send: whatever comes in, the answer is Huawei's
// {code, msg, requestId} with an 8-digit string code, and nothing panics.
func FuzzSend(f *testing.F) {
	bw := newBenchWorld(f)
	tok := bw.phone.Token
	for _, seed := range []string{
		string(imBody(tok)),
		`{"message":{"data":"x","token":["` + tok + `"]}}`,
		`{"validate_only":true,"message":{"notification":{"title":"a","body":"b"},"token":["` + tok + `","nope"]}}`,
		`{"message":{"android":{"collapse_key":101,"notification":{"title":"a","body":"b"}},"token":["` + tok + `"]}}`,
		`{"message":{"android":{"ttl":"1.5s","notification":{"title":"a","body":"b","badge":{"add_num":3,"class":"c"},"click_action":{"type":2,"url":"https://x"}}},"token":["` + tok + `"]}}`,
		`{"message":{"data":{"a":1},"token":["x"]}}`,
		`{"message":{"data":"{\"k\":\"v\",\"n\":1.5e3,\"u\":\"\\u00e9\",\"o\":{}}","token":["` + tok + `"]}}`,
		`{"message":{"topic":"t","data":"x"}}`,
		`{"message":{"condition":"'a' in topics && !('b' in topics)","notification":{"title":"a","body":"b"}}}`,
		`{"message":{"condition":"((('a' in topics","data":"x"}}`, `{"message":{"topic":"a b","data":"x"}}`,
		`{"message":null}`, `[]`, `null`, `{`, ``, `{"message":{"token":[1,2]}}`,
	} {
		f.Add("VALID", []byte(seed))
	}
	f.Add("", []byte(`{}`))
	f.Add("AQExAAAAAAAAAAA=", []byte(`{}`))
	f.Fuzz(func(t *testing.T, bearer string, body []byte) {
		if bearer == "VALID" {
			bearer = bw.bearer
		} else {
			bearer = "Bearer " + bearer
		}
		req := httptest.NewRequest(http.MethodPost, bw.sendURL, bytes.NewReader(body))
		req.Header.Set("Authorization", bearer)
		rec := httptest.NewRecorder()
		bw.h.ServeHTTP(rec, req)
		var r struct {
			Code      *string `json:"code"`
			Msg       *string `json:"msg"`
			RequestID *string `json:"requestId"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
			t.Fatalf("reply is not JSON: %q", rec.Body.String())
		}
		if r.Code == nil || !codePattern.MatchString(*r.Code) || r.Msg == nil || r.RequestID == nil {
			t.Fatalf("reply is not Huawei's shape: %q", rec.Body.String())
		}
		if *r.Code == "80000000" && rec.Code != http.StatusOK {
			t.Fatalf("success with HTTP %d", rec.Code)
		}
	})
}

// FuzzToken feeds arbitrary forms to the token endpoint: the answer is an
// access token or Huawei's OAuth error, never a panic.
func FuzzToken(f *testing.F) {
	bw := newBenchWorld(f)
	f.Add("grant_type=client_credentials&client_id=" + bw.app.ID + "&client_secret=" + bw.app.Secret)
	f.Add("grant_type=client_credentials&client_id=" + bw.app.ID + "&client_secret=%zz")
	f.Add("grant_type=client_credentials&client_id=12&client_secret=a+b/c==")
	f.Add("grant_type=password")
	f.Add("&&==&")
	f.Add("")
	f.Fuzz(func(t *testing.T, form string) {
		req := httptest.NewRequest(http.MethodPost, "/oauth2/v3/token", strings.NewReader(form))
		rec := httptest.NewRecorder()
		bw.h.ServeHTTP(rec, req)
		var r map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
			t.Fatalf("reply is not JSON: %q", rec.Body.String())
		}
		switch rec.Code {
		case http.StatusOK:
			if r["token_type"] != "Bearer" || r["access_token"] == "" {
				t.Fatalf("bad success: %v", r)
			}
		default:
			if r["error"] != 1101.0 {
				t.Fatalf("bad error: %v", r)
			}
		}
	})
}
