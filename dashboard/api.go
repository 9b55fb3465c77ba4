package dashboard

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/reviews"
	"github.com/councildash/councildash/scoring"
)

// The JSON API (documented by the OpenAPI document of openapi.go, which
// docs/API.md is generated from). Field names are stable; new fields may be
// added, none renamed or removed within /api/v1. The types named api* are
// the wire format: the API's own shape of the model's rows, in snake_case.
// Every object holding crawl or review data says whether it is demo data.

// apiPage is what every list answer has besides its items.
type apiPage struct {
	MethodVersion string  `json:"method_version"`
	RunID         string  `json:"run_id,omitempty"`
	Total         int     `json:"total"`
	Count         int     `json:"count"`
	Limit         int     `json:"limit"`
	Offset        int     `json:"offset"`
	Next          *string `json:"next" jsonschema:"nullable"`
	NextOffset    int     `json:"next_offset,omitempty"`
}

// paged cuts one page out of items and says where the next one is.
func paged[T any](c *gin.Context, v values, items []T) ([]T, apiPage) {
	limit, offset := v.int("limit"), v.int("offset")
	p := apiPage{Total: len(items), Limit: limit, Offset: offset}
	lo, hi := min(offset, len(items)), min(offset+limit, len(items))
	out := items[lo:hi]
	if out == nil {
		out = []T{}
	}
	p.Count = len(out)
	p.setNext(c, v)
	return out, p
}

// setNext fills Next and NextOffset when items lie beyond this page.
func (p *apiPage) setNext(c *gin.Context, v values) {
	if p.Offset+p.Count >= p.Total || p.Count == 0 {
		return
	}
	q := url.Values{}
	for k, val := range v {
		q.Set(k, val)
	}
	p.NextOffset = p.Offset + p.Count
	q.Set("offset", strconv.Itoa(p.NextOffset))
	next := c.Request.URL.Path + "?" + q.Encode()
	p.Next = &next
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
	DemoN  int     `json:"demo_reviews"` // the bundled demo reviews among N
	Demo   bool    `json:"demo"`
}

func toAPIReviewScore(s reviews.CouncilScore) apiReviewScore {
	return apiReviewScore{Score: s.Score, N: s.N, Ranked: s.Ranked, DemoN: s.DemoN, Demo: s.DemoN > 0}
}

// apiLeagueRow is a council's line of the league table.
// apiRun is a crawl run as the API shows it: Demo (from data.Run) when
// the offline demo made it, Simulated when it is a demo run kept only to
// show how a trend looks (its differences from the run before are made up).
type apiRun struct {
	data.Run
	Simulated bool `json:"simulated"`
}

func toAPIRun(r data.Run) apiRun { return apiRun{Run: r, Simulated: r.IsSimulated()} }

type apiLeagueRow struct {
	Rank          int            `json:"rank"`
	Council       apiCouncil     `json:"council"`
	RunID         string         `json:"run_id"`
	MethodVersion string         `json:"method_version"`
	Crawled       apiRun         `json:"run"`
	Score         float64        `json:"score"`
	HasScore      bool           `json:"has_score"`
	Categories    []CatScore     `json:"categories"`
	Change        float64        `json:"change"`
	HasChange     bool           `json:"has_change"`
	PrevRunID     string         `json:"previous_run_id,omitempty"`
	Review        apiReviewScore `json:"review"`
	HasReview     bool           `json:"has_review"`
	Demo          bool           `json:"demo"`
	// How sure the score and rank are (omitted when no interval is stored).
	Interval *ScoreRange `json:"interval,omitempty"`
	RankBand *RankBand   `json:"rank_band,omitempty"`
}

