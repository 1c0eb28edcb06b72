package emulators_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/admin"
	"github.com/pushsim/pushsim/emulators/world"
	"github.com/pushsim/pushsim/emulators/xiaomi"
)

func decodeBody[T any](resp *http.Response) T {
	GinkgoHelper()
	defer resp.Body.Close()
	var v T
	b, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	Expect(json.Unmarshal(b, &v)).To(Succeed(), string(b))
	return v
}

var _ = Describe("Server", func() {
	var s *emulators.Server

	BeforeEach(func() {
		s = emulators.New(emulators.Options{Vendors: []func(*world.World) world.Vendor{newEcho}})
	})

	serve := func(host, target string) *httptest.ResponseRecorder {
		GinkgoHelper()
		method := http.MethodPost
		if strings.HasPrefix(target, "/_pushsim") || target == "/" {
			method = http.MethodGet
		}
		r := httptest.NewRequest(method, target, strings.NewReader("hello"))
		r.Host = host
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, r)
		return rec
	}
	echoOf := func(rec *httptest.ResponseRecorder) echoed {
		GinkgoHelper()
		var e echoed
		Expect(json.Unmarshal(rec.Body.Bytes(), &e)).To(Succeed(), rec.Body.String())
		return e
	}

	Describe("routing", func() {
		It("sends a vendor's real host to the vendor on the real path", func() {
			e := echoOf(serve("push.echo.test", "/v1/send?x=1"))
			Expect(e).To(Equal(echoed{Vendor: "echo", Host: "push.echo.test", Path: "/v1/send", Query: "x=1", Body: "hello"}))
		})
		It("matches the host whatever its case and port, and every host of the vendor", func() {
			Expect(echoOf(serve("PUSH.Echo.Test:443", "/v1/send")).Path).To(Equal("/v1/send"))
			Expect(echoOf(serve("auth.echo.test", "/oauth/token")).Path).To(Equal("/oauth/token"))
		})
		It("gives the real host everything, the control plane's path too", func() {
			Expect(echoOf(serve("push.echo.test", "/_pushsim/health")).Path).To(Equal("/_pushsim/health"))
		})
		It("strips the /<vendor> prefix on any other host", func() {
			e := echoOf(serve("127.0.0.1:4800", "/echo/v1/send?x=1"))
			Expect(e.Path).To(Equal("/v1/send"))
			Expect(e.Query).To(Equal("x=1"))
			Expect(e.Body).To(Equal("hello"))
			Expect(echoOf(serve("127.0.0.1:4800", "/echo")).Path).To(Equal("/"))
		})
		It("keeps escaped characters in the vendor's path", func() {
			e := echoOf(serve("127.0.0.1:4800", "/echo/v1/projects/a%2Fb:send"))
			Expect(e.Path).To(Equal("/v1/projects/a/b:send"))
			Expect(e.RawPath).To(Equal("/v1/projects/a%2Fb:send"))
		})
		It("sends /_pushsim to the control plane and the rest to problems", func() {
			rec := serve("127.0.0.1:4800", "/_pushsim/health")
			Expect(rec.Code).To(Equal(200))
			var h admin.Health
			Expect(json.Unmarshal(rec.Body.Bytes(), &h)).To(Succeed())
			Expect(h.Vendors).To(Equal([]string{"echo"}))

			for _, target := range []string{"/nope", "/nope/v1/send", "/echoes/v1"} {
				rec = serve("127.0.0.1:4800", target)
				Expect(rec.Code).To(Equal(404), target)
				Expect(rec.Header().Get("Content-Type")).To(Equal("application/problem+json"), target)
			}
			rec = serve("127.0.0.1:4800", "/")
			Expect(rec.Code).To(Equal(200))
			Expect(rec.Body.String()).To(ContainSubstring(`"base_url": "http://127.0.0.1:4800/echo"`))
		})
		It("serves a mounted UI outside vendors and the control plane", func() {
			s = emulators.New(emulators.Options{
				Vendors: []func(*world.World) world.Vendor{newEcho},
				UI:      http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "console "+r.URL.Path) }),
			})
			Expect(serve("127.0.0.1", "/").Body.String()).To(Equal("console /"))
			Expect(serve("127.0.0.1", "/assets/app.js").Body.String()).To(Equal("console /assets/app.js"))
			Expect(echoOf(serve("127.0.0.1", "/echo/v1")).Path).To(Equal("/v1"))
			Expect(serve("127.0.0.1", "/_pushsim/health").Code).To(Equal(200))
		})
		It("emulates every vendor pushsim knows by default", func() {
			all := emulators.New(emulators.Options{})
			Expect(all.Vendors()).To(ContainElement("xiaomi"))
			Expect(all.Vendor("xiaomi").Hosts()).To(ContainElement("api.xmpush.xiaomi.com"))
			Expect(all.Vendor("nokia")).To(BeNil())
		})
	})

	Describe("Start", func() {
		It("listens on a loopback port until the test's cleanup", func() {
			t := &fakeT{}
			started := emulators.Start(t, emulators.Options{Vendors: []func(*world.World) world.Vendor{newEcho}})
			Expect(started.URL()).To(MatchRegexp(`^http://127\.0\.0\.1:\d+$`))
			Expect(started.BaseURL("echo")).To(Equal(started.URL() + "/echo"))

			resp, err := http.Post(started.BaseURL("echo")+"/v1/send", "text/plain", strings.NewReader("over tcp"))
			Expect(err).NotTo(HaveOccurred())
			Expect(decodeBody[echoed](resp)).To(HaveField("Body", "over tcp"))
			resp, err = http.Get(started.URL() + "/_pushsim/health")
			Expect(err).NotTo(HaveOccurred())
			Expect(decodeBody[admin.Health](resp).Status).To(Equal("ok"))

			Expect(t.cleanups).To(HaveLen(1))
			t.cleanup()
			_, err = http.Get(started.URL() + "/_pushsim/health")
			Expect(err).To(HaveOccurred(), "the port is closed after cleanup")
		})
		It("ends open event streams on cleanup instead of hanging", func() {
			t := &fakeT{}
			started := emulators.Start(t, emulators.Options{})
			resp, err := http.Get(started.URL() + "/_pushsim/events")
			Expect(err).NotTo(HaveOccurred())
			defer resp.Body.Close()
			done := make(chan struct{})
			go func() { t.cleanup(); close(done) }()
			Eventually(done).WithTimeout(5 * time.Second).Should(BeClosed())
		})
	})

	Describe("Client", func() {
		It("reaches a vendor by its real host, with no port and no network", func() {
			resp, err := s.Client().Post("https://push.echo.test/v1/send", "text/plain", strings.NewReader("in memory"))
			Expect(err).NotTo(HaveOccurred())
			Expect(decodeBody[echoed](resp)).To(Equal(echoed{Vendor: "echo", Host: "push.echo.test", Path: "/v1/send", Body: "in memory"}))
		})
		It("reaches vendors and the control plane under URL() too", func() {
			Expect(s.URL()).NotTo(BeEmpty())
			resp, err := s.Client().Get(s.BaseURL("echo") + "/v1/x")
			Expect(err).NotTo(HaveOccurred())
			Expect(decodeBody[echoed](resp).Path).To(Equal("/v1/x"))
			resp, err = s.Client().Get(s.URL() + "/_pushsim/health")
			Expect(err).NotTo(HaveOccurred())
			Expect(decodeBody[admin.Health](resp).Status).To(Equal("ok"))
		})
		It("serves a request without a body or a path", func() {
			req, _ := http.NewRequest(http.MethodGet, "https://push.echo.test", nil)
			resp, err := s.Client().Do(req)
			Expect(err).NotTo(HaveOccurred())
			Expect(decodeBody[echoed](resp).Path).To(Equal("/"))
			req, _ = http.NewRequest(http.MethodGet, "http://127.0.0.1", nil)
			req.Host = ""
			resp, err = s.Client().Do(req)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.StatusCode).To(Equal(200))
			resp.Body.Close()
			Expect(req.Host).To(BeEmpty(), "the caller's request is not changed")
			Expect(req.URL.Path).To(BeEmpty(), "the caller's request is not changed")
		})
		It("answers as net/http's server would: status, sniffed type, length, headers", func() {
			ui := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/teapot":
					w.Header().Set("X-Kind", "teapot")
					w.WriteHeader(http.StatusTeapot)
					w.WriteHeader(http.StatusOK) // too late: ignored
					io.WriteString(w, "<html>short and stout</html>")
				default:
					w.Header().Set("Content-Type", "application/json")
					io.WriteString(w, `{"ok":true}`)
				}
			})
			s = emulators.New(emulators.Options{Vendors: []func(*world.World) world.Vendor{newEcho}, UI: ui})
			resp, err := s.Client().Get(s.URL() + "/teapot")
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.StatusCode).To(Equal(http.StatusTeapot))
			Expect(resp.Status).To(Equal("418 I'm a teapot"))
			Expect(resp.Header.Get("X-Kind")).To(Equal("teapot"))
			Expect(resp.Header.Get("Content-Type")).To(HavePrefix("text/html"))
			Expect(resp.ContentLength).To(BeEquivalentTo(len("<html>short and stout</html>")))
			b, err := io.ReadAll(resp.Body)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(b)).To(Equal("<html>short and stout</html>"))
			Expect(resp.Request.URL.String()).To(Equal(s.URL() + "/teapot"))
			resp, err = s.Client().Get(s.URL() + "/json")
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.StatusCode).To(Equal(http.StatusOK))
			Expect(resp.Header.Get("Content-Type")).To(Equal("application/json"))
		})
	})

	Describe("Intercept", func() {
		var (
			other *httptest.Server
			hits  atomic.Int32
		)
		BeforeEach(func() {
			hits.Store(0)
			other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, "the real one "+r.URL.Path)
			}))
			DeferCleanup(other.Close)
			s = emulators.New(emulators.Options{Vendors: []func(*world.World) world.Vendor{
				newEcho,
				func(w *world.World) world.Vendor { return spy{xiaomi.New(w), &hits} },
			}})
		})

		It("sends the vendors' real hosts to the emulators and other hosts through", func() {
			c := &http.Client{Transport: &http.Transport{}}
			orig := c.Transport
			restore := s.Intercept(c)

			resp, err := c.Post("https://push.echo.test/v1/send", "text/plain", strings.NewReader("intercepted"))
			Expect(err).NotTo(HaveOccurred())
			Expect(decodeBody[echoed](resp)).To(HaveField("Body", "intercepted"))

			resp, err = c.Get("https://push.echo.test:443/v1/with-port")
			Expect(err).NotTo(HaveOccurred())
			Expect(decodeBody[echoed](resp).Path).To(Equal("/v1/with-port"))

			resp, err = c.Get(other.URL + "/hello")
			Expect(err).NotTo(HaveOccurred())
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			Expect(string(b)).To(Equal("the real one /hello"))

			restore()
			Expect(c.Transport).To(BeIdenticalTo(orig))
		})
		It("reaches the Xiaomi emulator at https://api.xmpush.xiaomi.com", func() {
			c := &http.Client{}
			restore := s.Intercept(c)
			defer restore()
			for _, u := range []string{
				"https://api.xmpush.xiaomi.com/v3/message/regid",
				"https://api.xmpush.xiaomi.com/v2/message/regid",
				"https://vip.api.xmpush.xiaomi.com/v3/message/regid",
			} {
				resp, err := c.Post(u, "application/x-www-form-urlencoded", strings.NewReader("title=x"))
				Expect(err).NotTo(HaveOccurred(), u)
				resp.Body.Close()
			}
			Expect(hits.Load()).To(BeEquivalentTo(3))
			Expect(s.World.Ledger(world.Filter{Vendor: "xiaomi"})).To(HaveLen(3), "each request is in the ledger")
		})
		It("puts back a nil transport as nil", func() {
			c := &http.Client{}
			restore := s.Intercept(c)
			Expect(c.Transport).NotTo(BeNil())
			restore()
			Expect(c.Transport).To(BeNil())
		})
	})

	Describe("a push end to end", func() {
		It("shows a Xiaomi push sent with the demo credentials on the demo phone", func() {
			all := emulators.New(emulators.Options{Clock: world.NewVirtualClock(time.Date(2026, 5, 1, 9, 0, 0, 0, world.Shanghai))})
			demo, err := emulators.SeedDemo(all)
			Expect(err).NotTo(HaveOccurred())
			var xm emulators.DemoVendor
			for _, v := range demo.Vendors {
				if v.Vendor == "xiaomi" {
					xm = v
				}
			}
			alice := xm.Phones[0]
			ans, err := xiaomiSend(all.Client(), xm.BaseURL+"/v3/message/regid", xm.App.Secret, xm.App.Package, alice.Token, "Hello Alice")
			Expect(err).NotTo(HaveOccurred())
			Expect(ans).To(HaveKeyWithValue("code", BeEquivalentTo(0)), "%v", ans)
			shade, err := all.World.Shade(alice.Name)
			Expect(err).NotTo(HaveOccurred())
			Expect(shade.Shown).To(HaveLen(1))
			Expect(shade.Shown[0].Title).To(Equal("Hello Alice"))
		})
	})
})
