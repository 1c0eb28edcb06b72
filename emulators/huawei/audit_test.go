package huawei_test

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/huawei"
	"github.com/pushsim/pushsim/emulators/world"
)

// Conformance points found in an audit against vendor-facts
// huawei-oppo-fcm-honor.md §1, each once wrong in the emulator.
var _ = Describe("v1 conformance", func() {
	var (
		f     *fixture
		alice world.Device
	)
	BeforeEach(func() {
		f = newFixture()
		alice = f.phone(f.app, "alice-phone")
	})

	// §1.3: title and body must be set in one of the two places only when
	// message.notification is present (HW-JAVA AndroidNotification.check).
	It("accepts an android.notification with a title and no body when message.notification is absent", func() {
		n := notify(toks(alice), nil, obj{"body": ""})
		n["message"].(obj)["android"].(obj)["notification"].(obj)["title"] = "Bob is here"
		delete(n["message"].(obj)["android"].(obj)["notification"].(obj), "body")
		r := f.send(n)
		Expect(r).To(And(HaveField("Code", "80000000"), HaveField("Status", http.StatusOK)))
	})

	It("still refuses a message.notification whose body is set nowhere", func() {
		body := obj{"message": obj{"notification": obj{"title": "T"},
			"android": obj{"category": "IM", "notification": obj{"click_action": obj{"type": 3}}}, "token": toks(alice)}}
		r := f.send(body)
		Expect(r.Code).To(Equal("80100001"))
		Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleMessageParams})).To(HaveLen(1))
	})
})
