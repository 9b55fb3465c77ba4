package dashboard

import (
	"bytes"
	"compress/gzip"
	"context"
	"sync"
	"time"
)

// cached is a small in-process cache of values of one type, keyed by
// string, each kept for ttl (zero: until evicted). Only one load per key
// runs at a time: concurrent requests for a missing or expired key wait for
// it instead of stampeding ClickHouse. A failed load is not kept.
type cached[T any] struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu sync.Mutex
	m  map[string]*cacheEntry[T]
}

type cacheEntry[T any] struct {
	val     T
	err     error
	expires time.Time     // zero: never
	loading chan struct{} // closed when an in-flight load finishes
}

func newCached[T any](ttl time.Duration, max int) *cached[T] {
	return &cached[T]{ttl: ttl, max: max, now: time.Now, m: map[string]*cacheEntry[T]{}}
}

func (e *cacheEntry[T]) fresh(now time.Time) bool {
	return e.loading == nil && (e.expires.IsZero() || now.Before(e.expires))
}

// get returns the value for key, loading it when absent or expired. The
// load runs detached from ctx's cancellation (others may be waiting for
// it); a caller whose ctx ends stops waiting.
func (c *cached[T]) get(ctx context.Context, key string, load func(ctx context.Context) (T, error)) (T, error) {
	c.mu.Lock()
	e, ok := c.m[key]
	now := c.now()
	switch {
	case ok && e.fresh(now):
		c.mu.Unlock()
		return e.val, nil
	case ok && e.loading != nil:
		ch := e.loading
		c.mu.Unlock()
		select {
		case <-ch:
			// The loader wrote val and err before closing ch.
			return e.val, e.err
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
	}
	// Absent or expired: this caller loads.
	if len(c.m) >= c.max {
		c.evict(now)
	}
	e = &cacheEntry[T]{loading: make(chan struct{})}
	c.m[key] = e
	c.mu.Unlock()

	val, err := load(context.WithoutCancel(ctx))
	c.mu.Lock()
	e.val, e.err = val, err
	if c.ttl > 0 {
		e.expires = c.now().Add(c.ttl)
	}
	close(e.loading)
	e.loading = nil
	if err != nil && c.m[key] == e {
		delete(c.m, key)
	}
	c.mu.Unlock()
	return val, err
}

// evict drops expired entries, or everything settled when none has
// expired. Called with c.mu held.
func (c *cached[T]) evict(now time.Time) {
	n := len(c.m)
	for k, e := range c.m {
		if e.loading == nil && !e.fresh(now) {
			delete(c.m, k)
		}
	}
	if len(c.m) < n {
		return
	}
	for k, e := range c.m {
		if e.loading == nil {
			delete(c.m, k)
		}
	}
}

// pageCache keeps rendered pages, keyed by request URI, for the read model
// they were rendered from: a page is served again, a map lookup, until a
// new model is swapped in (its generation differs). It is bounded by total
// bytes; only 200 responses are kept.
type pageCache struct {
	maxBytes int

	mu    sync.Mutex
	m     map[string]cachedPage
	bytes int
}

type cachedPage struct {
	gen         uint64 // the model's generation
	body        []byte
	gz          []byte // body gzipped once, for clients that accept it
	contentType string
}

func newPageCache(maxBytes int) *pageCache {
	return &pageCache{maxBytes: maxBytes, m: map[string]cachedPage{}}
}

func (pc *pageCache) get(key string, gen uint64) (cachedPage, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	p, ok := pc.m[key]
	if !ok || p.gen != gen {
		return cachedPage{}, false
	}
	return p, true
}

func (pc *pageCache) put(key string, gen uint64, body []byte, contentType string) {
	if len(body) > pc.maxBytes/8 {
		return
	}
	var zb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&zb, gzip.DefaultCompression)
	_, _ = zw.Write(body)
	_ = zw.Close()
	gz := zb.Bytes()
	pc.mu.Lock()
	defer pc.mu.Unlock()
	size := len(body) + len(gz)
	if old, ok := pc.m[key]; ok {
		if old.gen > gen {
			return // a newer model's page is already here
		}
		pc.bytes -= len(old.body) + len(old.gz)
		delete(pc.m, key)
	}
	if pc.bytes+size > pc.maxBytes {
		for k, p := range pc.m { // drop pages of older models first, then anything
			if p.gen < gen {
				pc.bytes -= len(p.body) + len(p.gz)
				delete(pc.m, k)
			}
		}
		for k, p := range pc.m {
			if pc.bytes+size <= pc.maxBytes {
				break
			}
			pc.bytes -= len(p.body) + len(p.gz)
			delete(pc.m, k)
		}
	}
	pc.m[key] = cachedPage{gen: gen, body: body, gz: gz, contentType: contentType}
	pc.bytes += size
}
