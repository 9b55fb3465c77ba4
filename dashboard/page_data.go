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
	// Open data: the licence, how to cite, the formats of the per-run
	// links, and a council's badge as an example.
	Licence, LicenceURL string
	Citation            string
	Formats             []string
	Badge               dataBadge
}

// dataBadge is the badge shown as an example, with its HTML.
type dataBadge struct {
	Code, Name, HTML string
	Has              bool
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
	p := dataPage{Runs: m.crawl.all, ReviewsOn: st.reviewsOn, Dictionary: dictionary(st.reviewsOn),
		Licence: LicenceName, LicenceURL: LicenceURL, Formats: ExportFormats}
	p.Latest, p.HasRun = m.latestRun()
	p.Citation = citation(st.method, p.Latest, p.HasRun)
	if len(m.league) > 0 {
		co := m.league[0].Council
		p.Badge = dataBadge{Code: co.Code, Name: co.Name, HTML: badgeHTML(st.baseURL, co.Code, co.Name), Has: true}
	}
	return p
}

func (s *Server) dataPage(c *gin.Context) {
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	s.renderPage(c, http.StatusOK, "data", "Download the data", func() any { return buildData(s.site(), m) })
}
