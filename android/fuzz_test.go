package android_test

import (
	"testing"

	"github.com/pushsim/pushsim/android"
)

// FuzzParseIntentURI: no input panics or loops, and a parsed intent
// resolves without panicking against a real manifest.
func FuzzParseIntentURI(f *testing.F) {
	for _, s := range []string{
		guideIntent,
		"intent:#Intent;component=com.example.chat/.ChatActivity;S.ext=%7B%7D;end",
		"intent:#Intent;S.a=1;B.b=true;b.c=1;c.d=x;d.e=1.5;f.f=2;i.g=3;l.h=4;s.i=5;end",
		"android-app://com.example/https/example.com/p#Intent;end",
		"intent://h/p#action(a)categories(b!c)type(t)launchFlags(0x10)component(p!c)",
		"intent:#Intent;SEL;action=x;end", "intent:#Intent;S.k", "intent:#Intent;=;end", "%", "intent:#Intent;S.%E4=%;end",
	} {
		f.Add(s)
	}
	m := android.DefaultManifest("com.example.chat")
	f.Fuzz(func(t *testing.T, s string) {
		in, err := android.ParseIntentURI(s)
		if err != nil {
			if in != nil {
				t.Fatal("an error with an intent")
			}
			return
		}
		l := android.Resolve(m, android.Click{Kind: android.ClickIntent, Target: s}, android.Options{Starter: android.StarterFor("huawei", "")})
		if l.Opens == android.OpensNothing && l.Reason == "" {
			t.Fatalf("nothing opens without a reason for %q", s)
		}
	})
}

// FuzzParseManifest: a manifest from anywhere (plain, binary, zip) never
// panics the parser, and what parses resolves.
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="a.b"><application><activity android:name=".M" android:exported="true"><intent-filter><action android:name="android.intent.action.MAIN"/><category android:name="android.intent.category.LAUNCHER"/><data android:scheme="s" android:host="*.h" android:port="1" android:pathPattern=".*x"/></intent-filter></activity></application></manifest>`))
	f.Add(chatAppBinary())
	f.Add(apk(chatAppBinary()))
	f.Add([]byte("\x03\x00\x08\x00\x10\x00\x00\x00\x01\x00\x1c\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := android.ParseManifest(b)
		if err != nil {
			return
		}
		for _, k := range []string{android.ClickLauncher, android.ClickAction, android.ClickComponent} {
			android.Resolve(m, android.Click{Kind: k, Target: "x.Y"}, android.Options{})
		}
		if _, err := android.ParseManifest([]byte(m.XML())); err != nil && m.Package != "" {
			t.Fatalf("XML() does not read back: %v\n%s", err, m.XML())
		}
	})
}
