// Package faults makes vendor failures data: rules that match vendor
// requests (by vendor, app, path, token or a share of them) and answer
// them with a vendor code in the vendor's own shape, an HTTP status with
// Retry-After, added latency, a hang until the client gives up, a reset
// connection, or a truncated or malformed answer. Rules fire N times or
// with a probability drawn from the world's seed, so a run with the same
// seed and the same requests fires the same faults.
//
// The Injector sits in front of every vendor handler (emulators.Server
// routes each vendor request through it) and also gives the magic tokens
// their meaning: a push token containing QUOTA is answered over quota,
// SLOW is answered late (UNINSTALLED and EXPIRED are the world's, see
// world.MagicUninstalled). The control plane is /_pushsim/faults (api.go).
package faults

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// Actions a rule can take.
const (
	// VendorCode answers Code in the vendor's own shape (world.FaultAnswerer):
	// a generic code (rate, quota, unavailable, auth-expired, token-invalid)
	// or one of the vendor's ("80200003", "-2", "110010", "QUOTA_EXCEEDED").
	VendorCode = "vendor_code"
	// HTTPStatus answers Status (503 by default) with an optional Retry-After.
	HTTPStatus = "http_status"
	// Latency waits Latency before the vendor answers (on a virtual clock
	// the clock moves instead of the wall clock).
	Latency = "latency"
	// Hang answers nothing until the client gives up (its context ends).
	Hang = "hang"
	// Reset closes the connection without an answer (in memory: the
	// transport returns an error).
	Reset = "reset"
	// Truncated lets the vendor handle the request, then cuts its answer
	// in the middle and closes the connection.
	Truncated = "truncated"
	// Malformed lets the vendor handle the request, then answers its status
	// with a body that is not the vendor's JSON.
	Malformed = "malformed"
)

// Actions lists every action.
var Actions = []string{VendorCode, HTTPStatus, Latency, Hang, Reset, Truncated, Malformed}

// Rule is one fault: which vendor requests it matches and what it does to
// them. Zero match fields match everything.
type Rule struct {
	// ID names the rule; "" gets f1, f2, ... when added.
	ID string `json:"id"`
	// Vendor limits the rule to one vendor ("xiaomi", ...).
	Vendor string `json:"vendor,omitempty"`
	// App limits it to one app, by name (or app id or key) on the vendor's console.
	App string `json:"app,omitempty"`
	// Path is a glob on the vendor's real path, where * crosses slashes
	// ("/v3/message/*", "*unicast*").
	Path string `json:"path,omitempty"`
	// Token matches requests one of whose target tokens contains it.
	Token string `json:"token,omitempty"`
	// Share is the probability (0..1) that a matching request is hit, drawn
	// from the seed; 0 means every one.
	Share float64 `json:"share,omitempty"`
	// Times bounds how often the rule fires (0 = no bound).
	Times int `json:"times,omitempty"`
	// After lets the first After matching requests through untouched.
	After int `json:"after,omitempty"`

	Action string `json:"action"`
	// Code is the vendor code of vendor_code.
	Code string `json:"code,omitempty"`
	// Status is the HTTP status of http_status (default 503).
	Status int `json:"status,omitempty"`
	// RetryAfter adds a Retry-After header (whole seconds) to http_status
	// and vendor_code answers.
	RetryAfter Duration `json:"retry_after,omitempty"`
	// Latency is latency's wait (default 2s).
	Latency Duration `json:"latency,omitempty"`

	// Matched and Fired count requests (read-only).
	Matched int `json:"matched"`
	Fired   int `json:"fired"`
}

