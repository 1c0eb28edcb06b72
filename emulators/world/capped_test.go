package world

import (
	"slices"
	"testing"
)

// TestAppendCapped checks that the capped append keeps what appending and
// then cutting kept, and never grows its array past the slack.
func TestAppendCapped(t *testing.T) {
	old := func(s []int, v, limit int) []int {
		s = append(s, v)
		if limit > 0 && len(s) > limit+limit/2+1 {
			n := copy(s, s[len(s)-limit:])
			s = s[:n]
		}
		return s
	}
	for limit := -1; limit <= 9; limit++ {
		var got, want []int
		for v := range 200 {
			got, want = appendCapped(got, v, limit), old(want, v, limit)
			if !slices.Equal(got, want) {
				t.Fatalf("limit %d after %d: %v, want %v", limit, v, got, want)
			}
			if n := newest(got, limit); len(n) == 0 || n[len(n)-1] != v {
				t.Fatalf("limit %d: newest %v does not end with %d", limit, n, v)
			}
			if slack := limit + limit/2 + 1; limit > 0 && cap(got) > 2*slack {
				t.Fatalf("limit %d: cap %d over twice the slack %d", limit, cap(got), slack)
			}
		}
	}
	var s []int
	for v := range 10 {
		s = appendCapped(s, v, 1)
	}
	if cap(s) > 2 {
		t.Fatalf("cap 1: array of %d", cap(s))
	}
}
