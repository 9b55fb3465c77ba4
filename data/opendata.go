package data

import (
	"context"
	"fmt"
)

// Reads for the open data: the findings API's total, the council feeds'
// check scores over runs, and what a run reference (an id, latest or
// previous) names.

// Run references accepted wherever a run is asked for, besides an id.
const (
	RunLatest   = "latest"   // the newest run with scores
	RunPrevious = "previous" // the one before it
)

// ScoredRuns returns, newest first, the runs with scores among the
// RecentRuns newest: what latest (the first) and previous (the second)
// name, on the web and on the command line.
func (s *Store) ScoredRuns(ctx context.Context) ([]Run, error) {
	runs, err := s.Runs(ctx)
	if err != nil {
		return nil, wrapRead(err)
	}
	if len(runs) > RecentRuns {
		runs = runs[:RecentRuns]
	}
	ids := make([]string, len(runs))
	for i, r := range runs {
		ids[i] = r.ID
	}
	rows, err := s.CategoryScores(ctx, ids)
	if err != nil {
		return nil, err
	}
	scored := map[string]bool{}
	for _, r := range rows {
		scored[r.RunID] = true
	}
	var out []Run
	for _, r := range runs {
		if scored[r.ID] {
			out = append(out, r)
		}
	}
	return out, nil
}

// ResolveRun returns the run a reference names: a run id, latest or
// previous. A reference that names no run wraps ErrNotFound.
func (s *Store) ResolveRun(ctx context.Context, ref string) (Run, error) {
	if ref == RunLatest || ref == RunPrevious {
		runs, err := s.ScoredRuns(ctx)
		if err != nil {
			return Run{}, err
		}
		i := 0
		if ref == RunPrevious {
			i = 1
		}
		if i >= len(runs) {
			return Run{}, fmt.Errorf("run %s: %w: %d crawl runs have scores", ref, ErrNotFound, len(runs))
		}
		return runs[i], nil
	}
	runs, err := s.Runs(ctx)
	if err != nil {
		return Run{}, wrapRead(err)
	}
	for _, r := range runs {
		if r.ID == ref {
			return r, nil
		}
	}
	return Run{}, fmt.Errorf("run %q: %w", ref, ErrNotFound)
}

const sqlCountFindings = `SELECT count()
FROM findings
WHERE run_id = ? AND (? = '' OR council_code = ?) AND (? = '' OR check_id = ?)
  AND (run_id, council_code, attempt) IN (` + sqlCompletedAttempts + `)`

// CountFindings counts the findings a page query with the same filter
// pages through (Limit and Offset are ignored).
func (s *Store) CountFindings(ctx context.Context, f FindingFilter) (int, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	var n uint64
	if err := s.conn.QueryRow(ctx, sqlCountFindings, f.RunID, f.Council, f.Council, f.CheckID, f.CheckID, f.RunID).Scan(&n); err != nil {
		return 0, wrapRead(fmt.Errorf("count findings: %w", err))
	}
	return int(n), nil
}

// CheckScore is one check's score for a council in a run.
type CheckScore struct {
	RunID   string
	CheckID string
	Score   float64
}

const sqlCheckScores = `SELECT run_id, check_id, argMax(score, scored_at)
FROM scores
WHERE council_code = ? AND has(?, run_id) AND check_id != ''
GROUP BY run_id, check_id
ORDER BY run_id, check_id
LIMIT 100000`

// CheckScores returns a council's check scores in the given runs (at most
// RecentRuns of them): the latest score of each run and check.
func (s *Store) CheckScores(ctx context.Context, council string, runIDs []string) ([]CheckScore, error) {
	if len(runIDs) == 0 {
		return nil, nil
	}
	if len(runIDs) > RecentRuns {
		return nil, fmt.Errorf("check scores: %d runs: ask for 1 to %d", len(runIDs), RecentRuns)
	}
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlCheckScores, council, runIDs)
	if err != nil {
		return nil, wrapRead(fmt.Errorf("check scores: %w", err))
	}
	defer rows.Close()
	var out []CheckScore
	for rows.Next() {
		var c CheckScore
		if err := rows.Scan(&c.RunID, &c.CheckID, &c.Score); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, wrapRead(rows.Err())
}
