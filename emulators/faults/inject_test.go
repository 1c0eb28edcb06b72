package faults_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	. "github.com/onsi/gomega/gstruct"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/faults"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("the injector, in memory", func() {
	var (
		srv   *emulators.Server
		clock *world.VirtualClock
		hits  interface{ Load() int32 }
		c     *http.Client
	)
	BeforeEach(func() {
		s, cl, h := newToy(1)
		srv, clock, hits, c = s, cl, h, s.Client()
	})
	add := func(r faults.Rule) {
		_, err := srv.Faults().Add(r)
		Expect(err).NotTo(HaveOccurred())
	}
	faultEntries := func() []world.Entry {
		return srv.World.Ledger(world.Filter{Rule: world.FaultRule("toy")})
	}

	It("passes every request to the vendor when no rule matches", func() {
		add(faults.Rule{Vendor: "other", Action: faults.Reset})
		resp, b, err := post(c, srv.URL(), "app=chat&token=a")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(200))
		Expect(string(b)).To(ContainSubstring(`"tokens":1`))
		Expect(hits.Load()).To(BeEquivalentTo(1))
		Expect(faultEntries()).To(BeEmpty())
	})

	It("answers a vendor code in the vendor's own shape, N times, and records it", func() {
		add(faults.Rule{ID: "busy", Vendor: "toy", Action: faults.VendorCode, Code: "-2", Times: 2, RetryAfter: faults.Duration(3 * time.Second)})
		for range 2 {
			resp, b, err := post(c, srv.URL(), "app=chat&token=a")
			Expect(err).NotTo(HaveOccurred())
			Expect(string(b)).To(Equal(`{"toy_error":"-2"}`))
			Expect(resp.Header.Get("Retry-After")).To(Equal("3"))
		}
		_, b, _ := post(c, srv.URL(), "app=chat&token=a")
		Expect(string(b)).To(ContainSubstring(`"code":0`), "the third request reaches the vendor")
		Expect(hits.Load()).To(BeEquivalentTo(1))
		es := faultEntries()
		Expect(es).To(HaveLen(2))
		Expect(es[0]).To(MatchFields(IgnoreExtras, Fields{
			"Kind": Equal(world.KindRequest), "Verdict": Equal(world.VerdictRejected), "Code": Equal("-2"),
			"App": Equal("chat"), "Tokens": Equal([]string{"a"}), "Reason": ContainSubstring("fault busy"),
		}))
		r, _ := srv.Faults().Rule("busy")
		Expect(r.Fired).To(Equal(2))
		Expect(r.Matched).To(Equal(3))
	})

	It("answers an HTTP status with Retry-After", func() {
		add(faults.Rule{Action: faults.HTTPStatus, Status: 429, RetryAfter: faults.Duration(1500 * time.Millisecond)})
		resp, _, err := post(c, srv.URL(), "app=chat&token=a")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(429))
		Expect(resp.Header.Get("Retry-After")).To(Equal("2"), "whole seconds, rounded up")
		Expect(hits.Load()).To(BeZero())
	})

	It("matches on app, token and path, and lets the first After requests through", func() {
		add(faults.Rule{App: "chat", Token: "BAD", Path: "/send", After: 1, Action: faults.HTTPStatus})
		status := func(form string) int {
			resp, _, err := post(c, srv.URL(), form)
			Expect(err).NotTo(HaveOccurred())
			return resp.StatusCode
		}
		Expect(status("app=chat&token=xBADx")).To(Equal(200), "after: 1")
		Expect(status("app=chat&token=xBADx")).To(Equal(503))
		Expect(status("app=other&token=xBADx")).To(Equal(200))
		Expect(status("app=chat&token=good")).To(Equal(200))
	})

	It("adds latency on the virtual clock, then lets the vendor answer", func() {
		add(faults.Rule{Action: faults.Latency, Latency: faults.Duration(5 * time.Second)})
		before := clock.Now()
		resp, _, err := post(c, srv.URL(), "app=chat&token=a")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(200))
		Expect(clock.Now().Sub(before)).To(Equal(5 * time.Second))
		Expect(hits.Load()).To(BeEquivalentTo(1))
		Expect(faultEntries()[0].Kind).To(Equal(world.KindFault))
	})

	It("hangs until the client's deadline: in memory the clock jumps there and the client times out at once", func() {
		add(faults.Rule{Action: faults.Hang})
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL()+"/toy/send", nil)
		began, before := time.Now(), clock.Now()
		_, err := c.Do(req)
		Expect(err).To(HaveOccurred())
		Expect(errors.Is(err, context.DeadlineExceeded)).To(BeTrue(), err.Error())
		var ne interface{ Timeout() bool }
		Expect(errors.As(err, &ne) && ne.Timeout()).To(BeTrue())
		Expect(time.Since(began)).To(BeNumerically("<", time.Second))
		Expect(clock.Now().Sub(before)).To(BeNumerically("~", 3*time.Second, 500*time.Millisecond))
		Expect(hits.Load()).To(BeZero())
	})

	It("resets the connection: the in-memory transport returns ECONNRESET", func() {
		add(faults.Rule{Action: faults.Reset})
		_, _, err := post(c, srv.URL(), "app=chat&token=a")
		Expect(errors.Is(err, syscall.ECONNRESET)).To(BeTrue(), "%v", err)
		Expect(hits.Load()).To(BeZero())
	})

	It("truncates the vendor's answer after the vendor handled the request", func() {
		add(faults.Rule{Action: faults.Truncated})
		resp, b, err := post(c, srv.URL(), "app=chat&token=a")
		Expect(errors.Is(err, io.ErrUnexpectedEOF)).To(BeTrue(), "%v", err)
		_ = resp
		Expect(hits.Load()).To(BeEquivalentTo(1))
		Expect(json.Valid(b)).To(BeFalse())
		Expect(srv.World.Ledger(world.Filter{Vendor: "toy", Verdict: world.VerdictAccepted, Kind: world.KindRequest})).To(HaveLen(1))
	})

	It("replaces the vendor's answer by a malformed body after the vendor handled the request", func() {
		add(faults.Rule{Action: faults.Malformed})
		resp, b, err := post(c, srv.URL(), "app=chat&token=a")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(200))
		Expect(json.Valid(b)).To(BeFalse())
		Expect(hits.Load()).To(BeEquivalentTo(1))
	})

	It("fires a share of requests drawn from the seed: the same seed hits the same requests", func() {
		pattern := func(seed uint64) []bool {
			s, _, _ := newToy(seed)
			_, err := s.Faults().Add(faults.Rule{Share: 0.2, Action: faults.HTTPStatus})
			Expect(err).NotTo(HaveOccurred())
			var out []bool
			for range 300 {
				resp, _, err := post(s.Client(), s.URL(), "app=chat&token=a")
				Expect(err).NotTo(HaveOccurred())
				out = append(out, resp.StatusCode == 503)
			}
			return out
		}
		a, b, other := pattern(7), pattern(7), pattern(8)
		Expect(a).To(Equal(b))
		Expect(a).NotTo(Equal(other))
		n := 0
		for _, hit := range a {
			if hit {
				n++
			}
		}
		Expect(n).To(BeNumerically("~", 60, 25))
	})

	It("answers a request carrying a QUOTA token over quota, and one carrying SLOW late", func() {
		_, b, err := post(c, srv.URL(), "app=chat&token=a,b-QUOTA-1")
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(Equal(`{"toy_error":"quota"}`))
		before := clock.Now()
		_, b, err = post(c, srv.URL(), "app=chat&token=SLOW-1")
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(ContainSubstring(`"code":0`))
		Expect(clock.Now().Sub(before)).To(Equal(2 * time.Second))
		Expect(faultEntries()).To(HaveLen(2))
		Expect(faultEntries()[0].Reason).To(ContainSubstring("magic token QUOTA"))
	})

	It("does not look for magic words outside the target tokens", func() {
		_, b, _ := post(c, srv.URL(), "app=chat&token=a&title=QUOTA+SLOW")
		Expect(string(b)).To(ContainSubstring(`"code":0`))
	})
})

