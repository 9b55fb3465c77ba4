// Package dashboard is councildash's web dashboard: a gin server rendering
// GOV.UK Frontend-styled pages (league table, council, compare, check, tasks,
// method, data, and the review pages of dashboard/reviewpages), go-echarts
// charts with text alternatives, streamed CSV/JSON exports and a JSON API.
//
// It sits on top of the house: it reads crawl results from data, reviews
// from reviews, and the checks catalogue and method from scoring. Pages are
// rendered from a read model built once per change of the data (model.go,
// readmodel.go), one file per page, each with a pure view-model builder.
package dashboard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/councildash/councildash/dashboard/reviewpages"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/reviews"
	"github.com/councildash/councildash/scoring"
)

// Deps is everything the server needs.
type Deps struct {
	Store    *data.Store    // required
	Councils []data.Council // the register
	// Reviews, when set, turns reviews on: review scores beside the crawl
	// scores, the reviews export and API, and the review pages.
	Reviews *reviews.Service
	// ReviewPages shapes the review pages (cookies, form size).
	ReviewPages reviewpages.Config
	// Clock is the review pages' time source (default time.Now); tests
	// move it on instead of sleeping through the minimum time on the form.
	Clock func() time.Time
	// TrustedProxies are the addresses (IPs or CIDR ranges) whose
	// X-Forwarded-For is believed (client IPs for review rate limits); nil
	// trusts none. An address that does not parse is an error of New.
	TrustedProxies []string
	// MethodMarkdown is docs/METHOD.md; empty means scoring's own text.
	MethodMarkdown string
	Logger         *slog.Logger
	// Refresh is how often the read model looks for new data (default 5s;
	// negative: at every request, synchronously, for tests).
	Refresh time.Duration
	// Registry for metrics; nil means a fresh registry of the server's own.
	Registry *prometheus.Registry
	// MaxExports is how many exports stream at once (default 4); more wait
	// their turn, so a crowd of downloads cannot swamp ClickHouse.
	MaxExports int
	// PageCacheBytes bounds the rendered pages kept (default 256 MiB).
	PageCacheBytes int
	// NoEvidenceAhead stops the server from reading ahead, after each
	// crawl model is built, the evidence of the councils most likely asked
	// for (evidence.go; the bench's memory probe measures the read model
	// alone).
	NoEvidenceAhead bool
	// EvidenceCacheBytes bounds the councils' evidence kept (default 128
	// MiB, about: each council's findings, worst pages and archived
	// pages); the least recently used goes first.
	EvidenceCacheBytes int
	// BaseURL is the dashboard's public address (default
	// http://localhost:8080). Open data: the feeds' links and ids, the
	// badges' HTML and the OpenAPI document's server use it. Security
	// (security.go): posts whose Origin is it are let through behind a
	// proxy, and an https one turns on Strict-Transport-Security.
	// MetricsToken, when set, serves /metrics on the dashboard's own
	// listener to requests bearing it ("Authorization: Bearer TOKEN", at
	// least 32 characters); without it /metrics is only on MetricsHandler
	// (a listener of its own). Timeouts zero values take DefaultTimeouts.
	BaseURL      string
	MetricsToken string
	Timeouts     Timeouts
}

