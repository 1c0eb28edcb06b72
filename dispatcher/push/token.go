package push

import (
	"context"
	"sync"
	"time"
)

// TokenCache holds one vendor access token (an OAuth bearer, a signed auth
// token) and makes concurrent senders share a single fetch when it has to
// be replaced. The zero value is ready to use.
type TokenCache struct {
	mu        sync.Mutex
	token     string
	refreshAt time.Time
	inflight  *tokenFetch // the one fetch running now, shared by every caller
}

type tokenFetch struct {
	done  chan struct{}
	token string
	err   error
}

// TokenFetch gets a new token and says from when it should be replaced.
type TokenFetch func(ctx context.Context) (token string, refreshAt time.Time, err error)

// Get returns the cached token while now is before its refresh time, unless
// it is stale (a token the vendor just refused, replaced even if it looks
// valid; "" = none). Otherwise it runs fetch once for every caller waiting
// at that moment. The fetch runs on a context that outlives the caller who
// started it, because others wait on it; a caller whose own context ends
// while it waits gets ctx.Err().
func (tc *TokenCache) Get(ctx context.Context, now time.Time, stale string, fetch TokenFetch) (string, error) {
	tc.mu.Lock()
	if tc.token != "" && tc.token != stale && now.Before(tc.refreshAt) {
		t := tc.token
		tc.mu.Unlock()
		return t, nil
	}
	if f := tc.inflight; f != nil {
		tc.mu.Unlock()
		select {
		case <-f.done:
			return f.token, f.err
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	if tc.token == stale {
		tc.token = "" // refused: not handed out again, even if this fetch fails
	}
	f := &tokenFetch{done: make(chan struct{})}
	tc.inflight = f
	tc.mu.Unlock()

	tok, refreshAt, err := fetch(context.WithoutCancel(ctx))
	tc.mu.Lock()
	if err == nil {
		tc.token, tc.refreshAt = tok, refreshAt
	}
	tc.inflight = nil
	f.token, f.err = tok, err
	close(f.done)
	tc.mu.Unlock()
	return tok, err
}
