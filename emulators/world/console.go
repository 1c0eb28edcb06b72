package world

import (
	"errors"
	"fmt"
	"slices"
)

// Message classes a channel or a message can have. Vendors name them
// differently (private/public, 私信/公信, service/marketing, system/operation);
// the emulators map each vendor's own words onto these three.
const (
	ClassPrivate = "private" // IM, account, orders: the unlimited or service class
	ClassPublic  = "public"  // news, marketing, operation: capped per device per day
	ClassDefault = "default" // no class applied for
)

// Channel is a notification channel (通知类别) registered for an app on the
// vendor's console, with the message class the vendor granted it.
type Channel struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	Class string `json:"class"`
}

// App is one application as configured on one vendor's developer console.
// Field meaning per vendor:
//   - Xiaomi: ID = AppID, Key = AppKey, Secret = AppSecret.
//   - Huawei: ID = AppID / client_id, Secret = client secret.
//   - OPPO: Key = AppKey, Secret = MasterSecret (AppSecret kept in Extra).
//   - vivo: ID = appId, Key = appKey, Secret = appSecret.
//   - Meizu: ID = appId, Secret = appSecret.
//   - FCM: ID = project id; the service account lives in Extra.
type App struct {
	Vendor     string            `json:"vendor"`
	Name       string            `json:"name"`
	ID         string            `json:"app_id,omitempty"`
	Key        string            `json:"app_key,omitempty"`
	Secret     string            `json:"app_secret,omitempty"`
	Package    string            `json:"package"`
	Channels   []Channel         `json:"channels,omitempty"`
	Privileges []string          `json:"privileges,omitempty"`
	News       bool              `json:"news,omitempty"` // holds a news licence: higher public caps
	Quotas     map[string]int    `json:"quotas,omitempty"`
	Settings   map[string]string `json:"settings,omitempty"`
	Extra      map[string]string `json:"extra,omitempty"`
	Manifest   string            `json:"manifest,omitempty"` // the app's AndroidManifest.xml (plain XML); "" = android.DefaultManifest
}

// Channel returns the registered channel with that id.
func (a *App) Channel(id string) (Channel, bool) {
	for _, c := range a.Channels {
		if c.ID == id {
			return c, true
		}
	}
	return Channel{}, false
}

// Has reports whether the vendor granted the app a privilege (for example
// OPPO's communication category right or Huawei's self-classification).
func (a *App) Has(privilege string) bool { return slices.Contains(a.Privileges, privilege) }

// Quota returns the app's override for a named limit, or def.
func (a *App) Quota(name string, def int) int {
	if v, ok := a.Quotas[name]; ok {
		return v
	}
	return def
}

// Setting returns the app's value for a named vendor knob, or def.
func (a *App) Setting(name, def string) string {
	if v, ok := a.Settings[name]; ok {
		return v
	}
	return def
}

// clone returns a deep copy, so callers never share maps with the world.
func (a *App) clone() *App {
	c := *a
	c.Channels = slices.Clone(a.Channels)
	c.Privileges = slices.Clone(a.Privileges)
	c.Quotas = cloneMap(a.Quotas)
	c.Settings = cloneMap(a.Settings)
	c.Extra = cloneMap(a.Extra)
	return &c
}

func cloneMap[V any](m map[string]V) map[string]V {
	if m == nil {
		return nil
	}
	c := make(map[string]V, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// ErrNotFound is returned when an app or a device does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when an app of that vendor and name exists already.
var ErrConflict = errors.New("already exists")

// AddApp registers an app. Vendor and Name are required; (Vendor, Name) and
// (Vendor, ID) are unique.
func (w *World) AddApp(a App) (*App, error) {
	if a.Vendor == "" || a.Name == "" {
		return nil, fmt.Errorf("app needs vendor and name")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, old := range w.apps {
		if old.Vendor == a.Vendor && (old.Name == a.Name || (a.ID != "" && old.ID == a.ID)) {
			return nil, fmt.Errorf("%s app %q: %w", a.Vendor, a.Name, ErrConflict)
		}
	}
	stored := a.clone()
	w.apps = append(w.apps, stored)
	defer w.notify(Event{Kind: "app"})
	return stored.clone(), nil
}

// UpdateApp replaces the stored app with the same vendor and name.
func (w *World) UpdateApp(a App) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, old := range w.apps {
		if old.Vendor == a.Vendor && old.Name == a.Name {
			w.apps[i] = a.clone()
			defer w.notify(Event{Kind: "app"})
			return nil
		}
	}
	return fmt.Errorf("%s app %q: %w", a.Vendor, a.Name, ErrNotFound)
}

// Apps lists the apps, optionally of one vendor ("" for all).
func (w *World) Apps(vendor string) []*App {
	w.mu.RLock()
	defer w.mu.RUnlock()
	var out []*App
	for _, a := range w.apps {
		if vendor == "" || a.Vendor == vendor {
			out = append(out, a.clone())
		}
	}
	return out
}

// App finds an app by vendor and name.
func (w *World) App(vendor, name string) (*App, bool) {
	return w.findApp(func(a *App) bool { return a.Vendor == vendor && a.Name == name })
}

// FindApp finds an app of a vendor matching a predicate (by secret, id, key...).
// The predicate sees the stored app and must not change it.
func (w *World) FindApp(vendor string, match func(*App) bool) (*App, bool) {
	return w.findApp(func(a *App) bool { return a.Vendor == vendor && match(a) })
}

func (w *World) findApp(match func(*App) bool) (*App, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	for _, a := range w.apps {
		if match(a) {
			return a.clone(), true
		}
	}
	return nil, false
}

// FindAppShared is FindApp without the copy, for hot paths that only read.
// The returned app must not be modified or kept.
func (w *World) FindAppShared(vendor string, match func(*App) bool) (*App, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	for _, a := range w.apps {
		if a.Vendor == vendor && match(a) {
			return a, true
		}
	}
	return nil, false
}
