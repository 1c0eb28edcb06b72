package huawei_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/huawei"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("HarmonyOS NEXT (v3)", func() {
	var (
		f     *fixture
		alice world.Device
	)
	BeforeEach(func() {
		f = newFixture()
		alice = f.harmony(f.app, "alice-phone")
	})

	Describe("the console app", func() {
		It("gets a project id (App.Key) and a service-account key file in Huawei's layout, the same for the same app", func() {
			Expect(f.app.Key).To(MatchRegexp(`^3\d{17}$`))
			m := sa(f.app)
			Expect(m).To(HaveKeyWithValue("project_id", f.app.Key))
			Expect(m).To(HaveKeyWithValue("token_uri", huawei.DocTokenURI))
			Expect(m).To(HaveKey("auth_uri"))
			Expect(m).To(HaveKey("auth_provider_cert_uri"))
			Expect(m["client_cert_uri"]).To(HaveSuffix(m["sub_account"]))
			Expect(m["key_id"]).To(MatchRegexp(`^[0-9a-f]{32}$`))
			Expect(m["private_key"]).To(HavePrefix("-----BEGIN PRIVATE KEY-----"))
			again := world.App{Name: "chat", ID: f.app.ID}
			f.v.DemoApp(&again)
			Expect(again.Key).To(Equal(f.app.Key))
			Expect(again.Extra).To(Equal(f.app.Extra))
		})

		It("keeps a key file the caller gave and takes the project id from it", func() {
			app := world.App{Name: "own", Extra: map[string]string{huawei.ExtraServiceAccount: `{"project_id":"99"}`}}
			f.v.DemoApp(&app)
			Expect(app.Key).To(Equal("99"))
			Expect(app.Extra[huawei.ExtraServiceAccount]).To(Equal(`{"project_id":"99"}`))
		})
	})

	It("answers 80000000 Success and the phone shows the notification, with clickAction.data for the app", func() {
		r := f.v3(f.app, "0", alert(toks(alice), obj{"clickAction": obj{"actionType": 1, "action": "com.example.chat.OPEN", "data": obj{"conv": "c1"}}}, nil))
		Expect(r).To(And(HaveField("Status", 200), HaveField("Code", "80000000"), HaveField("Msg", "Success")))
		Expect(r.RequestID).To(MatchRegexp(`^\d{24}$`))
		n := f.shade(alice).Shown[0]
		Expect(n).To(And(HaveField("Title", "Alice"), HaveField("Body", "hello"), HaveField("Class", world.ClassPrivate), HaveField("Sound", "default"), HaveField("Payload", `{"conv":"c1"}`)))
		Expect(n.Click).To(Equal(world.Click{Type: world.ClickAction, Target: "com.example.chat.OPEN", Extras: map[string]string{"conv": "c1"}}))
		Expect(f.w.Ledger(world.Filter{Kind: world.KindRequest, Rule: huawei.RuleV3Classify})).To(HaveLen(1))
	})

	DescribeTable("click actions",
		func(click obj, want world.Click) {
			f.v3(f.app, "0", alert(toks(alice), obj{"clickAction": click}, nil))
			Expect(f.shade(alice).Shown[0].Click).To(Equal(want))
		},
		Entry("0: the home ability", obj{"actionType": 0}, world.Click{Type: world.ClickLauncher}),
		Entry("1 by uri", obj{"actionType": 1, "uri": "https://example.com/x"}, world.Click{Type: world.ClickIntent, Target: "https://example.com/x"}),
		Entry("1 by action", obj{"actionType": 1, "action": "a.b"}, world.Click{Type: world.ClickAction, Target: "a.b"}),
	)

	Describe("authentication", func() {
		path := func() string { return "/v3/" + f.app.Key + "/messages:send" }
		body := func() obj { return alert(toks(alice), nil, nil) }

		DescribeTable("refuses what is not the app's service-account JWT with 80200001 (HTTP 401)",
			func(bearer func() string) {
				r := f.postV3(path(), bearer(), "0", body())
				Expect(r).To(And(HaveField("Code", "80200001"), HaveField("Status", http.StatusUnauthorized), HaveField("Msg", "Authentication Error")))
				Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleV3AuthJWT})).To(HaveLen(1))
				Expect(f.shade(alice).Shown).To(BeEmpty())
			},
			Entry("no bearer", func() string { return "" }),
			Entry("a v1 OAuth access token", func() string { return f.accessToken(f.app) }),
			Entry("RS256", func() string {
				return jwtFor(f.app, f.clock.Now(), nil, func(h, _ map[string]any) { h["alg"] = "RS256" })
			}),
			Entry("an unknown kid", func() string {
				return jwtFor(f.app, f.clock.Now(), nil, func(h, _ map[string]any) { h["kid"] = "nope" })
			}),
			Entry("another iss", func() string {
				return jwtFor(f.app, f.clock.Now(), nil, func(_, c map[string]any) { c["iss"] = "123" })
			}),
			Entry("another aud", func() string {
				return jwtFor(f.app, f.clock.Now(), nil, func(_, c map[string]any) { c["aud"] = "https://example.com/token" })
			}),
			Entry("another key", func() string {
				k, err := rsa.GenerateKey(rand.Reader, 2048)
				Expect(err).NotTo(HaveOccurred())
				return jwtFor(f.app, f.clock.Now(), k, nil)
			}),
		)

		It("accepts the aud of a key file pointed at pushsim, and an aud list", func() {
			for _, aud := range []any{"http://127.0.0.1:4800/huawei/oauth2/v3/token", []string{"x", huawei.DocTokenURI}} {
				j := jwtFor(f.app, f.clock.Now(), nil, func(_, c map[string]any) { c["aud"] = aud })
				Expect(f.postV3(path(), j, "0", body()).Code).To(Equal("80000000"))
			}
		})

		It("refuses a JWT of another project with 80200001", func() {
			other := f.addApp(world.App{Name: "other"})
			r := f.postV3(path(), jwtFor(other, f.clock.Now(), nil, nil), "0", body())
			Expect(r.Code).To(Equal("80200001"))
			Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleV3AuthProject})).To(HaveLen(1))
		})

		It("refuses an expired JWT with 80200005 and one valid for more than a day with 80300036", func() {
			j := jwtFor(f.app, f.clock.Now(), nil, nil)
			f.clock.Advance(time.Hour)
			r := f.postV3(path(), j, "0", body())
			Expect(r).To(And(HaveField("Code", "80200005"), HaveField("Status", http.StatusUnauthorized)))
			long := jwtFor(f.app, f.clock.Now(), nil, func(_, c map[string]any) { c["exp"] = f.clock.Now().Add(25 * time.Hour).Unix() })
			Expect(f.postV3(path(), long, "0", body()).Code).To(Equal("80300036"))
			Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleV3AuthExpired})).To(HaveLen(1))
			Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleV3AuthLifetime})).To(HaveLen(1))
		})

		It("refuses an app with Push Kit off with 80300002", func() {
			f.update("chat", func(a *world.App) { a.Settings = map[string]string{"push_enabled": "false"} })
			Expect(f.v3(f.app, "0", body()).Code).To(Equal("80300002"))
			Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleV3AppPermission})).To(HaveLen(1))
		})
	})

	DescribeTable("refuses a missing or unknown push-type with 80100001",
		func(pt string) {
			r := f.postV3("/v3/"+f.app.Key+"/messages:send", jwtFor(f.app, f.clock.Now(), nil, nil), pt, alert(toks(alice), nil, nil))
			Expect(r.Code).To(Equal("80100001"))
			Expect(r.Msg).To(HavePrefix("Check Parameter Error, "))
			Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleV3PushType})).To(HaveLen(1))
		},
		Entry("missing", ""), Entry("3", "3"), Entry("text", "alert"),
	)

	DescribeTable("refuses an illegal payload with 80100003 and tips",
		func(pt string, body obj, tips string) {
			r := f.v3(f.app, pt, body)
			Expect(r.Code).To(Equal("80100003"))
			Expect(r.Msg).To(Equal("Illegal payload, " + tips))
			Expect(f.shade(alice).Shown).To(BeEmpty())
		},
		Entry("no payload", "0", obj{"target": obj{"token": []string{"t"}}}, "payload is required"),
		Entry("no category", "0", alert([]string{"t"}, obj{"category": ""}, nil), "category is required"),
		Entry("unknown category", "0", alert([]string{"t"}, obj{"category": "CHAT"}, nil), `category "CHAT" is not a category`),
		Entry("no title", "0", alert([]string{"t"}, obj{"title": ""}, nil), "title is required"),
		Entry("no clickAction", "0", alert([]string{"t"}, obj{"clickAction": nil}, nil), "clickAction is required"),
		Entry("actionType 1 without action or uri", "0", alert([]string{"t"}, obj{"clickAction": obj{"actionType": 1}}, nil), "clickAction.actionType 1 needs action or uri"),
		Entry("badge addNum 0", "0", alert([]string{"t"}, obj{"badge": obj{"addNum": 0}}, nil), "badge addNum value ranges from 1 to 99"),
		Entry("http image", "0", alert([]string{"t"}, obj{"image": "http://x"}, nil), "image must be an https url"),
		Entry("style 3 without lines", "0", alert([]string{"t"}, obj{"style": 3}, nil), "style 3 needs 1 to 5 inboxContent lines"),
		Entry("background without extraData", "6", obj{"payload": obj{}, "target": obj{"token": []string{"t"}}}, "payload.extraData is required for push-type 6"),
		Entry("a field of the wrong type", "0", alert([]string{"t"}, obj{"title": 5}, nil), "field payload.notification.title must be string, not number"),
		Entry("widget without names", "1", obj{"payload": obj{"formId": 1}, "target": obj{"token": []string{"t"}}}, "moduleName, formName and abilityName are required"),
	)

	DescribeTable("checks pushOptions with 80100001",
		func(pt string, body obj) {
			r := f.v3(f.app, pt, body)
			Expect(r.Code).To(Equal("80100001"))
			Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleV3Options})).To(HaveLen(1))
		},
		Entry("ttl over 15 days", "0", alert(toks(alice), nil, obj{"ttl": 1296001})),
		Entry("collapseKey 101", "0", alert(toks(alice), nil, obj{"collapseKey": 101})),
		Entry("collapseKey on a background message", "6", obj{"payload": obj{"extraData": "x"}, "target": obj{"token": []string{"t"}}, "pushOptions": obj{"collapseKey": 1}}),
		Entry("a long biTag", "0", alert(toks(alice), nil, obj{"biTag": strings.Repeat("b", 65)})),
	)

	It("counts tokens: 1 to 1000, exactly 1 for a widget (80300010)", func() {
		Expect(f.v3(f.app, "0", alert(nil, nil, nil)).Code).To(Equal("80300010"))
		many := make([]string, 1001)
		for i := range many {
			many[i] = fmt.Sprint("t", i)
		}
		Expect(f.v3(f.app, "0", alert(many, nil, nil)).Code).To(Equal("80300010"))
		widget := obj{"payload": obj{"formId": 1, "moduleName": "m", "formName": "f", "abilityName": "a", "formData": obj{"k": 1}},
			"target": obj{"token": []string{alice.Token, "t2"}}}
		r := f.v3(f.app, "1", widget)
		Expect(r.Code).To(Equal("80300010"))
		Expect(r.Msg).To(Equal("token count should within 1 and 1000"))
		Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleV3TokenCount})).To(HaveLen(3))
	})

	It("refuses a message over 4096 bytes without its tokens (80300008)", func() {
		Expect(f.v3(f.app, "0", alert(toks(alice), obj{"body": strings.Repeat("x", 4100)}, nil)).Code).To(Equal("80300008"))
	})

	Describe("test messages", func() {
		It("carry at most 10 tokens (80300030), a project sends 1000 a day (80300029), and no marketing cap applies", func() {
			eleven := make([]string, 11)
			for i := range eleven {
				eleven[i] = fmt.Sprint("t", i)
			}
			Expect(f.v3(f.app, "0", alert(eleven, nil, obj{"testMessage": true})).Code).To(Equal("80300030"))
			f.update("chat", func(a *world.App) { a.Quotas = map[string]int{"v3_test_daily": 3} })
			for i := 0; i < 3; i++ {
				Expect(f.v3(f.app, "0", alert(toks(alice), obj{"category": "MARKETING"}, obj{"testMessage": true})).Code).To(Equal("80000000"))
			}
			Expect(f.shade(alice).Shown).To(HaveLen(3))
			Expect(f.v3(f.app, "0", alert(toks(alice), nil, obj{"testMessage": true})).Code).To(Equal("80300029"))
			Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleV3TestMessage})).To(HaveLen(2))
		})
	})

	Describe("tokens and platforms", func() {
		It("fails an Android phone's token in v3 with noRight, and a HarmonyOS token in v1 as illegal", func() {
			bob := f.phone(f.app, "bob-phone") // Android
			r := f.v3(f.app, "0", alert(toks(bob), nil, nil))
			Expect(r.Code).To(Equal("80300007"))
			Expect(r.Msg).To(MatchJSON(`{"illegalTokens":{"noRight":["` + bob.Token + `"]},"failure":1}`))
			Expect(f.send(notify(toks(alice), nil, nil)).Code).To(Equal("80300007"))
			Expect(f.shade(alice).Shown).To(BeEmpty())
			Expect(f.shade(bob).Shown).To(BeEmpty())
			Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleV3AllInvalid})).To(HaveLen(1))
		})

		It("delivers to the good tokens with 80100000 and the failures by reason in msg", func() {
			other := f.addApp(world.App{Name: "other"})
			carol := f.harmony(other, "carol-phone")
			r := f.v3(f.app, "0", alert([]string{alice.Token, carol.Token, "bogus", alice.Token}, nil, nil))
			Expect(r).To(And(HaveField("Code", "80100000"), HaveField("Status", 200)))
			Expect(r.Msg).To(MatchJSON(`{"illegalTokens":{"noRight":["` + carol.Token + `"],"tokenFormatError":["bogus"]},"failure":2}`))
			Expect(f.shade(alice).Shown).To(HaveLen(1))
			Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleV3Partial})).To(HaveLen(1))
		})
	})

	Describe("push types", func() {
		It("needs the scene's right for VoIP, extension and live view (noPushTypeRight)", func() {
			voip := obj{"payload": obj{"extraData": `{"call":"c1"}`}, "target": obj{"token": toks(alice)}}
			r := f.v3(f.app, "10", voip)
			Expect(r.Code).To(Equal("80300007"))
			Expect(r.Msg).To(ContainSubstring("noPushTypeRight"))
			f.update("chat", func(a *world.App) { a.Privileges = append(a.Privileges, huawei.PrivVoIPCall) })
			Expect(f.v3(f.app, "10", voip).Code).To(Equal("80000000"))
			s := f.shade(alice)
			Expect(s.Shown).To(BeEmpty())
			Expect(s.Inbox).To(ConsistOf(HaveField("Payload", `{"call":"c1"}`)))
			Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleV3VoIP})).To(HaveLen(1))
		})

		It("sends PLAY_VOICE only with push-type 2 and shows the extension message with its extraData", func() {
			body := obj{"payload": obj{"extraData": "voice", "notification": obj{"category": "PLAY_VOICE", "title": "Pay", "body": "100", "clickAction": obj{"actionType": 0}}},
				"target": obj{"token": toks(alice)}}
			r := f.v3(f.app, "0", body)
			Expect(r.Code).To(Equal("80300007"))
			Expect(r.Msg).To(ContainSubstring("notSupportPlayVoice"))
			f.update("chat", func(a *world.App) { a.Privileges = append(a.Privileges, huawei.PrivVoiceBroadcast) })
			Expect(f.v3(f.app, "2", body).Code).To(Equal("80000000"))
			Expect(f.shade(alice).Shown).To(ConsistOf(And(HaveField("Title", "Pay"), HaveField("Payload", "voice"))))
		})

		It("hands a background message to the app and shows nothing", func() {
			Expect(f.v3(f.app, "6", obj{"payload": obj{"extraData": "sync"}, "target": obj{"token": toks(alice)}}).Code).To(Equal("80000000"))
			s := f.shade(alice)
			Expect(s.Shown).To(BeEmpty())
			Expect(s.Inbox).To(ConsistOf(And(HaveField("Payload", "sync"), HaveField("PassThrough", true))))
		})

		It("hands a widget update's formData to the app", func() {
			widget := obj{"payload": obj{"formId": 7, "version": 1, "moduleName": "m", "formName": "f", "abilityName": "a", "formData": obj{"temp": "20"}},
				"target": obj{"token": toks(alice)}}
			Expect(f.v3(f.app, "1", widget).Code).To(Equal("80000000"))
			Expect(f.shade(alice).Inbox).To(ConsistOf(HaveField("Extras", map[string]string{"temp": "20"})))
		})

		It("shows a live view and replaces it on update", func() {
			f.update("chat", func(a *world.App) { a.Privileges = append(a.Privileges, huawei.PrivLiveView) })
			live := func(op int, title string) obj {
				return obj{"payload": obj{"activityId": 1, "operation": op, "event": "TAXI", "activityData": obj{"notificationData": obj{
					"type": 3, "contentTitle": title, "contentText": []obj{{"text": "1.2 km"}, {"text": " | 5 min"}}, "clickAction": obj{"actionType": 0}}}},
					"target": obj{"token": toks(alice)}}
			}
			Expect(f.v3(f.app, "7", live(0, "Driver on the way")).Code).To(Equal("80000000"))
			Expect(f.v3(f.app, "7", live(1, "Driver arrived")).Code).To(Equal("80000000"))
			Expect(f.shade(alice).Shown).To(ConsistOf(And(HaveField("Title", "Driver arrived"), HaveField("Body", "1.2 km | 5 min"))))
		})
	})

	Describe("classification", func() {
		It("shows MARKETING silently, 2 a day, and treats a service category without the right as marketing", func() {
			for i := 0; i < 3; i++ {
				f.v3(f.app, "0", alert(toks(alice), obj{"category": "MARKETING"}, nil))
			}
			s := f.shade(alice)
			Expect(s.Shown).To(HaveLen(2))
			Expect(s.Shown[0]).To(And(HaveField("Class", world.ClassPublic), HaveField("Silent", true)))
			Expect(s.Dropped).To(ConsistOf(HaveField("Rule", huawei.RuleMarketingCap)))
			plain := f.addApp(world.App{Name: "plain", Privileges: []string{}})
			bob := f.harmony(plain, "bob-phone")
			f.v3(plain, "0", alert(toks(bob), nil, nil))
			Expect(f.shade(bob).Shown[0].Class).To(Equal(world.ClassPublic))
		})
	})

	Describe("badge", func() {
		It("sets and adds with a notification, and a badge-only alert changes the badge and shows nothing", func() {
			f.v3(f.app, "0", alert(toks(alice), obj{"badge": obj{"setNum": 4}}, nil))
			f.v3(f.app, "0", alert(toks(alice), obj{"badge": obj{"addNum": 2}}, nil))
			Expect(f.shade(alice).Device.Badge).To(Equal(6))
			r := f.v3(f.app, "0", alert(toks(alice), obj{"title": "", "body": "", "clickAction": nil, "badge": obj{"setNum": 0}}, nil))
			Expect(r.Code).To(Equal("80000000"))
			s := f.shade(alice)
			Expect(s.Device.Badge).To(Equal(0))
			Expect(s.Shown).To(HaveLen(2))
			Expect(f.w.Ledger(world.Filter{Kind: world.KindDelivery, Rule: huawei.RuleV3Badge})).To(HaveLen(1))
		})

		It("refuses a badge-only alert without the IM self-classification right", func() {
			r := f.v3(f.app, "0", alert(toks(alice), obj{"category": "MARKETING", "title": "", "body": "", "badge": obj{"setNum": 1}}, nil))
			Expect(r.Code).To(Equal("80100003"))
		})
	})

	It("replaces a notification with the same notifyId", func() {
		f.v3(f.app, "0", alert(toks(alice), obj{"notifyId": 5, "body": "one"}, nil))
		f.v3(f.app, "0", alert(toks(alice), obj{"notifyId": 5, "body": "two"}, nil))
		Expect(f.shade(alice).Shown).To(ConsistOf(HaveField("Body", "two")))
	})

	Describe("offline phones", func() {
		goOffline := func(off bool) {
			_, err := f.w.UpdateDevice(alice.ID, func(d *world.Device) { d.Offline = off })
			Expect(err).NotTo(HaveOccurred())
		}

		It("keeps a message for ttl seconds", func() {
			goOffline(true)
			f.v3(f.app, "0", alert(toks(alice), obj{"body": "short"}, obj{"ttl": 60}))
			f.v3(f.app, "0", alert(toks(alice), obj{"body": "default"}, nil))
			f.clock.Advance(time.Hour)
			goOffline(false)
			s := f.shade(alice)
			Expect(s.Shown).To(ConsistOf(HaveField("Body", "default")))
			Expect(s.Dropped).To(ConsistOf(HaveField("Rule", "world.ttl.expired")))
		})

		It("shows only the newest of a collapse group", func() {
			goOffline(true)
			for _, b := range []string{"a", "b", "c"} {
				f.v3(f.app, "0", alert(toks(alice), obj{"body": b}, obj{"collapseKey": 1}))
			}
			f.v3(f.app, "0", alert(toks(alice), obj{"body": "d"}, obj{"collapseKey": -1}))
			goOffline(false)
			s := f.shade(alice)
			Expect(s.Shown).To(ConsistOf(HaveField("Body", "c"), HaveField("Body", "d")))
			Expect(s.Dropped).To(ConsistOf(
				And(HaveField("Body", "a"), HaveField("Rule", huawei.RuleV3CollapseKey)),
				And(HaveField("Body", "b"), HaveField("Rule", huawei.RuleV3CollapseKey))))
		})

		It("keeps the newest message's own notifyId", func() {
			goOffline(true)
			f.v3(f.app, "0", alert(toks(alice), obj{"body": "a", "notifyId": 1}, obj{"collapseKey": 2}))
			f.v3(f.app, "0", alert(toks(alice), obj{"body": "b", "notifyId": 2}, obj{"collapseKey": 2}))
			goOffline(false)
			Expect(f.shade(alice).Shown).To(ConsistOf(And(HaveField("Body", "b"), HaveField("NotifyID", "2"))))
		})
	})

	Describe("revoke", func() {
		revoke := func(pt string, body any) result {
			return f.postV3("/v1/"+f.app.ID+"/messages:revoke", jwtFor(f.app, f.clock.Now(), nil, nil), pt, body)
		}

		It("takes back a shown notification and one still held, by notifyId", func() {
			bob := f.harmony(f.app, "bob-phone")
			_, err := f.w.UpdateDevice(bob.ID, func(d *world.Device) { d.Offline = true })
			Expect(err).NotTo(HaveOccurred())
			f.v3(f.app, "0", alert(toks(alice, bob), obj{"notifyId": 9, "body": "oops"}, nil))
			f.v3(f.app, "0", alert(toks(alice), obj{"notifyId": 10, "body": "keep"}, nil))
			r := revoke("0", obj{"notifyId": 9, "token": toks(alice, bob)})
			Expect(r).To(And(HaveField("Code", "80000000"), HaveField("Status", 200)))
			Expect(f.shade(alice).Shown).To(ConsistOf(HaveField("Body", "keep")))
			Expect(f.shade(alice).Dropped).To(ConsistOf(HaveField("Rule", huawei.RuleV3Revoke)))
			_, err = f.w.UpdateDevice(bob.ID, func(d *world.Device) { d.Offline = false })
			Expect(err).NotTo(HaveOccurred())
			Expect(f.shade(bob).Shown).To(BeEmpty())
		})

		It("only revokes push-type 0 and 2, needs notifyId, and answers unknown tokens like a send", func() {
			Expect(revoke("6", obj{"notifyId": 1, "token": toks(alice)}).Code).To(Equal("80100001"))
			Expect(revoke("0", obj{"token": toks(alice)}).Code).To(Equal("80100001"))
			r := revoke("0", obj{"notifyId": 1, "token": []string{"bogus"}})
			Expect(r.Code).To(Equal("80300007"))
			Expect(f.postV3("/v1/"+f.app.ID+"/messages:revoke", "", "0", obj{"notifyId": 1, "token": toks(alice)}).Code).To(Equal("80200001"))
			Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleV3Revoke, Verdict: world.VerdictRejected})).To(HaveLen(3))
		})
	})

	It("runs the content filter (80100016)", func() {
		f.update("chat", func(a *world.App) { a.Settings = map[string]string{world.SettingSensitiveWords: "casino"} })
		Expect(f.v3(f.app, "0", alert(toks(alice), obj{"body": "casino"}, nil)).Code).To(Equal("80100016"))
	})

	It("names the app and tokens of v3 requests for fault rules", func() {
		body, _ := json.Marshal(alert(toks(alice), nil, nil))
		req, _ := http.NewRequest(http.MethodPost, "/v3/"+f.app.Key+"/messages:send", nil)
		app, tokens := f.v.(world.FaultTargeter).FaultTarget(req, body)
		Expect(app).To(Equal("chat"))
		Expect(tokens).To(ConsistOf(alice.Token))
		req.URL, _ = url.Parse("/v1/" + f.app.ID + "/messages:revoke")
		app, tokens = f.v.(world.FaultTargeter).FaultTarget(req, []byte(`{"notifyId":1,"token":["x"]}`))
		Expect(app).To(Equal("chat"))
		Expect(tokens).To(ConsistOf("x"))
	})
})
