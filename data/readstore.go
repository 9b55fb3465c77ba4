package data

import (
	"context"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// The read side: what the dashboard and the exports read about crawls (the
// row types are in read.go). Every read is bounded by a LIMIT and by
// readCtx, except the two export streams, which are bounded by
// exportTimeout and read row by row so a full export never sits in memory.
// Read errors wrap ErrUnavailable: the database could not answer.

// exportTimeout bounds one streamed export.
const exportTimeout = 30 * time.Minute

// completeAttempts selects, per run and council, the attempt a site report
// marks complete (the latest one when a site was re-crawled).
const completeAttempts = `SELECT run_id, council_code, argMax(attempt, finished_at) FROM site_reports`

// latestMethods selects, per run and council, the method of its latest
// overall score (completed with a run filter and GROUP BY run_id,
// council_code): the scores shown are all of that one method.
const latestMethods = `SELECT run_id, council_code, argMax(method_version, scored_at) FROM scores WHERE check_id = '' AND category = 'overall'`

const (
	// sqlDashCategoryScores reads, per run and council, the scores of the
	// method it was last scored under (its latest overall score's): a
	// category that method could not score is left out, never filled in
	// from another method.
	sqlDashCategoryScores = `SELECT run_id, council_code, category, argMax(score, scored_at) AS s, method_version AS mv
FROM scores
WHERE check_id = '' AND has(?, run_id)
  AND (run_id, council_code, method_version) IN (` + latestMethods + ` AND has(?, run_id) GROUP BY run_id, council_code)
GROUP BY run_id, council_code, category, method_version
LIMIT 1000000`

	// sqlDashCheckStats and sqlDashCheckScores are a run's check
	// statistics and check scores (of the method each council was last
	// scored under), both in (council, check) order: CheckResults joins
	// them as two sorted lists, several times faster than a JOIN on 18.16
	// at 10,000 councils, and unbounded by a JOIN's memory (see
	// docs/SCALING.md).
	sqlDashCheckStats = `SELECT council_code, check_id, argMax(category, created_at), argMax(pages_total, created_at),
       argMax(pages_affected, created_at), argMax(findings, created_at), argMax(words, created_at)
FROM check_stats
WHERE run_id = ? AND (? = '' OR council_code = ?) AND (? = '' OR check_id = ?)
  AND (run_id, council_code, attempt) IN (` + completeAttempts + ` WHERE run_id = ? AND (? = '' OR council_code = ?) GROUP BY run_id, council_code)
GROUP BY council_code, check_id
ORDER BY council_code, check_id
LIMIT 20000000`

	sqlDashCheckScores = `SELECT council_code, check_id, argMax(score, scored_at)
FROM scores
WHERE run_id = ? AND check_id != '' AND (? = '' OR council_code = ?) AND (? = '' OR check_id = ?)
  AND (run_id, council_code, method_version) IN (` + latestMethods + ` AND run_id = ? GROUP BY run_id, council_code)
GROUP BY council_code, check_id
ORDER BY council_code, check_id
LIMIT 20000000`

	findingCols = `run_id, method_version, council_code, check_id, category, toString(severity), url, selector, snippet, matched, message, task, created_at`

	// sqlDashEvidence orders findings fully (a page may hold several
	// findings of a check), so the examples chosen never depend on how the
	// rows were read.
	sqlDashEvidence = `SELECT ` + findingCols + `
FROM findings
WHERE run_id = ? AND has(?, council_code)
  AND (run_id, council_code, attempt) IN (` + completeAttempts + ` WHERE run_id = ? AND has(?, council_code) GROUP BY run_id, council_code)
ORDER BY council_code, check_id, severity DESC, url, selector, snippet, message, created_at
LIMIT ? BY council_code, check_id
LIMIT 1000000`

	sqlDashWorstPages = `SELECT council_code, check_id, url, count() AS n
FROM findings
WHERE run_id = ? AND has(?, council_code)
  AND (run_id, council_code, attempt) IN (` + completeAttempts + ` WHERE run_id = ? AND has(?, council_code) GROUP BY run_id, council_code)
GROUP BY council_code, check_id, url
ORDER BY council_code, check_id, n DESC, url
LIMIT ? BY council_code, check_id
LIMIT 1000000`

	sqlDashTaskChecks = `SELECT council_code, task, check_id, count() AS n
FROM findings
WHERE run_id = ? AND task != ''
  AND (run_id, council_code, attempt) IN (` + sqlCompletedAttempts + `)
GROUP BY council_code, task, check_id
ORDER BY council_code, task, check_id
LIMIT 500000`

	sqlDashFindingsPage = `SELECT ` + findingCols + `
FROM findings
WHERE run_id = ? AND (? = '' OR council_code = ?) AND (? = '' OR check_id = ?)
  AND (run_id, council_code, attempt) IN (` + sqlCompletedAttempts + `)
ORDER BY council_code, check_id, url, created_at
LIMIT ? OFFSET ?`

	// sqlDashStreamFindings orders the rows fully, so the same findings
	// export to the same bytes whatever parts the server reads first (the
	// sort spills to disk past exportSortBytes).
	sqlDashStreamFindings = `SELECT ` + findingCols + `
FROM findings
WHERE (? = '' OR run_id = ?) AND (? = '' OR council_code = ?) AND (? = '' OR check_id = ?)
  AND (run_id, council_code, attempt) IN (` + completeAttempts + ` WHERE (? = '' OR run_id = ?) GROUP BY run_id, council_code)
ORDER BY run_id, council_code, check_id, url, selector, snippet, message, task, severity, created_at, matched`

	// sqlDashRunPages counts pages stored so far by the given (running) runs.
	sqlDashRunPages = `SELECT run_id, count(), countIf(error_class != '' OR status >= 400)
FROM pages
WHERE has(?, run_id)
GROUP BY run_id
LIMIT 1000`

	sqlDashStreamScores = `SELECT run_id, method_version, council_code, category, check_id, argMax(score, scored_at), max(scored_at)
FROM scores
WHERE (? = '' OR run_id = ?) AND (? = '' OR council_code = ?)
GROUP BY run_id, method_version, council_code, category, check_id
ORDER BY run_id, council_code, method_version, category, check_id`
)

const sqlDashCountScores = `SELECT count() FROM (
    SELECT 1 FROM scores WHERE (? = '' OR run_id = ?)
    GROUP BY run_id, method_version, council_code, category, check_id
)`

// CountScoreRows counts the rows the scores export of a run ("" for every
// run) holds: one per run, method, council, category and check.
func (s *Store) CountScoreRows(ctx context.Context, runID string) (uint64, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	var n uint64
	if err := s.conn.QueryRow(ctx, sqlDashCountScores, runID, runID).Scan(&n); err != nil {
		return 0, wrapRead(fmt.Errorf("count scores: %w", err))
	}
	return n, nil
}

// RunsWithProgress lists runs, newest first, with the pages stored so far
// by the running ones.
func (s *Store) RunsWithProgress(ctx context.Context) ([]Run, error) {
	out, err := s.Runs(ctx)
	if err != nil {
		return nil, wrapRead(err)
	}
	var running []string
	for _, r := range out {
		if r.Running() {
			running = append(running, r.ID)
		}
	}
	if len(running) == 0 {
		return out, nil
	}
	// Progress of running crawls: pages stored so far.
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlDashRunPages, running)
	if err != nil {
		return nil, wrapRead(fmt.Errorf("run progress: %w", err))
	}
	defer rows.Close()
	pages := map[string][2]int{}
	for rows.Next() {
		var id string
		var n, bad uint64
		if err := rows.Scan(&id, &n, &bad); err != nil {
			return nil, err
		}
		pages[id] = [2]int{int(n), int(bad)}
	}
	if err := rows.Err(); err != nil {
		return nil, wrapRead(err)
	}
	for i := range out {
		if p, ok := pages[out[i].ID]; ok {
			out[i].Pages, out[i].PageErrors = p[0], p[1]
		}
	}
	return out, nil
}

