package main

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler/crawltest"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

// TestRescoreOldArchivedRunComputesEveryCheck: a run stored as method
// 2026.1 stored it (check statistics without words read, pages without
// their own statistics) but whose pages are in a WARC archive is re-scored
// under the current method from the archive: the pages are parsed again,
// so the checks counted per 100 words are computed (none is named
// unscorable, each has a score), and the intervals come from the re-parsed
// pages: the same as those of a crawl of the same pages under the current
// method. Without the archive the same stored rows leave those checks out
// (TestRescoreOldStatisticsUnscorable).
func TestRescoreOldArchivedRunComputesEveryCheck(t *testing.T) {
	cfg := datatest.Config(t)
	store := datatest.OpenConfig(t, cfg)
	ctx := context.Background()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	web, err := crawltest.NewWeb(crawltest.Options{Sites: 2, PagesPerSite: 12, Seed: 41})
	if err != nil {
		t.Fatal(err)
	}
	crawled := archivedCrawl(t, store, web, filepath.Join(t.TempDir(), "archive"))
	web.Close() // nothing is fetched again
	m := scoring.CurrentMethod()
	want := intervalsByCouncil(t, store, crawled.ID, m.Version)
	if len(want) != len(web.Sites) {
		t.Fatalf("the crawl stored intervals of %d sites, want %d", len(want), len(web.Sites))
	}

	// The same pages and records, stored as an old method stored them.
	old, err := store.CreateRun(ctx, "2026.1", "{}", "old archived run", len(web.Sites), time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.SetRunArchive(ctx, old.ID, crawled.ArchiveDir, data.RunSourceCrawl); err != nil {
		t.Fatal(err)
	}
	attempts, err := store.FinishedSites(ctx, crawled.ID)
	if err != nil {
		t.Fatal(err)
	}
	w := store.NewWriter(data.WriterOptions{})
	sink := data.NewRunSink(w, old.ID, "2026.1")
	for c, a := range attempts {
		att, err := store.LoadAttempt(ctx, crawled.ID, c, a)
		if err != nil {
			t.Fatal(err)
		}
		for i := range att.Pages {
			if err := sink.Page(ctx, &att.Pages[i]); err != nil { // no words, no page statistics
				t.Fatal(err)
			}
		}
		if err := sink.Links(ctx, att.Links); err != nil {
			t.Fatal(err)
		}
		oldStats := []scoring.CheckStat{ // no words read
			{CheckID: "lgd-click-here", Category: scoring.CatContent, PagesTotal: 12, PagesAffected: 2, Findings: 3},
			{CheckID: "read-passive", Category: scoring.CatReadability, PagesTotal: 12, PagesAffected: 9, Findings: 40},
		}
		if err := sink.SiteResult(ctx, c, nil, oldStats, nil); err != nil {
			t.Fatal(err)
		}
		if err := sink.SiteDone(ctx, &att.Report); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}

	var db dbFlags
	db.addr, db.database, db.user = cfg.Addr, cfg.Database, "default"
	env, out, errb := scoreEnv(t, nil)
	if err := rescoreRunWith(ctx, env, db, old.ID, scoring.NewEngine(m)); err != nil {
		t.Fatalf("rescore: %v (%s)", err, errb)
	}
	if !strings.Contains(out.String(), "from the archived pages") || strings.Contains(out.String(), "cannot be computed") ||
		strings.Contains(out.String(), "no page statistics") || errb.Len() > 0 {
		t.Errorf("re-score of an old archived run said:\n%s%s", out, errb)
	}
	for c := range attempts {
		res, err := store.CheckResults(ctx, old.ID, c, "")
		if err != nil {
			t.Fatal(err)
		}
		scored := map[string]bool{}
		for _, r := range res {
			scored[r.CheckID] = r.HasScore
			if r.CheckID == "lgd-click-here" && r.Words == 0 {
				t.Errorf("%s %s: no words read after the re-score from the archive (%+v)", c, r.CheckID, r)
			}
		}
		for _, id := range []string{"lgd-click-here", "read-passive"} {
			if !scored[id] {
				t.Errorf("%s: %s not scored after the re-score from the archive", c, id)
			}
		}
	}
	got := intervalsByCouncil(t, store, old.ID, m.Version)
	for _, rows := range [](map[string][]data.IntervalRow){got, want} {
		for c := range rows {
			for i := range rows[c] {
				rows[c][i].RunID = ""
			}
		}
	}
	if !reflect.DeepEqual(got, want) {
		dump := func(run string) map[string]string {
			o := map[string]string{}
			_ = store.StreamRunPageStats(ctx, run, func(c string, ps []data.PageStat) error {
				for _, p := range ps {
					o[c+" "+p.URL] += fmt.Sprintf("%v|", p.Counts)
				}
				return nil
			})
			return o
		}
		a, b := dump(crawled.ID), dump(old.ID)
		for k := range a {
			if a[k] != b[k] {
				t.Logf("%s\n crawl %s\n again %s", k, a[k], b[k])
			}
		}
		t.Errorf("intervals from the re-parsed archived pages\n%+v\ndiffer from the crawl's of the same pages\n%+v", got, want)
	}
	if r, _ := store.GetRun(ctx, old.ID); r.Rescored != data.RescoredArchive {
		t.Errorf("old archived run rescored %q, want %q", r.Rescored, data.RescoredArchive)
	}
}
