package dashboard

import (
	"html/template"
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
	// Guide is the rule quoted and how to fix it; Peers the councils of
	// each type that do best on the check, with a page of theirs to learn
	// from.
	Guide    template.HTML
	Peers    []peerGroup
	Advisory string // why the check has no weight in any score, when it is advisory
}

// buildCheck makes a check page's view model; ex holds the peers' example
// pages (council code -> page).
func buildCheck(st site, m *model, ch scoring.Check, ex map[string]string) checkPage {
	p := checkPage{Check: ch, Summary: checkSummary{Check: ch}, Guide: st.cat.checkHTML[ch.ID].Guide3}
	p.Run, p.HasRun = m.latestRun()
	if cm, ok := m.crawl.checks[ch.ID]; ok && p.HasRun {
		p.Summary, p.Offenders, p.Failing = cm.summary, cm.offenders, cm.failing
	}
	for _, g := range peersOfType(m.crawl, ch.ID) {
		for _, pb := range g.Peers {
			g.Views = append(g.Views, peerView{Council: pb.Council, Score: pb.Result.Score, Example: ex[pb.Council.Code],
				ExampleHome: ch.Level == scoring.LevelSite})
		}
		p.Peers = append(p.Peers, g)
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
	var all []peerBest
	for _, g := range peersOfType(m.crawl, ch.ID) {
		all = append(all, g.Peers...)
	}
	ex, err := s.peerExamples(c.Request.Context(), m, ch.ID, all)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderPage(c, http.StatusOK, "check", s.cat.method.CheckLabel(ch), func() any {
		p := buildCheck(s.site(), m, ch, ex)
		p.Advisory = s.cat.method.Advisory[ch.ID]
		return p
	})
}
