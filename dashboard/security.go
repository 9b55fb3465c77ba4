package dashboard

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"io/fs"
	"log"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/councildash/councildash/reviews"
)

// The dashboard's own defences (issue 14): a strict Content-Security-Policy
// on every answer, posts from other sites refused, deadlines per kind of
// route, static files without directory listings, /metrics only on a
// separate listener or behind a token, and client addresses in logs only
// as the keyed hash the rate limits use. docs/SECURITY.md has the whole
// threat model.

// ContentSecurityPolicy is sent with every answer: scripts, styles, images
// and fonts from this origin only, no inline script or style (the pages
// have none; charts read their options from data attributes), no plugins,
// no <base>, forms post here only, no framing.
const ContentSecurityPolicy = "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Timeouts bound how long a client may take. The server-wide ones apply to
// every connection; per request, the route's kind tightens them (a page
// must be written within Page, a form's body read within Form) or, for
// exports, replaces the write deadline with one per chunk: a client that
// stops reading loses its export slot within ExportChunk.
type Timeouts struct {
	ReadHeader  time.Duration // request line and headers (slowloris)
	Read        time.Duration // the whole request, body included
	Write       time.Duration // the whole response (server-wide backstop)
	Idle        time.Duration // a kept-alive connection between requests
	Page        time.Duration // pages, the API, static files, errors
	Form        time.Duration // reading a posted form's body
	Ops         time.Duration // /healthz and /metrics
	ExportChunk time.Duration // each chunk (up to 64 KiB) of an export
}

// DefaultTimeouts are the timeouts unless Deps.Timeouts says otherwise. A
// 64 KiB chunk in 5 seconds is about 100 kbit/s, slower than any mobile
// data link.
func DefaultTimeouts() Timeouts {
	return Timeouts{ReadHeader: 5 * time.Second, Read: 30 * time.Second, Write: 2 * time.Minute, Idle: 2 * time.Minute,
		Page: 30 * time.Second, Form: 15 * time.Second, Ops: 10 * time.Second, ExportChunk: 5 * time.Second}
}

func (t *Timeouts) defaults() {
	d := DefaultTimeouts()
	for _, p := range []struct{ v, d *time.Duration }{{&t.ReadHeader, &d.ReadHeader}, {&t.Read, &d.Read}, {&t.Write, &d.Write},
		{&t.Idle, &d.Idle}, {&t.Page, &d.Page}, {&t.Form, &d.Form}, {&t.Ops, &d.Ops}, {&t.ExportChunk, &d.ExportChunk}} {
		if *p.v <= 0 {
			*p.v = *p.d
		}
	}
}

// HTTPServer is the http.Server the dashboard is served with: h (usually
// s.Handler()) with the server-wide timeouts, a bound on header size and
// an error log that names clients by their keyed hash only.
func (s *Server) HTTPServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: s.timeouts.ReadHeader, ReadTimeout: s.timeouts.Read,
		WriteTimeout: s.timeouts.Write, IdleTimeout: s.timeouts.Idle, MaxHeaderBytes: 64 << 10, ErrorLog: s.ErrorLog()}
}

// guard is the middleware of every request: the policy headers, the
// route's deadlines, and the refusal of posts sent from other sites.
func (s *Server) guard(c *gin.Context) {
	c.Header("Content-Security-Policy", ContentSecurityPolicy)
	c.Header("Cross-Origin-Opener-Policy", "same-origin")
	if s.secure {
		c.Header("Strict-Transport-Security", "max-age=31536000")
	}
	s.deadlines(c)
	if !s.sameOrigin(c.Request) {
		s.log.Info("post from another site refused", "path", c.Request.URL.Path, "client", s.addrHash(c.ClientIP()))
		if s.pages == nil || isMachinePath(c.Request.URL.Path) {
			c.AbortWithStatusJSON(http.StatusForbidden, errorBody{Status: http.StatusForbidden,
				Error: errorDetail{Message: "This request was sent from another site"}})
			return
		}
		s.render.Render(c, http.StatusForbidden, "error", "This form was sent from another site",
			errorPage{Status: http.StatusForbidden, Heading: "This form was sent from another site"})
		c.Abort()
		return
	}
	c.Next()
}

