package world_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pushsim/pushsim/emulators/world"
)

func TestCheckContent(t *testing.T) {
	w := world.New(world.Options{})
	app := &world.App{Vendor: "v", Name: "chat", Settings: map[string]string{"content.sensitive_words": "lottery, 彩票\nFREE money"}}
	tests := []struct {
		name  string
		app   *world.App
		c     world.Content
		rule  string
		field string
		word  string
		ctl   int
	}{
		{"clean text", app, world.Content{Title: "Bob", Body: "hi 你好 👋"}, "", "", "", 0},
		{"invalid UTF-8 in the title", app, world.Content{Title: "a\xffb", Body: "x"}, world.ContentInvalidUTF8, "title", "", 0},
		{"invalid UTF-8 in the payload of a pass-through", app, world.Content{Payload: "\xc3", PassThrough: true}, world.ContentInvalidUTF8, "payload", "", 0},
		{"invalid UTF-8 in other shown text", app, world.Content{Title: "a", Body: "b", More: []string{"\xed\xa0\x80"}}, world.ContentInvalidUTF8, "text", "", 0},
		{"a word in the body, ignoring case", app, world.Content{Title: "Hi", Body: "win the LOTTERY"}, world.ContentSensitiveWord, "body", "lottery", 0},
		{"a CJK word in the title", app, world.Content{Title: "买彩票", Body: "x"}, world.ContentSensitiveWord, "title", "彩票", 0},
		{"a phrase from a newline list", app, world.Content{Title: "x", Body: "get free Money now"}, world.ContentSensitiveWord, "body", "FREE money", 0},
		{"a word in the payload", app, world.Content{Payload: `{"t":"lottery"}`, PassThrough: true}, world.ContentSensitiveWord, "payload", "lottery", 0},
		{"the legacy Huawei key", &world.App{Vendor: "v", Settings: map[string]string{"sensitive_words": "spam"}}, world.Content{Title: "spam", Body: "x"}, world.ContentSensitiveWord, "title", "spam", 0},
		{"no words configured", &world.App{Vendor: "v"}, world.Content{Title: "lottery", Body: "x"}, "", "", "", 0},
		{"an empty title", app, world.Content{Title: "", Body: "x"}, world.ContentEmpty, "title", "", 0},
		{"a whitespace body", app, world.Content{Title: "x", Body: " \u3000\t\n"}, world.ContentEmpty, "body", "", 0},
		{"punctuation only", app, world.Content{Title: "x", Body: "。。。!?…"}, world.ContentEmpty, "body", "", 0},
		{"symbols that are not emoji", app, world.Content{Title: "→+=$", Body: "x"}, world.ContentEmpty, "title", "", 0},
		{"control characters only", app, world.Content{Title: "x", Body: "\x07\x1b\u0085"}, world.ContentEmpty, "body", "", 0},
		{"zero-width joiners and variation selectors only", app, world.Content{Title: "x", Body: "\u200d\ufe0f"}, world.ContentEmpty, "body", "", 0},
		{"an emoji alone shows", app, world.Content{Title: "👍", Body: "❤️"}, "", "", "", 0},
		{"a digit alone shows", app, world.Content{Title: "1", Body: "x"}, "", "", "", 0},
		{"pass-through needs nothing to show", app, world.Content{PassThrough: true, Payload: "{}"}, "", "", "", 0},
		{"either shows: a title alone is enough", app, world.Content{Title: "Bob", EitherShows: true}, "", "", "", 0},
		{"either shows: both empty is nothing", app, world.Content{Title: "…", Body: " ", EitherShows: true}, world.ContentEmpty, "title", "", 0},
		{"control characters are counted, not refused", app, world.Content{Title: "a\x00b", Body: "c\r\nd\u0080\te"}, "", "", "", 3},
		{"the filter switched off", &world.App{Vendor: "v", Settings: map[string]string{"content.filter": "off", "content.sensitive_words": "x"}}, world.Content{Title: "x\xff"}, "", "", "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := w.CheckContent(tc.app, tc.c)
			if v.Rule != tc.rule || v.Field != tc.field || v.Word != tc.word || v.Controls != tc.ctl {
				t.Fatalf("got %+v, want rule %q field %q word %q controls %d", v, tc.rule, tc.field, tc.word, tc.ctl)
			}
			if v.OK() != (tc.rule == "") {
				t.Fatalf("OK() = %v for rule %q", v.OK(), v.Rule)
			}
			if tc.rule != "" && (v.Reason == "" || v.RuleID("xiaomi") != "xiaomi.content."+tc.rule) {
				t.Fatalf("reason %q, rule id %q", v.Reason, v.RuleID("xiaomi"))
			}
		})
	}
}