// UnmarshalJSON reads a rule strictly (an unknown key is an error) and
// takes code as a string or a number ("-2" or -2).
func (r *Rule) UnmarshalJSON(b []byte) error {
	type plain Rule
	var aux struct {
		plain
		Code json.RawMessage `json:"code,omitempty"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&aux); err != nil {
		return err
	}
	*r = Rule(aux.plain)
	if c := bytes.TrimSpace(aux.Code); len(c) > 0 && !bytes.Equal(c, []byte("null")) {
		if c[0] == '"' {
			if err := json.Unmarshal(c, &r.Code); err != nil {
				return err
			}
		} else {
			var n json.Number
			if err := json.Unmarshal(c, &n); err != nil {
				return errors.New("code: want a vendor code as a string or a number")
			}
			r.Code = n.String()
		}
	}
	return nil
}

// Duration is a time.Duration written as Go writes it ("1.5s", "2m") or
// as a number of seconds.
type Duration time.Duration

// MarshalJSON writes "1.5s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "1.5s" or 1.5.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("bad duration %q (want 500ms, 2s, 1m)", s)
		}
		*d = Duration(v)
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return errors.New("want a duration such as \"2s\" or a number of seconds")
	}
	if math.IsNaN(f) || f < 0 || f > maxWait.Seconds() {
		return fmt.Errorf("%v seconds is out of range", f)
	}
	*d = Duration(f * float64(time.Second))
	return nil
}

// Limits of a rule.
const (
	maxWait  = 24 * time.Hour // longest latency or Retry-After
	maxRules = 1000           // rules held at once
)

// ErrInvalid wraps every reason a rule is refused.
var ErrInvalid = errors.New("invalid fault rule")

// Validate checks a rule and fills in its defaults.
func (r *Rule) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, a...))
	}
	switch {
	case len(r.ID) > 64 || strings.ContainsAny(r.ID, "/?#% \t\n"):
		return bad("id: at most 64 characters, no / ? # %% or spaces")
	case !slices.Contains(Actions, r.Action):
		return bad("action %q: want one of %s", r.Action, strings.Join(Actions, ", "))
	case math.IsNaN(r.Share) || r.Share < 0 || r.Share > 1:
		return bad("share %v: want a probability from 0 to 1", r.Share)
	case r.Times < 0 || r.After < 0:
		return bad("times and after cannot be negative")
	case r.RetryAfter < 0 || time.Duration(r.RetryAfter) > maxWait:
		return bad("retry_after: 0 to 24h")
	case r.Latency < 0 || time.Duration(r.Latency) > maxWait:
		return bad("latency: 0 to 24h")
	case r.Action == VendorCode && r.Code == "":
		return bad("vendor_code needs a code (%s, or one of the vendor's own)", strings.Join(world.FaultCodes, ", "))
	case r.Action == HTTPStatus && r.Status != 0 && (r.Status < 200 || r.Status > 599):
		return bad("status %d: want an HTTP status from 200 to 599", r.Status)
	case len(r.Vendor) > 64 || len(r.App) > 256 || len(r.Path) > 1024 || len(r.Token) > 4096 || len(r.Code) > 128:
		return bad("a match field is too long")
	}
	if r.Action == HTTPStatus && r.Status == 0 {
		r.Status = 503
	}
	if r.Action == Latency && r.Latency == 0 {
		r.Latency = Duration(2 * time.Second)
	}
	return nil
}

// Set holds the fault rules of one world. It is safe for concurrent use.
type Set struct {
	seed   uint64
	mu     sync.Mutex
	rules  []*Rule
	nextID int
	n      atomic.Int32 // len(rules), read without the lock on the hot path
}

// NewSet returns an empty set whose draws come from seed.
func NewSet(seed uint64) *Set { return &Set{seed: seed} }

// Add adds rules (checked first: none is added if one is wrong) and returns
// them as stored.
func (s *Set) Add(rules ...Rule) ([]Rule, error) {
	for i := range rules {
		if err := rules[i].Validate(); err != nil {
			if len(rules) > 1 {
				return nil, fmt.Errorf("rule %d: %w", i+1, err)
			}
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.rules)+len(rules) > maxRules {
		return nil, fmt.Errorf("%w: at most %d rules at once", ErrInvalid, maxRules)
	}
	out := make([]Rule, 0, len(rules))
	for _, r := range rules {
		if r.ID == "" {
			for {
				s.nextID++
				r.ID = "f" + strconv.Itoa(s.nextID)
				if s.find(r.ID) < 0 {
					break
				}
			}
		} else if s.find(r.ID) >= 0 || slices.ContainsFunc(out, func(o Rule) bool { return o.ID == r.ID }) {
			return nil, fmt.Errorf("%w: a rule %q exists already", ErrInvalid, r.ID)
		}
		r.Matched, r.Fired = 0, 0
		out = append(out, r)
	}
	for i := range out {
		r := out[i]
		s.rules = append(s.rules, &r)
	}
	s.n.Store(int32(len(s.rules)))
	return out, nil
}

func (s *Set) find(id string) int {
	return slices.IndexFunc(s.rules, func(r *Rule) bool { return r.ID == id })
}

// Rules returns the rules in the order they are tried, with their counts.
func (s *Set) Rules() []Rule {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Rule, len(s.rules))
	for i, r := range s.rules {
		out[i] = *r
	}
	return out
}

// Rule returns one rule by id.
func (s *Set) Rule(id string) (Rule, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := s.find(id); i >= 0 {
		return *s.rules[i], true
	}
	return Rule{}, false
}

// Remove deletes a rule and reports whether it existed.
func (s *Set) Remove(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.find(id)
	if i < 0 {
		return false
	}
	s.rules = slices.Delete(s.rules, i, i+1)
	s.n.Store(int32(len(s.rules)))
	return true
}

// Clear deletes every rule; ids start again from f1.
func (s *Set) Clear() {
	s.mu.Lock()
	s.rules, s.nextID = nil, 0
	s.n.Store(0)
	s.mu.Unlock()
}

// Len is the number of rules.
func (s *Set) Len() int { return int(s.n.Load()) }

// request is what rules match on; its app and tokens are found only when
// a rule asks for them.
type request struct {
	in           *Injector
	v            world.Vendor
	r            *http.Request
	body         []byte
	whole        bool // body is the whole body
	vendor, path string
	resolved     bool
	app          string
	tokens       []string
}

func (q *request) resolve() {
	if !q.resolved {
		q.resolved = true
		q.app, q.tokens = q.in.target(q)
	}
}

// appMatch reports whether a rule's app (a name, id or key) is the app
// the request is for.
func (q *request) appMatch(want string) bool {
	if q.app == "" {
		return false
	}
	if want == q.app {
		return true
	}
	a, ok := q.in.w.FindAppShared(q.vendor, func(a *world.App) bool { return a.Name == q.app })
	return ok && (a.ID == want || a.Key == want)
}

// pick returns a copy of the first rule that fires for q, counting every
// rule that matched on the way.
func (s *Set) pick(q *request) (Rule, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.rules {
		if r.Vendor != "" && r.Vendor != q.vendor || r.Path != "" && !Glob(r.Path, q.path) {
			continue
		}
		if r.App != "" || r.Token != "" {
			q.resolve()
			if r.App != "" && !q.appMatch(r.App) {
				continue
			}
			if r.Token != "" && !slices.ContainsFunc(q.tokens, func(t string) bool { return strings.Contains(t, r.Token) }) {
				continue
			}
		}
		r.Matched++
		if r.Matched <= r.After || r.Times > 0 && r.Fired >= r.Times {
			continue
		}
		if r.Share > 0 && r.Share < 1 && unit(s.seed, r.ID, uint64(r.Matched)) >= r.Share {
			continue
		}
		r.Fired++
		return *r, true
	}
	return Rule{}, false
}

// unit hashes (seed, rule id, n) to a number in [0, 1): the n-th request a
// rule matches is hit or not whatever else happens in the world.
func unit(seed uint64, id string, n uint64) float64 {
	h := seed ^ 0xcbf29ce484222325
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 0x100000001b3
	}
	h ^= n * 0x9e3779b97f4a7c15
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9
	h = (h ^ (h >> 27)) * 0x94d049bb133111eb
	h ^= h >> 31
	return float64(h>>11) / (1 << 53)
}

// Glob matches s against pattern, where * matches any run of characters
// (slashes included) and ? one character.
func Glob(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
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
