package admin_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/admin"
	"github.com/pushsim/pushsim/emulators/world"
)

const chatManifest = `<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.example.chat">
  <application>
    <activity android:name=".MainActivity" android:exported="true">
      <intent-filter>
        <action android:name="android.intent.action.MAIN"/>
        <category android:name="android.intent.category.LAUNCHER"/>
      </intent-filter>
    </activity>
    <activity android:name=".ChatActivity" android:exported="true" android:launchMode="singleTop">
      <intent-filter>
        <action android:name="com.example.chat.OPEN"/>
        <category android:name="android.intent.category.DEFAULT"/>
      </intent-filter>
    </activity>
    <activity android:name=".PrivateActivity" android:exported="false"/>
  </application>
</manifest>`

// tapResult is the JSON of a tap, read loosely.
type tapResult struct {
	Opens      string            `json:"opens"`
	Activity   string            `json:"activity"`
	Extras     map[string]any    `json:"extras"`
	ExtraTypes map[string]string `json:"extra_types"`
	Flags      []string          `json:"flags"`
	LaunchMode string            `json:"launch_mode"`
	URL        string            `json:"url"`
	Rule       string            `json:"rule"`
	Reason     string            `json:"reason"`
	Manifest   string            `json:"manifest"`
	As         struct{ Kind string }
}

