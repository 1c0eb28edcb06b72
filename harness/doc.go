// Package harness runs scenarios: it loads the YAML scenario format
// (documented in scenarios/README.md), builds a fresh world for each one on
// a virtual clock (emulators in memory, the built-in dispatcher wired to
// them), plays the steps and checks the expectations, and returns a
// reports.Result with a hop-by-hop trace.
//
// It is the only package that knows both sides of the wire: the emulators
// (emulators/...) and the dispatcher (dispatcher/...). certificates.go maps
// a console app onto the dispatcher's push certificate and wire.go holds the
// little each vendor needs for raw requests; a new vendor adds its case there.
//
// Every scenario runs on its own Server, World and Dispatcher, so scenarios
// may run in parallel.
package harness
