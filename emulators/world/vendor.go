package world

import "net/http"

// Vendor is one vendor's emulator as the server and the control plane see it.
// Each emulators/<vendor> package provides one; they never import each other.
type Vendor interface {
	// Name is the vendor's short name and URL prefix: "xiaomi", "huawei", ...
	Name() string
	// Hosts are the vendor's real host names, routed here by Host header.
	Hosts() []string
	// Handler serves the vendor's real paths (without the /<vendor> prefix).
	Handler() http.Handler
	// NewToken makes a push token in the vendor's real format for a new phone.
	NewToken(app *App) string
	// DemoApp fills in credentials and channels for a new app in the vendor's
	// real formats where the caller left them empty.
	DemoApp(app *App)
	// Rules lists the rules this emulator enforces (ids used in the ledger).
	Rules() []Rule
}
