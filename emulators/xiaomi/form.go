package xiaomi

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// field is one extra.<key>=<value> pair, the key without its prefix.
type field struct{ key, value string }

// form is one decoded send request. Its strings point into the request body,
// so decoding a form allocates almost nothing.
type form struct {
	targets  []string // registration_id or alias values, split on commas, de-duplicated
	packages []string // restricted_package_name values, split on commas

	title, description, payload          string
	hasTitle, hasDescription, hasPayload bool

	passThrough, notifyType, notifyID, timeToLive, timeToSend string

	topic, topics, topicOp string // topic sends (topic.go): topic, topics (";$;"-joined), topic_op

	messages      string // multi-message sends (multi.go): the JSON array
	msgID, jobKey string // message status (trace.go): msg_id, job_key

	extras []field // every extra.* field in order, first value of a key wins

	arena []byte // scratch: the unescaped pairs
	refs  []ref
}

func (f *form) reset() {
	*f = form{targets: f.targets[:0], packages: f.packages[:0], extras: f.extras[:0], arena: f.arena[:0], refs: f.refs[:0]}
}

// extra returns the value of extra.<key>.
func (f *form) extra(key string) string {
	for i := range f.extras {
		if f.extras[i].key == key {
			return f.extras[i].value
		}
	}
	return ""
}

// decodeError is a request that cannot be read as a form.
type decodeError struct {
	reason  string
	content bool // the field is text the phone shows, or the payload
}

func (e *decodeError) Error() string { return e.reason }

// decode reads an application/x-www-form-urlencoded body. targetKey is the
// field carrying the targets ("registration_id" or "alias"; "" for topic
// sends, whose topic fields are kept apart, unsplit): both a single
// comma-joined value and repeated keys are accepted (the doc describes the
// first, the Java SDK sends aliases the second way). Scalar fields keep their
// first value, as url.Values.Get would.
//
// Every key and value is unescaped into one scratch buffer that becomes one
// string, so a request costs one allocation however many fields it has.
func decode(body []byte, targetKey string, f *form) error {
	f.arena, f.refs = f.arena[:0], f.refs[:0]
	for len(body) > 0 {
		var pair []byte
		pair, body, _ = bytes.Cut(body, amp)
		if len(pair) == 0 {
			continue
		}
		rawKey, rawValue, _ := bytes.Cut(pair, eq)
		var r ref
		var err error
		r.k0 = len(f.arena)
		if f.arena, err = appendUnescaped(f.arena, rawKey); err != nil {
			return err
		}
		r.k1 = len(f.arena)
		if f.arena, err = appendUnescaped(f.arena, rawValue); err != nil {
			return err
		}
		r.v1 = len(f.arena)
		f.refs = append(f.refs, r)
	}
	if len(f.refs) == 0 {
		return nil
	}
	s := string(f.arena)
	// One pass over everything; per field only when something is wrong
	// (valid as a whole does not make each field valid: a field may end
	// inside a character that the next one completes, hence the RuneStart).
	valid := utf8.ValidString(s)
	for _, r := range f.refs {
		key, value := s[r.k0:r.k1], s[r.k1:r.v1]
		if !valid || !runeStart(s, r.k1) || !runeStart(s, r.v1) {
			if !utf8.ValidString(key) || !utf8.ValidString(value) {
				return &decodeError{"Parameter " + quoteKey(key) + " is not valid UTF-8.", key == "title" || key == "description" || key == "payload"}
			}
		}
		f.set(key, value, targetKey)
	}
	f.targets = dedupe(f.targets)
	return nil
}

// ref locates one decoded pair in the scratch buffer: key [k0,k1), value [k1,v1).
type ref struct{ k0, k1, v1 int }

var amp, eq = []byte("&"), []byte("=")

func (f *form) set(key, value, targetKey string) {
	switch key {
	case "": // a pair without a key names nothing (and topic sends have no targetKey)
	case targetKey:
		f.targets = splitAppend(f.targets, value)
	case "restricted_package_name":
		f.packages = splitAppend(f.packages, value)
	case "title":
		if !f.hasTitle {
			f.title, f.hasTitle = value, true
		}
	case "description":
		if !f.hasDescription {
			f.description, f.hasDescription = value, true
		}
	case "payload":
		if !f.hasPayload {
			f.payload, f.hasPayload = value, true
		}
	case "pass_through":
		setOnce(&f.passThrough, value)
	case "notify_type":
		setOnce(&f.notifyType, value)
	case "notify_id":
		setOnce(&f.notifyID, value)
	case "time_to_live":
		setOnce(&f.timeToLive, value)
	case "time_to_send":
		setOnce(&f.timeToSend, value)
	case "topic":
		setOnce(&f.topic, value)
	case "topics":
		setOnce(&f.topics, value)
	case "topic_op":
		setOnce(&f.topicOp, value)
	case "messages":
		setOnce(&f.messages, value)
	case "msg_id":
		setOnce(&f.msgID, value)
	case "job_key":
		setOnce(&f.jobKey, value)
	default:
		if k, ok := strings.CutPrefix(key, "extra."); ok && k != "" && !f.hasExtra(k) {
			f.extras = append(f.extras, field{k, value})
		}
	}
}

func (f *form) hasExtra(key string) bool {
	for i := range f.extras {
		if f.extras[i].key == key {
			return true
		}
	}
	return false
}

func setOnce(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// appendUnescaped appends the form-decoded s ('+' is a space, %XX a byte),
// copying the runs between escapes in one go.
func appendUnescaped(dst, s []byte) ([]byte, error) {
	for len(s) > 0 {
		i := indexEscape(s)
		if i < 0 {
			return append(dst, s...), nil
		}
		dst = append(dst, s[:i]...)
		if s[i] == '+' {
			dst = append(dst, ' ')
			s = s[i+1:]
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return dst, &decodeError{reason: "Malformed form encoding: " + truncate(string(s), 40)}
		}
		dst = append(dst, unhex(s[i+1])<<4|unhex(s[i+2]))
		s = s[i+3:]
	}
	return dst, nil
}

// indexEscape is the index of the first '%' or '+' in s, or -1.
func indexEscape(s []byte) int {
	for i, c := range s {
		if c == '%' || c == '+' {
			return i
		}
	}
	return -1
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// splitAppend adds the comma-separated, space-trimmed, non-empty parts of v.
func splitAppend(dst []string, v string) []string {
	for v != "" {
		var part string
		part, v, _ = strings.Cut(v, ",")
		if part = strings.TrimSpace(part); part != "" {
			dst = append(dst, part)
		}
	}
	return dst
}

// dedupe removes repeated targets, keeping the first occurrence: the server
// sends one message per device however often its regId is listed.
func dedupe(s []string) []string {
	if len(s) < 2 {
		return s
	}
	if len(s) <= 32 {
		out := s[:1]
		for _, t := range s[1:] {
			if !contains(out, t) {
				out = append(out, t)
			}
		}
		return out
	}
	seen := make(map[string]struct{}, len(s))
	out := s[:0]
	for _, t := range s {
		if _, dup := seen[t]; !dup {
			seen[t] = struct{}{}
			out = append(out, t)
		}
	}
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func quoteKey(k string) string {
	if !utf8.ValidString(k) {
		return "(binary)"
	}
	return truncate(k, 40)
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// truncateBytes cuts b to at most n bytes on a rune boundary.
func truncateBytes(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return b[:n]
}

// runeStart reports whether s[i:] begins at a character boundary.
func runeStart(s string, i int) bool { return i >= len(s) || utf8.RuneStart(s[i]) }
