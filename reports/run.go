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

// Verdicts. PASS, FAIL and SKIPPED are produced today; the others are the
// vocabulary of the conformance suite (a SHOULD broken, an informational
// scenario, an expected failure listed in a waivers file).
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
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	File     string    `json:"file,omitempty"` // where the scenario came from, for "file:line"
	Vendor   string    `json:"vendor"`
	Rules    []string  `json:"rules"`
	Labels   []string  `json:"labels,omitempty"`
	Verdict  Verdict   `json:"verdict"`
	Failures []Failure `json:"failures,omitempty"`
	Duration Duration  `json:"duration_ms"`
	Trace    []Event   `json:"trace,omitempty"`
}

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
