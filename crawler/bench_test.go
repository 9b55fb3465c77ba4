package crawler_test

import (
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/archive"
	"github.com/councildash/councildash/crawler/crawltest"
)

// The web is 40 sites x 50 pages by default; CRAWLER_BENCH_SITES,
// CRAWLER_BENCH_PAGES and CRAWLER_BENCH_PARALLEL scale it (the 400 x
// 100 x 64), and real home pages are used when ../shared/data/pages exists.
var (
	benchSites    = envInt("CRAWLER_BENCH_SITES", 40)
	benchPages    = envInt("CRAWLER_BENCH_PAGES", 50)
	benchParallel = envInt("CRAWLER_BENCH_PARALLEL", 40)
)

func envInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil && n > 0 {
		return n
	}
	return def
}

// peakRSS reports the process's peak resident set (the test web included).
func peakRSS(b *testing.B) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
	}
}

func benchWeb(b *testing.B) *crawltest.Web {
	b.Helper()
	w, err := crawltest.NewWeb(crawltest.Options{Sites: benchSites, PagesPerSite: benchPages, Seed: 1, SharedDir: crawltest.SharedPagesDir()})
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
	peakRSS(b)
}

// BenchmarkCrawl runs the full crawler (robots, sitemaps, probes, search,
// link checks) over 40 sites x 50 pages with no delay and a no-op sink.
func BenchmarkCrawl(b *testing.B) { benchCrawl(b, nil) }

// benchCrawl crawls the bench web with no delay, after tweak (if any) has
// adjusted the configuration.
func benchCrawl(b *testing.B, tweak func(*crawler.Config)) {
	w := benchWeb(b)
	cfg := crawler.DefaultConfig()
	cfg.Delay = 0
	cfg.Parallel = benchParallel
	cfg.Timeout = 10 * time.Second
	cfg.Resolve = w.Resolve
	if tweak != nil {
		tweak(&cfg)
	}
	b.ReportAllocs()
	var pages, bytes int64
	start := time.Now()
	for b.Loop() {
		c, err := crawler.New(cfg, crawltest.NopSink{})
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

// BenchmarkCrawlPagesOnly is BenchmarkCrawl with what `councildash bench`
// turns off for the comparison with bare colly: no link checks, no site
// search, unlimited depth (so both crawlers fetch the same pages).
func BenchmarkCrawlPagesOnly(b *testing.B) {
	benchCrawl(b, func(cfg *crawler.Config) {
		cfg.MaxDepth = 100
		cfg.MaxLinkChecks, cfg.ExternalLinkSample, cfg.SearchQueries = 0, 0, nil
	})
}

// BenchmarkPoliteBound crawls with the polite defaults (1 s delay, link
// checks, search, probes) over a web that answers after 50 ms, and reports
// how close each site comes to the politeness bound: pages per site x
// delay (every request, pages or not, waits for the delay). Slow: run it
// with -benchtime=1x.
func BenchmarkPoliteBound(b *testing.B) {
	const sites, pages = 8, 10
	w, err := crawltest.NewWeb(crawltest.Options{Sites: sites, PagesPerSite: pages, Seed: 1, Latency: 50 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(w.Close)
	cfg := crawler.DefaultConfig()
	cfg.Parallel = sites
	cfg.MaxPages = pages
	cfg.Resolve = w.Resolve
	for b.Loop() {
		c, err := crawler.New(cfg, crawltest.NopSink{})
		if err != nil {
			b.Fatal(err)
		}
		st, err := c.Run(context.Background(), w.Sites)
		if err != nil {
			b.Fatal(err)
		}
		reqs := w.SiteRequests()
		perSite := float64(st.Pages) / sites
		bound := perSite * cfg.Delay.Seconds()
		reqPerSite := float64(reqs) / sites
		el := st.Elapsed.Seconds()
		b.ReportMetric(el, "s/run")
		b.ReportMetric(perSite, "pages/site")
		b.ReportMetric(reqPerSite, "requests/site")
		b.ReportMetric(bound, "bound-s")
		b.ReportMetric(el/bound, "x-page-bound")
		b.ReportMetric(el/(reqPerSite*cfg.Delay.Seconds()), "x-request-bound")
		b.ReportMetric(float64(st.Pages)/el, "pages/s")
	}
}

// BenchmarkCrawlArchived is BenchmarkCrawl with every fetch archived as
// WARC records (the cost of archiving: compare with BenchmarkCrawl).
func BenchmarkCrawlArchived(b *testing.B) {
	dir := b.TempDir()
	n := 0
	benchCrawl(b, func(cfg *crawler.Config) {
		n++
		w, err := archive.NewWriter(archive.Options{Dir: dir, RunID: "bench-" + strconv.Itoa(n)})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = w.Close() })
		cfg.Recorder = w
	})
}
