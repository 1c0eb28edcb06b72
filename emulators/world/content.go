package world

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The content filter: one check every vendor runs on the text of a push
// (title, body, the pass-through payload and any other text the phone
// shows), so "why did my push not arrive?" has the same answer shape for
// every vendor. The filter only says which rule tripped; each vendor answers
// in its own way (Huawei refuses a sensitive word with 80100016, the others
// accept and never show it, Xiaomi refuses an all-whitespace title, ...) and
// records the rule as <vendor>.content.<rule> (ContentVerdict.RuleID).
//
// Configuration, from weakest to strongest:
//   - built-in defaults: no sensitive words (no vendor publishes a list);
//   - per vendor, through the control plane (PUT /_pushsim/content/{vendor},
//     World.SetContentRules): words every app of that vendor is filtered on;
//   - per app, App.Settings:
//     "content.sensitive_words": more words, separated by commas (also
//     "，" or ";") or newlines; matched as substrings, ignoring case;
//     "sensitive_words": the same, the key Huawei's emulator used first
//     (kept working for every vendor);
//     "content.filter": "off" turns the whole filter off for the app (a
//     vendor that trusts a pre-audit, say).

// Content rules: the last part of a rule id <vendor>.content.<rule>.
const (
	// ContentSensitiveWord: the text holds a word of the sensitive list.
	ContentSensitiveWord = "sensitive-word"
	// ContentEmpty: the title or body has nothing a phone can show: it is
	// empty or only whitespace, punctuation, symbols that are not emoji,
	// control or format characters.
	ContentEmpty = "empty"
	// ContentInvalidUTF8: a text is not valid UTF-8.
	ContentInvalidUTF8 = "invalid-encoding"
	// ContentControlChars: the title or body holds control characters
	// (other than newline and tab) that the phone strips (INFO: shown).
	ContentControlChars = "control-chars"
	// ContentDuplicate: the same content was already sent (vivo's per-day
	// de-duplication of operation messages).
	ContentDuplicate = "duplicate"
)

// App.Settings keys of the content filter.
const (
	SettingSensitiveWords       = "content.sensitive_words"
	SettingSensitiveWordsLegacy = "sensitive_words"
	SettingContentFilter        = "content.filter"
)

// ContentRules configure the content filter of a vendor (control plane) or
// of an app (App.Settings, see the package comment above).
type ContentRules struct {
	// SensitiveWords are matched as substrings of every text the phone
	// would show and of the payload, ignoring case.
	SensitiveWords []string `json:"sensitive_words"`
}

// Content is the text of one push, as the vendor received it.
type Content struct {
	Title, Body string
	// Payload is pass-through or data text the app receives: checked for
	// encoding and words, never for something to show.
	Payload string
	// More is any other text the phone shows (subtitle, big text, summary):
	// checked for encoding and words; it may be empty.
	More []string
	// PassThrough: nothing is shown (a pass-through or data message), so an
	// empty title or body is fine.
	PassThrough bool
	// EitherShows: the phone shows a notification with only a title or
	// only a body (FCM), so only both empty is nothing to show.
	EitherShows bool
}

// ContentVerdict is what the filter found. Rule is the first rule that
// keeps the push from being shown as sent ("" when none); Controls counts
// the control characters the phone strips from the title and body, which
// does not stop the push.
type ContentVerdict struct {
	Rule     string // ContentInvalidUTF8, ContentSensitiveWord, ContentEmpty or ""
	Field    string // title, body, payload or text (one of Content.More)
	Word     string // the sensitive word, as configured
	Reason   string // one sentence for the ledger
	Controls int
}

// OK reports whether nothing stops the push.
func (v ContentVerdict) OK() bool { return v.Rule == "" }

// RuleID is the ledger's rule id for the verdict: <vendor>.content.<rule>.
func (v ContentVerdict) RuleID(vendor string) string {
	if v.Rule == "" {
		return ""
	}
	return vendor + ".content." + v.Rule
}

