package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/dispatcher/push"
	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/world"
	"github.com/pushsim/pushsim/harness/catalogue"
	"github.com/pushsim/pushsim/reports"
)

// Options configure how scenarios run.
type Options struct {
	// NewDispatcher builds the dispatcher under test for one scenario
	// (nil = Builtin; DriverTarget for a dispatcher behind the driver
	// protocol).
	NewDispatcher func(env *Env) (Dispatcher, error)
	// NewClient builds the vendor client a `push` step uses (nil =
	// dispatcher.NewClient, the built-in vendor clients).
	NewClient push.NewClient
	// Timeout bounds one scenario in wall time (0 = 30s).
	Timeout time.Duration
	// Catalogue gives each rule its level (nil = catalogue.Default()).
	Catalogue *catalogue.Catalogue
	// Waivers are the expected failures.
	Waivers Waivers
	// BlackBox, when set, runs the scenarios against a dispatcher outside
	// the harness: each scenario's emulators are served on the plan's
	// listener, under the certificates the plan gave the target, and
	// scenarios that need the built-in dispatcher are SKIPPED.
	BlackBox *Plan
}

// Run plays one scenario on a fresh world and returns its result. It never
// panics: a step that cannot run is a failure like a broken expectation.
func Run(ctx context.Context, s *Scenario, opt Options) (res reports.Result) {
	began := time.Now()
	cat := opt.Catalogue
	if cat == nil {
		cat, _ = catalogue.Default() // an inconsistent catalogue still levels what it knows; its test says what is wrong
	}
	res = reports.Result{ID: s.ID, Title: s.Title, File: s.File, Vendor: s.vendor(), Rules: s.Rules, Labels: s.Labels,
		Area: area(s), Level: cat.Level(s.Rules), Source: s.Source}
	skip := s.Skip
	if skip == "" && opt.BlackBox != nil {
		skip = BlackBoxSkip(s)
	}
	if skip != "" {
		res.Verdict = reports.Skipped
		res.Skip = skip
		return res
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()
	r := &runner{s: s, opt: opt, ctx: ctx}
	defer func() {
		if p := recover(); p != nil {
			r.fail(0, 0, fmt.Sprintf("panic: %v", p))
		}
		if r.unplug != nil {
			r.unplug()
		}
		r.mu.Lock()
		res.Failures, res.Trace = r.failures, r.trace
		r.mu.Unlock()
		judge(&res, opt.Waivers)
		res.Duration = reports.Duration(time.Since(began))
	}()
	if err := r.setup(); err != nil {
		r.fail(0, 0, "setup: "+err.Error())
		return res
	}
	for i := range s.Steps {
		st := &s.Steps[i]
		r.setStep(i + 1)
		if err := ctx.Err(); err != nil {
			r.fail(r.step, st.Line, "timed out: "+err.Error())
			return res
		}
		if err := r.do(st); err != nil {
			r.fail(r.step, st.Line, err.Error())
			return res
		}
		r.observe()
		if st.Kind == "expect" && len(r.failures) > 0 {
			return res
		}
	}
	r.setStep(0)
	r.check(s.Expect)
	return res
}

// vendor is what the scenario is about: its Vendor, else its apps' one
// vendor, else its folder.
func (s *Scenario) vendor() string {
	if s.Vendor != "" {
		return s.Vendor
	}
	if vs := scenarioVendors(s); len(vs) == 1 {
		return vs[0]
	}
	if dir := path.Dir(s.File); dir != "." && dir != "" {
		return strings.SplitN(dir, "/", 2)[0]
	}
	if before, _, ok := strings.Cut(s.ID, "/"); ok {
		return before
	}
	return ""
}

// runner is one scenario's run state.
type runner struct {
	s   *Scenario
	opt Options
	ctx context.Context

	srv   *emulators.Server
	clock *world.VirtualClock
	env   *Env
	disp  Dispatcher
	hc    *http.Client

	apps    []*appState
	phones  map[string]*phoneState
	clients map[*appState]push.Client

	step     int
	mu       sync.Mutex // trace: the dispatcher may call vendors concurrently
	trace    []reports.Event
	failures []reports.Failure

	lastResponse *response
	responses    map[string]*response // request step id → its answer
	lastPush     *pushed
	lastSend     string
	sends        map[string]string // send step id → message id

	seenLedger uint64
	seenShade  map[string]int       // phone → highest Seq observed
	taps       map[string]world.Tap // phone → its last tap

	unplug func() // takes the world off a black-box plan's listener

	quiet       atomic.Bool // a repeated step's untraced runs
	crowdPhones map[string]bool
	byDeviceID  map[string]string // device id → phone name
}

type appState struct {
	spec *AppSpec
	app  *world.App
	cert push.Certificate
}

type phoneState struct {
	spec   *PhoneSpec
	device world.Device
}

type response struct {
	vendor string
	status int
	header http.Header
	body   []byte
}

type pushed struct {
	results []push.Result
	tokens  map[string]string // phone name → token
}

func (r *runner) fail(step, line int, msg string) {
	r.mu.Lock()
	r.failures = append(r.failures, reports.Failure{Message: msg, Step: step, Line: line})
	r.mu.Unlock()
}

// setStep moves to step n (0 = the final expect). Vendor calls of a
// black-box target land on server goroutines that read it.
func (r *runner) setStep(n int) {
	r.mu.Lock()
	r.step = n
	r.mu.Unlock()
}

func (r *runner) event(kind, summary, detail string) {
	if r.quiet.Load() && kind != reports.EventNote {
		return
	}
	r.mu.Lock()
	r.trace = append(r.trace, reports.Event{Step: r.step, At: r.clock.Now(), Kind: kind, Summary: summary, Detail: detail})
	r.mu.Unlock()
}

func (r *runner) setup() error {
	start := DefaultStart
	if !r.s.Start.T.IsZero() {
		start = r.s.Start.T
	} else if r.opt.BlackBox != nil {
		// A black-box dispatcher signs requests and JWTs with its own
		// (real) clock: the emulators' clock must agree with it.
		start = time.Now().Truncate(time.Millisecond)
	}
	seed := r.s.Seed
	if seed == 0 {
		seed = 1
	}
	r.clock = world.NewVirtualClock(start)
	r.srv = emulators.New(emulators.Options{Clock: r.clock, Seed: seed})
	r.hc = &http.Client{Transport: &recorder{next: r.srv.Transport(), r: r}}
	r.phones = map[string]*phoneState{}
	r.clients = map[*appState]push.Client{}
	r.sends = map[string]string{}
	r.seenShade = map[string]int{}
	w := r.srv.World

	baseURL := r.srv.BaseURL
	var sl *slot
	if r.opt.BlackBox != nil {
		if sl = r.opt.BlackBox.slot(r.s.ID); sl == nil {
			return fmt.Errorf("scenario %s is not in the black-box plan", r.s.ID)
		}
		baseURL = sl.baseURL
	}
	apps, certs, err := buildApps(r.srv, r.s, baseURL, r.opt.BlackBox != nil)
	if err != nil {
		return err
	}
	if sl != nil {
		if err := sl.check(certs); err != nil {
			return err
		}
		certs = sl.certs
		for i := range apps {
			apps[i].cert = sl.certs[i]
		}
	}
	r.apps = apps
	for _, a := range apps {
		r.event(reports.EventNote, fmt.Sprintf("app %s/%s package %s, business id %d", a.spec.Vendor, a.spec.Name, a.app.Package, a.cert.BusinessID), channelsText(a.app))
	}
	for i := range r.s.Given.Phones {
		spec := &r.s.Given.Phones[i]
		app := r.app(spec.App, spec.Vendor)
		v := r.srv.Vendor(spec.Vendor)
		token := spec.Token
		if token == "" {
			token = v.NewToken(app.app)
		}
		d, err := w.Register(world.Device{
			Name: spec.Name, Vendor: spec.Vendor, App: spec.App, Token: token, Platform: spec.Platform,
			Android: spec.Android, NotificationsOff: spec.NotificationsOff, ChannelsOff: spec.ChannelsOff,
			PhoneChannels: spec.PhoneChannels, Uninstalled: spec.Uninstalled, Offline: spec.Offline, Test: spec.Test,
		})
		if err != nil {
			return fmt.Errorf("phone %s: %w", spec.Name, err)
		}
		r.phones[spec.Name] = &phoneState{spec: spec, device: d}
		if !r.inCrowd(spec.Name) {
			r.event(reports.EventNote, fmt.Sprintf("phone %s (%s/%s, Android API %d, user %q)", spec.Name, spec.Vendor, spec.App, d.Android, spec.User), "token "+token)
		}
	}
	for _, name := range sortedKeys(r.s.crowds) {
		c := r.s.crowds[name]
		p := r.phones[c[0]].spec
		r.event(reports.EventNote, fmt.Sprintf("%d phones %s … %s (%s/%s, Android API %d, users %s …)", len(c), c[0], c[len(c)-1], p.Vendor, p.App, r.phones[c[0]].device.Android, p.User), "")
	}
	r.env = &Env{
		Server: r.srv, Clock: r.clock, HTTPClient: r.hc, Certificates: certs, Seed: seed,
		Sleep: func(ctx context.Context, d time.Duration) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if d > 0 {
				r.clock.Advance(d)
				r.srv.World.Tick()
			}
			return nil
		},
	}
	if sl != nil {
		r.env.Namespace = r.opt.BlackBox.namespace(sl)
		r.unplug = r.opt.BlackBox.plug(sl, recordHandler(r, r.srv))
	}
	if r.needsDispatcher() {
		build := r.opt.NewDispatcher
		if build == nil {
			build = Builtin
		}
		d, err := build(r.env)
		if err != nil {
			return fmt.Errorf("dispatcher: %w", err)
		}
		r.disp = d
	}
	return nil
}