// deadlines sets the read and write deadlines of the request's route kind.
func (s *Server) deadlines(c *gin.Context) {
	rc := http.NewResponseController(c.Writer)
	now := time.Now()
	route := c.FullPath()
	switch {
	case route == "/export/:file":
		// Per chunk, in the export handler; none for the whole.
		_ = rc.SetWriteDeadline(time.Time{})
	case route == "/healthz" || route == "/metrics":
		_ = rc.SetWriteDeadline(now.Add(s.timeouts.Ops))
	default:
		_ = rc.SetWriteDeadline(now.Add(s.timeouts.Page))
	}
	if c.Request.Method == http.MethodPost {
		_ = rc.SetReadDeadline(now.Add(s.timeouts.Form))
	}
}

// sameOrigin reports whether a request may change anything: reads always;
// posts unless the browser says they come from another site (Fetch
// Metadata), or their Origin is neither this host nor the base URL's.
// Clients that send neither header (old browsers, scripts) are let through:
// the form tokens still bind every post to this site's own forms.
func (s *Server) sameOrigin(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	if err != nil || u.Host == "" {
		return false // includes "null"
	}
	return strings.EqualFold(u.Host, r.Host) || (s.baseHost != "" && strings.EqualFold(u.Host, s.baseHost))
}

// dropUntrustedHeaders removes request headers the dashboard never
// believes from a client, before gin reads them: X-Forwarded-Prefix (gin
// builds its trailing-slash redirects from it).
func dropUntrustedHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del("X-Forwarded-Prefix")
		h.ServeHTTP(w, r)
	})
}

// noDirFS serves files only: a directory is "not found", so /static/ and
// its folders list nothing.
type noDirFS struct{ fs.FS }

func (f noDirFS) Open(name string) (fs.File, error) {
	file, err := f.FS.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := file.Stat()
	if err != nil || st.IsDir() {
		_ = file.Close()
		return nil, fs.ErrNotExist
	}
	return file, nil
}

// MetricsHandler serves the Prometheus metrics, for a listener of their
// own (serve --metrics-addr). On the dashboard's listener /metrics exists
// only with a token (Deps.MetricsToken).
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})
}

// metricsAuth lets through requests bearing the metrics token.
func (s *Server) metricsAuth(c *gin.Context) {
	want := "Bearer " + s.metricsToken
	if subtle.ConstantTimeCompare([]byte(c.GetHeader("Authorization")), []byte(want)) != 1 {
		c.Header("WWW-Authenticate", `Bearer realm="metrics"`)
		c.AbortWithStatusJSON(http.StatusUnauthorized, errorBody{Status: http.StatusUnauthorized,
			Error: errorDetail{Message: "The metrics need the bearer token"}})
		return
	}
	c.Next()
}

// ErrMetricsTokenShort is returned by New for a metrics token under 32
// characters.
var ErrMetricsTokenShort = errors.New("the metrics token must be at least 32 characters: make one with `openssl rand -hex 32`")

// addrPattern finds addresses in log text: [IPv6]:port, IPv4(:port) and
// bare IPv6 (checked with netip before being replaced).
const addrPattern = `\[[0-9A-Fa-f:.%a-z]+\](?::\d+)?|\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}`

// redactor replaces client addresses in text by their keyed hash.
type redactor struct {
	re   *regexp.Regexp
	hash func(ip string) string
}

func newRedactor(hash func(string) string) *redactor {
	return &redactor{re: regexp.MustCompile(addrPattern), hash: hash}
}

// redact replaces each address (with its port) in s by "addr:HASH".
func (r *redactor) redact(s string) string {
	return r.re.ReplaceAllStringFunc(s, func(m string) string {
		host := m
		if ap, err := netip.ParseAddrPort(m); err == nil {
			host = ap.Addr().String()
		} else if strings.HasPrefix(m, "[") {
			host = strings.TrimPrefix(m[:strings.LastIndex(m, "]")], "[")
		}
		if _, err := netip.ParseAddr(host); err != nil {
			return m
		}
		return "addr:" + r.hash(host)
	})
}

// redactErr is an error's text with addresses replaced.
func (s *Server) redactErr(err error) string {
	if err == nil {
		return ""
	}
	return s.redactor.redact(err.Error())
}

// ErrorLog is the net/http server's error log: through the dashboard's
// logger, with client addresses replaced by their keyed hash.
func (s *Server) ErrorLog() *log.Logger {
	return log.New(redactWriter{s: s}, "", 0)
}

type redactWriter struct{ s *Server }

func (w redactWriter) Write(p []byte) (int, error) {
	w.s.log.Warn("http server", "msg", w.s.redactor.redact(strings.TrimSpace(string(p))))
	return len(p), nil
}

// randomAddrHash is the address hash of a dashboard without reviews: keyed
// by a random secret of this process.
func randomAddrHash() func(string) string {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return reviews.AddrHasher(key)
}
