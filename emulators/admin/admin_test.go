package admin_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/admin"
	"github.com/pushsim/pushsim/emulators/world"
)

// acme is a minimal vendor: enough for the control plane, nothing on the wire.
type acme struct{ w *world.World }

func (acme) Name() string                 { return "acme" }
func (acme) Hosts() []string              { return []string{"push.acme.test"} }
func (acme) Handler() http.Handler        { return http.NotFoundHandler() }
func (v acme) NewToken(*world.App) string { return "acme-" + v.w.RandString(20, world.Alnum) }
func (acme) DemoApp(a *world.App) {
	if a.Secret == "" {
		a.Secret = "demo-secret"
	}
	if a.Package == "" {
		a.Package = "com.acme." + a.Name
	}
}
func (acme) Rules() []world.Rule {
	return []world.Rule{{ID: "acme.z.last", Vendor: "acme"}, {ID: "acme.a.first", Vendor: "acme"}}
}

// tokenless stands for a vendor emulator that cannot make tokens yet.
type tokenless struct{ acme }

func (tokenless) Name() string               { return "tokenless" }
func (tokenless) NewToken(*world.App) string { return "" }
func (tokenless) Rules() []world.Rule {
	return []world.Rule{{ID: "tokenless.only", Vendor: "tokenless"}}
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(v any) {
	GinkgoHelper()
	Expect(json.Unmarshal(r.body, v)).To(Succeed(), string(r.body))
}

func (r reply) problem() admin.Problem {
	GinkgoHelper()
	Expect(r.header.Get("Content-Type")).To(Equal("application/problem+json"))
	var p admin.Problem
	r.json(&p)
	Expect(p.Status).To(Equal(r.status))
	Expect(p.Type).To(HavePrefix(admin.ProblemTypePrefix))
	Expect(p.Title).To(Equal(http.StatusText(r.status)))
	return p
}

var _ = Describe("the control plane", func() {
	var (
		clock *world.VirtualClock
		w     *world.World
		api   *admin.API
		h     http.Handler
	)
	start := time.Date(2026, 3, 1, 23, 0, 0, 0, world.Shanghai)

	BeforeEach(func() {
		clock = world.NewVirtualClock(start)
		w = world.New(world.Options{Clock: clock, Seed: 7})
		a := acme{w}
		api = admin.New(w, map[string]world.Vendor{"acme": a, "tokenless": tokenless{a}})
		h = api
	})

	do := func(method, path, body string) reply {
		GinkgoHelper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, rd))
		return reply{rec.Code, rec.Header(), rec.Body.Bytes()}
	}
	mustApp := func(body string) world.App {
		GinkgoHelper()
		r := do("POST", "/_pushsim/apps", body)
		Expect(r.status).To(Equal(http.StatusCreated), string(r.body))
		var a world.App
		r.json(&a)
		return a
	}
	mustDevice := func(body string) world.Device {
		GinkgoHelper()
		r := do("POST", "/_pushsim/devices", body)
		Expect(r.status).To(Equal(http.StatusCreated), string(r.body))
		var d world.Device
		r.json(&d)
		return d
	}

	Describe("health", func() {
		It("names the vendors and the clock", func() {
			r := do("GET", "/_pushsim/health", "")
			Expect(r.status).To(Equal(200))
			Expect(r.header.Get("Content-Type")).To(Equal("application/json"))
			var hl admin.Health
			r.json(&hl)
			Expect(hl).To(Equal(admin.Health{Status: "ok", Vendors: []string{"acme", "tokenless"}, Clock: "virtual", Now: hl.Now}))
			Expect(hl.Now).To(BeTemporally("==", start))
		})
		It("says real for a real clock", func() {
			h = admin.New(world.New(world.Options{}), nil)
			var hl admin.Health
			do("GET", "/_pushsim/health", "").json(&hl)
			Expect(hl.Clock).To(Equal("real"))
			Expect(hl.Vendors).To(BeEmpty())
		})
	})

	Describe("apps", func() {
		It("creates an app, letting the vendor fill empty credentials", func() {
			r := do("POST", "/_pushsim/apps", `{"vendor":"acme","name":"chat","channels":[{"id":"im","class":"private"}]}`)
			Expect(r.status).To(Equal(http.StatusCreated))
			Expect(r.header.Get("Location")).To(Equal("/_pushsim/apps/acme/chat"))
			var a world.App
			r.json(&a)
			Expect(a.Secret).To(Equal("demo-secret"))
			Expect(a.Package).To(Equal("com.acme.chat"))
			stored, ok := w.App("acme", "chat")
			Expect(ok).To(BeTrue())
			Expect(stored.Channels).To(Equal([]world.Channel{{ID: "im", Class: "private"}}))
		})
		It("keeps the credentials it is given", func() {
			a := mustApp(`{"vendor":"acme","name":"chat","app_secret":"s3cret","package":"com.x"}`)
			Expect(a.Secret).To(Equal("s3cret"))
			Expect(a.Package).To(Equal("com.x"))
		})
		DescribeTable("refuses a bad app with a problem naming the field",
			func(body string, status int, field, detail string) {
				if body == "big" {
					body = `{"vendor":"acme","name":"` + strings.Repeat("x", admin.MaxBody) + `"}`
				}
				r := do("POST", "/_pushsim/apps", body)
				Expect(r.status).To(Equal(status))
				p := r.problem()
				Expect(p.Field).To(Equal(field))
				Expect(p.Detail).To(ContainSubstring(detail))
			},
			Entry("unknown vendor", `{"vendor":"nokia","name":"x"}`, 400, "vendor", `unknown vendor "nokia" (one of acme, tokenless)`),
			Entry("no vendor", `{"name":"x"}`, 400, "vendor", "vendor is required"),
			Entry("no name", `{"vendor":"acme"}`, 400, "name", "name is required"),
			Entry("a channel without id", `{"vendor":"acme","name":"x","channels":[{"class":"private"}]}`, 400, "channels", "channels[0] has no id"),
			Entry("an unknown field", `{"vendor":"acme","name":"x","secret":"s"}`, 400, "secret", `unknown field "secret"`),
			Entry("a field of the wrong type", `{"vendor":"acme","name":"x","channels":"im"}`, 400, "channels", `field "channels": want an array, got JSON string`),
			Entry("a nested field of the wrong type", `{"vendor":"acme","name":"x","quotas":{"daily":"5"}}`, 400, "quotas", "want a number"),
			Entry("malformed JSON", `{"vendor":`, 400, "", "truncated"),
			Entry("not JSON", `vendor=acme`, 400, "", "malformed JSON at byte 1"),
			Entry("an array", `[]`, 400, "", "want a JSON object"),
			Entry("trailing data", `{"vendor":"acme","name":"x"} {}`, 400, "", "trailing data"),
			Entry("an empty body", ``, 400, "", "empty body"),
			Entry("a body over 1 MiB", "big", 413, "", "larger than 1048576 bytes"),
		)
		It("refuses a second app with the same name", func() {
			mustApp(`{"vendor":"acme","name":"chat"}`)
			r := do("POST", "/_pushsim/apps", `{"vendor":"acme","name":"chat"}`)
			Expect(r.status).To(Equal(http.StatusConflict))
			Expect(r.problem().Field).To(Equal("name"))
		})
		It("lists apps, optionally of one vendor, and gets one", func() {
			mustApp(`{"vendor":"acme","name":"chat"}`)
			mustApp(`{"vendor":"tokenless","name":"chat"}`)
			var all, one []world.App
			do("GET", "/_pushsim/apps", "").json(&all)
			Expect(all).To(HaveLen(2))
			do("GET", "/_pushsim/apps?vendor=tokenless", "").json(&one)
			Expect(one).To(HaveLen(1))
			Expect(one[0].Vendor).To(Equal("tokenless"))
			var none []world.App
			do("GET", "/_pushsim/apps?vendor=nokia", "").json(&none)
			Expect(none).NotTo(BeNil())
			Expect(none).To(BeEmpty())

			var a world.App
			do("GET", "/_pushsim/apps/acme/chat", "").json(&a)
			Expect(a.Name).To(Equal("chat"))
			Expect(do("GET", "/_pushsim/apps/acme/nope", "").problem().Detail).To(Equal(`no acme app "nope"`))
		})
		It("merges a patch into the app", func() {
			mustApp(`{"vendor":"acme","name":"chat","channels":[{"id":"im","class":"private"},{"id":"ads","class":"public"}],
				"privileges":["a"],"quotas":{"daily":5,"total":9},"settings":{"k":"v","gone":"x"}}`)
			r := do("PATCH", "/_pushsim/apps/acme/chat", `{"channels":[{"id":"im","class":"public"},{"id":"news","class":"public"}],
				"remove_channels":["ads"],"privileges":["b","a"],"quotas":{"daily":7,"total":null},"settings":{"gone":null,"new":"y"},
				"news":true,"app_secret":"rotated"}`)
			Expect(r.status).To(Equal(200), string(r.body))
			a, _ := w.App("acme", "chat")
			Expect(a.Channels).To(Equal([]world.Channel{{ID: "im", Class: "public"}, {ID: "news", Class: "public"}}))
			Expect(a.Privileges).To(Equal([]string{"a", "b"}))
			Expect(a.Quotas).To(Equal(map[string]int{"daily": 7}))
			Expect(a.Settings).To(Equal(map[string]string{"k": "v", "new": "y"}))
			Expect(a.News).To(BeTrue())
			Expect(a.Secret).To(Equal("rotated"))
			Expect(a.Package).To(Equal("com.acme.chat"), "fields not in the patch stay")

			r = do("PATCH", "/_pushsim/apps/acme/chat", `{"remove_privileges":["a"],"news":false}`)
			Expect(r.status).To(Equal(200))
			a, _ = w.App("acme", "chat")
			Expect(a.Privileges).To(Equal([]string{"b"}))
			Expect(a.News).To(BeFalse())
		})
		It("answers 404 and 400 problems to a bad patch", func() {
			Expect(do("PATCH", "/_pushsim/apps/acme/nope", `{}`).status).To(Equal(404))
			mustApp(`{"vendor":"acme","name":"chat"}`)
			r := do("PATCH", "/_pushsim/apps/acme/chat", `{"news":"yes"}`)
			Expect(r.status).To(Equal(400))
			Expect(r.problem().Field).To(Equal("news"))
		})
	})

	Describe("devices", func() {
		BeforeEach(func() {
			mustApp(`{"vendor":"acme","name":"chat","channels":[{"id":"im","class":"private"}]}`)
		})

		It("registers a phone with a token the vendor made", func() {
			r := do("POST", "/_pushsim/devices", `{"vendor":"acme","app":"chat","android":26,"name":"alice-phone","user":"alice","phone_channels":["im"],"test":true}`)
			Expect(r.status).To(Equal(http.StatusCreated), string(r.body))
			var d world.Device
			r.json(&d)
			Expect(r.header.Get("Location")).To(Equal("/_pushsim/devices/" + d.ID))
			Expect(d.Token).To(MatchRegexp(`^acme-[0-9A-Za-z]{20}$`))
			Expect(d).To(And(HaveField("Name", "alice-phone"), HaveField("Android", 26)))
			Expect(d.PhoneChannels).To(Equal([]string{"im"}))
			Expect(d.Test).To(BeTrue())
			got, ok := w.DeviceByToken("acme", d.Token)
			Expect(ok).To(BeTrue())
			Expect(got.ID).To(Equal(d.ID))
		})
		It("defaults to Android 33 and takes a given token and id", func() {
			d := mustDevice(`{"vendor":"acme","app":"chat","token":"UNINSTALLED-1","id":"p1","offline":true}`)
			Expect(d.ID).To(Equal("p1"))
			Expect(d.Token).To(Equal("UNINSTALLED-1"))
			Expect(d.Android).To(Equal(33))
			Expect(d.Offline).To(BeTrue())
		})
		DescribeTable("refuses a bad phone with a problem naming the field",
			func(body string, status int, field, detail string) {
				mustDevice(`{"vendor":"acme","app":"chat","name":"taken","token":"tok-taken"}`)
				r := do("POST", "/_pushsim/devices", body)
				Expect(r.status).To(Equal(status))
				p := r.problem()
				Expect(p.Field).To(Equal(field))
				Expect(p.Detail).To(ContainSubstring(detail))
			},
			Entry("unknown vendor", `{"vendor":"nokia","app":"chat"}`, 400, "vendor", "unknown vendor"),
			Entry("no app", `{"vendor":"acme"}`, 400, "app", "app is required"),
			Entry("unknown app", `{"vendor":"acme","app":"mail"}`, 400, "app", `no acme app "mail"`),
			Entry("android out of range", `{"vendor":"acme","app":"chat","android":400}`, 400, "android", "API level"),
			Entry("android not a number", `{"vendor":"acme","app":"chat","android":"13"}`, 400, "android", "want a number"),
			Entry("a misspelt field", `{"vendor":"acme","app":"chat","andriod":26}`, 400, "andriod", "unknown field"),
			Entry("a taken name", `{"vendor":"acme","app":"chat","name":"taken"}`, 409, "name", "exists already"),
			Entry("a taken token", `{"vendor":"acme","app":"chat","token":"tok-taken"}`, 409, "token", "tok-taken"),
		)
		It("says so when the vendor cannot make a token", func() {
			mustApp(`{"vendor":"tokenless","name":"chat"}`)
			r := do("POST", "/_pushsim/devices", `{"vendor":"tokenless","app":"chat"}`)
			Expect(r.status).To(Equal(500))
			Expect(r.problem().Field).To(Equal("token"))
			mustDevice(`{"vendor":"tokenless","app":"chat","token":"given"}`)
		})
		It("lists, gets by id or name, and deletes", func() {
			a := mustDevice(`{"vendor":"acme","app":"chat","name":"alice"}`)
			mustApp(`{"vendor":"acme","name":"mail"}`)
			mustDevice(`{"vendor":"acme","app":"mail","name":"bob"}`)
			var list []world.Device
			do("GET", "/_pushsim/devices?vendor=acme&app=chat", "").json(&list)
			Expect(list).To(HaveLen(1))
			Expect(list[0].Name).To(Equal("alice"))
			do("GET", "/_pushsim/devices", "").json(&list)
			Expect(list).To(HaveLen(2))
			do("GET", "/_pushsim/devices?vendor=tokenless", "").json(&list)
			Expect(list).NotTo(BeNil())
			Expect(list).To(BeEmpty())

			var byName world.Device
			do("GET", "/_pushsim/devices/alice", "").json(&byName)
			Expect(byName.ID).To(Equal(a.ID))

			Expect(do("DELETE", "/_pushsim/devices/alice", "").status).To(Equal(http.StatusNoContent))
			r := do("GET", "/_pushsim/devices/"+a.ID, "")
			Expect(r.status).To(Equal(404))
			Expect(r.problem().Detail).To(ContainSubstring(a.ID))
			Expect(do("DELETE", "/_pushsim/devices/alice", "").status).To(Equal(404))
			_, ok := w.DeviceByToken("acme", a.Token)
			Expect(ok).To(BeFalse())
		})
		It("patches only the fields given, and null resets phone channels", func() {
			mustDevice(`{"vendor":"acme","app":"chat","name":"alice","phone_channels":["im"],"badge":3}`)
			r := do("PATCH", "/_pushsim/devices/alice", `{"notifications_off":true,"channels_off":["im"],"android":26,"test":true}`)
			Expect(r.status).To(Equal(200), string(r.body))
			d, _ := w.Device("alice")
			Expect(d.NotificationsOff).To(BeTrue())
			Expect(d.ChannelsOff).To(Equal([]string{"im"}))
			Expect(d.Android).To(Equal(26))
			Expect(d.Test).To(BeTrue())
			Expect(d.PhoneChannels).To(Equal([]string{"im"}))
			Expect(d.Badge).To(Equal(3))

			do("PATCH", "/_pushsim/devices/alice", `{"phone_channels":null,"notifications_off":false,"badge":0,"uninstalled":true,"name":"alice2"}`)
			d, ok := w.Device("alice2")
			Expect(ok).To(BeTrue())
			Expect(d.PhoneChannels).To(BeNil())
			Expect(d.NotificationsOff).To(BeFalse())
			Expect(d.Badge).To(Equal(0))
			Expect(d.Uninstalled).To(BeTrue())
		})
		It("refuses a bad patch", func() {
			mustDevice(`{"vendor":"acme","app":"chat","name":"alice"}`)
			mustDevice(`{"vendor":"acme","app":"chat","name":"bob"}`)
			for body, field := range map[string]string{
				`{"android":0}`:         "android",
				`{"badge":-1}`:          "badge",
				`{"offline":"no"}`:      "offline",
				`{"channels_off":"im"}`: "channels_off",
				`{"online":true}`:       "online",
				`{"name":"bob"}`:        "name",
			} {
				r := do("PATCH", "/_pushsim/devices/alice", body)
				Expect(r.status).To(BeNumerically(">=", 400), body)
				Expect(r.problem().Field).To(Equal(field), body)
			}
			Expect(do("PATCH", "/_pushsim/devices/nobody", `{}`).status).To(Equal(404))
		})
		It("shows the shade, and delivers what was held when the phone comes online", func() {
			d := mustDevice(`{"vendor":"acme","app":"chat","name":"alice","offline":true}`)
			_, err := w.Deliver(d.ID, world.Notification{MessageID: "m1", Vendor: "acme", App: "chat", Title: "hi"}, world.DeliverOptions{TTL: time.Hour})
			Expect(err).NotTo(HaveOccurred())

			var s world.Shade
			do("GET", "/_pushsim/devices/alice/shade", "").json(&s)
			Expect(s.Pending).To(Equal(1))
			Expect(s.Shown).NotTo(BeNil())
			Expect(s.Shown).To(BeEmpty())

			Expect(do("PATCH", "/_pushsim/devices/alice", `{"offline":false}`).status).To(Equal(200))
			do("GET", "/_pushsim/devices/"+d.ID+"/shade", "").json(&s)
			Expect(s.Pending).To(Equal(0))
			Expect(s.Shown).To(HaveLen(1))
			Expect(s.Shown[0].Title).To(Equal("hi"))
			Expect(s.Device.Name).To(Equal("alice"))

			Expect(do("GET", "/_pushsim/devices/nobody/shade", "").problem().Status).To(Equal(404))
		})
	})

	Describe("the ledger", func() {
		BeforeEach(func() {
			mustApp(`{"vendor":"acme","name":"chat"}`)
			d := mustDevice(`{"vendor":"acme","app":"chat","name":"alice","token":"tok-a"}`)
			w.Record(world.Entry{Kind: world.KindRequest, Vendor: "acme", App: "chat", Tokens: []string{"tok-a"}, Verdict: world.VerdictAccepted})
			w.Record(world.Entry{Kind: world.KindRequest, Vendor: "acme", App: "chat", Tokens: []string{"tok-b"}, Verdict: world.VerdictRejected, Code: "21301", Rule: "acme.auth"})
			w.Record(world.Entry{Kind: world.KindDelivery, Vendor: "acme", App: "chat", Device: d.ID, Tokens: []string{"tok-a"}, Verdict: world.VerdictNotShown, Rule: "world.device.notifications-off"})
			w.Record(world.Entry{Kind: world.KindRequest, Vendor: "other", Verdict: world.VerdictAccepted})
		})
		seqs := func(query string) []uint64 {
			GinkgoHelper()
			r := do("GET", "/_pushsim/ledger"+query, "")
			Expect(r.status).To(Equal(200), string(r.body))
			var es []world.Entry
			r.json(&es)
			Expect(es).NotTo(BeNil())
			out := []uint64{}
			for _, e := range es {
				out = append(out, e.Seq)
			}
			return out
		}
		It("filters entries", func() {
			Expect(seqs("")).To(Equal([]uint64{1, 2, 3, 4}))
			Expect(seqs("?vendor=acme&verdict=accepted")).To(Equal([]uint64{1}))
			Expect(seqs("?token=tok-a")).To(Equal([]uint64{1, 3}))
			Expect(seqs("?kind=delivery")).To(Equal([]uint64{3}))
			Expect(seqs("?rule=acme.auth")).To(Equal([]uint64{2}))
			Expect(seqs("?device=alice")).To(Equal([]uint64{3}), "a device name works like its id")
			Expect(seqs("?since=2")).To(Equal([]uint64{3, 4}))
			Expect(seqs("?limit=2")).To(Equal([]uint64{3, 4}))
			Expect(seqs("?app=nope")).To(BeEmpty())
		})
		It("refuses a bad number", func() {
			Expect(do("GET", "/_pushsim/ledger?since=x", "").problem().Field).To(Equal("since"))
			Expect(do("GET", "/_pushsim/ledger?limit=-1", "").problem().Field).To(Equal("limit"))
		})
	})

	Describe("the clock", func() {
		It("reads the clock", func() {
			var c admin.Clock
			do("GET", "/_pushsim/clock", "").json(&c)
			Expect(c.Virtual).To(BeTrue())
			Expect(c.Now).To(BeTemporally("==", start))
		})
		It("advances a virtual clock by a duration, days, or to a time", func() {
			var c admin.Clock
			r := do("POST", "/_pushsim/clock/advance", `{"by":"90m"}`)
			Expect(r.status).To(Equal(200))
			r.json(&c)
			Expect(c.Now).To(BeTemporally("==", start.Add(90*time.Minute)))
			do("POST", "/_pushsim/clock/advance", `{"by":"2d"}`)
			Expect(clock.Now()).To(BeTemporally("==", start.Add(90*time.Minute+48*time.Hour)))
			do("POST", "/_pushsim/clock/advance", `{"to":"2027-01-01T00:00:00+08:00"}`)
			Expect(clock.Now()).To(BeTemporally("==", time.Date(2027, 1, 1, 0, 0, 0, 0, world.Shanghai)))
		})
		It("delivers what became due after moving", func() {
			mustApp(`{"vendor":"acme","name":"chat"}`)
			d := mustDevice(`{"vendor":"acme","app":"chat"}`)
			_, err := w.Deliver(d.ID, world.Notification{Title: "morning"}, world.DeliverOptions{TTL: 24 * time.Hour, HoldUntil: start.Add(8 * time.Hour)})
			Expect(err).NotTo(HaveOccurred())
			do("POST", "/_pushsim/clock/advance", `{"by":"9h"}`)
			s, _ := w.Shade(d.ID)
			Expect(s.Shown).To(HaveLen(1))
		})
		DescribeTable("refuses a bad advance",
			func(body, field string) {
				r := do("POST", "/_pushsim/clock/advance", body)
				Expect(r.status).To(Equal(400))
				Expect(r.problem().Field).To(Equal(field))
				Expect(clock.Now()).To(BeTemporally("==", start))
			},
			Entry("nothing", `{}`, "by"),
			Entry("both", `{"by":"1h","to":"2027-01-01T00:00:00Z"}`, "by"),
			Entry("backwards", `{"by":"-1h"}`, "by"),
			Entry("not a duration", `{"by":"soon"}`, "by"),
			Entry("not a time", `{"to":"tomorrow"}`, "to"),
			Entry("a number", `{"by":90}`, "by"),
			Entry("too many days", `{"by":"99999999999999d"}`, "by"),
		)
		It("answers 409 when the clock is real", func() {
			h = admin.New(world.New(world.Options{}), nil)
			r := do("POST", "/_pushsim/clock/advance", `{"by":"1h"}`)
			Expect(r.status).To(Equal(http.StatusConflict))
			Expect(r.problem().Type).To(Equal(admin.ProblemTypePrefix + "clock-not-virtual"))
			var c admin.Clock
			do("GET", "/_pushsim/clock", "").json(&c)
			Expect(c.Virtual).To(BeFalse())
		})
	})

	Describe("reset, rules and quotas", func() {
		It("resets the world and runs reset hooks", func() {
			mustApp(`{"vendor":"acme","name":"chat"}`)
			hooked := 0
			api.OnReset(func() { hooked++ })
			Expect(do("POST", "/_pushsim/reset", "").status).To(Equal(http.StatusNoContent))
			Expect(w.Apps("")).To(BeEmpty())
			Expect(hooked).To(Equal(1))
			Expect(do("GET", "/_pushsim/reset", "").status).To(Equal(http.StatusMethodNotAllowed))
		})
		It("lists every vendor's rules, sorted, optionally of one vendor", func() {
			var rules []world.Rule
			do("GET", "/_pushsim/rules", "").json(&rules)
			ids := []string{}
			for _, r := range rules {
				ids = append(ids, r.ID)
			}
			Expect(ids).To(Equal([]string{"acme.a.first", "acme.z.last", "tokenless.only"}))
			do("GET", "/_pushsim/rules?vendor=tokenless", "").json(&rules)
			Expect(rules).To(HaveLen(1))
		})
		It("shows today's counters in Shanghai and when they reset", func() {
			w.Quotas().TakeDaily("acme/chat/public/t1", 5, clock.Now(), world.Shanghai)
			w.Quotas().TakeDaily("acme/chat/public/t1", 5, clock.Now(), world.Shanghai)
			w.Quotas().TakeDaily("other/x", 5, clock.Now(), world.Shanghai)
			var q admin.Quotas
			do("GET", "/_pushsim/quotas?vendor=acme", "").json(&q)
			Expect(q.Counters).To(Equal(map[string]int{"acme/chat/public/t1": 2}))
			Expect(q.Daily).To(Equal(map[string]world.Daily{"acme/chat/public/t1": {Used: 2, Limit: 5}}))
			Expect(q.Timezone).To(Equal("Asia/Shanghai"))
			Expect(q.ResetsAt).To(BeTemporally("==", time.Date(2026, 3, 2, 0, 0, 0, 0, world.Shanghai)))
			Expect(q.DayStart).To(BeTemporally("==", time.Date(2026, 3, 1, 0, 0, 0, 0, world.Shanghai)))

			do("POST", "/_pushsim/clock/advance", `{"by":"1h"}`)
			q = admin.Quotas{}
			do("GET", "/_pushsim/quotas", "").json(&q)
			Expect(q.Counters).To(BeEmpty(), "counters roll over at Shanghai midnight")
		})
	})

	Describe("routing", func() {
		It("answers a 404 problem to an unknown control-plane path", func() {
			r := do("GET", "/_pushsim/nope", "")
			Expect(r.status).To(Equal(404))
			Expect(r.problem().Detail).To(ContainSubstring("GET /_pushsim/nope"))
			Expect(do("GET", "/_pushsim", "").status).To(Equal(404))
			Expect(do("GET", "/elsewhere", "").problem().Status).To(Equal(404))
		})
		It("answers a 405 problem to a wrong method", func() {
			r := do("DELETE", "/_pushsim/health", "")
			Expect(r.status).To(Equal(405))
			r.problem()
		})
		It("serves a JSON index at /", func() {
			r := do("GET", "/", "")
			Expect(r.status).To(Equal(200))
			var idx struct {
				Vendors []struct {
					Name    string
					BaseURL string `json:"base_url"`
				}
			}
			r.json(&idx)
			Expect(idx.Vendors).To(HaveLen(2))
			Expect(idx.Vendors[0].BaseURL).To(Equal("http://example.com/acme"))
		})
		It("mounts a UI at / and outside the control plane", func() {
			ui := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ui:"+r.URL.Path) })
			h = admin.New(w, nil, admin.Options{UI: ui})
			Expect(string(do("GET", "/", "").body)).To(Equal("ui:/"))
			Expect(string(do("GET", "/app.js", "").body)).To(Equal("ui:/app.js"))
			Expect(do("GET", "/_pushsim/health", "").status).To(Equal(200))
			Expect(do("GET", "/_pushsim/nope", "").status).To(Equal(404))
		})
		It("takes new endpoints", func() {
			api.HandleFunc("GET", "/faults/{id}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "fault") })
			Expect(string(do("GET", "/_pushsim/faults/1", "").body)).To(Equal("fault"))
		})
	})

	Describe("events", func() {
		It("streams world changes until closed", func() {
			srv := httptest.NewServer(api)
			defer srv.Close()
			resp, err := http.Get(srv.URL + "/_pushsim/events")
			Expect(err).NotTo(HaveOccurred())
			defer resp.Body.Close()
			Expect(resp.Header.Get("Content-Type")).To(Equal("text/event-stream"))
			lines := bufio.NewReader(resp.Body)
			line, err := lines.ReadString('\n')
			Expect(err).NotTo(HaveOccurred())
			Expect(line).To(HavePrefix(":"))

			w.Record(world.Entry{Vendor: "acme", Verdict: world.VerdictAccepted})
			var got []string
			for len(got) < 2 {
				line, err := lines.ReadString('\n')
				Expect(err).NotTo(HaveOccurred())
				if line != "\n" {
					got = append(got, strings.TrimSpace(line))
				}
			}
			Expect(got).To(Equal([]string{"event: ledger", `data: {"kind":"ledger","seq":1}`}))

			api.Close()
			_, err = io.ReadAll(lines)
			Expect(err).NotTo(HaveOccurred(), "the stream ends cleanly")
		})
	})
})
