package honor_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/honor"
	"github.com/pushsim/pushsim/emulators/world"
)

// start is 10:00 in Shanghai, so "today" is unambiguous.
var start = time.Date(2026, 11, 25, 10, 0, 0, 0, world.Shanghai)

// fixture is a world with the Honor emulator behind a loopback server.
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
	f.v = honor.New(f.w)
	f.srv = httptest.NewServer(f.v.Handler())
	DeferCleanup(f.srv.Close)
	f.app = f.addApp(world.App{Name: "chat"})
	return f
}

func (f *fixture) addApp(a world.App) *world.App {
	a.Vendor = honor.Vendor
	f.v.DemoApp(&a)
	stored, err := f.w.AddApp(a)
	Expect(err).NotTo(HaveOccurred())
	return stored
}

func (f *fixture) update(name string, change func(*world.App)) {
	a, ok := f.w.App(honor.Vendor, name)
	Expect(ok).To(BeTrue())
	change(a)
	Expect(f.w.UpdateApp(*a)).To(Succeed())
}

func (f *fixture) phone(app *world.App, name string) world.Device {
	d, err := f.w.Register(world.Device{Vendor: honor.Vendor, App: app.Name, Name: name, Token: f.v.NewToken(app)})
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

func creds(app *world.App) string {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {app.Key}, "client_secret": {app.Secret}}.Encode()
}

func (f *fixture) accessToken(app *world.App) string {
	r := f.postToken(honor.TokenPath, creds(app))
	Expect(r.status).To(Equal(http.StatusOK), "%v", r.body)
	return r.body["access_token"].(string)
}

// reply is the send API's answer.
type reply struct {
	Status  int    `json:"-"`
	Raw     string `json:"-"`
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    struct {
		SendResult   bool     `json:"sendResult"`
		RequestID    string   `json:"requestId"`
		FailTokens   []string `json:"failTokens"`
		ExpireTokens []string `json:"expireTokens"`
	} `json:"data"`
}

// sendRaw posts body with the Authorization header auth ("" = none) and
// the timestamp header ts ("" = none).
func (f *fixture) sendRaw(appID, auth, ts string, body []byte) reply {
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/"+appID+"/sendMessage", bytes.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if ts != "" {
		req.Header.Set("timestamp", ts)
	}
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	var r reply
	Expect(json.Unmarshal(raw, &r)).To(Succeed(), string(raw))
	r.Status, r.Raw = resp.StatusCode, string(raw)
	return r
}

func (f *fixture) bearer(app *world.App) string {
	c, ok := f.cache[app.ID]
	if !ok || f.clock.Now().Sub(c.issued) > 30*time.Minute {
		c = cachedToken{f.accessToken(app), f.clock.Now()}
		f.cache[app.ID] = c
	}
	return "Bearer " + c.token
}

func (f *fixture) ms() string { return strconv.FormatInt(f.clock.Now().UnixMilli(), 10) }

// send posts a message (a Go value marshalled to JSON) for the fixture's app.
func (f *fixture) send(body any) reply { return f.sendAs(f.app, body) }

func (f *fixture) sendAs(app *world.App, body any) reply {
	b, err := json.Marshal(body)
	Expect(err).NotTo(HaveOccurred())
	return f.sendRaw(app.ID, f.bearer(app), f.ms(), b)
}

// obj is shorthand for JSON objects in specs.
type obj = map[string]any

// notify builds a service notification to tokens with extra android and
// android.notification fields.
func notify(tokens []string, android, an obj) obj {
	n := obj{"title": "Alice", "body": "hello", "clickAction": obj{"type": 3}, "importance": "NORMAL"}
	for k, v := range an {
		n[k] = v
	}
	a := obj{"notification": n}
	for k, v := range android {
		a[k] = v
	}
	return obj{"android": a, "token": tokens}
}

func toks(ds ...world.Device) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Token
	}
	return out
}

func stringsReader(s string) io.Reader { return strings.NewReader(s) }
