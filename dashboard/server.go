package dashboard

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sort"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/councildash/councildash/scoring"
)

// ReviewPages are the review, peer and moderation pages (reviews/web's
// Handlers satisfies it). The dashboard only routes to them.
type ReviewPages interface {
	Form(c *gin.Context)
	Submit(c *gin.Context)
	Thanks(c *gin.Context)
	Random(c *gin.Context)
	PeerSignIn(c *gin.Context)
	PeerHome(c *gin.Context)
	PeerSignOut(c *gin.Context)
	Respond(c *gin.Context)
	Moderation(c *gin.Context)
	AdminSignIn(c *gin.Context)
	Moderate(c *gin.Context)
}

// Deps is everything the server needs.
type Deps struct {
	Source   Source
	Councils []Council // the register
	Reviews  Reviews   // nil: reviews are off
	// ReviewPages, when set, are routed (see routes); their templates come
	// with Renderer.
	ReviewPages ReviewPages
	// TrustedProxies are the addresses whose X-Forwarded-For is believed
	// (client IPs for review rate limits); nil trusts none.
	TrustedProxies []string
	// Renderer, when set, is used instead of building one from the
	// dashboard's own templates. cmd builds it with the review pages' templates
	// first, so reviews/web renders through it too.
	Renderer *Renderer
	// NotFound and Unavailable are other packages' sentinel errors that map
	// to 404 and 503 (e.g. data.ErrNotFound, data.ErrUnavailable).
	NotFound    []error
	Unavailable []error
	// MethodMarkdown is docs/METHOD.md; empty means scoring's own text.
	MethodMarkdown string
	Logger         *slog.Logger
	// CacheTTL of query results (default 30s; negative disables caching).
	CacheTTL time.Duration
	// Registerer for metrics; nil means a fresh registry of the server's own.
	Registry *prometheus.Registry
	// MaxExports is how many exports stream at once (default 4); more wait
	// their turn, so a crowd of downloads cannot swamp ClickHouse.
	MaxExports int
}

// Server serves the dashboard.
type Server struct {
	src      Source
	reviews  Reviews
	pages    ReviewPages
	councils []Council
	byCode   map[string]Council
	checks   []scoring.Check
	checkBy  map[string]scoring.Check
	tasks    []scoring.Task
	taskBy   map[string]scoring.Task
	cats     []string
	method   string
	notFound []error
	unavail  []error
	log      *slog.Logger
	cache    *cache
	// pageCache holds rendered pages (nil when caching is off).
	pageCache *pageCache
	exports   chan struct{} // export slots
	render    *Renderer
	methodMD  string
	reg       *prometheus.Registry
	metrics   *metrics
	// trustedProxies may set X-Forwarded-For (nil: none).
	trustedProxies []string
}

// New builds a server. It fails only when templates do not parse.
func New(d Deps) (*Server, error) {
	if d.Source == nil {
		return nil, errors.New("dashboard: Deps.Source is required")
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.CacheTTL == 0 {
		d.CacheTTL = 30 * time.Second
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	s := &Server{src: d.Source, reviews: d.Reviews, pages: d.ReviewPages, log: d.Logger,
		notFound: d.NotFound, unavail: d.Unavailable, cache: newCache(d.CacheTTL, 4096),
		byCode: map[string]Council{}, checkBy: map[string]scoring.Check{}, taskBy: map[string]scoring.Task{},
		checks: scoring.Catalog(), tasks: scoring.Tasks(), cats: scoring.Categories(),
		method: scoring.CurrentMethod().Version, reg: d.Registry, trustedProxies: d.TrustedProxies}
	if d.MaxExports <= 0 {
		d.MaxExports = 4
	}
	s.exports = make(chan struct{}, d.MaxExports)
	if d.CacheTTL > 0 {
		s.pageCache = newPageCache(d.CacheTTL, 64<<20)
	}
	s.councils = append([]Council(nil), d.Councils...)
	sort.Slice(s.councils, func(i, j int) bool { return s.councils[i].Name < s.councils[j].Name })
	for _, c := range s.councils {
		s.byCode[c.Code] = c
	}
	for _, c := range s.checks {
		s.checkBy[c.ID] = c
	}
	for _, t := range s.tasks {
		s.taskBy[t.ID] = t
	}
	md := d.MethodMarkdown
	if md == "" {
		md = scoring.MethodMarkdown(scoring.CurrentMethod())
	}
	html, err := markdownHTML(md)
	if err != nil {
		return nil, err
	}
	s.methodMD = html
	if s.render = d.Renderer; s.render == nil {
		if s.render, err = NewRenderer(d.Logger); err != nil {
			return nil, err
		}
	}
	s.metrics, err = newMetrics(d.Registry)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// status maps an error to an HTTP status.
func (s *Server) status(err error) int {
	switch {
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrBadRequest):
		return http.StatusBadRequest
	case errors.Is(err, ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	}
	for _, e := range s.notFound {
		if errors.Is(err, e) {
			return http.StatusNotFound
		}
	}
	for _, e := range s.unavail {
		if errors.Is(err, e) {
			return http.StatusServiceUnavailable
		}
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
	st := s.status(err)
	if st >= 500 {
		s.log.Error("request failed", "path", c.Request.URL.Path, "status", st, "err", err)
	}
	if c.Writer.Written() {
		_ = c.Error(err)
		c.Abort()
		return
	}
	if isMachinePath(c.Request.URL.Path) {
		c.AbortWithStatusJSON(st, gin.H{"error": statusText[st], "status": st})
		return
	}
	s.render.Render(c, st, "error", statusText[st], errorPage{Status: st, Heading: statusText[st]})
	c.Abort()
}

type errorPage struct {
	Status  int
	Heading string
}

func isMachinePath(p string) bool {
	return len(p) >= 5 && (p[:5] == "/api/" || (len(p) >= 8 && p[:8] == "/export/"))
}