// buildApps puts the scenario's apps on the world's consoles (the vendor
// fills in what the scenario leaves out) and derives each one's push
// certificate, pointed at baseURL(vendor). fixedKeys gives FCM apps the
// fixed service-account key, for certificates that hold across processes.
func buildApps(srv *emulators.Server, s *Scenario, baseURL func(string) string, fixedKeys bool) ([]*appState, []push.Certificate, error) {
	var apps []*appState
	var certs []push.Certificate
	for i := range s.Given.Apps {
		spec := &s.Given.Apps[i]
		a := world.App{
			Vendor: spec.Vendor, Name: spec.Name, ID: spec.ID, Key: spec.Key, Secret: spec.Secret,
			Package: spec.Package, Privileges: spec.Privileges, News: spec.News,
			Quotas: spec.Quotas, Settings: spec.Settings, Extra: maps(spec.Extra),
		}
		appManifest(spec, &a)
		for _, c := range spec.Channels {
			class := c.Class
			if class == "" {
				class = world.ClassPrivate
			}
			a.Channels = append(a.Channels, world.Channel{ID: c.ID, Name: c.Name, Class: class})
		}
		if a.Package == "" {
			a.Package = "com.example." + strings.NewReplacer("-", "", "_", "").Replace(spec.Name)
		}
		if v := srv.Vendor(spec.Vendor); v != nil {
			v.DemoApp(&a)
		}
		if fixedKeys {
			fixServiceAccountKey(&a)
		}
		stored, err := srv.World.AddApp(a)
		if err != nil {
			return nil, nil, err
		}
		id := spec.BusinessID
		if id == 0 {
			id = i + 1
		}
		cert := Certificate(stored, id, baseURL(spec.Vendor))
		if o, ok := s.Given.Certificates[spec.Name]; ok {
			o.Apply(&cert)
			cert.BusinessID = max(cert.BusinessID, 0)
		}
		apps = append(apps, &appState{spec: spec, app: stored, cert: cert})
		certs = append(certs, cert)
	}
	return apps, certs, nil
}

