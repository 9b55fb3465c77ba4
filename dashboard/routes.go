package dashboard

import (
	"context"
	"embed"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/klauspost/compress/gzhttp"

	"github.com/councildash/councildash/dashboard/reviewpages"
	"github.com/councildash/councildash/data"
)

//go:embed static
var staticFS embed.FS

// Handler returns the whole dashboard as an http.Handler: the route table,
// gzip, metrics and recovery.
func (s *Server) Handler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// Behind no proxy unless configured: X-Forwarded-For from clients is not
	// trusted, so per-IP review rate limits cannot be dodged with a header.
	// New checked the addresses.
	_ = r.SetTrustedProxies(s.trustedProxies)
	r.Use(gin.CustomRecovery(func(c *gin.Context, _ any) {
		s.log.Error("panic in handler", "path", c.Request.URL.Path)
		c.AbortWithStatus(http.StatusInternalServerError)
	}))
	r.Use(s.metrics.middleware, securityHeaders, cors, s.guard)
	s.routes(r)
	r.NoRoute(func(c *gin.Context) { s.fail(c, ErrNotFound) })
	return dropUntrustedHeaders(gzhttp.GzipHandler(r))
}

// routes is the one route table of the dashboard, review pages included.
func (s *Server) routes(r *gin.Engine) {
	// Pages (page_*.go), rendered from the read model and kept while the
	// data they show (their version) stays the same.
	r.GET("/", s.cached(crawlAndReviews, s.home))
	r.GET("/councils/:code", s.cached(councilVersion, s.council))
	r.GET("/compare", s.cached(crawlOnly, s.compare))
	r.GET("/checks", s.cached(crawlOnly, s.checksPage))
	r.GET("/checks/:id", s.cached(crawlOnly, s.check))
	r.GET("/tasks", s.cached(crawlAndReviews, s.tasksPage))
	r.GET("/method", s.methodPage)
	r.GET("/data", s.cached(crawlOnly, s.dataPage))

	// A web team's pages (issue 12): a council's findings (paged, filtered,
	// downloadable), what changed between runs, the register's search for
	// type-ahead, and what the demo data is.
	r.GET("/councils/:code/findings", s.cached(crawlOnly, s.findings))
	r.GET("/changes", s.cached(crawlOnly, s.changesPage))
	r.GET("/councils.json", s.councilNames)
	r.GET("/demo", s.cached(crawlAndReviews, s.demoPage))

	// Review forms, peer sign-in and moderation (dashboard/reviewpages),
	// never kept by a cache (they show who is signed in, or hold tokens
	// bound to one browser). A peer sign-in link's GET only shows a
	// button: its POST signs in (security, issue 14).
	if p := s.pages; p != nil {
		rp := r.Group("", reviewpages.NoStore)
		rp.GET("/councils/:code/review", p.Form)
		rp.POST("/councils/:code/review", p.Submit)
		rp.GET("/councils/:code/review/thanks", p.Thanks)
		rp.GET("/review/random", p.Random)
		rp.GET("/peer/signin", p.PeerSignInPage)
		rp.POST("/peer/signin", p.PeerSignIn)
		rp.GET("/peer", p.PeerHome)
		rp.POST("/peer/signout", p.PeerSignOut)
		rp.POST("/councils/:code/responses", p.Respond)
		rp.GET("/moderation", p.Moderation)
		rp.POST("/moderation/signin", p.AdminSignIn)
		rp.POST("/moderation/signout", p.AdminSignOut)
		rp.POST("/moderation/:id", p.Moderate)
	}

	// The web archive: a page as crawled, made safe to show (page_archive.go).
	r.GET("/archive/:run/:record", s.archivedPage)

	// Exports (streamed).
	r.GET("/export/:file", s.export)

	// Open data (issue 13): the API's documentation from its OpenAPI
	// document, Atom feeds and badges (page_api.go, feeds.go, badge.go).
	r.GET("/api", s.apiDocs)
	r.GET("/api/v1/openapi.json", s.openAPIJSON)
	r.GET("/feed.atom", s.cached(crawlOnly, s.leagueFeed))
	r.GET("/councils/:code/feed.atom", s.cached(councilVersion, s.councilFeed))
	r.GET("/badge/:file", s.badge)

	// JSON API.
	api := r.Group("/api/v1")
	api.GET("/councils", s.apiCouncils)
	api.GET("/councils/:code", s.apiCouncil)
	api.GET("/councils/:code/reviews", s.apiCouncilReviews)
	api.GET("/runs", s.apiRuns)
	api.GET("/scores", s.apiScores)
	api.GET("/checks", s.apiChecks)
	api.GET("/findings", s.apiFindings)
	api.GET("/tasks", s.apiTasks)

	// Operations.
	r.GET("/healthz", s.healthz)
	if s.metricsToken != "" { // else only on MetricsHandler's own listener
		r.GET("/metrics", s.metricsAuth, gin.WrapH(s.MetricsHandler()))
	}

	// Static assets, embedded; files only, no directory listings.
	sub, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServer(http.FS(noDirFS{sub})))
	r.GET("/static/*file", func(c *gin.Context) {
		if strings.HasPrefix(c.Param("file"), "/vendor/") {
			c.Header("Cache-Control", "public, max-age=604800")
		} else {
			c.Header("Cache-Control", "public, max-age=3600")
		}
		files.ServeHTTP(c.Writer, c.Request)
	})
	r.GET("/favicon.ico", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=604800")
		c.Status(http.StatusNoContent)
	})
}

