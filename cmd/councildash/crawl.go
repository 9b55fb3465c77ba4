package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/archive"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// crawlFlags are the crawl settings shared by `crawl`, `serve --crawl` and `demo`.
type crawlFlags struct {
	councils, nation, tier, region string
	limit                          int
	shard                          string
	resume                         string
	run                            string
	label                          string
	cfg                            crawler.Config
	resolve                        stringList
	resolveFile                    string
	archive                        archiveFlags
}

func (f *crawlFlags) bind(fs *flag.FlagSet, env *Env) {
	f.cfg = crawler.DefaultConfig()
	f.cfg.SearchQueries = searchQueries()
	fs.StringVar(&f.councils, "council", "", "only these council codes (comma-separated)")
	fs.StringVar(&f.nation, "nation", "", "only councils in this nation")
	fs.StringVar(&f.tier, "tier", "", "only councils of this tier (county, district, unitary)")
	fs.StringVar(&f.region, "region", "", "only councils in this region")
	fs.IntVar(&f.limit, "limit", 0, "crawl at most this many councils (0: all)")
	fs.StringVar(&f.shard, "shard", "", "i/n: crawl only the councils in shard i of n (0-based), so n machines split one run")
	fs.StringVar(&f.resume, "resume", "", "continue run RUN_ID: councils already finished are not fetched again")
	fs.StringVar(&f.run, "run", "", "create or join run RUN_ID: n processes started with --run RUN_ID --shard i/n add to one run, finished when every shard has reported (councils already finished in it are skipped)")
	fs.StringVar(&f.label, "label", "", "a label stored with the run")
	fs.IntVar(&f.cfg.Parallel, "parallel", envInt(env, "COUNCILDASH_PARALLEL", f.cfg.Parallel), "sites crawled at once (env COUNCILDASH_PARALLEL)")
	fs.IntVar(&f.cfg.MaxPages, "max-pages", envInt(env, "COUNCILDASH_MAX_PAGES", f.cfg.MaxPages), "page budget per site (env COUNCILDASH_MAX_PAGES)")
	fs.IntVar(&f.cfg.MaxDepth, "max-depth", f.cfg.MaxDepth, "maximum clicks from the home page")
	fs.DurationVar(&f.cfg.Delay, "delay", envDuration(env, "COUNCILDASH_DELAY", f.cfg.Delay), "pause between requests to one site; a larger robots.txt Crawl-delay wins (env COUNCILDASH_DELAY)")
	fs.DurationVar(&f.cfg.Timeout, "timeout", f.cfg.Timeout, "per-request timeout")
	fs.Int64Var(&f.cfg.MaxBody, "max-body", f.cfg.MaxBody, "body cap in bytes; larger pages are marked too-large")
	fs.IntVar(&f.cfg.MaxRedirects, "max-redirects", f.cfg.MaxRedirects, "redirect cap per fetch")
	fs.IntVar(&f.cfg.MaxLinkChecks, "max-link-checks", f.cfg.MaxLinkChecks, "internal links checked per site")
	fs.IntVar(&f.cfg.ExternalLinkSample, "external-links", f.cfg.ExternalLinkSample, "external links checked per site (a sample)")
	fs.BoolVar(&f.cfg.AllowSubdomains, "subdomains", false, "treat subdomains of a council's domain as the same site")
	fs.Var(&f.resolve, "resolve", "host=ip:port DNS override, repeatable; '*=127.0.0.1:8081' sends every host there (tests, offline demo)")
	fs.StringVar(&f.resolveFile, "resolve-file", "", "file of host=ip:port lines")
	f.archive.bind(fs, env)
}

func envInt(env *Env, key string, def int) int {
	if v, err := strconv.Atoi(env.Getenv(key)); err == nil {
		return v
	}
	return def
}

func envDuration(env *Env, key string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(env.Getenv(key)); err == nil {
		return v
	}
	return def
}

