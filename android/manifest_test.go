package android_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pushsim/pushsim/android"
)

func TestParseManifestTUIKit(t *testing.T) {
	m, err := android.ReadManifest("testdata/tuikit/AndroidManifest.xml")
	if err != nil {
		t.Fatal(err)
	}
	if m.Package != "com.tencent.qcloud.tim.tuikit" || m.TargetSDK != 31 || m.MinSDK != 19 {
		t.Errorf("package %q target %d min %d", m.Package, m.TargetSDK, m.MinSDK)
	}
	main, ok := m.Activity("com.tencent.qcloud.tim.demo.main.MainActivity")
	if !ok {
		t.Fatal("MainActivity not found")
	}
	if main.LaunchMode != "singleTask" || !main.Exported || len(main.Filters) != 1 || main.Filters[0].Line == 0 {
		t.Errorf("MainActivity = %+v", main)
	}
	f := main.Filters[0]
	if !reflect.DeepEqual(f.Schemes, []string{"pushscheme"}) || !reflect.DeepEqual(f.Authorities, []android.Authority{{Host: "com.tencent.qcloud", Port: -1}}) ||
		!reflect.DeepEqual(f.Paths, []android.PathPattern{{Kind: android.PathLiteral, Pattern: "/detail"}}) {
		t.Errorf("filter = %+v", f)
	}
	l, ok := m.Launcher()
	if !ok || l.Name != "com.tencent.qcloud.tim.demo.SplashActivity" {
		t.Errorf("launcher = %v, %v", l, ok)
	}
	if p := m.Problems(33); p != nil {
		t.Errorf("problems = %v", p)
	}
}

func TestParseManifestRules(t *testing.T) {
	const head = `<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.example.chat"><application>`
	const tail = `</application></manifest>`
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, m *android.Manifest)
	}{
		{"relative names are completed", `<activity android:name=".Main"/><activity android:name="Plain"/><activity android:name="org.other.Full"/>`, func(t *testing.T, m *android.Manifest) {
			var names []string
			for _, a := range m.Activities {
				names = append(names, a.Name)
			}
			if want := []string{"com.example.chat.Main", "com.example.chat.Plain", "org.other.Full"}; !reflect.DeepEqual(names, want) {
				t.Errorf("names = %v, want %v", names, want)
			}
		}},
		{"exported defaults to having intent filters", `<activity android:name=".A"/><activity android:name=".B"><intent-filter><action android:name="x"/></intent-filter></activity>`, func(t *testing.T, m *android.Manifest) {
			if m.Activities[0].Exported || !m.Activities[1].Exported || m.Activities[1].ExportedSet {
				t.Errorf("exported = %v %v", m.Activities[0].Exported, m.Activities[1].Exported)
			}
		}},
		{"data elements merge; aapt escapes apply", `<activity android:name=".A"><intent-filter><action android:name="android.intent.action.VIEW"/><data android:scheme="a"/><data android:scheme="b" android:host="h" android:port="81"/><data android:pathPattern="/x\\..*"/></intent-filter></activity>`, func(t *testing.T, m *android.Manifest) {
			f := m.Activities[0].Filters[0]
			if !reflect.DeepEqual(f.Schemes, []string{"a", "b"}) || f.Authorities[0] != (android.Authority{Host: "h", Port: 81}) || f.Paths[0].Pattern != `/x\..*` {
				t.Errorf("filter = %+v", f)
			}
		}},
		{"application permission and enabled apply to activities", `</application><application android:enabled="false" android:permission="p.P"><activity android:name=".A" android:permission="p.Q"/><activity android:name=".B"/>`, func(t *testing.T, m *android.Manifest) {
			a, b := m.Activities[0], m.Activities[1]
			if a.Enabled || a.Permission != "p.Q" || b.Permission != "p.P" {
				t.Errorf("a %+v b %+v", a, b)
			}
		}},
		{"an alias targets an earlier activity", `<activity android:name=".Real"/><activity-alias android:name=".Alias" android:targetActivity=".Real" android:exported="true"><intent-filter><action android:name="android.intent.action.MAIN"/><category android:name="android.intent.category.LAUNCHER"/></intent-filter></activity-alias>`, func(t *testing.T, m *android.Manifest) {
			l, ok := m.Launcher()
			if !ok || !l.Alias || l.Target != "com.example.chat.Real" {
				t.Errorf("launcher = %+v", l)
			}
		}},
		{"Android 12 refuses filters without exported when targeting 31", `</application><uses-sdk android:targetSdkVersion="31"/><application><activity android:name=".A"><intent-filter><action android:name="x"/></intent-filter></activity>`, func(t *testing.T, m *android.Manifest) {
			if p := m.Problems(31); len(p) != 1 || !strings.Contains(p[0], "requires that an explicit value for android:exported") {
				t.Errorf("problems on API 31 = %v", p)
			}
			if p := m.Problems(30); p != nil {
				t.Errorf("problems on API 30 = %v", p)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := android.ParseManifest([]byte(head + tt.body + tail))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, m)
		})
	}
}

