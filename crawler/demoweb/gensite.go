package demoweb

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fixed paths every generated site has (besides /page/N inner pages).
const (
	PathHome          = "/"
	PathCouncilTax    = "/council-tax/pay"
	PathBins          = "/bins/collection-days"
	PathAToZ          = "/a-z"
	PathAccessibility = "/accessibility-statement"
	PathContact       = "/contact-us"
	PathSearch        = "/search"
)

type fixedPage struct{ path, title string }

var fixedPages = []fixedPage{
	{PathHome, ""},
	{PathCouncilTax, "Pay your council tax"},
	{PathBins, "Bin collection days"},
	{PathAToZ, "A to Z of council services"},
	{PathAccessibility, "Accessibility statement"},
	{PathContact, "Contact us"},
}

const minPages = 8

var topics = []string{
	"Council tax discounts and exemptions", "Report a missed bin", "Apply for a parking permit",
	"Planning applications", "Housing benefit", "Register to vote", "Library opening times",
	"Report fly-tipping", "School admissions", "Pay a parking fine", "Garden waste collection",
	"Bulky waste collection", "Recycling centres", "Apply for a blue badge", "Births, deaths and marriages",
	"Business rates", "Food hygiene ratings", "Licensing", "Pest control", "Report a pothole",
	"Adult social care", "Children's services", "Council meetings and minutes", "Elections",
	"Parks and open spaces", "Leisure centres", "Homelessness advice", "Building control",
	"Street cleaning", "Noise complaints", "Jobs at the council", "Local plan consultation",
}

var words = strings.Fields(`the council residents service apply online form you can your local area
support information contact us please find more about how to pay report request check
when where what need help advice home street road park library school waste collection
bin recycling planning permission housing benefit tax account payment date week month
year team office phone email visit open close time available change update register new`)

// gzipPool recycles gzip writers (each holds ~800 KB of deflate state).
type gzipPool struct{ p sync.Pool }

func newGzipPool() *gzipPool {
	return &gzipPool{p: sync.Pool{New: func() any { zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed); return zw }}}
}

func (gp *gzipPool) write(w io.Writer, body []byte) {
	zw := gp.p.Get().(*gzip.Writer)
	zw.Reset(w)
	_, _ = zw.Write(body)
	_ = zw.Close()
	zw.Reset(io.Discard)
	gp.p.Put(zw)
}

// genSite serves one generated council site.
type genSite struct {
	idx                       int
	pages                     int
	seed                      int64
	slug, council, name, host string
	homeFile                  string // real page, or "" for synthetic
	gz                        *gzipPool
	// scheme is the site's scheme ("" means http): absolute links, the
	// sitemaps and robots.txt use it.
	scheme string
	// real marks a site rebuilt from saved pages (see realsite.go): its
	// robots.txt lets crawlers reach the saved pages and the generated
	// pages the site-level checks need, and nothing else; its home page
	// links the saved pages first; its "page not found" answers 404.
	real     bool
	saved    []SavedPage            // the saved pages of a real site, in order
	homePath string                 // a real site's home page path, when not "/"
	hostOf   func(string) *realHost // a real site's hosts, by name
	// tasks are a real site's top-task pages (its first inner pages);
	// vary drops some of them from the home page and the A to Z, and
	// parts of the accessibility statement, on some sites (a simulated
	// difference between demo runs).
	tasks []TaskPage
	vary  bool
	now   time.Time // when the web was built: the statement's dates

	realOnce  sync.Once
	realPaths map[string]bool // same-site paths linked from the real home page
}

var hrefRe = regexp.MustCompile(`(?i)href\s*=\s*["']([^"'#]+)`)