// ControlsReason is the ledger reason of the control-chars note.
func (v ContentVerdict) ControlsReason() string {
	if v.Controls == 1 {
		return "the phone strips 1 control character from the title or body and shows the rest"
	}
	return "the phone strips " + itoa(v.Controls) + " control characters from the title or body and shows the rest"
}

// contentTable is the per-vendor configuration, replaced as a whole.
type contentTable map[string]ContentRules

// SetContentRules sets the vendor-wide content rules (every app of that
// vendor); the zero ContentRules clears them. Reset clears them all.
func (w *World) SetContentRules(vendor string, r ContentRules) {
	w.contentMu.Lock()
	defer w.contentMu.Unlock()
	old := w.content.Load()
	next := make(contentTable, 4)
	if old != nil {
		for k, v := range *old {
			next[k] = v
		}
	}
	words := make([]string, 0, len(r.SensitiveWords))
	for _, s := range r.SensitiveWords {
		if s = strings.TrimSpace(s); s != "" {
			words = append(words, s)
		}
	}
	if len(words) == 0 {
		delete(next, vendor)
	} else {
		next[vendor] = ContentRules{SensitiveWords: words}
	}
	w.content.Store(&next)
	w.notify(Event{Kind: "app"})
}

// ContentRules returns the vendor-wide content rules.
func (w *World) ContentRules(vendor string) ContentRules {
	if t := w.content.Load(); t != nil {
		r := (*t)[vendor]
		r.SensitiveWords = append([]string(nil), r.SensitiveWords...)
		return r
	}
	return ContentRules{}
}

// CheckContent runs the content filter on one push of app (its Vendor
// picks the vendor-wide rules). It allocates nothing for clean text and no
// configured words.
func (w *World) CheckContent(app *App, c Content) ContentVerdict {
	var v ContentVerdict
	if app != nil && app.Settings[SettingContentFilter] == "off" {
		return v
	}
	// Encoding first: nothing else can be judged on broken text.
	switch {
	case !utf8.ValidString(c.Title):
		return ContentVerdict{Rule: ContentInvalidUTF8, Field: "title", Reason: "the title is not valid UTF-8"}
	case !utf8.ValidString(c.Body):
		return ContentVerdict{Rule: ContentInvalidUTF8, Field: "body", Reason: "the body is not valid UTF-8"}
	case !utf8.ValidString(c.Payload):
		return ContentVerdict{Rule: ContentInvalidUTF8, Field: "payload", Reason: "the payload is not valid UTF-8"}
	}
	for _, m := range c.More {
		if !utf8.ValidString(m) {
			return ContentVerdict{Rule: ContentInvalidUTF8, Field: "text", Reason: "a shown text is not valid UTF-8"}
		}
	}
	// Sensitive words: a server-side check, before what the phone makes of it.
	if word, field := w.sensitive(app, &c); word != "" {
		return ContentVerdict{Rule: ContentSensitiveWord, Field: field, Word: word,
			Reason: "the " + field + " contains the sensitive word " + quote(word)}
	}
	if !c.PassThrough {
		t, b := Showable(c.Title), Showable(c.Body)
		switch {
		case c.EitherShows && !t && !b:
			return ContentVerdict{Rule: ContentEmpty, Field: "title", Reason: "neither the title nor the body has anything to show (only whitespace, punctuation, symbols or control characters)"}
		case c.EitherShows:
		case !t:
			return ContentVerdict{Rule: ContentEmpty, Field: "title", Reason: "the title has nothing to show: " + describeEmpty(c.Title)}
		case !b:
			return ContentVerdict{Rule: ContentEmpty, Field: "body", Reason: "the body has nothing to show: " + describeEmpty(c.Body)}
		}
		v.Controls = CountControls(c.Title) + CountControls(c.Body)
	}
	return v
}

func describeEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		if s == "" {
			return "it is empty"
		}
		return "it is only whitespace"
	}
	return "only punctuation, symbols or control characters " + quote(truncateRunes(s, 20))
}

