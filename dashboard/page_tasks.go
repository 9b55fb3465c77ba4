package dashboard

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/data"
)

// The top tasks page: each task's findability (from the crawl) against its
// review index (from reviews).

type tasksPage struct {
	withCharts
	Run       data.Run
	HasRun    bool
	Points    []TaskPoint
	Scatter   Chart
	ReviewsOn bool
	Plotted   int
}

// buildTasks makes the tasks page's view model.
func buildTasks(st site, m *model) tasksPage {
	p := tasksPage{Points: m.taskPoints(), ReviewsOn: st.reviewsOn}
	p.Run, p.HasRun = m.latestRun()
	for _, pt := range p.Points {
		if pt.HasFind && pt.HasReview {
			p.Plotted++
		}
	}
	p.Scatter = scatterChart("chart-tasks", p.Points)
	return p
}

func (s *Server) tasksPage(c *gin.Context) {
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	s.renderPage(c, http.StatusOK, "tasks", "Top tasks", func() any { return buildTasks(s.site(), m) })
}
