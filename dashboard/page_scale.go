package dashboard

import (
	"html/template"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/councildash/councildash/data"
)

// Pages that list councils stay small and fast with a parish-scale
// register (10,000 and more councils, docs/SCALING.md): the league table
// comes a page at a time, its search reads the words each council is
// found by, lower-cased once per server, the filters' choices are worked
// out once per server, the lists of councils not scored yet are cut
// short, the compare picker lists the principal councils and finds the
// others by name, and the search fields' type-ahead asks /councils.json
// for the few councils a search finds (page_search.go), never for the
// whole register.

const (
	leaguePerPage = 100 // league rows per page
	unscoredMax   = 200 // councils not scored yet, listed on the league page
	pickerMax     = 500 // registers above this: the compare picker lists principal councils only
	findMax       = 20  // councils the compare page's search lists
)

// registerIndex is what the pages read of the register, worked out once.
type registerIndex struct {
	nations, types, regions []string // distinct, sorted
	// hay is, by council code, every word the council is found by
	// (councilHaystack), lower-cased once.
	hay map[string][]string
	// pick lists, by index into the register (by name), the councils the
	// compare page's selects offer: every council of a small register,
	// the principal councils (not parish or town) of a large one.
	pick  []int
	large bool
}

func newRegisterIndex(councils []data.Council) *registerIndex {
	ix := &registerIndex{hay: make(map[string][]string, len(councils)), large: len(councils) > pickerMax}
	seen := map[string]bool{}
	add := func(list *[]string, kind, v string) {
		if v != "" && !seen[kind+v] {
			seen[kind+v] = true
			*list = append(*list, v)
		}
	}
	for i, c := range councils {
		ix.hay[c.Code] = councilHaystack(c)
		add(&ix.nations, "n", c.Nation)
		add(&ix.types, "t", c.Type)
		add(&ix.regions, "r", c.Region)
		if !ix.large || isPrincipal(c) {
			ix.pick = append(ix.pick, i)
		}
	}
	sort.Strings(ix.nations)
	sort.Strings(ix.types)
	sort.Strings(ix.regions)
	return ix
}

// regIndex is the site's register index (worked out here when the site
// was put together without one).
func (st site) regIndex() *registerIndex {
	if st.index == nil {
		return newRegisterIndex(st.councils)
	}
	return st.index
}

// choices are a filter's options with the selected one marked.
func choices(vals []string, selected string) []Option {
	out := make([]Option, len(vals))
	for i, v := range vals {
		out[i] = Option{Value: v, Label: v, Selected: strings.EqualFold(v, selected)}
	}
	return out
}

// matches reports whether a search finds a council (matchCouncil, with
// the council's words read from the index); an empty search finds every
// council.
func (ix *registerIndex) matches(co data.Council, q councilSearch) bool {
	if q.empty() {
		return true
	}
	hay, ok := ix.hay[co.Code]
	if !ok {
		hay = councilHaystack(co)
	}
	return q.matches(co.Code, hay)
}

// find lists up to max councils a search finds, in the register's order
// (by name), and how many it finds in all.
func (ix *registerIndex) find(councils []data.Council, text string, max int) ([]data.Council, int) {
	q := newCouncilSearch(text)
	if q.empty() {
		return nil, 0
	}
	var out []data.Council
	n := 0
	for _, c := range councils {
		if ix.matches(c, q) {
			n++
			if len(out) < max {
				out = append(out, c)
			}
		}
	}
	return out, n
}

// parsePage reads a page parameter: "" is the first page; anything but a
// whole number from 1 is a bad request.
func parsePage(s string) (int, error) {
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1_000_000 {
		return 0, ErrBadRequest
	}
	return n, nil
}

// pageOf returns the rows of one page (a page past the last is the last).
func pageOf[T any](rows []T, page, per int) ([]T, int) {
	pages := max(1, (len(rows)+per-1)/per)
	page = min(max(page, 1), pages)
	from := (page - 1) * per
	return rows[from:min(from+per, len(rows))], page
}

// pager is a list's page navigation, in GOV.UK's pagination pattern.
type pager struct {
	Label            string // what the navigation is for (aria-label)
	Page, Pages      int
	Total, From, To  int
	PrevURL, NextURL string
	Links            []pageLink
	HasPrev, HasNext bool
	Shown            bool // more than one page
}

// newPager makes the navigation of page (1-based) of total rows, per a
// page; links are path with q and page set, and the anchor.
func newPager(label string, total, page, per int, path string, q url.Values, anchor string) pager {
	p := pager{Label: label, Page: page, Pages: max(1, (total+per-1)/per), Total: total}
	if total > 0 {
		p.From, p.To = (page-1)*per+1, min(page*per, total)
	}
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			if k != "page" {
				v[k] = vs
			}
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		u := path
		if enc := v.Encode(); enc != "" {
			u += "?" + enc
		}
		return u + anchor
	}
	p.HasPrev, p.HasNext = page > 1, page < p.Pages
	if p.HasPrev {
		p.PrevURL = link(page - 1)
	}
	if p.HasNext {
		p.NextURL = link(page + 1)
	}
	// First, last, and the pages either side of the current one.
	last := 0
	for n := 1; n <= p.Pages; n++ {
		if n != 1 && n != p.Pages && (n < page-1 || n > page+1) {
			continue
		}
		if last != 0 && n > last+1 {
			p.Links = append(p.Links, pageLink{Ellipsis: true})
		}
		p.Links = append(p.Links, pageLink{N: n, URL: link(n), Current: n == page})
		last = n
	}
	p.Shown = p.Pages > 1
	return p
}

var pagerTemplate = template.Must(template.New("pager").Parse(`{{if .Shown}}<nav class="govuk-pagination" aria-label="{{.Label}}">
{{- if .HasPrev}}<div class="govuk-pagination__prev"><a class="govuk-link govuk-pagination__link" href="{{.PrevURL}}" rel="prev"><svg class="govuk-pagination__icon govuk-pagination__icon--prev" xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13"><path d="m6.5938-0.0078125-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931-4.293-1.414-1.414z"></path></svg><span class="govuk-pagination__link-title">Previous<span class="govuk-visually-hidden"> page</span></span></a></div>{{end}}
<ul class="govuk-pagination__list">
{{- range .Links}}
{{- if .Ellipsis}}<li class="govuk-pagination__item govuk-pagination__item--ellipses">&ctdot;</li>
{{- else}}<li class="govuk-pagination__item{{if .Current}} govuk-pagination__item--current{{end}}"><a class="govuk-link govuk-pagination__link" href="{{.URL}}" aria-label="Page {{.N}}"{{if .Current}} aria-current="page"{{end}}>{{.N}}</a></li>{{end}}
{{- end}}
</ul>
{{- if .HasNext}}<div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" href="{{.NextURL}}" rel="next"><span class="govuk-pagination__link-title">Next<span class="govuk-visually-hidden"> page</span></span><svg class="govuk-pagination__icon govuk-pagination__icon--next" xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13"><path d="m8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z"></path></svg></a></div>{{end}}
</nav>{{end}}`))

// HTML renders the navigation (nothing for a single page).
func (p pager) HTML() template.HTML {
	var b strings.Builder
	if err := pagerTemplate.Execute(&b, p); err != nil {
		return ""
	}
	return template.HTML(b.String()) // escaped by pagerTemplate
}

// chartSet returns a council's charts, drawing them the first time.
func (c *councilModel) chartSet() councilCharts {
	c.chartsOnce.Do(func() {
		if c.drawCharts != nil {
			c.charts = c.drawCharts()
			c.drawCharts = nil
		}
	})
	return c.charts
}
