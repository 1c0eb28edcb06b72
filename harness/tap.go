package harness

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/pushsim/pushsim/android"
	"github.com/pushsim/pushsim/emulators/world"
	"github.com/pushsim/pushsim/reports"
)

// The `tap` step and `expect: tap` (issue 10): the user taps a shown
// notification and the phone resolves its click action against the app's
// manifest (given.apps[].manifest, else a default launcher MainActivity).
//
//	- tap: alice-phone                  # the newest shown notification
//	- tap: {phone: alice-phone, n: 2}   # the notification with seq 2
//	- expect:
//	    tap:
//	      alice-phone:
//	        opens: activity             # activity, browser, callback, nothing
//	        activity: com.example.chat.ChatActivity
//	        extras: {ext: '{"conv":"c1"}'}   # a subset; dotted paths reach into
//	                                          # objects (key_message.extra.ext)
//	        rule: android.click.resolves
//	        reason: not exported        # a substring

// TapStep taps a phone's notification.
type TapStep struct {
	Phone string `yaml:"phone"`
	// N is the notification's seq; 0 = the newest shown.
	N    int `yaml:"n"`
	Line int `yaml:"-"`
}

// TapExpect checks the last tap on a phone.
type TapExpect struct {
	Opens      string            `yaml:"opens"`
	Activity   *string           `yaml:"activity"`
	Alias      *string           `yaml:"alias"`
	Extras     map[string]string `yaml:"extras"`
	ExtraTypes map[string]string `yaml:"extra_types"`
	NoExtras   []string          `yaml:"no_extras"` // keys that must be absent
	Flags      []string          `yaml:"flags"`     // each must be set
	LaunchMode *string           `yaml:"launch_mode"`
	URL        *string           `yaml:"url"`
	Data       *string           `yaml:"data"`
	Rule       *string           `yaml:"rule"`
	Reason     *string           `yaml:"reason"` // a substring
	Line       int               `yaml:"-"`
}

var tapOpens = []string{android.OpensActivity, android.OpensBrowser, android.OpensCallback, android.OpensNothing}

func decodeTap(node ast.Node) (*TapStep, error) {
	if s, ok := scalarText(node); ok {
		return &TapStep{Phone: s, Line: lineOf(node)}, nil
	}
	type plain TapStep
	var p plain
	if err := strict(node, &p); err != nil {
		return nil, err
	}
	p.Line = lineOf(node)
	return (*TapStep)(&p), nil
}

// UnmarshalYAML reads a tap expectation; `alice-phone: nothing` is short
// for `{opens: nothing}`.
func (t *TapExpect) UnmarshalYAML(node ast.Node) error {
	if s, ok := scalarText(node); ok {
		*t = TapExpect{Opens: s, Line: lineOf(node)}
	} else {
		type plain TapExpect
		if err := strict(node, (*plain)(t)); err != nil {
			return err
		}
		t.Line = lineOf(node)
	}
	if t.Opens != "" && !slices.Contains(tapOpens, t.Opens) {
		return errAt(node, "opens: %q, want one of %s", t.Opens, strings.Join(tapOpens, ", "))
	}
	return nil
}

// validateTaps checks tap steps and expectations against the phones, and
// that every app's manifest parses.
func validateTaps(s *Scenario) error {
	at := func(line int, format string, a ...any) error {
		return &posError{Line: line, Msg: fmt.Sprintf(format, a...)}
	}
	for _, a := range s.Given.Apps {
		if strings.TrimSpace(a.Manifest) == "" {
			continue
		}
		m, err := android.ParseManifest([]byte(a.Manifest))
		if err != nil {
			return at(a.Line, "app %q: manifest: %v", a.Name, err)
		}
		if m.Package != "" && a.Package != "" && m.Package != a.Package {
			return at(a.Line, "app %q: the manifest is package %s but the app's package is %s", a.Name, m.Package, a.Package)
		}
	}
	phones := map[string]bool{}
	for _, p := range s.Given.Phones {
		phones[p.Name] = true
	}
	tapped := map[string]bool{}
	checkExpects := func(es Expects) error {
		for _, e := range es {
			for _, n := range sortedKeys(e.Tap) {
				if !tapped[n] {
					return at(e.Tap[n].Line, "expect tap: phone %q is not tapped before it (add - tap: %s)", n, n)
				}
			}
		}
		return nil
	}
	for _, st := range s.Steps {
		switch st.Kind {
		case "tap":
			switch {
			case st.Tap.Phone == "":
				return at(st.Line, "tap needs a phone")
			case !phones[st.Tap.Phone]:
				return at(st.Line, "tap: no phone %q in given.phones", st.Tap.Phone)
			case st.Tap.N < 0:
				return at(st.Line, "tap: n is a notification's seq (1, 2, ...) or 0 for the newest")
			}
			tapped[st.Tap.Phone] = true
		case "expect":
			if err := checkExpects(*st.Expect); err != nil {
				return err
			}
		}
	}
	return checkExpects(s.Expect)
}

