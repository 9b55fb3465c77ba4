package dashboard

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/reviews"
	"github.com/councildash/councildash/scoring"
)

// The read model: everything the pages and the API show, computed once
// from the database when data changes (a run starts or finishes, sites
// finish, a run is re-scored, reviews are posted or moderated) and swapped
// in whole (see readmodel.go). A model is never changed once built, so
// handlers read it without locks. Everything in this file is pure: rows in,
// views out, no I/O.

// model is one version of the read model.
type model struct {
	gen   uint64      // increases with every model a server builds
	crawl *crawlModel // shared by successive models until the crawl data changes
	// revs are every council's reviews; nil when reviews are off or could
	// not be read (pages then show scores without reviews).
	revs   *reviews.Overview
	league []LeagueRow // crawl.league with review scores
	// revGen is the generation of the model whose reviews these are, and
	// revStamps, per council, of the model where its reviews last
	// changed: a council's page is rendered again only when they did
	// (see the pages' versions in page_*.go).
	revGen    uint64
	revStamps map[string]uint64
	// banner is the demo data the model shows.
	banner DemoBanner
}

// crawlModel is what the crawls say, per run.
type crawlModel struct {
	gen      uint64                                   // of the model it was built for
	all      []data.Run                               // every run, newest first (running ones included)
	runs     []data.Run                               // newest first, recent runs with scores only
	scores   map[string]map[string]map[string]float64 // run -> council -> category -> score
	mv       map[string]map[string]string             // run -> council -> method version
	league   []LeagueRow                              // every council with a score, ranked
	byCode   map[string]int                           // index into league
	councils map[string]*councilModel                 // scored councils
	peers    peerTable                                // by peerKey
	bins     []int                                    // overall scores of the league in tens
	checks   map[string]checkModel                    // latest run, by check id
	find     []TaskPoint                              // latest run: findability per task (no reviews)
	// peerBest are, per check and type of council, the councils that do
	// best on it in the latest run (see bestPeers).
	peerBest map[string]map[string][]peerBest
	demo     demoMarks // the runs shown are demo runs (simulated)
	movers   moversModel
	// intervals are the recent runs' score intervals (model_uncertainty.go).
	intervals intervalIndex
}

// councilModel is one scored council's part of the model.
type councilModel struct {
	trend   []TrendPoint       // oldest first
	results []data.CheckResult // check results of its latest run with scores
	find    map[string][]TaskResult
	// charts are drawn once per crawl model, when first asked for (a
	// parish-scale register has 10,000 councils' charts to draw).
	chartsOnce sync.Once
	drawCharts func() councilCharts
	charts     councilCharts
	costs      map[string]checkCost // points each check costs its site score
	// prev is its previous run scored under the same method, and prevResults
	// that run's check results (for what changed).
	prev        data.Run
	hasPrev     bool
	prevResults []data.CheckResult
	// unscored are its latest run's pages not scored for content and
	// readability.
	unscored unscoredView
}

// councilCharts are a scored council's charts.
type councilCharts struct {
	hist, radar, trend, position Chart
}

// checkModel is one check's figures in the latest run.
type checkModel struct {
	summary   checkSummary
	failing   int
	offenders []offender // worst first, at most maxOffenders
}

const maxOffenders = 25

// crawlInput is what a crawl model is built from: the database's rows.
type crawlInput struct {
	councils []data.Council // the register, sorted by name
	runs     []data.Run     // every run, newest first
	scores   []data.ScoreRow
	// results and taskChecks hold, for the runs neededRuns names, every
	// council's check results and per-task findability counts.
	results    map[string][]data.CheckResult
	taskChecks map[string][]data.TaskCheck
	scoring    scoringInput // intervals and pages not scored
}

// catalogue is the scoring catalogue and method the dashboard shows.
type catalogue struct {
	method  scoring.Method
	checks  []scoring.Check
	checkBy map[string]scoring.Check
	tasks   []scoring.Task
	taskBy  map[string]scoring.Task
	cats    []string
	// taskChecks are the findability checks judged per top task, in
	// catalogue order.
	taskChecks []string
	// checkHTML are the council page's pieces of each check (by id).
	checkHTML map[string]checkHTML
}

