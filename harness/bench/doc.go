// Package bench measures the whole offline-push path at scale: one IM group
// message from the built-in dispatcher to 100 000 background phones spread
// over the six Android vendors, through the real vendor clients, answered by
// the in-process emulators on a virtual clock (issue 5, "Speed").
//
// Fanout builds that world; BenchmarkGroupFanout100k (make bench) times one
// Send and reports the vendor requests per message. TestGroupFanout runs the
// same path once, small under -short and -race, and checks that every
// device ends in exactly one outcome and that the phones show the message.
package bench
