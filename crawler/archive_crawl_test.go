package crawler_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/archive"
	"github.com/councildash/councildash/crawler/archive/warciotest"
	"github.com/councildash/councildash/crawler/crawltest"
)

// served is one answer the loopback web gave, as it went over the wire.
type served struct {
	method, url string
	status      int
	sha256      string
	bytes       int64
	whole       bool // the client read it to its end
}

// wireLog sits between the crawler and the loopback web and notes every
// answer, hashing the body bytes as they are forwarded (still gzipped when
// the server gzipped them).
type wireLog struct {
	mu  sync.Mutex
	got []*served
}

type hashBody struct {
	io.ReadCloser
	h   hash.Hash
	rec *served
	log *wireLog
}

func (b *hashBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.h.Write(p[:n])
	b.log.mu.Lock()
	b.rec.bytes += int64(n)
	if err == io.EOF {
		b.rec.whole = true
	}
	b.rec.sha256 = hex.EncodeToString(b.h.Sum(nil))
	b.log.mu.Unlock()
	return n, err
}

func (l *wireLog) proxy(t *testing.T, web *crawltest.Web) *httptest.Server {
	target, _ := url.Parse("http://" + web.Addr)
	rp := httputil.NewSingleHostReverseProxy(target)
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.DisableCompression = true // pass gzip through as it is
	rp.Transport = base
	director := rp.Director
	rp.Director = func(r *http.Request) {
		host := r.Host
		director(r)
		r.Host = host // the loopback web serves sites by Host
	}
	rp.ModifyResponse = func(res *http.Response) error {
		rec := &served{method: res.Request.Method, url: "http://" + res.Request.Host + res.Request.URL.RequestURI(), status: res.StatusCode}
		l.mu.Lock()
		l.got = append(l.got, rec)
		l.mu.Unlock()
		res.Body = &hashBody{ReadCloser: res.Body, h: sha256.New(), rec: rec, log: l}
		return nil
	}
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	return srv
}

