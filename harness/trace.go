package harness

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/pushsim/pushsim/reports"
)

// recorder is the transport of every call to the emulators in a scenario:
// it puts each request and response in the trace, readable (form fields one
// a line, long values cut), so a failure shows what went over the wire.
type recorder struct {
	next http.RoundTripper
	r    *runner
}

const (
	traceValueMax = 160      // characters of one form value or header
	traceBodyMax  = 2000     // characters of a body
	traceFormMax  = 64 << 10 // bytes of a form decoded field by field
)

func (t *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		reqBody = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	quiet := t.r.quiet.Load()
	if !quiet {
		t.r.event(reports.EventRequest, req.Method+" "+req.URL.Host+req.URL.RequestURI(), requestDetail(req, reqBody))
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		t.r.event(reports.EventResponse, "transport error: "+err.Error(), "")
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if !quiet {
		t.r.event(reports.EventResponse, resp.Status, cut(string(b), traceBodyMax))
	}
	return resp, nil
}

func requestDetail(req *http.Request, body []byte) string {
	var b strings.Builder
	for _, h := range []string{"Authorization", "Content-Type"} {
		if v := req.Header.Get(h); v != "" {
			if h == "Authorization" {
				v = mask(v)
			}
			fmt.Fprintf(&b, "%s: %s\n", h, v)
		}
	}
	if strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		// Only the head of a huge form is worth decoding for a reader.
		more := ""
		if len(body) > traceFormMax {
			more = fmt.Sprintf("… (%d more bytes)\n", len(body)-traceFormMax)
			body = body[:traceFormMax]
		}
		for _, kv := range strings.Split(string(body), "&") {
			k, v, _ := strings.Cut(kv, "=")
			if uk, err := url.QueryUnescape(k); err == nil {
				k = uk
			}
			if uv, err := url.QueryUnescape(v); err == nil {
				v = uv
			}
			fmt.Fprintf(&b, "%s=%s\n", k, cut(v, traceValueMax))
		}
		b.WriteString(more)
		return b.String()
	}
	if len(body) > traceFormMax {
		// A multi-megabyte body need not be walked to say how much is left.
		i := runeIndex(body, traceBodyMax)
		fmt.Fprintf(&b, "%s… (%d more bytes)", body[:i], len(body)-i)
		return b.String()
	}
	b.WriteString(cut(string(body), traceBodyMax))
	return b.String()
}

// mask keeps the scheme word and the first characters of a credential.
func mask(v string) string {
	head := func(s string) string {
		if r := []rune(s); len(r) > 4 {
			return string(r[:4]) + "…"
		}
		return s
	}
	if scheme, cred, ok := strings.Cut(v, "="); ok {
		return scheme + "=" + head(cred)
	}
	if scheme, cred, ok := strings.Cut(v, " "); ok {
		return scheme + " " + head(cred)
	}
	return head(v)
}

// cut shortens s to n characters, saying how much was left out. It walks
// at most n runes and counts the rest without copying: a body can be
// megabytes.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := runeIndex(s, n)
	if i >= len(s) {
		return s
	}
	return s[:i] + fmt.Sprintf("… (%d more characters)", utf8.RuneCountInString(s[i:]))
}

// runeIndex is the byte index after the first n runes of s (len(s) when
// it has fewer).
func runeIndex[T string | []byte](s T, n int) int {
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		i += size
	}
	return i
}