// wrapRead marks a failed read as the database being unavailable, so the
// dashboard answers 503 rather than 500.
func wrapRead(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %v", ErrUnavailable, err)
}

// CategoryScores returns category and overall scores for the given runs.
func (s *Store) CategoryScores(ctx context.Context, runIDs []string) ([]ScoreRow, error) {
	if len(runIDs) == 0 {
		return nil, nil
	}
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlDashCategoryScores, runIDs, runIDs)
	if err != nil {
		return nil, wrapRead(fmt.Errorf("category scores: %w", err))
	}
	defer rows.Close()
	out := make([]ScoreRow, 0, 512)
	for rows.Next() {
		var r ScoreRow
		if err := rows.Scan(&r.RunID, &r.Council, &r.Category, &r.Score, &r.MethodVersion); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, wrapRead(rows.Err())
}

// CheckResults returns per-check statistics and scores in a run, by
// council and check.
func (s *Store) CheckResults(ctx context.Context, runID, council, checkID string) ([]CheckResult, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlDashCheckStats, runID, council, council, checkID, checkID, runID, council, council)
	if err != nil {
		return nil, wrapRead(fmt.Errorf("check results: %w", err))
	}
	defer rows.Close()
	var out []CheckResult
	intern := newInterner()
	for rows.Next() {
		var r CheckResult
		var total, affected, n uint32
		var words uint64
		if err := rows.Scan(&r.Council, &r.CheckID, &r.Category, &total, &affected, &n, &words); err != nil {
			return nil, err
		}
		r.Council, r.CheckID, r.Category = intern.s(r.Council), intern.s(r.CheckID), intern.s(r.Category)
		r.PagesTotal, r.PagesAffected, r.Findings, r.Words = int(total), int(affected), int(n), int(words)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapRead(err)
	}
	// The scores, in the same order: a merge of the two lists.
	sc, err := s.conn.Query(ctx, sqlDashCheckScores, runID, council, council, checkID, checkID, runID)
	if err != nil {
		return nil, wrapRead(fmt.Errorf("check scores: %w", err))
	}
	defer sc.Close()
	i := 0
	for sc.Next() {
		var code, check string
		var score float64
		if err := sc.Scan(&code, &check, &score); err != nil {
			return nil, err
		}
		for i < len(out) && (out[i].Council < code || out[i].Council == code && out[i].CheckID < check) {
			i++
		}
		if i < len(out) && out[i].Council == code && out[i].CheckID == check {
			out[i].Score, out[i].HasScore = score, true
		}
	}
	return out, wrapRead(sc.Err())
}

