package push

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// What the vendor clients read off the wire the same way, whoever the vendor.

// Text is a JSON string or number kept as its text: vendors send the same
// code as 200 or "200" (Honor's and Meizu's codes, Huawei's documented as
// strings), and ids as either. null leaves it as it was.
type Text string

// UnmarshalJSON takes a string, a number or null.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*t = Text(n.String())
	return nil
}

// RetryAfter parses a Retry-After header value (seconds, or an HTTP date
// after now); 0 when absent, negative, past or unreadable.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		return time.Duration(max(s, 0)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Snippet is the start of an answer a client could not read (at most 120
// bytes, then "…"), for a Result's Reason.
func Snippet(b []byte) string {
	const n = 120
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// AppendAll appends r to out once per token, with Token set: the answer
// to a whole batch.
func AppendAll(out []Result, tokens []string, r Result) []Result {
	for _, t := range tokens {
		r.Token = t
		out = append(out, r)
	}
	return out
}
