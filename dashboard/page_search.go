package dashboard

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// Finding any council: the register's councils for the search fields'
// type-ahead (GOV.UK's accessible-autocomplete, /static/search.js), scored
// or not. The same tolerant matching (matchCouncil) serves the league
// table's search without JavaScript.

// councilName is one council as the type-ahead offers it.
type councilName struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Place  string `json:"place"` // region or nation, and parent county: what else it is found by
	Scored bool   `json:"scored"`
}

func (s *Server) councilNames(c *gin.Context) {
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	out := make([]councilName, 0, len(s.councils))
	for _, co := range s.councils {
		place := co.Region
		if place == "" {
			place = co.Nation
		}
		if co.ParentCounty != "" {
			place += ", " + co.ParentCounty
		}
		_, scored := m.row(co.Code)
		out = append(out, councilName{Code: co.Code, Name: co.Name, Place: place, Scored: scored})
	}
	c.Header("Cache-Control", "public, max-age=300")
	c.JSON(http.StatusOK, out)
}
