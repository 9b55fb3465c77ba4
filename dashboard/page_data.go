package dashboard

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/data"
)

// The data page: the exports, every run, and the dictionary of the
// exports' columns.

type dataPage struct {
	Runs       []data.Run
	Latest     data.Run
	HasRun     bool
	ReviewsOn  bool
	Dictionary []columnGroup
}

// columnGroup documents the columns of one export.
type columnGroup struct {
	Export  string
	Columns []columnDoc
}

type columnDoc struct {
	Name, Meaning string
}

// buildData makes the data page's view model.
func buildData(st site, m *model) dataPage {
	p := dataPage{Runs: m.crawl.all, ReviewsOn: st.reviewsOn, Dictionary: dictionary(st.reviewsOn)}
	p.Latest, p.HasRun = m.latestRun()
	return p
}

func (s *Server) dataPage(c *gin.Context) {
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	s.renderPage(c, http.StatusOK, "data", "Download the data", func() any { return buildData(s.site(), m) })
}
