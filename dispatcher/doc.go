// Package dispatcher is the offline-push part of an IM backend: it decides
// whether and how each message reaches each of a user's devices (login
// state, foreground or background, push certificates, tokens), builds the
// vendor payloads through the clients in dispatcher/<vendor>, and ends every
// (message, device) in exactly one recorded outcome.
//
// It never imports emulators/...: pointed at the real vendor hosts it works
// unchanged, and pointed at pushsim it is tested on the wire.
package dispatcher
