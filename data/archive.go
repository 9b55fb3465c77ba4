package data

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/archive"
)

// The web archive's side of the store (issue 11): where each page's record
// is in the run's WARC files, a run's archive folder and source, and what a
// re-score from the archive reads back.

// SetRunArchive records a run's archive folder ("" when not archived) and
// source (RunSourceCrawl, RunSourceWARC) and returns the run.
func (s *Store) SetRunArchive(ctx context.Context, runID, dir, source string) (Run, error) {
	r, err := s.GetRun(ctx, runID)
	if err != nil {
		return Run{}, err
	}
	r.ArchiveDir, r.Source = dir, source
	return r, s.putRun(ctx, r)
}

// SetRunRescored records how a run was last re-scored (RescoredArchive or
// RescoredStatistics), so its pages can say so.
func (s *Store) SetRunRescored(ctx context.Context, runID, how string) error {
	r, err := s.GetRun(ctx, runID)
	if err != nil {
		return err
	}
	r.Rescored = how
	return s.putRun(ctx, r)
}

// ArchivedPage is a page of a run whose response was archived.
type ArchivedPage struct {
	RunID     string
	Council   string
	URL       string
	FinalURL  string
	FetchedAt time.Time
	// Dir is the run's archive folder; Location.File is relative to it.
	Dir      string
	Location archive.Location
}

// RecordURN is the WARC-Record-ID of a record whose id is a UUID, as the
// archive writes it.
func RecordURN(id string) string { return "urn:uuid:" + strings.ToLower(id) }

// RecordKey is the short form of a record id in addresses: the UUID of a
// urn:uuid: id, "" for any other kind of id.
func RecordKey(recordID string) string {
	rest, ok := strings.CutPrefix(strings.ToLower(recordID), "urn:uuid:")
	if !ok || len(rest) != 36 {
		return ""
	}
	for i, c := range rest {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return ""
			}
		case !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f'):
			return ""
		}
	}
	return rest
}

const (
	sqlArchivedPage = `SELECT council_code, url, final_url, fetched_at, warc_file, warc_offset, warc_length, warc_record_id, payload_digest
FROM pages WHERE run_id = ? AND warc_record_id = ? AND warc_file != ''
ORDER BY fetched_at DESC LIMIT 1`

	// sqlCouncilRecords: every archived page of a council in a run (any
	// attempt), newest capture of each URL.
	sqlCouncilRecords = `SELECT url, final_url, argMax(warc_record_id, fetched_at)
FROM pages WHERE run_id = ? AND council_code = ? AND warc_record_id != ''
GROUP BY url, final_url
LIMIT 100000`

	// sqlPageRecords: the archived pages of councils' completed attempts.
	sqlPageRecords = `SELECT council_code, url, any(warc_record_id)
FROM pages
WHERE run_id = ? AND has(?, council_code) AND warc_record_id != ''
  AND (run_id, council_code, attempt) IN (` + completeAttempts + ` WHERE run_id = ? AND has(?, council_code) GROUP BY run_id, council_code)
GROUP BY council_code, url
LIMIT 1000000`
)

// ArchivedPage returns the page of a run archived as record recordID (a
// full WARC-Record-ID), or ErrNotFound.
func (s *Store) ArchivedPage(ctx context.Context, runID, recordID string) (ArchivedPage, error) {
	run, err := s.GetRun(ctx, runID)
	if errors.Is(err, ErrNotFound) {
		return ArchivedPage{}, err
	}
	if err != nil {
		return ArchivedPage{}, wrapRead(err)
	}
	if !run.Archived() {
		return ArchivedPage{}, fmt.Errorf("run %s keeps no archive: %w", runID, ErrNotFound)
	}
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	p := ArchivedPage{RunID: runID, Dir: run.ArchiveDir}
	var off, n uint64
	err = s.conn.QueryRow(ctx, sqlArchivedPage, runID, recordID).Scan(&p.Council, &p.URL, &p.FinalURL, &p.FetchedAt,
		&p.Location.File, &off, &n, &p.Location.RecordID, &p.Location.PayloadDigest)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return ArchivedPage{}, fmt.Errorf("record %s of run %s: %w", recordID, runID, ErrNotFound)
		}
		return ArchivedPage{}, wrapRead(fmt.Errorf("archived page: %w", err))
	}
	p.Location.Offset, p.Location.Length = int64(off), int64(n)
	return p, nil
}

