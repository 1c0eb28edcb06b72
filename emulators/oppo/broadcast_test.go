package oppo_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/oppo"
	"github.com/pushsim/pushsim/emulators/world"
)

// saveForm is a content & marketing notification as save_message_content's
// form fields.
func saveForm(tok string, more ...string) url.Values {
	v := url.Values{"auth_token": {tok}, "title": {"Sale"}, "content": {"50% off"}, "channel_id": {"promo"}, "category": {"MARKETING"}}
	for i := 0; i+1 < len(more); i += 2 {
		v.Set(more[i], more[i+1])
	}
	return v
}

// broadcastData is broadcast's data: ids and the refused targets by code.
type broadcastData struct {
	MessageID      string
	MessageIDCamel string // data.messageId, the same id
	TaskID         string
	Failed         map[string][]string
}

func decodeBroadcast(r reply) broadcastData {
	GinkgoHelper()
	var raw map[string]json.RawMessage
	Expect(json.Unmarshal(r.Data, &raw)).To(Succeed(), string(r.Data))
	d := broadcastData{Failed: map[string][]string{}}
	for k, v := range raw {
		switch k {
		case "message_id":
			Expect(json.Unmarshal(v, &d.MessageID)).To(Succeed())
		case "messageId":
			Expect(json.Unmarshal(v, &d.MessageIDCamel)).To(Succeed())
		case "task_id":
			Expect(json.Unmarshal(v, &d.TaskID)).To(Succeed())
		default:
			var ts []string
			Expect(json.Unmarshal(v, &ts)).To(Succeed(), k)
			d.Failed[k] = ts
		}
	}
	return d
}

// save stores a notification and returns data.message_id.
func (f *fixture) save(form url.Values) string {
	GinkgoHelper()
	r := f.post(oppo.PathSaveMessage, form)
	Expect(r.Code).To(Equal(0), r.Message)
	var d struct {
		MessageID string `json:"message_id"`
	}
	Expect(json.Unmarshal(r.Data, &d)).To(Succeed())
	Expect(d.MessageID).NotTo(BeEmpty())
	return d.MessageID
}

func (f *fixture) broadcast(tok, id, typ, value string) reply {
	GinkgoHelper()
	v := url.Values{"auth_token": {tok}, "message_id": {id}, "target_type": {typ}}
	if value != "" {
		v.Set("target_value", value)
	}
	return f.post(oppo.PathBroadcast, v)
}

