package harness

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/pushsim/pushsim/dispatcher/push"
	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/world"
	"github.com/pushsim/pushsim/reports"
)

// A black-box run tests a dispatcher the harness cannot reach into: a
// user's own, or `pushsim dispatcher` in another process. It is driven over
// the driver protocol (dispatcher/README.md) and configured once, before the
// run, with every certificate the suite will use. So:
//
//   - Each scenario gets a slot: a number from its position in the suite.
//     Its apps' certificates get business ids slot×1000 + n and base URLs
//     <emulators>/s/<slot>/<vendor>, so every scenario's vendor calls reach
//     its own fresh world on one loopback listener, and scenarios can run
//     in parallel.
//   - Users and devices are named <run>.<slot>.<name> on the target, so
//     scenarios (and runs) never see each other's sessions and tokens.
//   - The emulators' virtual clock starts at the real time (the target
//     signs with its own clock), and scenarios whose expectations need the
//     built-in dispatcher's internals are SKIPPED (BlackBoxSkip).

// DriverConfigSchema names the version of the driver configuration document.
const DriverConfigSchema = "pushsim.driver-config/v1"

// Plan is the fixed configuration of a black-box run and the handler of its
// emulators' listener.
type Plan struct {
	url   string
	run   string
	slots []*slot
	byID  map[string]*slot

	mu     sync.RWMutex
	active map[int]http.Handler
}

type slot struct {
	index int
	s     *Scenario
	skip  string // why it cannot run black-box ("" = it can)
	base  string // <emulators>/s/<index>
	certs []push.Certificate
}

// NewPlan lays out a black-box run of the suite all (the whole loaded suite,
// not only the selection, so slots and business ids stay put whatever is
// selected) with the emulators at url (http://127.0.0.1:4800). Building it
// sets up every scenario's apps once to derive their certificates; the run
// checks that each scenario's world comes out the same.
func NewPlan(all []*Scenario, url string) (*Plan, error) {
	p := &Plan{url: strings.TrimRight(url, "/"), run: runID(), byID: map[string]*slot{}, active: map[int]http.Handler{}}
	for i, s := range all {
		sl := &slot{index: i + 1, s: s, base: fmt.Sprintf("%s/s/%d", p.url, i+1)}
		p.slots = append(p.slots, sl)
		p.byID[s.ID] = sl
		if sl.skip = s.Skip; sl.skip == "" {
			sl.skip = BlackBoxSkip(s)
		}
		if sl.skip != "" {
			continue
		}
		if len(s.Given.Apps) >= 1000 {
			return nil, fmt.Errorf("%s: more than 999 apps", s.ID)
		}
		seed := s.Seed
		if seed == 0 {
			seed = 1
		}
		srv := emulators.New(emulators.Options{Clock: world.NewVirtualClock(DefaultStart), Seed: seed})
		_, certs, err := buildApps(srv, s, sl.baseURL, true)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.ID, err)
		}
		sl.certs = sl.remap(certs)
	}
	return p, nil
}

func runID() string {
	var b [3]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return "r" + hex.EncodeToString(b[:])
}

// URL is the emulators' root the plan's certificates point at.
func (p *Plan) URL() string { return p.url }

// Certificates are every certificate the target must hold, by slot.
func (p *Plan) Certificates() []push.Certificate {
	var out []push.Certificate
	for _, sl := range p.slots {
		out = append(out, sl.certs...)
	}
	return out
}

// Skip says why a scenario is not run against a black-box target ("" = it
// runs).
func (p *Plan) Skip(id string) string {
	if sl := p.byID[id]; sl != nil {
		return sl.skip
	}
	return "not in the plan"
}

func (p *Plan) slot(id string) *slot { return p.byID[id] }

func (sl *slot) baseURL(vendor string) string { return sl.base + "/" + vendor }

// remap moves a scenario's business ids into its slot's range.
func (sl *slot) remap(certs []push.Certificate) []push.Certificate {
	out := make([]push.Certificate, len(certs))
	for i, c := range certs {
		c.BusinessID = sl.index*1000 + c.BusinessID%1000
		out[i] = c
	}
	return out
}

// check makes sure a scenario's world gave the certificates the plan
// promised the target (a vendor whose demo credentials are not seeded
// would break that).
func (sl *slot) check(certs []push.Certificate) error {
	got := sl.remap(certs)
	if len(got) != len(sl.certs) {
		return fmt.Errorf("the scenario has %d apps, the plan %d", len(got), len(sl.certs))
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], sl.certs[i]) {
			return fmt.Errorf("certificate %d (%s) differs from the one the target was given: the %s emulator's demo credentials are not reproducible from the seed", got[i].BusinessID, got[i].Vendor, got[i].Vendor)
		}
	}
	return nil
}

