package dispatcher

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text shaping (im.content.no-avoidable-filter). Vendors filter "simple
// characters" and content they cannot show, accepting the push and never
// showing it (the guide's FAQ 按照流程接入完成，还是收不到离线推送). Before a push
// leaves, every title and body is normalised so that no such filter trips
// by accident:
//
//  1. bytes that are not UTF-8 are dropped (a vendor refuses the request);
//  2. control characters other than newline and tab are removed (phones
//     strip them; some vendors refuse them);
//  3. surrounding whitespace is trimmed (Xiaomi refuses an all-whitespace
//     title, vivo trims and counts what is left);
//  4. the text is cut to the vendor's limit under the vendor's counting rule
//     (Limits.Count), on a character boundary: never inside a character, an
//     emoji sequence (ZWJ, skin tone, variation selector, keycap), a flag or
//     a base letter and its combining marks;
//  5. a text with nothing a phone can show (only punctuation, symbols that
//     are not emoji, whitespace, control or format characters) is replaced:
//     a title by the next candidate (the sender's or group's name, then its
//     id), a body or a title without candidates by the empty placeholder
//     (Config.Placeholders[PlaceholderEmpty], default DefaultEmptyText).
//
// A vivo certificate with settings length_rule "older" counts under
// CountCJK2 (Limits.Count), as its vivo console does.
//
// For vivo, ASCII brackets become full-width ones (Limits.WideBrackets):
// its "too simple" check refuses any text holding [] or {}.
//
// What the dispatcher cannot know (a vendor's sensitive-word list, vivo's
// "too simple" judgement of plain words, digits or "测试") it leaves to the
// vendor.

// PlaceholderEmpty is the Config.Placeholders key of the text pushed
// instead of a title or body that has nothing a phone can show.
const PlaceholderEmpty = "empty"

// DefaultEmptyText is the default empty placeholder ("you have a new
// message"): plain words, without the brackets vivo's "too simple" check
// refuses (addendum §1.6).
const DefaultEmptyText = "你收到一条新消息"

// Counting rules of Limits.Count.
const (
	CountRunes = ""     // every character counts 1 (all vendors' current rules)
	CountCJK2  = "cjk2" // vivo's older rule: a CJK character counts 2, anything else (an emoji too) 1
)

// emptyText is the placeholder for a text with nothing to show.
func (d *Dispatcher) emptyText() string {
	if s := d.placeholder[PlaceholderEmpty]; s != "" {
		return s
	}
	return DefaultEmptyText
}

// shapeTitle returns the first candidate that still has something to show
// once normalised and cut for the vendor, else the empty placeholder.
func (d *Dispatcher) shapeTitle(lim Limits, candidates ...string) string {
	for _, c := range candidates {
		if s := Normalize(lim.widen(c), lim.Title, lim.Count); Showable(s) {
			return s
		}
	}
	return Normalize(lim.widen(d.emptyText()), lim.Title, lim.Count)
}

// shapeBody normalises and cuts a body, or gives the empty placeholder.
func (d *Dispatcher) shapeBody(lim Limits, body string) string {
	if s := Normalize(lim.widen(body), lim.Body, lim.Count); Showable(s) {
		return s
	}
	return Normalize(lim.widen(d.emptyText()), lim.Body, lim.Count)
}

// wideBrackets maps ASCII brackets to their full-width forms, which read
// the same on a phone (Limits.WideBrackets).
var wideBrackets = strings.NewReplacer("[", "【", "]", "】", "{", "｛", "}", "｝")

// widen applies Limits.WideBrackets before the text is cut (a full-width
// bracket counts 2 under CountCJK2); text without brackets is not copied.
func (lim Limits) widen(s string) string {
	if !lim.WideBrackets || !strings.ContainsAny(s, "[]{}") {
		return s
	}
	return wideBrackets.Replace(s)
}

