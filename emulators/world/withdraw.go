package world

import (
	"fmt"
	"slices"
)

// Withdraw takes back one message of app (the App's Name) that is still
// held for a phone (offline, or waiting for a scheduled start or a display
// window) and records it as dropped under rule: a vendor cancelling a task
// that has not reached every phone yet (Meizu's pushTask/cancel). What the
// phone already shows stays. It returns how many were withdrawn; none is not
// an error.
func (w *World) Withdraw(deviceID, app, messageID, rule, reason string, request uint64) (int, error) {
	w.mu.Lock()
	p := w.phones[deviceID]
	if p == nil {
		w.mu.Unlock()
		return 0, fmt.Errorf("device %q: %w", deviceID, ErrNotFound)
	}
	match := func(pp pendingPush) bool { return pp.n.App == app && pp.n.MessageID == messageID && messageID != "" }
	var gone []Notification
	for _, pp := range p.pending {
		if match(pp) {
			gone = append(gone, pp.n)
		}
	}
	p.pending = slices.DeleteFunc(p.pending, match)
	now := w.clock.Now()
	for _, n := range gone {
		n.At = now
		w.dropLocked(p, n, DeliverOptions{Request: request}, rule, reason)
	}
	w.mu.Unlock()
	if len(gone) > 0 {
		w.notify(Event{Kind: "shade", Device: deviceID})
	}
	return len(gone), nil
}
