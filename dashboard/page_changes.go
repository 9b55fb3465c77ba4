package dashboard

import (
	"math"
	"net/http"
	"sort"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// What changed: the league-wide biggest movers between the two latest runs
// scored under the same method, and the checks that moved most. (Each
// council's own changes are on its page.)

// moversShown is how many risers and fallers the page lists.
const moversShown = 10

type moverRow struct {
	Council       data.Council
	Before, After float64
	Change        float64
}

type checkMove struct {
	Check               scoring.Check
	Better, Worse, Same int     // councils whose score on the check rose, fell, stayed
	Mean                float64 // mean change of the councils scored on it in both runs
}

// moversModel compares the two latest runs scored under the same method.
type moversModel struct {
	From, To  data.Run
	Has       bool
	Compared  int // councils scored in both
	Risers    []moverRow
	Fallers   []moverRow
	Checks    []checkMove // most councils changed first
	Simulated bool        // the runs are demo runs: the change is simulated
}

// newMovers compares the newest run with scores and the newest earlier one
// under the same method (run method versions), council by council.
func newMovers(cat catalogue, cm *crawlModel, byRun map[string]map[string][]data.CheckResult) moversModel {
	var mm moversModel
	if len(cm.runs) < 2 {
		return mm
	}
	mm.To = cm.runs[0]
	for _, r := range cm.runs[1:] {
		if r.MethodVersion == mm.To.MethodVersion {
			mm.From, mm.Has = r, true
			break
		}
	}
	if !mm.Has {
		return mm
	}
	mm.Simulated = mm.To.IsSimulated() || mm.From.IsSimulated() || (mm.To.Demo && mm.From.Demo)
	var rows []moverRow
	moves := map[string]*checkMove{}
	for _, row := range cm.league {
		code := row.Council.Code
		after, okA := cm.scores[mm.To.ID][code][scoring.CategoryOverall]
		before, okB := cm.scores[mm.From.ID][code][scoring.CategoryOverall]
		if !okA || !okB || cm.mv[mm.To.ID][code] != cm.mv[mm.From.ID][code] {
			continue
		}
		mm.Compared++
		rows = append(rows, moverRow{Council: row.Council, Before: before, After: after, Change: round1(after - before)})
		prev := map[string]data.CheckResult{}
		for _, r := range byRun[mm.From.ID][code] {
			prev[r.CheckID] = r
		}
		for _, r := range byRun[mm.To.ID][code] {
			p, ok := prev[r.CheckID]
			if !ok || !r.HasScore || !p.HasScore || r.PagesTotal <= 0 || p.PagesTotal <= 0 {
				continue
			}
			mv := moves[r.CheckID]
			if mv == nil {
				mv = &checkMove{Check: cat.checkBy[r.CheckID]}
				if mv.Check.ID == "" {
					mv.Check = scoring.Check{ID: r.CheckID, Category: r.Category}
				}
				moves[r.CheckID] = mv
			}
			d := r.Score - p.Score
			switch {
			case d >= 0.05:
				mv.Better++
			case d <= -0.05:
				mv.Worse++
			default:
				mv.Same++
			}
			mv.Mean += d
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Change > rows[j].Change })
	for _, r := range rows {
		if r.Change > 0 && len(mm.Risers) < moversShown {
			mm.Risers = append(mm.Risers, r)
		}
	}
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].Change < 0 && len(mm.Fallers) < moversShown {
			mm.Fallers = append(mm.Fallers, rows[i])
		}
	}
	for _, mv := range moves {
		if n := mv.Better + mv.Worse + mv.Same; n > 0 {
			mv.Mean = round1(mv.Mean / float64(n))
		}
		if mv.Better+mv.Worse > 0 {
			mm.Checks = append(mm.Checks, *mv)
		}
	}
	sort.SliceStable(mm.Checks, func(i, j int) bool {
		a, b := mm.Checks[i], mm.Checks[j]
		if a.Better+a.Worse != b.Better+b.Worse {
			return a.Better+a.Worse > b.Better+b.Worse
		}
		if math.Abs(a.Mean) != math.Abs(b.Mean) {
			return math.Abs(a.Mean) > math.Abs(b.Mean)
		}
		return a.Check.ID < b.Check.ID
	})
	return mm
}

type changesPage struct {
	Movers moversModel
}

func buildChanges(m *model) changesPage { return changesPage{Movers: m.crawl.movers} }

func (s *Server) changesPage(c *gin.Context) {
	if _, err := checkQuery(c.Request.URL.RawQuery, nil); err != nil { // it takes no parameter
		s.fail(c, err)
		return
	}
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	s.renderPage(c, http.StatusOK, "changes", "What changed", func() any { return buildChanges(m) })
}
