package crawler

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/councildash/councildash/crawler/archive"
)

// One request at a time: non-page requests (robots, sitemaps, probes, link
// checks) through get, pages through colly in fetchQueued.

// get makes one non-page request (robots, sitemap, probes, link checks)
// through the site transport. read consumes the capped body (nil: discard).
// purpose (archive.Purpose*) is written with its archive records.
// The returned error includes cap errors (too-large, decompression).
func (s *siteRun) get(method, rawURL, purpose string, maxBody int64, read func(io.Reader) error) (st *fetchState, status int, finalURL string, err error) {
	if !s.wait() {
		return nil, 0, rawURL, s.ctx.Err()
	}
	st = newFetchState(maxBody, s.cfg.MaxDecompressionRatio, purpose)
	s.rt.cur.Store(st)
	defer func() {
		s.rt.cur.Store(nil)
		s.lastReq = time.Now()
	}()
	req, err := http.NewRequestWithContext(s.ctx, method, rawURL, nil)
	if err != nil {
		return st, 0, rawURL, err
	}
	req.Header.Set("User-Agent", s.cfg.UserAgent)
	resp, err := s.client.Do(req)
	if err != nil {
		s.rt.settle(st, err)
		return st, 0, rawURL, err
	}
	defer resp.Body.Close()
	finalURL = resp.Request.URL.String()
	if read == nil {
		_, err = io.Copy(io.Discard, resp.Body)
	} else {
		err = read(resp.Body)
	}
	if err == nil {
		err = st.capErr()
	}
	return st, resp.StatusCode, finalURL, err
}

// fetchOutcome is what colly gave for one page request: its response
// (nil when none came) and its error. The collector's callbacks write it
// into the request's own colly context, so each fetch returns its outcome
// instead of leaving it on the site's state.
type fetchOutcome struct {
	resp *colly.Response
	err  error
}

// outcomeKey names the fetchOutcome in a request's colly context.
const outcomeKey = "councildash.outcome"

// outcomeOf returns the outcome a request carries (a throwaway one when a
// request did not come from fetchPage, which cannot happen).
func outcomeOf(ctx *colly.Context) *fetchOutcome {
	if ctx != nil {
		if o, ok := ctx.GetAny(outcomeKey).(*fetchOutcome); ok {
			return o
		}
	}
	return &fetchOutcome{}
}

// fetchPage requests one URL with colly (after the site's delay) and
// returns the outcome and the transport's record of the fetch. ok is false
// when the run was cancelled before or during the fetch.
func (s *siteRun) fetchPage(rawURL string) (out fetchOutcome, st *fetchState, ok bool) {
	if !s.wait() {
		return out, nil, false
	}
	st = newFetchState(s.cfg.MaxBody, s.cfg.MaxDecompressionRatio, archive.PurposePage)
	s.rt.cur.Store(st)
	ctx := colly.NewContext()
	o := &fetchOutcome{}
	ctx.Put(outcomeKey, o)
	rerr := s.col.Request(http.MethodGet, rawURL, nil, ctx, nil)
	s.rt.cur.Store(nil)
	s.lastReq = time.Now()
	if o.err == nil && rerr != nil {
		o.err = rerr
	}
	s.rt.settle(st, o.err)
	return *o, st, s.ctx.Err() == nil
}

// pageOf builds the Page of a fetch from its outcome and the transport's
// record: status, redirects, timings, error class and the decoded body.
func (s *siteRun) pageOf(q queued, out fetchOutcome, st *fetchState) *Page {
	ttfb, hops, header, ct, wire := st.snapshot()
	p := &Page{Council: s.site.Council, URL: q.url, FinalURL: q.url, Depth: q.depth, Header: header,
		ContentType: ct, Bytes: wire, TTFB: ttfb, Total: st.elapsed(), FetchedAt: st.fetchedAt(), Archive: st.archived()}
	if n := len(hops); n > 0 {
		p.FinalURL = hops[n-1].url
		p.Status = hops[n-1].status
		for _, h := range hops[:n-1] {
			p.RedirectChain = append(p.RedirectChain, h.url)
		}
	}
	switch {
	case errors.Is(out.err, colly.ErrAbortedAfterHeaders):
		p.ErrorClass = statusClass(p.Status) // non-HTML: recorded, not parsed
	case out.err != nil:
		p.ErrorClass, p.Err = classify(out.err), out.err.Error()
	default:
		if cerr := st.capErr(); cerr != nil {
			p.ErrorClass, p.Err = classify(cerr), cerr.Error()
			break
		}
		var body []byte
		if out.resp != nil {
			body = out.resp.Body
		}
		if looksBinary(body) {
			p.ErrorClass, p.Err = ErrBadContent, errBadContent.Error()
			break
		}
		p.IsHTML = true
		p.Body = decodeHTML(body, ct)
		p.ErrorClass = statusClass(p.Status)
	}
	return p
}

// fetchQueued fetches one page, follows its links into the frontier and
// delivers it to the sink. It returns nil when the run was cancelled
// during the fetch.
func (s *siteRun) fetchQueued(q queued) *Page {
	u, err := url.Parse(q.url)
	if err != nil {
		return nil
	}
	if !s.allowed(u) {
		p := &Page{Council: s.site.Council, URL: q.url, FinalURL: q.url, Depth: q.depth,
			ErrorClass: ErrRobotsDisallowed, Err: errRobots.Error(), FetchedAt: time.Now()}
		s.deliver(p)
		return p
	}
	out, st, ok := s.fetchPage(q.url)
	if !ok {
		return nil
	}
	p := s.pageOf(q, out, st)
	if p.ErrorClass == ErrNotArchived {
		return p // a crawl of an archive that does not hold the page: not fetched, not counted
	}
	s.fetched[urlKey(u)] = fetchResult{status: p.Status, class: p.ErrorClass, final: p.FinalURL}

	if p.IsHTML && p.Status < 400 {
		base, err := url.Parse(p.FinalURL)
		if err == nil {
			info := extractPage(p.Body, base, 5000)
			s.handleLinks(p.FinalURL, q.depth, info)
			if q.depth == 0 {
				s.homeForms = info.Forms
				s.homeLinks = make(map[string]bool, len(info.Links))
				for _, l := range info.Links {
					if lu, err := url.Parse(l.URL); err == nil {
						s.homeLinks[urlKey(lu)] = true
					}
				}
			}
		}
	}
	s.deliver(p)
	return p
}

func (s *siteRun) deliver(p *Page) {
	s.report.PagesFetched++
	s.c.pages.Add(1)
	s.c.bytes.Add(p.Bytes)
	if p.ErrorClass != ErrNone {
		s.report.PagesErrored++
		s.c.pageErrors.Add(1)
	}
	if err := s.c.sink.Page(s.sinkCtx, p); err != nil {
		s.c.sinkErrors.Add(1)
		s.log.Warn("sink Page failed", "url", p.URL, "err", err)
	}
	p.Body = nil
}
