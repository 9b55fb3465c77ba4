package data

import (
	"context"
	"fmt"
)

// The read side of a web team's pages: one council's findings, filtered and
// paged, with the checks and pages they are on; its broken links with their
// evidence; and, for a check, a page of each of some councils that passed
// it (a worked example for peers). Every read is bounded.

// CouncilFindingFilter selects one council's findings in a run.
type CouncilFindingFilter struct {
	RunID, Council    string // required
	CheckID, Category string // "" for any
	URL               string // the page; "" for any
	Limit, Offset     int
}

// CheckFacet counts one check's findings of a council, and the pages they
// are on.
type CheckFacet struct {
	CheckID  string
	Category string
	Findings int
	Pages    int
}

// FindingFacets are what a council's findings view filters by.
type FindingFacets struct {
	Checks []CheckFacet // by check id
	Pages  []PageCount  // pages with most findings first, at most maxFacetPages
}

// maxFacetPages bounds the pages a findings view offers to filter by.
const maxFacetPages = 500

// BrokenLink is one broken link with its evidence.
type BrokenLink struct {
	FromURL    string `json:"from_url"`
	ToURL      string `json:"to_url"`
	Text       string `json:"link_text"`
	Selector   string `json:"selector"`
	Status     int    `json:"status"`
	ErrorClass string `json:"error_class"`
	FinalURL   string `json:"final_url"`
	Internal   bool   `json:"internal"`
}

const councilAttempts = completeAttempts + ` WHERE run_id = ? AND council_code = ? GROUP BY run_id, council_code`

const (
	sqlCouncilFindingsWhere = `FROM findings
WHERE run_id = ? AND council_code = ? AND (? = '' OR check_id = ?) AND (? = '' OR category = ?) AND (? = '' OR url = ?)
  AND (run_id, council_code, attempt) IN (` + councilAttempts + `)`

	sqlCouncilFindings = `SELECT ` + findingCols + `
` + sqlCouncilFindingsWhere + `
ORDER BY check_id, url, severity DESC, selector, snippet, message, created_at
LIMIT ? OFFSET ?`

	sqlCouncilFindingsCount = `SELECT count() ` + sqlCouncilFindingsWhere

	sqlFacetChecks = `SELECT check_id, any(category), count(), uniqExact(url)
FROM findings
WHERE run_id = ? AND council_code = ? AND (run_id, council_code, attempt) IN (` + councilAttempts + `)
GROUP BY check_id
ORDER BY check_id
LIMIT 1000`

	sqlFacetPages = `SELECT url, count() AS n
FROM findings
WHERE run_id = ? AND council_code = ? AND (run_id, council_code, attempt) IN (` + councilAttempts + `)
GROUP BY url
ORDER BY n DESC, url
LIMIT ?`

	sqlBrokenWhere = `FROM links
WHERE run_id = ? AND council_code = ? AND (status >= 400 OR (error_class != '' AND error_class != 'robots-disallowed'))
  AND (run_id, council_code, attempt) IN (` + councilAttempts + `)`

	sqlBrokenLinks = `SELECT from_url, to_url, link_text, selector, status, error_class, final_url, internal
` + sqlBrokenWhere + `
ORDER BY to_url, from_url
LIMIT ? OFFSET ?`

	sqlBrokenCount = `SELECT count() ` + sqlBrokenWhere

	// sqlExamplePages picks, per council, its largest page (the most to
	// show) that answered 200 with HTML and has no finding of the check.
	sqlExamplePages = `SELECT council_code, argMax(url, bytes)
FROM pages
WHERE run_id = ? AND has(?, council_code) AND status >= 200 AND status < 300 AND is_html = 1 AND error_class = ''
  AND (run_id, council_code, attempt) IN (` + completeAttempts + ` WHERE run_id = ? AND has(?, council_code) GROUP BY run_id, council_code)
  AND (council_code, url) NOT IN (SELECT council_code, url FROM findings WHERE run_id = ? AND check_id = ? AND has(?, council_code))
GROUP BY council_code
LIMIT 1000`

	sqlHomePages = `SELECT council_code, argMax(final_home_url, finished_at)
FROM site_reports
WHERE run_id = ? AND has(?, council_code)
GROUP BY council_code
LIMIT 1000`
)

func (f CouncilFindingFilter) args() []any {
	return []any{f.RunID, f.Council, f.CheckID, f.CheckID, f.Category, f.Category, f.URL, f.URL, f.RunID, f.Council}
}

func (f CouncilFindingFilter) check() error {
	if f.RunID == "" || f.Council == "" {
		return fmt.Errorf("council findings: a run and a council are required")
	}
	return nil
}

