package oppo_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/oppo"
	"github.com/pushsim/pushsim/emulators/world"
)

// fixture is one OPPO world on a loopback port with a virtual clock.
type fixture struct {
	srv   *emulators.Server
	clock *world.VirtualClock
	w     *world.World
	app   world.App
}

// start is 10:00 in Shanghai on a Sunday.
var start = time.Date(2026, 3, 1, 10, 0, 0, 0, world.Shanghai)

func newFixture(edit func(*world.App)) *fixture {
	clock := world.NewVirtualClock(start)
	srv := emulators.New(emulators.Options{Clock: clock, Vendors: []func(*world.World) world.Vendor{oppo.New}})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	hs := srv.Listen(l)
	DeferCleanup(hs.Close)
	app := world.App{Vendor: "oppo", Name: "chat", Package: "com.example.chat"}
	srv.Vendor("oppo").DemoApp(&app)
	if edit != nil {
		edit(&app)
	}
	_, err = srv.World.AddApp(app)
	Expect(err).NotTo(HaveOccurred())
	return &fixture{srv: srv, clock: clock, w: srv.World, app: app}
}

// phone registers a phone of the fixture's app.
func (f *fixture) phone(name string, api int, edit ...func(*world.Device)) world.Device {
	d := world.Device{Vendor: "oppo", App: f.app.Name, Name: name, Android: api, Token: f.srv.Vendor("oppo").NewToken(&f.app)}
	for _, fn := range edit {
		fn(&d)
	}
	d, err := f.w.Register(d)
	Expect(err).NotTo(HaveOccurred())
	return d
}

type reply struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

func (f *fixture) post(path string, form url.Values) reply {
	GinkgoHelper()
	resp, err := http.PostForm(f.srv.BaseURL("oppo")+path, form)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	Expect(resp.StatusCode).To(Equal(http.StatusOK))
	Expect(resp.Header.Get("Content-Type")).To(HavePrefix("application/json"))
	b, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	var r reply
	Expect(json.Unmarshal(b, &r)).To(Succeed(), string(b))
	return r
}

func sign(key, ts, secret string) string {
	sum := sha256.Sum256([]byte(key + ts + secret))
	return hex.EncodeToString(sum[:])
}

func (f *fixture) authForm(at time.Time) url.Values {
	ts := strconv.FormatInt(at.UnixMilli(), 10)
	return url.Values{"app_key": {f.app.Key}, "timestamp": {ts}, "sign": {sign(f.app.Key, ts, f.app.Secret)}}
}

// token authenticates and returns a fresh auth_token.
func (f *fixture) token() string {
	GinkgoHelper()
	r := f.post(oppo.PathAuth, f.authForm(f.clock.Now()))
	Expect(r.Code).To(Equal(0), r.Message)
	var data struct {
		AuthToken  string `json:"auth_token"`
		CreateTime int64  `json:"create_time"`
	}
	Expect(json.Unmarshal(r.Data, &data)).To(Succeed())
	return data.AuthToken
}

// imNotification is a valid private IM notification on the "im" channel.
func (f *fixture) imNotification() map[string]any {
	return map[string]any{
		"title": "Bob", "content": "hello", "channel_id": "im", "category": "IM",
		"private_msg_template_id": f.app.Extra["private_msg_template_id"],
	}
}

func msg(target string, n map[string]any) map[string]any {
	return map[string]any{"target_type": 2, "target_value": target, "notification": n}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

func (f *fixture) unicast(tok string, m any) reply {
	GinkgoHelper()
	s, ok := m.(string)
	if !ok {
		s = mustJSON(m)
	}
	return f.post(oppo.PathUnicast, url.Values{"auth_token": {tok}, "message": {s}})
}

func (f *fixture) batch(tok string, ms any) reply {
	GinkgoHelper()
	s, ok := ms.(string)
	if !ok {
		s = mustJSON(ms)
	}
	return f.post(oppo.PathUnicastBatch, url.Values{"auth_token": {tok}, "messages": {s}})
}

func (f *fixture) shade(name string) world.Shade {
	GinkgoHelper()
	s, err := f.w.Shade(name)
	Expect(err).NotTo(HaveOccurred())
	return s
}

func messageID(r reply) string {
	GinkgoHelper()
	var d struct {
		MessageID string `json:"messageId"`
	}
	Expect(json.Unmarshal(r.Data, &d)).To(Succeed())
	return d.MessageID
}

func repeat(s string, n int) string { return strings.Repeat(s, n) }