// resolveMap builds the DNS override from the flags.
func (f *crawlFlags) resolveMap() (map[string]string, error) {
	m, err := crawler.ParseResolve(f.resolve)
	if err != nil {
		return nil, err
	}
	if f.resolveFile != "" {
		fh, err := os.Open(f.resolveFile)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		more, err := crawler.ReadResolve(fh)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.resolveFile, err)
		}
		if m == nil {
			m = map[string]string{}
		}
		for k, v := range more {
			m[k] = v
		}
	}
	return m, nil
}

// selectSites applies the council filters, limit and shard to the register.
// The limit applies before the shard, so n shards split one selection.
func (f *crawlFlags) selectSites(reg []data.Council) ([]crawler.Site, error) {
	sites, _, err := f.selectShard(reg)
	return sites, err
}

// selectShard is selectSites that also counts the whole selection (every
// shard's sites: a sharded run's size).
func (f *crawlFlags) selectShard(reg []data.Council) ([]crawler.Site, int, error) {
	filter := data.CouncilFilter{Nation: f.nation, Tier: f.tier, Region: f.region}
	if f.councils != "" {
		filter.Codes = strings.Split(f.councils, ",")
	}
	shardI, shardN, err := f.shardOf()
	if err != nil {
		return nil, 0, err
	}
	var sites []crawler.Site
	total := 0
	for _, c := range data.FilterCouncils(reg, filter) {
		if f.limit > 0 && total >= f.limit {
			break
		}
		total++
		if shardN > 1 && !crawler.InShard(c.Code, shardI, shardN) {
			continue
		}
		sites = append(sites, crawler.Site{Council: c.Code, Name: c.Name, HomeURL: c.HomepageURL})
	}
	if len(sites) == 0 {
		return nil, 0, errors.New("no councils match the filters")
	}
	return sites, total, nil
}

// shardOf parses --shard i/n (0/1 when not given).
func (f *crawlFlags) shardOf() (int, int, error) {
	shardI, shardN := 0, 1
	if f.shard != "" {
		if _, err := fmt.Sscanf(f.shard, "%d/%d", &shardI, &shardN); err != nil || shardN < 1 || shardI < 0 || shardI >= shardN || shardN > 1000 {
			return 0, 0, fmt.Errorf("--shard %q: want i/n with 0 <= i < n <= 1000", f.shard)
		}
	}
	return shardI, shardN, nil
}

// searchQueries are the words the crawler types into each site's own search:
// one per top task, in residents' words.
func searchQueries() []string {
	var qs []string
	for _, t := range scoring.Tasks() {
		if len(t.Words) > 0 {
			qs = append(qs, t.Words[0])
		}
	}
	return qs
}

// crawlJob is one crawl run to execute.
type crawlJob struct {
	sites     []crawler.Site
	cfg       crawler.Config
	resume    string // run id to continue, or ""
	label     string
	startedAt time.Time // zero: now; an import is dated by its captures
	// demo marks a run of the offline demo: the run is stored as a demo
	// run (its rows are demo data) and the pipeline honours the web's
	// filler mark. simulated marks a demo run kept only to show a trend
	// (its settings say so).
	demo, simulated bool
	now             func() time.Time
	// onStart is told the run and the crawler once they exist (the dashboard shows progress).
	onStart func(data.Run, *crawler.Crawler)
	// archiveDir is the folder of the run's WARC files ("": no archive);
	// archiveShard (the --shard flag, i/n) names this process's part of
	// the run in their names, so each shard writes its own files.
	archiveDir   string
	archiveShard string
	// wrapRecorder, when set, wraps the archive writer (tests make it fail
	// as a full disk does).
	wrapRecorder func(archive.Recorder) archive.Recorder
	// imported is the root folder of the WARC files an import crawls
	// (cfg.Source answers from them); "" for a crawl of the web.
	imported string
	// A sharded run (crawl_shard.go): runID names the run to create or
	// join, shard and shards say which part this process crawls, and
	// sitesTotal counts every shard's sites. shards 0: not sharded.
	runID         string
	shard, shards int
	sitesTotal    int
}

