package crawler_test

import (
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/crawltest"
)

// reqLog records every request the test web receives: per host (www and
// bare domain folded together, like the crawler does) the arrival times, the
// requests in flight at once, methods, paths and user agents.
type reqLog struct {
	mu          sync.Mutex
	reqs        []loggedReq
	inFlight    map[string]int
	maxInFlight map[string]int
}

type loggedReq struct {
	host, method, path, ua string
	at                     time.Time
}

func newReqLog() *reqLog {
	return &reqLog{inFlight: map[string]int{}, maxInFlight: map[string]int{}}
}

func siteHost(h string) string {
	if hh, _, err := net.SplitHostPort(h); err == nil {
		h = hh
	}
	return strings.TrimPrefix(strings.ToLower(h), "www.")
}

func (l *reqLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := siteHost(r.Host)
		l.mu.Lock()
		l.reqs = append(l.reqs, loggedReq{host: host, method: r.Method, path: r.URL.RequestURI(), ua: r.UserAgent(), at: time.Now()})
		l.inFlight[host]++
		l.maxInFlight[host] = max(l.maxInFlight[host], l.inFlight[host])
		l.mu.Unlock()
		defer func() {
			l.mu.Lock()
			l.inFlight[host]--
			l.mu.Unlock()
		}()
		h.ServeHTTP(w, r)
	})
}

func (l *reqLog) of(host string) []loggedReq {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []loggedReq
	for _, r := range l.reqs {
		if r.host == host {
			out = append(out, r)
		}
	}
	return out
}

// minGap is the smallest time between two request arrivals on host.
func (l *reqLog) minGap(host string) (time.Duration, int) {
	reqs := l.of(host)
	sort.Slice(reqs, func(i, j int) bool { return reqs[i].at.Before(reqs[j].at) })
	gap := time.Duration(1<<63 - 1)
	for i := 1; i < len(reqs); i++ {
		gap = min(gap, reqs[i].at.Sub(reqs[i-1].at))
	}
	return gap, len(reqs)
}

// simpleSite serves robots.txt, HTML pages (path -> body) and 404s.
func simpleSite(robots string, pages map[string]string, pause time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if pause > 0 {
			time.Sleep(pause) // widens the window in which overlapping requests would show
		}
		if r.URL.Path == "/robots.txt" {
			if robots == "" {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, robots)
			return
		}
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	})
}

func linksPage(hrefs ...string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head><title>t</title></head><body><main>")
	for _, h := range hrefs {
		fmt.Fprintf(&b, "<a href=%q>link</a> ", h)
	}
	b.WriteString("</main></body></html>")
	return b.String()
}

func newLoggedWeb(t *testing.T, log *reqLog, hosts map[string]http.Handler) *crawltest.Web {
	t.Helper()
	wrapped := map[string]http.Handler{}
	for h, hd := range hosts {
		wrapped[h] = log.wrap(hd)
	}
	w, err := crawltest.NewWeb(crawltest.Options{Handlers: wrapped})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	return w
}

