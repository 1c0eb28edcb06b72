package dispatcher

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// RuleCircuit: a vendor whose calls keep failing is paused, then probed
// with one call; the other vendors go on.
const RuleCircuit = "im.vendor.circuit"

// CircuitPolicy shapes the per-vendor circuit breaker. A call fails when
// every token of it was answered retryable (a transport error, a timeout,
// a 5xx, a rate or flow-control code); Failures failed calls in a row open
// the vendor's circuit: no call goes to it for Cooldown, then one probe
// does. A probe that goes through closes the circuit; one that fails opens
// it again for twice as long, up to MaxCooldown. Pushes that wait for an
// open circuit keep their retry budget (RetryPolicy.MaxTotal): one whose
// budget would run out before the probe ends failed with RuleCircuit.
type CircuitPolicy struct {
	Failures    int           // failed calls in a row that open the circuit (0 = 5; negative = never open)
	Cooldown    time.Duration // first pause (0 = 10s)
	MaxCooldown time.Duration // longest pause after failed probes (0 = 2m)
}

func (p CircuitPolicy) withDefaults() CircuitPolicy {
	if p.Failures == 0 {
		p.Failures = 5
	}
	if p.Cooldown <= 0 {
		p.Cooldown = 10 * time.Second
	}
	if p.MaxCooldown <= 0 {
		p.MaxCooldown = 2 * time.Minute
	}
	p.MaxCooldown = max(p.MaxCooldown, p.Cooldown)
	return p
}

// Circuit states.
const (
	CircuitClosed   = "closed"    // calls go through
	CircuitOpen     = "open"      // paused until Until
	CircuitHalfOpen = "half-open" // one probe call in flight
)

// Circuit is one vendor's circuit as Circuits reports it.
type Circuit struct {
	Vendor   string    `json:"vendor"`
	State    string    `json:"state"`
	Failures int       `json:"failures"`       // failed calls in a row
	Until    time.Time `json:"until,omitzero"` // an open circuit's end
	Opened   int       `json:"opened"`         // times it opened
	Closed   int       `json:"closed"`         // times a probe closed it
	Paused   int       `json:"paused"`         // calls that waited for it
	Refused  int       `json:"refused"`        // pushes failed because it stayed open
}

// circuit is one vendor's breaker, on the dispatcher's clock.
type circuit struct {
	pol   CircuitPolicy
	now   func() time.Time
	sleep func(context.Context, time.Duration) error

	mu       sync.Mutex
	st       Circuit
	cooldown time.Duration
	probe    chan struct{} // closed when the probe in flight ends
}

func newCircuit(vendor string, pol CircuitPolicy, now func() time.Time, sleep func(context.Context, time.Duration) error) *circuit {
	return &circuit{pol: pol, now: now, sleep: sleep, st: Circuit{Vendor: vendor, State: CircuitClosed}}
}

func (c *circuit) snapshot() Circuit {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.st
}

// errCircuit is a push the circuit kept from its vendor.
type errCircuit struct {
	vendor string
	until  time.Time
	why    string
}

func (e *errCircuit) Error() string {
	return fmt.Sprintf("the %s circuit is open (vendor paused after failing calls) until %s: %s", e.vendor, e.until.Format(time.RFC3339), e.why)
}

// admit waits until a call to the vendor may go: at once while the
// circuit is closed; after the pause while it is open (the first caller
// past it is the probe); after the probe while one is in flight. It gives
// up when the wait would pass deadline or ctx ends. paused tells whether
// the caller waited.
func (c *circuit) admit(ctx context.Context, deadline time.Time) (probe, paused bool, err error) {
	if c.pol.Failures < 0 {
		return false, false, nil
	}
	for {
		c.mu.Lock()
		now := c.now()
		switch c.st.State {
		case CircuitClosed:
			c.mu.Unlock()
			return false, paused, nil
		case CircuitOpen:
			if !now.Before(c.st.Until) {
				c.st.State = CircuitHalfOpen
				c.probe = make(chan struct{})
				c.mu.Unlock()
				return true, paused, nil
			}
			until := c.st.Until
			if until.After(deadline) {
				c.st.Refused++
				c.mu.Unlock()
				return false, paused, &errCircuit{c.st.Vendor, until, "the pause outlasts the retry budget"}
			}
			if !paused {
				c.st.Paused++
			}
			c.mu.Unlock()
			paused = true
			if err := c.sleep(ctx, until.Sub(now)); err != nil {
				return false, paused, &errCircuit{c.st.Vendor, until, err.Error()}
			}
		case CircuitHalfOpen:
			wait := c.probe
			if !paused {
				c.st.Paused++
			}
			c.mu.Unlock()
			paused = true
			select {
			case <-wait:
			case <-ctx.Done():
				return false, paused, &errCircuit{c.st.Vendor, now, ctx.Err().Error()}
			}
		}
	}
}

// done records how a call went: failed when every token was answered
// retryable.
func (c *circuit) done(probe, failed bool) {
	if c.pol.Failures < 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if probe {
		close(c.probe)
		c.probe = nil
		if failed {
			c.cooldown = min(2*c.cooldown, c.pol.MaxCooldown)
			c.st.State, c.st.Until = CircuitOpen, now.Add(c.cooldown)
			c.st.Failures++
			return
		}
		c.st.State, c.st.Until, c.st.Failures = CircuitClosed, time.Time{}, 0
		c.st.Closed++
		return
	}
	if !failed {
		c.st.Failures = 0
		return
	}
	c.st.Failures++
	if c.st.State == CircuitClosed && c.st.Failures >= c.pol.Failures {
		c.cooldown = c.pol.Cooldown
		c.st.State, c.st.Until = CircuitOpen, now.Add(c.cooldown)
		c.st.Opened++
	}
}

// allRetryable reports whether a call failed as a whole: no token got an
// answer other than retryable.
func allRetryable(rs []push.Result) bool {
	for i := range rs {
		if rs[i].Kind != push.Retryable {
			return false
		}
	}
	return true
}

// Circuits reports every vendor's circuit, in the order of Vendors.
func (d *Dispatcher) Circuits() []Circuit {
	var out []Circuit
	for _, v := range Vendors {
		if c := d.circuits[v]; c != nil {
			out = append(out, c.snapshot())
		}
	}
	for v, c := range d.circuits { // vendors outside the built-in table
		if _, ok := vendorTable[v]; !ok {
			out = append(out, c.snapshot())
		}
	}
	return out
}
