package world

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a World. The zero value is usable: real clock, seed 1,
// ledger capped at 10000 entries, shades at 200 notifications per phone,
// at most 300 pushes held per phone.
type Options struct {
	Clock     Clock
	Seed      uint64
	LedgerCap int
	ShadeCap  int
	// PendingCap bounds the pushes held for one phone (offline.go), whatever
	// a vendor's store allows; negative: no bound.
	PendingCap int
}

// World is the shared state behind all vendor emulators.
type World struct {
	mu         sync.RWMutex
	clock      Clock
	opts       Options
	apps       []*App
	phones     map[string]*phone
	order      []string
	byToken    map[tokenKey]*phone
	nextDevice int
	ledger     ledger
	quotas     *Quotas
	topics     topicTable // topic subscriptions (topics.go)

	randMu sync.Mutex
	rand   *rand.Rand

	subMu sync.Mutex
	subs  map[chan Event]struct{}

	// content holds the vendor-wide content rules (content.go), read
	// without a lock on every send; contentMu orders the writers.
	contentMu sync.Mutex
	content   atomic.Pointer[contentTable]
}

// New returns an empty world.
func New(opts Options) *World {
	if opts.Clock == nil {
		opts.Clock = RealClock{}
	}
	if opts.LedgerCap == 0 {
		opts.LedgerCap = 10000
	}
	if opts.ShadeCap == 0 {
		opts.ShadeCap = 200
	}
	if opts.PendingCap == 0 {
		opts.PendingCap = defPendingCap
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	w := &World{opts: opts, clock: opts.Clock, subs: map[chan Event]struct{}{}}
	w.resetLocked()
	return w
}

func (w *World) resetLocked() {
	w.apps = nil
	w.phones = map[string]*phone{}
	w.order = nil
	w.byToken = map[tokenKey]*phone{}
	w.nextDevice = 0
	w.ledger = ledger{cap: w.opts.LedgerCap}
	w.quotas = newQuotas()
	w.topics.reset()
	w.rand = rand.New(rand.NewPCG(w.opts.Seed, w.opts.Seed^0x9e3779b97f4a7c15))
	w.content.Store(nil)
}

// Reset forgets every app, phone, counter and ledger entry.
func (w *World) Reset() {
	w.mu.Lock()
	w.randMu.Lock()
	w.resetLocked()
	w.randMu.Unlock()
	w.mu.Unlock()
	w.notify(Event{Kind: "reset"})
}

// Clock returns the world's clock.
func (w *World) Clock() Clock { return w.clock }

// Now is the world's current time.
func (w *World) Now() time.Time { return w.clock.Now() }

// Quotas returns the shared quota counter.
func (w *World) Quotas() *Quotas { return w.quotas }

// Options returns the options the world was made with.
func (w *World) Options() Options { return w.opts }

// Rand calls fn with the world's seeded random source, so tokens, ids and
// probabilistic faults reproduce exactly for the same seed.
func (w *World) Rand(fn func(r *rand.Rand)) {
	w.randMu.Lock()
	fn(w.rand)
	w.randMu.Unlock()
}

// RandString returns n characters drawn from alphabet with the seeded source.
func (w *World) RandString(n int, alphabet string) string {
	b := make([]byte, n)
	w.Rand(func(r *rand.Rand) {
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
	})
	return string(b)
}

// Alphabets for vendor tokens and ids.
const (
	Hex         = "0123456789abcdef"
	Alnum       = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	Base64Chars = Alnum + "+/"
)

// Event tells subscribers (the console's live view) that something changed.
type Event struct {
	Kind   string `json:"kind"` // ledger, shade, device, app, clock, reset
	Device string `json:"device,omitempty"`
	Seq    uint64 `json:"seq,omitempty"`
}

// Subscribe returns a channel of events and a function that ends the
// subscription. Slow subscribers miss events rather than block the world.
func (w *World) Subscribe() (<-chan Event, func()) {
	ch := make(chan Event, 64)
	w.subMu.Lock()
	w.subs[ch] = struct{}{}
	w.subMu.Unlock()
	return ch, func() {
		w.subMu.Lock()
		if _, ok := w.subs[ch]; ok {
			delete(w.subs, ch)
			close(ch)
		}
		w.subMu.Unlock()
	}
}

func (w *World) notify(e Event) {
	w.subMu.Lock()
	for ch := range w.subs {
		select {
		case ch <- e:
		default:
		}
	}
	w.subMu.Unlock()
}