// Councils can share one web host, and many sites link to the same
// external hosts: whatever the number of sites crawled at once, one host
// sees one request at a time, spaced by the delay, and every request
// identifies the crawler.
func TestPolitePerHostAcrossSites(t *testing.T) {
	log := newReqLog()
	const pause = 2 * time.Millisecond
	shared := map[string]string{"/": linksPage("/p1", "/p2", "/p3", "/p4")}
	for i := 1; i <= 4; i++ {
		shared[fmt.Sprintf("/p%d", i)] = linksPage("/")
	}
	hosts := map[string]http.Handler{
		"www.shared.gov.uk": simpleSite("User-agent: *\nAllow: /\n", shared, pause),
		"ext.example.org":   simpleSite("", map[string]string{"/1": "ok", "/2": "ok", "/3": "ok"}, pause),
	}
	sites := []crawler.Site{
		{Council: "JOINT-A", HomeURL: "http://www.shared.gov.uk/"},
		{Council: "JOINT-B", HomeURL: "http://www.shared.gov.uk/"},
	}
	for i := range 4 {
		host := fmt.Sprintf("www.c%d.gov.uk", i)
		hosts[host] = simpleSite("User-agent: *\nAllow: /\n", map[string]string{
			"/":  linksPage("/x", "http://ext.example.org/1", "http://ext.example.org/2", "http://ext.example.org/3", "http://shared.gov.uk/p1"),
			"/x": linksPage("/"),
		}, pause)
		sites = append(sites, crawler.Site{Council: fmt.Sprintf("C%d", i), HomeURL: "http://" + host + "/"})
	}
	w := newLoggedWeb(t, log, hosts)
	cfg := testConfig(w)
	cfg.Parallel = len(sites)
	const delay = 15 * time.Millisecond
	cfg.Delay = delay
	sink, st := run(t, cfg, sites)
	if st.SitesDone != len(sites) {
		t.Fatalf("sites done %d of %d", st.SitesDone, len(sites))
	}
	for _, c := range []string{"JOINT-A", "JOINT-B"} {
		if n := len(sink.pagesOf(c)); n != 5 {
			t.Errorf("%s: %d pages, want 5", c, n)
		}
	}
	for _, host := range []string{"shared.gov.uk", "ext.example.org", "c0.gov.uk"} {
		gap, n := log.minGap(host)
		log.mu.Lock()
		most := log.maxInFlight[host]
		log.mu.Unlock()
		if most != 1 {
			t.Errorf("%s: %d requests in flight at once", host, most)
		}
		if n < 2 || gap < delay {
			t.Errorf("%s: %d requests, smallest gap %v < delay %v", host, n, gap, delay)
		}
	}
	// An external link is checked once per run, whatever the number of
	// councils linking to it; every site still records the check.
	if n := len(log.of("ext.example.org")); n != 3 {
		t.Errorf("external host got %d requests for 3 links checked by 4 sites", n)
	}
	for i := range 4 {
		ok := 0
		for _, l := range sink.linksOf(fmt.Sprintf("C%d", i)) {
			if strings.HasPrefix(l.ToURL, "http://ext.example.org/") && l.Status == 200 && !l.Internal {
				ok++
			}
		}
		if ok != 3 {
			t.Errorf("C%d: %d external link checks recorded, want 3", i, ok)
		}
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	for _, r := range log.reqs {
		if r.ua != crawler.DefaultUserAgent {
			t.Errorf("%s %s%s: User-Agent %q", r.method, r.host, r.path, r.ua)
		}
	}
}

// --delay spaces one site's requests; a larger robots.txt Crawl-delay for our
// agent wins, capped at MaxCrawlDelay.
func TestCrawlDelayHonouredUpToMax(t *testing.T) {
	log := newReqLog()
	pages := map[string]string{"/": linksPage("/a", "/b", "/c"), "/a": linksPage("/"), "/b": linksPage("/"), "/c": linksPage("/")}
	robots := func(cd string) string {
		if cd == "" {
			return "User-agent: *\nAllow: /\n"
		}
		return "User-agent: councildash\nAllow: /\nCrawl-delay: " + cd + "\n"
	}
	const delay, maxCD = 20 * time.Millisecond, 70 * time.Millisecond
	cases := []struct {
		host, crawlDelay string
		report, min      time.Duration
	}{
		{"huge.gov.uk", "3600", time.Hour, maxCD},                            // capped
		{"mid.gov.uk", "0.05", 50 * time.Millisecond, 50 * time.Millisecond}, // honoured
		{"small.gov.uk", "0.001", time.Millisecond, delay},                   // smaller than --delay: --delay wins
		{"none.gov.uk", "", 0, delay},
	}
	hosts := map[string]http.Handler{}
	var sites []crawler.Site
	for _, c := range cases {
		hosts["www."+c.host] = simpleSite(robots(c.crawlDelay), pages, 0)
		sites = append(sites, crawler.Site{Council: c.host, HomeURL: "http://www." + c.host + "/"})
	}
	w := newLoggedWeb(t, log, hosts)
	cfg := testConfig(w)
	cfg.Delay, cfg.MaxCrawlDelay = delay, maxCD
	sink, _ := run(t, cfg, sites)
	for _, c := range cases {
		r := sink.reports[c.host]
		if r.CrawlDelay != c.report {
			t.Errorf("%s: reported Crawl-delay %v, want %v", c.host, r.CrawlDelay, c.report)
		}
		if r.PagesFetched != 4 {
			t.Errorf("%s: %d pages", c.host, r.PagesFetched)
		}
		if gap, n := log.minGap(c.host); n < 6 || gap < c.min {
			t.Errorf("%s: %d requests, smallest gap %v, want >= %v", c.host, n, gap, c.min)
		}
	}
}

// The crawl stays on the council's hosts (www and bare domain alike,
// subdomains only when allowed), checks other links without crawling them,
// and never submits a form other than the GET site search.
func TestSiteBoundariesAndForms(t *testing.T) {
	log := newReqLog()
	home := `<!DOCTYPE html><html><body>
<form action="/search" method="get" role="search"><input type="search" name="q"><input type="hidden" name="src" value="home"></form>
<form action="/login" method="post"><input name="user"><input type="password" name="pw"></form>
<form action="/filter" method="get"><select name="ward"></select><input type="checkbox" name="open"></form>
<form action="/feedback"><input type="text" name="comment"></form>
<a href="http://www.twin.gov.uk/a">www twin</a> <a href="/b">b</a>
<a href="http://sub.twin.gov.uk/s">subdomain</a> <a href="http://other.gov.uk/o">other council</a>
</body></html>`
	hosts := map[string]http.Handler{
		"twin.gov.uk": simpleSite("User-agent: *\nAllow: /\n", map[string]string{
			"/": home, "/b": linksPage("/"), "/search": linksPage("/a"),
		}, 0),
		"www.twin.gov.uk": simpleSite("User-agent: *\nAllow: /\n", map[string]string{"/a": linksPage("/")}, 0),
		"sub.twin.gov.uk": simpleSite("", map[string]string{"/s": linksPage("/")}, 0),
		"other.gov.uk":    simpleSite("", map[string]string{"/o": linksPage("/")}, 0),
	}
	w := newLoggedWeb(t, log, hosts)
	cfg := testConfig(w)
	cfg.SearchQueries = []string{"bins"}
	sink, _ := run(t, cfg, []crawler.Site{{Council: "T", HomeURL: "http://twin.gov.uk/"}})
	got := map[string]bool{}
	for _, p := range sink.pagesOf("T") {
		got[p.URL] = true
	}
	for _, u := range []string{"http://twin.gov.uk/", "http://www.twin.gov.uk/a", "http://twin.gov.uk/b"} {
		if !got[u] {
			t.Errorf("%s not crawled (pages %v)", u, got)
		}
	}
	if got["http://sub.twin.gov.uk/s"] || got["http://other.gov.uk/o"] || len(got) != 3 {
		t.Errorf("crawled off-site: %v", got)
	}
	checked := map[string]crawler.LinkCheck{}
	for _, l := range sink.linksOf("T") {
		checked[l.ToURL] = l
	}
	for _, u := range []string{"http://sub.twin.gov.uk/s", "http://other.gov.uk/o"} {
		if l, ok := checked[u]; !ok || l.Internal || l.Status != 200 {
			t.Errorf("external link %s check: %+v", u, l)
		}
	}
	if r := sink.reports["T"]; r.SearchFormAction != "http://twin.gov.uk/search" || len(r.SearchResults["bins"]) != 1 {
		t.Errorf("search form %q results %v", r.SearchFormAction, r.SearchResults)
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	searches := 0
	for _, r := range log.reqs {
		if r.method != http.MethodGet && r.method != http.MethodHead {
			t.Errorf("%s %s%s: only GET and HEAD are allowed", r.method, r.host, r.path)
		}
		for _, never := range []string{"/login", "/filter", "/feedback"} {
			if strings.HasPrefix(r.path, never) {
				t.Errorf("form submitted: %s %s", r.method, r.path)
			}
		}
		if strings.HasPrefix(r.path, "/search") {
			searches++
			if r.path != "/search?q=bins&src=home" {
				t.Errorf("search request %s", r.path)
			}
		}
		if r.host != "twin.gov.uk" && r.method != http.MethodHead && !strings.HasPrefix(r.path, "/robots.txt") {
			t.Errorf("off-site GET %s%s (links are checked with HEAD)", r.host, r.path)
		}
	}
	if searches != 1 {
		t.Errorf("%d search requests, want 1", searches)
	}
}

// --max-depth counts clicks from the home page; --max-pages caps fetches.
func TestDepthAndPageBudget(t *testing.T) {
	pages := map[string]string{
		"/":   linksPage("/d1", "/w1", "/w2", "/w3", "/w4", "/w5", "/w6"),
		"/d1": linksPage("/d2"), "/d2": linksPage("/d3"), "/d3": linksPage("/d4"), "/d4": linksPage("/"),
	}
	for i := 1; i <= 6; i++ {
		pages[fmt.Sprintf("/w%d", i)] = linksPage("/")
	}
	log := newReqLog()
	w := newLoggedWeb(t, log, map[string]http.Handler{"www.deep.gov.uk": simpleSite("User-agent: *\nAllow: /\n", pages, 0)})
	site := []crawler.Site{{Council: "D", HomeURL: "http://www.deep.gov.uk/"}}

	cfg := testConfig(w)
	cfg.MaxDepth = 2
	sink, _ := run(t, cfg, site)
	depth := map[string]int{}
	for _, p := range sink.pagesOf("D") {
		depth[path(p.URL)] = p.Depth
	}
	want := map[string]int{"/": 0, "/d1": 1, "/d2": 2, "/w1": 1, "/w6": 1}
	for p, d := range want {
		if got, ok := depth[p]; !ok || got != d {
			t.Errorf("%s depth %d (fetched %v), want %d", p, got, ok, d)
		}
	}
	if _, ok := depth["/d3"]; ok || len(depth) != 9 {
		t.Errorf("max depth 2 not respected: %v", depth)
	}

	cfg.MaxDepth = 10
	cfg.MaxPages = 5
	sink, _ = run(t, cfg, site)
	if n := len(sink.pagesOf("D")); n != 5 || sink.reports["D"].PagesFetched != 5 {
		t.Errorf("page budget 5: %d pages", n)
	}
	cfg.MaxDepth = 0
	cfg.MaxPages = 100
	sink, _ = run(t, cfg, site)
	if n := len(sink.pagesOf("D")); n != 1 {
		t.Errorf("max depth 0: %d pages", n)
	}
}

// Links are checked with HEAD, falling back to GET when HEAD is refused.
func TestLinkCheckHeadFallsBackToGet(t *testing.T) {
	log := newReqLog()
	docs := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/robots.txt":
			http.NotFound(w, r)
		case r.URL.Path == "/":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, linksPage("/nohead.pdf", "/gone.pdf", "/fine.pdf"))
		case r.URL.Path == "/nohead.pdf" && r.Method == http.MethodHead:
			w.WriteHeader(http.StatusMethodNotAllowed)
		case r.URL.Path == "/nohead.pdf", r.URL.Path == "/fine.pdf":
			w.Header().Set("Content-Type", "application/pdf")
			fmt.Fprint(w, "%PDF-1.4")
		default:
			http.NotFound(w, r)
		}
	})
	w := newLoggedWeb(t, log, map[string]http.Handler{"www.docs.gov.uk": docs})
	sink, _ := run(t, testConfig(w), []crawler.Site{{Council: "L", HomeURL: "http://www.docs.gov.uk/"}})
	got := map[string]crawler.LinkCheck{}
	for _, l := range sink.linksOf("L") {
		got[path(l.ToURL)] = l
	}
	if l := got["/nohead.pdf"]; l.Method != http.MethodGet || l.Status != 200 || l.ErrorClass != "" {
		t.Errorf("HEAD refused: %+v", l)
	}
	if l := got["/gone.pdf"]; l.Method != http.MethodHead || l.Status != 404 || l.ErrorClass != crawler.ErrHTTP4xx {
		t.Errorf("broken link: %+v", l)
	}
	if l := got["/fine.pdf"]; l.Method != http.MethodHead || l.Status != 200 {
		t.Errorf("good link: %+v", l)
	}
	if r := sink.reports["L"]; r.LinksChecked != 3 || r.LinksBroken != 1 || r.PDFs != 3 {
		t.Errorf("report links %d broken %d pdfs %d", r.LinksChecked, r.LinksBroken, r.PDFs)
	}
}

