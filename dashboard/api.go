package dashboard

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/scoring"
)

// The JSON API (documented in docs/API.md). Field names are stable; new
// fields may be added, none renamed or removed within /api/v1.

type apiList[T any] struct {
	MethodVersion string `json:"method_version"`
	RunID         string `json:"run_id,omitempty"`
	Count         int    `json:"count"`
	Items         []T    `json:"items"`
}

func (s *Server) apiCouncils(c *gin.Context) {
	ctx := c.Request.Context()
	sn, err := s.snapshot(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	rows := withReviews(sn.league, s.reviewScores(ctx))
	type item struct {
		Council
		LeagueRow *LeagueRow `json:"latest,omitempty"`
	}
	items := make([]item, 0, len(s.councils))
	for _, co := range s.councils {
		it := item{Council: co}
		if i, ok := sn.byCode[co.Code]; ok { // rows keeps the league's order
			r := rows[i]
			it.LeagueRow = &r
		}
		items = append(items, it)
	}
	out := apiList[item]{MethodVersion: s.method, Count: len(items), Items: items}
	if len(sn.runs) > 0 {
		out.RunID = sn.runs[0].ID
	}
	c.JSON(http.StatusOK, out)
}

type apiTrendPoint struct {
	RunID      string     `json:"run_id"`
	StartedAt  string     `json:"started_at"`
	Score      *float64   `json:"score"`
	Position   int        `json:"position,omitempty"`
	Of         int        `json:"of,omitempty"`
	Categories []CatScore `json:"categories"`
}

func (s *Server) apiCouncil(c *gin.Context) {
	ctx := c.Request.Context()
	co, sn, ok := s.councilSnapshot(c)
	if !ok {
		return
	}
	out := gin.H{"council": co, "method_version": s.method}
	row, has := sn.row(co.Code)
	if !has {
		out["latest"] = nil
		c.JSON(http.StatusOK, out)
		return
	}
	rows := withReviews([]LeagueRow{row}, s.reviewScores(ctx))
	out["latest"] = rows[0]
	out["peer_group"] = s.peers(sn, co)
	var trend []apiTrendPoint
	for _, p := range s.trend(sn, co.Code) {
		tp := apiTrendPoint{RunID: p.Run.ID, StartedAt: p.Run.StartedAt.UTC().Format("2006-01-02T15:04:05Z"),
			Position: p.Position, Of: p.Of, Categories: p.Categories}
		if p.HasOverall {
			v := p.Overall
			tp.Score = &v
		}
		trend = append(trend, tp)
	}
	out["trend"] = trend
	det, err := s.councilDetail(ctx, row.RunID, co.Code)
	if err != nil {
		s.fail(c, err)
		return
	}
	checks := det.results
	if checks == nil {
		checks = []CheckResult{}
	}
	out["checks"] = checks
	c.JSON(http.StatusOK, out)
}

func (s *Server) apiCouncilReviews(c *gin.Context) {
	co, ok := s.byCode[c.Param("code")]
	if !ok || s.reviews == nil {
		s.fail(c, ErrNotFound)
		return
	}
	rv, err := s.reviews.CouncilReviews(c.Request.Context(), co.Code)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"council_code": co.Code, "reviews": rv})
}

func (s *Server) apiRuns(c *gin.Context) {
	sn, err := s.snapshot(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	runs := sn.all
	if runs == nil {
		runs = []Run{}
	}
	c.JSON(http.StatusOK, apiList[Run]{MethodVersion: s.method, Count: len(runs), Items: runs})
}

type apiScore struct {
	RunID         string  `json:"run_id"`
	MethodVersion string  `json:"method_version"`
	Council       string  `json:"council_code"`
	Category      string  `json:"category"`
	Score         float64 `json:"score"`
}

// apiScores returns category and overall scores of a run (default: latest).
func (s *Server) apiScores(c *gin.Context) {
	sn, err := s.snapshot(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	runID := c.Query("run")
	if runID == "" && len(sn.runs) > 0 {
		runID = sn.runs[0].ID
	}
	byC, ok := sn.scores[runID]
	if !ok && runID != "" {
		s.fail(c, ErrNotFound)
		return
	}
	council := c.Query("council")
	items := []apiScore{}
	for _, co := range s.councils {
		if council != "" && co.Code != council {
			continue
		}
		cs, ok := byC[co.Code]
		if !ok {
			continue
		}
		for _, cat := range append([]string{scoring.CategoryOverall}, s.cats...) {
			if v, ok := cs[cat]; ok {
				items = append(items, apiScore{RunID: runID, MethodVersion: sn.mv[runID][co.Code], Council: co.Code, Category: cat, Score: v})
			}
		}
	}
	c.JSON(http.StatusOK, apiList[apiScore]{MethodVersion: s.method, RunID: runID, Count: len(items), Items: items})
}

type apiCheck struct {
	ID          string `json:"id"`
	Category    string `json:"category"`
	Level       string `json:"level"`
	Description string `json:"description"`
	RuleRef     string `json:"rule_ref"`
	RuleURL     string `json:"rule_url"`
}

func (s *Server) apiChecks(c *gin.Context) {
	items := make([]apiCheck, len(s.checks))
	for i, ch := range s.checks {
		items[i] = apiCheck{ID: ch.ID, Category: ch.Category, Level: ch.Level, Description: ch.Description, RuleRef: ch.RuleRef, RuleURL: ch.RuleURL}
	}
	c.JSON(http.StatusOK, apiList[apiCheck]{MethodVersion: s.method, Count: len(items), Items: items})
}

func intParam(c *gin.Context, name string, def, lo, hi int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, ErrBadRequest
	}
	return n, nil
}

// apiFindings pages through a run's findings (default: latest run).
func (s *Server) apiFindings(c *gin.Context) {
	ctx := c.Request.Context()
	limit, err := intParam(c, "limit", 100, 1, 1000)
	if err != nil {
		s.fail(c, err)
		return
	}
	offset, err := intParam(c, "offset", 0, 0, 10_000_000)
	if err != nil {
		s.fail(c, err)
		return
	}
	runID := c.Query("run")
	if runID == "" {
		run, ok, err := s.latestRun(ctx)
		if err != nil {
			s.fail(c, err)
			return
		}
		if !ok {
			c.JSON(http.StatusOK, gin.H{"method_version": s.method, "count": 0, "items": []Finding{}, "limit": limit, "offset": offset})
			return
		}
		runID = run.ID
	}
	f := FindingFilter{RunID: runID, Council: c.Query("council"), CheckID: c.Query("check"), Limit: limit, Offset: offset}
	items, err := s.src.FindingsPage(ctx, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := gin.H{"method_version": s.method, "run_id": runID, "count": len(items), "items": items, "limit": limit, "offset": offset}
	if len(items) == limit {
		out["next_offset"] = offset + limit
	}
	c.JSON(http.StatusOK, out)
}

type apiTask struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Words            []string `json:"words"`
	FindabilityIndex *float64 `json:"findability_index"`
	CouncilsChecked  int      `json:"councils_checked"`
	ReviewIndex      *float64 `json:"review_index"`
	Reviews          int      `json:"reviews"`
}

func (s *Server) apiTasks(c *gin.Context) {
	run, ok, pts, err := s.taskPoints(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	items := make([]apiTask, len(pts))
	for i, p := range pts {
		it := apiTask{ID: p.Task.ID, Name: p.Task.Name, Words: p.Task.Words, CouncilsChecked: p.Councils, Reviews: p.ReviewN}
		if p.HasFind {
			v := p.Findability
			it.FindabilityIndex = &v
		}
		if p.HasReview {
			v := p.Review
			it.ReviewIndex = &v
		}
		items[i] = it
	}
	out := apiList[apiTask]{MethodVersion: s.method, Count: len(items), Items: items}
	if ok {
		out.RunID = run.ID
	}
	c.JSON(http.StatusOK, out)
}
