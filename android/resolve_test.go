package android_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pushsim/pushsim/android"
)

func tuikit(t *testing.T) *android.Manifest {
	t.Helper()
	m, err := android.ReadManifest("testdata/tuikit/AndroidManifest.xml")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestResolve(t *testing.T) {
	m := tuikit(t)
	pushService := android.Options{Starter: android.StarterFor("huawei", "")}
	inApp := android.Options{Starter: android.StarterFor("xiaomi", "")}
	ext := android.Extras{{Key: "ext", Type: "String", Value: `{"entity":{"sender":"bob"}}`}}
	tests := []struct {
		name     string
		click    android.Click
		opt      android.Options
		opens    string
		activity string
		rule     string
		reason   string // substring
	}{
		{"the guide's intent URI opens MainActivity", android.Click{Kind: android.ClickIntent, Target: guideIntent, Extras: ext}, pushService,
			android.OpensActivity, "com.tencent.qcloud.tim.demo.main.MainActivity", android.RuleResolves, ""},
		{"the same intent without component resolves by its filter",
			android.Click{Kind: android.ClickIntent, Target: "intent://com.tencent.qcloud/detail#Intent;scheme=pushscheme;launchFlags=0x4000000;end"}, pushService,
			android.OpensActivity, "com.tencent.qcloud.tim.demo.main.MainActivity", android.RuleResolves, ""},
		{"a wrong scheme matches no filter", android.Click{Kind: android.ClickIntent, Target: "intent://com.tencent.qcloud/detail#Intent;scheme=pushschema;end"}, pushService,
			android.OpensNothing, "", android.RuleFilter, `scheme "pushschema"`},
		{"a wrong path matches no filter", android.Click{Kind: android.ClickIntent, Target: "intent://com.tencent.qcloud/chat#Intent;scheme=pushscheme;end"}, pushService,
			android.OpensNothing, "", android.RuleFilter, `path "/chat"`},
		{"the guide's OPPO/Meizu class name", android.Click{Kind: android.ClickComponent, Target: "com.tencent.qcloud.tim.demo.main.MainActivity"}, pushService,
			android.OpensActivity, "com.tencent.qcloud.tim.demo.main.MainActivity", android.RuleResolves, ""},
		{"a class that is not declared", android.Click{Kind: android.ClickComponent, Target: "com.tencent.qcloud.tim.demo.MainActivity"}, pushService,
			android.OpensNothing, "", android.RuleComponent, "did you mean com.tencent.qcloud.tim.demo.main.MainActivity"},
		{"a component in another package", android.Click{Kind: android.ClickIntent, Target: "intent:#Intent;component=com.example.other/.Main;end"}, pushService,
			android.OpensNothing, "", android.RuleComponent, "com.example.other"},
		{"a private activity started by the push service", android.Click{Kind: android.ClickComponent, Target: "com.tencent.qcloud.tim.demo.chat.ChatActivity"}, pushService,
			android.OpensNothing, "", android.RuleExported, "not exported"},
		{"the same activity started by the SDK in the app", android.Click{Kind: android.ClickComponent, Target: "com.tencent.qcloud.tim.demo.chat.ChatActivity"}, inApp,
			android.OpensActivity, "com.tencent.qcloud.tim.demo.chat.ChatActivity", android.RuleResolves, ""},
		{"the launcher", android.Click{Kind: android.ClickLauncher}, pushService,
			android.OpensActivity, "com.tencent.qcloud.tim.demo.SplashActivity", android.RuleResolves, ""},
		{"an action no filter lists", android.Click{Kind: android.ClickAction, Target: "com.tencent.qcloud.OPEN"}, pushService,
			android.OpensNothing, "", android.RuleFilter, "action com.tencent.qcloud.OPEN"},
		{"a malformed intent URI", android.Click{Kind: android.ClickIntent, Target: "intent://com.tencent.qcloud/detail#Intent;scheme=pushscheme"}, pushService,
			android.OpensNothing, "", android.RuleIntentURI, "no ;end"},
		{"a web URL", android.Click{Kind: android.ClickURL, Target: "https://example.com/a"}, pushService,
			android.OpensBrowser, "", android.RuleBrowser, ""},
		{"a custom-scheme URL is a deep link", android.Click{Kind: android.ClickURL, Target: "pushscheme://com.tencent.qcloud/detail"}, pushService,
			android.OpensActivity, "com.tencent.qcloud.tim.demo.main.MainActivity", android.RuleResolves, ""},
		{"an http intent no activity takes opens the browser", android.Click{Kind: android.ClickIntent, Target: "https://example.com/x"}, pushService,
			android.OpensBrowser, "", android.RuleBrowser, ""},
		{"a client-defined click", android.Click{Kind: android.ClickCallback, Extras: ext}, inApp,
			android.OpensCallback, "", android.RuleCallback, ""},
		{"a component without '/' is explained", android.Click{Kind: android.ClickIntent, Target: "intent:#Intent;component=com.tencent.qcloud.tim.demo.main.MainActivity;end"}, pushService,
			android.OpensNothing, "", android.RuleFilter, "has no '/'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := android.Resolve(m, tt.click, tt.opt)
			if l.Opens != tt.opens || l.Activity != tt.activity || l.Rule != tt.rule || !strings.Contains(l.Reason, tt.reason) {
				t.Errorf("Resolve = opens %s activity %q rule %s reason %q\nwant opens %s activity %q rule %s reason ~%q",
					l.Opens, l.Activity, l.Rule, l.Reason, tt.opens, tt.activity, tt.rule, tt.reason)
			}
			if l.Opens == android.OpensNothing && l.Reason == "" {
				t.Error("nothing opens and no reason says why")
			}
		})
	}
}