// linkedFromRealHome reports whether the real home page links to path p on
// this site; such pages are served (generated) so the real chrome does not
// turn into a sea of 404s.
func (g *genSite) linkedFromRealHome(p string) bool {
	if g.homeFile == "" {
		return false
	}
	g.realOnce.Do(func() {
		g.realPaths = map[string]bool{}
		raw, err := os.ReadFile(g.homeFile)
		if err != nil {
			return
		}
		for _, m := range hrefRe.FindAllSubmatch(raw, 2000) {
			ref, err := url.Parse(html.UnescapeString(string(m[1])))
			if err != nil || (ref.Host != "" && !strings.EqualFold(ref.Host, g.host)) || !strings.HasPrefix(ref.Path, "/") {
				continue
			}
			g.realPaths[ref.Path] = true
		}
	})
	return g.realPaths[p]
}

func (g *genSite) inner() int { return g.pages - len(fixedPages) }

// origin is the site's scheme and host.
func (g *genSite) origin() string {
	if g.scheme == "" {
		return "http://" + g.host
	}
	return g.scheme + "://" + g.host
}

func (g *genSite) title(n int) string {
	if g.real && n >= 1 && n <= len(g.tasks) {
		return g.tasks[n-1].Name
	}
	if g.real {
		n -= len(g.tasks)
		ts := g.topicsBesideTasks()
		t := ts[(n+int(g.seed))%len(ts)]
		if k := (n - 1) / len(ts); k > 0 {
			t += fmt.Sprintf(" (part %d)", k+1)
		}
		return t
	}
	t := topics[(n+int(g.seed))%len(topics)]
	if k := (n - 1) / len(topics); k > 0 {
		t += fmt.Sprintf(" (part %d)", k+1)
	}
	return t
}

func (g *genSite) rng(n int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(g.seed), uint64(g.idx)<<32|uint64(n)))
}

func (g *genSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/robots.txt":
		g.robots(w)
	case strings.HasPrefix(p, "/sitemap") || strings.HasPrefix(p, "/sitemaps/"):
		g.sitemap(w, r)
	case strings.HasPrefix(p, "/documents/") && strings.HasSuffix(p, ".pdf"):
		w.Header().Set("Content-Type", "application/pdf")
		_, _ = io.WriteString(w, "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	case p == PathSearch:
		g.htmlPage(w, r, http.StatusOK, func(b *bytes.Buffer) { g.searchPage(b, r.URL.Query().Get("q")) })
	case p == PathHome || (g.homePath != "" && p == g.homePath):
		g.home(w, r)
	case strings.HasPrefix(p, "/page/"):
		n, err := strconv.Atoi(strings.TrimPrefix(p, "/page/"))
		if err != nil || n < 1 || n > g.inner() {
			g.notFound(w, r)
			return
		}
		g.htmlPage(w, r, http.StatusOK, func(b *bytes.Buffer) { g.innerPage(b, n) })
	default:
		for _, f := range fixedPages[1:] {
			if p == f.path {
				g.htmlPage(w, r, http.StatusOK, func(b *bytes.Buffer) { g.fixedPage(b, f) })
				return
			}
		}
		if !g.real && g.linkedFromRealHome(p) && !isDocument(p) {
			g.htmlPage(w, r, http.StatusOK, func(b *bytes.Buffer) { g.pathPage(b, p) })
			return
		}
		g.notFound(w, r)
	}
}

func (g *genSite) notFound(w http.ResponseWriter, r *http.Request) {
	status := http.StatusNotFound
	if g.idx%5 == 4 && !g.real {
		status = http.StatusOK // soft 404
	}
	g.htmlPage(w, r, status, func(b *bytes.Buffer) {
		g.open(b, "Page not found")
		b.WriteString("<h1>Page not found</h1><p>Sorry, we cannot find that page. Try the <a href=\"/a-z\">A to Z</a> or search.</p>")
		g.close(b)
	})
}

// htmlPage renders into a buffer and writes it, gzip-encoded on every other
// site when the client accepts it.
func (g *genSite) htmlPage(w http.ResponseWriter, r *http.Request, status int, render func(*bytes.Buffer)) {
	var b bytes.Buffer
	render(&b)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	g.write(w, r, status, b.Bytes())
}

