package data

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/scoring"
)

// What method 2026.2 stores beyond scores (migration 0003): each page's
// reason for not being scored for content and readability, its words read
// and its own check statistics; the words read of each check's site
// statistics; and each site score's bootstrap interval.

// PageResult stores a fetched page with what scoring made of it: its
// title and findings, why it is not scored for content and readability
// (r.Unscored, "" when it is), the words of main content read and the
// page's own check statistics (r.Summary.Counts: each check applied to it
// and its findings), from which a site's score interval is bootstrapped.
func (k *RunSink) PageResult(ctx context.Context, p *crawler.Page, r scoring.PageResult) error {
	return k.storePage(ctx, p, r)
}

// pageCounts splits a page's check counts into the stored arrays, in check
// id order.
func pageCounts(counts map[string]int) ([]string, []uint32) {
	ids := make([]string, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	ns := make([]uint32, len(ids))
	for i, id := range ids {
		ns[i] = uint32(clamp(counts[id], 0, 1<<31))
	}
	return ids, ns
}

// SiteIntervals stores a site's score intervals (overall and per category,
// scoring.Method.SiteScoreInterval) computed under methodVersion. Call it
// before SiteDone.
func (k *RunSink) SiteIntervals(ctx context.Context, council, methodVersion string, ivs []scoring.ScoreInterval) error {
	if len(ivs) == 0 {
		return nil
	}
	return k.w.add(ctx, tIntervals, intervalRows(k.runID, council, methodVersion, ivs, time.Now().UTC())...)
}

func intervalRows(runID, council, method string, ivs []scoring.ScoreInterval, at time.Time) [][]any {
	rows := make([][]any, 0, len(ivs))
	for _, iv := range ivs {
		rows = append(rows, []any{runID, council, method, iv.Category, iv.Score, iv.Low, iv.High, iv.Level,
			uint32(max(iv.Pages, 0)), b2u(iv.TooFew), b2u(iv.Unavailable), at})
	}
	return rows
}

// WriteIntervals stores score intervals of a run's council (re-scoring).
func (s *Store) WriteIntervals(ctx context.Context, runID, council, methodVersion string, ivs []scoring.ScoreInterval) error {
	if len(ivs) == 0 {
		return nil
	}
	if err := s.insertRows(ctx, sqlInsertIntervals, intervalRows(runID, council, methodVersion, ivs, time.Now().UTC())...); err != nil {
		return fmt.Errorf("%w: write intervals: %v", ErrUnavailable, err)
	}
	return nil
}

// IntervalRow is a stored score interval: how sure a site's overall or
// category score is (see scoring.ScoreInterval).
type IntervalRow struct {
	RunID         string
	Council       string
	MethodVersion string
	Category      string // a scoring category or "overall"
	Score         float64
	Low, High     float64
	Level         float64 // share of the bootstrap's redrawn scores inside [Low, High]
	Pages         int
	TooFew        bool // too few pages to tell
	Unavailable   bool // no redraw gave the category a score
}

const sqlScoreIntervals = `SELECT run_id, council_code, method_version, category, argMax(score, computed_at), argMax(low, computed_at),
       argMax(high, computed_at), argMax(level, computed_at), argMax(pages, computed_at), argMax(too_few, computed_at),
       argMax(unavailable, computed_at)
FROM score_intervals
WHERE has(?, run_id)
GROUP BY run_id, council_code, method_version, category
ORDER BY run_id, council_code, method_version, category
LIMIT 1000000`

// ScoreIntervals returns the stored score intervals of the given runs, the
// latest per run, council, method and category.
func (s *Store) ScoreIntervals(ctx context.Context, runIDs []string) ([]IntervalRow, error) {
	if len(runIDs) == 0 {
		return nil, nil
	}
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlScoreIntervals, runIDs)
	if err != nil {
		return nil, wrapRead(fmt.Errorf("score intervals: %w", err))
	}
	defer rows.Close()
	var out []IntervalRow
	for rows.Next() {
		var r IntervalRow
		var pages uint32
		var tooFew, unavailable uint8
		if err := rows.Scan(&r.RunID, &r.Council, &r.MethodVersion, &r.Category, &r.Score, &r.Low, &r.High, &r.Level,
			&pages, &tooFew, &unavailable); err != nil {
			return nil, err
		}
		r.Pages, r.TooFew, r.Unavailable = int(pages), tooFew == 1, unavailable == 1
		out = append(out, r)
	}
	return out, wrapRead(rows.Err())
}

// UnscoredPage is a page of a completed site crawl that has no content or
// readability score, and why.
type UnscoredPage struct {
	Council string `json:"council_code"`
	URL     string `json:"url"`
	Status  int    `json:"status"`
	Reason  string `json:"reason"`
}

// UnscoredCount counts a council's pages not scored for one reason.
type UnscoredCount struct {
	Council string `json:"council_code"`
	Reason  string `json:"reason"`
	Pages   int    `json:"pages"`
}