// interruptedFlush bounds the flush of an interrupted crawl.
const interruptedFlush = time.Minute

// runCrawl crawls, scores and stores one run. On cancellation it flushes what
// was fetched and marks the run interrupted, so it can be resumed.
func runCrawl(ctx context.Context, env *Env, store *data.Store, job crawlJob) (data.Run, crawler.Stats, error) {
	method := scoring.CurrentMethod()
	if job.now == nil {
		job.now = time.Now
	}
	var run data.Run
	var err error
	if job.runID != "" || job.shards > 0 {
		if run, err = joinRun(ctx, env, store, &job, method.Version); err != nil {
			return run, crawler.Stats{}, err
		}
	} else if job.resume != "" {
		if run, err = store.GetRun(ctx, job.resume); err != nil {
			return run, crawler.Stats{}, err
		}
		if run.Source == data.RunSourceWARC {
			return run, crawler.Stats{}, fmt.Errorf("run %s is an import of WARC files: import them again (councildash import --warc)", run.ID)
		}
		if len(run.Shards) > 0 {
			return run, crawler.Stats{}, fmt.Errorf("run %s is crawled in %d shards: resume each with --resume %s --shard i/%d", run.ID, run.Shards[0].Shards, run.ID, run.Shards[0].Shards)
		}
		done, err := store.FinishedSites(ctx, run.ID)
		if err != nil {
			return run, crawler.Stats{}, err
		}
		job.cfg.Skip = map[string]bool{}
		for code := range done {
			job.cfg.Skip[code] = true
		}
		env.Logger.Info("resuming run", "run", run.ID, "sites_done", len(done), "sites", len(job.sites))
	} else {
		st := map[string]any{
			"max_pages": job.cfg.MaxPages, "max_depth": job.cfg.MaxDepth, "delay": job.cfg.Delay.String(),
			"parallel": job.cfg.Parallel, "max_body": job.cfg.MaxBody, "user_agent": job.cfg.UserAgent,
		}
		if job.demo && job.simulated {
			st["simulated"] = true
		}
		settings, _ := json.Marshal(st)
		create := store.CreateRun
		if job.demo {
			create = store.CreateDemoRun
		}
		if run, err = create(ctx, method.Version, string(settings), job.label, len(job.sites), job.startedAt); err != nil {
			return run, crawler.Stats{}, err
		}
		env.Logger.Info("crawl run started", "run", run.ID, "sites", len(job.sites), "method", method.Version)
	}
	if len(job.cfg.SearchQueries) == 0 {
		job.cfg.SearchQueries = searchQueries()
	}
	if job.cfg.Logger == nil {
		job.cfg.Logger = env.Logger
	}

	warc, err := startArchive(ctx, env, store, &run, &job, method.Version)
	if err != nil {
		_ = store.SetRunStatus(context.WithoutCancel(ctx), run.ID, data.RunInterrupted, time.Time{})
		return run, crawler.Stats{}, archiveStopped(run.ID, err)
	}

	w := store.NewWriter(data.WriterOptions{Logger: env.Logger})
	sink := newScoringSink(scoring.NewEngine(method), data.NewRunSink(w, run.ID, method.Version), job.sites, job.now)
	sink.demo = job.demo || run.Demo // a resumed demo run too
	c, err := crawler.New(job.cfg, sink)
	if err != nil {
		_ = w.Close(ctx)
		if warc != nil {
			_ = warc.Close()
		}
		return run, crawler.Stats{}, err
	}
	if job.onStart != nil {
		job.onStart(run, c)
	}
	var shard *shardReporter
	if job.shards > 0 {
		shard = startShardReporter(ctx, env, store, run.ID, job, c)
	}
	stats, crawlErr := c.Run(ctx, job.sites)
	// The archive first: its files are finished (and a record cut short by
	// a failure cut off) before the rows pointing into them are flushed.
	var archErr error
	if warc != nil {
		if err := warc.Close(); err != nil && !errors.Is(crawlErr, archive.ErrWrite) {
			archErr = err
		}
		if errors.Is(crawlErr, archive.ErrWrite) {
			archErr, crawlErr = crawlErr, nil
		}
		st := warc.Stats()
		env.Logger.Info("archive written", "run", run.ID, "fetches", st.Fetches, "bytes", st.Bytes, "files", len(warc.Files()))
	}
	// Everything the crawler delivered is in the writer: flush it even when
	// the context was cancelled (Ctrl-C), but then give a database that is
	// away a minute, not the writer's full RetryMax.
	closeCtx := context.WithoutCancel(ctx)
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		closeCtx, cancel = context.WithTimeout(closeCtx, interruptedFlush)
		defer cancel()
	}
	flushErr := w.Close(closeCtx)
	status := data.RunFinished
	switch {
	case flushErr != nil:
		status = data.RunFailed
	case ctx.Err() != nil, archErr != nil:
		status = data.RunInterrupted
	case crawlErr != nil:
		status = data.RunFailed
	}
	finished := time.Time{} // now
	if !job.startedAt.IsZero() && !job.demo {
		// An import dated by its captures ends as long after them as it
		// took. A demo run (its captures made moments ago) ends when it
		// ends: its times are real.
		finished = job.startedAt.Add(stats.Elapsed)
	}
	if shard != nil {
		// A shard reports its own end; the run ends with its last shard.
		if status, err = shard.finish(context.WithoutCancel(ctx), status, stats); err != nil && flushErr == nil {
			flushErr = err
		}
	} else if err := store.SetRunStatus(context.WithoutCancel(ctx), run.ID, status, finished); err != nil && flushErr == nil {
		flushErr = err
	}
	run.Status = status
	env.Logger.Info("crawl run ended", "run", run.ID, "status", status, "sites", stats.SitesDone,
		"pages", stats.Pages, "errors", stats.PageErrors, "elapsed", stats.Elapsed.Round(time.Millisecond))
	if flushErr != nil {
		return run, stats, fmt.Errorf("storing results: %w", flushErr)
	}
	if archErr != nil && ctx.Err() == nil {
		return run, stats, archiveStopped(run.ID, archErr)
	}
	if crawlErr != nil && ctx.Err() == nil {
		return run, stats, crawlErr
	}
	return run, stats, ctx.Err()
}

