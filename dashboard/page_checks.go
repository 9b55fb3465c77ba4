package dashboard

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/data"
)

// The checks page: every check of the catalogue by category, with how many
// councils it applied to and passed in the latest run.

type checksPage struct {
	Run    data.Run
	HasRun bool
	Groups []checkGroup
	// Advisory are the checks with no weight in any score (id -> why).
	Advisory map[string]string
}

type checkGroup struct {
	Category string
	Checks   []checkSummary
}

// buildChecks makes the checks page's view model.
func buildChecks(st site, m *model) checksPage {
	p := checksPage{Advisory: st.cat.method.Advisory}
	p.Run, p.HasRun = m.latestRun()
	for _, cat := range st.cat.cats {
		g := checkGroup{Category: cat}
		for _, ch := range st.cat.checks {
			if ch.Category != cat {
				continue
			}
			cs := checkSummary{Check: ch}
			if cm, ok := m.crawl.checks[ch.ID]; ok {
				cs = cm.summary
			}
			g.Checks = append(g.Checks, cs)
		}
		p.Groups = append(p.Groups, g)
	}
	return p
}

func (s *Server) checksPage(c *gin.Context) {
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	s.renderPage(c, http.StatusOK, "checks", "Checks", func() any { return buildChecks(s.site(), m) })
}
