package dispatcher_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/dispatcher/push"
)

var _ = Describe("Certificates", func() {
	write := func(body string) string {
		p := filepath.Join(GinkgoT().TempDir(), "certs.yaml")
		Expect(os.WriteFile(p, []byte(body), 0o600)).To(Succeed())
		return p
	}

	It("loads a YAML file with every vendor", func() {
		certs, err := dispatcher.LoadCertificates("testdata/certs.yaml")
		Expect(err).NotTo(HaveOccurred())
		Expect(certs).To(HaveLen(6))
		Expect(certs[0].Vendor).To(Equal("xiaomi"))
		Expect(certs[0].Click.Type).To(Equal("intent"))
		Expect(certs[0].Click.Target).To(HavePrefix("intent://com.example.chat/detail#Intent;"))
		Expect(certs[2].NotifyLevel).To(Equal(2))
		Expect(certs[3].Classification).To(Equal(1))
		Expect(certs[5].ServiceAccount).To(ContainSubstring(`"client_email"`), "read from the file next to it")
	})

	It("loads a JSON list", func() {
		certs, err := dispatcher.LoadCertificates("testdata/certs.json")
		Expect(err).NotTo(HaveOccurred())
		Expect(certs).To(Equal([]push.Certificate{{BusinessID: 7, Vendor: "xiaomi", AppSecret: "s", Package: "com.example.chat",
			Click: push.Click{Type: "url", Target: "https://example.com/open"}}}))
	})

	DescribeTable("names file, line and field of what is wrong",
		func(body, want string) {
			_, err := dispatcher.LoadCertificates(write(body))
			Expect(err).To(HaveOccurred())
			Expect(err.Error()).To(ContainSubstring(want))
			var ce *dispatcher.CertError
			Expect(errors.As(err, &ce)).To(BeTrue())
		},
		Entry("unknown vendor", "- business_id: 1\n  vendor: nokia\n", "certs.yaml:2: certificates[0]: vendor: unknown vendor \"nokia\""),
		Entry("missing secret", "- business_id: 1\n  vendor: xiaomi\n  package: p\n", "certs.yaml:1: certificates[0]: app_secret: required for xiaomi"),
		Entry("missing OPPO master secret", "certificates:\n  - business_id: 3\n    vendor: oppo\n    app_key: k\n", "certs.yaml:2: certificates[0]: master_secret: required for oppo"),
		Entry("malformed intent URI", "- business_id: 1\n  vendor: huawei\n  app_id: a\n  app_secret: s\n  click:\n    type: intent\n    target: \"pushscheme://x/y\"\n",
			"certs.yaml:5: certificates[0]: click: malformed intent URI"),
		Entry("intent URI without end", "- business_id: 1\n  vendor: vivo\n  app_id: a\n  app_key: k\n  app_secret: s\n  click: {type: intent, target: \"intent://h/p#Intent;scheme=s\"}\n",
			"click: malformed intent URI"),
		Entry("bad activity", "- business_id: 1\n  vendor: meizu\n  app_id: a\n  app_secret: s\n  click: {type: activity, target: \"not a class\"}\n", "is not a class name"),
		Entry("unknown click type", "- business_id: 1\n  vendor: meizu\n  app_id: a\n  app_secret: s\n  click: {type: teleport}\n", "unknown click type"),
		Entry("duplicate business id", "- {business_id: 1, vendor: meizu, app_id: a, app_secret: s}\n- business_id: 1\n  vendor: meizu\n  app_id: b\n  app_secret: t\n",
			"certs.yaml:2: certificates[1]: business_id: duplicate business_id 1 (also certificates[0])"),
		Entry("missing business id", "- {vendor: meizu, app_id: a, app_secret: s}\n", "business_id: must be a positive number"),
		Entry("unknown field", "- business_id: 1\n  vendor: meizu\n  app_id: a\n  app_secret: s\n  colour: red\n", "certs.yaml:5"),
		Entry("wrong type", "- business_id: one\n  vendor: meizu\n", "certs.yaml:1"),
		Entry("FCM key that is not JSON", "- {business_id: 1, vendor: fcm, project_id: p, service_account: '{nope'}\n", "service_account: not a service-account JSON key"),
		Entry("FCM key file missing", "- {business_id: 1, vendor: fcm, project_id: p, service_account: missing.json}\n", "service_account: open"),
		Entry("not a list", "business_id: 1\n", "unknown key \"business_id\""),
		Entry("syntax error", "- business_id: 1\n  vendor: [xiaomi\n", "certs.yaml:"),
		Entry("empty", "", "no certificates"),
		Entry("bad base URL", "- {business_id: 1, vendor: meizu, app_id: a, app_secret: s, base_url: 'ftp://x'}\n", "base_url: not an http(s) URL"),
		Entry("an intent action on Huawei", "- business_id: 1\n  vendor: huawei\n  app_id: a\n  app_secret: s\n  click: {type: action, target: com.example.OPEN}\n",
			"certs.yaml:5: certificates[0]: click: click type action is sent by the oppo client only (click_action_type 1"),
		Entry("an intent action on FCM", "- {business_id: 1, vendor: fcm, project_id: p, service_account: '{\"client_email\":\"a@b\",\"private_key\":\"k\"}', click: {type: action, target: OPEN}}\n",
			"for fcm use launcher, activity, intent or url"),
		Entry("a custom click on OPPO", "- {business_id: 1, vendor: oppo, app_key: k, master_secret: m, click: {type: custom, target: chat}}\n",
			"click type custom is sent by the vivo client only (skipType 3"),
		Entry("a custom click on Xiaomi", "- {business_id: 1, vendor: xiaomi, app_secret: s, package: p, click: {type: custom, target: chat}}\n", "for xiaomi use"),
		Entry("an OPPO action without a target", "- {business_id: 1, vendor: oppo, app_key: k, master_secret: m, click: {type: action}}\n", "click type action needs a target"),
		Entry("an OPPO action with a space", "- {business_id: 1, vendor: oppo, app_key: k, master_secret: m, click: {type: action, target: 'open chat'}}\n", "has a space in it"),
		Entry("an OPPO action over 500 characters", "- {business_id: 1, vendor: oppo, app_key: k, master_secret: m, click: {type: action, target: a"+strings.Repeat("b", 500)+"}}\n",
			"target is 501 characters, more than the 500 of click_action_type 1"),
		Entry("a vivo custom click without content", "- {business_id: 1, vendor: vivo, app_id: a, app_key: k, app_secret: s, click: {type: custom}}\n", "click type custom needs a target (skipType 3"),
		Entry("a vivo custom click over 1024 characters", "- {business_id: 1, vendor: vivo, app_id: a, app_key: k, app_secret: s, click: {type: custom, target: "+strings.Repeat("x", 1025)+"}}\n",
			"more than the 1024 of skipType 3"),
	)

	DescribeTable("accepts the click types each vendor's client sends",
		func(body string, want push.Click) {
			certs, err := dispatcher.LoadCertificates(write(body))
			Expect(err).NotTo(HaveOccurred())
			Expect(certs[0].Click).To(Equal(want))
		},
		Entry("OPPO click_action_type 1: an intent action", "- {business_id: 1, vendor: oppo, app_key: k, master_secret: m, click: {type: action, target: com.example.chat.OPEN}}\n",
			push.Click{Type: "action", Target: "com.example.chat.OPEN"}),
		Entry("vivo skipType 3: custom content", "- {business_id: 1, vendor: vivo, app_id: a, app_key: k, app_secret: s, click: {type: custom, target: 'chat?c=1'}}\n",
			push.Click{Type: "custom", Target: "chat?c=1"}),
		Entry("the guide's OPPO value, full-width colon", "- {business_id: 1, vendor: oppo, app_key: k, master_secret: m, click: {type: activity, target: 'activity：com.tencent.qcloud.tim.demo.main.MainActivity'}}\n",
			push.Click{Type: "activity", Target: "activity：com.tencent.qcloud.tim.demo.main.MainActivity"}),
		Entry("an activity: prefix", "- {business_id: 1, vendor: meizu, app_id: a, app_secret: s, click: {type: activity, target: 'activity:com.example.chat.Main'}}\n",
			push.Click{Type: "activity", Target: "activity:com.example.chat.Main"}),
	)

	It("checks certificates given to New for their vendor's click types too", func() {
		err := dispatcher.ValidateCertificates([]push.Certificate{
			{BusinessID: 1, Vendor: "oppo", AppKey: "k", MasterSecret: "m", Click: push.Click{Type: "action", Target: "com.example.chat.OPEN"}},
			{BusinessID: 2, Vendor: "meizu", AppID: "a", AppSecret: "s", Click: push.Click{Type: "action", Target: "com.example.chat.OPEN"}},
		})
		Expect(err).To(MatchError(ContainSubstring("certificates[1]: click: click type action is sent by the oppo client only")))
		Expect(err.Error()).NotTo(ContainSubstring("certificates[0]"))
	})

	It("reports every problem, not only the first", func() {
		_, err := dispatcher.LoadCertificates(write("- {business_id: 1, vendor: xiaomi}\n- {business_id: 2, vendor: oppo}\n"))
		Expect(err).To(HaveOccurred())
		lines := strings.Split(err.Error(), "\n")
		Expect(lines).To(HaveLen(4)) // xiaomi: app_secret, package; oppo: app_key, master_secret
	})

	It("says when the file is missing", func() {
		_, err := dispatcher.LoadCertificates("testdata/nope.yaml")
		Expect(err).To(MatchError(os.ErrNotExist))
	})

	It("validates certificates given to New the same way", func() {
		_, err := dispatcher.New(dispatcher.Config{Certificates: []push.Certificate{{BusinessID: 1, Vendor: "xiaomi", Package: "p"}}})
		Expect(err).To(MatchError(ContainSubstring("certificates[0]: app_secret: required for xiaomi")))
		_, err = dispatcher.New(dispatcher.Config{Certificates: []push.Certificate{
			{BusinessID: 1, Vendor: "xiaomi", AppSecret: "s", Package: "p"},
			{BusinessID: 1, Vendor: "xiaomi", AppSecret: "s", Package: "p"},
		}})
		Expect(err).To(MatchError(ContainSubstring("duplicate business_id 1")))
	})

	It("builds the real client of a registered vendor", func() {
		c, err := dispatcher.NewClient(push.Certificate{BusinessID: 1, Vendor: "xiaomi", AppSecret: "s", Package: "p"}, push.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Vendor()).To(Equal("xiaomi"))
		_, err = dispatcher.NewClient(push.Certificate{Vendor: "nokia"}, push.Options{})
		Expect(err).To(MatchError(dispatcher.ErrUnknownVendor))
	})
})
