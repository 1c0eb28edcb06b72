// Package harness runs scenarios: it loads the YAML scenario format
// (documented in scenarios/README.md), builds a fresh world for each one on
// a virtual clock (emulators in memory, the dispatcher under test wired to
// them), plays the steps, checks the expectations and returns a
// reports.Result with a hop-by-hop trace and a verdict.
//
// It is the only package that knows both sides of the wire: the emulators
// (emulators/...) and the dispatcher (dispatcher/...). certificates.go maps
// a console app onto the dispatcher's push certificate and wire.go holds the
// little each vendor needs for raw requests; a new vendor adds its case there.
//
// The dispatcher under test is the built-in one (Builtin, in-process) or a
// black-box one behind the driver protocol (Driver, DriverTarget): a Plan
// then serves every scenario's emulators on one listener, under
// certificates the target was given before the run (blackbox.go), and
// BlackBoxSkip leaves out what only the built-in dispatcher can show.
//
// Verdicts come from the rule catalogue (harness/catalogue): a scenario
// checking a MUST rule FAILs when an expectation breaks, a SHOULD-only one
// is NON-STRICT, an INFO-only one INFO; Waivers turn expected failures into
// WAIVED. Selection picks scenarios by vendor, rule, label and id.
//
// Every scenario runs on its own Server, World and Dispatcher (or its own
// namespace on a black-box target), so scenarios may run in parallel.
package harness
