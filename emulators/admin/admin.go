// Package admin serves the control plane, /_pushsim/..., a JSON API over the
// world: apps, devices and their shades, the ledger, the clock, rules,
// quotas, live events and reset. Errors are application/problem+json
// (RFC 9457). Everything that is not under /_pushsim goes to the UI (the
// console) when one is mounted, else "/" is a small JSON index.
//
// Endpoints:
//
//	GET    /_pushsim/health
//	POST   /_pushsim/apps                      GET /_pushsim/apps[?vendor=]
//	GET    /_pushsim/apps/{vendor}/{name}      PATCH (merges)
//	POST   /_pushsim/devices                   GET /_pushsim/devices[?vendor=&app=]
//	GET    /_pushsim/devices/{id}              PATCH, DELETE ({id} may be the name)
//	GET    /_pushsim/devices/{id}/shade
//	POST   /_pushsim/devices/{id}/shade/{n}/tap  tap notification seq n: what opens, with which extras
//	GET    /_pushsim/ledger?vendor=&app=&token=&verdict=&kind=&rule=&device=&message_id=&since=&limit=
//	GET    /_pushsim/clock                     POST /_pushsim/clock/advance {"by":"90m"} | {"to":RFC3339}
//	POST   /_pushsim/reset
//	GET    /_pushsim/rules[?vendor=]
//	GET    /_pushsim/quotas[?vendor=]
//	GET    /_pushsim/events                    Server-Sent Events of world changes
//	POST   /_pushsim/faults                    GET, DELETE; GET|DELETE /_pushsim/faults/{id}
//	                                           (added by package emulators/faults)
//	GET    /_pushsim/content[/{vendor}]        PUT /_pushsim/content/{vendor} {"sensitive_words":[...]}
//	GET    /_pushsim/devices/{id}/topics       PUT, DELETE /_pushsim/devices/{id}/topics/{topic}
//	                                           (subscribe a phone to a topic as its app's SDK would)
//	GET    /_pushsim/apps/{vendor}/{name}/topics
//	GET    /_pushsim/apps/{vendor}/{name}/subscribers?topic=&topic=&op=UNION|INTERSECTION|EXCEPT
package admin

import (
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/gorilla/mux"

	"github.com/pushsim/pushsim/emulators/world"
)

// Prefix is where the control plane lives on the shared listener.
const Prefix = "/_pushsim"

// MaxBody bounds every control-plane request body.
const MaxBody = 1 << 20

// Options configure the control plane.
type Options struct {
	// UI serves "/" and every path outside /_pushsim (the console); nil
	// serves a JSON index at "/" and 404 problems elsewhere.
	UI http.Handler
}

// API is the control-plane handler.
type API struct {
	w       *world.World
	vendors map[string]world.Vendor
	names   []string
	opts    Options
	router  *mux.Router

	// patchMu makes PATCH read-modify-write of apps and devices atomic
	// with respect to each other.
	patchMu sync.Mutex

	resetMu  sync.Mutex
	onReset  []func()
	done     chan struct{}
	doneOnce sync.Once
}

// New returns the control plane over w and the emulated vendors.
func New(w *world.World, vendors map[string]world.Vendor, opts ...Options) *API {
	a := &API{w: w, vendors: vendors, router: mux.NewRouter(), done: make(chan struct{})}
	if len(opts) > 0 {
		a.opts = opts[0]
	}
	for name := range vendors {
		a.names = append(a.names, name)
	}
	sort.Strings(a.names)
	a.routes()
	return a
}

func (a *API) routes() {
	r := a.router
	// No redirects to cleaned paths: a 301 turns a POST into a GET in most
	// clients; an unclean path is a 404 problem like any other.
	r.SkipClean(true)
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusNotFound, "not-found", "no control-plane endpoint "+r.Method+" "+r.URL.Path+"; see GET /", "")
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusMethodNotAllowed, "method-not-allowed", r.Method+" is not allowed on "+r.URL.Path, "")
	})
	a.HandleFunc("GET", "/health", a.health)
	a.HandleFunc("POST", "/apps", a.createApp)
	a.HandleFunc("GET", "/apps", a.listApps)
	a.HandleFunc("GET", "/apps/{vendor}/{name}", a.getApp)
	a.HandleFunc("PATCH", "/apps/{vendor}/{name}", a.patchApp)
	a.HandleFunc("POST", "/devices", a.createDevice)
	a.HandleFunc("GET", "/devices", a.listDevices)
	a.HandleFunc("GET", "/devices/{id}", a.getDevice)
	a.HandleFunc("PATCH", "/devices/{id}", a.patchDevice)
	a.HandleFunc("DELETE", "/devices/{id}", a.deleteDevice)
	a.HandleFunc("GET", "/devices/{id}/shade", a.shade)
	a.HandleFunc("POST", "/devices/{id}/shade/{n}/tap", a.tap)
	a.HandleFunc("GET", "/ledger", a.ledger)
	a.HandleFunc("GET", "/clock", a.clock)
	a.HandleFunc("POST", "/clock/advance", a.advance)
	a.HandleFunc("POST", "/reset", a.reset)
	a.HandleFunc("GET", "/rules", a.rules)
	a.HandleFunc("GET", "/quotas", a.quotas)
	a.HandleFunc("GET", "/events", a.events)
	a.contentRoutes()
	a.topicRoutes()
}

// HandleFunc adds a control-plane endpoint at Prefix+path (a gorilla/mux
// template such as "/faults/{id}"), for features that grow the control plane
// (faults). Call it before serving.
func (a *API) HandleFunc(method, path string, h http.HandlerFunc) {
	a.router.HandleFunc(Prefix+path, h).Methods(method)
}

// OnReset adds a function that POST /_pushsim/reset calls after the world is
// reset (to clear state kept outside the world, such as fault rules).
func (a *API) OnReset(fn func()) {
	a.resetMu.Lock()
	a.onReset = append(a.onReset, fn)
	a.resetMu.Unlock()
}

// Close ends open event streams, so a server can shut down while a browser
// still listens. The API keeps answering everything else.
func (a *API) Close() { a.doneOnce.Do(func() { close(a.done) }) }

// ServeHTTP serves the control plane under Prefix and the UI (or the index)
// everywhere else.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if path == Prefix || strings.HasPrefix(path, Prefix+"/") {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		}
		a.router.ServeHTTP(w, r)
		return
	}
	if a.opts.UI != nil {
		a.opts.UI.ServeHTTP(w, r)
		return
	}
	if path == "/" || path == "" {
		a.index(w, r)
		return
	}
	writeProblem(w, http.StatusNotFound, "not-found", "nothing at "+path+": vendors live under /<vendor>/..., the control plane under "+Prefix+"/...; see GET /", "")
}
