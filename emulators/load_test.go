package emulators_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/faults"
	"github.com/pushsim/pushsim/emulators/world"
)

// TestLoadMemoryBounded drives the emulators over loopback, as `pushsim
// serve` runs them, for a few seconds with a tenth of the requests hit by
// faults, and checks that memory stays flat: the ledger and the shades are
// capped, so the heap after the run is about the heap after the warm-up.
func TestLoadMemoryBounded(t *testing.T) {
	const (
		ledgerCap, shadeCap = 500, 20
		phones              = 200
		workers             = 8
	)
	duration := 6 * time.Second
	if testing.Short() {
		duration = 2 * time.Second
	}
	srv := emulators.Start(t, emulators.Options{Seed: 3, LedgerCap: ledgerCap, ShadeCap: shadeCap})
	w := srv.World
	a := world.App{Vendor: "xiaomi", Name: "chat", Package: "com.example.chat", Quotas: map[string]int{"qps": 0}}
	srv.Vendor("xiaomi").DemoApp(&a)
	app, err := w.AddApp(a)
	if err != nil {
		t.Fatal(err)
	}
	var tokens []string
	for i := range phones {
		d, err := w.Register(world.Device{Name: fmt.Sprintf("p%d", i), Vendor: "xiaomi", App: "chat", Token: srv.Vendor("xiaomi").NewToken(app)})
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, d.Token)
	}
	if _, err := srv.Faults().Add(
		faults.Rule{Action: faults.VendorCode, Code: world.FaultRate, Share: 0.05},
		faults.Rule{Action: faults.Truncated, Share: 0.03},
		faults.Rule{Action: faults.Reset, Share: 0.02},
	); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}, Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()
	endpoint := srv.BaseURL("xiaomi") + "/v3/message/regid"

	var sent, failed atomic.Int64
	send := func(i int) {
		form := url.Values{
			"registration_id": {tokens[i%phones]}, "title": {"load"}, "description": {fmt.Sprintf("message %d %s", i, strings.Repeat("x", 64))},
			"restricted_package_name": {"com.example.chat"}, "notify_id": {fmt.Sprint(i)}, "extra.channel_id": {"high_im"},
		}
		req, _ := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "key="+app.Secret)
		resp, err := client.Do(req)
		if err != nil {
			failed.Add(1)
			return
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			failed.Add(1)
			return
		}
		sent.Add(1)
	}
	run := func(ctx context.Context) {
		var wg sync.WaitGroup
		var next atomic.Int64
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					send(int(next.Add(1)))
				}
			}()
		}
		wg.Wait()
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}

	warm, cancel := context.WithTimeout(context.Background(), duration/4)
	run(warm)
	cancel()
	base, baseSent := heap(), sent.Load()
	ctx, cancel := context.WithTimeout(context.Background(), duration*3/4)
	run(ctx)
	cancel()
	end := heap()

	total := sent.Load() + failed.Load()
	entries := w.Ledger(world.Filter{})
	t.Logf("%d requests in %s (%d answered, %d cut off or reset), heap %.1f MiB after warm-up (%d requests), %.1f MiB at the end; ledger %d entries",
		total, duration, sent.Load(), failed.Load(), float64(base)/(1<<20), baseSent, float64(end)/(1<<20), len(entries))
	if sent.Load() < 2*baseSent/3 {
		t.Fatalf("too few requests after the warm-up to judge (%d, warm-up %d)", sent.Load()-baseSent, baseSent)
	}
	if failed.Load() == 0 {
		t.Error("no request was cut off or reset: the faults did not fire")
	}
	if len(entries) > ledgerCap {
		t.Errorf("ledger holds %d entries, cap %d", len(entries), ledgerCap)
	}
	for i := range phones {
		sh, err := w.Shade(fmt.Sprintf("p%d", i))
		if err != nil {
			t.Fatal(err)
		}
		if len(sh.Shown) > shadeCap || len(sh.Dropped) > shadeCap {
			t.Fatalf("phone p%d holds %d shown and %d dropped, cap %d", i, len(sh.Shown), len(sh.Dropped), shadeCap)
		}
	}
	// Three times as many requests after the warm-up must not grow the
	// heap by more than the caps' slack and the runtime's noise.
	if limit := base + base/2 + 8<<20; end > limit {
		t.Errorf("heap grew from %.1f MiB to %.1f MiB over %d more requests", float64(base)/(1<<20), float64(end)/(1<<20), total-baseSent)
	}
}
