package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/pushsim/pushsim/harness/catalogue"
	"github.com/pushsim/pushsim/reports"
)

// judge turns what Run observed (passed, or the failures) into the suite's
// verdict: a broken MUST scenario is FAIL, a broken SHOULD one NON-STRICT;
// a scenario whose rules are all INFO is INFO either way (its failures are
// kept as what was observed). A waiver turns FAIL and NON-STRICT into
// WAIVED and marks a waived PASS as stale.
func judge(res *reports.Result, waivers Waivers) {
	if res.Verdict == reports.Skipped {
		return
	}
	failed := len(res.Failures) > 0
	switch {
	case res.Level == catalogue.INFO:
		res.Verdict = reports.Info
	case !failed:
		res.Verdict = reports.Pass
	case res.Level == catalogue.SHOULD:
		res.Verdict = reports.NonStrict
	default:
		res.Verdict = reports.Fail
	}
	if w, ok := waivers.Lookup(res.ID); ok && res.Verdict != reports.Info {
		res.Waiver = &reports.Waiver{Reason: w.Reason, Verdict: res.Verdict}
		if res.Verdict == reports.Fail || res.Verdict == reports.NonStrict {
			res.Verdict = reports.Waived
		}
	}
}

// area is the scenario's row in the vendor × area matrix: the first rule's
// topic (xiaomi.quota.public-daily → quota) grouped into a handful of areas
// a reader can take in at once (areaOf), im: … for the dispatcher's rules.
func area(s *Scenario) string {
	if len(s.Rules) == 0 {
		return "other"
	}
	parts := strings.SplitN(s.Rules[0], ".", 3)
	if len(parts) < 2 {
		return "other"
	}
	vendor, topic := parts[0], parts[1]
	if vendor == catalogue.IM {
		if a, ok := imAreas[topic]; ok {
			return a
		}
		return "im: other"
	}
	if a, ok := vendorAreas[topic]; ok {
		return a
	}
	return "other"
}

// vendorAreas groups the emulators' rule topics. A topic not listed is
// "other"; add it here when a vendor brings a new one.
var vendorAreas = map[string]string{
	"auth": "auth", "oauth": "auth", "app": "auth", "package": "auth", "header": "auth",
	"api": "request", "request": "request", "body": "request", "params": "request", "message": "request",
	"send": "request", "server": "request", "response": "request", "batch": "request", "list": "request",
	"targets": "targets", "target": "targets", "tokens": "targets", "token": "targets", "regid": "targets",
	"pushid": "targets", "alias": "targets", "topic": "targets",
	"title": "content", "description": "content", "content": "content", "payload": "content",
	"extras": "content", "data": "content", "notification": "content", "notice": "content",
	"display": "content", "aps": "content", "push-type": "content",
	"channel": "class & channel", "class": "class & channel", "classification": "class & channel",
	"category": "class & channel", "importance": "class & channel", "notify-level": "class & channel",
	"template": "class & channel",
	"quota":    "quota & rate", "rate": "quota & rate", "frequency": "quota & rate", "window": "quota & rate",
	"test": "quota & rate",
	"ttl":  "delivery", "offline": "delivery", "pass-through": "delivery", "notify-id": "delivery",
	"notify-key": "delivery", "collapse": "delivery", "jobkey": "delivery", "dedupe": "delivery",
	"switch": "delivery", "badge": "delivery", "sound": "delivery", "click": "delivery", "android": "delivery",
	"fault": "faults", "custom": "content", "background": "quota & rate", "notify": "delivery",
	"manifest": "delivery", "v3": "harmony (v3)",
}

// imAreas groups the dispatcher's rule topics.
var imAreas = map[string]string{
	"logout": "im: session", "kick": "im: session", "foreground": "im: session", "token": "im: session",
	"background": "im: notification", "message": "im: notification", "title": "im: notification",
	"custom": "im: notification", "disable": "im: notification", "ext": "im: notification",
	"cert": "im: notification", "sound": "im: notification", "oppo": "im: notification",
	"group": "im: fan-out", "batch": "im: fan-out",
	"quota": "im: vendor answers", "retry": "im: vendor answers", "vendor": "im: vendor answers",
}

// Waiver is one expected failure: a scenario id (or a glob over ids, * also
// crossing /) and why it is expected to fail.
type Waiver struct {
	ID     string `json:"id" yaml:"id"`
	Reason string `json:"reason" yaml:"reason"`
}

