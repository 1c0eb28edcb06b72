package admin_test

import (
	"net/http"
	"net/http/httptest"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/admin"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("topic subscriptions on the control plane", func() {
	var (
		w *world.World
		h http.Handler
	)
	BeforeEach(func() {
		w = world.New(world.Options{})
		h = admin.New(w, map[string]world.Vendor{"acme": acme{w}})
		_, err := w.AddApp(world.App{Vendor: "acme", Name: "chat"})
		Expect(err).NotTo(HaveOccurred())
		for _, id := range []string{"a", "b"} {
			_, err := w.Register(world.Device{ID: id, Name: id + "-phone", Vendor: "acme", App: "chat", Token: "tok-" + id})
			Expect(err).NotTo(HaveOccurred())
		}
	})
	do := func(method, path string) reply {
		GinkgoHelper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, strings.NewReader("")))
		return reply{rec.Code, rec.Header(), rec.Body.Bytes()}
	}

	It("subscribes a phone (by id or name), lists its topics and the app's, and unsubscribes", func() {
		r := do("PUT", "/_pushsim/devices/a-phone/topics/news")
		Expect(r.status).To(Equal(http.StatusOK), string(r.body))
		Expect(string(r.body)).To(MatchJSON(`{"device":"a","vendor":"acme","app":"chat","topics":["news"]}`))
		do("PUT", "/_pushsim/devices/a/topics/sports%2Flive")
		do("PUT", "/_pushsim/devices/b/topics/news")

		Expect(string(do("GET", "/_pushsim/devices/a/topics").body)).To(MatchJSON(`{"device":"a","vendor":"acme","app":"chat","topics":["news","sports/live"]}`))
		Expect(string(do("GET", "/_pushsim/apps/acme/chat/topics").body)).To(MatchJSON(`[{"topic":"news","subscribers":2},{"topic":"sports/live","subscribers":1}]`))

		var devices []world.Device
		do("GET", "/_pushsim/apps/acme/chat/subscribers?topic=news&topic=sports/live&op=EXCEPT").json(&devices)
		Expect(devices).To(HaveLen(1))
		Expect(devices[0].ID).To(Equal("b"))

		r = do("DELETE", "/_pushsim/devices/a/topics/news")
		Expect(r.status).To(Equal(http.StatusOK))
		Expect(string(r.body)).To(MatchJSON(`{"device":"a","vendor":"acme","app":"chat","topics":["sports/live"]}`))
		Expect(do("DELETE", "/_pushsim/devices/a/topics/news").status).To(Equal(http.StatusOK), "not subscribed: no-op")
		Expect(string(do("GET", "/_pushsim/devices/b/topics").body)).To(ContainSubstring(`"news"`))
	})
	It("answers problems for an unknown phone or app, a bad topic or op, and a full phone", func() {
		Expect(do("PUT", "/_pushsim/devices/nobody/topics/news").problem().Type).To(Equal(admin.ProblemTypePrefix + "not-found"))
		Expect(do("GET", "/_pushsim/devices/nobody/topics").status).To(Equal(http.StatusNotFound))
		Expect(do("GET", "/_pushsim/apps/acme/nope/topics").status).To(Equal(http.StatusNotFound))
		Expect(do("PUT", "/_pushsim/devices/a/topics/%20").problem().Field).To(Equal("topic"))
		Expect(do("GET", "/_pushsim/apps/acme/chat/subscribers").problem().Field).To(Equal("topic"))
		Expect(do("GET", "/_pushsim/apps/acme/chat/subscribers?topic=a&op=XOR").problem().Field).To(Equal("op"))

		w.SetTopicLimits("acme", world.TopicLimits{PerDevice: 1})
		do("PUT", "/_pushsim/devices/a/topics/news")
		r := do("PUT", "/_pushsim/devices/a/topics/sports")
		Expect(r.status).To(Equal(http.StatusConflict))
		Expect(r.problem().Type).To(Equal(admin.ProblemTypePrefix + "topic-limit"))
	})
})
