package scoring

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// pagesOf scores made-up pages and returns their statistics.
func pagesOf(e *Engine, n int, body func(i int) string) [][]CheckStat {
	var out [][]CheckStat
	for i := 0; i < n; i++ {
		r := e.ScorePage(testPage("", body(i)))
		out = append(out, e.PageStats(r.Summary))
	}
	return out
}

func TestSiteScoreInterval(t *testing.T) {
	e := NewEngine(CurrentMethod())
	m := e.Method()
	prose := strings.Repeat("You can find every site on the register and see what we plan for it. ", 8)
	good := func(int) string { return "<p>" + prose + "</p>" }
	mixed := func(i int) string {
		if i%2 == 0 {
			return "<p>" + prose + "</p>"
		}
		return "<p>" + strings.Repeat("The Council &amp; its Local Planning Authorities are required to publish 5 lists. ", 8) + "</p>"
	}
	site := []CheckStat{{CheckID: "tech-https", Category: CatTechnical, PagesTotal: 1}}
	b := Bootstrap{Samples: 400, Seed: 7}
	same := m.SiteScoreInterval(pagesOf(e, 12, good), site, b)
	spread := m.SiteScoreInterval(pagesOf(e, 12, mixed), site, b)
	get := func(ivs []ScoreInterval, cat string) ScoreInterval {
		for _, iv := range ivs {
			if iv.Category == cat {
				return iv
			}
		}
		t.Fatalf("no %s interval in %+v", cat, ivs)
		return ScoreInterval{}
	}
	s, x := get(same, CatContent), get(spread, CatContent)
	if s.High-s.Low != 0 {
		t.Errorf("identical pages: interval %v to %v, want none", s.Low, s.High)
	}
	if x.High-x.Low <= 1 || x.Low > x.Score || x.High < x.Score || x.TooFew || x.Level != 0.9 {
		t.Errorf("mixed pages: %+v, want a wide 90%% interval around the score", x)
	}
	// the point score is the site's score from all its pages
	if o := get(spread, CategoryOverall); o.Score <= 0 || o.Pages != 12 {
		t.Errorf("overall %+v", o)
	}
	// seeded: the same input gives the same intervals; another seed may differ
	if again := m.SiteScoreInterval(pagesOf(e, 12, mixed), site, b); !reflect.DeepEqual(again, spread) {
		t.Error("the same seed gave another interval")
	}
	// a 95% interval is at least as wide as the 90% one
	b95 := b
	b95.Level = 0.95
	if w := get(m.SiteScoreInterval(pagesOf(e, 12, mixed), site, b95), CatContent); w.High-w.Low < x.High-x.Low {
		t.Errorf("95%% interval %v narrower than 90%% %v", w.High-w.Low, x.High-x.Low)
	}
	// too few pages to tell
	if f := get(m.SiteScoreInterval(pagesOf(e, 3, mixed), site, b), CatContent); !f.TooFew {
		t.Errorf("3 pages: %+v, want too few to tell", f)
	}
	// SiteResult.Stats may be passed whole: the page-level totals are left out
	acc := e.NewSite("X", "https://www.example.gov.uk/")
	var pages [][]CheckStat
	for i := 0; i < 6; i++ {
		r := e.ScorePage(testPage("", mixed(i)))
		acc.Add(r)
		pages = append(pages, e.PageStats(r.Summary))
	}
	res := acc.Finish(SiteFacts{HomeURL: "https://www.example.gov.uk/", HTTPS: true, HTTPRedirectsToHTTPS: true})
	ivs := m.SiteScoreInterval(pages, res.Stats, b)
	for _, c := range []string{CatContent, CategoryOverall} {
		want, _ := scoreOf(res.Scores, c, "")
		if got := get(ivs, c).Score; got != want {
			t.Errorf("%s: interval score %v, the site's score %v", c, got, want)
		}
	}
	// no pages: the site checks alone, no interval
	for _, iv := range m.SiteScoreInterval(nil, site, b) {
		if !iv.TooFew || iv.Low != iv.Score || iv.High != iv.Score {
			t.Errorf("no pages: %+v", iv)
		}
	}
}

func TestRankBands(t *testing.T) {
	bands := RankBands([]Ranked{
		{ID: "c", Score: 60, Low: 55, High: 66},
		{ID: "a", Score: 90, Low: 88, High: 92},
		{ID: "b", Score: 64, Low: 58, High: 70},
		{ID: "d", Score: 30, Low: 25, High: 35},
		{ID: "e", Score: 80, Low: 10, High: 95, TooFew: true},
	})
	var got []string
	for _, b := range bands {
		got = append(got, fmt.Sprintf("%s:%s", b.ID, b.Label))
	}
	want := []string{"a:1st", "b:2nd to 3rd", "c:2nd to 3rd", "d:4th", "e:too few pages to tell"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("bands %v, want %v", got, want)
	}
	if !bands[1].Joint || bands[0].Joint || bands[1].Best != 2 || bands[1].Worst != 3 {
		t.Errorf("joint ranks: %+v", bands[:2])
	}
	for n, w := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd", 101: "101st", 111: "111th"} {
		if Ordinal(n) != w {
			t.Errorf("Ordinal(%d) = %s, want %s", n, Ordinal(n), w)
		}
	}
	if len(RankBands(nil)) != 0 {
		t.Error("bands of nothing")
	}
}
