package apns

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"testing"
	"time"
)

// BenchmarkSend is the whole emulator on the send path: header checks,
// token lookup, provider-token check (cached), payload, ledger, delivery.
func BenchmarkSend(b *testing.B) {
	f := newFixture(b)
	r, body := f.request(benchBody)
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body.i = 0
		clear(w.h)
		f.e.ServeHTTP(w, r)
	}
	b.StopTimer()
	if w.code != http.StatusOK {
		b.Fatalf("status %d", w.code)
	}
	if s, _ := f.w.Shade(f.dev.ID); len(s.Shown) != 1 || s.Shown[0].Title != "Bob" {
		b.Fatalf("shade: %+v", s.Shown)
	}
}

// bare is the floor BenchmarkSend is compared against: it only reads the
// path, the topic and the body, decodes the JSON and answers 200 with an
// apns-id, as a minimal APNs stub would.
var bare = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if len(r.URL.Path) <= len(PathPrefix) || r.Header.Get("apns-topic") == "" {
		panic("bad request")
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, defPayload))
	var top map[string]json.RawMessage
	if err != nil || json.Unmarshal(raw, &top) != nil || top["aps"] == nil {
		panic("bad body")
	}
	w.Header().Set("apns-id", "9E2A7B62-2F0C-4C36-A9D5-6F4B1C1D2E3F")
	w.WriteHeader(http.StatusOK)
})

// BenchmarkBareHandler: see bare.
func BenchmarkBareHandler(b *testing.B) {
	f := newFixture(b)
	r, body := f.request(benchBody)
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body.i = 0
		bare.ServeHTTP(w, r)
	}
	b.StopTimer()
	if w.code != http.StatusOK {
		b.Fatalf("status %d", w.code)
	}
}

// TestSendSpeedRatio runs both handlers in alternating rounds and compares
// the best round of each (full ≥ 0.6 × bare in speed). It runs only with
// PUSHSIM_RATIO=1, because wall-clock ratios on a shared machine are noisy:
//
//	PUSHSIM_RATIO=1 go test -run SpeedRatio -v ./emulators/apns/
func TestSendSpeedRatio(t *testing.T) {
	if os.Getenv("PUSHSIM_RATIO") == "" {
		t.Skip("set PUSHSIM_RATIO=1 to measure")
	}
	f := newFixture(t)
	run := func(h http.Handler) time.Duration {
		const n = 3000
		r, body := f.request(benchBody)
		w := &nopWriter{h: http.Header{}}
		began := time.Now()
		for range n {
			body.i = 0
			clear(w.h)
			h.ServeHTTP(w, r)
		}
		if w.code != http.StatusOK {
			t.Fatalf("status %d", w.code)
		}
		return time.Since(began) / n
	}
	full, floor := time.Hour, time.Hour
	for range 30 {
		floor = min(floor, run(bare))
		full = min(full, run(f.e))
	}
	ratio := float64(floor) / float64(full)
	t.Logf("per request: bare %v, full %v; full runs at %.2f× the bare handler's speed", floor, full, ratio)
	if ratio < 0.6 {
		t.Errorf("full path at %.2f× the bare handler, want ≥ 0.6×", ratio)
	}
}
