package vivo

import (
	"strings"
	"unicode"
)

// simpleText reports why vivo would refuse a trimmed title or content as
// "simple or meaningless" (10104), or "" when it would not. Addendum §1.6
// (Aliyun 611820, secondary): text that is only digits, only English
// letters, only symbols or only symbols and digits, text holding "测试"
// (test), and text holding {} or [] brackets are refused. Only symbols is
// the world's ContentEmpty and is checked before this.
//
// App.Settings simple_text picks how much of that list applies:
//
//	"" (default)  digits, symbols and digits, 测试, {} and []
//	"strict"      the same plus text of only English letters ("Bob", "hi"):
//	              the source lists it too, but it refuses every Latin-only
//	              title, so it is opt-in until a vendor page confirms it
//	"off"         none of these
func simpleText(s, mode string) string {
	if mode == "off" {
		return ""
	}
	if strings.Contains(s, "测试") {
		return `holds "测试" (test)`
	}
	if strings.ContainsAny(s, "{}[]") {
		return "holds {} or [] brackets"
	}
	digits, letters, other := false, false, false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits = true
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			letters = true
		case unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) && !isEmoji(r):
			// separators and symbols do not make text meaningful
		default:
			other = true
		}
	}
	switch {
	case other:
		return ""
	case digits && !letters:
		return "only digits (and symbols)"
	case letters && !digits && mode == "strict":
		return "only English letters (simple_text strict)"
	}
	return ""
}

// isEmoji: emoji are symbols a phone shows as pictures, so they carry
// meaning (the world's content filter counts them as showable too).
func isEmoji(r rune) bool {
	return r >= 0x1F000 && r <= 0x1FAFF || r >= 0x2600 && r <= 0x27BF
}
