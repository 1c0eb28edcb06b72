package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/pushsim/pushsim/android"
	"github.com/pushsim/pushsim/emulators"
)

// applyManifest installs the app of --manifest (AndroidManifest.xml,
// binary or plain, or an .apk) on every demo phone: each demo app carries
// it (App.Manifest, as plain XML) and takes its package, so a tap
// (POST /_pushsim/devices/{id}/shade/{n}/tap) resolves against it.
func applyManifest(s *emulators.Server, demo *emulators.Demo, path string, stderr io.Writer) error {
	m, err := android.ReadManifest(path)
	if err != nil {
		return fmt.Errorf("--manifest: %w", err)
	}
	text := m.XML()
	if raw, err := os.ReadFile(path); err == nil && !bytes.HasPrefix(raw, []byte("PK")) && bytes.Contains(raw, []byte("<manifest")) {
		text = string(raw) // a plain manifest is kept as written (its lines name filters in reasons)
	}
	for i := range demo.Vendors {
		if !androidVendor(demo.Vendors[i]) {
			continue // an iOS app has no AndroidManifest.xml
		}
		app := demo.Vendors[i].App
		app.Manifest = text
		if m.Package != "" {
			app.Package = m.Package
		}
		if err := s.World.UpdateApp(app); err != nil {
			return fmt.Errorf("--manifest: %w", err)
		}
		demo.Vendors[i].App = app
	}
	launcher := "no launcher activity"
	if a, ok := m.Launcher(); ok {
		launcher = "launcher " + a.Name
	}
	fmt.Fprintf(stderr, "pushsim: demo apps carry %s: package %s, %d activities, %s\n", path, m.Package, len(m.Activities), launcher)
	return nil
}

func androidVendor(v emulators.DemoVendor) bool {
	if v.Vendor == "apns" {
		return false
	}
	for _, p := range v.Phones {
		if p.Platform != "" && p.Platform != "android" {
			return false
		}
	}
	return true
}
