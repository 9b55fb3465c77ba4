package dashboard

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/reviews"
	"github.com/councildash/councildash/scoring"
)

// The read model and the pages' view models, from rows made up here: no
// ClickHouse. The HTTP tests (dashboard_test.go) run the same builders over
// real crawls.

var (
	tNow  = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	tRuns = []data.Run{ // newest first, as the store lists them
		{ID: "run-live", Status: data.RunRunning, StartedAt: tNow, SitesTotal: 382, SitesDone: 2, Pages: 120, PageErrors: 3},
		{ID: "run-2", Status: data.RunFinished, StartedAt: tNow.Add(-7 * 24 * time.Hour), MethodVersion: "2026.1"},
		{ID: "run-1", Status: data.RunFinished, StartedAt: tNow.Add(-14 * 24 * time.Hour), MethodVersion: "2026.1"},
	}
	tCouncils = []data.Council{ // by name
		{Code: "A", Name: "Alpha District Council", Type: "District", Nation: "England", Region: "East", HomepageURL: "https://alpha.example/"},
		{Code: "B", Name: "Beta District Council", Type: "District", Nation: "England", Region: "West", HomepageURL: "https://beta.example/"},
		{Code: "C", Name: "Gamma Unitary Council", Type: "Unitary", Nation: "Wales", HomepageURL: "https://gamma.example/"},
		{Code: "D", Name: "Delta Never Crawled Council", Type: "District", Nation: "England", HomepageURL: "https://delta.example/"},
	}
)

// scoreRows gives a council its overall and category scores in a run (a
// category scored v plus its index).
func scoreRows(run, code string, overall float64) []data.ScoreRow {
	out := []data.ScoreRow{{RunID: run, Council: code, Category: scoring.CategoryOverall, Score: overall, MethodVersion: "2026.1"}}
	for i, cat := range scoring.Categories() {
		out = append(out, data.ScoreRow{RunID: run, Council: code, Category: cat, Score: overall + float64(i), MethodVersion: "2026.1"})
	}
	return out
}

// testInput: A and B crawled twice, C once (run 1); the running crawl has
// finished A only.
func testInput(cat catalogue) crawlInput {
	var rows []data.ScoreRow
	rows = append(rows, scoreRows("run-1", "A", 60)...)
	rows = append(rows, scoreRows("run-1", "B", 70)...)
	rows = append(rows, scoreRows("run-1", "C", 80)...)
	rows = append(rows, scoreRows("run-2", "A", 75)...)
	rows = append(rows, scoreRows("run-2", "B", 65)...)
	rows = append(rows, scoreRows("run-live", "A", 82)...)
	in := crawlInput{councils: tCouncils, runs: tRuns, scores: rows,
		results: map[string][]data.CheckResult{}, taskChecks: map[string][]data.TaskCheck{}}
	for _, run := range neededRuns(tCouncils, tRuns, rows) {
		codes := map[string][]string{"run-live": {"A"}, "run-2": {"A", "B"}, "run-1": {"A", "B", "C"}}[run]
		for ci, code := range codes {
			for k, ch := range cat.checks {
				r := data.CheckResult{Council: code, CheckID: ch.ID, Category: ch.Category, PagesTotal: 10, Score: 50, HasScore: true}
				if (k+ci)%3 == 0 { // a third of the checks fail, more on some pages
					r.PagesAffected, r.Findings = 1+ci+k%4, 2*(1+ci+k%4)
				}
				if ch.ID == "a11y-skip-link" {
					r.PagesAffected, r.Findings = ci+1, ci+1
				}
				in.results[run] = append(in.results[run], r)
			}
			// Every council fails the home page link of council tax.
			in.taskChecks[run] = append(in.taskChecks[run], data.TaskCheck{Council: code, Task: "pay-council-tax", CheckID: "task-home-link", N: 1})
		}
	}
	return in
}

