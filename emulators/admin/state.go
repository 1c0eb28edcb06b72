package admin

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// Health is the body of GET /_pushsim/health.
type Health struct {
	Status  string    `json:"status"`
	Vendors []string  `json:"vendors"`
	Clock   string    `json:"clock"` // "real" or "virtual"
	Now     time.Time `json:"now"`
}

func (a *API) health(w http.ResponseWriter, r *http.Request) {
	kind := "real"
	if _, ok := a.w.Clock().(settableClock); ok {
		kind = "virtual"
	}
	writeJSON(w, http.StatusOK, Health{Status: "ok", Vendors: a.names, Clock: kind, Now: a.w.Now()})
}

func (a *API) ledger(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := world.Filter{
		Vendor: q.Get("vendor"), App: q.Get("app"), Token: q.Get("token"), Verdict: q.Get("verdict"),
		Kind: q.Get("kind"), Rule: q.Get("rule"), Device: q.Get("device"), MessageID: q.Get("message_id"),
	}
	if s := q.Get("since"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			badRequest(w, "since", "since is a ledger sequence number, got %q", s)
			return
		}
		f.Since = n
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			badRequest(w, "limit", "limit is a count of entries (0 = all), got %q", s)
			return
		}
		f.Limit = n
	}
	if f.Device != "" {
		// device= takes an id or a name, like /devices/{id}.
		if d, ok := a.w.Device(f.Device); ok {
			f.Device = d.ID
		}
	}
	entries := a.w.Ledger(f)
	if entries == nil {
		entries = []world.Entry{}
	}
	writeJSON(w, http.StatusOK, entries)
}

// settableClock is a clock the control plane can move (world.VirtualClock).
type settableClock interface {
	world.Clock
	Advance(time.Duration) time.Time
	Set(time.Time)
}

// Clock is the body of GET /_pushsim/clock and of a successful advance.
type Clock struct {
	Now     time.Time `json:"now"`
	Virtual bool      `json:"virtual"`
}

func (a *API) clock(w http.ResponseWriter, r *http.Request) {
	_, virtual := a.w.Clock().(settableClock)
	writeJSON(w, http.StatusOK, Clock{Now: a.w.Now(), Virtual: virtual})
}

type advanceBody struct {
	By string `json:"by"` // a Go duration ("90m", "1h30m") or whole days ("2d")
	To string `json:"to"` // RFC 3339
}

// advance moves a virtual clock forward by a duration or to a time, then
// delivers what became due (held pushes, expiries).
func (a *API) advance(w http.ResponseWriter, r *http.Request) {
	c, ok := a.w.Clock().(settableClock)
	if !ok {
		writeProblem(w, http.StatusConflict, "clock-not-virtual", "the clock is real; start pushsim with a virtual clock (pushsim serve --virtual-clock) to move it", "")
		return
	}
	var b advanceBody
	if !decode(w, r, &b) {
		return
	}
	switch {
	case b.By != "" && b.To != "":
		badRequest(w, "by", "give either by or to, not both")
		return
	case b.By != "":
		d, err := parseDuration(b.By)
		if err != nil || d < 0 {
			badRequest(w, "by", "by is a non-negative duration such as \"90m\", \"1h30m\" or \"2d\", got %q", b.By)
			return
		}
		c.Advance(d)
	case b.To != "":
		t, err := time.Parse(time.RFC3339Nano, b.To)
		if err != nil {
			badRequest(w, "to", "to is an RFC 3339 time such as \"2026-01-02T00:00:00+08:00\", got %q", b.To)
			return
		}
		c.Set(t)
	default:
		badRequest(w, "by", "give by (a duration) or to (an RFC 3339 time)")
		return
	}
	a.w.Tick()
	writeJSON(w, http.StatusOK, Clock{Now: a.w.Now(), Virtual: true})
}

// maxDays keeps "Nd" inside time.Duration (about 292 years).
const maxDays = 100000

