package apns

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/pushsim/pushsim/emulators/world"
)

// reader is a small single-pass JSON reader for the payload: the phone
// reads a handful of aps keys and hands the rest to the app as it came, so
// one pass over the bytes replaces several encoding/json decodes on the
// send path. It validates what it reads (strings, numbers, literals,
// nesting) and never panics; bad JSON sets bad.
type reader struct {
	b   []byte
	i   int
	bad bool
}

const maxDepth = 64

func (r *reader) ws() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte (0 at the end).
func (r *reader) peek() byte {
	r.ws()
	if r.i >= len(r.b) {
		return 0
	}
	return r.b[r.i]
}

func (r *reader) fail() bool { r.bad = true; return false }

// object calls fn for each key of the object at the reader; fn must
// consume the value (with one of the value methods). key is only valid
// during the call.
func (r *reader) object(fn func(key []byte)) bool {
	if r.peek() != '{' {
		return r.fail()
	}
	r.i++
	if r.peek() == '}' {
		r.i++
		return true
	}
	for {
		if r.peek() != '"' {
			return r.fail()
		}
		key, ok := r.keyBytes()
		if !ok || r.peek() != ':' {
			return r.fail()
		}
		r.i++
		fn(key)
		if r.bad {
			return false
		}
		switch r.peek() {
		case ',':
			r.i++
		case '}':
			r.i++
			return true
		default:
			return r.fail()
		}
	}
}

// keyBytes reads a string for use as a key: the raw bytes when it has no
// escapes (no allocation), else its decoded form.
func (r *reader) keyBytes() ([]byte, bool) {
	start := r.i + 1
	for j := start; j < len(r.b); j++ {
		switch c := r.b[j]; {
		case c == '"':
			r.i = j + 1
			return r.b[start:j], true
		case c == '\\':
			s, ok := r.str()
			return []byte(s), ok
		case c < 0x20:
			return nil, r.fail()
		}
	}
	return nil, r.fail()
}

// str reads a JSON string (the reader is at its opening quote).
func (r *reader) str() (string, bool) {
	if r.peek() != '"' {
		return "", r.fail()
	}
	start := r.i + 1
	j := start
	for j < len(r.b) && r.b[j] != '"' && r.b[j] != '\\' && r.b[j] >= 0x20 {
		j++
	}
	if j < len(r.b) && r.b[j] == '"' {
		r.i = j + 1
		return string(r.b[start:j]), true
	}
	out := make([]byte, 0, j-start+16)
	out = append(out, r.b[start:j]...)
	for j < len(r.b) {
		c := r.b[j]
		switch {
		case c == '"':
			r.i = j + 1
			return string(out), true
		case c < 0x20:
			return "", r.fail()
		case c != '\\':
			out = append(out, c)
			j++
			continue
		}
		if j+1 >= len(r.b) {
			return "", r.fail()
		}
		switch e := r.b[j+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			cp, ok := hex4(r.b, j+2)
			if !ok {
				return "", r.fail()
			}
			j += 4
			ru := rune(cp)
			if utf16.IsSurrogate(ru) {
				lo, ok := -1, false
				if j+7 < len(r.b) && r.b[j+2] == '\\' && r.b[j+3] == 'u' {
					lo, ok = hex4(r.b, j+4)
				}
				if d := utf16.DecodeRune(ru, rune(lo)); ok && d != utf8.RuneError {
					ru = d
					j += 6
				} else {
					ru = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, ru)
		default:
			return "", r.fail()
		}
		j += 2
	}
	return "", r.fail()
}

func hex4(b []byte, at int) (int, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	n := 0
	for _, c := range b[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			n = n<<4 | int(c-'0')
		case c >= 'a' && c <= 'f':
			n = n<<4 | int(c-'a'+10)
		case c >= 'A' && c <= 'F':
			n = n<<4 | int(c-'A'+10)
		default:
			return 0, false
		}
	}
	return n, true
}