// appManifest is a given app's manifest; an app given only a manifest
// takes its package.
func appManifest(spec *AppSpec, a *world.App) {
	a.Manifest = spec.Manifest
	if a.Package == "" && spec.Manifest != "" {
		if m, err := android.ParseManifest([]byte(spec.Manifest)); err == nil {
			a.Package = m.Package
		}
	}
}

// tap taps a phone's notification (the newest shown, or seq N) and keeps
// what happened for `expect: tap`.
func (r *runner) tap(ts *TapStep) error {
	seq := ts.N
	if seq == 0 {
		sh, err := r.srv.World.Shade(ts.Phone)
		if err != nil {
			return err
		}
		if len(sh.Shown) == 0 {
			return fmt.Errorf("tap: %s shows nothing to tap%s", ts.Phone, droppedText(sh))
		}
		seq = sh.Shown[len(sh.Shown)-1].Seq
	}
	t, err := r.srv.World.Tap(ts.Phone, seq)
	if err != nil {
		return fmt.Errorf("tap %s #%d: %w", ts.Phone, seq, err)
	}
	if r.taps == nil {
		r.taps = map[string]world.Tap{}
	}
	r.taps[ts.Phone] = t
	summary := fmt.Sprintf("tap %s #%d (%s %s %s): opens %s", ts.Phone, seq, t.Vendor, t.Click.Type, cut(t.Click.Target, 60), t.Opens)
	switch t.Opens {
	case android.OpensActivity:
		summary += " " + t.Activity
	case android.OpensBrowser:
		summary += " " + t.URL
	}
	detail, _ := json.Marshal(struct {
		Rule   string         `json:"rule"`
		Reason string         `json:"reason,omitempty"`
		Extras android.Extras `json:"extras,omitempty"`
		Flags  []string       `json:"flags,omitempty"`
		Mode   string         `json:"launch_mode,omitempty"`
		Notes  []string       `json:"notes,omitempty"`
	}{t.Rule, t.Reason, t.Extras, t.Flags, t.LaunchMode, t.Notes})
	r.event(reports.EventStep, summary, string(detail))
	return nil
}

// checkTaps evaluates `expect: tap`.
func (r *runner) checkTaps(e Expect) {
	for _, name := range sortedKeys(e.Tap) {
		te := e.Tap[name]
		for _, msg := range r.checkTap(name, te) {
			r.fail(r.step, te.Line, msg)
		}
	}
}

func (r *runner) checkTap(name string, te TapExpect) []string {
	t, ok := r.taps[name]
	if !ok {
		return []string{name + ": was not tapped"}
	}
	var msgs []string
	failf := func(format string, a ...any) { msgs = append(msgs, name+": tap "+fmt.Sprintf(format, a...)) }
	what := func() string {
		if t.Reason != "" {
			return fmt.Sprintf(" (%s: %s)", t.Rule, t.Reason)
		}
		return ""
	}
	if te.Opens != "" && t.Opens != te.Opens {
		failf("opens %s %s, want %s%s", t.Opens, t.Activity+t.URL, te.Opens, what())
	}
	eq := func(field string, want *string, got string) {
		if want != nil && *want != got {
			failf("%s is %s, want %s%s", field, quoteCut(got), quoteCut(*want), what())
		}
	}
	eq("activity", te.Activity, t.Activity)
	eq("alias", te.Alias, t.Alias)
	eq("launch_mode", te.LaunchMode, t.LaunchMode)
	eq("url", te.URL, t.URL)
	eq("data", te.Data, t.Data)
	eq("rule", te.Rule, t.Rule)
	if te.Reason != nil && !strings.Contains(t.Reason, *te.Reason) {
		failf("reason is %s, want it to contain %q", quoteCut(t.Reason), *te.Reason)
	}
	for _, k := range sortedKeys(te.Extras) {
		v, ok := t.Extras.Lookup(k)
		if !ok {
			failf("extra %q is missing (extras: %s)", k, extrasText(t.Extras))
			continue
		}
		if got := extraText(v); got != te.Extras[k] {
			failf("extra %q is %s, want %s", k, quoteCut(got), quoteCut(te.Extras[k]))
		}
	}
	for _, k := range sortedKeys(te.ExtraTypes) {
		if got := t.ExtraTypes[k]; got != te.ExtraTypes[k] {
			failf("extra %q has type %q, want %q", k, got, te.ExtraTypes[k])
		}
	}
	for _, k := range te.NoExtras {
		if _, ok := t.Extras.Lookup(k); ok {
			failf("extra %q is present, want it absent", k)
		}
	}
	for _, f := range te.Flags {
		if !slices.Contains(t.Flags, f) {
			failf("flags are %v, want %s among them", t.Flags, f)
		}
	}
	return msgs
}

// extraText is an extra's value as a scenario writes it: strings as they
// are, anything else as JSON.
func extraText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func extrasText(e android.Extras) string {
	b, _ := json.Marshal(e)
	return cut(string(b), 200)
}
