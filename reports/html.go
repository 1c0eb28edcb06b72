package reports

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"
)

//go:embed report.html.tmpl
var htmlTemplate string

var htmlPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"lower": func(v Verdict) string { return strings.ToLower(string(v)) },
	"ms": func(d Duration) string {
		return d.Std().Round(100 * time.Microsecond).String()
	},
	"clock": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("15:04:05.000")
	},
	"badge": func(v Verdict) string { return v.Badge() },
}).Parse(htmlTemplate))

// WriteHTML writes the run as one self-contained HTML page (no external
// script, style, font or image): the vendor × area matrix coloured by
// verdict, filters, and per scenario its rules with their sources, what
// went wrong, the scenario file, and the hop-by-hop trace of every step
// (dispatcher decision → vendor request and response → emulator verdict →
// what the phone showed).
func WriteHTML(w io.Writer, run *Run) error {
	run.Summarize()
	v := htmlView{Run: run, Overall: run.Overall(), Matrix: NewMatrix(run)}
	for _, verdict := range Verdicts {
		v.Counts = append(v.Counts, htmlCount{verdict, run.Summary.Counts[verdict]})
	}
	for _, area := range v.Matrix.Areas {
		row := htmlRow{Area: area}
		for _, vendor := range v.Matrix.Vendors {
			c := v.Matrix.Cell(area, vendor)
			hc := htmlCell{Vendor: vendor, Area: area}
			if c != nil {
				hc.Worst, hc.Total = c.Worst(), c.Total()
				for _, verdict := range severity {
					if n := c.Counts[verdict]; n > 0 {
						hc.Counts = append(hc.Counts, htmlCount{verdict, n})
					}
				}
			}
			row.Cells = append(row.Cells, hc)
		}
		v.Rows = append(v.Rows, row)
	}
	for _, r := range run.Results {
		v.Scenarios = append(v.Scenarios, newHTMLScenario(run, r))
	}
	if err := htmlPage.Execute(w, v); err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	return nil
}

type htmlView struct {
	Run       *Run
	Overall   Verdict
	Counts    []htmlCount
	Matrix    *Matrix
	Rows      []htmlRow
	Scenarios []htmlScenario
}

type htmlCount struct {
	Verdict Verdict
	N       int
}

type htmlRow struct {
	Area  string
	Cells []htmlCell
}

type htmlCell struct {
	Vendor, Area string
	Worst        Verdict
	Total        int
	Counts       []htmlCount
}

type htmlScenario struct {
	Result
	Anchor string
	Rules  []htmlRule
	Setup  []Event
	Steps  []htmlStep
}

type htmlRule struct {
	Rule
	Known bool
}

// htmlStep is one step with its hops in the order a push travels.
type htmlStep struct {
	N        int
	Summary  []Event
	Decision []Event // dispatcher outcomes
	Wire     []Event // vendor requests and responses
	Verdict  []Event // emulator ledger
	Phone    []Event // what phones showed, dropped or handed to the app
	Other    []Event
	Failures []Failure
}

func newHTMLScenario(run *Run, r Result) htmlScenario {
	s := htmlScenario{Result: r, Anchor: "s-" + strings.NewReplacer("/", "-", ".", "-").Replace(r.ID)}
	for _, id := range r.Rules {
		rule, ok := run.Rule(id)
		if !ok {
			rule = Rule{ID: id}
		}
		s.Rules = append(s.Rules, htmlRule{Rule: rule, Known: ok})
	}
	byStep := map[int]*htmlStep{}
	var order []int
	step := func(n int) *htmlStep {
		st := byStep[n]
		if st == nil {
			st = &htmlStep{N: n}
			byStep[n] = st
			order = append(order, n)
		}
		return st
	}
	for _, e := range r.Trace {
		if e.Step == 0 && e.Kind == EventNote {
			s.Setup = append(s.Setup, e)
			continue
		}
		st := step(e.Step)
		switch e.Kind {
		case EventStep:
			st.Summary = append(st.Summary, e)
		case EventOutcome:
			st.Decision = append(st.Decision, e)
		case EventRequest, EventResponse:
			st.Wire = append(st.Wire, e)
		case EventLedger:
			st.Verdict = append(st.Verdict, e)
		case EventShade:
			st.Phone = append(st.Phone, e)
		default:
			st.Other = append(st.Other, e)
		}
	}
	for _, f := range r.Failures {
		step(f.Step).Failures = append(step(f.Step).Failures, f)
	}
	// Steps in order, the final expect (0) last.
	for n := 1; n <= maxStep(order); n++ {
		if st, ok := byStep[n]; ok {
			s.Steps = append(s.Steps, *st)
		}
	}
	if st, ok := byStep[0]; ok {
		s.Steps = append(s.Steps, *st)
	}
	return s
}

func maxStep(ns []int) int {
	m := 0
	for _, n := range ns {
		m = max(m, n)
	}
	return m
}