func testOverview() *reviews.Overview {
	ov := &reviews.Overview{Scores: map[string]reviews.CouncilScore{}, Councils: map[string]reviews.CouncilSummary{}}
	ov.Scores["B"] = reviews.CouncilScore{Council: "B", Score: 90, N: 6, Ranked: true, DemoN: 1}
	ov.Tasks = []reviews.TaskAggregate{{Council: "B", Task: "pay-council-tax", N: 4, Score: 80}, {Council: "B", Task: "register-to-vote", N: 2, Score: 50},
		{Council: "C", Task: "pay-council-tax", N: 1, Score: 20}}
	ov.Councils["B"] = reviews.CouncilSummary{Score: ov.Scores["B"], Tasks: ov.Tasks[:2],
		Comments:  []reviews.ReviewState{{Review: reviews.Review{Council: "B", Task: "pay-council-tax", Comment: "Quick", Kind: reviews.KindPeer, Demo: true}}},
		Responses: []reviews.Response{{Council: "B", Text: "Thanks"}}}
	return ov
}

func testModel(t *testing.T) (site, *model) {
	t.Helper()
	cat, err := newCatalogue(scoring.CurrentMethod())
	if err != nil {
		t.Fatal(err)
	}
	cm := newCrawlModel(cat, testInput(cat))
	cm.gen = 1
	by := map[string]data.Council{}
	for _, c := range tCouncils {
		by[c.Code] = c
	}
	opts, err := newCouncilOptions(tCouncils)
	if err != nil {
		t.Fatal(err)
	}
	st := site{cat: cat, councils: tCouncils, byCode: by, method: "2026.1", reviewsOn: true, reviewForm: true, options: opts}
	return st, withReviews(1, cm, testOverview(), nil)
}

func TestModelLeagueTrendAndPeers(t *testing.T) {
	st, m := testModel(t)
	// The newest run with scores is the running one; each council's row is
	// its newest scored run, with the change since the one before.
	if run, ok := m.latestRun(); !ok || run.ID != "run-live" {
		t.Fatalf("latest run %v %v", run.ID, ok)
	}
	var order []string
	for _, r := range m.league {
		order = append(order, fmt.Sprintf("%s:%d:%s:%.1f", r.Council.Code, r.Rank, r.RunID, r.Change))
	}
	if got := strings.Join(order, " "); got != "A:1:run-live:7.0 C:2:run-1:0.0 B:3:run-2:-5.0" {
		t.Errorf("league %s", got)
	}
	if r, _ := m.row("C"); r.HasChange {
		t.Error("C was crawled once but has a change")
	}
	if r, _ := m.row("B"); !r.HasReview || r.Review.Score != 90 {
		t.Errorf("B's review score: %+v", r.Review)
	}
	if _, ok := m.row("D"); ok {
		t.Error("D was never crawled but has a row")
	}
	// Trend: oldest first, with the league position in each run.
	var tr []string
	for _, p := range m.crawl.councils["A"].trend {
		tr = append(tr, fmt.Sprintf("%s:%v:%d/%d", p.Run.ID, p.Overall, p.Position, p.Of))
	}
	if got := strings.Join(tr, " "); got != "run-1:60:3/3 run-2:75:1/2 run-live:82:1/1" {
		t.Errorf("A's trend %s", got)
	}
	// Peers: A and B are the district councils in England with scores.
	pg := m.peers(st.cat.cats, tCouncils[0])
	if pg.N != 2 || pg.Label != "district councils in England" || pg.Stats[0].Median != 73.5 || pg.Stats[0].Q1 != 69.3 {
		t.Errorf("A's peers %+v", pg)
	}
	if pg := m.peers(st.cat.cats, data.Council{Type: "County", Nation: "Scotland"}); pg.N != 0 || len(pg.Stats) != 1+len(st.cat.cats) {
		t.Errorf("empty peer group %+v", pg)
	}
	bins := m.distribution(82, true)
	if bins[6].N != 1 || bins[7].N != 0 || bins[8].N != 2 || !bins[8].Here || bins[9].Label != "90 to 100" {
		t.Errorf("distribution %+v", bins)
	}
}