func cmdCrawl(ctx context.Context, env *Env, args []string) error {
	var db dbFlags
	var cf crawlFlags
	fs := newFlags(env, "crawl", "crawl [--council CODES] [--nation N] [--limit N] [--max-pages 100] [--delay 1s] [--parallel 64] [--resume RUN_ID] [--run RUN_ID] [--shard i/n]")
	db.bind(fs, env)
	cf.bind(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	res, err := cf.resolveMap()
	if err != nil {
		return err
	}
	cf.cfg.Resolve = res
	cf.cfg.Progress = env.Stderr
	store, reg, err := db.open(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	sites, total, err := cf.selectShard(reg)
	if err != nil {
		return err
	}
	dir, err := cf.archive.folder()
	if err != nil {
		return err
	}
	job := crawlJob{sites: sites, cfg: cf.cfg, resume: cf.resume, label: cf.label, archiveDir: dir, archiveShard: cf.shard}
	if err := cf.shardJob(&job, total); err != nil {
		return err
	}
	run, stats, err := runCrawl(ctx, env, store, job)
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(env.Stdout, "interrupted: %d sites finished, %d pages stored. Continue with: councildash crawl --resume %s%s\n", stats.SitesDone, stats.Pages, run.ID, cf.shardArg())
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "run %s %s: %d sites, %d pages (%d errors), %.1f MB in %s (%.1f pages/s)\n",
		run.ID, run.Status, stats.SitesDone, stats.Pages, stats.PageErrors, float64(stats.Bytes)/1e6,
		stats.Elapsed.Round(time.Second), stats.PagesPerSecond())
	return nil
}
