package console_test

import (
	"io"
	"io/fs"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/pushsim/pushsim/console"
)

func TestHandler(t *testing.T) {
	h := console.Handler()
	for _, tc := range []struct {
		method, path string
		status       int
		ctype, body  string
	}{
		{"GET", "/", 200, "text/html", `<script src="app.js" defer></script>`},
		{"HEAD", "/", 200, "text/html", ""},
		{"GET", "/app.js", 200, "text/javascript", "EventSource(API + '/events')"},
		{"GET", "/app.css", 200, "text/css", ".phone"},
		{"GET", "/favicon.svg", 200, "image/svg+xml", "<svg"},
		{"GET", "/index.html", 301, "", ""}, // the file server's canonical "/"
		{"GET", "/nope.js", 404, "text/plain", "the console is at /"},
		{"GET", "/static/app.js", 404, "text/plain", ""},
		{"GET", "/../console.go", 404, "text/plain", ""},
		{"POST", "/", 405, "text/plain", "read-only"},
		{"DELETE", "/app.js", 405, "text/plain", ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			res := rec.Result()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d (%s)", res.StatusCode, tc.status, body)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, tc.ctype) {
				t.Errorf("Content-Type %q, want %s", ct, tc.ctype)
			}
			if !strings.Contains(string(body), tc.body) {
				t.Errorf("body lacks %q", tc.body)
			}
			if tc.status == 200 {
				csp := res.Header.Get("Content-Security-Policy")
				if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "script-src 'self'") {
					t.Errorf("Content-Security-Policy %q: want the page limited to its own origin", csp)
				}
				if res.Header.Get("X-Content-Type-Options") != "nosniff" {
					t.Error("no X-Content-Type-Options: nosniff")
				}
			}
		})
	}
}

// The page works offline: nothing it loads comes from another host, and
// nothing builds it.
func TestAssetsAreSelfContained(t *testing.T) {
	remote := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//|@import|url\(\s*["']?(https?:)?//|fetch\(\s*["']https?:`)
	err := fs.WalkDir(os.DirFS("static"), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile("static/" + path)
		if err != nil {
			return err
		}
		if m := remote.Find(b); m != nil {
			t.Errorf("static/%s loads something from elsewhere: %q", path, m)
		}
		if strings.HasSuffix(path, ".html") && regexp.MustCompile(`(?i)<script[^>]*>\s*[^<\s]`).Match(b) {
			t.Errorf("static/%s has an inline script: the Content-Security-Policy forbids it", path)
		}
		if regexp.MustCompile(`(?i)\son[a-z]+\s*=\s*["']`).Match(b) && strings.HasSuffix(path, ".html") {
			t.Errorf("static/%s has an inline event handler: the Content-Security-Policy forbids it", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Every view the page has is served, and the page names only endpoints the
// control plane documents (the console is its example).
func TestPageUsesTheDocumentedControlPlane(t *testing.T) {
	js, err := os.ReadFile("static/app.js")
	if err != nil {
		t.Fatal(err)
	}
	// Every path the script builds starts with one of these.
	documented := []string{"/health", "/apps", "/devices", "/ledger", "/clock", "/reset", "/rules", "/quotas", "/events",
		"/faults"} // faults: issue 6; the page says so when the endpoint is missing
	calls := regexp.MustCompile(`api\('(?:GET|POST|PATCH|DELETE)', [`+"`"+`'](/[a-z]+)`).FindAllSubmatch(js, -1)
	if len(calls) < 10 {
		t.Fatalf("found only %d control-plane calls in app.js; has the call style changed?", len(calls))
	}
	for _, c := range calls {
		ok := false
		for _, d := range documented {
			if string(c[1]) == d {
				ok = true
			}
		}
		if !ok {
			t.Errorf("app.js calls %s, which the control plane does not document", c[1])
		}
	}
}
