package dashboard

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

//go:embed templates/*.html
var templateFS embed.FS

// View is what the layout is executed with; page templates read their data
// from .Data.
type View struct {
	Title  string
	Data   any
	Path   string
	Charts bool // the page has charts: load echarts
	// TypeAhead: the page has search or compare fields that
	// accessible-autocomplete enhances.
	TypeAhead bool
	// Demo says what demo data the site shows: every page (error pages and
	// the review pages too) carries the banner while there is any.
	Demo DemoBanner
}

// DemoBanner is what demo data the dashboard shows at the moment.
type DemoBanner struct {
	Crawl   bool // scores from demo crawls of the local copy of council pages
	Reviews bool // demo reviews, invented
}

// Any reports whether any demo data is shown.
func (d DemoBanner) Any() bool { return d.Crawl || d.Reviews }

// Text is the banner's sentence.
func (d DemoBanner) Text() string {
	switch {
	case d.Crawl && d.Reviews:
		return "Demo data: a local copy of council pages from 2019/20 and invented reviews; not a judgement of any council"
	case d.Crawl:
		return "Demo data: a local copy of council pages from 2019/20; not a judgement of any council"
	case d.Reviews:
		return "Demo data: invented reviews are shown beside the scores; they are not a judgement of any council"
	}
	return ""
}

// key names the banner in the page cache's versions.
func (d DemoBanner) key() string {
	return map[bool]string{true: "c", false: "-"}[d.Crawl] + map[bool]string{true: "r", false: "-"}[d.Reviews]
}

// chartPage is implemented by page data that carries charts.
type chartPage interface{ HasCharts() bool }

// typeAheadPage is implemented by page data with fields to enhance with
// type-ahead.
type typeAheadPage interface{ HasTypeAhead() bool }

// withTypeAhead marks page data whose fields get type-ahead.
type withTypeAhead struct{}

// HasTypeAhead tells the layout to load accessible-autocomplete.
func (withTypeAhead) HasTypeAhead() bool { return true }

// Renderer renders pages: for each page file, a clone of the layout plus
// that file. It satisfies reviewpages.Renderer.
type Renderer struct {
	log   *slog.Logger
	pages map[string]*template.Template
	sizes map[string]*atomic.Int64 // each page's last size: the next render's buffer
	// demo tells what demo data a request's page shows (nil: none).
	demo func(c *gin.Context) DemoBanner
}

// SetDemo sets how the renderer learns what demo data is shown (the
// server's read model knows). Call it before serving.
func (r *Renderer) SetDemo(f func(c *gin.Context) DemoBanner) { r.demo = f }

// NewRenderer parses the dashboard's templates and the page templates of the
// extra file systems (files templates/*.html). Page names are file base
// names without .html and must be unique. Check names come from method.
func NewRenderer(log *slog.Logger, method scoring.Method, extra ...fs.FS) (*Renderer, error) {
	layout, err := template.New("layout.html").Funcs(funcs(method)).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("layout: %w", err)
	}
	r := &Renderer{log: log, pages: map[string]*template.Template{}, sizes: map[string]*atomic.Int64{}}
	for _, fsys := range append([]fs.FS{templateFS}, extra...) {
		files, err := fs.Glob(fsys, "templates/*.html")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			name := strings.TrimSuffix(path.Base(f), ".html")
			if name == "layout" {
				continue
			}
			if _, dup := r.pages[name]; dup {
				return nil, fmt.Errorf("template %s: page name used twice", name)
			}
			t, err := template.Must(layout.Clone()).ParseFS(fsys, f)
			if err != nil {
				return nil, fmt.Errorf("template %s: %w", f, err)
			}
			r.pages[name] = t
			r.sizes[name] = new(atomic.Int64)
		}
	}
	return r, nil
}

// Render executes a page into the response. A template error yields a
// plain 500 (logged), never a half page.
func (r *Renderer) Render(c *gin.Context, status int, page, title string, data any) {
	r.Write(c, status, r.Execute(c, page, title, data))
}

// Execute renders a page, returning nil (logged) when it cannot.
func (r *Renderer) Execute(c *gin.Context, page, title string, data any) []byte {
	t, ok := r.pages[page]
	if !ok {
		r.log.Error("no such page template", "page", page)
		return nil
	}
	v := View{Title: title, Data: data, Path: c.Request.URL.Path}
	if r.demo != nil {
		v.Demo = r.demo(c)
	}
	if cp, ok := data.(chartPage); ok {
		v.Charts = cp.HasCharts()
	}
	if tp, ok := data.(typeAheadPage); ok {
		v.TypeAhead = tp.HasTypeAhead()
	}
	var buf bytes.Buffer
	buf.Grow(int(r.sizes[page].Load()) + 1024)
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		r.log.Error("template failed", "page", page, "err", err)
		return nil
	}
	r.sizes[page].Store(int64(buf.Len()))
	return buf.Bytes()
}

