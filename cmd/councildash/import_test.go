package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/archive"
	"github.com/councildash/councildash/crawler/archive/warciotest"
	"github.com/councildash/councildash/crawler/crawltest"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

// wgetCapture has GNU Wget crawl the loopback web's sites recursively (as
// a researcher would capture them) into a WARC file, through the web's
// listener as an HTTP proxy, and returns the file's path.
func wgetCapture(t *testing.T, web *crawltest.Web, sites []crawler.Site, extra ...string) string {
	t.Helper()
	tools := warciotest.RequireTool(t, "importing a WARC written by GNU Wget", "wget")
	dir := t.TempDir()
	args := []string{"--recursive", "--level=inf", "--no-verbose", "--tries=1", "--timeout=20", "--compression=gzip",
		"--content-on-error", "--warc-file=" + filepath.Join(dir, "capture"), "-P", filepath.Join(dir, "files"),
		"-e", "robots=on", "-e", "use_proxy=yes", "-e", "http_proxy=http://" + web.Addr + "/"}
	for _, s := range sites {
		args = append(args, s.HomeURL)
	}
	args = append(args, extra...)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tools["wget"], args...)
	cmd.Env = append(os.Environ(), "no_proxy=")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	// Exit status 8: some server answered an error (a broken link): expected.
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 8) {
		t.Fatalf("wget: %v\n%s", err, out)
	}
	return filepath.Join(dir, "capture.warc.gz")
}

// registerWith is the register plus the loopback web's councils.
func registerWith(sites []crawler.Site) []data.Council {
	reg := data.EmbeddedRegister()
	for _, s := range sites {
		reg = append(reg, data.Council{Code: s.Council, Name: s.Name, Type: "district", Tier: "district", Nation: "England", HomepageURL: s.HomeURL})
	}
	return reg
}

// pageFindings counts a run's page-level findings by council, page and
// evidence.
func pageFindings(t *testing.T, store *data.Store, runID string) map[string]int {
	t.Helper()
	level := map[string]string{}
	for _, c := range scoring.Catalog() {
		level[c.ID] = c.Level
	}
	return runFindings(t, store, runID, func(f data.Finding) bool { return level[f.CheckID] != scoring.LevelPage })
}

