package android_test

import (
	"testing"

	"github.com/pushsim/pushsim/android"
)

// A tap is not a hot path (one per user action), but a dispatcher checks
// every certificate at load and a scenario run taps often: these keep the
// cost visible.
func BenchmarkParseIntentURI(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := android.ParseIntentURI(guideIntent); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkResolve(b *testing.B) {
	m, err := android.ReadManifest("testdata/tuikit/AndroidManifest.xml")
	if err != nil {
		b.Fatal(err)
	}
	click := android.Click{Kind: android.ClickIntent, Target: "intent://com.tencent.qcloud/detail#Intent;scheme=pushscheme;launchFlags=0x4000000;end",
		Extras: android.Extras{{Key: "ext", Type: "String", Value: "{}"}}}
	opt := android.Options{Starter: android.StarterFor("huawei", "")}
	b.ReportAllocs()
	for b.Loop() {
		if l := android.Resolve(m, click, opt); l.Opens != android.OpensActivity {
			b.Fatal(l.Reason)
		}
	}
}

func BenchmarkParseManifest(b *testing.B) {
	data := chatAppBinary()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := android.ParseManifest(data); err != nil {
			b.Fatal(err)
		}
	}
}
