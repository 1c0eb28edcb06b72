package world

import (
	"fmt"
	"slices"
	"time"
)

// Device is a simulated phone with one app installed and registered for push.
type Device struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"` // a label scenarios use ("alice-phone")
	Vendor   string `json:"vendor"`
	App      string `json:"app"` // the App's Name
	Token    string `json:"token"`
	Platform string `json:"platform,omitempty"` // "android" (default) or e.g. "harmony"
	Android  int    `json:"android"`            // API level
	// NotificationsOff is the app's notification switch in system settings.
	NotificationsOff bool `json:"notifications_off"`
	// ChannelsOff lists channels the user switched off.
	ChannelsOff []string `json:"channels_off,omitempty"`
	// PhoneChannels are the notification channels the app created on the phone
	// (Android 8+). nil means "the app created every registered channel".
	PhoneChannels []string  `json:"phone_channels,omitempty"`
	Uninstalled   bool      `json:"uninstalled"`
	Offline       bool      `json:"offline"`
	Test          bool      `json:"test,omitempty"` // registered as a test device on the console
	Badge         int       `json:"badge"`
	Registered    time.Time `json:"registered"`
}

// HasPhoneChannel reports whether the app created that channel on the phone.
func (d *Device) HasPhoneChannel(id string) bool {
	if d.PhoneChannels == nil {
		return true
	}
	return slices.Contains(d.PhoneChannels, id)
}

// ChannelOff reports whether the user switched the channel off.
func (d *Device) ChannelOff(id string) bool { return slices.Contains(d.ChannelsOff, id) }

type phone struct {
	Device
	shade   []Notification // newest last
	dropped []Notification // arrived but not shown, with Rule and Reason
	inbox   []Notification // pass-through messages handed to the app
	pending []pendingPush  // held while offline or until a quiet window ends (offline.go)
	seq     int
}

func (d *Device) clone() Device {
	c := *d
	c.ChannelsOff = slices.Clone(d.ChannelsOff)
	c.PhoneChannels = slices.Clone(d.PhoneChannels)
	return c
}

// Register adds a phone for an existing app. token must be in the vendor's
// format (the vendor emulator makes it); an empty ID is assigned.
func (w *World) Register(d Device) (Device, error) {
	if _, ok := w.App(d.Vendor, d.App); !ok {
		return Device{}, fmt.Errorf("%s app %q: %w", d.Vendor, d.App, ErrNotFound)
	}
	if d.Token == "" {
		return Device{}, fmt.Errorf("device needs a token")
	}
	if d.Android == 0 {
		d.Android = 33
	}
	if d.Platform == "" {
		d.Platform = "android"
	}
	if TokenUninstalled(d.Token) { // magic token (fault.go)
		d.Uninstalled = true
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if d.ID == "" {
		w.nextDevice++
		d.ID = fmt.Sprintf("d%d", w.nextDevice)
	}
	if _, dup := w.phones[d.ID]; dup {
		return Device{}, fmt.Errorf("device %q: %w", d.ID, ErrConflict)
	}
	if _, dup := w.byToken[tokenKey{d.Vendor, d.Token}]; dup {
		return Device{}, fmt.Errorf("token %q: %w", d.Token, ErrConflict)
	}
	d.Registered = w.clock.Now()
	p := &phone{Device: d.clone()}
	w.phones[d.ID] = p
	w.order = append(w.order, d.ID)
	w.byToken[tokenKey{d.Vendor, d.Token}] = p
	defer w.notify(Event{Kind: "device", Device: d.ID})
	return p.Device.clone(), nil
}

type tokenKey struct{ vendor, token string }

// Devices lists the phones in registration order, optionally of one vendor.
func (w *World) Devices(vendor string) []Device {
	w.mu.RLock()
	defer w.mu.RUnlock()
	out := make([]Device, 0, len(w.order))
	for _, id := range w.order {
		if p := w.phones[id]; vendor == "" || p.Vendor == vendor {
			out = append(out, p.Device.clone())
		}
	}
	return out
}

// Device returns a phone by id or by name.
func (w *World) Device(idOrName string) (Device, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if p := w.phoneLocked(idOrName); p != nil {
		return p.Device.clone(), true
	}
	return Device{}, false
}

func (w *World) phoneLocked(idOrName string) *phone {
	if p, ok := w.phones[idOrName]; ok {
		return p
	}
	for _, id := range w.order {
		if p := w.phones[id]; p.Name != "" && p.Name == idOrName {
			return p
		}
	}
	return nil
}

// DeviceByToken finds the phone a vendor token belongs to. A token that
// carries the EXPIRED magic word belongs to no phone (fault.go).
func (w *World) DeviceByToken(vendor, token string) (Device, bool) {
	if TokenExpired(token) {
		return Device{}, false
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	if p, ok := w.byToken[tokenKey{vendor, token}]; ok {
		return p.Device.clone(), true
	}
	return Device{}, false
}

// UpdateDevice changes a phone's settings through fn. When the phone comes
// back online, what was held for it and has not expired is delivered.
func (w *World) UpdateDevice(idOrName string, fn func(*Device)) (Device, error) {
	w.mu.Lock()
	p := w.phoneLocked(idOrName)
	if p == nil {
		w.mu.Unlock()
		return Device{}, fmt.Errorf("device %q: %w", idOrName, ErrNotFound)
	}
	oldToken := p.Token
	fn(&p.Device)
	p.ID = p.Device.ID
	if p.Token != oldToken {
		delete(w.byToken, tokenKey{p.Vendor, oldToken})
		w.byToken[tokenKey{p.Vendor, p.Token}] = p
	}
	w.flushLocked(p)
	d := p.Device.clone()
	w.mu.Unlock()
	w.notify(Event{Kind: "device", Device: d.ID})
	return d, nil
}

// RemoveDevice forgets a phone and its token.
func (w *World) RemoveDevice(idOrName string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	p := w.phoneLocked(idOrName)
	if p == nil {
		return fmt.Errorf("device %q: %w", idOrName, ErrNotFound)
	}
	delete(w.phones, p.ID)
	delete(w.byToken, tokenKey{p.Vendor, p.Token})
	w.topics.forget(p)
	w.order = slices.DeleteFunc(w.order, func(id string) bool { return id == p.ID })
	defer w.notify(Event{Kind: "device", Device: p.ID})
	return nil
}