func toAPILeagueRow(r LeagueRow) apiLeagueRow {
	cats := r.Categories
	if cats == nil {
		cats = []CatScore{}
	}
	return apiLeagueRow{Rank: r.Rank, Council: toAPICouncil(r.Council), RunID: r.RunID, MethodVersion: r.MethodVersion,
		Crawled: toAPIRun(r.Crawled), Score: r.Score, HasScore: r.HasScore, Categories: cats, Change: r.Change,
		HasChange: r.HasChange, PrevRunID: r.PrevRunID, Review: toAPIReviewScore(r.Review), HasReview: r.HasReview,
		Interval: r.Interval, RankBand: r.Band, Demo: r.Crawled.Demo || (r.HasReview && r.Review.DemoN > 0)}
}

// apiCouncilItem is a council of the list, with its latest league row.
type apiCouncilItem struct {
	apiCouncil
	Latest *apiLeagueRow `json:"latest" jsonschema:"nullable"`
	Demo   bool          `json:"demo"`
}

type apiCouncilList struct {
	apiPage
	Items []apiCouncilItem `json:"items"`
}

func (s *Server) apiCouncils(c *gin.Context) {
	v, ok := s.queryFor(c, opCouncils)
	if !ok {
		return
	}
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	items := make([]apiCouncilItem, 0, len(s.councils))
	for _, co := range s.councils {
		it := apiCouncilItem{apiCouncil: toAPICouncil(co)}
		if r, ok := m.row(co.Code); ok {
			lr := toAPILeagueRow(r)
			it.Latest, it.Demo = &lr, lr.Demo
		}
		items = append(items, it)
	}
	out := apiCouncilList{}
	out.Items, out.apiPage = paged(c, v, items)
	out.MethodVersion = s.method
	if run, ok := m.latestRun(); ok {
		out.RunID = run.ID
	}
	c.JSON(http.StatusOK, out)
}

type apiTrendPoint struct {
	RunID      string     `json:"run_id"`
	StartedAt  string     `json:"started_at"`
	Score      *float64   `json:"score" jsonschema:"nullable"`
	Position   int        `json:"position,omitempty"`
	Of         int        `json:"of,omitempty"`
	Categories []CatScore `json:"categories"`
	Demo       bool       `json:"demo"`
	Simulated  bool       `json:"simulated"`
	// MethodVersion is the scoring method of the run's scores.
	MethodVersion string `json:"method_version"`
}

// apiPeerGroup is a council's peers (same type and nation) and their
// quartiles.
type apiPeerGroup struct {
	PeerGroup
	Demo bool `json:"demo"`
}

// apiBadge is a council's badge and the HTML that embeds it.
type apiBadge struct {
	SVGURL string `json:"svg_url"`
	HTML   string `json:"html"`
}

// apiCouncilDetail is everything the API says of one council.
type apiCouncilDetail struct {
	Council       apiCouncil       `json:"council"`
	MethodVersion string           `json:"method_version"`
	Latest        *apiLeagueRow    `json:"latest" jsonschema:"nullable"`
	PeerGroup     *apiPeerGroup    `json:"peer_group" jsonschema:"nullable"`
	Trend         []apiTrendPoint  `json:"trend"`
	Checks        []apiCheckResult `json:"checks"`
	Badge         apiBadge         `json:"badge"`
	NotScored     apiUnscored      `json:"not_scored_pages"`
	FeedURL       string           `json:"feed_url"`
	Demo          bool             `json:"demo"`
}

