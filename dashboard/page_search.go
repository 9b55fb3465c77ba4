package dashboard

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/data"
)

// Finding any council: the register's councils for the search fields'
// type-ahead (GOV.UK's accessible-autocomplete, /static/search.js), scored
// or not, at /councils.json (in the OpenAPI document: opCouncilNames). The
// same tolerant matching (matchCouncil) serves the league table's search
// without JavaScript, and /councils.json?q= with it: the type-ahead asks
// for the first few councils its words find, so what it downloads stays
// small whatever the register's size (10,382 councils with England's
// parishes, docs/SCALING.md). Without q it lists the register a page at a
// time, as the API's lists do.

// apiCouncilName is one council as the type-ahead offers it.
type apiCouncilName struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Place  string `json:"place"` // region or nation, and parent county: what else it is found by
	Scored bool   `json:"scored"`
	Demo   bool   `json:"demo"`
}

// apiCouncilNames is /councils.json's answer: one page of the councils of
// the register a search finds (every council without one), in the
// register's order.
type apiCouncilNames struct {
	apiPage
	Items []apiCouncilName `json:"items"`
}

// pSearch is /councils.json's search.
var pSearch = param{name: "q", in: "query", typ: "string", maxLen: 100, example: "leeds",
	doc: "Only the councils this search finds, as the league table's search does: every word of it (words such as council, city or borough aside) starts a word of the council's name, code, region, nation, parent county, type or website address, or it is the council's code"}

func (s *Server) councilNames(c *gin.Context) {
	v, ok := s.queryFor(c, opCouncilNames)
	if !ok {
		return
	}
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	ix := s.site().regIndex()
	q := newCouncilSearch(v.str("q"))
	var found []data.Council
	if q.empty() {
		found = s.councils
	} else {
		for _, co := range s.councils {
			if ix.matches(co, q) {
				found = append(found, co)
			}
		}
	}
	page, out := apiCouncilNames{}, []apiCouncilName(nil)
	var cut []data.Council
	cut, page.apiPage = paged(c, v, found)
	out = make([]apiCouncilName, 0, len(cut))
	for _, co := range cut {
		place := co.Region
		if place == "" {
			place = co.Nation
		}
		if co.ParentCounty != "" {
			place += ", " + co.ParentCounty
		}
		row, scored := m.row(co.Code)
		out = append(out, apiCouncilName{Code: co.Code, Name: co.Name, Place: place, Scored: scored, Demo: scored && row.Crawled.Demo})
	}
	page.Items, page.MethodVersion = out, s.method
	c.Header("Cache-Control", "public, max-age=300")
	c.JSON(http.StatusOK, page)
}
