package crawler

import (
	"context"
	"sync"
	"time"
)

// hostGates makes the crawl polite per host across all sites: at most one
// request in flight to a host (www and bare domain count as one host) and
// consecutive requests to it spaced by the requester's delay. Several
// councils can share one host, and many sites link to the same external
// hosts (link checks), so a per-site limit alone is not enough.
type hostGates struct {
	mu    sync.Mutex
	gates map[string]*hostGate
}

type hostGate struct {
	sem  chan struct{} // capacity 1: holding it is being the one request in flight
	last time.Time     // end of the previous request; guarded by sem
}

func newHostGates() *hostGates { return &hostGates{gates: map[string]*hostGate{}} }

// acquire waits until host is free and delay has passed since its last
// request ended. The returned release must be called exactly once when the
// request (body included) is over.
func (h *hostGates) acquire(ctx context.Context, host string, delay time.Duration) (release func(), err error) {
	key := hostKey(host)
	h.mu.Lock()
	g := h.gates[key]
	if g == nil {
		g = &hostGate{sem: make(chan struct{}, 1)}
		h.gates[key] = g
	}
	h.mu.Unlock()
	select {
	case g.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if !g.last.IsZero() && delay > 0 {
		if d := delay - time.Since(g.last); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				g.last = time.Now()
				<-g.sem
				return nil, ctx.Err()
			}
		}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			g.last = time.Now()
			<-g.sem
		})
	}, nil
}

// hosts is the number of hosts seen (tests).
func (h *hostGates) hosts() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.gates)
}

// linkResult is the outcome of one link check.
type linkResult struct {
	method, class, final string
	status               int
	total                time.Duration
}

// linkCache holds external link results for one run, up to max entries
// (later URLs are simply checked by each site). A URL being checked by one
// site is waited for by the others instead of being requested again.
type linkCache struct {
	mu  sync.Mutex
	max int
	m   map[string]*linkEntry
}

type linkEntry struct {
	done chan struct{} // closed when r is set (or the check was abandoned)
	r    linkResult
	ok   bool
}

func newLinkCache(max int) *linkCache { return &linkCache{max: max, m: map[string]*linkEntry{}} }

// lookup returns the result for u, waiting while another site checks it.
// When ok is false the caller must check u itself and then call finish
// with the returned entry (which may be nil when the cache is full).
func (l *linkCache) lookup(ctx context.Context, u string) (r linkResult, ok bool, mine *linkEntry) {
	for {
		l.mu.Lock()
		e := l.m[u]
		if e == nil {
			if len(l.m) >= l.max {
				l.mu.Unlock()
				return linkResult{}, false, nil
			}
			e = &linkEntry{done: make(chan struct{})}
			l.m[u] = e
			l.mu.Unlock()
			return linkResult{}, false, e
		}
		l.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return linkResult{}, false, nil
		}
		if e.ok {
			return e.r, true, nil
		}
		// The other site gave up (cancelled): try to claim it again.
	}
}

// finish publishes the result of a check claimed with lookup; ok false
// abandons it (waiters check for themselves).
func (l *linkCache) finish(u string, e *linkEntry, r linkResult, ok bool) {
	if e == nil {
		return
	}
	l.mu.Lock()
	if ok {
		e.r, e.ok = r, true
	} else if l.m[u] == e {
		delete(l.m, u)
	}
	l.mu.Unlock()
	close(e.done)
}

func (l *linkCache) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	clear(l.m)
}