// interner keeps one copy of each string a large read repeats (council
// codes, check ids).
type interner map[string]string

func newInterner() interner { return interner{} }

func (in interner) s(v string) string {
	if c, ok := in[v]; ok {
		return c
	}
	in[v] = v
	return v
}

func scanFinding(rows interface{ Scan(...any) error }) (Finding, error) {
	var f Finding
	err := rows.Scan(&f.RunID, &f.MethodVersion, &f.Council, &f.CheckID, &f.Category, &f.Severity, &f.URL,
		&f.Selector, &f.Snippet, &f.Matched, &f.Message, &f.Task, &f.CreatedAt)
	return f, err
}

func bound(n, lo, hi int) int { return min(max(n, lo), hi) }

// maxEvidenceCouncils bounds the councils of one evidence query.
const maxEvidenceCouncils = 500

// Evidence returns up to perCheck findings of each check for each of the
// councils (at most 500) in a run, by council, check, severity and URL.
func (s *Store) Evidence(ctx context.Context, runID string, councils []string, perCheck int) ([]Finding, error) {
	if len(councils) == 0 || len(councils) > maxEvidenceCouncils {
		return nil, fmt.Errorf("evidence: %d councils: ask for 1 to %d", len(councils), maxEvidenceCouncils)
	}
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlDashEvidence, runID, councils, runID, councils, bound(perCheck, 1, 100))
	if err != nil {
		return nil, wrapRead(fmt.Errorf("evidence: %w", err))
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		f, err := scanFinding(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, wrapRead(rows.Err())
}

// WorstPages returns, for each of the councils (at most 500) in a run and
// each check, the perCheck pages with most findings.
func (s *Store) WorstPages(ctx context.Context, runID string, councils []string, perCheck int) ([]PageCount, error) {
	if len(councils) == 0 || len(councils) > maxEvidenceCouncils {
		return nil, fmt.Errorf("worst pages: %d councils: ask for 1 to %d", len(councils), maxEvidenceCouncils)
	}
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlDashWorstPages, runID, councils, runID, councils, bound(perCheck, 1, 100))
	if err != nil {
		return nil, wrapRead(fmt.Errorf("worst pages: %w", err))
	}
	defer rows.Close()
	var out []PageCount
	for rows.Next() {
		var p PageCount
		var n uint64
		if err := rows.Scan(&p.Council, &p.CheckID, &p.URL, &n); err != nil {
			return nil, err
		}
		p.N = int(n)
		out = append(out, p)
	}
	return out, wrapRead(rows.Err())
}