// CouncilRecords maps the URLs (as requested and as finally answered) of
// a council's archived pages in a run to their record ids: the links an
// archived page may lead to within the archive.
func (s *Store) CouncilRecords(ctx context.Context, runID, council string) (map[string]string, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlCouncilRecords, runID, council)
	if err != nil {
		return nil, wrapRead(fmt.Errorf("council records: %w", err))
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var u, final, id string
		if err := rows.Scan(&u, &final, &id); err != nil {
			return nil, err
		}
		out[u] = id
		if _, ok := out[final]; !ok && final != "" {
			out[final] = id
		}
	}
	return out, wrapRead(rows.Err())
}

// PageRecords maps, for councils (at most 500) of a run, each archived
// page's URL to its record id (their completed attempts): the council page
// links a finding's page to its archived copy.
func (s *Store) PageRecords(ctx context.Context, runID string, councils []string) (map[string]map[string]string, error) {
	if len(councils) == 0 || len(councils) > maxEvidenceCouncils {
		return nil, fmt.Errorf("page records: %d councils: ask for 1 to %d", len(councils), maxEvidenceCouncils)
	}
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlPageRecords, runID, councils, runID, councils)
	if err != nil {
		return nil, wrapRead(fmt.Errorf("page records: %w", err))
	}
	defer rows.Close()
	out := map[string]map[string]string{}
	for rows.Next() {
		var c, u, id string
		if err := rows.Scan(&c, &u, &id); err != nil {
			return nil, err
		}
		if out[c] == nil {
			out[c] = map[string]string{}
		}
		out[c][u] = id
	}
	return out, wrapRead(rows.Err())
}

// StoredAttempt is what a completed crawl of one site stored: its pages
// (without bodies: those are in the archive), link checks and site report.
type StoredAttempt struct {
	Council string
	Attempt string
	Pages   []crawler.Page
	Links   []crawler.LinkCheck
	Report  crawler.SiteReport
}

const (
	sqlAttemptPages = `SELECT url, final_url, redirect_chain, depth, status, content_type, bytes, ttfb_ms, total_ms, error_class, is_html, fetched_at,
       warc_file, warc_offset, warc_length, warc_record_id, payload_digest
FROM pages WHERE run_id = ? AND council_code = ? AND attempt = ?
ORDER BY depth, fetched_at, url`
	sqlAttemptLinks = `SELECT from_url, to_url, internal, method, status, error_class, total_ms, checked_at, warc_file, warc_offset, warc_length, warc_record_id,
       link_text, selector, final_url
FROM links WHERE run_id = ? AND council_code = ? AND attempt = ?
ORDER BY checked_at, from_url, to_url`
	sqlAttemptReport = `SELECT home_url, final_home_url, home_status, home_error_class, https, http_redirects_https, robots_status, robots_bytes,
       robots_parsed, robots_disallow_all, crawl_delay_ms, sitemaps, sitemap_urls, sitemap_parsed, not_found_url, not_found_status,
       search_form_action, pages_fetched, pages_errored, pdfs, links_checked, links_broken, started_at, finished_at,
       http_probe_unknown, search_results, not_found_warc_file, not_found_warc_offset, not_found_warc_length, not_found_warc_record_id
FROM site_reports WHERE run_id = ? AND council_code = ? AND attempt = ?
ORDER BY finished_at DESC LIMIT 1`
)

