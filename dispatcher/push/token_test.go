package push_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

func TestTokenCacheSharesOneFetchAndHonoursStaleAndRefresh(t *testing.T) {
	var tc push.TokenCache
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	var fetches atomic.Int32
	release := make(chan struct{})
	fetch := func(context.Context) (string, time.Time, error) {
		n := fetches.Add(1)
		<-release
		return "tok" + string(rune('0'+n)), now.Add(time.Hour), nil
	}

	var wg sync.WaitGroup
	got := make([]string, 20)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = tc.Get(context.Background(), now, "", fetch)
		}()
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	if fetches.Load() != 1 {
		t.Fatalf("%d fetches for 20 concurrent callers, want 1", fetches.Load())
	}
	for _, g := range got {
		if g != "tok1" {
			t.Fatalf("a caller got %q, want tok1", g)
		}
	}
	if tok, _ := tc.Get(context.Background(), now.Add(59*time.Minute), "", fetch); tok != "tok1" || fetches.Load() != 1 {
		t.Fatalf("before its refresh time: %q after %d fetches, want the cached tok1", tok, fetches.Load())
	}
	if tok, _ := tc.Get(context.Background(), now, "tok1", fetch); tok != "tok2" {
		t.Fatalf("stale tok1 replaced by %q, want tok2", tok)
	}
	if tok, _ := tc.Get(context.Background(), now.Add(time.Hour), "", fetch); tok != "tok3" {
		t.Fatalf("at its refresh time: %q, want a new tok3", tok)
	}
}

func TestTokenCacheKeepsNoFailedTokenAndLetsWaitersGiveUp(t *testing.T) {
	var tc push.TokenCache
	now := time.Now()
	boom := errors.New("boom")
	if _, err := tc.Get(context.Background(), now, "", func(context.Context) (string, time.Time, error) {
		return "", time.Time{}, boom
	}); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the fetch's", err)
	}
	release := make(chan struct{})
	started := make(chan struct{})
	go tc.Get(context.Background(), now, "", func(ctx context.Context) (string, time.Time, error) {
		close(started)
		<-release
		return "late", now.Add(time.Hour), ctx.Err() // the fetch outlives the caller's context
	})
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tc.Get(ctx, now, "", nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("a waiter whose context ended got %v, want context.Canceled", err)
	}
	close(release)
}

func TestTokenCacheDropsARefusedTokenEvenWhenItsReplacementFails(t *testing.T) {
	var tc push.TokenCache
	now := time.Now()
	var fetches atomic.Int32
	fetch := func(context.Context) (string, time.Time, error) {
		if fetches.Add(1) == 2 {
			return "", time.Time{}, errors.New("auth down")
		}
		return "tok", now.Add(time.Hour), nil
	}
	if tok, _ := tc.Get(context.Background(), now, "", fetch); tok != "tok" {
		t.Fatalf("first token %q, want tok", tok)
	}
	if _, err := tc.Get(context.Background(), now, "tok", fetch); err == nil {
		t.Fatal("the failed replacement of a refused token reported no error")
	}
	if tok, _ := tc.Get(context.Background(), now, "", fetch); fetches.Load() != 3 || tok != "tok" {
		t.Fatalf("after a failed replacement: %q after %d fetches, want a third fetch, not the refused token", tok, fetches.Load())
	}
}
