package data

import (
	"context"
	"fmt"
	"time"
)

// Run is one crawl run. Its JSON is the API's (docs/API.md).
type Run struct {
	ID            string    `json:"run_id"`
	Status        string    `json:"status"`
	Label         string    `json:"label"`
	StartedAt     time.Time `json:"started_at"`
	FinishedAt    time.Time `json:"finished_at"`
	MethodVersion string    `json:"method_version"`
	SitesTotal    int       `json:"sites_total"`
	SitesDone     int       `json:"sites_done"`
	// Pages and PageErrors count the pages stored so far (filled by
	// RunsWithProgress for running runs, whose progress the home page shows).
	Pages      int `json:"pages,omitempty"`
	PageErrors int `json:"page_errors,omitempty"`
	// Demo is true for the runs the offline demo made (a local web of
	// council sites): everything they stored is demo data.
	Demo bool `json:"demo"`
	// Settings are the crawl's settings as JSON (not published).
	Settings string `json:"-"`
	// ArchiveDir is the folder of the run's WARC files ("" when the run
	// was not archived; not published: a path on this machine).
	ArchiveDir string `json:"-"`
	// Source is RunSourceCrawl or RunSourceWARC (an import of WARC files).
	Source string `json:"-"`
	// Rescored says how the run was last re-scored under a later method:
	// RescoredArchive, RescoredStatistics, or "" (never).
	Rescored string `json:"-"`
	// Shards are the crawler shards' reports of a sharded run (shards.go).
	Shards []RunShard `json:"shards,omitempty"`
}

// Where a run's pages came from, and how it was re-scored.
const (
	RunSourceCrawl     = "crawl"              // fetched by councildash
	RunSourceWARC      = "warc"               // imported from WARC files (councildash import --warc)
	RescoredArchive    = "archive"            // every site from its archived pages
	RescoredStatistics = "statistics"         // every site from its stored statistics
	RescoredMixed      = "archive+statistics" // from the archive where the site's pages were all archived
)

// Archived reports whether the run kept its pages (WARC files).
func (r Run) Archived() bool { return r.ArchiveDir != "" }

// Running reports whether the run is still crawling.
func (r Run) Running() bool { return r.Status == RunRunning }

// Run statuses.
const (
	RunRunning     = "running"
	RunFinished    = "finished"
	RunInterrupted = "interrupted"
	RunFailed      = "failed"
)

const (
	sqlInsertRun = `INSERT INTO crawl_runs (run_id, status, started_at, finished_at, method_version, settings, label, sites_total, version, archive_dir, source, rescored, demo)`
	sqlRuns      = `SELECT r.run_id, r.status, r.started_at, r.finished_at, r.method_version, r.settings, r.label, r.sites_total, ifNull(d.done, 0),
       r.archive_dir, r.source, r.rescored, r.demo
FROM (
    SELECT run_id, argMax(status, version) AS status, min(started_at) AS started_at, argMax(finished_at, version) AS finished_at,
           argMax(method_version, version) AS method_version, argMax(settings, version) AS settings,
           argMax(label, version) AS label, argMax(sites_total, version) AS sites_total,
           argMax(archive_dir, version) AS archive_dir, argMax(source, version) AS source, argMax(rescored, version) AS rescored,
           argMax(demo, version) AS demo
    FROM crawl_runs GROUP BY run_id
) AS r
LEFT JOIN (SELECT run_id, uniqExact(council_code) AS done FROM site_reports GROUP BY run_id) AS d ON r.run_id = d.run_id
ORDER BY r.started_at DESC, r.run_id
LIMIT 1000`
	sqlFinishedSites = `SELECT council_code, argMax(attempt, finished_at) FROM site_reports WHERE run_id = ? GROUP BY council_code`
)

// CreateRun records a new run as running and returns it. startedAt lets the
// demo back-date runs; zero means now.
func (s *Store) CreateRun(ctx context.Context, methodVersion, settings, label string, sitesTotal int, startedAt time.Time) (Run, error) {
	return s.createRun(ctx, methodVersion, settings, label, sitesTotal, startedAt, false)
}

// CreateDemoRun is CreateRun for a run of the offline demo: the run and
// everything it stores are marked as demo data.
func (s *Store) CreateDemoRun(ctx context.Context, methodVersion, settings, label string, sitesTotal int, startedAt time.Time) (Run, error) {
	return s.createRun(ctx, methodVersion, settings, label, sitesTotal, startedAt, true)
}

func (s *Store) createRun(ctx context.Context, methodVersion, settings, label string, sitesTotal int, startedAt time.Time, demo bool) (Run, error) {
	if startedAt.IsZero() {
		startedAt = time.Now().UTC()
	}
	r := Run{ID: newID(), Status: RunRunning, StartedAt: startedAt.UTC().Truncate(time.Second),
		MethodVersion: methodVersion, Settings: settings, Label: label, SitesTotal: sitesTotal, Source: RunSourceCrawl, Demo: demo}
	if err := s.putRun(ctx, r); err != nil {
		return Run{}, err
	}
	return r, nil
}

