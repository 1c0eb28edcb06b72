package android_test

import (
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/pushsim/pushsim/android"
)

// The integration guide's own click action (步骤3, Xiaomi/Huawei/vivo rows).
const guideIntent = "intent://com.tencent.qcloud/detail#Intent;scheme=pushscheme;launchFlags=0x4000000;component=com.tencent.qcloud.tim.tuikit/com.tencent.qcloud.tim.demo.main.MainActivity;end"

func TestParseIntentURI(t *testing.T) {
	tests := []struct {
		name string
		uri  string
		want android.Intent
	}{
		{"the guide's TUIKitDemo intent", guideIntent, android.Intent{
			Action: android.ActionView, Data: "pushscheme://com.tencent.qcloud/detail", Flags: 0x04000000,
			Component: &android.Component{Package: "com.tencent.qcloud.tim.tuikit", Class: "com.tencent.qcloud.tim.demo.main.MainActivity"},
		}},
		{"Xiaomi's documented form with a string extra (vendor-facts §1.6)",
			"intent:#Intent;component=com.example.chat/.ChatActivity;S.ext=%7B%22conv%22%3A%22c1%22%7D;end", android.Intent{
				Action:    android.ActionView,
				Component: &android.Component{Package: "com.example.chat", Class: "com.example.chat.ChatActivity"},
				Extras:    android.Extras{{Key: "ext", Type: "String", Value: `{"conv":"c1"}`}},
			}},
		{"every typed extra", "intent:#Intent;S.s=a+b%20c;B.b=TRUE;b.y=-128;c.c=%E4%BD%A0;d.d=1.5e3;f.f=2.5f;i.i=-7;l.l=9007199254740993;s.h=32767;end", android.Intent{
			Action: android.ActionView,
			Extras: android.Extras{
				{Key: "s", Type: "String", Value: "a+b c"}, // '+' stays '+': Uri.decode
				{Key: "b", Type: "boolean", Value: true},
				{Key: "y", Type: "byte", Value: int8(-128)},
				{Key: "c", Type: "char", Value: "你"},
				{Key: "d", Type: "double", Value: 1500.0},
				{Key: "f", Type: "float", Value: float32(2.5)},
				{Key: "i", Type: "int", Value: int32(-7)},
				{Key: "l", Type: "long", Value: int64(9007199254740993)},
				{Key: "h", Type: "short", Value: int16(32767)},
			},
		}},
		{"B. is false unless it says true", "intent:#Intent;B.x=yes;end", android.Intent{
			Action: android.ActionView, Extras: android.Extras{{Key: "x", Type: "boolean", Value: false}},
		}},
		{"action, categories, package, type and decoded keys", "intent:#Intent;action=com.example.OPEN;category=android.intent.category.BROWSABLE;category=x.Y;package=com.example.chat;type=text/plain;S.a%3Db=v;end", android.Intent{
			Action: "com.example.OPEN", Categories: []string{"android.intent.category.BROWSABLE", "x.Y"},
			Package: "com.example.chat", Type: "text/plain",
			Extras: android.Extras{{Key: "a=b", Type: "String", Value: "v"}},
		}},
		{"scheme alone makes scheme: data", "intent:#Intent;scheme=tel;end", android.Intent{Action: android.ActionView, Data: "tel:"}},
		{"a later key replaces an extra", "intent:#Intent;S.k=1;i.k=2;end", android.Intent{
			Action: android.ActionView, Extras: android.Extras{{Key: "k", Type: "int", Value: int32(2)}},
		}},
		{"launchFlags: the URI-permission grants are cleared", "intent:#Intent;launchFlags=0x100000C3;end", android.Intent{Action: android.ActionView, Flags: 0x10000000}},
		{"launchFlags: #hex, URL-encoded", "intent:#Intent;launchFlags=%2320;end", android.Intent{Action: android.ActionView, Flags: 0x20}},
		{"launchFlags: octal", "intent:#Intent;launchFlags=010;end", android.Intent{Action: android.ActionView, Flags: 8}},
		{"a raw '#' in the items: parseUri takes the last '#' and reads the old format", "intent:#Intent;launchFlags=#20;end", android.Intent{Action: android.ActionView, Data: "intent:#Intent;launchFlags=#20;end"}},
		{"a component without '/' is dropped", "intent:#Intent;component=com.example.Main;end", android.Intent{Action: android.ActionView, ComponentText: "com.example.Main"}},
		{"not an intent URI: a VIEW deep link", "pushscheme://com.tencent.qcloud/detail?id=1", android.Intent{Action: android.ActionView, Data: "pushscheme://com.tencent.qcloud/detail?id=1"}},
		{"intent: without a fragment is a VIEW of itself", "intent:foo", android.Intent{Action: android.ActionView, Data: "intent:foo"}},
		{"a fragment that is not #Intent; is the pre-1.0 format", "intent://h/p#action(com.x.A)component(com.x!com.x.Main)", android.Intent{
			Action: "com.x.A", Data: "intent://h/p", Component: &android.Component{Package: "com.x", Class: "com.x.Main"},
		}},
		{"android-app: package, scheme, authority", "android-app://com.example.chat/https/example.com/c/1#Intent;S.k=v;end", android.Intent{
			Action: android.ActionView, Package: "com.example.chat", Data: "https://example.com/c/1",
			Extras: android.Extras{{Key: "k", Type: "String", Value: "v"}},
		}},
		{"android-app: package only is MAIN", "android-app://com.example.chat", android.Intent{Action: android.ActionMain, Package: "com.example.chat"}},
		{"SEL: the rest is the selector", "intent:#Intent;component=a.b/.C;SEL;action=x.Y;end", android.Intent{
			Action: android.ActionView, Component: &android.Component{Package: "a.b", Class: "a.b.C"},
			Selector: &android.Intent{Action: "x.Y"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := android.ParseIntentURI(tt.uri)
			if err != nil {
				t.Fatalf("ParseIntentURI(%q): %v", tt.uri, err)
			}
			if got.HasData() != (tt.want.Data != "") {
				t.Errorf("HasData = %v, want %v", got.HasData(), tt.want.Data != "")
			}
			clean(got)
			clean(&tt.want)
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("ParseIntentURI(%q)\n got %+v\nwant %+v", tt.uri, *got, tt.want)
			}
		})
	}
}

