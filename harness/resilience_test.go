package harness_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/dispatcher/push"
	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/faults"
	"github.com/pushsim/pushsim/emulators/world"
	"github.com/pushsim/pushsim/harness"
)

// resilienceFaults hit about 20% of all vendor requests (auth calls
// included), in every way the emulators can fail: the vendor's own rate
// answer, 503 with Retry-After, a reset connection, a hang until the
// client's deadline, an answer cut off or malformed after the vendor
// delivered, and latency. Each rule draws from the seed on its own, so the
// combined share is 1 − Π(1 − share) ≈ 19.6%.
var resilienceFaults = []faults.Rule{
	{ID: "rate", Action: faults.VendorCode, Code: world.FaultRate, Share: 0.05},
	{ID: "busy", Action: faults.HTTPStatus, Status: http.StatusServiceUnavailable, RetryAfter: faults.Duration(time.Second), Share: 0.04},
	{ID: "reset", Action: faults.Reset, Share: 0.03},
	{ID: "hang", Action: faults.Hang, Share: 0.02},
	{ID: "truncated", Action: faults.Truncated, Share: 0.02},
	{ID: "malformed", Action: faults.Malformed, Share: 0.02},
	{ID: "slow", Action: faults.Latency, Latency: faults.Duration(700 * time.Millisecond), Share: 0.03},
}