func (r *runner) inCrowd(phone string) bool {
	if r.crowdPhones == nil {
		r.crowdPhones = map[string]bool{}
		for _, c := range r.s.crowds {
			for _, p := range c {
				r.crowdPhones[p] = true
			}
		}
	}
	return r.crowdPhones[phone]
}

func (r *runner) needsDispatcher() bool {
	return slices.ContainsFunc(r.s.Steps, func(st Step) bool {
		switch st.Kind {
		case "login", "logout", "kick", "foreground", "background", "token", "send":
			return true
		}
		return false
	})
}

func maps(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func channelsText(a *world.App) string {
	var parts []string
	for _, c := range a.Channels {
		parts = append(parts, c.ID+" ("+c.Class+")")
	}
	if len(parts) == 0 {
		return ""
	}
	return "channels " + strings.Join(parts, ", ")
}

// app finds an app by name and (optionally) vendor; validation made sure it exists.
func (r *runner) app(name, vendor string) *appState {
	for _, a := range r.apps {
		if a.spec.Name == name && (vendor == "" || a.spec.Vendor == vendor) {
			return a
		}
	}
	return nil
}

func (r *runner) do(st *Step) error {
	switch st.Kind {
	case "login", "logout", "kick", "foreground", "background", "token":
		return r.session(st.Kind, st.session())
	case "send":
		return r.send(st.Send)
	case "push":
		return r.repeat(st.Push.Times, func() error { return r.push(st.Push) })
	case "request":
		return r.repeat(st.Request.Times, func() error { return r.request(st.Request) })
	case "advance":
		d := time.Duration(*st.Advance)
		r.clock.Advance(d)
		r.srv.World.Tick()
		r.event(reports.EventStep, "advance "+d.String(), "")
	case "at":
		t := st.At.T
		if st.At.NextMidnight {
			t = world.NextMidnight(r.clock.Now(), world.Shanghai)
		}
		r.clock.Set(t)
		r.srv.World.Tick()
		r.event(reports.EventStep, "at "+t.In(world.Shanghai).Format(time.RFC3339), "")
	case "phone":
		for _, name := range sortedKeys(st.Phone) {
			if err := r.changePhone(name, st.Phone[name]); err != nil {
				return err
			}
		}
	case "fault":
		return r.fault(st.Fault)
	case "tap":
		return r.tap(st.Tap)
	case "subscribe":
		return r.subscribe(st.Subscribe)
	case "expect":
		r.check(*st.Expect)
	}
	return nil
}

// tracedRepeats is how many runs of a repeated step (times: N) are traced
// at its start; the last run is traced too, the ones between only counted.
const tracedRepeats = 3

// repeat runs a step times times (at least once). A step repeated
// thousands of times would bury the trace (and the reports) under
// identical hops: only the first runs and the last are traced.
func (r *runner) repeat(times int, run func() error) error {
	times = max(times, 1)
	for i := range times {
		quiet := i >= tracedRepeats && i < times-1
		r.quiet.Store(quiet)
		err := run()
		r.quiet.Store(false)
		if err != nil {
			return err
		}
		if i == tracedRepeats && times > tracedRepeats+1 {
			r.event(reports.EventNote, fmt.Sprintf("… %d more runs of this step, not traced; the last one follows", times-tracedRepeats-1), "")
		}
	}
	return nil
}

// fault adds (or clears) fault rules on the scenario's emulators.
func (r *runner) fault(f *FaultStep) error {
	set := r.srv.Faults()
	if f.Clear {
		set.Clear()
		r.event(reports.EventStep, "fault: clear every rule", "")
		return nil
	}
	rules := slices.Clone(f.Rules)
	var parts []string
	for i := range rules {
		tok, err := expand(rules[i].Token, r.exprEnv(rules[i].Vendor, nil))
		if err != nil {
			return err
		}
		rules[i].Token = tok
		b, _ := json.Marshal(rules[i])
		parts = append(parts, string(b))
	}
	if _, err := set.Add(rules...); err != nil {
		return fmt.Errorf("fault: %w", err)
	}
	r.event(reports.EventStep, fmt.Sprintf("fault: %d rule(s)", len(rules)), strings.Join(parts, "\n"))
	return nil
}

func (r *runner) session(kind string, ss *SessionStep) error {
	crowd := r.s.crowds[ss.Phone]
	if crowd == nil {
		return r.sessionOne(kind, ss, ss.Phone, true)
	}
	// A crowd: its phones' calls run side by side (a black-box target
	// answers each over HTTP), and one trace line stands for all of them.
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
		next  = make(chan string)
	)
	for w := 0; w < min(crowdWorkers, len(crowd)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range next {
				if err := r.sessionOne(kind, ss, name, false); err != nil {
					once.Do(func() { first = err })
				}
			}
		}()
	}
	for _, name := range crowd {
		next <- name
	}
	close(next)
	wg.Wait()
	if first != nil {
		return first
	}
	summary := fmt.Sprintf("%s the %d phones of %s (%s … %s)", kind, len(crowd), ss.Phone, crowd[0], crowd[len(crowd)-1])
	if kind == "background" {
		summary += fmt.Sprintf(", unread %d", ss.Unread)
	}
	r.event(reports.EventStep, summary, "")
	return nil
}

