package dashboard

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/data"
)

// The home page: the league table, with filters, sortable columns and the
// progress of running crawls.

// Column is a sortable column header.
type Column struct {
	Key      string
	Label    string
	URL      string
	AriaSort string // ascending, descending or none
	Numeric  bool
}

type homePage struct {
	withTypeAhead
	Rows     []LeagueRow
	Columns  []Column
	Cats     []string
	Nations  []Option
	Types    []Option
	Regions  []Option
	Search   string
	Filtered bool
	Total    int
	Councils int
	Latest   data.Run
	HasRun   bool
	Method   string
	Reviews  bool
	Unscored []data.Council
	// Unmatched are the councils a search found that have no score yet:
	// their pages exist.
	Unmatched []data.Council
	// Simulated: the change column compares demo runs.
	Simulated bool
	ExportRun string
	Running   []data.Run // crawls in progress
	Sort, Dir string
	Nation    string
	Type      string
	Region    string
	// The league comes a page at a time (page_scale.go); Matched counts
	// the rows of every page, UnscoredMore and UnmatchedMore the councils
	// not listed.
	Pager         pager
	Matched       int
	UnscoredMore  int
	UnmatchedMore int
}

// homeQuery is the league table's parameters, checked.
type homeQuery struct {
	nation, typ, region, search string
	sort, dir                   string
	page                        int
	raw                         url.Values
}

// parseHome reads and checks the parameters: sort keys and directions
// come from a whitelist, anything else is a bad request, never passed on.
func parseHome(q url.Values, cats []string) (homeQuery, error) {
	h := homeQuery{nation: q.Get("nation"), typ: q.Get("type"), region: q.Get("region"), search: strings.TrimSpace(q.Get("q")),
		sort: q.Get("sort"), dir: q.Get("dir"), raw: q}
	valid := map[string]bool{"name": true, "score": true, "review": true, "reviews": true, "change": true}
	for _, cat := range cats {
		valid[cat] = true
	}
	if h.sort == "" {
		h.sort = "score"
	}
	page, err := parsePage(q.Get("page"))
	switch {
	case !valid[h.sort]:
		keys := append([]string{"name", "score", "review", "reviews", "change"}, cats...)
		return h, &ParamError{Param: "sort", Message: "sort must be one of " + strings.Join(keys, ", "), Allowed: keys}
	case h.dir != "" && h.dir != "asc" && h.dir != "desc":
		return h, &ParamError{Param: "dir", Message: "dir must be asc or desc", Allowed: []string{"asc", "desc"}}
	case len(h.search) > 100:
		return h, &ParamError{Param: "q", Message: "q must be at most 100 characters", Allowed: map[string]int{"max_length": 100}}
	case err != nil:
		return h, &ParamError{Param: "page", Message: "page must be a whole number from 1", Allowed: map[string]int{"minimum": 1, "maximum": 1_000_000}}
	}
	h.page = page
	if h.dir == "" {
		h.dir = "desc"
		if h.sort == "name" {
			h.dir = "asc"
		}
	}
	return h, nil
}

// leagueSort orders rows by a whitelisted key.
func leagueSort(cats []string, rows []LeagueRow, key string, desc bool) {
	catIdx := -1
	for i, c := range cats {
		if c == key {
			catIdx = i
		}
	}
	val := func(r LeagueRow) (float64, bool) {
		switch {
		case key == "score":
			return r.Score, r.HasScore
		case key == "review":
			return r.Review.Score, r.HasReview && r.Review.N > 0
		case key == "reviews":
			return float64(r.Review.N), r.HasReview
		case key == "change":
			return r.Change, r.HasChange
		case catIdx >= 0 && catIdx < len(r.Categories):
			return r.Categories[catIdx].Score, r.Categories[catIdx].Has
		}
		return 0, false
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if key == "name" {
			if desc {
				return a.Council.Name > b.Council.Name
			}
			return a.Council.Name < b.Council.Name
		}
		va, oka := val(a)
		vb, okb := val(b)
		if oka != okb {
			return oka // rows without a value sort last either way
		}
		if va != vb {
			if desc {
				return va > vb
			}
			return va < vb
		}
		return a.Council.Name < b.Council.Name
	})
}

