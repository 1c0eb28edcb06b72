package world

import (
	"slices"
	"time"
)

// Ledger entry kinds.
const (
	KindRequest  = "request"  // one vendor API call
	KindDelivery = "delivery" // what happened to an accepted push on one phone
)

// Verdicts.
const (
	VerdictAccepted = "accepted"
	VerdictRejected = "rejected"
	VerdictNotShown = "accepted-not-shown"
)

// Entry is one line of the ledger: a vendor request with the emulator's
// verdict, or the fate of one accepted push on one phone.
type Entry struct {
	Seq       uint64    `json:"seq"`
	Kind      string    `json:"kind"`
	At        time.Time `json:"at"`
	Vendor    string    `json:"vendor"`
	App       string    `json:"app,omitempty"`
	Method    string    `json:"method,omitempty"`
	Path      string    `json:"path,omitempty"`
	Status    int       `json:"status,omitempty"`
	Tokens    []string  `json:"tokens,omitempty"`
	Device    string    `json:"device,omitempty"`
	Verdict   string    `json:"verdict"`
	Code      string    `json:"code,omitempty"` // the vendor's own code, as a string
	Rule      string    `json:"rule,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	MessageID string    `json:"message_id,omitempty"`
	Request   uint64    `json:"request,omitempty"` // for deliveries: the request's Seq
	// Body and Response are kept for the console, secrets masked by the vendor.
	Body     string `json:"body,omitempty"`
	Response string `json:"response,omitempty"`
}

// Filter selects ledger entries; zero fields match everything.
type Filter struct {
	Vendor, App, Token, Verdict, Kind, Rule, Device, MessageID string
	Since                                                      uint64 // entries with Seq > Since
	Limit                                                      int    // newest N
}

func (f Filter) match(e *Entry) bool {
	return (f.Vendor == "" || e.Vendor == f.Vendor) &&
		(f.App == "" || e.App == f.App) &&
		(f.Verdict == "" || e.Verdict == f.Verdict) &&
		(f.Kind == "" || e.Kind == f.Kind) &&
		(f.Rule == "" || e.Rule == f.Rule) &&
		(f.Device == "" || e.Device == f.Device) &&
		(f.MessageID == "" || e.MessageID == f.MessageID) &&
		(f.Token == "" || slices.Contains(e.Tokens, f.Token)) &&
		e.Seq > f.Since
}

// ledger keeps the newest cap entries in a ring: once full, an entry
// replaces the oldest in place, where a capped slice would copy the whole
// ledger every cap/2 entries (a vendor request in a 100k fan-out paid for
// that in memmove and write barriers).
type ledger struct {
	entries []Entry // oldest at next once len == cap
	next    int
	seq     uint64
	cap     int
}

func (l *ledger) add(e Entry) uint64 {
	l.seq++
	e.Seq = l.seq
	if l.cap <= 0 || len(l.entries) < l.cap {
		if len(l.entries) == cap(l.entries) && l.cap > 0 {
			// Double up to the cap: append grows a large slice by a
			// quarter, copying a filling ledger about twenty times.
			grown := make([]Entry, len(l.entries), min(max(2*len(l.entries), 64), l.cap))
			copy(grown, l.entries)
			l.entries = grown
		}
		l.entries = append(l.entries, e)
		return e.Seq
	}
	l.entries[l.next] = e
	if l.next++; l.next == len(l.entries) {
		l.next = 0
	}
	return e.Seq
}

// ordered returns the entries oldest first, in two runs.
func (l *ledger) ordered() (older, newer []Entry) {
	return l.entries[l.next:], l.entries[:l.next]
}

// Record appends an entry to the ledger and returns its sequence number.
func (w *World) Record(e Entry) uint64 {
	if e.At.IsZero() {
		e.At = w.clock.Now()
	}
	w.mu.Lock()
	seq := w.ledger.add(e)
	w.mu.Unlock()
	w.notify(Event{Kind: "ledger", Seq: seq})
	return seq
}

// Ledger returns the entries that match f, oldest first.
func (w *World) Ledger(f Filter) []Entry {
	w.mu.RLock()
	defer w.mu.RUnlock()
	// Walk newest first: a Limit or a Since ends the walk early, so "the
	// newest entry" or "what came after seq" costs what it returns, not a
	// copy of the whole ledger.
	var out []Entry
	older, newer := w.ledger.ordered()
	runs := [2][]Entry{newer, older}
walk:
	for _, entries := range runs {
		for i := len(entries) - 1; i >= 0; i-- {
			e := &entries[i]
			if e.Seq <= f.Since {
				break walk
			}
			if f.match(e) {
				out = append(out, *e)
				if f.Limit > 0 && len(out) == f.Limit {
					break walk
				}
			}
		}
	}
	slices.Reverse(out)
	return out
}