func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	c.Next()
}

func (s *Server) healthz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		c.JSON(http.StatusServiceUnavailable, healthAnswer{Status: "unavailable", ClickHouse: "down"})
		return
	}
	c.JSON(http.StatusOK, healthAnswer{Status: "ok", ClickHouse: "up", MethodVersion: s.method})
}

// modelFor returns the read model for a request, or answers the error
// (503 when the database cannot be read and no model exists yet) and
// reports false.
// councilAndModel finds the council of code and the read model, answering
// the request with the error (404 for an unknown council) when either fails.
func (s *Server) councilAndModel(c *gin.Context, code string) (data.Council, *model, bool) {
	co, err := s.councilByCode(code)
	if err != nil {
		s.fail(c, err)
		return co, nil, false
	}
	m, ok := s.modelFor(c)
	return co, m, ok
}

func (s *Server) modelFor(c *gin.Context) (*model, bool) {
	m, err := s.model(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	c.Set(modelKey, m)
	return m, true
}

// modelKey names the model a page was rendered from, in the request's gin
// context.
const modelKey = "councildash.model"

// A version names the data a page shows: the page cache serves a page again
// while its version is the same.
type version func(c *gin.Context, m *model) string

// crawlOnly pages show the crawls only (checks, compare, data).
func crawlOnly(_ *gin.Context, m *model) string { return strconv.FormatUint(m.crawl.gen, 10) }

// crawlAndReviews pages show every council's reviews too (the league
// table, the tasks).
func crawlAndReviews(_ *gin.Context, m *model) string {
	return strconv.FormatUint(m.crawl.gen, 10) + "." + strconv.FormatUint(m.revGen, 10)
}

// councilVersion: a council page shows the crawls and its own reviews.
func councilVersion(c *gin.Context, m *model) string {
	return strconv.FormatUint(m.crawl.gen, 10) + "." + strconv.FormatUint(m.revStamps[c.Param("code")], 10)
}

// cached serves a page from the page cache when its version is current,
// or renders it (one render per page and version at a time) and keeps it
// when it rendered fine. Long query strings (searches) are not kept.
func (s *Server) cached(ver version, h gin.HandlerFunc) gin.HandlerFunc {
	serve := func(c *gin.Context, key string, p cachedPage) {
		hd := c.Writer.Header()
		hd.Set("Cache-Control", "no-cache")
		hd.Set("Vary", "Accept-Encoding")
		if strings.Contains(c.GetHeader("Accept-Encoding"), "gzip") {
			hd.Set("Content-Encoding", "gzip") // gzhttp passes it through
			c.Data(http.StatusOK, p.contentType, s.pageCache.gzipped(key, p))
			return
		}
		c.Data(http.StatusOK, p.contentType, p.body)
	}
	return func(c *gin.Context) {
		key := c.Request.URL.RequestURI()
		if len(key) > 256 {
			h(c)
			return
		}
		if s.state.cur.Load() != nil { // a model exists: its page may be ready
			if m, err := s.model(c.Request.Context()); err == nil {
				v := ver(c, m) + "." + m.banner.key()
				if p, ok := s.pageCache.get(key, v); ok {
					serve(c, key, p)
					return
				}
				if !s.pageCache.begin(c.Request.Context(), key, v) {
					if p, ok := s.pageCache.get(key, v); ok { // rendered meanwhile
						serve(c, key, p)
						return
					}
				} else {
					defer s.pageCache.done(key, v)
				}
			}
		}
		h(c)
		m, ok := c.Get(modelKey)
		body, rendered := c.Get(bodyKey)
		if ok && rendered && c.Writer.Status() == http.StatusOK && !c.IsAborted() {
			s.pageCache.put(key, ver(c, m.(*model))+"."+m.(*model).banner.key(), body.([]byte), c.Writer.Header().Get("Content-Type"))
		}
	}
}

// Routes lists the route table (TestOpenAPIDocument checks that every
// route that is not a page is in the OpenAPI document).
func (s *Server) Routes() gin.RoutesInfo {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	s.routes(r)
	return r.Routes()
}