// runPages lists the pages a run stored (completed attempts) as
// "council url status depth".
func runPages(t *testing.T, store *data.Store, runID string) []string {
	t.Helper()
	ctx := context.Background()
	attempts, err := store.FinishedSites(ctx, runID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for c, a := range attempts {
		att, err := store.LoadAttempt(ctx, runID, c, a)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range att.Pages {
			out = append(out, fmt.Sprintf("%s %s %d html=%v", c, p.URL, p.Status, p.IsHTML))
		}
	}
	sort.Strings(out)
	return out
}

// TestImportWgetMatchesCrawl: GNU Wget captures the loopback web into a
// WARC (Debian's wget, an implementation that is not ours); importing it
// scores the same pages, with the same page findings, as a direct crawl of
// that web, and the imported pages point at their records in Wget's file.
// (The site search and the 404 probe are councildash's own requests, which
// Wget does not make: the checks needing them are not applied to the
// import, instead of being judged on what is missing.)
func TestImportWgetMatchesCrawl(t *testing.T) {
	store := datatest.Open(t)
	ctx := context.Background()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	web, err := crawltest.NewWeb(crawltest.Options{Sites: 3, PagesPerSite: 12, Seed: 31})
	if err != nil {
		t.Fatal(err)
	}
	defer web.Close()
	sites := web.Sites
	var sitemaps []string
	for _, s := range sites {
		sitemaps = append(sitemaps, strings.TrimSuffix(s.HomeURL, "/")+"/sitemap.xml")
	}
	warc := wgetCapture(t, web, sites, sitemaps...)

	cfg := testCrawlConfig(web, 100)
	cfg.Delay = 0
	cfg.ExternalLinkSample = 0
	crawled, _, err := runCrawl(ctx, testEnv(t), store, crawlJob{sites: sites, cfg: cfg, label: "direct"})
	if err != nil {
		t.Fatal(err)
	}
	web.Close() // the import reads the file only

	var problems bytes.Buffer
	rep, err := importWARC(ctx, testEnv(t), store, registerWith(sites), importOptions{files: []string{warc}, label: "wget", maxPages: 100, maxDepth: cfg.MaxDepth, parallel: 4}, &problems)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, problems.String())
	}
	if problems.Len() > 0 || rep.Bad != 0 || rep.Councils != len(sites) || len(rep.UnknownHosts) != 0 {
		t.Errorf("import report %+v, problems:\n%s", rep, problems.String())
	}
	run, err := store.GetRun(ctx, rep.Run.ID)
	if err != nil || run.Source != data.RunSourceWARC || run.ArchiveDir != filepath.Dir(warc) || run.Status != data.RunFinished || run.Label != "wget" {
		t.Fatalf("import run %+v (%v)", run, err)
	}

	want, got := runPages(t, store, crawled.ID), runPages(t, store, run.ID)
	if strings.Join(want, "\n") != strings.Join(got, "\n") {
		t.Errorf("pages differ:\ncrawl:\n%s\nimport:\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
	}
	wf, gf := pageFindings(t, store, crawled.ID), pageFindings(t, store, run.ID)
	if len(wf) == 0 || fmt.Sprint(sortedCounts(wf)) != fmt.Sprint(sortedCounts(gf)) {
		t.Errorf("page findings differ (%d kinds in the crawl):\n%s", len(wf), diffCounts(wf, gf))
	}
	// Every imported page points at its record in Wget's file.
	attempts, _ := store.FinishedSites(ctx, run.ID)
	n := 0
	for c, a := range attempts {
		att, err := store.LoadAttempt(ctx, run.ID, c, a)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range att.Pages {
			rec, err := archive.ReadRecordUnder(run.ArchiveDir, p.Archive, archive.Limits{})
			if err != nil || rec.TargetURI != p.FinalURL || rec.WARCVersion != "WARC/1.0" {
				t.Errorf("%s: %+v: %v", p.URL, p.Archive, err)
			}
			n++
		}
		if att.Report.RobotsStatus != 200 || !att.Report.RobotsParsed {
			t.Errorf("%s: robots.txt from the capture: %d parsed %v", c, att.Report.RobotsStatus, att.Report.RobotsParsed)
		}
	}
	t.Logf("%d pages in both; %d kinds of page finding; import: %d records, %d responses, %s", len(want), len(wf), rep.Records, rep.Responses, rep.Elapsed)
}

// TestImportReportsBadRecords: an import of a good capture beside a copy
// with one record's bytes damaged, a copy cut off inside a record, a file
// that is no WARC at all and captures of a host that is no council's
// reports each bad record (file, offset, address, reason) and the unknown
// host, and still imports every good record: the same pages and findings
// as the good capture alone.
func TestImportReportsBadRecords(t *testing.T) {
	store := datatest.Open(t)
	ctx := context.Background()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	other := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html><body><h1>Not a council</h1></body></html>"))
	})
	web, err := crawltest.NewWeb(crawltest.Options{Sites: 1, PagesPerSite: 10, Seed: 32, Handlers: map[string]http.Handler{"www.not-a-council.example": other}})
	if err != nil {
		t.Fatal(err)
	}
	defer web.Close()
	good := wgetCapture(t, web, web.Sites, "http://www.not-a-council.example/")
	web.Close()
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	// The records of the good file, to damage one and cut into another.
	sc, err := archive.OpenScanner(good, archive.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var pages []*archive.Record
	for rec, err := range sc.Records() {
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(rec.TargetURI, "council-000") && rec.StatusCode == 200 && strings.Contains(rec.Header.Get("Content-Type"), "html") {
			pages = append(pages, rec)
		}
	}
	sc.Close()
	if len(pages) < 5 {
		t.Fatalf("only %d pages captured", len(pages))
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	damaged := append([]byte(nil), raw...)
	hit := pages[1].Location
	for i := hit.Offset + hit.Length/2; i < hit.Offset+hit.Length/2+8; i++ {
		damaged[i] ^= 0x5a
	}
	cut := pages[3].Location
	files := []string{write("good.warc.gz", raw), write("damaged.warc.gz", damaged),
		write("cut.warc.gz", raw[:cut.Offset+cut.Length/2]), write("notes.warc", []byte("These are my notes, not a web archive.\n"))}

	reg := registerWith(web.Sites)
	var alone, problems bytes.Buffer
	base, err := importWARC(ctx, testEnv(t), store, reg, importOptions{files: files[:1], label: "good alone", parallel: 2}, &alone)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := importWARC(ctx, testEnv(t), store, reg, importOptions{files: files, label: "with bad files", parallel: 2}, &problems)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, problems.String())
	}
	out := problems.String()
	t.Logf("problems reported:\n%s", out)
	for _, want := range []string{
		fmt.Sprintf("damaged.warc.gz: record %d at offset %d (%s): ", pages[1].Index, hit.Offset, pages[1].TargetURI),
		fmt.Sprintf("cut.warc.gz: record %d at offset %d (%s): truncated record", pages[3].Index, cut.Offset, pages[3].TargetURI),
		"notes.warc: at offset 0: not WARC data",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("problems lack %q", want)
		}
	}
	if rep.Bad != 3 || rep.Files != 4 {
		t.Errorf("report %+v: want 3 bad records in 4 files", rep)
	}
	// The good file and its damaged copy hold that host's page.
	if h := rep.UnknownHosts["not-a-council.example"]; h.Responses != 2 || len(rep.UnknownHosts) != 1 || base.UnknownHosts["not-a-council.example"].Responses != 1 {
		t.Errorf("unknown hosts %v", rep.UnknownHosts)
	}
	if a, b := runPages(t, store, base.Run.ID), runPages(t, store, rep.Run.ID); len(a) < 8 || strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("pages: good alone %d, with the bad files %d:\n%s\n--\n%s", len(a), len(b), strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
	if a, b := pageFindings(t, store, base.Run.ID), pageFindings(t, store, rep.Run.ID); fmt.Sprint(sortedCounts(a)) != fmt.Sprint(sortedCounts(b)) {
		t.Errorf("findings differ:\n%s", diffCounts(a, b))
	}
	// Printed for a person.
	env, stdout, _ := scoreEnv(t, nil)
	printImport(env, rep, false)
	for _, want := range []string{"skipped 1 hosts that are no council's in the register:", "not-a-council.example (2 responses)", "3 bad records", "run " + rep.Run.ID + " finished: 1 councils"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
}

// warcFiles lists the WARC files of an archived run's folder.
func warcFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*"+archive.FileExt))
	if err != nil || len(files) == 0 {
		t.Fatalf("no WARC files in %s (%v)", dir, err)
	}
	return files
}

// withoutCouncil drops the council (the first field) from each line.
func withoutCouncil(lines []string, council string) []string {
	var out []string
	for _, l := range lines {
		if rest, ok := strings.CutPrefix(l, council+" "); ok {
			out = append(out, rest)
		}
	}
	return out
}

// councilFindings counts one council's findings of a run by key, the
// council left out of the key.
func councilFindings(t *testing.T, store *data.Store, runID, council string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for k, n := range runFindings(t, store, runID, func(f data.Finding) bool { return f.Council != council }) {
		out[strings.TrimPrefix(k, council)] += n
	}
	return out
}

// TestImportScoresEveryCouncilOfASharedWebsite: Adur and Worthing share
// one website (www.adur-worthing.gov.uk in the register). A capture of it
// (here the loopback web's generated site served under that name, crawled
// as Adur's) beside a council's own site and a host that is no council's
// imports as three councils: Adur and Worthing each scored from the same
// captures, with the same pages, per-check results and findings (the
// pages and page findings those of the crawl), and only the stranger's
// host reported unknown.
func TestImportScoresEveryCouncilOfASharedWebsite(t *testing.T) {
	store := datatest.Open(t)
	ctx := context.Background()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	const shared, stranger = "www.adur-worthing.gov.uk", "www.not-a-council.example"
	var adur, worthing data.Council
	for _, c := range data.EmbeddedRegister() {
		switch c.Code {
		case "E07000223":
			adur = c
		case "E07000229":
			worthing = c
		}
	}
	if adur.HomepageURL == "" || worthing.HomepageURL != adur.HomepageURL || !strings.Contains(adur.HomepageURL, shared) {
		t.Fatalf("the register no longer has Adur and Worthing at %s: %+v, %+v", shared, adur, worthing)
	}
	gen, err := crawltest.NewWeb(crawltest.Options{Sites: 1, PagesPerSite: 12, Seed: 41})
	if err != nil {
		t.Fatal(err)
	}
	defer gen.Close()
	genHost := strings.TrimSuffix(strings.TrimPrefix(gen.Sites[0].HomeURL, "http://"), "/")
	asShared := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.Clone(r.Context())
		r.Host = genHost
		gen.Handler().ServeHTTP(w, r)
	})
	other := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html><body><h1>Not a council</h1></body></html>"))
	})
	web, err := crawltest.NewWeb(crawltest.Options{Sites: 1, PagesPerSite: 10, Seed: 42,
		Handlers: map[string]http.Handler{shared: asShared, stranger: other}})
	if err != nil {
		t.Fatal(err)
	}
	defer web.Close()
	own := web.Sites[0]
	sites := []crawler.Site{own, {Council: adur.Code, Name: adur.Name, HomeURL: "http://" + shared + "/"},
		{Council: "X-STRANGER", Name: "Stranger", HomeURL: "http://" + stranger + "/"}}
	cfg := testCrawlConfig(web, 15)
	cfg.ExternalLinkSample = 0 // no captures of other hosts (www.gov.uk) than the three
	dir := t.TempDir()
	crawled, _, err := runCrawl(ctx, testEnv(t), store, crawlJob{sites: sites, cfg: cfg, label: "shared site", archiveDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	web.Close()

	var problems bytes.Buffer
	rep, err := importWARC(ctx, testEnv(t), store, registerWith(web.Sites), importOptions{files: warcFiles(t, dir), label: "shared", maxPages: 15, parallel: 2}, &problems)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, problems.String())
	}
	if rep.Councils != 3 || rep.Stats.SitesDone != 3 || len(rep.UnknownHosts) != 1 || rep.UnknownHosts["not-a-council.example"].Responses == 0 {
		t.Errorf("import report: %d councils (%d sites done), unknown hosts %v; want 3 councils and the stranger's host alone unknown",
			rep.Councils, rep.Stats.SitesDone, rep.UnknownHosts)
	}
	pages := runPages(t, store, rep.Run.ID)
	crawlPages := withoutCouncil(runPages(t, store, crawled.ID), adur.Code)
	a, w := withoutCouncil(pages, adur.Code), withoutCouncil(pages, worthing.Code)
	if len(a) < 10 || strings.Join(a, "\n") != strings.Join(w, "\n") || strings.Join(a, "\n") != strings.Join(crawlPages, "\n") {
		t.Errorf("pages of the shared site:\ncrawled as Adur's:\n%s\nimported as Adur's:\n%s\nimported as Worthing's:\n%s",
			strings.Join(crawlPages, "\n"), strings.Join(a, "\n"), strings.Join(w, "\n"))
	}
	if own := withoutCouncil(pages, own.Council); len(own) < 5 {
		t.Errorf("the council's own site imported with %d pages", len(own))
	}
	fa, fw := councilFindings(t, store, rep.Run.ID, adur.Code), councilFindings(t, store, rep.Run.ID, worthing.Code)
	if len(fa) == 0 || fmt.Sprint(sortedCounts(fa)) != fmt.Sprint(sortedCounts(fw)) {
		t.Errorf("findings of Adur and Worthing differ (%d kinds for Adur):\n%s", len(fa), diffCounts(fa, fw))
	}
	level := map[string]string{}
	for _, c := range scoring.Catalog() {
		level[c.ID] = c.Level
	}
	pageOnly := func(runID string) map[string]int {
		out := map[string]int{}
		for k, n := range runFindings(t, store, runID, func(f data.Finding) bool { return f.Council != adur.Code || level[f.CheckID] != scoring.LevelPage }) {
			out[k] += n
		}
		return out
	}
	if wf, gf := pageOnly(crawled.ID), pageOnly(rep.Run.ID); len(wf) == 0 || fmt.Sprint(sortedCounts(wf)) != fmt.Sprint(sortedCounts(gf)) {
		t.Errorf("Adur's page findings: the crawl's and the import's differ:\n%s", diffCounts(wf, gf))
	}
	results := runCheckResults(t, store, rep.Run.ID)
	ra, rw := withoutCouncil(results, adur.Code), withoutCouncil(results, worthing.Code)
	if len(ra) == 0 || strings.Join(ra, "\n") != strings.Join(rw, "\n") {
		t.Errorf("per-check results differ:\nAdur:\n%s\nWorthing:\n%s", strings.Join(ra, "\n"), strings.Join(rw, "\n"))
	}
	env, stdout, _ := scoreEnv(t, nil)
	printImport(env, rep, false)
	for _, want := range []string{"skipped 1 hosts that are no council's in the register:", "not-a-council.example (", ": 3 councils, "} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout.String(), "adur-worthing") {
		t.Errorf("the shared host is reported unknown:\n%s", stdout)
	}
}

// TestImportOfACrawlScoresTheCrawlsPages: importing a crawl's own archive
// scores exactly the pages the crawl scored, with the same page findings,
// though the site links to more pages than the page budget and some of
// its fetches got no answer (links to https:// addresses the site does not
// serve, a dropped connection): the crawl archives those failures and the
// import counts them as the crawl did, instead of spending the budget on
// pages the crawl never reached (bench --only archive scored 37,762 pages
// of the crawl's 40,000 before).
func TestImportOfACrawlScoresTheCrawlsPages(t *testing.T) {
	store := datatest.Open(t)
	ctx := context.Background()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	const mixed = "www.mixed.example"
	web, err := crawltest.NewWeb(crawltest.Options{Sites: 2, PagesPerSite: 30, Seed: 43, Handlers: map[string]http.Handler{mixed: crawltest.MixedSite(80)}})
	if err != nil {
		t.Fatal(err)
	}
	defer web.Close()
	sites := append([]crawler.Site{{Council: "T-MIXED", Name: "Mixed Borough Council", HomeURL: "http://" + mixed + "/"}}, web.Sites...)
	const budget = 20
	cfg := testCrawlConfig(web, budget)
	cfg.Delay = 0
	cfg.ExternalLinkSample = 0
	dir := t.TempDir()
	crawled, stats, err := runCrawl(ctx, testEnv(t), store, crawlJob{sites: sites, cfg: cfg, label: "crawl", archiveDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	web.Close()

	var problems bytes.Buffer
	rep, err := importWARC(ctx, testEnv(t), store, registerWith(sites), importOptions{files: warcFiles(t, dir), label: "import of the crawl", maxPages: budget, maxDepth: cfg.MaxDepth, parallel: 2}, &problems)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, problems.String())
	}
	if problems.Len() > 0 || rep.Councils != len(sites) || len(rep.UnknownHosts) != 0 || rep.Failures == 0 {
		t.Errorf("import report %+v, problems:\n%s", rep, problems.String())
	}
	want, got := runPages(t, store, crawled.ID), runPages(t, store, rep.Run.ID)
	if strings.Join(want, "\n") != strings.Join(got, "\n") || rep.Stats.Pages != stats.Pages {
		t.Errorf("the crawl scored %d pages, the import of its archive %d:\ncrawl:\n%s\nimport:\n%s", stats.Pages, rep.Stats.Pages, strings.Join(want, "\n"), strings.Join(got, "\n"))
	}
	mixedPages, unanswered := 0, 0
	for _, p := range want {
		if strings.HasPrefix(p, "T-MIXED ") {
			mixedPages++
			if strings.Contains(p, " 0 html=false") {
				unanswered++
			}
		}
	}
	if mixedPages != budget || unanswered == 0 {
		t.Errorf("the mixed site's crawl: %d pages (%d without an answer); want the budget of %d spent, some on fetches that got no answer", mixedPages, unanswered, budget)
	}
	if wf, gf := pageFindings(t, store, crawled.ID), pageFindings(t, store, rep.Run.ID); len(wf) == 0 || fmt.Sprint(sortedCounts(wf)) != fmt.Sprint(sortedCounts(gf)) {
		t.Errorf("page findings differ (%d kinds in the crawl):\n%s", len(wf), diffCounts(wf, gf))
	}
	t.Logf("%d pages in both (%d of the mixed site without an answer); %d failed fetches in the archive", len(want), unanswered, rep.Failures)
}
