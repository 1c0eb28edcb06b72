package meizu_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/meizu"
	"github.com/pushsim/pushsim/emulators/world"
)

// fixture is one Meizu world on a loopback port with a virtual clock.
type fixture struct {
	srv   *emulators.Server
	clock *world.VirtualClock
	w     *world.World
	app   world.App
}

// start is 10:00 in Shanghai.
var start = time.Date(2026, 11, 25, 10, 0, 0, 0, world.Shanghai)

func newFixture(edit func(*world.App)) *fixture {
	clock := world.NewVirtualClock(start)
	srv := emulators.New(emulators.Options{Clock: clock, Vendors: []func(*world.World) world.Vendor{meizu.New}})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	hs := srv.Listen(l)
	DeferCleanup(hs.Close)
	app := world.App{Vendor: "meizu", Name: "chat", Package: "com.example.chat"}
	srv.Vendor("meizu").DemoApp(&app)
	if edit != nil {
		edit(&app)
	}
	_, err = srv.World.AddApp(app)
	Expect(err).NotTo(HaveOccurred())
	return &fixture{srv: srv, clock: clock, w: srv.World, app: app}
}

// phone registers a phone of the fixture's app.
func (f *fixture) phone(name string, edit ...func(*world.Device)) world.Device {
	GinkgoHelper()
	d := world.Device{Vendor: "meizu", App: f.app.Name, Name: name, Token: f.srv.Vendor("meizu").NewToken(&f.app)}
	for _, fn := range edit {
		fn(&d)
	}
	d, err := f.w.Register(d)
	Expect(err).NotTo(HaveOccurred())
	return d
}

// reply is Meizu's envelope; value stays raw (an object or "").
type reply struct {
	Code     string          `json:"code"`
	Message  string          `json:"message"`
	Value    json.RawMessage `json:"value"`
	Redirect *string         `json:"redirect"`
	MsgID    string          `json:"msgId"`
}

// failed decodes value as the per-target map.
func (r reply) failed() map[string][]string {
	GinkgoHelper()
	m := map[string][]string{}
	Expect(json.Unmarshal(r.Value, &m)).To(Succeed(), string(r.Value))
	return m
}

// postRaw posts a form body as it is and decodes the answer.
func (f *fixture) postRaw(path, body string) (int, reply) {
	GinkgoHelper()
	resp, err := http.Post(f.srv.BaseURL("meizu")+path, "application/x-www-form-urlencoded;charset=UTF-8", strings.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	Expect(resp.Header.Get("Content-Type")).To(HavePrefix("application/json"))
	b, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	var r reply
	Expect(json.Unmarshal(b, &r)).To(Succeed(), string(b))
	return resp.StatusCode, r
}

// signed adds appId (when absent) and a sign made with the app's secret.
func (f *fixture) signed(form map[string]string) url.Values {
	if _, ok := form["appId"]; !ok {
		form["appId"] = f.app.ID
	}
	form["sign"] = meizu.Sign(form, f.app.Secret)
	v := url.Values{}
	for k, x := range form {
		v.Set(k, x)
	}
	return v
}

// push signs and posts a notification to pushIds.
func (f *fixture) push(pushIDs string, msg any) reply {
	GinkgoHelper()
	return f.pushTo(meizu.PathPushByPushID, "pushIds", pushIDs, msg)
}

func (f *fixture) pushTo(path, field, targets string, msg any) reply {
	GinkgoHelper()
	status, r := f.postRaw(path, f.signed(map[string]string{field: targets, "messageJson": text(msg)}).Encode())
	Expect(status).To(Equal(http.StatusOK))
	return r
}

// text is msg as JSON text (a string is taken as it is).
func text(msg any) string {
	if s, ok := msg.(string); ok {
		return s
	}
	b, err := json.Marshal(msg)
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

// notice is a notification message with the given noticeMsgType and more
// top-level objects.
func notice(title, content string, msgType int, more ...map[string]any) map[string]any {
	m := map[string]any{"noticeBarInfo": map[string]any{"noticeMsgType": msgType, "title": title, "content": content}}
	for _, x := range more {
		for k, v := range x {
			m[k] = v
		}
	}
	return m
}

// private is an IM message (noticeMsgType 1).
func private(content string) map[string]any { return notice("Bob", content, 1) }

func (f *fixture) shade(name string) world.Shade {
	GinkgoHelper()
	s, err := f.w.Shade(name)
	Expect(err).NotTo(HaveOccurred())
	return s
}

// lastRequest is the newest request entry of the ledger.
func (f *fixture) lastRequest() world.Entry {
	GinkgoHelper()
	es := f.w.Ledger(world.Filter{Kind: world.KindRequest, Limit: 1})
	Expect(es).To(HaveLen(1))
	return es[0]
}
