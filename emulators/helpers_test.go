package emulators_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pushsim/pushsim/emulators/world"
)

// fakeT stands in for the *testing.T a test passes to emulators.Start, so
// examples and specs can run the cleanups when they choose.
type fakeT struct {
	testing.TB
	cleanups []func()
}

func (t *fakeT) Helper()          {}
func (t *fakeT) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }
func (t *fakeT) cleanup() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
	t.cleanups = nil
}

// echo is a vendor whose handler tells what it received, to test routing.
type echo struct{ w *world.World }

func newEcho(w *world.World) world.Vendor { return echo{w} }

func (echo) Name() string    { return "echo" }
func (echo) Hosts() []string { return []string{"push.echo.test", "auth.echo.test"} }
func (echo) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body strings.Builder
		if r.Body != nil {
			buf := make([]byte, 512)
			n, _ := r.Body.Read(buf)
			body.Write(buf[:n])
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(echoed{Vendor: "echo", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, Query: r.URL.RawQuery, Body: body.String()})
	})
}
func (e echo) NewToken(*world.App) string { return "echo-" + e.w.RandString(12, world.Alnum) }
func (echo) DemoApp(a *world.App) {
	if a.Secret == "" {
		a.Secret = "echo-secret"
	}
	if a.Extra == nil {
		a.Extra = map[string]string{"service_account": `{"type": "service_account", "it's": 1}`, "app_secret": "other"}
	}
}
func (echo) Rules() []world.Rule { return nil }

type echoed struct {
	Vendor, Host, Path, RawPath, Query, Body string
}

// spy wraps a vendor and counts the requests its handler gets.
type spy struct {
	world.Vendor
	hits *atomic.Int32
}

func (s spy) Handler() http.Handler {
	inner := s.Vendor.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		inner.ServeHTTP(w, r)
	})
}

// xiaomiSend posts one notification to Xiaomi's regId API at url and returns
// the decoded answer.
func xiaomiSend(c *http.Client, endpoint, secret, pkg, regID, title string) (map[string]any, error) {
	form := url.Values{
		"registration_id":         {regID},
		"title":                   {title},
		"description":             {"from the example"},
		"restricted_package_name": {pkg},
		"pass_through":            {"0"},
		"notify_type":             {"-1"},
	}
	req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "key="+secret)
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("status %d: %w", resp.StatusCode, err)
	}
	return out, nil
}
