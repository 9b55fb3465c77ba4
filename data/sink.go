package data

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/scoring"
)

// RunSink stores one run's crawl output through a Writer. It implements
// crawler.Sink and also takes scoring output. Every site crawl gets an
// attempt id; the site report, written last, marks the attempt complete.
type RunSink struct {
	w      *Writer
	runID  string
	method string

	mu       sync.Mutex
	attempts map[string]string
	// newAttempt names a council's attempt and now stamps rows (tests fix
	// both to store the same rows twice); nil: a random id and the clock.
	newAttempt func(council string) string
	now        func() time.Time
}

func (k *RunSink) clock() time.Time {
	if k.now != nil {
		return k.now()
	}
	return time.Now().UTC()
}

// NewRunSink returns a sink writing run runID through w; methodVersion is
// stored with findings and scores.
func NewRunSink(w *Writer, runID, methodVersion string) *RunSink {
	return &RunSink{w: w, runID: runID, method: methodVersion, attempts: map[string]string{}}
}

var _ crawler.Sink = (*RunSink)(nil)

// Attempt returns the current attempt id of a council's crawl in this run.
func (k *RunSink) Attempt(council string) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	a, ok := k.attempts[council]
	if !ok {
		a = newID()
		if k.newAttempt != nil {
			a = k.newAttempt(council)
		}
		k.attempts[council] = a
	}
	return a
}

// ms stores a duration in whole milliseconds. A measured duration under
// a millisecond (loopback) is stored as 1, not 0: 0 means "not measured",
// and a re-score from the archive would then skip the response-time check
// the crawl ran.
func ms(d time.Duration) uint32 {
	if d <= 0 {
		return 0
	}
	return uint32(max(d/time.Millisecond, 1))
}

func b2u(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

func nz(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now().UTC()
	}
	return t.UTC()
}