// crowdWorkers bounds the session calls of a crowd in flight.
const crowdWorkers = 16

func (r *runner) sessionOne(kind string, ss *SessionStep, phone string, trace bool) error {
	p := r.phones[phone]
	user := ss.User
	if user == "" {
		user = p.spec.User
	}
	var err error
	summary := fmt.Sprintf("%s %s (user %s)", kind, p.spec.Name, user)
	report := func() error {
		token := p.device.Token
		if ss.Token != "" {
			app := r.app(p.spec.App, p.spec.Vendor)
			if token, err = expand(ss.Token, r.exprEnv(p.spec.Vendor, app)); err != nil {
				return err
			}
			summary += ", token " + cut(token, 24)
		}
		app := r.app(p.spec.App, p.spec.Vendor)
		summary += fmt.Sprintf(", token reported under business id %d", app.cert.BusinessID)
		return r.disp.ReportToken(user, p.spec.Name, app.cert.BusinessID, token)
	}
	switch kind {
	case "login":
		if err = r.disp.Login(user, p.spec.Name); err == nil && !ss.NoToken {
			err = report()
		}
	case "token":
		err = report()
	case "logout":
		err = r.disp.Logout(user, p.spec.Name)
	case "kick":
		err = r.disp.Kick(user, p.spec.Name)
	case "foreground":
		err = r.disp.Foreground(user, p.spec.Name)
	case "background":
		err = r.disp.Background(user, p.spec.Name, ss.Unread)
		summary += fmt.Sprintf(", unread %d", ss.Unread)
	}
	if trace {
		r.event(reports.EventStep, summary, "")
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", kind, p.spec.Name, err)
	}
	return nil
}

