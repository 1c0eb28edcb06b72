package dispatcher_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/dispatcher/push"
)

var _ = Describe("HTTP API", func() {
	var (
		r *rig
		h http.Handler
	)
	BeforeEach(func() {
		r = newRig()
		h = r.d.Handler()
	})
	do := func(method, path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	decodeTo := func(w *httptest.ResponseRecorder, v any) {
		ExpectWithOffset(1, json.Unmarshal(w.Body.Bytes(), v)).To(Succeed(), w.Body.String())
	}

	It("takes a user through login → token → background → message → logout → message", func() {
		Expect(do("POST", "/v1/login", `{"user":"alice","device":"phone"}`).Code).To(Equal(200))
		w := do("POST", "/v1/token", `{"user":"alice","device":"phone","business_id":1001,"token":"tokA"}`)
		Expect(w.Code).To(Equal(200))
		var dv dispatcher.Device
		decodeTo(w, &dv)
		Expect(dv.Token).To(Equal("tokA"))
		Expect(dv.State).To(Equal(dispatcher.Foreground))

		w = do("POST", "/v1/background", `{"user":"alice","device":"phone","unread":2}`)
		Expect(w.Code).To(Equal(200))
		decodeTo(w, &dv)
		Expect(dv.State).To(Equal(dispatcher.Background))
		Expect(dv.Unread).To(Equal(2))

		w = do("POST", "/v1/send", `{"id":"msg-1","from":"bob","from_name":"Bob","to":"alice","text":"hello","ext":"{\"a\":1}"}`)
		Expect(w.Code).To(Equal(200), w.Body.String())
		var sent struct {
			MessageID string               `json:"message_id"`
			Outcomes  []dispatcher.Outcome `json:"outcomes"`
		}
		decodeTo(w, &sent)
		Expect(sent.MessageID).To(Equal("msg-1"))
		Expect(sent.Outcomes).To(HaveLen(1))
		Expect(sent.Outcomes[0].Kind).To(Equal(push.Sent))
		Expect(sent.Outcomes[0].Badge).To(Equal(3))
		Expect(r.vendor.Calls()[0].Push.Ext).To(Equal(`{"a":1}`))

		Expect(do("POST", "/v1/logout", `{"user":"alice","device":"phone"}`).Code).To(Equal(200))
		w = do("POST", "/v1/send", `{"id":"msg-2","from":"bob","to":"alice","text":"again"}`)
		decodeTo(w, &sent)
		Expect(sent.Outcomes[0].Kind).To(Equal(push.Suppressed))
		Expect(sent.Outcomes[0].Reason).To(Equal("logged-out"))
		Expect(sent.Outcomes[0].Rule).To(Equal("im.logout.no-push"))

		w = do("GET", "/v1/outcomes?user=alice", "")
		Expect(w.Code).To(Equal(200))
		var list struct{ Outcomes []dispatcher.Outcome }
		decodeTo(w, &list)
		Expect(list.Outcomes).To(HaveLen(2))
		w = do("GET", "/v1/outcomes?message_id=msg-2&device=phone", "")
		decodeTo(w, &list)
		Expect(list.Outcomes).To(HaveLen(1))
		Expect(list.Outcomes[0].MessageID).To(Equal("msg-2"))
	})

	It("sends to a group and kicks over HTTP", func() {
		for _, u := range []string{"a", "b"} {
			do("POST", "/v1/login", `{"user":"`+u+`","device":"p"}`)
			do("POST", "/v1/token", `{"user":"`+u+`","device":"p","business_id":1002,"token":"t`+u+`"}`)
			do("POST", "/v1/background", `{"user":"`+u+`","device":"p"}`)
		}
		Expect(do("POST", "/v1/kick", `{"user":"b","device":"p"}`).Code).To(Equal(200))
		w := do("POST", "/v1/send", `{"from":"c","group":"g","group_name":"G","members":["a","b","c"],"type":"image"}`)
		var sent struct {
			MessageID string               `json:"message_id"`
			Outcomes  []dispatcher.Outcome `json:"outcomes"`
		}
		decodeTo(w, &sent)
		Expect(sent.MessageID).NotTo(BeEmpty())
		Expect(sent.Outcomes).To(HaveLen(2))
		Expect(sent.Outcomes[0].Kind).To(Equal(push.Sent))
		Expect(sent.Outcomes[1].Reason).To(Equal("kicked"))
		Expect(r.vendor.Calls()[0].Push.Title).To(Equal("G"))
		Expect(r.vendor.Calls()[0].Push.Body).To(Equal("[图片]"))
	})

	It("answers health with the certificates", func() {
		w := do("GET", "/v1/health", "")
		Expect(w.Code).To(Equal(200))
		var hl struct {
			Status       string
			Certificates []struct {
				BusinessID int `json:"business_id"`
				Vendor     string
			}
		}
		decodeTo(w, &hl)
		Expect(hl.Status).To(Equal("ok"))
		Expect(hl.Certificates).To(HaveLen(6))
		Expect(hl.Certificates[0].BusinessID).To(Equal(bidXiaomi))
	})

	DescribeTable("answers errors as problem+json",
		func(method, path, body string, status int, kind string) {
			w := do(method, path, body)
			Expect(w.Code).To(Equal(status), w.Body.String())
			Expect(w.Header().Get("Content-Type")).To(Equal("application/problem+json"))
			var p dispatcher.Problem
			decodeTo(w, &p)
			Expect(p.Type).To(Equal(dispatcher.ProblemTypePrefix + kind))
			Expect(p.Status).To(Equal(status))
			Expect(p.Detail).NotTo(BeEmpty())
		},
		Entry("bad JSON", "POST", "/v1/login", `{"user":`, 400, "bad-json"),
		Entry("two JSON values", "POST", "/v1/login", `{"user":"a","device":"b"} {}`, 400, "bad-json"),
		Entry("missing device", "POST", "/v1/login", `{"user":"a"}`, 400, "invalid-request"),
		Entry("unknown device", "POST", "/v1/foreground", `{"user":"a","device":"b"}`, 404, "unknown-device"),
		Entry("unknown certificate", "POST", "/v1/token", `{"user":"a","device":"b","business_id":5,"token":"t"}`, 400, "unknown-certificate"),
		Entry("invalid message", "POST", "/v1/send", `{"from":"a"}`, 400, "invalid-request"),
		Entry("wrong method", "GET", "/v1/send", ``, 405, "method-not-allowed"),
		Entry("unknown path", "GET", "/v2/nothing", ``, 404, "not-found"),
		Entry("oversized body", "POST", "/v1/send", `{"text":"`+strings.Repeat("x", 2<<20)+`"}`, 413, "too-large"),
	)

	It("says 409 for a device that is not logged in and for a reused message id", func() {
		do("POST", "/v1/login", `{"user":"a","device":"b"}`)
		do("POST", "/v1/logout", `{"user":"a","device":"b"}`)
		Expect(do("POST", "/v1/background", `{"user":"a","device":"b","unread":1}`).Code).To(Equal(409))
		Expect(do("POST", "/v1/send", `{"id":"x","from":"a","to":"b"}`).Code).To(Equal(200))
		Expect(do("POST", "/v1/send", `{"id":"x","from":"a","to":"b"}`).Code).To(Equal(409))
	})
})
