package crawler_test

import (
	"context"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/crawltest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// recSink records everything; bodies are copied (the crawler reuses nothing,
// but the contract says the sink must not retain them).
type recSink struct {
	mu       sync.Mutex
	pages    []crawler.Page
	links    []crawler.LinkCheck
	reports  map[string]*crawler.SiteReport
	order    []string // "page:<council>" / "done:<council>"
	onPage   func(*crawler.Page)
	afterRun bool
	late     int // sink calls after Run returned
}

func newRecSink() *recSink { return &recSink{reports: map[string]*crawler.SiteReport{}} }

func (s *recSink) Page(_ context.Context, p *crawler.Page) error {
	s.mu.Lock()
	if s.afterRun {
		s.late++
	}
	cp := *p
	cp.Body = append([]byte(nil), p.Body...)
	s.pages = append(s.pages, cp)
	s.order = append(s.order, "page:"+p.Council)
	f := s.onPage
	s.mu.Unlock()
	if f != nil {
		f(p)
	}
	return nil
}

func (s *recSink) Links(_ context.Context, lc []crawler.LinkCheck) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.afterRun {
		s.late++
	}
	s.links = append(s.links, lc...)
	return nil
}

func (s *recSink) SiteDone(_ context.Context, r *crawler.SiteReport) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.afterRun {
		s.late++
	}
	cp := *r
	s.reports[r.Council] = &cp
	s.order = append(s.order, "done:"+r.Council)
	return nil
}

func (s *recSink) pagesOf(council string) []crawler.Page {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []crawler.Page
	for _, p := range s.pages {
		if p.Council == council {
			out = append(out, p)
		}
	}
	return out
}

func (s *recSink) linksOf(council string) []crawler.LinkCheck {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []crawler.LinkCheck
	for _, l := range s.links {
		if l.Council == council {
			out = append(out, l)
		}
	}
	return out
}

func testConfig(w *crawltest.Web) crawler.Config {
	cfg := crawler.DefaultConfig()
	cfg.Delay = 0
	cfg.Timeout = 5 * time.Second
	cfg.Parallel = 8
	cfg.Resolve = w.Resolve
	return cfg
}