// sensitive finds the first configured word in the push's text.
func (w *World) sensitive(app *App, c *Content) (word, field string) {
	var vendorWords []string
	if t := w.content.Load(); t != nil && app != nil {
		vendorWords = (*t)[app.Vendor].SensitiveWords
	}
	var appWords, legacy string
	if app != nil {
		appWords, legacy = app.Settings[SettingSensitiveWords], app.Settings[SettingSensitiveWordsLegacy]
	}
	if len(vendorWords) == 0 && appWords == "" && legacy == "" {
		return "", ""
	}
	texts := [3]string{c.Title, c.Body, c.Payload}
	if wd, f := findWord(vendorWords, &texts, c.More); wd != "" {
		return wd, f
	}
	if wd, f := findWord(SplitWords(appWords), &texts, c.More); wd != "" {
		return wd, f
	}
	return findWord(SplitWords(legacy), &texts, c.More)
}

var textNames = [3]string{"title", "body", "payload"}

func findWord(words []string, texts *[3]string, more []string) (word, field string) {
	for _, wd := range words {
		for i := range texts {
			if containsFold(texts[i], wd) {
				return wd, textNames[i]
			}
		}
		for _, m := range more {
			if containsFold(m, wd) {
				return wd, "text"
			}
		}
	}
	return "", ""
}

// containsFold is strings.Contains ignoring case, without lowering (and
// so copying) the text: words without cased letters (CJK) are searched
// as they are, others are compared at every position with EqualFold.
func containsFold(s, sub string) bool {
	if !hasCase(sub) {
		return strings.Contains(s, sub)
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

func hasCase(s string) bool {
	for _, r := range s {
		if unicode.ToLower(r) != r || unicode.ToUpper(r) != r {
			return true
		}
	}
	return false
}

// wordCache keeps split word lists by their setting text (settings change
// rarely; the cache is bounded so odd inputs cannot grow it without end).
var wordCache struct {
	sync.RWMutex
	m map[string][]string
}

// SplitWords splits a word-list setting on commas (also "，" and ";") and
// newlines, trimming each word and dropping empty ones.
func SplitWords(s string) []string {
	if s == "" {
		return nil
	}
	wordCache.RLock()
	words, ok := wordCache.m[s]
	wordCache.RUnlock()
	if ok {
		return words
	}
	words = strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == ';' || r == '；' || r == '\n' || r == '\r'
	})
	out := words[:0]
	for _, wd := range words {
		if wd = strings.TrimSpace(wd); wd != "" {
			out = append(out, wd)
		}
	}
	wordCache.Lock()
	if wordCache.m == nil || len(wordCache.m) >= 256 {
		wordCache.m = make(map[string][]string, 16)
	}
	wordCache.m[s] = out
	wordCache.Unlock()
	return out
}

// Showable reports whether s has anything a phone can show: a letter, a
// digit or an emoji. Whitespace, punctuation, other symbols, control and
// format characters (zero-width joiners, variation selectors) and lone
// combining marks alone show nothing.
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
		if r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsNumber(r) || IsEmoji(r)) {
			return true
		}
	}
	return false
}

// IsEmoji reports whether r is a pictographic emoji (the blocks of
// Unicode's Extended_Pictographic property, approximated by ranges).
// Modifiers, joiners and variation selectors are not emoji by themselves.
func IsEmoji(r rune) bool {
	switch {
	case r < 0x2194:
		return false
	case r >= 0x1F000 && r <= 0x1FAFF: // mahjong … symbols and pictographs extended-A, flags' regional indicators
		return r < 0x1F3FB || r > 0x1F3FF // skin-tone modifiers only modify
	case r >= 0x2600 && r <= 0x27BF, // miscellaneous symbols, dingbats
		r >= 0x2300 && r <= 0x23FF,                           // ⌚ ⏰ …
		r >= 0x2B00 && r <= 0x2BFF,                           // ⬆ ⭐ ⭕ …
		r >= 0x2194 && r <= 0x2199, r == 0x21A9, r == 0x21AA, // ↔ ↕ ↖ … ↩ ↪
		r == 0x3030, r == 0x303D, r == 0x3297, r == 0x3299: // 〰 〽 ㊗ ㊙
		return true
	}
	return false
}