// buildHome makes the league table's view model.
func buildHome(st site, m *model, q homeQuery) homePage {
	all := m.league
	rows := all[:0:0]
	search := newCouncilSearch(q.search)
	ix := st.regIndex()
	for _, r := range all {
		co := r.Council
		if (q.nation == "" || strings.EqualFold(co.Nation, q.nation)) && (q.typ == "" || strings.EqualFold(co.Type, q.typ)) &&
			(q.region == "" || strings.EqualFold(co.Region, q.region)) && ix.matches(co, search) {
			rows = append(rows, r)
		}
	}
	if q.sort != "score" || q.dir != "desc" { // the league is ranked by score already
		leagueSort(st.cat.cats, rows, q.sort, q.dir == "desc")
	}

	p := homePage{Cats: st.cat.cats, Search: q.search, Total: len(all), Councils: len(st.councils), Method: st.method,
		Reviews: st.reviewsOn, Filtered: q.nation != "" || q.typ != "" || q.region != "" || q.search != "",
		Sort: q.sort, Dir: q.dir, Nation: q.nation, Type: q.typ, Region: q.region, Matched: len(rows)}
	per := st.perPage
	if per <= 0 {
		per = leaguePerPage
	}
	var page int
	p.Rows, page = pageOf(rows, q.page, per)
	p.Pager = newPager("Pages of the league table", len(rows), page, per, "/", q.raw, "#league")
	for _, r := range m.crawl.all {
		if r.Running() {
			p.Running = append(p.Running, r)
		}
	}
	for _, co := range st.councils {
		if _, ok := m.crawl.byCode[co.Code]; !ok {
			if len(p.Unscored) < unscoredMax {
				p.Unscored = append(p.Unscored, co)
			} else {
				p.UnscoredMore++
			}
			if !search.empty() && ix.matches(co, search) {
				if len(p.Unmatched) < unscoredMax {
					p.Unmatched = append(p.Unmatched, co)
				} else {
					p.UnmatchedMore++
				}
			}
		}
	}
	p.Nations, p.Types, p.Regions = choices(ix.nations, q.nation), choices(ix.types, q.typ), choices(ix.regions, q.region)
	if run, ok := m.latestRun(); ok {
		p.Latest, p.HasRun, p.ExportRun = run, true, run.ID
	}
	p.Simulated = m.crawl.movers.Simulated || m.crawl.demo.Simulated
	col := func(key, label string, numeric bool) Column {
		cl := Column{Key: key, Label: label, AriaSort: "none", Numeric: numeric}
		next := "desc"
		if key == "name" {
			next = "asc"
		}
		if key == q.sort {
			cl.AriaSort = map[string]string{"asc": "ascending", "desc": "descending"}[q.dir]
			next = map[string]string{"asc": "desc", "desc": "asc"}[q.dir]
		}
		v := url.Values{}
		for _, k := range []string{"nation", "type", "region", "q"} {
			if q.raw.Get(k) != "" {
				v.Set(k, q.raw.Get(k))
			}
		}
		v.Set("sort", key)
		v.Set("dir", next)
		cl.URL = "/?" + v.Encode() + "#league"
		return cl
	}
	p.Columns = []Column{col("name", "Council", false), col("score", "Site score", true)}
	for _, cat := range st.cat.cats {
		p.Columns = append(p.Columns, col(cat, titleCase(cat), true))
	}
	if p.Reviews {
		p.Columns = append(p.Columns, col("review", "Review score", true), col("reviews", "Reviews", true))
	}
	p.Columns = append(p.Columns, col("change", "Change", true))
	return p
}

func (s *Server) home(c *gin.Context) {
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	q, err := parseHome(c.Request.URL.Query(), s.cat.cats)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderPage(c, http.StatusOK, "home", "Council website league table", func() any { return buildHome(s.site(), m, q) })
}
