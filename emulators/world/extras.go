package world

import (
	"encoding/json"
	"unicode/utf8"
)

// ExtrasOf reads a push's data string the way apps usually send it, a JSON
// object, into the extras the app gets on click: string values as strings,
// others as their JSON text; nil for anything that is not a JSON object.
// The string itself stays in Notification.Payload byte for byte. Huawei
// (data) and Honor (data) deliver this way; it is on their send path, so
// the common flat object is read without encoding/json.
func ExtrasOf(data string) map[string]string {
	if len(data) < 2 || data[0] != '{' {
		return nil
	}
	if m, ok := flatExtras(data); ok {
		return m
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal([]byte(data), &raw) != nil || len(raw) == 0 {
		return nil
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		var s string
		if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &s) == nil {
			out[k] = s
			continue
		}
		out[k] = string(v)
	}
	return out
}

// flatExtras is ExtrasOf's fast path for the common case, a flat object of
// strings, numbers, booleans and nulls; ok is false for anything else
// (nested values, \u escapes, invalid JSON), which the slow path decides.
func flatExtras(s string) (m map[string]string, ok bool) {
	if s == "" || s[0] != '{' {
		return nil, false
	}
	i := skipWS(s, 1)
	if i < len(s) && s[i] == '}' {
		return nil, skipWS(s, i+1) == len(s)
	}
	m = make(map[string]string, 4)
	for {
		k, n, ok := jsonString(s, i)
		if !ok {
			return nil, false
		}
		if i = skipWS(s, n); i >= len(s) || s[i] != ':' {
			return nil, false
		}
		if i = skipWS(s, i+1); i >= len(s) {
			return nil, false
		}
		var v string
		if s[i] == '"' {
			if v, n, ok = jsonString(s, i); !ok {
				return nil, false
			}
		} else {
			n = i
			for n < len(s) && s[n] != ',' && s[n] != '}' && s[n] != ' ' && s[n] != '\t' && s[n] != '\n' && s[n] != '\r' {
				n++
			}
			if v = s[i:n]; !jsonLiteral(v) {
				return nil, false
			}
		}
		m[k] = v
		if i = skipWS(s, n); i >= len(s) {
			return nil, false
		}
		switch s[i] {
		case ',':
			i = skipWS(s, i+1)
		case '}':
			return m, skipWS(s, i+1) == len(s)
		default:
			return nil, false
		}
	}
}

func skipWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// jsonString reads the JSON string starting at s[i] and returns its value
// and the index after it; \u escapes and invalid UTF-8 are left to the slow path.
func jsonString(s string, i int) (string, int, bool) {
	if i >= len(s) || s[i] != '"' {
		return "", 0, false
	}
	j := i + 1
	for j < len(s) && s[j] != '"' && s[j] != '\\' && s[j] >= 0x20 {
		j++
	}
	if j < len(s) && s[j] == '"' {
		v := s[i+1 : j]
		return v, j + 1, utf8.ValidString(v)
	}
	b := []byte(s[i+1 : j])
	for j < len(s) {
		c := s[j]
		switch {
		case c == '"':
			return string(b), j + 1, utf8.Valid(b)
		case c < 0x20:
			return "", 0, false
		case c != '\\':
			b = append(b, c)
			j++
			continue
		}
		if j+1 >= len(s) {
			return "", 0, false
		}
		switch s[j+1] {
		case '"', '\\', '/':
			b = append(b, s[j+1])
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		default: // \u and invalid escapes
			return "", 0, false
		}
		j += 2
	}
	return "", 0, false
}

// jsonLiteral reports whether v is true, false, null or a JSON number.
func jsonLiteral(v string) bool {
	switch v {
	case "true", "false", "null":
		return true
	case "":
		return false
	}
	i := 0
	if v[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(v) && v[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(v) && v[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(v)
}
