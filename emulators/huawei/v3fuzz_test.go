package huawei_test

import (
	"bytes"
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
	"testing"

	"github.com/pushsim/pushsim/emulators/huawei"
	"github.com/pushsim/pushsim/emulators/world"
)

// v3Bearer signs the app's service-account JWT at the world's time
// without the test framework.
func v3Bearer(tb testing.TB, w *world.World, app *world.App) string {
	tb.Helper()
	var f map[string]string
	if err := json.Unmarshal([]byte(app.Extra[huawei.ExtraServiceAccount]), &f); err != nil {
		tb.Fatal(err)
	}
	block, _ := pem.Decode([]byte(f["private_key"]))
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	h, _ := json.Marshal(map[string]any{"kid": f["key_id"], "typ": "JWT", "alg": "PS256"})
	c, _ := json.Marshal(map[string]any{"iss": f["sub_account"], "aud": f["token_uri"], "iat": w.Now().Unix(), "exp": w.Now().Unix() + 3600})
	signed := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	d := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPSS(rand.Reader, k.(*rsa.PrivateKey), crypto.SHA256, d[:], nil)
	if err != nil {
		tb.Fatal(err)
	}
	return "Bearer " + signed + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// FuzzV3Send feeds arbitrary push-type headers and bodies (with a valid
// JWT) to the v3 send and the revoke API: the answer is always Huawei's
// {code, msg, requestId} with an 8-digit code, success only with HTTP 200,
// and nothing panics.
func FuzzV3Send(f *testing.F) {
	bw := newBenchWorld(f)
	d, err := bw.w.Register(world.Device{Vendor: "huawei", App: bw.app.Name, Token: "MAAALgE4G98BAAAAstFUZZ", Platform: huawei.PlatformHarmony})
	if err != nil {
		f.Fatal(err)
	}
	bearer := v3Bearer(f, bw.w, bw.app)
	tok := `["` + d.Token + `"]`
	for _, s := range []struct{ pt, body string }{
		{"0", `{"payload":{"notification":{"category":"IM","title":"a","body":"b","clickAction":{"actionType":1,"action":"x","data":{"k":"v"}},"badge":{"addNum":2},"notifyId":3}},"target":{"token":` + tok + `},"pushOptions":{"ttl":60,"collapseKey":1,"testMessage":true}}`},
		{"0", `{"payload":{"notification":{"category":"IM","badge":{"setNum":0}}},"target":{"token":` + tok + `}}`},
		{"2", `{"payload":{"extraData":"x","notification":{"category":"PLAY_VOICE","title":"a","body":"b","clickAction":{"actionType":0}}},"target":{"token":` + tok + `}}`},
		{"6", `{"payload":{"extraData":"x"},"target":{"token":` + tok + `}}`},
		{"10", `{"payload":{"extraData":"x"},"target":{"token":["a","b"]}}`},
		{"1", `{"payload":{"formId":1,"moduleName":"m","formName":"f","abilityName":"a","formData":{"k":1}},"target":{"token":` + tok + `}}`},
		{"7", `{"payload":{"activityId":1,"event":"TAXI","activityData":{"notificationData":{"contentTitle":"t","contentText":[{"text":"x"}]}}},"target":{"token":` + tok + `}}`},
		{"revoke 0", `{"notifyId":3,"token":` + tok + `}`},
		{"0", `{"payload":null}`}, {"x", `{}`}, {"0", `[]`}, {"0", `{`}, {"", ``},
	} {
		f.Add(s.pt, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, pushType string, body []byte) {
		path := "/v3/" + bw.app.Key + "/messages:send"
		if len(pushType) > 7 && pushType[:7] == "revoke " {
			path, pushType = "/v1/"+bw.app.ID+"/messages:revoke", pushType[7:]
		}
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Authorization", bearer)
		req.Header.Set("push-type", pushType)
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