func TestVendorContentRules(t *testing.T) {
	w := world.New(world.Options{})
	app := &world.App{Vendor: "oppo", Name: "chat"}
	w.SetContentRules("oppo", world.ContentRules{SensitiveWords: []string{" casino ", ""}})
	if v := w.CheckContent(app, world.Content{Title: "Casino night", Body: "x"}); v.Word != "casino" {
		t.Fatalf("vendor-wide word not applied: %+v", v)
	}
	if v := w.CheckContent(&world.App{Vendor: "vivo"}, world.Content{Title: "casino", Body: "x"}); !v.OK() {
		t.Fatalf("another vendor's word applied: %+v", v)
	}
	if got := w.ContentRules("oppo").SensitiveWords; len(got) != 1 || got[0] != "casino" {
		t.Fatalf("ContentRules = %q", got)
	}
	w.Reset()
	if v := w.CheckContent(app, world.Content{Title: "casino", Body: "x"}); !v.OK() {
		t.Fatalf("reset kept the vendor's words: %+v", v)
	}
	w.SetContentRules("oppo", world.ContentRules{SensitiveWords: []string{"a"}})
	w.SetContentRules("oppo", world.ContentRules{})
	if len(w.ContentRules("oppo").SensitiveWords) != 0 {
		t.Fatal("the zero rules did not clear the vendor's words")
	}
}

func TestShowText(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                   "plain",
		"a\x00b\x1bc\x7fd":        "abcd",
		"keep\nnew\tlines\r!":     "keep\nnew\tlines!",
		"c1\u0085\u009f controls": "c1 controls",
		"你好\u200d👋":               "你好\u200d👋", // a joiner is a format character, not a control
	} {
		if got := world.ShowText(in); got != want {
			t.Errorf("ShowText(%q) = %q, want %q", in, got, want)
		}
		if n := world.CountControls(in); n != len(in)-len(world.ShowText(in)) && !strings.Contains(in, "\u0085") {
			t.Errorf("CountControls(%q) = %d", in, n)
		}
	}
	if n := world.CountControls("c1\u0085\u009f"); n != 2 {
		t.Errorf("C1 controls counted %d, want 2", n)
	}
	s := "clean text"
	if allocs := testing.AllocsPerRun(100, func() { s = world.ShowText(s) }); allocs != 0 {
		t.Errorf("ShowText allocates %v times on clean text", allocs)
	}
}

func TestTextLength(t *testing.T) {
	tests := []struct {
		s           string
		runes, cjk2 int
	}{
		{"hello", 5, 5},
		{"你好", 2, 4},
		{"你好👋", 3, 5},      // an emoji counts 1 in both rules
		{"（全角）", 4, 8},     // full-width punctuation is CJK in the older rule
		{"안녕こんにちは", 7, 14}, // Hangul and kana too
	}
	for _, tc := range tests {
		if got := world.TextLength(tc.s, world.CountRunes); got != tc.runes {
			t.Errorf("runes(%q) = %d, want %d", tc.s, got, tc.runes)
		}
		if got := world.TextLength(tc.s, world.CountCJK2); got != tc.cjk2 {
			t.Errorf("cjk2(%q) = %d, want %d", tc.s, got, tc.cjk2)
		}
	}
	if got := world.CutText("你好👋abc", 4, world.CountRunes); got != "你好👋a" {
		t.Errorf("CutText runes = %q", got)
	}
	if got := world.CutText("a你好", 4, world.CountCJK2); got != "a你" {
		t.Errorf("CutText cjk2 = %q (a CJK character that would go over is dropped whole)", got)
	}
	// Validation and display agree: a text cut to n is within n.
	for _, rule := range []world.Counting{world.CountRunes, world.CountCJK2} {
		for n := 0; n < 12; n++ {
			if l := world.TextLength(world.CutText("标题👋Title标题", n, rule), rule); l > n {
				t.Errorf("%s: cut to %d counts %d", rule, n, l)
			}
		}
	}
}

