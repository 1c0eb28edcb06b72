package fcm_test

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
	"time"

	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/fcm"
	"github.com/pushsim/pushsim/emulators/world"
)

var start = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// env is one world with the FCM emulator, a project "chat" with a phone,
// and a second project "other" with a phone of its own.
type env struct {
	clock *world.VirtualClock
	w     *world.World
	e     world.Vendor
	h     http.Handler
	app   *world.App
	other *world.App
	phone world.Device
	alien world.Device // a phone of project "other"
	sa    saKey
}

type saKey struct {
	ProjectID    string `json:"project_id"`
	PrivateKeyID string `json:"private_key_id"`
	PrivateKey   string `json:"private_key"`
	ClientEmail  string `json:"client_email"`
	TokenURI     string `json:"token_uri"`
	key          *rsa.PrivateKey
}

func newEnv(mod ...func(*world.App)) *env {
	clock := world.NewVirtualClock(start)
	w := world.New(world.Options{Clock: clock, Seed: 7})
	e := fcm.New(w)
	v := &env{clock: clock, w: w, e: e, h: e.Handler()}
	v.app = v.addApp("chat", mod...)
	v.other = v.addApp("other")
	v.phone = v.register(v.app, "alice-phone", nil)
	v.alien = v.register(v.other, "bob-phone", nil)
	v.sa = parseSA(v.app)
	return v
}

func (v *env) addApp(name string, mod ...func(*world.App)) *world.App {
	a := world.App{Vendor: fcm.Vendor, Name: name, Package: "com.example." + name,
		Channels: []world.Channel{{ID: "im", Name: "Messages", Class: world.ClassPrivate}}}
	for _, m := range mod {
		m(&a)
	}
	v.e.DemoApp(&a)
	stored, err := v.w.AddApp(a)
	Expect(err).NotTo(HaveOccurred())
	return stored
}

func (v *env) register(app *world.App, name string, mod func(*world.Device)) world.Device {
	d := world.Device{Vendor: fcm.Vendor, App: app.Name, Name: name, Token: v.e.NewToken(app)}
	if mod != nil {
		mod(&d)
	}
	d, err := v.w.Register(d)
	Expect(err).NotTo(HaveOccurred())
	return d
}

// setApp changes the stored app.
func (v *env) setApp(fn func(*world.App)) {
	a, ok := v.w.App(fcm.Vendor, v.app.Name)
	Expect(ok).To(BeTrue())
	fn(a)
	Expect(v.w.UpdateApp(*a)).To(Succeed())
	v.app = a
}

func parseSA(app *world.App) saKey {
	var k saKey
	Expect(json.Unmarshal(fcm.ServiceAccountJSON(app, ""), &k)).To(Succeed())
	block, _ := pem.Decode([]byte(k.PrivateKey))
	Expect(block).NotTo(BeNil())
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	Expect(err).NotTo(HaveOccurred())
	k.key = key.(*rsa.PrivateKey)
	return k
}

// claims are a test JWT's; zero fields get the correct defaults.
type claims struct {
	Iss   string `json:"iss"`
	Scope string `json:"scope"`
	Aud   string `json:"aud"`
	Exp   int64  `json:"exp"`
	Iat   int64  `json:"iat"`
}

func (v *env) jwt(sa saKey, kid string, c claims) string {
	now := v.clock.Now()
	if c.Iss == "" {
		c.Iss = sa.ClientEmail
	}
	if c.Scope == "" {
		c.Scope = "https://www.googleapis.com/auth/firebase.messaging"
	}
	if c.Aud == "" {
		c.Aud = fcm.GoogleTokenURL
	}
	if c.Iat == 0 {
		c.Iat = now.Add(-10 * time.Second).Unix()
	}
	if c.Exp == 0 {
		c.Exp = c.Iat + 3600
	}
	if kid == "" {
		kid = sa.PrivateKeyID
	}
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": kid})
	cb, _ := json.Marshal(c)
	signed := b64(h) + "." + b64(cb)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, sa.key, crypto.SHA256, sum[:])
	Expect(err).NotTo(HaveOccurred())
	return signed + "." + b64(sig)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

type answer struct {
	status int
	header http.Header
	body   string
	json   map[string]any
}

func (v *env) do(r *http.Request) answer {
	rec := httptest.NewRecorder()
	v.h.ServeHTTP(rec, r)
	a := answer{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
	_ = json.Unmarshal(rec.Body.Bytes(), &a.json)
	return a
}

func (v *env) tokenRequest(form url.Values) answer {
	r := httptest.NewRequest(http.MethodPost, "http://oauth2.googleapis.com/token", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return v.do(r)
}

func (v *env) exchange(assertion string) answer {
	return v.tokenRequest(url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {assertion}})
}

// bearer gets an access token for the project "chat".
func (v *env) bearer() string {
	a := v.exchange(v.jwt(v.sa, "", claims{}))
	Expect(a.status).To(Equal(http.StatusOK), a.body)
	return a.json["access_token"].(string)
}

func (v *env) sendAs(bearer, project, body string) answer {
	r := httptest.NewRequest(http.MethodPost, "http://fcm.googleapis.com/v1/projects/"+project+"/messages:send", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		r.Header.Set("Authorization", "Bearer "+bearer)
	}
	return v.do(r)
}

// send posts a body for project "chat" with a fresh bearer token.
func (v *env) send(body string) answer { return v.sendAs(v.bearer(), v.app.ID, body) }

// msg builds a send body for the phone's token with extra message fields
// (a JSON object's inner text, may be "").
func (v *env) msg(fields string) string { return msgFor(v.phone.Token, fields) }

func msgFor(token, fields string) string {
	if fields != "" {
		fields = "," + fields
	}
	return `{"message":{"token":` + quote(token) + fields + `}}`
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// fcmError reads the google.rpc answer: status string and FcmError code.
func fcmError(a answer) (status, code string) {
	e, _ := a.json["error"].(map[string]any)
	status, _ = e["status"].(string)
	details, _ := e["details"].([]any)
	for _, d := range details {
		m, _ := d.(map[string]any)
		if m["@type"] == "type.googleapis.com/google.firebase.fcm.v1.FcmError" {
			code, _ = m["errorCode"].(string)
		}
	}
	return status, code
}

func errMessage(a answer) string {
	e, _ := a.json["error"].(map[string]any)
	s, _ := e["message"].(string)
	return s
}

func (v *env) shade(dev string) world.Shade {
	s, err := v.w.Shade(dev)
	Expect(err).NotTo(HaveOccurred())
	return s
}

func (v *env) lastRequest() world.Entry {
	es := v.w.Ledger(world.Filter{Vendor: fcm.Vendor, Kind: world.KindRequest})
	Expect(es).NotTo(BeEmpty())
	return es[len(es)-1]
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
