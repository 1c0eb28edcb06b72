package admin_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/emulators/admin"
	"github.com/pushsim/pushsim/emulators/world"
)

// FuzzControlPlane sends arbitrary bodies and query strings to every
// endpoint that reads them: nothing panics, and every answer is JSON with a
// status the API documents (problems for the rest).
func FuzzControlPlane(f *testing.F) {
	for _, seed := range []struct {
		target, body string
	}{
		{"POST /_pushsim/apps", `{"vendor":"acme","name":"x","channels":[{"id":"im","class":"private"}]}`},
		{"POST /_pushsim/apps", `{"vendor":"acme","name":"x","quotas":{"a":1e99}}`},
		{"PATCH /_pushsim/apps/acme/chat", `{"quotas":{"a":null},"settings":{"b":"c"},"channels":[{"id":""}]}`},
		{"PATCH /_pushsim/apps/acme/chat", `{"remove_channels":["im"],"privileges":[null]}`},
		{"POST /_pushsim/devices", `{"vendor":"acme","app":"chat","android":-1,"name":"alice"}`},
		{"POST /_pushsim/devices", `{"vendor":"acme","app":"chat","token":"","id":"d1"}`},
		{"PATCH /_pushsim/devices/alice", `{"phone_channels":null,"offline":false,"badge":1}`},
		{"PATCH /_pushsim/devices/d1", `{"android":9999999999999999999}`},
		{"POST /_pushsim/clock/advance", `{"by":"9999999999h"}`},
		{"POST /_pushsim/clock/advance", `{"by":"99999999999999d"}`},
		{"POST /_pushsim/clock/advance", `{"to":"0000-01-01T00:00:00Z"}`},
		{"GET /_pushsim/ledger?since=18446744073709551616&limit=1", ``},
		{"GET /_pushsim/devices/%zz/shade", ``},
		{"DELETE /_pushsim/devices/alice", ``},
		{"POST /_pushsim/apps", "\x00\xff{"},
	} {
		f.Add(seed.target, seed.body)
	}
	f.Fuzz(func(t *testing.T, target, body string) {
		method, path, ok := strings.Cut(target, " ")
		if !ok || !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t") {
			return
		}
		w := world.New(world.Options{Clock: world.NewVirtualClock(time.Unix(0, 0))})
		a := acme{w}
		h := admin.New(w, map[string]world.Vendor{"acme": a})
		if _, err := w.AddApp(world.App{Vendor: "acme", Name: "chat"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Register(world.Device{Vendor: "acme", App: "chat", Name: "alice", Token: "t"}); err != nil {
			t.Fatal(err)
		}
		var req *http.Request
		func() {
			defer func() {
				if recover() != nil {
					req = nil // httptest.NewRequest panics on a target net/http would refuse
				}
			}()
			req = httptest.NewRequest(method, path, strings.NewReader(body))
		}()
		if req == nil || strings.Contains(req.URL.Path, "events") {
			return // /_pushsim/events streams until the client leaves
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		ct := rec.Header().Get("Content-Type")
		switch {
		case rec.Code == http.StatusNoContent:
		case rec.Code < 400 && ct == "application/json":
		case rec.Code >= 400 && ct == "application/problem+json":
		default:
			t.Fatalf("%s %s: %d %q", method, path, rec.Code, ct)
		}
	})
}
