package world

import (
	"fmt"
	"slices"
	"time"
)

// Click actions, as the phone will resolve them when the user taps.
const (
	ClickApp      = "app"      // the app decides (vendor SDK callback)
	ClickLauncher = "launcher" // open the launcher activity
	ClickActivity = "activity" // open an activity by class name (an intent action is ClickAction)
	ClickIntent   = "intent"   // an intent URI
	ClickURL      = "url"      // open a web page
	ClickCustom   = "custom"   // a custom action handled by the app
)

// Click is what tapping the notification should do.
type Click struct {
	Type   string            `json:"type"`
	Target string            `json:"target,omitempty"` // intent URI, activity, URL
	Extras map[string]string `json:"extras,omitempty"` // what the app reads from the intent
}

// Notification is one push as the phone sees it.
type Notification struct {
	Seq         int               `json:"seq"` // per phone, 1-based, in arrival order
	MessageID   string            `json:"message_id"`
	Vendor      string            `json:"vendor"`
	App         string            `json:"app"`
	Title       string            `json:"title"`
	Body        string            `json:"body"`
	Channel     string            `json:"channel,omitempty"`
	Class       string            `json:"class,omitempty"` // private / public / default or vendor's own word
	Importance  string            `json:"importance,omitempty"`
	Sound       string            `json:"sound,omitempty"` // "" = silent, "default" or a resource
	Silent      bool              `json:"silent"`
	HeadsUp     bool              `json:"heads_up"`
	Badge       *int              `json:"badge,omitempty"`     // the app's badge after this push
	NotifyID    string            `json:"notify_id,omitempty"` // same id replaces
	Collapse    string            `json:"collapse,omitempty"`  // client-side de-duplication key
	Click       Click             `json:"click"`
	Extras      map[string]string `json:"extras,omitempty"`
	Payload     string            `json:"payload,omitempty"`
	PassThrough bool              `json:"pass_through,omitempty"`
	At          time.Time         `json:"at"`
	// Set only on dropped notifications.
	Rule   string `json:"rule,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// DeliverOptions say how the vendor's server handles a push it accepted.
type DeliverOptions struct {
	// TTL is how long the vendor holds the push for an offline phone; 0 means
	// deliver only if online now.
	TTL time.Duration
	// HoldUntil delays showing until then (vivo's 07:00 window).
	HoldUntil time.Time
	// Request links drops to the ledger entry of the request that carried it.
	Request uint64
	// HoldKey is the push's key in the vendor's offline store (a collapse
	// key): of the pushes held for a phone, only the newest per key is kept
	// and the one it replaces is dropped under Store.ReplacedRule (offline.go).
	HoldKey string
	// Store is the vendor's offline store; the zero value is the world's
	// default (PendingCap, the oldest dropped first).
	Store OfflineStore
}

// Delivery is what happened to one push on one phone.
type Delivery struct {
	Shown  bool
	Held   bool // offline or outside a display window: waits on the vendor side
	Rule   string
	Reason string
}

// Deliver hands an accepted push to a phone, applying what every Android
// phone does: uninstalled app, offline (held for the TTL in the vendor's
// offline store, offline.go), notifications or
// the channel switched off, pass-through (to the app, not the shade),
// notify-id replacement and collapse keys. Vendor-specific drops are decided
// by the vendor before calling Deliver (see Drop).
func (w *World) Deliver(deviceID string, n Notification, opt DeliverOptions) (Delivery, error) {
	w.mu.Lock()
	p := w.phones[deviceID]
	if p == nil {
		w.mu.Unlock()
		return Delivery{}, fmt.Errorf("device %q: %w", deviceID, ErrNotFound)
	}
	now := w.clock.Now()
	if n.At.IsZero() {
		n.At = now
	}
	var d Delivery
	switch {
	case p.Uninstalled:
		d = w.dropLocked(p, n, opt, "world.device.uninstalled", "the app is uninstalled on the phone")
	case p.Offline || (!opt.HoldUntil.IsZero() && now.Before(opt.HoldUntil)):
		if opt.TTL <= 0 && p.Offline {
			d = w.dropLocked(p, n, opt, "world.ttl.offline", "the phone is offline and the message has no time to live")
			break
		}
		d = w.holdLocked(p, n, opt, now)
	default:
		d = w.showLocked(p, n, opt)
	}
	w.mu.Unlock()
	w.notify(Event{Kind: "shade", Device: deviceID})
	return d, nil
}

// Drop records a push that arrived on the phone but is not shown, with the
// rule that dropped it; vendors call it for their own rules (quota, channel).
func (w *World) Drop(deviceID string, n Notification, rule, reason string, request uint64) error {
	w.mu.Lock()
	p := w.phones[deviceID]
	if p == nil {
		w.mu.Unlock()
		return fmt.Errorf("device %q: %w", deviceID, ErrNotFound)
	}
	if n.At.IsZero() {
		n.At = w.clock.Now()
	}
	w.dropLocked(p, n, DeliverOptions{Request: request}, rule, reason)
	w.mu.Unlock()
	w.notify(Event{Kind: "shade", Device: deviceID})
	return nil
}

func (w *World) dropLocked(p *phone, n Notification, opt DeliverOptions, rule, reason string) Delivery {
	p.seq++
	n.Seq, n.Rule, n.Reason = p.seq, rule, reason
	p.dropped = appendCapped(p.dropped, n, w.opts.ShadeCap)
	w.ledger.add(Entry{
		Kind: KindDelivery, At: n.At, Vendor: n.Vendor, App: n.App, Tokens: []string{p.Token},
		Device: p.ID, Verdict: VerdictNotShown, Rule: rule, Reason: reason,
		MessageID: n.MessageID, Request: opt.Request,
	})
	return Delivery{Rule: rule, Reason: reason}
}

func (w *World) showLocked(p *phone, n Notification, opt DeliverOptions) Delivery {
	if n.PassThrough {
		p.seq++
		n.Seq = p.seq
		p.inbox = appendCapped(p.inbox, n, w.opts.ShadeCap)
		return Delivery{Reason: "handed to the app (pass-through), not shown"}
	}
	if p.NotificationsOff {
		return w.dropLocked(p, n, opt, "world.device.notifications-off", "the user switched the app's notifications off")
	}
	if n.Channel != "" && p.ChannelOff(n.Channel) {
		return w.dropLocked(p, n, opt, "world.device.channel-off", fmt.Sprintf("the user switched channel %q off", n.Channel))
	}
	if n.Collapse != "" && slices.ContainsFunc(p.shade, func(o Notification) bool { return o.Collapse == n.Collapse }) {
		return w.dropLocked(p, n, opt, "world.shade.collapsed", fmt.Sprintf("a notification with the same key %q is already shown", n.Collapse))
	}
	if n.Badge != nil {
		p.Badge = *n.Badge
	}
	// What every phone does with control characters (content.go).
	n.Title, n.Body = ShowText(n.Title), ShowText(n.Body)
	p.seq++
	n.Seq = p.seq
	if n.NotifyID != "" {
		p.shade = slices.DeleteFunc(p.shade, func(o Notification) bool { return o.NotifyID == n.NotifyID })
	}
	p.shade = appendCapped(p.shade, n, w.opts.ShadeCap)
	return Delivery{Shown: true}
}

// flushLocked delivers what was held for a phone once it is online and the
// hold has passed, and expires what outlived its TTL.
func (w *World) flushLocked(p *phone) {
	if p.Offline || len(p.pending) == 0 {
		return
	}
	now := w.clock.Now()
	w.expireHeldLocked(p, now)
	keep := p.pending[:0]
	for _, pp := range p.pending {
		if !pp.holdUntil.IsZero() && now.Before(pp.holdUntil) {
			keep = append(keep, pp)
			continue
		}
		pp.n.At = now
		w.showLocked(p, pp.n, DeliverOptions{Request: pp.request})
	}
	clear(p.pending[len(keep):])
	p.pending = keep
}

// Tick delivers whatever became due on every phone (after the clock moved).
func (w *World) Tick() {
	w.mu.Lock()
	for _, id := range w.order {
		w.flushLocked(w.phones[id])
	}
	w.mu.Unlock()
	w.notify(Event{Kind: "clock"})
}

// Shade is everything a phone has: what it shows, what it dropped and why,
// what the app received silently, and what is still held for it.
type Shade struct {
	Device  Device         `json:"device"`
	Shown   []Notification `json:"shown"`
	Dropped []Notification `json:"dropped"`
	Inbox   []Notification `json:"inbox"`
	Pending int            `json:"pending"`
}

// Shade returns a copy of a phone's shade.
func (w *World) Shade(idOrName string) (Shade, error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	p := w.phoneLocked(idOrName)
	if p == nil {
		return Shade{}, fmt.Errorf("device %q: %w", idOrName, ErrNotFound)
	}
	return Shade{
		Device:  p.Device.clone(),
		Shown:   slices.Clone(newest(p.shade, w.opts.ShadeCap)),
		Dropped: slices.Clone(newest(p.dropped, w.opts.ShadeCap)),
		Inbox:   slices.Clone(newest(p.inbox, w.opts.ShadeCap)),
		Pending: len(p.pending),
	}, nil
}

// appendCapped appends v and bounds s to about limit newest items (limit
// <= 0: no cap). It lets the slice run up to half a cap over and then drops
// the oldest in one copy, so a full ledger costs O(1) amortized per append
// instead of a copy of the whole ledger each time. Readers use newest to see
// exactly limit items.
//
// A full slice is cut before v is appended, not after: append never grows
// the array past the cap's slack (a phone's shade of cap 1 would otherwise
// hold an array of four notifications, 100 000 phones 170 MB).
func appendCapped[T any](s []T, v T, limit int) []T {
	if limit > 0 && len(s) >= limit+limit/2+1 {
		n := copy(s, s[len(s)-(limit-1):])
		clear(s[n:])
		s = s[:n]
	}
	return append(s, v)
}

// newest returns the last limit items of s (all when limit <= 0).
func newest[T any](s []T, limit int) []T {
	if limit > 0 && len(s) > limit {
		return s[len(s)-limit:]
	}
	return s
}
