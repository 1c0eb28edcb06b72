package harness

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

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
	traceValueMax = 160  // characters of one form value or header
	traceBodyMax  = 2000 // characters of a body
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
	t.r.event(reports.EventRequest, req.Method+" "+req.URL.Host+req.URL.RequestURI(), requestDetail(req, reqBody))
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
	t.r.event(reports.EventResponse, resp.Status, cut(string(b), traceBodyMax))
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

// cut shortens s to n characters, saying how much was left out.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + fmt.Sprintf("… (%d more characters)", len(r)-n)
}
