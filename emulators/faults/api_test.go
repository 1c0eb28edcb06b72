package faults_test

import (
	"encoding/json"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	. "github.com/onsi/gomega/gstruct"

	"github.com/pushsim/pushsim/emulators/faults"
)

var _ = Describe("the control plane's /_pushsim/faults", func() {
	It("adds, lists, shows and deletes rules, and reset clears them", func() {
		srv, _, _ := newToy(1)
		resp, b := control(srv, "POST", "/faults", `{"vendor":"toy","action":"vendor_code","code":"rate","times":2,"retry_after":"2s"}`)
		Expect(resp.StatusCode).To(Equal(http.StatusCreated), string(b))
		Expect(resp.Header.Get("Location")).To(Equal("/_pushsim/faults/f1"))
		var r faults.Rule
		Expect(json.Unmarshal(b, &r)).To(Succeed())
		Expect(r).To(MatchFields(IgnoreExtras, Fields{"ID": Equal("f1"), "Code": Equal("rate"), "Times": Equal(2)}))

		resp, b = control(srv, "POST", "/faults", `[{"action":"reset","share":0.5},{"id":"slow","action":"latency","latency":1.5}]`)
		Expect(resp.StatusCode).To(Equal(http.StatusCreated), string(b))
		var list []faults.Rule
		Expect(json.Unmarshal(b, &list)).To(Succeed())
		Expect(list).To(HaveLen(2))
		Expect(list[1].Latency).To(BeEquivalentTo(1500_000_000))

		_, b = control(srv, "GET", "/faults", nil)
		Expect(json.Unmarshal(b, &list)).To(Succeed())
		Expect(list).To(HaveLen(3))
		resp, b = control(srv, "GET", "/faults/slow", nil)
		Expect(resp.StatusCode).To(Equal(200))
		Expect(string(b)).To(ContainSubstring(`"latency": "1.5s"`))

		resp, _ = control(srv, "DELETE", "/faults/slow", nil)
		Expect(resp.StatusCode).To(Equal(http.StatusNoContent))
		resp, _ = control(srv, "DELETE", "/faults/slow", nil)
		Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
		Expect(srv.Faults().Len()).To(Equal(2))

		resp, _ = control(srv, "POST", "/reset", nil)
		Expect(resp.StatusCode).To(Equal(http.StatusNoContent))
		Expect(srv.Faults().Len()).To(BeZero())

		_, _ = control(srv, "POST", "/faults", `{"action":"reset"}`)
		resp, _ = control(srv, "DELETE", "/faults", nil)
		Expect(resp.StatusCode).To(Equal(http.StatusNoContent))
		Expect(srv.Faults().Len()).To(BeZero())
	})

	DescribeTable("answers a problem for a bad rule",
		func(body string, want string) {
			srv, _, _ := newToy(1)
			resp, b := control(srv, "POST", "/faults", body)
			Expect(resp.StatusCode).To(Equal(http.StatusBadRequest))
			Expect(resp.Header.Get("Content-Type")).To(Equal("application/problem+json"))
			Expect(string(b)).To(ContainSubstring(want))
			Expect(srv.Faults().Len()).To(BeZero())
		},
		Entry("unknown field", `{"action":"reset","bogus":1}`, "bogus"),
		Entry("unknown action", `{"action":"explode"}`, "action"),
		Entry("bad duration", `{"action":"latency","latency":"soon"}`, "duration"),
		Entry("wrong type", `{"action":"reset","times":"two"}`, "times"),
		Entry("empty list", `[]`, "no rules"),
		Entry("not JSON", `action=reset`, "JSON"),
	)
})

var _ = Describe("a rule in JSON", func() {
	It("takes a code as a number or a string and refuses unknown keys", func() {
		var r faults.Rule
		Expect(json.Unmarshal([]byte(`{"action":"vendor_code","code":-2}`), &r)).To(Succeed())
		Expect(r.Code).To(Equal("-2"))
		Expect(json.Unmarshal([]byte(`{"action":"vendor_code","code":"QUOTA_EXCEEDED"}`), &r)).To(Succeed())
		Expect(r.Code).To(Equal("QUOTA_EXCEEDED"))
		Expect(json.Unmarshal([]byte(`{"action":"reset","cod":1}`), &r)).To(MatchError(ContainSubstring("cod")))
		Expect(json.Unmarshal([]byte(`{"action":"vendor_code","code":[1]}`), &r)).To(HaveOccurred())
	})
})
