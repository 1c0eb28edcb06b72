// Package compattest sets up what every compatibility test needs: the
// emulators over a world whose virtual clock starts at the real time (the
// third-party clients sign and time-stamp with the machine's clock), one
// vendor app filled in by the vendor's own DemoApp, and phones registered
// for it. Nothing here talks to a client: each test drives its client
// unchanged and reads the phones' shades and the emulators' answers.
package compattest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/world"
)

// Start runs the emulators on a loopback port until the test ends. Clients
// whose host cannot be set are reached in memory with s.Client(), which
// routes by the vendors' real host names.
func Start(t testing.TB) *emulators.Server {
	t.Helper()
	return emulators.Start(t, emulators.Options{Clock: world.NewVirtualClock(time.Now()), Seed: 7})
}

// App adds a vendor app: the fields app sets are kept, the vendor fills in
// the rest in its real formats (ids, keys, secrets, channels).
func App(t testing.TB, s *emulators.Server, app world.App) *world.App {
	t.Helper()
	if app.Name == "" {
		app.Name = "chat"
	}
	s.Vendor(app.Vendor).DemoApp(&app)
	stored, err := s.World.AddApp(app)
	if err != nil {
		t.Fatalf("add %s app: %v", app.Vendor, err)
	}
	return stored
}

// Phone registers a phone for app with a token the vendor made, on the
// given Android API level (0: Android 13).
func Phone(t testing.TB, s *emulators.Server, app *world.App, name string, android int) world.Device {
	t.Helper()
	token := s.Vendor(app.Vendor).NewToken(app)
	d, err := s.World.Register(world.Device{Vendor: app.Vendor, App: app.Name, Name: name, Token: token, Android: android})
	if err != nil {
		t.Fatalf("register %s: %v", name, err)
	}
	return d
}

// Shade is what the phone shows and what it dropped.
func Shade(t testing.TB, s *emulators.Server, phone world.Device) world.Shade {
	t.Helper()
	sh, err := s.World.Shade(phone.ID)
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

// OnlyShown returns the one notification the phone shows, failing the test
// if it shows none or several.
func OnlyShown(t testing.TB, s *emulators.Server, phone world.Device) world.Notification {
	t.Helper()
	sh := Shade(t, s, phone)
	if len(sh.Shown) != 1 {
		t.Fatalf("%s shows %d notifications, want 1 (dropped: %+v)", phone.Name, len(sh.Shown), sh.Dropped)
	}
	return sh.Shown[0]
}

// BodyOfError digs the vendor's JSON answer out of an error that quotes it
// as "... body=<json>" (modood/pushapi reports every refusal that way) and
// decodes it into v, failing the test if there is none.
func BodyOfError(t testing.TB, err error, v any) {
	t.Helper()
	if err == nil {
		t.Fatal("no error, want the vendor's refusal")
	}
	_, body, ok := strings.Cut(err.Error(), "body=")
	if !ok {
		t.Fatalf("error %q quotes no answer", err)
	}
	// A decoding failure is appended as " err=..." after the body.
	if i := strings.LastIndex(body, "} err="); i >= 0 {
		body = body[:i+1]
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("answer %q: %v", body, err)
	}
}