func (r *runner) send(m *SendStep) error {
	msg := dispatcher.Message{
		From: m.From, FromName: m.FromName, To: m.To, Group: m.Group, GroupName: m.GroupName,
		Type: m.Type, Disable: m.Disable, OPPOChannel: m.OPPOChannel, Sound: m.Sound,
	}
	for _, u := range m.Members {
		if strings.Contains(u, "*") {
			msg.Members = append(msg.Members, crowdUsers(r.s, u)...)
		} else {
			msg.Members = append(msg.Members, u)
		}
	}
	var err error
	env := r.exprEnv("", nil)
	for _, f := range []struct {
		dst *string
		src string
	}{{&msg.Text, m.Text}, {&msg.Title, m.Title}, {&msg.Desc, m.Desc}, {&msg.Ext, m.Ext}} {
		if *f.dst, err = expand(f.src, env); err != nil {
			return err
		}
	}
	to := m.To
	if to == "" {
		to = "group " + m.Group
	}
	r.event(reports.EventStep, fmt.Sprintf("send %s → %s: %q", m.From, to, firstNonEmpty(msg.Text, msg.Desc, msg.Type)), "")
	id, err := r.disp.Send(r.ctx, msg)
	if err != nil {
		return fmt.Errorf("send: %w", err)
	}
	r.lastSend = id
	if m.ID != "" {
		r.sends[m.ID] = id
	}
	for _, o := range r.disp.Outcomes(dispatcher.OutcomeFilter{MessageID: id}) {
		r.event(reports.EventOutcome, outcomeText(o), "")
	}
	return nil
}