func newCatalogue(m scoring.Method) (catalogue, error) {
	checkHTML, err := newCheckHTML(m, scoring.Catalog())
	if err != nil {
		return catalogue{}, fmt.Errorf("dashboard: check fragments: %w", err)
	}
	c := catalogue{method: m, checks: scoring.Catalog(), tasks: scoring.Tasks(), cats: scoring.Categories(),
		checkBy: map[string]scoring.Check{}, taskBy: map[string]scoring.Task{}, checkHTML: checkHTML}
	for _, ch := range c.checks {
		c.checkBy[ch.ID] = ch
		if ch.Category == scoring.CatFindability && strings.HasPrefix(ch.ID, "task-") {
			c.taskChecks = append(c.taskChecks, ch.ID)
		}
	}
	for _, t := range c.tasks {
		c.taskBy[t.ID] = t
	}
	return c, nil
}

// CatScore is one category score, Has false when the category did not apply.
type CatScore struct {
	Category string  `json:"category"`
	Score    float64 `json:"score"`
	Has      bool    `json:"has_score"`
	// Range is how sure the score is (nil when no interval is stored).
	Range *ScoreRange `json:"interval,omitempty"`
}

// LeagueRow is one council's line of the league table.
type LeagueRow struct {
	Rank          int
	Council       data.Council
	RunID         string
	MethodVersion string
	Crawled       data.Run
	Score         float64
	HasScore      bool
	Categories    []CatScore
	Change        float64
	HasChange     bool
	PrevRunID     string
	Review        reviews.CouncilScore
	HasReview     bool
	// Interval and Band say how sure the score and the rank are (nil when
	// the score has no stored interval: see addUncertainty).
	Interval *ScoreRange
	Band     *RankBand
}

// recentRuns returns the RecentRuns newest runs.
func recentRuns(runs []data.Run) []data.Run {
	if len(runs) > data.RecentRuns {
		return runs[:data.RecentRuns]
	}
	return runs
}

// indexScores groups score rows by run, council and category.
func indexScores(rows []data.ScoreRow) (map[string]map[string]map[string]float64, map[string]map[string]string) {
	scores := map[string]map[string]map[string]float64{}
	mv := map[string]map[string]string{}
	for _, r := range rows {
		byC := scores[r.RunID]
		if byC == nil {
			byC = map[string]map[string]float64{}
			scores[r.RunID] = byC
			mv[r.RunID] = map[string]string{}
		}
		if byC[r.Council] == nil {
			byC[r.Council] = map[string]float64{}
		}
		byC[r.Council][r.Category] = r.Score
		mv[r.RunID][r.Council] = r.MethodVersion
	}
	return scores, mv
}

// scoredRuns keeps the runs with scores, in order.
func scoredRuns(runs []data.Run, scores map[string]map[string]map[string]float64) []data.Run {
	var out []data.Run
	for _, r := range runs {
		if len(scores[r.ID]) > 0 {
			out = append(out, r)
		}
	}
	return out
}

// neededRuns names the runs whose check results a crawl model needs: the
// newest run with scores (checks and tasks pages) and each council's
// latest run with scores (its council page).
func neededRuns(councils []data.Council, runs []data.Run, rows []data.ScoreRow) []string {
	scores, _ := indexScores(rows)
	scored := scoredRuns(recentRuns(runs), scores)
	seen := map[string]bool{}
	var out []string
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if len(scored) > 0 {
		add(scored[0].ID)
	}
	_, mv := indexScores(rows)
	for _, c := range councils {
		for _, r := range scored {
			if _, ok := scores[r.ID][c.Code]; ok {
				add(r.ID)
				// and its previous run under the same method (what changed)
				if prev, ok := previousSameMethod(scored, scores, mv, r.ID, c.Code); ok {
					add(prev.ID)
				}
				break
			}
		}
	}
	return out
}

