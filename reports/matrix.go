package reports

import (
	"slices"
	"sort"
	"strings"
)

// Matrix is the vendor × area view of a run (Autobahn-style): one row per
// area (auth, quota, im.logout, ...), one column per vendor, each cell the
// results of that vendor in that area.
type Matrix struct {
	Vendors []string
	Areas   []string
	Cells   map[string]map[string]*Cell // area → vendor → cell
}

// Cell counts the results of one vendor in one area.
type Cell struct {
	Counts map[Verdict]int
	IDs    []string
}

// Worst is the cell's most severe verdict (FAIL, NON-STRICT, WAIVED, INFO,
// PASS, SKIPPED in that order).
func (c *Cell) Worst() Verdict {
	for _, v := range severity {
		if c.Counts[v] > 0 {
			return v
		}
	}
	return ""
}

// Total is the number of results in the cell.
func (c *Cell) Total() int {
	n := 0
	for _, k := range c.Counts {
		n += k
	}
	return n
}

// severity orders verdicts from the one a reader must see first.
var severity = []Verdict{Fail, NonStrict, Waived, Info, Pass, Skipped}

// vendorOrder is the column order: the integration guide's vendors, then
// any other in alphabetical order.
var vendorOrder = []string{"xiaomi", "huawei", "oppo", "vivo", "meizu", "fcm"}

// NewMatrix builds the matrix of a run.
func NewMatrix(run *Run) *Matrix {
	m := &Matrix{Cells: map[string]map[string]*Cell{}}
	for _, r := range run.Results {
		vendor, area := r.Vendor, r.Area
		if vendor == "" {
			vendor = "other"
		}
		if area == "" {
			area = "other"
		}
		if !slices.Contains(m.Vendors, vendor) {
			m.Vendors = append(m.Vendors, vendor)
		}
		if !slices.Contains(m.Areas, area) {
			m.Areas = append(m.Areas, area)
		}
		row := m.Cells[area]
		if row == nil {
			row = map[string]*Cell{}
			m.Cells[area] = row
		}
		c := row[vendor]
		if c == nil {
			c = &Cell{Counts: map[Verdict]int{}}
			row[vendor] = c
		}
		c.Counts[r.Verdict]++
		c.IDs = append(c.IDs, r.ID)
	}
	sort.Slice(m.Vendors, func(i, j int) bool { return vendorLess(m.Vendors[i], m.Vendors[j]) })
	sort.Slice(m.Areas, func(i, j int) bool {
		a, b := m.Areas[i], m.Areas[j]
		// The vendors' own areas first, then the dispatcher's (im: …).
		if ai, bi := isIMArea(a), isIMArea(b); ai != bi {
			return bi
		}
		return a < b
	})
	return m
}

func isIMArea(a string) bool { return strings.HasPrefix(a, "im:") || strings.HasPrefix(a, "im.") }

// Cell returns the cell of an area and vendor, nil when empty.
func (m *Matrix) Cell(area, vendor string) *Cell { return m.Cells[area][vendor] }

func vendorLess(a, b string) bool {
	ia, ib := slices.Index(vendorOrder, a), slices.Index(vendorOrder, b)
	switch {
	case ia >= 0 && ib >= 0:
		return ia < ib
	case ia >= 0:
		return true
	case ib >= 0:
		return false
	}
	return a < b
}

// Badge is a verdict's mark in Markdown and terminals.
func (v Verdict) Badge() string {
	switch v {
	case Pass:
		return "✅"
	case Fail:
		return "❌"
	case NonStrict:
		return "⚠️"
	case Info:
		return "ℹ️"
	case Waived:
		return "🔕"
	case Skipped:
		return "⏭️"
	}
	return "·"
}

// Rank orders verdicts from best to worst for diffs: PASS 0, INFO 1,
// WAIVED 2, NON-STRICT 3, FAIL 4. SKIPPED is -1: not comparable.
func (v Verdict) Rank() int {
	switch v {
	case Pass:
		return 0
	case Info:
		return 1
	case Waived:
		return 2
	case NonStrict:
		return 3
	case Fail:
		return 4
	}
	return -1
}

// Overall is the run's verdict in one word: FAIL when anything failed,
// else NON-STRICT when a SHOULD broke, else PASS.
func (r *Run) Overall() Verdict {
	r.Summarize()
	switch {
	case r.Summary.Counts[Fail] > 0:
		return Fail
	case r.Summary.Counts[NonStrict] > 0:
		return NonStrict
	}
	return Pass
}