// Normalize drops bytes that are not UTF-8 and control characters other
// than newline and tab, trims surrounding whitespace and cuts the text to
// at most n under the counting rule (n ≤ 0: no limit) on a character
// boundary. Clean text that fits comes back as it is, without a copy.
func Normalize(s string, n int, count string) string {
	if !clean(s) {
		s = strings.ToValidUTF8(s, "")
		s = strings.Map(func(r rune) rune {
			if isControl(r) {
				return -1
			}
			return r
		}, s)
	}
	return strings.TrimRightFunc(Cut(strings.TrimSpace(s), n, count), unicode.IsSpace)
}

// clean reports whether s is valid UTF-8 without control characters to drop.
func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20 && c != '\n' && c != '\t', c == 0x7F:
			return false
		case c >= utf8.RuneSelf:
			return utf8.ValidString(s[i:]) && !strings.ContainsFunc(s[i:], isControl)
		}
	}
	return true
}

// isControl: C0 and C1 controls and DEL, except newline and tab.
func isControl(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7F && r <= 0x9F)
}

// Cut cuts s to at most n under the counting rule, on a character boundary
// (see the text-shaping steps above); n ≤ 0 means no limit.
func Cut(s string, n int, count string) string {
	if n <= 0 || len(s) <= n && count != CountCJK2 {
		return s // n bytes hold at most n characters
	}
	used, end := 0, -1
	for i, r := range s {
		w := 1
		if count == CountCJK2 && isCJK(r) {
			w = 2
		}
		if used+w > n {
			end = i
			break
		}
		used += w
	}
	if end < 0 {
		return s
	}
	return s[:boundary(s, end)]
}

// boundary moves a cut at byte end back until it does not split a
// character sequence: the first dropped rune may not extend the last kept
// one, the last kept may not be a joiner, and a flag's two regional
// indicators stay together.
func boundary(s string, end int) int {
	for end > 0 {
		next, _ := utf8.DecodeRuneInString(s[end:])
		last, size := utf8.DecodeLastRuneInString(s[:end])
		switch {
		case extends(next), last == zwj:
		case isRegional(last) && isRegional(next) && regionalRun(s[:end])%2 == 1:
		default:
			return end
		}
		end -= size
	}
	return 0
}

const zwj = '\u200D'

// extends reports whether r continues the character before it.
func extends(r rune) bool {
	switch {
	case r == zwj, r == '\u20E3', // keycap
		r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF, // variation selectors
		r >= 0x1F3FB && r <= 0x1F3FF, // skin tones
		r >= 0xE0020 && r <= 0xE007F: // tag sequences (subdivision flags)
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me)
}

func isRegional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// regionalRun counts the regional indicators that end s.
func regionalRun(s string) int {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeLastRuneInString(s)
		if !isRegional(r) {
			break
		}
		n++
		s = s[:len(s)-size]
	}
	return n
}

// isCJK is vivo's older rule's CJK character: Han, kana, Hangul, CJK
// punctuation and full-width forms.
func isCJK(r rune) bool {
	if r < 0x2E80 {
		return false
	}
	return unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// Showable reports whether a phone shows anything of s: a letter, a digit
// or an emoji. Whitespace, punctuation, other symbols, control and format
// characters and lone combining marks show nothing a vendor accepts as
// content.
func Showable(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsNumber(r) || isEmoji(r)) {
			return true
		}
	}
	return false
}

// isEmoji: the pictographic blocks (Unicode's Extended_Pictographic, by
// ranges); skin-tone modifiers alone are not emoji.
func isEmoji(r rune) bool {
	switch {
	case r < 0x2194:
		return false
	case r >= 0x1F000 && r <= 0x1FAFF:
		return r < 0x1F3FB || r > 0x1F3FF
	case r >= 0x2600 && r <= 0x27BF, r >= 0x2300 && r <= 0x23FF, r >= 0x2B00 && r <= 0x2BFF,
		r >= 0x2194 && r <= 0x2199, r == 0x21A9, r == 0x21AA,
		r == 0x3030, r == 0x303D, r == 0x3297, r == 0x3299:
		return true
	}
	return false
}