func TestBuildHome(t *testing.T) {
	st, m := testModel(t)
	q, err := parseHome(url.Values{"nation": {"england"}, "sort": {"name"}, "dir": {"desc"}}, st.cat.cats)
	if err != nil {
		t.Fatal(err)
	}
	p := buildHome(st, m, q)
	if len(p.Rows) != 2 || p.Rows[0].Council.Code != "B" || p.Rows[1].Council.Code != "A" || !p.Filtered || p.Total != 3 {
		t.Errorf("filtered, by name descending: %d rows, %+v", len(p.Rows), p.Rows)
	}
	if len(p.Unscored) != 1 || p.Unscored[0].Code != "D" || len(p.Running) != 1 || p.Running[0].Pages != 120 {
		t.Errorf("unscored %v running %v", p.Unscored, p.Running)
	}
	if !p.HasRun || p.ExportRun != "run-live" {
		t.Errorf("export run %q", p.ExportRun)
	}
	var keys []string
	for _, c := range p.Columns {
		keys = append(keys, c.Key+"="+c.AriaSort)
	}
	if got := strings.Join(keys, " "); !strings.HasPrefix(got, "name=descending score=none content=none") || !strings.HasSuffix(got, "review=none reviews=none change=none") {
		t.Errorf("columns %s", got)
	}
	if !strings.Contains(p.Columns[0].URL, "dir=asc") || !strings.Contains(p.Columns[0].URL, "nation=england") {
		t.Errorf("name column flips the direction and keeps the filter: %s", p.Columns[0].URL)
	}
	// Sorted by review score: councils without reviews last.
	q, _ = parseHome(url.Values{"sort": {"review"}}, st.cat.cats)
	if p := buildHome(st, m, q); p.Rows[0].Council.Code != "B" {
		t.Errorf("by review: %s first", p.Rows[0].Council.Code)
	}
	for _, bad := range []url.Values{{"sort": {"council_code"}}, {"dir": {"up"}}, {"q": {strings.Repeat("x", 101)}}} {
		_, err := parseHome(bad, st.cat.cats)
		var pe *ParamError
		if !errors.Is(err, ErrBadRequest) || !errors.As(err, &pe) || bad.Get(pe.Param) == "" {
			t.Errorf("%v: %v (a bad request naming the parameter)", bad, err)
		}
	}
}

