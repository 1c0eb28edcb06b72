package vivo_test

import (
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("vivo list push", func() {
	var (
		f          *fixture
		alice, bob world.Device
		token      string
	)
	BeforeEach(func() {
		f = newFixture(nil)
		alice, bob = f.phone("alice-phone"), f.phone("bob-phone")
		token = f.token()
	})

	payload := func(requestID string) obj {
		m := msg("", requestID)
		delete(m, "regId")
		return m
	}
	save := func(requestID string) string {
		GinkgoHelper()
		a := f.post("/message/saveListPayload", token, payload(requestID))
		Expect(a.Result).To(Equal(0), a.Desc)
		Expect(a.TaskID).NotTo(BeEmpty())
		return a.TaskID
	}

	It("stores a payload and pushes its taskId to a list, listing unknown regIds in invalidUsers", func() {
		task := save("p1")
		unknown := f.v.NewToken(&f.app)
		a := f.post("/message/pushToList", token, obj{"regIds": []string{alice.Token, bob.Token, unknown, "short"}, "taskId": task, "requestId": "l1"})
		Expect(a.Result).To(Equal(0))
		Expect(a.TaskID).To(Equal(task))
		Expect(a.InvalidUsers).To(ConsistOf(invalid{Status: 1, UserID: unknown}, invalid{Status: 1, UserID: "short"}))
		for _, d := range []world.Device{alice, bob} {
			s := f.shade(d)
			Expect(s.Shown).To(HaveLen(1))
			Expect(s.Shown[0].MessageID).To(Equal(task))
			Expect(s.Shown[0].Click.Extras).To(HaveKeyWithValue("ext", `{"conv":"c_1"}`))
		}
		e := f.requests("/message/pushToList")
		Expect(e).To(HaveLen(1))
		Expect(e[0].Tokens).To(HaveLen(4))
		Expect(e[0].Reason).To(ContainSubstring("2 of 4 targets invalid"))
	})

	It("does not send a repeated pushToList requestId twice", func() {
		task := save("p1")
		body := obj{"regIds": []string{alice.Token, bob.Token}, "taskId": task, "requestId": "l1"}
		Expect(f.post("/message/pushToList", token, body).Result).To(Equal(0))
		Expect(f.post("/message/pushToList", token, body).Result).To(Equal(0))
		Expect(f.shade(alice).Shown).To(HaveLen(1))
		Expect(f.w.Ledger(world.Filter{Rule: "vivo.request.duplicate"})).To(HaveLen(1))
		body["requestId"] = "l2"
		f.post("/message/pushToList", token, body)
		Expect(f.shade(alice).Shown).To(HaveLen(2))
	})

	It("answers a repeated saveListPayload requestId with the first taskId", func() {
		Expect(save("p1")).To(Equal(save("p1")))
	})

	It("reaches aliases, regIds winning when both are sent", func() {
		task := save("p1")
		Expect(f.post("/message/pushToList", token, obj{"aliases": []string{"a", "b"}, "regIds": []string{alice.Token, bob.Token}, "taskId": task, "requestId": "l1"}).Result).To(Equal(0))
		Expect(f.shade(alice).Shown).To(HaveLen(1))
		a := f.post("/message/pushToList", token, obj{"aliases": []string{"a", "b"}, "taskId": task, "requestId": "l2"})
		Expect(a.Result).To(Equal(0))
		Expect(a.InvalidUsers).To(HaveLen(2))
	})

	DescribeTable("refuses bad list requests",
		func(body func(task string) obj, code int, desc string) {
			task := save("p1")
			a := f.post("/message/pushToList", token, body(task))
			Expect(a.Result).To(Equal(code))
			Expect(a.Desc).To(Equal(desc))
			Expect(f.shade(alice).Shown).To(BeEmpty())
		},
		Entry("no targets → 10150", func(t string) obj { return obj{"taskId": t, "requestId": "l1"} }, 10150, "aliases和regIds 不能同时为空"),
		Entry("no taskId → 10151", func(t string) obj { return obj{"regIds": []string{"a", "b"}, "requestId": "l1"} }, 10151, "taskId 不能为空"),
		Entry("unknown taskId → 10151", func(t string) obj { return obj{"regIds": []string{"a", "b"}, "taskId": "1", "requestId": "l1"} }, 10151, "taskId不合法"),
		Entry("one regId → 10153", func(t string) obj { return obj{"regIds": []string{"a"}, "taskId": t, "requestId": "l1"} }, 10153, "regIds不合法"),
		Entry("1001 regIds → 10153", func(t string) obj {
			ids := make([]string, 1001)
			for i := range ids {
				ids[i] = strconv.Itoa(i)
			}
			return obj{"regIds": ids, "taskId": t, "requestId": "l1"}
		}, 10153, "regIds不合法"),
		Entry("regIds not a list → 10153", func(t string) obj { return obj{"regIds": "a,b", "taskId": t, "requestId": "l1"} }, 10153, "regIds不合法"),
		Entry("one alias → 10154", func(t string) obj { return obj{"aliases": []string{"a"}, "taskId": t, "requestId": "l1"} }, 10154, "aliases不合法"),
		Entry("no requestId → 10352", func(t string) obj { return obj{"regIds": []string{"a", "b"}, "taskId": t} }, 10352, "requestId 不能为空"),
	)

	It("refuses a list payload with timeToLive under 900 seconds", func() {
		m := payload("p1")
		m["timeToLive"] = 600
		Expect(f.post("/message/saveListPayload", token, m).Result).To(Equal(10059))
	})

	It("does not let one app push another app's task", func() {
		task := save("p1")
		other := world.App{Vendor: "vivo", Name: "other"}
		f.v.DemoApp(&other)
		_, err := f.w.AddApp(other)
		Expect(err).NotTo(HaveOccurred())
		f.app = other
		t2 := f.token()
		Expect(f.post("/message/pushToList", t2, obj{"regIds": []string{alice.Token, bob.Token}, "taskId": task, "requestId": "l1"}).Result).To(Equal(10151))
	})

	It("caps saveListPayload calls with App.Quotas list_payloads_daily → 10252", func() {
		f = newFixture(func(a *world.App) { a.Quotas = map[string]int{"list_payloads_daily": 1} })
		token = f.token()
		save("p1")
		a := f.post("/message/saveListPayload", token, payload("p2"))
		Expect(a.Result).To(Equal(10252))
		Expect(a.Desc).To(Equal("批量发送消息体超出限制"))
	})

	It("applies the operation rules per phone and the app total to the whole list", func() {
		f = newFixture(func(a *world.App) { a.Quotas = map[string]int{"operation_daily": 3} })
		alice, bob = f.phone("alice-phone"), f.phone("bob-phone")
		token = f.token()
		m := operation("", "p1", "今日资讯")
		delete(m, "regId")
		a := f.post("/message/saveListPayload", token, m)
		Expect(a.Result).To(Equal(0))
		Expect(f.post("/message/pushToList", token, obj{"regIds": []string{alice.Token, bob.Token}, "taskId": a.TaskID, "requestId": "l1"}).Result).To(Equal(0))
		Expect(f.post("/message/pushToList", token, obj{"regIds": []string{alice.Token, bob.Token}, "taskId": a.TaskID, "requestId": "l2"}).Result).To(Equal(10070))
		Expect(f.post("/message/pushToList", token, obj{"regIds": []string{alice.Token, f.v.NewToken(&f.app)}, "taskId": a.TaskID, "requestId": "l3"}).Result).To(Equal(0), "one valid target fits the last unit of the total")
		Expect(f.shade(alice).Shown).To(HaveLen(1))
		Expect(f.shade(alice).Dropped).To(ConsistOf(HaveField("Rule", "vivo.content.duplicate")))
		f.set(time.Date(2026, 3, 11, 10, 0, 0, 0, world.Shanghai))
		Expect(f.post("/message/pushToList", f.token(), obj{"regIds": []string{alice.Token, bob.Token}, "taskId": a.TaskID, "requestId": "l4"}).Result).To(Equal(0))
		Expect(f.shade(alice).Shown).To(HaveLen(2), "a new day: the same content may be shown again")
	})

	It("refuses list pushes of an app under review", func() {
		f = newFixture(func(a *world.App) { a.Settings = map[string]string{"restricted": "true"} })
		token = f.token()
		Expect(f.post("/message/saveListPayload", token, payload("p1")).Result).To(Equal(10045))
	})
})

var _ = Describe("vivo routing", func() {
	It("answers paths it does not serve with 404", func() {
		f := newFixture(nil)
		resp, err := f.httpPost("/tagGroup/add")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(Equal(404))
		Expect(f.w.Ledger(world.Filter{Rule: "vivo.api.path"})).To(HaveLen(1))
	})
})
