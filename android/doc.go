// Package android models the part of an Android phone that decides what a
// notification tap opens: the app's manifest (AndroidManifest.xml, plain or
// the binary one inside an .apk), intents and intent URIs as
// Intent.parseUri reads them, intent-filter matching as IntentFilter.match
// does it, and the activity manager's checks (explicit component, exported,
// permission, enabled, launch mode and flags).
//
// It is shared by both sides of the wire on purpose. DESIGN.md keeps
// emulators/... and dispatcher/... apart because they are two independent
// readings of each vendor's API, and a client and server that share structs
// can only agree with themselves. This package reads no vendor's API: it
// models the phone's operating system, which is the same whichever vendor
// delivered the push and whoever sent it. The emulators use it when a
// simulated user taps a notification (POST /_pushsim/devices/{id}/shade/{n}/tap);
// the dispatcher uses it to warn, when a push certificate is loaded with the
// app's manifest, that its click action would open nothing. How each vendor
// turns its own click fields into an intent stays on each side.
//
// Behaviour follows AOSP (frameworks/base: Intent.parseUriInternal,
// android.net.Uri.StringUri, IntentFilter.match / matchData,
// IntentFilter.AuthorityEntry, PatternMatcher, ActivityManager's
// checkComponentPermission) and the <activity> / <intent-filter> / <data>
// manifest documentation. Where this package decides something Android
// leaves to the vendor ROM (who starts the activity on a tap), the decision
// is in Starter with its source.
package android
