package crawler

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"
)

type queued struct {
	url   string
	depth int
}

type fetchResult struct {
	status int
	class  string
	final  string // URL after redirects
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
	s.rt = &siteTransport{base: c.base, gates: c.gates, timeout: c.cfg.Timeout, rec: c.cfg.Recorder, src: c.cfg.Source, spools: &c.spools}
	if c.cfg.Recorder != nil {
		s.rt.archiveErr = func(err error) { c.archiveFailed(s.log, err) }
	}
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
	s.col.OnResponse(func(r *colly.Response) { outcomeOf(r.Ctx).resp = r })
	s.col.OnError(func(r *colly.Response, err error) {
		o := outcomeOf(r.Ctx)
		o.resp, o.err = r, err
	})

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
	if !rb.rules.allows("/") {
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
	case ErrDNS, ErrTLS, ErrTimeout, ErrRefused, ErrReset, ErrRobotsDisallowed, ErrNotArchived:
		return // the site is unreachable (or closed to us): do not hammer it
	}
	if rb.unreachable() {
		// robots.txt failed at the network level, yet the home page (fetched
		// once, to record the site's state) answered: try robots.txt again.
		// If it still fails, assume complete disallow (RFC 9309 2.3.1.4).
		delete(s.robots, s.homeKey)
		if rb = s.robotsFor(home); rb.unreachable() {
			rb.rules = &robotsRules{disallowAll: true}
			s.report.RobotsDisallowAll = true
			return
		}
		if !rb.rules.allows("/") {
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

// networkFailure reports whether an error class means the server could not
// be talked to at all (as opposed to an answer we did not like).
func networkFailure(class string) bool {
	switch class {
	case ErrTimeout, ErrReset, ErrRefused, ErrDNS, ErrTLS:
		return true
	}
	return false
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