// putRun appends a version of a run. The version is a nanosecond clock made
// strictly increasing within the process, so two updates in the same second
// (or a back-dated demo run) still order correctly.
func (s *Store) putRun(ctx context.Context, r Run) error {
	if err := s.insertRows(ctx, sqlInsertRun, []any{r.ID, r.Status, r.StartedAt, r.FinishedAt, r.MethodVersion,
		r.Settings, r.Label, uint32(r.SitesTotal), s.nextVersion(), r.ArchiveDir, r.source(), r.Rescored, b2u(r.Demo)}); err != nil {
		return fmt.Errorf("%w: record run: %v", ErrUnavailable, err)
	}
	return nil
}

// SetRunStatus appends a status change for a run. finishedAt zero means now.
func (s *Store) SetRunStatus(ctx context.Context, runID, status string, finishedAt time.Time) error {
	r, err := s.GetRun(ctx, runID)
	if err != nil {
		return err
	}
	if finishedAt.IsZero() {
		finishedAt = time.Now().UTC()
	}
	r.Status = status
	r.FinishedAt = finishedAt.UTC().Truncate(time.Second)
	return s.putRun(ctx, r)
}

// Runs lists runs, newest first.
func (s *Store) Runs(ctx context.Context) ([]Run, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlRuns)
	if err != nil {
		return nil, fmt.Errorf("runs: %w", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var total uint32
		var done uint64
		var demo uint8
		if err := rows.Scan(&r.ID, &r.Status, &r.StartedAt, &r.FinishedAt, &r.MethodVersion, &r.Settings, &r.Label, &total, &done,
			&r.ArchiveDir, &r.Source, &r.Rescored, &demo); err != nil {
			return nil, err
		}
		r.SitesTotal, r.SitesDone, r.Demo = int(total), int(done), demo == 1
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.withShards(ctx, out)
}

// GetRun returns one run.
func (s *Store) GetRun(ctx context.Context, runID string) (Run, error) {
	runs, err := s.Runs(ctx)
	if err != nil {
		return Run{}, err
	}
	for _, r := range runs {
		if r.ID == runID {
			return r, nil
		}
	}
	return Run{}, fmt.Errorf("run %q: %w", runID, ErrNotFound)
}

// FinishedSites returns, for a run, the councils whose crawl completed, with
// the attempt that completed them. A resumed run skips these.
func (s *Store) FinishedSites(ctx context.Context, runID string) (map[string]string, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlFinishedSites, runID)
	if err != nil {
		return nil, fmt.Errorf("finished sites: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var code, attempt string
		if err := rows.Scan(&code, &attempt); err != nil {
			return nil, err
		}
		out[code] = attempt
	}
	return out, rows.Err()
}

const sqlFindingCounts = `SELECT check_id, count() FROM findings WHERE run_id = ? GROUP BY check_id ORDER BY check_id`

// FindingCounts counts a run's findings per check (all attempts).
func (s *Store) FindingCounts(ctx context.Context, runID string) (map[string]uint64, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlFindingCounts, runID)
	if err != nil {
		return nil, fmt.Errorf("finding counts: %w", err)
	}
	defer rows.Close()
	out := map[string]uint64{}
	for rows.Next() {
		var id string
		var n uint64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// RunCounts counts what a run stored for the sites it completed. Rows of
// abandoned attempts (a site interrupted and crawled again on resume) are not
// counted, exactly as the dashboard ignores them.
type RunCounts struct {
	SitesDone     int
	Pages         uint64
	Findings      uint64
	OverallScores uint64 // "overall" score rows (one per completed site and method)
	// DuplicateScores counts (council, method) pairs with more than one
	// overall score row: must be 0 after a resumed run.
	DuplicateScores uint64
}

const (
	sqlCompletedAttempts = completeAttempts + ` WHERE run_id = ? GROUP BY run_id, council_code`
	sqlRunPages          = `SELECT count() FROM pages WHERE run_id = ? AND (run_id, council_code, attempt) IN (` + sqlCompletedAttempts + `)`
	sqlRunFindings       = `SELECT count() FROM findings WHERE run_id = ? AND (run_id, council_code, attempt) IN (` + sqlCompletedAttempts + `)`
	sqlRunOverall        = `SELECT count(), countIf(n > 1) FROM (SELECT council_code, method_version, count() AS n FROM scores WHERE run_id = ? AND category = 'overall' GROUP BY council_code, method_version)`
)

// CountRun returns RunCounts for a run.
func (s *Store) CountRun(ctx context.Context, runID string) (RunCounts, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	var rc RunCounts
	done, err := s.FinishedSites(ctx, runID)
	if err != nil {
		return rc, err
	}
	rc.SitesDone = len(done)
	if err := s.conn.QueryRow(ctx, sqlRunPages, runID, runID).Scan(&rc.Pages); err != nil {
		return rc, fmt.Errorf("count pages: %w", err)
	}
	if err := s.conn.QueryRow(ctx, sqlRunFindings, runID, runID).Scan(&rc.Findings); err != nil {
		return rc, fmt.Errorf("count findings: %w", err)
	}
	var sites, dups uint64
	if err := s.conn.QueryRow(ctx, sqlRunOverall, runID).Scan(&sites, &dups); err != nil {
		return rc, fmt.Errorf("count scores: %w", err)
	}
	rc.OverallScores, rc.DuplicateScores = sites, dups
	return rc, nil
}

func (r Run) source() string {
	if r.Source == "" {
		return RunSourceCrawl
	}
	return r.Source
}
