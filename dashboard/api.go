package dashboard

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/reviews"
	"github.com/councildash/councildash/scoring"
)

// The JSON API (documented in docs/API.md). Field names are stable; new
// fields may be added, none renamed or removed within /api/v1. The types
// named api* are the wire format: the API's own shape of the model's rows.

type apiList[T any] struct {
	MethodVersion string `json:"method_version"`
	RunID         string `json:"run_id,omitempty"`
	Count         int    `json:"count"`
	Items         []T    `json:"items"`
}

// apiCouncil is a council of the register as the API shows it.
type apiCouncil struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Type        string `json:"type"`
	Tier        string `json:"tier"`
	Nation      string `json:"nation"`
	Region      string `json:"region"`
	HomepageURL string `json:"homepage_url"`
}

func toAPICouncil(c data.Council) apiCouncil {
	return apiCouncil{Code: c.Code, Name: c.Name, Type: c.Type, Tier: c.Tier, Nation: c.Nation, Region: c.Region, HomepageURL: c.HomepageURL}
}

// apiReviewScore is a council's review score (0 to 100) and how many
// reviews it rests on; Ranked is false below the minimum number of reviews.
type apiReviewScore struct {
	Score  float64 `json:"score"`
	N      int     `json:"n"`
	Ranked bool    `json:"ranked"`
	Demo   int     `json:"demo_reviews"` // the bundled demo reviews among N
}

func toAPIReviewScore(s reviews.CouncilScore) apiReviewScore {
	return apiReviewScore{Score: s.Score, N: s.N, Ranked: s.Ranked, Demo: s.DemoN}
}

// apiLeagueRow is a council's line of the league table.
type apiLeagueRow struct {
	Rank          int            `json:"rank"`
	Council       apiCouncil     `json:"council"`
	RunID         string         `json:"run_id"`
	MethodVersion string         `json:"method_version"`
	Crawled       data.Run       `json:"run"`
	Score         float64        `json:"score"`
	HasScore      bool           `json:"has_score"`
	Categories    []CatScore     `json:"categories"`
	Change        float64        `json:"change"`
	HasChange     bool           `json:"has_change"`
	PrevRunID     string         `json:"previous_run_id,omitempty"`
	Review        apiReviewScore `json:"review"`
	HasReview     bool           `json:"has_review"`
	// How sure the score and rank are (omitted when no interval is stored).
	Interval *ScoreRange `json:"interval,omitempty"`
	RankBand *RankBand   `json:"rank_band,omitempty"`
}

func toAPILeagueRow(r LeagueRow) apiLeagueRow {
	return apiLeagueRow{Rank: r.Rank, Council: toAPICouncil(r.Council), RunID: r.RunID, MethodVersion: r.MethodVersion,
		Crawled: r.Crawled, Score: r.Score, HasScore: r.HasScore, Categories: r.Categories, Change: r.Change,
		HasChange: r.HasChange, PrevRunID: r.PrevRunID, Review: toAPIReviewScore(r.Review), HasReview: r.HasReview,
		Interval: r.Interval, RankBand: r.Band}
}

