package dashboard

import (
	"testing"

	"github.com/go-echarts/go-echarts/v2/render"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// TestChartOption: the option taken straight from a chart's JSON is the
// option go-echarts renders through its templates, for every chart the
// dashboard draws, names with HTML specials included.
func TestChartOption(t *testing.T) {
	cats := scoring.Categories()
	who := `Barking & Dagenham "<b>" O'Brien Council`
	var cs []CatScore
	for i, c := range cats {
		cs = append(cs, CatScore{Category: c, Score: float64(40 + i*7), Has: i != 2})
	}
	pts := []TrendPoint{{Run: data.Run{ID: "a"}, Overall: 50, HasOverall: true, Categories: cs, Position: 3, Of: 9},
		{Run: data.Run{ID: "b"}, Categories: cs}}
	peer := PeerGroup{Label: "district councils in England", Stats: peerQuartiles(cats, map[string][]float64{"content": {1, 2, 3}})}
	tps := []TaskPoint{{Task: scoring.Task{ID: "x", Name: "Pay & go <now>"}, Findability: 40, HasFind: true, Review: 60, HasReview: true}}
	bins := (&model{crawl: &crawlModel{bins: make([]int, 10)}}).distribution(55, true)

	checks := []struct {
		name string
		got  string
		want func() string
	}{
		{"histogram", histogramChart("h", bins, who).Option, func() string { return snippet(histogramBar(bins, who)) }},
		{"radar", radarChart("r", cs, peer, who).Option, func() string { return snippet(radar(cs, peer, who)) }},
		{"trend", trendChart("t", pts, cats).Option, func() string { return snippet(trendLine(pts, cats)) }},
		{"position", positionChart("p", pts).Option, func() string { return snippet(positionLine(pts)) }},
		{"scatter", scatterChart("s", tps).Option, func() string { return snippet(scatter(tps)) }},
	}
	for _, c := range checks {
		want := c.want()
		if c.got == "" || c.got != want {
			t.Errorf("%s: option\n%q\nwant (RenderSnippet)\n%q", c.name, c.got[max(0, len(c.got)-30):], want[max(0, len(want)-30):])
		}
	}
}

func snippet(c interface{ RenderSnippet() render.ChartSnippet }) string {
	return c.RenderSnippet().Option
}
