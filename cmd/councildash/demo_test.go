package main

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler/demoweb"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

// TestDemoHasNoFabricatedFindings crawls the demo web of a dozen councils
// as `councildash demo` does, and reads back what was stored: every
// page-level finding and every stored page is one of the council's saved
// pages (the generated ones serve the site-level checks only), the HTTPS
// check follows the register's scheme, broken links are only ever on saved
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
	if err := loadDemo(ctx, env, s, reg, opts, nil); err != nil {
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
	nSaved := 0
	for _, st := range sites {
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
			u, _ := url.Parse(byCode[st.Council].HomepageURL)
			if httpsFindings[st.Council] != (u.Scheme == "http") {
				t.Errorf("%s (%s): HTTPS finding %v", st.Council, byCode[st.Council].HomepageURL, httpsFindings[st.Council])
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
