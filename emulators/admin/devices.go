package admin

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gorilla/mux"

	"github.com/pushsim/pushsim/emulators/world"
)

// newDevice is the body of POST /_pushsim/devices.
type newDevice struct {
	Vendor  string `json:"vendor"`
	App     string `json:"app"`
	Android int    `json:"android"`
	Name    string `json:"name"`
	// User is the IM account the phone belongs to: a dispatcher notion,
	// accepted so scenario "phones" entries can be posted as they are, but
	// the emulators do not keep it.
	User     string `json:"user"`
	ID       string `json:"id"`
	Token    string `json:"token"` // "" = the vendor makes one in its real format
	Platform string `json:"platform"`

	NotificationsOff bool     `json:"notifications_off"`
	ChannelsOff      []string `json:"channels_off"`
	PhoneChannels    []string `json:"phone_channels"`
	Test             bool     `json:"test"`
	Offline          bool     `json:"offline"`
	Uninstalled      bool     `json:"uninstalled"`
	Badge            int      `json:"badge"`
}

// Android API levels the emulators accept (1 = Android 1.0, 36 = Android 16;
// headroom for what comes next).
const maxAndroid = 99

func devicePath(id string) string { return Prefix + "/devices/" + url.PathEscape(id) }

// createDevice registers a phone for an app as the vendor's SDK would: the
// vendor makes its token.
func (a *API) createDevice(w http.ResponseWriter, r *http.Request) {
	var nd newDevice
	if !decode(w, r, &nd) {
		return
	}
	v, ok := a.checkVendor(w, "vendor", nd.Vendor)
	if !ok {
		return
	}
	if nd.App == "" {
		badRequest(w, "app", "app is required (the app's name)")
		return
	}
	app, ok := a.w.App(nd.Vendor, nd.App)
	if !ok {
		badRequest(w, "app", "no %s app %q: create it with POST %s/apps first", nd.Vendor, nd.App, Prefix)
		return
	}
	if nd.Android < 0 || nd.Android > maxAndroid {
		badRequest(w, "android", "android is an API level, 1..%d (0 = 33)", maxAndroid)
		return
	}
	if nd.Badge < 0 {
		badRequest(w, "badge", "badge cannot be negative")
		return
	}
	a.patchMu.Lock()
	defer a.patchMu.Unlock()
	for _, field := range [...]struct{ name, v string }{{"name", nd.Name}, {"id", nd.ID}} {
		if field.v == "" {
			continue
		}
		if _, dup := a.w.Device(field.v); dup {
			writeProblem(w, http.StatusConflict, "conflict", "a device with id or name "+field.v+" exists already", field.name)
			return
		}
	}
	token := nd.Token
	if token == "" {
		token = v.NewToken(app)
	}
	if token == "" {
		writeProblem(w, http.StatusInternalServerError, "no-token", "the "+nd.Vendor+" emulator made no token; pass one in \"token\"", "token")
		return
	}
	d, err := a.w.Register(world.Device{
		ID: nd.ID, Name: nd.Name, Vendor: nd.Vendor, App: nd.App, Token: token, Platform: nd.Platform,
		Android: nd.Android, NotificationsOff: nd.NotificationsOff, ChannelsOff: nd.ChannelsOff,
		PhoneChannels: nd.PhoneChannels, Uninstalled: nd.Uninstalled, Offline: nd.Offline, Test: nd.Test, Badge: nd.Badge,
	})
	switch {
	case errors.Is(err, world.ErrConflict):
		writeProblem(w, http.StatusConflict, "conflict", err.Error(), "token")
		return
	case err != nil:
		badRequest(w, "", "%v", err)
		return
	}
	w.Header().Set("Location", devicePath(d.ID))
	writeJSON(w, http.StatusCreated, d)
}

func (a *API) listDevices(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	all := a.w.Devices(q.Get("vendor"))
	out := all[:0]
	for _, d := range all {
		if app := q.Get("app"); app == "" || d.App == app {
			out = append(out, d)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) getDevice(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	d, ok := a.w.Device(id)
	if !ok {
		notFound(w, "no device with id or name %q", id)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// devicePatch changes what a user or the phone would change; absent fields
// stay, null resets (phone_channels: null = the app created every channel).
type devicePatch struct {
	Name             opt[string]   `json:"name"`
	NotificationsOff opt[bool]     `json:"notifications_off"`
	ChannelsOff      opt[[]string] `json:"channels_off"`
	PhoneChannels    opt[[]string] `json:"phone_channels"`
	Offline          opt[bool]     `json:"offline"`
	Uninstalled      opt[bool]     `json:"uninstalled"`
	Android          opt[int]      `json:"android"`
	Test             opt[bool]     `json:"test"`
	Badge            opt[int]      `json:"badge"`
}

func (a *API) patchDevice(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	var p devicePatch
	if !decode(w, r, &p) {
		return
	}
	if p.Android.Set && (p.Android.V < 1 || p.Android.V > maxAndroid) {
		badRequest(w, "android", "android is an API level, 1..%d", maxAndroid)
		return
	}
	if p.Badge.V < 0 {
		badRequest(w, "badge", "badge cannot be negative")
		return
	}
	a.patchMu.Lock()
	defer a.patchMu.Unlock()
	cur, ok := a.w.Device(id)
	if !ok {
		notFound(w, "no device with id or name %q", id)
		return
	}
	if p.Name.Set && p.Name.V != "" && p.Name.V != cur.Name {
		if _, dup := a.w.Device(p.Name.V); dup {
			writeProblem(w, http.StatusConflict, "conflict", "a device with id or name "+p.Name.V+" exists already", "name")
			return
		}
	}
	d, err := a.w.UpdateDevice(cur.ID, func(d *world.Device) {
		set(&d.Name, p.Name)
		set(&d.NotificationsOff, p.NotificationsOff)
		set(&d.ChannelsOff, p.ChannelsOff)
		set(&d.PhoneChannels, p.PhoneChannels)
		set(&d.Offline, p.Offline)
		set(&d.Uninstalled, p.Uninstalled)
		set(&d.Android, p.Android)
		set(&d.Test, p.Test)
		set(&d.Badge, p.Badge)
	})
	if err != nil {
		notFound(w, "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (a *API) deleteDevice(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	if err := a.w.RemoveDevice(id); err != nil {
		notFound(w, "no device with id or name %q", id)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) shade(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	s, err := a.w.Shade(id)
	if err != nil {
		notFound(w, "no device with id or name %q", id)
		return
	}
	if s.Shown == nil {
		s.Shown = []world.Notification{}
	}
	if s.Dropped == nil {
		s.Dropped = []world.Notification{}
	}
	if s.Inbox == nil {
		s.Inbox = []world.Notification{}
	}
	writeJSON(w, http.StatusOK, s)
}
