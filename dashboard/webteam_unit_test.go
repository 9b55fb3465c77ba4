package dashboard

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// The web team's pieces, from rows made up here: no ClickHouse.

func TestCheckCostsAddUpToThePointsLost(t *testing.T) {
	m := scoring.CurrentMethod()
	// Scores made by the method itself, so the category and site scores
	// are what the dashboard reads.
	stats := []scoring.CheckStat{
		{CheckID: "a11y-image-alt", Category: scoring.CatAccessibility, PagesTotal: 10, PagesAffected: 5, Findings: 20},
		{CheckID: "a11y-skip-link", Category: scoring.CatAccessibility, PagesTotal: 10, PagesAffected: 2, Findings: 2},
		{CheckID: "a11y-label", Category: scoring.CatAccessibility, PagesTotal: 10},
		{CheckID: "lgd-ampersand", Category: scoring.CatContent, PagesTotal: 10, PagesAffected: 10, Findings: 30},
		{CheckID: "lgd-bold-overuse", Category: scoring.CatContent, PagesTotal: 10, PagesAffected: 3, Findings: 3},
		{CheckID: "tech-https", Category: scoring.CatTechnical, PagesTotal: 1, PagesAffected: 1, Findings: 1},
		{CheckID: "tech-status", Category: scoring.CatTechnical, PagesTotal: 10},
	}
	scores := m.Score(stats)
	var results []data.CheckResult
	catScore := map[string]float64{}
	var overall float64
	for _, s := range scores {
		switch {
		case s.CheckID != "":
			for _, st := range stats {
				if st.CheckID == s.CheckID {
					results = append(results, data.CheckResult{CheckID: st.CheckID, Category: st.Category, PagesTotal: st.PagesTotal,
						PagesAffected: st.PagesAffected, Findings: st.Findings, Score: s.Score, HasScore: true})
				}
			}
		case s.Category == scoring.CategoryOverall:
			overall = s.Score
		default:
			catScore[s.Category] = s.Score
		}
	}
	cats := catScores(scoring.Categories(), catScore)
	costs := checkCosts(m, cats, results)
	var sum, shares float64
	for id, c := range costs {
		if c.Points < 0 || c.Share < 0 || c.Share > 1 {
			t.Errorf("%s: %+v", id, c)
		}
		sum += c.Points
		shares += c.Share
	}
	// The scores are rounded to a tenth: the costs add up to the points
	// lost within that.
	if math.Abs(sum-(100-overall)) > 0.3 || math.Abs(shares-1) > 1e-9 {
		t.Errorf("costs add up to %.2f points (shares %.3f); the site loses %.1f", sum, shares, 100-overall)
	}
	if _, ok := costs["a11y-label"]; ok {
		t.Error("a check that scores 100 costs points")
	}
	// tech-https is the only check of its category to lose points: it
	// costs its category's share of the site score (weight 1 of 4) times
	// the points the category loses.
	if want := 0.25 * (100 - catScore[scoring.CatTechnical]); math.Abs(costs["tech-https"].Points-want) > 1e-9 {
		t.Errorf("tech-https costs %.2f, want %.2f", costs["tech-https"].Points, want)
	}
	// The fix-first list is in order of points lost.
	ids := fixFirstIDs(costs)
	for i := 1; i < len(ids); i++ {
		if costs[ids[i]].Points > costs[ids[i-1]].Points {
			t.Errorf("fix first out of order: %v", ids)
		}
	}
	// A check the method weighs 0 (an advisory check) costs nothing, and
	// the others of its category share the category's points lost.
	m2 := scoring.CurrentMethod()
	m2.CheckWeights["tech-https"] = 0
	costs2 := checkCosts(m2, cats, results)
	if _, ok := costs2["tech-https"]; ok {
		t.Error("a check weighing 0 costs points")
	}
	for _, id := range fixFirstIDs(costs2) {
		if id == "tech-https" {
			t.Error("a check weighing 0 is in the fix-first list")
		}
	}
	if len(fixFirstIDs(costs)) > fixFirstMax {
		t.Error("fix-first list too long")
	}
}

