package fcm

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// signTestJWT signs the assertion firebase-admin-go would send.
func signTestJWT(tb testing.TB, app *world.App, acc *account, now time.Time) string {
	tb.Helper()
	var sa serviceAccount
	if err := json.Unmarshal([]byte(app.Extra[ExtraServiceAccount]), &sa); err != nil {
		tb.Fatal(err)
	}
	block, _ := pem.Decode([]byte(sa.PrivateKey))
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": acc.keyID})
	c, _ := json.Marshal(map[string]any{"iss": acc.email, "scope": scopeFCM, "aud": GoogleTokenURL,
		"iat": now.Add(-10 * time.Second).Unix(), "exp": now.Add(-10*time.Second + time.Hour).Unix()})
	signed := enc(h) + "." + enc(c)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k.(*rsa.PrivateKey), crypto.SHA256, sum[:])
	if err != nil {
		tb.Fatal(err)
	}
	return signed + "." + enc(sig)
}

// checkAnswer asserts what every answer of messages:send must be: a success
// name or FCM's google.rpc error with a matching code.
func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code == http.StatusOK {
		var ok struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &ok); err != nil || !strings.HasPrefix(ok.Name, "projects/") {
			t.Fatalf("200 with body %q", rec.Body)
		}
		return
	}
	var st rpcStatus
	if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
		t.Fatalf("status %d with a body that is not google.rpc JSON: %q", rec.Code, rec.Body)
	}
	if st.Error.Code != rec.Code || st.Error.Status == "" || st.Error.Message == "" {
		t.Fatalf("status %d with %+v", rec.Code, st.Error)
	}
	switch rec.Code {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusForbidden, http.StatusTooManyRequests:
	default:
		t.Fatalf("unexpected status %d: %s", rec.Code, rec.Body)
	}
}

// FuzzSend feeds arbitrary bodies to messages:send with a valid access
// token: whatever the body, the answer is FCM's own shape and nothing panics.
func FuzzSend(f *testing.F) {
	fx := newFixture(f, 64)
	tok := quoteJSON(fx.dev.Token)
	for _, s := range []string{
		``, `{}`, `null`, `[]`, `{"message":null}`, `{"message":`, `{"message":{}}`,
		strings.Replace(benchBody, "%q", tok, 1),
		`{"message":{"token":` + tok + `,"data":{"a":1}}}`,
		`{"message":{"token":` + tok + `,"data":{"from":"x"}}}`,
		`{"message":{"token":` + tok + `,"topic":"t"}}`,
		`{"message":{"token":"abc"}}`,
		`{"message":{"token":` + tok + `,"android":{"ttl":"1.5s","priority":"HIGH","collapseKey":"k"}}}`,
		`{"message":{"token":` + tok + `,"android":{"ttl":-3}}}`,
		`{"validateOnly":true,"message":{"token":` + tok + `,"android":{"notification":{"channelId":"x","lightSettings":{"color":{"red":1}}}}}}`,
		`{"message":{"token":` + tok + `,"android":{"notification":{"body_loc_args":["a"]}}}}`,
		`{"message":{"token":` + tok + `,"android":{"data":{"k":[1,2]}}}}`,
		`{"message":{"token":` + tok + `,"webpush":{"x":1},"apns":{"payload":{"aps":{}}}}} trailing`,
		`{"message":{"fid":"AAAAAAAAAAAAAAAAAAAAAA"}}`,
		`{"message":{"condition":"'a' in topics"}}`,
		`{"message":{"condition":"!('a' in topics) && ('b' in topics || \"c\" in topics)","notification":{"title":"t"}}}`,
		`{"message":{"condition":"(((('a' in topics"}}`, `{"message":{"topic":"/topics/a","data":{"k":"v"}}}`,
		`{"message":{"token":` + tok + `,"android":{"notification":{"notification_count":"x"}}}}`,
		`{"message":{"token":` + tok + `,"Android":{"Notification":{"Title":"t"}}}}`,
	} {
		f.Add(s)
	}
	h := fx.e.Handler()
	path := "http://fcm.googleapis.com/v1/projects/" + fx.app.ID + "/messages:send"
	f.Fuzz(func(t *testing.T, body string) {
		fx.clock.Advance(time.Second) // stay inside the per-device rates
		r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+fx.token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		checkAnswer(t, rec)
	})
}