func outcomeText(o dispatcher.Outcome) string {
	s := fmt.Sprintf("%s/%s: %s", o.User, o.Device, o.Kind)
	if o.Code != "" {
		s += " code " + o.Code
	}
	if o.Rule != "" {
		s += " [" + o.Rule + "]"
	}
	if o.Reason != "" {
		s += ": " + o.Reason
	}
	if o.Attempts > 1 {
		s += fmt.Sprintf(" (%d attempts)", o.Attempts)
	}
	return s
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func (r *runner) client(a *appState) (push.Client, error) {
	if c, ok := r.clients[a]; ok {
		return c, nil
	}
	build := r.opt.NewClient
	if build == nil {
		build = dispatcher.NewClient
	}
	c, err := build(a.cert, push.Options{HTTPClient: r.hc, Now: r.clock.Now})
	if err != nil {
		return nil, err
	}
	r.clients[a] = c
	return c, nil
}

func (r *runner) push(ps *PushStep) error {
	a := r.app(ps.App, ps.Vendor)
	env := r.exprEnv(a.spec.Vendor, a)
	p := push.Push{
		ID: ps.ID, PassThrough: ps.PassThrough, Channel: ps.Channel, NoChannel: ps.NoChannel, Class: ps.Class,
		Category: ps.Category, Sound: ps.Sound, Badge: ps.Badge, TTL: time.Duration(ps.TTL),
	}
	var err error
	for _, f := range []struct {
		dst *string
		src string
	}{{&p.Title, ps.Title}, {&p.Body, ps.Body}, {&p.Ext, ps.Ext}, {&p.NotifyID, ps.NotifyID}} {
		if *f.dst, err = expand(f.src, env); err != nil {
			return err
		}
	}
	if ps.Click != nil {
		p.Click = push.Click{Type: ps.Click.Type, Target: ps.Click.Target}
	}
	if p.Extras, err = expandMap(ps.Extras, env); err != nil {
		return err
	}
	if p.Raw, err = expandMap(ps.Raw, env); err != nil {
		return err
	}
	pu := &pushed{tokens: map[string]string{}}
	var tokens []string
	for _, n := range ps.To {
		t := r.phones[n].device.Token
		pu.tokens[n] = t
		tokens = append(tokens, t)
	}
	for _, t := range ps.Tokens {
		v, err := expand(t, env)
		if err != nil {
			return err
		}
		for _, x := range strings.Split(v, ",") {
			if x != "" {
				tokens = append(tokens, x)
			}
		}
	}
	c, err := r.client(a)
	if err != nil {
		return fmt.Errorf("push: %s client: %w", a.spec.Vendor, err)
	}
	r.event(reports.EventStep, fmt.Sprintf("push through %s/%s to %s: %q", a.spec.Vendor, a.spec.Name, strings.Join(append(slices.Clone(ps.To), ps.Tokens...), ", "), p.Title), "")
	pu.results = c.Send(r.ctx, p, tokens)
	r.lastPush = pu
	return nil
}

func expandMap(m map[string]string, env exprEnv) (map[string]string, error) {
	if m == nil {
		return nil, nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		k2, err := expand(k, env)
		if err != nil {
			return nil, err
		}
		if out[k2], err = expand(v, env); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (r *runner) request(rs *RequestStep) error {
	var auth *appState
	if rs.Auth != "" {
		auth = r.app(rs.Auth, rs.Vendor)
	}
	env := r.exprEnv(rs.Vendor, auth)
	p, err := expand(rs.Path, env)
	if err != nil {
		return err
	}
	method := rs.Method
	if method == "" {
		method = http.MethodPost
	}
	var body io.Reader
	contentType := ""
	switch {
	case len(rs.Form) > 0:
		var b strings.Builder
		for _, f := range rs.Form {
			k, err := expand(f.Key, env)
			if err != nil {
				return err
			}
			for _, v := range f.Values {
				if v, err = expand(v, env); err != nil {
					return err
				}
				if b.Len() > 0 {
					b.WriteByte('&')
				}
				b.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(v))
			}
		}
		body, contentType = strings.NewReader(b.String()), "application/x-www-form-urlencoded;charset=UTF-8"
	case rs.JSON != nil:
		v, err := expandAny(rs.JSON, env)
		if err != nil {
			return err
		}
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("request json: %w", err)
		}
		body, contentType = bytes.NewReader(b), "application/json"
	case rs.Body != "":
		b, err := expand(rs.Body, env)
		if err != nil {
			return err
		}
		body = strings.NewReader(b)
	}
	req, err := http.NewRequestWithContext(r.ctx, method, r.srv.BaseURL(rs.Vendor)+p, body)
	if err != nil {
		return fmt.Errorf("request: %w", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if auth != nil {
		if err := authorize(req, auth.app, r.hc, r.srv.World.Now()); err != nil {
			return err
		}
	}
	for _, k := range sortedKeys(rs.Headers) {
		v, err := expand(rs.Headers[k], env)
		if err != nil {
			return err
		}
		req.Header.Set(k, v)
	}
	r.event(reports.EventStep, fmt.Sprintf("request %s %s %s", rs.Vendor, method, p), "")
	resp, err := r.hc.Do(req)
	if err != nil {
		return fmt.Errorf("request: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("request: reading the answer: %w", err)
	}
	r.lastResponse = &response{vendor: rs.Vendor, status: resp.StatusCode, header: resp.Header, body: b}
	if rs.ID != "" {
		if r.responses == nil {
			r.responses = map[string]*response{}
		}
		r.responses[rs.ID] = r.lastResponse
	}
	return nil
}

// expandAny expands ${...} in every string of a decoded YAML value.
func expandAny(v any, env exprEnv) (any, error) {
	switch x := v.(type) {
	case string:
		return expand(x, env)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			k2, err := expand(k, env)
			if err != nil {
				return nil, err
			}
			if out[k2], err = expandAny(e, env); err != nil {
				return nil, err
			}
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			var err error
			if out[i], err = expandAny(e, env); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return v, nil
}

func (r *runner) changePhone(name string, c PhoneChange) error {
	var parts []string
	_, err := r.srv.World.UpdateDevice(r.phoneID(name), func(d *world.Device) {
		if c.Offline != nil {
			d.Offline = *c.Offline
			parts = append(parts, fmt.Sprintf("offline=%v", *c.Offline))
		}
		if c.NotificationsOff != nil {
			d.NotificationsOff = *c.NotificationsOff
			parts = append(parts, fmt.Sprintf("notifications_off=%v", *c.NotificationsOff))
		}
		if c.ChannelsOff != nil {
			d.ChannelsOff = slices.Clone(*c.ChannelsOff)
			parts = append(parts, fmt.Sprintf("channels_off=%v", *c.ChannelsOff))
		}
		if c.PhoneChannels != nil {
			d.PhoneChannels = slices.Clone(*c.PhoneChannels)
			parts = append(parts, fmt.Sprintf("phone_channels=%v", *c.PhoneChannels))
		}
		if c.Uninstalled != nil {
			d.Uninstalled = *c.Uninstalled
			parts = append(parts, fmt.Sprintf("uninstalled=%v", *c.Uninstalled))
		}
		if c.Android != nil {
			d.Android = *c.Android
			parts = append(parts, fmt.Sprintf("android=%d", *c.Android))
		}
	})
	if err != nil {
		return fmt.Errorf("phone %s: %w", name, err)
	}
	r.event(reports.EventStep, fmt.Sprintf("phone %s: %s", name, strings.Join(parts, ", ")), "")
	return nil
}

// observe adds to the trace what the world did since the last look: new
// ledger verdicts and what each phone showed, dropped or handed to its app.
func (r *runner) observe() {
	w := r.srv.World
	var ledger []reports.Event
	for _, e := range w.Ledger(world.Filter{Since: r.seenLedger}) {
		r.seenLedger = max(r.seenLedger, e.Seq)
		s := fmt.Sprintf("%s %s %s", e.Vendor, e.Kind, e.Verdict)
		if e.Code != "" {
			s += " code " + e.Code
		}
		if e.Rule != "" {
			s += " [" + e.Rule + "]"
		}
		if e.Device != "" {
			s += " on " + r.phoneName(e.Device)
		}
		if e.Reason != "" {
			s += ": " + e.Reason
		}
		ledger = append(ledger, reports.Event{Step: r.step, At: e.At, Kind: reports.EventLedger, Summary: s})
	}
	r.mu.Lock()
	r.trace = append(r.trace, collapse(ledger)...)
	r.mu.Unlock()
	for _, name := range sortedKeys(r.phones) {
		sh, err := w.Shade(r.phoneID(name))
		if err != nil {
			continue
		}
		seen := r.seenShade[name]
		var evs []reports.Event
		for _, n := range sh.Shown {
			if n.Seq > seen {
				evs = append(evs, reports.Event{Step: r.step, At: n.At, Kind: reports.EventShade, Summary: fmt.Sprintf("%s shows %q: %q", name, n.Title, n.Body), Detail: notificationDetail(n)})
			}
		}
		for _, n := range sh.Dropped {
			if n.Seq > seen {
				evs = append(evs, reports.Event{Step: r.step, At: n.At, Kind: reports.EventShade, Summary: fmt.Sprintf("%s did not show %q [%s]: %s", name, n.Title, n.Rule, n.Reason)})
			}
		}
		for _, n := range sh.Inbox {
			if n.Seq > seen {
				evs = append(evs, reports.Event{Step: r.step, At: n.At, Kind: reports.EventShade, Summary: fmt.Sprintf("%s app received a pass-through message (payload %q)", name, n.Payload)})
			}
		}
		for _, n := range slices.Concat(sh.Shown, sh.Dropped, sh.Inbox) {
			r.seenShade[name] = max(r.seenShade[name], n.Seq)
		}
		r.mu.Lock()
		r.trace = append(r.trace, collapse(evs)...)
		r.mu.Unlock()
	}
}

// collapse merges runs of identical events (a step repeated a thousand
// times) into one that says how many: "… (×1000)".
func collapse(evs []reports.Event) []reports.Event {
	if len(evs) < 2 {
		return evs
	}
	out := evs[:0:0]
	for i := 0; i < len(evs); {
		j := i + 1
		for j < len(evs) && evs[j].Kind == evs[i].Kind && evs[j].Summary == evs[i].Summary && evs[j].Detail == evs[i].Detail {
			j++
		}
		e := evs[i]
		if n := j - i; n > 1 {
			e.Summary += fmt.Sprintf(" (×%d)", n)
		}
		out = append(out, e)
		i = j
	}
	return out
}

func notificationDetail(n world.Notification) string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+": "+v)
		}
	}
	add("channel", n.Channel)
	add("class", n.Class)
	add("sound", n.Sound)
	add("notify id", n.NotifyID)
	if n.Click.Type != "" {
		add("click", strings.TrimSpace(n.Click.Type+" "+n.Click.Target))
	}
	if n.Badge != nil {
		add("badge", fmt.Sprint(*n.Badge))
	}
	for _, k := range sortedKeys(n.Extras) {
		add("extra "+k, n.Extras[k])
	}
	add("payload", n.Payload)
	return strings.Join(parts, "\n")
}

func (r *runner) phoneName(deviceID string) string {
	if r.byDeviceID == nil {
		r.byDeviceID = make(map[string]string, len(r.phones))
		for n, p := range r.phones {
			r.byDeviceID[p.device.ID] = n
		}
	}
	if n, ok := r.byDeviceID[deviceID]; ok {
		return n
	}
	return deviceID
}

// exprEnv resolves ${...} for a step of a vendor (and app, for tokens).
func (r *runner) exprEnv(vendor string, app *appState) exprEnv {
	return &runEnv{r: r, vendor: vendor, app: app}
}

type runEnv struct {
	r      *runner
	vendor string
	app    *appState
}

func (e *runEnv) field(name, field string) (string, error) {
	if p, ok := e.r.phones[name]; ok {
		switch field {
		case "token":
			if d, ok := e.r.srv.World.Device(p.device.ID); ok {
				return d.Token, nil
			}
			return p.device.Token, nil
		case "id":
			return p.device.ID, nil
		case "name":
			return name, nil
		case "user":
			return p.spec.User, nil
		}
		return "", fmt.Errorf("phone %q has no field %q", name, field)
	}
	var a *appState
	for _, x := range e.r.apps {
		if x.spec.Name == name && (a == nil || x.spec.Vendor == e.vendor) {
			a = x
		}
	}
	if a == nil {
		return "", fmt.Errorf("no phone or app named %q", name)
	}
	switch field {
	case "app_id":
		return a.app.ID, nil
	case "app_key":
		return a.app.Key, nil
	case "app_secret":
		return a.app.Secret, nil
	case "package":
		return a.app.Package, nil
	case "vendor":
		return a.app.Vendor, nil
	case "name":
		return a.app.Name, nil
	}
	return "", fmt.Errorf("app %q has no field %q", name, field)
}

func (e *runEnv) tokens(n int) (string, error) {
	app := e.app
	if app == nil {
		for _, a := range e.r.apps {
			if a.spec.Vendor == e.vendor {
				app = a
				break
			}
		}
	}
	if app == nil {
		return "", errors.New("tokens(n) needs an app of the step's vendor")
	}
	v := e.r.srv.Vendor(app.spec.Vendor)
	out := make([]string, n)
	for i := range out {
		out[i] = v.NewToken(app.app)
	}
	return strings.Join(out, ","), nil
}

// response is a value of a request step's JSON answer: the one with that
// id, or the last.
func (e *runEnv) response(id, path string) (string, error) {
	resp := e.r.lastResponse
	if id != "" {
		if resp = e.r.responses[id]; resp == nil {
			return "", errNoRequest
		}
	}
	if resp == nil {
		return "", errors.New("no request step ran before")
	}
	doc, ok := decodeJSON(resp.body)
	if !ok {
		return "", errors.New("the last answer is not JSON")
	}
	v, ok := lookup(doc, path)
	if !ok {
		return "", fmt.Errorf("the last answer has no %s", path)
	}
	return text(v), nil
}

// phoneID is a phone's device id, which the world finds without a scan.
func (r *runner) phoneID(name string) string {
	if p, ok := r.phones[name]; ok && p.device.ID != "" {
		return p.device.ID
	}
	return name
}