// TestFixFirstUnderTheCurrentMethod scores a site with the method in force
// (2026.2: its check weights, its content floor and its advisory checks)
// and requires the fix-first list to rank by those weights, with the
// advisory checks, however many findings they have, costing nothing.
func TestFixFirstUnderTheCurrentMethod(t *testing.T) {
	m := scoring.CurrentMethod()
	if m.Version != "2026.2" {
		t.Fatalf("method %s: this test is written for 2026.2's weights", m.Version)
	}
	if len(m.Advisory) == 0 {
		t.Fatal("the method has no advisory check")
	}
	var stats []scoring.CheckStat
	for _, c := range scoring.Catalog() {
		st := scoring.CheckStat{CheckID: c.ID, Category: c.Category, PagesTotal: 20, Words: 10000}
		switch {
		case m.Advisory[c.ID] != "":
			st.PagesAffected, st.Findings = 20, 200 // as bad as it gets
		case c.ID == "lgd-you-and-us" || c.ID == "lgd-ampersand":
			// the same findings: 2026.2 weighs the first 4, the second 0.5
			st.PagesAffected, st.Findings = 10, 40
		}
		stats = append(stats, st)
	}
	catScore := map[string]float64{}
	var overall float64
	var results []data.CheckResult
	for _, s := range m.Score(stats) {
		switch {
		case s.CheckID != "":
			for _, st := range stats {
				if st.CheckID == s.CheckID {
					results = append(results, data.CheckResult{CheckID: st.CheckID, Category: st.Category, PagesTotal: st.PagesTotal,
						PagesAffected: st.PagesAffected, Findings: st.Findings, Score: s.Score, HasScore: true})
				}
			}
		case s.Category == scoring.CategoryOverall:
			overall = s.Score
		default:
			catScore[s.Category] = s.Score
		}
	}
	costs := checkCosts(m, catScores(scoring.Categories(), catScore), results)
	var sum float64
	for id, c := range costs {
		if m.Advisory[id] != "" {
			t.Errorf("advisory check %s costs %.2f points", id, c.Points)
		}
		sum += c.Points
	}
	if math.Abs(sum-(100-overall)) > 0.3 {
		t.Errorf("costs add up to %.2f points; the site loses %.1f", sum, 100-overall)
	}
	ids := fixFirstIDs(costs)
	for _, id := range ids {
		if m.Advisory[id] != "" {
			t.Errorf("advisory check %s is in the fix-first list %v", id, ids)
		}
	}
	you, amp := costs["lgd-you-and-us"].Points, costs["lgd-ampersand"].Points
	if len(ids) < 2 || ids[0] != "lgd-you-and-us" || you <= 0 || amp <= 0 {
		t.Fatalf("fix first %v (you and us %.2f, ampersand %.2f): want lgd-you-and-us first", ids, you, amp)
	}
	// Same findings, so the costs are in the ratio of the weights times the
	// points each check loses.
	var sYou, sAmp float64
	for _, r := range results {
		switch r.CheckID {
		case "lgd-you-and-us":
			sYou = r.Score
		case "lgd-ampersand":
			sAmp = r.Score
		}
	}
	want := m.CheckWeight("lgd-you-and-us") * (100 - sYou) / (m.CheckWeight("lgd-ampersand") * (100 - sAmp))
	if math.Abs(you/amp-want) > 1e-9 {
		t.Errorf("lgd-you-and-us costs %.3f times lgd-ampersand, want %.3f (weights %v and %v)", you/amp, want,
			m.CheckWeight("lgd-you-and-us"), m.CheckWeight("lgd-ampersand"))
	}
}