var _ = Describe("tapping a notification", func() {
	var (
		w *world.World
		h http.Handler
	)
	BeforeEach(func() {
		w = world.New(world.Options{Clock: world.NewVirtualClock(time.Date(2026, 3, 1, 10, 0, 0, 0, world.Shanghai)), Seed: 3})
		h = admin.New(w, map[string]world.Vendor{"acme": acme{w}})
		for _, v := range []string{"xiaomi", "huawei", "vivo"} {
			_, err := w.AddApp(world.App{Vendor: v, Name: "chat", Package: "com.example.chat", Manifest: chatManifest})
			Expect(err).NotTo(HaveOccurred())
			_, err = w.Register(world.Device{Name: "alice-" + v, Vendor: v, App: "chat", Token: "t-" + v})
			Expect(err).NotTo(HaveOccurred())
		}
	})
	do := func(method, path, body string) reply {
		GinkgoHelper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, rd))
		return reply{rec.Code, rec.Header(), rec.Body.Bytes()}
	}
	deliver := func(phone string, n world.Notification) int {
		GinkgoHelper()
		d, ok := w.Device(phone)
		Expect(ok).To(BeTrue())
		n.Vendor, n.App = d.Vendor, "chat"
		_, err := w.Deliver(d.ID, n, world.DeliverOptions{})
		Expect(err).NotTo(HaveOccurred())
		sh, _ := w.Shade(phone)
		return sh.Shown[len(sh.Shown)-1].Seq
	}
	tap := func(phone string, seq int) tapResult {
		GinkgoHelper()
		r := do("POST", "/_pushsim/devices/"+phone+"/shade/"+itoa(seq)+"/tap", "")
		Expect(r.status).To(Equal(200), string(r.body))
		var t tapResult
		r.json(&t)
		return t
	}

	It("opens the Xiaomi intent_uri's activity with the MiPushMessage under key_message", func() {
		seq := deliver("alice-xiaomi", world.Notification{Title: "bob", Body: "hi", Payload: "p",
			Click:  world.Click{Type: world.ClickIntent, Target: "intent:#Intent;component=com.example.chat/.ChatActivity;launchFlags=0x4000000;S.k=v;end"},
			Extras: map[string]string{"ext": `{"conv":"c1"}`}})
		t := tap("alice-xiaomi", seq)
		Expect(t.Opens).To(Equal("activity"))
		Expect(t.Activity).To(Equal("com.example.chat.ChatActivity"))
		Expect(t.LaunchMode).To(Equal("singleTop"))
		Expect(t.Flags).To(ConsistOf("FLAG_ACTIVITY_CLEAR_TOP", "FLAG_ACTIVITY_NEW_TASK"))
		Expect(t.Extras).To(HaveKeyWithValue("k", "v"))
		Expect(t.ExtraTypes).To(HaveKeyWithValue("key_message", "MiPushMessage"))
		Expect(t.Extras["key_message"]).To(HaveKeyWithValue("extra", HaveKeyWithValue("ext", `{"conv":"c1"}`)))
		Expect(t.Extras["key_message"]).To(HaveKeyWithValue("content", "p"))
		Expect(t.Manifest).To(Equal("app"))
	})

	It("reads a Huawei action as an intent action and says why a private page does not open", func() {
		seq := deliver("alice-huawei", world.Notification{Click: world.Click{Type: world.ClickActivity, Target: "com.example.chat.OPEN", Extras: map[string]string{"ext": "E"}}})
		t := tap("alice-huawei", seq)
		Expect(t.As.Kind).To(Equal("action"))
		Expect(t.Activity).To(Equal("com.example.chat.ChatActivity"))
		Expect(t.Extras).To(Equal(map[string]any{"ext": "E"}))

		seq = deliver("alice-huawei", world.Notification{Click: world.Click{Type: world.ClickIntent, Target: "intent:#Intent;component=com.example.chat/.PrivateActivity;end"}})
		t = tap("alice-huawei", seq)
		Expect(t.Opens).To(Equal("nothing"))
		Expect(t.Rule).To(Equal("android.click.exported"))
		Expect(t.Reason).To(ContainSubstring("HMS push service"))
	})

	It("answers a problem for a notification that is not shown, a bad number and an unknown phone", func() {
		d, _ := w.Device("alice-vivo")
		Expect(w.Drop(d.ID, world.Notification{Vendor: "vivo", App: "chat"}, "vivo.test.rule", "dropped for the test", 0)).To(Succeed())
		p := do("POST", "/_pushsim/devices/alice-vivo/shade/1/tap", "").problem()
		Expect(p.Status).To(Equal(404))
		Expect(p.Detail).To(ContainSubstring("vivo.test.rule"))
		Expect(do("POST", "/_pushsim/devices/alice-vivo/shade/x/tap", "").problem().Field).To(Equal("n"))
		Expect(do("POST", "/_pushsim/devices/nobody/shade/1/tap", "").status).To(Equal(404))
		Expect(do("GET", "/_pushsim/devices/alice-vivo/shade/1/tap", "").status).To(Equal(405))
	})

	It("sets, checks and removes the manifest through PATCH", func() {
		r := do("PATCH", "/_pushsim/apps/vivo/chat", `{"manifest":"<manifest"}`)
		Expect(r.status).To(Equal(400))
		Expect(r.problem().Field).To(Equal("manifest"))
		r = do("PATCH", "/_pushsim/apps/vivo/chat", `{"manifest":"<manifest xmlns:android=\"http://schemas.android.com/apk/res/android\" package=\"org.other\"/>"}`)
		Expect(r.problem().Detail).To(ContainSubstring("org.other"))

		seq := deliver("alice-vivo", world.Notification{Click: world.Click{Type: world.ClickLauncher}})
		Expect(tap("alice-vivo", seq).Activity).To(Equal("com.example.chat.MainActivity"))
		Expect(do("PATCH", "/_pushsim/apps/vivo/chat", `{"manifest":""}`).status).To(Equal(200))
		t := tap("alice-vivo", seq)
		Expect(t.Manifest).To(Equal("default"))
		Expect(t.Activity).To(Equal("com.example.chat.MainActivity"))

		var app world.App
		Expect(json.Unmarshal(do("GET", "/_pushsim/apps/vivo/chat", "").body, &app)).To(Succeed())
		Expect(app.Manifest).To(BeEmpty())
	})

	It("creates an app with a manifest, taking its package", func() {
		body, _ := json.Marshal(map[string]any{"vendor": "acme", "name": "chat2", "manifest": chatManifest})
		r := do("POST", "/_pushsim/apps", string(body))
		Expect(r.status).To(Equal(201), string(r.body))
		var a world.App
		r.json(&a)
		Expect(a.Package).To(Equal("com.example.chat"))
		Expect(a.Manifest).To(Equal(chatManifest))
	})
})

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
