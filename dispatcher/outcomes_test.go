package dispatcher_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/dispatcher/push"
)

var _ = Describe("Vendor outcomes", func() {
	It("removes a token the vendor calls invalid (im.token.invalid-removed)", func() {
		r := newRig()
		r.vendor.answer = func(_ int, _ call, tok string) push.Result {
			if tok == "dead" {
				return push.Result{Kind: push.Rejected, Code: "0", Reason: "listed in data.bad_regids", InvalidToken: true}
			}
			return push.Result{Kind: push.Sent, MessageID: "scm1"}
		}
		r.away("alice", "phone", bidXiaomi, "dead", 0)
		r.away("carol", "phone", bidXiaomi, "live", 0)
		outs := r.send(dispatcher.Message{From: "bob", Group: "g", Members: []string{"alice", "carol"}, Text: "hi"})
		Expect(outs[0].Kind).To(Equal(push.Rejected))
		Expect(outs[0].Rule).To(Equal(dispatcher.RuleInvalidToken))
		Expect(outs[0].Attempts).To(Equal(1))
		Expect(outs[1].Kind).To(Equal(push.Sent))
		Expect(outs[1].VendorMessageID).To(Equal("scm1"))

		dv, _ := r.d.Device("alice", "phone")
		Expect(dv.Token).To(BeEmpty())
		o := only(r.send(text("alice", "again")))
		Expect(o.Reason).To(Equal(dispatcher.ReasonNoToken))
		Expect(r.vendor.Calls()).To(HaveLen(1))
	})

	It("keeps a token reported again while the invalid answer was on its way", func() {
		r := newRig()
		r.vendor.answer = func(_ int, _ call, tok string) push.Result {
			Expect(r.d.ReportToken("alice", "phone", bidXiaomi, "fresh")).To(Succeed())
			return push.Result{Kind: push.Rejected, InvalidToken: true}
		}
		r.away("alice", "phone", bidXiaomi, "dead", 0)
		r.send(text("alice", "hi"))
		dv, _ := r.d.Device("alice", "phone")
		Expect(dv.Token).To(Equal("fresh"))
	})

	It("records an over-quota answer and does not retry it (im.quota.no-retry)", func() {
		r := newRig()
		r.vendor.answer = func(int, call, string) push.Result {
			return push.Result{Kind: push.OverQuota, Code: "200001", Reason: "exceed quota, quota: 1, have acked: 1"}
		}
		r.away("alice", "phone", bidXiaomi, "t", 0)
		o := only(r.send(text("alice", "hi")))
		Expect(o.Kind).To(Equal(push.OverQuota))
		Expect(o.Code).To(Equal("200001"))
		Expect(o.Rule).To(Equal(dispatcher.RuleQuotaNoRetry))
		Expect(r.vendor.Calls()).To(HaveLen(1))
		Expect(r.clock.Slept()).To(BeEmpty())
	})

	It("keeps a permanent rejection's code and reason", func() {
		r := newRig()
		r.vendor.answer = func(int, call, string) push.Result {
			return push.Result{Kind: push.Rejected, Code: "21301", Reason: "Invalid application secret."}
		}
		r.away("alice", "phone", bidXiaomi, "t", 0)
		o := only(r.send(text("alice", "hi")))
		Expect(o.Kind).To(Equal(push.Rejected))
		Expect(o.Code).To(Equal("21301"))
		Expect(o.Reason).To(Equal("Invalid application secret."))
		Expect(r.vendor.Calls()).To(HaveLen(1))
		dv, _ := r.d.Device("alice", "phone")
		Expect(dv.Token).To(Equal("t"), "a rejection that does not name the token keeps it")
	})
})