func TestMatchCouncil(t *testing.T) {
	leeds := data.Council{Code: "E08000035", Name: "Leeds City Council", Region: "Yorkshire and The Humber", Nation: "England",
		HomepageURL: "https://www.leeds.gov.uk/", Type: "Metropolitan district"}
	kingston := data.Council{Code: "E09000021", Name: "Royal Borough of Kingston upon Thames", Region: "London", Nation: "England"}
	bh := data.Council{Code: "E06000043", Name: "Brighton & Hove City Council", Region: "South East", Nation: "England"}
	for _, tc := range []struct {
		q    string
		c    data.Council
		want bool
	}{
		{"Leeds", leeds, true},
		{"leeds city council", leeds, true},
		{"LEEDS CC", leeds, false},
		{"lee", leeds, true},
		{"Yorkshire", leeds, true},
		{"leeds.gov.uk", leeds, true},
		{"e08000035", leeds, true},
		{"Bradford", leeds, false},
		{"Kingston", kingston, true},
		{"kingston upon thames", kingston, true},
		{"Brighton and Hove", bh, true},
		{"brighton & hove", bh, true},
		{"council", leeds, true}, // only generic words: they count
		{"", leeds, false},
	} {
		if got := matchCouncil(tc.q, tc.c); got != tc.want {
			t.Errorf("%q ~ %s: %v", tc.q, tc.c.Name, got)
		}
	}
}

func TestBestPeersAndChanges(t *testing.T) {
	st, _ := testModel(t)
	names := map[string]data.Council{}
	for _, c := range tCouncils {
		names[c.Code] = c
	}
	res := []data.CheckResult{
		{Council: "A", CheckID: "x", PagesTotal: 10, Score: 80, HasScore: true, Findings: 3},
		{Council: "B", CheckID: "x", PagesTotal: 10, Score: 90, HasScore: true, Findings: 1},
		{Council: "D", CheckID: "x", PagesTotal: 5, Score: 90, HasScore: true, Findings: 0},
		{Council: "C", CheckID: "x", PagesTotal: 10, Score: 100, HasScore: true}, // another type
		{Council: "Z", CheckID: "x", PagesTotal: 10, Score: 100, HasScore: true}, // not in the register
		{Council: "A", CheckID: "y", PagesTotal: 0},                              // did not apply
	}
	best := bestPeers(res, names)
	district := best["x"]["district"]
	if len(district) != 3 || district[0].Council.Code != "D" || district[1].Council.Code != "B" || district[2].Council.Code != "A" {
		t.Errorf("district peers on x: %+v", district)
	}
	if len(best["y"]) != 0 || len(best["x"]["unitary"]) != 1 {
		t.Errorf("peers: %+v", best)
	}
	cm := &crawlModel{peerBest: best}
	if ps := cm.peersFor("x", tCouncils[1], 0); len(ps) != 2 || ps[0].Council.Code != "D" || ps[1].Council.Code != "A" {
		t.Errorf("B's peers leave B out: %+v", ps)
	}
	if ps := cm.peersFor("x", tCouncils[0], 80); len(ps) != 2 || ps[0].Council.Code != "D" || ps[1].Council.Code != "B" {
		t.Errorf("A's peers are those doing better than its 80: %+v", ps)
	}

	before := []data.CheckResult{{CheckID: "a11y-skip-link", PagesTotal: 10, Score: 50, HasScore: true}, {CheckID: "lgd-ampersand", PagesTotal: 10, Score: 90, HasScore: true},
		{CheckID: "tech-status", PagesTotal: 10, Score: 70, HasScore: true}}
	after := []data.CheckResult{{CheckID: "a11y-skip-link", PagesTotal: 10, Score: 80, HasScore: true}, {CheckID: "lgd-ampersand", PagesTotal: 10, Score: 60, HasScore: true},
		{CheckID: "tech-status", PagesTotal: 10, Score: 70, HasScore: true}, {CheckID: "read-flesch", PagesTotal: 10, Score: 10, HasScore: true}}
	better, worse := checkChanges(st.cat, before, after)
	if len(better) != 1 || better[0].Check.ID != "a11y-skip-link" || better[0].Change != 30 || len(worse) != 1 || worse[0].Change != -30 {
		t.Errorf("better %+v worse %+v", better, worse)
	}
}

