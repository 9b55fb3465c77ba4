package crawler

import (
	"net/url"
	"strings"
)

// The frontier: internal links found on pages (and sitemap URLs) waiting
// to be fetched, breadth first, within the page, depth and variant budgets.

func (s *siteRun) handleLinks(from string, depth int, info pageInfo) {
	for _, l := range info.Links {
		u, err := url.Parse(l.URL)
		if err != nil {
			continue
		}
		key := urlKey(u)
		if isPDFPath(u.Path) {
			if len(s.pdfs) < 100000 {
				s.pdfs[key] = true
			}
		}
		internal := s.internalURL(u)
		if !s.linkSeen[key] {
			if internal && len(s.internal) < s.cfg.MaxLinkChecks {
				s.linkSeen[key] = true
				s.internal = append(s.internal, linkRef{from: from, to: l.URL, text: l.Text, selector: l.Selector})
			} else if !internal && len(s.external) < s.cfg.ExternalLinkSample {
				s.linkSeen[key] = true
				s.external = append(s.external, linkRef{from: from, to: l.URL, text: l.Text, selector: l.Selector})
			}
		}
		if internal && !isDocPath(u.Path) {
			s.enqueue(u, depth+1)
		}
	}
}

// enqueue adds an internal URL to the frontier unless visited, too deep, over
// the per-path query-variant cap or the frontier is full.
func (s *siteRun) enqueue(u *url.URL, depth int) {
	if depth > s.cfg.MaxDepth || len(s.frontier) >= s.cfg.MaxPages*10 {
		return
	}
	key := urlKey(u)
	if s.visited[key] {
		return
	}
	if u.RawQuery != "" {
		pk, _, _ := strings.Cut(key, "?")
		if s.variants[pk] >= s.cfg.MaxQueryVariants {
			return
		}
		s.variants[pk]++
	}
	s.visited[key] = true
	s.frontier = append(s.frontier, queued{url: u.String(), depth: depth})
}

func (s *siteRun) crawlFrontier() {
	for len(s.frontier) > 0 && s.report.PagesFetched < s.cfg.MaxPages && s.ctx.Err() == nil {
		q := s.frontier[0]
		s.frontier = s.frontier[1:]
		u, err := url.Parse(q.url)
		if err != nil {
			continue
		}
		if !s.allowed(u) {
			s.report.PagesDisallowed++
			continue
		}
		p := s.fetchQueued(q)
		if p == nil {
			return
		}
		if s.failed(p.ErrorClass) {
			break
		}
	}
	s.frontier = nil
}

// failed counts consecutive network failures; true when the site is given
// up (a slow or dead server must not cost MaxPages x Timeout).
func (s *siteRun) failed(class string) bool {
	if !networkFailure(class) {
		s.fails = 0
		return false
	}
	s.fails++
	if s.fails >= s.cfg.MaxConsecutiveFailures && !s.report.GaveUp {
		s.report.GaveUp = true
		s.log.Warn("site given up", "consecutive_failures", s.fails, "last_error", class)
	}
	return s.report.GaveUp
}
