package admin

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gorilla/mux"

	"github.com/pushsim/pushsim/emulators/world"
)

// checkVendor answers a problem naming field when vendor is not emulated.
func (a *API) checkVendor(w http.ResponseWriter, field, vendor string) (world.Vendor, bool) {
	if vendor == "" {
		badRequest(w, field, "%s is required (one of %s)", field, strings.Join(a.names, ", "))
		return nil, false
	}
	v, ok := a.vendors[vendor]
	if !ok {
		badRequest(w, field, "unknown vendor %q (one of %s)", vendor, strings.Join(a.names, ", "))
		return nil, false
	}
	return v, true
}

func checkChannels(w http.ResponseWriter, chs []world.Channel) bool {
	for i, c := range chs {
		if c.ID == "" {
			badRequest(w, "channels", "channels[%d] has no id", i)
			return false
		}
	}
	return true
}

func appPath(a *world.App) string {
	return Prefix + "/apps/" + url.PathEscape(a.Vendor) + "/" + url.PathEscape(a.Name)
}

// createApp registers an app; the vendor fills empty credentials and
// channels in its real formats (Vendor.DemoApp).
func (a *API) createApp(w http.ResponseWriter, r *http.Request) {
	var app world.App
	if !decode(w, r, &app) {
		return
	}
	v, ok := a.checkVendor(w, "vendor", app.Vendor)
	if !ok {
		return
	}
	if app.Name == "" {
		badRequest(w, "name", "name is required")
		return
	}
	if !checkChannels(w, app.Channels) || !checkManifest(w, app.Manifest, &app.Package) {
		return
	}
	v.DemoApp(&app)
	stored, err := a.w.AddApp(app)
	if errors.Is(err, world.ErrConflict) {
		writeProblem(w, http.StatusConflict, "conflict", err.Error(), "name")
		return
	}
	if err != nil {
		badRequest(w, "", "%v", err)
		return
	}
	w.Header().Set("Location", appPath(stored))
	writeJSON(w, http.StatusCreated, presentApp(stored, r))
}

func (a *API) listApps(w http.ResponseWriter, r *http.Request) {
	apps := a.w.Apps(r.URL.Query().Get("vendor"))
	if apps == nil {
		apps = []*world.App{}
	}
	writeJSON(w, http.StatusOK, presentApps(apps, r))
}

func (a *API) getApp(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	app, ok := a.w.App(vars["vendor"], vars["name"])
	if !ok {
		notFound(w, "no %s app %q", vars["vendor"], vars["name"])
		return
	}
	writeJSON(w, http.StatusOK, presentApp(app, r))
}

// appPatch changes an app: scalars replace, channels merge by id, privileges
// are added, and in quotas, settings and extra a key set to null is removed.
type appPatch struct {
	ID               opt[string]        `json:"app_id"`
	Key              opt[string]        `json:"app_key"`
	Secret           opt[string]        `json:"app_secret"`
	Package          opt[string]        `json:"package"`
	News             opt[bool]          `json:"news"`
	Channels         []world.Channel    `json:"channels"`
	RemoveChannels   []string           `json:"remove_channels"`
	Privileges       []string           `json:"privileges"`
	RemovePrivileges []string           `json:"remove_privileges"`
	Quotas           map[string]*int    `json:"quotas"`
	Settings         map[string]*string `json:"settings"`
	Extra            map[string]*string `json:"extra"`
	Manifest         opt[string]        `json:"manifest"` // AndroidManifest.xml text; "" removes it
}

func (a *API) patchApp(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	var p appPatch
	if !decode(w, r, &p) {
		return
	}
	if !checkChannels(w, p.Channels) {
		return
	}
	a.patchMu.Lock()
	defer a.patchMu.Unlock()
	app, ok := a.w.App(vars["vendor"], vars["name"])
	if !ok {
		notFound(w, "no %s app %q", vars["vendor"], vars["name"])
		return
	}
	set(&app.ID, p.ID)
	set(&app.Key, p.Key)
	set(&app.Secret, p.Secret)
	set(&app.Package, p.Package)
	set(&app.News, p.News)
	if p.Manifest.Set && !checkManifest(w, p.Manifest.V, &app.Package) {
		return
	}
	set(&app.Manifest, p.Manifest)
	for _, c := range p.Channels {
		if i := slices.IndexFunc(app.Channels, func(o world.Channel) bool { return o.ID == c.ID }); i >= 0 {
			app.Channels[i] = c
		} else {
			app.Channels = append(app.Channels, c)
		}
	}
	app.Channels = slices.DeleteFunc(app.Channels, func(c world.Channel) bool { return slices.Contains(p.RemoveChannels, c.ID) })
	for _, priv := range p.Privileges {
		if !slices.Contains(app.Privileges, priv) {
			app.Privileges = append(app.Privileges, priv)
		}
	}
	app.Privileges = slices.DeleteFunc(app.Privileges, func(s string) bool { return slices.Contains(p.RemovePrivileges, s) })
	app.Quotas = merge(app.Quotas, p.Quotas)
	app.Settings = merge(app.Settings, p.Settings)
	app.Extra = merge(app.Extra, p.Extra)
	if err := a.w.UpdateApp(*app); err != nil {
		notFound(w, "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, presentApp(app, r))
}

func set[T any](dst *T, o opt[T]) {
	if o.Set {
		*dst = o.V
	}
}

// merge applies a patch map: a nil value removes the key.
func merge[V any](m map[string]V, patch map[string]*V) map[string]V {
	if len(patch) == 0 {
		return m
	}
	if m == nil {
		m = map[string]V{}
	}
	for k, v := range patch {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = *v
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}
