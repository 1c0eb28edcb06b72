package admin

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/pushsim/pushsim/emulators/world"
)

// contentRoutes serve the vendor-wide content rules (world.ContentRules):
//
//	GET /_pushsim/content                 every vendor's rules
//	GET /_pushsim/content/{vendor}        one vendor's
//	PUT /_pushsim/content/{vendor}        {"sensitive_words": ["lottery", "彩票"]} ({} clears)
//
// Per-app words are App.Settings "content.sensitive_words" (PATCH the app).
func (a *API) contentRoutes() {
	a.HandleFunc("GET", "/content", a.listContent)
	a.HandleFunc("GET", "/content/{vendor}", a.getContent)
	a.HandleFunc("PUT", "/content/{vendor}", a.putContent)
}

// vendorContent is one vendor's rules as the control plane shows them.
type vendorContent struct {
	Vendor string `json:"vendor"`
	world.ContentRules
}

func (a *API) content(vendor string) vendorContent {
	r := a.w.ContentRules(vendor)
	if r.SensitiveWords == nil {
		r.SensitiveWords = []string{}
	}
	return vendorContent{Vendor: vendor, ContentRules: r}
}

func (a *API) listContent(w http.ResponseWriter, r *http.Request) {
	out := make([]vendorContent, 0, len(a.names))
	for _, v := range a.names {
		out = append(out, a.content(v))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) getContent(w http.ResponseWriter, r *http.Request) {
	vendor := mux.Vars(r)["vendor"]
	if _, ok := a.checkVendor(w, "vendor", vendor); !ok {
		return
	}
	writeJSON(w, http.StatusOK, a.content(vendor))
}

func (a *API) putContent(w http.ResponseWriter, r *http.Request) {
	vendor := mux.Vars(r)["vendor"]
	if _, ok := a.checkVendor(w, "vendor", vendor); !ok {
		return
	}
	var rules world.ContentRules
	if !decode(w, r, &rules) {
		return
	}
	a.w.SetContentRules(vendor, rules)
	writeJSON(w, http.StatusOK, a.content(vendor))
}
