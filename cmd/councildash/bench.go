package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/demoweb"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// benchResult is one measured line of the scoreboard.
type benchResult struct {
	Phase    string             `json:"phase"`
	Subject  string             `json:"subject"`
	Metrics  map[string]float64 `json:"metrics"`
	PeakRSSM float64            `json:"peak_rss_mb,omitempty"`
	Note     string             `json:"note,omitempty"`
}

type benchReport struct {
	When    time.Time     `json:"when"`
	Machine string        `json:"machine"`
	Go      string        `json:"go"`
	CH      string        `json:"clickhouse"`
	Results []benchResult `json:"results"`
	Ratios  []benchRatio  `json:"ratios"`
	Elapsed string        `json:"elapsed"`
}

type benchRatio struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Target string  `json:"target"`
	Met    bool    `json:"met"`
}

// benchFlags shape the scoreboard.
type benchFlags struct {
	sites, pages int
	parallel     int
	loadFor      time.Duration
	conns        int
	out          string
	doc          string
	only         string
	// The scale phases (bench_scale.go).
	scaleSites, scalePages int
	cluster                string // NAME@HOST:PORT of the cluster phase
}

func cmdBench(ctx context.Context, env *Env, args []string) error {
	var db dbFlags
	var bf benchFlags
	fs := newFlags(env, "bench", "bench [--sites 400] [--pages 100] [--load-for 30s] [--out bench/results.json]")
	db.bind(fs, env)
	fs.IntVar(&bf.sites, "sites", 400, "sites in the loopback web")
	fs.IntVar(&bf.pages, "pages", 100, "pages per site")
	fs.IntVar(&bf.parallel, "parallel", 64, "sites crawled at once (both crawlers)")
	fs.DurationVar(&bf.loadFor, "load-for", 30*time.Second, "duration of each dashboard load test")
	fs.IntVar(&bf.conns, "conns", 200, "concurrent connections of the dashboard load test")
	fs.StringVar(&bf.out, "out", "bench/results.json", "where to write the JSON results")
	fs.StringVar(&bf.doc, "doc", "docs/PERFORMANCE.md", "where to write the Markdown scoreboard (empty: nowhere; with --only, only when given)")
	fs.StringVar(&bf.only, "only", "", "comma-separated phases to run (crawl,archive,scoring,insert,dashboard,dashboard-cold,reviews,export,scale,cluster)")
	bf.scaleFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	// A partial run (--only) writes the scoreboard only when asked to
	// (--doc given), and the scoreboard then names the phases it ran.
	docAsked := false
	fs.Visit(func(f *flag.Flag) { docAsked = docAsked || f.Name == "doc" })
	start := time.Now()
	self, err := os.Executable()
	if err != nil {
		return err
	}
	// A database of its own, dropped at the end, so the bench never touches real data.
	benchDB := fmt.Sprintf("councildash_bench_%d", time.Now().Unix())
	rep := benchReport{When: time.Now().UTC(), Machine: machineDesc(), Go: runtime.Version()}
	phases := []string{"crawl-bare", "crawl-full", "crawl-polite", "archive", "scoring", "insert", "dashboard", "dashboard-cold", "reviews", "export",
		"scale-400", "scale-10k", "scale-dashboard", "cluster"}
	want := func(p string) bool {
		if bf.only == "" {
			return true
		}
		for _, o := range strings.Split(bf.only, ",") {
			if strings.HasPrefix(p, o) {
				return true
			}
		}
		return false
	}
	// Tools a phase needs are looked for before any phase runs, so a
	// missing one fails at once, not after the phases before it.
	for _, p := range []string{"dashboard-cold", "scale-dashboard"} {
		if want(p) {
			if _, err := exec.LookPath("wrk"); err != nil {
				return fmt.Errorf("phase %s needs wrk (apt install wrk), and it is not on PATH", p)
			}
		}
	}
	for _, p := range phases {
		if !want(p) {
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		fmt.Fprintf(env.Stderr, "bench: %s ...\n", p)
		res, err := runPhase(ctx, self, db, benchDB, bf, p, env)
		if err != nil {
			return fmt.Errorf("phase %s: %w", p, err)
		}
		rep.Results = append(rep.Results, res...)
	}
	if s, err := data.Open(ctx, data.Config{Addr: db.addr, Database: benchDB}); err == nil {
		rep.CH, _ = s.ServerVersion(ctx)
		_ = s.DropDatabase(context.WithoutCancel(ctx))
		s.Close()
	}
	dropScaleDatabases(context.WithoutCancel(ctx), db, bf, benchDB)
	rep.Ratios = append(benchRatios(rep.Results), scaleRatios(rep.Results)...)
	rep.Elapsed = time.Since(start).Round(time.Second).String()
	printBench(env.Stdout, rep)
	if bf.out != "" {
		if err := os.MkdirAll(filepath.Dir(bf.out), 0o755); err != nil {
			return err
		}
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(bf.out, append(b, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "\nwritten %s\n", bf.out)
	}
	if bf.doc != "" && (bf.only == "" || docAsked) {
		if err := os.WriteFile(bf.doc, []byte(benchMarkdown(rep, bf)), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "written %s\n", bf.doc)
	}
	return nil
}

// benchMarkdown renders the scoreboard for docs/PERFORMANCE.md.
func benchMarkdown(rep benchReport, bf benchFlags) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Performance\n\nThe latest `make bench` scoreboard (written by `councildash bench`; raw numbers in `bench/results.json`).\n\n")
	if bf.only != "" {
		fmt.Fprintf(&b, "This run measured these phases only: `bench --only %s`. The scale phases (10,000 sites, the two-shard cluster) are reported in docs/SCALING.md.\n\n", bf.only)
	}
	fmt.Fprintf(&b, "- when: %s\n- machine: %s\n- %s, ClickHouse %s\n- took: %s\n", rep.When.Format(time.RFC3339), rep.Machine, rep.Go, rep.CH, rep.Elapsed)
	fmt.Fprintf(&b, "- settings: %d sites x %d pages, %d sites at once; dashboard load %s at %d connections (one page at a time, then cold: a fresh server and every council, check and %d compare pages in rotation); review posts from 32 clients for up to 15s\n\n", bf.sites, bf.pages, bf.parallel, bf.loadFor, bf.conns, benchComparePairs)
	b.WriteString("| phase | subject | metrics | peak RSS |\n|---|---|---|---|\n")
	for _, r := range rep.Results {
		keys := make([]string, 0, len(r.Metrics))
		for k := range r.Metrics {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s=%s", k, fmtNum(r.Metrics[k])))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %.0f MB |\n", r.Phase, r.Subject, strings.Join(parts, ", "), r.PeakRSSM)
	}
	b.WriteString("\n| comparison (measured in the same run) | value | target | met |\n|---|---|---|---|\n")
	for _, r := range rep.Ratios {
		fmt.Fprintf(&b, "| %s | %s | %s | %v |\n", r.Name, fmtNum(r.Value), r.Target, r.Met)
	}
	b.WriteString("\nEach phase runs in its own child process, so peak RSS is that phase's alone. Scoring and parsing run with GOMAXPROCS=1, in the same process and in alternating passes (the median pass of each counts), so that the ratio compares like with like.\n")
	b.WriteString("\nThe cold dashboard phase starts a fresh server as `serve` does (reviews on; at start the read model is built and the evidence of up to 1,000 councils, the principal ones first, read ahead (every council at the register's 382); no page is rendered yet), then runs wrk with a Lua script that rotates over every council page, every check page and the compare pages from the first request on; a time-out is an answer slower than 2 s. The read model's memory is measured on a second server over the same data: the heap after a garbage collection, before and after building the model.\n")
	return b.String()
}

// runPhase runs one phase in a child process and adds the child's peak RSS.
func runPhase(ctx context.Context, self string, db dbFlags, benchDB string, bf benchFlags, phase string, env *Env) ([]benchResult, error) {
	args := []string{"bench-phase", "--phase", phase, "--clickhouse", db.addr, "--database", phaseDB(phase, benchDB),
		"--sites", fmt.Sprint(bf.sites), "--pages", fmt.Sprint(bf.pages), "--parallel", fmt.Sprint(bf.parallel),
		"--load-for", bf.loadFor.String(), "--conns", fmt.Sprint(bf.conns),
		"--scale-sites", fmt.Sprint(bf.scaleSites), "--scale-pages", fmt.Sprint(bf.scalePages), "--cluster-bench", bf.cluster}
	cmd := exec.CommandContext(ctx, self, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = env.Stderr
	cmd.Env = append(os.Environ(), "COUNCILDASH_LOG_LEVEL=warn")
	if phase == "scoring" {
		cmd.Env = append(cmd.Env, "GOMAXPROCS=1") // "on one core"
	}
	if err := cmd.Run(); err != nil {
		return nil, err
	}
	var res []benchResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return nil, fmt.Errorf("bad phase output: %v", err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		for i := range res {
			if res[i].PeakRSSM == 0 {
				res[i].PeakRSSM = float64(ru.Maxrss) / 1024 // Linux: KiB
			}
		}
	}
	return res, nil
}

func machineDesc() string {
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				model = strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		fmt.Sscanf(strings.SplitN(string(b), "\n", 2)[0], "MemTotal: %d kB", &kb)
		mem = fmt.Sprintf("%.0f GiB", float64(kb)/1024/1024)
	}
	return fmt.Sprintf("%d cores (%s), %s, %s/%s", runtime.NumCPU(), model, mem, runtime.GOOS, runtime.GOARCH)
}

func findResult(rs []benchResult, phase string) (benchResult, bool) {
	for _, r := range rs {
		if r.Phase == phase {
			return r, true
		}
	}
	return benchResult{}, false
}

func benchRatios(rs []benchResult) []benchRatio {
	var out []benchRatio
	if full, ok := findResult(rs, "crawl-full"); ok {
		if bare, ok := findResult(rs, "crawl-bare"); ok && bare.Metrics["pages_per_s"] > 0 {
			v := full.Metrics["pages_per_s"] / bare.Metrics["pages_per_s"]
			out = append(out, benchRatio{"crawl+score+store vs bare colly (pages/s)", v, ">= 0.8", v >= 0.8})
		}
		out = append(out, benchRatio{"crawl+score+store peak RSS (MB)", full.PeakRSSM, "< 300", full.PeakRSSM < 300})
	}
	if ar, ok := findResult(rs, "crawl-archive"); ok {
		if no, ok := findResult(rs, "crawl-noarchive"); ok && no.Metrics["pages_per_s"] > 0 {
			v := ar.Metrics["pages_per_s"] / no.Metrics["pages_per_s"]
			out = append(out, benchRatio{"crawl with the WARC archive vs without (pages/s)", v, ">= 0.9", v >= 0.9})
		}
		if no, ok := findResult(rs, "crawl-noarchive"); ok && no.Metrics["cpu_ms_per_page"] > 0 {
			v := ar.Metrics["cpu_ms_per_page"] / no.Metrics["cpu_ms_per_page"]
			out = append(out, benchRatio{"CPU time per page with the WARC archive vs without", v, "<= 1.1", v <= 1.1})
		}
		out = append(out, benchRatio{"archive bytes per page (WARC, gzip per record)", ar.Metrics["archive_bytes_per_page"], "report", true})
	}
	if im, ok := findResult(rs, "import"); ok {
		out = append(out, benchRatio{"import --warc (pages/s)", im.Metrics["pages_per_s"], "report", true})
	}
	if po, ok := findResult(rs, "crawl-polite"); ok {
		v := po.Metrics["x_page_bound"]
		out = append(out, benchRatio{"polite crawl time vs politeness bound (pages/site x delay)", v, "report (>= 1 by construction)", v >= 1})
		v = po.Metrics["x_request_bound"]
		out = append(out, benchRatio{"polite crawl time vs request bound (requests/site x delay)", v, "<= 1.2", v <= 1.2})
	}
	if sc, ok := findResult(rs, "score"); ok {
		if pa, ok := findResult(rs, "parse"); ok && sc.Metrics["pages_per_s"] > 0 {
			v := pa.Metrics["pages_per_s"] / sc.Metrics["pages_per_s"]
			out = append(out, benchRatio{"scoring cost vs bare parse (time per page)", v, "<= 2", v <= 2})
		}
	}
	if rv, ok := findResult(rs, "reviews"); ok {
		eq := rv.Metrics["accepted"] == rv.Metrics["stored"]
		out = append(out, benchRatio{"reviews accepted == stored", b2f(eq), "1", eq})
	}
	if cold, ok := findResult(rs, "dashboard-cold"); ok {
		p99 := cold.Metrics["p99_ms"]
		out = append(out, benchRatio{"dashboard p99 ms: " + cold.Subject, p99, "< 100", p99 < 100})
		to := cold.Metrics["timeouts"]
		out = append(out, benchRatio{"dashboard time-outs: " + cold.Subject, to, "0", to == 0})
		out = append(out, benchRatio{fmt.Sprintf("read model heap (MB), %d councils x %d runs", int(cold.Metrics["councils"]), benchDashRuns), cold.Metrics["readmodel_mb"], "report", true})
		out = append(out, benchRatio{"read model build (ms)", cold.Metrics["readmodel_build_ms"], "report", true})
		for _, r := range rs {
			if r.Phase == "dashboard" && strings.HasPrefix(r.Subject, "council page") && cold.Metrics["req_per_s"] > 0 {
				v := r.Metrics["req_per_s"] / cold.Metrics["req_per_s"]
				out = append(out, benchRatio{"requests/s: one council page over the cold rotation", v, "<= 2", v <= 2})
			}
		}
	}
	for _, r := range rs {
		if r.Phase == "export" && r.Metrics["size_vs_csv"] > 0 {
			out = append(out, benchRatio{"export size vs CSV: " + r.Subject, r.Metrics["size_vs_csv"], "report", true})
			out = append(out, benchRatio{"export time vs CSV: " + r.Subject, r.Metrics["time_vs_csv"], "report", true})
		}
	}
	for _, r := range rs {
		if r.Phase == "dashboard" {
			// The target is for the league table and council pages;
			// a full export is reported, with no target.
			p99 := r.Metrics["p99_ms"]
			if strings.HasPrefix(r.Subject, "export") {
				out = append(out, benchRatio{"dashboard p99 ms: " + r.Subject, p99, "report", true})
				continue
			}
			out = append(out, benchRatio{"dashboard p99 ms: " + r.Subject, p99, "< 100", p99 < 100})
		}
	}
	return out
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func printBench(w io.Writer, rep benchReport) {
	fmt.Fprintf(w, "councildash bench, %s\nmachine: %s; %s; ClickHouse %s; took %s\n\n", rep.When.Format(time.RFC3339), rep.Machine, rep.Go, rep.CH, rep.Elapsed)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PHASE\tSUBJECT\tMETRICS\tPEAK RSS")
	for _, r := range rep.Results {
		keys := make([]string, 0, len(r.Metrics))
		for k := range r.Metrics {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s=%s", k, fmtNum(r.Metrics[k])))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.0f MB\n", r.Phase, r.Subject, strings.Join(parts, " "), r.PeakRSSM)
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "COMPARISON\tVALUE\tTARGET\tMET")
	for _, r := range rep.Ratios {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%v\n", r.Name, fmtNum(r.Value), r.Target, r.Met)
	}
	tw.Flush()
}

func fmtNum(v float64) string {
	switch {
	case v == float64(int64(v)) && v < 1e12:
		return fmt.Sprintf("%d", int64(v))
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

// cmdBenchPhase is the child side of runPhase: it runs one phase and prints
// its results as JSON on stdout.
func cmdBenchPhase(ctx context.Context, env *Env, args []string) error {
	var db dbFlags
	var bf benchFlags
	var phase string
	fs := newFlags(env, "bench-phase", "bench-phase --phase NAME (internal: used by bench)")
	db.bind(fs, env)
	fs.StringVar(&phase, "phase", "", "phase")
	fs.IntVar(&bf.sites, "sites", 400, "")
	fs.IntVar(&bf.pages, "pages", 100, "")
	fs.IntVar(&bf.parallel, "parallel", 64, "")
	fs.DurationVar(&bf.loadFor, "load-for", 30*time.Second, "")
	fs.IntVar(&bf.conns, "conns", 200, "")
	bf.scaleFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	var res []benchResult
	var err error
	switch phase {
	case "crawl-bare":
		res, err = benchCrawlBare(ctx, bf)
	case "crawl-full":
		res, err = benchCrawlFull(ctx, env, db, bf)
	case "crawl-polite":
		res, err = benchCrawlPolite(ctx)
	case "archive":
		res, err = benchArchive(ctx, env, db, bf)
	case "scoring":
		res, err = benchScoring()
	case "insert":
		res, err = benchInsert(ctx, env, db)
	case "dashboard":
		res, err = benchDashboard(ctx, env, db, bf)
	case "dashboard-cold":
		res, err = benchDashboardCold(ctx, env, db, bf)
	case "reviews":
		res, err = benchReviews(ctx, env, db, bf)
	case "export":
		res, err = benchExport(ctx, env, db)
	case "scale-400":
		res, err = benchScaleCrawl(ctx, env, db, bf, 400)
	case "scale-10k":
		res, err = benchScaleCrawl(ctx, env, db, bf, bf.scaleSites)
	case "scale-dashboard":
		res, err = benchScaleDashboard(ctx, env, db, bf)
	case "cluster":
		res, err = benchCluster(ctx, env, db, bf)
	default:
		return fmt.Errorf("unknown phase %q", phase)
	}
	if err != nil {
		return err
	}
	return json.NewEncoder(env.Stdout).Encode(res)
}

func benchWeb(bf benchFlags) (*demoweb.Web, error) {
	shared := demoweb.SharedPagesDir()
	if _, err := os.Stat(shared); err != nil {
		shared = ""
	}
	return demoweb.NewWeb(demoweb.Options{Sites: bf.sites, PagesPerSite: bf.pages, Seed: 7, SharedDir: shared})
}

func benchCrawlBare(ctx context.Context, bf benchFlags) ([]benchResult, error) {
	web, err := benchWeb(bf)
	if err != nil {
		return nil, err
	}
	defer web.Close()
	start := time.Now()
	pages, bytes, err := demoweb.BareCollyCrawl(ctx, web.Sites, web.Resolve, bf.parallel)
	if err != nil {
		return nil, err
	}
	el := time.Since(start).Seconds()
	return []benchResult{{Phase: "crawl-bare", Subject: fmt.Sprintf("bare colly, %d sites x %d pages, fetch only", bf.sites, bf.pages),
		Metrics: map[string]float64{"pages": float64(pages), "pages_per_s": float64(pages) / el, "mb_per_s": float64(bytes) / 1e6 / el, "seconds": el}}}, nil
}

func benchCrawlFull(ctx context.Context, env *Env, db dbFlags, bf benchFlags) ([]benchResult, error) {
	web, err := benchWeb(bf)
	if err != nil {
		return nil, err
	}
	defer web.Close()
	store, _, err := db.open(ctx, env)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	cfg := crawler.DefaultConfig()
	cfg.Resolve = web.Resolve
	cfg.Delay = 0
	cfg.Parallel = bf.parallel
	cfg.MaxPages = bf.pages
	cfg.MaxDepth = 100 // reach every page, as the bare crawler does
	cfg.MaxLinkChecks = 0
	cfg.ExternalLinkSample = 0
	cfg.SearchQueries = nil
	start := time.Now()
	_, stats, err := runCrawl(ctx, env, store, crawlJob{sites: web.Sites, cfg: cfg, label: "bench"})
	if err != nil {
		return nil, err
	}
	el := time.Since(start).Seconds()
	return []benchResult{{Phase: "crawl-full", Subject: fmt.Sprintf("councildash crawl+score+store, %d sites x %d pages", bf.sites, bf.pages),
		Metrics: map[string]float64{"pages": float64(stats.Pages), "pages_per_s": float64(stats.Pages) / el, "mb_per_s": float64(stats.Bytes) / 1e6 / el, "seconds": el}}}, nil
}

// benchCrawlPolite measures how close a polite crawl (default 1 s delay per
// host) comes to its bound: with one request at a time per host, a site of N
// requests cannot take less than N x delay. 8 sites of 10 pages behind 50 ms
// of simulated network latency.
func benchCrawlPolite(ctx context.Context) ([]benchResult, error) {
	const sites, pages = 8, 10
	web, err := demoweb.NewWeb(demoweb.Options{Sites: sites, PagesPerSite: pages, Seed: 7, Latency: 50 * time.Millisecond})
	if err != nil {
		return nil, err
	}
	defer web.Close()
	cfg := crawler.DefaultConfig()
	cfg.Resolve = web.Resolve
	cfg.Parallel = sites
	cfg.MaxPages = pages
	c, err := crawler.New(cfg, demoweb.NopSink{})
	if err != nil {
		return nil, err
	}
	st, err := c.Run(ctx, web.Sites)
	if err != nil {
		return nil, err
	}
	reqs := web.SiteRequests()
	el := st.Elapsed.Seconds()
	pageBound := float64(st.Pages) / sites * cfg.Delay.Seconds()
	reqBound := float64(reqs) / sites * cfg.Delay.Seconds()
	return []benchResult{{Phase: "crawl-polite", Subject: fmt.Sprintf("polite crawl, %d sites x %d pages, %s delay per host, 50 ms latency", sites, pages, cfg.Delay),
		Metrics: map[string]float64{"seconds": el, "requests_per_site": float64(reqs) / sites, "x_page_bound": el / pageBound, "x_request_bound": el / reqBound}}}, nil
}

// benchScoring times the bare goquery parse (the floor) and the full page
// scorer over the real shared pages, on one core, in alternating passes so
// both see the same machine; each reports its median pass.
func benchScoring() ([]benchResult, error) {
	dir := demoweb.SharedPagesDir()
	pages, err := demoweb.LoadSharedPages(dir)
	if err != nil || len(pages) == 0 {
		return nil, fmt.Errorf("the scoring bench needs the real pages in %s: %v", dir, err)
	}
	bodies := make([][]byte, 0, len(pages))
	var total int64
	for _, p := range pages {
		b, err := os.ReadFile(p.File)
		if err != nil {
			return nil, err
		}
		bodies = append(bodies, b)
		total += int64(len(b))
	}
	engine := scoring.NewEngine(scoring.CurrentMethod())
	parsePass := func() (time.Duration, error) {
		start := time.Now()
		for _, b := range bodies {
			if _, err := goquery.NewDocumentFromReader(bytes.NewReader(b)); err != nil {
				return 0, err
			}
		}
		return time.Since(start), nil
	}
	scorePass := func() time.Duration {
		start := time.Now()
		for i, b := range bodies {
			u := fmt.Sprintf("https://bench.example/%d", i)
			engine.ScorePage(scoring.PageInput{URL: u, FinalURL: u, Status: 200, IsHTML: true, ContentType: "text/html", Body: b, Bytes: int64(len(b))})
		}
		return time.Since(start)
	}
	const passes = 15
	var parseT, scoreT []time.Duration
	for range passes {
		d, err := parsePass()
		if err != nil {
			return nil, err
		}
		parseT = append(parseT, d)
		scoreT = append(scoreT, scorePass())
	}
	median := func(ds []time.Duration) float64 {
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[len(ds)/2].Seconds()
	}
	n := float64(len(bodies))
	res := func(phase, subject string, el float64) benchResult {
		return benchResult{Phase: phase, Subject: subject, Metrics: map[string]float64{
			"pages_per_s": n / el, "mb_per_s": float64(total) / 1e6 / el, "pages": n, "passes": passes}}
	}
	return []benchResult{
		res("parse", "bare goquery parse of the real pages (floor), 1 core, median of 15 passes", median(parseT)),
		res("score", "full page scoring of the real pages, 1 core, median of 15 passes alternating with the parse", median(scoreT)),
	}, nil
}

func benchInsert(ctx context.Context, env *Env, db dbFlags) ([]benchResult, error) {
	store, _, err := db.open(ctx, env)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	const n = 1_000_000
	el, err := insertBenchFindings(ctx, store, n, func(i int) string { return fmt.Sprintf("B%03d", i%400) })
	if err != nil {
		return nil, err
	}
	return []benchResult{{Phase: "insert", Subject: "ClickHouse: 1M findings in batches of 50k, read back and counted",
		Metrics: map[string]float64{"rows": n, "rows_per_s": n / el, "seconds": el}}}, nil
}

// insertBenchFindings writes n findings to a new run through the batching
// writer, as a crawl does (batches of 1,000, flushed every 50,000 rows),
// council(i) naming the council of finding i; it reads the count back and
// returns the seconds the writes took.
func insertBenchFindings(ctx context.Context, store *data.Store, n uint64, council func(i int) string) (float64, error) {
	run, err := store.CreateRun(ctx, "bench", "{}", "bench insert", 0, time.Time{})
	if err != nil {
		return 0, err
	}
	w := store.NewWriter(data.WriterOptions{FlushRows: 50000})
	sink := data.NewRunSink(w, run.ID, "bench")
	batch := make([]scoring.Finding, 0, 1000)
	start := time.Now()
	for i := range int(n) {
		batch = append(batch, scoring.Finding{CheckID: "lgd-ampersand", Category: scoring.CatContent, Severity: scoring.SevWarning,
			URL: fmt.Sprintf("https://c%d.example/p/%d", i%400, i), Snippet: "Planning & building control", Matched: []string{"&"}})
		if len(batch) == cap(batch) {
			if err := sink.Findings(ctx, council(i), batch); err != nil {
				return 0, err
			}
			batch = batch[:0]
		}
	}
	if err := w.Close(ctx); err != nil {
		return 0, err
	}
	el := time.Since(start).Seconds()
	counts, err := store.FindingCounts(ctx, run.ID)
	if err != nil {
		return 0, err
	}
	if counts["lgd-ampersand"] != n {
		return 0, fmt.Errorf("inserted %d findings, read back %d", n, counts["lgd-ampersand"])
	}
	return el, nil
}

var errPhaseNotReady = errors.New("phase not available yet")
