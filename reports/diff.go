package reports

import (
	"fmt"
	"io"
	"sort"
)

// Change is how one scenario moved between two runs.
type Change string

// Changes.
const (
	Better  Change = "better"  // a better verdict (FAIL → PASS, NON-STRICT → PASS, ...)
	Worse   Change = "worse"   // a worse one
	Added   Change = "added"   // only in the new run
	Removed Change = "removed" // only in the old run
	Other   Change = "changed" // to or from SKIPPED: not comparable
)

// DiffEntry is one scenario whose verdict differs between two runs.
type DiffEntry struct {
	ID     string  `json:"id"`
	Title  string  `json:"title,omitempty"`
	Old    Verdict `json:"old,omitempty"` // "" when added
	New    Verdict `json:"new,omitempty"` // "" when removed
	Change Change  `json:"change"`
	// Why is the new run's first failure, for a worse or added FAIL.
	Why string `json:"why,omitempty"`
}

// NewFail reports whether the entry is a FAIL the old run did not have:
// what a release gate stops on.
func (e DiffEntry) NewFail() bool { return e.New == Fail && e.Old != Fail }

// Diff compares two runs by scenario id. Entries come in the new run's
// order, removed ones last; scenarios with the same verdict are left out.
func Diff(old, cur *Run) []DiffEntry {
	before := map[string]Result{}
	for _, r := range old.Results {
		before[r.ID] = r
	}
	var out []DiffEntry
	seen := map[string]bool{}
	for _, r := range cur.Results {
		seen[r.ID] = true
		o, ok := before[r.ID]
		e := DiffEntry{ID: r.ID, Title: r.Title, New: r.Verdict}
		switch {
		case !ok:
			e.Change = Added
		case o.Verdict == r.Verdict:
			continue
		default:
			e.Old = o.Verdict
			ro, rn := o.Verdict.Rank(), r.Verdict.Rank()
			switch {
			case ro < 0 || rn < 0:
				e.Change = Other
			case rn < ro:
				e.Change = Better
			default:
				e.Change = Worse
			}
		}
		if r.Verdict == Fail || r.Verdict == NonStrict {
			e.Why = firstFailure(r)
		}
		out = append(out, e)
	}
	var removed []DiffEntry
	for _, r := range old.Results {
		if !seen[r.ID] {
			removed = append(removed, DiffEntry{ID: r.ID, Title: r.Title, Old: r.Verdict, Change: Removed})
		}
	}
	sort.SliceStable(removed, func(i, j int) bool { return removed[i].ID < removed[j].ID })
	return append(out, removed...)
}

// WriteDiff prints a diff for a person: worse first (new FAILs marked),
// then better, added, removed and other changes, and a last line with the
// counts. It returns the number of new FAILs.
func WriteDiff(w io.Writer, entries []DiffEntry) (newFails int, err error) {
	groups := []struct {
		change Change
		head   string
	}{{Worse, "worse"}, {Better, "better"}, {Added, "new scenarios"}, {Removed, "gone"}, {Other, "other changes"}}
	counts := map[Change]int{}
	for _, e := range entries {
		counts[e.Change]++
		if e.NewFail() {
			newFails++
		}
	}
	for _, g := range groups {
		if counts[g.change] == 0 {
			continue
		}
		if _, err := fmt.Fprintf(w, "%s (%d):\n", g.head, counts[g.change]); err != nil {
			return newFails, err
		}
		for _, e := range entries {
			if e.Change != g.change {
				continue
			}
			mark := "  "
			if e.NewFail() {
				mark = "! "
			}
			line := fmt.Sprintf("%s%-10s → %-10s %s", mark, orDash(e.Old), orDash(e.New), e.ID)
			if e.Why != "" {
				line += "  (" + oneLine(e.Why, 160) + ")"
			}
			if _, err := fmt.Fprintln(w, line); err != nil {
				return newFails, err
			}
		}
	}
	_, err = fmt.Fprintf(w, "%d worse, %d better, %d new, %d gone, %d other; %d new FAIL\n",
		counts[Worse], counts[Better], counts[Added], counts[Removed], counts[Other], newFails)
	return newFails, err
}

func orDash(v Verdict) string {
	if v == "" {
		return "—"
	}
	return string(v)
}
