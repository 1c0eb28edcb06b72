// Package xiaomi emulates Xiaomi MiPush's server API.
package xiaomi

import (
	"net/http"

	"github.com/pushsim/pushsim/emulators/world"
)

// Emulator is the Xiaomi MiPush server.
type Emulator struct{ w *world.World }

// New returns the Xiaomi emulator over w.
func New(w *world.World) world.Vendor { return &Emulator{w: w} }

func (e *Emulator) Name() string                   { return "xiaomi" }
func (e *Emulator) Hosts() []string                { return []string{"api.xmpush.xiaomi.com"} }
func (e *Emulator) Handler() http.Handler          { return http.NotFoundHandler() }
func (e *Emulator) NewToken(app *world.App) string { return "" }
func (e *Emulator) DemoApp(app *world.App)         {}
func (e *Emulator) Rules() []world.Rule            { return nil }
