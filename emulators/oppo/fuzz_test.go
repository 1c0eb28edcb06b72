package oppo

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pushsim/pushsim/emulators/world"
)

// checkReply asserts an answer is OPPO's envelope with an integer code.
func checkReply(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code != http.StatusOK && rec.Code != http.StatusNotFound {
		t.Fatalf("status %d", rec.Code)
	}
	var r struct {
		Code    *int    `json:"code"`
		Message *string `json:"message"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil || r.Code == nil || r.Message == nil {
		t.Fatalf("not an OPPO envelope: %q", rec.Body)
	}
}

// FuzzMessage feeds arbitrary `message` / `messages` text, with a valid
// auth_token, to unicast and unicast_batch.
func FuzzMessage(f *testing.F) {
	e, body := benchWorld(f, world.Options{})
	form, _ := url.ParseQuery(body)
	valid := form.Get("message")
	for _, seed := range []string{
		valid,
		"[" + valid + "," + valid + "]",
		`{"target_type":2,"target_value":"OPPO_CN_00000000000000000000000000000000","notification":{"title":"t","content":"c"}}`,
		`{"targetType":"2","targetValue":"CN_0123456789abcdef0123456789abcdef","notification":{"title":"t","content":"c","clickActionType":"5","clickActionUrl":"intent://x","actionParameters":{"a":1}}}`,
		`{"target_type":2,"notification":{"title":null,"content":1,"off_line":"yes","notify_level":1e3}}`,
		`{"target_type":1.5}`, `[]`, `[{}]`, `null`, `"x"`, `{`, "\xff", `{"notification":{"action_parameters":"{\"a\":"}}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, m string) {
		for _, path := range []string{PathUnicast, PathUnicastBatch} {
			key := "message"
			if path == PathUnicastBatch {
				key = "messages"
			}
			rec := httptest.NewRecorder()
			e.Handler().ServeHTTP(rec, formRequest(path, url.Values{"auth_token": {form.Get("auth_token")}, key: {m}}.Encode()))
			checkReply(t, rec)
		}
	})
}

// FuzzForm feeds arbitrary request bodies to every OPPO path.
func FuzzForm(f *testing.F) {
	e, body := benchWorld(f, world.Options{})
	for _, seed := range []string{
		body, "app_key=k&timestamp=1&sign=s", "auth_token=&message=", "%zz", "a=b&&&c", strings.Repeat("x=1&", 100), "",
		"timestamp=99999999999999999999999&app_key=x&sign=y",
	} {
		f.Add(uint8(0), seed)
		f.Add(uint8(1), seed)
		f.Add(uint8(2), seed)
	}
	paths := []string{PathAuth, PathUnicast, PathUnicastBatch, "/server/v1/other", PathSaveMessage, PathBroadcast}
	f.Fuzz(func(t *testing.T, p uint8, body string) {
		rec := httptest.NewRecorder()
		e.Handler().ServeHTTP(rec, formRequest(paths[int(p)%len(paths)], body))
		checkReply(t, rec)
	})
}
