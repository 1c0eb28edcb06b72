package huawei_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/huawei"
	"github.com/pushsim/pushsim/emulators/world"
)

// start is 10:00 in Shanghai, so "today" is unambiguous.
var start = time.Date(2026, 11, 25, 10, 0, 0, 0, world.Shanghai)

// fixture is a world with the Huawei emulator behind a loopback server.
type fixture struct {
	clock *world.VirtualClock
	w     *world.World
	v     world.Vendor
	srv   *httptest.Server
	app   *world.App
	cache map[string]cachedToken
}

type cachedToken struct {
	token  string
	issued time.Time
}

func newFixture() *fixture {
	f := &fixture{clock: world.NewVirtualClock(start), cache: map[string]cachedToken{}}
	f.w = world.New(world.Options{Clock: f.clock, Seed: 7})
	f.v = huawei.New(f.w)
	f.srv = httptest.NewServer(f.v.Handler())
	DeferCleanup(f.srv.Close)
	f.app = f.addApp(world.App{Name: "chat", Privileges: []string{huawei.PrivSelfClassification}})
	return f
}

func (f *fixture) addApp(a world.App) *world.App {
	a.Vendor = "huawei"
	f.v.DemoApp(&a)
	stored, err := f.w.AddApp(a)
	Expect(err).NotTo(HaveOccurred())
	return stored
}

func (f *fixture) update(name string, change func(*world.App)) {
	a, ok := f.w.App("huawei", name)
	Expect(ok).To(BeTrue())
	change(a)
	Expect(f.w.UpdateApp(*a)).To(Succeed())
}

func (f *fixture) phone(app *world.App, name string) world.Device {
	d, err := f.w.Register(world.Device{Vendor: "huawei", App: app.Name, Name: name, Token: f.v.NewToken(app)})
	Expect(err).NotTo(HaveOccurred())
	return d
}

func (f *fixture) shade(d world.Device) world.Shade {
	s, err := f.w.Shade(d.ID)
	Expect(err).NotTo(HaveOccurred())
	return s
}

type oauthReply struct {
	status int
	header http.Header
	body   map[string]any
}

func (f *fixture) postToken(path, body string) oauthReply {
	resp, err := http.Post(f.srv.URL+path, "application/x-www-form-urlencoded", strings.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	var m map[string]any
	Expect(json.NewDecoder(resp.Body).Decode(&m)).To(Succeed())
	return oauthReply{resp.StatusCode, resp.Header, m}
}

func (f *fixture) accessToken(app *world.App) string {
	r := f.postToken("/oauth2/v3/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ID}, "client_secret": {app.Secret}}.Encode())
	Expect(r.status).To(Equal(http.StatusOK), "%v", r.body)
	return r.body["access_token"].(string)
}

// result is the send API's reply.
type result struct {
	Status    int    `json:"-"`
	Code      string `json:"code"`
	Msg       string `json:"msg"`
	RequestID string `json:"requestId"`
}

func (f *fixture) sendRaw(appID, bearer string, body []byte) result {
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/v1/"+appID+"/messages:send", bytes.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
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

// send posts a message (a Go value marshalled to JSON) for the fixture's app.
func (f *fixture) send(body any) result {
	return f.sendAs(f.app, body)
}

func (f *fixture) sendAs(app *world.App, body any) result {
	b, err := json.Marshal(body)
	Expect(err).NotTo(HaveOccurred())
	c, ok := f.cache[app.ID]
	if !ok || f.clock.Now().Sub(c.issued) > 30*time.Minute {
		c = cachedToken{f.accessToken(app), f.clock.Now()}
		f.cache[app.ID] = c
	}
	return f.sendRaw(app.ID, c.token, b)
}

// obj is shorthand for JSON objects in specs.
type obj = map[string]any

// notify builds a service IM notification to tokens, with extra android
// and android.notification fields.
func notify(tokens []string, android, an obj) obj {
	n := obj{"title": "Alice", "body": "hello", "click_action": obj{"type": 3}}
	for k, v := range an {
		n[k] = v
	}
	a := obj{"category": "IM", "notification": n}
	for k, v := range android {
		a[k] = v
	}
	return obj{"message": obj{"android": a, "token": tokens}}
}

func toks(ds ...world.Device) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Token
	}
	return out
}
