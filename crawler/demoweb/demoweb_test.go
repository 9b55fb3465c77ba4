package demoweb

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// client dials the web's listener whatever the host, like Config.Resolve.
func client(w *Web) *http.Client {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, _ := net.SplitHostPort(addr)
			to, ok := w.Resolve[host]
			if !ok {
				to = w.Resolve["*"]
			}
			return (&net.Dialer{}).DialContext(ctx, network, to)
		},
		DisableCompression: true,
	}
	return &http.Client{Transport: tr, Timeout: time.Minute} // a safety net, not a speed test
}

func get(t *testing.T, c *http.Client, url string) (int, http.Header, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" || resp.Header.Get("Content-Type") == "application/gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func TestWebIsDeterministicAndComplete(t *testing.T) {
	mk := func() (*Web, *http.Client) {
		w, err := NewWeb(Options{Sites: 3, PagesPerSite: 30, Seed: 42})
		if err != nil {
			t.Fatal(err)
		}
		return w, client(w)
	}
	w1, c1 := mk()
	defer w1.Close()
	defer c1.CloseIdleConnections()
	w2, c2 := mk()
	defer w2.Close()
	defer c2.CloseIdleConnections()
	if len(w1.Sites) != 3 || w1.Sites[0].HomeURL != "http://www.council-000.gov.uk/" {
		t.Fatalf("sites %+v", w1.Sites)
	}
	for _, p := range []string{"/", "/page/7", "/a-z", "/search?q=council+tax", "/sitemap.xml"} {
		_, _, a := get(t, c1, w1.Sites[1].HomeURL+strings.TrimPrefix(p, "/"))
		_, _, b := get(t, c2, w2.Sites[1].HomeURL+strings.TrimPrefix(p, "/"))
		if a != b || len(a) < 100 {
			t.Errorf("%s differs between identical webs or is empty", p)
		}
	}
	home := w1.Sites[0].HomeURL
	st, _, body := get(t, c1, home+"search?q=council+tax")
	if st != 200 || !strings.Contains(body, `<a href="/council-tax/pay">Pay your council tax</a>`) {
		t.Errorf("search: %d %s", st, body)
	}
	st, _, body = get(t, c1, home+"a-z")
	if st != 200 || strings.Count(body, `href="/page/`) != 30-len(fixedPages) {
		t.Errorf("A to Z lists %d pages", strings.Count(body, `href="/page/`))
	}
	if st, _, _ := get(t, c1, home+"page/999"); st != 404 {
		t.Errorf("missing page status %d", st)
	}
	st, h, _ := get(t, c1, home+"documents/report-1.pdf")
	if st != 200 || h.Get("Content-Type") != "application/pdf" {
		t.Errorf("pdf %d %v", st, h)
	}
	// Bare domain redirects to www.
	resp, err := (&http.Client{Transport: c1.Transport, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get("http://council-000.gov.uk/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 301 || resp.Header.Get("Location") != home {
		t.Errorf("bare domain: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Sitemap variants: 0 index, 1 plain urlset, 2 gzip file listed in robots.
	_, _, idx := get(t, c1, w1.Sites[0].HomeURL+"sitemap.xml")
	_, _, plain := get(t, c1, w1.Sites[1].HomeURL+"sitemap.xml")
	_, _, robots := get(t, c1, w1.Sites[2].HomeURL+"robots.txt")
	_, _, gz := get(t, c1, w1.Sites[2].HomeURL+"sitemap.xml.gz")
	if !strings.Contains(idx, "<sitemapindex") || strings.Count(plain, "<loc>") != 30 ||
		!strings.Contains(robots, "sitemap.xml.gz") || strings.Count(gz, "<loc>") != 30 {
		t.Errorf("sitemaps: index=%v plain=%d robots=%q gz=%d", strings.Contains(idx, "<sitemapindex"), strings.Count(plain, "<loc>"), robots, strings.Count(gz, "<loc>"))
	}
}

// requireSharedPages is crawltest.RequireSharedPages (which this package
// cannot import: crawltest wraps it).
func requireSharedPages(t *testing.T) string {
	t.Helper()
	dir := SharedPagesDir()
	if dir == "" {
		msg := "real council pages not found: set COUNCILDASH_SHARED, or keep the project beside ../shared"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dir
}

func TestSharedPagesHome(t *testing.T) {
	dir := requireSharedPages(t)
	pages, err := LoadSharedPages(dir)
	if err != nil || len(pages) < 100 {
		t.Fatalf("%d pages: %v", len(pages), err)
	}
	w, err := NewWeb(Options{Sites: 2, SharedDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	c := client(w)
	defer c.CloseIdleConnections()
	_, _, body := get(t, c, w.Sites[0].HomeURL)
	if !strings.Contains(body, "cd-site-header") || len(body) < 2000 || w.Sites[0].Council != pages[0].Council {
		t.Errorf("home is not the real page with the injected header (%d bytes)", len(body))
	}
}

func TestInjectAfterBody(t *testing.T) {
	got := string(injectAfterBody([]byte(`<html><BODY class="x"><p>a</p></body>`), []byte("<nav>")))
	if got != `<html><BODY class="x"><nav><p>a</p></body>` {
		t.Errorf("got %q", got)
	}
	if got := string(injectAfterBody([]byte("<p>no body"), []byte("<nav>"))); got != "<nav><p>no body" {
		t.Errorf("got %q", got)
	}
}

// TestManySitesAreCheap: a web of 400 sites x 100 pages generates its pages
// on demand, so building it costs a few kilobytes per site, not 40,000
// stored pages; and its last site answers its last page and nothing beyond.
func TestManySitesAreCheap(t *testing.T) {
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	w, err := NewWeb(Options{Sites: 400, PagesPerSite: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	grown := int64(heap()) - int64(before)
	// 40,000 pages of a few KB each would be over 100 MB; the sites
	// themselves are a few hundred bytes each.
	const limit = 4 << 20
	if grown > limit {
		t.Errorf("building 400 sites x 100 pages grew the heap by %d bytes (limit %d): are pages stored?", grown, limit)
	}
	c := client(w)
	defer c.CloseIdleConnections()
	if len(w.Sites) != 400 {
		t.Fatalf("%d sites", len(w.Sites))
	}
	// 100 pages: the home page, 5 fixed pages and /page/1 to /page/94.
	for _, i := range []int{398, 399} {
		st, _, body := get(t, c, w.Sites[i].HomeURL+"page/94")
		if st != 200 || !strings.Contains(body, "<h1>") || strings.Contains(body, "Page not found") {
			t.Errorf("site %d, last page: %d", i, st)
		}
	}
	// Beyond the last page: a 404, or on every fifth site (index 4, 9, ...)
	// a soft 404: status 200 with a "Page not found" page.
	if st, _, body := get(t, c, w.Sites[398].HomeURL+"page/95"); st != 404 || !strings.Contains(body, "Page not found") {
		t.Errorf("site 398, page 95: %d", st)
	}
	if st, _, body := get(t, c, w.Sites[399].HomeURL+"page/95"); st != 200 || !strings.Contains(body, "<h1>Page not found</h1>") {
		t.Errorf("site 399 (soft 404), page 95: %d", st)
	}
}

func TestBareCollyCrawl(t *testing.T) {
	w, err := NewWeb(Options{Sites: 3, PagesPerSite: 15})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	pages, n, err := BareCollyCrawl(context.Background(), w.Sites, w.Resolve, 4)
	if err != nil {
		t.Fatal(err)
	}
	// Every page of every site (plus a few broken-link 404s and PDFs).
	if pages < 3*15 || n <= 0 {
		t.Errorf("pages %d bytes %d", pages, n)
	}
}

func TestHostileKindsBuild(t *testing.T) {
	w, err := NewWeb(Options{Hostile: HostileKinds()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if len(w.Sites) != len(HostileKinds()) || len(w.HostileSites) != len(HostileKinds()) {
		t.Errorf("%d hostile sites", len(w.Sites))
	}
	if _, err := NewWeb(Options{Hostile: []string{"nope"}}); err == nil {
		t.Error("unknown kind accepted")
	}
	c := client(w)
	defer c.CloseIdleConnections()
	_, _, robots := get(t, c, "http://"+HostileHost(KindRobotsHuge)+"/robots.txt")
	if len(robots) != 10<<20 {
		t.Errorf("huge robots is %d bytes", len(robots))
	}
	_, _, bomb := get(t, c, "http://"+HostileHost(KindGzipBomb)+"/")
	if len(bomb) != 64<<20 || bytes.Count([]byte(bomb), []byte(" ")) != len(bomb) {
		t.Errorf("bomb inflates to %d bytes", len(bomb))
	}
}

func TestListenAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	w, err := NewWeb(Options{Sites: 1, Listen: addr})
	if err != nil {
		t.Skipf("port reuse race: %v", err)
	}
	defer w.Close()
	if w.Resolve["*"] != addr {
		t.Errorf("resolve %q, want %q", w.Resolve["*"], addr)
	}
}

// TestSharedDirFromGitOrigin: a clone made elsewhere finds ../shared beside
// the checkout its origin names, read from the git config file (a plain
// clone's and a worktree's).
func TestSharedDirFromGitOrigin(t *testing.T) {
	tmp := t.TempDir()
	origin := filepath.Join(tmp, "project", "main")
	shared := filepath.Join(tmp, "project", "shared")
	for _, d := range []string{origin, shared} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A plain clone elsewhere.
	clone := filepath.Join(tmp, "elsewhere", "clone")
	write(filepath.Join(clone, ".git", "config"), "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = /nowhere\n[remote \"origin\"]\n\turl = "+origin+"\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n")
	if got := sharedDirFrom("", clone); got != shared {
		t.Errorf("clone: %q, want %q", got, shared)
	}
	// A worktree of that clone: .git is a file, the config is in commondir.
	wt := filepath.Join(tmp, "other", "wt")
	write(filepath.Join(wt, ".git"), "gitdir: "+filepath.Join(clone, ".git", "worktrees", "wt")+"\n")
	write(filepath.Join(clone, ".git", "worktrees", "wt", "commondir"), "../..\n")
	if got := sharedDirFrom("", wt); got != shared {
		t.Errorf("worktree: %q, want %q", got, shared)
	}
	// No origin, or a remote URL: nothing.
	bare := filepath.Join(tmp, "x", "none")
	write(filepath.Join(bare, ".git", "config"), "[remote \"origin\"]\n\turl = https://example.org/repo.git\n")
	if got := sharedDirFrom("", bare); got != "" {
		t.Errorf("remote origin: %q", got)
	}
	if got := sharedDirFrom("", filepath.Join(tmp, "x")); got != "" {
		t.Errorf("no git: %q", got)
	}
	// The environment wins.
	if got := sharedDirFrom(shared, bare); got != shared {
		t.Errorf("env: %q", got)
	}
}
