package emulators_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/world"
)

// A new FCM app from the control plane comes with a complete service-account
// key file whose token_uri is this emulator, so Google's client libraries
// work with the file unchanged.
func TestControlPlaneHandsOutFCMKeyFileForTheEmulator(t *testing.T) {
	s := emulators.Start(t, emulators.Options{})
	resp, err := http.Post(s.URL()+"/_pushsim/apps", "application/json", strings.NewReader(`{"vendor":"fcm","name":"chat"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var app world.App
	if err := json.NewDecoder(resp.Body).Decode(&app); err != nil {
		t.Fatal(err)
	}
	var sa map[string]string
	if err := json.Unmarshal([]byte(app.Extra["service_account"]), &sa); err != nil {
		t.Fatalf("service_account is not a key file: %v", err)
	}
	for _, k := range []string{"type", "project_id", "private_key_id", "private_key", "client_email"} {
		if sa[k] == "" {
			t.Errorf("key file lacks %s", k)
		}
	}
	if want := s.URL() + "/fcm/token"; sa["token_uri"] != want {
		t.Errorf("token_uri = %q, want %q", sa["token_uri"], want)
	}
	demo, err := emulators.SeedDemo(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range demo.Vendors {
		if v.Vendor == "fcm" && !strings.Contains(v.App.Extra["service_account"], s.URL()+"/fcm/token") {
			t.Errorf("demo key file does not point at the emulator: %s", v.App.Extra["service_account"])
		}
	}
}
