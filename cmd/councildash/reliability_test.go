package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/crawltest"
	"github.com/councildash/councildash/dashboard/reviewpages/formclient"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

// privateClickHouse runs a ClickHouse server of the test's own (data in a
// temp dir, free loopback ports) that the test may stop and start again.
type privateClickHouse struct {
	t    *testing.T
	env  []string
	Addr string
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func repoRoot(t *testing.T) string {
	t.Helper()
	wd, _ := os.Getwd()
	for d := wd; d != "/"; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
	}
	t.Fatal("no go.mod above", wd)
	return ""
}

func startPrivateClickHouse(t *testing.T) *privateClickHouse {
	t.Helper()
	tcp, http := freePort(t), freePort(t)
	p := &privateClickHouse{t: t, Addr: fmt.Sprintf("127.0.0.1:%d", tcp), env: append(os.Environ(),
		"COUNCILDASH_CH_DIR="+t.TempDir(), fmt.Sprintf("COUNCILDASH_CH_TCP_PORT=%d", tcp), fmt.Sprintf("COUNCILDASH_CH_HTTP_PORT=%d", http))}
	if err := p.script("ensure"); err != nil {
		msg := fmt.Sprintf("cannot start a private ClickHouse: %v", err)
		if datatest.Required() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Cleanup(func() { _ = p.script("stop") })
	return p
}

func (p *privateClickHouse) script(verb string) error {
	cmd := exec.Command("bash", filepath.Join(repoRoot(p.t), ".ci", "clickhouse.sh"), verb)
	cmd.Env = p.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %v: %s", verb, err, out.String())
	}
	return nil
}