func TestParseManifestErrors(t *testing.T) {
	for name, xml := range map[string]string{
		"not xml":         "hello",
		"wrong root":      `<application/>`,
		"unclosed":        `<manifest package="a"><application>`,
		"no name":         `<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="a"><application><activity/></application></manifest>`,
		"bad launch mode": `<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="a"><application><activity android:name=".A" android:launchMode="top"/></application></manifest>`,
		"bad exported":    `<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="a"><application><activity android:name=".A" android:exported="yes"/></application></manifest>`,
		"alias before target": `<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="a"><application>` +
			`<activity-alias android:name=".B" android:targetActivity=".A"/><activity android:name=".A"/></application></manifest>`,
		"binary garbage": "\x03\x00\x08\x00\xff\xff\xff\xff\x01\x00",
		"zip without manifest": string(func() []byte {
			b := apk([]byte("x"))
			return []byte(strings.Replace(string(b), "AndroidManifest.xml", "AndroidManifest.txt", -1))
		}()),
	} {
		if _, err := android.ParseManifest([]byte(xml)); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
	var me *android.ManifestError
	_, err := android.ParseManifest([]byte("<manifest>\n<a></b></manifest>"))
	if !errors.As(err, &me) || me.Line != 2 {
		t.Errorf("syntax error = %v, want a ManifestError on line 2", err)
	}
}

func TestParseAPK(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "chat.apk")
	if err := os.WriteFile(path, apk(chatAppBinary()), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := android.ReadManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	if m.Package != "com.example.chat" || m.TargetSDK != 33 || len(m.Activities) != 4 {
		t.Fatalf("manifest = %+v", m)
	}
	main, _ := m.Activity("com.example.chat.MainActivity")
	chat, _ := m.Activity("com.example.chat.ChatActivity")
	settings, _ := m.Activity("com.example.chat.SettingsActivity")
	if main.LaunchMode != "singleTask" || chat.LaunchMode != "singleTop" || settings.Exported || !settings.ExportedSet {
		t.Errorf("binary values: main %s chat %s settings exported %v", main.LaunchMode, chat.LaunchMode, settings.Exported)
	}
	// The plain rendering reads back the same.
	back, err := android.ParseManifest([]byte(m.XML()))
	if err != nil {
		t.Fatal(err)
	}
	for i := range back.Activities {
		back.Activities[i].Line, m.Activities[i].Line = 0, 0
		for j := range back.Activities[i].Filters {
			back.Activities[i].Filters[j].Line = 0
		}
	}
	if !reflect.DeepEqual(back, m) {
		t.Errorf("XML round trip:\n got %+v\nwant %+v", back, m)
	}
	// The bare binary manifest (unzipped from an .apk) reads the same.
	bare, err := android.ParseManifest(chatAppBinary())
	if err != nil || bare.Package != "com.example.chat" {
		t.Errorf("binary manifest: %v %v", bare, err)
	}
}

func TestSetPackage(t *testing.T) {
	m, err := android.ParseManifest([]byte(`<manifest xmlns:android="http://schemas.android.com/apk/res/android"><application><activity android:name=".Main"/><activity-alias android:name=".L" android:targetActivity=".Main"/></application></manifest>`))
	if err != nil {
		t.Fatal(err)
	}
	m.SetPackage("com.example.chat")
	if m.Activities[0].Name != "com.example.chat.Main" || m.Activities[1].Target != "com.example.chat.Main" {
		t.Errorf("after SetPackage: %+v", m.Activities)
	}
}
