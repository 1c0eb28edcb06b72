// Package bench measures the whole offline-push path at scale: one IM group
// message from the built-in dispatcher to 100 000 background phones spread
// over the six Android vendors, through the real vendor clients, answered by
// the in-process emulators on a virtual clock (issue 5, "Speed").
//
// Fanout builds that world; BenchmarkGroupFanout100k (make bench) times one
// Send after an untimed first message (steady state) and reports the wall
// and CPU time, the collections and the vendor requests per message;
// BenchmarkFanoutVendor does the same per vendor. TestGroupFanout times a
// first message, small under -short and -race (PUSHSIM_FANOUT=100000 for
// the full size), and checks that every device ends in exactly one outcome
// and that the phones show the message.
//
//	go test -run '^$' -bench GroupFanout100k -benchtime 5x ./harness/bench
//	go test -run '^$' -bench GroupFanout100k -cpuprofile cpu.out ./harness/bench
//	go tool pprof -tagfocus phase=send harness/bench/bench.test cpu.out
package bench
