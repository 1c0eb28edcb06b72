package reports

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// markdownProblemsMax bounds the problem list, so the summary stays under
// the size of a pull-request comment (65536 characters) and of a
// $GITHUB_STEP_SUMMARY section.
const markdownProblemsMax = 60

// WriteMarkdown writes a summary of the run for a pull-request comment or
// $GITHUB_STEP_SUMMARY: the overall verdict and counts, the vendor × area
// matrix, then every result that is not PASS or SKIPPED with its first
// failure (file:line).
func WriteMarkdown(w io.Writer, run *Run) error {
	bw := bufio.NewWriter(w)
	run.Summarize()
	overall := run.Overall()
	fmt.Fprintf(bw, "## pushsim conformance: %s %s\n\n", overall.Badge(), overall)
	fmt.Fprintf(bw, "%d scenarios against `%s` in %s: %s\n\n", run.Summary.Total, mdCode(run.Target),
		run.Duration.Std().Round(time.Millisecond), countsText(run.Summary.Counts, " · "))

	m := NewMatrix(run)
	if len(m.Vendors) > 0 {
		bw.WriteString("| area |")
		for _, v := range m.Vendors {
			bw.WriteString(" " + mdCell(v) + " |")
		}
		bw.WriteString("\n|:--|")
		for range m.Vendors {
			bw.WriteString(":-:|")
		}
		bw.WriteString("\n")
		for _, a := range m.Areas {
			bw.WriteString("| " + mdCell(a) + " |")
			for _, v := range m.Vendors {
				bw.WriteString(" ")
				if c := m.Cell(a, v); c != nil {
					bw.WriteString(countsText(c.Counts, " "))
				}
				bw.WriteString(" |")
			}
			bw.WriteString("\n")
		}
		bw.WriteString("\n")
	}

	var problems []Result
	var stale []Result
	for _, r := range run.Results {
		switch {
		case r.Verdict == Fail || r.Verdict == NonStrict || r.Verdict == Waived || (r.Verdict == Info && len(r.Failures) > 0):
			problems = append(problems, r)
		case r.Stale():
			stale = append(stale, r)
		}
	}
	// FAIL first, then NON-STRICT, WAIVED, INFO.
	ordered := make([]Result, 0, len(problems))
	for _, v := range severity {
		for _, r := range problems {
			if r.Verdict == v {
				ordered = append(ordered, r)
			}
		}
	}
	if len(ordered) > 0 {
		bw.WriteString("| verdict | scenario | rules | why |\n|:--|:--|:--|:--|\n")
		for i, r := range ordered {
			if i == markdownProblemsMax {
				fmt.Fprintf(bw, "| | … and %d more | | |\n", len(ordered)-i)
				break
			}
			why := firstFailure(r)
			if r.Waiver != nil {
				why = "waived: " + r.Waiver.Reason + " — " + why
			}
			loc := r.File
			if len(r.Failures) > 0 && r.Failures[0].Line > 0 {
				loc += fmt.Sprintf(":%d", r.Failures[0].Line)
			}
			fmt.Fprintf(bw, "| %s %s | `%s` %s<br>`%s` | %s | %s |\n", r.Verdict.Badge(), r.Verdict, mdCode(r.ID),
				mdCell(oneLine(r.Title, 100)), mdCode(loc), mdRules(r.Rules), mdCell(oneLine(why, 240)))
		}
		bw.WriteString("\n")
	}
	if len(stale) > 0 {
		fmt.Fprintf(bw, "%d waived scenario(s) now pass; their waivers can go:", len(stale))
		for _, r := range stale {
			fmt.Fprintf(bw, " `%s`", mdCode(r.ID))
		}
		bw.WriteString("\n\n")
	}
	fmt.Fprintf(bw, "<sub>%s %s · started %s</sub>\n", mdCell(run.Tool.Name), mdCell(run.Tool.Version), run.Started.UTC().Format("2006-01-02 15:04:05 UTC"))
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write markdown: %w", err)
	}
	return nil
}

// countsText renders counts as "✅ 12 · ❌ 1", worst first.
func countsText(counts map[Verdict]int, sep string) string {
	var parts []string
	for _, v := range severity {
		if n := counts[v]; n > 0 {
			if sep == " " {
				parts = append(parts, fmt.Sprintf("%s%d", v.Badge(), n))
			} else {
				parts = append(parts, fmt.Sprintf("%s %d %s", v.Badge(), n, v))
			}
		}
	}
	if len(parts) == 0 {
		return "nothing ran"
	}
	return strings.Join(parts, sep)
}

func mdRules(ids []string) string {
	var parts []string
	for _, id := range ids {
		parts = append(parts, "`"+mdCode(id)+"`")
	}
	return strings.Join(parts, " ")
}

// mdCell makes text safe in a table cell: no line breaks, pipes escaped,
// nothing Markdown or HTML would interpret.
func mdCell(s string) string {
	r := strings.NewReplacer("\r", " ", "\n", " ", "|", `\|`, "<", "&lt;", ">", "&gt;", "`", "'", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`)
	return r.Replace(s)
}

// mdCode makes text safe inside `code`.
func mdCode(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ", "`", "'", "|", `\|`).Replace(s)
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
