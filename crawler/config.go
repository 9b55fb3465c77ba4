package crawler

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/councildash/councildash/crawler/archive"
)

// Version is the crawler version sent in the User-Agent.
const Version = "0.1"

// UserAgentToken is the product token matched against robots.txt groups.
const UserAgentToken = "councildash"

// DefaultUserAgent identifies the crawler to council web servers.
const DefaultUserAgent = UserAgentToken + "/" + Version + " (+https://github.com/councildash/councildash)"

// Config controls a crawl run. Start from DefaultConfig and override fields.
type Config struct {
	UserAgent string

	// Parallel is the number of sites crawled at once (one request at a
	// time per site).
	Parallel int
	// MaxPages is the page budget per site (fetch attempts, home included).
	MaxPages int
	// MaxDepth is the maximum click depth from the home page (home = 0).
	MaxDepth int
	// MaxQueryVariants caps distinct query strings fetched per URL path
	// (bounds infinite calendars such as ?month=...).
	MaxQueryVariants int
	// Delay is the pause between two requests to the same site. A larger
	// robots.txt Crawl-delay wins, capped at MaxCrawlDelay.
	Delay         time.Duration
	MaxCrawlDelay time.Duration

	// Timeout is the per-request timeout (connect to last body byte).
	Timeout time.Duration
	// MaxConsecutiveFailures: a site whose pages (or internal link checks)
	// fail at the network level (timeout, refused, reset, dns, tls) this many
	// times in a row is given up (SiteReport.GaveUp). 0 means 5.
	MaxConsecutiveFailures int
	// MaxRedirects caps the redirect chain of one fetch.
	MaxRedirects int
	// MaxBody caps a page body in bytes (received, and again decompressed);
	// a page over it is marked too-large.
	MaxBody int64
	// MaxDecompressionRatio: a compressed body that inflates beyond MaxBody
	// with at least this ratio is classed as a decompression bomb.
	MaxDecompressionRatio int64
	// MaxRobotsBytes caps robots.txt (the rest is ignored, RFC 9309 says at
	// least 500 KiB must be parsed).
	MaxRobotsBytes int64
	// MaxSitemapBytes caps one sitemap file (decompressed); MaxSitemaps caps
	// the sitemap files fetched per site; MaxSitemapURLs caps URLs counted.
	MaxSitemapBytes int64
	MaxSitemaps     int
	MaxSitemapURLs  int
	// MaxNotFoundBody caps the stored body of the made-up-URL probe.
	MaxNotFoundBody int64

	// MaxLinkChecks caps internal link checks per site; ExternalLinkSample
	// caps external link checks per site (first ones found).
	MaxLinkChecks      int
	ExternalLinkSample int

	// SearchQueries are submitted to the home page's GET search form.
	SearchQueries []string

	// AllowSubdomains treats any subdomain of the home domain as the same site.
	AllowSubdomains bool

	// Skip holds council codes already done (resumed runs); they are not fetched.
	Skip map[string]bool

	// Resolve overrides DNS: host (or host:port) -> "ip:port"; key "*" is a
	// wildcard. The value "nxdomain" makes the host fail as a DNS error.
	Resolve map[string]string

	// TLSClientConfig overrides the TLS settings (e.g. RootCAs trusting a
	// test server); nil uses the system defaults.
	TLSClientConfig *tls.Config

	// Source, when set, answers every request instead of the network: the
	// crawl of a web archive (see source.go). Requests it cannot answer are
	// not fetched at all.
	Source Source

	// Recorder archives every request and response (pages, robots.txt,
	// sitemaps, probes, site searches, link checks; see crawler/archive);
	// nil archives nothing. When it fails with archive.ErrWrite (disk full,
	// folder gone) the run stops: open sites are reported interrupted and
	// Run returns that error.
	Recorder archive.Recorder

	// Logger receives structured logs (nil: discard).
	Logger *slog.Logger
	// Progress receives a live progress bar when it is a terminal, or plain
	// periodic lines otherwise (nil: no progress output).
	Progress io.Writer
	// ProgressEvery is the period of plain progress lines.
	ProgressEvery time.Duration
}

// DefaultConfig returns the polite production defaults.
func DefaultConfig() Config {
	return Config{
		UserAgent:              DefaultUserAgent,
		Parallel:               64,
		MaxPages:               100,
		MaxDepth:               3,
		MaxQueryVariants:       10,
		Delay:                  time.Second,
		MaxCrawlDelay:          10 * time.Second,
		Timeout:                20 * time.Second,
		MaxConsecutiveFailures: 5,
		MaxRedirects:           10,
		MaxBody:                5 << 20,
		MaxDecompressionRatio:  100,
		MaxRobotsBytes:         500 << 10,
		MaxSitemapBytes:        50 << 20,
		MaxSitemaps:            20,
		MaxSitemapURLs:         50000,
		MaxNotFoundBody:        64 << 10,
		MaxLinkChecks:          200,
		ExternalLinkSample:     20,
		SearchQueries:          []string{"council tax", "bin collection"},
		ProgressEvery:          10 * time.Second,
	}
}

// ErrConfig is returned by New for an unusable configuration.
var ErrConfig = errors.New("crawler: invalid config")

func (c *Config) validate() error {
	switch {
	case c.Parallel < 1:
		return fmt.Errorf("%w: Parallel must be >= 1", ErrConfig)
	case c.MaxPages < 1:
		return fmt.Errorf("%w: MaxPages must be >= 1", ErrConfig)
	case c.MaxDepth < 0:
		return fmt.Errorf("%w: MaxDepth must be >= 0", ErrConfig)
	case c.Timeout <= 0:
		return fmt.Errorf("%w: Timeout must be > 0", ErrConfig)
	case c.MaxBody <= 0 || c.MaxRobotsBytes <= 0 || c.MaxSitemapBytes <= 0:
		return fmt.Errorf("%w: body caps must be > 0", ErrConfig)
	case c.Delay < 0 || c.MaxRedirects < 0 || c.MaxLinkChecks < 0 || c.ExternalLinkSample < 0:
		return fmt.Errorf("%w: negative limit", ErrConfig)
	}
	if c.UserAgent == "" {
		c.UserAgent = DefaultUserAgent
	}
	if c.MaxConsecutiveFailures < 1 {
		c.MaxConsecutiveFailures = 5
	}
	if c.MaxQueryVariants < 1 {
		c.MaxQueryVariants = 1
	}
	if c.MaxDecompressionRatio < 1 {
		c.MaxDecompressionRatio = 100
	}
	if c.MaxSitemaps < 0 {
		c.MaxSitemaps = 0
	}
	if c.MaxNotFoundBody <= 0 {
		c.MaxNotFoundBody = 64 << 10
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = 10 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// Stats counts what a run has done so far.
type Stats struct {
	SitesTotal   int // sites to crawl (after Skip)
	SitesSkipped int
	SitesDone    int // sites finished (not interrupted)
	// SitesInterrupted counts sites cut off by cancellation (their partial
	// reports were delivered with Interrupted set).
	SitesInterrupted int
	Pages            int64 // fetch attempts delivered as Pages
	PageErrors       int64 // pages with an error class
	Bytes            int64 // bytes received for pages
	LinksChecked     int64
	LinksBroken      int64
	SinkErrors       int64
	Started          time.Time
	Elapsed          time.Duration
}

// PagesPerSecond is the page rate over Elapsed.
func (s Stats) PagesPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Pages) / s.Elapsed.Seconds()
}
