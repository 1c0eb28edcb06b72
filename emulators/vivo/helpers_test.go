package vivo_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/vivo"
	"github.com/pushsim/pushsim/emulators/world"
)

// start is 10:00 in Shanghai on a Tuesday, inside the operation window.
var start = time.Date(2026, 3, 10, 10, 0, 0, 0, world.Shanghai)

// fixture is one vivo emulator over a fresh world on a loopback port, with
// a virtual clock and one demo app.
type fixture struct {
	clock *world.VirtualClock
	w     *world.World
	v     world.Vendor
	url   string
	app   world.App
}

func newFixture(edit func(*world.App)) *fixture {
	clock := world.NewVirtualClock(start)
	w := world.New(world.Options{Clock: clock})
	v := vivo.New(w)
	ts := httptest.NewServer(v.Handler())
	DeferCleanup(ts.Close)
	app := world.App{Vendor: "vivo", Name: "chat"}
	v.DemoApp(&app)
	if edit != nil {
		edit(&app)
	}
	_, err := w.AddApp(app)
	Expect(err).NotTo(HaveOccurred())
	return &fixture{clock: clock, w: w, v: v, url: ts.URL, app: app}
}

// phone registers a phone of the fixture's app.
func (f *fixture) phone(name string, edit ...func(*world.Device)) world.Device {
	GinkgoHelper()
	d := world.Device{Vendor: "vivo", App: f.app.Name, Name: name, Token: f.v.NewToken(&f.app)}
	for _, fn := range edit {
		fn(&d)
	}
	d, err := f.w.Register(d)
	Expect(err).NotTo(HaveOccurred())
	return d
}

// answer is vivo's reply envelope.
type answer struct {
	Result       int       `json:"result"`
	Desc         string    `json:"desc"`
	AuthToken    string    `json:"authToken"`
	TaskID       string    `json:"taskId"`
	InvalidUser  *invalid  `json:"invalidUser"`
	InvalidUsers []invalid `json:"invalidUsers"`
}

type invalid struct {
	Status int    `json:"status"`
	UserID string `json:"userid"`
}

type obj = map[string]any

// postRaw posts a body with an optional authToken header and decodes the answer.
func (f *fixture) postRaw(path, token string, body []byte) answer {
	GinkgoHelper()
	req, err := http.NewRequest(http.MethodPost, f.url+path, bytes.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	if token != "" {
		req.Header.Set("authToken", token)
	}
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	Expect(resp.StatusCode).To(Equal(http.StatusOK), string(b))
	Expect(resp.Header.Get("Content-Type")).To(HavePrefix("application/json"))
	var a answer
	Expect(json.Unmarshal(b, &a)).To(Succeed(), string(b))
	return a
}

func (f *fixture) post(path, token string, body obj) answer {
	GinkgoHelper()
	b, err := json.Marshal(body)
	Expect(err).NotTo(HaveOccurred())
	return f.postRaw(path, token, b)
}

// authBody is a correctly signed auth body at the clock's time, with appId
// and timestamp as JSON numbers (as the official SDK sends them).
func (f *fixture) authBody() obj {
	id, _ := strconv.Atoi(f.app.ID)
	ts := strconv.FormatInt(f.clock.Now().UnixMilli(), 10)
	return obj{"appId": id, "appKey": f.app.Key, "timestamp": f.clock.Now().UnixMilli(),
		"sign": vivo.Sign(f.app.ID, f.app.Key, ts, f.app.Secret)}
}

// token gets a fresh authToken.
func (f *fixture) token() string {
	GinkgoHelper()
	a := f.post("/message/auth", "", f.authBody())
	Expect(a.Result).To(Equal(0), a.Desc)
	Expect(a.AuthToken).NotTo(BeEmpty())
	return a.AuthToken
}

// msg is a valid system (IM) message to regID.
func msg(regID, requestID string) obj {
	return obj{
		"regId": regID, "notifyType": 4, "title": "Bob", "content": "晚上一起吃饭吗？",
		"skipType": 4, "skipContent": "intent:#Intent;component=com.example.chat/.Chat;S.conv=c_1;end",
		"classification": 1, "category": "IM", "requestId": requestID,
		"clientCustomMap": obj{"ext": `{"conv":"c_1"}`, "seq": "42"},
	}
}

// operation is a valid operation (marketing) message to regID.
func operation(regID, requestID, content string) obj {
	return obj{
		"regId": regID, "notifyType": 2, "title": "今日推荐", "content": content,
		"skipType": 1, "classification": 0, "requestId": requestID,
	}
}

func (f *fixture) shade(dev world.Device) world.Shade {
	GinkgoHelper()
	s, err := f.w.Shade(dev.ID)
	Expect(err).NotTo(HaveOccurred())
	return s
}

// advance moves the virtual clock and lets the world deliver what is due.
func (f *fixture) advance(d time.Duration) {
	f.clock.Advance(d)
	f.w.Tick()
}

func (f *fixture) set(t time.Time) {
	f.clock.Set(t)
	f.w.Tick()
}

func mustAtoi(s string) int {
	GinkgoHelper()
	n, err := strconv.Atoi(s)
	Expect(err).NotTo(HaveOccurred())
	return n
}

func (f *fixture) httpPost(path string) (int, error) {
	resp, err := http.Post(f.url+path, "application/json", bytes.NewReader([]byte("{}")))
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// requests lists the ledger's request entries for one path.
func (f *fixture) requests(path string) []world.Entry {
	var out []world.Entry
	for _, e := range f.w.Ledger(world.Filter{Vendor: "vivo", Kind: world.KindRequest}) {
		if e.Path == path {
			out = append(out, e)
		}
	}
	return out
}
