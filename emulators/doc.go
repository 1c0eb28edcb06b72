// Package emulators runs every vendor emulator and the control plane as one
// unit, in the style of net/http/httptest and fake-gcs-server: New for an
// in-memory server (no port), Start for one on a loopback port cleaned up
// with the test, a pre-wired *http.Client, and Intercept to redirect the
// vendors' real host names on any client.
//
// One handler carries everything:
//   - /<vendor>/<the vendor's real path> for clients whose base URL is set;
//   - <the vendor's real path> when the Host header is the vendor's real host;
//   - /_pushsim/... for the control plane (see package admin).
package emulators