func strs(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Page stores a fetched page without scoring output.
func (k *RunSink) Page(ctx context.Context, p *crawler.Page) error {
	return k.ScoredPage(ctx, p, "", nil)
}

// ScoredPage stores a fetched page with its title and findings.
func (k *RunSink) ScoredPage(ctx context.Context, p *crawler.Page, title string, fs []scoring.Finding) error {
	return k.storePage(ctx, p, scoring.PageResult{Title: title, Findings: fs})
}

// storePage stores a fetched page with what scoring made of it (see
// PageResult).
func (k *RunSink) storePage(ctx context.Context, p *crawler.Page, r scoring.PageResult) error {
	att := k.Attempt(p.Council)
	fetched := nz(p.FetchedAt)
	ids, counts := pageCounts(r.Summary.Counts)
	if err := k.w.add(ctx, tPages, []any{k.runID, p.Council, att, p.URL, p.FinalURL, strs(p.RedirectChain),
		uint16(clamp(p.Depth, 0, 65535)), uint16(clamp(p.Status, 0, 65535)), p.ContentType, uint64(max(p.Bytes, 0)),
		ms(p.TTFB), ms(p.Total), p.ErrorClass, r.Title, b2u(p.IsHTML), fetched,
		r.Unscored, uint32(clamp(r.Summary.Words, 0, 1<<31)), ids, counts,
		p.Archive.File, u64(p.Archive.Offset), u64(p.Archive.Length), p.Archive.RecordID, p.Archive.PayloadDigest}); err != nil {
		return err
	}
	return k.Findings(ctx, p.Council, r.Findings)
}

// Findings stores findings for a council in this run.
func (k *RunSink) Findings(ctx context.Context, council string, fs []scoring.Finding) error {
	if len(fs) == 0 {
		return nil
	}
	att := k.Attempt(council)
	now := k.clock()
	rows := make([][]any, 0, len(fs))
	for _, f := range fs {
		sev := f.Severity
		if sev != scoring.SevInfo && sev != scoring.SevWarning && sev != scoring.SevError {
			sev = scoring.SevWarning
		}
		rows = append(rows, []any{k.runID, council, att, f.URL, f.CheckID, f.Category, sev, f.Selector,
			f.Snippet, strs(f.Matched), f.Message, f.Task, k.method, now})
	}
	return k.w.add(ctx, tFindings, rows...)
}

// Links stores link checks.
func (k *RunSink) Links(ctx context.Context, checks []crawler.LinkCheck) error {
	if len(checks) == 0 {
		return nil
	}
	rows := make([][]any, 0, len(checks))
	for _, c := range checks {
		rows = append(rows, []any{k.runID, c.Council, k.Attempt(c.Council), c.FromURL, c.ToURL, b2u(c.Internal),
			c.Method, uint16(clamp(c.Status, 0, 65535)), c.ErrorClass, ms(c.Total), nz(c.CheckedAt),
			c.Archive.File, u64(c.Archive.Offset), u64(c.Archive.Length), c.Archive.RecordID, c.Text, c.Selector, c.FinalURL})
	}
	return k.w.add(ctx, tLinks, rows...)
}

// SiteResult stores a site's site-level findings, check stats and scores.
// Call it before SiteDone.
func (k *RunSink) SiteResult(ctx context.Context, council string, findings []scoring.Finding, stats []scoring.CheckStat, scores []scoring.Score) error {
	if err := k.Findings(ctx, council, findings); err != nil {
		return err
	}
	att := k.Attempt(council)
	now := k.clock()
	rows := make([][]any, 0, len(stats))
	for _, st := range stats {
		rows = append(rows, []any{k.runID, council, att, st.CheckID, st.Category, uint32(max(st.PagesTotal, 0)),
			uint32(max(st.PagesAffected, 0)), uint32(max(st.Findings, 0)), now, uint64(max(st.Words, 0))})
	}
	if err := k.w.add(ctx, tCheckStats, rows...); err != nil {
		return err
	}
	return k.w.add(ctx, tScores, scoreRows(k.runID, council, scores, now)...)
}

func scoreRows(runID, council string, scores []scoring.Score, at time.Time) [][]any {
	rows := make([][]any, 0, len(scores))
	for _, sc := range scores {
		rows = append(rows, []any{runID, council, sc.MethodVersion, sc.Category, sc.CheckID, sc.Score, at})
	}
	return rows
}

// SiteDone stores the site report: the marker that the attempt is complete.
func (k *RunSink) SiteDone(ctx context.Context, r *crawler.SiteReport) error {
	att := k.Attempt(r.Council)
	err := k.w.add(ctx, tSiteReports, []any{k.runID, r.Council, att, r.HomeURL, r.FinalHomeURL,
		uint16(clamp(r.HomeStatus, 0, 65535)), r.HomeErrorClass, b2u(r.HTTPS), b2u(r.HTTPRedirectsToHTTPS),
		uint16(clamp(r.RobotsStatus, 0, 65535)), uint64(max(r.RobotsBytes, 0)), b2u(r.RobotsParsed),
		b2u(r.RobotsDisallowAll), ms(r.CrawlDelay), strs(r.Sitemaps), uint32(max(r.SitemapURLs, 0)),
		b2u(r.SitemapParsed), r.NotFoundURL, uint16(clamp(r.NotFoundStatus, 0, 65535)), r.SearchFormAction,
		uint32(max(r.PagesFetched, 0)), uint32(max(r.PagesErrored, 0)), uint32(max(r.PDFs, 0)),
		uint32(max(r.LinksChecked, 0)), uint32(max(r.LinksBroken, 0)), nz(r.Started), nz(r.Finished),
		b2u(r.HTTPProbeUnknown), searchJSON(r.SearchResults), r.NotFoundArchive.File, u64(r.NotFoundArchive.Offset),
		u64(r.NotFoundArchive.Length), r.NotFoundArchive.RecordID})
	return err
}

func u64(v int64) uint64 { return uint64(max(v, 0)) }

// searchJSON keeps a site search's results as JSON (query -> result URLs):
// a re-score from the archive needs them. "" when the site has no search.
func searchJSON(res map[string][]string) string {
	if len(res) == 0 {
		return ""
	}
	b, err := json.Marshal(res)
	if err != nil {
		return ""
	}
	return string(b)
}

func clamp(v, lo, hi int) int {
	return min(max(v, lo), hi)
}
