package world

import (
	"sync"
	"time"
)

// Quotas is the one counter behind every vendor limit: daily caps that reset
// at vendor-local midnight and sliding-window rates (QPS, per-minute caps).
// Keys are free-form strings chosen by the vendor ("xiaomi/app/public/<token>").
type Quotas struct {
	mu    sync.Mutex
	daily map[string]dailyCount
	rates map[string][]time.Time
}

type dailyCount struct {
	day   int32
	n     int
	limit int // the limit of the latest TakeDaily, for the console
}

func newQuotas() *Quotas {
	return &Quotas{daily: map[string]dailyCount{}, rates: map[string][]time.Time{}}
}

// Used returns today's count for key.
func (q *Quotas) Used(key string, now time.Time, loc *time.Location) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	c := q.daily[key]
	if c.day != dayNumber(now, loc) {
		return 0
	}
	return c.n
}

// TakeDaily counts one use of key today if that keeps it within limit and
// reports the count after the call and whether it was allowed. limit < 0 means
// unlimited (still counted).
func (q *Quotas) TakeDaily(key string, limit int, now time.Time, loc *time.Location) (used int, ok bool) {
	day := dayNumber(now, loc)
	q.mu.Lock()
	defer q.mu.Unlock()
	c := q.daily[key]
	if c.day != day {
		c = dailyCount{day: day}
	}
	c.limit = limit
	if limit >= 0 && c.n >= limit {
		q.daily[key] = c
		return c.n, false
	}
	c.n++
	q.daily[key] = c
	return c.n, true
}

// TakeRate counts one event of key if fewer than limit happened within the
// window ending now; it reports whether it was allowed.
func (q *Quotas) TakeRate(key string, limit int, window time.Duration, now time.Time) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	ts := q.rates[key]
	cut := now.Add(-window)
	i := 0
	for i < len(ts) && !ts[i].After(cut) {
		i++
	}
	ts = ts[i:]
	if len(ts) >= limit {
		q.rates[key] = ts
		return false
	}
	q.rates[key] = append(ts, now)
	return true
}

// Snapshot lists today's daily counters (for the console's quota bars).
func (q *Quotas) Snapshot(now time.Time, loc *time.Location) map[string]int {
	day := dayNumber(now, loc)
	q.mu.Lock()
	defer q.mu.Unlock()
	out := map[string]int{}
	for k, c := range q.daily {
		if c.day == day {
			out[k] = c.n
		}
	}
	return out
}

// Daily is one daily counter as the console shows it: today's use and the
// limit the vendor applied when it last counted (-1: counted, no limit).
type Daily struct {
	Used  int `json:"used"`
	Limit int `json:"limit"`
}

// Daily lists today's daily counters with their limits. Limits are not
// configured here but passed by each vendor to TakeDaily (they depend on the
// app's class, licence and overrides), so the latest one is what is shown.
func (q *Quotas) Daily(now time.Time, loc *time.Location) map[string]Daily {
	day := dayNumber(now, loc)
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make(map[string]Daily, len(q.daily))
	for k, c := range q.daily {
		if c.day == day {
			out[k] = Daily{Used: c.n, Limit: c.limit}
		}
	}
	return out
}

func (q *Quotas) reset() {
	q.mu.Lock()
	q.daily = map[string]dailyCount{}
	q.rates = map[string][]time.Time{}
	q.mu.Unlock()
}