func (s *Server) apiCouncil(c *gin.Context) {
	if _, ok := s.queryFor(c, opCouncil); !ok {
		return
	}
	co, m, ok := s.councilAndModel(c, c.Param("code"))
	if !ok {
		return
	}
	out := apiCouncilDetail{Council: toAPICouncil(co), MethodVersion: s.method, Trend: []apiTrendPoint{}, Checks: []apiCheckResult{},
		NotScored: toAPIUnscored(unscoredView{}),
		Badge:     s.badgeFor(co), FeedURL: s.abs("/councils/" + url.PathEscape(co.Code) + "/feed.atom")}
	row, has := m.row(co.Code)
	cm := m.crawl.councils[co.Code]
	if !has || cm == nil {
		c.JSON(http.StatusOK, out)
		return
	}
	lr := toAPILeagueRow(row)
	out.Latest, out.Demo = &lr, lr.Demo
	pg := apiPeerGroup{PeerGroup: m.peers(s.cat.cats, co)}
	for _, r := range m.crawl.league {
		if peerKey(r.Council) == peerKey(co) && r.Crawled.Demo {
			pg.Demo = true
		}
	}
	out.PeerGroup = &pg
	for _, p := range cm.trend {
		tp := apiTrendPoint{RunID: p.Run.ID, StartedAt: p.Run.StartedAt.UTC().Format(time.RFC3339),
			Position: p.Position, Of: p.Of, Categories: p.Categories, MethodVersion: p.MethodVersion, Demo: p.Run.Demo,
			Simulated: p.Run.IsSimulated()}
		if p.HasOverall {
			v := p.Overall
			tp.Score = &v
		}
		out.Trend = append(out.Trend, tp)
	}
	for _, r := range apiCheckResults(s.cat.method, row.MethodVersion, cm.results) {
		r.Demo = row.Crawled.Demo
		out.Checks = append(out.Checks, r)
	}
	out.NotScored = toAPIUnscored(cm.unscored)
	c.JSON(http.StatusOK, out)
}

// council returns the council of a code, or a NotFoundError.
func (s *Server) councilByCode(code string) (data.Council, error) {
	co, ok := s.byCode[code]
	if !ok {
		return co, notFound("code", "no council has the code %q: see /api/v1/councils", short(code))
	}
	return co, nil
}

// short trims what a request said to a length fit to repeat.
func short(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
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
	Demo      bool    `json:"demo"`
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
	Demo      bool      `json:"demo"`
}

// apiCouncilReviews is everything public about one council's reviews.
type apiCouncilReviews struct {
	Score     apiReviewScore  `json:"score"`
	Tasks     []apiTaskReview `json:"tasks"`
	Comments  []apiComment    `json:"comments"`
	Responses []apiResponse   `json:"responses"`
}

// demoResponse reports whether a council response is one the offline demo
// seeded (the store has no demo mark for responses; the demo names its
// responses demo-response-N, which no posted response is called).
func demoResponse(id string) bool { return strings.HasPrefix(id, "demo-response-") }

func toAPICouncilReviews(s reviews.CouncilSummary) apiCouncilReviews {
	out := apiCouncilReviews{Score: toAPIReviewScore(s.Score), Tasks: []apiTaskReview{}, Comments: []apiComment{}, Responses: []apiResponse{}}
	for _, t := range s.Tasks {
		out.Tasks = append(out.Tasks, apiTaskReview{Council: t.Council, Task: t.Task, Index: t.Score, N: t.N,
			PublicN: t.PublicN, PeerN: t.PeerN, FoundRate: t.FoundRate, Demo: t.DemoN > 0})
	}
	for _, cm := range s.Comments {
		kind := "public"
		if cm.Kind == reviews.KindPeer {
			kind = "peer"
		}
		out.Comments = append(out.Comments, apiComment{Task: cm.Task, Kind: kind, Text: cm.Comment, Demo: cm.Demo, CreatedAt: cm.CreatedAt})
	}
	for _, r := range s.Responses {
		out.Responses = append(out.Responses, apiResponse{Text: r.Text, CreatedAt: r.CreatedAt, Demo: demoResponse(r.ID)})
	}
	return out
}

type apiCouncilReviewsAnswer struct {
	CouncilCode string            `json:"council_code"`
	Reviews     apiCouncilReviews `json:"reviews"`
	Demo        bool              `json:"demo"`
}

