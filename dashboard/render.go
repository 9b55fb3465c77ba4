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
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

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
}

// chartPage is implemented by page data that carries charts.
type chartPage interface{ HasCharts() bool }

// Renderer renders pages: for each page file, a clone of the layout plus
// that file. It satisfies reviewpages.Renderer.
type Renderer struct {
	log   *slog.Logger
	pages map[string]*template.Template
	sizes map[string]*atomic.Int64 // each page's last size: the next render's buffer
}

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
	if cp, ok := data.(chartPage); ok {
		v.Charts = cp.HasCharts()
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
