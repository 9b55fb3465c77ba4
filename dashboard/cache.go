package dashboard

import (
	"bytes"
	"context"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
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

// retain drops the settled entries whose key keep rejects.
func (c *cached[T]) retain(keep func(key string) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.m {
		if e.loading == nil && !keep(k) {
			delete(c.m, k)
		}
	}
}

// has reports whether key holds a fresh value or one being loaded.
func (c *cached[T]) has(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	return ok && (e.loading != nil || e.fresh(c.now()))
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

// pageCache keeps rendered pages, keyed by request URI, with the version of
// the read model's data they show (see the pages' version functions): a
// page is served again, a map lookup, until that data changes. It is
// bounded by total bytes; only 200 responses are kept. Renders of one
// page and version run one at a time: others wait and take its result.
type pageCache struct {
	maxBytes int

	mu       sync.Mutex
	m        map[string]cachedPage
	bytes    int
	inflight map[string]chan struct{} // key + version -> closed when rendered
}

type cachedPage struct {
	version     string
	body        []byte
	gz          []byte // body gzipped once, when a client that accepts it first asks
	contentType string
}

func newPageCache(maxBytes int) *pageCache {
	return &pageCache{maxBytes: maxBytes, m: map[string]cachedPage{}, inflight: map[string]chan struct{}{}}
}

func (pc *pageCache) get(key, version string) (cachedPage, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	p, ok := pc.m[key]
	if !ok || p.version != version {
		return cachedPage{}, false
	}
	return p, true
}

// begin claims the render of key at version. When another request is
// rendering it, begin waits for that render (or ctx) and reports false:
// the caller looks in the cache again. When it reports true the caller
// renders and must call done.
func (pc *pageCache) begin(ctx context.Context, key, version string) bool {
	id := key + "\x00" + version
	pc.mu.Lock()
	ch, busy := pc.inflight[id]
	if !busy {
		pc.inflight[id] = make(chan struct{})
		pc.mu.Unlock()
		return true
	}
	pc.mu.Unlock()
	select {
	case <-ch:
	case <-ctx.Done():
	}
	return false
}

// done ends a render begin claimed.
func (pc *pageCache) done(key, version string) {
	id := key + "\x00" + version
	pc.mu.Lock()
	if ch, ok := pc.inflight[id]; ok {
		close(ch)
		delete(pc.inflight, id)
	}
	pc.mu.Unlock()
}

func (pc *pageCache) put(key, version string, body []byte, contentType string) {
	if len(body) > pc.maxBytes/8 {
		return
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.store(key, cachedPage{version: version, body: body, contentType: contentType})
}

// gzipped returns the page's body gzipped, compressing it the first time.
func (pc *pageCache) gzipped(key string, p cachedPage) []byte {
	if p.gz != nil {
		return p.gz
	}
	var zb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&zb, gzip.DefaultCompression)
	_, _ = zw.Write(p.body)
	_ = zw.Close()
	p.gz = zb.Bytes()
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if cur, ok := pc.m[key]; ok && cur.version == p.version && cur.gz == nil {
		pc.store(key, p)
	}
	return p.gz
}

// store keeps p under key within the byte budget. Called with pc.mu held.
func (pc *pageCache) store(key string, p cachedPage) {
	size := len(p.body) + len(p.gz)
	if old, ok := pc.m[key]; ok {
		pc.bytes -= len(old.body) + len(old.gz)
		delete(pc.m, key)
	}
	for k, o := range pc.m { // over budget: drop pages until it fits
		if pc.bytes+size <= pc.maxBytes {
			break
		}
		pc.bytes -= len(o.body) + len(o.gz)
		delete(pc.m, k)
	}
	pc.m[key] = p
	pc.bytes += size
}