// LoadAttempt reads back a site's stored crawl (attempt, as FinishedSites
// names it) in a run.
func (s *Store) LoadAttempt(ctx context.Context, runID, council, attempt string) (StoredAttempt, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	a := StoredAttempt{Council: council, Attempt: attempt}
	rows, err := s.conn.Query(ctx, sqlAttemptPages, runID, council, attempt)
	if err != nil {
		return a, fmt.Errorf("attempt pages: %w", err)
	}
	for rows.Next() {
		p := crawler.Page{Council: council}
		var depth, status uint16
		var bytes, off, n uint64
		var ttfb, total uint32
		var isHTML uint8
		if err := rows.Scan(&p.URL, &p.FinalURL, &p.RedirectChain, &depth, &status, &p.ContentType, &bytes, &ttfb, &total,
			&p.ErrorClass, &isHTML, &p.FetchedAt, &p.Archive.File, &off, &n, &p.Archive.RecordID, &p.Archive.PayloadDigest); err != nil {
			rows.Close()
			return a, err
		}
		p.Depth, p.Status, p.Bytes, p.IsHTML = int(depth), int(status), int64(bytes), isHTML == 1
		p.TTFB, p.Total = time.Duration(ttfb)*time.Millisecond, time.Duration(total)*time.Millisecond
		p.Archive.Offset, p.Archive.Length = int64(off), int64(n)
		if len(p.RedirectChain) == 0 {
			p.RedirectChain = nil
		}
		a.Pages = append(a.Pages, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return a, err
	}
	rows, err = s.conn.Query(ctx, sqlAttemptLinks, runID, council, attempt)
	if err != nil {
		return a, fmt.Errorf("attempt links: %w", err)
	}
	for rows.Next() {
		l := crawler.LinkCheck{Council: council}
		var internal uint8
		var status uint16
		var total uint32
		var off, n uint64
		if err := rows.Scan(&l.FromURL, &l.ToURL, &internal, &l.Method, &status, &l.ErrorClass, &total, &l.CheckedAt,
			&l.Archive.File, &off, &n, &l.Archive.RecordID, &l.Text, &l.Selector, &l.FinalURL); err != nil {
			rows.Close()
			return a, err
		}
		l.Internal, l.Status, l.Total = internal == 1, int(status), time.Duration(total)*time.Millisecond
		l.Archive.Offset, l.Archive.Length = int64(off), int64(n)
		a.Links = append(a.Links, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return a, err
	}
	r := &a.Report
	r.Council = council
	var homeStatus, robotsStatus, nfStatus uint16
	var https, toHTTPS, robotsParsed, disallowAll, smParsed, probeUnknown uint8
	var robotsBytes, nfOff, nfLen uint64
	var delay, smURLs, fetched, errored, pdfs, checked, broken uint32
	var search string
	err = s.conn.QueryRow(ctx, sqlAttemptReport, runID, council, attempt).Scan(&r.HomeURL, &r.FinalHomeURL, &homeStatus,
		&r.HomeErrorClass, &https, &toHTTPS, &robotsStatus, &robotsBytes, &robotsParsed, &disallowAll, &delay, &r.Sitemaps,
		&smURLs, &smParsed, &r.NotFoundURL, &nfStatus, &r.SearchFormAction, &fetched, &errored, &pdfs, &checked, &broken,
		&r.Started, &r.Finished, &probeUnknown, &search, &r.NotFoundArchive.File, &nfOff, &nfLen, &r.NotFoundArchive.RecordID)
	if err != nil {
		return a, fmt.Errorf("attempt report: %w", err)
	}
	r.HomeStatus, r.RobotsStatus, r.NotFoundStatus = int(homeStatus), int(robotsStatus), int(nfStatus)
	r.HTTPS, r.HTTPRedirectsToHTTPS, r.RobotsParsed, r.RobotsDisallowAll = https == 1, toHTTPS == 1, robotsParsed == 1, disallowAll == 1
	r.SitemapParsed, r.HTTPProbeUnknown = smParsed == 1, probeUnknown == 1
	r.RobotsBytes, r.CrawlDelay, r.SitemapURLs = int64(robotsBytes), time.Duration(delay)*time.Millisecond, int(smURLs)
	r.PagesFetched, r.PagesErrored, r.PDFs, r.LinksChecked, r.LinksBroken = int(fetched), int(errored), int(pdfs), int(checked), int(broken)
	r.NotFoundArchive.Offset, r.NotFoundArchive.Length = int64(nfOff), int64(nfLen)
	if len(r.Sitemaps) == 0 {
		r.Sitemaps = nil
	}
	if search != "" {
		if err := json.Unmarshal([]byte(search), &r.SearchResults); err != nil {
			return a, fmt.Errorf("attempt report: search results: %w", err)
		}
	}
	return a, nil
}

// CouncilsByHost indexes a register by the host of each council's home
// page, as crawler.HostKey names it (lower case, without www.): the councils
// whose captures an imported web archive holds. Councils that share a
// website (Adur and Worthing, say) are all listed under its host, in
// register order: an import scores each of them from the same captures, as
// a crawl of the register scores each from the same site.
func CouncilsByHost(reg []Council) map[string][]Council {
	out := make(map[string][]Council, len(reg))
	for _, c := range reg {
		u, err := url.Parse(strings.TrimSpace(c.HomepageURL))
		if err != nil || u.Hostname() == "" {
			continue
		}
		key := crawler.HostKey(u.Hostname())
		out[key] = append(out[key], c)
	}
	return out
}

// newID is a random (v4) UUID read straight from crypto/rand. Not
// uuid.NewString: it reads a switch of github.com/google/uuid that the WARC
// library (gowarc v3.1.0) sets without a lock each time it builds or reads
// a record, a data race while a crawl archives.
func newID() string { return uuid.Must(uuid.NewRandomFromReader(rand.Reader)).String() }
