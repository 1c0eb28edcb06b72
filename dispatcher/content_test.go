package dispatcher_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pushsim/pushsim/dispatcher"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		count    string
		want     string
	}{
		{"clean text is kept", "Bob: 你好 👋", 49, "", "Bob: 你好 👋"},
		{"controls go, newline and tab stay", "a\x00b\x1b[0m\r\nc\td\u0085", 49, "", "ab[0m\nc\td"},
		{"bytes that are not UTF-8 go", "ok\xff\xfe!", 49, "", "ok!"},
		{"surrounding whitespace is trimmed", " \u3000 hi \n", 49, "", "hi"},
		{"exact limit with CJK and emoji is intact", strings.Repeat("你好👋", 16) + "吗", 49, "", strings.Repeat("你好👋", 16) + "吗"},
		{"one over is cut to the limit", strings.Repeat("你好👋", 16) + "吗吗", 49, "", strings.Repeat("你好👋", 16) + "吗"},
		{"a ZWJ family is not split", "ab👨\u200d👩\u200d👧", 4, "", "ab"},
		{"a skin tone stays with its hand", "abc👍🏽", 4, "", "abc"},
		{"a variation selector stays with its heart", "abc❤️", 4, "", "abc"},
		{"a flag's two indicators stay together", "ab🇨🇳🇯🇵", 5, "", "ab🇨🇳"},
		{"a combining accent stays with its letter", "cafe\u0301", 4, "", "caf"},
		{"keycap sequences stay whole", "ab1\ufe0f\u20e3", 4, "", "ab"},
		{"vivo's older rule counts CJK 2", "标题标题标题标题标题标题标题标题标题标题标", 40, dispatcher.CountCJK2, "标题标题标题标题标题标题标题标题标题标题"},
		{"vivo's older rule counts emoji 1", strings.Repeat("标", 19) + "👋👋👋", 40, dispatcher.CountCJK2, strings.Repeat("标", 19) + "👋👋"},
		{"no limit", strings.Repeat("x", 5000), 0, "", strings.Repeat("x", 5000)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := dispatcher.Normalize(tc.in, tc.n, tc.count)
			if got != tc.want {
				t.Fatalf("Normalize(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
			}
			if !utf8.ValidString(got) {
				t.Fatalf("not UTF-8: %q", got)
			}
		})
	}
}

func TestNormalizeKeepsCleanTextWithoutCopying(t *testing.T) {
	s := "晚上一起吃饭吗？👋 see you at 7"
	if a := testing.AllocsPerRun(100, func() { _ = dispatcher.Normalize(s, 100, "") }); a != 0 {
		t.Fatalf("Normalize allocates %v times on clean text", a)
	}
}

func TestShowable(t *testing.T) {
	for s, want := range map[string]bool{
		"": false, " ": false, "。。。": false, "?!…": false, "→ ←": false, "\u200d\ufe0f": false,
		"a": true, "7": true, "好": true, "👍": true, "🇨🇳": true, "☀": true,
	} {
		if got := dispatcher.Showable(s); got != want {
			t.Errorf("Showable(%q) = %v, want %v", s, got, want)
		}
	}
}

// FuzzNormalize: whatever comes in, what goes out is UTF-8 without control
// characters, within the limit, and a prefix of the cleaned input.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Bob", "你好👋", "a\x00\xff", "👨\u200d👩\u200d👧🇨🇳", "cafe\u0301", " \t\n"} {
		f.Add(s, 5, false)
	}
	f.Fuzz(func(t *testing.T, s string, n int, cjk bool) {
		n %= 200
		count := ""
		if cjk {
			count = dispatcher.CountCJK2
		}
		got := dispatcher.Normalize(s, n, count)
		if !utf8.ValidString(got) {
			t.Fatalf("not UTF-8: %q", got)
		}
		if strings.ContainsFunc(got, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r >= 0x7f && r <= 0x9f }) {
			t.Fatalf("control character left: %q", got)
		}
		if n > 0 {
			w := 0
			for _, r := range got {
				w++
				if cjk && r >= 0x2E80 && dispatcher.Cut(string(r), 1, count) == "" {
					w++
				}
			}
			if w > n {
				t.Fatalf("%q counts %d, limit %d", got, w, n)
			}
		}
		if !strings.HasPrefix(dispatcher.Normalize(s, 0, count), got) {
			t.Fatalf("%q is not a prefix of the whole normalised text", got)
		}
	})
}