func testEnv(t *testing.T) *Env {
	var buf bytes.Buffer
	return &Env{Stdout: &buf, Stderr: &buf, Getenv: func(string) string { return "" },
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func testCrawlConfig(web *crawltest.Web, pages int) crawler.Config {
	cfg := crawler.DefaultConfig()
	cfg.Resolve = web.Resolve
	cfg.Delay = 30 * time.Millisecond
	cfg.Parallel = 6
	cfg.MaxPages = pages
	cfg.Timeout = 5 * time.Second
	cfg.SearchQueries = searchQueries()[:2]
	cfg.MaxLinkChecks = 10
	return cfg
}

// Kill ClickHouse in the middle of a crawl: the writer keeps the rows and
// retries, the crawl completes when the server is back, and every page
// fetched is stored exactly once.
func TestCrawlSurvivesClickHouseRestart(t *testing.T) {
	ch := startPrivateClickHouse(t)
	ctx := context.Background()
	store, err := data.Open(ctx, data.Config{Addr: ch.Addr, Database: "reliability"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	web, err := crawltest.NewWeb(crawltest.Options{Sites: 12, PagesPerSite: 20, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer web.Close()

	var once sync.Once
	killed := make(chan struct{})
	var crawlerRef *crawler.Crawler
	var mu sync.Mutex
	job := crawlJob{sites: web.Sites, cfg: testCrawlConfig(web, 20), label: "reliability",
		onStart: func(_ data.Run, c *crawler.Crawler) { mu.Lock(); crawlerRef = c; mu.Unlock() }}
	go func() {
		// Stop the server once some pages are in, keep it down for 3s, start it again.
		for {
			time.Sleep(50 * time.Millisecond)
			mu.Lock()
			c := crawlerRef
			mu.Unlock()
			if c != nil && c.Progress().Pages >= 40 {
				break
			}
		}
		once.Do(func() {
			if err := ch.script("stop"); err != nil {
				t.Errorf("stop: %v", err)
			}
			time.Sleep(3 * time.Second)
			if err := ch.script("ensure"); err != nil {
				t.Errorf("restart: %v", err)
			}
			close(killed)
		})
	}()
	run, stats, err := runCrawl(ctx, testEnv(t), store, job)
	if err != nil {
		t.Fatalf("crawl: %v", err)
	}
	select {
	case <-killed:
	case <-time.After(30 * time.Second):
		t.Fatal("the server was never stopped and restarted during the crawl")
	}
	if stats.Pages < 100 {
		t.Fatalf("crawl fetched only %d pages", stats.Pages)
	}
	got, err := store.CountRun(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.SitesDone != len(web.Sites) || got.Pages != uint64(stats.Pages) || got.OverallScores != uint64(len(web.Sites)) || got.DuplicateScores != 0 {
		t.Fatalf("stored %+v; crawled %d sites and %d pages", got, len(web.Sites), stats.Pages)
	}
	r, err := store.GetRun(ctx, run.ID)
	if err != nil || r.Status != data.RunFinished {
		t.Fatalf("run %+v (%v), want finished", r, err)
	}
}

// Ctrl-C during a crawl, then --resume: the union is complete and nothing is
// counted twice.
func TestInterruptThenResume(t *testing.T) {
	store := datatest.Store(t)
	web, err := crawltest.NewWeb(crawltest.Options{Sites: 10, PagesPerSite: 15, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer web.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var c *crawler.Crawler
	go func() {
		for {
			time.Sleep(20 * time.Millisecond)
			mu.Lock()
			cc := c
			mu.Unlock()
			if cc != nil && cc.Progress().SitesDone >= 3 {
				cancel() // Ctrl-C
				return
			}
		}
	}()
	cfg := testCrawlConfig(web, 15)
	cfg.Parallel = 2 // two sites at a time, so the interrupt lands with sites left
	job := crawlJob{sites: web.Sites, cfg: cfg,
		onStart: func(_ data.Run, cr *crawler.Crawler) { mu.Lock(); c = cr; mu.Unlock() }}
	run, first, err := runCrawl(ctx, testEnv(t), store, job)
	if err != context.Canceled {
		t.Fatalf("interrupted crawl returned %v, want context.Canceled", err)
	}
	if first.SitesDone >= len(web.Sites) {
		t.Fatalf("interrupt came too late: all %d sites done", first.SitesDone)
	}
	r, _ := store.GetRun(context.Background(), run.ID)
	if r.Status != data.RunInterrupted {
		t.Fatalf("run status %q, want interrupted", r.Status)
	}
	before, err := store.CountRun(context.Background(), run.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Sites cut off by the interrupt are not finished: only the crawler's
	// finished sites are stored as done, so --resume crawls the others again.
	if before.SitesDone != first.SitesDone {
		t.Fatalf("stored %d finished sites, the crawler finished %d (interrupted %d)", before.SitesDone, first.SitesDone, first.SitesInterrupted)
	}

	job.resume, job.onStart = run.ID, nil
	_, second, err := runCrawl(context.Background(), testEnv(t), store, job)
	if err != nil {
		t.Fatalf("resume: %v", err)
	}
	if second.SitesSkipped != before.SitesDone {
		t.Errorf("resume skipped %d sites, want the %d finished before", second.SitesSkipped, before.SitesDone)
	}
	after, err := store.CountRun(context.Background(), run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.SitesDone != len(web.Sites) || after.OverallScores != uint64(len(web.Sites)) || after.DuplicateScores != 0 {
		t.Fatalf("after resume %+v, want %d sites each scored once", after, len(web.Sites))
	}
	// Every completed site's pages counted once: those of the sites finished
	// before the interrupt plus those the resumed crawl fetched; the pages of
	// the site cut off mid-crawl are not counted.
	if after.Pages != before.Pages+uint64(second.Pages) || after.Pages < uint64(len(web.Sites)) {
		t.Errorf("pages of completed attempts %d, want %d before the interrupt + %d after", after.Pages, before.Pages, second.Pages)
	}
	r, _ = store.GetRun(context.Background(), run.ID)
	if r.Status != data.RunFinished {
		t.Errorf("run status %q after resume, want finished", r.Status)
	}
}

// Restart ClickHouse during a load of review posts: every 303 is stored,
// every other post got an error page (503 with the form kept), nothing is
// stored twice, and posts succeed again once the server is back.
func TestReviewPostsSurviveClickHouseRestart(t *testing.T) {
	ch := startPrivateClickHouse(t)
	ctx := context.Background()
	store, err := data.Open(ctx, data.Config{Addr: ch.Addr, Database: "reliability_reviews"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	reg := data.EmbeddedRegister()[:40]
	srv := reviewServer(t, store, reg)
	defer srv.Close()

	var stopped, restarted atomic.Bool
	go func() {
		time.Sleep(700 * time.Millisecond)
		if err := ch.script("stop"); err != nil {
			t.Errorf("stop: %v", err)
		}
		stopped.Store(true)
		time.Sleep(2 * time.Second)
		if err := ch.script("ensure"); err != nil {
			t.Errorf("restart: %v", err)
		}
		restarted.Store(true)
	}()

	tasks := scoring.Tasks()
	var accepted, unavailable, afterRestart, seq atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			jar, _ := cookiejar.New(nil)
			c := formclient.NoRedirects(&http.Client{Jar: jar, Timeout: 30 * time.Second})
			// Post until the server has been back for a while.
			var backSince time.Time
			for {
				if restarted.Load() {
					if backSince.IsZero() {
						backSince = time.Now()
					} else if time.Since(backSince) > 1500*time.Millisecond {
						return
					}
				}
				i := seq.Add(1)
				code := reg[int(i)%len(reg)].Code
				comment := fmt.Sprintf("restart test review %d", i)
				resp, err := postReview(c, srv.URL, code, tasks[int(i)%len(tasks)].ID, comment)
				switch {
				case err != nil:
					t.Errorf("post: %v", err)
					return
				case resp.Status == http.StatusSeeOther:
					accepted.Add(1)
					if restarted.Load() {
						afterRestart.Add(1)
					}
				case resp.Status == http.StatusServiceUnavailable:
					// The error page keeps what the person typed.
					if !strings.Contains(resp.Body, comment) || !strings.Contains(resp.Body, "<form") {
						t.Errorf("503 page lost the input:\n%.400s", resp.Body)
						return
					}
					unavailable.Add(1)
				default:
					t.Errorf("post: unexpected status %d:\n%.300s", resp.Status, resp.Body)
					return
				}
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if !stopped.Load() || unavailable.Load() == 0 || afterRestart.Load() == 0 {
		t.Fatalf("the outage did not overlap the load: %d accepted (%d after the restart), %d unavailable",
			accepted.Load(), afterRestart.Load(), unavailable.Load())
	}
	total, _, err := store.ReviewCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := store.ReviewIDCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("review %s stored %d times", id, n)
		}
	}
	// Every 303 is stored. A post that got a 503 may still have reached the
	// server just before it went away; it is never counted as accepted.
	if total < uint64(accepted.Load()) || total > uint64(accepted.Load()+unavailable.Load()) {
		t.Fatalf("stored %d reviews; accepted %d, unavailable %d", total, accepted.Load(), unavailable.Load())
	}
	t.Logf("accepted %d (%d after the restart), 503 with the form kept %d, stored %d", accepted.Load(), afterRestart.Load(), unavailable.Load(), total)
}

// reviewServer serves the dashboard with its review pages (rate limits and the minimum
// time on the form off) over store, for load tests.
func reviewServer(t *testing.T, store *data.Store, reg []data.Council) *loadServer {
	t.Helper()
	// Each refused post logs a warning; only errors are of interest here.
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelError}))
	srv, err := reviewLoadServer(store, reg, log, nil)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// postReview fetches a council's review form and posts a review through it,
// returning the status of the post.
func postReview(c *http.Client, base, council, task, comment string) (formclient.Response, error) {
	form, err := formclient.Do(c, "GET", base+"/councils/"+council+"/review", nil, "")
	if err != nil {
		return form, err
	}
	if form.Status != http.StatusOK {
		return form, fmt.Errorf("review form: status %d", form.Status)
	}
	tok, err := formclient.FormToken(form.Body)
	if err != nil {
		return form, err
	}
	return formclient.Do(c, "POST", base+"/councils/"+council+"/review", formclient.ReviewForm(tok, task, comment), "")
}
