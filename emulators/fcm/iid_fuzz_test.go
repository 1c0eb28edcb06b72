package fcm

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzIID feeds arbitrary bodies to batchAdd with a valid access token:
// every answer is 200 with one result per token, or a 400 {"error": reason},
// never a panic.
func FuzzIID(f *testing.F) {
	fx := newFixture(f, 64)
	tok := quoteJSON(fx.dev.Token)
	for _, s := range []string{
		``, `{}`, `null`, `[]`, `{"to":`, `{"to":"/topics/a","registration_tokens":[` + tok + `]}`,
		`{"to":"a","registration_tokens":[` + tok + `,"x",""]}`, `{"to":"/topics/","registration_tokens":["x"]}`,
		`{"to":1,"registration_tokens":["x"]}`, `{"to":"/topics/a","registration_tokens":[1]}`,
		"{\"to\":\"\xff\",\"registration_tokens\":[\"x\"]}", `{"to":"/topics/a","registration_tokens":null}`,
	} {
		f.Add(s)
	}
	h := fx.e.Handler()
	f.Fuzz(func(t *testing.T, body string) {
		fx.clock.Advance(time.Second) // stay inside the per-second rate
		r := httptest.NewRequest(http.MethodPost, "http://iid.googleapis.com/iid/v1:batchAdd", strings.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+fx.token)
		r.Header.Set("access_token_auth", "true")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		switch rec.Code {
		case http.StatusOK:
			var req iidRequest
			var out struct {
				Results []map[string]string `json:"results"`
			}
			if json.Unmarshal([]byte(body), &req) != nil || json.Unmarshal(rec.Body.Bytes(), &out) != nil || len(out.Results) != len(req.Tokens) {
				t.Fatalf("200 for %q: %s", body, rec.Body)
			}
		case http.StatusBadRequest:
			if strings.TrimSpace(rec.Body.String()) != `{"error":"INVALID_ARGUMENT"}` {
				t.Fatalf("400 with %s", rec.Body)
			}
		default:
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
	})
}
