package admin

import (
	"encoding/json"
	"net/http"

	"github.com/pushsim/pushsim/emulators/world"
)

// presentApp is the app as the control plane hands it out. An FCM app's
// service-account key file names Google's token_uri in the world (so the
// emulator also accepts assertions meant for Google); handed out, it points
// at this emulator's token endpoint instead, so the file works unchanged with
// any Google client library (issue 3: "a complete service-account JSON with
// token_uri pointing at the emulator").
func presentApp(app *world.App, r *http.Request) *world.App {
	raw := app.Extra["service_account"]
	if app.Vendor != "fcm" || raw == "" {
		return app
	}
	var sa map[string]any
	if json.Unmarshal([]byte(raw), &sa) != nil {
		return app
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	sa["token_uri"] = scheme + "://" + r.Host + "/fcm/token"
	b, err := json.MarshalIndent(sa, "", "  ")
	if err != nil {
		return app
	}
	c := *app
	c.Extra = make(map[string]string, len(app.Extra))
	for k, v := range app.Extra {
		c.Extra[k] = v
	}
	c.Extra["service_account"] = string(b) + "\n"
	return &c
}

func presentApps(apps []*world.App, r *http.Request) []*world.App {
	out := make([]*world.App, len(apps))
	for i, a := range apps {
		out[i] = presentApp(a, r)
	}
	return out
}