// raw skips one value and returns its bytes as sent.
func (r *reader) raw() []byte {
	r.ws()
	start := r.i
	if !r.skip(0) {
		return nil
	}
	return r.b[start:r.i]
}

// skip reads past one value, validating it.
func (r *reader) skip(depth int) bool {
	if depth > maxDepth {
		return r.fail()
	}
	switch r.peek() {
	case '"':
		_, ok := r.keyBytes()
		return ok
	case '{':
		return r.object(func([]byte) { r.skip(depth + 1) })
	case '[':
		r.i++
		if r.peek() == ']' {
			r.i++
			return true
		}
		for {
			if !r.skip(depth + 1) {
				return false
			}
			switch r.peek() {
			case ',':
				r.i++
			case ']':
				r.i++
				return true
			default:
				return r.fail()
			}
		}
	case 't':
		return r.literal("true")
	case 'f':
		return r.literal("false")
	case 'n':
		return r.literal("null")
	default:
		_, ok := r.number()
		return ok
	}
}

func (r *reader) literal(word string) bool {
	if len(r.b)-r.i < len(word) || string(r.b[r.i:r.i+len(word)]) != word {
		return r.fail()
	}
	r.i += len(word)
	return true
}

// number reads a JSON number and returns its span.
func (r *reader) number() ([]byte, bool) {
	r.ws()
	start, j := r.i, r.i
	if j < len(r.b) && r.b[j] == '-' {
		j++
	}
	digits := func() int {
		k := j
		for j < len(r.b) && r.b[j] >= '0' && r.b[j] <= '9' {
			j++
		}
		return j - k
	}
	switch n := digits(); {
	case n == 0:
		return nil, r.fail()
	case n > 1 && r.b[j-n] == '0':
		return nil, r.fail()
	}
	if j < len(r.b) && r.b[j] == '.' {
		j++
		if digits() == 0 {
			return nil, r.fail()
		}
	}
	if j < len(r.b) && (r.b[j] == 'e' || r.b[j] == 'E') {
		j++
		if j < len(r.b) && (r.b[j] == '+' || r.b[j] == '-') {
			j++
		}
		if digits() == 0 {
			return nil, r.fail()
		}
	}
	r.i = j
	return r.b[start:j], true
}

// text reads any value as the app sees it: a string's content, anything
// else as its JSON.
func (r *reader) text() string {
	if r.peek() == '"' {
		s, _ := r.str()
		return s
	}
	return string(r.raw())
}

