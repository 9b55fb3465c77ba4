package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/demoweb"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// The scale phases of the scoreboard (issue 16, docs/SCALING.md):
//   - scale-400 and scale-10k crawl, score and store 400 and then 10,000
//     synthetic sites of the demo web's generator, 20 pages each, with a
//     parish-scale register loaded through --councils: pages/s of the two
//     side by side, peak RSS, and what a site and a page cost (time, CPU,
//     ClickHouse rows and bytes);
//   - scale-dashboard serves the dashboard over the 10,000 councils and
//     loads the league table and its search;
//   - cluster stores the same data on one server and on the two-shard
//     cluster: insert rows/s and the league's query time side by side.

// scaleFlags are the scale phases' flags, on bench and bench-phase.
func (bf *benchFlags) scaleFlags(fs *flag.FlagSet) {
	fs.IntVar(&bf.scaleSites, "scale-sites", 10000, "sites of the large scale phase (synthetic, a parish-scale register)")
	fs.IntVar(&bf.scalePages, "scale-pages", 20, "pages per site of the scale phases")
	fs.StringVar(&bf.cluster, "cluster-bench", "", "NAME@HOST:PORT: the cluster the cluster phase compares with one server (make bench starts the local one)")
}

// phaseDB is the database a phase uses: the scale phases share one, the
// cluster phase has one of the same name on the server and on the cluster.
func phaseDB(phase, benchDB string) string {
	switch {
	case strings.HasPrefix(phase, "scale-"):
		return benchDB + "_scale"
	case phase == "cluster":
		return benchDB + "_cmp"
	}
	return benchDB
}

// dropScaleDatabases drops the scale and cluster phases' databases.
func dropScaleDatabases(ctx context.Context, db dbFlags, bf benchFlags, benchDB string) {
	cfgs := []data.Config{{Addr: db.addr, Database: phaseDB("scale-", benchDB)}}
	if name, addr, ok := strings.Cut(bf.cluster, "@"); ok {
		cfgs = append(cfgs, data.Config{Addr: addr, Database: phaseDB("cluster", benchDB), Cluster: name},
			data.Config{Addr: addr, Database: phaseDB("cluster", benchDB) + "_one"})
	}
	for _, cfg := range cfgs {
		if s, err := data.Open(ctx, cfg); err == nil {
			_ = s.DropDatabase(ctx)
			s.Close()
		}
	}
}

// scaleWeb starts the demo web of n synthetic sites and writes their
// register (the embedded one and n parish councils) to a CSV file, which
// db then loads as --councils does.
func scaleWeb(n, pages int, db *dbFlags) (*demoweb.Web, []data.Council, func(), error) {
	web, err := demoweb.NewWeb(demoweb.Options{Sites: n, PagesPerSite: pages, Seed: 7})
	if err != nil {
		return nil, nil, nil, err
	}
	dir, err := os.MkdirTemp("", "councildash-scale-*")
	if err != nil {
		web.Close()
		return nil, nil, nil, err
	}
	done := func() { web.Close(); os.RemoveAll(dir) }
	var b bytes.Buffer
	if err := writeCouncils(&b, parishRegister(web.Sites, data.EmbeddedRegister()), "csv"); err != nil {
		done()
		return nil, nil, nil, err
	}
	db.councils = filepath.Join(dir, "parishes.csv")
	if err := os.WriteFile(db.councils, b.Bytes(), 0o600); err != nil {
		done()
		return nil, nil, nil, err
	}
	reg, err := db.register()
	if err != nil {
		done()
		return nil, nil, nil, err
	}
	return web, reg, done, nil
}

// residentMB is the process's resident memory now.
func residentMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "VmRSS:")), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func storageTotals(ts []data.TableStorage) (rows, bytes, raw float64) {
	for _, t := range ts {
		rows += float64(t.Rows)
		bytes += float64(t.BytesOnDisk)
		raw += float64(t.Uncompressed)
	}
	return
}

