package reports

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
)

// Schema names the version of the JSON report format.
const Schema = "pushsim.report/v1"

// Verdict is how one scenario ended.
type Verdict string

// Verdicts: PASS; FAIL (a MUST broken); NON-STRICT (only a SHOULD broken);
// INFO (a scenario whose rules are all informational: what happened is
// recorded, not judged); WAIVED (it would have failed, but a waivers file
// lists it with a reason); SKIPPED (not run, with the reason).
const (
	Pass      Verdict = "PASS"
	Fail      Verdict = "FAIL"
	Skipped   Verdict = "SKIPPED"
	NonStrict Verdict = "NON-STRICT"
	Info      Verdict = "INFO"
	Waived    Verdict = "WAIVED"
)

// Verdicts lists every verdict in report order (worst first after FAIL).
var Verdicts = []Verdict{Pass, Fail, NonStrict, Info, Waived, Skipped}

// Failed reports whether the verdict should fail a build.
func (v Verdict) Failed() bool { return v == Fail }

// Run is one run of the suite.
type Run struct {
	Schema   string    `json:"schema"`
	Tool     Tool      `json:"tool"`
	Started  time.Time `json:"started"`
	Duration Duration  `json:"duration_ms"`
	// Target is what was tested: "builtin" (the built-in dispatcher,
	// in-process) or the address of an external dispatcher.
	Target  string   `json:"target"`
	Summary Summary  `json:"summary"`
	Results []Result `json:"results"`
	// Rules are the catalogue entries the results name, for the reports to
	// show each rule's statement and source.
	Rules []Rule `json:"rules,omitempty"`
}

// Rule is one rule of the catalogue (pushsim rules).
type Rule struct {
	ID        string `json:"id"`
	Vendor    string `json:"vendor"`
	Statement string `json:"statement"`
	Level     string `json:"level"` // MUST, SHOULD, INFO
	// Source is where the rule comes from: a vendor-facts section or an
	// integration guide step.
	Source     string `json:"source"`
	Confidence string `json:"confidence,omitempty"` // documented, secondary, inferred
}

// Rule returns the run's rule with that id.
func (r *Run) Rule(id string) (Rule, bool) {
	for _, x := range r.Rules {
		if x.ID == id {
			return x, true
		}
	}
	return Rule{}, false
}

// Tool names the program that produced the run.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Summary counts the results by verdict.
type Summary struct {
	Total  int             `json:"total"`
	Counts map[Verdict]int `json:"counts"`
}

// Result is how one scenario ended, with enough to see why.
type Result struct {
	ID     string   `json:"id"`
	Title  string   `json:"title"`
	File   string   `json:"file,omitempty"` // where the scenario came from, for "file:line"
	Vendor string   `json:"vendor"`
	Rules  []string `json:"rules"`
	Labels []string `json:"labels,omitempty"`
	// Area is the result's row in the vendor × area matrix: the first
	// rule's topic grouped into a few areas (auth, content, quota & rate,
	// ...; im: session, im: notification, ... for the dispatcher's rules).
	Area string `json:"area,omitempty"`
	// Level is the strongest level of the scenario's rules: a failed MUST
	// scenario is FAIL, a failed SHOULD one NON-STRICT.
	Level    string    `json:"level,omitempty"`
	Verdict  Verdict   `json:"verdict"`
	Failures []Failure `json:"failures,omitempty"`
	// Skip says why a SKIPPED scenario did not run.
	Skip string `json:"skip,omitempty"`
	// Waiver is set when a waivers file lists the scenario.
	Waiver   *Waiver  `json:"waiver,omitempty"`
	Duration Duration `json:"duration_ms"`
	Trace    []Event  `json:"trace,omitempty"`
	// Source is the scenario file's text.
	Source string `json:"source,omitempty"`
}

// Waiver is an expected failure from a waivers file.
type Waiver struct {
	Reason string `json:"reason"`
	// Verdict is what the scenario came to before the waiver: FAIL or
	// NON-STRICT for a WAIVED result, PASS when the waived scenario passed
	// (the waiver is stale and can go).
	Verdict Verdict `json:"verdict"`
}

// Stale reports whether the result carries a waiver it did not need.
func (r Result) Stale() bool { return r.Waiver != nil && r.Verdict != Waived }

// Failure is one broken expectation or one step that could not run.
type Failure struct {
	Message string `json:"message"`
	Step    int    `json:"step,omitempty"` // 1-based step index; 0 = the final expect or setup
	Line    int    `json:"line,omitempty"` // line in the scenario file
}

// String renders "step N (line L): message".
func (f Failure) String() string {
	switch {
	case f.Step > 0 && f.Line > 0:
		return fmt.Sprintf("step %d (line %d): %s", f.Step, f.Line, f.Message)
	case f.Line > 0:
		return fmt.Sprintf("line %d: %s", f.Line, f.Message)
	}
	return f.Message
}

// Event is one hop of a scenario's trace: a step, a vendor request and its
// response, the emulator's verdict (ledger), a dispatcher outcome, what a
// phone showed.
type Event struct {
	Step int `json:"step,omitempty"`
	// At is the scenario's virtual time when it happened.
	At time.Time `json:"at"`
	// Kind is step, request, response, ledger, outcome, shade or note.
	Kind    string `json:"kind"`
	Summary string `json:"summary"`
	Detail  string `json:"detail,omitempty"`
}

// Trace event kinds.
const (
	EventStep     = "step"
	EventRequest  = "request"
	EventResponse = "response"
	EventLedger   = "ledger"
	EventOutcome  = "outcome"
	EventShade    = "shade"
	EventNote     = "note"
)

// NewRun starts a run report.
func NewRun(tool Tool, target string, started time.Time) *Run {
	return &Run{Schema: Schema, Tool: tool, Target: target, Started: started}
}

// Add appends a result and updates the summary.
func (r *Run) Add(res Result) {
	r.Results = append(r.Results, res)
	r.Summarize()
}

// Summarize recounts the summary from the results.
func (r *Run) Summarize() {
	r.Summary = Summary{Total: len(r.Results), Counts: map[Verdict]int{}}
	for _, res := range r.Results {
		r.Summary.Counts[res.Verdict]++
	}
}

// Failed reports whether any result should fail a build.
func (r *Run) Failed() bool {
	return slices.ContainsFunc(r.Results, func(res Result) bool { return res.Verdict.Failed() })
}

// Duration is a time.Duration written in JSON as milliseconds (a number
// with up to microsecond precision), the unit people read in reports.
type Duration time.Duration

// MarshalJSON writes milliseconds.
func (d Duration) MarshalJSON() ([]byte, error) {
	ms := float64(time.Duration(d).Microseconds()) / 1000
	return strconv.AppendFloat(nil, ms, 'f', -1, 64), nil
}

// UnmarshalJSON reads milliseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var ms float64
	if err := json.Unmarshal(b, &ms); err != nil {
		return fmt.Errorf("duration_ms: %w", err)
	}
	*d = Duration(time.Duration(math.Round(ms*1000)) * time.Microsecond)
	return nil
}

// Std returns the time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }
