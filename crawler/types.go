// Package crawler fetches council websites politely and concurrently and hands
// every fetched page, link check and per-site report to a Sink. It knows
// nothing of scoring or storage.
package crawler

import (
	"context"
	"net/http"
	"time"

	"github.com/councildash/councildash/crawler/archive"
)

// Site is one council website to crawl.
type Site struct {
	Council string // council code (GSS), opaque to the crawler
	Name    string
	HomeURL string
	// ExtraHosts are further hosts that count as the same site (besides the
	// home host and its www/bare twin).
	ExtraHosts []string
}

// Error classes recorded on pages, link checks and site reports.
const (
	ErrNone             = ""
	ErrDNS              = "dns"
	ErrTLS              = "tls"
	ErrTimeout          = "timeout"
	ErrRefused          = "refused"
	ErrReset            = "reset"
	ErrTooLarge         = "too-large"
	ErrRobotsDisallowed = "robots-disallowed"
	ErrRedirectLoop     = "redirect-loop"
	ErrTooManyRedirects = "too-many-redirects"
	ErrHTTP4xx          = "http-4xx"
	ErrHTTP5xx          = "http-5xx"
	ErrDecompression    = "decompression"
	ErrBadContent       = "bad-content" // claims HTML but is not (binary)
	ErrOther            = "other"
)

// Page is one fetched URL. Body is only valid during Sink.Page; the crawler
// does not keep it afterwards and the sink must not retain it.
type Page struct {
	Council       string
	URL           string   // URL as requested
	FinalURL      string   // after redirects
	RedirectChain []string // each hop's URL, excluding FinalURL
	Depth         int      // clicks from the home page (home = 0; sitemap seeds = 1)
	Status        int
	ContentType   string
	Header        http.Header
	Body          []byte // HTML body (decoded to UTF-8) when IsHTML; nil otherwise
	IsHTML        bool
	Bytes         int64 // bytes received (capped body counts up to the cap)
	TTFB          time.Duration
	Total         time.Duration
	ErrorClass    string
	Err           string // human readable error, never shown raw to browsers
	FetchedAt     time.Time
	// Archive is where the page's response record (the last hop's) was
	// archived; zero when archiving is off or nothing was received.
	Archive archive.Location
}

// LinkCheck is the result of checking one link found on a crawled page.
type LinkCheck struct {
	Council    string
	FromURL    string
	ToURL      string
	Internal   bool
	Method     string // HEAD or GET
	Status     int
	ErrorClass string
	Total      time.Duration
	CheckedAt  time.Time
	// Archive is the response record of this check's own request (zero
	// when it reused a page fetch or another site's check, or archiving is
	// off).
	Archive archive.Location
	// Text and Selector are the link's text and a CSS selector of its
	// element on FromURL (the first link to ToURL found); FinalURL is where
	// ToURL led after redirects.
	Text, Selector, FinalURL string
}

// SiteReport holds per-site facts, delivered once when the site is finished.
type SiteReport struct {
	Council              string
	HomeURL              string
	FinalHomeURL         string
	HomeStatus           int
	HomeErrorClass       string
	HTTPS                bool // final home page is on https
	HTTPRedirectsToHTTPS bool // http:// home redirects to https://
	// HTTPProbeUnknown: the http:// home was not tried (a crawl of an
	// archive that does not hold it), so HTTPRedirectsToHTTPS is unknown.
	HTTPProbeUnknown  bool
	RobotsStatus      int
	RobotsBytes       int64
	RobotsParsed      bool
	RobotsDisallowAll bool
	RobotsErrorClass  string // error class fetching robots.txt (too-large when capped)
	CrawlDelay        time.Duration
	Sitemaps          []string // sitemap URLs found (robots Sitemap: lines, /sitemap.xml, index children)
	SitemapURLs       int      // URLs listed across sitemaps (counted, capped)
	SitemapParsed     bool
	SitemapErrorClass string // too-large when a byte or URL cap was hit; else the fetch error class
	NotFoundURL       string // the made-up URL probed
	NotFoundStatus    int
	NotFoundBody      []byte // capped HTML body of the 404 probe (for the 404-page check)
	// NotFoundArchive is the 404 probe's response record (zero when not
	// archived): a re-score reads NotFoundBody back from it.
	NotFoundArchive archive.Location
	// SearchResults maps each configured search query to the result URLs
	// (in page order, at most 10) found by submitting the home page's GET
	// search form; empty when the site has no GET search form.
	SearchFormAction string
	SearchResults    map[string][]string
	PagesFetched     int
	PagesErrored     int
	PagesDisallowed  int // URLs found but not fetched because robots.txt disallows them
	PDFs             int // links to PDF documents seen
	LinksChecked     int
	LinksBroken      int
	Started          time.Time
	Finished         time.Time
	// Interrupted is true when the run was cancelled before this site was
	// finished: the report covers only what was fetched so far, and a
	// resumed run should crawl the site again (do not store it as finished).
	Interrupted bool
	// GaveUp is true when the crawl of the site stopped early after
	// Config.MaxConsecutiveFailures network failures in a row (a dead or
	// very slow server).
	GaveUp bool
}

// Sink receives everything the crawler produces. Implementations must be
// safe for concurrent use (several sites are crawled at once). A Sink error is
// logged and counted; the crawl continues.
type Sink interface {
	Page(ctx context.Context, p *Page) error
	Links(ctx context.Context, checks []LinkCheck) error
	SiteDone(ctx context.Context, r *SiteReport) error
}
