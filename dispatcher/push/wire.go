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
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, (*string)(t))
	}
	var n json.Number // a number's text; null leaves it ""
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	if n != "" {
		*t = Text(n)
	}
	return nil
}

// Marshal is json.Marshal without HTML escapes and without a trailing
// newline: <, > and & stay as they are, so an IM ext reaches the app byte
// for byte and reads as sent in the ledger.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
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