// Server serves the dashboard.
type Server struct {
	store    *data.Store
	reviews  *reviews.Service
	pages    *reviewpages.Handlers // nil when reviews are off
	councils []data.Council        // sorted by name
	byCode   map[string]data.Council
	cat      catalogue
	options  councilOptions // the compare page's selects
	index    *registerIndex // for pages that list councils (page_scale.go)
	perPage  int            // league rows a page (leaguePerPage; tests set fewer)
	method   string
	log      *slog.Logger
	refresh  time.Duration
	ahead    bool // read evidence ahead after each crawl model
	// warmMax and warmChunk: how many councils' evidence is read ahead,
	// and how many at a time (evidence.go; tests set fewer).
	warmMax, warmChunk int

	state         *modelState
	evidenceCache *cached[evidence]
	exampleCache  *cached[map[string]string] // peers' example pages (examples.go)
	batcher       *batcher                   // evidence loads, coalesced
	renders       chan struct{}              // page renders at once
	pageCache     *pageCache
	exports       chan struct{} // export slots
	replays       chan struct{} // archived pages rewritten at once (page_archive.go)
	render        *Renderer
	methodMD      string
	reg           *prometheus.Registry
	metrics       *metrics
	// trustedProxies may set X-Forwarded-For (nil: none).
	trustedProxies []string
	baseURL        string     // public address, no trailing slash
	openapi        []byte     // the OpenAPI document (openapi.go)
	apiDoc         apiDocPage // the /api page's view model, built from it
	// security.go
	timeouts     Timeouts
	baseHost     string // the base URL's host ("" none)
	secure       bool   // served over https: HSTS
	metricsToken string
	addrHash     func(ip string) string // the keyed hash logs name clients by
	redactor     *redactor
}

// Errors the dashboard maps to statuses (with data's and reviews' own, see
// status).
var (
	ErrNotFound   = errors.New("not found")
	ErrBadRequest = errors.New("bad request")
)

// New builds a server. It fails when templates do not parse or a trusted
// proxy is not an IP address or CIDR range.
func New(d Deps) (*Server, error) {
	if d.Store == nil {
		return nil, errors.New("dashboard: Deps.Store is required")
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Refresh == 0 {
		d.Refresh = 5 * time.Second
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	if d.MaxExports <= 0 {
		d.MaxExports = 4
	}
	if d.PageCacheBytes <= 0 {
		d.PageCacheBytes = 256 << 20
	}
	if d.EvidenceCacheBytes <= 0 {
		d.EvidenceCacheBytes = evidenceCacheBytes
	}
	if err := validProxies(d.TrustedProxies); err != nil {
		return nil, err
	}
	if d.MetricsToken != "" && len(d.MetricsToken) < 32 {
		return nil, ErrMetricsTokenShort
	}
	d.Timeouts.defaults()
	method := scoring.CurrentMethod()
	cat, err := newCatalogue(method)
	if err != nil {
		return nil, err
	}
	s := &Server{store: d.Store, reviews: d.Reviews, log: d.Logger, refresh: d.Refresh, ahead: !d.NoEvidenceAhead,
		warmMax: warmMax, warmChunk: warmChunk, byCode: map[string]data.Council{}, cat: cat, method: method.Version,
		state: newModelState(), evidenceCache: newSizedCached(0, evidenceCacheMax, d.EvidenceCacheBytes, evidenceBytes),
		exampleCache: newCached[map[string]string](0, 4096), renders: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)-1)),
		replays:   make(chan struct{}, maxReplays),
		pageCache: newPageCache(d.PageCacheBytes), exports: make(chan struct{}, d.MaxExports),
		reg: d.Registry, trustedProxies: d.TrustedProxies,
		timeouts: d.Timeouts, metricsToken: d.MetricsToken, secure: d.ReviewPages.SecureCookies}
	if d.BaseURL != "" {
		u, err := url.Parse(d.BaseURL)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("base URL %q: want an address like https://dash.example.org", d.BaseURL)
		}
		s.baseHost, s.secure = u.Host, s.secure || u.Scheme == "https"
		// Cookies are Secure whenever the public address is https.
		d.ReviewPages.SecureCookies = s.secure
	}
	s.addrHash = randomAddrHash()
	if d.Reviews != nil {
		s.addrHash = d.Reviews.IPHash
	}
	s.redactor = newRedactor(s.addrHash)
	s.batcher = newBatcher(2, s.queryEvidence)
	s.councils = append([]data.Council(nil), d.Councils...)
	sort.Slice(s.councils, func(i, j int) bool { return s.councils[i].Name < s.councils[j].Name })
	for _, c := range s.councils {
		s.byCode[c.Code] = c
	}
	s.index, s.perPage = newRegisterIndex(s.councils), leaguePerPage
	if s.options, err = newCouncilOptions(s.councils); err != nil {
		return nil, err
	}
	md := d.MethodMarkdown
	if md == "" {
		md = scoring.MethodMarkdown(method)
	}
	html, err := markdownHTML(md)
	if err != nil {
		return nil, err
	}
	s.methodMD = html
	if s.render, err = NewRenderer(d.Logger, method, reviewpages.Templates); err != nil {
		return nil, err
	}
	s.render.SetDemo(s.demoBanner)
	if d.Reviews != nil {
		s.pages, err = reviewpages.New(reviewpages.Deps{Service: d.Reviews, Renderer: s.render, Councils: d.Councils,
			Logger: d.Logger, Config: d.ReviewPages, Clock: d.Clock, OnChange: s.reviewsPosted})
		if err != nil {
			return nil, err
		}
	}
	s.metrics, err = newMetrics(d.Registry)
	if err != nil {
		return nil, err
	}
	if err := s.openData(d.BaseURL); err != nil {
		return nil, err
	}
	return s, nil
}