var _ = Describe("OPPO broadcast", func() {
	var (
		f   *fixture
		tok string
		a   world.Device
	)
	BeforeEach(func() {
		f = newFixture(func(app *world.App) {
			app.Channels = append(app.Channels, world.Channel{ID: "promo", Class: world.ClassPublic})
		})
		tok = f.token()
		a = f.phone("a", 33)
	})

	Describe("save_message_content", func() {
		It("stores the form's notification, answers data.message_id, and sends nothing", func() {
			r := f.post(oppo.PathSaveMessage, saveForm(tok))
			Expect(r.Code).To(Equal(0))
			Expect(r.Message).To(Equal(""))
			Expect(string(r.Data)).To(MatchRegexp(`^\{"message_id":"[^"]+"\}$`))
			Expect(f.shade("a").Shown).To(BeEmpty())
			e := f.w.Ledger(world.Filter{Kind: world.KindRequest, Limit: 1})[0]
			Expect(e.Rule).To(Equal("oppo.broadcast.save"))
			Expect(e.Body).To(And(ContainSubstring("auth_token="), Not(ContainSubstring(tok))))
		})

		It("answers an app_message_id saved before with its first message_id", func() {
			first := f.save(saveForm(tok, "app_message_id", "promo-1"))
			Expect(f.save(saveForm(tok, "app_message_id", "promo-1", "content", "changed"))).To(Equal(first))
			Expect(f.save(saveForm(tok, "app_message_id", "promo-2"))).NotTo(Equal(first))
			Expect(f.save(saveForm(tok))).NotTo(Equal(f.save(saveForm(tok))), "without app_message_id every save is new")
		})

		DescribeTable("checks the notification as unicast does",
			func(code int, rule string, more ...string) {
				form := saveForm(tok, more...)
				for _, k := range []string{"title", "content"} {
					if form.Get(k) == "-" {
						form.Del(k)
					}
				}
				r := f.post(oppo.PathSaveMessage, form)
				Expect(r.Code).To(Equal(code))
				Expect(r.Message).To(Equal(oppo.Text(code)))
				Expect(f.w.Ledger(world.Filter{Kind: world.KindRequest, Limit: 1})[0].Rule).To(Equal(rule))
			},
			Entry("no title", 40, "oppo.notification.required", "title", "-"),
			Entry("a title over 50", 41, "oppo.notification.title-length", "title", strings.Repeat("标", 51)),
			Entry("style as a word", 41, "oppo.broadcast.save", "style", "big"),
			Entry("click type 2 without url", 40, "oppo.click.action", "click_action_type", "2"),
			Entry("an unknown category", 67, "oppo.category.invalid", "category", "PROMO"),
			Entry("an IM message without its template", 54, "oppo.template.required", "category", "IM"),
			Entry("text that is not UTF-8", 25, "oppo.request.encoding", "title", "\xff"),
		)

		It("takes camelCase fields and numbers and switches as text", func() {
			id := f.save(saveForm(tok, "clickActionType", "2", "clickActionUrl", "https://example.com/sale", "offLine", "false"))
			Expect(f.broadcast(tok, id, "2", a.Token).Code).To(Equal(0))
			Expect(f.shade("a").Shown).To(ConsistOf(HaveField("Click", world.Click{Type: world.ClickURL, Target: "https://example.com/sale"})))
		})

		It("refuses a missing or unknown auth_token like every OPPO call", func() {
			form := saveForm(tok)
			form.Del("auth_token")
			Expect(f.post(oppo.PathSaveMessage, form).Code).To(Equal(29))
			Expect(f.post(oppo.PathSaveMessage, saveForm("nope")).Code).To(Equal(11))
		})
	})

	Describe("broadcast", func() {
		It("sends a saved message to the listed registration ids, the refused ones under their code", func() {
			b := f.phone("b", 33)
			id := f.save(saveForm(tok))
			bad, unknown := "not-a-regid", f.srv.Vendor("oppo").NewToken(&f.app)
			r := f.broadcast(tok, id, "2", a.Token+";"+b.Token+"; "+bad+";"+unknown+";"+a.Token)
			Expect(r.Code).To(Equal(0))
			d := decodeBroadcast(r)
			Expect(d.MessageID).To(Equal(id))
			Expect(d.MessageIDCamel).To(Equal(id), "data.messageId, the key some clients read")
			Expect(d.TaskID).To(MatchRegexp(`^[0-9a-f]{24}$`))
			Expect(d.Failed).To(Equal(map[string][]string{"10000": {bad, unknown}}))
			for _, n := range []string{"a", "b"} {
				Expect(f.shade(n).Shown).To(ConsistOf(And(HaveField("Body", "50% off"), HaveField("MessageID", id), HaveField("Class", world.ClassPublic))), n)
			}
			e := f.w.Ledger(world.Filter{Kind: world.KindRequest, Limit: 1})[0]
			Expect(e.Rule).To(Equal("oppo.broadcast.target"))
			Expect(e.Reason).To(ContainSubstring("4 target(s): 2 accepted"))
			Expect(f.w.Ledger(world.Filter{Kind: world.KindDelivery, Rule: "oppo.regid.invalid"})).To(HaveLen(2))

			// Save once, push to many: the same message again.
			Expect(f.broadcast(tok, id, "2", a.Token).Code).To(Equal(0))
			Expect(f.shade("a").Shown).To(HaveLen(2))
		})

		It("sends to every phone that has the app with target_type 1, listing no targets", func() {
			f.phone("b", 33)
			f.phone("c", 33, func(d *world.Device) { d.Uninstalled = true })
			f.phone("old", 25)
			r := f.broadcast(tok, f.save(saveForm(tok)), "1", "")
			Expect(r.Code).To(Equal(0))
			Expect(decodeBroadcast(r).Failed).To(BeEmpty())
			Expect(f.shade("a").Shown).To(HaveLen(1))
			Expect(f.shade("b").Shown).To(HaveLen(1))
			Expect(f.shade("c").Shown).To(BeEmpty())
			Expect(f.shade("old").Shown).To(HaveLen(1))
			Expect(f.w.Ledger(world.Filter{Kind: world.KindRequest, Limit: 1})[0].Reason).To(ContainSubstring("3 phone(s) of the app"))
		})

		It("applies unicast's per-phone rules: the channel on Android 8+ and the public cap per device", func() {
			g := newFixture(func(app *world.App) {
				app.Channels = append(app.Channels, world.Channel{ID: "promo", Class: world.ClassPublic})
				app.Quotas = map[string]int{"public_per_device": 1}
			})
			t := g.token()
			p := g.phone("p", 33)
			q := g.phone("q", 33, func(d *world.Device) { d.PhoneChannels = []string{"im"} })
			id := g.save(saveForm(t))
			Expect(g.broadcast(t, id, "2", p.Token+";"+q.Token).Code).To(Equal(0))
			Expect(g.broadcast(t, id, "2", p.Token).Code).To(Equal(0))
			Expect(g.shade("p").Shown).To(HaveLen(1))
			Expect(g.shade("p").Dropped).To(ConsistOf(HaveField("Rule", "oppo.quota.public-per-device")))
			Expect(g.shade("q").Dropped).To(ConsistOf(HaveField("Rule", "oppo.channel.required")))
		})

		It("counts each target against the public daily total, the ones beyond it refused under 33", func() {
			g := newFixture(func(app *world.App) {
				app.Channels = append(app.Channels, world.Channel{ID: "promo", Class: world.ClassPublic})
				app.Quotas = map[string]int{"public_daily_total": 2}
			})
			t := g.token()
			p, q, r := g.phone("p", 33), g.phone("q", 33), g.phone("r", 33)
			ans := g.broadcast(t, g.save(saveForm(t)), "2", p.Token+";"+q.Token+";"+r.Token)
			Expect(ans.Code).To(Equal(0))
			Expect(decodeBroadcast(ans).Failed).To(Equal(map[string][]string{"33": {r.Token}}))
			Expect(g.shade("r").Shown).To(BeEmpty())
			Expect(g.w.Ledger(world.Filter{Kind: world.KindDelivery, Rule: "oppo.quota.public-daily-total"})).To(HaveLen(1))

			// A private (IM) broadcast is not counted.
			im := url.Values{"auth_token": {t}, "title": {"Bob"}, "content": {"hi"}, "channel_id": {"im"}, "category": {"IM"},
				"private_msg_template_id": {g.app.Extra["private_msg_template_id"]}}
			Expect(decodeBroadcast(g.broadcast(t, g.save(im), "2", r.Token)).Failed).To(BeEmpty())
		})

		DescribeTable("refuses a malformed broadcast with OPPO's codes",
			func(code int, rule string, form func(f *fixture, id string) url.Values) {
				id := f.save(saveForm(tok))
				r := f.post(oppo.PathBroadcast, form(f, id))
				Expect(r.Code).To(Equal(code))
				Expect(r.Message).To(Equal(oppo.Text(code)))
				Expect(r.Data).To(BeEmpty())
				Expect(f.w.Ledger(world.Filter{Kind: world.KindRequest, Limit: 1})[0].Rule).To(Equal(rule))
				Expect(f.shade("a").Shown).To(BeEmpty())
			},
			Entry("no message_id", 40, "oppo.broadcast.message-id", func(f *fixture, _ string) url.Values {
				return url.Values{"auth_token": {tok}, "target_type": {"1"}}
			}),
			Entry("an unknown message_id", 31, "oppo.broadcast.message-id", func(f *fixture, _ string) url.Values {
				return url.Values{"auth_token": {tok}, "message_id": {"nope"}, "target_type": {"1"}}
			}),
			Entry("no target_type", 40, "oppo.broadcast.target", func(f *fixture, id string) url.Values {
				return url.Values{"auth_token": {tok}, "message_id": {id}}
			}),
			Entry("target_type 3", 41, "oppo.broadcast.target", func(f *fixture, id string) url.Values {
				return url.Values{"auth_token": {tok}, "message_id": {id}, "target_type": {"3"}}
			}),
			Entry("target_type 2 without target_value", 40, "oppo.broadcast.target", func(f *fixture, id string) url.Values {
				return url.Values{"auth_token": {tok}, "message_id": {id}, "target_type": {"2"}, "target_value": {" ; ;"}}
			}),
			Entry("1001 registration ids", 41, "oppo.broadcast.target", func(f *fixture, id string) url.Values {
				ids := make([]string, 1001)
				for i := range ids {
					ids[i] = f.srv.Vendor("oppo").NewToken(&f.app)
				}
				return url.Values{"auth_token": {tok}, "message_id": {id}, "target_type": {"2"}, "target_value": {strings.Join(ids, ";")}}
			}),
		)

		It("keeps saved messages apart under concurrent calls", func() {
			var wg sync.WaitGroup
			for i := range 8 {
				wg.Go(func() {
					defer GinkgoRecover()
					id := f.save(saveForm(tok, "app_message_id", "m"+strconv.Itoa(i%2)))
					Expect(f.broadcast(tok, id, "2", a.Token).Code).To(Equal(0))
				})
			}
			wg.Wait()
			Expect(f.w.Ledger(world.Filter{Kind: world.KindRequest, Rule: "oppo.broadcast.save"})).To(HaveLen(2), "one save per app_message_id")
		})

		It("answers a GET with 12 in OPPO's envelope", func() {
			resp, err := http.Get(f.srv.BaseURL("oppo") + oppo.PathBroadcast + "?auth_token=" + tok)
			Expect(err).NotTo(HaveOccurred())
			defer resp.Body.Close()
			var r reply
			Expect(json.NewDecoder(resp.Body).Decode(&r)).To(Succeed())
			Expect(r.Code).To(Equal(12))
		})

		It("keeps saved_messages_max messages per app: the oldest gets 31; another app's message is 31 too; a reset forgets all", func() {
			g := newFixture(func(app *world.App) {
				app.Channels = append(app.Channels, world.Channel{ID: "promo", Class: world.ClassPublic})
				app.Quotas = map[string]int{"saved_messages_max": 1}
			})
			t := g.token()
			p := g.phone("p", 33)
			first, second := g.save(saveForm(t)), g.save(saveForm(t))
			Expect(g.broadcast(t, first, "2", p.Token).Code).To(Equal(31))
			Expect(g.broadcast(t, second, "2", p.Token).Code).To(Equal(0))

			other := world.App{Vendor: "oppo", Name: "other"}
			g.srv.Vendor("oppo").DemoApp(&other)
			_, err := g.w.AddApp(other)
			Expect(err).NotTo(HaveOccurred())
			ts := strconv.FormatInt(g.clock.Now().UnixMilli(), 10)
			auth := g.post(oppo.PathAuth, url.Values{"app_key": {other.Key}, "timestamp": {ts}, "sign": {oppo.Sign(other.Key, ts, other.Secret)}})
			var otherTok struct {
				AuthToken string `json:"auth_token"`
			}
			Expect(json.Unmarshal(auth.Data, &otherTok)).To(Succeed())
			Expect(g.broadcast(otherTok.AuthToken, second, "2", p.Token).Code).To(Equal(31), "another app's message")

			g.w.Reset()
			_, err = g.w.AddApp(g.app)
			Expect(err).NotTo(HaveOccurred())
			Expect(g.broadcast(g.token(), second, "2", p.Token).Code).To(Equal(31))
		})
	})
})
