package main

import (
	"hash/fnv"
	"sort"

	"github.com/councildash/councildash/scoring"
)

// How sure a site's scores are: each site is scored from a sample of its
// pages, and the bootstrap over those pages (scoring.Method.SiteScoreInterval)
// says how much another sample could move its scores. The crawl computes
// it when a site is done, and `councildash score --run` again from the
// stored page statistics; both go through siteIntervals, so the same pages
// give the same interval.

// pageStats are one page's own check statistics (Engine.PageStats).
type pageStats struct {
	url   string
	stats []scoring.CheckStat
}

// bootstrapSeed seeds a site's bootstrap: fixed per council, so the same
// pages always give the same interval, whenever and wherever computed.
func bootstrapSeed(council string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("councildash site score interval\n" + council))
	return h.Sum64()
}

// siteIntervals bootstraps a site's overall and category scores over its
// pages (in address order, so the order the crawler delivered them in does
// not matter) with the site-level statistics judged once; site may be the
// site's whole statistics (SiteResult.Stats: its page-level totals are
// left out, the pages give them). Pages not scored for content and
// readability carry no statistics of those categories (the engine leaves
// them out), so they count only for the categories they were scored in.
func siteIntervals(m scoring.Method, council string, pages []pageStats, site []scoring.CheckStat) []scoring.ScoreInterval {
	sorted := append([]pageStats(nil), pages...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].url < sorted[j].url })
	ps := make([][]scoring.CheckStat, len(sorted))
	for i, p := range sorted {
		ps[i] = byCheckID(p.stats)
	}
	return m.SiteScoreInterval(ps, byCheckID(site), scoring.Bootstrap{Seed: bootstrapSeed(council)})
}

// byCheckID returns stats in check id order (a copy): the statistics are
// summed in one order however they were listed, so a crawl and a re-scoring
// of the same pages give the same interval to the last decimal.
func byCheckID(stats []scoring.CheckStat) []scoring.CheckStat {
	out := append([]scoring.CheckStat(nil), stats...)
	sort.Slice(out, func(i, j int) bool { return out[i].CheckID < out[j].CheckID })
	return out
}