// benchScaleCrawl crawls n synthetic sites of bf.scalePages pages (the
// crawl-full phase's settings) and reports what a site and a page cost.
func benchScaleCrawl(ctx context.Context, env *Env, db dbFlags, bf benchFlags, n int) ([]benchResult, error) {
	web, reg, done, err := scaleWeb(n, bf.scalePages, &db)
	if err != nil {
		return nil, err
	}
	defer done()
	store, _, err := db.open(ctx, env)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	before, err := store.Storage(ctx)
	if err != nil {
		return nil, err
	}
	cfg := crawler.DefaultConfig()
	cfg.Resolve = web.Resolve
	cfg.Delay = 0
	cfg.Parallel = bf.parallel
	cfg.MaxPages = bf.scalePages
	cfg.MaxDepth = 100
	cfg.MaxLinkChecks = 0
	cfg.ExternalLinkSample = 0
	cfg.SearchQueries = nil
	rss0, cpu0 := residentMB(), cpuSeconds()
	start := time.Now()
	_, stats, err := runCrawl(ctx, env, store, crawlJob{sites: web.Sites, cfg: cfg, label: fmt.Sprintf("bench scale %d", n)})
	if err != nil {
		return nil, err
	}
	el := time.Since(start).Seconds()
	cpu := cpuSeconds() - cpu0
	after, err := store.Storage(ctx)
	if err != nil {
		return nil, err
	}
	r0, b0, u0 := storageTotals(before)
	r1, b1, u1 := storageTotals(after)
	pages := float64(stats.Pages)
	sites := float64(stats.SitesDone)
	perRow := map[string]float64{}
	for _, t := range after {
		for _, b := range before {
			if b.Table == t.Table {
				t.Rows, t.BytesOnDisk = t.Rows-b.Rows, t.BytesOnDisk-b.BytesOnDisk
			}
		}
		if t.Rows > 0 {
			perRow["ch_bytes_per_row_"+t.Table] = float64(t.BytesOnDisk) / float64(t.Rows)
			perRow["ch_rows_per_page_"+t.Table] = float64(t.Rows) / max(pages, 1)
		}
	}
	if sites == 0 || pages == 0 {
		return nil, fmt.Errorf("the crawl finished no site")
	}
	m := map[string]float64{"sites": sites, "pages": pages, "pages_per_s": pages / el, "seconds": el,
		"ms_per_site": 1000 * el / sites, "cpu_ms_per_site": 1000 * cpu / sites, "cpu_ms_per_page": 1000 * cpu / pages,
		"rss_at_start_mb": rss0, "register_councils": float64(len(reg)),
		"ch_rows_per_page": (r1 - r0) / pages, "ch_bytes_per_page": (b1 - b0) / pages, "ch_bytes_per_site": (b1 - b0) / sites,
		"ch_raw_bytes_per_page": (u1 - u0) / pages}
	for _, t := range []string{"pages", "findings", "check_stats", "scores", "site_reports"} {
		m["ch_bytes_per_row_"+t] = perRow["ch_bytes_per_row_"+t]
		m["ch_rows_per_page_"+t] = perRow["ch_rows_per_page_"+t]
	}
	phase := "scale-400"
	if n != 400 {
		phase = "scale-10k" // the large phase, whatever --scale-sites says (its subject does)
	}
	return []benchResult{{Phase: phase, Subject: fmt.Sprintf("crawl+score+store, %d synthetic sites x %d pages, register of %d councils via --councils", n, bf.scalePages, len(reg)),
		Metrics: m, Note: fmt.Sprintf("%d sites at once, the crawl-full phase's settings; ClickHouse figures are the database's growth (compressed on disk, and raw)", bf.parallel)}}, nil
}

