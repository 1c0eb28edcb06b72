package dispatcher_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/dispatcher/push"
)

var _ = Describe("the per-vendor circuit breaker", func() {
	var (
		r    *rig
		down bool // Huawei answers every call retryable while down
	)
	BeforeEach(func() {
		down = true
		r = newRig(func(c *dispatcher.Config) {
			c.Circuit = dispatcher.CircuitPolicy{Failures: 3, Cooldown: 20 * time.Second, MaxCooldown: 50 * time.Second}
			c.Retry = dispatcher.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Second, MaxTotal: time.Minute, Jitter: -1}
		})
		r.vendor.answer = func(n int, c call, token string) push.Result {
			if c.BusinessID == bidHuawei && down {
				return push.Result{Kind: push.Retryable, Code: "HTTP 503", Reason: "Service Unavailable"}
			}
			return push.Result{Kind: push.Sent, Code: "0"}
		}
		r.away("alice", "alice-hw", bidHuawei, "hw-token", 0)
		r.away("bob", "bob-mi", bidXiaomi, "mi-token", 0)
	})
	state := func(vendor string) dispatcher.Circuit {
		for _, c := range r.d.Circuits() {
			if c.Vendor == vendor {
				return c
			}
		}
		Fail("no circuit for " + vendor)
		return dispatcher.Circuit{}
	}

	It("opens after failed calls in a row, pauses the vendor, probes it and closes; the other vendors go on", func() {
		o := only(r.send(dispatcher.Message{From: "carol", To: "alice", Text: "1"}))
		Expect(o.Kind).To(Equal(push.Failed))
		Expect(o.Rule).To(Equal(dispatcher.RuleRetryBackoff))
		Expect(state("huawei").State).To(Equal(dispatcher.CircuitClosed))
		Expect(state("huawei").Failures).To(Equal(2))

		// Third failed call in a row: open for 20s. The retry would wait
		// 1s, then the pause (20s fits the minute's budget), then probe.
		calls := len(r.vendor.CallsTo(bidHuawei))
		before := r.clock.Now()
		r.vendor.answer = func(n int, c call, token string) push.Result {
			if c.BusinessID == bidHuawei && len(r.vendor.CallsTo(bidHuawei)) <= calls+1 {
				return push.Result{Kind: push.Retryable, Code: "HTTP 503"}
			}
			return push.Result{Kind: push.Sent, Code: "0"}
		}
		o = only(r.send(dispatcher.Message{From: "carol", To: "alice", Text: "2"}))
		Expect(o.Kind).To(Equal(push.Sent))
		Expect(o.Attempts).To(Equal(2))
		Expect(o.Rule).To(Equal(dispatcher.RuleCircuit))
		Expect(o.Reason).To(ContainSubstring("circuit breaker paused it"))
		Expect(r.clock.Now().Sub(before)).To(BeNumerically(">=", 20*time.Second))
		c := state("huawei")
		Expect(c.State).To(Equal(dispatcher.CircuitClosed))
		Expect(c.Opened).To(Equal(1))
		Expect(c.Closed).To(Equal(1))
		Expect(c.Paused).To(Equal(1))

		Expect(only(r.send(dispatcher.Message{From: "carol", To: "bob", Text: "3"})).Kind).To(Equal(push.Sent))
		Expect(state("xiaomi").Opened).To(BeZero())
	})

	It("doubles the pause after a failed probe", func() {
		r.send(dispatcher.Message{From: "carol", To: "alice", Text: "1"}) // 2 failed calls
		r.send(dispatcher.Message{From: "carol", To: "alice", Text: "2"}) // opens (20s), probe fails: 40s
		c := state("huawei")
		Expect(c.State).To(Equal(dispatcher.CircuitOpen))
		Expect(c.Opened).To(Equal(1))
		Expect(c.Until.Sub(r.clock.Now())).To(Equal(40 * time.Second))
		Expect(only(r.send(dispatcher.Message{From: "carol", To: "bob", Text: "x"})).Kind).To(Equal(push.Sent), "xiaomi goes on")
		down = false
		o := only(r.send(dispatcher.Message{From: "carol", To: "alice", Text: "3"}))
		Expect(o.Kind).To(Equal(push.Sent))
		Expect(state("huawei").State).To(Equal(dispatcher.CircuitClosed))
	})

	It("refuses pushes whose budget ends before the probe, with the circuit's rule", func() {
		r = newRig(func(c *dispatcher.Config) {
			c.Circuit = dispatcher.CircuitPolicy{Failures: 1, Cooldown: 10 * time.Minute}
			c.Retry = dispatcher.RetryPolicy{MaxAttempts: 1, MaxTotal: time.Minute}
		})
		r.vendor.answer = func(n int, c call, token string) push.Result {
			return push.Result{Kind: push.Retryable, Code: "HTTP 503"}
		}
		r.away("alice", "alice-hw", bidHuawei, "hw-token", 0)
		Expect(only(r.send(dispatcher.Message{From: "carol", To: "alice", Text: "1"})).Rule).To(Equal(dispatcher.RuleRetryBackoff))
		calls := len(r.vendor.Calls())
		o := only(r.send(dispatcher.Message{From: "carol", To: "alice", Text: "2"}))
		Expect(o.Kind).To(Equal(push.Failed))
		Expect(o.Rule).To(Equal(dispatcher.RuleCircuit))
		Expect(o.Code).To(Equal("circuit-open"))
		Expect(o.Attempts).To(BeZero())
		Expect(r.vendor.Calls()).To(HaveLen(calls), "no call while open")
		Expect(state("huawei").Refused).To(Equal(1))
	})

	It("never opens with a negative threshold", func() {
		r = newRig(func(c *dispatcher.Config) { c.Circuit.Failures = -1 })
		r.vendor.answer = func(n int, c call, token string) push.Result { return push.Result{Kind: push.Retryable} }
		r.away("alice", "alice-hw", bidHuawei, "hw-token", 0)
		for range 5 {
			r.send(dispatcher.Message{From: "carol", To: "alice", Text: "x"})
		}
		Expect(state("huawei").State).To(Equal(dispatcher.CircuitClosed))
	})

	It("bounds a whole client Send even when the client ignores its own timeout", func() {
		r = newRig(func(c *dispatcher.Config) {
			c.Timeout = 10 * time.Millisecond
			c.Retry = dispatcher.RetryPolicy{MaxAttempts: 1}
			c.Clients["huawei"] = func(cert push.Certificate, _ push.Options) (push.Client, error) { return stuck{}, nil }
		})
		r.away("alice", "alice-hw", bidHuawei, "hw-token", 0)
		began := time.Now()
		o := only(r.send(dispatcher.Message{From: "carol", To: "alice", Text: "1"}))
		Expect(o.Kind).To(Equal(push.Failed))
		Expect(time.Since(began)).To(BeNumerically("<", 5*time.Second))
	})
})

// stuck is a client that waits for its context and answers retryable.
type stuck struct{}

func (stuck) Vendor() string { return "huawei" }
func (stuck) Send(ctx context.Context, _ push.Push, tokens []string) []push.Result {
	<-ctx.Done()
	out := make([]push.Result, len(tokens))
	for i, t := range tokens {
		out[i] = push.Result{Token: t, Kind: push.Retryable, Code: "transport", Reason: ctx.Err().Error()}
	}
	return out
}
