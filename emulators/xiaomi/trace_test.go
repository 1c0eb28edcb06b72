package xiaomi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

// statusReply is the answer of /v1/trace/message/status.
type statusReply struct {
	Result string `json:"result"`
	Code   int    `json:"code"`
	Data   struct {
		Data struct {
			ID              string `json:"id"`
			CreateTime      string `json:"create_time"`
			CreateTimestamp int64  `json:"create_timestamp"`
			TimeToLive      string `json:"time_to_live"`
			MsgType         string `json:"msg_type"`
			Resolved        int    `json:"resolved"`
			Delivered       int    `json:"delivered"`
			DeliveryRate    string `json:"delivery_rate"`
			Click           *int   `json:"click"`
			ClickRate       string `json:"click_rate"`
		} `json:"data"`
	} `json:"data"`
}

var _ = Describe("Xiaomi message status", func() {
	var x *apiWorld
	BeforeEach(func() { x = newAPIWorld() })

	status := func(q url.Values) statusReply {
		GinkgoHelper()
		code, raw := x.do(http.MethodGet, "/v1/trace/message/status", q)
		Expect(code).To(Equal(http.StatusOK))
		var out statusReply
		Expect(json.Unmarshal([]byte(raw), &out)).To(Succeed(), raw)
		Expect(out.Code).To(BeZero(), raw)
		return out
	}
	send := func(f url.Values) string {
		GinkgoHelper()
		r := x.post("/v3/message/regid", f)
		Expect(r.Code).To(BeZero(), r.Raw)
		return r.Data["id"]
	}
	message := func(to ...string) url.Values {
		return url.Values{"registration_id": to, "title": {"t"}, "description": {"d"}, "extra.channel_id": {"high_im"}, "extra.jobkey": {"b1"}}
	}

	It("counts the phones addressed and those that got the message, an offline one once it comes back", func() {
		_, err := x.w.UpdateDevice("bob", func(d *world.Device) { d.Offline = true })
		Expect(err).NotTo(HaveOccurred())
		id := send(message(x.token("alice"), x.token("bob")))
		s := status(url.Values{"msg_id": {id}})
		Expect(s.Result).To(Equal("ok"))
		d := s.Data.Data
		Expect(d.ID).To(Equal(id))
		Expect(d.MsgType).To(Equal("REGID"))
		Expect(d.CreateTime).To(Equal("2026-11-25 10:00:00"))
		Expect(d.CreateTimestamp).To(Equal(start.UnixMilli()))
		Expect(d.TimeToLive).To(Equal("864000000"), "private: at most 10 days")
		Expect([]int{d.Resolved, d.Delivered}).To(Equal([]int{2, 1}))
		Expect(d.DeliveryRate).To(Equal("50.00%"))
		Expect(d.Click).NotTo(BeNil())
		Expect(d.ClickRate).To(Equal("0.00%"))
		Expect(x.lastRequest().Rule).To(Equal("xiaomi.trace.status"))

		_, err = x.w.UpdateDevice("bob", func(d *world.Device) { d.Offline = false })
		Expect(err).NotTo(HaveOccurred())
		x.clock.Advance(time.Second)
		x.w.Tick()
		Expect(status(url.Values{"msg_id": {id}}).Data.Data.Delivered).To(Equal(2))
	})

	It("sums a batch by job_key, and knows topic and multi-message sends", func() {
		send(message(x.token("alice")))
		send(message(x.token("bob")))
		s := status(url.Values{"job_key": {"b1"}}).Data.Data
		Expect([]int{s.Resolved, s.Delivered}).To(Equal([]int{2, 2}))

		Expect(x.w.SubscribeTopic("alice", "news")).To(Succeed())
		r := x.post("/v3/message/topic", url.Values{"topic": {"news"}, "title": {"t"}, "description": {"d"}})
		Expect(status(url.Values{"msg_id": {r.Data["id"]}}).Data.Data.MsgType).To(Equal("TOPIC"))

		m := x.post("/v2/multi_messages/aliases", url.Values{"messages": {`[{"target":"al","message":{"title":"a","description":"d","extra":{"channel_id":"high_im"}}}]`}})
		Expect(m.Code).To(BeZero(), m.Raw)
		s = status(url.Values{"msg_id": {m.Data["id"]}}).Data.Data
		Expect([]any{s.MsgType, s.Resolved, s.Delivered}).To(Equal([]any{"ALIAS", 1, 1}))
	})

	DescribeTable("refuses",
		func(setup func(a *world.App), q url.Values, code int) {
			id := send(message(x.token("alice")))
			if q.Get("msg_id") == "sent" {
				q.Set("msg_id", id)
			}
			if setup != nil {
				a, _ := x.w.App("xiaomi", "chat")
				setup(a)
				Expect(x.w.UpdateApp(*a)).To(Succeed())
				status(url.Values{"msg_id": {id}}) // the first call of the second passes
			}
			_, raw := x.do(http.MethodGet, "/v1/trace/message/status", q)
			var r reply
			Expect(json.Unmarshal([]byte(raw), &r)).To(Succeed(), raw)
			r.Status, r.Raw = http.StatusOK, raw
			x.expectError(r, code, "xiaomi.trace.status")
		},
		Entry("no msg_id", nil, url.Values{}, 10016),
		Entry("an unknown msg_id", nil, url.Values{"msg_id": {"slm51b00000000000000xx"}}, 65028),
		Entry("a second call in a second over trace_qps 1", func(a *world.App) { a.Quotas = map[string]int{"trace_qps": 1} }, url.Values{"msg_id": {"sent"}}, 10039),
	)
	It("answers 10038 to an app that may not read trace data", func() {
		a, _ := x.w.App("xiaomi", "chat")
		a.Settings = map[string]string{"trace_forbidden": "true"}
		Expect(x.w.UpdateApp(*a)).To(Succeed())
		_, raw := x.do(http.MethodGet, "/v1/trace/message/status", url.Values{"msg_id": {"x"}})
		Expect(raw).To(ContainSubstring(`"code":10038`))
	})
	It("forgets a message once the world's ledger would have (LedgerCap)", func() {
		x = newAPIWorld(func(o *world.Options) { o.LedgerCap = 3 })
		first := send(message(x.token("alice")))
		for range 3 {
			send(message(x.token("alice")))
		}
		_, raw := x.do(http.MethodGet, "/v1/trace/message/status", url.Values{"msg_id": {first}})
		Expect(raw).To(ContainSubstring(`"code":65028`))
		Expect(status(url.Values{"job_key": {"b1"}}).Data.Data.Resolved).To(Equal(3))
	})
	It("keeps its records consistent under concurrent sends and status calls (run with -race)", func() {
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer GinkgoRecover()
				defer wg.Done()
				for range 20 {
					id := send(message(x.token("alice")))
					if i%2 == 0 {
						Expect(status(url.Values{"msg_id": {id}}).Data.Data.Resolved).To(Equal(1))
					} else {
						f := url.Values{"messages": {`[{"target":"al","message":{"title":"a","description":"d","extra":{"channel_id":"high_im"}}}]`}}
						Expect(x.post("/v2/multi_messages/aliases", f).Code).To(BeZero())
					}
				}
			}()
		}
		wg.Wait()
		Expect(status(url.Values{"job_key": {"b1"}}).Data.Data.Resolved).To(Equal(160))
	})
	It("does not show another app's message", func() {
		id := send(message(x.token("alice")))
		other, _ := x.w.App("xiaomi", "other")
		x.app = other
		_, raw := x.do(http.MethodGet, "/v1/trace/message/status", url.Values{"msg_id": {id}})
		Expect(raw).To(ContainSubstring(`"code":65028`))
	})
})
