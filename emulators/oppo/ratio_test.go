//go:build unix

package oppo

import (
	"net/http"
	"net/http/httptest"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// TestUnicastSpeedRatio measures the full send path against the bare
// handler in process CPU time (best of 40 interleaved rounds), which holds
// up on a busy machine where wall-clock benchmarks do not. Target: full ≥
// 0.6 × bare in speed. It runs only with PUSHSIM_RATIO=1:
//
//	PUSHSIM_RATIO=1 GOMAXPROCS=1 go test -run SpeedRatio -v ./emulators/oppo/
func TestUnicastSpeedRatio(t *testing.T) {
	if os.Getenv("PUSHSIM_RATIO") == "" {
		t.Skip("set PUSHSIM_RATIO=1 to measure")
	}
	_, bareBody := benchWorld(t, world.Options{})
	e, body := benchWorld(t, world.Options{Clock: world.NewVirtualClock(time.Date(2026, 3, 1, 10, 0, 0, 0, world.Shanghai))})
	measure := func(h http.Handler, body string) time.Duration {
		const n = 2000
		start := cpuTime()
		for range n {
			h.ServeHTTP(httptest.NewRecorder(), formRequest(PathUnicast, body))
		}
		return (cpuTime() - start) / n
	}
	bare, full := time.Hour, time.Hour
	for range 40 {
		bare = min(bare, measure(http.HandlerFunc(bareUnicast), bareBody))
		full = min(full, measure(e.Handler(), body))
	}
	ratio := float64(bare) / float64(full)
	t.Logf("CPU per request: bare %v, full %v; full runs at %.2f× the bare handler's speed", bare, full, ratio)
	if ratio < 0.6 {
		t.Errorf("full path at %.2f× the bare handler, want ≥ 0.6×", ratio)
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
