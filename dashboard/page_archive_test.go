package dashboard_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/archive"
	"github.com/councildash/councildash/crawler/crawltest"
	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

// scriptshire is a council site whose pages carry everything an archived
// page must not run or load when shown again.
const scriptshireHome = `<!DOCTYPE html><html lang="en"><head><title>Scriptshire Council</title>
<script>document.cookie = "stolen"</script><script src="https://tracker.example/t.js"></script>
<meta http-equiv="refresh" content="0; url=https://evil.example/">
<link rel="stylesheet" href="https://cdn.example/site.css">
</head><body onload="alert(1)"><main><h1>Welcome to Scriptshire</h1>
<p>Read <a href="/about">about the council</a>, <a href="/report.bin">the report</a> or <a href="https://evil.example/phish">click here</a>.</p>
<img src="https://cdn.example/logo.png" alt=""><iframe src="https://evil.example/frame"></iframe>
<a href="javascript:alert(2)">Pay council tax</a><form action="https://evil.example/post"><input name="q"></form>
</main></body></html>`

const scriptshireAbout = `<!DOCTYPE html><html lang="en"><head><title>About Scriptshire</title><base href="https://evil.example/"></head><body><main>
<h1>About the council</h1><p>We are <a href="/">Scriptshire Council</a>.</p></main></body></html>`

const scriptshireHost = "www.scriptshire.gov.uk"

func scriptshire() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = io.WriteString(w, scriptshireHome)
		case "/about":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = io.WriteString(w, scriptshireAbout)
		case "/robots.txt":
			_, _ = io.WriteString(w, "User-agent: *\nAllow: /\n")
		case "/report.bin":
			w.Header().Set("Content-Type", "application/octet-stream")
			_, _ = w.Write([]byte{0, 1, 2, 3})
		default:
			http.NotFound(w, r)
		}
	})
}

// archivedFixture crawls the loopback web plus Scriptshire with archiving
// on, scores and stores the run as a crawl does, and serves the dashboard.
func archivedFixture(t *testing.T) (store *data.Store, run data.Run, srv string, councils []data.Council) {
	t.Helper()
	store = datatest.Store(t)
	ctx := context.Background()
	web, err := crawltest.NewWeb(crawltest.Options{Sites: 2, PagesPerSite: 10, Seed: 41, Handlers: map[string]http.Handler{scriptshireHost: scriptshire()}})
	if err != nil {
		t.Fatal(err)
	}
	defer web.Close()
	sites := append(append([]crawler.Site(nil), web.Sites...), crawler.Site{Council: "E99999991", Name: "Scriptshire Council", HomeURL: "http://" + scriptshireHost + "/"})
	method := scoring.CurrentMethod()
	run, err = store.CreateRun(ctx, method.Version, "{}", "archived", len(sites), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "archive")
	aw, err := archive.NewWriter(archive.Options{Dir: dir, RunID: run.ID, Version: "test", MethodVersion: method.Version})
	if err != nil {
		t.Fatal(err)
	}
	if run, err = store.SetRunArchive(ctx, run.ID, dir, data.RunSourceCrawl); err != nil {
		t.Fatal(err)
	}
	w := store.NewWriter(data.WriterOptions{})
	homes := map[string]string{}
	for _, s := range sites {
		homes[s.Council] = s.HomeURL
		councils = append(councils, data.Council{Code: s.Council, Name: s.Name, Type: "District", Tier: "district", Nation: "England", HomepageURL: s.HomeURL})
	}
	sink := &scoringSink{engine: scoring.NewEngine(method), out: data.NewRunSink(w, run.ID, method.Version), homes: homes, sites: map[string]*scoring.SiteAccumulator{},
		pages: map[string]map[string][]scoring.CheckStat{}, broken: map[string][]scoring.BrokenLink{}}
	cfg := crawler.DefaultConfig()
	cfg.Resolve, cfg.Delay, cfg.Parallel, cfg.MaxPages, cfg.Timeout = web.Resolve, 0, 4, 10, 10*time.Second
	cfg.SearchQueries = searchQueries()[:2]
	cfg.Recorder = aw
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	c, err := crawler.New(cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(ctx, sites); err != nil {
		t.Fatal(err)
	}
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := store.SetRunStatus(ctx, run.ID, data.RunFinished, time.Time{}); err != nil {
		t.Fatal(err)
	}
	run, _ = store.GetRun(ctx, run.ID)
	s, err := dashboard.New(dashboard.Deps{Store: store, Councils: councils, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Refresh: -1})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return store, run, hs.URL, councils
}

var archiveLink = regexp.MustCompile(`href="(/archive/[^"/]+/[0-9a-f-]{36})">the page as crawled</a>`)

// TestArchivedPageIsShownSafely: the council page links its evidence to
// the page as crawled, and /archive/RUN/RECORD serves that page with a
// banner saying when and where it was captured, no script, frame, refresh,
// base, event handler or form target left, links to pages of the same
// crawl rewritten to their archived copies and every other URL disabled,
// under its own strict Content-Security-Policy and X-Robots-Tag noindex.
// Bad addresses, records that are gone or damaged, and answers that are no
// web page get plain error pages.
func TestArchivedPageIsShownSafely(t *testing.T) {
	store, run, srv, _ := archivedFixture(t)
	ctx := context.Background()

	cp := get(t, srv, "/councils/E99999991")
	mustStatus(t, cp, http.StatusOK, "/councils/E99999991")
	if !strings.Contains(cp.body, "The pages as crawled; they are kept (WARC)") {
		t.Error("the council page does not say how it was scored")
	}
	m := archiveLink.FindStringSubmatch(cp.body)
	if m == nil {
		t.Fatalf("no evidence links to the page as crawled:\n%.3000s", cp.body)
	}
	home := get(t, srv, m[1])
	mustStatus(t, home, http.StatusOK, m[1])
	if got := home.header.Get("Content-Security-Policy"); got != archive.ReplayCSP {
		t.Errorf("CSP %q, want %q", got, archive.ReplayCSP)
	}
	for k, want := range map[string]string{"X-Robots-Tag": "noindex, nofollow, noarchive", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"} {
		if got := home.header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	body := home.body
	if !strings.Contains(body, "Welcome to Scriptshire") || !strings.Contains(strings.ToLower(body), "archived") {
		t.Errorf("not the archived page with its banner:\n%s", body)
	}
	for _, bad := range []string{"<script", "document.cookie", "onload", "<iframe", "http-equiv", "<base", "javascript:", "tracker.example", "cdn.example", "evil.example/post", `href="https://evil.example/phish"`} {
		if strings.Contains(body, bad) {
			t.Errorf("the archived page still holds %q:\n%s", bad, body)
		}
	}
	about := regexp.MustCompile(`<a href="(/archive/` + regexp.QuoteMeta(run.ID) + `/[0-9a-f-]{36})"[^>]*>about the council</a>`).FindStringSubmatch(body)
	if about == nil {
		t.Fatalf("the link to /about is not rewritten to its archived copy:\n%s", body)
	}
	ab := get(t, srv, about[1])
	mustStatus(t, ab, http.StatusOK, about[1])
	if !strings.Contains(ab.body, "About the council") || strings.Contains(ab.body, "<base") || ab.header.Get("Content-Security-Policy") != archive.ReplayCSP {
		t.Errorf("the archived /about:\n%s", ab.body)
	}

	// Errors.
	for path, want := range map[string]int{
		"/archive/" + run.ID + "/00000000-0000-4000-8000-000000000000": http.StatusNotFound, // no such record
		"/archive/" + run.ID + "/not-a-uuid":                           http.StatusNotFound,
		"/archive/no-such-run/00000000-0000-4000-8000-000000000000":    http.StatusNotFound,
		"/archive/..%2F..%2Fetc/00000000-0000-4000-8000-000000000000":  http.StatusNotFound,
	} {
		p := get(t, srv, path)
		if p.status != want || strings.Contains(p.body, "no rows") || p.header.Get("Content-Security-Policy") == archive.ReplayCSP {
			t.Errorf("GET %s: %d, want %d", path, p.status, want)
		}
	}
	recs, err := store.CouncilRecords(ctx, run.ID, "E99999991")
	if err != nil {
		t.Fatal(err)
	}
	key := func(u string) string {
		id, ok := recs[u]
		if !ok {
			t.Fatalf("no record of %s in %v", u, recs)
		}
		return data.RecordKey(id)
	}
	// An answer that is no web page.
	if p := get(t, srv, "/archive/"+run.ID+"/"+key("http://"+scriptshireHost+"/report.bin")); p.status != http.StatusUnsupportedMediaType || strings.Contains(p.body, "\x00\x01") {
		t.Errorf("binary record: %d", p.status)
	}
	// A record damaged on disk, then a file gone.
	ap, err := store.ArchivedPage(ctx, run.ID, data.RecordURN(key("http://"+scriptshireHost+"/about")))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(ap.Dir, ap.Location.File)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	damaged := append([]byte(nil), raw...)
	for i := ap.Location.Offset + ap.Location.Length/2; i < ap.Location.Offset+ap.Location.Length/2+4; i++ {
		damaged[i] ^= 0xff
	}
	if err := os.WriteFile(path, damaged, 0o644); err != nil {
		t.Fatal(err)
	}
	if p := get(t, srv, about[1]); p.status != http.StatusUnprocessableEntity || strings.Contains(p.body, "gzip") {
		t.Errorf("damaged record: %d\n%.500s", p.status, p.body)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if p := get(t, srv, about[1]); p.status != http.StatusNotFound {
		t.Errorf("file gone: %d", p.status)
	}
}

// TestRecordKey: only UUID record ids make addresses.
func TestRecordKey(t *testing.T) {
	for id, want := range map[string]string{
		"urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e":   "0f8fad5b-d9cb-469f-a165-70867728950e",
		"urn:uuid:0F8FAD5B-D9CB-469F-A165-70867728950E":   "0f8fad5b-d9cb-469f-a165-70867728950e",
		"<urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e>": "",
		"urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950":    "",
		"urn:uuid:0f8fad5b/d9cb-469f-a165-70867728950e":   "",
		"urn:sha1:ABCDEF": "",
		"":                "",
	} {
		if got := data.RecordKey(id); got != want {
			t.Errorf("RecordKey(%q) = %q, want %q", id, got, want)
		}
	}
}
