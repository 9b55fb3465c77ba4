package scoring

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var methodDoc = filepath.Join("..", "docs", "METHOD.md")

// TestMethodDoc fails when docs/METHOD.md is not what MethodMarkdown
// generates; `go test ./scoring -run TestMethodDoc -update` regenerates it.
func TestMethodDoc(t *testing.T) {
	want := MethodMarkdown(CurrentMethod())
	if *update {
		if err := os.WriteFile(methodDoc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(methodDoc)
	if err != nil {
		t.Fatalf("%v (run: go test ./scoring -run TestMethodDoc -update)", err)
	}
	if string(got) != want {
		t.Errorf("%s is out of date with CurrentMethod(): run go test ./scoring -run TestMethodDoc -update", methodDoc)
	}
}

func TestMethodValue(t *testing.T) {
	m := CurrentMethod()
	if m.Version == "" {
		t.Fatal("no version")
	}
	// a fresh value each call: changing one does not change the next
	m.CategoryWeights[CatContent] = 99
	if CurrentMethod().CategoryWeights[CatContent] == 99 {
		t.Error("CurrentMethod shares its maps between calls")
	}
	ids := map[string]bool{}
	for _, c := range Catalog() {
		ids[c.ID] = true
	}
	m = CurrentMethod()
	for id, b := range m.CheckBounds {
		if !ids[id] {
			t.Errorf("bounds for unknown check %s", id)
		}
		if b.ShareBest >= b.ShareWorst || b.PerPageBest >= b.PerPageWorst || b.ShareWeight < 0 || b.ShareWeight > 1 {
			t.Errorf("%s: bad bounds %+v", id, b)
		}
	}
	for id := range m.CheckWeights {
		if !ids[id] {
			t.Errorf("weight for unknown check %s", id)
		}
	}
	// advisory checks are known, say why, and weigh nothing
	checkAdvisoryWeightless(t, m)
	m.Advisory["lgd-ampersand"] = "x"
	if _, ok := CurrentMethod().Advisory["lgd-ampersand"]; ok {
		t.Error("CurrentMethod shares its Advisory map between calls")
	}
}

func scoreOf(ss []Score, cat, id string) (float64, bool) {
	for _, s := range ss {
		if s.Category == cat && s.CheckID == id {
			return s.Score, true
		}
	}
	return 0, false
}

func TestScoreFromStats(t *testing.T) {
	m := CurrentMethod()
	m.CheckBounds = nil
	m.CategoryFloor = nil // the plain weighted means (floors: TestMeasuresAndFloors)
	m.CheckWeights = map[string]float64{"b": 3}
	m.CategoryWeights = map[string]float64{CatContent: 1, CatTechnical: 3}
	stats := []CheckStat{
		{CheckID: "a", Category: CatContent, PagesTotal: 10, PagesAffected: 0, Findings: 0},   // 100
		{CheckID: "b", Category: CatContent, PagesTotal: 10, PagesAffected: 10, Findings: 50}, // 0
		{CheckID: "c", Category: CatTechnical, PagesTotal: 4, PagesAffected: 2, Findings: 10}, // 0.5*50 + 0.5*(100*(5-2.5)/5)=25+25=50
		{CheckID: "d", Category: CatTechnical, PagesTotal: 0},                                 // not applicable: no score
	}
	ss := m.Score(stats)
	for _, c := range []struct {
		cat, id string
		want    float64
	}{{CatContent, "a", 100}, {CatContent, "b", 0}, {CatTechnical, "c", 50}, {CatContent, "", 25}, {CatTechnical, "", 50}, {CategoryOverall, "", 43.8}} {
		got, ok := scoreOf(ss, c.cat, c.id)
		if !ok || math.Abs(got-c.want) > 0.05 {
			t.Errorf("%s/%s = %v (found %v), want %v", c.cat, c.id, got, ok, c.want)
		}
	}
	if _, ok := scoreOf(ss, CatTechnical, "d"); ok {
		t.Error("check that applied to nothing was scored")
	}
	for _, s := range ss {
		if s.MethodVersion != m.Version || s.Score < 0 || s.Score > 100 {
			t.Errorf("bad score %+v", s)
		}
	}
	// re-scoring under another method changes scores and their version
	m2 := m
	m2.Version = "test-2"
	m2.DefaultBounds.PerPageWorst = 10
	s2 := m2.Score(stats)
	if v, _ := scoreOf(s2, CatTechnical, "c"); v != 62.5 || s2[0].MethodVersion != "test-2" {
		t.Errorf("re-scored c = %v (%s), want 62.5", v, s2[0].MethodVersion)
	}
	if len(m.Score(nil)) != 0 {
		t.Error("scores from no stats")
	}
}

// Method 2026.2: how each kind of check is scored, the category floor, and
// statistics that cannot be scored under it.
func TestMeasuresAndFloors(t *testing.T) {
	m := CurrentMethod()
	for _, c := range Catalog() {
		if m.Measures[c.ID] == "" || m.Measures[c.ID] != c.Measure {
			t.Errorf("%s: measure %q, catalogue says %q", c.ID, m.Measures[c.ID], c.Measure)
		}
	}
	score := func(st CheckStat) float64 {
		t.Helper()
		v, ok := m.CheckScore(st)
		if !ok {
			t.Fatalf("%+v not scored", st)
		}
		return v
	}
	// a pass/fail check judged once that fails scores 0, not 40
	if v := score(CheckStat{CheckID: "stmt-present", Category: CatStatement, PagesTotal: 1, PagesAffected: 1, Findings: 1}); v != 0 {
		t.Errorf("failed stmt-present scores %v, want 0", v)
	}
	if v := score(CheckStat{CheckID: "lgd-title-length", Category: CatContent, PagesTotal: 1, PagesAffected: 1, Findings: 1, Words: 500}); v != 0 {
		t.Errorf("failed title scores %v, want 0", v)
	}
	// text checks count per 100 words read: the same findings weigh less on a longer page
	short := score(CheckStat{CheckID: "lgd-ampersand", Category: CatContent, PagesTotal: 1, PagesAffected: 1, Findings: 2, Words: 200})
	long := score(CheckStat{CheckID: "lgd-ampersand", Category: CatContent, PagesTotal: 1, PagesAffected: 1, Findings: 2, Words: 800})
	if short != 0 || long != 75 {
		t.Errorf("2 ampersands in 200 words score %v (want 0), in 800 words %v (want 75)", short, long)
	}
	// a statistic stored without words cannot be scored per 100 words
	old := CheckStat{CheckID: "lgd-ampersand", Category: CatContent, PagesTotal: 10, PagesAffected: 2, Findings: 3}
	if _, ok := m.CheckScore(old); ok || !strings.Contains(m.Unscorable(old), "no words read") {
		t.Errorf("a statistic without words was scored (%q)", m.Unscorable(old))
	}
	if m.Unscorable(CheckStat{CheckID: "a11y-image-alt", PagesTotal: 3}) != "" {
		t.Error("a per-page check needs no words")
	}
	for _, s := range m.Score([]CheckStat{old}) {
		if s.CheckID == "lgd-ampersand" || s.Category == CatContent {
			t.Errorf("unscorable statistic mixed into the scores: %+v", s)
		}
	}
	// the content floor stretches the weighted mean onto the scale
	floor := m.CategoryFloor[CatContent]
	ss := m.Score([]CheckStat{{CheckID: "lgd-title-length", Category: CatContent, PagesTotal: 2, PagesAffected: 1, Words: 800}})
	mean := 50.0 // one of two pages fails its title
	want := math.Round(100*(mean-floor)/(100-floor)*10) / 10
	if want < 0 {
		want = 0
	}
	if v, _ := scoreOf(ss, CatContent, ""); v != want {
		t.Errorf("content category %v, want %v (mean %v on the floor %v)", v, want, mean, floor)
	}
}
