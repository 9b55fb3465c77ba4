package crawler

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/councildash/councildash/crawler/archive"
)

// Link checks: internal links found (reusing page fetches) and a sample of
// external links, HEAD first and GET when HEAD is refused.

const linkBatch = 100

type linkRef struct {
	from, to       string
	text, selector string // the first link found to `to`: its text and element
}

// checkLinks checks the internal links found (reusing page fetch results)
// and a sample of external links, HEAD first then GET.
func (s *siteRun) checkLinks() {
	batch := make([]LinkCheck, 0, linkBatch)
	flush := func() {
		if len(batch) == 0 {
			return
		}
		if err := s.c.sink.Links(s.sinkCtx, batch); err != nil {
			s.c.sinkErrors.Add(1)
			s.log.Warn("sink Links failed", "err", err)
		}
		batch = make([]LinkCheck, 0, linkBatch)
	}
	record := func(lc LinkCheck) {
		s.report.LinksChecked++
		s.c.linksChecked.Add(1)
		if lc.ErrorClass != ErrNone || lc.Status >= 400 {
			s.report.LinksBroken++
			s.c.linksBroken.Add(1)
		}
		batch = append(batch, lc)
		if len(batch) >= linkBatch {
			flush()
		}
	}
	for i, refs := range [][]linkRef{s.internal, s.external} {
		internal := i == 0
		for _, ref := range refs {
			if s.ctx.Err() != nil {
				flush()
				return
			}
			u, err := url.Parse(ref.to)
			if err != nil {
				continue
			}
			lc := LinkCheck{Council: s.site.Council, FromURL: ref.from, ToURL: ref.to, Internal: internal, CheckedAt: time.Now(),
				Text: ref.text, Selector: ref.selector}
			if r, ok := s.fetched[urlKey(u)]; ok && internal {
				lc.Method, lc.Status, lc.ErrorClass, lc.FinalURL = http.MethodGet, r.status, r.class, r.final
				if lc.ErrorClass == ErrRobotsDisallowed {
					continue
				}
				record(lc)
				continue
			}
			if internal && (s.report.GaveUp || !s.allowed(u)) {
				continue
			}
			var claim *linkEntry
			if !internal {
				r, ok, mine := s.c.extLinks.lookup(s.ctx, ref.to)
				if ok {
					lc.Method, lc.Status, lc.ErrorClass, lc.Total, lc.FinalURL = r.method, r.status, r.class, r.total, r.final
					record(lc) // another site checked it this run
					continue
				}
				if s.ctx.Err() != nil {
					flush()
					return
				}
				claim = mine
			}
			start := time.Now()
			lc.Method = http.MethodHead
			st, status, final, err := s.get(http.MethodHead, ref.to, archive.PurposeLinkCheck, 64<<10, nil)
			if s.ctx.Err() != nil {
				s.c.extLinks.finish(ref.to, claim, linkResult{}, false)
				flush()
				return
			}
			// GET again when HEAD is refused or the answer was odd, but not
			// when the server cannot be reached at all (that would double
			// the cost of a dead or slow host).
			if (err != nil && !networkFailure(classify(err))) || status == http.StatusMethodNotAllowed || status == http.StatusNotImplemented || status == http.StatusForbidden {
				lc.Method = http.MethodGet
				st, status, final, err = s.get(http.MethodGet, ref.to, archive.PurposeLinkCheck, 64<<10, nil)
				if errors.Is(err, errTooLarge) || errors.Is(err, errDecompression) {
					err = nil // a link check only needs the status
				}
				if s.ctx.Err() != nil {
					s.c.extLinks.finish(ref.to, claim, linkResult{}, false)
					flush()
					return
				}
			}
			if errors.Is(err, ErrNotCaptured) {
				// A crawl of an archive that does not hold the target:
				// nothing is known of the link.
				s.c.extLinks.finish(ref.to, claim, linkResult{}, false)
				continue
			}
			lc.Status, lc.Total, lc.FinalURL = status, time.Since(start), final
			if st != nil {
				lc.Archive = st.archived()
			}
			lc.ErrorClass = classify(err)
			if lc.ErrorClass == ErrNone {
				lc.ErrorClass = statusClass(status)
			}
			if internal {
				s.failed(lc.ErrorClass)
			} else {
				s.c.extLinks.finish(ref.to, claim, linkResult{method: lc.Method, status: lc.Status, class: lc.ErrorClass, total: lc.Total, final: lc.FinalURL}, true)
			}
			record(lc)
		}
	}
	flush()
}
