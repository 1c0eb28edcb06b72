package apns_test

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/apns"
	"github.com/pushsim/pushsim/emulators/world"
)

var start = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// env is one world with the APNs emulator: team A's app "chat" with the
// phone alice, and team B's app "other" with the phone bob. Requests go in
// memory through the emulators' client, by APNs' real host names.
type env struct {
	clock *world.VirtualClock
	s     *emulators.Server
	w     *world.World
	v     world.Vendor
	hc    *http.Client
	app   *world.App
	other *world.App
	alice world.Device
	bob   world.Device
	host  string // https://api.push.apple.com or the sandbox
}

func newEnv(mod ...func(*world.App)) *env {
	clock := world.NewVirtualClock(start)
	s := emulators.New(emulators.Options{Clock: clock, Seed: 5, Vendors: []func(*world.World) world.Vendor{apns.New}})
	v := &env{clock: clock, s: s, w: s.World, v: s.Vendor(apns.Vendor), hc: s.Client(), host: "https://" + apns.HostProduction}
	v.app = v.addApp("chat", mod...)
	v.other = v.addApp("other")
	v.alice = v.register(v.app, "alice", nil)
	v.bob = v.register(v.other, "bob", nil)
	return v
}

func (v *env) addApp(name string, mod ...func(*world.App)) *world.App {
	a := world.App{Vendor: apns.Vendor, Name: name}
	for _, m := range mod {
		m(&a)
	}
	v.v.DemoApp(&a)
	stored, err := v.w.AddApp(a)
	Expect(err).NotTo(HaveOccurred())
	return stored
}

func (v *env) register(app *world.App, name string, mod func(*world.Device)) world.Device {
	d := world.Device{Vendor: apns.Vendor, App: app.Name, Name: name, Platform: "ios", Token: v.v.NewToken(app)}
	if mod != nil {
		mod(&d)
	}
	d, err := v.w.Register(d)
	Expect(err).NotTo(HaveOccurred())
	return d
}

// signer makes provider tokens for an app's key.
func signer(app *world.App) *ecdsa.PrivateKey {
	blk, _ := pem.Decode([]byte(app.Extra[apns.ExtraP8]))
	Expect(blk).NotTo(BeNil())
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	Expect(err).NotTo(HaveOccurred())
	return k.(*ecdsa.PrivateKey)
}

func b64(v any) string {
	b, err := json.Marshal(v)
	Expect(err).NotTo(HaveOccurred())
	return base64.RawURLEncoding.EncodeToString(b)
}

// jwtWith signs header and claims with the app's key; der picks the
// signature encoding (DER instead of JWS R‖S).
func jwtWith(app *world.App, header, claims map[string]any, der bool) string {
	in := b64(header) + "." + b64(claims)
	sum := sha256.Sum256([]byte(in))
	key := signer(app)
	var sig []byte
	if der {
		var err error
		sig, err = ecdsa.SignASN1(rand.Reader, key, sum[:])
		Expect(err).NotTo(HaveOccurred())
	} else {
		r, s, err := ecdsa.Sign(rand.Reader, key, sum[:])
		Expect(err).NotTo(HaveOccurred())
		sig = make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
	}
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// jwt is a valid provider token for app issued at iat.
func jwt(app *world.App, iat time.Time) string {
	return jwtWith(app, map[string]any{"alg": "ES256", "kid": app.Key}, map[string]any{"iss": app.ID, "iat": iat.Unix()}, false)
}

// answer is one APNs response.
type answer struct {
	Status    int
	ID        string
	UniqueID  string
	Reason    string `json:"reason"`
	Timestamp int64  `json:"timestamp"`
	Body      string
	Header    http.Header
}

// req is a request under construction.
type req struct {
	method string
	url    string
	header http.Header
	body   string
}

// push is a valid alert push to token from app, to be changed before do().
func (v *env) push(app *world.App, token string) *req {
	h := http.Header{}
	h.Set("authorization", "bearer "+jwt(app, v.clock.Now()))
	h.Set("apns-topic", app.Package)
	h.Set("apns-push-type", "alert")
	return &req{method: http.MethodPost, url: v.host + apns.PathPrefix + token, header: h,
		body: `{"aps":{"alert":{"title":"Bob","body":"are you there?"},"sound":"default"},"conv":"c1"}`}
}

func (r *req) set(k, val string) *req { r.header.Set(k, val); return r }
func (r *req) del(k string) *req      { r.header.Del(k); return r }
func (r *req) with(body string) *req  { r.body = body; return r }

func (v *env) do(r *req) answer {
	return doWith(v.hc, r)
}

func doWith(hc *http.Client, r *req) answer {
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr, err := http.NewRequest(r.method, r.url, body)
	Expect(err).NotTo(HaveOccurred())
	hr.Header = r.header
	resp, err := hc.Do(hr)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	a := answer{Status: resp.StatusCode, ID: resp.Header.Get("apns-id"), UniqueID: resp.Header.Get("apns-unique-id"), Body: string(b), Header: resp.Header}
	if len(b) > 0 {
		Expect(json.Unmarshal(b, &a)).To(Succeed(), "answer %s", b)
	}
	return a
}

func (v *env) shade(d world.Device) world.Shade {
	s, err := v.w.Shade(d.ID)
	Expect(err).NotTo(HaveOccurred())
	return s
}

func (v *env) lastRequest() world.Entry {
	es := v.w.Ledger(world.Filter{Vendor: apns.Vendor, Kind: world.KindRequest})
	Expect(es).NotTo(BeEmpty())
	return es[len(es)-1]
}

func hexOf(n int) string {
	const digits = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte(digits[(i*7+3)%16])
	}
	return b.String()
}

func itoa(n int) string { return strconv.Itoa(n) }
