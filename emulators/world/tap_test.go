package world_test

import (
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/android"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("Tap", func() {
	const manifest = `<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.example.chat"><application>
<activity android:name=".MainActivity" android:exported="true"><intent-filter><action android:name="android.intent.action.MAIN"/><category android:name="android.intent.category.LAUNCHER"/></intent-filter></activity>
<activity android:name=".ChatActivity" android:exported="true"><intent-filter><action android:name="com.example.chat.OPEN"/><category android:name="android.intent.category.DEFAULT"/></intent-filter></activity>
</application></manifest>`
	var w *world.World
	show := func(vendor string, c world.Click) (string, int) {
		GinkgoHelper()
		d, ok := w.Device("alice-" + vendor)
		Expect(ok).To(BeTrue())
		_, err := w.Deliver(d.ID, world.Notification{Vendor: vendor, App: "chat", Title: "t", Click: c}, world.DeliverOptions{})
		Expect(err).NotTo(HaveOccurred())
		sh, _ := w.Shade(d.ID)
		return d.ID, sh.Shown[len(sh.Shown)-1].Seq
	}
	BeforeEach(func() {
		w = world.New(world.Options{Clock: world.NewVirtualClock(time.Date(2026, 5, 1, 10, 0, 0, 0, world.Shanghai))})
		for _, v := range []string{"oppo", "vivo", "fcm"} {
			_, err := w.AddApp(world.App{Vendor: v, Name: "chat", Package: "com.example.chat", Manifest: manifest})
			Expect(err).NotTo(HaveOccurred())
			_, err = w.Register(world.Device{Name: "alice-" + v, Vendor: v, App: "chat", Token: v})
			Expect(err).NotTo(HaveOccurred())
		}
	})

	It("reads an OPPO activity (click_action_type 4) as a class and an action (type 1) as an action", func() {
		id, seq := show("oppo", world.Click{Type: world.ClickActivity, Target: "com.example.chat.ChatActivity"})
		t, err := w.Tap(id, seq)
		Expect(err).NotTo(HaveOccurred())
		Expect(t.As.Kind).To(Equal(android.ClickComponent))
		Expect(t.Activity).To(Equal("com.example.chat.ChatActivity"))

		id, seq = show("oppo", world.Click{Type: world.ClickAction, Target: "com.example.chat.OPEN"})
		t, err = w.Tap(id, seq)
		Expect(err).NotTo(HaveOccurred())
		Expect(t.As.Kind).To(Equal(android.ClickAction))
		Expect(t.Activity).To(Equal("com.example.chat.ChatActivity"))

		// Type 4 with an action name: OPPO looks for a class of that name.
		id, seq = show("oppo", world.Click{Type: world.ClickActivity, Target: "com.example.chat.OPEN"})
		t, err = w.Tap(id, seq)
		Expect(err).NotTo(HaveOccurred())
		Expect(t.As.Kind).To(Equal(android.ClickComponent))
		Expect(t.Opens).To(Equal(android.OpensNothing))
		Expect(t.Rule).To(Equal(android.RuleComponent))
	})

	It("reads a vivo skipType 4 that is not an intent: URI through Intent.parseUri, as a VIEW of that string", func() {
		id, seq := show("vivo", world.Click{Type: world.ClickActivity, Target: "com.example.chat.ChatActivity"})
		t, err := w.Tap(id, seq)
		Expect(err).NotTo(HaveOccurred())
		Expect(t.Opens).To(Equal(android.OpensNothing))
		Expect(t.Rule).To(Equal(android.RuleFilter))
		Expect(t.Reason).To(ContainSubstring("data com.example.chat.ChatActivity"))
	})

	It("uses the world.ClickAction kind as an intent action", func() {
		id, seq := show("fcm", world.Click{Type: world.ClickAction, Target: "com.example.chat.OPEN", Extras: map[string]string{"ext": "E"}})
		t, err := w.Tap(id, seq)
		Expect(err).NotTo(HaveOccurred())
		Expect(t.Activity).To(Equal("com.example.chat.ChatActivity"))
		v, ok := t.Extras.Lookup("ext")
		Expect(ok).To(BeTrue())
		Expect(v).To(Equal("E"))
	})

	It("refuses notifications that are not shown and phones that do not exist", func() {
		_, err := w.Tap("alice-fcm", 9)
		Expect(errors.Is(err, world.ErrNotShown)).To(BeTrue())
		_, err = w.Tap("nobody", 1)
		Expect(errors.Is(err, world.ErrNotFound)).To(BeTrue())
	})

	It("reports a manifest that no longer parses", func() {
		id, seq := show("fcm", world.Click{Type: world.ClickLauncher})
		a, _ := w.App("fcm", "chat")
		a.Manifest = "<manifest"
		Expect(w.UpdateApp(*a)).To(Succeed())
		_, err := w.Tap(id, seq)
		Expect(err).To(MatchError(ContainSubstring("manifest")))
	})
})
