package main

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler/archive"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
)

// TestDemoGoesThroughWARCImport: with an archive folder (the default of
// `demo` and `serve --crawl demo`, so of `make run` offline) the demo is
// built from a WARC of the demo web through the import path: its runs are
// imports (source warc) whose pages point at records in WARC files under
// the folder, the first run is back-dated, and the last run scores the
// same pages with the same page findings as the demo crawled directly
// (--archive=false) from the same demo web.
func TestDemoGoesThroughWARCImport(t *testing.T) {
	store := datatest.Open(t)
	ctx := context.Background()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	reg := data.EmbeddedRegister()
	env, _, _ := scoreEnv(t, nil)
	opts := demoOptions{sites: 3, pages: 6, runs: 2, interval: 28 * 24 * time.Hour}
	dir := t.TempDir()
	if err := loadDemo(ctx, env, store, reg, opts, dir, nil); err != nil {
		t.Fatalf("demo through the WARC import: %v", err)
	}
	if ok, err := demoPresent(ctx, store); err != nil || !ok {
		t.Fatalf("demo not present after loading it through the import (%v)", err)
	}
	runs, err := store.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var imported []data.Run
	for _, r := range runs {
		full, err := store.GetRun(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		imported = append(imported, full)
	}
	if len(imported) != 2 {
		t.Fatalf("%d runs, want 2", len(imported))
	}
	var last data.Run
	for _, r := range imported {
		if r.Source != data.RunSourceWARC || !strings.HasPrefix(r.ArchiveDir, dir) || !strings.HasPrefix(r.Label, demoLabelPrefix) || r.Status != data.RunFinished {
			t.Fatalf("run %+v: want a finished import of WARC files under %s labelled %q", r, dir, demoLabelPrefix)
		}
		if r.SitesDone == 0 {
			t.Fatalf("run %s scored no site", r.ID)
		}
		if !r.Demo {
			t.Errorf("run %s of the demo is not marked as demo data", r.ID)
		}
		if last.ID == "" || r.StartedAt.After(last.StartedAt) {
			last = r
		}
	}
	for _, r := range imported {
		if r.ID != last.ID && time.Since(r.StartedAt) < 27*24*time.Hour {
			t.Errorf("first demo run started %s: not back-dated", r.StartedAt)
		}
	}
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
		}
	}
	if html == 0 {
		t.Fatal("no HTML page imported")
	}
	if files, _ := filepath.Glob(filepath.Join(last.ArchiveDir, "*.warc.gz")); len(files) == 0 {
		t.Fatalf("no WARC file in %s", last.ArchiveDir)
	}

	// The same demo crawled directly scores the same pages the same way.
	direct := datatest.Open(t)
	if _, err := direct.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := loadDemo(ctx, env, direct, reg, opts, "", nil); err != nil {
		t.Fatalf("demo crawled directly: %v", err)
	}
	druns, err := direct.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var dlast data.Run
	for _, r := range druns {
		if full, err := direct.GetRun(ctx, r.ID); err != nil {
			t.Fatal(err)
		} else if full.Source == data.RunSourceWARC || full.Archived() {
			t.Fatalf("--archive=false demo run %s is archived (%+v)", r.ID, full)
		}
		if dlast.ID == "" || r.StartedAt.After(dlast.StartedAt) {
			dlast = r
		}
	}
	if got, want := runPages(t, store, last.ID), runPages(t, direct, dlast.ID); !reflect.DeepEqual(got, want) {
		t.Errorf("pages through the WARC import:\n%s\ncrawled directly:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	got, want := pageFindings(t, store, last.ID), pageFindings(t, direct, dlast.ID)
	if len(want) == 0 {
		t.Fatal("the direct demo crawl found nothing to compare")
	}
	t.Logf("%d HTML pages, %d pages and %d distinct page findings compared", html, len(runPages(t, direct, dlast.ID)), len(want))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("page findings through the WARC import differ from the direct crawl's:\n%v\n%v", got, want)
	}
}
