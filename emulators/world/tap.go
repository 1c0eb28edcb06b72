package world

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/pushsim/pushsim/android"
)

// ClickAction is a click that names an intent action (Huawei and Honor
// click_action.action, OPPO click_action_type 1, FCM click_action), apart
// from ClickActivity (a class name).
const ClickAction = "action"

// Tap is what tapping a shown notification did on the phone: the
// notification's click action as the vendor recorded it, read as that
// vendor's SDK reads it, resolved against the app's manifest by the
// phone's Android (package android). The android.Launch fields are
// inlined: opens, activity, extras, flags, launch_mode, url, rule, reason.
type Tap struct {
	Device string `json:"device"`
	Seq    int    `json:"seq"`
	Vendor string `json:"vendor"`
	App    string `json:"app"`
	// Click is the notification's click as the vendor recorded it; As is
	// what the phone made of it (its extras are in Extras).
	Click Click         `json:"click"`
	As    android.Click `json:"as"`
	// Manifest is "app" when the app carries one, else "default"
	// (android.DefaultManifest: a launcher <package>.MainActivity).
	Manifest string `json:"manifest"`
	android.Launch
}

// ErrNotShown is returned by Tap for a notification the phone does not
// show (dropped, handed to the app, or never there).
var ErrNotShown = errors.New("not shown")

// ParseManifest returns the app's manifest as the phone's package manager
// reads it: App.Manifest parsed (a manifest without a package takes the
// app's), or android.DefaultManifest(Package) when there is none.
func (a *App) ParseManifest() (*android.Manifest, error) {
	if strings.TrimSpace(a.Manifest) == "" {
		return android.DefaultManifest(a.Package), nil
	}
	m, err := android.ParseManifest([]byte(a.Manifest))
	if err != nil {
		return nil, err
	}
	m.SetPackage(a.Package)
	return m, nil
}

// Tap taps the notification numbered seq (Notification.Seq) that a phone
// shows. It changes nothing: the notification stays in the shade, so the
// same tap can be tried against another manifest.
func (w *World) Tap(idOrName string, seq int) (Tap, error) {
	w.mu.RLock()
	p := w.phoneLocked(idOrName)
	if p == nil {
		w.mu.RUnlock()
		return Tap{}, fmt.Errorf("device %q: %w", idOrName, ErrNotFound)
	}
	dev := p.Device.clone()
	var n *Notification
	for i := range p.shade {
		if p.shade[i].Seq == seq {
			c := p.shade[i]
			n = &c
		}
	}
	var why string
	if n == nil {
		why = fmt.Sprintf("notification %d is not in the shade of %s", seq, idOrName)
		for _, d := range p.dropped {
			if d.Seq == seq {
				why = fmt.Sprintf("notification %d was not shown: %s (%s)", seq, d.Reason, d.Rule)
			}
		}
		for _, d := range p.inbox {
			if d.Seq == seq {
				why = fmt.Sprintf("notification %d was a pass-through message handed to the app, not shown", seq)
			}
		}
	}
	w.mu.RUnlock()
	if n == nil {
		return Tap{}, fmt.Errorf("%s: %w", why, ErrNotShown)
	}
	app, ok := w.App(n.Vendor, n.App)
	if !ok {
		return Tap{}, fmt.Errorf("%s app %q: %w", n.Vendor, n.App, ErrNotFound)
	}
	m, err := app.ParseManifest()
	if err != nil {
		return Tap{}, fmt.Errorf("%s app %q: manifest: %w", app.Vendor, app.Name, err)
	}
	t := Tap{Device: dev.ID, Seq: n.Seq, Vendor: n.Vendor, App: n.App, Click: n.Click, Manifest: "app"}
	if m.Default {
		t.Manifest = "default"
	}
	t.As = PhoneClick(*n, m)
	t.Launch = android.Resolve(m, t.As, android.Options{
		Starter: android.StarterFor(n.Vendor, app.Setting("click_starter", "")),
		API:     dev.Android,
	})
	t.As.Extras = nil // they are in Launch.Extras, as the activity gets them
	return t, nil
}

// PhoneClick reads a notification's click as its vendor's SDK does on the
// phone (vendor-facts §1.6 Xiaomi, §2.6 Meizu, §3.6 vivo; Huawei §1.6,
// OPPO §2.6, FCM §3.6), with the extras the launched activity gets:
//   - Xiaomi: the intent URI's own extras, plus the MiPushMessage under
//     "key_message" whose extra map holds the message's extra.* keys and
//     whose content is the payload (the app reads
//     getSerializableExtra("key_message"), then getExtra().get("ext")).
//   - Huawei, OPPO, vivo, Meizu, FCM: the vendor's recorded click extras
//     (data, action_parameters, clientCustomMap, parameters, data + FCM's
//     keys) as String extras.
//
// A ClickActivity is a class (Xiaomi, Meizu, OPPO type 4), except that
// for vivo (skipType 4 without "intent:") the string goes through
// Intent.parseUri like any skipContent, and that Huawei and FCM, which
// name an activity only by an intent action (recorded as ClickAction),
// have it read as one.
func PhoneClick(n Notification, m *android.Manifest) android.Click {
	c := android.Click{Target: n.Click.Target}
	switch n.Click.Type {
	case ClickLauncher:
		c.Kind = android.ClickLauncher
	case ClickIntent:
		c.Kind = android.ClickIntent
	case ClickURL:
		c.Kind = android.ClickURL
	case ClickAction:
		c.Kind = android.ClickAction
	case ClickApp, ClickCustom:
		c.Kind = android.ClickCallback
	case ClickActivity:
		switch n.Vendor {
		case "huawei", "fcm":
			c.Kind = android.ClickAction
		case "vivo":
			c.Kind = android.ClickIntent
		default:
			c.Kind = android.ClickComponent
		}
	default:
		c.Kind = android.ClickLauncher
	}
	if n.Vendor == "xiaomi" {
		msg := map[string]any{
			"messageId": n.MessageID, "title": n.Title, "description": n.Body, "content": n.Payload,
			"notifyId": n.NotifyID, "passThrough": 0, "isNotified": true, "extra": stringMap(n.Extras),
		}
		c.Extras.Put("key_message", "MiPushMessage", msg)
		return c
	}
	for _, k := range sortedKeys(n.Click.Extras) {
		c.Extras.PutString(k, n.Click.Extras[k])
	}
	return c
}

func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
