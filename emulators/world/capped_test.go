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
	// Elements the size of a notification: a slice of small ones may
	// start on a 32-byte stack buffer, whatever appendCapped does.
	var s [][256]byte
	for v := range 10 {
		s = appendCapped(s, [256]byte{byte(v)}, 1)
	}
	if n := newest(s, 1); cap(s) > 2 || n[0][0] != 9 {
		t.Fatalf("cap 1: array of %d, newest %d", cap(s), n[0][0])
	}
}

// TestLedgerRing checks that the ledger answers the newest cap entries,
// oldest first, whatever the position of the ring, with Since and Limit.
func TestLedgerRing(t *testing.T) {
	for _, limit := range []int{-1, 1, 2, 3, 7, 100} {
		w := New(Options{LedgerCap: limit})
		for n := 1; n <= 300; n++ {
			vendor := "v"
			if n%3 == 0 {
				vendor = "w"
			}
			w.Record(Entry{Kind: KindRequest, Vendor: vendor})
			want := n
			if limit > 0 {
				want = min(n, limit)
			}
			if limit > 0 && cap(w.ledger.entries) > limit {
				t.Fatalf("cap %d: array of %d", limit, cap(w.ledger.entries))
			}
			l := w.Ledger(Filter{})
			if len(l) != want {
				t.Fatalf("cap %d after %d: %d entries, want %d", limit, n, len(l), want)
			}
			for i := range l {
				if l[i].Seq != uint64(n-want+1+i) {
					t.Fatalf("cap %d after %d: entry %d has seq %d", limit, n, i, l[i].Seq)
				}
			}
			if s := w.Ledger(Filter{Since: uint64(n - 1)}); len(s) != 1 || s[0].Seq != uint64(n) {
				t.Fatalf("cap %d after %d: since %d gives %v", limit, n, n-1, s)
			}
			if s := w.Ledger(Filter{Limit: 1}); len(s) != 1 || s[0].Seq != uint64(n) {
				t.Fatalf("cap %d after %d: limit 1 gives %v", limit, n, s)
			}
			// The newest two of vendor w (every third entry), oldest first,
			// among what the ring still holds.
			var wantW []uint64
			for seq := n - n%3; seq >= max(1, n-want+1) && len(wantW) < 2; seq -= 3 {
				if seq > 0 {
					wantW = append([]uint64{uint64(seq)}, wantW...)
				}
			}
			s := w.Ledger(Filter{Vendor: "w", Limit: 2})
			if len(s) != len(wantW) {
				t.Fatalf("cap %d after %d: vendor w limit 2 gives %d entries, want seqs %v", limit, n, len(s), wantW)
			}
			for i := range s {
				if s[i].Seq != wantW[i] {
					t.Fatalf("cap %d after %d: vendor w limit 2 gives seqs %v, want %v", limit, n, s, wantW)
				}
			}
		}
	}
}
