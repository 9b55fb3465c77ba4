package main

import (
	"context"
	"sync"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/demoweb"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// scoringSink sits between the crawler and the store: it scores each page as
// it arrives (the body is dropped afterwards), keeps only each site's small
// page summaries and page statistics, and scores the site, with how sure
// its scores are (siteIntervals), when the crawler reports it finished.
//
// In a demo crawl (demo set) it also honours the demo web's filler mark
// (demoweb.FillerHeader): a generated stand-in page (robots.txt aside, the
// home page, the accessibility statement, the A to Z, search results and
// top-task pages of a demo site) serves the site-level checks only. Its
// page-level statistics and findings are dropped (from the scores and their
// intervals), the page is not stored, and the links on it are neither
// stored nor counted, so a demo site's page-level scores and broken links
// come from its real saved pages alone.
type scoringSink struct {
	engine *scoring.Engine
	store  *data.RunSink
	homes  map[string]string // council -> home URL
	now    func() time.Time
	demo   bool // honour the demo web's filler mark

	mu      sync.Mutex
	sites   map[string]*scoring.SiteAccumulator
	pages   map[string][]pageStats          // council -> each page's statistics, for the bootstrap
	broken  map[string][]scoring.BrokenLink // council -> broken links, for evidence
	links   map[string]*linkCount           // council -> links kept (demo)
	filler  map[string]map[string]bool      // council -> filler page URLs and final URLs (demo)
	fillerN map[string]int                  // council -> filler pages fetched (demo)
}

var _ crawler.Sink = (*scoringSink)(nil)

// brokenKept bounds the broken links a site's findings are made from (the
// method keeps at most MaxFindingsPerCheck of them; every broken link is in
// the links table).
const brokenKept = 200

// linkCount counts the link checks kept of a demo site.
type linkCount struct{ checked, broken int }

func newScoringSink(engine *scoring.Engine, store *data.RunSink, sites []crawler.Site, now func() time.Time) *scoringSink {
	homes := make(map[string]string, len(sites))
	for _, s := range sites {
		homes[s.Council] = s.HomeURL
	}
	return &scoringSink{engine: engine, store: store, homes: homes, now: now,
		sites: map[string]*scoring.SiteAccumulator{}, pages: map[string][]pageStats{}, broken: map[string][]scoring.BrokenLink{},
		links: map[string]*linkCount{}, filler: map[string]map[string]bool{}, fillerN: map[string]int{}}
}

func (k *scoringSink) site(council string) *scoring.SiteAccumulator {
	k.mu.Lock()
	defer k.mu.Unlock()
	acc, ok := k.sites[council]
	if !ok {
		acc = k.engine.NewSite(council, k.homes[council])
		k.sites[council] = acc
	}
	return acc
}

func pageInput(p *crawler.Page) scoring.PageInput {
	return scoring.PageInput{
		Council: p.Council, URL: p.URL, FinalURL: p.FinalURL, Depth: p.Depth, Status: p.Status,
		ContentType: p.ContentType, IsHTML: p.IsHTML, Body: p.Body, Bytes: p.Bytes,
		RedirectHops: len(p.RedirectChain), TTFB: p.TTFB, Total: p.Total, ErrorClass: p.ErrorClass,
	}
}

// isFiller reports whether a page is a demo web's generated stand-in, in a
// demo crawl (a live site cannot hide its pages with the header).
func (k *scoringSink) isFiller(p *crawler.Page) bool {
	return k.demo && p.Header != nil && p.Header.Get(demoweb.FillerHeader) != ""
}

func (k *scoringSink) Page(ctx context.Context, p *crawler.Page) error {
	res := k.engine.ScorePage(pageInput(p))
	acc := k.site(p.Council)
	filler := k.isFiller(p)
	if filler {
		// For the site-level checks only: no page-level statistics, and
		// its title does not count among the site's titles (whether they
		// are unique is a question about the council's own pages).
		res.Summary.Counts = nil
		res.Summary.Title = ""
	}
	k.mu.Lock()
	acc.Add(res) // accumulators are per site but the crawler may deliver a site's pages from several goroutines
	if !filler {
		k.pages[p.Council] = append(k.pages[p.Council], pageStats{url: p.URL, stats: k.engine.PageStats(res.Summary)})
	}
	if filler {
		f := k.filler[p.Council]
		if f == nil {
			f = map[string]bool{}
			k.filler[p.Council] = f
		}
		f[p.URL], f[p.FinalURL] = true, true
		k.fillerN[p.Council]++
	}
	k.mu.Unlock()
	if filler {
		return nil
	}
	return k.store.PageResult(ctx, p, res)
}

func isBroken(c crawler.LinkCheck) bool {
	return c.Status >= 400 || c.ErrorClass != "" && c.ErrorClass != crawler.ErrRobotsDisallowed
}

func (k *scoringSink) Links(ctx context.Context, checks []crawler.LinkCheck) error {
	k.mu.Lock()
	kept := checks
	if k.demo {
		kept = make([]crawler.LinkCheck, 0, len(checks))
		for _, c := range checks {
			if k.filler[c.Council][c.FromURL] {
				continue // a link on a generated page: not the council's
			}
			kept = append(kept, c)
			n := k.links[c.Council]
			if n == nil {
				n = &linkCount{}
				k.links[c.Council] = n
			}
			if c.ErrorClass != crawler.ErrRobotsDisallowed {
				n.checked++
				if isBroken(c) {
					n.broken++
				}
			}
		}
	}
	for _, c := range kept {
		if isBroken(c) && len(k.broken[c.Council]) < brokenKept {
			k.broken[c.Council] = append(k.broken[c.Council], scoring.BrokenLink{From: c.FromURL, To: c.ToURL, Text: c.Text,
				Selector: c.Selector, Status: c.Status, ErrorClass: c.ErrorClass, Final: c.FinalURL})
		}
	}
	k.mu.Unlock()
	return k.store.Links(ctx, kept)
}

func (k *scoringSink) SiteDone(ctx context.Context, r *crawler.SiteReport) error {
	acc := k.site(r.Council)
	k.mu.Lock()
	delete(k.sites, r.Council)
	pages := k.pages[r.Council]
	delete(k.pages, r.Council)
	broken := k.broken[r.Council]
	delete(k.broken, r.Council)
	links, fillerN := k.links[r.Council], k.fillerN[r.Council]
	delete(k.links, r.Council)
	delete(k.filler, r.Council)
	delete(k.fillerN, r.Council)
	k.mu.Unlock()
	if r.Interrupted {
		// Cut off mid-crawl: not finished, so no site report is stored and
		// --resume crawls the site again (its partial pages never count).
		return nil
	}
	if k.demo {
		// The site's own pages and links only (see scoringSink).
		rep := *r
		rep.LinksChecked, rep.LinksBroken = 0, 0
		if links != nil {
			rep.LinksChecked, rep.LinksBroken = links.checked, links.broken
		}
		rep.PagesFetched = max(0, r.PagesFetched-fillerN)
		r = &rep
	}
	res := acc.Finish(siteFacts(r, broken, k.now()))
	m := k.engine.Method()
	if err := k.store.SiteIntervals(ctx, r.Council, m.Version, siteIntervals(m, r.Council, pages, res.Stats)); err != nil {
		return err
	}
	if err := k.store.SiteResult(ctx, r.Council, res.Findings, res.Stats, res.Scores); err != nil {
		return err
	}
	return k.store.SiteDone(ctx, r)
}

func siteFacts(r *crawler.SiteReport, broken []scoring.BrokenLink, now time.Time) scoring.SiteFacts {
	var sample []string
	for _, b := range broken {
		sample = append(sample, b.To)
	}
	return scoring.SiteFacts{
		HomeURL: r.HomeURL, FinalHomeURL: r.FinalHomeURL, HTTPS: r.HTTPS,
		HTTPRedirectsToHTTPS: r.HTTPRedirectsToHTTPS, HTTPProbeUnknown: r.HTTPProbeUnknown, RobotsStatus: r.RobotsStatus, RobotsParsed: r.RobotsParsed,
		Sitemaps: r.Sitemaps, SitemapParsed: r.SitemapParsed, NotFoundStatus: r.NotFoundStatus,
		NotFoundBody: r.NotFoundBody, SearchResults: r.SearchResults, LinksChecked: r.LinksChecked,
		LinksBroken: r.LinksBroken, BrokenLinks: sample, Broken: broken, Now: now,
	}
}
