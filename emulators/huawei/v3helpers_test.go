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
	"io"
	"net/http"
	"time"

	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/huawei"
	"github.com/pushsim/pushsim/emulators/world"
)

// sa is the app's service-account key file.
func sa(app *world.App) map[string]string {
	var m map[string]string
	Expect(json.Unmarshal([]byte(app.Extra[huawei.ExtraServiceAccount]), &m)).To(Succeed())
	return m
}

func privateKey(app *world.App) *rsa.PrivateKey {
	block, _ := pem.Decode([]byte(sa(app)["private_key"]))
	Expect(block).NotTo(BeNil())
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	Expect(err).NotTo(HaveOccurred())
	return k.(*rsa.PrivateKey)
}

// jwtFor signs the service-account JWT of app at now (iat, exp = iat +
// 1h); change edits header and claims before signing; key nil = the app's.
func jwtFor(app *world.App, now time.Time, key *rsa.PrivateKey, change func(h, c map[string]any)) string {
	f := sa(app)
	h := map[string]any{"kid": f["key_id"], "typ": "JWT", "alg": "PS256"}
	c := map[string]any{"iss": f["sub_account"], "aud": f["token_uri"], "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	if change != nil {
		change(h, c)
	}
	if key == nil {
		key = privateKey(app)
	}
	hb, _ := json.Marshal(h)
	cb, _ := json.Marshal(c)
	signed := base64.RawURLEncoding.EncodeToString(hb) + "." + base64.RawURLEncoding.EncodeToString(cb)
	d := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPSS(rand.Reader, key, crypto.SHA256, d[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	Expect(err).NotTo(HaveOccurred())
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// harmony registers a HarmonyOS NEXT phone.
func (f *fixture) harmony(app *world.App, name string) world.Device {
	d, err := f.w.Register(world.Device{Vendor: "huawei", App: app.Name, Name: name, Token: f.v.NewToken(app), Platform: huawei.PlatformHarmony})
	Expect(err).NotTo(HaveOccurred())
	return d
}

// postV3 posts body to path with the bearer and push-type headers ("" = none).
func (f *fixture) postV3(path, bearer, pushType string, body any) result {
	b, ok := body.([]byte)
	if !ok {
		var err error
		b, err = json.Marshal(body)
		Expect(err).NotTo(HaveOccurred())
	}
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+path, bytes.NewReader(b))
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if pushType != "" {
		req.Header.Set("push-type", pushType)
	}
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	var r result
	Expect(json.Unmarshal(raw, &r)).To(Succeed(), string(raw))
	r.Status = resp.StatusCode
	return r
}

// v3 sends body as app with push-type pt and a fresh JWT.
func (f *fixture) v3(app *world.App, pt string, body any) result {
	return f.postV3("/v3/"+app.Key+"/messages:send", jwtFor(app, f.clock.Now(), nil, nil), pt, body)
}

// alert is a push-type 0 body: an IM notification to tokens with extra
// notification fields and pushOptions.
func alert(tokens []string, n, opts obj) obj {
	nn := obj{"category": "IM", "title": "Alice", "body": "hello", "clickAction": obj{"actionType": 0}}
	for k, v := range n {
		nn[k] = v
	}
	b := obj{"payload": obj{"notification": nn}, "target": obj{"token": tokens}}
	if opts != nil {
		b["pushOptions"] = opts
	}
	return b
}
