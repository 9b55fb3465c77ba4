package dashboard

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/scoring"
)

// ---- shared loaders (cached) ----

// reviewScores returns review scores, or nil when reviews are off or fail
// (pages then show scores without reviews rather than an error).
func (s *Server) reviewScores(ctx context.Context) map[string]ReviewScore {
	if s.reviews == nil {
		return nil
	}
	v, err := s.cache.get(ctx, "reviewscores", func(ctx context.Context) (any, error) {
		return s.reviews.ReviewScores(ctx)
	})
	if err != nil {
		s.log.Warn("review scores unavailable", "err", err)
		return nil
	}
	return v.(map[string]ReviewScore)
}

func (s *Server) taskReviews(ctx context.Context) []TaskReview {
	if s.reviews == nil {
		return nil
	}
	v, err := s.cache.get(ctx, "taskreviews", func(ctx context.Context) (any, error) {
		return s.reviews.TaskReviews(ctx)
	})
	if err != nil {
		s.log.Warn("task reviews unavailable", "err", err)
		return nil
	}
	return v.([]TaskReview)
}

// runResults is every council's check results in a run (cached).
func (s *Server) runResults(ctx context.Context, runID string) ([]CheckResult, error) {
	v, err := s.cache.get(ctx, "results:"+runID, func(ctx context.Context) (any, error) {
		return s.src.CheckResults(ctx, runID, "", "")
	})
	if err != nil {
		return nil, err
	}
	return v.([]CheckResult), nil
}

func (s *Server) taskChecks(ctx context.Context, runID string) ([]TaskCheck, error) {
	v, err := s.cache.get(ctx, "taskchecks:"+runID, func(ctx context.Context) (any, error) {
		return s.src.TaskChecks(ctx, runID)
	})
	if err != nil {
		return nil, err
	}
	return v.([]TaskCheck), nil
}

// withReviews returns league rows with review scores added (a copy).
func withReviews(rows []LeagueRow, rs map[string]ReviewScore) []LeagueRow {
	out := make([]LeagueRow, len(rows))
	copy(out, rows)
	for i := range out {
		if r, ok := rs[out[i].Council.Code]; ok {
			out[i].Review, out[i].HasReview = r, true
		}
	}
	return out
}

// ---- home: league table ----

// Column is a sortable column header.
type Column struct {
	Key      string
	Label    string
	URL      string
	AriaSort string // ascending, descending or none
	Numeric  bool
}

// Option is a select option.
type Option struct {
	Value    string
	Label    string
	Selected bool
}

type homePage struct {
	Rows      []LeagueRow
	Columns   []Column
	Cats      []string
	Nations   []Option
	Types     []Option
	Regions   []Option
	Search    string
	Filtered  bool
	Total     int
	Councils  int
	Latest    Run
	HasRun    bool
	Method    string
	Reviews   bool
	Unscored  []Council
	ExportRun string
	Running   []Run // crawls in progress
	Sort, Dir string
	Nation    string
	Type      string
	Region    string
}