const (
	sqlUnscoredPages = `SELECT council_code, url, min(status), min(unscored)
FROM pages
WHERE run_id = ? AND unscored != ''
  AND (run_id, council_code, attempt) IN (` + sqlCompletedAttempts + `)
GROUP BY council_code, url
ORDER BY council_code, url
LIMIT ? BY council_code
LIMIT 100000`

	sqlUnscoredCounts = `SELECT council_code, unscored, uniqExact(url)
FROM pages
WHERE run_id = ? AND unscored != ''
  AND (run_id, council_code, attempt) IN (` + sqlCompletedAttempts + `)
GROUP BY council_code, unscored
ORDER BY council_code, unscored
LIMIT 100000`
)

// UnscoredPages returns, for every completed site of a run, how many of
// its pages are not scored for content and readability, by reason, and up
// to perCouncil of those pages (by address).
func (s *Store) UnscoredPages(ctx context.Context, runID string, perCouncil int) ([]UnscoredPage, []UnscoredCount, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlUnscoredPages, runID, runID, bound(perCouncil, 1, 1000))
	if err != nil {
		return nil, nil, wrapRead(fmt.Errorf("unscored pages: %w", err))
	}
	var pages []UnscoredPage
	for rows.Next() {
		var p UnscoredPage
		var status uint16
		if err := rows.Scan(&p.Council, &p.URL, &status, &p.Reason); err != nil {
			rows.Close()
			return nil, nil, err
		}
		p.Status = int(status)
		pages = append(pages, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, wrapRead(err)
	}
	rows, err = s.conn.Query(ctx, sqlUnscoredCounts, runID, runID)
	if err != nil {
		return nil, nil, wrapRead(fmt.Errorf("unscored counts: %w", err))
	}
	defer rows.Close()
	var counts []UnscoredCount
	for rows.Next() {
		var c UnscoredCount
		var n uint64
		if err := rows.Scan(&c.Council, &c.Reason, &n); err != nil {
			return nil, nil, err
		}
		c.Pages = int(n)
		counts = append(counts, c)
	}
	return pages, counts, wrapRead(rows.Err())
}

// PageStat is one stored page's own check statistics.
type PageStat struct {
	URL      string
	Words    int
	Unscored string
	// Counts are the findings of each check applied to the page; nil when
	// the page was stored without them (before migration 0003).
	Counts map[string]int
}

// CheckStats are the page's statistics as scoring.Engine.PageStats gives
// them (a page is one unit), in check id order; category names each
// check's category.
func (p PageStat) CheckStats(category func(checkID string) string) []scoring.CheckStat {
	ids := make([]string, 0, len(p.Counts))
	for id := range p.Counts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]scoring.CheckStat, 0, len(ids))
	for _, id := range ids {
		n := p.Counts[id]
		st := scoring.CheckStat{CheckID: id, Category: category(id), PagesTotal: 1, Findings: n, Words: p.Words}
		if n > 0 {
			st.PagesAffected = 1
		}
		out = append(out, st)
	}
	return out
}

const sqlRunPageStats = `SELECT council_code, url, words, unscored, check_ids, check_findings
FROM pages
WHERE run_id = ? AND (run_id, council_code, attempt) IN (` + sqlCompletedAttempts + `)
ORDER BY council_code, url, fetched_at
LIMIT 1 BY council_code, url`

// StreamRunPageStats calls fn once per completed site of a run, in council
// code order, with its pages' statistics in address order (one row per
// address): what re-scoring needs to bootstrap a site's score interval
// again. The query is bounded by exportTimeout and read row by row; only
// one site's pages are held at a time.
func (s *Store) StreamRunPageStats(ctx context.Context, runID string, fn func(council string, pages []PageStat) error) error {
	ctx, cancel := context.WithTimeout(ctx, exportTimeout)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlRunPageStats, runID, runID)
	if err != nil {
		return wrapRead(fmt.Errorf("page statistics: %w", err))
	}
	defer rows.Close()
	cur := ""
	var pages []PageStat
	for rows.Next() {
		var council string
		var p PageStat
		var words uint32
		var ids []string
		var ns []uint32
		if err := rows.Scan(&council, &p.URL, &words, &p.Unscored, &ids, &ns); err != nil {
			return err
		}
		p.Words = int(words)
		if len(ids) > 0 && len(ids) == len(ns) {
			p.Counts = make(map[string]int, len(ids))
			for i, id := range ids {
				p.Counts[id] = int(ns[i])
			}
		}
		if council != cur && len(pages) > 0 {
			if err := fn(cur, pages); err != nil {
				return err
			}
			pages = nil
		}
		cur = council
		pages = append(pages, p)
	}
	if err := rows.Err(); err != nil {
		return wrapRead(err)
	}
	if len(pages) > 0 {
		return fn(cur, pages)
	}
	return nil
}
