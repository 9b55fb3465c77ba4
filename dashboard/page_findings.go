package dashboard

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// A council's findings view: every finding of its latest scored run,
// paged, filterable by check, category and page, with the page addresses
// as links, each check's rule and how to fix it, and the council's
// findings to download in the format of /export/findings.csv (the same
// code path, with a council filter). Broken links are shown with their
// evidence from the link checks: the page each is on, its text, element,
// the answer and where it led.

// findingsPerPage is how many findings (or broken links) one page shows.
const findingsPerPage = 50

// findingsQuery is the findings view's parameters, checked.
type findingsQuery struct {
	check, category, page string
	p                     int // page number, from 1
}

// findingsParams are the findings view's query parameters, checked
// strictly like the API's (checkQuery): an unknown parameter, one given
// twice or a value it cannot take is a 400 saying so in words. The filter
// form sends "all" as an empty value.
func findingsParams(cat catalogue) []param {
	return []param{
		{name: "check", in: "query", typ: "string", maxLen: maxParamLen, emptyOK: true},
		{name: "category", in: "query", typ: "string", enum: cat.cats, emptyOK: true},
		{name: "page", in: "query", typ: "string", maxLen: 2000, emptyOK: true},
		{name: "p", in: "query", typ: "integer", min: 1, max: 200000, emptyOK: true},
	}
}

// parseFindings reads and checks the parameters (findingsParams); a check
// that is not the catalogue's is not found (404), as on the API.
func parseFindings(raw string, cat catalogue) (findingsQuery, error) {
	v, err := checkQuery(raw, findingsParams(cat))
	if err != nil {
		return findingsQuery{p: 1}, err
	}
	f := findingsQuery{check: strings.TrimSpace(v.str("check")), category: v.str("category"), page: strings.TrimSpace(v.str("page")), p: 1}
	if f.check != "" {
		if _, ok := cat.checkBy[f.check]; !ok {
			return f, notFound("check", "no check has the id %q: see /checks", short(f.check))
		}
	}
	if v.str("p") != "" {
		f.p = v.int("p")
	}
	return f, nil
}

// findingGroup is the findings of one check on one page of the view.
type findingGroup struct {
	Check    scoring.Check
	Label    string
	Findings []evidenceView
}

// brokenView is a broken link as the view shows it.
type brokenView struct {
	data.BrokenLink
	Answer string
}

// pageLink is one link of the pagination.
type pageLink struct {
	N        int
	URL      string
	Current  bool
	Ellipsis bool
}

type findingsPage struct {
	Council    data.Council
	Run        data.Run
	HasRun     bool
	Check      scoring.Check
	HasCheck   bool
	CheckLabel string
	Guide      template.HTML
	Category   string
	PageURL    string
	Filtered   bool
	Checks     []Option
	Categories []Option
	Pages      []Option
	Groups     []findingGroup
	BrokenMode bool
	Broken     []brokenView
	Total      int
	From, To   int
	Page       int
	PageCount  int
	Prev, Next string
	PageLinks  []pageLink
	CSV, JSON  string // downloads: the export of this council's findings (of the check)
	Kept       int    // findings of a check kept as evidence per page (the method's)
}

// answer says what a broken link answered, in words (the crawler's error
// classes, which the dashboard reads as data).
func answer(b data.BrokenLink) string {
	if b.Status >= 400 {
		return "HTTP " + strconv.Itoa(b.Status) + " " + http.StatusText(b.Status)
	}
	switch b.ErrorClass {
	case "dns":
		return "no such host (DNS)"
	case "timeout":
		return "no answer in time"
	case "refused":
		return "connection refused"
	case "reset":
		return "connection reset"
	case "tls":
		return "secure connection failed (TLS)"
	case "redirect-loop":
		return "redirects in a loop"
	case "too-many-redirects":
		return "too many redirects"
	case "":
		return "an error"
	}
	return b.ErrorClass
}

// findingsData is what the view reads from the database for one request.
type findingsData struct {
	findings []data.Finding
	broken   []data.BrokenLink
	total    int
	facets   data.FindingFacets
}