var _ = Describe("the injector, on a real connection", func() {
	var srv *emulators.Server
	BeforeEach(func() {
		tb := &fakeT{}
		DeferCleanup(tb.cleanup)
		srv = emulators.Start(tb, emulators.Options{Vendors: []func(*world.World) world.Vendor{
			func(w *world.World) world.Vendor { return toy{w: w, hits: new(atomicInt)} },
		}})
	})
	add := func(r faults.Rule) {
		_, err := srv.Faults().Add(r)
		Expect(err).NotTo(HaveOccurred())
	}

	It("resets the connection", func() {
		add(faults.Rule{Action: faults.Reset})
		_, _, err := post(http.DefaultClient, srv.URL(), "app=chat&token=a")
		Expect(err).To(HaveOccurred())
	})

	It("cuts the answer off mid-body", func() {
		add(faults.Rule{Action: faults.Truncated})
		_, _, err := post(http.DefaultClient, srv.URL(), "app=chat&token=a")
		Expect(errors.Is(err, io.ErrUnexpectedEOF)).To(BeTrue(), "%v", err)
	})

	It("hangs until the client gives up", func() {
		add(faults.Rule{Action: faults.Hang})
		c := &http.Client{Timeout: 200 * time.Millisecond}
		began := time.Now()
		_, _, err := post(c, srv.URL(), "app=chat&token=a")
		Expect(err).To(HaveOccurred())
		Expect(time.Since(began)).To(BeNumerically(">=", 200*time.Millisecond))
	})

	It("adds real latency on a real clock", func() {
		add(faults.Rule{Action: faults.Latency, Latency: faults.Duration(150 * time.Millisecond)})
		began := time.Now()
		resp, _, err := post(http.DefaultClient, srv.URL(), "app=chat&token=a")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(200))
		Expect(time.Since(began)).To(BeNumerically(">=", 150*time.Millisecond))
	})
})