func (g *genSite) write(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	// Everything a generated site serves is made up: say so (a real site's
	// saved pages are served by realsite.go, without the mark).
	w.Header().Set(FillerHeader, "generated")
	if g.idx%2 == 0 && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(status)
		g.gz.write(w, body)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (g *genSite) open(b *bytes.Buffer, title string) {
	fmt.Fprintf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s - %s</title>"+
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body>\n", html.EscapeString(title), html.EscapeString(g.name))
	g.header(b, "")
	b.WriteString("<main id=\"main-content\">\n")
}

// header writes the site header; prefix is "" for relative links or the
// site origin (real pages may carry a <base href> elsewhere).
func (g *genSite) header(b *bytes.Buffer, prefix string) {
	fmt.Fprintf(b, "<header class=\"cd-site-header\"><a href=\"#main-content\">Skip to main content</a> <a href=\"%s/\">%s</a>\n", prefix, html.EscapeString(g.name))
	fmt.Fprintf(b, "<form action=\"%s/search\" method=\"get\" role=\"search\"><label for=\"cd-q\">Search this site</label>"+
		"<input type=\"search\" id=\"cd-q\" name=\"q\"><button type=\"submit\">Search</button></form>\n<nav><ul>", prefix)
	for _, f := range fixedPages[1:] {
		fmt.Fprintf(b, "<li><a href=\"%s%s\">%s</a></li>", prefix, f.path, f.title)
	}
	b.WriteString("</ul></nav></header>\n")
}

func (g *genSite) close(b *bytes.Buffer) {
	b.WriteString("</main>\n<footer><a href=\"/accessibility-statement\">Accessibility</a> <a href=\"/contact-us\">Contact us</a> " +
		"<a href=\"http://www.gov.uk/\">GOV.UK</a></footer>\n</body></html>\n")
}

func (g *genSite) para(b *bytes.Buffer, rng *rand.Rand) {
	b.WriteString("<p>")
	n := 25 + rng.IntN(40)
	for i := 0; i < n; i++ {
		w := words[rng.IntN(len(words))]
		if i == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(w)
		if i%12 == 11 && i != n-1 {
			b.WriteByte('.')
		}
	}
	b.WriteString(".</p>\n")
}

func (g *genSite) home(w http.ResponseWriter, r *http.Request) {
	var b bytes.Buffer
	if g.homeFile != "" && !g.real {
		if raw, err := os.ReadFile(g.homeFile); err == nil {
			var inj bytes.Buffer
			g.header(&inj, g.origin())
			g.homeLinks(&inj, g.origin())
			b.Write(injectAfterBody(raw, inj.Bytes()))
			ct := "text/html; charset=utf-8"
			w.Header().Set("Content-Type", ct)
			g.write(w, r, http.StatusOK, b.Bytes())
			return
		}
	}
	g.htmlPage(w, r, http.StatusOK, func(b *bytes.Buffer) {
		g.open(b, "Home")
		fmt.Fprintf(b, "<h1>Welcome to %s</h1>\n", html.EscapeString(g.name))
		g.para(b, g.rng(0))
		g.homeLinks(b, "")
		g.close(b)
	})
}

func (g *genSite) homeLinks(b *bytes.Buffer, prefix string) {
	if len(g.saved) > 0 {
		b.WriteString("<section class=\"cd-saved\"><h2>Pages saved from the council's site</h2><ul>")
		for i, s := range g.saved {
			fmt.Fprintf(b, "<li><a href=\"%s\">Saved page %d</a></li>", html.EscapeString(s.URL), i+1)
		}
		b.WriteString("</ul></section>\n")
	}
	b.WriteString("<section class=\"cd-top-tasks\"><h2>Top tasks</h2><ul>")
	for _, f := range fixedPages[1:] {
		fmt.Fprintf(b, "<li><a href=\"%s%s\">%s</a></li>", prefix, f.path, f.title)
	}
	shown := min(10, g.inner())
	if g.real {
		shown = min(len(g.tasks)+4, g.inner())
	}
	for n := 1; n <= shown; n++ {
		if g.dropped(n) {
			continue
		}
		fmt.Fprintf(b, "<li><a href=\"%s/page/%d\">%s</a></li>", prefix, n, html.EscapeString(g.title(n)))
	}
	b.WriteString("</ul></section>\n")
}

// injectAfterBody inserts block right after the <body ...> tag (or at the
// start when there is none).
func injectAfterBody(page, block []byte) []byte {
	lower := bytes.ToLower(page)
	i := bytes.Index(lower, []byte("<body"))
	at := 0
	if i >= 0 {
		if j := bytes.IndexByte(page[i:], '>'); j >= 0 {
			at = i + j + 1
		}
	}
	out := make([]byte, 0, len(page)+len(block))
	out = append(out, page[:at]...)
	out = append(out, block...)
	return append(out, page[at:]...)
}

func (g *genSite) fixedPage(b *bytes.Buffer, f fixedPage) {
	g.open(b, f.title)
	fmt.Fprintf(b, "<h1>%s</h1>\n", html.EscapeString(f.title))
	if f.path == PathAToZ {
		type entry struct {
			title string
			n     int
		}
		list := make([]entry, 0, g.inner())
		for n := 1; n <= g.inner(); n++ {
			if !g.dropped(n) {
				list = append(list, entry{g.title(n), n})
			}
		}
		sort.SliceStable(list, func(i, j int) bool { return list[i].title < list[j].title })
		b.WriteString("<ul class=\"a-z\">")
		for _, e := range list {
			fmt.Fprintf(b, "<li><a href=\"/page/%d\">%s</a></li>", e.n, html.EscapeString(e.title))
		}
		b.WriteString("</ul>\n")
	} else if f.path == PathAccessibility && g.real {
		g.statement(b)
	} else {
		rng := g.rng(-len(f.path))
		for i := 0; i < 3; i++ {
			g.para(b, rng)
		}
	}
	g.close(b)
}

func (g *genSite) innerPage(b *bytes.Buffer, n int) {
	rng := g.rng(n)
	t := g.title(n)
	g.open(b, t)
	fmt.Fprintf(b, "<h1>%s</h1>\n", html.EscapeString(t))
	paras := 4 + rng.IntN(6)
	for i := 0; i < paras; i++ {
		g.para(b, rng)
	}
	in := g.inner()
	b.WriteString("<h2>Related</h2><ul>")
	for _, m := range []int{n*3%in + 1, (n*7+1)%in + 1, n + 1} {
		if m <= in && m != n {
			fmt.Fprintf(b, "<li><a href=\"/page/%d\">%s</a></li>", m, html.EscapeString(g.title(m)))
		}
	}
	// A generated site's documents and broken link; a real site's
	// stand-in pages have none (they only serve the site-wide checks).
	if n%5 == 0 && !g.real {
		fmt.Fprintf(b, "<li><a href=\"/documents/report-%d.pdf\">Annual report (PDF)</a></li>", n%3)
	}
	if n%7 == 3 && !g.real {
		fmt.Fprintf(b, "<li><a href=\"/page/%d\">Old page</a></li>", in+n) // broken
	}
	if n%6 == 1 {
		b.WriteString("<li><a href=\"http://www.gov.uk/\">GOV.UK</a></li>")
	}
	b.WriteString("</ul>\n")
	g.close(b)
}

// pathPage is a generated page for a path the real home page links to.
func (g *genSite) pathPage(b *bytes.Buffer, p string) {
	seg := strings.Trim(p, "/")
	if i := strings.LastIndexByte(seg, '/'); i >= 0 {
		seg = seg[i+1:]
	}
	seg = strings.TrimSuffix(strings.TrimSuffix(seg, ".aspx"), ".html")
	title := strings.ReplaceAll(strings.ReplaceAll(seg, "-", " "), "_", " ")
	if title == "" {
		title = "Information"
	}
	title = strings.ToUpper(title[:1]) + title[1:]
	g.open(b, title)
	fmt.Fprintf(b, "<h1>%s</h1>\n", html.EscapeString(title))
	rng := g.rng(-1000 - len(p))
	for i := 0; i < 3; i++ {
		g.para(b, rng)
	}
	g.close(b)
}

func isDocument(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png", ".gif", ".svg", ".css", ".js", ".ico", ".xml", ".zip":
		return true
	}
	return false
}