// buildFindings makes the findings view's view model.
func buildFindings(st site, m *model, co data.Council, q findingsQuery, d findingsData) findingsPage {
	p := findingsPage{Council: co, Category: q.category, PageURL: q.page, Page: q.p, Total: d.total,
		Filtered: q.check != "" || q.category != "" || q.page != "", Kept: st.cat.method.Thresholds.MaxFindingsPerCheck}
	row, ok := m.row(co.Code)
	if !ok {
		return p
	}
	p.Run, p.HasRun = row.Crawled, true
	if ch, ok := st.cat.checkBy[q.check]; ok {
		p.Check, p.HasCheck, p.CheckLabel = ch, true, st.cat.method.CheckLabel(ch)
		p.Guide = st.cat.checkHTML[ch.ID].Guide3
		p.BrokenMode = ch.ID == "tech-broken-links"
	}
	exp := url.Values{"run": {row.RunID}, "council": {co.Code}}
	if q.check != "" {
		exp.Set("check", q.check)
	}
	p.CSV, p.JSON = "/export/findings.csv?"+exp.Encode(), "/export/findings.json?"+exp.Encode()

	for _, c := range d.facets.Checks {
		label := c.CheckID
		if ch, ok := st.cat.checkBy[c.CheckID]; ok {
			label = st.cat.method.CheckLabel(ch)
		}
		p.Checks = append(p.Checks, Option{Value: c.CheckID, Label: fmt.Sprintf("%s (%d)", label, c.Findings), Selected: c.CheckID == q.check})
	}
	if q.check != "" && !optionsHave(p.Checks, q.check) { // a check with no finding may still be asked for
		p.Checks = append(p.Checks, Option{Value: q.check, Label: p.CheckLabel + " (0)", Selected: true})
	}
	for _, c := range st.cat.cats {
		p.Categories = append(p.Categories, Option{Value: c, Label: titleCase(c), Selected: c == q.category})
	}
	for _, pg := range d.facets.Pages {
		p.Pages = append(p.Pages, Option{Value: pg.URL, Label: fmt.Sprintf("%s (%d)", pg.URL, pg.N), Selected: pg.URL == q.page})
	}
	if q.page != "" && !optionsHave(p.Pages, q.page) {
		p.Pages = append(p.Pages, Option{Value: q.page, Label: q.page, Selected: true})
	}

	if p.BrokenMode {
		for _, b := range d.broken {
			p.Broken = append(p.Broken, brokenView{BrokenLink: b, Answer: answer(b)})
		}
	} else {
		linked := map[string]bool{}
		for _, f := range d.findings {
			if len(p.Groups) == 0 || p.Groups[len(p.Groups)-1].Check.ID != f.CheckID {
				g := findingGroup{Check: st.cat.checkBy[f.CheckID]}
				if g.Check.ID == "" {
					g.Check = scoring.Check{ID: f.CheckID, Category: f.Category}
				}
				g.Label = st.cat.method.CheckLabel(g.Check)
				p.Groups = append(p.Groups, g)
			}
			ev := evidenceView{Severity: f.Severity, Message: f.Message, URL: f.URL, Selector: f.Selector, Snippet: f.Snippet}
			if isHTTP(f.URL) && !linked[f.URL+"\x00"+f.CheckID] {
				linked[f.URL+"\x00"+f.CheckID], ev.Link = true, true
			}
			g := &p.Groups[len(p.Groups)-1]
			g.Findings = append(g.Findings, ev)
		}
	}

	// Pagination.
	p.PageCount = max(1, (d.total+findingsPerPage-1)/findingsPerPage)
	shown := len(d.findings)
	if p.BrokenMode {
		shown = len(d.broken)
	}
	if shown > 0 {
		p.From = (q.p-1)*findingsPerPage + 1
		p.To = p.From + shown - 1
	}
	pageURL := func(n int) string {
		v := url.Values{}
		for k, val := range map[string]string{"check": q.check, "category": q.category, "page": q.page} {
			if val != "" {
				v.Set(k, val)
			}
		}
		if n > 1 {
			v.Set("p", strconv.Itoa(n))
		}
		u := "/councils/" + url.PathEscape(co.Code) + "/findings"
		if len(v) > 0 {
			u += "?" + v.Encode()
		}
		return u
	}
	if q.p > 1 {
		p.Prev = pageURL(q.p - 1)
	}
	if q.p < p.PageCount {
		p.Next = pageURL(q.p + 1)
	}
	if p.PageCount > 1 {
		last := 0
		for n := 1; n <= p.PageCount; n++ {
			if n == 1 || n == p.PageCount || (n >= q.p-1 && n <= q.p+1) {
				if last > 0 && n > last+1 {
					p.PageLinks = append(p.PageLinks, pageLink{Ellipsis: true})
				}
				p.PageLinks = append(p.PageLinks, pageLink{N: n, URL: pageURL(n), Current: n == q.p})
				last = n
			}
		}
	}
	return p
}

func optionsHave(opts []Option, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}

func (s *Server) findings(c *gin.Context) {
	co, err := s.councilByCode(c.Param("code"))
	if err != nil {
		s.fail(c, err)
		return
	}
	q, err := parseFindings(c.Request.URL.RawQuery, s.cat)
	if err != nil {
		s.fail(c, err)
		return
	}
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	var d findingsData
	if row, ok := m.row(co.Code); ok {
		ctx := c.Request.Context()
		off := (q.p - 1) * findingsPerPage
		if q.check == "tech-broken-links" {
			d.broken, d.total, err = s.store.BrokenLinks(ctx, row.RunID, co.Code, findingsPerPage, off)
		} else {
			d.findings, d.total, err = s.store.CouncilFindings(ctx, data.CouncilFindingFilter{RunID: row.RunID, Council: co.Code,
				CheckID: q.check, Category: q.category, URL: q.page, Limit: findingsPerPage, Offset: off})
		}
		if err == nil {
			d.facets, err = s.store.CouncilFindingFacets(ctx, row.RunID, co.Code)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		if q.p > 1 && off >= d.total {
			s.fail(c, ErrNotFound) // past the last page
			return
		}
	}
	title := "Findings: " + co.Name
	s.renderPage(c, http.StatusOK, "findings", title, func() any { return buildFindings(s.site(), m, co, q, d) })
}
