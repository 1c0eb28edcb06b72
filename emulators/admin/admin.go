// Package admin serves the control plane, /_pushsim/..., a JSON API over the
// world: apps, devices and their shades, the ledger, the clock, reset.
// Errors are application/problem+json (RFC 9457).
package admin

import (
	"net/http"

	"github.com/pushsim/pushsim/emulators/world"
)

// New returns the control-plane handler.
func New(w *world.World, vendors map[string]world.Vendor) http.Handler {
	return http.NotFoundHandler()
}
