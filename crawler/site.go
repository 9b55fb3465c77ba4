package crawler

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"
	"github.com/temoto/robotstxt"
)

const linkBatch = 100

type queued struct {
	url   string
	depth int
}

type linkRef struct {
	from, to string
}

type fetchResult struct {
	status int
	class  string
}

type robotsInfo struct {
	data  *robotstxt.RobotsData // nil: allow all
	class string                // error class of the robots.txt fetch
}

// unreachable: the robots.txt fetch failed at the network level, so RFC 9309
// says the crawler must assume complete disallow.
func (r *robotsInfo) unreachable() bool {
	return networkFailure(r.class) || r.class == ErrOther
}

// networkFailure reports whether an error class means the server could not
// be talked to at all (as opposed to an answer we did not like).
func networkFailure(class string) bool {
	switch class {
	case ErrTimeout, ErrReset, ErrRefused, ErrDNS, ErrTLS:
		return true
	}
	return false
}

// siteRun is the state of one site's crawl; it runs on one goroutine and
// makes one request at a time.
type siteRun struct {
	c       *Crawler
	cfg     *Config
	site    Site
	ctx     context.Context
	sinkCtx context.Context
	log     *slog.Logger

	rt     *siteTransport
	client *http.Client
	col    *colly.Collector
	resp   *colly.Response
	err    error

	hosts   map[string]bool
	domain  string
	robots  map[string]*robotsInfo
	homeKey string // robots cache key of the home URL (the one reported)
	delay   time.Duration
	fails   int // consecutive network failures (pages and internal link checks)
	lastReq time.Time

	visited   map[string]bool
	variants  map[string]int
	frontier  []queued
	fetched   map[string]fetchResult
	internal  []linkRef
	external  []linkRef
	linkSeen  map[string]bool
	pdfs      map[string]bool
	homeLinks map[string]bool
	homeForms []htmlForm

	report SiteReport
}

func hostKey(h string) string {
	return strings.TrimPrefix(strings.ToLower(strings.TrimSuffix(h, ".")), "www.")
}

func (c *Crawler) crawlSite(ctx context.Context, site Site) {
	s := &siteRun{
		c: c, cfg: &c.cfg, site: site, ctx: ctx, sinkCtx: context.WithoutCancel(ctx),
		log:      c.cfg.Logger.With("council", site.Council),
		hosts:    map[string]bool{},
		robots:   map[string]*robotsInfo{},
		delay:    c.cfg.Delay,
		visited:  map[string]bool{},
		variants: map[string]int{},
		fetched:  map[string]fetchResult{},
		linkSeen: map[string]bool{},
		pdfs:     map[string]bool{},
		report:   SiteReport{Council: site.Council, HomeURL: site.HomeURL, Started: time.Now()},
	}
	s.rt = &siteTransport{base: c.base, gates: c.gates, timeout: c.cfg.Timeout}
	s.rt.delay.Store(int64(s.delay))
	// No client-wide timeout: siteTransport times each hop once it is past
	// the host gate (MaxRedirects bounds the hops).
	s.client = &http.Client{Transport: s.rt, CheckRedirect: s.checkRedirect}
	s.col = colly.NewCollector(
		colly.UserAgent(c.cfg.UserAgent),
		colly.StdlibContext(ctx),
		colly.AllowURLRevisit(),
		colly.IgnoreRobotsTxt(),
		colly.ParseHTTPErrorResponse(),
		colly.MaxBodySize(0), // siteTransport caps bodies
		colly.Headers(map[string]string{"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5", "Accept-Language": "en-GB,en;q=0.8"}),
	)
	s.col.WithTransport(s.rt)
	s.col.SetRequestTimeout(0) // per hop, in siteTransport
	s.col.SetRedirectHandler(s.checkRedirect)
	s.col.OnResponseHeaders(func(r *colly.Response) {
		if st := s.rt.cur.Load(); st != nil {
			st.mu.Lock()
			ct := st.contentType
			st.mu.Unlock()
			if !isHTMLType(ct) {
				r.Request.Abort() // recorded, never downloaded or parsed
			}
		}
	})
	s.col.OnResponse(func(r *colly.Response) { s.resp = r })
	s.col.OnError(func(r *colly.Response, err error) { s.resp, s.err = r, err })

	s.run()
	s.finish()
}

