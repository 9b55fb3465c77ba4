package crawler

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/councildash/councildash/crawler/archive"
)

// Site probes: the sitemaps, whether http:// redirects to https://, and how
// a missing page is answered.

// seedSitemaps reads robots Sitemap: lines and /sitemap.xml (following
// indexes) and seeds the frontier at depth 1.
func (s *siteRun) seedSitemaps(home *url.URL) {
	std := home.Scheme + "://" + home.Host + "/sitemap.xml"
	queue := append([]string(nil), s.report.Sitemaps...)
	if info := s.robotsFor(home); info.data != nil { // the final home host's robots.txt
		queue = appendUnique(queue, info.data.Sitemaps, s.cfg.MaxSitemaps)
	}
	queue = appendUnique(queue, []string{std}, s.cfg.MaxSitemaps+1)
	fetched := 0
	seen := map[string]bool{}
	for len(queue) > 0 && fetched < s.cfg.MaxSitemaps && s.ctx.Err() == nil && s.report.SitemapURLs < s.cfg.MaxSitemapURLs {
		sm := queue[0]
		queue = queue[1:]
		if seen[sm] {
			continue
		}
		seen[sm] = true
		su, err := url.Parse(sm)
		if err != nil || (su.Scheme != "http" && su.Scheme != "https") {
			continue
		}
		if s.internalURL(su) && !s.allowed(su) {
			continue
		}
		fetched++
		var res sitemapResult
		var children []string
		var perr error
		_, status, _, err := s.get(http.MethodGet, sm, archive.PurposeSitemap, s.cfg.MaxSitemapBytes, func(r io.Reader) error {
			left := s.cfg.MaxSitemapURLs - s.report.SitemapURLs
			res, perr = parseSitemap(r, s.cfg.MaxSitemapBytes, left, func(loc string, kind sitemapKind) {
				lu, err := url.Parse(loc)
				if err != nil || lu.Host == "" {
					return
				}
				if kind == sitemapIndex {
					if len(children) < s.cfg.MaxSitemaps {
						children = append(children, loc)
					}
					return
				}
				if s.internalURL(lu) && !isDocPath(lu.Path) && len(s.frontier) < s.cfg.MaxPages*10 {
					lu.Fragment = ""
					s.enqueue(lu, 1)
				}
			})
			return nil
		})
		if status >= 200 && status < 300 && err == nil || errors.Is(err, errTooLarge) {
			if perr == nil && res.Kind != sitemapUnknown {
				s.report.SitemapParsed = true
				if !contains(s.report.Sitemaps, sm) && len(s.report.Sitemaps) < s.cfg.MaxSitemaps*2 {
					s.report.Sitemaps = append(s.report.Sitemaps, sm)
				}
			}
		}
		if errors.Is(err, ErrNotCaptured) {
			continue // an archive without it: nothing known
		}
		if res.Kind == sitemapURLSet {
			s.report.SitemapURLs += res.Count
		}
		switch {
		case res.Truncated || errors.Is(err, errTooLarge):
			s.report.SitemapErrorClass = ErrTooLarge
		case err != nil && s.report.SitemapErrorClass == "" && sm != std:
			s.report.SitemapErrorClass = classify(err)
		case err == nil && status >= 400 && s.report.SitemapErrorClass == "" && sm != std:
			s.report.SitemapErrorClass = statusClass(status) // a listed sitemap is missing
		case errors.Is(perr, errDecompression) && s.report.SitemapErrorClass == "":
			s.report.SitemapErrorClass = ErrDecompression
		}
		queue = append(queue, children...)
	}
}

// probeHTTP checks whether the http:// home redirects to https://.
func (s *siteRun) probeHTTP(home *url.URL) {
	hu := *home
	hu.Scheme = "http"
	_, _, final, err := s.get(http.MethodGet, hu.String(), archive.PurposeHTTPProbe, 64<<10, nil)
	if errors.Is(err, ErrNotCaptured) {
		s.report.HTTPProbeUnknown = true
		return
	}
	if err == nil || errors.Is(err, errTooLarge) {
		if fu, perr := url.Parse(final); perr == nil && fu.Scheme == "https" {
			s.report.HTTPRedirectsToHTTPS = true
		}
	}
}

// probeNotFound requests a made-up URL to see how missing pages are answered.
func (s *siteRun) probeNotFound(home *url.URL) {
	h := fnv.New32a()
	_, _ = fmt.Fprintf(h, "%s|%d", s.site.Council, time.Now().UnixNano())
	probe := fmt.Sprintf("%s://%s%s%08x", home.Scheme, home.Host, notFoundPrefix, h.Sum32())
	pu, _ := url.Parse(probe)
	if pu == nil || !s.allowed(pu) {
		return
	}
	s.report.NotFoundURL = probe
	var body []byte
	st, status, _, err := s.get(http.MethodGet, probe, archive.PurposeNotFound, s.cfg.MaxNotFoundBody, func(r io.Reader) error {
		var rerr error
		body, rerr = io.ReadAll(r)
		return rerr
	})
	s.report.NotFoundStatus = status
	if st != nil {
		s.report.NotFoundArchive = st.archived()
	}
	if (err == nil || errors.Is(err, errTooLarge)) && len(body) > 0 && st != nil {
		_, _, _, ct, _ := st.snapshot()
		if isHTMLType(ct) && !looksBinary(body) {
			s.report.NotFoundBody = decodeHTML(body, ct)
		}
	}
}
