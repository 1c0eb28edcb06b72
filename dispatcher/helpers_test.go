package dispatcher_test

import (
	"context"
	"fmt"
	"sync"
	"time"

	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/dispatcher/push"
)

// fakeClock is a virtual clock whose Sleep advances it.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	slept []time.Duration
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.slept = append(c.slept, d)
	c.mu.Unlock()
	return ctx.Err()
}

func (c *fakeClock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

// call is one Send a fake vendor client received.
type call struct {
	BusinessID int
	Push       push.Push
	Tokens     []string
}

// fakeVendors records every client call of every vendor and answers with
// answer (nil = sent).
type fakeVendors struct {
	mu     sync.Mutex
	calls  []call
	answer func(n int, c call, token string) push.Result
}

func (f *fakeVendors) builders() map[string]push.NewClient {
	m := map[string]push.NewClient{}
	for _, v := range dispatcher.Vendors {
		m[v] = func(cert push.Certificate, _ push.Options) (push.Client, error) {
			return &fakeClient{f: f, cert: cert}, nil
		}
	}
	return m
}

func (f *fakeVendors) Calls() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

// CallsTo returns the calls made with one certificate.
func (f *fakeVendors) CallsTo(bid int) []call {
	var out []call
	for _, c := range f.Calls() {
		if c.BusinessID == bid {
			out = append(out, c)
		}
	}
	return out
}

type fakeClient struct {
	f    *fakeVendors
	cert push.Certificate
}

func (c *fakeClient) Vendor() string { return c.cert.Vendor }

func (c *fakeClient) Send(_ context.Context, p push.Push, tokens []string) []push.Result {
	cl := call{BusinessID: c.cert.BusinessID, Push: p, Tokens: append([]string(nil), tokens...)}
	c.f.mu.Lock()
	c.f.calls = append(c.f.calls, cl)
	n := len(c.f.calls)
	answer := c.f.answer
	c.f.mu.Unlock()
	out := make([]push.Result, 0, len(tokens))
	for _, t := range tokens {
		r := push.Result{Kind: push.Sent, Code: "0", MessageID: fmt.Sprintf("vm-%d", n)}
		if answer != nil {
			r = answer(n, cl, t)
		}
		r.Token = t
		out = append(out, r)
	}
	return out
}

const saJSON = `{"type":"service_account","project_id":"demo-proj","client_email":"push@demo-proj.iam.gserviceaccount.com","private_key":"-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"}`

const intent = "intent://com.example.chat/detail#Intent;scheme=pushscheme;launchFlags=0x4000000;component=com.example.chat/com.example.chat.MainActivity;end"

// Business ids of the test certificates.
const (
	bidXiaomi = 1001
	bidHuawei = 1002
	bidOPPO   = 1003
	bidVivo   = 1004
	bidMeizu  = 1005
	bidFCM    = 1006
)

func testCerts() []push.Certificate {
	return []push.Certificate{
		{BusinessID: bidXiaomi, Vendor: "xiaomi", AppSecret: "xs", Package: "com.example.chat", Channel: "im-private", Sound: "cert_ring",
			Click: push.Click{Type: "intent", Target: intent}},
		{BusinessID: bidHuawei, Vendor: "huawei", AppID: "hid", AppSecret: "hs", Package: "com.example.chat", Category: "IM", Sound: "cert_ring",
			Click: push.Click{Type: "intent", Target: intent}},
		{BusinessID: bidOPPO, Vendor: "oppo", AppKey: "ok", MasterSecret: "oms", Package: "com.example.chat", Channel: "im-cert", Category: "IM",
			NotifyLevel: 2, TemplateID: "tpl", Sound: "cert_ring", Click: push.Click{Type: "activity", Target: "com.example.chat.MainActivity"}},
		{BusinessID: bidVivo, Vendor: "vivo", AppID: "1", AppKey: "vk", AppSecret: "vs", Package: "com.example.chat", Classification: 1, Category: "IM",
			Click: push.Click{Type: "intent", Target: intent}},
		{BusinessID: bidMeizu, Vendor: "meizu", AppID: "2", AppSecret: "ms", Package: "com.example.chat", NoticeMsgType: 1,
			Click: push.Click{Type: "activity", Target: "com.example.chat.MainActivity"}},
		{BusinessID: bidFCM, Vendor: "fcm", ServiceAccount: saJSON, Package: "com.example.chat", Sound: "cert_ring"},
	}
}

// rig is a dispatcher on a virtual clock with fake vendor clients.
type rig struct {
	d      *dispatcher.Dispatcher
	clock  *fakeClock
	vendor *fakeVendors
}

func newRig(mod ...func(*dispatcher.Config)) *rig {
	r := &rig{clock: newClock(), vendor: &fakeVendors{}}
	cfg := dispatcher.Config{
		Certificates: testCerts(),
		Now:          r.clock.Now,
		Sleep:        r.clock.Sleep,
		Clients:      r.vendor.builders(),
		Seed:         42,
	}
	for _, f := range mod {
		f(&cfg)
	}
	d, err := dispatcher.New(cfg)
	Expect(err).NotTo(HaveOccurred())
	r.d = d
	return r
}

// away logs a device in, reports its token and sends the app to the background.
func (r *rig) away(user, device string, bid int, token string, unread int) {
	Expect(r.d.Login(user, device)).To(Succeed())
	Expect(r.d.ReportToken(user, device, bid, token)).To(Succeed())
	Expect(r.d.Background(user, device, unread)).To(Succeed())
}

// send sends m and returns its outcomes.
func (r *rig) send(m dispatcher.Message) []dispatcher.Outcome {
	id, err := r.d.Send(context.Background(), m)
	Expect(err).NotTo(HaveOccurred())
	return r.d.Outcomes(dispatcher.OutcomeFilter{MessageID: id})
}

// only returns the single outcome of a 1:1 message to one device.
func only(outs []dispatcher.Outcome) dispatcher.Outcome {
	ExpectWithOffset(1, outs).To(HaveLen(1))
	return outs[0]
}

func ctx() context.Context { return context.Background() }
