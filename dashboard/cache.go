package dashboard

import (
	"bytes"
	"container/list"
	"context"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
)

// cached is a small in-process cache of values of one type, keyed by
// string, each kept for ttl (zero: until evicted). It keeps at most max
// values and, when it has a size function, at most maxBytes of them by
// that function's estimate: past either bound the least recently used
// values go (a value larger than maxBytes alone is returned, not kept).
// Only one load per key runs at a time: concurrent requests for a missing
// or expired key wait for it instead of stampeding ClickHouse. A failed
// load is not kept.
type cached[T any] struct {
	ttl      time.Duration
	max      int
	maxBytes int         // 0: bounded by count only
	size     func(T) int // a value's approximate bytes, with its key's
	now      func() time.Time

	mu    sync.Mutex
	m     map[string]*cacheEntry[T]
	lru   list.List // the settled entries, most recently used first
	bytes int       // their sizes added up
}

type cacheEntry[T any] struct {
	key     string
	val     T
	err     error
	expires time.Time     // zero: never
	loading chan struct{} // closed when an in-flight load finishes
	elem    *list.Element // in lru once settled
	size    int
}

func newCached[T any](ttl time.Duration, max int) *cached[T] {
	return newSizedCached[T](ttl, max, 0, nil)
}

// newSizedCached is a cache bounded by count and by the bytes size says a
// value takes (a maxBytes of 0 or a nil size: by count only).
func newSizedCached[T any](ttl time.Duration, maxValues, maxBytes int, size func(T) int) *cached[T] {
	if size == nil {
		maxBytes = 0
	}
	return &cached[T]{ttl: ttl, max: max(1, maxValues), maxBytes: maxBytes, size: size, now: time.Now, m: map[string]*cacheEntry[T]{}}
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
			c.drop(e)
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

// held reports how many values the cache keeps and their bytes.
func (c *cached[T]) held() (n, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len(), c.bytes
}

// halfFull reports whether the values kept take half the cache's bytes
// or more, or half its count.
func (c *cached[T]) halfFull() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return 2*c.lru.Len() >= c.max || c.maxBytes > 0 && 2*c.bytes >= c.maxBytes
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
		c.lru.MoveToFront(e.elem)
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
	case ok:
		c.drop(e) // expired
	}
	// Absent or expired: this caller loads.
	e = &cacheEntry[T]{key: key, loading: make(chan struct{})}
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
	if c.m[key] == e {
		if err != nil {
			delete(c.m, key)
		} else {
			c.settle(e)
		}
	}
	c.mu.Unlock()
	return val, err
}

// settle keeps a loaded entry as the most recently used and drops the
// least recently used ones past the bounds. Called with c.mu held.
func (c *cached[T]) settle(e *cacheEntry[T]) {
	if c.size != nil {
		e.size = c.size(e.val) + len(e.key)
	}
	if c.maxBytes > 0 && e.size > c.maxBytes {
		delete(c.m, e.key) // too large to keep
		return
	}
	e.elem = c.lru.PushFront(e)
	c.bytes += e.size
	for c.lru.Len() > c.max || c.maxBytes > 0 && c.bytes > c.maxBytes {
		c.drop(c.lru.Back().Value.(*cacheEntry[T]))
	}
}

// drop forgets a settled entry. Called with c.mu held.
func (c *cached[T]) drop(e *cacheEntry[T]) {
	if e.elem != nil {
		c.lru.Remove(e.elem)
		c.bytes -= e.size
		e.elem = nil
	}
	if c.m[e.key] == e {
		delete(c.m, e.key)
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
