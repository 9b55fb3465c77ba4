package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler/archive"
	"github.com/councildash/councildash/crawler/demoweb"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

// TestDemoHasNoFabricatedFindings loads the demo of a dozen councils as
// `councildash demo` does (through the WARC import: the demo web captured,
// then imported), and reads back what was stored: every
// page-level finding and every stored page is one of the council's saved
// pages (the generated ones serve the site-level checks only), the HTTPS
// check follows the register's scheme (or https where a saved page of the
// site's host was captured over it), broken links are only ever on saved
// pages, and the runs are demo runs at their real times, the first marked
// simulated. In the last run (the one the pages show first) no site-level
// check of the generated pages fails: its findings are the saved pages'
// and the register's.
func TestDemoHasNoFabricatedFindings(t *testing.T) {
	if demoweb.SharedPagesDir() == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("the shared council pages are missing (CI=true)")
		}
		t.Skip("the shared council pages are absent: the demo web would be synthetic")
	}
	s := datatest.Store(t)
	ctx := context.Background()
	env, _, _ := reviewsTestEnv()
	reg := data.EmbeddedRegister()
	opts := demoOptions{sites: 12, pages: 30, runs: 2, reviews: 20}
	before := time.Now().Add(-time.Second).Truncate(time.Second)
	if err := loadDemo(ctx, env, s, reg, opts, t.TempDir(), nil); err != nil {
		t.Fatal(err)
	}
	web, sites, err := demoWeb(reg, opts, 2, false)
	if err != nil {
		t.Fatal(err)
	}
	web.Close()
	byCode := map[string]data.Council{}
	for _, c := range reg {
		byCode[c.Code] = c
	}
	saved := map[string]map[string]bool{} // council -> saved page URLs of its site
	homeScheme := map[string]string{}     // council -> the scheme its home page is served over
	nSaved := 0
	for _, st := range sites {
		homeScheme[st.Council] = web.HomeScheme(st.HomeURL)
		if u, _ := url.Parse(st.HomeURL); homeScheme[st.Council] == "" || (u.Scheme == "https" && homeScheme[st.Council] != "https") {
			t.Fatalf("%s: home page served over %q, register address %s", st.Council, homeScheme[st.Council], st.HomeURL)
		}
		saved[st.Council] = map[string]bool{}
		for _, sp := range web.SavedPages(st.HomeURL) {
			saved[st.Council][sp.URL] = true
			nSaved++
		}
		if len(saved[st.Council]) == 0 {
			t.Fatalf("%s has no saved page", st.Council)
		}
	}

	runs, err := s.Runs(ctx)
	if err != nil || len(runs) != 2 {
		t.Fatalf("%d runs (%v)", len(runs), err)
	}
	for i, r := range runs { // newest first
		if !r.Demo || r.IsSimulated() != (i == 1) || !strings.HasPrefix(r.Label, data.DemoRunLabelPrefix) {
			t.Errorf("run %q: demo %v, simulated %v", r.Label, r.Demo, r.IsSimulated())
		}
		if r.StartedAt.Before(before) || r.StartedAt.After(time.Now()) {
			t.Errorf("run %q started at %s: not its real time", r.Label, r.StartedAt)
		}
	}
	checks := map[string]scoring.Check{}
	for _, c := range scoring.Catalog() {
		checks[c.ID] = c
	}
	for i, run := range runs {
		counts, err := s.CountRun(ctx, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if counts.SitesDone != len(sites) || counts.Pages != uint64(nSaved) {
			t.Errorf("run %s: %d sites, %d pages stored; want %d sites and their %d saved pages", run.Label, counts.SitesDone, counts.Pages, len(sites), nSaved)
		}
		pageFindings, httpsFindings, filler := 0, map[string]bool{}, 0
		err = s.StreamFindings(ctx, data.FindingFilter{RunID: run.ID}, func(f data.Finding) error {
			ch := checks[f.CheckID]
			if ch.Category == scoring.CatStatement || ch.Category == scoring.CatFindability || f.CheckID == "tech-robots-sitemap" || f.CheckID == "tech-404-page" ||
				(f.CheckID == "lgd-title-unique" && len(saved[f.Council]) < 2) { // one saved page cannot share its title
				filler++ // a site-level check of the generated pages
			}
			switch {
			case ch.Level == scoring.LevelPage || f.CheckID == "tech-broken-links":
				pageFindings++
				if !saved[f.Council][f.URL] {
					t.Errorf("%s: %s finding on %s, which is not a saved page of the council", f.Council, f.CheckID, f.URL)
				}
			case f.CheckID == "tech-https":
				httpsFindings[f.Council] = true
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("run %q: %d sites, %d saved pages stored, %d page-level findings, HTTPS findings for %d councils", run.Label, counts.SitesDone, counts.Pages, pageFindings, len(httpsFindings))
		if simulated := i == 1; simulated != (filler > 0) {
			t.Errorf("run %s: %d findings of the generated pages' site-level checks", run.Label, filler)
		}
		if pageFindings == 0 {
			t.Errorf("run %s: no page-level finding at all", run.Label)
		}
		for _, st := range sites {
			// The register's scheme, unless a saved page of the site's host
			// was captured over https (then it served https).
			want := homeScheme[st.Council] == "http"
			if httpsFindings[st.Council] != want {
				t.Errorf("%s (%s, served over %s): HTTPS finding %v", st.Council, byCode[st.Council].HomepageURL, homeScheme[st.Council], httpsFindings[st.Council])
			}
			res, err := s.CheckResults(ctx, run.ID, st.Council, "")
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res {
				if checks[r.CheckID].Level == scoring.LevelPage && r.PagesTotal > len(saved[st.Council]) {
					t.Errorf("%s %s: %d pages checked, but the site has %d saved pages", st.Council, r.CheckID, r.PagesTotal, len(saved[st.Council]))
				}
			}
		}
	}
}

// demoRunsOldestFirst reads back a store's runs, oldest first.
func demoRunsOldestFirst(t *testing.T, store *data.Store) []data.Run {
	t.Helper()
	ctx := context.Background()
	runs, err := store.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]data.Run, 0, len(runs))
	for _, r := range runs {
		full, err := store.GetRun(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, full)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].StartedAt.Before(out[j].StartedAt) })
	return out
}

