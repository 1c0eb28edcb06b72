package xiaomi_test

import (
	"net/url"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("Xiaomi revoke", func() {
	var x *apiWorld
	BeforeEach(func() { x = newAPIWorld() })

	send := func(to, title, notifyID string) {
		GinkgoHelper()
		f := url.Values{"registration_id": {to}, "title": {title}, "description": {"d"}, "extra.channel_id": {"high_im"}, "notify_id": {notifyID}}
		Expect(x.post("/v3/message/regid", f).Code).To(BeZero())
	}

	It("takes back the notification with that notify_id and leaves the others", func() {
		send(x.token("alice"), "oops", "7")
		send(x.token("alice"), "keep", "8")
		send(x.token("bob"), "bob's", "7")
		r := x.post("/v1/message/regid/revoke", url.Values{"registration_ids": {x.token("alice")}, "notify_id": {"7"}, "restricted_package_name": {x.app.Package}})
		Expect(r.Raw).To(MatchRegexp(`^\{"result":"ok","trace_id":"X[a-z]m51b\d{14}[A-Za-z]{2}","code":0,"description":"成功"\}$`))
		Expect(x.titles("alice")).To(Equal([]string{"keep"}))
		Expect(x.titles("bob")).To(Equal([]string{"bob's"}))
		e := x.lastRequest()
		Expect(e.Verdict).To(Equal(world.VerdictAccepted))
		Expect(e.Rule).To(Equal("xiaomi.revoke.notify-id"))
		s, _ := x.w.Shade("alice")
		Expect(s.Dropped[len(s.Dropped)-1].Title).To(Equal("oops"))
		Expect(s.Dropped[len(s.Dropped)-1].Rule).To(Equal("xiaomi.revoke.notify-id"))
		d := x.w.Ledger(world.Filter{Kind: world.KindDelivery, Rule: "xiaomi.revoke.notify-id"})
		Expect(d).To(HaveLen(1))
		Expect(d[0].Request).To(Equal(e.Seq))
	})

	It("reads repeated registration_ids keys (the Java SDK) and comma-joined ones", func() {
		send(x.token("alice"), "a", "1")
		send(x.token("bob"), "b", "1")
		f := url.Values{"registration_ids": {x.token("alice"), x.token("bob") + ",stale"}, "notify_id": {"1"}}
		r := x.post("/v1/message/regid/revoke", f)
		Expect(r.Code).To(BeZero(), r.Raw)
		Expect(r.Data["bad_regids"]).To(Equal("stale"))
		Expect(x.titles("alice")).To(BeEmpty())
		Expect(x.titles("bob")).To(BeEmpty())
	})

	It("revokes by alias, and what is still held for an offline phone", func() {
		_, err := x.w.UpdateDevice("alice", func(d *world.Device) { d.Offline = true })
		Expect(err).NotTo(HaveOccurred())
		send(x.token("alice"), "held", "3")
		Expect(x.post("/v1/message/alias/revoke", url.Values{"aliases": {"al"}, "notify_id": {"3"}}).Code).To(BeZero())
		_, err = x.w.UpdateDevice("alice", func(d *world.Device) { d.Offline = false })
		Expect(err).NotTo(HaveOccurred())
		x.clock.Advance(time.Second)
		x.w.Tick()
		Expect(x.titles("alice")).To(BeEmpty())
	})

	It("answers code 0 when nothing has that notify_id", func() {
		send(x.token("alice"), "a", "1")
		Expect(x.post("/v1/message/regid/revoke", url.Values{"registration_ids": {x.token("alice")}, "notify_id": {"2"}}).Code).To(BeZero())
		Expect(x.titles("alice")).To(Equal([]string{"a"}))
	})

	DescribeTable("refuses a revoke it cannot do",
		func(f url.Values, code int, rule string) {
			send(x.token("alice"), "a", "1")
			if f.Get("registration_ids") == "alice" {
				f.Set("registration_ids", x.token("alice"))
			}
			x.expectError(x.post("/v1/message/regid/revoke", f), code, rule)
			Expect(x.titles("alice")).To(Equal([]string{"a"}))
		},
		Entry("no notify_id", url.Values{"registration_ids": {"alice"}}, 10016, "xiaomi.revoke.notify-id"),
		Entry("a notify_id that is no number", url.Values{"registration_ids": {"alice"}, "notify_id": {"x"}}, 10017, "xiaomi.revoke.notify-id"),
		Entry("a notify_id over 2147483647", url.Values{"registration_ids": {"alice"}, "notify_id": {"2147483648"}}, 10017, "xiaomi.revoke.notify-id"),
		Entry("no registration_ids (registration_id is the send's)", url.Values{"registration_id": {"alice"}, "notify_id": {"1"}}, 10016, "xiaomi.targets.required"),
		Entry("no valid target", url.Values{"registration_ids": {"stale"}, "notify_id": {"1"}}, 20301, "xiaomi.targets.invalid"),
		Entry("another package", url.Values{"registration_ids": {"alice"}, "notify_id": {"1"}, "restricted_package_name": {"com.other"}}, 22022, "xiaomi.package.restricted"),
	)
})
