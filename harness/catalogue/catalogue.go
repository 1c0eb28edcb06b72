// Package catalogue is the conformance suite's rule catalogue: every rule
// an emulator enforces (each vendor's Rules()), what the phone checks on a
// tap (android.Rules()) and every IM decision the dispatcher must honour
// (dispatcher.Rules()), with a stable id, one line, the vendor, a level
// (MUST, SHOULD, INFO) and the source with its confidence. `pushsim rules` lists it; reports show a rule's source next to
// the scenarios that check it.
//
// It lives under harness because it is one of the few places that knows
// both sides of the wire.
package catalogue

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pushsim/pushsim/android"
	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/reports"
)

// IM is the vendor name of the dispatcher's rules (ids im.*).
const IM = "im"

// Android is the vendor name of the phone's own rules (android.*: what a
// tap opens, package android).
const Android = "android"

// Levels, strongest first.
const (
	MUST   = "MUST"
	SHOULD = "SHOULD"
	INFO   = "INFO"
)

// Catalogue is a set of rules by id.
type Catalogue struct {
	rules []reports.Rule
	byID  map[string]int
}

var builtin = sync.OnceValues(func() (*Catalogue, error) {
	srv := emulators.New(emulators.Options{})
	var all []reports.Rule
	for _, v := range srv.Vendors() {
		for _, r := range srv.Vendor(v).Rules() {
			if r.Vendor == "" {
				r.Vendor = v
			}
			all = append(all, reports.Rule{ID: r.ID, Vendor: r.Vendor, Statement: r.Statement, Level: r.Level,
				Source: r.Source, Confidence: r.Confidence})
		}
	}
	for _, r := range android.Rules() {
		all = append(all, reports.Rule{ID: r.ID, Vendor: Android, Statement: r.Statement, Level: r.Level,
			Source: r.Source, Confidence: r.Confidence})
	}
	for _, r := range dispatcher.Rules() {
		all = append(all, reports.Rule{ID: r.ID, Vendor: IM, Statement: r.Statement, Level: r.Level,
			Source: r.Source, Confidence: r.Confidence})
	}
	return New(all)
})

// Default is the catalogue of everything pushsim knows: every emulated
// vendor's rules and the dispatcher's. It is built once.
func Default() (*Catalogue, error) { return builtin() }

// New checks rules (ids unique and of the form vendor.topic.rule, a known
// level, a statement and a source) and returns them as a catalogue sorted
// by vendor then id.
func New(rules []reports.Rule) (*Catalogue, error) {
	c := &Catalogue{rules: slices.Clone(rules), byID: map[string]int{}}
	sort.SliceStable(c.rules, func(i, j int) bool {
		a, b := c.rules[i], c.rules[j]
		if a.Vendor != b.Vendor {
			return vendorRank(a.Vendor) < vendorRank(b.Vendor)
		}
		return a.ID < b.ID
	})
	var problems []string
	for i, r := range c.rules {
		if _, dup := c.byID[r.ID]; dup {
			problems = append(problems, fmt.Sprintf("rule %s is listed twice", r.ID))
			continue
		}
		c.byID[r.ID] = i
		parts := strings.Split(r.ID, ".")
		switch {
		case len(parts) < 3 || slices.Contains(parts, ""):
			problems = append(problems, fmt.Sprintf("rule %s: want vendor.topic.rule", r.ID))
		case parts[0] != r.Vendor:
			problems = append(problems, fmt.Sprintf("rule %s: vendor %q, but the id starts with %q", r.ID, r.Vendor, parts[0]))
		}
		if LevelRank(r.Level) < 0 {
			problems = append(problems, fmt.Sprintf("rule %s: level %q, want MUST, SHOULD or INFO", r.ID, r.Level))
		}
		if r.Statement == "" || r.Source == "" {
			problems = append(problems, fmt.Sprintf("rule %s: needs a statement and a source", r.ID))
		}
	}
	if len(problems) > 0 {
		return c, fmt.Errorf("rule catalogue: %s", strings.Join(problems, "; "))
	}
	return c, nil
}

