package xiaomi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
	"github.com/pushsim/pushsim/emulators/xiaomi"
)

// apiWorld is the fixture of the APIs beside the single sends: app chat
// with phones alice (alias "al") and bob, app other with dave, on a virtual
// clock.
type apiWorld struct {
	clock *world.VirtualClock
	w     *world.World
	h     http.Handler
	app   *world.App
}

func newAPIWorld(options ...func(*world.Options)) *apiWorld {
	GinkgoHelper()
	x := &apiWorld{clock: world.NewVirtualClock(start)}
	opts := world.Options{Clock: x.clock, Seed: 11}
	for _, o := range options {
		o(&opts)
	}
	x.w = world.New(opts)
	v := xiaomi.New(x.w)
	x.h = v.Handler()
	for _, name := range []string{"chat", "other"} {
		a := world.App{Vendor: "xiaomi", Name: name}
		v.DemoApp(&a)
		added, err := x.w.AddApp(a)
		Expect(err).NotTo(HaveOccurred())
		if name == "chat" {
			x.app = added
		}
	}
	for _, p := range []struct{ name, app string }{{"alice", "chat"}, {"bob", "chat"}, {"dave", "other"}} {
		a, _ := x.w.App("xiaomi", p.app)
		_, err := x.w.Register(world.Device{ID: p.name, Vendor: "xiaomi", App: p.app, Token: v.NewToken(a)})
		Expect(err).NotTo(HaveOccurred())
	}
	Expect(xiaomi.SetAlias(x.w, "chat", "al", x.token("alice"))).To(Succeed())
	return x
}

func (x *apiWorld) token(id string) string { return mustToken(x.w, id) }

// do sends a request signed with app chat's secret and returns the raw answer.
func (x *apiWorld) do(method, path string, f url.Values) (int, string) {
	GinkgoHelper()
	var r *http.Request
	if method == http.MethodGet {
		r = httptest.NewRequest(method, path+"?"+f.Encode(), nil)
	} else {
		r = httptest.NewRequest(method, path, strings.NewReader(f.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	}
	r.Header.Set("Authorization", "key="+x.app.Secret)
	rec := httptest.NewRecorder()
	x.h.ServeHTTP(rec, r)
	return rec.Code, rec.Body.String()
}

func (x *apiWorld) post(path string, f url.Values) reply {
	GinkgoHelper()
	status, raw := x.do(http.MethodPost, path, f)
	out := reply{Status: status, Raw: raw}
	Expect(json.Unmarshal([]byte(raw), &out)).To(Succeed(), raw)
	return out
}

// titles lists the titles a phone shows, oldest first.
func (x *apiWorld) titles(id string) []string {
	GinkgoHelper()
	s, err := x.w.Shade(id)
	Expect(err).NotTo(HaveOccurred())
	out := []string{}
	for _, n := range s.Shown {
		out = append(out, n.Title)
	}
	return out
}

func (x *apiWorld) lastRequest() world.Entry {
	GinkgoHelper()
	l := x.w.Ledger(world.Filter{Kind: world.KindRequest, Limit: 1})
	Expect(l).To(HaveLen(1))
	return l[0]
}

// expectError checks Xiaomi's error shape, code and the ledger's rule.
func (x *apiWorld) expectError(r reply, code int, rule string) {
	GinkgoHelper()
	Expect(r.Status).To(Equal(http.StatusOK))
	Expect(r.Result).To(Equal("error"), r.Raw)
	Expect(r.Code).To(Equal(code), r.Raw)
	Expect(r.Description).NotTo(BeEmpty())
	Expect(r.Description).NotTo(Equal("未知错误"), r.Raw)
	Expect(r.TraceID).NotTo(BeEmpty())
	e := x.lastRequest()
	Expect(e.Verdict).To(Equal(world.VerdictRejected))
	Expect(e.Rule).To(Equal(rule), e.Reason)
}
