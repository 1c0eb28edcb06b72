package meizu_test

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/meizu"
	"github.com/pushsim/pushsim/emulators/world"
)

// taskValue is the value of getTaskId's and pushToApp's answers.
type taskValue struct {
	TaskID   json.Number `json:"taskId"`
	PushType json.Number `json:"pushType"`
	AppID    json.Number `json:"appId"`
}

// call signs and posts a form to a task path.
func (f *fixture) call(path string, form map[string]string) reply {
	GinkgoHelper()
	_, r := f.postRaw(path, f.signed(form).Encode())
	return r
}

// newTask stores msg with getTaskId and returns its taskId.
func (f *fixture) newTask(msg any) string {
	GinkgoHelper()
	r := f.call(meizu.PathGetTaskID, map[string]string{"pushType": "0", "messageJson": text(msg)})
	Expect(r.Code).To(Equal("200"), r.Message)
	return taskOf(r).TaskID.String()
}

func taskOf(r reply) taskValue {
	GinkgoHelper()
	var v taskValue
	Expect(json.Unmarshal(r.Value, &v)).To(Succeed(), string(r.Value))
	return v
}

var _ = Describe("Meizu tasks", func() {
	var (
		f     *fixture
		alice world.Device
	)
	BeforeEach(func() {
		f = newFixture(nil)
		alice = f.phone("alice")
	})

	Describe("getTaskId", func() {
		It("stores the message and answers value {taskId, pushType, appId} as numbers; nothing is sent", func() {
			_, r := f.postRaw(meizu.PathGetTaskID, f.signed(map[string]string{"pushType": "0", "messageJson": text(public("sale"))}).Encode())
			Expect(r.Code).To(Equal("200"))
			Expect(r.Message).To(Equal(""))
			Expect(r.Redirect).NotTo(BeNil())
			Expect(string(r.Value)).To(MatchRegexp(`^\{"taskId":\d+,"pushType":0,"appId":\d+\}$`))
			v := taskOf(r)
			Expect(v.AppID.String()).To(Equal(f.app.ID))
			Expect(f.shade("alice").Shown).To(BeEmpty())
			e := f.lastRequest()
			Expect(e.Rule).To(Equal("meizu.task.create"))
			Expect(e.MessageID).To(Equal(v.TaskID.String()))
			Expect(f.newTask(public("again"))).NotTo(Equal(v.TaskID.String()), "every task has its own id")
		})

		DescribeTable("refuses what pushByPushId would refuse, and a bad pushType",
			func(form map[string]string, code, rule string) {
				r := f.call(meizu.PathGetTaskID, form)
				Expect(r.Code).To(Equal(code))
				Expect(r.Message).To(Equal(meizu.Text(code)))
				Expect(string(r.Value)).To(Equal(`""`))
				Expect(f.lastRequest().Rule).To(Equal(rule))
			},
			Entry("no pushType", map[string]string{"messageJson": text(public("x"))}, "110004", "meizu.task.create"),
			Entry("pushType 2", map[string]string{"pushType": "2", "messageJson": text(public("x"))}, "1005", "meizu.task.create"),
			Entry("no messageJson", map[string]string{"pushType": "0"}, "110004", "meizu.params.required"),
			Entry("no title", map[string]string{"pushType": "0", "messageJson": `{"noticeBarInfo":{"content":"x"}}`}, "110004", "meizu.notice.title"),
			Entry("messageJson not JSON", map[string]string{"pushType": "0", "messageJson": `{"noticeBarInfo":`}, "1005", "meizu.message.json"),
			Entry("pass-through while restricted", map[string]string{"pushType": "1", "messageJson": `{"content":"x"}`}, "110053", "meizu.pass-through.restricted"),
		)

		It("checks the sign as every Meizu API does", func() {
			form := f.signed(map[string]string{"pushType": "0", "messageJson": text(public("x"))})
			form.Set("pushType", "1")
			_, r := f.postRaw(meizu.PathGetTaskID, form.Encode())
			Expect(r.Code).To(Equal("1006"))
			Expect(f.lastRequest().Rule).To(Equal("meizu.auth.sign"))
		})
	})

	Describe("task/varnished/pushByPushId and pushByAlias", func() {
		It("sends the stored message with pushByPushId's answer: msgId, and the refused targets under their codes", func() {
			id := f.newTask(notice("News", "上新", 0, map[string]any{"clickTypeInfo": map[string]any{"clickType": 2, "url": "https://example.com/s"}}))
			bad := "nope"
			r := f.call(meizu.PathTaskPushByPushID, map[string]string{"taskId": id, "pushIds": alice.Token + "," + bad})
			Expect(r.Code).To(Equal("200"))
			Expect(r.MsgID).To(MatchRegexp(`^[0-9a-f]{32}$`))
			Expect(r.failed()).To(Equal(map[string][]string{"110003": {bad}}))
			n := f.shade("alice").Shown
			Expect(n).To(HaveLen(1))
			Expect(n[0].Body).To(Equal("上新"))
			Expect(n[0].MessageID).To(Equal(r.MsgID))
			Expect(n[0].Click).To(Equal(world.Click{Type: world.ClickURL, Target: "https://example.com/s"}))
			e := f.lastRequest()
			Expect(e.Rule).To(Equal("meizu.task.push"))
			Expect(e.Reason).To(HavePrefix("task " + id))

			// The same task again, to another phone, by alias.
			bob := f.phone("bob")
			r = f.call(meizu.PathTaskPushByAlias, map[string]string{"taskId": id, "alias": "bob,carol"})
			Expect(r.failed()).To(Equal(map[string][]string{"110005": {"carol"}}))
			Expect(f.shade(bob.Name).Shown).To(ConsistOf(HaveField("Body", "上新")))
		})

		It("applies the per-phone caps to a task push as to any push", func() {
			g := newFixture(func(a *world.App) { a.Quotas = map[string]int{"public_per_device": 1} })
			p := g.phone("p")
			id := g.newTask(public("n"))
			Expect(string(g.call(meizu.PathTaskPushByPushID, map[string]string{"taskId": id, "pushIds": p.Token}).Value)).To(Equal("{}"))
			Expect(g.call(meizu.PathTaskPushByPushID, map[string]string{"taskId": id, "pushIds": p.Token}).failed()).To(
				Equal(map[string][]string{"110011": {p.Token}}))
		})

		It("takes at most 100 targets", func() {
			id := f.newTask(public("n"))
			ids := make([]string, 101)
			for i := range ids {
				ids[i] = f.srv.Vendor("meizu").NewToken(&f.app)
			}
			r := f.call(meizu.PathTaskPushByPushID, map[string]string{"taskId": id, "pushIds": strings.Join(ids, ",")})
			Expect(r.Code).To(Equal("1005"))
			Expect(f.lastRequest().Rule).To(Equal("meizu.targets.max"))
		})

		It("checks the message again when it is pushed: a display window that has closed is 1005", func() {
			end := start.Add(time.Hour).Format("2006-01-02 15:04:05")
			id := f.newTask(notice("News", "n", 0, map[string]any{"advanceInfo": map[string]any{
				"fixDisplay": 1, "fixStartDisplayTime": start.Format("2006-01-02 15:04:05"), "fixEndDisplayTime": end}}))
			f.clock.Advance(2 * time.Hour)
			r := f.call(meizu.PathTaskPushByPushID, map[string]string{"taskId": id, "pushIds": alice.Token})
			Expect(r.Code).To(Equal("1005"))
			Expect(f.lastRequest().Rule).To(Equal("meizu.display.window"))
		})

		DescribeTable("answers a missing taskId 110004 and one that is not the app's 110032 非法的taskId",
			func(taskID func(*fixture) string, path, code string) {
				form := map[string]string{"pushIds": alice.Token}
				if id := taskID(f); id != "" {
					form["taskId"] = id
				}
				shown := len(f.shade("alice").Shown)
				r := f.call(path, form)
				Expect(r.Code).To(Equal(code))
				Expect(r.Message).To(Equal(meizu.Text(code)))
				Expect(f.lastRequest().Rule).To(Equal("meizu.task.id"))
				Expect(f.shade("alice").Shown).To(HaveLen(shown), "nothing more is shown")
			},
			Entry("missing", func(*fixture) string { return "" }, meizu.PathTaskPushByPushID, "110004"),
			Entry("not a number", func(*fixture) string { return "abc" }, meizu.PathTaskPushByPushID, "110032"),
			Entry("never made", func(*fixture) string { return "1" }, meizu.PathTaskPushByPushID, "110032"),
			Entry("another app's", func(f *fixture) string {
				other := world.App{Vendor: "meizu", Name: "other", Package: "com.example.other"}
				f.srv.Vendor("meizu").DemoApp(&other)
				_, err := f.w.AddApp(other)
				Expect(err).NotTo(HaveOccurred())
				form := map[string]string{"appId": other.ID, "pushType": "0", "messageJson": text(public("x"))}
				v := url.Values{}
				for k, x := range form {
					v.Set(k, x)
				}
				v.Set("sign", meizu.Sign(form, other.Secret))
				_, r := f.postRaw(meizu.PathGetTaskID, v.Encode())
				Expect(r.Code).To(Equal("200"))
				return taskOf(r).TaskID.String()
			}, meizu.PathTaskPushByPushID, "110032"),
			Entry("a notification task on the pass-through path", func(f *fixture) string { return f.newTask(public("x")) }, meizu.PathTaskPassThroughByPushID, "110032"),
			Entry("a pushToApp task", func(f *fixture) string {
				return taskOf(f.call(meizu.PathPushToApp, map[string]string{"pushType": "0", "messageJson": text(public("x"))})).TaskID.String()
			}, meizu.PathTaskPushByPushID, "110032"),
		)

		It("keeps tasks_max tasks per app: the oldest is forgotten (110032), and a world reset forgets all", func() {
			g := newFixture(func(a *world.App) { a.Quotas = map[string]int{"tasks_max": 2} })
			p := g.phone("p")
			first, second, third := g.newTask(public("1")), g.newTask(public("2")), g.newTask(public("3"))
			Expect(g.call(meizu.PathTaskPushByPushID, map[string]string{"taskId": first, "pushIds": p.Token}).Code).To(Equal("110032"))
			Expect(g.call(meizu.PathTaskPushByPushID, map[string]string{"taskId": second, "pushIds": p.Token}).Code).To(Equal("200"))
			Expect(g.lastRequest().Reason).To(HavePrefix("task " + second))

			g.w.Reset()
			_, err := g.w.AddApp(g.app)
			Expect(err).NotTo(HaveOccurred())
			Expect(g.call(meizu.PathTaskPushByPushID, map[string]string{"taskId": third, "pushIds": p.Token}).Code).To(Equal("110032"))
		})

		It("pushes a pass-through task on the unvarnished path when the app may use pass-through", func() {
			g := newFixture(func(a *world.App) { a.Settings = map[string]string{"pass_through": "allowed"} })
			p := g.phone("p")
			r := g.call(meizu.PathGetTaskID, map[string]string{"pushType": "1", "messageJson": `{"content":"cmd:sync"}`})
			Expect(string(r.Value)).To(ContainSubstring(`"pushType":1`))
			id := taskOf(r).TaskID.String()
			Expect(g.call(meizu.PathTaskPushByPushID, map[string]string{"taskId": id, "pushIds": p.Token}).Code).To(Equal("110032"))
			Expect(g.call(meizu.PathTaskPassThroughByPushID, map[string]string{"taskId": id, "pushIds": p.Token}).Code).To(Equal("200"))
			s := g.shade("p")
			Expect(s.Shown).To(BeEmpty())
			Expect(s.Inbox).To(ConsistOf(HaveField("Payload", "cmd:sync")))
		})
	})

	It("keeps tasks apart under concurrent calls", func() {
		g := newFixture(func(a *world.App) { a.Quotas = map[string]int{"qps": 0, "device_per_minute": 0, "tasks_max": 5} })
		p := g.phone("p")
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				defer GinkgoRecover()
				id := g.newTask(private("m" + strconv.Itoa(i)))
				r := g.call(meizu.PathTaskPushByPushID, map[string]string{"taskId": id, "pushIds": p.Token})
				Expect(r.Code).To(BeElementOf("200", "110032")) // another goroutine's task may push it out
			})
		}
		wg.Wait()
		Expect(len(g.shade("p").Shown)).To(BeNumerically(">=", 1))
	})

	Describe("pushToApp", func() {
		It("sends to every phone that has the app, answers the taskId, and lists refusals in the ledger only", func() {
			bob := f.phone("bob")
			f.phone("carol", func(d *world.Device) { d.Uninstalled = true })
			dave := f.phone("dave", func(d *world.Device) { d.NotificationsOff = true })
			r := f.call(meizu.PathPushToApp, map[string]string{"pushType": "0", "messageJson": text(public("全网活动"))})
			Expect(r.Code).To(Equal("200"))
			Expect(r.MsgID).To(BeEmpty())
			v := taskOf(r)
			Expect(v.PushType.String()).To(Equal("0"))
			for _, name := range []string{"alice", bob.Name} {
				Expect(f.shade(name).Shown).To(ConsistOf(And(HaveField("Body", "全网活动"), HaveField("MessageID", v.TaskID.String()))), name)
			}
			Expect(f.shade("carol").Shown).To(BeEmpty())
			Expect(f.shade("dave").Shown).To(BeEmpty())
			Expect(f.w.Ledger(world.Filter{Kind: world.KindDelivery, Device: dave.ID})).To(ConsistOf(And(
				HaveField("Code", "110010"), HaveField("Rule", "meizu.switch.off"), HaveField("MessageID", v.TaskID.String()))))
			e := f.lastRequest()
			Expect(e.Rule).To(Equal("meizu.task.push-to-app"))
			Expect(e.Reason).To(ContainSubstring("3 phone(s)"))
		})

		It("counts each phone's daily public cap", func() {
			g := newFixture(func(a *world.App) { a.Quotas = map[string]int{"public_per_device": 1} })
			p := g.phone("p")
			g.push(p.Token, public("first"))
			Expect(g.call(meizu.PathPushToApp, map[string]string{"pushType": "0", "messageJson": text(public("all"))}).Code).To(Equal("200"))
			Expect(g.shade("p").Shown).To(HaveLen(1))
			Expect(g.w.Ledger(world.Filter{Kind: world.KindDelivery, Rule: "meizu.quota.public-daily"})).To(HaveLen(1))
		})

		DescribeTable("refuses pass-through, a missing pushType and a bad schedule",
			func(form map[string]string, code, rule string) {
				r := f.call(meizu.PathPushToApp, form)
				Expect(r.Code).To(Equal(code))
				Expect(f.lastRequest().Rule).To(Equal(rule))
				Expect(f.shade("alice").Shown).To(BeEmpty())
			},
			Entry("pushType 1", map[string]string{"pushType": "1", "messageJson": `{"content":"x"}`}, "110053", "meizu.task.push-to-app"),
			Entry("no pushType", map[string]string{"messageJson": text(public("x"))}, "110004", "meizu.task.push-to-app"),
			Entry("pushTimeType 1 without startTime", map[string]string{"pushType": "0",
				"messageJson": text(notice("N", "x", 0, map[string]any{"pushTimeInfo": map[string]any{"pushTimeType": 1}}))}, "1005", "meizu.task.schedule"),
			Entry("pushTimeType 2", map[string]string{"pushType": "0",
				"messageJson": text(notice("N", "x", 0, map[string]any{"pushTimeInfo": map[string]any{"pushTimeType": 2}}))}, "1005", "meizu.task.schedule"),
		)

		It("holds a scheduled task for every phone until startTime, its validTime counted from there", func() {
			at := start.Add(30 * time.Hour).Format("2006-01-02 15:04:05")
			msg := notice("N", "明早", 0, map[string]any{"pushTimeInfo": map[string]any{"pushTimeType": 1, "startTime": at, "validTime": 1}})
			r := f.call(meizu.PathPushToApp, map[string]string{"pushType": "0", "messageJson": text(msg)})
			Expect(r.Code).To(Equal("200"))
			Expect(f.lastRequest().Rule).To(Equal("meizu.task.schedule"))
			s := f.shade("alice")
			Expect(s.Shown).To(BeEmpty())
			Expect(s.Pending).To(Equal(1))
			f.clock.Advance(30*time.Hour + time.Minute)
			f.w.Tick()
			Expect(f.shade("alice").Shown).To(ConsistOf(HaveField("Body", "明早")))
		})
	})

	Describe("cancel", func() {
		scheduled := func(f *fixture) string {
			GinkgoHelper()
			at := start.Add(time.Hour).Format("2006-01-02 15:04:05")
			msg := notice("N", "later", 0, map[string]any{"pushTimeInfo": map[string]any{"pushTimeType": 1, "startTime": at}})
			return taskOf(f.call(meizu.PathPushToApp, map[string]string{"pushType": "0", "messageJson": text(msg)})).TaskID.String()
		}

		It("withdraws what a pushToApp task has not delivered and answers value {result: true}; a second cancel is 500", func() {
			id := scheduled(f)
			r := f.call(meizu.PathCancelTask, map[string]string{"taskId": id, "pushType": "0"})
			Expect(r.Code).To(Equal("200"))
			Expect(string(r.Value)).To(Equal(`{"result":true}`))
			Expect(f.lastRequest().Rule).To(Equal("meizu.task.cancel"))
			f.clock.Advance(2 * time.Hour)
			f.w.Tick()
			s := f.shade("alice")
			Expect(s.Shown).To(BeEmpty())
			Expect(s.Dropped).To(ConsistOf(HaveField("Rule", "meizu.task.cancel")))

			r = f.call(meizu.PathCancelTask, map[string]string{"taskId": id})
			Expect(r.Code).To(Equal("500"))
			Expect(r.Message).To(Equal("任务已取消[已完成]，无法取消"))
		})

		It("withdraws what waits for an offline phone, and leaves what was shown", func() {
			bob := f.phone("bob", func(d *world.Device) { d.Offline = true })
			r := f.call(meizu.PathPushToApp, map[string]string{"pushType": "0", "messageJson": text(public("now"))})
			id := taskOf(r).TaskID.String()
			Expect(f.call(meizu.PathCancelTask, map[string]string{"taskId": id}).Code).To(Equal("200"))
			Expect(f.shade("alice").Shown).To(HaveLen(1))
			_, err := f.w.UpdateDevice(bob.ID, func(d *world.Device) { d.Offline = false })
			Expect(err).NotTo(HaveOccurred())
			Expect(f.shade("bob").Shown).To(BeEmpty())
		})

		DescribeTable("refuses what it cannot cancel",
			func(taskID func(*fixture) string, code, message string) {
				r := f.call(meizu.PathCancelTask, map[string]string{"taskId": taskID(f)})
				Expect(r.Code).To(Equal(code))
				Expect(r.Message).To(Equal(message))
				Expect(string(r.Value)).To(Equal(`""`))
			},
			Entry("a task every phone got", func(f *fixture) string {
				return taskOf(f.call(meizu.PathPushToApp, map[string]string{"pushType": "0", "messageJson": text(public("x"))})).TaskID.String()
			}, "500", "任务已取消[已完成]，无法取消"),
			Entry("a getTaskId task", func(f *fixture) string { return f.newTask(public("x")) }, "110032", "非法的taskId"),
			Entry("an unknown task", func(*fixture) string { return strconv.Itoa(99) }, "110032", "非法的taskId"),
			Entry("no taskId", func(*fixture) string { return "" }, "110004", "参数不能为空"),
		)

		It("refuses a pushType other than 0 or 1 with 1005", func() {
			id := scheduled(f)
			Expect(f.call(meizu.PathCancelTask, map[string]string{"taskId": id, "pushType": "x"}).Code).To(Equal("1005"))
			Expect(f.shade("alice").Pending).To(Equal(1), "nothing was cancelled")
		})
	})
})
