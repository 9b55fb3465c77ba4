package dashboard

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/crawler/archive"
	"github.com/councildash/councildash/data"
)

// The page as crawled (issue 11): /archive/RUN/RECORD serves a page's
// archived response, made safe to show by archive.Replay (scripts and
// frames gone, every link to a page of the same crawl rewritten to its
// archived copy and every other URL neutralised, a banner saying when and
// where it was captured) with its own headers: a Content-Security-Policy
// allowing no script and nothing from elsewhere, and X-Robots-Tag noindex.
// RECORD is the UUID of the record's WARC-Record-ID.

// maxReplays bounds the archived pages rewritten at once.
const maxReplays = 4

var (
	runIDPattern     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)
	errArchiveFormat = errors.New("archived answer is not a web page")
	errArchiveBroken = errors.New("archived page cannot be shown")
)

// archivedHref is the address of a page's archived copy ("" when none).
func archivedHref(runID, key string) string {
	if key == "" || !runIDPattern.MatchString(runID) {
		return ""
	}
	return "/archive/" + url.PathEscape(runID) + "/" + key
}

// archivedPages maps, per council, the archived pages' URLs to their
// record keys (for the council page's links to them).
func (s *Server) archivedPages(ctx context.Context, runID string, councils []string) (map[string]map[string]string, error) {
	recs, err := s.store.PageRecords(ctx, runID, councils)
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string]string, len(recs))
	for c, m := range recs {
		keys := make(map[string]string, len(m))
		for u, id := range m {
			if k := data.RecordKey(id); k != "" {
				keys[u] = k
			}
		}
		out[c] = keys
	}
	return out, nil
}

// scoredFrom says how the scores of a run shown under method were made.
func scoredFrom(run data.Run, method string) string {
	rescored := method != "" && method != run.MethodVersion
	switch {
	case run.Source == data.RunSourceWARC:
		return "Web archive files (WARC) imported into councildash: the captured pages were scored as a crawl scores a live site"
	case rescored && run.Rescored == data.RescoredArchive:
		return "The pages kept with the crawl, read again under method " + method + ": every check of the method was run"
	case rescored && run.Rescored == data.RescoredMixed:
		return "The pages kept with the crawl, read again under method " + method + " (for sites whose pages were not all kept, the crawl's stored statistics)"
	case rescored:
		return "The crawl's stored statistics, weighed again under method " + method + ": the crawl kept no pages, so checks new to the method could not run"
	case run.Archived():
		return "The pages as crawled; they are kept (WARC), so the crawl can be scored again under a later method"
	}
	return "The pages as crawled; they were not kept, so a later method can only weigh the crawl's statistics again"
}

// archivedPage serves GET /archive/:run/:record.
func (s *Server) archivedPage(c *gin.Context) {
	runID, key := c.Param("run"), strings.ToLower(c.Param("record"))
	if !runIDPattern.MatchString(runID) || data.RecordKey(data.RecordURN(key)) == "" {
		s.fail(c, ErrNotFound)
		return
	}
	select {
	case s.replays <- struct{}{}:
		defer func() { <-s.replays }()
	case <-c.Request.Context().Done():
		c.Abort()
		return
	}
	ctx := c.Request.Context()
	p, err := s.store.ArchivedPage(ctx, runID, data.RecordURN(key))
	if err != nil {
		s.fail(c, err)
		return
	}
	rec, err := archive.ReadRecordUnder(p.Dir, p.Location, archive.Limits{})
	if err != nil {
		s.archiveFail(c, err)
		return
	}
	links, err := s.store.CouncilRecords(ctx, runID, p.Council)
	if err != nil {
		s.fail(c, err)
		return
	}
	rewrite := func(u *url.URL, kind archive.URLKind) (string, bool) {
		if kind != archive.LinkURL {
			return "", false // the crawler keeps no images, styles or scripts
		}
		v := *u
		v.Fragment, v.RawFragment = "", ""
		href := archivedHref(runID, data.RecordKey(links[v.String()]))
		if href == "" {
			return "", false
		}
		if u.Fragment != "" {
			href += "#" + u.EscapedFragment()
		}
		return href, true
	}
	target := rec.TargetURI
	if target == "" {
		target = p.FinalURL
	}
	page, err := archive.Replay(rec.Body, archive.ReplayOptions{URL: target, CapturedAt: rec.Date,
		ContentType: rec.Header.Get("Content-Type"), Rewrite: rewrite})
	if err != nil {
		s.archiveFail(c, err)
		return
	}
	h := c.Writer.Header()
	for k, v := range page.Header { // in place of the site's own policy: this page has its own
		h[k] = v
	}
	h.Set("Cache-Control", "private, max-age=3600")
	c.Data(http.StatusOK, page.Header.Get("Content-Type"), page.Body)
}

// archiveFail answers an archived record that cannot be shown; the reason
// is logged, never shown.
func (s *Server) archiveFail(c *gin.Context, err error) {
	var re *archive.RecordError
	switch {
	case errors.Is(err, archive.ErrNoRecord):
		s.log.Warn("archived page missing", "path", c.Request.URL.Path, "err", err)
		s.fail(c, ErrNotFound)
	case errors.Is(err, archive.ErrNotHTML):
		s.archiveError(c, http.StatusUnsupportedMediaType, "This archived answer is not a web page", errArchiveFormat)
	case errors.As(err, &re), errors.Is(err, archive.ErrCannotReplay):
		s.log.Warn("archived page cannot be shown", "path", c.Request.URL.Path, "err", err)
		s.archiveError(c, http.StatusUnprocessableEntity, "This archived page cannot be shown", errArchiveBroken)
	default:
		s.fail(c, err)
	}
}

func (s *Server) archiveError(c *gin.Context, status int, heading string, err error) {
	_ = c.Error(err)
	s.render.Render(c, status, "error", heading, errorPage{Status: status, Heading: heading})
	c.Abort()
}
