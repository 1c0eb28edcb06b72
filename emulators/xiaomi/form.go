package xiaomi

import (
	"net/url"
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

	extras []field // every extra.* field in order, first value of a key wins
}

func (f *form) reset() {
	*f = form{targets: f.targets[:0], packages: f.packages[:0], extras: f.extras[:0]}
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
type decodeError struct{ reason string }

func (e *decodeError) Error() string { return e.reason }

// decode reads an application/x-www-form-urlencoded body. targetKey is the
// field carrying the targets ("registration_id" or "alias"): both a single
// comma-joined value and repeated keys are accepted (the doc describes the
// first, the Java SDK sends aliases the second way). Scalar fields keep their
// first value, as url.Values.Get would.
func decode(body, targetKey string, f *form) error {
	for body != "" {
		var pair string
		pair, body, _ = strings.Cut(body, "&")
		if pair == "" {
			continue
		}
		rawKey, rawValue, _ := strings.Cut(pair, "=")
		key, err := unescape(rawKey)
		if err != nil {
			return err
		}
		value, err := unescape(rawValue)
		if err != nil {
			return err
		}
		if !utf8.ValidString(key) || !utf8.ValidString(value) {
			return &decodeError{"Parameter " + quoteKey(key) + " is not valid UTF-8."}
		}
		switch key {
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
		default:
			if k, ok := strings.CutPrefix(key, "extra."); ok && k != "" && !f.hasExtra(k) {
				f.extras = append(f.extras, field{k, value})
			}
		}
	}
	f.targets = dedupe(f.targets)
	return nil
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

// unescape is url.QueryUnescape, which returns s itself (no allocation)
// when there is nothing to unescape.
func unescape(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, nil
	}
	v, err := url.QueryUnescape(s)
	if err != nil {
		return "", &decodeError{"Malformed form encoding: " + truncate(s, 40)}
	}
	return v, nil
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
