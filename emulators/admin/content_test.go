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

var _ = Describe("vendor-wide content rules", func() {
	var (
		w *world.World
		h http.Handler
	)
	BeforeEach(func() {
		w = world.New(world.Options{})
		h = admin.New(w, map[string]world.Vendor{"acme": acme{w}})
	})
	do := func(method, path, body string) reply {
		GinkgoHelper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, strings.NewReader(body)))
		return reply{rec.Code, rec.Header(), rec.Body.Bytes()}
	}
	app := &world.App{Vendor: "acme", Name: "chat"}

	It("sets a vendor's sensitive words, which the filter then applies to every app of that vendor", func() {
		r := do("PUT", "/_pushsim/content/acme", `{"sensitive_words":["lottery"," 彩票 ",""]}`)
		Expect(r.status).To(Equal(http.StatusOK), string(r.body))
		Expect(string(r.body)).To(MatchJSON(`{"vendor":"acme","sensitive_words":["lottery","彩票"]}`))
		Expect(w.CheckContent(app, world.Content{Title: "买彩票", Body: "x"}).Word).To(Equal("彩票"))

		r = do("GET", "/_pushsim/content", "")
		Expect(string(r.body)).To(MatchJSON(`[{"vendor":"acme","sensitive_words":["lottery","彩票"]}]`))
	})
	It("clears them with an empty object, and forgets them on reset", func() {
		do("PUT", "/_pushsim/content/acme", `{"sensitive_words":["lottery"]}`)
		Expect(string(do("PUT", "/_pushsim/content/acme", `{}`).body)).To(MatchJSON(`{"vendor":"acme","sensitive_words":[]}`))
		do("PUT", "/_pushsim/content/acme", `{"sensitive_words":["lottery"]}`)
		Expect(do("POST", "/_pushsim/reset", "").status).To(Equal(http.StatusNoContent))
		Expect(string(do("GET", "/_pushsim/content/acme", "").body)).To(MatchJSON(`{"vendor":"acme","sensitive_words":[]}`))
	})
	It("refuses an unknown vendor and a malformed body as problems", func() {
		Expect(do("PUT", "/_pushsim/content/nope", `{}`).problem().Field).To(Equal("vendor"))
		Expect(do("GET", "/_pushsim/content/nope", ``).status).To(Equal(http.StatusBadRequest))
		Expect(do("PUT", "/_pushsim/content/acme", `{"words":["x"]}`).status).To(Equal(http.StatusBadRequest))
		Expect(do("PUT", "/_pushsim/content/acme", `{"sensitive_words":"x"}`).status).To(Equal(http.StatusBadRequest))
	})
})
