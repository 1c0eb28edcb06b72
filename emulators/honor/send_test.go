package honor_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/honor"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("sendMessage", func() {
	var (
		f     *fixture
		alice world.Device
	)
	BeforeEach(func() {
		f = newFixture()
		alice = f.phone(f.app, "alice-phone")
	})

	It("answers code 200 (a number) with sendResult, a requestId and empty token lists, and the phone shows it", func() {
		r := f.send(notify(toks(alice), nil, nil))
		Expect(r.Status).To(Equal(http.StatusOK))
		Expect(r.Raw).To(HavePrefix(`{"code":200,"message":"success","data":{"sendResult":true,"requestId":"`))
		Expect(r.Raw).To(HaveSuffix(`"failTokens":[],"expireTokens":[]}}`))
		Expect(r.Data.RequestID).To(MatchRegexp(`^[0-9a-f]{32}$`))
		s := f.shade(alice)
		Expect(s.Shown).To(HaveLen(1))
		Expect(s.Shown[0]).To(And(HaveField("Title", "Alice"), HaveField("Body", "hello"), HaveField("MessageID", r.Data.RequestID)))
		l := f.w.Ledger(world.Filter{Kind: world.KindRequest, Rule: honor.RuleClassService})
		Expect(l).To(HaveLen(1))
		Expect(l[0]).To(And(HaveField("Code", "200"), HaveField("App", "chat"), HaveField("Rule", honor.RuleClassService), HaveField("Tokens", ConsistOf(alice.Token))))
	})

	It("takes title and body from the top-level notification", func() {
		body := obj{"notification": obj{"title": "T", "body": "B"}, "android": obj{"notification": obj{"clickAction": obj{"type": 3}}}, "token": toks(alice)}
		Expect(f.send(body).Code).To(Equal(200))
		Expect(f.shade(alice).Shown[0]).To(And(HaveField("Title", "T"), HaveField("Body", "B")))
	})

	Describe("authentication", func() {
		body := func(d world.Device) []byte {
			b, _ := json.Marshal(notify(toks(d), nil, nil))
			return b
		}

		It("refuses a missing token with 80200001 and HTTP 401", func() {
			r := f.sendRaw(f.app.ID, "", f.ms(), body(alice))
			Expect(r).To(And(HaveField("Code", 80200001), HaveField("Status", http.StatusUnauthorized)))
			Expect(r.Data.SendResult).To(BeFalse())
			Expect(f.w.Ledger(world.Filter{Rule: honor.RuleSendBearer})).To(HaveLen(1))
			Expect(f.shade(alice).Shown).To(BeEmpty())
		})

		It("refuses a forged token with 80200001", func() {
			Expect(f.sendRaw(f.app.ID, "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.AAAA", f.ms(), body(alice)).Code).To(Equal(80200001))
		})

		It("refuses another app's token with 80200001", func() {
			other := f.addApp(world.App{Name: "other"})
			Expect(f.sendRaw(f.app.ID, f.bearer(other), f.ms(), body(alice)).Code).To(Equal(80200001))
		})

		It("refuses a token after the app's secret changed", func() {
			b := f.bearer(f.app)
			f.update("chat", func(a *world.App) { a.Secret = "rotated" })
			Expect(f.sendRaw(f.app.ID, b, f.ms(), body(alice)).Code).To(Equal(80200001))
		})

		It("refuses an expired token with 80200003", func() {
			b := f.bearer(f.app)
			f.clock.Advance(time.Hour)
			r := f.sendRaw(f.app.ID, b, f.ms(), body(alice))
			Expect(r).To(And(HaveField("Code", 80200003), HaveField("Status", http.StatusUnauthorized)))
			Expect(f.w.Ledger(world.Filter{Rule: honor.RuleSendExpired})).To(HaveLen(1))
		})

		It("accepts the bare token without Bearer unless strict_bearer", func() {
			tok := strings.TrimPrefix(f.bearer(f.app), "Bearer ")
			Expect(f.sendRaw(f.app.ID, tok, f.ms(), body(alice)).Code).To(Equal(200))
			f.update("chat", func(a *world.App) { a.Settings = map[string]string{"strict_bearer": "true"} })
			Expect(f.sendRaw(f.app.ID, tok, f.ms(), body(alice)).Code).To(Equal(80200001))
		})

		It("refuses an appId that is no app with 80300002, and an app with push off", func() {
			Expect(f.sendRaw("123", f.bearer(f.app), f.ms(), body(alice)).Code).To(Equal(80300002))
			f.update("chat", func(a *world.App) { a.Settings = map[string]string{"push_enabled": "false"} })
			Expect(f.sendRaw(f.app.ID, f.bearer(f.app), f.ms(), body(alice)).Code).To(Equal(80300002))
			Expect(f.w.Ledger(world.Filter{Rule: honor.RuleAppPermission})).To(HaveLen(2))
		})

		Describe("the timestamp header", func() {
			It("is not checked by default (missing, or in seconds)", func() {
				Expect(f.sendRaw(f.app.ID, f.bearer(f.app), "", body(alice)).Code).To(Equal(200))
				Expect(f.sendRaw(f.app.ID, f.bearer(f.app), strconv.FormatInt(f.clock.Now().Unix(), 10), body(alice)).Code).To(Equal(200))
			})

			It("must be epoch milliseconds near the clock with strict_timestamp", func() {
				f.update("chat", func(a *world.App) { a.Settings = map[string]string{"strict_timestamp": "true"} })
				b := f.bearer(f.app)
				Expect(f.sendRaw(f.app.ID, b, "", body(alice)).Code).To(Equal(80100001))
				Expect(f.sendRaw(f.app.ID, b, strconv.FormatInt(f.clock.Now().Unix(), 10), body(alice)).Code).To(Equal(80100001))
				Expect(f.sendRaw(f.app.ID, b, strconv.FormatInt(f.clock.Now().Add(-11*time.Minute).UnixMilli(), 10), body(alice)).Code).To(Equal(80100001))
				Expect(f.sendRaw(f.app.ID, b, f.ms(), body(alice)).Code).To(Equal(200))
				Expect(f.w.Ledger(world.Filter{Rule: honor.RuleSendTimestamp})).To(HaveLen(3))
			})
		})
	})

	Describe("the body", func() {
		DescribeTable("refuses what is not the documented structure with 80100003",
			func(body string) {
				r := f.sendRaw(f.app.ID, f.bearer(f.app), f.ms(), []byte(body))
				Expect(r.Code).To(Equal(80100003))
				Expect(r.Status).To(Equal(http.StatusBadRequest))
			},
			Entry("not JSON", `{"token":`),
			Entry("token not a list", `{"token":"abc","data":"x"}`),
			Entry("ttl a number", `{"token":["a"],"android":{"ttl":86400}}`),
			Entry("clickAction type a string", `{"token":["a"],"android":{"notification":{"title":"t","body":"b","clickAction":{"type":"3"}}}}`),
		)

		DescribeTable("checks field values with 80100001",
			func(android, an obj, rule string) {
				r := f.send(notify(toks(alice), android, an))
				Expect(r.Code).To(Equal(80100001), r.Raw)
				Expect(r.Message).To(HavePrefix("Request parameter check failed, "))
				Expect(f.w.Ledger(world.Filter{Rule: rule})).To(HaveLen(1))
				Expect(f.shade(alice).Shown).To(BeEmpty())
			},
			Entry("no title", nil, obj{"title": ""}, honor.RuleMessageParams),
			Entry("http image", nil, obj{"image": "http://x/a.png"}, honor.RuleMessageParams),
			Entry("style 1 without bigBody", nil, obj{"style": 1, "bigTitle": "t"}, honor.RuleMessageParams),
			Entry("importance HIGH", nil, obj{"importance": "HIGH"}, honor.RuleMessageParams),
			Entry("ttl over 15 days", obj{"ttl": "1296001s"}, nil, honor.RuleMessageParams),
			Entry("ttl not a duration", obj{"ttl": "1d"}, nil, honor.RuleMessageParams),
			Entry("targetUserType 2", obj{"targetUserType": 2}, nil, honor.RuleMessageParams),
			Entry("four buttons", nil, obj{"buttons": []obj{{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}}}, honor.RuleMessageParams),
			Entry("no clickAction", nil, obj{"clickAction": nil}, honor.RuleClickAction),
			Entry("clickAction type 1 without intent or action", nil, obj{"clickAction": obj{"type": 1}}, honor.RuleClickAction),
			Entry("clickAction type 2 over http", nil, obj{"clickAction": obj{"type": 2, "url": "http://x"}}, honor.RuleClickAction),
			Entry("clickAction type 4", nil, obj{"clickAction": obj{"type": 4}}, honor.RuleClickAction),
			Entry("badge setNum 100", nil, obj{"badge": obj{"setNum": 100, "badgeClass": "c"}}, honor.RuleBadge),
			Entry("badge addNum 100", nil, obj{"badge": obj{"addNum": 100, "badgeClass": "c"}}, honor.RuleBadge),
			Entry("badge addNum -1", nil, obj{"badge": obj{"addNum": -1, "badgeClass": "c"}}, honor.RuleBadge),
			Entry("a button object without a name", nil, obj{"buttons": obj{"actionType": 0}}, honor.RuleMessageParams),
			Entry("button data of 1025 characters", nil, obj{"buttons": []obj{{"name": "a", "data": strings.Repeat("d", 1025)}}}, honor.RuleMessageParams),
		)

		It("accepts the forms ZANDALA sends: badge with addNum 0 and buttons as one object", func() {
			body := notify(toks(alice), nil, obj{
				"badge":   obj{"addNum": 0, "setNum": 5, "badgeClass": "com.example.chat.MainActivity"},
				"buttons": obj{"name": "查看", "actionType": 0, "intentType": 0, "intent": "", "data": ""},
			})
			r := f.send(body)
			Expect(r.Code).To(Equal(200), r.Raw)
			Expect(f.shade(alice).Device.Badge).To(Equal(5))
		})

		It("counts button data in characters: 400 CJK characters (1200 bytes) fit", func() {
			r := f.send(notify(toks(alice), nil, obj{"buttons": []obj{{"name": "回复", "data": strings.Repeat("好", 400)}}}))
			Expect(r.Code).To(Equal(200), r.Raw)
		})

		It("accepts a notification without clickAction when click_action_required is false", func() {
			f.update("chat", func(a *world.App) { a.Settings = map[string]string{"click_action_required": "false"} })
			Expect(f.send(notify(toks(alice), nil, obj{"clickAction": nil})).Code).To(Equal(200))
		})

		It("refuses a body with neither notification nor data", func() {
			Expect(f.send(obj{"token": toks(alice)}).Code).To(Equal(80100001))
		})

		It("refuses no tokens and more than 1000 with 80300010", func() {
			Expect(f.send(notify(nil, nil, nil)).Code).To(Equal(80300010))
			many := make([]string, 1001)
			for i := range many {
				many[i] = fmt.Sprintf("t%d", i)
			}
			Expect(f.send(notify(many, nil, nil)).Code).To(Equal(80300010))
			Expect(f.w.Ledger(world.Filter{Rule: honor.RuleMessageTokenCount})).To(HaveLen(2))
		})

		It("refuses a message over 4096 bytes without the tokens with 80300008, and counts no token bytes", func() {
			Expect(f.send(notify(toks(alice), nil, obj{"body": strings.Repeat("x", 4000)})).Code).To(Equal(80300008))
			many := toks(alice)
			for i := 0; i < 200; i++ {
				many = append(many, fmt.Sprintf("%064d", i))
			}
			Expect(f.send(notify(many, nil, nil)).Code).To(Equal(200))
		})

		It("refuses a body that is not UTF-8 with 80100001", func() {
			body := []byte(`{"token":["` + alice.Token + `"],"data":"` + "\xff" + `"}`)
			Expect(f.sendRaw(f.app.ID, f.bearer(f.app), f.ms(), body).Code).To(Equal(80100001))
			Expect(f.w.Ledger(world.Filter{Rule: honor.RuleContentEncoding})).To(HaveLen(1))
		})

		It("refuses a sensitive word with 80100016", func() {
			f.update("chat", func(a *world.App) { a.Settings = map[string]string{world.SettingSensitiveWords: "casino"} })
			r := f.send(notify(toks(alice), nil, obj{"body": "Casino tonight"}))
			Expect(r.Code).To(Equal(80100016))
			Expect(f.w.Ledger(world.Filter{Rule: honor.RuleContentSensitive})).To(HaveLen(1))
		})

		It("accepts a notification with nothing to show and never shows it", func() {
			r := f.send(notify(toks(alice), nil, obj{"title": "..."}))
			Expect(r.Code).To(Equal(200))
			Expect(f.shade(alice).Shown).To(BeEmpty())
			Expect(f.shade(alice).Dropped).To(ContainElement(HaveField("Rule", honor.RuleContentEmpty)))
		})
	})

	Describe("tokens", func() {
		It("sends to the app's phones and lists other tokens in failTokens and stale Honor tokens in expireTokens", func() {
			other := f.addApp(world.App{Name: "other"})
			carol := f.phone(other, "carol-phone")
			stale := f.v.NewToken(f.app)
			r := f.send(notify([]string{alice.Token, carol.Token, "huawei-token", stale, "xEXPIREDx"}, nil, nil))
			Expect(r.Code).To(Equal(200))
			Expect(r.Data.SendResult).To(BeTrue())
			Expect(r.Data.FailTokens).To(ConsistOf(carol.Token, "huawei-token"))
			Expect(r.Data.ExpireTokens).To(ConsistOf(stale, "xEXPIREDx"))
			Expect(f.shade(alice).Shown).To(HaveLen(1))
			Expect(f.shade(carol).Shown).To(BeEmpty())
			Expect(f.w.Ledger(world.Filter{Rule: honor.RuleTokensExpire})).To(HaveLen(1))
		})

		It("names failTokens alone under honor.tokens.fail", func() {
			r := f.send(notify([]string{alice.Token, "nope"}, nil, nil))
			Expect(r.Data.FailTokens).To(ConsistOf("nope"))
			Expect(f.w.Ledger(world.Filter{Rule: honor.RuleTokensFail})).To(HaveLen(1))
		})

		It("answers 80300007 with sendResult false when no token can be sent", func() {
			stale := f.v.NewToken(f.app)
			r := f.send(notify([]string{"nope", stale}, nil, nil))
			Expect(r).To(And(HaveField("Code", 80300007), HaveField("Status", http.StatusBadRequest)))
			Expect(r.Data.SendResult).To(BeFalse())
			Expect(r.Data.FailTokens).To(ConsistOf("nope"))
			Expect(r.Data.ExpireTokens).To(ConsistOf(stale))
		})

		It("sends a repeated token once", func() {
			Expect(f.send(notify([]string{alice.Token, alice.Token}, nil, nil)).Code).To(Equal(200))
			Expect(f.shade(alice).Shown).To(HaveLen(1))
		})
	})

	Describe("test messages", func() {
		It("allows 1000 a day per app (test_daily), then 80300029, and counts them against no marketing cap", func() {
			f.update("chat", func(a *world.App) { a.Quotas = map[string]int{"test_daily": 3} })
			for i := 0; i < 3; i++ {
				r := f.send(notify(toks(alice), obj{"targetUserType": 1}, obj{"importance": "LOW", "body": fmt.Sprint(i)}))
				Expect(r.Code).To(Equal(200))
			}
			Expect(f.shade(alice).Shown).To(HaveLen(3), "the marketing cap of 2 does not apply")
			r := f.send(notify(toks(alice), obj{"targetUserType": 1}, nil))
			Expect(r.Code).To(Equal(80300029))
			Expect(f.w.Ledger(world.Filter{Rule: honor.RuleTestMessage})).To(HaveLen(1))
			f.clock.Set(world.NextMidnight(f.clock.Now(), world.Shanghai))
			Expect(f.send(notify(toks(alice), obj{"targetUserType": 1}, nil)).Code).To(Equal(200))
		})
	})

	It("refuses more than the app's qps with HTTP 503 and 81000001", func() {
		f.update("chat", func(a *world.App) { a.Quotas = map[string]int{"qps": 1} })
		Expect(f.send(notify(toks(alice), nil, nil)).Code).To(Equal(200))
		r := f.send(notify(toks(alice), nil, nil))
		Expect(r).To(And(HaveField("Code", 81000001), HaveField("Status", http.StatusServiceUnavailable)))
		Expect(f.w.Ledger(world.Filter{Rule: honor.RuleSendFlowControl})).To(HaveLen(1))
		f.clock.Advance(time.Second)
		Expect(f.send(notify(toks(alice), nil, nil)).Code).To(Equal(200))
	})

	It("answers unknown paths in its envelope", func() {
		resp, err := http.Get(f.srv.URL + "/api/v1/1/sendMessage")
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusMethodNotAllowed))
		resp, err = http.Post(f.srv.URL+"/v1/1/messages:send", "application/json", nil)
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
	})

	Describe("answering injected faults", func() {
		It("answers rate, auth-expired and token-invalid in Honor's envelope", func() {
			fa := f.v.(world.FaultAnswerer)
			body, _ := json.Marshal(notify(toks(alice), nil, nil))
			req, _ := http.NewRequest(http.MethodPost, "/api/v1/"+f.app.ID+"/sendMessage", strings.NewReader(string(body)))
			status, _, out := fa.FaultAnswer(world.FaultRate, req)
			Expect(status).To(Equal(http.StatusServiceUnavailable))
			Expect(string(out)).To(ContainSubstring(`"code":81000001`))
			req, _ = http.NewRequest(http.MethodPost, "/api/v1/"+f.app.ID+"/sendMessage", strings.NewReader(string(body)))
			status, _, out = fa.FaultAnswer(world.FaultTokenInvalid, req)
			Expect(status).To(Equal(http.StatusOK))
			Expect(string(out)).To(ContainSubstring(`"expireTokens":["` + alice.Token + `"]`))
			req, _ = http.NewRequest(http.MethodPost, "/api/v1/"+f.app.ID+"/sendMessage", strings.NewReader(string(body)))
			status, _, out = fa.FaultAnswer(world.FaultAuthExpired, req)
			Expect(status).To(Equal(http.StatusUnauthorized))
			Expect(string(out)).To(ContainSubstring(`"code":80200003`))
			app, tokens := f.v.(world.FaultTargeter).FaultTarget(req, body)
			Expect(app).To(Equal("chat"))
			Expect(tokens).To(ConsistOf(alice.Token))
		})
	})
})
