package huawei_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"time"

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

	// §1.2: the current CN doc lets the v1/v2 Authorization carry a
	// service-account JWT instead of an OAuth access token.
	Describe("a service-account JWT as the v1 bearer", func() {
		body := func(d world.Device) []byte {
			b, _ := json.Marshal(notify(toks(d), nil, nil))
			return b
		}

		It("is accepted for the app whose key signed it, and the phone shows the message", func() {
			r := f.sendRaw(f.app.ID, jwtFor(f.app, f.clock.Now(), nil, nil), body(alice))
			Expect(r).To(And(HaveField("Code", "80000000"), HaveField("Status", http.StatusOK)))
			Expect(f.shade(alice).Shown).To(HaveLen(1))
		})

		It("is refused with 80200001 when it does not verify, or belongs to another app", func() {
			other := f.addApp(world.App{Vendor: "huawei", Name: "other"})
			stranger, err := rsa.GenerateKey(rand.Reader, 2048)
			Expect(err).NotTo(HaveOccurred())
			forged := jwtFor(f.app, f.clock.Now(), stranger, nil)
			Expect(f.sendRaw(f.app.ID, forged, body(alice))).To(And(HaveField("Code", "80200001"), HaveField("Status", http.StatusUnauthorized)))
			Expect(f.sendRaw(f.app.ID, jwtFor(other, f.clock.Now(), nil, nil), body(alice)).Code).To(Equal("80200001"))
			Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleAuthJWT})).To(HaveLen(2))
			Expect(f.shade(alice).Shown).To(BeEmpty())
		})

		It("is refused with v1's 80200003 once expired", func() {
			jwt := jwtFor(f.app, f.clock.Now(), nil, nil)
			f.clock.Advance(time.Hour + time.Second)
			Expect(f.sendRaw(f.app.ID, jwt, body(alice)).Code).To(Equal("80200003"))
		})
	})

	// §1.1: POST /v2/{projectId}/messages:send is the multi-sender form of
	// the v1 send, with the same body, token and answers.
	Describe("the v2 send path", func() {
		post := func(path, bearer string, d world.Device) result {
			return f.postV3(path, bearer, "", notify(toks(d), nil, nil))
		}

		It("sends with the app's OAuth token to its project id", func() {
			r := post("/v2/"+f.app.Key+"/messages:send", f.accessToken(f.app), alice)
			Expect(r).To(And(HaveField("Code", "80000000"), HaveField("Status", http.StatusOK)))
			Expect(f.shade(alice).Shown).To(HaveLen(1))
		})

		It("answers v1's codes: no bearer 80200001, an unknown project 80300002", func() {
			Expect(post("/v2/"+f.app.Key+"/messages:send", "", alice).Code).To(Equal("80200001"))
			Expect(post("/v2/999999999/messages:send", f.accessToken(f.app), alice).Code).To(Equal("80300002"))
			Expect(f.shade(alice).Shown).To(BeEmpty())
		})
	})

	// §1.3 multi_lang_key: each key's value is an object of at most three
	// language entries (HW-JAVA).
	DescribeTable("checks multi_lang_key",
		func(mlk any, code string) {
			r := f.send(notify(toks(alice), nil, obj{"multi_lang_key": mlk}))
			Expect(r.Code).To(Equal(code))
		},
		Entry("three languages", obj{"title_key": obj{"en": "Hi", "zh": "你好", "fr": "Salut"}}, "80000000"),
		Entry("four languages", obj{"title_key": obj{"en": "Hi", "zh": "你好", "fr": "Salut", "de": "Hallo"}}, "80100001"),
		Entry("a value that is no object", obj{"title_key": "Hi"}, "80100001"),
	)

	// §1.3 light_settings: {color:{alpha,red,green,blue}, light_on_duration,
	// light_off_duration}, all required.
	DescribeTable("checks light_settings",
		func(color obj, code string) {
			ls := obj{"color": color, "light_on_duration": "3.5", "light_off_duration": "5S"}
			Expect(f.send(notify(toks(alice), nil, obj{"light_settings": ls})).Code).To(Equal(code))
		},
		Entry("all four color components", obj{"alpha": 0, "red": 0, "green": 1, "blue": 1}, "80000000"),
		Entry("no alpha", obj{"red": 0, "green": 1, "blue": 1}, "80100001"),
	)
})