func TestBuildCouncil(t *testing.T) {
	st, m := testModel(t)
	ev := evidence{
		findings: []data.Finding{{CheckID: "a11y-skip-link", URL: "https://alpha.example/a"}, {CheckID: "a11y-skip-link", URL: "https://alpha.example/a"},
			{CheckID: "a11y-skip-link", URL: "javascript:x"}},
		worst: []data.PageCount{{CheckID: "a11y-skip-link", URL: "https://alpha.example/a", N: 2}, {CheckID: "a11y-skip-link", URL: "https://alpha.example/"}},
	}
	p := buildCouncil(st, m, tCouncils[0], ev, nil)
	if !p.HasRow || p.Run.ID != "run-live" || p.RunsInTrend != 3 || p.LeagueLength != 3 || p.Radar.Option == "" || p.TrendChart.Option == "" {
		t.Fatalf("summary %+v", p.Row)
	}
	for _, cv := range p.Categories {
		seenPassing := false
		for _, ch := range cv.Checks { // failing checks first
			failing := ch.Applied && ch.Result.PagesAffected > 0
			if failing && seenPassing {
				t.Errorf("%s: failing check %s after a passing one", cv.Category, ch.Check.ID)
			}
			seenPassing = seenPassing || !failing
		}
		if cv.Category == scoring.CatAccessibility {
			for _, ch := range cv.Checks {
				if ch.Check.ID != "a11y-skip-link" {
					continue
				}
				// The worst page is linked, later mentions of it are not,
				// the home page is linked from the summary, and a script
				// URL never.
				var links []bool
				for _, w := range ch.Worst {
					links = append(links, w.Link)
				}
				for _, e := range ch.Evidence {
					links = append(links, e.Link)
				}
				if fmt.Sprint(links) != "[true false false false false]" || ch.Passed != 9 {
					t.Errorf("skip link: links %v, passed %d", links, ch.Passed)
				}
				if string(ch.HTML.Link) != `<a class="govuk-link" href="/checks/a11y-skip-link">Skip to main content link</a>` ||
					!strings.Contains(string(ch.HTML.Head), `<details class="govuk-details app-check" id="check-a11y-skip-link">`) ||
					!strings.HasSuffix(string(ch.HTML.Head), `<span class="govuk-details__summary-text">Skip to main content link</span>`) ||
					!strings.Contains(string(ch.HTML.Body), `href="/checks/a11y-skip-link">a11y-skip-link</a>`) ||
					!strings.Contains(string(ch.HTML.Guide), "Bypass Blocks") ||
					!strings.Contains(string(ch.Figures), "Pages checked</dt>") {
					t.Errorf("skip link's HTML %q / %q", ch.HTML.Link, ch.HTML.Head)
				}
			}
		}
	}
	// Tasks: council tax fails the home page link; the other checks passed.
	tv := p.Tasks[0]
	if tv.Task.ID != "pay-council-tax" || tv.Results[0].Verdict != "failed" || tv.Results[0].Label != "Linked from the home page" ||
		tv.Results[1].Verdict != "passed" || tv.Results[1].Label != "Within 3 clicks" || !tv.HasIndex || tv.Index != 75 {
		t.Errorf("council tax: %+v", tv)
	}
	if !p.HasReviews || p.Reviews.Score.N != 0 {
		t.Errorf("A has no reviews: %+v", p.Reviews)
	}
	// B: reviews with the comment's task by name.
	pb := buildCouncil(st, m, tCouncils[1], evidence{}, nil)
	if len(pb.Reviews.Comments) != 1 || pb.Reviews.Comments[0].Task != "Pay council tax" || pb.Reviews.Comments[0].Kind != reviews.KindPeer ||
		!pb.Tasks[0].HasReview || pb.Tasks[0].Review.Score != 80 || len(pb.Reviews.Responses) != 1 {
		t.Errorf("B's reviews: %+v", pb.Reviews)
	}
	// D: never crawled; every task check not checked.
	pd := buildCouncil(st, m, tCouncils[3], evidence{}, nil)
	if pd.HasRow || pd.RunsInTrend != 0 || pd.Tasks[0].HasIndex || pd.Tasks[0].Results[0].Verdict != "not checked" {
		t.Errorf("D: %+v", pd.Tasks[0])
	}
}

