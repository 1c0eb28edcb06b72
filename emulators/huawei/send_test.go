package huawei_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/huawei"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("messages:send", func() {
	var (
		f     *fixture
		alice world.Device
	)
	BeforeEach(func() {
		f = newFixture()
		alice = f.phone(f.app, "alice-phone")
	})

	It("answers success with a string code, Success and a 24-digit requestId, and the phone shows it", func() {
		r := f.send(notify(toks(alice), nil, nil))
		Expect(r.Status).To(Equal(http.StatusOK))
		Expect(r).To(And(HaveField("Code", "80000000"), HaveField("Msg", "Success")))
		Expect(r.RequestID).To(MatchRegexp(`^\d{24}$`))
		s := f.shade(alice)
		Expect(s.Shown).To(HaveLen(1))
		Expect(s.Shown[0]).To(And(HaveField("Title", "Alice"), HaveField("Body", "hello"), HaveField("MessageID", r.RequestID)))
		l := f.w.Ledger(world.Filter{Kind: world.KindRequest, Verdict: world.VerdictAccepted, Rule: huawei.RuleClassService})
		Expect(l).To(HaveLen(1))
		Expect(l[0]).To(And(HaveField("Code", "80000000"), HaveField("App", "chat"), HaveField("Tokens", ConsistOf(alice.Token))))
	})

	It("takes title and body from message.notification when android.notification lacks them", func() {
		body := obj{"message": obj{"notification": obj{"title": "T", "body": "B"},
			"android": obj{"category": "IM", "notification": obj{"click_action": obj{"type": 3}}}, "token": toks(alice)}}
		Expect(f.send(body).Code).To(Equal("80000000"))
		Expect(f.shade(alice).Shown[0]).To(And(HaveField("Title", "T"), HaveField("Body", "B")))
	})

	Describe("authentication", func() {
		body := func(d world.Device) []byte {
			b, _ := json.Marshal(notify(toks(d), nil, nil))
			return b
		}

		It("refuses a missing bearer with 80200001", func() {
			r := f.sendRaw(f.app.ID, "", body(alice))
			Expect(r).To(And(HaveField("Code", "80200001"), HaveField("Status", http.StatusUnauthorized)))
			Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleAuthInvalid})).To(HaveLen(1))
			Expect(f.shade(alice).Shown).To(BeEmpty())
		})

		It("refuses a forged token with 80200001", func() {
			Expect(f.sendRaw(f.app.ID, "Zm9yZ2Vk", body(alice)).Code).To(Equal("80200001"))
		})

		It("refuses another app's token with 80200001", func() {
			other := f.addApp(world.App{Name: "other"})
			Expect(f.sendRaw(f.app.ID, f.accessToken(other), body(alice)).Code).To(Equal("80200001"))
		})

		It("refuses an appId that is no app with 80300002", func() {
			r := f.sendRaw("123456", f.accessToken(f.app), body(alice))
			Expect(r.Code).To(Equal("80300002"))
		})

		It("refuses an app without push permission with 80300002", func() {
			tok := f.accessToken(f.app)
			f.update("chat", func(a *world.App) { a.Settings = map[string]string{"push_enabled": "false"} })
			Expect(f.sendRaw(f.app.ID, tok, body(alice)).Code).To(Equal("80300002"))
			Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleAppPermission})).To(HaveLen(1))
		})

		It("expires a token after an hour on the world clock with 80200003", func() {
			tok := f.accessToken(f.app)
			f.clock.Advance(59 * time.Minute)
			Expect(f.sendRaw(f.app.ID, tok, body(alice)).Code).To(Equal("80000000"))
			f.clock.Advance(time.Minute)
			r := f.sendRaw(f.app.ID, tok, body(alice))
			Expect(r).To(And(HaveField("Code", "80200003"), HaveField("Status", http.StatusUnauthorized)))
			Expect(f.sendRaw(f.app.ID, f.accessToken(f.app), body(alice)).Code).To(Equal("80000000"))
		})

		It("revokes tokens when the app's secret changes", func() {
			tok := f.accessToken(f.app)
			f.update("chat", func(a *world.App) { a.Secret = strings.Repeat("0", 64) })
			Expect(f.sendRaw(f.app.ID, tok, body(alice)).Code).To(Equal("80200001"))
		})

		It("sends the configured HTTP status for a code", func() {
			f.update("chat", func(a *world.App) { a.Settings = map[string]string{"http_status.80200003": "200"} })
			tok := f.accessToken(f.app)
			f.clock.Advance(2 * time.Hour)
			Expect(f.sendRaw(f.app.ID, tok, body(alice))).To(And(HaveField("Code", "80200003"), HaveField("Status", 200)))
		})
	})

	Describe("structure and limits", func() {
		var tok string
		BeforeEach(func() { tok = f.accessToken(f.app) })
		raw := func(s string) result { return f.sendRaw(f.app.ID, tok, []byte(s)) }

		DescribeTable("refuses a malformed body with 80100003 and HTTP 400",
			func(body string) {
				r := raw(body)
				Expect(r).To(And(HaveField("Code", "80100003"), HaveField("Status", http.StatusBadRequest)))
				Expect(r.Msg).To(HavePrefix("Incorrect message structure"))
				Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleMessageStructure})).To(HaveLen(1))
			},
			Entry("not JSON", `{"message":`),
			Entry("data is an object", `{"message":{"data":{"a":1},"token":["x"]}}`),
			Entry("token is a string", `{"message":{"data":"x","token":"abc"}}`),
			Entry("notify_id is a string", `{"message":{"android":{"notification":{"title":"a","body":"b","notify_id":"7"}},"token":["x"]}}`),
		)

		It("answers a body without message with 80300010", func() {
			Expect(raw(`{"mesage":{"data":"x","token":["a"]}}`).Code).To(Equal("80300010"))
		})

		It("answers an empty token list with 80300010", func() {
			Expect(raw(`{"message":{"data":"x","token":[]}}`).Code).To(Equal("80300010"))
		})

		It("accepts 1000 tokens and refuses 1001 with 80300010", func() {
			many := make([]string, 1001)
			for i := range many {
				many[i] = fmt.Sprintf("IQAAAACy0tok%04d", i)
			}
			many[0] = alice.Token
			b, _ := json.Marshal(obj{"message": obj{"data": "x", "token": many}})
			Expect(f.sendRaw(f.app.ID, tok, b).Code).To(Equal("80300010"))
			b, _ = json.Marshal(obj{"message": obj{"data": "x", "token": many[:1000]}})
			Expect(f.sendRaw(f.app.ID, tok, b).Code).To(Equal("80100000"))
		})

		It("refuses token together with topic with 80100001", func() {
			Expect(raw(`{"message":{"data":"x","token":["a"],"topic":"news"}}`).Code).To(Equal("80100001"))
		})

		It("allows exactly 4096 bytes without the tokens and refuses 4097 with 80300008", func() {
			bob := f.phone(f.app, "bob-phone")
			body := func(n int) string {
				head, tail := `{"message":{"data":"`, `","token":[]}}`
				data := strings.Repeat("d", n-len(head)-len(tail))
				return head + data + `","token":["` + alice.Token + `","` + bob.Token + `"]}}`
			}
			Expect(raw(body(4096)).Code).To(Equal("80000000"))
			Expect(raw(body(4097)).Code).To(Equal("80300008"))
		})

		It("counts 4096 bytes without the tokens: 80300008 above", func() {
			long := strings.Repeat("x", 3900)
			r := f.send(notify(toks(alice), nil, obj{"body": long}))
			Expect(r.Code).To(Equal("80000000"))
			r = f.send(notify(toks(alice), nil, obj{"body": long + strings.Repeat("y", 200)}))
			Expect(r.Code).To(Equal("80300008"))
			Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleMessageSize})).To(HaveLen(1))
		})

		It("answers a huge body with 80300008 in Huawei's shape", func() {
			Expect(raw(`{"message":{"data":"` + strings.Repeat("z", 2<<20) + `"}}`).Code).To(Equal("80300008"))
		})

		DescribeTable("checks parameters with 80100001",
			func(android, an obj) {
				r := f.send(notify(toks(alice), android, an))
				Expect(r.Code).To(Equal("80100001"))
				Expect(r.Msg).To(HavePrefix("Request parameter check failed, "))
				Expect(f.shade(alice).Shown).To(BeEmpty())
			},
			Entry("click type 2 with http", nil, obj{"click_action": obj{"type": 2, "url": "http://x.example"}}),
			Entry("click type 1 without intent or action", nil, obj{"click_action": obj{"type": 1}}),
			Entry("click type 9", nil, obj{"click_action": obj{"type": 9}}),
			Entry("unknown category", obj{"category": "GAMES"}, nil),
			Entry("bad importance", nil, obj{"importance": "URGENT"}),
			Entry("bad ttl", obj{"ttl": "1 day"}, nil),
			Entry("ttl over 15 days", obj{"ttl": "1296001s"}, nil),
			Entry("badge add_num 0", nil, obj{"badge": obj{"add_num": 0, "class": "a.B"}}),
			Entry("badge set_num 100", nil, obj{"badge": obj{"set_num": 100, "class": "a.B"}}),
			Entry("style 1 without big_body", nil, obj{"style": 1, "big_title": "x"}),
			// "missing body" is only refused beside a message.notification (audit_test.go, §1.3).
			Entry("http image", nil, obj{"image": "http://x.example/a.png"}),
			Entry("bad color", nil, obj{"color": "red"}),
			Entry("bad urgency", obj{"urgency": "LOW"}, nil),
		)

		It("refuses collapse_key outside -1..100 with 80100013", func() {
			Expect(f.send(notify(toks(alice), obj{"collapse_key": 101}, nil)).Code).To(Equal("80100013"))
			Expect(f.send(notify(toks(alice), obj{"collapse_key": -1}, nil)).Code).To(Equal("80000000"))
		})

		It("can require click_action", func() {
			f.update("chat", func(a *world.App) { a.Settings = map[string]string{"click_action_required": "true"} })
			b, _ := json.Marshal(obj{"message": obj{"android": obj{"notification": obj{"title": "a", "body": "b"}}, "token": toks(alice)}})
			Expect(f.sendRaw(f.app.ID, f.accessToken(f.app), b).Code).To(Equal("80100001"))
		})

		It("answers unknown paths and methods in the same shape", func() {
			resp, err := http.Get(f.srv.URL + "/v1/" + f.app.ID + "/messages:send")
			Expect(err).NotTo(HaveOccurred())
			resp.Body.Close()
			Expect(resp.StatusCode).To(Equal(http.StatusMethodNotAllowed))
			resp, err = http.Post(f.srv.URL+"/v1/x/y", "application/json", strings.NewReader("{}"))
			Expect(err).NotTo(HaveOccurred())
			var r result
			Expect(json.NewDecoder(resp.Body).Decode(&r)).To(Succeed())
			resp.Body.Close()
			Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
			Expect(r.Code).To(Equal("80100001"))
		})
	})

	Describe("rights and content", func() {
		It("refuses HIGH importance without the right with 80300011", func() {
			r := f.send(notify(toks(alice), nil, obj{"importance": "HIGH"}))
			Expect(r.Code).To(Equal("80300011"))
			Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleImportanceHigh})).To(HaveLen(1))
		})

		It("shows HIGH importance heads-up with the right", func() {
			f.update("chat", func(a *world.App) { a.Privileges = append(a.Privileges, huawei.PrivHighImportance) })
			Expect(f.send(notify(toks(alice), nil, obj{"importance": "HIGH"})).Code).To(Equal("80000000"))
			Expect(f.shade(alice).Shown[0]).To(And(HaveField("HeadsUp", true), HaveField("Importance", "HIGH")))
		})

		It("refuses a configured sensitive word with 80100016, case-insensitively", func() {
			f.update("chat", func(a *world.App) { a.Settings = map[string]string{"sensitive_words": "lottery, 赌博"} })
			r := f.send(notify(toks(alice), nil, obj{"body": "win the LOTTERY now"}))
			Expect(r).To(And(HaveField("Code", "80100016"), HaveField("Msg", "Anti-Spam: word is forbidden in [CONTENT]")))
			Expect(f.send(notify(toks(alice), nil, obj{"title": "在线赌博"})).Code).To(Equal("80100016"))
			Expect(f.send(notify(toks(alice), nil, nil)).Code).To(Equal("80000000"))
			l := f.w.Ledger(world.Filter{Rule: huawei.RuleContentSensitive})
			Expect(l).To(HaveLen(2))
			Expect(l[0].Reason).To(ContainSubstring("lottery"))
		})
	})

	Describe("tokens", func() {
		It("answers 80300007 when no token belongs to the app", func() {
			other := f.addApp(world.App{Name: "other"})
			bob := f.phone(other, "bob-phone")
			r := f.send(notify([]string{"IQAAAACy0nope", bob.Token}, nil, nil))
			Expect(r).To(And(HaveField("Code", "80300007"), HaveField("Msg", "All the tokens are invalid")))
			Expect(f.shade(bob).Shown).To(BeEmpty())
		})

		It("answers 80100000 with the illegal tokens as a JSON string and delivers to the rest", func() {
			carol := f.phone(f.app, "carol-phone")
			r := f.send(notify([]string{alice.Token, "IQAAAACy0bad", carol.Token}, nil, nil))
			Expect(r.Code).To(Equal("80100000"))
			Expect(r.Status).To(Equal(http.StatusOK))
			var m struct {
				Success       int      `json:"success"`
				Failure       int      `json:"failure"`
				IllegalTokens []string `json:"illegal_tokens"`
			}
			Expect(json.Unmarshal([]byte(r.Msg), &m)).To(Succeed())
			Expect(m.Success).To(Equal(2))
			Expect(m.Failure).To(Equal(1))
			Expect(m.IllegalTokens).To(ConsistOf("IQAAAACy0bad"))
			Expect(f.shade(alice).Shown).To(HaveLen(1))
			Expect(f.shade(carol).Shown).To(HaveLen(1))
			Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleTokensPartial})).To(HaveLen(1))
		})

		It("delivers once to a token given twice", func() {
			Expect(f.send(notify([]string{alice.Token, alice.Token}, nil, nil)).Code).To(Equal("80000000"))
			Expect(f.shade(alice).Shown).To(HaveLen(1))
		})

		It("validates without delivering when validate_only is set", func() {
			body := notify(toks(alice), nil, nil)
			body["validate_only"] = true
			Expect(f.send(body).Code).To(Equal("80000000"))
			Expect(f.shade(alice).Shown).To(BeEmpty())
			Expect(f.w.Ledger(world.Filter{Rule: huawei.RuleValidateOnly})).To(HaveLen(1))
			body = notify([]string{"IQAAAACy0bad"}, nil, nil)
			body["validate_only"] = true
			Expect(f.send(body).Code).To(Equal("80300007"), "tokens are validated too")
		})
	})
})
