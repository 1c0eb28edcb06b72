package harness

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/pushsim/pushsim/emulators"
)

// knownVendors are the emulated vendors' names.
var knownVendors = sync.OnceValue(func() []string { return emulators.New(emulators.Options{}).Vendors() })

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$`)

// validate checks what strict decoding cannot: required keys, names that
// refer to apps and phones, step order. Errors carry the line.
func validate(s *Scenario) error {
	at := func(line int, format string, a ...any) error {
		return &posError{Line: line, Msg: fmt.Sprintf(format, a...)}
	}
	if err := validateTaps(s); err != nil {
		return err
	}
	top := max(s.Line, 1)
	switch {
	case s.ID == "":
		return at(top, "id is required (e.g. xiaomi/quota/default-daily)")
	case !idPattern.MatchString(s.ID):
		return at(top, "id %q: use lower-case words joined by / . _ -", s.ID)
	case s.Title == "":
		return at(top, "title is required: one line saying what the scenario shows")
	case len(s.Rules) == 0:
		return at(top, "rules is required: the rule ids this scenario checks")
	}
	if s.Needs != "" && s.Needs != NeedsBuiltin {
		return at(top, "needs %q: the only value is %s", s.Needs, NeedsBuiltin)
	}
	for _, r := range s.Rules {
		if !ruleID.MatchString(r) {
			return at(top, "rule id %q: want vendor.topic.rule", r)
		}
	}
	for _, l := range s.Labels {
		if l == "" || strings.ContainsAny(l, "&|!,()/ ") || strings.HasPrefix(l, ":") {
			return at(top, "label %q: a label may not be empty or contain spaces or any of & | ! , ( ) /", l)
		}
	}

	// apps
	vendors := knownVendors()
	apps := map[string][]*AppSpec{} // by name
	seenApp := map[string]bool{}
	for i := range s.Given.Apps {
		a := &s.Given.Apps[i]
		switch {
		case a.Vendor == "":
			return at(a.Line, "app needs a vendor (one of %s)", strings.Join(vendors, ", "))
		case !slices.Contains(vendors, a.Vendor):
			return at(a.Line, "unknown vendor %q (want one of %s)", a.Vendor, strings.Join(vendors, ", "))
		case a.Name == "":
			return at(a.Line, "app needs a name")
		case seenApp[a.Vendor+"/"+a.Name]:
			return at(a.Line, "%s app %q is given twice", a.Vendor, a.Name)
		}
		seenApp[a.Vendor+"/"+a.Name] = true
		for _, c := range a.Channels {
			if c.ID == "" {
				return at(a.Line, "app %q: a channel needs an id", a.Name)
			}
			if c.Class != "" && c.Class != "private" && c.Class != "public" && c.Class != "default" {
				return at(a.Line, "app %q: channel %q class %q, want private, public or default", a.Name, c.ID, c.Class)
			}
		}
		apps[a.Name] = append(apps[a.Name], a)
	}
	findApp := func(line int, name, vendor string) (*AppSpec, error) {
		var match []*AppSpec
		for _, a := range apps[name] {
			if vendor == "" || a.Vendor == vendor {
				match = append(match, a)
			}
		}
		if name == "" && vendor != "" {
			for _, a := range s.Given.Apps {
				if a.Vendor == vendor {
					match = append(match, &a)
				}
			}
			if len(match) != 1 {
				return nil, at(line, "say which %s app (app: name)", vendor)
			}
			return match[0], nil
		}
		switch len(match) {
		case 0:
			if vendor != "" {
				return nil, at(line, "no %s app named %q in given.apps", vendor, name)
			}
			return nil, at(line, "no app named %q in given.apps", name)
		case 1:
			return match[0], nil
		}
		return nil, at(line, "app name %q is used by several vendors: add vendor", name)
	}
	for name, c := range s.Given.Certificates {
		if _, ok := apps[name]; !ok {
			return at(c.Line, "certificate for %q: no app of that name in given.apps", name)
		}
	}

	// crowds: a phone with count stands for that many
	var expanded []PhoneSpec
	for _, p := range s.Given.Phones {
		if p.Count == 0 {
			expanded = append(expanded, p)
			continue
		}
		switch {
		case p.Count < 0 || p.Count > maxCrowd:
			return at(p.Line, "phone %q: count %d, want 1 to %d", p.Name, p.Count, maxCrowd)
		case p.Token != "":
			return at(p.Line, "phone %q: a crowd's phones get fresh tokens; drop token", p.Name)
		}
		if s.crowds == nil {
			s.crowds = map[string][]string{}
		}
		for i := 1; i <= p.Count; i++ {
			q := p
			q.Count = 0
			q.Name = p.Name + "-" + strconv.Itoa(i)
			if p.User != "" {
				q.User = p.User + "-" + strconv.Itoa(i)
			}
			expanded = append(expanded, q)
			s.crowds[p.Name] = append(s.crowds[p.Name], q.Name)
		}
	}
	s.Given.Phones = expanded

	// phones
	phones := map[string]*PhoneSpec{}
	for i := range s.Given.Phones {
		p := &s.Given.Phones[i]
		if p.Name == "" {
			return at(p.Line, "phone needs a name (e.g. alice-phone)")
		}
		if phones[p.Name] != nil {
			return at(p.Line, "phone %q is given twice", p.Name)
		}
		if p.Vendor != "" && !slices.Contains(vendors, p.Vendor) {
			return at(p.Line, "unknown vendor %q (want one of %s)", p.Vendor, strings.Join(vendors, ", "))
		}
		if p.App == "" && p.Vendor == "" {
			if len(s.Given.Apps) != 1 {
				return at(p.Line, "phone %q: say which app (app: name)", p.Name)
			}
			p.App = s.Given.Apps[0].Name
		}
		a, err := findApp(p.Line, p.App, p.Vendor)
		if err != nil {
			return err
		}
		p.App, p.Vendor = a.Name, a.Vendor
		phones[p.Name] = p
	}
	phone := func(line int, name string) (*PhoneSpec, error) {
		if p := phones[name]; p != nil {
			return p, nil
		}
		return nil, at(line, "no phone named %q in given.phones%s", name, suggest(name, phones))
	}
	ex := names{phones: map[string]bool{}, apps: map[string]bool{}, requests: map[string]bool{}}
	for n := range phones {
		ex.phones[n] = true
	}
	for n := range apps {
		ex.apps[n] = true
	}
	checkExpr := func(line int, values ...string) error {
		for _, v := range values {
			if _, err := expand(v, ex); err != nil {
				return at(line, "%v", err)
			}
		}
		return nil
	}

	// steps
	sends := map[string]bool{}
	var sawPush, sawRequest, sawSend bool
	checkExpects := func(es Expects) error {
		for _, e := range es {
			if err := validateExpect(e, phone, checkExpr, sawPush, sawRequest, sawSend, sends); err != nil {
				return err
			}
		}
		return nil
	}
	for i := range s.Steps {
		st := &s.Steps[i]
		switch st.Kind {
		case "login", "logout", "kick", "foreground", "background", "token":
			ss := st.session()
			members := s.crowds[ss.Phone]
			if members == nil {
				members = []string{ss.Phone}
			} else if ss.User != "" || ss.Token != "" {
				return at(st.Line, "%s: %q is a crowd: its phones have their own users and tokens", st.Kind, ss.Phone)
			}
			for _, name := range members {
				p, err := phone(st.Line, name)
				if err != nil {
					return err
				}
				if ss.User == "" && p.User == "" {
					return at(st.Line, "%s: phone %q has no user; give the phone a user or the step one", st.Kind, p.Name)
				}
			}
			if ss.User == "" && len(members) == 1 {
				p, _ := phone(st.Line, members[0])
				ss.User = p.User
			}
			if ss.Token != "" && st.Kind != "login" && st.Kind != "token" {
				return at(st.Line, "token is only for login and token steps")
			}
			if err := checkExpr(st.Line, ss.Token); err != nil {
				return err
			}
			if ss.Unread != 0 && st.Kind != "background" {
				return at(st.Line, "unread is only for background")
			}
			if ss.NoToken && st.Kind != "login" {
				return at(st.Line, "no_token is only for login")
			}
		case "send":
			m := st.Send
			switch {
			case m.From == "":
				return at(st.Line, "send needs from (the sender's user id)")
			case m.To == "" && m.Group == "":
				return at(st.Line, "send needs to (a user) or group")
			case m.To != "" && m.Group != "":
				return at(st.Line, "send has both to and group; pick one")
			case m.Group != "" && len(m.Members) == 0:
				return at(st.Line, "a group send needs members")
			}
			for _, u := range m.Members {
				if strings.Contains(u, "*") && len(crowdUsers(s, u)) == 0 {
					return at(st.Line, "member %q matches no phone's user", u)
				}
			}
			if m.ID != "" {
				sends[m.ID] = true
			}
			if err := checkExpr(st.Line, m.Title, m.Desc, m.Text, m.Ext); err != nil {
				return err
			}
			sawSend = true
		case "push":
			p := st.Push
			if len(p.To) == 0 && len(p.Tokens) == 0 {
				return at(st.Line, "push needs to (phone names) or tokens")
			}
			if p.App == "" {
				if len(p.To) > 0 {
					if ph, err := phone(st.Line, p.To[0]); err == nil {
						p.App, p.Vendor = ph.App, ph.Vendor
					}
				} else if len(s.Given.Apps) == 1 {
					p.App = s.Given.Apps[0].Name
				}
			}
			a, err := findApp(st.Line, p.App, p.Vendor)
			if err != nil {
				return err
			}
			p.App, p.Vendor = a.Name, a.Vendor
			for _, n := range p.To {
				ph, err := phone(st.Line, n)
				if err != nil {
					return err
				}
				if ph.Vendor != p.Vendor {
					return at(st.Line, "phone %q is a %s phone; app %q is %s", n, ph.Vendor, p.App, p.Vendor)
				}
			}
			vals := append([]string{p.Title, p.Body, p.Ext, p.NotifyID}, p.Tokens...)
			for k, v := range p.Extras {
				vals = append(vals, k, v)
			}
			for k, v := range p.Raw {
				vals = append(vals, k, v)
			}
			if err := checkExpr(st.Line, vals...); err != nil {
				return err
			}
			if p.Times < 0 || p.Times > 10000 {
				return at(st.Line, "times: %d, want 1 to 10000", p.Times)
			}
			sawPush = true
		case "request":
			r := st.Request
			if r.Path == "" || !strings.HasPrefix(r.Path, "/") {
				return at(st.Line, "request needs a path starting with / (the vendor's real path)")
			}
			if r.Vendor == "" {
				if a, err := findApp(st.Line, r.Auth, ""); r.Auth != "" && err == nil {
					r.Vendor = a.Vendor
				} else if vs := scenarioVendors(s); len(vs) == 1 {
					r.Vendor = vs[0]
				} else {
					return at(st.Line, "request needs a vendor")
				}
			}
			if !slices.Contains(vendors, r.Vendor) {
				return at(st.Line, "unknown vendor %q (want one of %s)", r.Vendor, strings.Join(vendors, ", "))
			}
			if r.Auth != "" {
				if _, err := findApp(st.Line, r.Auth, r.Vendor); err != nil {
					return err
				}
			}
			bodies := 0
			for _, set := range []bool{len(r.Form) > 0, r.JSON != nil, r.Body != ""} {
				if set {
					bodies++
				}
			}
			if bodies > 1 {
				return at(st.Line, "request has more than one of form, json and body")
			}
			vals := []string{r.Path, r.Body}
			for k, v := range r.Headers {
				vals = append(vals, k, v)
			}
			for _, f := range r.Form {
				vals = append(vals, f.Key)
				vals = append(vals, f.Values...)
			}
			vals = append(vals, jsonStrings(r.JSON)...)
			if err := checkExpr(st.Line, vals...); err != nil {
				return err
			}
			if r.Times < 0 || r.Times > 10000 {
				return at(st.Line, "times: %d, want 1 to 10000", r.Times)
			}
			if id := r.ID; id != "" {
				switch {
				case strings.ContainsAny(id, ".${} ") || id == "response":
					return at(st.Line, "request id %q: a plain name, not response, without . $ { } or spaces", id)
				case ex.requests[id] || ex.phones[id] || ex.apps[id]:
					return at(st.Line, "request id %q is already the name of a request, phone or app", id)
				}
				ex.requests[id] = true
			}
			sawRequest = true
		case "advance":
			if *st.Advance < 0 {
				return at(st.Line, "advance: the clock only moves forward (use at to jump)")
			}
		case "phone":
			if len(st.Phone) == 0 {
				return at(st.Line, "phone: name the phones to change (phone: {alice-phone: {offline: false}})")
			}
			for _, n := range sortedKeys(st.Phone) {
				if _, err := phone(st.Phone[n].Line, n); err != nil {
					return err
				}
			}
		case "subscribe":
			if err := validateSubscribe(s, st.Subscribe, phone); err != nil {
				return err
			}
		case "expect":
			if err := checkExpects(*st.Expect); err != nil {
				return err
			}
		}
	}
	if len(s.Steps) == 0 && len(s.Expect) == 0 {
		return at(top, "a scenario needs steps or expect")
	}
	return checkExpects(s.Expect)
}

var ruleID = regexp.MustCompile(`^[a-z0-9]+(\.[a-z0-9][a-z0-9_-]*)+$`)

var verdicts = []string{"accepted", "rejected", "accepted-not-shown"}

func validateExpect(e Expect, phone func(int, string) (*PhoneSpec, error), checkExpr func(int, ...string) error, sawPush, sawRequest, sawSend bool, sends map[string]bool) error {
	at := func(line int, format string, a ...any) error {
		return &posError{Line: line, Msg: fmt.Sprintf(format, a...)}
	}
	if e.Phone == nil && e.Response == nil && e.Result == nil && e.Outcome == nil && e.Ledger == nil && e.Tap == nil {
		return at(e.Line, "expect is empty: check phone, response, result, outcome, ledger or tap")
	}
	for _, n := range sortedKeys(e.Phone) {
		pe := e.Phone[n]
		if _, err := phone(pe.Line, n); err != nil {
			return err
		}
		if pe.Shows == "nothing" && pe.Count != nil && *pe.Count != 0 {
			return at(pe.Line, "shows: nothing contradicts count: %d", *pe.Count)
		}
		var vals []string
		for _, v := range []*string{pe.Title, pe.Body, pe.Channel, pe.Class, pe.Importance, pe.Sound, pe.NotifyID, pe.Payload} {
			if v != nil {
				vals = append(vals, *v)
			}
		}
		if err := checkExpr(pe.Line, vals...); err != nil {
			return err
		}
	}
	if e.Response != nil && !sawRequest {
		return at(e.Response.Line, "expect response: no request step before it")
	}
	if e.Result != nil && !sawPush {
		return at(e.Line, "expect result: no push step before it")
	}
	if e.Outcome != nil {
		if !sawSend {
			return at(e.Line, "expect outcome: no send step before it")
		}
		if e.Message != "" && !sends[e.Message] {
			return at(e.Line, "expect outcome: no send with id %q before it", e.Message)
		}
		for _, n := range sortedKeys(e.Outcome) {
			if _, err := phone(e.Outcome[n].Line, n); err != nil {
				return err
			}
		}
	}
	for _, l := range e.Ledger {
		if l.Phone != "" {
			if _, err := phone(l.Line, l.Phone); err != nil {
				return err
			}
		}
		if l.Verdict != "" && !slices.Contains(verdicts, l.Verdict) {
			return at(l.Line, "ledger verdict %q, want one of %s", l.Verdict, strings.Join(verdicts, ", "))
		}
		if l.Kind != "" && l.Kind != "request" && l.Kind != "delivery" {
			return at(l.Line, "ledger kind %q, want request or delivery", l.Kind)
		}
	}
	return nil
}

// maxCrowd bounds a crowd (count) of phones.
const maxCrowd = 100000

// crowdUsers expands a member with a * into the users of the phones that
// match it, in phone order.
func crowdUsers(s *Scenario, pattern string) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range s.Given.Phones {
		if p.User != "" && !seen[p.User] && globMatch(pattern, p.User) {
			seen[p.User] = true
			out = append(out, p.User)
		}
	}
	return out
}

// session returns a session step's spec.
func (s *Step) session() *SessionStep {
	switch s.Kind {
	case "login":
		return s.Login
	case "logout":
		return s.Logout
	case "kick":
		return s.Kick
	case "foreground":
		return s.Foreground
	case "background":
		return s.Background
	case "token":
		return s.Token
	}
	return nil
}

// scenarioVendors lists the vendors of a scenario's apps.
func scenarioVendors(s *Scenario) []string {
	var vs []string
	for _, a := range s.Given.Apps {
		if !slices.Contains(vs, a.Vendor) {
			vs = append(vs, a.Vendor)
		}
	}
	sort.Strings(vs)
	return vs
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// suggest names the closest known name, for typos.
func suggest[V any](name string, known map[string]V) string {
	best, bestD := "", 3
	for k := range known {
		if d := distance(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// jsonStrings collects every string in a decoded YAML value (keys too).
func jsonStrings(v any) []string {
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case map[string]any:
			for k, e := range x {
				out = append(out, k)
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}
