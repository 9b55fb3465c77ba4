package crawler

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/temoto/robotstxt"

	"github.com/councildash/councildash/crawler/archive"
)

// robots.txt: fetched once per scheme and host, parsed without panics,
// obeyed for our product token (RFC 9309). temoto/robotstxt reads the
// Crawl-delay and Sitemap lines; the allow/disallow rules are matched by
// robotsrules.go (temoto's wildcard rules are not anchored).

type robotsInfo struct {
	data  *robotstxt.RobotsData // Crawl-delay and Sitemap lines; nil: none
	rules *robotsRules          // allow/disallow for our token; nil: allow all
	class string                // error class of the robots.txt fetch
}

// allows reports whether robots.txt lets us fetch u.
func (r *robotsInfo) allows(u *url.URL) bool {
	p := u.EscapedPath()
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return r.rules.allows(p)
}

// unreachable: the robots.txt fetch failed at the network level, so RFC 9309
// says the crawler must assume complete disallow.
func (r *robotsInfo) unreachable() bool {
	return networkFailure(r.class) || r.class == ErrOther
}

func robotsKey(u *url.URL) string { return u.Scheme + "://" + strings.ToLower(u.Host) }

// robotsFor fetches (once per scheme+host) and caches robots.txt.
func (s *siteRun) robotsFor(u *url.URL) *robotsInfo {
	key := robotsKey(u)
	if r, ok := s.robots[key]; ok {
		return r
	}
	info := &robotsInfo{}
	s.robots[key] = info
	first := key == s.homeKey
	var body []byte
	st, status, _, err := s.get(http.MethodGet, key+"/robots.txt", archive.PurposeRobots, s.cfg.MaxRobotsBytes, func(r io.Reader) error {
		var rerr error
		body, rerr = io.ReadAll(r)
		return rerr
	})
	capped := errors.Is(err, errTooLarge) || errors.Is(err, errDecompression)
	if !capped {
		info.class = classify(err)
	}
	var parsed bool
	if err == nil || capped {
		// The rules apply even where temoto reports a syntax error
		// elsewhere in the file: RFC 9309 §2.2 asks crawlers to use the
		// lines they can parse.
		info.rules = robotsRulesFor(status, body, UserAgentToken)
		data, perr := parseRobots(status, body)
		if perr == nil && data != nil {
			info.data = data
			parsed = status >= 200 && status < 300
			declared, delay := robotsDelay(data, s.delay, s.cfg.MaxCrawlDelay)
			if first && declared > 0 {
				s.report.CrawlDelay = declared
			}
			if delay > s.delay {
				s.delay = delay
				s.rt.delay.Store(int64(delay))
			}
		}
	}
	if first {
		s.report.RobotsStatus = status
		if st != nil {
			_, _, _, _, s.report.RobotsBytes = st.snapshot()
		}
		s.report.RobotsParsed = parsed
		s.report.RobotsErrorClass = classify(err)
		if info.data != nil {
			s.report.Sitemaps = appendUnique(s.report.Sitemaps, info.data.Sitemaps, s.cfg.MaxSitemaps)
		}
	}
	return info
}

// robotsDelay reads the Crawl-delay robots.txt declares for our agent (0
// when it declares none, or nothing positive) and returns it with the delay
// to keep between requests: the larger of current and the declared delay
// capped at max. It is never below current.
func robotsDelay(data *robotstxt.RobotsData, current, max time.Duration) (declared, delay time.Duration) {
	delay = current
	g := data.FindGroup(UserAgentToken)
	if g == nil || g.CrawlDelay <= 0 {
		return 0, delay
	}
	declared = g.CrawlDelay
	if cd := min(declared, max); cd > delay {
		delay = cd
	}
	return declared, delay
}

// parseRobots never panics, whatever the body.
func parseRobots(status int, body []byte) (data *robotstxt.RobotsData, err error) {
	defer func() {
		if r := recover(); r != nil {
			data, err = nil, fmt.Errorf("robots.txt parser panic: %v", r)
		}
	}()
	return robotstxt.FromStatusAndBytes(status, body)
}

func appendUnique(dst, src []string, limit int) []string {
	for _, v := range src {
		if len(dst) >= limit {
			break
		}
		dup := false
		for _, d := range dst {
			if d == v {
				dup = true
				break
			}
		}
		if !dup {
			dst = append(dst, v)
		}
	}
	return dst
}

func (s *siteRun) allowed(u *url.URL) bool {
	return s.robotsFor(u).allows(u)
}
