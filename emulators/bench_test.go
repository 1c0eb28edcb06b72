package emulators_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/world"
)

// nop is a vendor whose handler only answers, so the benchmark measures the
// server's routing and nothing else.
type nop struct{ echo }

func (nop) Name() string    { return "nop" }
func (nop) Hosts() []string { return []string{"push.nop.test"} }
func (nop) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.URL.Path) })
}

// BenchmarkRouting compares a request straight to a vendor's handler with
// the same request routed by the server by /<vendor> prefix and by Host.
func BenchmarkRouting(b *testing.B) {
	s := emulators.New(emulators.Options{Vendors: []func(*world.World) world.Vendor{
		newEcho, func(w *world.World) world.Vendor { return nop{echo{w}} },
	}})
	run := func(b *testing.B, h http.Handler, host, path string) {
		r := httptest.NewRequest(http.MethodPost, path, http.NoBody)
		r.Host = host
		rec := httptest.NewRecorder()
		b.ReportAllocs()
		for b.Loop() {
			rec.Body.Reset()
			h.ServeHTTP(rec, r)
		}
		if rec.Body.String() != "/v3/message/regid" {
			b.Fatalf("answered %q", rec.Body)
		}
	}
	b.Run("vendor-handler", func(b *testing.B) { run(b, s.Vendor("nop").Handler(), "push.nop.test", "/v3/message/regid") })
	b.Run("by-prefix", func(b *testing.B) { run(b, s.Handler(), "127.0.0.1:4800", "/nop/v3/message/regid") })
	b.Run("by-host", func(b *testing.B) { run(b, s.Handler(), "push.nop.test", "/v3/message/regid") })
}
