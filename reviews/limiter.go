package reviews

import (
	"sync"
	"time"
)

// Rate is a limit of N events per Per. N <= 0 means no limit.
type Rate struct {
	N   int
	Per time.Duration
}

// limiter is a token bucket per key, in memory: each key may burst to N and
// refills at N per Per. Idle keys are swept.
type limiter struct {
	mu      sync.Mutex
	rate    Rate
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(r Rate) *limiter { return &limiter{rate: r, buckets: map[string]*bucket{}} }

func (l *limiter) refill(b *bucket, now time.Time) {
	if el := now.Sub(b.last); el > 0 {
		b.tokens += el.Seconds() * float64(l.rate.N) / l.rate.Per.Seconds()
		if b.tokens > float64(l.rate.N) {
			b.tokens = float64(l.rate.N)
		}
		b.last = now
	}
}

// take uses one token of key, reporting false (and how long until one is
// free) when there is none.
func (l *limiter) take(key string, now time.Time) (bool, time.Duration) {
	if l.rate.N <= 0 || l.rate.Per <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: float64(l.rate.N), last: now}
		l.buckets[key] = b
	}
	l.refill(b, now)
	if b.tokens < 1 {
		wait := time.Duration((1 - b.tokens) / float64(l.rate.N) * float64(l.rate.Per))
		return false, wait
	}
	b.tokens--
	return true, 0
}

// give returns a token (a post that took one and then failed to store).
func (l *limiter) give(key string) {
	if l.rate.N <= 0 || l.rate.Per <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.buckets[key]; b != nil && b.tokens+1 <= float64(l.rate.N) {
		b.tokens++
	}
}

// sweep drops full buckets, at most once per Per.
func (l *limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < l.rate.Per {
		return
	}
	l.swept = now
	for k, b := range l.buckets {
		l.refill(b, now)
		if b.tokens >= float64(l.rate.N) {
			delete(l.buckets, k)
		}
	}
}

// dedup suppresses the same review sent twice (a double click, a resend
// after a slow answer). A second identical post while the first is being
// stored waits for its outcome: stored means duplicate, failed means the
// second one stores it.
type dedup struct {
	mu     sync.Mutex
	window time.Duration
	seen   map[string]*dedupEntry
	swept  time.Time
	// waiting, when set, is told each time a post starts waiting for an
	// identical one in flight (the test sees the wait happen).
	waiting func(key string)
}

type dedupEntry struct {
	done   chan struct{}
	stored bool
	id     string
	at     time.Time
}

func newDedup(window time.Duration) *dedup {
	return &dedup{window: window, seen: map[string]*dedupEntry{}}
}

// begin claims key. It returns (nil, id) when key was stored within the
// window (a duplicate of review id), or an entry the caller must finish.
func (d *dedup) begin(key string, now time.Time) (*dedupEntry, string) {
	if d.window <= 0 {
		return &dedupEntry{done: make(chan struct{})}, ""
	}
	for {
		d.mu.Lock()
		if now.Sub(d.swept) > d.window {
			d.swept = now
			for k, e := range d.seen {
				if e.stored && now.Sub(e.at) > d.window {
					delete(d.seen, k)
				}
			}
		}
		e := d.seen[key]
		if e == nil || (e.stored && now.Sub(e.at) > d.window) {
			e = &dedupEntry{done: make(chan struct{}), at: now}
			d.seen[key] = e
			d.mu.Unlock()
			return e, ""
		}
		d.mu.Unlock()
		if d.waiting != nil {
			d.waiting(key)
		}
		<-e.done
		if e.stored {
			return nil, e.id
		}
		// The first attempt failed and released the key: try to claim it.
	}
}

// finish records the outcome of a claimed key.
func (d *dedup) finish(key string, e *dedupEntry, stored bool, id string) {
	if d.window <= 0 {
		return
	}
	d.mu.Lock()
	e.stored, e.id = stored, id
	if !stored && d.seen[key] == e {
		delete(d.seen, key)
	}
	d.mu.Unlock()
	close(e.done)
}