// A server that answers the home page but then hangs on every page costs a
// few timeouts, not MaxPages of them; other sites are unaffected.
func TestSlowSiteGivenUp(t *testing.T) {
	log := newReqLog()
	var hrefs []string
	for i := range 30 {
		hrefs = append(hrefs, fmt.Sprintf("/slow/%d", i))
	}
	release := make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			http.NotFound(w, r)
		case "/":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, linksPage(hrefs...))
		default:
			select { // hang until the crawler gives up on the request
			case <-r.Context().Done():
			case <-release:
			}
		}
	})
	ok := simpleSite("", map[string]string{"/": linksPage("/a"), "/a": linksPage("/")}, 0)
	w := newLoggedWeb(t, log, map[string]http.Handler{"www.slow.gov.uk": slow, "www.fine.gov.uk": ok})
	defer close(release)
	cfg := testConfig(w)
	cfg.Timeout = 200 * time.Millisecond
	cfg.MaxConsecutiveFailures = 3
	sink, st := run(t, cfg, []crawler.Site{{Council: "SLOW", HomeURL: "http://www.slow.gov.uk/"}, {Council: "FINE", HomeURL: "http://www.fine.gov.uk/"}})
	if st.SitesDone != 2 {
		t.Fatalf("sites done %d", st.SitesDone)
	}
	r := sink.reports["SLOW"]
	timeouts := 0
	for _, p := range sink.pagesOf("SLOW") {
		if p.ErrorClass == crawler.ErrTimeout {
			timeouts++
		}
	}
	slowReqs := 0
	for _, q := range log.of("slow.gov.uk") {
		if strings.HasPrefix(q.path, "/slow/") {
			slowReqs++
		}
	}
	if !r.GaveUp || timeouts != 3 || r.HomeStatus != 200 {
		t.Errorf("gave up %v after %d timeouts (home %d)", r.GaveUp, timeouts, r.HomeStatus)
	}
	if slowReqs > 3+1 { // the three pages, and at most the 404 probe's path is not /slow/
		t.Errorf("%d requests to hanging pages", slowReqs)
	}
	if f := sink.reports["FINE"]; f.GaveUp || f.PagesFetched != 2 || f.PagesErrored != 0 {
		t.Errorf("fine site affected: %+v", f)
	}
}

