package world

import (
	"fmt"
	"slices"
	"time"
)

// The offline store: what a vendor keeps for a phone it cannot reach yet
// (offline, or outside a display window) and how much. Every vendor stores
// differently (FCM the newest per collapse key and at most 100, APNs one per
// app, Huawei at most 10), so a vendor describes its store in DeliverOptions
// (HoldKey, Store) and the world applies it. Whatever the store drops is a
// recorded drop with a rule id, never a silent loss, and the world's
// PendingCap bounds every phone's store whatever the vendor says.

// Overflow is what an offline store does when a push arrives for a phone
// that already has the store's limit held.
type Overflow uint8

const (
	// OverflowDropOldest drops the oldest held pushes to make room.
	OverflowDropOldest Overflow = iota
	// OverflowDiscardAll discards everything held, the new push with it
	// (FCM: more than 100 pending messages; the app is told through
	// onDeletedMessages).
	OverflowDiscardAll
)

// OfflineStore describes a vendor's offline store for one phone. The zero
// value is the world's default: up to PendingCap pushes, the oldest dropped
// first.
type OfflineStore struct {
	// Limit is how many pushes are held for a phone; 0 (or more than the
	// world's PendingCap) means PendingCap, with the world's rule and
	// OverflowDropOldest.
	Limit int
	// Overflow is what a push beyond Limit does.
	Overflow Overflow
	// OverflowRule is recorded on what an overflow drops.
	OverflowRule string
	// Keys bounds the distinct HoldKeys held for a phone (FCM: 4); a push
	// under one more key is not stored and is recorded under KeysRule.
	// 0: no bound.
	Keys     int
	KeysRule string
	// ReplacedRule is recorded on a held push that a newer one with the
	// same HoldKey replaces ("" = RulePendingReplaced).
	ReplacedRule string
}

// The world's own rule ids for the offline store, used when a vendor's
// OfflineStore names none.
const (
	RulePendingCap      = "world.pending.cap"
	RulePendingReplaced = "world.pending.replaced"
	RulePendingKeys     = "world.pending.keys"
)

// defPendingCap is Options.PendingCap when it is 0.
const defPendingCap = 300

// pendingPush is one push held for a phone. It keeps only what showing it
// later needs, not the whole DeliverOptions.
type pendingPush struct {
	n         Notification
	key       string // DeliverOptions.HoldKey
	ttl       time.Duration
	expires   time.Time
	holdUntil time.Time
	request   uint64
}

func (pp *pendingPush) expired(now time.Time) bool { return pp.ttl > 0 && now.After(pp.expires) }

// holdLocked puts n in the phone's offline store, applying the vendor's
// store (opt.HoldKey, opt.Store) and the world's PendingCap.
func (w *World) holdLocked(p *phone, n Notification, opt DeliverOptions, now time.Time) Delivery {
	w.expireHeldLocked(p, now)
	st := &opt.Store
	if opt.HoldKey != "" {
		sameKey := func(pp pendingPush) bool { return pp.key == opt.HoldKey && pp.n.App == n.App }
		if i := slices.IndexFunc(p.pending, sameKey); i >= 0 {
			old := p.pending[i]
			p.pending = slices.Delete(p.pending, i, i+1)
			old.n.At = now
			w.dropLocked(p, old.n, DeliverOptions{Request: opt.Request}, or(st.ReplacedRule, RulePendingReplaced), fmt.Sprintf(
				"replaced while held by %s with the same key %q: %s keeps only the newest", n.MessageID, opt.HoldKey, n.Vendor))
		} else if st.Keys > 0 && heldKeys(p.pending, n.App) >= st.Keys {
			return w.dropLocked(p, n, opt, or(st.KeysRule, RulePendingKeys), fmt.Sprintf(
				"%s already holds messages for the phone under %d other keys (at most %d): key %q is not stored", n.Vendor, st.Keys, st.Keys, opt.HoldKey))
		}
	}
	limit, overflow, rule := st.Limit, st.Overflow, st.OverflowRule
	if most := w.opts.PendingCap; most > 0 && (limit <= 0 || limit > most) {
		limit, overflow, rule = most, OverflowDropOldest, RulePendingCap
	}
	if limit > 0 && len(p.pending) >= limit {
		rule = or(rule, RulePendingCap)
		if overflow == OverflowDiscardAll {
			reason := fmt.Sprintf("%s holds at most %d messages for the phone: with one more, all %d held are discarded",
				n.Vendor, limit, len(p.pending)+1)
			w.dropHeldLocked(p, len(p.pending), now, opt.Request, rule, reason)
			return w.dropLocked(p, n, opt, rule, reason)
		}
		w.dropHeldLocked(p, len(p.pending)-limit+1, now, opt.Request, rule, fmt.Sprintf(
			"%s holds at most %d messages for the phone: the oldest is dropped for %s", n.Vendor, limit, n.MessageID))
	}
	p.pending = append(p.pending, pendingPush{
		n: n, key: opt.HoldKey, ttl: opt.TTL, expires: now.Add(opt.TTL), holdUntil: opt.HoldUntil, request: opt.Request,
	})
	return Delivery{Held: true, Reason: "held until the phone is online and inside the display window"}
}

// dropHeldLocked drops the k oldest held pushes under rule.
func (w *World) dropHeldLocked(p *phone, k int, now time.Time, request uint64, rule, reason string) {
	for _, pp := range p.pending[:k] {
		pp.n.At = now
		w.dropLocked(p, pp.n, DeliverOptions{Request: request}, rule, reason)
	}
	p.pending = slices.Delete(p.pending, 0, k)
}

// expireHeldLocked drops what outlived its TTL, so that it neither counts
// against the store's limits nor stays in memory until the phone is back.
func (w *World) expireHeldLocked(p *phone, now time.Time) {
	keep := p.pending[:0]
	for _, pp := range p.pending {
		if pp.expired(now) {
			w.dropLocked(p, pp.n, DeliverOptions{Request: pp.request}, "world.ttl.expired",
				fmt.Sprintf("the phone was offline longer than the time to live (%s)", pp.ttl))
			continue
		}
		keep = append(keep, pp)
	}
	clear(p.pending[len(keep):])
	p.pending = keep
}

// heldKeys counts the distinct hold keys of app's held pushes.
func heldKeys(pending []pendingPush, app string) int {
	var seen []string
	for _, pp := range pending {
		if pp.key != "" && pp.n.App == app && !slices.Contains(seen, pp.key) {
			seen = append(seen, pp.key)
		}
	}
	return len(seen)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