// TestResilience sends 10 000 IM messages to phones of all six vendors
// through the built-in dispatcher while a fifth of the vendor requests
// fail, in memory on a virtual clock, and checks that nothing is lost or
// doubled: every (message, device) ends in exactly one outcome, no phone
// shows a message twice, and every push the dispatcher calls sent is on
// its phone; a push ends failed only when its retries ran out.
func TestResilience(t *testing.T) {
	const (
		messages       = 10000
		usersPerVendor = 60
		senders        = 16 // concurrent Send calls
	)
	vendors := dispatcher.Vendors
	clock := world.NewVirtualClock(harness.DefaultStart)
	srv := emulators.New(emulators.Options{Clock: clock, Seed: 20261125, LedgerCap: 2000, ShadeCap: 64})
	w := srv.World

	var certs []push.Certificate
	apps := map[string]*world.App{}
	for i, v := range vendors {
		a := world.App{Vendor: v, Name: "chat", Package: "com.example.chat"}
		srv.Vendor(v).DemoApp(&a)
		app, err := w.AddApp(a)
		if err != nil {
			t.Fatal(err)
		}
		apps[v] = app
		certs = append(certs, harness.Certificate(app, i+1, srv.BaseURL(v)))
	}
	sleep := func(ctx context.Context, d time.Duration) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if d > 0 {
			clock.Advance(d)
		}
		return nil
	}
	d, err := dispatcher.New(dispatcher.Config{
		Certificates: certs, HTTPClient: srv.Client(), Now: clock.Now, Sleep: sleep, Seed: 7,
		Timeout: 2 * time.Second, // an injected hang moves the virtual clock to this deadline
	})
	if err != nil {
		t.Fatal(err)
	}

	// Phones: usersPerVendor users on each vendor, one phone each, in the
	// background.
	type phone struct{ user, device, vendor string }
	var phones []phone
	for i, v := range vendors {
		v := v
		for u := range usersPerVendor {
			p := phone{user: fmt.Sprintf("%s-u%02d", v, u), device: fmt.Sprintf("%s-p%02d", v, u), vendor: v}
			dev, err := w.Register(world.Device{Name: p.device, Vendor: v, App: "chat", Token: srv.Vendor(v).NewToken(apps[v])})
			if err != nil {
				t.Fatal(err)
			}
			for _, step := range []error{d.Login(p.user, p.device), d.ReportToken(p.user, p.device, i+1, dev.Token), d.Background(p.user, p.device, 0)} {
				if step != nil {
					t.Fatal(step)
				}
			}
			phones = append(phones, p)
		}
	}
	if _, err := srv.Faults().Add(resilienceFaults...); err != nil {
		t.Fatal(err)
	}

	// Rounds: every phone gets one message per round; the clock moves 15s
	// between rounds (vendors cap messages per phone per minute).
	ids := make([]string, messages)
	var (
		mu     sync.Mutex
		errs   []error
		next   = make(chan int)
		wg     sync.WaitGroup
		began  = time.Now()
		virtAt = clock.Now()
	)
	for range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				p := phones[i%len(phones)]
				id, err := d.Send(context.Background(), dispatcher.Message{
					ID: fmt.Sprintf("m%05d", i), From: "sender", FromName: "Sender", To: p.user, Text: fmt.Sprintf("message m%05d", i),
				})
				mu.Lock()
				if err != nil {
					errs = append(errs, fmt.Errorf("send %d: %w", i, err))
				}
				ids[i] = id
				mu.Unlock()
			}
		}()
	}
	for i := range messages {
		if i > 0 && i%len(phones) == 0 {
			clock.Advance(15 * time.Second)
			w.Tick()
		}
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		t.Error(err)
	}

	// Every (message, device): exactly one outcome.
	kinds := map[push.Kind]int{}
	sentTo := map[string][]string{} // device → message ids sent
	for i, id := range ids {
		p := phones[i%len(phones)]
		outs := d.Outcomes(dispatcher.OutcomeFilter{MessageID: id})
		if len(outs) != 1 || outs[0].Device != p.device {
			t.Errorf("message %s: %d outcomes %+v, want exactly one for %s", id, len(outs), outs, p.device)
			continue
		}
		o := outs[0]
		kinds[o.Kind]++
		switch o.Kind {
		case push.Sent:
			sentTo[p.device] = append(sentTo[p.device], id)
		case push.Failed:
			// Failed only with the retry budget spent or the circuit holding.
			if o.Rule != dispatcher.RuleRetryBackoff && o.Rule != dispatcher.RuleCircuit {
				t.Errorf("message %s to %s failed under rule %q: %s", id, p.device, o.Rule, o.Reason)
			}
			if o.Rule == dispatcher.RuleRetryBackoff && o.Attempts < 4 && !strings.Contains(o.Reason, "budget") {
				t.Errorf("message %s to %s failed after %d attempts within its budget: %s", id, p.device, o.Attempts, o.Reason)
			}
		default:
			t.Errorf("message %s to %s (%s) ended %s code %s: %s", id, p.device, p.vendor, o.Kind, o.Code, o.Reason)
		}
	}

	// No phone shows a message twice; every push sent is shown.
	shownTotal := 0
	for _, p := range phones[:len(phones)] {
		sh, err := w.Shade(p.device)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, n := range sh.Shown {
			seen[strings.TrimPrefix(n.Body, "message ")]++
		}
		for id, n := range seen {
			if n > 1 {
				t.Errorf("%s (%s) shows %s %d times", p.device, p.vendor, id, n)
			}
		}
		for _, id := range sentTo[p.device] {
			if seen[id] == 0 {
				t.Errorf("%s (%s): %s was sent but is not shown (dropped: %v)", p.device, p.vendor, id, dropped(sh, id))
			}
		}
		shownTotal += len(seen)
	}

	// The faults did fire, about a fifth of all requests.
	rules := srv.Faults().Rules()
	fired := 0
	for _, r := range rules {
		fired += r.Fired
	}
	requests := rules[0].Matched
	share := float64(fired) / float64(requests)
	if share < 0.15 || share > 0.25 {
		t.Errorf("faults hit %d of %d vendor requests (%.1f%%), want about 20%%", fired, requests, 100*share)
	}
	var circuits []string
	for _, c := range d.Circuits() {
		circuits = append(circuits, fmt.Sprintf("%s opened %d paused %d refused %d", c.Vendor, c.Opened, c.Paused, c.Refused))
	}
	t.Logf("%d messages in %s (virtual %s): %v; %d shown; faults hit %d of %d requests (%.1f%%): %s; circuits: %s",
		messages, time.Since(began).Round(time.Millisecond), clock.Now().Sub(virtAt).Round(time.Second), kinds, shownTotal,
		fired, requests, 100*share, firedText(rules), strings.Join(circuits, "; "))
}

func dropped(sh world.Shade, id string) []string {
	var out []string
	for _, n := range sh.Dropped {
		if strings.HasSuffix(n.Body, id) {
			out = append(out, n.Rule+": "+n.Reason)
		}
	}
	return out
}

func firedText(rules []faults.Rule) string {
	var parts []string
	for _, r := range rules {
		parts = append(parts, fmt.Sprintf("%s %d", r.ID, r.Fired))
	}
	return strings.Join(parts, ", ")
}