// validProxies checks that every trusted proxy is an IP address or a CIDR
// range (gin would otherwise refuse them silently at start).
func validProxies(ps []string) error {
	for _, p := range ps {
		if strings.Contains(p, "/") {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return fmt.Errorf("trusted proxy %q: not an IP address or CIDR range", p)
			}
			continue
		}
		if net.ParseIP(p) == nil {
			return fmt.Errorf("trusted proxy %q: not an IP address or CIDR range", p)
		}
	}
	return nil
}

// status maps an error to an HTTP status: the one place errors become
// statuses, for pages, the API and exports alike.
func status(err error) int {
	switch {
	case errors.Is(err, ErrNotFound), errors.Is(err, data.ErrNotFound), errors.Is(err, reviews.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrBadRequest):
		return http.StatusBadRequest
	case errors.Is(err, data.ErrUnavailable), errors.Is(err, reviews.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

var statusText = map[int]string{
	http.StatusNotFound:            "Page not found",
	http.StatusBadRequest:          "There is a problem with the request",
	http.StatusServiceUnavailable:  "Sorry, the service is unavailable",
	http.StatusInternalServerError: "Sorry, there is a problem with the service",
}

// fail renders an error page (or JSON under /api and /export). Raw error
// text is logged, never shown.
func (s *Server) fail(c *gin.Context, err error) {
	if c.Request.Context().Err() != nil && errors.Is(err, context.Canceled) {
		// The client went away: nobody to answer, nothing went wrong here.
		c.Abort()
		return
	}
	st := status(err)
	if st >= 500 {
		s.log.Error("request failed", "path", c.Request.URL.Path, "status", st, "err", err)
	}
	if c.Writer.Written() {
		_ = c.Error(err)
		c.Abort()
		return
	}
	body := errorFor(err, st) // the parameter and what it takes, never raw error text
	if isMachinePath(c.Request.URL.Path) {
		c.AbortWithStatusJSON(st, body)
		return
	}
	s.render.Render(c, st, "error", statusText[st], errorPage{Status: st, Heading: statusText[st], Detail: detailFor(err)})
	c.Abort()
}

type errorPage struct {
	Status  int
	Heading string
	Detail  string // what was wrong with the request, in words, when known
}

// isMachinePath: the API, the exports, the feeds, the badges and the
// search fields' list of councils answer errors in JSON (errorBody), pages
// with an error page.
func isMachinePath(p string) bool {
	return strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/export/") || strings.HasPrefix(p, "/badge/") ||
		strings.HasSuffix(p, ".atom") || p == "/councils.json"
}

// demoBanner is the demo data the dashboard shows (the first model is
// built when there is none yet; none is shown when it cannot be).
func (s *Server) demoBanner(c *gin.Context) DemoBanner {
	m, err := s.model(c.Request.Context())
	if err != nil {
		return DemoBanner{}
	}
	return m.banner
}