// FuzzToken feeds arbitrary forms to the token endpoint: every answer is an
// OAuth JSON error or a token, never a panic.
func FuzzToken(f *testing.F) {
	fx := newFixture(f, 64)
	acc, _ := parseAccount(fx.app.Extra[ExtraServiceAccount])
	good := signTestJWT(f, fx.app, acc, fx.clock.Now())
	for _, s := range []string{
		"", "grant_type=x", "grant_type=" + url.QueryEscape(grantJWTBearer),
		"grant_type=" + url.QueryEscape(grantJWTBearer) + "&assertion=" + good,
		"grant_type=" + url.QueryEscape(grantJWTBearer) + "&assertion=a.b.c",
		"grant_type=" + url.QueryEscape(grantJWTBearer) + "&assertion=" + good[:len(good)/2],
		"grant_type=" + url.QueryEscape(grantJWTBearer) + "&assertion=eyJhbGciOiJub25lIn0.e30.",
		"%zz", "grant_type=" + url.QueryEscape(grantJWTBearer) + "&assertion=" + strings.Repeat("A.", 100),
	} {
		f.Add(s)
	}
	h := fx.e.Handler()
	f.Fuzz(func(t *testing.T, form string) {
		r := httptest.NewRequest(http.MethodPost, "http://oauth2.googleapis.com/token", strings.NewReader(form))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("status %d, body %q is not JSON", rec.Code, rec.Body)
		}
		switch rec.Code {
		case http.StatusOK:
			if out["token_type"] != "Bearer" {
				t.Fatalf("200 without a bearer token: %s", rec.Body)
			}
		case http.StatusBadRequest:
			if _, ok := out["error"].(string); !ok {
				t.Fatalf("400 without error: %s", rec.Body)
			}
		default:
			t.Fatalf("unexpected status %d", rec.Code)
		}
	})
}

// TestParseDuration pins the proto Duration grammar of android.ttl.
func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"0s": 0, "3s": 3 * time.Second, "3.5s": 3500 * time.Millisecond, "1.000000001s": time.Second + 1,
		"-2s": -2 * time.Second, "2419200s": 28 * 24 * time.Hour,
	} {
		if got, ok := parseDuration(in); !ok || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "s", "3", "3m", "1.s", ".5s", "1.1234567890s", "--1s", "1e3s", "9999999999999s"} {
		if _, ok := parseDuration(in); ok {
			t.Errorf("parseDuration(%q) accepted", in)
		}
	}
}

// FuzzDecode checks the hand-written decoder: it never panics, accepts only
// valid JSON, and what it accepts survives a round trip through
// encoding/json unchanged.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		``, ` `, `{}`, `null`, `{"message":null}`, `{"validate_only":true,"message":{"token":"t"}}`,
		strings.Replace(benchBody, "%q", `"tok"`, 1),
		`{"message":{"data":{"a":"\u00e9\ud83d\ude00\ud800x","b":"\"\\\/\b\f\n\r\t"}}}`,
		`{"message":{"android":{"notification":{"notification_count":"7","light_settings":{"color":{"red":0.5,"alpha":1e0}}}}}}`,
		`{"message":{"webpush":{"a":[1,2,{"b":null}],"c":-0.5e+10},"apns":{}}}`,
		`{"message":{"android":{"notification":{"body_loc_args":["a","b"],"vibrateTimings":["1s"]}}}}`,
		`{"message":{"data":{"a":1}}}`, `{"message":{"topic":"a","token":"b"}}`, `{"message":{"x":1}}`,
		"{\"message\":{\"token\":\"\xff\"}}", `[[[[[[[[[[`, `{"message":{"android":{"ttl":3}}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req, fail := decodeSend([]byte(body))
		if fail != nil {
			if fail.status != http.StatusBadRequest || fail.msg == "" {
				t.Fatalf("failure %+v", fail)
			}
			return
		}
		if strings.TrimSpace(body) != "" && !json.Valid([]byte(body)) {
			t.Fatalf("accepted invalid JSON %q", body)
		}
		b, err := json.Marshal(req)
		if err != nil {
			t.Fatalf("marshal %+v: %v", req, err)
		}
		again, fail := decodeSend(b)
		if fail != nil {
			t.Fatalf("round trip of %q refused: %s (%s)", body, fail.msg, b)
		}
		b2, _ := json.Marshal(again)
		if string(b) != string(b2) {
			t.Fatalf("round trip changed\n%s\n%s", b, b2)
		}
	})
}
