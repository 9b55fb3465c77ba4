package main

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/crawltest"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

// intervalsByCouncil groups a run's stored intervals of one method.
func intervalsByCouncil(t *testing.T, store *data.Store, runID, method string) map[string][]data.IntervalRow {
	t.Helper()
	rows, err := store.ScoreIntervals(context.Background(), []string{runID})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]data.IntervalRow{}
	for _, r := range rows {
		if r.MethodVersion == method {
			r.MethodVersion = ""
			out[r.Council] = append(out[r.Council], r)
		}
	}
	return out
}

// The crawl stores every site's score intervals beside its scores (the
// bootstrap over its pages, seeded), each page's words, statistics and
// reason for not being scored; `score --run` recomputes the same intervals
// from what was stored.
func TestCrawlStoresIntervalsAndRescoreRepeatsThem(t *testing.T) {
	cfg := datatest.Config(t)
	store := datatest.OpenConfig(t, cfg)
	ctx := context.Background()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	web, err := crawltest.NewWeb(crawltest.Options{Sites: 3, PagesPerSite: 12, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer web.Close()
	run, _, err := runCrawl(ctx, testEnv(t), store, crawlJob{sites: web.Sites, cfg: testCrawlConfig(web, 12), label: "intervals"})
	if err != nil {
		t.Fatal(err)
	}
	m := scoring.CurrentMethod()
	crawled := intervalsByCouncil(t, store, run.ID, m.Version)
	if len(crawled) != len(web.Sites) {
		t.Fatalf("intervals of %d sites, want %d", len(crawled), len(web.Sites))
	}
	scores, err := store.CategoryScores(ctx, []string{run.ID})
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]float64{}
	for _, s := range scores {
		stored[s.Council+"/"+s.Category] = s.Score
	}
	for council, ivs := range crawled {
		hasOverall := false
		for _, iv := range ivs {
			hasOverall = hasOverall || iv.Category == scoring.CategoryOverall
			if iv.Low > iv.Score || iv.Score > iv.High || iv.Level != 0.9 || iv.Pages == 0 {
				t.Errorf("%s %s: interval %+v: want low <= score <= high, level 0.9 and the pages counted", council, iv.Category, iv)
			}
			if want, ok := stored[council+"/"+iv.Category]; !ok || want != iv.Score {
				t.Errorf("%s %s: interval around %v, stored score %v (%v)", council, iv.Category, iv.Score, want, ok)
			}
		}
		if !hasOverall {
			t.Errorf("%s: no interval of the overall score", council)
		}
	}
	// Every page's statistics and words are stored; words count for content.
	var pagesSeen int
	if err := store.StreamRunPageStats(ctx, run.ID, func(council string, ps []data.PageStat) error {
		for _, p := range ps {
			pagesSeen++
			if p.Counts == nil {
				t.Errorf("%s %s: stored without its check statistics", council, p.URL)
			}
			if _, scored := p.Counts["lgd-text-blocks"]; scored && (p.Unscored != "" || p.Words < m.Thresholds.MinWordsContent) {
				t.Errorf("%s %s: content checked on a page not scored for content (%q, %d words)", council, p.URL, p.Unscored, p.Words)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if pagesSeen == 0 {
		t.Fatal("no page statistics stored")
	}
	web.Close() // nothing is fetched again

	// Re-scored under another method version (same rules), the intervals
	// come out the same: same pages, same seed.
	again := scoring.CurrentMethod()
	again.Version = "rescore-intervals"
	var db dbFlags
	db.addr, db.database, db.user = cfg.Addr, cfg.Database, "default"
	env, out, errb := scoreEnv(t, nil)
	if err := rescoreRunWith(ctx, env, db, run.ID, scoring.NewEngine(again)); err != nil {
		t.Fatalf("rescore: %v (%s)", err, errb)
	}
	if strings.Contains(out.String(), "cannot be computed") || strings.Contains(out.String(), "no page statistics") {
		t.Errorf("a run crawled under %s re-scored with warnings: %s", m.Version, out)
	}
	if got := intervalsByCouncil(t, store, run.ID, again.Version); !reflect.DeepEqual(got, crawled) {
		t.Errorf("intervals re-computed from stored statistics\n%+v\ndiffer from the crawl's\n%+v", got, crawled)
	}
}

// A run stored before method 2026.2 (check statistics without words read,
// pages without statistics) re-scored under 2026.2: the checks counted per
// 100 words cannot be computed from it, are named, and are left out of the
// scores rather than scored another way; the sites get no interval.
func TestRescoreOldStatisticsUnscorable(t *testing.T) {
	cfg := datatest.Config(t)
	store := datatest.OpenConfig(t, cfg)
	ctx := context.Background()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	run, err := store.CreateRun(ctx, "2026.1", "{}", "old run", 1, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	w := store.NewWriter(data.WriterOptions{})
	sink := data.NewRunSink(w, run.ID, "2026.1")
	old := []scoring.CheckStat{ // as 2026.1 stored them: no words
		{CheckID: "lgd-click-here", Category: scoring.CatContent, PagesTotal: 10, PagesAffected: 2, Findings: 3},
		{CheckID: "lgd-title-length", Category: scoring.CatContent, PagesTotal: 10, PagesAffected: 1, Findings: 1},
		{CheckID: "read-passive", Category: scoring.CatReadability, PagesTotal: 10, PagesAffected: 9, Findings: 40},
		{CheckID: "tech-https", Category: scoring.CatTechnical, PagesTotal: 1},
	}
	if err := sink.SiteResult(ctx, "OLD1", nil, old, nil); err != nil {
		t.Fatal(err)
	}
	if err := sink.Page(ctx, &crawler.Page{Council: "OLD1", URL: "https://old.example/", Status: 200, IsHTML: true}); err != nil {
		t.Fatal(err)
	}
	if err := sink.SiteDone(ctx, &crawler.SiteReport{Council: "OLD1"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	m := scoring.CurrentMethod()
	var db dbFlags
	db.addr, db.database, db.user = cfg.Addr, cfg.Database, "default"
	env, out, errb := scoreEnv(t, nil)
	if err := rescoreRunWith(ctx, env, db, run.ID, scoring.NewEngine(m)); err != nil {
		t.Fatalf("rescore: %v (%s)", err, errb)
	}
	for _, want := range []string{
		fmt.Sprintf("re-scored 1 sites of run %s under method %s", run.ID, m.Version),
		"2 checks cannot be computed from stored statistics",
		"lgd-click-here (1 sites), read-passive (1 sites)",
		"1 of 1 sites have no page statistics stored",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output %q\nwant %q", out, want)
		}
	}
	res, err := store.CheckResults(ctx, run.ID, "OLD1", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		perWords := r.CheckID == "lgd-click-here" || r.CheckID == "read-passive"
		if perWords == r.HasScore {
			t.Errorf("%s: has score %v under %s; want a score only for checks not counted per 100 words", r.CheckID, r.HasScore, m.Version)
		}
	}
	scores, err := store.CategoryScores(ctx, []string{run.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range scores {
		if s.MethodVersion != m.Version {
			t.Errorf("score %+v: want method %s only", s, m.Version)
		}
		if s.Category == scoring.CatReadability {
			t.Errorf("readability scored %v though its only check cannot be computed", s.Score)
		}
	}
	if got := intervalsByCouncil(t, store, run.ID, m.Version); len(got) != 0 {
		t.Errorf("intervals %+v from a run with no page statistics", got)
	}
}