func TestShowableAndEmoji(t *testing.T) {
	for s, want := range map[string]bool{
		"": false, "   ": false, "!!!": false, "—…·": false, "©®": false, "\u3000": false,
		"a": true, "7": true, "中": true, "😀": true, "⭐": true, "🇨🇳": true, "\u0301": false, "🏽": false,
	} {
		if got := world.Showable(s); got != want {
			t.Errorf("Showable(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestCheckContentAllocations(t *testing.T) {
	w := world.New(world.Options{})
	app := &world.App{Vendor: "v", Name: "chat", Settings: map[string]string{"content.sensitive_words": "lottery"}}
	c := world.Content{Title: "Bob", Body: "hello there, see you at 7", Payload: `{"conv":"c1"}`}
	w.CheckContent(app, c) // warm the word cache
	if allocs := testing.AllocsPerRun(100, func() { w.CheckContent(app, c) }); allocs != 0 {
		t.Errorf("CheckContent allocates %v times on clean text", allocs)
	}
}

func BenchmarkCheckContent(b *testing.B) {
	w := world.New(world.Options{})
	app := &world.App{Vendor: "v", Name: "chat"}
	c := world.Content{Title: "Bob 鲍勃", Body: "hello there 你好，明天见 👋", Payload: `{"conv":"c1"}`}
	b.ReportAllocs()
	for b.Loop() {
		w.CheckContent(app, c)
	}
}

func TestInvalidJSONText(t *testing.T) {
	for in, want := range map[string]bool{
		`{"t":"plain 你好"}`:              false,
		`{"t":"\ud83d\ude00 pair"}`:     false,
		`{"t":"\\ud800 escaped slash"}`: false,
		`{"t":"\u00e9 \n \" ok"}`:       false,
		`{"t":"\ud800"}`:                true,
		`{"t":"\ud800\u0041"}`:          true,
		`{"t":"\udc00 low alone"}`:      true,
		"{\"t\":\"\xff\"}":              true,
		`{"t":"\ud83d`:                  true,
	} {
		if got := world.InvalidJSONText([]byte(in)); got != want {
			t.Errorf("InvalidJSONText(%s) = %v, want %v", in, got, want)
		}
	}
}

// FuzzCheckContent: any text gets a verdict without panicking, the verdict
// names a known rule, and what the phone shows has no control characters.
func FuzzCheckContent(f *testing.F) {
	w := world.New(world.Options{})
	app := &world.App{Vendor: "v", Settings: map[string]string{"content.sensitive_words": "lottery,彩票"}}
	for _, s := range [][3]string{{"Bob", "hi", ""}, {"", "。。。", ""}, {"a\x00", "b\xff", "{}"}, {"彩票", "👍", "x"}, {"\u200d", "\ufe0f", "LOTTERY"}} {
		f.Add(s[0], s[1], s[2], false)
	}
	f.Fuzz(func(t *testing.T, title, body, payload string, either bool) {
		v := w.CheckContent(app, world.Content{Title: title, Body: body, Payload: payload, EitherShows: either})
		switch v.Rule {
		case "", world.ContentEmpty, world.ContentInvalidUTF8, world.ContentSensitiveWord:
		default:
			t.Fatalf("unknown rule %q", v.Rule)
		}
		if v.Rule != "" && v.Reason == "" {
			t.Fatalf("rule %q without a reason", v.Rule)
		}
		if v.Rule == "" && !utf8.ValidString(title+body+payload) {
			t.Fatalf("invalid UTF-8 passed")
		}
		if shown := world.ShowText(title); world.CountControls(shown) != 0 {
			t.Fatalf("ShowText left controls in %q", shown)
		}
	})
}