// runCheckResults lists a run's per-check results (statistics and scores)
// as "council check: pages affected/total, findings, score, words", but
// those of the checks in skip.
func runCheckResults(t *testing.T, store *data.Store, runID string, skip ...string) []string {
	t.Helper()
	res, err := store.CheckResults(context.Background(), runID, "", "")
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(res))
	for _, r := range res {
		if slices.Contains(skip, r.CheckID) {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s: pages %d/%d, findings %d, score %v (%v), words %d",
			r.Council, r.CheckID, r.PagesAffected, r.PagesTotal, r.Findings, r.Score, r.HasScore, r.Words))
	}
	sort.Strings(out)
	return out
}

// TestDemoGoesThroughWARCImport: with an archive folder (the default of
// `demo` and `serve --crawl demo`, so of `make run` offline) the demo is
// built from a WARC of the demo web through the import path: its runs are
// demo runs and imports (source warc) at their real times (none
// back-dated; every run but the last marked simulated), whose pages point
// at records in WARC files under the folder. The WARC keeps the demo web's
// filler mark and the import honours it as the direct crawl does: each run
// stores the same pages (saved pages only, no generated filler), with the
// same per-check statistics and scores (response times aside: an archive
// has none) and the same findings as the demo
// crawled directly (--archive=false) from the same demo web. A re-score of
// such a run does not re-read its stored pages alone (the generated pages
// its site-level checks saw are not among them): it falls back to the
// stored statistics.
func TestDemoGoesThroughWARCImport(t *testing.T) {
	if demoweb.SharedPagesDir() == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("the shared council pages are missing (CI=true)")
		}
		t.Skip("the shared council pages are absent: the demo web would be synthetic, all of it generated filler")
	}
	store := datatest.Store(t)
	ctx := context.Background()
	// Councils whose demo sites are not one host each: saved pages on a
	// further host (Merton, Manchester, Hillingdon; Mid Suffolk's on
	// Babergh's home host), a website two councils share (Broadland and
	// South Norfolk, Lewes and Eastbourne), a saved http home page of an
	// https site (Stratford-on-Avon).
	want := map[string]bool{"E07000200": true, "E07000203": true, "E07000144": true, "E07000149": true, "E07000061": true,
		"E07000063": true, "E09000024": true, "E08000003": true, "E09000017": true, "E07000221": true}
	var reg []data.Council
	for _, c := range data.EmbeddedRegister() {
		if want[c.Code] {
			reg = append(reg, c)
		}
	}
	env, _, _ := scoreEnv(t, nil)
	opts := demoOptions{pages: 30, runs: 2}
	dir := t.TempDir()
	before := time.Now().Add(-time.Second).Truncate(time.Second)
	if err := loadDemo(ctx, env, store, reg, opts, dir, nil); err != nil {
		t.Fatalf("demo through the WARC import: %v", err)
	}
	after := time.Now()
	if ok, err := demoPresent(ctx, store); err != nil || !ok {
		t.Fatalf("demo not present after loading it through the import (%v)", err)
	}
	imported := demoRunsOldestFirst(t, store)
	if len(imported) != opts.runs {
		t.Fatalf("%d runs, want %d", len(imported), opts.runs)
	}
	for i, r := range imported {
		if r.Source != data.RunSourceWARC || !strings.HasPrefix(r.ArchiveDir, dir) || !strings.HasPrefix(r.Label, data.DemoRunLabelPrefix) || r.Status != data.RunFinished {
			t.Fatalf("run %+v: want a finished import of WARC files under %s labelled %q", r, dir, data.DemoRunLabelPrefix)
		}
		if r.SitesDone == 0 {
			t.Fatalf("run %s scored no site", r.ID)
		}
		if !r.Demo {
			t.Errorf("run %s of the demo is not marked as demo data", r.ID)
		}
		if simulated := i < len(imported)-1; r.IsSimulated() != simulated {
			t.Errorf("run %q: simulated %v, want %v", r.Label, r.IsSimulated(), simulated)
		}
		if r.StartedAt.Before(before) || r.StartedAt.After(after) || r.FinishedAt.Before(r.StartedAt) || r.FinishedAt.After(after.Add(time.Second)) {
			t.Errorf("run %q ran from %s to %s, not within the load (%s to %s): not its real time", r.Label, r.StartedAt, r.FinishedAt, before, after)
		}
	}
	last := imported[len(imported)-1]

	// Every HTML page of the last run reads back from its WARC record.
	attempts, err := store.FinishedSites(ctx, last.ID)
	if err != nil {
		t.Fatal(err)
	}
	html := 0
	for c, a := range attempts {
		att, err := store.LoadAttempt(ctx, last.ID, c, a)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range att.Pages {
			if !p.IsHTML {
				continue
			}
			html++
			if p.Archive.IsZero() {
				t.Fatalf("%s: no WARC record stored", p.URL)
			}
			rec, err := archive.ReadRecordUnder(last.ArchiveDir, p.Archive, archive.Limits{MaxBodyBytes: 10 << 20})
			if err != nil {
				t.Fatalf("%s: %v", p.URL, err)
			}
			if rec.TargetURI != p.FinalURL && rec.TargetURI != p.URL {
				t.Errorf("%s: its record is of %s", p.URL, rec.TargetURI)
			}
			if rec.Header.Get(demoweb.FillerHeader) != "" {
				t.Errorf("%s: a generated page (its record is marked %s) stored as a page", p.URL, demoweb.FillerHeader)
			}
		}
	}
	if html == 0 {
		t.Fatal("no HTML page imported")
	}
	if files, _ := filepath.Glob(filepath.Join(last.ArchiveDir, "*.warc.gz")); len(files) == 0 {
		t.Fatalf("no WARC file in %s", last.ArchiveDir)
	}

	// The same demo crawled directly: the same pages, statistics, scores
	// and findings, run by run.
	direct := datatest.Store(t)
	if err := loadDemo(ctx, env, direct, reg, opts, "", nil); err != nil {
		t.Fatalf("demo crawled directly: %v", err)
	}
	crawled := demoRunsOldestFirst(t, direct)
	if len(crawled) != len(imported) {
		t.Fatalf("%d runs crawled directly, %d imported", len(crawled), len(imported))
	}
	for i, r := range crawled {
		if r.Source == data.RunSourceWARC || r.Archived() {
			t.Fatalf("--archive=false demo run %s is archived (%+v)", r.ID, r)
		}
		if !r.Demo || r.IsSimulated() != imported[i].IsSimulated() {
			t.Errorf("direct demo run %q: demo %v, simulated %v", r.Label, r.Demo, r.IsSimulated())
		}
	}
	for i := range imported {
		web, sites, err := demoWeb(reg, opts, int64(i+1), i < len(imported)-1)
		if err != nil {
			t.Fatal(err)
		}
		web.Close()
		if len(sites) != len(reg) {
			t.Fatalf("%d demo sites of %d councils", len(sites), len(reg))
		}
		saved := map[string]bool{} // council and saved page address, either scheme (the other redirects)
		for _, st := range sites {
			for _, sp := range web.SavedPages(st.HomeURL) {
				saved[st.Council+" "+schemeless(sp.URL)] = true
			}
		}
		got, want := runPages(t, store, imported[i].ID), runPages(t, direct, crawled[i].ID)
		if len(want) == 0 {
			t.Fatalf("run %d: the direct demo crawl stored no page", i+1)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("run %d: pages through the WARC import:\n%s\ncrawled directly:\n%s", i+1, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		for _, p := range got {
			if f := strings.Fields(p); !saved[f[0]+" "+schemeless(f[1])] {
				t.Errorf("run %d: stored page %s is not a saved page of the council (generated filler?)", i+1, p)
			}
		}
		// An archive holds no response times: an import does not apply
		// tech-response-time (and its pages say so), a crawl does.
		gotRes, wantRes := runCheckResults(t, store, imported[i].ID, "tech-response-time"), runCheckResults(t, direct, crawled[i].ID, "tech-response-time")
		if !reflect.DeepEqual(gotRes, wantRes) {
			t.Errorf("run %d: check results through the WARC import:\n%s\ncrawled directly:\n%s", i+1, strings.Join(gotRes, "\n"), strings.Join(wantRes, "\n"))
		}
		gotF, wantF := runFindings(t, store, imported[i].ID, nil), runFindings(t, direct, crawled[i].ID, nil)
		if len(pageFindings(t, direct, crawled[i].ID)) == 0 {
			t.Fatalf("run %d: the direct demo crawl made no page finding to compare", i+1)
		}
		if !reflect.DeepEqual(gotF, wantF) {
			t.Errorf("run %d: findings through the WARC import differ from the direct crawl's:\n%v\n%v", i+1, gotF, wantF)
		}
		t.Logf("run %d: %d pages, %d check results and %d distinct findings compared", i+1, len(want), len(wantRes), len(wantF))
	}

	// A re-score of a demo run falls back to its stored statistics.
	var one []string
	for c := range attempts {
		one = append(one[:0], c)
	}
	res, err := rescoreFromArchive(ctx, env, store, last, scoring.NewEngine(scoring.CurrentMethod()), one, attempts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.fromArchive) != 0 || len(res.fallback) != 1 {
		t.Errorf("re-score of a demo run from its archive: %+v, want a fall back to statistics", res)
	}
	for c, why := range res.fallback {
		if !errors.Is(why, errDemoFiller) {
			t.Errorf("%s: not re-scored from the archive because %v, want %v", c, why, errDemoFiller)
		}
	}
}

// schemeless is an address without its scheme.
func schemeless(u string) string {
	_, rest, _ := strings.Cut(u, "://")
	return rest
}
