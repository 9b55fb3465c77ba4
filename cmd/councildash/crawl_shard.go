package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/data"
)

// A sharded run: `councildash crawl --run RUN_ID --shard i/n` on n
// processes (or machines) adds to one run. Each process crawls the
// councils of its shard (crawler.InShard), creates the run if it is the
// first, skips the councils already finished in it (so running a shard
// again, or --resume RUN_ID --shard i/n, continues it) and reports its
// shard's state and progress (data.Store.ReportShard) as it goes. The run
// is finished when every shard has reported finished: the last shard to
// finish marks it so, and the run's status is worked out from the shards'
// reports in the meantime (data.ShardedStatus), so the dashboard shows the
// run's progress across shards.

// shardReportEvery is how often a crawling shard reports its progress.
const shardReportEvery = 5 * time.Second

// shardJob fills a job's sharding from the flags; total counts every
// shard's sites.
func (f *crawlFlags) shardJob(job *crawlJob, total int) error {
	i, n, err := f.shardOf()
	if err != nil {
		return err
	}
	if f.run != "" && f.resume != "" {
		return errors.New("give --run RUN_ID (create or join a run) or --resume RUN_ID (continue one), not both")
	}
	if n > 1 && f.run == "" && f.resume == "" {
		return errors.New("--shard i/n needs --run RUN_ID (the same on every shard): the n shards add to one run")
	}
	if f.run != "" {
		if !data.ValidRunID(f.run) {
			return fmt.Errorf("--run %q: use letters, digits, '.', '_' and '-' (up to 64)", f.run)
		}
		job.runID = f.run
	}
	if f.run != "" || n > 1 {
		job.shard, job.shards, job.sitesTotal = i, n, total
	}
	return nil
}

// shardArg is the --shard flag to repeat in a --resume hint.
func (f *crawlFlags) shardArg() string {
	if f.shard == "" {
		return ""
	}
	return " --shard " + f.shard
}

// joinRun creates or joins the run of a sharded job and sets the job to
// skip the councils already finished in it.
func joinRun(ctx context.Context, env *Env, store *data.Store, job *crawlJob, method string) (data.Run, error) {
	id := job.runID
	if id == "" {
		id = job.resume
	}
	run, err := store.GetRun(ctx, id)
	switch {
	case err == nil:
		if run.Source == data.RunSourceWARC {
			return run, fmt.Errorf("run %s is an import of WARC files: import them again (councildash import --warc)", run.ID)
		}
		for _, sh := range run.Shards {
			if sh.Shards != job.shards {
				return run, fmt.Errorf("run %s is crawled in %d shards: join it with --shard i/%d", id, sh.Shards, sh.Shards)
			}
		}
	case errors.Is(err, data.ErrNotFound) && job.resume == "":
		settings, _ := json.Marshal(map[string]any{
			"max_pages": job.cfg.MaxPages, "max_depth": job.cfg.MaxDepth, "delay": job.cfg.Delay.String(),
			"parallel": job.cfg.Parallel, "max_body": job.cfg.MaxBody, "user_agent": job.cfg.UserAgent,
			"shards": job.shards,
		})
		if run, err = store.CreateRunWithID(ctx, id, method, string(settings), job.label, job.sitesTotal, job.startedAt); err != nil {
			return run, err
		}
		env.Logger.Info("sharded run started", "run", run.ID, "shard", fmt.Sprintf("%d/%d", job.shard, job.shards), "sites", len(job.sites), "sites_in_run", job.sitesTotal)
		return run, nil
	default:
		return run, err
	}
	done, err := store.FinishedSites(ctx, run.ID)
	if err != nil {
		return run, err
	}
	job.cfg.Skip = map[string]bool{}
	for code := range done {
		job.cfg.Skip[code] = true
	}
	env.Logger.Info("joining run", "run", run.ID, "shard", fmt.Sprintf("%d/%d", job.shard, job.shards), "sites_done_in_run", len(done), "sites", len(job.sites))
	return run, nil
}

// shardReporter reports one shard's state and progress while it crawls.
type shardReporter struct {
	env     *Env
	store   *data.Store
	runID   string
	base    data.RunShard
	c       *crawler.Crawler
	stop    chan struct{}
	stopped sync.WaitGroup
}

// startShardReporter reports the shard running, then its progress every
// shardReportEvery until finish.
func startShardReporter(ctx context.Context, env *Env, store *data.Store, runID string, job crawlJob, c *crawler.Crawler) *shardReporter {
	host, _ := os.Hostname()
	r := &shardReporter{env: env, store: store, runID: runID, c: c, stop: make(chan struct{}),
		base: data.RunShard{Shard: job.shard, Shards: job.shards, Sites: len(job.sites), Host: host, StartedAt: time.Now().UTC()}}
	r.report(ctx, data.RunRunning, c.Progress())
	r.stopped.Add(1)
	go func() {
		defer r.stopped.Done()
		t := time.NewTicker(shardReportEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				r.report(ctx, data.RunRunning, c.Progress())
			case <-r.stop:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return r
}

func (r *shardReporter) state(status string, st crawler.Stats) data.RunShard {
	sh := r.base
	sh.Status, sh.UpdatedAt = status, time.Now().UTC()
	sh.SitesDone = st.SitesSkipped + st.SitesDone
	sh.Pages, sh.PageErrors = st.Pages, st.PageErrors
	return sh
}

// report stores a progress report; a failure is logged (the next one may
// get through; the final one is retried).
func (r *shardReporter) report(ctx context.Context, status string, st crawler.Stats) {
	if err := r.store.ReportShard(ctx, r.runID, r.state(status, st)); err != nil {
		r.env.Logger.Warn("shard progress not stored", "run", r.runID, "err", err)
	}
}

// finish reports the shard's end (retried while ClickHouse is away, up to
// interruptedFlush) and, when every shard of the run has finished, marks
// the run finished. It returns the shard's status.
func (r *shardReporter) finish(ctx context.Context, status string, st crawler.Stats) (string, error) {
	close(r.stop)
	r.stopped.Wait()
	sh := r.state(status, st)
	deadline := time.Now().Add(interruptedFlush)
	backoff := 250 * time.Millisecond
	for {
		err := r.store.ReportShard(ctx, r.runID, sh)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			return status, fmt.Errorf("report shard %d/%d: %w", sh.Shard, sh.Shards, err)
		}
		r.env.Logger.Warn("shard end not stored; will retry", "run", r.runID, "err", err)
		time.Sleep(backoff)
		backoff = min(2*backoff, 5*time.Second)
	}
	if status != data.RunFinished {
		return status, nil
	}
	all, err := r.store.ShardsFinished(ctx, r.runID)
	if err != nil {
		return status, err
	}
	if all {
		// Every shard reports first and checks after, so the last of them
		// to finish sees all the others' reports and marks the run.
		r.env.Logger.Info("every shard of the run has finished", "run", r.runID, "shards", sh.Shards)
		return status, r.store.SetRunStatus(ctx, r.runID, data.RunFinished, time.Time{})
	}
	return status, nil
}
