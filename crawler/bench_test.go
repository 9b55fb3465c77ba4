package crawler_test

import (
	"context"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/crawltest"
)

type nopSink struct{}

func (nopSink) Page(context.Context, *crawler.Page) error           { return nil }
func (nopSink) Links(context.Context, []crawler.LinkCheck) error    { return nil }
func (nopSink) SiteDone(context.Context, *crawler.SiteReport) error { return nil }

const benchSites, benchPages, benchParallel = 40, 50, 40

func benchWeb(b *testing.B) *crawltest.Web {
	b.Helper()
	w, err := crawltest.NewWeb(crawltest.Options{Sites: benchSites, PagesPerSite: benchPages, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(w.Close)
	return w
}

func report(b *testing.B, pages, bytes int64, elapsed time.Duration) {
	b.ReportMetric(float64(pages)/elapsed.Seconds(), "pages/s")
	b.ReportMetric(float64(bytes)/1e6/elapsed.Seconds(), "MB/s")
	b.ReportMetric(float64(pages)/float64(b.N), "pages/op")
}

// BenchmarkCrawl runs the full crawler (robots, sitemaps, probes, search,
// link checks) over 40 sites x 50 pages with no delay and a no-op sink.
func BenchmarkCrawl(b *testing.B) {
	w := benchWeb(b)
	cfg := crawler.DefaultConfig()
	cfg.Delay = 0
	cfg.Parallel = benchParallel
	cfg.Timeout = 10 * time.Second
	cfg.Resolve = w.Resolve
	b.ReportAllocs()
	var pages, bytes int64
	start := time.Now()
	for b.Loop() {
		c, err := crawler.New(cfg, nopSink{})
		if err != nil {
			b.Fatal(err)
		}
		st, err := c.Run(context.Background(), w.Sites)
		if err != nil {
			b.Fatal(err)
		}
		pages += st.Pages
		bytes += st.Bytes
	}
	report(b, pages, bytes, time.Since(start))
}

// BenchmarkBareColly fetches the same web with a bare async colly collector
// at the same concurrency (fetch and link-follow only).
func BenchmarkBareColly(b *testing.B) {
	w := benchWeb(b)
	b.ReportAllocs()
	var pages, bytes int64
	start := time.Now()
	for b.Loop() {
		n, by, err := crawltest.BareCollyCrawl(context.Background(), w.Sites, w.Resolve, benchParallel)
		if err != nil {
			b.Fatal(err)
		}
		pages += int64(n)
		bytes += by
	}
	report(b, pages, bytes, time.Since(start))
}
