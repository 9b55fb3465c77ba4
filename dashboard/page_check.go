package dashboard

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// A check's page: the rule, how councils did in the latest run and the
// councils with most problems.

type checkPage struct {
	Check     scoring.Check
	Run       data.Run
	HasRun    bool
	Summary   checkSummary
	Offenders []offender
	Failing   int
	Advisory  string // why the check has no weight in any score, when it is advisory
}

// buildCheck makes a check page's view model.
func buildCheck(m *model, ch scoring.Check) checkPage {
	p := checkPage{Check: ch, Summary: checkSummary{Check: ch}}
	p.Run, p.HasRun = m.latestRun()
	if cm, ok := m.crawl.checks[ch.ID]; ok && p.HasRun {
		p.Summary, p.Offenders, p.Failing = cm.summary, cm.offenders, cm.failing
	}
	return p
}

func (s *Server) check(c *gin.Context) {
	ch, ok := s.cat.checkBy[c.Param("id")]
	if !ok {
		s.fail(c, ErrNotFound)
		return
	}
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	s.renderPage(c, http.StatusOK, "check", ch.ID, func() any {
		p := buildCheck(m, ch)
		p.Advisory = s.cat.method.Advisory[ch.ID]
		return p
	})
}