// newCrawlModel builds the crawl part of the model from the rows.
func newCrawlModel(cat catalogue, in crawlInput) *crawlModel {
	cm := &crawlModel{all: in.runs, byCode: map[string]int{}, councils: map[string]*councilModel{},
		peers: peerTable{}, checks: map[string]checkModel{}}
	recent := recentRuns(in.runs)
	cm.scores, cm.mv = indexScores(in.scores)
	cm.runs = scoredRuns(recent, cm.scores)
	for _, c := range in.councils {
		row := LeagueRow{Council: c}
		found := false
		for _, r := range cm.runs {
			cs, ok := cm.scores[r.ID][c.Code]
			if !ok {
				continue
			}
			ov, hasOv := cs[scoring.CategoryOverall]
			if !found {
				found = true
				row.RunID, row.Crawled, row.MethodVersion = r.ID, r, cm.mv[r.ID][c.Code]
				row.Score, row.HasScore = ov, hasOv
				row.Categories = catScores(cat.cats, cs)
				continue
			}
			if hasOv && row.HasScore {
				row.Change, row.HasChange, row.PrevRunID = round1(row.Score-ov), true, r.ID
			}
			break
		}
		if found {
			cm.league = append(cm.league, row)
		}
	}
	sort.SliceStable(cm.league, func(i, j int) bool {
		a, b := cm.league[i], cm.league[j]
		if a.HasScore != b.HasScore {
			return a.HasScore
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return a.Council.Name < b.Council.Name
	})
	for i := range cm.league {
		if i > 0 && cm.league[i].HasScore && cm.league[i].Score == cm.league[i-1].Score {
			cm.league[i].Rank = cm.league[i-1].Rank
		} else if cm.league[i].HasScore {
			cm.league[i].Rank = i + 1
		}
		cm.byCode[cm.league[i].Council.Code] = i
	}
	cm.intervals = newIntervalIndex(in.scoring.intervals)
	cm.addUncertainty(cm.intervals)
	cm.bins = distributionCounts(cm.league)
	cm.peers = newPeerTable(cat.cats, cm.league)

	// Per council: trend, check results and findability of its latest run.
	positions := runPositions(cm.runs, cm.scores)
	byRun := map[string]map[string][]data.CheckResult{}
	tcByRun := map[string]map[string][]data.TaskCheck{}
	for run, rs := range in.results {
		m := map[string][]data.CheckResult{}
		for _, r := range rs {
			m[r.Council] = append(m[r.Council], r)
		}
		byRun[run] = m
	}
	for run, ts := range in.taskChecks {
		m := map[string][]data.TaskCheck{}
		for _, t := range ts {
			m[t.Council] = append(m[t.Council], t)
		}
		tcByRun[run] = m
	}
	for _, row := range cm.league {
		code := row.Council.Code
		res := byRun[row.RunID][code]
		c := &councilModel{
			trend:   trend(cat.cats, cm.runs, cm.scores, positions, code),
			results: res,
			find:    findability(cat, res, tcByRun[row.RunID][code]),
			costs:   checkCosts(cat.method, row.Categories, res),
		}
		if prev, ok := previousSameMethod(cm.runs, cm.scores, cm.mv, row.RunID, code); ok {
			c.prev, c.hasPrev, c.prevResults = prev, true, byRun[prev.ID][code]
		}
		cm.trendMethods(c.trend, code)
		c.unscored = newUnscoredView(in.scoring.unscored[row.RunID], code)
		c.drawCharts = func() councilCharts { // drawn when its page is first shown (page_scale.go)
			who := row.Council.Name
			return councilCharts{
				hist:     histogramChart("chart-distribution", cm.distribution(row.Score, row.HasScore), who),
				trend:    trendChart("chart-trend", c.trend, cat.cats),
				position: positionChart("chart-position", c.trend),
				radar:    radarChart("chart-radar", row.Categories, cm.peers.group(cat.cats, row.Council), who),
			}
		}
		cm.councils[code] = c
	}
	// The latest run: checks and tasks.
	if len(cm.runs) > 0 {
		latest := cm.runs[0].ID
		res := in.results[latest]
		sums := summarise(res)
		byCheck := map[string][]data.CheckResult{}
		for _, r := range res {
			byCheck[r.CheckID] = append(byCheck[r.CheckID], r)
		}
		names := map[string]data.Council{}
		for _, c := range in.councils {
			names[c.Code] = c
		}
		for _, ch := range cat.checks {
			cm.checks[ch.ID] = newCheckModel(ch, sums[ch.ID], byCheck[ch.ID], names)
		}
		cm.find = taskFindability(cat, byRun[latest], tcByRun[latest])
		cm.peerBest = bestPeers(res, names)
	} else {
		cm.find = taskFindability(cat, nil, nil)
	}
	cm.demo = runsDemo(cm.runs, cm.all)
	cm.movers = newMovers(cat, cm, byRun)
	return cm
}

// withReviews returns a model over crawl with review scores added to the
// league rows (a copy; crawl is shared, never changed). prev, when set, is
// the model it follows: reviews it shares keep their stamps.
func withReviews(gen uint64, crawl *crawlModel, revs *reviews.Overview, prev *model) *model {
	m := &model{gen: gen, crawl: crawl, revs: revs, league: crawl.league, revGen: gen, revStamps: map[string]uint64{},
		banner: DemoBanner{Crawl: crawl.demo.Crawl}}
	if revs != nil {
		for _, sc := range revs.Scores {
			if sc.DemoN > 0 {
				m.banner.Reviews = true
				break
			}
		}
	}
	switch {
	case prev != nil && prev.revs == revs:
		m.revGen, m.revStamps = prev.revGen, prev.revStamps
	case revs != nil:
		for code, cs := range revs.Councils {
			m.revStamps[code] = gen
			if prev != nil && prev.revs != nil {
				if old, ok := prev.revs.Councils[code]; ok && reflect.DeepEqual(old, cs) {
					m.revStamps[code] = prev.revStamps[code]
				}
			}
		}
	}
	if revs != nil {
		m.league = make([]LeagueRow, len(crawl.league))
		copy(m.league, crawl.league)
		for i := range m.league {
			if r, ok := revs.Scores[m.league[i].Council.Code]; ok {
				m.league[i].Review, m.league[i].HasReview = r, true
			}
		}
	}
	return m
}

// row returns a council's league row (with its review score).
func (m *model) row(code string) (LeagueRow, bool) {
	i, ok := m.crawl.byCode[code]
	if !ok {
		return LeagueRow{}, false
	}
	return m.league[i], true
}

// latestRun is the newest run with scores.
func (m *model) latestRun() (data.Run, bool) {
	if len(m.crawl.runs) == 0 {
		return data.Run{}, false
	}
	return m.crawl.runs[0], true
}

// councilReviews is what the council page and the API show of one
// council's reviews (zero, with the code, when it has none).
func (m *model) councilReviews(code string) (reviews.CouncilSummary, bool) {
	if m.revs == nil {
		return reviews.CouncilSummary{}, false
	}
	cs, ok := m.revs.Councils[code]
	if !ok {
		cs.Score.Council = code
	}
	return cs, true
}

func catScores(cats []string, cs map[string]float64) []CatScore {
	out := make([]CatScore, len(cats))
	for i, cat := range cats {
		v, ok := cs[cat]
		out[i] = CatScore{Category: cat, Score: v, Has: ok}
	}
	return out
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// TrendPoint is a council's scores in one run.
type TrendPoint struct {
	Run        data.Run
	Overall    float64
	HasOverall bool
	Categories []CatScore
	Position   int // league position in that run, 0 when unranked
	Of         int // councils ranked in that run
	// MethodVersion is the scoring method of the run's scores.
	MethodVersion string
}

// runPositions sorts each run's overall scores, best first, so a
// council's position is one plus the number of better scores.
func runPositions(runs []data.Run, scores map[string]map[string]map[string]float64) map[string][]float64 {
	out := make(map[string][]float64, len(runs))
	for _, r := range runs {
		var vs []float64
		for _, cs := range scores[r.ID] {
			if v, ok := cs[scoring.CategoryOverall]; ok {
				vs = append(vs, v)
			}
		}
		sort.Sort(sort.Reverse(sort.Float64Slice(vs)))
		out[r.ID] = vs
	}
	return out
}

// trend returns a council's scores over the runs, oldest first.
func trend(cats []string, runs []data.Run, scores map[string]map[string]map[string]float64, positions map[string][]float64, code string) []TrendPoint {
	var out []TrendPoint
	for i := len(runs) - 1; i >= 0; i-- {
		r := runs[i]
		cs, ok := scores[r.ID][code]
		if !ok {
			continue
		}
		p := TrendPoint{Run: r, Categories: catScores(cats, cs)}
		p.Overall, p.HasOverall = cs[scoring.CategoryOverall]
		if p.HasOverall {
			vs := positions[r.ID]
			p.Of = len(vs)
			better := sort.Search(len(vs), func(i int) bool { return vs[i] <= p.Overall })
			p.Position = better + 1
		}
		out = append(out, p)
	}
	return out
}

// Quartiles of a set of scores.
type Quartiles struct {
	Category string  `json:"category"`
	N        int     `json:"n"`
	Q1       float64 `json:"q1"`
	Median   float64 `json:"median"`
	Q3       float64 `json:"q3"`
}

func quartiles(cat string, vs []float64) Quartiles {
	q := Quartiles{Category: cat, N: len(vs)}
	if len(vs) == 0 {
		return q
	}
	sort.Float64s(vs)
	q.Q1, q.Median, q.Q3 = round1(quantile(vs, 0.25)), round1(quantile(vs, 0.5)), round1(quantile(vs, 0.75))
	return q
}

// quantile interpolates linearly between closest ranks (sorted input).
func quantile(vs []float64, p float64) float64 {
	if len(vs) == 1 {
		return vs[0]
	}
	pos := p * float64(len(vs)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	return vs[lo] + (vs[hi]-vs[lo])*(pos-float64(lo))
}

// PeerGroup describes a council's peers: same type and nation.
type PeerGroup struct {
	Label  string      `json:"label"`
	Type   string      `json:"type"`
	Nation string      `json:"nation"`
	N      int         `json:"councils"`
	Stats  []Quartiles `json:"quartiles"` // overall first, then categories
}

// peerStats are one peer group's figures.
type peerStats struct {
	n     int
	stats []Quartiles
}

func peerKey(c data.Council) string {
	return strings.ToLower(c.Type) + "\x00" + strings.ToLower(c.Nation)
}

func peerLabel(c data.Council) string {
	t := c.Type
	if t == "" {
		t = c.Tier
	}
	return fmt.Sprintf("%s councils in %s", strings.ToLower(t), c.Nation)
}

// newPeerTable computes every peer group's statistics from the league.
func newPeerTable(cats []string, league []LeagueRow) peerTable {
	type acc struct {
		n    int
		vals map[string][]float64
	}
	groups := map[string]*acc{}
	for _, r := range league {
		k := peerKey(r.Council)
		a := groups[k]
		if a == nil {
			a = &acc{vals: map[string][]float64{}}
			groups[k] = a
		}
		a.n++
		if r.HasScore {
			a.vals[scoring.CategoryOverall] = append(a.vals[scoring.CategoryOverall], r.Score)
		}
		for _, cs := range r.Categories {
			if cs.Has {
				a.vals[cs.Category] = append(a.vals[cs.Category], cs.Score)
			}
		}
	}
	out := make(peerTable, len(groups))
	for k, a := range groups {
		out[k] = peerStats{n: a.n, stats: peerQuartiles(cats, a.vals)}
	}
	return out
}

func peerQuartiles(cats []string, vals map[string][]float64) []Quartiles {
	out := []Quartiles{quartiles(scoring.CategoryOverall, vals[scoring.CategoryOverall])}
	for _, cat := range cats {
		out = append(out, quartiles(cat, vals[cat]))
	}
	return out
}

// peers returns a council's peer group.
func (m *model) peers(cats []string, c data.Council) PeerGroup { return m.crawl.peers.group(cats, c) }

// peerTable is every peer group's figures, by peerKey.
type peerTable map[string]peerStats

// group returns a council's peer group.
func (pt peerTable) group(cats []string, c data.Council) PeerGroup {
	pg := PeerGroup{Label: peerLabel(c), Type: c.Type, Nation: c.Nation}
	ps, ok := pt[peerKey(c)]
	if !ok {
		ps.stats = peerQuartiles(cats, nil)
	}
	pg.N, pg.Stats = ps.n, ps.stats
	return pg
}

// Bin is one bar of the score distribution.
type Bin struct {
	Label string
	Lo    float64
	Hi    float64 // exclusive, except for the last bin (100 included)
	N     int
	Here  bool // the council being shown falls in this bin
}

func binIndex(v float64) int { return min(max(int(v/10), 0), 9) }

// distributionCounts counts the league's overall scores in tens.
func distributionCounts(league []LeagueRow) []int {
	n := make([]int, 10)
	for _, r := range league {
		if r.HasScore {
			n[binIndex(r.Score)]++
		}
	}
	return n
}

// distribution bins the latest overall scores in tens, marking a score.
func (m *model) distribution(mark float64, hasMark bool) []Bin {
	return m.crawl.distribution(mark, hasMark)
}

func (cm *crawlModel) distribution(mark float64, hasMark bool) []Bin {
	bins := make([]Bin, 10)
	for i := range bins {
		lo := float64(i * 10)
		hi := lo + 10
		bins[i] = Bin{Lo: lo, Hi: hi, Label: fmt.Sprintf("%d to %d", int(lo), int(hi)), N: cm.bins[i]}
		if i < 9 {
			bins[i].Label = fmt.Sprintf("%d to under %d", int(lo), int(hi))
		}
	}
	if hasMark {
		bins[binIndex(mark)].Here = true
	}
	return bins
}

// TaskResult is one check's verdict for one top task.
type TaskResult struct {
	CheckID string
	Label   string
	Verdict string // passed, failed, not checked
}

// findability judges each top task for one council from its findability
// check statistics and its per-task findings.
func findability(cat catalogue, results []data.CheckResult, tcs []data.TaskCheck) map[string][]TaskResult {
	applied := map[string]bool{}
	for _, r := range results {
		if r.PagesTotal > 0 {
			applied[r.CheckID] = true
		}
	}
	failed := map[string]bool{}
	for _, t := range tcs {
		if t.N > 0 {
			failed[t.Task+"\x00"+t.CheckID] = true
		}
	}
	out := map[string][]TaskResult{}
	for _, t := range cat.tasks {
		for _, id := range cat.taskChecks {
			v := TaskResult{CheckID: id, Label: cat.method.TaskCheckLabel(id), Verdict: "not checked"}
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

// TaskPoint is one task's findability and review indexes.
type TaskPoint struct {
	Task        scoring.Task
	Findability float64
	HasFind     bool
	Review      float64
	HasReview   bool
	ReviewN     int
	Councils    int // councils the findability index covers
}

// taskFindability computes, per task, the mean findability index over the
// councils of a run (results and task checks grouped by council).
func taskFindability(cat catalogue, results map[string][]data.CheckResult, tcs map[string][]data.TaskCheck) []TaskPoint {
	pts := make([]TaskPoint, len(cat.tasks))
	for i, t := range cat.tasks {
		pts[i].Task = t
	}
	sums := make([]float64, len(cat.tasks))
	// Councils in code order: the sums are the same whatever the order,
	// bit for bit.
	codes := make([]string, 0, len(results))
	for code := range results {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		f := findability(cat, results[code], tcs[code])
		for i, t := range cat.tasks {
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
	return pts
}

// taskPoints adds the review index (weighted by number of reviews) to the
// findability of each task.
func (m *model) taskPoints() []TaskPoint {
	pts := append([]TaskPoint(nil), m.crawl.find...)
	if m.revs == nil {
		return pts
	}
	sum := map[string]float64{}
	n := map[string]int{}
	for _, tr := range m.revs.Tasks {
		sum[tr.Task] += tr.Score * float64(tr.N)
		n[tr.Task] += tr.N
	}
	for i := range pts {
		if k := n[pts[i].Task.ID]; k > 0 {
			pts[i].Review, pts[i].HasReview, pts[i].ReviewN = round1(sum[pts[i].Task.ID]/float64(k)), true, k
		}
	}
	return pts
}

type checkSummary struct {
	Check    scoring.Check
	Applied  int
	Passing  int
	Findings int
}

func summarise(results []data.CheckResult) map[string]*checkSummary {
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

type offender struct {
	Council data.Council
	Result  data.CheckResult
	Share   float64
}

func newCheckModel(ch scoring.Check, sum *checkSummary, results []data.CheckResult, names map[string]data.Council) checkModel {
	cm := checkModel{summary: checkSummary{Check: ch}}
	if sum != nil {
		cm.summary.Applied, cm.summary.Passing, cm.summary.Findings = sum.Applied, sum.Passing, sum.Findings
	}
	for _, r := range results {
		if r.PagesTotal > 0 && r.PagesAffected > 0 {
			cm.failing++
			co, ok := names[r.Council]
			if !ok {
				co = data.Council{Code: r.Council, Name: r.Council}
			}
			cm.offenders = append(cm.offenders, offender{Council: co, Result: r, Share: float64(r.PagesAffected) / float64(r.PagesTotal)})
		}
	}
	sort.SliceStable(cm.offenders, func(i, j int) bool {
		a, b := cm.offenders[i], cm.offenders[j]
		if a.Share != b.Share {
			return a.Share > b.Share
		}
		if a.Result.Findings != b.Result.Findings {
			return a.Result.Findings > b.Result.Findings
		}
		return a.Council.Name < b.Council.Name
	})
	if len(cm.offenders) > maxOffenders {
		cm.offenders = cm.offenders[:maxOffenders]
	}
	return cm
}
