package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/net/html"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/archive"
	"github.com/councildash/councildash/crawler/crawltest"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

// archivedCrawl crawls a small loopback web with archiving on, into dir.
func archivedCrawl(t *testing.T, store *data.Store, web *crawltest.Web, dir string) data.Run {
	t.Helper()
	run, _, err := runCrawl(context.Background(), testEnv(t), store, crawlJob{sites: web.Sites, cfg: testCrawlConfig(web, 15),
		label: "archived", archiveDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// findingKey names a finding by everything but its method and time.
func findingKey(f data.Finding) string {
	return strings.Join([]string{f.Council, f.URL, f.CheckID, f.Severity, f.Selector, f.Snippet, strings.Join(f.Matched, "|"), f.Message, f.Task}, "\x00")
}

// runFindings counts a run's findings (of its completed attempts) by key.
func runFindings(t *testing.T, store *data.Store, runID string, skip func(data.Finding) bool) map[string]int {
	t.Helper()
	out := map[string]int{}
	err := store.StreamFindings(context.Background(), data.FindingFilter{RunID: runID}, func(f data.Finding) error {
		if skip == nil || !skip(f) {
			out[findingKey(f)]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCrawlStoresArchiveLocations: a crawl with archiving on records its
// folder with the run, and every page that got an answer points at the
// record of that answer: ReadRecord finds it by file, offset and length
// alone, for the URL the page ended at, with the payload digest stored.
func TestCrawlStoresArchiveLocations(t *testing.T) {
	store := datatest.Open(t)
	ctx := context.Background()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	web, err := crawltest.NewWeb(crawltest.Options{Sites: 3, PagesPerSite: 12, Seed: 21})
	if err != nil {
		t.Fatal(err)
	}
	defer web.Close()
	dir := filepath.Join(t.TempDir(), "archive")
	run := archivedCrawl(t, store, web, dir)
	got, err := store.GetRun(ctx, run.ID)
	if err != nil || got.ArchiveDir != dir || got.Source != data.RunSourceCrawl || got.Status != data.RunFinished {
		t.Fatalf("run %+v (%v): want archive folder %s", got, err, dir)
	}
	files, err := archive.RunFiles(dir, run.ID)
	if err != nil || len(files) != 1 || !strings.HasSuffix(files[0], "-all-00001.warc.gz") {
		t.Fatalf("run files %v (%v)", files, err)
	}
	attempts, err := store.FinishedSites(ctx, run.ID)
	if err != nil || len(attempts) != len(web.Sites) {
		t.Fatalf("finished sites %v (%v)", attempts, err)
	}
	pages := 0
	for council, attempt := range attempts {
		att, err := store.LoadAttempt(ctx, run.ID, council, attempt)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range att.Pages {
			if p.Status == 0 {
				continue
			}
			pages++
			rec, err := archive.ReadRecordUnder(dir, p.Archive, archive.Limits{})
			if err != nil {
				t.Errorf("%s: %v", p.URL, err)
				continue
			}
			if rec.TargetURI != p.FinalURL || rec.StatusCode != p.Status || rec.PayloadDigest != p.Archive.PayloadDigest || rec.Purpose != archive.PurposePage {
				t.Errorf("%s: record %s %d %s (%s), page %s %d %s", p.URL, rec.TargetURI, rec.StatusCode, rec.PayloadDigest, rec.Purpose, p.FinalURL, p.Status, p.Archive.PayloadDigest)
			}
		}
		if att.Report.NotFoundStatus != 0 {
			rec, err := archive.ReadRecordUnder(dir, att.Report.NotFoundArchive, archive.Limits{})
			if err != nil || rec.TargetURI != att.Report.NotFoundURL {
				t.Errorf("%s: 404 probe record: %v", council, err)
			}
		}
	}
	if pages < 30 {
		t.Errorf("only %d pages with answers", pages)
	}
}

// testOnlyCheck is a check no method has: one finding per <h2>. It stands
// for a check added to the method after a run was crawled.
func testOnlyCheck() scoring.PageCheck {
	return scoring.PageCheck{
		Check: scoring.Check{ID: "test-every-h2", Category: scoring.CatContent, Description: "test only: every second-level heading"},
		Run: func(doc *html.Node, _ scoring.PageInput) []scoring.Finding {
			var out []scoring.Finding
			var walk func(n *html.Node)
			walk = func(n *html.Node) {
				if n.Type == html.ElementNode && n.Data == "h2" {
					text := ""
					if n.FirstChild != nil && n.FirstChild.Type == html.TextNode {
						text = n.FirstChild.Data
					}
					out = append(out, scoring.Finding{Severity: scoring.SevInfo, Snippet: text, Message: "a second-level heading"})
				}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
			}
			walk(doc)
			return out
		},
	}
}

// TestRescoreFromArchiveRunsNewChecks: `score --run` on an archived run
// reads every page back from the archive and runs every check of the method
// it is given: a check the run was never crawled with finds its findings in
// the old run, every finding of the crawl's checks comes out again exactly
// (the re-parse loses nothing), the new attempt replaces the crawl's on the
// read side, and the run says it was re-scored from the archive. A run
// crawled without an archive is re-scored from its statistics: the new
// check cannot run, and the run says so.
func TestRescoreFromArchiveRunsNewChecks(t *testing.T) {
	cfg := datatest.Config(t)
	store := datatest.OpenConfig(t, cfg)
	ctx := context.Background()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	web, err := crawltest.NewWeb(crawltest.Options{Sites: 3, PagesPerSite: 12, Seed: 22})
	if err != nil {
		t.Fatal(err)
	}
	archived := archivedCrawl(t, store, web, filepath.Join(t.TempDir(), "archive"))
	plain, _, err := runCrawl(ctx, testEnv(t), store, crawlJob{sites: web.Sites, cfg: testCrawlConfig(web, 15), label: "not archived"})
	if err != nil {
		t.Fatal(err)
	}
	web.Close() // nothing is fetched again
	before := runFindings(t, store, archived.ID, nil)
	if len(before) == 0 {
		t.Fatal("the crawl found nothing")
	}

	m := scoring.CurrentMethod()
	m.Version = "archive-rescore-test"
	e, err := scoring.NewEngine(m).WithChecks(testOnlyCheck())
	if err != nil {
		t.Fatal(err)
	}
	var db dbFlags
	db.addr, db.database, db.user = cfg.Addr, cfg.Database, "default"
	for _, run := range []data.Run{archived, plain} {
		env, out, errb := scoreEnv(t, nil)
		if err := rescoreRunWith(ctx, env, db, run.ID, e); err != nil {
			t.Fatalf("rescore %s: %v (%s)", run.Label, err, errb)
		}
		t.Logf("%s: %s", run.Label, out)
	}

	isNew := func(f data.Finding) bool { return f.CheckID == "test-every-h2" }
	after := runFindings(t, store, archived.ID, isNew)
	newOnes := 0
	_ = store.StreamFindings(ctx, data.FindingFilter{RunID: archived.ID, CheckID: "test-every-h2"}, func(f data.Finding) error {
		newOnes++
		if f.MethodVersion != m.Version || f.Category != scoring.CatContent || !strings.HasPrefix(f.URL, "http") {
			t.Errorf("new check's finding %+v", f)
		}
		return nil
	})
	if newOnes < 10 {
		t.Errorf("the new check found %d headings in the archived run", newOnes)
	}
	if fmt.Sprint(sortedCounts(before)) != fmt.Sprint(sortedCounts(after)) {
		t.Errorf("the crawl's checks found other things when re-run from the archive:\n%s", diffCounts(before, after))
	}
	counts, err := store.CountRun(ctx, archived.ID)
	if err != nil || counts.OverallScores != uint64(2*len(web.Sites)) || counts.DuplicateScores != 0 {
		t.Errorf("overall scores %+v (%v): want one per site and method", counts, err)
	}
	stats, err := store.RunCheckStats(ctx, archived.ID)
	if err != nil {
		t.Fatal(err)
	}
	for c, sts := range stats {
		found := false
		for _, st := range sts {
			found = found || st.CheckID == "test-every-h2" && st.PagesTotal > 0
		}
		if !found {
			t.Errorf("%s: no statistics of the new check", c)
		}
	}
	got, _ := store.GetRun(ctx, archived.ID)
	if got.Rescored != data.RescoredArchive {
		t.Errorf("archived run rescored %q", got.Rescored)
	}

	if n := len(runFindings(t, store, plain.ID, func(f data.Finding) bool { return !isNew(f) })); n != 0 {
		t.Errorf("the run without an archive has %d findings of the new check", n)
	}
	got, _ = store.GetRun(ctx, plain.ID)
	if got.Rescored != data.RescoredStatistics {
		t.Errorf("plain run rescored %q", got.Rescored)
	}
	// Again: nothing to do.
	env, out, _ := scoreEnv(t, nil)
	if err := rescoreRunWith(ctx, env, db, archived.ID, e); err != nil || !strings.Contains(out.String(), "nothing to do") {
		t.Errorf("second re-score: %v %q", err, out)
	}
}

func sortedCounts(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s\x00%d", k, v))
	}
	sort.Strings(out)
	return out
}

func diffCounts(a, b map[string]int) string {
	var lines []string
	for k, v := range a {
		if b[k] != v {
			lines = append(lines, fmt.Sprintf("crawl %d, re-score %d: %q", v, b[k], k))
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			lines = append(lines, fmt.Sprintf("crawl 0, re-score %d: %q", v, k))
		}
	}
	sort.Strings(lines)
	if len(lines) > 20 {
		lines = append(lines[:20], fmt.Sprintf("... %d more", len(lines)-20))
	}
	return strings.Join(lines, "\n")
}

// failingRecorder passes n fetches to the writer and then fails for good,
// as a disk that fills up does.
type failingRecorder struct {
	w    archive.Recorder
	left chan struct{}
}

func newFailingRecorder(w archive.Recorder, n int) *failingRecorder {
	f := &failingRecorder{w: w, left: make(chan struct{}, n)}
	for range n {
		f.left <- struct{}{}
	}
	return f
}

func (f *failingRecorder) RecordFetch(ctx context.Context, fe archive.Fetch) (archive.Location, error) {
	select {
	case <-f.left:
		return f.w.RecordFetch(ctx, fe)
	default:
		return archive.Location{}, fmt.Errorf("%w: write: no space left on device (simulated)", archive.ErrWrite)
	}
}

func (f *failingRecorder) RecordMetadata(ctx context.Context, m archive.Metadata) (archive.Location, error) {
	return f.w.RecordMetadata(ctx, m)
}

// TestCrawlStopsWhenTheArchiveFills: the archive fills up mid-crawl (a
// writer that fails after some records; and, where the test may mount one,
// a real 192 KiB tmpfs): the crawl stops with a clear error, the run is
// marked interrupted, every stored page points at a record that is there,
// and `--resume` completes the run once there is room.
func TestCrawlStopsWhenTheArchiveFills(t *testing.T) {
	store := datatest.Open(t)
	ctx := context.Background()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	web, err := crawltest.NewWeb(crawltest.Options{Sites: 6, PagesPerSite: 14, Seed: 23})
	if err != nil {
		t.Fatal(err)
	}
	defer web.Close()

	type disk struct {
		name  string
		dir   string
		wrap  func(archive.Recorder) archive.Recorder
		grow  func() error
		fresh bool
	}
	disks := []disk{{name: "failing writer", dir: filepath.Join(t.TempDir(), "archive"),
		wrap: func(r archive.Recorder) archive.Recorder { return newFailingRecorder(r, 60) }}}
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=192k"); err == nil {
		t.Cleanup(func() { _ = syscall.Unmount(mnt, syscall.MNT_DETACH) })
		disks = append(disks, disk{name: "full tmpfs", dir: mnt, grow: func() error {
			return syscall.Mount("tmpfs", mnt, "tmpfs", syscall.MS_REMOUNT, "size=64m")
		}})
	} else {
		t.Logf("cannot mount a tmpfs (%v): the full disk is simulated by the failing writer only", err)
	}
	for _, d := range disks {
		t.Run(d.name, func(t *testing.T) {
			job := crawlJob{sites: web.Sites, cfg: testCrawlConfig(web, 14), label: d.name, archiveDir: d.dir, wrapRecorder: d.wrap}
			job.cfg.Delay = 0
			run, _, err := runCrawl(ctx, testEnv(t), store, job)
			if !errors.Is(err, errArchiveStopped) || !errors.Is(err, archive.ErrWrite) || !strings.Contains(err.Error(), "--resume "+run.ID) {
				t.Fatalf("crawl: %v, want the archive's error and the resume command", err)
			}
			got, err := store.GetRun(ctx, run.ID)
			if err != nil || got.Status != data.RunInterrupted {
				t.Fatalf("run %+v (%v): want interrupted", got, err)
			}
			done, _ := store.FinishedSites(ctx, run.ID)
			if len(done) == len(web.Sites) {
				t.Fatalf("every site finished: the archive never filled")
			}
			checkStoredRecords(t, store, got, web.Sites)

			if d.grow != nil {
				if err := d.grow(); err != nil {
					t.Fatal(err)
				}
			}
			job = crawlJob{sites: web.Sites, cfg: testCrawlConfig(web, 14), resume: run.ID, archiveDir: d.dir}
			job.cfg.Delay = 0
			if _, _, err := runCrawl(ctx, testEnv(t), store, job); err != nil {
				t.Fatalf("resume: %v", err)
			}
			got, _ = store.GetRun(ctx, run.ID)
			done, _ = store.FinishedSites(ctx, run.ID)
			if got.Status != data.RunFinished || len(done) != len(web.Sites) {
				t.Fatalf("after resume: %s, %d of %d sites", got.Status, len(done), len(web.Sites))
			}
			checkStoredRecords(t, store, got, web.Sites)
		})
	}
}

// checkStoredRecords: every page row of the run (any attempt) that points
// into the archive points at a record that is there.
func checkStoredRecords(t *testing.T, store *data.Store, run data.Run, sites []crawler.Site) {
	t.Helper()
	ctx := context.Background()
	files, err := archive.RunFiles(run.ArchiveDir, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, ".open") {
			t.Errorf("%s was left unfinished", f)
		}
	}
	n := 0
	for _, site := range sites {
		recs, err := store.CouncilRecords(ctx, run.ID, site.Council)
		if err != nil {
			t.Fatal(err)
		}
		for u, id := range recs {
			p, err := store.ArchivedPage(ctx, run.ID, id)
			if err != nil {
				t.Errorf("%s: %v", u, err)
				continue
			}
			if _, err := archive.ReadRecordUnder(p.Dir, p.Location, archive.Limits{}); err != nil {
				t.Errorf("%s points at %+v, which cannot be read: %v", u, p.Location, err)
			}
			n++
		}
	}
	if n == 0 {
		t.Error("no page points into the archive")
	}
	t.Logf("%d stored pages point at records that are there (%d files)", n, len(files))
}