func (s *Server) apiCouncilReviews(c *gin.Context) {
	if _, ok := s.queryFor(c, opCouncilReviews); !ok {
		return
	}
	co, err := s.councilByCode(c.Param("code"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if s.reviews == nil {
		s.fail(c, notFound("", "reviews are not enabled on this server"))
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
	out := apiCouncilReviewsAnswer{CouncilCode: co.Code, Reviews: toAPICouncilReviews(rv)}
	out.Demo = out.Reviews.Score.Demo
	for _, r := range out.Reviews.Responses {
		out.Demo = out.Demo || r.Demo
	}
	c.JSON(http.StatusOK, out)
}

type apiRunList struct {
	apiPage
	Items []apiRun `json:"items"`
}

func (s *Server) apiRuns(c *gin.Context) {
	v, ok := s.queryFor(c, opRuns)
	if !ok {
		return
	}
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	runs := make([]apiRun, len(m.crawl.all))
	for i, r := range m.crawl.all {
		runs[i] = toAPIRun(r)
	}
	out := apiRunList{}
	out.Items, out.apiPage = paged(c, v, runs)
	out.MethodVersion = s.method
	c.JSON(http.StatusOK, out)
}

type apiScore struct {
	RunID         string      `json:"run_id"`
	MethodVersion string      `json:"method_version"`
	Council       string      `json:"council_code"`
	Category      string      `json:"category"`
	Score         float64     `json:"score"`
	Interval      *ScoreRange `json:"interval,omitempty"`
	Demo          bool        `json:"demo"`
}

type apiScoreList struct {
	apiPage
	Items []apiScore `json:"items"`
}

// resolveRun returns the run a reference names (an id, latest or
// previous); ok is false when none was given and no run has scores yet.
func (m *model) resolveRun(ref string) (data.Run, bool, error) {
	if ref == "" {
		if len(m.crawl.runs) == 0 {
			return data.Run{}, false, nil
		}
		ref = data.RunLatest
	}
	r, err := resolveRun(ref, m.crawl.all, m.crawl.runs)
	return r, err == nil, err
}

// apiScores returns category and overall scores of a run (default: latest).
func (s *Server) apiScores(c *gin.Context) {
	v, ok := s.queryFor(c, opScores)
	if !ok {
		return
	}
	council := v.str("council")
	if council != "" {
		if _, err := s.councilFilter(council); err != nil {
			s.fail(c, err)
			return
		}
	}
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	run, has, err := m.resolveRun(v.str("run"))
	if err != nil {
		s.fail(c, err)
		return
	}
	items := []apiScore{}
	if has {
		byC := m.crawl.scores[run.ID]
		for _, co := range s.councils {
			if council != "" && co.Code != council {
				continue
			}
			cs, ok := byC[co.Code]
			if !ok {
				continue
			}
			for _, cat := range append([]string{scoring.CategoryOverall}, s.cat.cats...) {
				if sc, ok := cs[cat]; ok {
					mv := m.crawl.mv[run.ID][co.Code]
					items = append(items, apiScore{RunID: run.ID, MethodVersion: mv, Council: co.Code, Category: cat, Score: sc,
						Interval: m.crawl.intervals.get(run.ID, co.Code, mv, cat), Demo: run.Demo})
				}
			}
		}
	}
	out := apiScoreList{}
	out.Items, out.apiPage = paged(c, v, items)
	out.MethodVersion, out.RunID = s.method, run.ID
	c.JSON(http.StatusOK, out)
}

// councilFilter checks a council filter names a council of the register.
func (s *Server) councilFilter(code string) (data.Council, error) {
	co, ok := s.byCode[code]
	if !ok {
		return co, notFound("council", "no council has the code %q: see /api/v1/councils", short(code))
	}
	return co, nil
}

// checkFilter checks a check filter names a check of the catalogue.
func (s *Server) checkFilter(id string) error {
	if _, ok := s.cat.checkBy[id]; !ok {
		return notFound("check", "no check has the id %q: see /api/v1/checks", short(id))
	}
	return nil
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

type apiCheckList struct {
	apiPage
	Items []apiCheck `json:"items"`
}

func (s *Server) apiChecks(c *gin.Context) {
	v, ok := s.queryFor(c, opChecks)
	if !ok {
		return
	}
	items := make([]apiCheck, len(s.cat.checks))
	for i, ch := range s.cat.checks {
		why, adv := s.cat.method.Advisory[ch.ID]
		items[i] = apiCheck{ID: ch.ID, Category: ch.Category, Level: ch.Level, Description: ch.Description, RuleRef: ch.RuleRef, RuleURL: ch.RuleURL,
			Advisory: adv, AdvisoryWhy: why}
	}
	out := apiCheckList{}
	out.Items, out.apiPage = paged(c, v, items)
	out.MethodVersion = s.method
	c.JSON(http.StatusOK, out)
}

// apiFinding is one finding with its evidence.
type apiFinding struct {
	data.Finding
	Demo bool `json:"demo"`
}

type apiFindingList struct {
	apiPage
	Items []apiFinding `json:"items"`
}

// apiFindings pages through a run's findings (default: latest run): a
// bounded query per page and one to count them, not the read model.
func (s *Server) apiFindings(c *gin.Context) {
	v, ok := s.queryFor(c, opFindings)
	if !ok {
		return
	}
	if council := v.str("council"); council != "" {
		if _, err := s.councilFilter(council); err != nil {
			s.fail(c, err)
			return
		}
	}
	if check := v.str("check"); check != "" {
		if err := s.checkFilter(check); err != nil {
			s.fail(c, err)
			return
		}
	}
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	run, has, err := m.resolveRun(v.str("run"))
	if err != nil {
		s.fail(c, err)
		return
	}
	out := apiFindingList{Items: []apiFinding{}}
	out.MethodVersion, out.Limit, out.Offset = s.method, v.int("limit"), v.int("offset")
	if !has {
		c.JSON(http.StatusOK, out)
		return
	}
	ctx := c.Request.Context()
	f := data.FindingFilter{RunID: run.ID, Council: v.str("council"), CheckID: v.str("check"), Limit: out.Limit, Offset: out.Offset}
	total, err := s.store.CountFindings(ctx, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	items, err := s.store.FindingsPage(ctx, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, fd := range items {
		out.Items = append(out.Items, apiFinding{Finding: fd, Demo: run.Demo})
	}
	out.RunID, out.Total, out.Count = run.ID, total, len(items)
	out.setNext(c, v)
	c.JSON(http.StatusOK, out)
}

type apiTask struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Words            []string `json:"words"`
	FindabilityIndex *float64 `json:"findability_index" jsonschema:"nullable"`
	CouncilsChecked  int      `json:"councils_checked"`
	ReviewIndex      *float64 `json:"review_index" jsonschema:"nullable"`
	Reviews          int      `json:"reviews"`
	Demo             bool     `json:"demo"`
}

type apiTaskList struct {
	apiPage
	Items []apiTask `json:"items"`
}

func (s *Server) apiTasks(c *gin.Context) {
	v, ok := s.queryFor(c, opTasks)
	if !ok {
		return
	}
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	latest, hasRun := m.latestRun()
	demoReviews := map[string]bool{}
	if m.revs != nil {
		for _, tr := range m.revs.Tasks {
			if tr.DemoN > 0 {
				demoReviews[tr.Task] = true
			}
		}
	}
	pts := m.taskPoints()
	items := make([]apiTask, len(pts))
	for i, p := range pts {
		it := apiTask{ID: p.Task.ID, Name: p.Task.Name, Words: p.Task.Words, CouncilsChecked: p.Councils, Reviews: p.ReviewN,
			Demo: (p.HasFind && hasRun && latest.Demo) || (p.HasReview && demoReviews[p.Task.ID])}
		if it.Words == nil {
			it.Words = []string{}
		}
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
	out := apiTaskList{}
	out.Items, out.apiPage = paged(c, v, items)
	out.MethodVersion = s.method
	if hasRun {
		out.RunID = latest.ID
	}
	c.JSON(http.StatusOK, out)
}

// queryFor checks a request's query against an operation's parameters,
// answering the error (400) when it does not pass.
func (s *Server) queryFor(c *gin.Context, op *operation) (values, bool) {
	v, err := checkQuery(c.Request.URL.RawQuery, op.params)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	return v, true
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
