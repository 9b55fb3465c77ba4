package data_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

// TestScoring2026Storage: what method 2026.2 stores (migration 0003) reads
// back as written: each page's reason for not being scored, its words and
// check statistics (from completed attempts, one row per address), the
// words of the site statistics, and score intervals by run, council,
// method and category.
func TestScoring2026Storage(t *testing.T) {
	s := datatest.Store(t)
	ctx := context.Background()
	run, err := s.CreateRun(ctx, "2026.2", "{}", "", 2, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	w := s.NewWriter(data.WriterOptions{})
	sink := data.NewRunSink(w, run.ID, "2026.2")
	pages := []struct {
		url, unscored string
		status, words int
		counts        map[string]int
	}{
		{"https://a.example/", "", 200, 420, map[string]int{"lgd-click-here": 2, "a11y-image-alt": 0, "tech-status": 0}},
		{"https://a.example/gone", "error page (HTTP 404)", 404, 0, map[string]int{"tech-status": 1}},
		{"https://a.example/short", "too little main content (12 words)", 200, 12, map[string]int{"a11y-image-alt": 1, "tech-status": 0}},
	}
	for _, p := range pages {
		r := scoring.PageResult{URL: p.url, Title: "T", Unscored: p.unscored,
			Summary: scoring.PageSummary{Words: p.words, Counts: p.counts}}
		if err := sink.PageResult(ctx, &crawler.Page{Council: "A", URL: p.url, FinalURL: p.url, Status: p.status, IsHTML: true}, r); err != nil {
			t.Fatal(err)
		}
	}
	stats := []scoring.CheckStat{
		{CheckID: "lgd-click-here", Category: scoring.CatContent, PagesTotal: 1, PagesAffected: 1, Findings: 2, Words: 420},
		{CheckID: "tech-https", Category: scoring.CatTechnical, PagesTotal: 1},
	}
	ivs := []scoring.ScoreInterval{
		{Category: scoring.CatContent, Score: 61.5, Low: 50.1, High: 70.2, Level: 0.9, Pages: 3, TooFew: true},
		{Category: scoring.CategoryOverall, Score: 71.5, Low: 65, High: 77.7, Level: 0.9, Pages: 3, TooFew: true},
	}
	if err := sink.SiteIntervals(ctx, "A", "2026.2", ivs); err != nil {
		t.Fatal(err)
	}
	if err := sink.SiteResult(ctx, "A", nil, stats, scoring.CurrentMethod().Score(stats)); err != nil {
		t.Fatal(err)
	}
	if err := sink.SiteDone(ctx, &crawler.SiteReport{Council: "A", HomeURL: "https://a.example/"}); err != nil {
		t.Fatal(err)
	}
	// B never finished: its page is not read back.
	if err := sink.PageResult(ctx, &crawler.Page{Council: "B", URL: "https://b.example/"}, scoring.PageResult{Unscored: "not an HTML page",
		Summary: scoring.PageSummary{Counts: map[string]int{"tech-status": 0}}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}

	got, err := s.RunCheckStats(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got["A"], stats) {
		t.Errorf("check stats %+v, want %+v (words kept)", got["A"], stats)
	}

	var seen []string
	err = s.StreamRunPageStats(ctx, run.ID, func(council string, ps []data.PageStat) error {
		seen = append(seen, council)
		if len(ps) != len(pages) {
			t.Fatalf("%s: %d pages, want %d", council, len(ps), len(pages))
		}
		for i, p := range pages { // in address order, as listed
			g := ps[i]
			if g.URL != p.url || g.Words != p.words || g.Unscored != p.unscored || !reflect.DeepEqual(g.Counts, p.counts) {
				t.Errorf("page %d: %+v, want %+v", i, g, p)
			}
		}
		cs := ps[0].CheckStats(func(id string) string { return "cat-of-" + id })
		want := []scoring.CheckStat{
			{CheckID: "a11y-image-alt", Category: "cat-of-a11y-image-alt", PagesTotal: 1, Words: 420},
			{CheckID: "lgd-click-here", Category: "cat-of-lgd-click-here", PagesTotal: 1, PagesAffected: 1, Findings: 2, Words: 420},
			{CheckID: "tech-status", Category: "cat-of-tech-status", PagesTotal: 1, Words: 420},
		}
		if !reflect.DeepEqual(cs, want) {
			t.Errorf("page check stats %+v, want %+v", cs, want)
		}
		return nil
	})
	if err != nil || !reflect.DeepEqual(seen, []string{"A"}) {
		t.Errorf("page statistics of %v (%v), want A only (B did not finish)", seen, err)
	}

	up, uc, err := s.UnscoredPages(ctx, run.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := []data.UnscoredPage{{Council: "A", URL: "https://a.example/gone", Status: 404, Reason: "error page (HTTP 404)"}}; !reflect.DeepEqual(up, want) {
		t.Errorf("unscored pages %+v, want %+v (one per council asked)", up, want)
	}
	wantCounts := []data.UnscoredCount{{Council: "A", Reason: "error page (HTTP 404)", Pages: 1}, {Council: "A", Reason: "too little main content (12 words)", Pages: 1}}
	if !reflect.DeepEqual(uc, wantCounts) {
		t.Errorf("unscored counts %+v, want %+v", uc, wantCounts)
	}

	// A re-scoring stores newer intervals; the latest per key is read.
	again := []scoring.ScoreInterval{{Category: scoring.CategoryOverall, Score: 71.5, Low: 66, High: 77, Level: 0.9, Pages: 3, TooFew: true}}
	time.Sleep(1100 * time.Millisecond) // computed_at has one-second resolution
	if err := s.WriteIntervals(ctx, run.ID, "A", "2026.2", again); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteIntervals(ctx, run.ID, "A", "2026.9", []scoring.ScoreInterval{{Category: scoring.CategoryOverall, Score: 10, Low: 5, High: 15, Level: 0.95, Pages: 3, Unavailable: true}}); err != nil {
		t.Fatal(err)
	}
	rows, err := s.ScoreIntervals(ctx, []string{run.ID, "other-run"})
	if err != nil {
		t.Fatal(err)
	}
	want := []data.IntervalRow{
		{RunID: run.ID, Council: "A", MethodVersion: "2026.2", Category: scoring.CatContent, Score: 61.5, Low: 50.1, High: 70.2, Level: 0.9, Pages: 3, TooFew: true},
		{RunID: run.ID, Council: "A", MethodVersion: "2026.2", Category: scoring.CategoryOverall, Score: 71.5, Low: 66, High: 77, Level: 0.9, Pages: 3, TooFew: true},
		{RunID: run.ID, Council: "A", MethodVersion: "2026.9", Category: scoring.CategoryOverall, Score: 10, Low: 5, High: 15, Level: 0.95, Pages: 3, Unavailable: true},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("intervals\n%+v\nwant\n%+v", rows, want)
	}
}

// TestScoresOfOneMethod: the dashboard reads each council's scores of one
// method, the one it was last scored under; a category that method did not
// score is missing, not filled in from an older method, and so are check
// scores.
func TestScoresOfOneMethod(t *testing.T) {
	s := datatest.Store(t)
	ctx := context.Background()
	run, err := s.CreateRun(ctx, "old", "{}", "", 1, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	w := s.NewWriter(data.WriterOptions{})
	sink := data.NewRunSink(w, run.ID, "old")
	stats := []scoring.CheckStat{
		{CheckID: "lgd-click-here", Category: scoring.CatContent, PagesTotal: 3, PagesAffected: 1, Findings: 1},
		{CheckID: "tech-https", Category: scoring.CatTechnical, PagesTotal: 1},
	}
	old := []scoring.Score{
		{Category: scoring.CatContent, CheckID: "lgd-click-here", Score: 80, MethodVersion: "old"},
		{Category: scoring.CatTechnical, CheckID: "tech-https", Score: 100, MethodVersion: "old"},
		{Category: scoring.CatContent, Score: 80, MethodVersion: "old"},
		{Category: scoring.CatTechnical, Score: 100, MethodVersion: "old"},
		{Category: scoring.CategoryOverall, Score: 90, MethodVersion: "old"},
	}
	if err := sink.SiteResult(ctx, "A", nil, stats, old); err != nil {
		t.Fatal(err)
	}
	if err := sink.SiteDone(ctx, &crawler.SiteReport{Council: "A"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // scored_at has one-second resolution
	// Re-scored under a method that cannot score the content check.
	if err := s.WriteScores(ctx, run.ID, "A", []scoring.Score{
		{Category: scoring.CatTechnical, CheckID: "tech-https", Score: 100, MethodVersion: "new"},
		{Category: scoring.CatTechnical, Score: 100, MethodVersion: "new"},
		{Category: scoring.CategoryOverall, Score: 100, MethodVersion: "new"},
	}); err != nil {
		t.Fatal(err)
	}
	rows, err := s.CategoryScores(ctx, []string{run.ID})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]data.ScoreRow{}
	for _, r := range rows {
		got[r.Category] = r
	}
	if len(got) != 2 || got[scoring.CategoryOverall].Score != 100 || got[scoring.CatTechnical].MethodVersion != "new" {
		t.Errorf("category scores %+v: want technical and overall of method new only (content has none under it)", rows)
	}
	if _, mixed := got[scoring.CatContent]; mixed {
		t.Errorf("content score of method old shown beside method new's: %+v", got[scoring.CatContent])
	}
	res, err := s.CheckResults(ctx, run.ID, "A", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.CheckID == "lgd-click-here" && r.HasScore {
			t.Errorf("check score of method old shown under method new: %+v", r)
		}
		if r.CheckID == "tech-https" && (!r.HasScore || r.Score != 100) {
			t.Errorf("tech-https %+v: want its score under method new", r)
		}
	}
}
