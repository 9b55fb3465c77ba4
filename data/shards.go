package data

import (
	"context"
	"fmt"
	"regexp"
	"time"
)

// Sharded runs (migration 0008): n crawler processes, each started with
// `crawl --run RUN_ID --shard i/n`, add to one run. Each reports its
// shard's state and progress in crawl_run_shards; a run with shard reports
// takes its status from them (Runs): finished once every one of its n
// shards has reported finished, running while any runs or any has not
// reported yet, else failed (one failed) or interrupted.

// RunShard is one crawler shard's latest report on a run.
type RunShard struct {
	Shard      int       `json:"shard"` // 0-based
	Shards     int       `json:"shards"`
	Status     string    `json:"status"`
	Sites      int       `json:"sites"`      // sites this shard crawls
	SitesDone  int       `json:"sites_done"` // finished so far (earlier attempts of a resumed shard included)
	Pages      int64     `json:"pages"`      // fetched by its latest process
	PageErrors int64     `json:"page_errors"`
	Host       string    `json:"-"` // the crawler's machine (not published)
	StartedAt  time.Time `json:"started_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Nth is the shard's number counted from 1, as people count.
func (r RunShard) Nth() int { return r.Shard + 1 }

var validRunID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// ValidRunID reports whether id can name a run given on the command line
// (letters, digits, '.', '_' and '-', up to 64).
func ValidRunID(id string) bool { return validRunID.MatchString(id) }

// CreateRunWithID records a new run with a given id (a sharded run that n
// processes join by its id). Two processes may both create it: the rows
// agree but for their start time, and a run's start is the earliest.
func (s *Store) CreateRunWithID(ctx context.Context, id, methodVersion, settings, label string, sitesTotal int, startedAt time.Time) (Run, error) {
	if !ValidRunID(id) {
		return Run{}, fmt.Errorf("run id %q: use letters, digits, '.', '_' and '-' (up to 64)", id)
	}
	if startedAt.IsZero() {
		startedAt = time.Now().UTC()
	}
	r := Run{ID: id, Status: RunRunning, StartedAt: startedAt.UTC().Truncate(time.Second),
		MethodVersion: methodVersion, Settings: settings, Label: label, SitesTotal: sitesTotal}
	if err := s.putRun(ctx, r); err != nil {
		return Run{}, err
	}
	return r, nil
}

const (
	sqlInsertRunShard = `INSERT INTO crawl_run_shards (run_id, shard, shards, status, sites, sites_done, pages, page_errors, host, started_at, updated_at, version)`
	sqlRunShards      = `SELECT run_id, shard, argMax(shards, version), argMax(status, version), argMax(sites, version), argMax(sites_done, version),
       argMax(pages, version), argMax(page_errors, version), argMax(host, version), argMax(started_at, version), argMax(updated_at, version)
FROM crawl_run_shards
WHERE has(?, run_id)
GROUP BY run_id, shard
ORDER BY run_id, shard
LIMIT 100000`
)

// ReportShard appends a shard's state and progress on a run.
func (s *Store) ReportShard(ctx context.Context, runID string, sh RunShard) error {
	if sh.Shards < 1 || sh.Shard < 0 || sh.Shard >= sh.Shards || sh.Shards > 65535 {
		return fmt.Errorf("report shard %d/%d: want 0 <= i < n", sh.Shard, sh.Shards)
	}
	switch sh.Status {
	case RunRunning, RunFinished, RunInterrupted, RunFailed:
	default:
		return fmt.Errorf("report shard: status %q", sh.Status)
	}
	if err := s.insertRows(ctx, sqlInsertRunShard, []any{runID, uint16(sh.Shard), uint16(sh.Shards), sh.Status,
		uint32(max(sh.Sites, 0)), uint32(max(sh.SitesDone, 0)), uint64(max(sh.Pages, 0)), uint64(max(sh.PageErrors, 0)),
		sh.Host, nz(sh.StartedAt), nz(sh.UpdatedAt), s.nextVersion()}); err != nil {
		return fmt.Errorf("%w: report shard: %v", ErrUnavailable, err)
	}
	return nil
}

// RunShards returns the latest report of each shard of the given runs.
func (s *Store) RunShards(ctx context.Context, runIDs []string) (map[string][]RunShard, error) {
	out := map[string][]RunShard{}
	if len(runIDs) == 0 {
		return out, nil
	}
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlRunShards, runIDs)
	if err != nil {
		return nil, fmt.Errorf("run shards: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var shard, shards uint16
		var sites, done uint32
		var pages, errs uint64
		var sh RunShard
		if err := rows.Scan(&id, &shard, &shards, &sh.Status, &sites, &done, &pages, &errs, &sh.Host, &sh.StartedAt, &sh.UpdatedAt); err != nil {
			return nil, err
		}
		sh.Shard, sh.Shards, sh.Sites, sh.SitesDone = int(shard), int(shards), int(sites), int(done)
		sh.Pages, sh.PageErrors = int64(pages), int64(errs)
		out[id] = append(out[id], sh)
	}
	return out, rows.Err()
}

// withShards gives the runs with shard reports their shards and the status
// they add up to.
func (s *Store) withShards(ctx context.Context, runs []Run) error {
	ids := make([]string, len(runs))
	for i, r := range runs {
		ids[i] = r.ID
	}
	shards, err := s.RunShards(ctx, ids)
	if err != nil {
		return err
	}
	for i := range runs {
		if sh, ok := shards[runs[i].ID]; ok {
			runs[i].Shards = sh
			runs[i].Status, runs[i].FinishedAt = ShardedStatus(sh, runs[i].FinishedAt)
		}
	}
	return nil
}

// ShardedStatus is the status a run's shard reports add up to, and when it
// finished (the latest shard's end; finishedAt when it has not).
func ShardedStatus(shards []RunShard, finishedAt time.Time) (string, time.Time) {
	n := 0
	count := map[string]int{}
	var last time.Time
	for _, sh := range shards {
		n = max(n, sh.Shards)
		count[sh.Status]++
		if sh.UpdatedAt.After(last) {
			last = sh.UpdatedAt
		}
	}
	switch {
	case n > 0 && count[RunFinished] == n && len(shards) == n:
		return RunFinished, last
	case count[RunRunning] > 0 || len(shards) < n:
		return RunRunning, finishedAt
	case count[RunFailed] > 0:
		return RunFailed, last
	}
	return RunInterrupted, last
}

// ShardsFinished reports whether every shard of a run has reported
// finished (the last one to finish marks the run finished).
func (s *Store) ShardsFinished(ctx context.Context, runID string) (bool, error) {
	shards, err := s.RunShards(ctx, []string{runID})
	if err != nil {
		return false, err
	}
	sh := shards[runID]
	st, _ := ShardedStatus(sh, time.Time{})
	return len(sh) > 0 && st == RunFinished, nil
}