func (g *genSite) searchPage(b *bytes.Buffer, q string) {
	g.open(b, "Search results")
	fmt.Fprintf(b, "<h1>Search results for %q</h1>\n", html.EscapeString(q))
	terms := strings.Fields(strings.ToLower(q))
	match := func(title string) bool {
		if len(terms) == 0 {
			return false
		}
		lt := strings.ToLower(title)
		for _, t := range terms {
			if !strings.Contains(lt, t) {
				return false
			}
		}
		return true
	}
	b.WriteString("<ol class=\"search-results\">")
	count := 0
	for _, f := range fixedPages[1:] {
		if count < 10 && match(f.title) {
			fmt.Fprintf(b, "<li><a href=\"%s\">%s</a></li>", f.path, f.title)
			count++
		}
	}
	for n := 1; n <= g.inner() && count < 10; n++ {
		if match(g.title(n)) || (g.real && n <= len(g.tasks) && !g.dropped(n) && g.tasks[n-1].answers(q)) {
			fmt.Fprintf(b, "<li><a href=\"/page/%d\">%s</a></li>", n, html.EscapeString(g.title(n)))
			count++
		}
	}
	b.WriteString("</ol>\n")
	if count == 0 {
		b.WriteString("<p>No results found.</p>\n")
	}
	g.close(b)
}

