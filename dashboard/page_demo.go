package dashboard

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/data"
)

// The page about the demo data: what a demo run is made of and what is
// simulated, and whether any is shown now.

type demoPageData struct {
	Banner   DemoBanner
	DemoRuns []data.Run // demo runs among the runs the pages show, newest first
}

func buildDemo(m *model) demoPageData {
	p := demoPageData{Banner: m.banner}
	for _, r := range m.crawl.runs {
		if r.Demo {
			p.DemoRuns = append(p.DemoRuns, r)
		}
	}
	return p
}

func (s *Server) demoPage(c *gin.Context) {
	if _, err := checkQuery(c.Request.URL.RawQuery, nil); err != nil { // it takes no parameter
		s.fail(c, err)
		return
	}
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	s.renderPage(c, http.StatusOK, "demo", "About the demo data", func() any { return buildDemo(m) })
}