// count reads a non-negative whole number (badge); ok is false for
// anything else, which is skipped.
func (r *reader) count() (int, bool) {
	if c := r.peek(); c != '-' && (c < '0' || c > '9') {
		r.skip(0)
		return 0, false
	}
	span, ok := r.number()
	if !ok {
		return 0, false
	}
	n := 0
	for _, c := range span {
		if c < '0' || c > '9' || n > 1<<30 {
			f, err := strconv.ParseFloat(string(span), 64)
			if err != nil || f < 0 || f > 1<<31 {
				return 0, false
			}
			return int(f), true
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// one reads a flag: 1 (or true) is set; anything else is not.
func (r *reader) one() bool {
	switch r.peek() {
	case 't':
		return r.literal("true")
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		n, ok := r.count()
		return ok && n == 1
	}
	r.skip(0)
	return false
}

// strings reads an array of values as texts (loc-args); anything else is skipped.
func (r *reader) strings() []string {
	if r.peek() != '[' {
		r.skip(0)
		return nil
	}
	r.i++
	var out []string
	if r.peek() == ']' {
		r.i++
		return out
	}
	for {
		out = append(out, r.text())
		if r.bad {
			return nil
		}
		switch r.peek() {
		case ',':
			r.i++
		case ']':
			r.i++
			return out
		default:
			r.fail()
			return nil
		}
	}
}

// end reports whether only white space is left.
func (r *reader) end() bool { return !r.bad && r.peek() == 0 && r.i >= len(r.b) }

// payload is what the phone reads of a push's JSON.
type payload struct {
	hasAps           bool
	texts            [3]string   // title, subtitle, body
	locKeys          [3]string   // title-loc-key, subtitle-loc-key, loc-key
	locArgs          [3][]string // their arguments
	badge            int
	hasBadge         bool
	sound            string
	critical         bool
	contentAvailable bool
	level            string
	attrs            []attr            // aps keys that travel with the notification
	custom           map[string]string // top-level keys other than aps
}

type attr struct{ key, val string }

// pick is the title (0), subtitle (1) or body (2) as the phone shows it:
// the loc-key form takes precedence over the plain text.
func (p *payload) pick(app *world.App, i int) string {
	if p.locKeys[i] != "" {
		return localize(app, p.locKeys[i], p.locArgs[i])
	}
	return p.texts[i]
}

// readPayload reads a payload in one pass; ok is false when it is not a
// JSON object.
func readPayload(b []byte) (p payload, ok bool) {
	r := reader{b: b}
	r.object(func(key []byte) {
		if string(key) != "aps" {
			if p.custom == nil {
				p.custom = make(map[string]string, 4)
			}
			p.custom[string(key)] = r.text()
			return
		}
		if r.peek() != '{' {
			p.hasAps = false
			r.skip(0)
			return
		}
		p.hasAps = true
		r.object(func(k []byte) { p.apsKey(&r, k) })
	})
	return p, r.end()
}

// strOr reads a string value; any other value is skipped as "".
func (r *reader) strOr() string {
	if r.peek() == '"' {
		s, _ := r.str()
		return s
	}
	r.skip(0)
	return ""
}

func (p *payload) apsKey(r *reader, k []byte) {
	switch string(k) {
	case "alert":
		switch r.peek() {
		case '"':
			p.texts[2] = r.strOr()
		case '{':
			r.object(func(ak []byte) {
				switch string(ak) {
				case "title":
					p.texts[0] = r.strOr()
				case "subtitle":
					p.texts[1] = r.strOr()
				case "body":
					p.texts[2] = r.strOr()
				case "title-loc-key":
					p.locKeys[0] = r.strOr()
				case "subtitle-loc-key":
					p.locKeys[1] = r.strOr()
				case "loc-key":
					p.locKeys[2] = r.strOr()
				case "title-loc-args":
					p.locArgs[0] = r.strings()
				case "subtitle-loc-args":
					p.locArgs[1] = r.strings()
				case "loc-args":
					p.locArgs[2] = r.strings()
				default:
					r.skip(0)
				}
			})
		default:
			r.skip(0)
		}
	case "badge":
		p.badge, p.hasBadge = r.count()
	case "sound":
		switch r.peek() {
		case '"':
			p.sound = r.strOr()
		case '{':
			r.object(func(sk []byte) {
				switch string(sk) {
				case "name":
					p.sound = r.strOr()
				case "critical":
					p.critical = r.one()
				default:
					r.skip(0)
				}
			})
		default:
			r.skip(0)
		}
	case "interruption-level":
		p.level = r.strOr()
	case "content-available":
		raw := r.raw()
		p.contentAvailable = string(raw) == "1" || string(raw) == "true"
		p.attrs = append(p.attrs, attr{"aps.content-available", string(raw)})
	case "mutable-content":
		p.attrs = append(p.attrs, attr{"aps.mutable-content", r.text()})
	case "thread-id":
		p.attrs = append(p.attrs, attr{"aps.thread-id", r.text()})
	case "category":
		p.attrs = append(p.attrs, attr{"aps.category", r.text()})
	case "target-content-id":
		p.attrs = append(p.attrs, attr{"aps.target-content-id", r.text()})
	case "relevance-score":
		p.attrs = append(p.attrs, attr{"aps.relevance-score", r.text()})
	case "filter-criteria":
		p.attrs = append(p.attrs, attr{"aps.filter-criteria", r.text()})
	default:
		r.skip(0)
	}
}
