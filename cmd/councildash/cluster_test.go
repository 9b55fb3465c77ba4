package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/crawltest"
	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
)

// TestMain lets a test run the councildash command as a child process (the
// sharded crawl's shards): with COUNCILDASH_TEST_MAIN=1 the test binary is
// councildash.
func TestMain(m *testing.M) {
	if os.Getenv("COUNCILDASH_TEST_MAIN") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		env := &Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv,
			Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
		code := run(ctx, env, os.Args[1:])
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// councildashChild runs `councildash args...` as a child process.
func councildashChild(ctx context.Context, t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Env = append(os.Environ(), "COUNCILDASH_TEST_MAIN=1")
	return cmd
}

// clusterWeb is a loopback web of parish council sites with its register
// and DNS override written to files, for crawls in child processes.
type clusterWeb struct {
	web                  *crawltest.Web
	parishes             []data.Council // the web's sites
	reg                  []data.Council // the embedded register and the parishes
	regFile, resolveFile string
	crawlArgs            []string // the crawl settings every crawl of the test uses
}

func newClusterWeb(t *testing.T, sites, pages int, seed int64) *clusterWeb {
	t.Helper()
	web, err := crawltest.NewWeb(crawltest.Options{Sites: sites, PagesPerSite: pages, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(web.Close)
	cw := &clusterWeb{web: web, parishes: parishRegister(web.Sites, data.EmbeddedRegister())}
	dir := t.TempDir()
	cw.regFile = filepath.Join(dir, "parishes.csv")
	var b bytes.Buffer
	if err := writeCouncils(&b, cw.parishes, "csv"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cw.regFile, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cw.resolveFile = filepath.Join(dir, "resolve.txt")
	if err := os.WriteFile(cw.resolveFile, []byte("*="+web.Addr+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	db := dbFlags{councils: cw.regFile}
	if cw.reg, err = db.register(); err != nil {
		t.Fatalf("the parish register does not load through --councils: %v", err)
	}
	cw.crawlArgs = []string{"--councils", cw.regFile, "--tier", "parish", "--resolve-file", cw.resolveFile,
		"--delay", "20ms", "--parallel", "6", "--max-pages", fmt.Sprint(pages), "--timeout", "10s", "--max-link-checks", "10"}
	return cw
}

// crawlJobFromArgs builds the job `councildash crawl args...` would run,
// in this process.
func crawlJobFromArgs(t *testing.T, reg []data.Council, args ...string) crawlJob {
	t.Helper()
	env := testEnv(t)
	var db dbFlags
	var cf crawlFlags
	fs := newFlags(env, "crawl", "crawl")
	db.bind(fs, env)
	cf.bind(fs, env)
	if err := parse(fs, args); err != nil {
		t.Fatal(err)
	}
	res, err := cf.resolveMap()
	if err != nil {
		t.Fatal(err)
	}
	cf.cfg.Resolve = res
	sites, total, err := cf.selectShard(reg)
	if err != nil {
		t.Fatal(err)
	}
	job := crawlJob{sites: sites, cfg: cf.cfg, resume: cf.resume, label: cf.label}
	if err := cf.shardJob(&job, total); err != nil {
		t.Fatal(err)
	}
	return job
}

// The equivalence test: a two-process sharded crawl of the loopback web
// into the two-shard cluster stores exactly what a single-process crawl of
// the same web stores on one server: the same scores, findings counts and
// check results, and the dashboard serves the same JSON over both.
func TestClusterShardedCrawlEquivalence(t *testing.T) {
	clusterCfg := datatest.ClusterConfig(t)
	cluster := datatest.Migrated(t, clusterCfg)
	single := datatest.Migrated(t, datatest.SingleConfig(t))
	ctx := context.Background()
	cw := newClusterWeb(t, 10, 12, 11)

	// One process, one server.
	job := crawlJobFromArgs(t, cw.reg, cw.crawlArgs...)
	if err := single.LoadCouncils(ctx, cw.reg); err != nil {
		t.Fatal(err)
	}
	one, oneStats, err := runCrawl(ctx, testEnv(t), single, job)
	if err != nil {
		t.Fatalf("single-process crawl: %v", err)
	}

	// Two processes, one run, the cluster.
	const runID = "equivalence-1"
	name, _ := cluster.Cluster()
	var wg sync.WaitGroup
	outs := make([]bytes.Buffer, 2)
	errs := make([]error, 2)
	for i := range 2 {
		args := append([]string{"crawl", "--run", runID, "--shard", fmt.Sprintf("%d/2", i),
			"--clickhouse", clusterCfg.Addr, "--cluster", name, "--database", cluster.Database()}, cw.crawlArgs...)
		cmd := councildashChild(ctx, t, args...)
		cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = cmd.Run() }()
	}
	wg.Wait()
	for i := range 2 {
		t.Logf("shard %d/2:\n%s", i, outs[i].String())
		if errs[i] != nil {
			t.Fatalf("shard %d/2: %v", i, errs[i])
		}
	}

	sharded, err := cluster.GetRun(ctx, runID)
	if err != nil {
		t.Fatal(err)
	}
	if sharded.Status != data.RunFinished || len(sharded.Shards) != 2 || sharded.SitesTotal != len(cw.web.Sites) || sharded.SitesDone != len(cw.web.Sites) {
		t.Fatalf("sharded run %+v: want finished, 2 shards, %d sites", sharded, len(cw.web.Sites))
	}
	sitesByShard := 0
	for _, sh := range sharded.Shards {
		if sh.Status != data.RunFinished || sh.SitesDone != sh.Sites || sh.Sites == 0 {
			t.Errorf("shard report %+v: want finished with all its sites done", sh)
		}
		sitesByShard += sh.Sites
	}
	if sitesByShard != len(cw.web.Sites) {
		t.Errorf("the shards crawled %d sites in all, want %d", sitesByShard, len(cw.web.Sites))
	}

	// The same rows.
	c1, err := single.CountRun(ctx, one.ID)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := cluster.CountRun(ctx, runID)
	if err != nil {
		t.Fatal(err)
	}
	if c1 != c2 || c1.SitesDone != len(cw.web.Sites) || c1.Pages != uint64(oneStats.Pages) || c1.DuplicateScores != 0 {
		t.Fatalf("stored counts differ: one process %+v (crawled %d pages), two shards %+v", c1, oneStats.Pages, c2)
	}
	f1, err := single.FindingCounts(ctx, one.ID)
	if err != nil {
		t.Fatal(err)
	}
	f2, err := cluster.FindingCounts(ctx, runID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f1, f2) || len(f1) == 0 {
		t.Fatalf("findings per check differ:\none process %v\ntwo shards  %v", f1, f2)
	}
	s1, err := single.CategoryScores(ctx, []string{one.ID})
	if err != nil {
		t.Fatal(err)
	}
	s2, err := cluster.CategoryScores(ctx, []string{runID})
	if err != nil {
		t.Fatal(err)
	}
	if len(s1) == 0 || !reflect.DeepEqual(scoreMap(s1), scoreMap(s2)) {
		t.Fatalf("scores differ:\none process %v\ntwo shards  %v", scoreMap(s1), scoreMap(s2))
	}
	r1, err := single.CheckResults(ctx, one.ID, "", "")
	if err != nil {
		t.Fatal(err)
	}
	r2, err := cluster.CheckResults(ctx, runID, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(r1) == 0 || !reflect.DeepEqual(r1, r2) {
		t.Fatalf("check results differ: %d rows and %d rows", len(r1), len(r2))
	}

	// The same dashboard JSON (run ids and times aside).
	codes := make([]string, 0, len(cw.parishes))
	for _, c := range cw.parishes {
		codes = append(codes, c.Code)
	}
	paths := []string{"/api/v1/councils", "/api/v1/checks", "/api/v1/tasks",
		"/api/v1/scores?run=RUN", "/api/v1/findings?run=RUN&limit=1000",
		"/export/scores.json?run=RUN", "/export/findings.json?run=RUN"}
	for _, code := range codes {
		paths = append(paths, "/api/v1/councils/"+code, "/api/v1/findings?run=RUN&council="+code+"&limit=1000")
	}
	// Two dashboards over the cluster, one through each shard's server,
	// serve the same pages (HTML too).
	_, nodes := cluster.Cluster()
	other := clusterCfg
	other.Addr = nodes[1]
	viaShard2, err := data.Open(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	defer viaShard2.Close()
	html := []string{"/", "/councils/" + codes[0], "/checks", "/compare?c=" + codes[0] + "&c=" + codes[1], "/data"}
	h2 := dashJSON(t, cluster, cw.reg, runID, html)
	h3 := dashJSON(t, viaShard2, cw.reg, runID, html)
	for _, p := range html {
		if h2[p] != h3[p] || len(h2[p]) < 1000 {
			t.Errorf("%s differs between the dashboards of shard 1 and shard 2 (%d and %d bytes)", p, len(h2[p]), len(h3[p]))
		}
	}
	d1 := dashJSON(t, single, cw.reg, one.ID, paths)
	d2 := dashJSON(t, cluster, cw.reg, runID, paths)
	for _, p := range paths {
		if a, b := d1[p], d2[p]; a != b {
			i := 0
			for i < len(a) && i < len(b) && a[i] == b[i] {
				i++
			}
			from := max(0, i-200)
			t.Errorf("%s differs at byte %d:\none process: ...%.400s\ntwo shards:  ...%.400s", p, i, a[from:], b[from:])
		}
	}
}

// scoreMap keys scores by council and category.
func scoreMap(rows []data.ScoreRow) map[string]float64 {
	m := map[string]float64{}
	for _, r := range rows {
		m[r.Council+"/"+r.Category] = r.Score
	}
	return m
}

var (
	jsonTime = regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"`)
)

// dashJSON serves the dashboard over store and returns each path's JSON,
// normalised: the run id is RUN, times are TIME, a run's shard reports
// (only a sharded run has them; checked on their own) are left out, and
// the items of every list are in a canonical order (rows equal but for
// their time may come in either order).
func dashJSON(t *testing.T, store *data.Store, reg []data.Council, runID string, paths []string) map[string]string {
	t.Helper()
	dash, err := dashboard.New(dashboard.Deps{Store: store, Councils: reg, Refresh: -1,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(dash.Handler())
	defer srv.Close()
	out := map[string]string{}
	for _, p := range paths {
		resp, err := http.Get(srv.URL + strings.ReplaceAll(p, "RUN", runID))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d: %.300s", p, resp.StatusCode, body)
		}
		s := strings.ReplaceAll(string(body), runID, "RUN")
		s = jsonTime.ReplaceAllString(s, `"TIME"`)
		var v any
		if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, "json") {
			out[p] = s // HTML, CSV: as it is
			continue
		}
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatalf("%s: %v: %.300s", p, err, s)
		}
		out[p] = canonical(v)
	}
	return out
}

// canonical renders a JSON value with every list's items sorted.
func canonical(v any) string {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			if _, isRun := x["run_id"]; isRun && k == "shards" {
				continue
			}
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			kb, _ := json.Marshal(k)
			b.Write(kb)
			b.WriteByte(':')
			b.WriteString(canonical(x[k]))
		}
		b.WriteByte('}')
		return b.String()
	case []any:
		items := make([]string, len(x))
		for i, it := range x {
			items[i] = canonical(it)
		}
		sort.Strings(items)
		return "[" + strings.Join(items, ",") + "]"
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// Kill one shard's ClickHouse in the middle of a crawl: the writer keeps
// that shard's rows and retries them (the other shard's are written as
// usual, once), the crawl completes when the server is back, and every
// page fetched is stored exactly once.
func TestClusterCrawlSurvivesShardRestart(t *testing.T) {
	ch := startPrivateCluster(t)
	ctx := context.Background()
	store, err := data.Open(ctx, data.Config{Addr: ch.Addr, Database: "reliability", Cluster: ch.Name})
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
	shard2 := 0
	for _, s := range web.Sites {
		if store.ShardOf(s.Council) == 2 {
			shard2++
		}
	}
	if shard2 == 0 || shard2 == len(web.Sites) {
		t.Fatalf("%d of %d sites on shard 2: the test needs both shards written", shard2, len(web.Sites))
	}

	var once sync.Once
	killed := make(chan struct{})
	var crawlerRef *crawler.Crawler
	var mu sync.Mutex
	job := crawlJob{sites: web.Sites, cfg: testCrawlConfig(web, 20), label: "shard restart",
		onStart: func(_ data.Run, c *crawler.Crawler) { mu.Lock(); crawlerRef = c; mu.Unlock() }}
	go func() {
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
			if err := ch.script("cluster-stop-node", "2"); err != nil {
				t.Errorf("stop shard 2: %v", err)
			}
			time.Sleep(3 * time.Second)
			if err := ch.script("cluster-ensure"); err != nil {
				t.Errorf("restart shard 2: %v", err)
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
		t.Fatal("shard 2 was never stopped and restarted during the crawl")
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

// privateCluster is a two-shard ClickHouse cluster of the test's own
// (.ci/clickhouse.sh cluster-ensure in a temp dir, on free ports) that the
// test may stop a shard of and start again.
type privateCluster struct {
	t    *testing.T
	env  []string
	Addr string
	Name string
}

func startPrivateCluster(t *testing.T) *privateCluster {
	t.Helper()
	ports := fmt.Sprintf("%d:%d,%d:%d", freePort(t), freePort(t), freePort(t), freePort(t))
	p := &privateCluster{t: t, Name: "private", env: append(os.Environ(),
		"COUNCILDASH_CH_CLUSTER=private", "COUNCILDASH_CH_CLUSTER_PORTS="+ports,
		"COUNCILDASH_CH_CLUSTER_DIR="+filepath.Join(t.TempDir(), "shard"))}
	p.Addr = "127.0.0.1:" + strings.SplitN(ports, ":", 2)[0]
	if err := p.script("cluster-ensure"); err != nil {
		msg := fmt.Sprintf("cannot start a private cluster: %v", err)
		if datatest.Required() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Cleanup(func() { _ = p.script("cluster-stop") })
	return p
}

func (p *privateCluster) script(args ...string) error {
	cmd := exec.Command("bash", append([]string{filepath.Join(repoRoot(p.t), ".ci", "clickhouse.sh")}, args...)...)
	cmd.Env = p.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %v: %s", strings.Join(args, " "), err, out.String())
	}
	return nil
}

// A shard of a sharded run interrupted (Ctrl-C) while the other finishes:
// the run is not finished; `crawl --resume RUN_ID --shard i/n` continues
// that shard alone, skipping its finished councils, and the run is
// finished with every council scored once. Resuming without --shard is
// refused. (Single node in the first pass of make test, the cluster in the
// second.)
func TestShardedRunResume(t *testing.T) {
	store := datatest.Store(t)
	cw := newClusterWeb(t, 12, 8, 21)
	ctx := context.Background()
	if err := store.LoadCouncils(ctx, cw.reg); err != nil {
		t.Fatal(err)
	}
	const runID = "resume-1"
	shardArgs := func(flags ...string) []string { return append(flags, cw.crawlArgs...) }
	job0 := crawlJobFromArgs(t, cw.reg, shardArgs("--run", runID, "--shard", "0/2")...)
	job1 := crawlJobFromArgs(t, cw.reg, shardArgs("--run", runID, "--shard", "1/2")...)
	if len(job0.sites) < 3 || len(job1.sites) < 1 || len(job0.sites)+len(job1.sites) != len(cw.web.Sites) {
		t.Fatalf("shards of %d and %d sites, of %d", len(job0.sites), len(job1.sites), len(cw.web.Sites))
	}

	// Shard 0, interrupted once a site is done.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	var c *crawler.Crawler
	go func() {
		for cctx.Err() == nil {
			time.Sleep(10 * time.Millisecond)
			mu.Lock()
			cc := c
			mu.Unlock()
			if cc != nil && cc.Progress().SitesDone >= 1 {
				cancel()
			}
		}
	}()
	job0.cfg.Parallel = 1 // one site at a time, so the interrupt lands with sites left
	job0.onStart = func(_ data.Run, cr *crawler.Crawler) { mu.Lock(); c = cr; mu.Unlock() }
	_, first, err := runCrawl(cctx, testEnv(t), store, job0)
	if err != context.Canceled {
		t.Fatalf("interrupted shard returned %v, want context.Canceled", err)
	}
	if first.SitesDone < 1 || first.SitesDone >= len(job0.sites) {
		t.Fatalf("interrupt landed after %d of %d sites", first.SitesDone, len(job0.sites))
	}

	// Shard 1, to the end: the run waits for shard 0.
	if _, _, err := runCrawl(ctx, testEnv(t), store, job1); err != nil {
		t.Fatalf("shard 1/2: %v", err)
	}
	r, err := store.GetRun(ctx, runID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status == data.RunFinished || len(r.Shards) != 2 {
		t.Fatalf("run %s with shard 0 interrupted: status %q, %d shard reports; want not finished, 2", runID, r.Status, len(r.Shards))
	}

	// --resume without --shard is refused: the run is sharded.
	plain := crawlJobFromArgs(t, cw.reg, shardArgs("--resume", runID)...)
	if _, _, err := runCrawl(ctx, testEnv(t), store, plain); err == nil || !strings.Contains(err.Error(), "--shard") {
		t.Fatalf("resume without --shard: %v, want a refusal naming --shard", err)
	}

	// --resume RUN_ID --shard 0/2 continues shard 0 alone.
	again := crawlJobFromArgs(t, cw.reg, shardArgs("--resume", runID, "--shard", "0/2")...)
	_, second, err := runCrawl(ctx, testEnv(t), store, again)
	if err != nil {
		t.Fatalf("resume shard 0/2: %v", err)
	}
	if second.SitesSkipped != first.SitesDone || second.SitesSkipped+second.SitesDone != len(job0.sites) {
		t.Errorf("resumed shard skipped %d and crawled %d sites; %d were done before, the shard has %d", second.SitesSkipped, second.SitesDone, first.SitesDone, len(job0.sites))
	}
	got, err := store.CountRun(ctx, runID)
	if err != nil {
		t.Fatal(err)
	}
	if got.SitesDone != len(cw.web.Sites) || got.OverallScores != uint64(len(cw.web.Sites)) || got.DuplicateScores != 0 {
		t.Fatalf("after the resume %+v, want %d sites each scored once", got, len(cw.web.Sites))
	}
	if r, err = store.GetRun(ctx, runID); err != nil || r.Status != data.RunFinished {
		t.Fatalf("run %+v (%v) after the resume, want finished", r, err)
	}
	for _, sh := range r.Shards {
		if sh.Status != data.RunFinished || sh.SitesDone != sh.Sites {
			t.Errorf("shard report %+v, want finished with every site", sh)
		}
	}
}