// namespace is what user and device names get in front on the target.
func (p *Plan) namespace(sl *slot) string { return p.run + "." + strconv.Itoa(sl.index) + "." }

// plug serves h under the slot's prefix until the returned func is called.
func (p *Plan) plug(sl *slot, h http.Handler) func() {
	p.mu.Lock()
	p.active[sl.index] = h
	p.mu.Unlock()
	return func() {
		p.mu.Lock()
		delete(p.active, sl.index)
		p.mu.Unlock()
	}
}

// ServeHTTP serves the plan's listener: /s/<slot>/... reaches the world of
// the scenario running in that slot (vendors by /<vendor>/ prefix, its
// control plane under /_pushsim/), /_pushsim/driver/config the driver
// configuration and /_pushsim/driver/certificates the certificates file.
func (p *Plan) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_pushsim/driver/config":
		writeJSONDoc(w, p.Config())
		return
	case "/_pushsim/driver/certificates":
		b, err := p.CertificatesFile()
		if err != nil {
			problem(w, http.StatusInternalServerError, "internal", err.Error())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
		return
	case "/_pushsim/health":
		writeJSONDoc(w, map[string]any{"status": "ok", "schema": DriverConfigSchema})
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/s/")
	if !ok {
		problem(w, http.StatusNotFound, "not-found", "no such path: "+r.URL.Path+" (scenario worlds are under /s/<slot>/)")
		return
	}
	num, tail, _ := strings.Cut(rest, "/")
	n, err := strconv.Atoi(num)
	if err != nil {
		problem(w, http.StatusNotFound, "not-found", "no such slot: "+num)
		return
	}
	p.mu.RLock()
	h := p.active[n]
	p.mu.RUnlock()
	if h == nil {
		problem(w, http.StatusServiceUnavailable, "not-running", fmt.Sprintf("slot %d has no scenario running now", n))
		return
	}
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	u.Path, u.RawPath = "/"+tail, ""
	r2.URL = &u
	h.ServeHTTP(w, r2)
}

func writeJSONDoc(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client went away
}

func problem(w http.ResponseWriter, status int, kind, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"type": "urn:pushsim:problem:" + kind, "title": http.StatusText(status), "status": status, "detail": detail})
}

// DriverConfig is the document that tells a black-box target where the
// emulators are and which certificates to hold (GET
// /_pushsim/driver/config on the plan's listener; schema in
// scenarios/README.md, "Against your own dispatcher").
type DriverConfig struct {
	Schema    string `json:"schema"`
	Emulators string `json:"emulators"`
	// Certificates in the dispatcher's certificates-file shape.
	Certificates []CertificateDoc `json:"certificates"`
	// Scenarios map each scenario onto its slot.
	Scenarios []DriverScenario `json:"scenarios"`
}

// DriverScenario is one scenario's place in a black-box run.
type DriverScenario struct {
	ID          string `json:"id"`
	Slot        int    `json:"slot"`
	BaseURL     string `json:"base_url"` // + /<vendor> = a certificate's base_url
	BusinessIDs []int  `json:"business_ids,omitempty"`
	Skip        string `json:"skip,omitempty"` // why it does not run black-box
}

// Config is the plan's driver configuration.
func (p *Plan) Config() DriverConfig {
	c := DriverConfig{Schema: DriverConfigSchema, Emulators: p.url, Certificates: certDocs(p.Certificates()), Scenarios: []DriverScenario{}}
	for _, sl := range p.slots {
		ds := DriverScenario{ID: sl.s.ID, Slot: sl.index, BaseURL: sl.base, Skip: sl.skip}
		for _, cert := range sl.certs {
			ds.BusinessIDs = append(ds.BusinessIDs, cert.BusinessID)
		}
		c.Scenarios = append(c.Scenarios, ds)
	}
	return c
}

// CertificatesFile is the plan's certificates in the dispatcher's file
// format ({"certificates": [...]}; JSON is YAML too), for `pushsim
// dispatcher --certs`.
func (p *Plan) CertificatesFile() ([]byte, error) {
	certs := certDocs(p.Certificates())
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]any{"certificates": certs}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// CertificateDoc is a certificate as the dispatcher's certificates file
// writes it (push.Certificate's keys; click as {type, target}).
type CertificateDoc map[string]any

func certDocs(certs []push.Certificate) []CertificateDoc {
	out := make([]CertificateDoc, 0, len(certs))
	for _, c := range certs {
		b, err := json.Marshal(c)
		if err != nil {
			continue // a certificate is plain strings and numbers
		}
		var m CertificateDoc
		if json.Unmarshal(b, &m) != nil {
			continue
		}
		delete(m, "click")
		if c.Click.Type != "" || c.Click.Target != "" {
			click := map[string]string{"type": c.Click.Type}
			if c.Click.Target != "" {
				click["target"] = c.Click.Target
			}
			m["click"] = click
		}
		out = append(out, m)
	}
	return out
}

