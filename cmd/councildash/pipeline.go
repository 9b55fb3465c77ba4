package main

import (
	"context"
	"sync"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// scoringSink sits between the crawler and the store: it scores each page as
// it arrives (the body is dropped afterwards), keeps only each site's small
// page summaries and page statistics, and scores the site, with how sure
// its scores are (siteIntervals), when the crawler reports it finished.
type scoringSink struct {
	engine *scoring.Engine
	store  *data.RunSink
	homes  map[string]string // council -> home URL
	now    func() time.Time

	mu     sync.Mutex
	sites  map[string]*scoring.SiteAccumulator
	pages  map[string][]pageStats // council -> each page's statistics, for the bootstrap
	broken map[string][]string    // council -> sample of broken link URLs
}

var _ crawler.Sink = (*scoringSink)(nil)

const brokenSample = 20

func newScoringSink(engine *scoring.Engine, store *data.RunSink, sites []crawler.Site, now func() time.Time) *scoringSink {
	homes := make(map[string]string, len(sites))
	for _, s := range sites {
		homes[s.Council] = s.HomeURL
	}
	return &scoringSink{engine: engine, store: store, homes: homes, now: now,
		sites: map[string]*scoring.SiteAccumulator{}, pages: map[string][]pageStats{}, broken: map[string][]string{}}
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

func (k *scoringSink) Page(ctx context.Context, p *crawler.Page) error {
	res := k.engine.ScorePage(pageInput(p))
	ps := pageStats{url: p.URL, stats: k.engine.PageStats(res.Summary)}
	acc := k.site(p.Council)
	k.mu.Lock()
	acc.Add(res) // accumulators are per site but the crawler may deliver a site's pages from several goroutines
	k.pages[p.Council] = append(k.pages[p.Council], ps)
	k.mu.Unlock()
	return k.store.PageResult(ctx, p, res)
}

func (k *scoringSink) Links(ctx context.Context, checks []crawler.LinkCheck) error {
	k.mu.Lock()
	for _, c := range checks {
		if c.Status >= 400 || c.ErrorClass != "" && c.ErrorClass != crawler.ErrRobotsDisallowed {
			if len(k.broken[c.Council]) < brokenSample {
				k.broken[c.Council] = append(k.broken[c.Council], c.ToURL)
			}
		}
	}
	k.mu.Unlock()
	return k.store.Links(ctx, checks)
}

func (k *scoringSink) SiteDone(ctx context.Context, r *crawler.SiteReport) error {
	acc := k.site(r.Council)
	k.mu.Lock()
	delete(k.sites, r.Council)
	pages := k.pages[r.Council]
	delete(k.pages, r.Council)
	broken := k.broken[r.Council]
	delete(k.broken, r.Council)
	k.mu.Unlock()
	if r.Interrupted {
		// Cut off mid-crawl: not finished, so no site report is stored and
		// --resume crawls the site again (its partial pages never count).
		return nil
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

func siteFacts(r *crawler.SiteReport, broken []string, now time.Time) scoring.SiteFacts {
	return scoring.SiteFacts{
		HomeURL: r.HomeURL, FinalHomeURL: r.FinalHomeURL, HTTPS: r.HTTPS,
		HTTPRedirectsToHTTPS: r.HTTPRedirectsToHTTPS, HTTPProbeUnknown: r.HTTPProbeUnknown, RobotsStatus: r.RobotsStatus, RobotsParsed: r.RobotsParsed,
		Sitemaps: r.Sitemaps, SitemapParsed: r.SitemapParsed, NotFoundStatus: r.NotFoundStatus,
		NotFoundBody: r.NotFoundBody, SearchResults: r.SearchResults, LinksChecked: r.LinksChecked,
		LinksBroken: r.LinksBroken, BrokenLinks: broken, Now: now,
	}
}