// robots.txt that cannot be fetched (the connection drops) means complete
// disallow after one retry: only the home page is fetched. A robots.txt that
// fails once and then answers is used.
func TestRobotsUnreachable(t *testing.T) {
	log := newReqLog()
	pages := map[string]string{"/": linksPage("/a", "/b"), "/a": linksPage("/"), "/b": linksPage("/")}
	var mu sync.Mutex
	robotsHits := map[string]int{}
	mk := func(failures int) http.Handler {
		site := simpleSite("User-agent: *\nAllow: /\n", pages, 0)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				mu.Lock()
				robotsHits[r.Host]++
				n := robotsHits[r.Host]
				mu.Unlock()
				if failures < 0 || n <= failures {
					hj, ok := w.(http.Hijacker)
					if !ok {
						t.Error("no hijacker")
						return
					}
					conn, _, err := hj.Hijack()
					if err == nil {
						_ = conn.Close() // drop the connection: no answer at all
					}
					return
				}
			}
			site.ServeHTTP(w, r)
		})
	}
	w := newLoggedWeb(t, log, map[string]http.Handler{"www.dead-robots.gov.uk": mk(-1), "www.flaky-robots.gov.uk": mk(1)})
	sink, _ := run(t, testConfig(w), []crawler.Site{
		{Council: "DEAD", HomeURL: "http://www.dead-robots.gov.uk/"},
		{Council: "FLAKY", HomeURL: "http://www.flaky-robots.gov.uk/"},
	})
	d := sink.reports["DEAD"]
	if !d.RobotsDisallowAll || d.RobotsErrorClass != crawler.ErrReset || d.HomeStatus != 200 || d.PagesFetched != 1 {
		t.Errorf("unreachable robots.txt: disallow-all %v class %q home %d pages %d", d.RobotsDisallowAll, d.RobotsErrorClass, d.HomeStatus, d.PagesFetched)
	}
	for _, q := range log.of("dead-robots.gov.uk") {
		if q.path != "/" && q.path != "/robots.txt" {
			t.Errorf("fetched %s although robots.txt is unreachable", q.path)
		}
	}
	f := sink.reports["FLAKY"]
	if f.RobotsDisallowAll || !f.RobotsParsed || f.RobotsErrorClass != "" || f.PagesFetched != 3 {
		t.Errorf("robots.txt failing once: disallow-all %v parsed %v class %q pages %d", f.RobotsDisallowAll, f.RobotsParsed, f.RobotsErrorClass, f.PagesFetched)
	}
}