func (s *Server) apiCouncils(c *gin.Context) {
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	type item struct {
		apiCouncil
		LeagueRow *apiLeagueRow `json:"latest,omitempty"`
	}
	items := make([]item, 0, len(s.councils))
	for _, co := range s.councils {
		it := item{apiCouncil: toAPICouncil(co)}
		if r, ok := m.row(co.Code); ok {
			lr := toAPILeagueRow(r)
			it.LeagueRow = &lr
		}
		items = append(items, it)
	}
	out := apiList[item]{MethodVersion: s.method, Count: len(items), Items: items}
	if run, ok := m.latestRun(); ok {
		out.RunID = run.ID
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
	// MethodVersion is the scoring method of the run's scores.
	MethodVersion string `json:"method_version"`
}

func (s *Server) apiCouncil(c *gin.Context) {
	co, ok := s.byCode[c.Param("code")]
	if !ok {
		s.fail(c, ErrNotFound)
		return
	}
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	out := gin.H{"council": toAPICouncil(co), "method_version": s.method}
	row, has := m.row(co.Code)
	cm := m.crawl.councils[co.Code]
	if !has || cm == nil {
		out["latest"] = nil
		c.JSON(http.StatusOK, out)
		return
	}
	out["latest"] = toAPILeagueRow(row)
	out["peer_group"] = m.peers(s.cat.cats, co)
	var trend []apiTrendPoint
	for _, p := range cm.trend {
		tp := apiTrendPoint{RunID: p.Run.ID, StartedAt: p.Run.StartedAt.UTC().Format("2006-01-02T15:04:05Z"),
			Position: p.Position, Of: p.Of, Categories: p.Categories, MethodVersion: p.MethodVersion}
		if p.HasOverall {
			v := p.Overall
			tp.Score = &v
		}
		trend = append(trend, tp)
	}
	out["trend"] = trend
	out["checks"] = apiCheckResults(s.cat.method, row.MethodVersion, cm.results)
	out["not_scored_pages"] = toAPIUnscored(cm.unscored)
	c.JSON(http.StatusOK, out)
}

// apiTaskReview aggregates the reviews of one task on one council's site.
type apiTaskReview struct {
	Council   string  `json:"council_code"`
	Task      string  `json:"task"`
	Index     float64 `json:"review_index"` // 0 to 100
	N         int     `json:"n"`
	PublicN   int     `json:"public_n"`
	PeerN     int     `json:"peer_n"`
	FoundRate float64 `json:"found_rate"` // share of reviewers who completed the task, 0 to 1
}

// apiComment is an approved review comment.
type apiComment struct {
	Task      string    `json:"task"`
	Kind      string    `json:"kind"` // public or peer
	Text      string    `json:"text"`
	Demo      bool      `json:"demo"`
	CreatedAt time.Time `json:"created_at"`
}

// apiResponse is a council's right of reply.
type apiResponse struct {
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

// apiCouncilReviews is everything public about one council's reviews.
type apiCouncilReviews struct {
	Score     apiReviewScore  `json:"score"`
	Tasks     []apiTaskReview `json:"tasks"`
	Comments  []apiComment    `json:"comments"`
	Responses []apiResponse   `json:"responses"`
}

func toAPICouncilReviews(s reviews.CouncilSummary) apiCouncilReviews {
	out := apiCouncilReviews{Score: toAPIReviewScore(s.Score), Tasks: []apiTaskReview{}, Comments: []apiComment{}, Responses: []apiResponse{}}
	for _, t := range s.Tasks {
		out.Tasks = append(out.Tasks, apiTaskReview{Council: t.Council, Task: t.Task, Index: t.Score, N: t.N,
			PublicN: t.PublicN, PeerN: t.PeerN, FoundRate: t.FoundRate})
	}
	for _, cm := range s.Comments {
		kind := "public"
		if cm.Kind == reviews.KindPeer {
			kind = "peer"
		}
		out.Comments = append(out.Comments, apiComment{Task: cm.Task, Kind: kind, Text: cm.Comment, Demo: cm.Demo, CreatedAt: cm.CreatedAt})
	}
	for _, r := range s.Responses {
		out.Responses = append(out.Responses, apiResponse{Text: r.Text, CreatedAt: r.CreatedAt})
	}
	return out
}

func (s *Server) apiCouncilReviews(c *gin.Context) {
	co, ok := s.byCode[c.Param("code")]
	if !ok || s.reviews == nil {
		s.fail(c, ErrNotFound)
		return
	}
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	rv, ok := m.councilReviews(co.Code)
	if !ok {
		s.fail(c, reviews.ErrUnavailable)
		return
	}
	c.JSON(http.StatusOK, gin.H{"council_code": co.Code, "reviews": toAPICouncilReviews(rv)})
}

func (s *Server) apiRuns(c *gin.Context) {
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	runs := m.crawl.all
	if runs == nil {
		runs = []data.Run{}
	}
	c.JSON(http.StatusOK, apiList[data.Run]{MethodVersion: s.method, Count: len(runs), Items: runs})
}

type apiScore struct {
	RunID         string      `json:"run_id"`
	MethodVersion string      `json:"method_version"`
	Council       string      `json:"council_code"`
	Category      string      `json:"category"`
	Score         float64     `json:"score"`
	Interval      *ScoreRange `json:"interval,omitempty"`
}

// apiScores returns category and overall scores of a run (default: latest).
func (s *Server) apiScores(c *gin.Context) {
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	runID := c.Query("run")
	if run, ok := m.latestRun(); runID == "" && ok {
		runID = run.ID
	}
	byC, ok := m.crawl.scores[runID]
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
		for _, cat := range append([]string{scoring.CategoryOverall}, s.cat.cats...) {
			if v, ok := cs[cat]; ok {
				mv := m.crawl.mv[runID][co.Code]
				items = append(items, apiScore{RunID: runID, MethodVersion: mv, Council: co.Code, Category: cat, Score: v,
					Interval: m.crawl.intervals.get(runID, co.Code, mv, cat)})
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
	// Advisory checks carry no weight in any score; AdvisoryWhy says why.
	Advisory    bool   `json:"advisory"`
	AdvisoryWhy string `json:"advisory_reason,omitempty"`
}

func (s *Server) apiChecks(c *gin.Context) {
	items := make([]apiCheck, len(s.cat.checks))
	for i, ch := range s.cat.checks {
		why, adv := s.cat.method.Advisory[ch.ID]
		items[i] = apiCheck{ID: ch.ID, Category: ch.Category, Level: ch.Level, Description: ch.Description, RuleRef: ch.RuleRef, RuleURL: ch.RuleURL,
			Advisory: adv, AdvisoryWhy: why}
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

// apiFindings pages through a run's findings (default: latest run): a
// bounded query per page, not the read model.
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
		m, ok := s.modelFor(c)
		if !ok {
			return
		}
		run, ok := m.latestRun()
		if !ok {
			c.JSON(http.StatusOK, gin.H{"method_version": s.method, "count": 0, "items": []data.Finding{}, "limit": limit, "offset": offset})
			return
		}
		runID = run.ID
	}
	f := data.FindingFilter{RunID: runID, Council: c.Query("council"), CheckID: c.Query("check"), Limit: limit, Offset: offset}
	items, err := s.store.FindingsPage(ctx, f)
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
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	pts := m.taskPoints()
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
	if run, ok := m.latestRun(); ok {
		out.RunID = run.ID
	}
	c.JSON(http.StatusOK, out)
}