// CouncilFindings returns one page of a council's findings in a run, and
// how many match the filter in all.
func (s *Store) CouncilFindings(ctx context.Context, f CouncilFindingFilter) ([]Finding, int, error) {
	if err := f.check(); err != nil {
		return nil, 0, err
	}
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	var total uint64
	if err := s.conn.QueryRow(ctx, sqlCouncilFindingsCount, f.args()...).Scan(&total); err != nil {
		return nil, 0, wrapRead(fmt.Errorf("count council findings: %w", err))
	}
	rows, err := s.conn.Query(ctx, sqlCouncilFindings, append(f.args(), bound(f.Limit, 1, 1000), bound(f.Offset, 0, 10_000_000))...)
	if err != nil {
		return nil, 0, wrapRead(fmt.Errorf("council findings: %w", err))
	}
	defer rows.Close()
	out := []Finding{}
	for rows.Next() {
		fd, err := scanFinding(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, fd)
	}
	return out, int(total), wrapRead(rows.Err())
}

// CouncilFindingFacets counts a council's findings in a run by check and by
// page.
func (s *Store) CouncilFindingFacets(ctx context.Context, runID, council string) (FindingFacets, error) {
	var out FindingFacets
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlFacetChecks, runID, council, runID, council)
	if err != nil {
		return out, wrapRead(fmt.Errorf("finding facets: %w", err))
	}
	for rows.Next() {
		var c CheckFacet
		var n, pages uint64
		if err := rows.Scan(&c.CheckID, &c.Category, &n, &pages); err != nil {
			rows.Close()
			return out, err
		}
		c.Findings, c.Pages = int(n), int(pages)
		out.Checks = append(out.Checks, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, wrapRead(err)
	}
	rows, err = s.conn.Query(ctx, sqlFacetPages, runID, council, runID, council, maxFacetPages)
	if err != nil {
		return out, wrapRead(fmt.Errorf("finding facets: %w", err))
	}
	defer rows.Close()
	for rows.Next() {
		p := PageCount{Council: council}
		var n uint64
		if err := rows.Scan(&p.URL, &n); err != nil {
			return out, err
		}
		p.N = int(n)
		out.Pages = append(out.Pages, p)
	}
	return out, wrapRead(rows.Err())
}

// BrokenLinks returns one page of a council's broken links in a run (each
// link checked once, from the first page found linking to it), and how many
// there are.
func (s *Store) BrokenLinks(ctx context.Context, runID, council string, limit, offset int) ([]BrokenLink, int, error) {
	if runID == "" || council == "" {
		return nil, 0, fmt.Errorf("broken links: a run and a council are required")
	}
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	var total uint64
	if err := s.conn.QueryRow(ctx, sqlBrokenCount, runID, council, runID, council).Scan(&total); err != nil {
		return nil, 0, wrapRead(fmt.Errorf("count broken links: %w", err))
	}
	rows, err := s.conn.Query(ctx, sqlBrokenLinks, runID, council, runID, council, bound(limit, 1, 1000), bound(offset, 0, 10_000_000))
	if err != nil {
		return nil, 0, wrapRead(fmt.Errorf("broken links: %w", err))
	}
	defer rows.Close()
	out := []BrokenLink{}
	for rows.Next() {
		var b BrokenLink
		var status uint16
		var internal uint8
		if err := rows.Scan(&b.FromURL, &b.ToURL, &b.Text, &b.Selector, &status, &b.ErrorClass, &b.FinalURL, &internal); err != nil {
			return nil, 0, err
		}
		b.Status, b.Internal = int(status), internal == 1
		out = append(out, b)
	}
	return out, int(total), wrapRead(rows.Err())
}

// ExamplePages returns, for each of the councils (at most 500) in a run, a
// page with no finding of a page-level check: its largest page fetched fine.
// Councils with none are left out.
func (s *Store) ExamplePages(ctx context.Context, runID, checkID string, councils []string) (map[string]string, error) {
	if len(councils) == 0 || len(councils) > maxEvidenceCouncils {
		return nil, fmt.Errorf("example pages: %d councils: ask for 1 to %d", len(councils), maxEvidenceCouncils)
	}
	return s.councilURLs(ctx, sqlExamplePages, runID, councils, runID, councils, runID, checkID, councils)
}

// HomePages returns the home page each of the councils (at most 500) ended
// on in a run.
func (s *Store) HomePages(ctx context.Context, runID string, councils []string) (map[string]string, error) {
	if len(councils) == 0 || len(councils) > maxEvidenceCouncils {
		return nil, fmt.Errorf("home pages: %d councils: ask for 1 to %d", len(councils), maxEvidenceCouncils)
	}
	return s.councilURLs(ctx, sqlHomePages, runID, councils)
}

func (s *Store) councilURLs(ctx context.Context, query string, args ...any) (map[string]string, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, query, args...)
	if err != nil {
		return nil, wrapRead(fmt.Errorf("pages: %w", err))
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var code, u string
		if err := rows.Scan(&code, &u); err != nil {
			return nil, err
		}
		if u != "" {
			out[code] = u
		}
	}
	return out, wrapRead(rows.Err())
}