func TestBuildCompareChecksTasksData(t *testing.T) {
	st, m := testModel(t)
	p := buildCompare(st, m, []string{"A", "nope", "A"})
	if p.Error == "" || len(p.Cols) != 0 {
		t.Errorf("one council: %+v", p)
	}
	p = buildCompare(st, m, []string{"A", "B", "D"})
	if p.Error != "" || len(p.Cols) != 3 || len(p.Lines) != 1+len(st.cat.cats) {
		t.Fatalf("three councils: %+v", p)
	}
	if c := p.Lines[0].Cells[0]; !c.Has || c.Score != 82 || c.Position != "top quarter of peers" {
		t.Errorf("A's site score cell %+v", c)
	}
	if c := p.Lines[0].Cells[2]; c.Has || c.Position != "" {
		t.Errorf("D's cell %+v", c)
	}
	if o := string(p.Selects[1].Options); !strings.Contains(o, `<option value="B" selected>Beta District Council</option>`) || strings.Count(o, " selected") != 1 ||
		!strings.HasPrefix(o, `<option value="">Choose a council</option>`) {
		t.Errorf("second select %s", o)
	}
	if o := string(p.Selects[4].Options); !strings.HasPrefix(o, `<option value="" selected>Choose a council</option>`) || strings.Count(o, "<option") != 1+len(tCouncils) {
		t.Errorf("fifth select %s", o)
	}

	// Checks of the latest run (the running one: A only).
	cp := buildChecks(st, m)
	if !cp.HasRun || cp.Run.ID != "run-live" || len(cp.Groups) != len(st.cat.cats) {
		t.Fatalf("checks page %+v", cp.Run)
	}
	ck := buildCheck(st, m, st.cat.checkBy["a11y-skip-link"], nil)
	if ck.Failing != 1 || len(ck.Offenders) != 1 || ck.Offenders[0].Council.Code != "A" || ck.Offenders[0].Share != 0.1 || ck.Summary.Applied != 1 {
		t.Errorf("skip link check %+v", ck)
	}

	// Tasks: findability over the councils of the latest run; reviews
	// weighted by their number.
	tp := buildTasks(st, m)
	if pt := tp.Points[0]; !pt.HasFind || pt.Findability != 75 || pt.Councils != 1 || !pt.HasReview || pt.Review != 68 || pt.ReviewN != 5 {
		t.Errorf("council tax point %+v", pt)
	}
	if tp.Plotted != 2 {
		t.Errorf("plotted %d", tp.Plotted)
	}

	dp := buildData(st, m)
	if len(dp.Runs) != 3 || dp.Latest.ID != "run-live" || len(dp.Dictionary) != 3 {
		t.Errorf("data page %+v", dp)
	}
}

// TestReviewStamps: a change of one council's reviews renews its stamp
// only; reviews that did not change keep every stamp and the review
// generation.
func TestReviewStamps(t *testing.T) {
	_, m := testModel(t)
	same := withReviews(2, m.crawl, m.revs, m)
	if same.revGen != m.revGen || same.revStamps["B"] != m.revStamps["B"] {
		t.Errorf("unchanged reviews: gen %d stamps %v", same.revGen, same.revStamps)
	}
	ov := testOverview()
	cs := ov.Councils["B"]
	cs.Responses = append(cs.Responses, reviews.Response{Council: "B", Text: "More"})
	ov.Councils["B"] = cs
	ov.Councils["C"] = reviews.CouncilSummary{Score: reviews.CouncilScore{Council: "C", N: 1}}
	m3 := withReviews(3, m.crawl, ov, same)
	if m3.revGen != 3 || m3.revStamps["B"] != 3 || m3.revStamps["C"] != 3 || m3.revStamps["A"] != 0 {
		t.Errorf("B changed, C new: gen %d stamps %v", m3.revGen, m3.revStamps)
	}
	ov2 := testOverview()
	ov2.Councils["B"] = cs
	ov2.Councils["C"] = ov.Councils["C"]
	ov2.Scores["C"] = reviews.CouncilScore{Council: "C", N: 1}
	m4 := withReviews(4, m.crawl, ov2, m3)
	if m4.revStamps["B"] != 3 || m4.revStamps["C"] != 3 {
		t.Errorf("only the scores changed: stamps %v", m4.revStamps)
	}
}

// TestTrustedProxies: a trusted proxy that is not an IP address or a CIDR
// range stops the server from starting.
func TestTrustedProxies(t *testing.T) {
	for _, ok := range [][]string{nil, {"127.0.0.1"}, {"10.0.0.0/8", "::1", "fd00::/8"}} {
		if _, err := New(Deps{Store: &data.Store{}, TrustedProxies: ok}); err != nil {
			t.Errorf("%v: %v", ok, err)
		}
	}
	for _, bad := range [][]string{{"proxy.example"}, {"10.0.0.1/33"}, {"127.0.0.1", "10.0.0"}} {
		if _, err := New(Deps{Store: &data.Store{}, TrustedProxies: bad}); err == nil || !strings.Contains(err.Error(), "trusted proxy") {
			t.Errorf("%v accepted: %v", bad, err)
		}
	}
}