var _ = Describe("Retries (im.retry.backoff)", func() {
	flakyThen := func(r *rig, failures int, retryAfter time.Duration) {
		r.vendor.answer = func(n int, _ call, _ string) push.Result {
			if n <= failures {
				return push.Result{Kind: push.Retryable, Code: "HTTP 503", Reason: "Service Unavailable", RetryAfter: retryAfter}
			}
			return push.Result{Kind: push.Sent, MessageID: "ok"}
		}
	}

	It("retries with exponential backoff and the same push id, then records the success", func() {
		r := newRig()
		flakyThen(r, 2, 0)
		r.away("alice", "phone", bidXiaomi, "t", 0)
		o := only(r.send(text("alice", "hi")))
		Expect(o.Kind).To(Equal(push.Sent))
		Expect(o.Attempts).To(Equal(3))
		calls := r.vendor.Calls()
		Expect(calls).To(HaveLen(3))
		Expect(calls[1].Push.ID).To(Equal(calls[0].Push.ID))
		Expect(calls[2].Push).To(Equal(calls[0].Push))
		slept := r.clock.Slept()
		Expect(slept).To(HaveLen(2))
		Expect(slept[0]).To(BeNumerically("~", 500*time.Millisecond, 100*time.Millisecond))
		Expect(slept[1]).To(BeNumerically("~", time.Second, 200*time.Millisecond))
	})

	It("honours Retry-After, clamped to the longest single wait", func() {
		r := newRig(func(c *dispatcher.Config) { c.Retry.MaxDelay = 20 * time.Second })
		flakyThen(r, 1, 12*time.Second)
		r.away("alice", "phone", bidXiaomi, "t", 0)
		r.send(text("alice", "hi"))
		Expect(r.clock.Slept()).To(Equal([]time.Duration{12 * time.Second}))

		r = newRig(func(c *dispatcher.Config) { c.Retry.MaxDelay = 5 * time.Second })
		flakyThen(r, 1, time.Hour)
		r.away("alice", "phone", bidXiaomi, "t", 0)
		r.send(text("alice", "hi"))
		Expect(r.clock.Slept()).To(Equal([]time.Duration{5 * time.Second}))
	})

	It("gives up after MaxAttempts and records the last answer as failed", func() {
		r := newRig(func(c *dispatcher.Config) { c.Retry.MaxAttempts = 3 })
		flakyThen(r, 100, 0)
		r.away("alice", "phone", bidXiaomi, "t", 0)
		o := only(r.send(text("alice", "hi")))
		Expect(o.Kind).To(Equal(push.Failed))
		Expect(o.Attempts).To(Equal(3))
		Expect(o.Code).To(Equal("HTTP 503"))
		Expect(o.Rule).To(Equal(dispatcher.RuleRetryBackoff))
		Expect(o.Reason).To(ContainSubstring("gave up after 3 attempts"))
		Expect(r.vendor.Calls()).To(HaveLen(3))
	})

	It("gives up when the next wait would pass the total retry budget", func() {
		r := newRig(func(c *dispatcher.Config) {
			c.Retry = dispatcher.RetryPolicy{MaxAttempts: 10, BaseDelay: time.Second, MaxTotal: 4 * time.Second, Jitter: -1}
		})
		flakyThen(r, 100, 0)
		r.away("alice", "phone", bidXiaomi, "t", 0)
		o := only(r.send(text("alice", "hi")))
		Expect(o.Kind).To(Equal(push.Failed))
		// waits 1s and 2s (3s spent); the next 4s would end at 7s > 4s
		Expect(r.clock.Slept()).To(Equal([]time.Duration{time.Second, 2 * time.Second}))
		Expect(o.Attempts).To(Equal(3))
	})

	It("retries only the tokens that were retryable", func() {
		r := newRig()
		r.vendor.answer = func(n int, _ call, tok string) push.Result {
			if tok == "flaky" && n == 1 {
				return push.Result{Kind: push.Retryable}
			}
			return push.Result{Kind: push.Sent}
		}
		r.away("a", "p", bidXiaomi, "steady", 0)
		r.away("b", "p", bidXiaomi, "flaky", 0)
		outs := r.send(dispatcher.Message{From: "x", Group: "g", Members: []string{"a", "b"}, Text: "hi"})
		Expect(outs[0].Attempts).To(Equal(1))
		Expect(outs[1].Attempts).To(Equal(2))
		calls := r.vendor.Calls()
		Expect(calls).To(HaveLen(2))
		Expect(calls[1].Tokens).To(Equal([]string{"flaky"}))
	})

	It("draws the same jitter from the same seed", func() {
		waits := func(seed uint64) []time.Duration {
			r := newRig(func(c *dispatcher.Config) { c.Seed = seed; c.Retry.Jitter = 0.5 })
			flakyThen(r, 3, 0)
			r.away("alice", "phone", bidXiaomi, "t", 0)
			r.send(dispatcher.Message{ID: "fixed", From: "b", To: "alice", Text: "hi"})
			return r.clock.Slept()
		}
		Expect(waits(7)).To(Equal(waits(7)))
		Expect(waits(7)).NotTo(Equal(waits(8)))
	})

	It("still records an outcome for every device when the context ends", func() {
		r := newRig()
		flakyThen(r, 100, 0)
		r.away("alice", "phone", bidXiaomi, "t", 0)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		id, err := r.d.Send(ctx, text("alice", "hi"))
		Expect(err).NotTo(HaveOccurred())
		o := only(r.d.Outcomes(dispatcher.OutcomeFilter{MessageID: id}))
		Expect(o.Kind).To(Equal(push.Failed))
		Expect(o.Reason).To(ContainSubstring("abandoned"))
	})

	It("turns a client that forgets a token into a failed outcome, not a lost one", func() {
		r := newRig(func(c *dispatcher.Config) {
			c.Clients["xiaomi"] = func(push.Certificate, push.Options) (push.Client, error) { return forgetful{}, nil }
		})
		r.away("alice", "phone", bidXiaomi, "t", 0)
		o := only(r.send(text("alice", "hi")))
		Expect(o.Kind).To(Equal(push.Failed))
		Expect(o.Reason).To(ContainSubstring("no result"))
	})
})

type forgetful struct{}

func (forgetful) Vendor() string { return "xiaomi" }
func (forgetful) Send(context.Context, push.Push, []string) []push.Result {
	return nil
}

var _ = Describe("Pacing", func() {
	It("paces a vendor app's requests at its QPS on the dispatcher's clock", func() {
		r := newRig(func(c *dispatcher.Config) {
			c.VendorQPS = map[string]int{"meizu": 2}
			c.Concurrency = 1
		})
		members := make([]string, 500)
		for i := range members {
			members[i] = "u" + string(rune('A'+i/26)) + string(rune('a'+i%26))
			r.away(members[i], "p", bidMeizu, "t"+members[i], 0)
		}
		start := r.clock.Now()
		r.send(dispatcher.Message{From: "x", Group: "g", Members: members, Text: "hi"})
		Expect(r.vendor.Calls()).To(HaveLen(5))
		// a burst of 2, then one request every 500ms
		Expect(r.clock.Now().Sub(start)).To(BeNumerically("~", 1500*time.Millisecond, time.Millisecond))
	})

	It("does not pace a vendor whose QPS is negative", func() {
		r := newRig(func(c *dispatcher.Config) { c.VendorQPS = map[string]int{"fcm": -1} })
		members := make([]string, 50)
		for i := range members {
			members[i] = "u" + string(rune('A'+i))
			r.away(members[i], "p", bidFCM, "t"+members[i], 0)
		}
		r.send(dispatcher.Message{From: "x", Group: "g", Members: members, Text: "hi"})
		Expect(r.vendor.Calls()).To(HaveLen(50))
		Expect(r.clock.Slept()).To(BeEmpty())
	})
})
