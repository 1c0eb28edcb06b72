package world

import (
	"fmt"
	"slices"
)

// Revoke takes back what a vendor delivered to a phone: every notification
// of app (the App's Name) with that NotifyID, shown or still held for the
// phone, is removed and recorded as dropped under rule (Huawei's revoke
// API, for one). It returns how many were removed; none is not an error.
func (w *World) Revoke(deviceID, app, notifyID, rule, reason string, request uint64) (int, error) {
	w.mu.Lock()
	p := w.phones[deviceID]
	if p == nil {
		w.mu.Unlock()
		return 0, fmt.Errorf("device %q: %w", deviceID, ErrNotFound)
	}
	match := func(n Notification) bool { return n.App == app && n.NotifyID == notifyID && notifyID != "" }
	var gone []Notification
	for _, n := range p.shade {
		if match(n) {
			gone = append(gone, n)
		}
	}
	p.shade = slices.DeleteFunc(p.shade, match)
	for _, pp := range p.pending {
		if match(pp.n) {
			gone = append(gone, pp.n)
		}
	}
	p.pending = slices.DeleteFunc(p.pending, func(pp pendingPush) bool { return match(pp.n) })
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
