package crawler_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/crawltest"
)

// TestHostileSites crawls every hostile site alongside normal ones in one
// run: the run completes, each hostile site gets the right error class and
// the normal sites are crawled exactly as they are without hostile company.
func TestHostileSites(t *testing.T) {
	const nPages = 12
	w, err := crawltest.NewWeb(crawltest.Options{Sites: 3, PagesPerSite: nPages, Seed: 3, Hostile: crawltest.HostileKinds()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cfg := testConfig(w)
	cfg.Parallel = 32
	cfg.Timeout = 3 * time.Second // slow-drip and no-answer sites cost this
	cfg.MaxBody = 1 << 20
	cfg.MaxRedirects = 5
	cfg.MaxSitemapURLs = 2000
	cfg.MaxQueryVariants = 5
	cfg.MaxPages = 40
	sink, st := run(t, cfg, w.Sites)
	if st.SitesDone != len(w.Sites) {
		t.Fatalf("sites done %d of %d", st.SitesDone, len(w.Sites))
	}

	// Baseline: the normal sites crawled alone.
	wAlone, err := crawltest.NewWeb(crawltest.Options{Sites: 3, PagesPerSite: nPages, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer wAlone.Close()
	cfgAlone := cfg
	cfgAlone.Resolve = wAlone.Resolve
	alone, _ := run(t, cfgAlone, wAlone.Sites)
	for _, site := range w.Sites[:3] {
		got, want := pageSummary(sink.pagesOf(site.Council)), pageSummary(alone.pagesOf(site.Council))
		if got != want {
			t.Errorf("normal site %s affected by hostile sites:\n got %s\nwant %s", site.Council, got, want)
		}
	}

	report := func(t *testing.T, kind string) (*crawler.SiteReport, []crawler.Page) {
		t.Helper()
		site := w.HostileSites[kind]
		r := sink.reports[site.Council]
		if r == nil {
			t.Fatalf("no report for %s", kind)
		}
		return r, sink.pagesOf(site.Council)
	}
	homeClass := func(kind, class string) {
		t.Run(kind, func(t *testing.T) {
			r, pages := report(t, kind)
			if r.HomeErrorClass != class {
				t.Errorf("home error class %q, want %q", r.HomeErrorClass, class)
			}
			if len(pages) == 0 || pages[0].ErrorClass != class {
				t.Errorf("first page %+v", pages)
			}
		})
	}
	homeClass(crawltest.KindRedirectLoop, crawler.ErrRedirectLoop)
	homeClass(crawltest.KindRedirectChain, crawler.ErrTooManyRedirects)
	homeClass(crawltest.KindHugeBody, crawler.ErrTooLarge)
	homeClass(crawltest.KindGzipBomb, crawler.ErrDecompression)
	homeClass(crawltest.KindSlowDrip, crawler.ErrTimeout)
	homeClass(crawltest.KindNoAnswer, crawler.ErrTimeout)
	homeClass(crawltest.KindServerError, crawler.ErrHTTP5xx)
	homeClass(crawltest.KindBinaryHTML, crawler.ErrBadContent)
	homeClass(crawltest.KindRefused, crawler.ErrRefused)
	homeClass(crawltest.KindNXDomain, crawler.ErrDNS)

	t.Run("redirect chain recorded", func(t *testing.T) {
		_, pages := report(t, crawltest.KindRedirectLoop)
		if len(pages[0].RedirectChain) < 2 {
			t.Errorf("redirect chain %v", pages[0].RedirectChain)
		}
		_, pages = report(t, crawltest.KindRedirectChain)
		if n := len(pages[0].RedirectChain); n != cfg.MaxRedirects { // MaxRedirects+1 requests, the last is FinalURL
			t.Errorf("chain of %d hops, want %d", n, cfg.MaxRedirects)
		}
	})
	t.Run("huge body capped", func(t *testing.T) {
		_, pages := report(t, crawltest.KindHugeBody)
		if b := pages[0].Bytes; b < cfg.MaxBody || b > 2*cfg.MaxBody {
			t.Errorf("received %d bytes, cap %d", b, cfg.MaxBody)
		}
	})
	t.Run(crawltest.KindRobotsDeny, func(t *testing.T) {
		r, pages := report(t, crawltest.KindRobotsDeny)
		if !r.RobotsDisallowAll || r.HomeErrorClass != crawler.ErrRobotsDisallowed {
			t.Errorf("disallow-all %v, home class %q", r.RobotsDisallowAll, r.HomeErrorClass)
		}
		if len(pages) != 1 || pages[0].Status != 0 {
			t.Errorf("pages %+v", pages)
		}
		if n := w.PageRequests(crawltest.HostileHost(crawltest.KindRobotsDeny)); n != 0 {
			t.Errorf("%d requests besides robots.txt", n)
		}
	})
	t.Run(crawltest.KindRobotsHuge, func(t *testing.T) {
		r, pages := report(t, crawltest.KindRobotsHuge)
		if r.RobotsErrorClass != crawler.ErrTooLarge || r.RobotsBytes > 2*cfg.MaxRobotsBytes {
			t.Errorf("robots class %q bytes %d", r.RobotsErrorClass, r.RobotsBytes)
		}
		if r.HomeStatus != 200 || len(pages) == 0 || !pages[0].IsHTML {
			t.Errorf("home not crawled after huge robots: %d", r.HomeStatus)
		}
	})
	t.Run(crawltest.KindSitemapHuge, func(t *testing.T) {
		r, pages := report(t, crawltest.KindSitemapHuge)
		if r.SitemapErrorClass != crawler.ErrTooLarge || r.SitemapURLs != cfg.MaxSitemapURLs {
			t.Errorf("sitemap class %q urls %d", r.SitemapErrorClass, r.SitemapURLs)
		}
		if len(pages) != cfg.MaxPages {
			t.Errorf("%d pages, want budget %d", len(pages), cfg.MaxPages)
		}
	})
	t.Run(crawltest.KindCalendar, func(t *testing.T) {
		_, pages := report(t, crawltest.KindCalendar)
		events := 0
		for _, p := range pages {
			if strings.Contains(p.URL, "/events") {
				events++
			}
		}
		if events == 0 || events > cfg.MaxQueryVariants {
			t.Errorf("%d calendar pages fetched, cap %d", events, cfg.MaxQueryVariants)
		}
	})
	t.Run(crawltest.KindCharset, func(t *testing.T) {
		_, pages := report(t, crawltest.KindCharset)
		bodies := map[string]string{}
		for _, p := range pages {
			if !utf8.Valid(p.Body) {
				t.Errorf("%s: body is not valid UTF-8", p.URL)
			}
			bodies[path(p.URL)] = string(p.Body)
		}
		if !strings.Contains(bodies["/"], "Parking £5 at the café – fees") {
			t.Errorf("windows-1252 not decoded: %q", bodies["/"])
		}
		if !strings.Contains(bodies["/bad-utf8"], "Broken \uFFFD(") {
			t.Errorf("invalid utf-8 page: %q", bodies["/bad-utf8"])
		}
		if !strings.Contains(bodies["/no-charset"], "Naïve résumé") {
			t.Errorf("meta charset page: %q", bodies["/no-charset"])
		}
	})
	t.Run(crawltest.KindMetaRefresh, func(t *testing.T) {
		_, pages := report(t, crawltest.KindMetaRefresh)
		seen := map[string]int{}
		for _, p := range pages {
			seen[path(p.URL)]++
		}
		if len(pages) != 3 || seen["/loop-a"] != 1 || seen["/loop-b"] != 1 {
			t.Errorf("meta refresh pages %v", seen)
		}
	})
}

// pageSummary is a stable description of a site's crawl.
func pageSummary(pages []crawler.Page) string {
	var parts []string
	for _, p := range pages {
		parts = append(parts, path(p.URL)+"="+itoa(p.Status)+p.ErrorClass)
	}
	return strings.Join(parts, " ")
}
