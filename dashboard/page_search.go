package dashboard

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// Finding any council: the register's councils for the search fields'
// type-ahead (GOV.UK's accessible-autocomplete, /static/search.js), scored
// or not, at /councils.json (in the OpenAPI document: opCouncilNames). The
// same tolerant matching (matchCouncil) serves the league table's search
// without JavaScript.

// apiCouncilName is one council as the type-ahead offers it.
type apiCouncilName struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Place  string `json:"place"` // region or nation, and parent county: what else it is found by
	Scored bool   `json:"scored"`
	Demo   bool   `json:"demo"`
}

// apiCouncilNames is /councils.json's answer: every council of the
// register, in the register's order.
type apiCouncilNames struct {
	Items []apiCouncilName `json:"items"`
}

func (s *Server) councilNames(c *gin.Context) {
	if _, ok := s.queryFor(c, opCouncilNames); !ok {
		return
	}
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	out := apiCouncilNames{Items: make([]apiCouncilName, 0, len(s.councils))}
	for _, co := range s.councils {
		place := co.Region
		if place == "" {
			place = co.Nation
		}
		if co.ParentCounty != "" {
			place += ", " + co.ParentCounty
		}
		row, scored := m.row(co.Code)
		out.Items = append(out.Items, apiCouncilName{Code: co.Code, Name: co.Name, Place: place, Scored: scored, Demo: scored && row.Crawled.Demo})
	}
	c.Header("Cache-Control", "public, max-age=300")
	c.JSON(http.StatusOK, out)
}
