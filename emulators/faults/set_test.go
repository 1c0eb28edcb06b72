package faults_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/faults"
)

var _ = Describe("a rule set", func() {
	It("names rules f1, f2, ... and keeps given ids", func() {
		s := faults.NewSet(1)
		got, err := s.Add(faults.Rule{Action: faults.Reset}, faults.Rule{ID: "busy", Action: faults.HTTPStatus})
		Expect(err).NotTo(HaveOccurred())
		Expect(got[0].ID).To(Equal("f1"))
		Expect(got[1].ID).To(Equal("busy"))
		Expect(got[1].Status).To(Equal(503), "http_status defaults to 503")
		_, err = s.Add(faults.Rule{ID: "busy", Action: faults.Reset})
		Expect(errors.Is(err, faults.ErrInvalid)).To(BeTrue())
		Expect(s.Rules()).To(HaveLen(2))
		Expect(s.Remove("f1")).To(BeTrue())
		Expect(s.Remove("f1")).To(BeFalse())
		s.Clear()
		Expect(s.Len()).To(BeZero())
	})

	DescribeTable("refuses a wrong rule and adds none of a list with one",
		func(r faults.Rule, want string) {
			s := faults.NewSet(1)
			_, err := s.Add(faults.Rule{Action: faults.Reset}, r)
			Expect(err).To(MatchError(ContainSubstring(want)))
			Expect(s.Len()).To(BeZero())
		},
		Entry("unknown action", faults.Rule{Action: "explode"}, "action"),
		Entry("share above 1", faults.Rule{Action: faults.Reset, Share: 1.5}, "share"),
		Entry("negative times", faults.Rule{Action: faults.Reset, Times: -1}, "times"),
		Entry("vendor_code without a code", faults.Rule{Action: faults.VendorCode}, "needs a code"),
		Entry("a status out of range", faults.Rule{Action: faults.HTTPStatus, Status: 99}, "status"),
		Entry("an id with a slash", faults.Rule{ID: "a/b", Action: faults.Reset}, "id"),
	)

	DescribeTable("globs cross slashes",
		func(pattern, s string, want bool) { Expect(faults.Glob(pattern, s)).To(Equal(want)) },
		Entry(nil, "/v3/message/*", "/v3/message/regid", true),
		Entry(nil, "*unicast*", "/server/v1/message/notification/unicast_batch", true),
		Entry(nil, "/message/send", "/message/send", true),
		Entry(nil, "/message/send", "/message/auth", false),
		Entry(nil, "/v?/message/regid", "/v3/message/regid", true),
		Entry(nil, "*/auth", "/server/v1/auth/x", false),
	)
})
