package dashboard

import (
	"bytes"
	"compress/gzip"
	"context"
	"sync"
	"time"
)

// cache is a small in-process cache with a short TTL, keyed by query. Only
// one load per key runs at a time: concurrent requests for a missing or
// expired key wait for it instead of stampeding ClickHouse.
type cache struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu sync.Mutex
	m  map[string]*cacheEntry
}

type cacheEntry struct {
	val     any
	expires time.Time
	loading chan struct{} // closed when an in-flight load finishes
	err     error
}

func newCache(ttl time.Duration, max int) *cache {
	return &cache{ttl: ttl, max: max, now: time.Now, m: map[string]*cacheEntry{}}
}

// get returns the cached value for key, loading it when absent or expired.
// A failed load is not cached.
func (c *cache) get(ctx context.Context, key string, load func(ctx context.Context) (any, error)) (any, error) {
	if c.ttl <= 0 {
		return load(ctx)
	}
	c.mu.Lock()
	e, ok := c.m[key]
	now := c.now()
	switch {
	case ok && e.loading == nil && now.Before(e.expires):
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
			return nil, ctx.Err()
		}
	}
	// Absent or expired: this caller loads.
	if len(c.m) >= c.max {
		c.evict(now)
	}
	e = &cacheEntry{loading: make(chan struct{})}
	c.m[key] = e
	c.mu.Unlock()

	val, err := load(context.WithoutCancel(ctx))
	c.mu.Lock()
	e.val, e.err, e.expires = val, err, c.now().Add(c.ttl)
	close(e.loading)
	e.loading = nil
	if err != nil && c.m[key] == e {
		delete(c.m, key)
	}
	c.mu.Unlock()
	return val, err
}

// evict drops expired entries, or everything settled when none has expired.
// Called with c.mu held.
func (c *cache) evict(now time.Time) {
	n := len(c.m)
	for k, e := range c.m {
		if e.loading == nil && !now.Before(e.expires) {
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

// pageCache keeps rendered pages for a short time, keyed by request URI,
// so the busiest pages (league table, council pages) cost a map lookup
// under load. It is bounded by total bytes; only 200 responses are kept.
type pageCache struct {
	ttl      time.Duration
	maxBytes int
	now      func() time.Time

	mu    sync.Mutex
	m     map[string]cachedPage
	bytes int
}

type cachedPage struct {
	body        []byte
	gz          []byte // body gzipped once, for clients that accept it
	contentType string
	expires     time.Time
}

func newPageCache(ttl time.Duration, maxBytes int) *pageCache {
	return &pageCache{ttl: ttl, maxBytes: maxBytes, now: time.Now, m: map[string]cachedPage{}}
}

func (pc *pageCache) get(key string) (cachedPage, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	p, ok := pc.m[key]
	if !ok || !pc.now().Before(p.expires) {
		return cachedPage{}, false
	}
	return p, true
}

func (pc *pageCache) put(key string, body []byte, contentType string) {
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
	now := pc.now()
	size := len(body) + len(gz)
	if old, ok := pc.m[key]; ok {
		pc.bytes -= len(old.body) + len(old.gz)
		delete(pc.m, key)
	}
	if pc.bytes+size > pc.maxBytes {
		for k, p := range pc.m { // drop expired pages first, then anything
			if !now.Before(p.expires) {
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
	pc.m[key] = cachedPage{body: body, gz: gz, contentType: contentType, expires: now.Add(pc.ttl)}
	pc.bytes += size
}