// Waivers is an expected-failures list (`pushsim run --waivers FILE`).
type Waivers []Waiver

// Lookup returns the first waiver whose id matches.
func (ws Waivers) Lookup(id string) (Waiver, bool) {
	for _, w := range ws {
		if catalogue.Glob(w.ID, id) {
			return w, true
		}
	}
	return Waiver{}, false
}

// Unused lists the waivers that match none of the scenarios: a typo, or a
// scenario that was renamed.
func (ws Waivers) Unused(all []*Scenario) []Waiver {
	var out []Waiver
	for _, w := range ws {
		used := false
		for _, s := range all {
			if catalogue.Glob(w.ID, s.ID) {
				used = true
				break
			}
		}
		if !used {
			out = append(out, w)
		}
	}
	return out
}

// LoadWaivers reads a waivers file: a YAML or JSON list of {id, reason}, or
// a mapping with a `waivers:` list. Every entry needs both.
func LoadWaivers(path string) (Waivers, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("waivers: %w", err)
	}
	return ParseWaivers(path, data)
}

// ParseWaivers is LoadWaivers on bytes; name is used in errors.
func ParseWaivers(name string, data []byte) (Waivers, error) {
	var ws Waivers
	trimmed := bytes.TrimSpace(data)
	var err error
	switch {
	case len(trimmed) == 0:
		return nil, nil
	case trimmed[0] == '{':
		var doc struct {
			Waivers Waivers `json:"waivers"`
		}
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.DisallowUnknownFields()
		err = dec.Decode(&doc)
		ws = doc.Waivers
	case trimmed[0] == '[':
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.DisallowUnknownFields()
		err = dec.Decode(&ws)
	default:
		err = func() (err error) {
			// The YAML decoder panics on some shapes (a scalar where a list
			// is wanted); a waivers file is user input: say so, do not crash.
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("not a list of {id, reason} (%v)", p)
				}
			}()
			if bytes.HasPrefix(trimmed, []byte("waivers:")) {
				var doc struct {
					Waivers Waivers `yaml:"waivers"`
				}
				err = yaml.UnmarshalWithOptions(data, &doc, yaml.Strict())
				ws = doc.Waivers
				return err
			}
			return yaml.UnmarshalWithOptions(data, &ws, yaml.Strict())
		}()
	}
	if err != nil {
		return nil, fmt.Errorf("waivers %s: %w", name, err)
	}
	for i, w := range ws {
		switch {
		case strings.TrimSpace(w.ID) == "":
			return nil, fmt.Errorf("waivers %s: entry %d has no id", name, i+1)
		case strings.TrimSpace(w.Reason) == "":
			return nil, fmt.Errorf("waivers %s: %s: a waiver needs a reason", name, w.ID)
		}
	}
	return ws, nil
}

// Selection picks scenarios (pushsim run --vendor --rule --label --id).
// Within one field any entry may match; every non-empty field must match.
// Entries are globs where * also crosses . and /.
type Selection struct {
	Vendors []string // the scenario's vendor or one of its apps' vendors
	Rules   []string // one of its rule ids
	Labels  []string // one of its labels
	IDs     []string // its id
}

// Empty reports whether the selection selects everything.
func (sel Selection) Empty() bool {
	return len(sel.Vendors)+len(sel.Rules)+len(sel.Labels)+len(sel.IDs) == 0
}

// Match reports whether s is selected.
func (sel Selection) Match(s *Scenario) bool {
	anyOf := func(patterns, values []string) bool {
		if len(patterns) == 0 {
			return true
		}
		for _, v := range values {
			if catalogue.MatchAny(patterns, v) {
				return true
			}
		}
		return false
	}
	return anyOf(sel.Vendors, append([]string{s.vendor()}, scenarioVendors(s)...)) &&
		anyOf(sel.Rules, s.Rules) &&
		anyOf(sel.Labels, s.Labels) &&
		anyOf(sel.IDs, []string{s.ID})
}

// Select returns the scenarios sel matches, in order.
func Select(all []*Scenario, sel Selection) []*Scenario {
	var out []*Scenario
	for _, s := range all {
		if sel.Match(s) {
			out = append(out, s)
		}
	}
	return out
}

// VendorOf is the vendor a scenario is about in reports.
func VendorOf(s *Scenario) string { return s.vendor() }

// AreaOf is the scenario's row in the vendor × area matrix.
func AreaOf(s *Scenario) string { return area(s) }

// globMatch matches names against a glob where * crosses any character.
var globMatch = catalogue.Glob
