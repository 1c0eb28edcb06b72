package huawei_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/pushsim/pushsim/emulators/huawei"
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

// FuzzExtras checks the fast path for data extras against encoding/json:
// whatever it accepts, it must read exactly as the slow path would.
func FuzzExtras(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `{"ext":"{\"x\":1}","n":-1.5e+3,"t":true,"z":null}`, `{}`, ` { "a" : "\n\t\/" } `,
		`{"a":01}`, `{"a":"\u00e9"}`, `{"a":{"b":1}}`, `{"a":"b",}`, `{"a":"b"}x`, "{\"a\":\"\xff\"}", `{"a":1,"a":2}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := huawei.FlatExtras(s)
		if !ok {
			return
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(s), &raw); err != nil {
			t.Fatalf("fast path accepted invalid JSON %q", s)
		}
		slow := map[string]string{}
		for k, v := range raw {
			var str string
			if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &str) == nil {
				slow[k] = str
			} else {
				slow[k] = string(v)
			}
		}
		if len(fast) != len(slow) {
			t.Fatalf("%q: fast %v, slow %v", s, fast, slow)
		}
		for k, v := range slow {
			if fast[k] != v {
				t.Fatalf("%q: key %q fast %q slow %q", s, k, fast[k], v)
			}
		}
	})
}
