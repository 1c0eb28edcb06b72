package faults_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/world"
)

// toy is a vendor with a form API: app=<name>&token=<t>,<t>; it answers
// {"code":0,"tokens":N} and records each request in the ledger.
type toy struct {
	w    *world.World
	hits *atomic.Int32
}

func (t toy) Name() string               { return "toy" }
func (t toy) Hosts() []string            { return []string{"push.toy.test"} }
func (t toy) NewToken(*world.App) string { return "toy-" + t.w.RandString(8, world.Alnum) }
func (t toy) DemoApp(*world.App)         {}
func (t toy) Rules() []world.Rule        { return nil }
func (t toy) FaultTarget(r *http.Request, body []byte) (string, []string) {
	f, _ := url.ParseQuery(string(body))
	var tokens []string
	if s := f.Get("token"); s != "" {
		tokens = strings.Split(s, ",")
	}
	return f.Get("app"), tokens
}
func (t toy) FaultAnswer(code string, r *http.Request) (int, http.Header, []byte) {
	b, _ := json.Marshal(map[string]string{"toy_error": code})
	return http.StatusOK, http.Header{"Content-Type": {"application/json"}}, b
}
func (t toy) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.hits.Add(1)
		body, _ := io.ReadAll(r.Body)
		app, tokens := t.FaultTarget(r, body)
		t.w.Record(world.Entry{Kind: world.KindRequest, Vendor: "toy", App: app, Tokens: tokens, Verdict: world.VerdictAccepted, Code: "0"})
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"code": 0, "tokens": len(tokens), "pad": strings.Repeat("x", 64)})
	})
}

// newToy is a server with only the toy vendor on a virtual clock.
func newToy(seed uint64) (*emulators.Server, *world.VirtualClock, *atomic.Int32) {
	hits := new(atomic.Int32)
	clock := world.NewVirtualClock(time.Date(2026, 11, 25, 10, 0, 0, 0, world.Shanghai))
	srv := emulators.New(emulators.Options{Clock: clock, Seed: seed, Vendors: []func(*world.World) world.Vendor{
		func(w *world.World) world.Vendor { return toy{w: w, hits: hits} },
	}})
	return srv, clock, hits
}

// post sends a form to the toy vendor and returns status, header and body.
func post(c *http.Client, base, form string) (*http.Response, []byte, error) {
	resp, err := c.Post(base+"/toy/send", "application/x-www-form-urlencoded", strings.NewReader(form))
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

// control sends a control-plane request with a JSON body.
func control(srv *emulators.Server, method, path string, body any) (*http.Response, []byte) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		if s, ok := body.(string); ok {
			b = []byte(s)
		}
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, srv.URL()+"/_pushsim"+path, rd)
	resp, err := srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

type atomicInt = atomic.Int32

// fakeT stands in for the *testing.T emulators.Start takes, so specs run
// the cleanups when they choose.
type fakeT struct {
	testing.TB
	cleanups []func()
}

func (t *fakeT) Helper()          {}
func (t *fakeT) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }
func (t *fakeT) cleanup() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}