func TestResolveLaunchDetails(t *testing.T) {
	m := tuikit(t)
	l := android.Resolve(m, android.Click{Kind: android.ClickIntent, Target: guideIntent + "", Extras: android.Extras{{Key: "ext", Type: "String", Value: "E"}}},
		android.Options{Starter: android.StarterFor("vivo", "")})
	if l.LaunchMode != "singleTask" || l.FlagsValue != "0x14000000" || !strings.Contains(l.Task, "onNewIntent") || l.Data != "pushscheme://com.tencent.qcloud/detail" {
		t.Errorf("launch = %+v", l)
	}
	if v, ok := l.Extras.Lookup("ext"); !ok || v != "E" {
		t.Errorf("ext extra = %v %v", v, ok)
	}
	// The vendor's extras replace the intent URI's of the same key.
	l = android.Resolve(m, android.Click{Kind: android.ClickIntent,
		Target: "intent:#Intent;component=com.tencent.qcloud.tim.tuikit/com.tencent.qcloud.tim.demo.main.MainActivity;S.ext=old;i.n=3;end",
		Extras: android.Extras{{Key: "ext", Type: "String", Value: "new"}}}, android.Options{Starter: android.StarterFor("huawei", "")})
	if len(l.Extras) != 2 || l.Extras[0].Value != "new" || l.ExtraTypes["n"] != "int" {
		t.Errorf("extras = %+v types %v", l.Extras, l.ExtraTypes)
	}
	b, err := json.Marshal(l)
	if err != nil || !strings.Contains(string(b), `"extras":{"ext":"new","n":3}`) {
		t.Errorf("json = %s %v", b, err)
	}
}

func TestResolveExplicitComponentIgnoresFilters(t *testing.T) {
	m := tuikit(t)
	wrong := strings.Replace(guideIntent, "scheme=pushscheme", "scheme=pushschema", 1)
	l := android.Resolve(m, android.Click{Kind: android.ClickIntent, Target: wrong}, android.Options{Starter: android.StarterFor("xiaomi", "")})
	if l.Opens != android.OpensActivity || len(l.Notes) != 1 || !strings.Contains(l.Notes[0], "pushschema://") {
		t.Errorf("explicit component with a wrong scheme = %+v", l)
	}
}

func TestResolveManifestProblems(t *testing.T) {
	m, err := android.ParseManifest([]byte(`<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="a.b"><uses-sdk android:targetSdkVersion="33"/><application>
<activity android:name=".Main"><intent-filter><action android:name="android.intent.action.MAIN"/><category android:name="android.intent.category.LAUNCHER"/></intent-filter></activity>
<activity android:name=".Off" android:enabled="false" android:exported="true"/>
<activity android:name=".Guarded" android:exported="true" android:permission="a.b.PRIVATE"/>
</application></manifest>`))
	if err != nil {
		t.Fatal(err)
	}
	l := android.Resolve(m, android.Click{Kind: android.ClickLauncher}, android.Options{Starter: android.StarterFor("fcm", ""), API: 33})
	if l.Opens != android.OpensNothing || l.Rule != android.RuleExportedExplicit {
		t.Errorf("Android 13 = %+v", l)
	}
	l = android.Resolve(m, android.Click{Kind: android.ClickLauncher}, android.Options{Starter: android.StarterFor("fcm", ""), API: 30})
	if l.Opens != android.OpensActivity {
		t.Errorf("Android 11 = %+v", l)
	}
	l = android.Resolve(m, android.Click{Kind: android.ClickComponent, Target: ".Off"}, android.Options{Starter: android.StarterFor("xiaomi", ""), API: 30})
	if l.Rule != android.RuleComponent || !strings.Contains(l.Reason, "disabled") {
		t.Errorf("disabled = %+v", l)
	}
	l = android.Resolve(m, android.Click{Kind: android.ClickComponent, Target: ".Guarded"}, android.Options{Starter: android.StarterFor("vivo", ""), API: 30})
	if l.Rule != android.RuleExported || !strings.Contains(l.Reason, "a.b.PRIVATE") {
		t.Errorf("permission = %+v", l)
	}
}

func TestDefaultManifest(t *testing.T) {
	m := android.DefaultManifest("com.example.chat")
	l := android.Resolve(m, android.Click{Kind: android.ClickLauncher}, android.Options{Starter: android.StarterFor("oppo", "")})
	if l.Opens != android.OpensActivity || l.Activity != "com.example.chat.MainActivity" {
		t.Errorf("launcher of the default manifest = %+v", l)
	}
	if !m.Default {
		t.Error("Default not set")
	}
}

func TestStarterFor(t *testing.T) {
	for vendor, same := range map[string]bool{"xiaomi": true, "huawei": false, "oppo": false, "vivo": false, "meizu": true, "fcm": true, "nokia": false} {
		if s := android.StarterFor(vendor, ""); s.SameApp != same || s.Source == "" {
			t.Errorf("%s: %+v", vendor, s)
		}
	}
	if !android.StarterFor("vivo", "app").SameApp || android.StarterFor("xiaomi", "push-service").SameApp {
		t.Error("click_starter does not override")
	}
}

func TestRules(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range android.Rules() {
		if seen[r.ID] || !strings.HasPrefix(r.ID, "android.") || r.Statement == "" || r.Source == "" {
			t.Errorf("rule %+v", r)
		}
		seen[r.ID] = true
	}
}
