package honor_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pushsim/pushsim/emulators/honor"
)

// FuzzSend feeds arbitrary bodies and Authorization headers ("VALID"
// stands for a real bearer token) to sendMessage: whatever comes in, the
// answer is Honor's {code, message, data} with a numeric code, success only
// with HTTP 200, and nothing panics.
func FuzzSend(f *testing.F) {
	bw := newBenchWorld(f)
	tok := bw.phone.Token
	for _, seed := range []string{
		string(imBody(tok)),
		`{"data":"x","token":["` + tok + `"]}`,
		`{"notification":{"title":"a","body":"b"},"android":{"notification":{"clickAction":{"type":3}}},"token":["` + tok + `","nope"]}`,
		`{"android":{"ttl":"1.5s","targetUserType":1,"notification":{"title":"a","body":"b","importance":"LOW","badge":{"addNum":3,"badgeClass":"c"},"clickAction":{"type":2,"url":"https://x"}}},"token":["` + tok + `"]}`,
		`{"android":{"notification":{"title":"a","body":"b","style":1,"clickAction":{"type":1,"action":"x"},"buttons":[{"name":"n","actionType":2,"intent":"https://x"}]}},"token":["` + tok + `"]}`,
		`{"data":{"a":1},"token":["x"]}`,
		`{"token":[1,2]}`, `[]`, `null`, `{`, ``, `{"token":[]}`,
	} {
		f.Add("VALID", []byte(seed))
	}
	f.Add("", []byte(`{}`))
	f.Add("Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.AAAA", []byte(`{}`))
	f.Fuzz(func(t *testing.T, auth string, body []byte) {
		if auth == "VALID" {
			auth = bw.bearer
		}
		req := httptest.NewRequest(http.MethodPost, bw.sendURL, bytes.NewReader(body))
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		bw.h.ServeHTTP(rec, req)
		var r struct {
			Code    *json.Number `json:"code"`
			Message *string      `json:"message"`
			Data    *struct {
				SendResult *bool    `json:"sendResult"`
				RequestID  string   `json:"requestId"`
				Fail       []string `json:"failTokens"`
				Expire     []string `json:"expireTokens"`
			} `json:"data"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
			t.Fatalf("reply is not JSON: %q", rec.Body.String())
		}
		if r.Code == nil || r.Message == nil || r.Data == nil || r.Data.SendResult == nil || r.Data.RequestID == "" {
			t.Fatalf("reply is not Honor's shape: %q", rec.Body.String())
		}
		if _, err := r.Code.Int64(); err != nil {
			t.Fatalf("code is not an integer: %q", rec.Body.String())
		}
		if (*r.Code == "200") != *r.Data.SendResult {
			t.Fatalf("sendResult disagrees with the code: %q", rec.Body.String())
		}
		if *r.Code == "200" && rec.Code != http.StatusOK {
			t.Fatalf("success with HTTP %d", rec.Code)
		}
	})
}

// FuzzToken feeds arbitrary forms to the token endpoint: the answer is
// always an access token or an OAuth error, never a panic.
func FuzzToken(f *testing.F) {
	bw := newBenchWorld(f)
	f.Add(creds(bw.app))
	f.Add("grant_type=client_credentials&client_id=%zz")
	f.Add("")
	f.Add("grant_type=password")
	f.Fuzz(func(t *testing.T, form string) {
		rec := httptest.NewRecorder()
		bw.h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, honor.RealmTokenPath, strings.NewReader(form)))
		var r struct {
			AccessToken string `json:"access_token"`
			Error       string `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil || (r.AccessToken == "") == (r.Error == "") {
			t.Fatalf("answer %d %q", rec.Code, rec.Body.String())
		}
	})
}