// parseDuration is time.ParseDuration plus whole days ("2d"), since daily
// quotas are what people most often skip over.
func parseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, err
		}
		if n > maxDays || n < -maxDays {
			return 0, fmt.Errorf("%d days is out of range", n)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

func (a *API) reset(w http.ResponseWriter, r *http.Request) {
	a.w.Reset()
	a.resetMu.Lock()
	hooks := append([]func(){}, a.onReset...)
	a.resetMu.Unlock()
	for _, fn := range hooks {
		fn()
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) rules(w http.ResponseWriter, r *http.Request) {
	only := r.URL.Query().Get("vendor")
	out := []world.Rule{}
	for _, name := range a.names {
		if only == "" || only == name {
			out = append(out, a.vendors[name].Rules()...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Vendor != out[j].Vendor {
			return out[i].Vendor < out[j].Vendor
		}
		return out[i].ID < out[j].ID
	})
	writeJSON(w, http.StatusOK, out)
}

// Quotas is the body of GET /_pushsim/quotas: today's daily counters by key
// (keys are the vendors' own, "<vendor>/..."), counted in Asia/Shanghai.
// Daily has the same keys with the limit each counter was last taken with
// (-1: counted, unlimited), for the console's bars.
type Quotas struct {
	Now      time.Time              `json:"now"`
	Timezone string                 `json:"timezone"`
	DayStart time.Time              `json:"day_start"`
	ResetsAt time.Time              `json:"resets_at"`
	Counters map[string]int         `json:"counters"`
	Daily    map[string]world.Daily `json:"daily"`
}

func (a *API) quotas(w http.ResponseWriter, r *http.Request) {
	now := a.w.Now()
	daily := a.w.Quotas().Daily(now, world.Shanghai)
	v := r.URL.Query().Get("vendor")
	counters := make(map[string]int, len(daily))
	for k, d := range daily {
		if v != "" && !strings.HasPrefix(k, v+"/") {
			delete(daily, k)
			continue
		}
		counters[k] = d.Used
	}
	writeJSON(w, http.StatusOK, Quotas{
		Now: now, Timezone: world.Shanghai.String(),
		DayStart: world.DayStart(now, world.Shanghai), ResetsAt: world.NextMidnight(now, world.Shanghai),
		Counters: counters, Daily: daily,
	})
}

// indexVendor describes one vendor on the index page.
type indexVendor struct {
	Name    string   `json:"name"`
	BaseURL string   `json:"base_url"`
	Hosts   []string `json:"hosts"`
}

// index is the JSON page at "/" until a console is mounted there.
func (a *API) index(w http.ResponseWriter, r *http.Request) {
	root := "http://" + r.Host
	if r.TLS != nil {
		root = "https://" + r.Host
	}
	vendors := make([]indexVendor, 0, len(a.names))
	for _, name := range a.names {
		vendors = append(vendors, indexVendor{Name: name, BaseURL: root + "/" + name, Hosts: a.vendors[name].Hosts()})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"name":    "pushsim",
		"about":   "Android vendor push emulators. Send to a vendor under base_url + the vendor's real path, or on the real path with the vendor's Host header; drive the world through the control plane.",
		"vendors": vendors,
		"control_plane": []string{
			"GET " + Prefix + "/health",
			"GET|POST " + Prefix + "/apps", "GET|PATCH " + Prefix + "/apps/{vendor}/{name}",
			"GET|POST " + Prefix + "/devices", "GET|PATCH|DELETE " + Prefix + "/devices/{id}", "GET " + Prefix + "/devices/{id}/shade",
			"GET " + Prefix + "/ledger?vendor=&app=&token=&verdict=&kind=&rule=&device=&message_id=&since=&limit=",
			"GET " + Prefix + "/clock", "POST " + Prefix + "/clock/advance",
			"POST " + Prefix + "/reset", "GET " + Prefix + "/rules", "GET " + Prefix + "/quotas", "GET " + Prefix + "/events",
			"GET|POST|DELETE " + Prefix + "/faults", "GET|DELETE " + Prefix + "/faults/{id}",
			"GET " + Prefix + "/devices/{id}/topics", "PUT|DELETE " + Prefix + "/devices/{id}/topics/{topic}",
			"GET " + Prefix + "/apps/{vendor}/{name}/topics", "GET " + Prefix + "/apps/{vendor}/{name}/subscribers?topic=&op=",
		},
	})
}
