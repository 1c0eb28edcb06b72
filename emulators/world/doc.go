// Package world holds what every vendor emulator shares: the clock, the
// developer console (apps, credentials, channels, privileges, quotas), the
// simulated phones with their shades, the quota counters and the ledger of
// every vendor request with its verdict.
//
// Vendor packages (emulators/xiaomi, emulators/huawei, ...) decode their wire
// protocol and then read and change the world only through this package, so
// every rule that depends on time, quotas or a phone's settings behaves the
// same way for every vendor. A World is safe for concurrent use.
package world
