package meizu_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/meizu"
	"github.com/pushsim/pushsim/emulators/world"
)

// tagInfo is the value of the tag subscription answers.
type tagInfo struct {
	PushID string `json:"pushId"`
	Tags   []struct {
		TagID   json.Number `json:"tagId"`
		TagName string      `json:"tagName"`
	} `json:"tags"`
}

func tagsOf(r reply) (string, []string) {
	GinkgoHelper()
	var v tagInfo
	Expect(json.Unmarshal(r.Value, &v)).To(Succeed(), string(r.Value))
	names := []string{}
	for _, t := range v.Tags {
		Expect(t.TagID.Int64()).To(BeNumerically(">", 0))
		names = append(names, t.TagName)
	}
	return v.PushID, names
}

// subscribe subscribes a phone to topics in the world, as its SDK would.
func (f *fixture) subscribe(d world.Device, tags ...string) {
	GinkgoHelper()
	for _, t := range tags {
		Expect(f.w.SubscribeTopic(d.ID, t)).To(Succeed())
	}
}

var _ = Describe("Meizu tags", func() {
	var (
		f                 *fixture
		alice, bob, carol world.Device
	)
	BeforeEach(func() {
		f = newFixture(nil)
		alice, bob, carol = f.phone("alice"), f.phone("bob"), f.phone("carol")
		f.subscribe(alice, "sports", "local")
		f.subscribe(bob, "sports")
		f.subscribe(carol, "music")
	})

	toTag := func(f *fixture, tags, scope string, msg any) reply {
		GinkgoHelper()
		return f.call(meizu.PathPushToTag, map[string]string{"pushType": "0", "tagNames": tags, "scope": scope, "messageJson": text(msg)})
	}

	Describe("pushToTag", func() {
		It("sends to the union of the tags' subscribers (scope 0) and answers value {taskId, pushType, appId}", func() {
			r := toTag(f, "sports, music,sports", "0", public("周末赛程"))
			Expect(r.Code).To(Equal("200"), r.Message)
			Expect(r.MsgID).To(BeEmpty())
			Expect(string(r.Value)).To(MatchRegexp(`^\{"taskId":\d+,"pushType":0,"appId":\d+\}$`))
			id := taskOf(r).TaskID.String()
			for _, name := range []string{"alice", "bob", "carol"} {
				Expect(f.shade(name).Shown).To(ConsistOf(And(HaveField("Body", "周末赛程"), HaveField("MessageID", id))), name)
			}
			e := f.lastRequest()
			Expect(e.Rule).To(Equal("meizu.tag.push"))
			Expect(e.Reason).To(ContainSubstring("sports,music (union): 3 phone(s)"))
		})

		It("sends to the intersection (scope 1): only the phones subscribed to every tag", func() {
			r := toTag(f, "sports,local", "1", public("本地球队"))
			Expect(r.Code).To(Equal("200"))
			Expect(f.shade("alice").Shown).To(HaveLen(1))
			Expect(f.shade("bob").Shown).To(BeEmpty())
			Expect(f.shade("carol").Shown).To(BeEmpty())
		})

		It("accepts tags nobody subscribed and reaches no phone; skips an uninstalled subscriber; admits each phone as pushByPushId does", func() {
			r := toTag(f, "nobody", "0", public("x"))
			Expect(r.Code).To(Equal("200"))
			Expect(f.lastRequest().Reason).To(ContainSubstring("none of them subscribed"))

			_, err := f.w.UpdateDevice(bob.ID, func(d *world.Device) { d.Uninstalled = true })
			Expect(err).NotTo(HaveOccurred())
			_, err = f.w.UpdateDevice(alice.ID, func(d *world.Device) { d.NotificationsOff = true })
			Expect(err).NotTo(HaveOccurred())
			r = toTag(f, "sports", "0", public("y"))
			Expect(r.Code).To(Equal("200"))
			Expect(f.shade("alice").Shown).To(BeEmpty())
			Expect(f.shade("bob").Shown).To(BeEmpty())
			Expect(f.w.Ledger(world.Filter{Kind: world.KindDelivery, Device: alice.ID})).To(ConsistOf(HaveField("Rule", "meizu.switch.off")))
			Expect(f.lastRequest().Reason).To(ContainSubstring("1 phone(s)"))
		})

		It("holds a scheduled tag push until startTime, and pushTask/cancel withdraws it", func() {
			at := start.Add(time.Hour).Format("2006-01-02 15:04:05")
			msg := notice("N", "稍后", 0, map[string]any{"pushTimeInfo": map[string]any{"pushTimeType": 1, "startTime": at}})
			r := toTag(f, "sports", "0", msg)
			Expect(r.Code).To(Equal("200"))
			Expect(f.lastRequest().Rule).To(Equal("meizu.task.schedule"))
			Expect(f.shade("alice").Pending).To(Equal(1))
			id := taskOf(r).TaskID.String()
			Expect(f.call(meizu.PathTaskPushByPushID, map[string]string{"taskId": id, "pushIds": carol.Token}).Code).To(Equal("110032"), "not pushable to targets")
			Expect(f.call(meizu.PathCancelTask, map[string]string{"taskId": id, "pushType": "0"}).Code).To(Equal("200"))
			f.clock.Advance(2 * time.Hour)
			f.w.Tick()
			Expect(f.shade("alice").Shown).To(BeEmpty())
			Expect(f.shade("alice").Dropped).To(ConsistOf(HaveField("Rule", "meizu.task.cancel")))
		})

		It("takes pass-through (pushType 1) only when the app may send it", func() {
			form := map[string]string{"pushType": "1", "tagNames": "sports", "scope": "0", "messageJson": `{"content":"cmd:sync"}`}
			r := f.call(meizu.PathPushToTag, form)
			Expect(r.Code).To(Equal("110053"))
			Expect(f.lastRequest().Rule).To(Equal("meizu.pass-through.restricted"))

			g := newFixture(func(a *world.App) { a.Settings = map[string]string{"pass_through": "allowed"} })
			p := g.phone("p")
			g.subscribe(p, "sports")
			r = g.call(meizu.PathPushToTag, form)
			Expect(r.Code).To(Equal("200"))
			Expect(taskOf(r).PushType.String()).To(Equal("1"))
			s := g.shade("p")
			Expect(s.Shown).To(BeEmpty())
			Expect(s.Inbox).To(ConsistOf(HaveField("Payload", "cmd:sync")))
		})

		DescribeTable("refuses a bad tag list, scope or pushType before sending anything",
			func(edit func(map[string]string), code, rule string) {
				form := map[string]string{"pushType": "0", "tagNames": "sports", "scope": "0", "messageJson": text(public("x"))}
				edit(form)
				r := f.call(meizu.PathPushToTag, form)
				Expect(r.Code).To(Equal(code))
				Expect(r.Message).To(Equal(meizu.Text(code)))
				Expect(string(r.Value)).To(Equal(`""`))
				Expect(f.lastRequest().Rule).To(Equal(rule))
				Expect(f.shade("alice").Shown).To(BeEmpty())
			},
			Entry("no tagNames", func(m map[string]string) { delete(m, "tagNames") }, "110004", "meizu.tag.names"),
			Entry("only commas", func(m map[string]string) { m["tagNames"] = " , ," }, "110004", "meizu.tag.names"),
			Entry("101 tags", func(m map[string]string) {
				t := make([]string, 101)
				for i := range t {
					t[i] = "t" + strconv.Itoa(i)
				}
				m["tagNames"] = strings.Join(t, ",")
			}, "1005", "meizu.tag.names"),
			Entry("a tag of 21 characters", func(m map[string]string) { m["tagNames"] = "sports," + strings.Repeat("标", 21) }, "1005", "meizu.tag.names"),
			Entry("a control character", func(m map[string]string) { m["tagNames"] = "sp\x07orts" }, "1005", "meizu.tag.names"),
			Entry("no scope", func(m map[string]string) { delete(m, "scope") }, "110004", "meizu.tag.push"),
			Entry("scope 2", func(m map[string]string) { m["scope"] = "2" }, "1005", "meizu.tag.push"),
			Entry("no pushType", func(m map[string]string) { delete(m, "pushType") }, "110004", "meizu.tag.push"),
			Entry("no title", func(m map[string]string) { m["messageJson"] = `{"noticeBarInfo":{"content":"x"}}` }, "110004", "meizu.notice.title"),
		)

		It("takes 100 tags of 20 characters, and App.Quotas max_tags / tag_max_len change the numbers", func() {
			t := make([]string, 100)
			for i := range t {
				t[i] = strings.Repeat("x", 18) + strconv.Itoa(i%10) + strconv.Itoa(i/10)
			}
			Expect(toTag(f, strings.Join(t, ","), "0", public("x")).Code).To(Equal("200"))
			g := newFixture(func(a *world.App) { a.Quotas = map[string]int{"max_tags": 2, "tag_max_len": 3} })
			Expect(toTag(g, "a,b,c", "0", public("x")).Code).To(Equal("1005"))
			Expect(toTag(g, "abcd", "0", public("x")).Code).To(Equal("1005"))
			Expect(toTag(g, "abc,d", "0", public("x")).Code).To(Equal("200"))
		})
	})

	Describe("the tag subscription APIs", func() {
		sub := func(path string, form map[string]string) reply {
			GinkgoHelper()
			return f.call(path, form)
		}

		It("subscribes, lists and unsubscribes a pushId's tags, which are the world's topics", func() {
			r := sub(meizu.PathSubscribeTags, map[string]string{"pushId": carol.Token, "tags": "体育,科技"})
			Expect(r.Code).To(Equal("200"), r.Message)
			id, names := tagsOf(r)
			Expect(id).To(Equal(carol.Token))
			Expect(names).To(Equal([]string{"music", "体育", "科技"}))
			Expect(f.w.DeviceTopics(carol.ID)).To(Equal([]string{"music", "体育", "科技"}))
			e := f.lastRequest()
			Expect(e.Rule).To(Equal("meizu.tag.subscribe"))
			Expect(e.Device).To(Equal(carol.ID))

			// A tag push now reaches carol through the tag she subscribed here.
			Expect(toTag(f, "科技", "0", public("新品")).Code).To(Equal("200"))
			Expect(f.shade("carol").Shown).To(ConsistOf(HaveField("Body", "新品")))

			r = sub(meizu.PathUnSubscribeTags, map[string]string{"pushId": carol.Token, "tags": "体育,nope"})
			Expect(r.Code).To(Equal("200"))
			_, names = tagsOf(r)
			Expect(names).To(Equal([]string{"music", "科技"}), "the tags left")

			r = sub(meizu.PathGetSubTags, map[string]string{"pushId": alice.Token})
			_, names = tagsOf(r)
			Expect(names).To(Equal([]string{"sports", "local"}))

			r = sub(meizu.PathUnSubAllTags, map[string]string{"pushId": alice.Token})
			Expect(r.Code).To(Equal("200"))
			Expect(string(r.Value)).To(Equal("true"))
			Expect(f.w.DeviceTopics(alice.ID)).To(BeEmpty())
		})

		It("gives a tag the same tagId every time", func() {
			_, _ = tagsOf(sub(meizu.PathSubscribeTags, map[string]string{"pushId": bob.Token, "tags": "x"}))
			var a, b tagInfo
			Expect(json.Unmarshal(sub(meizu.PathGetSubTags, map[string]string{"pushId": bob.Token}).Value, &a)).To(Succeed())
			Expect(json.Unmarshal(sub(meizu.PathGetSubTags, map[string]string{"pushId": bob.Token}).Value, &b)).To(Succeed())
			Expect(a.Tags).To(Equal(b.Tags))
			Expect(a.Tags[0].TagID).NotTo(Equal(a.Tags[1].TagID))
		})

		It("serves getSubTags by GET too, signed over the query", func() {
			q := f.signed(map[string]string{"pushId": alice.Token})
			resp, err := http.Get(f.srv.BaseURL("meizu") + meizu.PathGetSubTags + "?" + q.Encode())
			Expect(err).NotTo(HaveOccurred())
			defer resp.Body.Close()
			var r reply
			Expect(json.NewDecoder(resp.Body).Decode(&r)).To(Succeed())
			Expect(r.Code).To(Equal("200"))
			_, names := tagsOf(r)
			Expect(names).To(ConsistOf("sports", "local"))

			resp, err = http.Get(f.srv.BaseURL("meizu") + meizu.PathSubscribeTags)
			Expect(err).NotTo(HaveOccurred())
			resp.Body.Close()
			Expect(resp.StatusCode).To(Equal(http.StatusMethodNotAllowed))
		})

		DescribeTable("refuses a bad pushId or tag list",
			func(path string, form func() map[string]string, code, rule string) {
				before, _ := f.w.DeviceTopics(alice.ID)
				r := sub(path, form())
				Expect(r.Code).To(Equal(code))
				Expect(r.Message).To(Equal(meizu.Text(code)))
				Expect(string(r.Value)).To(Equal(`""`))
				Expect(f.lastRequest().Rule).To(Equal(rule))
				Expect(f.w.DeviceTopics(alice.ID)).To(Equal(before))
			},
			Entry("no pushId", meizu.PathSubscribeTags, func() map[string]string { return map[string]string{"tags": "a"} }, "110004", "meizu.tag.subscribe"),
			Entry("a pushId not of the SDK's form", meizu.PathGetSubTags, func() map[string]string { return map[string]string{"pushId": "abc"} }, "110003", "meizu.tag.subscribe"),
			Entry("an unregistered pushId", meizu.PathUnSubAllTags, func() map[string]string {
				return map[string]string{"pushId": "ABC" + strings.Repeat("0", 42)}
			}, "110002", "meizu.tag.subscribe"),
			Entry("no tags", meizu.PathSubscribeTags, func() map[string]string { return map[string]string{"pushId": alice.Token} }, "110004", "meizu.tag.names"),
			Entry("a tag of 21 characters", meizu.PathUnSubscribeTags, func() map[string]string {
				return map[string]string{"pushId": alice.Token, "tags": strings.Repeat("t", 21)}
			}, "1005", "meizu.tag.names"),
		)

		It("refuses an uninstalled app's pushId with 110002, and a bad sign with 1006", func() {
			_, err := f.w.UpdateDevice(bob.ID, func(d *world.Device) { d.Uninstalled = true })
			Expect(err).NotTo(HaveOccurred())
			Expect(sub(meizu.PathGetSubTags, map[string]string{"pushId": bob.Token}).Code).To(Equal("110002"))
			form := f.signed(map[string]string{"pushId": alice.Token, "tags": "a"})
			form.Set("tags", "b")
			_, r := f.postRaw(meizu.PathSubscribeTags, form.Encode())
			Expect(r.Code).To(Equal("1006"))
		})

		It("keeps at most 100 tags per pushId: a subscription past it is 1005 and keeps none of its tags", func() {
			g := newFixture(func(a *world.App) { a.Quotas = map[string]int{"topics_per_device": 3} })
			p := g.phone("p")
			Expect(g.call(meizu.PathSubscribeTags, map[string]string{"pushId": p.Token, "tags": "a,b"}).Code).To(Equal("200"))
			r := g.call(meizu.PathSubscribeTags, map[string]string{"pushId": p.Token, "tags": "a,c,d"})
			Expect(r.Code).To(Equal("1005"))
			Expect(g.lastRequest().Rule).To(Equal("meizu.tag.device-max"))
			Expect(g.w.DeviceTopics(p.ID)).To(Equal([]string{"a", "b"}))
			Expect(g.call(meizu.PathSubscribeTags, map[string]string{"pushId": p.Token, "tags": "a,c"}).Code).To(Equal("200"))
			Expect(g.w.TopicLimitsOf("meizu", "other").PerDevice).To(Equal(100), "Meizu's own limit")
		})
	})
})