// Waiting behind other sites at a busy host is politeness, not a slow
// server: the per-request timeout starts when the request is sent.
func TestQueueAtBusyHostIsNotATimeout(t *testing.T) {
	log := newReqLog()
	const sites = 8
	hosts := map[string]http.Handler{
		"busy.example.org": simpleSite("", map[string]string{}, 0), // every link a 404, answered at once
	}
	var list []crawler.Site
	for i := range sites {
		host := fmt.Sprintf("www.q%d.gov.uk", i)
		hosts[host] = simpleSite("", map[string]string{
			"/": linksPage(fmt.Sprintf("http://busy.example.org/%d/a", i), fmt.Sprintf("http://busy.example.org/%d/b", i)),
		}, 0)
		list = append(list, crawler.Site{Council: host, HomeURL: "http://" + host + "/"})
	}
	w := newLoggedWeb(t, log, hosts)
	cfg := testConfig(w)
	cfg.Parallel = sites
	cfg.Delay = 150 * time.Millisecond // 16 checks queue for 2.4 s at the busy host
	cfg.Timeout = time.Second
	sink, _ := run(t, cfg, list)
	n := 0
	for _, s := range list {
		for _, l := range sink.linksOf(s.Council) {
			n++
			if l.Status != 404 || l.ErrorClass != crawler.ErrHTTP4xx {
				t.Errorf("%s -> %s: status %d class %q", s.Council, l.ToURL, l.Status, l.ErrorClass)
			}
		}
	}
	if n != 2*sites {
		t.Errorf("%d link checks, want %d", n, 2*sites)
	}
	if gap, reqs := log.minGap("busy.example.org"); reqs < 2*sites || gap < cfg.Delay {
		t.Errorf("busy host: %d requests, smallest gap %v", reqs, gap)
	}
}