func (g *genSite) robots(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set(FillerHeader, "generated")
	if g.real {
		fmt.Fprint(w, g.realRobots(g.host))
	} else {
		fmt.Fprintf(w, "User-agent: *\nDisallow: /admin/\n\n")
	}
	switch g.idx % 3 {
	case 2:
		fmt.Fprintf(w, "Sitemap: %s/sitemap.xml.gz\n", g.origin())
	default:
		fmt.Fprintf(w, "Sitemap: %s/sitemap.xml\n", g.origin())
	}
}

// sitemap serves: idx%3==0 an index (plain pages + gzip fixed pages),
// idx%3==1 one urlset (transport-gzipped on even sites), idx%3==2 a .xml.gz.
func (g *genSite) sitemap(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	urlset := func(b *bytes.Buffer, fixed, inner bool) {
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
		if fixed {
			for _, s := range g.saved { // first, so a crawl's page budget reaches them
				fmt.Fprintf(b, "<url><loc>%s</loc></url>\n", html.EscapeString(s.URL))
			}
			for _, f := range fixedPages {
				fmt.Fprintf(b, "<url><loc>%s%s</loc></url>\n", g.origin(), f.path)
			}
		}
		if inner {
			for n := 1; n <= g.inner(); n++ {
				fmt.Fprintf(b, "<url><loc>%s/page/%d</loc></url>\n", g.origin(), n)
			}
		}
		b.WriteString("</urlset>\n")
	}
	gz := func(body []byte) {
		w.Header().Set("Content-Type", "application/gzip")
		w.Header().Set(FillerHeader, "generated")
		g.gz.write(w, body)
	}
	var b bytes.Buffer
	switch {
	case g.idx%3 == 0 && p == "/sitemap.xml":
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
		fmt.Fprintf(&b, "<sitemap><loc>%s/sitemaps/pages.xml</loc></sitemap>\n", g.origin())
		fmt.Fprintf(&b, "<sitemap><loc>%s/sitemaps/main.xml.gz</loc></sitemap>\n", g.origin())
		b.WriteString("</sitemapindex>\n")
	case g.idx%3 == 0 && p == "/sitemaps/pages.xml":
		urlset(&b, false, true)
	case g.idx%3 == 0 && p == "/sitemaps/main.xml.gz":
		urlset(&b, true, false)
		gz(b.Bytes())
		return
	case g.idx%3 == 1 && p == "/sitemap.xml":
		urlset(&b, true, true)
	case g.idx%3 == 2 && p == "/sitemap.xml.gz":
		urlset(&b, true, true)
		gz(b.Bytes())
		return
	default:
		g.notFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	g.write(w, r, http.StatusOK, b.Bytes())
}