func run(t *testing.T, cfg crawler.Config, sites []crawler.Site) (*recSink, crawler.Stats) {
	t.Helper()
	sink := newRecSink()
	c, err := crawler.New(cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Run(context.Background(), sites)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	sink.mu.Lock()
	sink.afterRun = true
	sink.mu.Unlock()
	return sink, st
}

func path(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	if u.RawQuery != "" {
		return u.Path + "?" + u.RawQuery
	}
	return u.Path
}

func TestCrawlGeneratedWeb(t *testing.T) {
	const nSites, nPages = 6, 20
	w, err := crawltest.NewWeb(crawltest.Options{Sites: nSites, PagesPerSite: nPages, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	sink, st := run(t, testConfig(w), w.Sites)

	if st.SitesDone != nSites || len(sink.reports) != nSites {
		t.Fatalf("sites done %d, reports %d, want %d", st.SitesDone, len(sink.reports), nSites)
	}
	if int(st.Pages) != len(sink.pages) {
		t.Errorf("Stats.Pages %d != pages delivered %d", st.Pages, len(sink.pages))
	}
	inner := nPages - 6
	for i, site := range w.Sites {
		r := sink.reports[site.Council]
		pages := sink.pagesOf(site.Council)
		ok := map[string]bool{}
		for _, p := range pages {
			if p.Status == 200 && p.ErrorClass == "" {
				if !p.IsHTML || len(p.Body) == 0 {
					t.Errorf("%s: 200 page %s not HTML or empty", site.Council, p.URL)
				}
				ok[path(p.URL)] = true
			} else if !(p.Status == 404 && p.ErrorClass == crawler.ErrHTTP4xx && strings.HasPrefix(path(p.URL), "/page/")) {
				t.Errorf("%s: unexpected page %s status %d class %q", site.Council, p.URL, p.Status, p.ErrorClass)
			}
			if p.URL == site.HomeURL && p.Depth != 0 {
				t.Errorf("home depth %d", p.Depth)
			}
		}
		want := []string{"/", "/council-tax/pay", "/bins/collection-days", "/a-z", "/accessibility-statement", "/contact-us"}
		for n := 1; n <= inner; n++ {
			want = append(want, "/page/"+itoa(n))
		}
		for _, p := range want {
			if !ok[p] {
				t.Errorf("%s: page %s not fetched OK", site.Council, p)
			}
		}
		if r.PagesFetched != len(pages) {
			t.Errorf("%s: report PagesFetched %d != delivered %d", site.Council, r.PagesFetched, len(pages))
		}
		if r.HomeStatus != 200 || r.HomeErrorClass != "" || r.FinalHomeURL != site.HomeURL {
			t.Errorf("%s: home %d %q %q", site.Council, r.HomeStatus, r.HomeErrorClass, r.FinalHomeURL)
		}
		if !r.RobotsParsed || r.RobotsStatus != 200 {
			t.Errorf("%s: robots parsed=%v status=%d", site.Council, r.RobotsParsed, r.RobotsStatus)
		}
		if !r.SitemapParsed || r.SitemapURLs != nPages {
			t.Errorf("%s (variant %d): sitemap parsed=%v urls=%d (want %d) sitemaps=%v class=%q", site.Council, i%3, r.SitemapParsed, r.SitemapURLs, nPages, r.Sitemaps, r.SitemapErrorClass)
		}
		wantNF := 404
		if i%5 == 4 {
			wantNF = 200
		}
		if r.NotFoundStatus != wantNF || !strings.Contains(string(r.NotFoundBody), "Page not found") {
			t.Errorf("%s: 404 probe status %d body %d bytes", site.Council, r.NotFoundStatus, len(r.NotFoundBody))
		}
		if r.SearchFormAction == "" {
			t.Errorf("%s: no search form found", site.Council)
		}
		if !containsPath(r.SearchResults["council tax"], "/council-tax/pay") || !containsPath(r.SearchResults["bin collection"], "/bins/collection-days") {
			t.Errorf("%s: search form %q results %v", site.Council, r.SearchFormAction, r.SearchResults)
		}
		if r.PDFs != 2 {
			t.Errorf("%s: PDFs %d, want 2", site.Council, r.PDFs)
		}
		links := sink.linksOf(site.Council)
		if r.LinksChecked != len(links) || len(links) == 0 {
			t.Errorf("%s: links checked %d, delivered %d", site.Council, r.LinksChecked, len(links))
		}
		broken := 0
		sawPDF, sawExternal := false, false
		for _, l := range links {
			if l.Status >= 400 || l.ErrorClass != "" {
				broken++
			}
			if strings.HasSuffix(l.ToURL, ".pdf") && l.Status == 200 {
				sawPDF = true
			}
			if !l.Internal && l.Status == 200 {
				sawExternal = true
			}
		}
		if broken != r.LinksBroken || (broken == 0) != (i%5 == 4) { // soft-404 sites answer 200
			t.Errorf("%s: broken links %d (report %d)", site.Council, broken, r.LinksBroken)
		}
		if !sawPDF || !sawExternal {
			t.Errorf("%s: pdf checked %v, external checked %v", site.Council, sawPDF, sawExternal)
		}
	}
	// Every page of a site is delivered before its SiteDone.
	done := map[string]bool{}
	for _, ev := range sink.order {
		kind, council, _ := strings.Cut(ev, ":")
		if kind == "done" {
			done[council] = true
		} else if done[council] {
			t.Errorf("page for %s delivered after SiteDone", council)
		}
	}
}

func containsPath(urls []string, p string) bool {
	for _, u := range urls {
		if path(u) == p {
			return true
		}
	}
	return false
}

func itoa(n int) string {
	return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(n))
}

func fmtInt(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

func TestCrawlSharedPages(t *testing.T) {
	dir := crawltest.RequireSharedPages(t)
	w, err := crawltest.NewWeb(crawltest.Options{Sites: 4, PagesPerSite: 12, Seed: 2, SharedDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	real, err := crawltest.LoadSharedPages(dir)
	if err != nil || len(real) < 4 {
		t.Fatalf("shared pages: %v (%d)", err, len(real))
	}
	sink, _ := run(t, testConfig(w), w.Sites)
	for i, site := range w.Sites {
		if site.Council != real[i].Council {
			t.Errorf("site %d council %q, want %q from manifest", i, site.Council, real[i].Council)
		}
		var home *crawler.Page
		for _, p := range sink.pagesOf(site.Council) {
			if p.URL == site.HomeURL {
				home = &p
			}
		}
		if home == nil || home.Status != 200 || !strings.Contains(string(home.Body), "cd-site-header") || len(home.Body) < 2000 {
			t.Fatalf("%s: home page missing or not the real page with injected header", site.Council)
		}
		r := sink.reports[site.Council]
		if !containsPath(r.SearchResults["council tax"], "/council-tax/pay") {
			t.Errorf("%s: search form %q results %v", site.Council, r.SearchFormAction, r.SearchResults)
		}
		if r.PagesFetched < 12 {
			t.Errorf("%s: only %d pages", site.Council, r.PagesFetched)
		}
	}
}

func TestSkipAndShard(t *testing.T) {
	w, err := crawltest.NewWeb(crawltest.Options{Sites: 4, PagesPerSite: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cfg := testConfig(w)
	cfg.Skip = map[string]bool{w.Sites[1].Council: true}
	sink, st := run(t, cfg, w.Sites)
	if st.SitesSkipped != 1 || st.SitesDone != 3 {
		t.Errorf("skipped %d done %d", st.SitesSkipped, st.SitesDone)
	}
	host := strings.TrimSuffix(strings.TrimPrefix(w.Sites[1].HomeURL, "http://"), "/")
	if n := w.PageRequests(host); n != 0 || len(sink.pagesOf(w.Sites[1].Council)) != 0 {
		t.Errorf("skipped site was fetched: %d requests", n)
	}
	if w.PageRequests(strings.TrimSuffix(strings.TrimPrefix(w.Sites[0].HomeURL, "http://"), "/")) == 0 {
		t.Error("site 0 not fetched")
	}

	for _, n := range []int{1, 2, 3, 7} {
		counts := make([]int, n)
		for i := 0; i < 500; i++ {
			code := "E0" + fmtInt(7000000+i)
			hits := 0
			for s := 0; s < n; s++ {
				if crawler.InShard(code, s, n) {
					hits++
					counts[s]++
				}
			}
			if hits != 1 {
				t.Fatalf("%s in %d shards of %d", code, hits, n)
			}
		}
		for s, c := range counts {
			if n > 1 && (c < 500/n/2) {
				t.Errorf("shard %d/%d has only %d of 500", s, n, c)
			}
		}
	}
}

func TestCancelStopsAndDeliversEverything(t *testing.T) {
	w, err := crawltest.NewWeb(crawltest.Options{Sites: 6, PagesPerSite: 40})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cfg := testConfig(w)
	cfg.Parallel = 3
	cfg.Delay = 50 * time.Millisecond // slow enough that cancelling interrupts
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sink := newRecSink()
	var once sync.Once
	sink.onPage = func(p *crawler.Page) {
		if p.Depth > 0 {
			once.Do(cancel)
		}
	}
	c, err := crawler.New(cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Run(ctx, w.Sites)
	sink.mu.Lock()
	sink.afterRun = true
	n := len(sink.pages)
	reports := len(sink.reports)
	var interrupted int
	for _, r := range sink.reports {
		if r.Interrupted {
			interrupted++
		}
	}
	sink.mu.Unlock()
	if err != context.Canceled {
		t.Fatalf("Run error %v, want context.Canceled", err)
	}
	if int(st.Pages) != n {
		t.Errorf("stats pages %d, delivered %d", st.Pages, n)
	}
	if n >= 6*40 {
		t.Errorf("cancel did not stop the crawl: %d pages", n)
	}
	if reports > 3 || interrupted == 0 {
		t.Errorf("reports %d interrupted %d: sites not started must not report", reports, interrupted)
	}
	if st.SitesInterrupted != interrupted || st.SitesDone+st.SitesInterrupted != reports {
		t.Errorf("stats: done %d interrupted %d, reports %d (%d interrupted)", st.SitesDone, st.SitesInterrupted, reports, interrupted)
	}
	time.Sleep(100 * time.Millisecond)
	sink.mu.Lock()
	late := sink.late
	sink.mu.Unlock()
	if late != 0 {
		t.Errorf("%d sink calls after Run returned", late)
	}
}

func TestParseResolve(t *testing.T) {
	m, err := crawler.ParseResolve([]string{"www.a.gov.uk=127.0.0.1:8080", " *=127.0.0.1:9 ", "# comment", "", "b.gov.uk=nxdomain"})
	if err != nil {
		t.Fatal(err)
	}
	if m["www.a.gov.uk"] != "127.0.0.1:8080" || m["*"] != "127.0.0.1:9" || m["b.gov.uk"] != "nxdomain" || len(m) != 3 {
		t.Errorf("got %v", m)
	}
	for _, bad := range []string{"nohost", "=1.2.3.4:5", "a=", "a=1.2.3.4"} {
		if _, err := crawler.ParseResolve([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	m, err = crawler.ReadResolve(strings.NewReader("a=1.2.3.4:80\n\n# x\nb=5.6.7.8:443\n"))
	if err != nil || len(m) != 2 || m["b"] != "5.6.7.8:443" {
		t.Errorf("file form: %v %v", m, err)
	}
}

func TestProgressLinesAndLiveStats(t *testing.T) {
	w, err := crawltest.NewWeb(crawltest.Options{Sites: 3, PagesPerSite: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cfg := testConfig(w)
	var buf syncBuffer
	cfg.Progress = &buf
	cfg.ProgressEvery = 5 * time.Millisecond
	sink := newRecSink()
	c, err := crawler.New(cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var maxSeen int64
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				if p := c.Progress().Pages; p > maxSeen {
					maxSeen = p
				}
				time.Sleep(time.Millisecond)
			}
		}
	})
	st, err := c.Run(context.Background(), w.Sites)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if maxSeen > st.Pages || st.Pages == 0 {
		t.Errorf("live pages %d > final %d", maxSeen, st.Pages)
	}
	out := buf.String()
	if !strings.Contains(out, "crawl progress final") || !strings.Contains(out, "sites_done=3") {
		t.Errorf("progress output: %q", out)
	}
	if got := c.Progress(); got.Pages != st.Pages || got.SitesDone != 3 {
		t.Errorf("Progress after run %+v", got)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func sortedKeys(m map[string]int) []string {
	var k []string
	for x := range m {
		k = append(k, x)
	}
	sort.Strings(k)
	return k
}