func (s *siteRun) finish() {
	s.report.Finished = time.Now()
	s.report.Interrupted = s.ctx.Err() != nil
	s.report.PDFs = len(s.pdfs)
	if err := s.c.sink.SiteDone(s.sinkCtx, &s.report); err != nil {
		s.c.sinkErrors.Add(1)
		s.log.Warn("sink SiteDone failed", "err", err)
	}
	if s.report.Interrupted {
		s.c.sitesInterrupted.Add(1)
	} else {
		s.c.sitesDone.Add(1)
	}
	s.log.Info("site done", "home", s.report.HomeURL, "home_status", s.report.HomeStatus,
		"home_error", s.report.HomeErrorClass, "pages", s.report.PagesFetched, "page_errors", s.report.PagesErrored,
		"links_checked", s.report.LinksChecked, "links_broken", s.report.LinksBroken,
		"elapsed", s.report.Finished.Sub(s.report.Started).Round(time.Millisecond), "interrupted", s.report.Interrupted)
}

func (s *siteRun) run() {
	home, err := parseHome(s.site.HomeURL)
	if err != nil {
		s.report.HomeErrorClass = ErrOther
		return
	}
	s.addHost(home.Hostname())
	for _, h := range s.site.ExtraHosts {
		s.addHost(h)
	}
	s.domain = hostKey(home.Hostname())

	// robots.txt of the home host first: it may disallow everything.
	s.homeKey = robotsKey(home)
	rb := s.robotsFor(home)
	if rb.data != nil && !rb.data.TestAgent("/", UserAgentToken) {
		s.report.RobotsDisallowAll = true
	}

	// Home page.
	s.visited[urlKey(home)] = true
	homePage := s.fetchQueued(queued{url: home.String(), depth: 0})
	if homePage == nil {
		return // cancelled
	}
	s.report.FinalHomeURL = homePage.FinalURL
	s.report.HomeStatus = homePage.Status
	s.report.HomeErrorClass = homePage.ErrorClass
	origin := home // where the site really lives, after the home redirects
	if fu, err := url.Parse(homePage.FinalURL); err == nil {
		s.report.HTTPS = fu.Scheme == "https"
		if homePage.ErrorClass == ErrNone || homePage.Status > 0 {
			s.addHost(fu.Hostname())
			origin = &url.URL{Scheme: fu.Scheme, Host: fu.Host, Path: "/"}
		}
		if home.Scheme == "http" && fu.Scheme == "https" {
			s.report.HTTPRedirectsToHTTPS = true
		}
	}
	switch homePage.ErrorClass {
	case ErrDNS, ErrTLS, ErrTimeout, ErrRefused, ErrReset, ErrRobotsDisallowed:
		return // the site is unreachable (or closed to us): do not hammer it
	}
	if rb.unreachable() {
		// robots.txt failed at the network level, yet the home page (fetched
		// once, to record the site's state) answered: try robots.txt again.
		// If it still fails, assume complete disallow (RFC 9309 2.3.1.4).
		delete(s.robots, s.homeKey)
		if rb = s.robotsFor(home); rb.unreachable() {
			rb.data = robotsDisallowAll()
			s.report.RobotsDisallowAll = true
			return
		}
		if rb.data != nil && !rb.data.TestAgent("/", UserAgentToken) {
			s.report.RobotsDisallowAll = true
		}
	}

	s.seedSitemaps(origin)
	if origin.Scheme == "https" && !s.report.HTTPRedirectsToHTTPS {
		s.probeHTTP(origin)
	}
	s.probeNotFound(origin)
	s.runSearch()
	s.crawlFrontier()
	s.checkLinks()
}