func TestDemoMarks(t *testing.T) {
	now := time.Date(2026, 12, 1, 17, 5, 0, 0, time.UTC)
	live := data.Run{ID: "l", StartedAt: now, Label: "live crawl", Status: data.RunFinished}
	demo := data.Run{ID: "d", StartedAt: now, Label: "demo run 2: x", Demo: true, Status: data.RunFinished}
	sim := data.Run{ID: "s", StartedAt: now, Label: "demo run 1: x", Demo: true, Settings: `{"simulated":true}`, Status: data.RunFinished}
	running := data.Run{ID: "r", Label: "demo run 3", Demo: true, Status: data.RunRunning}
	if d := runsDemo([]data.Run{live}, []data.Run{live}); d.Crawl || d.Simulated {
		t.Errorf("live: %+v", d)
	}
	if d := runsDemo([]data.Run{demo, sim}, nil); !d.Crawl || !d.Simulated {
		t.Errorf("demo: %+v", d)
	}
	if d := runsDemo([]data.Run{live}, []data.Run{running, live}); !d.Crawl {
		t.Errorf("a demo crawl in progress: %+v", d)
	}
	if simulatedTrend([]TrendPoint{{Run: live}, {Run: live}}) || !simulatedTrend([]TrendPoint{{Run: demo}, {Run: demo}}) ||
		!simulatedTrend([]TrendPoint{{Run: sim}}) || simulatedTrend([]TrendPoint{{Run: demo}}) {
		t.Error("simulated trends")
	}
	if got := runTime(demo); got != "1 December 2026 at 5:05pm UTC" {
		t.Errorf("demo run time %q", got)
	}
	if got := runTime(live); got != "1 December 2026" {
		t.Errorf("live run time %q", got)
	}
	for _, b := range []DemoBanner{{Crawl: true}, {Reviews: true}, {Crawl: true, Reviews: true}} {
		if !b.Any() || !strings.HasPrefix(b.Text(), "Demo data: ") || !strings.Contains(b.Text(), "not a judgement of any council") {
			t.Errorf("%+v: %q", b, b.Text())
		}
	}
	if (DemoBanner{Crawl: true, Reviews: true}).Text() != "Demo data: a local copy of council pages from 2019/20 and invented reviews; not a judgement of any council" {
		t.Error("the banner's words")
	}
	if (DemoBanner{}).Any() || (DemoBanner{}).Text() != "" || (DemoBanner{}).key() == (DemoBanner{Reviews: true}).key() {
		t.Error("no demo data: no banner")
	}
}

func TestSmallerFixes(t *testing.T) {
	q := Quartiles{N: 5, Q1: 40, Median: 50, Q3: 60}
	for v, want := range map[float64]string{50: "at the peer median", 50.1: "above peer median", 49.9: "below peer median", 61: "top quarter of peers", 39: "bottom quarter of peers"} {
		if got := peerPosition(v, q); got != want {
			t.Errorf("%v: %q, want %q", v, got, want)
		}
	}
	for n, want := range map[int]string{0: "none", 3: "three", 10: "ten", 11: "11", 250: "250"} {
		if spell(n) != want {
			t.Errorf("spell(%d) = %q", n, spell(n))
		}
	}
	// A check that scores 100 is tagged with its score, not "problems".
	meta := string(metaHTML(data.CheckResult{HasScore: true, Score: 100, PagesTotal: 5, PagesAffected: 2, Findings: 3}, checkCost{}))
	if !strings.Contains(meta, "score 100.0") || !strings.Contains(meta, "govuk-tag--green") || strings.Contains(meta, "problems") || strings.Contains(meta, "costs") {
		t.Errorf("meta %q", meta)
	}
	if u := unitOf(scoring.Check{ID: "tech-broken-links", Level: scoring.LevelSite}); u.Total != "Links checked" {
		t.Errorf("broken links count %q", u.Total)
	}
	if u := unitOf(scoring.Check{ID: "task-reachable", Level: scoring.LevelSite, Category: scoring.CatFindability}); u.Noun != "top tasks" {
		t.Errorf("tasks count %q", u.Noun)
	}
	if u := unitOf(scoring.Check{ID: "tech-https", Level: scoring.LevelSite}); !u.Once {
		t.Error("HTTPS is judged once")
	}
}