// TestCrawlArchivesEverything: a crawl of the loopback web (generated
// sites, a redirect chain, a page over the size cap) with archiving on
// writes WARC files that Webrecorder's warcio reads, holding one response
// and one request record per answer the web gave (pages, robots.txt,
// sitemaps, the probes, site searches, link checks), each response's
// payload byte for byte what went over the wire (its SHA-256 and
// WARC-Payload-Digest), the page cut at the cap marked truncated; files
// rotate at the size limit; every page, link check and 404 probe points at
// its own record, where ReadRecord finds it.
func TestCrawlArchivesEverything(t *testing.T) {
	web, err := crawltest.NewWeb(crawltest.Options{Sites: 3, PagesPerSite: 12, Seed: 5,
		Hostile: []string{crawltest.KindRedirectChain, crawltest.KindHugeBody}})
	if err != nil {
		t.Fatal(err)
	}
	defer web.Close()
	var wire wireLog
	srv := wire.proxy(t, web)
	cfg := testConfig(web)
	cfg.Resolve = map[string]string{"*": strings.TrimPrefix(srv.URL, "http://")}
	cfg.MaxBody = 256 << 10
	cfg.MaxPages = 20
	dir := t.TempDir()
	w, err := archive.NewWriter(archive.Options{Dir: dir, RunID: "test-run", Version: "test", MethodVersion: "m1", UserAgent: cfg.UserAgent, MaxFileSize: 32 << 10})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Recorder = w
	sink, st := run(t, cfg, web.Sites)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files := w.Files()
	if len(files) < 3 {
		t.Fatalf("files %v: want rotation at 32 KiB", files)
	}
	var paths []string
	for _, f := range files {
		paths = append(paths, filepath.Join(dir, f))
	}
	recs := warciotest.Read(t, paths...)

	wire.mu.Lock()
	defer wire.mu.Unlock()
	count := map[string]int{}
	byID := map[string]warciotest.Record{}
	responses := map[string][]warciotest.Record{} // by URL
	for _, r := range recs {
		count[r.Type]++
		byID[strings.Trim(r.ID, "<>")] = r
		if r.Type == "response" {
			responses[r.URI] = append(responses[r.URI], r)
		}
		if r.BlockDigest != "sha256:"+r.BlockSHA256 {
			t.Errorf("%s %s: WARC-Block-Digest %s, warcio computes %s", r.Type, r.URI, r.BlockDigest, r.BlockSHA256)
		}
	}
	for _, r := range recs {
		if info, ok := byID[strings.Trim(r.WarcinfoID, "<>")]; r.Type != "warcinfo" && (!ok || info.Type != "warcinfo") {
			t.Errorf("%s %s names warcinfo %q, which is no warcinfo record of the run", r.Type, r.URI, r.WarcinfoID)
		}
	}
	if count["warcinfo"] != len(files) || count["response"] != len(wire.got) || count["request"] != len(wire.got) {
		t.Fatalf("warcio counts %v in %d files; the web gave %d answers", count, len(files), len(wire.got))
	}
	if ws := w.Stats(); ws.Fetches != int64(len(wire.got)) {
		t.Errorf("writer counted %d fetches, the web gave %d answers", ws.Fetches, len(wire.got))
	}
	// Each answer is in the archive as it went over the wire.
	truncated := 0
	for _, s := range wire.got {
		cands := responses[s.url]
		found := false
		for _, r := range cands {
			if r.Status != s.status {
				continue
			}
			rec, err := archive.ReadRecord(dir, archive.Location{File: filepath.Base(r.File), Offset: r.Offset, Length: r.Length}, archive.Limits{})
			if err != nil {
				t.Fatalf("%s: ReadRecord at warcio's offset: %v", s.url, err)
			}
			if rec.Truncated != "" {
				if s.whole {
					continue
				}
				found = true // cut short: compared below by prefix length
				truncated++
				break
			}
			if r.SHA256 == s.sha256 && r.Bytes == s.bytes && r.PayloadDigest == "sha256:"+r.SHA256 {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s %s (%d, %d bytes, sha256 %s): no response record holds it", s.method, s.url, s.status, s.bytes, s.sha256)
		}
	}
	t.Logf("%d answers, %d files, warcio counts %v, %d truncated, %d pages, %d link checks", len(wire.got), len(files), count, truncated, len(sink.pages), len(sink.links))
	if truncated == 0 {
		t.Error("the page over the size cap should be archived truncated")
	}
	// Every page, link check and 404 probe points at its own record.
	pages := 0
	for _, p := range sink.pages {
		if p.Status == 0 {
			if !p.Archive.IsZero() {
				t.Errorf("%s: no answer, yet archived at %+v", p.URL, p.Archive)
			}
			continue
		}
		pages++
		r, ok := byID[p.Archive.RecordID]
		if !ok || r.Type != "response" || r.URI != p.FinalURL || r.Status != p.Status {
			t.Errorf("%s: Archive %+v is warcio's %+v", p.URL, p.Archive, r)
			continue
		}
		if filepath.Base(r.File) != p.Archive.File || r.Offset != p.Archive.Offset || r.Length != p.Archive.Length {
			t.Errorf("%s: Location %+v, warcio finds %s:%d+%d", p.URL, p.Archive, r.File, r.Offset, r.Length)
		}
		if p.IsHTML {
			rec, err := archive.ReadRecord(dir, p.Archive, archive.Limits{})
			if err != nil {
				t.Errorf("%s: %v", p.URL, err)
				continue
			}
			if body, ok := crawler.PageBody(rec.Body, p.ContentType, 0); !ok || string(body) != string(p.Body) {
				t.Errorf("%s: the archived body is not the body the sink got (%d vs %d bytes)", p.URL, len(body), len(p.Body))
			}
			if rec.Purpose != archive.PurposePage {
				t.Errorf("%s: purpose %q", p.URL, rec.Purpose)
			}
		}
	}
	if pages < 30 || int64(len(sink.pages)) != st.Pages {
		t.Errorf("%d pages answered of %d delivered (stats %d)", pages, len(sink.pages), st.Pages)
	}
	checked := 0
	for _, l := range sink.links {
		if l.Archive.IsZero() {
			continue
		}
		checked++
		r, ok := byID[l.Archive.RecordID]
		if !ok || r.URI != l.ToURL && !strings.HasPrefix(r.URI, "http") {
			t.Errorf("link check %s: Archive %+v is warcio's %+v", l.ToURL, l.Archive, r)
		}
	}
	if checked == 0 {
		t.Error("no link check made its own request")
	}
	for code, rep := range sink.reports {
		if rep.NotFoundStatus == 0 || strings.HasPrefix(code, "H-") {
			continue
		}
		r, ok := byID[rep.NotFoundArchive.RecordID]
		if !ok || r.URI != rep.NotFoundURL || r.Status != rep.NotFoundStatus {
			t.Errorf("%s: 404 probe %s archived as %+v", code, rep.NotFoundURL, r)
		}
		rec, err := archive.ReadRecord(dir, rep.NotFoundArchive, archive.Limits{})
		if err != nil || rec.Purpose != archive.PurposeNotFound {
			t.Errorf("%s: 404 probe record: %v (purpose %q)", code, err, rec.Purpose)
		}
	}
}

// failAfter is a Recorder that fails for good after n fetches, as a full
// disk does.
type failAfter struct {
	mu sync.Mutex
	w  *archive.Writer
	n  int
}

func (f *failAfter) RecordFetch(ctx context.Context, fe archive.Fetch) (archive.Location, error) {
	f.mu.Lock()
	f.n--
	left := f.n
	f.mu.Unlock()
	if left < 0 {
		return archive.Location{}, errors.Join(archive.ErrWrite, errors.New("no space left on device (simulated)"))
	}
	return f.w.RecordFetch(ctx, fe)
}

func (f *failAfter) RecordMetadata(ctx context.Context, m archive.Metadata) (archive.Location, error) {
	return f.w.RecordMetadata(ctx, m)
}

// TestArchiveFailureStopsTheRun: when the archive cannot be written any
// more the run stops with that error, sites not finished are reported
// interrupted, and no page delivered points at a record that was not
// written.
func TestArchiveFailureStopsTheRun(t *testing.T) {
	web, err := crawltest.NewWeb(crawltest.Options{Sites: 6, PagesPerSite: 20, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	defer web.Close()
	dir := t.TempDir()
	w, err := archive.NewWriter(archive.Options{Dir: dir, RunID: "full-disk"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(web)
	cfg.Parallel = 3
	cfg.Recorder = &failAfter{w: w, n: 40}
	sink := newRecSink()
	c, err := crawler.New(cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Run(context.Background(), web.Sites)
	if !errors.Is(err, archive.ErrWrite) {
		t.Fatalf("Run: %v, want the archive's error", err)
	}
	// Sites not started yet are not started at all (as on Ctrl-C).
	if st.SitesInterrupted == 0 || st.SitesDone == len(web.Sites) {
		t.Errorf("stats %+v: want the sites under way interrupted", st)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range sink.pages {
		if p.Status == 0 {
			continue
		}
		if p.Archive.IsZero() {
			t.Errorf("%s was delivered without its record", p.URL)
			continue
		}
		if _, err := archive.ReadRecord(dir, p.Archive, archive.Limits{}); err != nil {
			t.Errorf("%s points at a record that cannot be read: %v", p.URL, err)
		}
	}
	for code, r := range sink.reports {
		if !r.Interrupted && r.PagesFetched == 0 {
			t.Errorf("%s: finished with no pages", code)
		}
	}
}

// TestCrawlOfArchiveMatchesTheCrawl: a crawl of its own archive (as
// `import --warc` makes it) delivers exactly the pages and link checks the
// archived crawl delivered, in the same order, fetches that got no answer
// included (with their error class and error): they are archived as
// metadata records and replayed, so the page budget is spent on the same
// pages though the site links to more pages than the budget.
func TestCrawlOfArchiveMatchesTheCrawl(t *testing.T) {
	const host = "www.mixed.example"
	web, err := crawltest.NewWeb(crawltest.Options{Sites: 2, PagesPerSite: 10, Seed: 12, Handlers: map[string]http.Handler{host: crawltest.MixedSite(60)}})
	if err != nil {
		t.Fatal(err)
	}
	defer web.Close()
	sites := append([]crawler.Site{{Council: "MIXED", Name: "Mixed", HomeURL: "http://" + host + "/"}}, web.Sites...)
	cfg := testConfig(web)
	cfg.MaxPages = 15
	cfg.MaxLinkChecks = 20
	dir := t.TempDir()
	w, err := archive.NewWriter(archive.Options{Dir: dir, RunID: "mixed"})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Recorder = w
	crawled, _ := run(t, cfg, sites)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	web.Close() // the second crawl reads the files only

	src := crawler.NewArchiveSource(dir, archive.Limits{MaxBodyBytes: cfg.MaxBody + 1}, 0)
	for _, f := range w.Files() {
		sc, err := archive.OpenScanner(filepath.Join(dir, f), archive.Limits{MaxBodyBytes: 1})
		if err != nil {
			t.Fatal(err)
		}
		sc.IncludeFailures()
		for rec, err := range sc.Records() {
			if err != nil {
				t.Fatal(err)
			}
			if err := src.Add(f, rec); err != nil {
				t.Fatal(err)
			}
		}
		sc.Close()
	}
	replay := testConfig(web)
	replay.MaxPages, replay.MaxLinkChecks = cfg.MaxPages, cfg.MaxLinkChecks
	replay.Source = src
	replayed, _ := run(t, replay, sites)

	pageLines := func(s *recSink, council string) []string {
		var out []string
		for _, p := range s.pagesOf(council) {
			out = append(out, fmt.Sprintf("%s -> %s %d %q %q depth %d", p.URL, p.FinalURL, p.Status, p.ErrorClass, p.Err, p.Depth))
		}
		return out
	}
	linkLines := func(s *recSink, council string) []string {
		var out []string
		for _, l := range s.linksOf(council) {
			out = append(out, fmt.Sprintf("%s -> %s %s %d %q", l.FromURL, l.ToURL, l.Method, l.Status, l.ErrorClass))
		}
		return out
	}
	failed := map[string]int{}
	for _, s := range sites {
		want, got := pageLines(crawled, s.Council), pageLines(replayed, s.Council)
		if strings.Join(want, "\n") != strings.Join(got, "\n") {
			t.Errorf("%s: pages differ:\ncrawl:\n%s\ncrawl of its archive:\n%s", s.Council, strings.Join(want, "\n"), strings.Join(got, "\n"))
		}
		if want, got := linkLines(crawled, s.Council), linkLines(replayed, s.Council); strings.Join(want, "\n") != strings.Join(got, "\n") {
			t.Errorf("%s: link checks differ:\ncrawl:\n%s\ncrawl of its archive:\n%s", s.Council, strings.Join(want, "\n"), strings.Join(got, "\n"))
		}
		a, b := crawled.reports[s.Council], replayed.reports[s.Council]
		if a == nil || b == nil || a.PagesFetched != b.PagesFetched || a.PagesErrored != b.PagesErrored || a.LinksChecked != b.LinksChecked || a.LinksBroken != b.LinksBroken {
			t.Errorf("%s: reports differ: crawl %+v, crawl of its archive %+v", s.Council, a, b)
		}
	}
	for _, p := range crawled.pagesOf("MIXED") {
		if p.Status == 0 {
			failed[p.ErrorClass]++
			if !p.Archive.IsZero() {
				t.Errorf("%s: no answer, yet archived at %+v", p.URL, p.Archive)
			}
		}
	}
	// The test means something only if the site outgrew the budget and
	// fetches failed in more than one way.
	if r := crawled.reports["MIXED"]; r == nil || r.PagesFetched != cfg.MaxPages || failed[crawler.ErrOther] == 0 || failed[crawler.ErrReset] == 0 {
		t.Errorf("the mixed site's crawl: report %+v, failed fetches by class %v: want the budget spent and failures of two classes", r, failed)
	}
	t.Logf("%d pages, %d link checks; failed fetches by class %v; %d failures in the archive", len(crawled.pages), len(crawled.links), failed, src.Failures())
}