func parseHome(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("bad home URL %q", raw)
	}
	if u.Path == "" {
		u.Path = "/"
	}
	u.Fragment = ""
	return u, nil
}

func (s *siteRun) addHost(h string) {
	if h != "" {
		s.hosts[hostKey(h)] = true
	}
}

func (s *siteRun) internalURL(u *url.URL) bool {
	h := hostKey(u.Hostname())
	if s.hosts[h] {
		return true
	}
	return s.cfg.AllowSubdomains && s.domain != "" && strings.HasSuffix(h, "."+s.domain)
}

// checkRedirect caps redirect chains and detects loops (a URL visited twice;
// one self-redirect is allowed for cookie-setting sites).
func (s *siteRun) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > s.cfg.MaxRedirects {
		return errTooManyRedirects
	}
	target := req.URL.String()
	seen := 0
	for _, v := range via {
		if v.URL.String() == target {
			seen++
		}
	}
	if seen >= 2 || (seen == 1 && via[len(via)-1].URL.String() != target) {
		return errRedirectLoop
	}
	return nil
}

// wait enforces the per-site delay; false when cancelled.
func (s *siteRun) wait() bool {
	if !s.lastReq.IsZero() && s.delay > 0 {
		if d := s.delay - time.Since(s.lastReq); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-s.ctx.Done():
				t.Stop()
			}
		}
	}
	return s.ctx.Err() == nil
}

func robotsKey(u *url.URL) string { return u.Scheme + "://" + strings.ToLower(u.Host) }

// robotsDisallowAll is the rule set for an unreachable robots.txt.
func robotsDisallowAll() *robotstxt.RobotsData {
	d, _ := robotstxt.FromStatusAndBytes(http.StatusServiceUnavailable, nil)
	return d
}

// robotsFor fetches (once per scheme+host) and caches robots.txt.
func (s *siteRun) robotsFor(u *url.URL) *robotsInfo {
	key := robotsKey(u)
	if r, ok := s.robots[key]; ok {
		return r
	}
	info := &robotsInfo{}
	s.robots[key] = info
	first := key == s.homeKey
	var body []byte
	st, status, _, err := s.get(http.MethodGet, key+"/robots.txt", s.cfg.MaxRobotsBytes, func(r io.Reader) error {
		var rerr error
		body, rerr = io.ReadAll(r)
		return rerr
	})
	capped := errors.Is(err, errTooLarge) || errors.Is(err, errDecompression)
	if !capped {
		info.class = classify(err)
	}
	var parsed bool
	if err == nil || capped {
		data, perr := parseRobots(status, body)
		if perr == nil && data != nil {
			info.data = data
			parsed = status >= 200 && status < 300
			if g := data.FindGroup(UserAgentToken); g != nil && g.CrawlDelay > 0 {
				cd := g.CrawlDelay
				if first {
					s.report.CrawlDelay = cd
				}
				if cd > s.cfg.MaxCrawlDelay {
					cd = s.cfg.MaxCrawlDelay
				}
				if cd > s.delay {
					s.delay = cd
					s.rt.delay.Store(int64(cd))
				}
			}
		}
	}
	if first {
		s.report.RobotsStatus = status
		if st != nil {
			_, _, _, _, s.report.RobotsBytes = st.snapshot()
		}
		s.report.RobotsParsed = parsed
		s.report.RobotsErrorClass = classify(err)
		if info.data != nil {
			s.report.Sitemaps = appendUnique(s.report.Sitemaps, info.data.Sitemaps, s.cfg.MaxSitemaps)
		}
	}
	return info
}

// parseRobots never panics, whatever the body.
func parseRobots(status int, body []byte) (data *robotstxt.RobotsData, err error) {
	defer func() {
		if r := recover(); r != nil {
			data, err = nil, fmt.Errorf("robots.txt parser panic: %v", r)
		}
	}()
	return robotstxt.FromStatusAndBytes(status, body)
}