// benchScaleDashboard serves the dashboard over the scale phases'
// database (10,000 and more councils scored) as serve does, and loads the
// league table, its pages and its search.
func benchScaleDashboard(ctx context.Context, env *Env, db dbFlags, bf benchFlags) ([]benchResult, error) {
	web, reg, done, err := scaleWeb(bf.scaleSites, bf.scalePages, &db)
	if err != nil {
		return nil, err
	}
	web.Close() // only its register is needed
	defer done()
	store, _, err := db.open(ctx, env)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	handler, mem, err := coldServer(ctx, env, store, reg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		return nil, fmt.Errorf("the scale dashboard phase needs wrk (apt install wrk): %w", err)
	}
	// How many councils are scored: the league's pages.
	runs, err := store.Runs(ctx)
	if err != nil || len(runs) == 0 {
		return nil, fmt.Errorf("the scale dashboard phase needs the scale crawls (bench --only scale): %v", err)
	}
	scored := 0
	for _, r := range runs {
		scored = max(scored, r.SitesDone)
	}
	leaguePages := max(1, (scored+99)/100)
	rng := rand.New(rand.NewPCG(5, 7))
	var pagesRot, searchRot []string
	for p := 1; p <= leaguePages; p++ {
		pagesRot = append(pagesRot, "/?page="+strconv.Itoa(p))
	}
	for range 500 {
		c := reg[rng.IntN(len(reg))]
		q := c.Name
		if rng.IntN(2) == 0 && len(q) > 14 { // half the searches are part of a name
			q = q[:14]
		}
		searchRot = append(searchRot, "/?q="+url.QueryEscape(strings.ToLower(q)))
	}
	targets := []struct {
		subject string
		paths   []string
	}{
		{fmt.Sprintf("league table, first page (/), %d councils", len(reg)), []string{"/"}},
		{fmt.Sprintf("league table, its %d pages in rotation", leaguePages), pagesRot},
		{"league search, 500 names and parts of names in rotation", searchRot},
		{"compare picker (/compare)", []string{"/compare"}},
	}
	var out []benchResult
	// Each search page rendered once, one at a time, from a server that
	// has not rendered it: what a new search costs.
	var cold []float64
	for _, p := range searchRot {
		t0 := time.Now()
		if err := warm1(ctx, base+p); err != nil {
			return nil, fmt.Errorf("search %s: %w", p, err)
		}
		cold = append(cold, float64(time.Since(t0).Microseconds())/1000)
	}
	sort.Float64s(cold)
	out = append(out, benchResult{Phase: "scale-dashboard", Subject: "league search, each of 500 searches rendered once (one at a time)",
		Metrics: map[string]float64{"p50_ms": cold[len(cold)/2], "p99_ms": cold[len(cold)*99/100], "councils": float64(len(reg))}})
	for _, tg := range targets {
		// As the dashboard phase does: every page answered once first.
		for _, p := range tg.paths {
			if err := warm1(ctx, base+p); err != nil {
				return nil, fmt.Errorf("%s: %w", tg.subject, err)
			}
		}
		script, err := writeRotation(tg.paths)
		if err != nil {
			return nil, err
		}
		m, err := runWrkScript(ctx, wrk, base, script, bf.conns, bf.loadFor)
		os.RemoveAll(filepath.Dir(script))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", tg.subject, err)
		}
		for k, v := range mem {
			m[k] = v
		}
		m["councils"] = float64(len(reg))
		m["scored"] = float64(scored)
		out = append(out, benchResult{Phase: "scale-dashboard", Subject: tg.subject, Metrics: m,
			Note: fmt.Sprintf("wrk, %d connections, %s, 2s time-out; a fresh server as serve starts it", bf.conns, bf.loadFor)})
	}
	return out, nil
}

// warm1 requests a page once and checks it answers 200.
func warm1(ctx context.Context, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", u, res.StatusCode)
	}
	return nil
}

// benchCluster stores the same data on one server and on the two-shard
// cluster (bf.cluster, NAME@HOST:PORT) and times the writes and the
// league's query on each.
func benchCluster(ctx context.Context, env *Env, db dbFlags, bf benchFlags) ([]benchResult, error) {
	name, addr, ok := strings.Cut(bf.cluster, "@")
	if !ok {
		return nil, fmt.Errorf("the cluster phase needs --cluster NAME@HOST:PORT (make bench starts the local cluster)")
	}
	web, reg, done, err := scaleWeb(bf.scaleSites, bf.scalePages, &db)
	if err != nil {
		return nil, err
	}
	web.Close()
	defer done()
	// One server of the same kind as a shard, as idle: the cluster's
	// first node, its tables its own (not cluster mode).
	single := db
	single.addr, single.database = addr, db.database+"_one"
	cluster := db
	cluster.addr, cluster.cluster = addr, name
	var out []benchResult
	for _, side := range []struct {
		what string
		db   dbFlags
	}{{"one server", single}, {"two-shard cluster", cluster}} {
		m, err := benchStoreSide(ctx, env, side.db, reg)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", side.what, err)
		}
		out = append(out, benchResult{Phase: "cluster", Subject: side.what, Metrics: m,
			Note: fmt.Sprintf("the cluster's first server alone, and both shards; %d councils: %d runs of scores and check statistics seeded, then 1M findings inserted; queries timed over the seeded runs (median of 7; check results median of 3)", len(reg), benchClusterRuns)})
	}
	return out, nil
}

const benchClusterRuns = 3