// Rules returns every rule, by vendor (xiaomi, huawei, oppo, vivo, meizu,
// fcm, others, im) then id.
func (c *Catalogue) Rules() []reports.Rule { return slices.Clone(c.rules) }

// Rule looks a rule up by id.
func (c *Catalogue) Rule(id string) (reports.Rule, bool) {
	i, ok := c.byID[id]
	if !ok {
		return reports.Rule{}, false
	}
	return c.rules[i], true
}

// Vendor returns one vendor's rules ("im" for the dispatcher's).
func (c *Catalogue) Vendor(name string) []reports.Rule {
	var out []reports.Rule
	for _, r := range c.rules {
		if r.Vendor == name {
			out = append(out, r)
		}
	}
	return out
}

// Vendors lists the vendors that have rules, in catalogue order.
func (c *Catalogue) Vendors() []string {
	var out []string
	for _, r := range c.rules {
		if !slices.Contains(out, r.Vendor) {
			out = append(out, r.Vendor)
		}
	}
	return out
}

// Match returns the rules whose id matches any of the patterns (path.Match
// globs on the id, where * also crosses dots: "oppo.*", "*.quota.*").
func (c *Catalogue) Match(patterns ...string) []reports.Rule {
	var out []reports.Rule
	for _, r := range c.rules {
		if MatchAny(patterns, r.ID) {
			out = append(out, r)
		}
	}
	return out
}

// Level is the strongest level among ids (MUST > SHOULD > INFO). An id the
// catalogue does not know counts as MUST, so nothing is judged leniently
// by mistake; no ids at all is MUST too.
func (c *Catalogue) Level(ids []string) string {
	best := -1
	for _, id := range ids {
		lv := MUST
		if r, ok := c.Rule(id); ok {
			lv = r.Level
		}
		if n := LevelRank(lv); n > best {
			best = n
		}
	}
	switch best {
	case 0:
		return INFO
	case 1:
		return SHOULD
	}
	return MUST
}

// LevelRank orders levels: INFO 0, SHOULD 1, MUST 2; -1 for anything else.
func LevelRank(level string) int {
	switch level {
	case INFO:
		return 0
	case SHOULD:
		return 1
	case MUST:
		return 2
	}
	return -1
}

// vendorOrder is the order vendors are listed in (the guide's order, FCM
// last of the push services, the dispatcher's rules at the end).
var vendorOrder = []string{"xiaomi", "huawei", "oppo", "vivo", "meizu", "fcm", "honor", "apns"}

func vendorRank(v string) int {
	if i := slices.Index(vendorOrder, v); i >= 0 {
		return i
	}
	switch v {
	case IM:
		return 1000
	case Android:
		return 999
	}
	return 100 // other vendors, then by id (so by vendor name), before im
}

// MatchAny reports whether id matches one of the glob patterns. A pattern
// is a shell glob in which * matches any run of characters, dots included
// (so "oppo.*" selects every OPPO rule), ? one character, and [...] a class.
func MatchAny(patterns []string, id string) bool {
	for _, p := range patterns {
		if Glob(p, id) {
			return true
		}
	}
	return false
}

// Glob matches s against a pattern where * matches any run of characters.
func Glob(pattern, s string) bool {
	// Iterative matching with backtracking to the last star.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == '[':
			end := strings.IndexByte(pattern[p:], ']')
			if end > 0 && classMatch(pattern[p+1:p+end], s[i]) {
				p += end + 1
				i++
				continue
			}
			if star < 0 {
				return false
			}
			p, mark = star+1, mark+1
			i = mark
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case star >= 0:
			p, mark = star+1, mark+1
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func classMatch(class string, c byte) bool {
	neg := strings.HasPrefix(class, "!") || strings.HasPrefix(class, "^")
	if neg {
		class = class[1:]
	}
	in := false
	for j := 0; j < len(class); j++ {
		if j+2 < len(class) && class[j+1] == '-' {
			if class[j] <= c && c <= class[j+2] {
				in = true
			}
			j += 2
			continue
		}
		if class[j] == c {
			in = true
		}
	}
	return in != neg
}
