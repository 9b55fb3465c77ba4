package crawler

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestHostGatesOneAtATime(t *testing.T) {
	g := newHostGates()
	var inFlight, maxSeen, done atomic.Int64
	var wg sync.WaitGroup
	for i := range 16 {
		host := "www.a.gov.uk"
		if i%2 == 1 {
			host = "A.gov.uk" // the bare twin is the same host
		}
		wg.Go(func() {
			release, err := g.acquire(context.Background(), host, 0)
			if err != nil {
				t.Error(err)
				return
			}
			n := inFlight.Add(1)
			for {
				m := maxSeen.Load()
				if n <= m || maxSeen.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(time.Millisecond) // widen the window a broken gate would show
			inFlight.Add(-1)
			done.Add(1)
			release()
			release() // a second release is harmless
		})
	}
	wg.Wait()
	if maxSeen.Load() != 1 || done.Load() != 16 || g.hosts() != 1 {
		t.Errorf("max in flight %d, done %d, hosts %d", maxSeen.Load(), done.Load(), g.hosts())
	}
}

func TestHostGatesDelayAndCancel(t *testing.T) {
	g := newHostGates()
	const delay = 30 * time.Millisecond
	release, err := g.acquire(context.Background(), "x.gov.uk", delay)
	if err != nil {
		t.Fatal(err)
	}
	release()
	ended := time.Now()
	release, err = g.acquire(context.Background(), "x.gov.uk", delay)
	if err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(ended); waited < delay {
		t.Errorf("second request after %v, delay %v", waited, delay)
	}
	// While held, a waiter gives up with its context.
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(5 * time.Millisecond); cancel() }()
	if _, err := g.acquire(ctx, "x.gov.uk", 0); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: %v", err)
	}
	// Other hosts are not blocked.
	r2, err := g.acquire(context.Background(), "y.gov.uk", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	r2()
	release()
}

func TestProgressBarOnTerminal(t *testing.T) {
	c, err := New(DefaultConfig(), discardSink{})
	if err != nil {
		t.Fatal(err)
	}
	c.started.Store(time.Now().UnixNano())
	c.sitesTotal.Store(4)
	c.sitesDone.Store(3)
	c.pages.Store(120)
	c.pageErrors.Store(7)
	var buf strings.Builder
	stop := c.progressTo(&buf, true, time.Hour)
	stop()
	out := buf.String()
	for _, want := range []string{"sites 3/4", "pages 120", "errors 7", "pages/s", "(0/4)"} {
		if !strings.Contains(out, want) {
			t.Errorf("bar output lacks %q: %q", want, out)
		}
	}
	buf.Reset()
	stop = c.progressTo(&buf, false, time.Hour)
	stop()
	if out := buf.String(); !strings.Contains(out, "sites_done=3") || !strings.Contains(out, "sites_total=4") || !strings.Contains(out, "errors=7") {
		t.Errorf("plain progress line: %q", out)
	}
}

type discardSink struct{}

func (discardSink) Page(context.Context, *Page) error           { return nil }
func (discardSink) Links(context.Context, []LinkCheck) error    { return nil }
func (discardSink) SiteDone(context.Context, *SiteReport) error { return nil }

func TestLinkCacheOneCheckPerURL(t *testing.T) {
	l := newLinkCache(2)
	ctx := context.Background()
	_, ok, mine := l.lookup(ctx, "http://x/1")
	if ok || mine == nil {
		t.Fatal("first lookup must claim the check")
	}
	got := make(chan linkResult)
	go func() {
		r, ok, _ := l.lookup(ctx, "http://x/1") // waits for the owner
		if !ok {
			t.Error("waiter got no result")
		}
		got <- r
	}()
	l.finish("http://x/1", mine, linkResult{method: "HEAD", status: 200}, true)
	if r := <-got; r.status != 200 || r.method != "HEAD" {
		t.Errorf("waiter got %+v", r)
	}
	// An abandoned check is claimed again by the next site.
	_, _, mine = l.lookup(ctx, "http://x/2")
	l.finish("http://x/2", mine, linkResult{}, false)
	if _, ok, again := l.lookup(ctx, "http://x/2"); ok || again == nil {
		t.Error("abandoned check not handed on")
	} else {
		l.finish("http://x/2", again, linkResult{status: 404}, true)
	}
	// Full: checks proceed uncached.
	if _, ok, e := l.lookup(ctx, "http://x/3"); ok || e != nil {
		t.Error("full cache must not claim")
	}
	// A waiter gives up with its context.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	l2 := newLinkCache(5)
	_, _, owner := l2.lookup(ctx, "u")
	if _, ok, e := l2.lookup(cctx, "u"); ok || e != nil {
		t.Error("cancelled waiter")
	}
	l2.finish("u", owner, linkResult{}, true)
}
