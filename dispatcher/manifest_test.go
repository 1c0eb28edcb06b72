package dispatcher_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/android"
	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/dispatcher/push"
)

var _ = Describe("a certificate loaded with the app's manifest", func() {
	// The TUIKitDemo manifest of the guide's step 3, next to the file.
	load := func(cert string) ([]push.Certificate, error) {
		dir := GinkgoT().TempDir()
		data, err := os.ReadFile("testdata/manifest/AndroidManifest.xml")
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(filepath.Join(dir, "AndroidManifest.xml"), data, 0o600)).To(Succeed())
		p := filepath.Join(dir, "certs.yaml")
		Expect(os.WriteFile(p, []byte(cert), 0o600)).To(Succeed())
		return dispatcher.LoadCertificates(p)
	}
	const pkg = "com.tencent.qcloud.tim.tuikit"
	const guide = "intent://com.tencent.qcloud/detail#Intent;scheme=pushscheme;launchFlags=0x4000000;component=com.tencent.qcloud.tim.tuikit/com.tencent.qcloud.tim.demo.main.MainActivity;end"
	creds := map[string]string{
		"xiaomi": "app_secret: s", "huawei": "app_id: a\n  app_secret: s", "oppo": "app_key: k\n  master_secret: m",
		"vivo": "app_id: a\n  app_key: k\n  app_secret: s", "meizu": "app_id: a\n  app_secret: s",
	}
	cert := func(vendor, click string) string {
		return "- business_id: 1\n  vendor: " + vendor + "\n  package: " + pkg + "\n  " + creds[vendor] + "\n  manifest: AndroidManifest.xml\n  click: " + click + "\n"
	}

	DescribeTable("loads the guide's configuration for every vendor",
		func(vendor, click string) {
			certs, err := load(cert(vendor, click))
			Expect(err).NotTo(HaveOccurred())
			Expect(certs[0].Manifest).To(HaveSuffix("AndroidManifest.xml"))
			Expect(filepath.IsAbs(certs[0].Manifest)).To(BeTrue())
		},
		Entry("Xiaomi intent URI", "xiaomi", `{type: intent, target: "`+guide+`"}`),
		Entry("Huawei intent URI", "huawei", `{type: intent, target: "`+guide+`"}`),
		Entry("vivo intent URI", "vivo", `{type: intent, target: "`+guide+`"}`),
		Entry("OPPO activity (activity:class)", "oppo", `{type: activity, target: "activity:com.tencent.qcloud.tim.demo.main.MainActivity"}`),
		Entry("OPPO activity as the guide writes it (activity：class, full-width colon)", "oppo", `{type: activity, target: "activity：com.tencent.qcloud.tim.demo.main.MainActivity"}`),
		Entry("Meizu activity", "meizu", `{type: activity, target: com.tencent.qcloud.tim.demo.main.MainActivity}`),
		Entry("Huawei launcher", "huawei", `{type: launcher}`),
		Entry("Xiaomi, a private activity its own SDK starts", "xiaomi", `{type: activity, target: com.tencent.qcloud.tim.demo.chat.ChatActivity}`),
	)

	DescribeTable("reports a click that would open nothing, naming the vendor, the value and the reason",
		func(vendor, click string, want ...string) {
			text := cert(vendor, click)
			_, err := load(text)
			Expect(err).To(HaveOccurred())
			var ce *dispatcher.CertError
			Expect(errors.As(err, &ce)).To(BeTrue())
			Expect(ce.Field).To(Equal("click"))
			Expect(ce.Line).To(Equal(strings.Count(text[:strings.Index(text, "click:")], "\n")+1), "the click line")
			for _, w := range want {
				Expect(err.Error()).To(ContainSubstring(w))
			}
		},
		Entry("Xiaomi, a scheme the manifest does not declare", "xiaomi", `{type: intent, target: "intent://com.tencent.qcloud/detail#Intent;scheme=pushschema;launchFlags=0x4000000;end"}`,
			"xiaomi click intent", "pushschema", `scheme "pushschema"`, android.RuleFilter),
		Entry("vivo, a path the filter does not list", "vivo", `{type: intent, target: "intent://com.tencent.qcloud/chat#Intent;scheme=pushscheme;end"}`,
			"vivo click intent", `path "/chat"`),
		Entry("OPPO, a class that is not declared", "oppo", `{type: activity, target: com.tencent.qcloud.tim.demo.MainActivity}`,
			"oppo click activity", "no activity com.tencent.qcloud.tim.demo.MainActivity", android.RuleComponent),
		Entry("Huawei, an activity that is not exported", "huawei", `{type: activity, target: com.tencent.qcloud.tim.demo.chat.ChatActivity}`,
			"huawei click activity", "not exported", android.RuleExported),
		Entry("Meizu, a relative class in another package", "meizu", `{type: activity, target: .main.MainActivity}`,
			"meizu click activity", "com.tencent.qcloud.tim.tuikit.main.MainActivity"),
	)

	It("says when the manifest cannot be read or is another app's", func() {
		_, err := load(strings.Replace(cert("huawei", "{type: launcher}"), "manifest: AndroidManifest.xml", "manifest: nope.xml", 1))
		Expect(err).To(MatchError(ContainSubstring("manifest: open")))
		_, err = load(strings.Replace(cert("huawei", "{type: launcher}"), "package: "+pkg, "package: com.example.chat", 1))
		Expect(err).To(MatchError(ContainSubstring("but the certificate's package is com.example.chat")))
	})

	It("checks a certificate in memory too (CheckClick)", func() {
		m, err := android.ReadManifest("testdata/manifest/AndroidManifest.xml")
		Expect(err).NotTo(HaveOccurred())
		c := push.Certificate{Vendor: "fcm", Package: pkg, Click: push.Click{Type: "activity", Target: "com.tencent.qcloud.tim.demo.main.MainActivity"}}
		err = dispatcher.CheckClick(c, m)
		var ce *dispatcher.ClickError
		Expect(errors.As(err, &ce)).To(BeTrue(), "FCM sends the class as click_action, an intent action no filter lists")
		Expect(ce.Launch.Rule).To(Equal(android.RuleFilter))
		c.Click = push.Click{}
		Expect(dispatcher.CheckClick(c, m)).To(Succeed(), "FCM without click_action opens the launcher")
	})
})
