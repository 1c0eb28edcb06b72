package world

import (
	"encoding/json"
	"testing"
)

// FuzzExtras checks ExtrasOf's fast path against encoding/json: whatever it
// accepts, it must read exactly as the slow path would (string values as
// strings, others as their JSON text).
func FuzzExtras(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `{"ext":"{\"x\":1}","n":-1.5e+3,"t":true,"z":null}`, `{}`, ` { "a" : "\n\t\/" } `,
		`{"a":01}`, `{"a":"\u00e9"}`, `{"a":{"b":1}}`, `{"a":"b",}`, `{"a":"b"}x`, "{\"a\":\"\xff\"}", `{"a":1,"a":2}`,
		`{"ext":"{\"chatId\":42}","k":"v"}`, `{"a":1,"b":true,"c":null,"d":-0.5e3}`, `{"a":1 2}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := flatExtras(s)
		if !ok {
			return
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(s), &raw); err != nil {
			t.Fatalf("fast path read %q, encoding/json refuses it: %v", s, err)
		}
		slow := extrasOfJSON(raw)
		if len(fast) != len(slow) {
			t.Fatalf("%q: fast %v, slow %v", s, fast, slow)
		}
		for k, v := range slow {
			if fast[k] != v {
				t.Fatalf("%q: key %q fast %q slow %q", s, k, fast[k], v)
			}
		}
	})
}

func extrasOfJSON(raw map[string]json.RawMessage) map[string]string {
	out := map[string]string{}
	for k, v := range raw {
		var s string
		if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &s) == nil {
			out[k] = s
		} else {
			out[k] = string(v)
		}
	}
	return out
}

// TestExtrasOf: what the app gets on click from a data string.
func TestExtrasOf(t *testing.T) {
	for _, c := range []struct {
		data string
		want map[string]string
	}{
		{`{"conv":"c1","n":3,"ok":true,"z":null}`, map[string]string{"conv": "c1", "n": "3", "ok": "true", "z": "null"}},
		{`{"nested":{"a":[1,2]},"u":"\u00e9"}`, map[string]string{"nested": `{"a":[1,2]}`, "u": "é"}},
		{`{"ext":"{\"x\":1}"}`, map[string]string{"ext": `{"x":1}`}},
		{`{}`, nil},
		{`plain text`, nil},
		{`["a"]`, nil},
		{`{"a":`, nil},
		{``, nil},
	} {
		got := ExtrasOf(c.data)
		if len(got) != len(c.want) {
			t.Errorf("ExtrasOf(%q) = %v, want %v", c.data, got, c.want)
			continue
		}
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("ExtrasOf(%q)[%q] = %q, want %q", c.data, k, got[k], v)
			}
		}
	}
}
