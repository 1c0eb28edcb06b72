package faults_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/faults"
	"github.com/pushsim/pushsim/emulators/world"
)

// BenchmarkInjector measures what the fault injector adds to a vendor
// request of a typical size (the body read ahead and searched for magic
// tokens, the rules tried): the vendor's handler alone, through the server
// with no rule, and with rules that do not match.
func BenchmarkInjector(b *testing.B) {
	hits := new(atomic.Int32)
	clock := world.NewVirtualClock(time.Date(2026, 11, 25, 10, 0, 0, 0, world.Shanghai))
	srv := emulators.New(emulators.Options{Clock: clock, LedgerCap: 64, Vendors: []func(*world.World) world.Vendor{
		func(w *world.World) world.Vendor { return toy{w: w, hits: hits} },
	}})
	body := []byte("app=chat&token=" + strings.Repeat("t", 64) + "&title=Bob&description=" + strings.Repeat("Are we still on for lunch tomorrow? ", 20))
	run := func(b *testing.B, h http.Handler, path string) {
		rec := httptest.NewRecorder()
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
			rec.Body.Reset()
			h.ServeHTTP(rec, r)
		}
	}
	b.Run("vendor-handler", func(b *testing.B) { run(b, srv.Vendor("toy").Handler(), "/send") })
	b.Run("server-no-rules", func(b *testing.B) { run(b, srv.Handler(), "/toy/send") })
	b.Run("server-3-rules", func(b *testing.B) {
		if _, err := srv.Faults().Add(
			faults.Rule{Vendor: "xiaomi", Action: faults.Reset},
			faults.Rule{Path: "/other/*", Action: faults.Hang},
			faults.Rule{Token: "NOPE", Action: faults.Reset},
		); err != nil {
			b.Fatal(err)
		}
		defer srv.Faults().Clear()
		run(b, srv.Handler(), "/toy/send")
	})
}