// "Allow: /$" with "Disallow: /" opens the home page only: the crawl fetches
// / and /robots.txt and nothing else (no page, sitemap, probe or link check
// under /), and no disallowed internal link is checked. temoto/robotstxt
// read "/$" unanchored and let every path ending in "/" through. A control
// site whose robots.txt disallows only /a/ shows the same pages are
// otherwise crawled.
func TestRobotsHomeOnly(t *testing.T) {
	log := newReqLog()
	pages := map[string]string{
		"/":         linksPage("/council/", "/a/b/"),
		"/council/": linksPage("/"),
		"/a/b/":     linksPage("/"),
	}
	w := newLoggedWeb(t, log, map[string]http.Handler{
		"www.home-only.gov.uk": simpleSite("User-agent: *\nAllow: /$\nDisallow: /\n", pages, 0),
		"www.control.gov.uk":   simpleSite("User-agent: *\nDisallow: /a/\n", pages, 0),
	})
	sink, _ := run(t, testConfig(w), []crawler.Site{
		{Council: "HOME", HomeURL: "http://www.home-only.gov.uk/"},
		{Council: "CONTROL", HomeURL: "http://www.control.gov.uk/"},
	})
	reqs := log.of("home-only.gov.uk")
	seen := map[string]bool{}
	for _, q := range reqs {
		seen[q.path] = true
		if q.path != "/" && q.path != "/robots.txt" {
			t.Errorf("fetched %s %s although robots.txt allows only /", q.method, q.path)
		}
	}
	if !seen["/"] || !seen["/robots.txt"] {
		t.Errorf("home page and robots.txt not both fetched: %v", seen)
	}
	r := sink.reports["HOME"]
	if r.RobotsDisallowAll || r.HomeStatus != 200 || r.PagesFetched != 1 || r.PagesDisallowed != 2 {
		t.Errorf("home only: disallow-all %v home %d fetched %d disallowed %d", r.RobotsDisallowAll, r.HomeStatus, r.PagesFetched, r.PagesDisallowed)
	}
	for _, l := range sink.linksOf("HOME") {
		if p := path(l.ToURL); p != "/" {
			t.Errorf("checked the disallowed link %s (%s %d)", l.ToURL, l.Method, l.Status)
		}
	}
	ctl := map[string]bool{}
	for _, q := range log.of("control.gov.uk") {
		ctl[q.path] = true
	}
	if !ctl["/council/"] || ctl["/a/b/"] {
		t.Errorf("control site: /council/ fetched %v (want true), /a/b/ fetched %v (want false)", ctl["/council/"], ctl["/a/b/"])
	}
}
