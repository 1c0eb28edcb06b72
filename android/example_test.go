package android_test

import (
	"fmt"

	"github.com/pushsim/pushsim/android"
)

// What a Huawei phone does when the user taps a notification whose
// click_action carries the integration guide's intent URI, with the
// TUIKitDemo's manifest installed.
func ExampleResolve() {
	m, err := android.ReadManifest("testdata/tuikit/AndroidManifest.xml")
	if err != nil {
		panic(err)
	}
	click := android.Click{
		Kind:   android.ClickIntent,
		Target: "intent://com.tencent.qcloud/detail#Intent;scheme=pushscheme;launchFlags=0x4000000;component=com.tencent.qcloud.tim.tuikit/com.tencent.qcloud.tim.demo.main.MainActivity;end",
		Extras: android.Extras{{Key: "ext", Type: "String", Value: `{"entity":{"sender":"bob"}}`}},
	}
	l := android.Resolve(m, click, android.Options{Starter: android.StarterFor("huawei", "")})
	fmt.Println(l.Opens, l.Activity, l.LaunchMode)
	fmt.Println(l.Flags)
	fmt.Println(l.Data)
	ext, _ := l.Extras.Lookup("ext")
	fmt.Println(ext)

	// The same click with a scheme the manifest does not declare.
	click.Target = "intent://com.tencent.qcloud/detail#Intent;scheme=pushschema;end"
	l = android.Resolve(m, click, android.Options{Starter: android.StarterFor("huawei", "")})
	fmt.Println(l.Opens, l.Rule)
	fmt.Println(l.Reason)
	// Output:
	// activity com.tencent.qcloud.tim.demo.main.MainActivity singleTask
	// [FLAG_ACTIVITY_CLEAR_TOP FLAG_ACTIVITY_NEW_TASK]
	// pushscheme://com.tencent.qcloud/detail
	// {"entity":{"sender":"bob"}}
	// nothing android.click.filter
	// no activity of com.tencent.qcloud.tim.tuikit has an intent filter matching (action android.intent.action.VIEW; data pushschema://com.tencent.qcloud/detail); the closest, com.tencent.qcloud.tim.demo.main.MainActivity (intent-filter at line 27), fails because scheme "pushschema" of pushschema://com.tencent.qcloud/detail is not among its schemes [pushscheme] (schemes are case-sensitive)
}
