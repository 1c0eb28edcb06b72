package world

import (
	"sync"
	"time"
	_ "time/tzdata" // vendor-local midnights must work on machines without zoneinfo
)

// Clock is the only source of time for every rule in the emulators.
type Clock interface {
	Now() time.Time
}

// RealClock reads the wall clock.
type RealClock struct{}

// Now returns time.Now.
func (RealClock) Now() time.Time { return time.Now() }

// VirtualClock is a clock that only moves when told to. Tests and scenarios
// use it so that day rollovers, token expiry and TTLs happen instantly.
type VirtualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewVirtualClock returns a virtual clock set to start.
func NewVirtualClock(start time.Time) *VirtualClock { return &VirtualClock{now: start} }

// Now returns the clock's current time.
func (c *VirtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t (backwards too).
func (c *VirtualClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d and returns the new time.
func (c *VirtualClock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

// Shanghai is Asia/Shanghai, where the Chinese vendors' daily counters roll over.
var Shanghai = mustLoad("Asia/Shanghai")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("world: embedded tzdata lacks " + name + ": " + err.Error())
	}
	return loc
}

// DayStart returns vendor-local midnight of the day that contains t.
func DayStart(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// NextMidnight returns the next vendor-local midnight after t: when a daily counter resets.
func NextMidnight(t time.Time, loc *time.Location) time.Time {
	return DayStart(t, loc).AddDate(0, 0, 1)
}

// dayNumber identifies a vendor-local calendar day as a small integer, so
// counters key on it without formatting strings on the hot path.
func dayNumber(t time.Time, loc *time.Location) int32 {
	y, m, d := t.In(loc).Date()
	return int32(y*400 + int(m)*32 + d)
}
