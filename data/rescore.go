package data

import (
	"context"
	"fmt"
	"time"

	"github.com/councildash/councildash/scoring"
)

const sqlRunCheckStats = `SELECT council_code, check_id, argMax(category, created_at), argMax(pages_total, created_at),
       argMax(pages_affected, created_at), argMax(findings, created_at), argMax(words, created_at)
FROM check_stats
WHERE run_id = ? AND (run_id, council_code, attempt) IN (` + sqlCompletedAttempts + `)
GROUP BY council_code, check_id
ORDER BY council_code, check_id`

// RunCheckStats returns, per council, the stored per-check statistics of a
// run's completed sites: all a method needs to score them again (words read
// are 0 in statistics stored before migration 0003: see
// scoring.Method.Unscorable).
func (s *Store) RunCheckStats(ctx context.Context, runID string) (map[string][]scoring.CheckStat, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlRunCheckStats, runID, runID)
	if err != nil {
		return nil, fmt.Errorf("check stats: %w", err)
	}
	defer rows.Close()
	out := map[string][]scoring.CheckStat{}
	for rows.Next() {
		var council string
		var st scoring.CheckStat
		var total, affected, findings uint32
		var words uint64
		if err := rows.Scan(&council, &st.CheckID, &st.Category, &total, &affected, &findings, &words); err != nil {
			return nil, err
		}
		st.PagesTotal, st.PagesAffected, st.Findings, st.Words = int(total), int(affected), int(findings), int(words)
		out[council] = append(out[council], st)
	}
	return out, rows.Err()
}

// WriteScores stores scores of a run's council (re-scoring).
func (s *Store) WriteScores(ctx context.Context, runID, council string, scores []scoring.Score) error {
	if len(scores) == 0 {
		return nil
	}
	if err := s.insertRows(ctx, sqlInsertScores, scoreRows(runID, council, scores, time.Now().UTC())...); err != nil {
		return fmt.Errorf("%w: write scores: %v", ErrUnavailable, err)
	}
	return nil
}

const sqlScoredCouncils = `SELECT DISTINCT council_code FROM scores WHERE run_id = ? AND method_version = ? AND category = 'overall'`

// ScoredCouncils returns the councils of a run that already have scores
// under the given method version (re-scoring them again would only repeat
// the same rows).
func (s *Store) ScoredCouncils(ctx context.Context, runID, methodVersion string) (map[string]bool, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlScoredCouncils, runID, methodVersion)
	if err != nil {
		return nil, fmt.Errorf("scored councils: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out[c] = true
	}
	return out, rows.Err()
}
