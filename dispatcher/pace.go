package dispatcher

import (
	"context"
	"sync"
	"time"
)

// bucket is a token bucket on the dispatcher's clock: rate requests per
// second with a burst of one second's worth. Waiting goes through the
// configured Sleep, so a virtual clock paces without real time passing.
type bucket struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
	now    func() time.Time
	sleep  func(context.Context, time.Duration) error
}

func newBucket(qps int, now func() time.Time, sleep func(context.Context, time.Duration) error) *bucket {
	return &bucket{rate: float64(qps), burst: float64(qps), tokens: float64(qps), now: now, sleep: sleep}
}

// wait takes one token, sleeping until it is due. Tokens are reserved
// before sleeping, so concurrent callers queue up in order.
func (b *bucket) wait(ctx context.Context) error {
	b.mu.Lock()
	now := b.now()
	if b.last.IsZero() {
		b.last = now
	}
	if el := now.Sub(b.last); el > 0 {
		b.tokens = min(b.burst, b.tokens+el.Seconds()*b.rate)
		b.last = now
	}
	b.tokens--
	var d time.Duration
	if b.tokens < 0 {
		d = time.Duration(-b.tokens / b.rate * float64(time.Second))
	}
	b.mu.Unlock()
	if d <= 0 {
		return nil
	}
	return b.sleep(ctx, d)
}