// TaskChecks counts per-task findability findings in a run.
func (s *Store) TaskChecks(ctx context.Context, runID string) ([]TaskCheck, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlDashTaskChecks, runID, runID)
	if err != nil {
		return nil, wrapRead(fmt.Errorf("task checks: %w", err))
	}
	defer rows.Close()
	var out []TaskCheck
	for rows.Next() {
		var t TaskCheck
		var n uint64
		if err := rows.Scan(&t.Council, &t.Task, &t.CheckID, &n); err != nil {
			return nil, err
		}
		t.N = int(n)
		out = append(out, t)
	}
	return out, wrapRead(rows.Err())
}

// FindingsPage returns one bounded page of a run's findings.
func (s *Store) FindingsPage(ctx context.Context, f FindingFilter) ([]Finding, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlDashFindingsPage, f.RunID, f.Council, f.Council, f.CheckID, f.CheckID, f.RunID,
		bound(f.Limit, 1, 1000), bound(f.Offset, 0, 10_000_000))
	if err != nil {
		return nil, wrapRead(fmt.Errorf("findings: %w", err))
	}
	defer rows.Close()
	out := []Finding{}
	for rows.Next() {
		fd, err := scanFinding(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, fd)
	}
	return out, wrapRead(rows.Err())
}

// exportSortBytes is the memory a findings export may sort in before it
// spills to disk.
const exportSortBytes = 256 << 20

// StreamFindings streams findings of completed attempts row by row.
func (s *Store) StreamFindings(ctx context.Context, f FindingFilter, fn func(Finding) error) error {
	ctx, cancel := context.WithTimeout(ctx, exportTimeout)
	defer cancel()
	// The order makes two exports of the same data byte-identical (every
	// column is in it); a large export sorts on disk past exportSortBytes
	// rather than in memory.
	ctx = clickhouse.Context(ctx, clickhouse.WithSettings(clickhouse.Settings{"max_bytes_before_external_sort": exportSortBytes}))
	rows, err := s.conn.Query(ctx, sqlDashStreamFindings, f.RunID, f.RunID, f.Council, f.Council, f.CheckID, f.CheckID, f.RunID, f.RunID)
	if err != nil {
		return wrapRead(fmt.Errorf("findings export: %w", err))
	}
	defer rows.Close()
	for rows.Next() {
		fd, err := scanFinding(rows)
		if err != nil {
			return err
		}
		if err := fn(fd); err != nil {
			return err
		}
	}
	return wrapRead(rows.Err())
}

// StreamScores streams score rows (latest per key) row by row.
func (s *Store) StreamScores(ctx context.Context, f ScoreFilter, fn func(ScoreExport) error) error {
	ctx, cancel := context.WithTimeout(ctx, exportTimeout)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlDashStreamScores, f.RunID, f.RunID, f.Council, f.Council)
	if err != nil {
		return wrapRead(fmt.Errorf("scores export: %w", err))
	}
	defer rows.Close()
	for rows.Next() {
		var r ScoreExport
		if err := rows.Scan(&r.RunID, &r.MethodVersion, &r.Council, &r.Category, &r.CheckID, &r.Score, &r.ScoredAt); err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return wrapRead(rows.Err())
}

// LatestScoredRun returns the newest run with scores among the RecentRuns
// newest runs: what run=latest means in exports, on the web and on the
// command line.
func (s *Store) LatestScoredRun(ctx context.Context) (Run, bool, error) {
	runs, err := s.Runs(ctx)
	if err != nil {
		return Run{}, false, wrapRead(err)
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
		return Run{}, false, err
	}
	scored := map[string]bool{}
	for _, r := range rows {
		scored[r.RunID] = true
	}
	for _, r := range runs {
		if scored[r.ID] {
			return r, true, nil
		}
	}
	return Run{}, false, nil
}

const sqlChangeMark = `SELECT (SELECT count() FROM crawl_runs), (SELECT count() FROM site_reports), (SELECT count() FROM scores),
       (SELECT count() FROM reviews), (SELECT count() FROM review_moderation), (SELECT count() FROM review_responses)`

// ChangeMark counts the rows of the tables the dashboard reads (see
// ChangeMark).
func (s *Store) ChangeMark(ctx context.Context) (ChangeMark, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	var m ChangeMark
	if err := s.conn.QueryRow(ctx, sqlChangeMark).Scan(&m.Runs, &m.SiteReports, &m.Scores, &m.Reviews, &m.Moderation, &m.ReviewReplies); err != nil {
		return m, wrapRead(fmt.Errorf("change mark: %w", err))
	}
	return m, nil
}
