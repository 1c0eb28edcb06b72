package admin

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/pushsim/pushsim/android"
	"github.com/pushsim/pushsim/emulators/world"
)

// tap is POST /_pushsim/devices/{id}/shade/{n}/tap: the user taps the
// shown notification whose seq is n. The answer is world.Tap: opens
// (activity, browser, callback, nothing), activity, extras (with
// extra_types), flags, launch_mode, task, url, rule and reason.
func (a *API) tap(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	seq, err := strconv.Atoi(vars["n"])
	if err != nil || seq < 1 {
		badRequest(w, "n", "n is a notification's seq (1, 2, ...), got %q", vars["n"])
		return
	}
	t, err := a.w.Tap(vars["id"], seq)
	switch {
	case errors.Is(err, world.ErrNotFound):
		notFound(w, "%v", err)
	case errors.Is(err, world.ErrNotShown):
		writeProblem(w, http.StatusNotFound, "not-shown", err.Error(), "n")
	case err != nil:
		writeProblem(w, http.StatusUnprocessableEntity, "bad-manifest", err.Error(), "manifest")
	default:
		writeJSON(w, http.StatusOK, t)
	}
}

// checkManifest answers a problem and returns false when a manifest set
// through the control plane is not one the phone could install: it must
// parse, and name the app's package (or none: then the app's is used). An
// app without a package takes the manifest's.
func checkManifest(w http.ResponseWriter, text string, pkg *string) bool {
	if strings.TrimSpace(text) == "" {
		return true
	}
	m, err := android.ParseManifest([]byte(text))
	if err != nil {
		badRequest(w, "manifest", "%v", err)
		return false
	}
	if m.Package != "" && *pkg != "" && m.Package != *pkg {
		badRequest(w, "manifest", "the manifest is package %s but the app's package is %s (set package too)", m.Package, *pkg)
		return false
	}
	if *pkg == "" {
		*pkg = m.Package
	}
	return true
}