func options(vals []string, selected string) []Option {
	seen := map[string]bool{}
	var out []Option
	for _, v := range vals {
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, Option{Value: v, Label: v, Selected: strings.EqualFold(v, selected)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// leagueSort orders rows by a whitelisted key.
func (s *Server) leagueSort(rows []LeagueRow, key string, desc bool) {
	catIdx := -1
	for i, c := range s.cats {
		if c == key {
			catIdx = i
		}
	}
	val := func(r LeagueRow) (float64, bool) {
		switch {
		case key == "score":
			return r.Score, r.HasScore
		case key == "review":
			return r.Review.Score, r.HasReview && r.Review.N > 0
		case key == "reviews":
			return float64(r.Review.N), r.HasReview
		case key == "change":
			return r.Change, r.HasChange
		case catIdx >= 0 && catIdx < len(r.Categories):
			return r.Categories[catIdx].Score, r.Categories[catIdx].Has
		}
		return 0, false
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if key == "name" {
			if desc {
				return a.Council.Name > b.Council.Name
			}
			return a.Council.Name < b.Council.Name
		}
		va, oka := val(a)
		vb, okb := val(b)
		if oka != okb {
			return oka // rows without a value sort last either way
		}
		if va != vb {
			if desc {
				return va > vb
			}
			return va < vb
		}
		return a.Council.Name < b.Council.Name
	})
}

func (s *Server) home(c *gin.Context) {
	ctx := c.Request.Context()
	sn, err := s.snapshot(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	q := c.Request.URL.Query()
	nation, typ, region, search := q.Get("nation"), q.Get("type"), q.Get("region"), strings.TrimSpace(q.Get("q"))
	sortKey, dir := q.Get("sort"), q.Get("dir")
	valid := map[string]bool{"name": true, "score": true, "review": true, "reviews": true, "change": true}
	for _, cat := range s.cats {
		valid[cat] = true
	}
	// Sort keys and directions come from a whitelist: anything else is a
	// bad request, never passed on.
	if sortKey == "" {
		sortKey = "score"
	}
	if !valid[sortKey] || (dir != "" && dir != "asc" && dir != "desc") || len(search) > 100 {
		s.fail(c, ErrBadRequest)
		return
	}
	if dir == "" {
		dir = "desc"
		if sortKey == "name" {
			dir = "asc"
		}
	}
	rs := s.reviewScores(ctx)
	all := withReviews(sn.league, rs)
	rows := all[:0:0]
	for _, r := range all {
		co := r.Council
		if (nation == "" || strings.EqualFold(co.Nation, nation)) && (typ == "" || strings.EqualFold(co.Type, typ)) &&
			(region == "" || strings.EqualFold(co.Region, region)) &&
			(search == "" || strings.Contains(strings.ToLower(co.Name), strings.ToLower(search)) || strings.EqualFold(co.Code, search)) {
			rows = append(rows, r)
		}
	}
	s.leagueSort(rows, sortKey, dir == "desc")

	p := homePage{Rows: rows, Cats: s.cats, Search: search, Total: len(all), Councils: len(s.councils), Method: s.method,
		Reviews: s.reviews != nil, Filtered: nation != "" || typ != "" || region != "" || search != "",
		Sort: sortKey, Dir: dir, Nation: nation, Type: typ, Region: region}
	for _, r := range sn.all {
		if r.Running() {
			p.Running = append(p.Running, r)
		}
	}
	var nations, types, regions []string
	for _, co := range s.councils {
		nations, types, regions = append(nations, co.Nation), append(types, co.Type), append(regions, co.Region)
		if _, ok := sn.byCode[co.Code]; !ok {
			p.Unscored = append(p.Unscored, co)
		}
	}
	p.Nations, p.Types, p.Regions = options(nations, nation), options(types, typ), options(regions, region)
	if len(sn.runs) > 0 {
		p.Latest, p.HasRun, p.ExportRun = sn.runs[0], true, sn.runs[0].ID
	}
	col := func(key, label string, numeric bool) Column {
		cl := Column{Key: key, Label: label, AriaSort: "none", Numeric: numeric}
		next := "desc"
		if key == "name" {
			next = "asc"
		}
		if key == sortKey {
			cl.AriaSort = map[string]string{"asc": "ascending", "desc": "descending"}[dir]
			next = map[string]string{"asc": "desc", "desc": "asc"}[dir]
		}
		v := url.Values{}
		for _, k := range []string{"nation", "type", "region", "q"} {
			if q.Get(k) != "" {
				v.Set(k, q.Get(k))
			}
		}
		v.Set("sort", key)
		v.Set("dir", next)
		cl.URL = "/?" + v.Encode() + "#league"
		return cl
	}
	p.Columns = []Column{col("name", "Council", false), col("score", "Site score", true)}
	for _, cat := range s.cats {
		p.Columns = append(p.Columns, col(cat, titleCase(cat), true))
	}
	if p.Reviews {
		p.Columns = append(p.Columns, col("review", "Review score", true), col("reviews", "Reviews", true))
	}
	p.Columns = append(p.Columns, col("change", "Change", true))
	s.render.Render(c, http.StatusOK, "home", "Council website league table", p)
}

// ---- council page ----

type checkView struct {
	Check    scoring.Check
	Result   CheckResult
	Has      bool // statistics exist for this check
	Applied  bool
	Passed   int
	Evidence []evidenceView
	Worst    []worstView
}

// evidenceView is one finding shown as evidence. Link is true the first
// time its URL appears on the page: later mentions are plain text, so the
// page links each URL once.
type evidenceView struct {
	Finding
	Link bool
}

type worstView struct {
	PageCount
	Link bool
}

type categoryView struct {
	Category string
	Score    CatScore
	Peer     Quartiles
	Checks   []checkView
	Failing  int
}

// TaskResult is one check's verdict for one top task.
type TaskResult struct {
	CheckID string
	Label   string
	Verdict string // passed, failed, not checked
}

type taskView struct {
	Task      scoring.Task
	Results   []TaskResult
	Index     float64
	HasIndex  bool
	Review    TaskReview
	HasReview bool
}

type councilPage struct {
	withCharts
	Council      Council
	Row          LeagueRow
	HasRow       bool
	Run          Run
	Method       string
	Categories   []categoryView
	Overall      Quartiles
	Trend        []TrendPoint
	Peer         PeerGroup
	Bins         []Bin
	Tasks        []taskView
	Reviews      CouncilReviews
	HasReviews   bool
	ReviewsOn    bool
	ReviewForm   bool
	Cats         []string
	Hist, Radar  Chart
	TrendChart   Chart
	Position     Chart
	RunsInTrend  int
	LeagueLength int
}

var taskCheckLabels = map[string]string{
	"task-home-link":   "Linked from the home page",
	"task-reachable":   "Within 3 clicks",
	"task-site-search": "Found by site search",
	"task-a-to-z":      "In the A to Z",
}

func (s *Server) taskCheckIDs() []string {
	var out []string
	for _, ch := range s.checks {
		if ch.Category == scoring.CatFindability && strings.HasPrefix(ch.ID, "task-") {
			out = append(out, ch.ID)
		}
	}
	return out
}

// findability judges each top task for one council from its findability
// check statistics and the per-task findings.
func (s *Server) findability(code string, results []CheckResult, tcs []TaskCheck) map[string][]TaskResult {
	applied := map[string]bool{}
	for _, r := range results {
		if r.Council == code && r.PagesTotal > 0 {
			applied[r.CheckID] = true
		}
	}
	failed := map[string]bool{}
	for _, t := range tcs {
		if t.Council == code && t.N > 0 {
			failed[t.Task+"\x00"+t.CheckID] = true
		}
	}
	out := map[string][]TaskResult{}
	ids := s.taskCheckIDs()
	for _, t := range s.tasks {
		for _, id := range ids {
			v := TaskResult{CheckID: id, Label: taskCheckLabels[id], Verdict: "not checked"}
			if v.Label == "" {
				v.Label = id
			}
			if applied[id] {
				v.Verdict = "passed"
				if failed[t.ID+"\x00"+id] {
					v.Verdict = "failed"
				}
			}
			out[t.ID] = append(out[t.ID], v)
		}
	}
	return out
}

func taskIndex(rs []TaskResult) (float64, bool) {
	n, ok := 0, 0
	for _, r := range rs {
		if r.Verdict == "not checked" {
			continue
		}
		n++
		if r.Verdict == "passed" {
			ok++
		}
	}
	if n == 0 {
		return 0, false
	}
	return round1(100 * float64(ok) / float64(n)), true
}

type councilDetail struct {
	results  []CheckResult
	evidence []Finding
	worst    []PageCount
}

func (s *Server) councilDetail(ctx context.Context, runID, code string) (*councilDetail, error) {
	v, err := s.cache.get(ctx, "council:"+runID+":"+code, func(ctx context.Context) (any, error) {
		var d councilDetail
		var err error
		if d.results, err = s.src.CheckResults(ctx, runID, code, ""); err != nil {
			return nil, err
		}
		if d.evidence, err = s.src.Evidence(ctx, runID, code, 3); err != nil {
			return nil, err
		}
		if d.worst, err = s.src.WorstPages(ctx, runID, code, 3); err != nil {
			return nil, err
		}
		return &d, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*councilDetail), nil
}

// councilSnapshot finds the :code council and the current snapshot; on
// failure it has answered (404 or the snapshot's error) and ok is false.
func (s *Server) councilSnapshot(c *gin.Context) (co Council, sn *snapshot, ok bool) {
	co, ok = s.byCode[c.Param("code")]
	if !ok {
		s.fail(c, ErrNotFound)
		return co, nil, false
	}
	sn, err := s.snapshot(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return co, nil, false
	}
	return co, sn, true
}

func (s *Server) council(c *gin.Context) {
	ctx := c.Request.Context()
	co, sn, ok := s.councilSnapshot(c)
	if !ok {
		return
	}
	p := councilPage{Council: co, Method: s.method, Cats: s.cats, ReviewsOn: s.reviews != nil,
		ReviewForm: s.pages != nil, LeagueLength: len(sn.league)}
	p.Row, p.HasRow = sn.row(co.Code)
	p.Peer = s.peers(sn, co)
	peerBy := map[string]Quartiles{}
	for _, q := range p.Peer.Stats {
		peerBy[q.Category] = q
	}
	p.Overall = peerBy[scoring.CategoryOverall]
	p.Bins = distribution(sn, p.Row.Score, p.HasRow && p.Row.HasScore)
	p.Hist = histogramChart("chart-distribution", p.Bins, co.Name)

	var det *councilDetail
	var tcs []TaskCheck
	var err error
	if p.HasRow {
		p.Run = p.Row.Crawled
		p.Trend = s.trend(sn, co.Code)
		p.RunsInTrend = len(p.Trend)
		p.TrendChart = trendChart("chart-trend", p.Trend, s.cats)
		p.Position = positionChart("chart-position", p.Trend)
		p.Radar = radarChart("chart-radar", p.Row.Categories, p.Peer, co.Name)
		if det, err = s.councilDetail(ctx, p.Row.RunID, co.Code); err != nil {
			s.fail(c, err)
			return
		}
		if tcs, err = s.taskChecks(ctx, p.Row.RunID); err != nil {
			s.fail(c, err)
			return
		}
	} else {
		det = &councilDetail{}
	}
	if p.HasRow && p.Row.MethodVersion != "" {
		p.Method = p.Row.MethodVersion
	}
	// Checks by category.
	res := map[string]CheckResult{}
	for _, r := range det.results {
		res[r.CheckID] = r
	}
	ev := map[string][]Finding{}
	for _, f := range det.evidence {
		ev[f.CheckID] = append(ev[f.CheckID], f)
	}
	worst := map[string][]PageCount{}
	for _, w := range det.worst {
		worst[w.CheckID] = append(worst[w.CheckID], w)
	}
	for i, cat := range s.cats {
		cv := categoryView{Category: cat, Peer: peerBy[cat]}
		if p.HasRow && i < len(p.Row.Categories) {
			cv.Score = p.Row.Categories[i]
		}
		for _, ch := range s.checks {
			if ch.Category != cat {
				continue
			}
			r, has := res[ch.ID]
			v := checkView{Check: ch, Result: r, Has: has, Applied: has && r.PagesTotal > 0}
			for _, f := range ev[ch.ID] {
				v.Evidence = append(v.Evidence, evidenceView{Finding: f})
			}
			for _, w := range worst[ch.ID] {
				v.Worst = append(v.Worst, worstView{PageCount: w})
			}
			v.Passed = r.PagesTotal - r.PagesAffected
			if v.Applied && r.PagesAffected > 0 {
				cv.Failing++
			}
			cv.Checks = append(cv.Checks, v)
		}
		// Failing checks first, worst share first.
		sort.SliceStable(cv.Checks, func(a, b int) bool {
			x, y := cv.Checks[a], cv.Checks[b]
			fx, fy := x.Applied && x.Result.PagesAffected > 0, y.Applied && y.Result.PagesAffected > 0
			if fx != fy {
				return fx
			}
			return x.Result.Findings > y.Result.Findings
		})
		p.Categories = append(p.Categories, cv)
	}
	// Link each evidence URL once, in display order.
	linked := map[string]bool{co.HomepageURL: true} // the summary links the home page
	for ci := range p.Categories {
		for ki := range p.Categories[ci].Checks {
			v := &p.Categories[ci].Checks[ki]
			for i := range v.Worst {
				if u := v.Worst[i].URL; isHTTP(u) && !linked[u] {
					linked[u], v.Worst[i].Link = true, true
				}
			}
			for i := range v.Evidence {
				if u := v.Evidence[i].URL; isHTTP(u) && !linked[u] {
					linked[u], v.Evidence[i].Link = true, true
				}
			}
		}
	}
	// Reviews.
	if s.reviews != nil {
		rv, err := s.reviews.CouncilReviews(ctx, co.Code)
		if err != nil {
			s.log.Warn("council reviews unavailable", "council", co.Code, "err", err)
		} else {
			// Comments name their task by id; show the task's name.
			rv.Comments = append([]Comment(nil), rv.Comments...)
			for i, cm := range rv.Comments {
				if t, ok := s.taskBy[cm.Task]; ok {
					rv.Comments[i].Task = t.Name
				}
			}
			p.Reviews, p.HasReviews = rv, true
		}
	}
	trByTask := map[string]TaskReview{}
	for _, tr := range p.Reviews.Tasks {
		trByTask[tr.Task] = tr
	}
	find := s.findability(co.Code, det.results, tcs)
	for _, t := range s.tasks {
		tv := taskView{Task: t, Results: find[t.ID]}
		tv.Index, tv.HasIndex = taskIndex(tv.Results)
		tv.Review, tv.HasReview = trByTask[t.ID]
		p.Tasks = append(p.Tasks, tv)
	}
	s.render.Render(c, http.StatusOK, "council", co.Name, p)
}

// ---- compare ----

type compareCol struct {
	Council Council
	Row     LeagueRow
	HasRow  bool
	Peer    PeerGroup
}

type compareLine struct {
	Label string
	Cells []compareCell
}

type compareCell struct {
	Score    float64
	Has      bool
	Peer     Quartiles
	Position string // against the peer group: below the lower quartile, ...
}

type compareSelect struct {
	ID      string
	Label   string
	Options []Option
}

type comparePage struct {
	Selects []compareSelect
	Cols    []compareCol
	Lines   []compareLine
	Error   string
}

func peerPosition(v float64, q Quartiles) string {
	switch {
	case q.N == 0:
		return "no peers scored"
	case v < q.Q1:
		return "bottom quarter of peers"
	case v > q.Q3:
		return "top quarter of peers"
	case v >= q.Median:
		return "above peer median"
	}
	return "below peer median"
}

func (s *Server) compare(c *gin.Context) {
	ctx := c.Request.Context()
	sn, err := s.snapshot(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	var codes []string
	seen := map[string]bool{}
	for _, code := range c.QueryArray("c") {
		if _, ok := s.byCode[code]; ok && !seen[code] && len(codes) < 5 {
			seen[code] = true
			codes = append(codes, code)
		}
	}
	p := comparePage{}
	for i := 0; i < 5; i++ {
		sel := ""
		if i < len(codes) {
			sel = codes[i]
		}
		cs := compareSelect{ID: fmt.Sprintf("c%d", i+1), Label: fmt.Sprintf("Council %d", i+1)}
		if i >= 2 {
			cs.Label += " (optional)"
		}
		cs.Options = append(cs.Options, Option{Value: "", Label: "Choose a council", Selected: sel == ""})
		for _, co := range s.councils {
			cs.Options = append(cs.Options, Option{Value: co.Code, Label: co.Name, Selected: co.Code == sel})
		}
		p.Selects = append(p.Selects, cs)
	}
	if len(c.QueryArray("c")) > 0 && len(codes) < 2 {
		p.Error = "Choose at least 2 different councils to compare"
	}
	if len(codes) >= 2 {
		for _, code := range codes {
			col := compareCol{Council: s.byCode[code]}
			col.Row, col.HasRow = sn.row(code)
			col.Peer = s.peers(sn, col.Council)
			p.Cols = append(p.Cols, col)
		}
		for ci, cat := range append([]string{scoring.CategoryOverall}, s.cats...) {
			line := compareLine{Label: titleCase(cat)}
			if ci == 0 {
				line.Label = "Site score"
			}
			for _, col := range p.Cols {
				cell := compareCell{Peer: col.Peer.Stats[ci]}
				if col.HasRow {
					if ci == 0 {
						cell.Score, cell.Has = col.Row.Score, col.Row.HasScore
					} else {
						cs := col.Row.Categories[ci-1]
						cell.Score, cell.Has = cs.Score, cs.Has
					}
				}
				if cell.Has {
					cell.Position = peerPosition(cell.Score, cell.Peer)
				}
				line.Cells = append(line.Cells, cell)
			}
			p.Lines = append(p.Lines, line)
		}
	}
	status := http.StatusOK
	if p.Error != "" {
		status = http.StatusBadRequest
	}
	s.render.Render(c, status, "compare", "Compare councils", p)
}

// ---- checks ----

type checkSummary struct {
	Check    scoring.Check
	Applied  int
	Passing  int
	Findings int
}

type checksPage struct {
	Run    Run
	HasRun bool
	Groups []checkGroup
}

type checkGroup struct {
	Category string
	Checks   []checkSummary
}

func summarise(results []CheckResult) map[string]*checkSummary {
	out := map[string]*checkSummary{}
	for _, r := range results {
		cs := out[r.CheckID]
		if cs == nil {
			cs = &checkSummary{}
			out[r.CheckID] = cs
		}
		if r.PagesTotal > 0 {
			cs.Applied++
			if r.PagesAffected == 0 {
				cs.Passing++
			}
		}
		cs.Findings += r.Findings
	}
	return out
}

func (s *Server) latestRun(ctx context.Context) (Run, bool, error) {
	sn, err := s.snapshot(ctx)
	if err != nil || len(sn.runs) == 0 {
		return Run{}, false, err
	}
	return sn.runs[0], true, nil
}

func (s *Server) checksPage(c *gin.Context) {
	ctx := c.Request.Context()
	run, ok, err := s.latestRun(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := checksPage{Run: run, HasRun: ok}
	sums := map[string]*checkSummary{}
	if ok {
		res, err := s.runResults(ctx, run.ID)
		if err != nil {
			s.fail(c, err)
			return
		}
		sums = summarise(res)
	}
	for _, cat := range s.cats {
		g := checkGroup{Category: cat}
		for _, ch := range s.checks {
			if ch.Category == cat {
				cs := checkSummary{Check: ch}
				if v := sums[ch.ID]; v != nil {
					cs.Applied, cs.Passing, cs.Findings = v.Applied, v.Passing, v.Findings
				}
				g.Checks = append(g.Checks, cs)
			}
		}
		p.Groups = append(p.Groups, g)
	}
	s.render.Render(c, http.StatusOK, "checks", "Checks", p)
}

type offender struct {
	Council Council
	Result  CheckResult
	Share   float64
}

type checkPage struct {
	Check     scoring.Check
	Run       Run
	HasRun    bool
	Summary   checkSummary
	Offenders []offender
	Failing   int
}

func (s *Server) check(c *gin.Context) {
	ctx := c.Request.Context()
	ch, ok := s.checkBy[c.Param("id")]
	if !ok {
		s.fail(c, ErrNotFound)
		return
	}
	run, hasRun, err := s.latestRun(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := checkPage{Check: ch, Run: run, HasRun: hasRun, Summary: checkSummary{Check: ch}}
	if hasRun {
		res, err := s.runResults(ctx, run.ID)
		if err != nil {
			s.fail(c, err)
			return
		}
		var mine []CheckResult
		for _, r := range res {
			if r.CheckID == ch.ID {
				mine = append(mine, r)
			}
		}
		if v := summarise(mine)[ch.ID]; v != nil {
			p.Summary.Applied, p.Summary.Passing, p.Summary.Findings = v.Applied, v.Passing, v.Findings
		}
		for _, r := range mine {
			if r.PagesTotal > 0 && r.PagesAffected > 0 {
				p.Failing++
				co, ok := s.byCode[r.Council]
				if !ok {
					co = Council{Code: r.Council, Name: r.Council}
				}
				p.Offenders = append(p.Offenders, offender{Council: co, Result: r, Share: float64(r.PagesAffected) / float64(r.PagesTotal)})
			}
		}
		sort.SliceStable(p.Offenders, func(i, j int) bool {
			a, b := p.Offenders[i], p.Offenders[j]
			if a.Share != b.Share {
				return a.Share > b.Share
			}
			if a.Result.Findings != b.Result.Findings {
				return a.Result.Findings > b.Result.Findings
			}
			return a.Council.Name < b.Council.Name
		})
		if len(p.Offenders) > 25 {
			p.Offenders = p.Offenders[:25]
		}
	}
	s.render.Render(c, http.StatusOK, "check", ch.ID, p)
}

// ---- tasks ----

type tasksPage struct {
	withCharts
	Run       Run
	HasRun    bool
	Points    []TaskPoint
	Scatter   Chart
	ReviewsOn bool
	Plotted   int
}

// taskPoints computes, per task, the mean findability index over councils
// and the review index (weighted by number of reviews).
func (s *Server) taskPoints(ctx context.Context) (Run, bool, []TaskPoint, error) {
	run, ok, err := s.latestRun(ctx)
	if err != nil {
		return run, ok, nil, err
	}
	pts := make([]TaskPoint, len(s.tasks))
	for i, t := range s.tasks {
		pts[i].Task = t
	}
	if ok {
		res, err := s.runResults(ctx, run.ID)
		if err != nil {
			return run, ok, nil, err
		}
		tcs, err := s.taskChecks(ctx, run.ID)
		if err != nil {
			return run, ok, nil, err
		}
		// Group the run's rows by council once: findability reads one
		// council's rows, and scanning the whole run per council is
		// councils x rows.
		byRes := map[string][]CheckResult{}
		for _, r := range res {
			byRes[r.Council] = append(byRes[r.Council], r)
		}
		byTC := map[string][]TaskCheck{}
		for _, t := range tcs {
			byTC[t.Council] = append(byTC[t.Council], t)
		}
		sums := make([]float64, len(s.tasks))
		for code, rs := range byRes {
			f := s.findability(code, rs, byTC[code])
			for i, t := range s.tasks {
				if v, ok := taskIndex(f[t.ID]); ok {
					sums[i] += v
					pts[i].Councils++
				}
			}
		}
		for i := range pts {
			if pts[i].Councils > 0 {
				pts[i].Findability, pts[i].HasFind = round1(sums[i]/float64(pts[i].Councils)), true
			}
		}
	}
	sum := map[string]float64{}
	n := map[string]int{}
	for _, tr := range s.taskReviews(ctx) {
		sum[tr.Task] += tr.Index * float64(tr.N)
		n[tr.Task] += tr.N
	}
	for i := range pts {
		if k := n[pts[i].Task.ID]; k > 0 {
			pts[i].Review, pts[i].HasReview, pts[i].ReviewN = round1(sum[pts[i].Task.ID]/float64(k)), true, k
		}
	}
	return run, ok, pts, nil
}

func (s *Server) tasksPage(c *gin.Context) {
	run, ok, pts, err := s.taskPoints(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	p := tasksPage{Run: run, HasRun: ok, Points: pts, ReviewsOn: s.reviews != nil}
	for _, pt := range pts {
		if pt.HasFind && pt.HasReview {
			p.Plotted++
		}
	}
	p.Scatter = scatterChart("chart-tasks", pts)
	s.render.Render(c, http.StatusOK, "tasks", "Top tasks", p)
}

// ---- method and data ----

type methodPage struct {
	HTML    template.HTML
	Version string
}

func (s *Server) methodPage(c *gin.Context) {
	// The markdown is the project's own docs/METHOD.md, rendered with raw
	// HTML disabled: safe to embed.
	s.render.Render(c, http.StatusOK, "method", "How the scores are worked out",
		methodPage{HTML: template.HTML(s.methodMD), Version: s.method})
}

func isHTTP(u string) bool {
	return strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")
}

type dataPage struct {
	Runs       []Run
	Latest     Run
	HasRun     bool
	ReviewsOn  bool
	Dictionary []columnGroup
}

// columnGroup documents the columns of one export.
type columnGroup struct {
	Export  string
	Columns []columnDoc
}

type columnDoc struct {
	Name, Meaning string
}

func (s *Server) dataPage(c *gin.Context) {
	sn, err := s.snapshot(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	p := dataPage{Runs: sn.all, ReviewsOn: s.reviews != nil, Dictionary: s.dictionary()}
	if len(sn.runs) > 0 {
		p.Latest, p.HasRun = sn.runs[0], true
	}
	s.render.Render(c, http.StatusOK, "data", "Download the data", p)
}