// BlackBoxSkip says why a scenario cannot run against a black-box target,
// or "" when it can. It is derived from the steps:
//
//   - needs: builtin in the file;
//   - no dispatcher step at all (an emulator check: the target is not involved);
//   - a push step (it calls the built-in vendor client directly);
//   - an outcome expectation on attempts (the built-in retry count);
//   - the clock set or moved before a send (the target signs with its own
//     clock, which the scenario cannot move);
//   - a rule about the dispatcher's waits (retries, Retry-After, a paused
//     vendor): the built-in dispatcher waits on the scenario's virtual
//     clock, a black-box one in real time while the emulators' clock stands.
func BlackBoxSkip(s *Scenario) string {
	if s.Needs == NeedsBuiltin {
		return "needs the built-in dispatcher (needs: builtin)"
	}
	for _, r := range s.Rules {
		if slices.Contains(waitRules, r) {
			return "needs the built-in dispatcher: " + r + " waits on the scenario's clock, a black-box dispatcher in real time"
		}
	}
	drives := false
	moved := !s.Start.T.IsZero()
	attempts := func(es Expects) int { // the first line that counts attempts
		line := 0
		for _, e := range es {
			for _, oe := range e.Outcome {
				if oe.Attempts != nil && (line == 0 || oe.Line < line) {
					line = oe.Line
				}
			}
		}
		return line
	}
	for i, st := range s.Steps {
		switch st.Kind {
		case "push":
			return fmt.Sprintf("needs the built-in dispatcher: step %d (line %d) pushes through the built-in %s client", i+1, st.Line, orVendor(st.Push.Vendor, s))
		case "advance", "at":
			moved = true
		case "send":
			drives = true
			if moved {
				return fmt.Sprintf("needs the built-in dispatcher: step %d (line %d) sends after the clock was set or moved; a black-box dispatcher keeps its own time", i+1, st.Line)
			}
		case "login", "logout", "kick", "foreground", "background":
			drives = true
		case "expect":
			if line := attempts(*st.Expect); line > 0 {
				return fmt.Sprintf("needs the built-in dispatcher: line %d counts its retry attempts", line)
			}
		}
	}
	if line := attempts(s.Expect); line > 0 {
		return fmt.Sprintf("needs the built-in dispatcher: line %d counts its retry attempts", line)
	}
	if !drives {
		return SkipEmulatorCheck
	}
	return ""
}

// waitRules are the dispatcher rules whose scenarios only hold when the
// dispatcher's waits move the emulators' clock.
var waitRules = []string{"im.retry.backoff", "im.vendor.circuit"}

// SkipEmulatorCheck is why a scenario that drives no dispatcher is not run
// against a black-box target.
const SkipEmulatorCheck = "drives no dispatcher: an emulator check"

// NeedsBuiltin is the value of `needs:` that keeps a scenario to the
// built-in dispatcher.
const NeedsBuiltin = "builtin"

func orVendor(v string, s *Scenario) string {
	if v != "" {
		return v
	}
	return s.vendor()
}

// fixServiceAccountKey gives an FCM app's service account the fixed key.
func fixServiceAccountKey(a *world.App) {
	raw := a.Extra["service_account"]
	if a.Vendor != "fcm" || raw == "" {
		return
	}
	var m map[string]any
	if json.Unmarshal([]byte(raw), &m) != nil {
		return
	}
	m["private_key"] = fixedFCMKey
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return
	}
	a.Extra["service_account"] = string(b) + "\n"
}

// recordHandler puts every call a black-box target makes to a scenario's
// emulators in its trace, as the recorder transport does for the built-in
// dispatcher.
func recordHandler(r *runner, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(io.LimitReader(req.Body, 32<<20))
		if err != nil {
			problem(w, http.StatusBadRequest, "bad-body", err.Error())
			return
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		uri := req.RequestURI // as the target sent it, with the slot
		if uri == "" {
			uri = req.URL.RequestURI()
		}
		r.event(reports.EventRequest, req.Method+" "+req.Host+uri, requestDetail(req, body))
		cw := &captureWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(cw, req)
		r.event(reports.EventResponse, strconv.Itoa(cw.status)+" "+http.StatusText(cw.status), cut(cw.body.String(), traceBodyMax))
	})
}

type captureWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (c *captureWriter) WriteHeader(code int) {
	c.status = code
	c.ResponseWriter.WriteHeader(code)
}

func (c *captureWriter) Write(b []byte) (int, error) {
	if room := traceBodyMax*4 - c.body.Len(); room > 0 {
		c.body.Write(b[:min(len(b), room)])
	}
	return c.ResponseWriter.Write(b)
}