func appendUnique(dst, src []string, limit int) []string {
	for _, v := range src {
		if len(dst) >= limit {
			break
		}
		dup := false
		for _, d := range dst {
			if d == v {
				dup = true
				break
			}
		}
		if !dup {
			dst = append(dst, v)
		}
	}
	return dst
}

func (s *siteRun) allowed(u *url.URL) bool {
	info := s.robotsFor(u)
	if info.data == nil {
		return true
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return info.data.TestAgent(p, UserAgentToken)
}

// get makes one non-page request (robots, sitemap, probes, link checks)
// through the site transport. read consumes the capped body (nil: discard).
// The returned error includes cap errors (too-large, decompression).
func (s *siteRun) get(method, rawURL string, maxBody int64, read func(io.Reader) error) (st *fetchState, status int, finalURL string, err error) {
	if !s.wait() {
		return nil, 0, rawURL, s.ctx.Err()
	}
	st = newFetchState(maxBody, s.cfg.MaxDecompressionRatio)
	s.rt.cur.Store(st)
	defer func() {
		s.rt.cur.Store(nil)
		s.lastReq = time.Now()
	}()
	req, err := http.NewRequestWithContext(s.ctx, method, rawURL, nil)
	if err != nil {
		return st, 0, rawURL, err
	}
	req.Header.Set("User-Agent", s.cfg.UserAgent)
	resp, err := s.client.Do(req)
	if err != nil {
		return st, 0, rawURL, err
	}
	defer resp.Body.Close()
	finalURL = resp.Request.URL.String()
	if read == nil {
		_, err = io.Copy(io.Discard, resp.Body)
	} else {
		err = read(resp.Body)
	}
	if err == nil {
		err = st.capErr()
	}
	return st, resp.StatusCode, finalURL, err
}

// fetchQueued fetches one page with colly and delivers it to the sink.
// It returns nil when the run was cancelled during the fetch.
func (s *siteRun) fetchQueued(q queued) *Page {
	u, err := url.Parse(q.url)
	if err != nil {
		return nil
	}
	if !s.allowed(u) {
		p := &Page{Council: s.site.Council, URL: q.url, FinalURL: q.url, Depth: q.depth,
			ErrorClass: ErrRobotsDisallowed, Err: errRobots.Error(), FetchedAt: time.Now()}
		s.deliver(p)
		return p
	}
	if !s.wait() {
		return nil
	}
	st := newFetchState(s.cfg.MaxBody, s.cfg.MaxDecompressionRatio)
	s.rt.cur.Store(st)
	s.resp, s.err = nil, nil
	rerr := s.col.Request(http.MethodGet, q.url, nil, nil, nil)
	s.rt.cur.Store(nil)
	s.lastReq = time.Now()
	if s.err == nil && rerr != nil {
		s.err = rerr
	}
	if s.ctx.Err() != nil {
		return nil
	}
	ttfb, hops, header, ct, wire := st.snapshot()
	p := &Page{Council: s.site.Council, URL: q.url, FinalURL: q.url, Depth: q.depth, Header: header,
		ContentType: ct, Bytes: wire, TTFB: ttfb, Total: time.Since(st.start), FetchedAt: st.start}
	if n := len(hops); n > 0 {
		p.FinalURL = hops[n-1].url
		p.Status = hops[n-1].status
		for _, h := range hops[:n-1] {
			p.RedirectChain = append(p.RedirectChain, h.url)
		}
	}
	var body []byte
	switch {
	case errors.Is(s.err, colly.ErrAbortedAfterHeaders):
		p.ErrorClass = statusClass(p.Status) // non-HTML: recorded, not parsed
	case s.err != nil:
		p.ErrorClass, p.Err = classify(s.err), s.err.Error()
	default:
		if cerr := st.capErr(); cerr != nil {
			p.ErrorClass, p.Err = classify(cerr), cerr.Error()
			break
		}
		if s.resp != nil {
			body = s.resp.Body
		}
		if looksBinary(body) {
			p.ErrorClass, p.Err = ErrBadContent, errBadContent.Error()
			break
		}
		p.IsHTML = true
		p.Body = decodeHTML(body, ct)
		p.ErrorClass = statusClass(p.Status)
	}
	s.resp, s.err = nil, nil
	s.fetched[urlKey(u)] = fetchResult{status: p.Status, class: p.ErrorClass}

	if p.IsHTML && p.Status < 400 {
		base, err := url.Parse(p.FinalURL)
		if err == nil {
			info := extractPage(p.Body, base, 5000)
			s.handleLinks(p.FinalURL, q.depth, info)
			if q.depth == 0 {
				s.homeForms = info.Forms
				s.homeLinks = make(map[string]bool, len(info.Links))
				for _, l := range info.Links {
					if lu, err := url.Parse(l.URL); err == nil {
						s.homeLinks[urlKey(lu)] = true
					}
				}
			}
		}
	}
	s.deliver(p)
	return p
}

func (s *siteRun) deliver(p *Page) {
	s.report.PagesFetched++
	s.c.pages.Add(1)
	s.c.bytes.Add(p.Bytes)
	if p.ErrorClass != ErrNone {
		s.report.PagesErrored++
		s.c.pageErrors.Add(1)
	}
	if err := s.c.sink.Page(s.sinkCtx, p); err != nil {
		s.c.sinkErrors.Add(1)
		s.log.Warn("sink Page failed", "url", p.URL, "err", err)
	}
	p.Body = nil
}

func (s *siteRun) handleLinks(from string, depth int, info pageInfo) {
	for _, l := range info.Links {
		u, err := url.Parse(l.URL)
		if err != nil {
			continue
		}
		key := urlKey(u)
		if isPDFPath(u.Path) {
			if len(s.pdfs) < 100000 {
				s.pdfs[key] = true
			}
		}
		internal := s.internalURL(u)
		if !s.linkSeen[key] {
			if internal && len(s.internal) < s.cfg.MaxLinkChecks {
				s.linkSeen[key] = true
				s.internal = append(s.internal, linkRef{from: from, to: l.URL})
			} else if !internal && len(s.external) < s.cfg.ExternalLinkSample {
				s.linkSeen[key] = true
				s.external = append(s.external, linkRef{from: from, to: l.URL})
			}
		}
		if internal && !isDocPath(u.Path) {
			s.enqueue(u, depth+1)
		}
	}
}

// enqueue adds an internal URL to the frontier unless visited, too deep, over
// the per-path query-variant cap or the frontier is full.
func (s *siteRun) enqueue(u *url.URL, depth int) {
	if depth > s.cfg.MaxDepth || len(s.frontier) >= s.cfg.MaxPages*10 {
		return
	}
	key := urlKey(u)
	if s.visited[key] {
		return
	}
	if u.RawQuery != "" {
		pk, _, _ := strings.Cut(key, "?")
		if s.variants[pk] >= s.cfg.MaxQueryVariants {
			return
		}
		s.variants[pk]++
	}
	s.visited[key] = true
	s.frontier = append(s.frontier, queued{url: u.String(), depth: depth})
}

func (s *siteRun) crawlFrontier() {
	for len(s.frontier) > 0 && s.report.PagesFetched < s.cfg.MaxPages && s.ctx.Err() == nil {
		q := s.frontier[0]
		s.frontier = s.frontier[1:]
		u, err := url.Parse(q.url)
		if err != nil {
			continue
		}
		if !s.allowed(u) {
			s.report.PagesDisallowed++
			continue
		}
		p := s.fetchQueued(q)
		if p == nil {
			return
		}
		if s.failed(p.ErrorClass) {
			break
		}
	}
	s.frontier = nil
}

// failed counts consecutive network failures; true when the site is given
// up (a slow or dead server must not cost MaxPages x Timeout).
func (s *siteRun) failed(class string) bool {
	if !networkFailure(class) {
		s.fails = 0
		return false
	}
	s.fails++
	if s.fails >= s.cfg.MaxConsecutiveFailures && !s.report.GaveUp {
		s.report.GaveUp = true
		s.log.Warn("site given up", "consecutive_failures", s.fails, "last_error", class)
	}
	return s.report.GaveUp
}

// seedSitemaps reads robots Sitemap: lines and /sitemap.xml (following
// indexes) and seeds the frontier at depth 1.
func (s *siteRun) seedSitemaps(home *url.URL) {
	std := home.Scheme + "://" + home.Host + "/sitemap.xml"
	queue := append([]string(nil), s.report.Sitemaps...)
	if info := s.robotsFor(home); info.data != nil { // the final home host's robots.txt
		queue = appendUnique(queue, info.data.Sitemaps, s.cfg.MaxSitemaps)
	}
	queue = appendUnique(queue, []string{std}, s.cfg.MaxSitemaps+1)
	fetched := 0
	seen := map[string]bool{}
	for len(queue) > 0 && fetched < s.cfg.MaxSitemaps && s.ctx.Err() == nil && s.report.SitemapURLs < s.cfg.MaxSitemapURLs {
		sm := queue[0]
		queue = queue[1:]
		if seen[sm] {
			continue
		}
		seen[sm] = true
		su, err := url.Parse(sm)
		if err != nil || (su.Scheme != "http" && su.Scheme != "https") {
			continue
		}
		if s.internalURL(su) && !s.allowed(su) {
			continue
		}
		fetched++
		var res sitemapResult
		var children []string
		var perr error
		_, status, _, err := s.get(http.MethodGet, sm, s.cfg.MaxSitemapBytes, func(r io.Reader) error {
			left := s.cfg.MaxSitemapURLs - s.report.SitemapURLs
			res, perr = parseSitemap(r, s.cfg.MaxSitemapBytes, left, func(loc string, kind sitemapKind) {
				lu, err := url.Parse(loc)
				if err != nil || lu.Host == "" {
					return
				}
				if kind == sitemapIndex {
					if len(children) < s.cfg.MaxSitemaps {
						children = append(children, loc)
					}
					return
				}
				if s.internalURL(lu) && !isDocPath(lu.Path) && len(s.frontier) < s.cfg.MaxPages*10 {
					lu.Fragment = ""
					s.enqueue(lu, 1)
				}
			})
			return nil
		})
		if status >= 200 && status < 300 && err == nil || errors.Is(err, errTooLarge) {
			if perr == nil && res.Kind != sitemapUnknown {
				s.report.SitemapParsed = true
				if !contains(s.report.Sitemaps, sm) && len(s.report.Sitemaps) < s.cfg.MaxSitemaps*2 {
					s.report.Sitemaps = append(s.report.Sitemaps, sm)
				}
			}
		}
		if res.Kind == sitemapURLSet {
			s.report.SitemapURLs += res.Count
		}
		switch {
		case res.Truncated || errors.Is(err, errTooLarge):
			s.report.SitemapErrorClass = ErrTooLarge
		case err != nil && s.report.SitemapErrorClass == "" && sm != std:
			s.report.SitemapErrorClass = classify(err)
		case err == nil && status >= 400 && s.report.SitemapErrorClass == "" && sm != std:
			s.report.SitemapErrorClass = statusClass(status) // a listed sitemap is missing
		case errors.Is(perr, errDecompression) && s.report.SitemapErrorClass == "":
			s.report.SitemapErrorClass = ErrDecompression
		}
		queue = append(queue, children...)
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// probeHTTP checks whether the http:// home redirects to https://.
func (s *siteRun) probeHTTP(home *url.URL) {
	hu := *home
	hu.Scheme = "http"
	_, _, final, err := s.get(http.MethodGet, hu.String(), 64<<10, nil)
	if err == nil || errors.Is(err, errTooLarge) {
		if fu, perr := url.Parse(final); perr == nil && fu.Scheme == "https" {
			s.report.HTTPRedirectsToHTTPS = true
		}
	}
}

// probeNotFound requests a made-up URL to see how missing pages are answered.
func (s *siteRun) probeNotFound(home *url.URL) {
	h := fnv.New32a()
	_, _ = fmt.Fprintf(h, "%s|%d", s.site.Council, time.Now().UnixNano())
	probe := fmt.Sprintf("%s://%s/councildash-missing-%08x", home.Scheme, home.Host, h.Sum32())
	pu, _ := url.Parse(probe)
	if pu == nil || !s.allowed(pu) {
		return
	}
	s.report.NotFoundURL = probe
	var body []byte
	st, status, _, err := s.get(http.MethodGet, probe, s.cfg.MaxNotFoundBody, func(r io.Reader) error {
		var rerr error
		body, rerr = io.ReadAll(r)
		return rerr
	})
	s.report.NotFoundStatus = status
	if (err == nil || errors.Is(err, errTooLarge)) && len(body) > 0 && st != nil {
		_, _, _, ct, _ := st.snapshot()
		if isHTMLType(ct) && !looksBinary(body) {
			s.report.NotFoundBody = decodeHTML(body, ct)
		}
	}
}

// runSearch submits the home page's GET search form for each query.
func (s *siteRun) runSearch() {
	var form *htmlForm
	for i := range s.homeForms {
		f := &s.homeForms[i]
		if f.Method != http.MethodGet || !f.HasSearch {
			continue
		}
		if au, err := url.Parse(f.Action); err == nil && s.internalURL(au) {
			form = f
			break
		}
	}
	if form == nil || len(s.cfg.SearchQueries) == 0 {
		return
	}
	s.report.SearchFormAction = form.Action
	s.report.SearchResults = make(map[string][]string, len(s.cfg.SearchQueries))
	searchInput := ""
	for _, in := range form.Inputs {
		if in.Name != "" && (in.Type == "search" || (in.Type == "text" && searchInputNames[strings.ToLower(in.Name)])) {
			searchInput = in.Name
			break
		}
	}
	if searchInput == "" {
		return
	}
	for _, q := range s.cfg.SearchQueries {
		if s.ctx.Err() != nil {
			return
		}
		au, err := url.Parse(form.Action)
		if err != nil {
			return
		}
		vals := url.Values{}
		for _, in := range form.Inputs {
			switch {
			case in.Name == searchInput:
				vals.Set(in.Name, q)
			case in.Type == "hidden" && in.Name != "":
				vals.Set(in.Name, in.Value)
			}
		}
		au.RawQuery = vals.Encode()
		au.Fragment = ""
		if !s.allowed(au) {
			continue
		}
		var body []byte
		st, status, final, err := s.get(http.MethodGet, au.String(), s.cfg.MaxBody, func(r io.Reader) error {
			var rerr error
			body, rerr = io.ReadAll(r)
			return rerr
		})
		results := []string{}
		if err == nil && status < 400 && st != nil {
			_, _, _, ct, _ := st.snapshot()
			if base, perr := url.Parse(final); perr == nil && isHTMLType(ct) && !looksBinary(body) {
				results = s.searchResults(extractPage(decodeHTML(body, ct), base, 5000), au)
			}
		}
		s.report.SearchResults[q] = results
	}
}

func (s *siteRun) searchResults(info pageInfo, searchURL *url.URL) []string {
	inRegion := false
	for _, l := range info.Links {
		if l.InRegion {
			inRegion = true
			break
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, l := range info.Links {
		if len(out) >= 10 {
			break
		}
		u, err := url.Parse(l.URL)
		if err != nil || !s.internalURL(u) || u.Path == searchURL.Path {
			continue
		}
		key := urlKey(u)
		if seen[key] || (inRegion && !l.InRegion) || (!inRegion && s.homeLinks[key]) {
			continue
		}
		if p := u.Path; p == "" || p == "/" {
			continue
		}
		seen[key] = true
		out = append(out, l.URL)
	}
	return out
}

// checkLinks checks the internal links found (reusing page fetch results)
// and a sample of external links, HEAD first then GET.
func (s *siteRun) checkLinks() {
	batch := make([]LinkCheck, 0, linkBatch)
	flush := func() {
		if len(batch) == 0 {
			return
		}
		if err := s.c.sink.Links(s.sinkCtx, batch); err != nil {
			s.c.sinkErrors.Add(1)
			s.log.Warn("sink Links failed", "err", err)
		}
		batch = make([]LinkCheck, 0, linkBatch)
	}
	record := func(lc LinkCheck) {
		s.report.LinksChecked++
		s.c.linksChecked.Add(1)
		if lc.ErrorClass != ErrNone || lc.Status >= 400 {
			s.report.LinksBroken++
			s.c.linksBroken.Add(1)
		}
		batch = append(batch, lc)
		if len(batch) >= linkBatch {
			flush()
		}
	}
	for i, refs := range [][]linkRef{s.internal, s.external} {
		internal := i == 0
		for _, ref := range refs {
			if s.ctx.Err() != nil {
				flush()
				return
			}
			u, err := url.Parse(ref.to)
			if err != nil {
				continue
			}
			lc := LinkCheck{Council: s.site.Council, FromURL: ref.from, ToURL: ref.to, Internal: internal, CheckedAt: time.Now()}
			if r, ok := s.fetched[urlKey(u)]; ok && internal {
				lc.Method, lc.Status, lc.ErrorClass = http.MethodGet, r.status, r.class
				if lc.ErrorClass == ErrRobotsDisallowed {
					continue
				}
				record(lc)
				continue
			}
			if internal && (s.report.GaveUp || !s.allowed(u)) {
				continue
			}
			var claim *linkEntry
			if !internal {
				r, ok, mine := s.c.extLinks.lookup(s.ctx, ref.to)
				if ok {
					lc.Method, lc.Status, lc.ErrorClass, lc.Total = r.method, r.status, r.class, r.total
					record(lc) // another site checked it this run
					continue
				}
				if s.ctx.Err() != nil {
					flush()
					return
				}
				claim = mine
			}
			start := time.Now()
			lc.Method = http.MethodHead
			_, status, _, err := s.get(http.MethodHead, ref.to, 64<<10, nil)
			if s.ctx.Err() != nil {
				s.c.extLinks.finish(ref.to, claim, linkResult{}, false)
				flush()
				return
			}
			// GET again when HEAD is refused or the answer was odd, but not
			// when the server cannot be reached at all (that would double
			// the cost of a dead or slow host).
			if (err != nil && !networkFailure(classify(err))) || status == http.StatusMethodNotAllowed || status == http.StatusNotImplemented || status == http.StatusForbidden {
				lc.Method = http.MethodGet
				_, status, _, err = s.get(http.MethodGet, ref.to, 64<<10, nil)
				if errors.Is(err, errTooLarge) || errors.Is(err, errDecompression) {
					err = nil // a link check only needs the status
				}
				if s.ctx.Err() != nil {
					s.c.extLinks.finish(ref.to, claim, linkResult{}, false)
					flush()
					return
				}
			}
			lc.Status, lc.Total = status, time.Since(start)
			lc.ErrorClass = classify(err)
			if lc.ErrorClass == ErrNone {
				lc.ErrorClass = statusClass(status)
			}
			if internal {
				s.failed(lc.ErrorClass)
			} else {
				s.c.extLinks.finish(ref.to, claim, linkResult{method: lc.Method, status: lc.Status, class: lc.ErrorClass, total: lc.Total}, true)
			}
			record(lc)
		}
	}
	flush()
}