// IsCJK reports whether r is a CJK character in vivo's older counting rule
// (Han, kana, Hangul, CJK punctuation and full-width forms).
func IsCJK(r rune) bool {
	if r < 0x2E80 {
		return false
	}
	return unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// Counting is how a vendor counts the length of a title or body.
type Counting string

// Counting rules.
const (
	// CountRunes counts every character (rune) 1: Xiaomi, Huawei, OPPO,
	// Meizu, FCM, vivo's newer rule.
	CountRunes Counting = "runes"
	// CountCJK2 is vivo's older rule (the SDK's caculateCharSize): a CJK
	// character counts 2, anything else, an emoji too, 1.
	CountCJK2 Counting = "cjk2"
)

// TextLength is the length of s under a counting rule: what validation
// compares with the vendor's limit.
func TextLength(s string, rule Counting) int {
	if rule != CountCJK2 {
		return utf8.RuneCountInString(s)
	}
	n := 0
	for _, r := range s {
		if IsCJK(r) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// CutText cuts s to at most n under a counting rule, on a rune boundary (a
// CJK character that would go over is dropped whole): what a phone shows of
// a text it was handed longer than it displays.
func CutText(s string, n int, rule Counting) string {
	if n < 0 {
		return s
	}
	used := 0
	for i, r := range s {
		w := 1
		if rule == CountCJK2 && IsCJK(r) {
			w = 2
		}
		if used+w > n {
			return s[:i]
		}
		used += w
	}
	return s
}

// isControl reports the control characters the phone strips: C0 and C1
// controls and DEL, except newline and tab.
func isControl(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7F && r <= 0x9F)
}

// CountControls counts the characters ShowText strips from s.
func CountControls(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20 && c != '\n' && c != '\t', c == 0x7F:
			n++
		case c == 0xC2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9F: // U+0080..U+009F
			n++
			i++
		}
	}
	return n
}

// ShowText is what a phone shows of s: s without control characters other
// than newline and tab. It returns s itself when there is nothing to strip.
func ShowText(s string) string {
	if CountControls(s) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if !isControl(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Note records a ledger line about a push that was accepted and shown (or
// is still on its way) on one phone with something worth knowing: content
// shown with control characters stripped, a display window that holds it.
// It is an INFO line, not a drop.
func (w *World) Note(deviceID string, n Notification, rule, reason string, request uint64) {
	e := Entry{Kind: KindDelivery, Vendor: n.Vendor, App: n.App, Device: deviceID, Verdict: VerdictAccepted,
		Rule: rule, Reason: reason, MessageID: n.MessageID, Request: request}
	w.mu.RLock()
	if p := w.phones[deviceID]; p != nil {
		e.Tokens = []string{p.Token}
	}
	w.mu.RUnlock()
	w.Record(e)
}

func itoa(n int) string { return strconv.Itoa(n) }

func quote(s string) string { return strconv.Quote(s) }

func truncateRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i] + "…"
		}
		n--
	}
	return s
}

// InvalidJSONText reports whether the JSON text b holds a string that
// cannot be UTF-8: bytes that are not UTF-8, or a \u escape of a lone
// surrogate. encoding/json quietly turns either into U+FFFD; a vendor's
// server refuses it as invalid encoding (ContentInvalidUTF8).
func InvalidJSONText(b []byte) bool {
	if !utf8.Valid(b) {
		return true
	}
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '\\')
		if j < 0 || i+j+1 >= len(b) {
			return false
		}
		i += j
		if b[i+1] != 'u' {
			i += 2 // \\, \", \n ...: never the start of another escape
			continue
		}
		r, ok := hex4(b[i+2:])
		switch {
		case !ok:
			i += 2
			continue
		case r >= 0xDC00 && r <= 0xDFFF:
			return true // a low surrogate without its high one
		case r >= 0xD800 && r <= 0xDBFF:
			if len(b) < i+12 || b[i+6] != '\\' || b[i+7] != 'u' {
				return true
			}
			if lo, ok := hex4(b[i+8:]); !ok || lo < 0xDC00 || lo > 0xDFFF {
				return true
			}
			i += 12
			continue
		}
		i += 6
	}
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
