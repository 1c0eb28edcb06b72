package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// JUnit XML, in the shape CI systems (Jenkins, GitLab, GitHub test
// reporters) read: one <testsuite> per vendor, one <testcase> per scenario
// named by its id, the rule ids as <property name="rule"> on the testcase.
// FAIL is a <failure>; SKIPPED and WAIVED are <skipped>; NON-STRICT and INFO
// pass, with their verdict kept as a property.

type junitSuites struct {
	XMLName   xml.Name     `xml:"testsuites"`
	Name      string       `xml:"name,attr"`
	Tests     int          `xml:"tests,attr"`
	Failures  int          `xml:"failures,attr"`
	Errors    int          `xml:"errors,attr"`
	Skipped   int          `xml:"skipped,attr"`
	Time      string       `xml:"time,attr"`
	Timestamp string       `xml:"timestamp,attr,omitempty"`
	Suites    []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitCase struct {
	Name       string          `xml:"name,attr"`
	Classname  string          `xml:"classname,attr"`
	Time       string          `xml:"time,attr"`
	File       string          `xml:"file,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Failure    *junitMessage   `xml:"failure,omitempty"`
	Skipped    *junitMessage   `xml:"skipped,omitempty"`
	SystemOut  string          `xml:"system-out,omitempty"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitMessage struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the run as JUnit XML.
func WriteJUnit(w io.Writer, run *Run) error {
	doc := junitSuites{Name: "pushsim", Time: seconds(run.Duration.Std())}
	if !run.Started.IsZero() {
		doc.Timestamp = run.Started.UTC().Format(time.RFC3339)
	}
	byVendor := map[string]*junitSuite{}
	var order []string
	for _, r := range run.Results {
		vendor := r.Vendor
		if vendor == "" {
			vendor = "other"
		}
		s, ok := byVendor[vendor]
		if !ok {
			s = &junitSuite{Name: vendor, Timestamp: doc.Timestamp, Properties: []junitProperty{
				{Name: "target", Value: run.Target},
				{Name: "tool", Value: strings.TrimSpace(run.Tool.Name + " " + run.Tool.Version)},
			}}
			byVendor[vendor] = s
			order = append(order, vendor)
		}
		c := junitCase{Name: r.ID, Classname: vendor, Time: seconds(r.Duration.Std()), File: r.File}
		c.Properties = append(c.Properties, junitProperty{Name: "title", Value: r.Title}, junitProperty{Name: "verdict", Value: string(r.Verdict)})
		if r.Level != "" {
			c.Properties = append(c.Properties, junitProperty{Name: "level", Value: r.Level})
		}
		if r.Waiver != nil {
			c.Properties = append(c.Properties, junitProperty{Name: "waiver", Value: r.Waiver.Reason})
		}
		for _, id := range r.Rules {
			c.Properties = append(c.Properties, junitProperty{Name: "rule", Value: id})
		}
		for _, l := range r.Labels {
			c.Properties = append(c.Properties, junitProperty{Name: "label", Value: l})
		}
		s.Tests++
		doc.Tests++
		switch r.Verdict {
		case Fail:
			s.Failures++
			doc.Failures++
			c.Failure = &junitMessage{Type: string(r.Verdict), Message: firstFailure(r), Text: failureText(r)}
			c.SystemOut = TraceText(r.Trace)
		case Skipped, Waived:
			s.Skipped++
			doc.Skipped++
			c.Skipped = &junitMessage{Message: strings.ToLower(string(r.Verdict)) + skipReason(r)}
		case NonStrict, Info:
			// They pass the build; what broke is kept for a reader.
			if len(r.Failures) > 0 {
				c.SystemOut = string(r.Verdict) + "\n" + failureText(r)
			}
		}
		s.Cases = append(s.Cases, c)
		s.Time = addSeconds(s.Time, r.Duration.Std())
	}
	sort.Strings(order)
	for _, v := range order {
		doc.Suites = append(doc.Suites, *byVendor[v])
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	return nil
}

func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

func addSeconds(acc string, d time.Duration) string {
	s, _ := strconv.ParseFloat(acc, 64)
	return strconv.FormatFloat(s+d.Seconds(), 'f', 3, 64)
}

func firstFailure(r Result) string {
	if len(r.Failures) == 0 {
		return "failed"
	}
	return r.Failures[0].String()
}

func failureText(r Result) string {
	var b strings.Builder
	for _, f := range r.Failures {
		b.WriteString(f.String())
		b.WriteByte('\n')
	}
	return b.String()
}

func skipReason(r Result) string {
	switch {
	case r.Waiver != nil:
		return ": " + r.Waiver.Reason + " (" + string(r.Waiver.Verdict) + ": " + firstFailure(r) + ")"
	case r.Skip != "":
		return ": " + r.Skip
	case len(r.Failures) > 0:
		return ": " + r.Failures[0].Message
	}
	return ""
}

// TraceText renders a trace as plain text, one event a line (detail lines
// indented), for JUnit system-out and terminals.
func TraceText(trace []Event) string {
	var b strings.Builder
	for _, e := range trace {
		at := ""
		if !e.At.IsZero() {
			at = e.At.Format("15:04:05.000") + " "
		}
		if e.Step > 0 {
			fmt.Fprintf(&b, "%s[%d] %-8s %s\n", at, e.Step, e.Kind, e.Summary)
		} else {
			fmt.Fprintf(&b, "%s    %-8s %s\n", at, e.Kind, e.Summary)
		}
		if e.Detail != "" {
			for _, line := range strings.Split(strings.TrimRight(e.Detail, "\n"), "\n") {
				b.WriteString("        ")
				b.WriteString(line)
				b.WriteByte('\n')
			}
		}
	}
	return b.String()
}