// Write sends a page Execute rendered (nil: a plain 500).
func (r *Renderer) Write(c *gin.Context, status int, body []byte) {
	if body == nil {
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("Sorry, there is a problem with the service"))
		return
	}
	if c.Writer.Header().Get("Cache-Control") == "" { // review pages: no-store
		c.Header("Cache-Control", "no-cache")
	}
	c.Data(status, "text/html; charset=utf-8", body)
}

func funcs(method scoring.Method) template.FuncMap {
	return template.FuncMap{
		"score": func(f float64) string { return fmt.Sprintf("%.1f", f) },
		"signed": func(f float64) string {
			if math.Abs(f) < 0.05 {
				return "no change"
			}
			if f > 0 {
				return fmt.Sprintf("up %.1f", f)
			}
			return fmt.Sprintf("down %.1f", -f)
		},
		"pct": func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
		"date": func(t time.Time) string {
			if t.IsZero() {
				return "not recorded"
			}
			return t.UTC().Format("2 January 2006")
		},
		"runTime":  runTime,
		"spell":    spell,
		"runShort": runShort,
		"navItems": navItems,
		"feeds":    feedsFor,
		"label":    method.CheckLabel,
		"title":    titleCase,
		"band":     band,
		"bandTag":  bandTag,
		"query":    url.QueryEscape,
		"path":     url.PathEscape,
		"add":      func(a, b int) int { return a + b },
		"short": func(s string, n int) string {
			r := []rune(s)
			if len(r) <= n {
				return s
			}
			return string(r[:n]) + "…"
		},
		"safeURL": func(s string) template.URL {
			// Evidence URLs come from crawled sites: only http(s) become links.
			if strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") {
				return template.URL(s)
			}
			return template.URL("#")
		},
	}
}

// NavItem is one link of the service navigation.
type NavItem struct {
	Href, Label string
	Active      bool
}

// navItems lists the service navigation, marking the section of path.
func navItems(path string) []NavItem {
	items := []NavItem{
		{Href: "/", Label: "League table"},
		{Href: "/compare", Label: "Compare"},
		{Href: "/checks", Label: "Checks"},
		{Href: "/changes", Label: "What changed"},
		{Href: "/tasks", Label: "Top tasks"},
		{Href: "/method", Label: "Method"},
		{Href: "/data", Label: "Data"},
	}
	for i := range items {
		h := items[i].Href
		switch {
		case h == "/":
			items[i].Active = path == "/" || strings.HasPrefix(path, "/councils/")
		default:
			items[i].Active = path == h || strings.HasPrefix(path, h+"/")
		}
	}
	return items
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// band names a score range, so colour never carries meaning alone.
func band(f float64) string {
	switch {
	case f >= 80:
		return "good"
	case f >= 60:
		return "fair"
	default:
		return "poor"
	}
}

func bandTag(f float64) string {
	switch band(f) {
	case "good":
		return "govuk-tag--green"
	case "fair":
		return "govuk-tag--yellow"
	}
	return "govuk-tag--red"
}

// runTime says when a run started: the date, with the time (UTC) for a
// demo run, whose runs are minutes apart.
func runTime(r data.Run) string {
	if r.StartedAt.IsZero() {
		return "not recorded"
	}
	t := r.StartedAt.UTC()
	if !r.Demo {
		return t.Format("2 January 2006")
	}
	return t.Format("2 January 2006") + " at " + strings.ToLower(t.Format("3:04PM")) + " UTC"
}

// runShort is a run's start as a chart's axis shows it (with the time for
// demo runs).
func runShort(r data.Run) string {
	t := r.StartedAt.UTC()
	if r.Demo {
		return t.Format("2 Jan ") + strings.ToLower(t.Format("3:04PM"))
	}
	return t.Format("2 Jan 2006")
}

// spell writes numbers up to ten in words, as the Content Standard asks
// (LGD 1.11), and larger ones in figures.
func spell(n int) string {
	words := []string{"none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
	if n >= 0 && n < len(words) {
		return words[n]
	}
	return strconv.Itoa(n)
}