// clean drops the unexported has-data bit so intents compare by fields.
func clean(in *android.Intent) {
	c := *in
	*in = android.Intent{Action: c.Action, Categories: c.Categories, Data: c.Data, Type: c.Type, Identifier: c.Identifier,
		Package: c.Package, Component: c.Component, ComponentText: c.ComponentText, Flags: c.Flags, Extras: c.Extras,
		Selector: c.Selector, SourceBounds: c.SourceBounds}
	if in.Selector != nil {
		clean(in.Selector)
	}
}

func TestParseIntentURIMalformed(t *testing.T) {
	for _, uri := range []string{
		"intent:#Intent;component=a/b",                          // no ;end
		"intent:#Intent;component=a/b;",                         // runs off the end
		"intent://com.tencent.qcloud/detail#Intent;scheme=x",    // no ;end
		"intent:#Intent;X.k=v;end",                              // unknown EXTRA type
		"intent:#Intent;i.n=12a;end",                            // NumberFormatException
		"intent:#Intent;i.n=2147483648;end",                     // out of int range
		"intent:#Intent;b.n=128;end",                            // out of byte range
		"intent:#Intent;c.c=;end",                               // no character
		"intent:#Intent;d.d=1,5;end",                            // not a double
		"intent:#Intent;launchFlags=0x80000000;end",             // Integer.decode overflows
		"intent:#Intent;launchFlags=0x-1;end",                   // sign in the wrong place
		"intent:#Intent;launchFlags=09;end",                     // octal
		"intent:#Intent;S;end",                                  // not name=value
		"intent://h/p#action(com.x.A",                           // pre-1.0, unclosed
		"android-app:",                                          // too short
		"intent:#Intent;S.k=v;launchFlags=0x4000000;compnent=;", // typo and no end
	} {
		_, err := android.ParseIntentURI(uri)
		var ue *android.URIError
		if !errors.As(err, &ue) {
			t.Errorf("ParseIntentURI(%q) = %v, want a *URIError", uri, err)
		}
	}
}

func TestParseIntentURIFloats(t *testing.T) {
	for _, tt := range []struct {
		v    string
		want float64
	}{{"NaN", math.NaN()}, {"-Infinity", math.Inf(-1)}, {" 2 ", 2}, {"0x1p3", 8}, {".5d", 0.5}, {"1e400", math.Inf(1)}} {
		in, err := android.ParseIntentURI("intent:#Intent;d.x=" + tt.v + ";end")
		if err != nil {
			t.Fatalf("d.x=%s: %v", tt.v, err)
		}
		got := in.Extras[0].Value.(float64)
		if got != tt.want && !(math.IsNaN(got) && math.IsNaN(tt.want)) {
			t.Errorf("d.x=%s = %v, want %v", tt.v, got, tt.want)
		}
	}
	for _, v := range []string{"inf", "1_0", "0x1", "1e", "NaNf"} {
		if _, err := android.ParseIntentURI("intent:#Intent;d.x=" + v + ";end"); err == nil {
			t.Errorf("d.x=%s parsed; Java's Double.parseDouble refuses it", v)
		}
	}
}

func TestFlagNames(t *testing.T) {
	got := android.FlagNames(0x14000000)
	want := []string{"FLAG_ACTIVITY_CLEAR_TOP", "FLAG_ACTIVITY_NEW_TASK"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FlagNames(0x14000000) = %v, want %v", got, want)
	}
}

func TestExtrasLookupAndJSON(t *testing.T) {
	var e android.Extras
	e.PutString("ext", "x")
	e.Put("key_message", "MiPushMessage", map[string]any{"extra": map[string]any{"ext": "{\"a\":1}"}})
	e.Put("n", "int", int32(3))
	if v, ok := e.Lookup("key_message.extra.ext"); !ok || v != "{\"a\":1}" {
		t.Errorf("Lookup(key_message.extra.ext) = %v, %v", v, ok)
	}
	if _, ok := e.Lookup("key_message.extra.nope"); ok {
		t.Error("Lookup found a missing nested key")
	}
	b, err := e.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"ext":"x","key_message":{"extra":{"ext":"{\"a\":1}"}},"n":3}`; string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
	var back android.Extras
	if err := back.UnmarshalJSON(b); err != nil || len(back) != 3 || back[0].Key != "ext" || back[2].Value != int64(3) {
		t.Errorf("UnmarshalJSON = %+v, %v", back, err)
	}
}
