package oppo_test

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/dispatcher/oppo"
	"github.com/pushsim/pushsim/dispatcher/push"
)

// These specs drive many senders at once through one client: they share
// one sign-in (push.TokenCache) whether it succeeds, fails or replaces a
// token OPPO refused with 11 (vendor-facts §2.2, §2.4).
var _ = Describe("OPPO auth_token shared by concurrent senders", func() {
	const senders = 50
	var (
		fake    *fakeOPPO
		c       push.Client
		release chan struct{}
	)
	BeforeEach(func() {
		fake = &fakeOPPO{}
		release = make(chan struct{})
		now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		var err error
		c, err = oppo.New(cert, push.Options{HTTPClient: fake.install(cert.BaseURL), Now: func() time.Time { return now }})
		Expect(err).NotTo(HaveOccurred())
	})

	// sendAll sends one push to its own token from each of the senders,
	// holding the first sign-in until every sender has started and had
	// time to queue behind it.
	sendAll := func() []push.Result {
		out := make([]push.Result, senders)
		var started, done sync.WaitGroup
		for i := range senders {
			started.Add(1)
			done.Go(func() {
				started.Done()
				out[i] = c.Send(context.Background(), push.Push{ID: "m", Title: "t", Body: "b"}, []string{regID(i)})[0]
			})
		}
		started.Wait()
		time.Sleep(100 * time.Millisecond)
		close(release)
		done.Wait()
		return out
	}
	// slowAuth answers the first sign-in (after release) with body, later
	// ones at once with success.
	slowAuth := func(status int, body string) func() (int, string) {
		return func() (int, string) {
			if len(fake.auths) > 1 {
				fake.tokenSeq++
				return 200, `{"code":0,"data":{"auth_token":"tok-again"}}`
			}
			<-release
			return status, body
		}
	}

	It("signs in exactly once for 50 sends on a cold cache", func() {
		fake.authAnswer = slowAuth(200, `{"code":0,"message":"Success","data":{"auth_token":"tok-1"}}`)
		for i, r := range sendAll() {
			Expect(r.Kind).To(Equal(push.Sent), "sender %d: %+v", i, r)
		}
		Expect(fake.auths).To(HaveLen(1))
		Expect(fake.sends).To(HaveLen(senders))
		for _, s := range fake.sends {
			Expect(s.Form.Get("auth_token")).To(Equal("tok-1"))
		}
	})

	It("reports a refused sign-in to every sender with one auth call", func() {
		fake.authAnswer = slowAuth(200, `{"code":16,"message":"Invalid Signature"}`)
		for i, r := range sendAll() {
			Expect(r.Token).To(Equal(regID(i)))
			Expect(r.Kind).To(Equal(push.Rejected))
			Expect(r.Code).To(Equal("16"))
			Expect(r.Reason).To(Equal("auth: Invalid Signature"))
		}
		Expect(fake.auths).To(HaveLen(1))
		Expect(fake.sends).To(BeEmpty())
	})

	It("reports a failed sign-in as retryable to every sender, then signs in afresh", func() {
		fake.authAnswer = slowAuth(503, "busy")
		for _, r := range sendAll() {
			Expect(r.Kind).To(Equal(push.Retryable))
			Expect(r.Code).To(Equal("HTTP 503"))
		}
		Expect(fake.auths).To(HaveLen(1))
		r := c.Send(context.Background(), push.Push{ID: "m", Title: "t", Body: "b"}, []string{regID(1)})
		Expect(r[0].Kind).To(Equal(push.Sent))
		Expect(fake.auths).To(HaveLen(2))
	})

	It("replaces a token answered 11 once for all senders and resends each push once", func() {
		close(release)
		fake.sendAnswer = func(s sent) (int, string) {
			if s.Form.Get("auth_token") == "tok-1" {
				return 200, `{"code":11,"message":"Invalid AuthToken"}`
			}
			return 200, success(s)
		}
		var wg sync.WaitGroup
		out := make([]push.Result, senders)
		for i := range senders {
			wg.Go(func() {
				out[i] = c.Send(context.Background(), push.Push{ID: "m", Title: "t", Body: "b"}, []string{regID(i)})[0]
			})
		}
		wg.Wait()
		for _, r := range out {
			Expect(r.Kind).To(Equal(push.Sent))
		}
		Expect(fake.auths).To(HaveLen(2), "the first sign-in and one replacement")
		refused, accepted := map[string]int{}, map[string]int{}
		for _, s := range fake.sends {
			var m struct {
				Target string `json:"target_value"`
			}
			Expect(json.Unmarshal([]byte(s.Form.Get("message")), &m)).To(Succeed())
			target := m.Target
			if s.Form.Get("auth_token") == "tok-1" {
				refused[target]++
			} else {
				Expect(s.Form.Get("auth_token")).To(Equal("tok-2"))
				accepted[target]++
			}
		}
		Expect(refused).NotTo(BeEmpty())
		for i := range senders {
			Expect(refused[regID(i)]).To(BeNumerically("<=", 1), "a push is resent once at most")
			Expect(accepted[regID(i)]).To(Equal(1))
		}
	})
})