func benchStoreSide(ctx context.Context, env *Env, db dbFlags, reg []data.Council) (map[string]float64, error) {
	store, _, err := db.open(ctx, env)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	method := scoring.CurrentMethod()
	checks := scoring.Catalog()
	rng := rand.New(rand.NewPCG(11, 13))
	// Seed: benchClusterRuns runs of every council's check statistics
	// and scores (the league's and the council pages' rows).
	w := store.NewWriter(data.WriterOptions{FlushRows: 50000})
	var ids []string
	seedStart := time.Now()
	rows := 0
	for r := range benchClusterRuns {
		started := time.Now().Add(-time.Duration(benchClusterRuns-r) * 7 * 24 * time.Hour)
		run, err := store.CreateRun(ctx, method.Version, "{}", fmt.Sprintf("bench cluster %d", r+1), len(reg), started)
		if err != nil {
			return nil, err
		}
		ids = append(ids, run.ID)
		sink := data.NewRunSink(w, run.ID, method.Version)
		for _, c := range reg {
			stats := make([]scoring.CheckStat, 0, len(checks))
			for _, ch := range checks {
				affected := rng.IntN(21)
				stats = append(stats, scoring.CheckStat{CheckID: ch.ID, Category: ch.Category, PagesTotal: 20, PagesAffected: affected, Findings: affected})
			}
			scores := method.Score(stats)
			if err := sink.SiteResult(ctx, c.Code, nil, stats, scores); err != nil {
				return nil, err
			}
			if err := sink.SiteDone(ctx, &crawler.SiteReport{Council: c.Code, HomeURL: c.HomepageURL, PagesFetched: 20, Started: started, Finished: started}); err != nil {
				return nil, err
			}
			rows += len(stats) + len(scores) + 1
		}
	}
	if err := w.Close(ctx); err != nil {
		return nil, err
	}
	seed := time.Since(seedStart).Seconds()
	for _, id := range ids {
		if err := store.SetRunStatus(ctx, id, data.RunFinished, time.Time{}); err != nil {
			return nil, err
		}
	}
	// 1M findings, as the insert phase writes them.
	const n = 1_000_000
	insert, err := insertBenchFindings(ctx, store, n, func(i int) string { return reg[(i/1000)%len(reg)].Code })
	if err != nil {
		return nil, err
	}
	timeIt := func(times int, f func() error) (float64, error) {
		var ds []float64
		for range times {
			t0 := time.Now()
			if err := f(); err != nil {
				return 0, err
			}
			ds = append(ds, float64(time.Since(t0).Microseconds())/1000)
		}
		sort.Float64s(ds)
		return ds[len(ds)/2], nil
	}
	league, err := timeIt(7, func() error { _, err := store.CategoryScores(ctx, ids); return err })
	if err != nil {
		return nil, err
	}
	checkResults, err := timeIt(3, func() error { _, err := store.CheckResults(ctx, ids[len(ids)-1], "", ""); return err })
	if err != nil {
		return nil, err
	}
	runsQ, err := timeIt(7, func() error { _, err := store.Runs(ctx); return err })
	if err != nil {
		return nil, err
	}
	return map[string]float64{"seed_rows_per_s": float64(rows) / seed, "insert_rows_per_s": n / insert, "insert_seconds": insert,
		"league_query_ms": league, "check_results_query_ms": checkResults, "runs_query_ms": runsQ}, nil
}

// scaleRatios are the scale phases' lines of the comparison table.
func scaleRatios(rs []benchResult) []benchRatio {
	var out []benchRatio
	big, okBig := findResult(rs, "scale-10k")
	small, okSmall := findResult(rs, "scale-400")
	if okBig {
		if okSmall && small.Metrics["pages_per_s"] > 0 {
			v := big.Metrics["pages_per_s"] / small.Metrics["pages_per_s"]
			out = append(out, benchRatio{"10,000-site crawl vs 400-site crawl, 20 pages a site (pages/s)", v, ">= 0.85", v >= 0.85})
		}
		out = append(out, benchRatio{"10,000-site crawl peak RSS (MB)", big.PeakRSSM, "< 300", big.PeakRSSM < 300})
		out = append(out, benchRatio{"10,000-site crawl: ms per site (wall, 64 at once)", big.Metrics["ms_per_site"], "report", true})
		out = append(out, benchRatio{"10,000-site crawl: ClickHouse bytes per page (compressed)", big.Metrics["ch_bytes_per_page"], "report", true})
	}
	for _, r := range rs {
		if r.Phase == "scale-dashboard" {
			p99 := r.Metrics["p99_ms"]
			out = append(out, benchRatio{"p99 ms at 10,000 councils: " + r.Subject, p99, "< 100", p99 < 100})
		}
	}
	one, ok1 := findResultSubject(rs, "cluster", "one server")
	two, ok2 := findResultSubject(rs, "cluster", "two-shard cluster")
	if ok1 && ok2 {
		out = append(out,
			benchRatio{"insert rows/s, cluster / one server", two.Metrics["insert_rows_per_s"] / one.Metrics["insert_rows_per_s"], "report (one machine)", true},
			benchRatio{"league query ms, cluster / one server", two.Metrics["league_query_ms"] / one.Metrics["league_query_ms"], "report (one machine)", true})
	}
	return out
}

func findResultSubject(rs []benchResult, phase, subject string) (benchResult, bool) {
	for _, r := range rs {
		if r.Phase == phase && r.Subject == subject {
			return r, true
		}
	}
	return benchResult{}, false
}
