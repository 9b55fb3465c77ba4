package dashboard

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Chart is one go-echarts chart: its echarts option as JSON, drawn by
// /static/charts.js into a div. Every chart in a template sits next to a
// table holding the same numbers, so the chart itself is hidden from
// assistive technology.
type Chart struct {
	ID      string
	Option  string
	Summary string // one sentence describing what the chart shows
}

// withCharts marks page data that has charts.
type withCharts struct{}

// HasCharts tells the layout to load echarts.
func (withCharts) HasCharts() bool { return true }

// GOV.UK palette: blue for the subject, grey/black for comparison.
const (
	colBlue   = "#1d70b8"
	colOrange = "#f47738"
	colGrey   = "#b1b4b6"
	colBlack  = "#0b0c0c"
)

// echart is a go-echarts chart: Validate fills in its defaults and
// JSONNotEscaped gives its echarts option, as RenderSnippet does without
// parsing and running three templates per chart (TestChartOption checks
// the two agree).
type echart interface {
	Validate()
	JSONNotEscaped() template.HTML
}

// option returns a chart's echarts option. go-echarts may panic on bad
// options; that turns into an empty chart (the table alternative remains).
func option(c echart) (s string) {
	defer func() {
		if recover() != nil {
			s = ""
		}
	}()
	c.Validate()
	// RenderSnippet's option template drops go-echarts' function markers
	// and ends with one more newline.
	return strings.ReplaceAll(string(c.JSONNotEscaped()), "__f__", "") + "\n"
}

func global(height string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{Width: "100%", Height: height, AssetsHost: "/static/vendor/echarts/"}),
		charts.WithAnimation(false),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true)}),
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true), Decal: &opts.AriaDecal{Show: opts.Bool(true)}}),
	}
}

func histogramChart(id string, bins []Bin, who string) Chart {
	return Chart{ID: id, Option: option(histogramBar(bins, who)), Summary: "Number of councils in each band of site score" + markNote(who)}
}

func histogramBar(bins []Bin, who string) *charts.Bar {
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(global("320px"),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithYAxisOpts(opts.YAxis{Name: "councils", MinInterval: 1}),
		charts.WithXAxisOpts(opts.XAxis{Name: "site score"}))...)
	labels := make([]string, len(bins))
	data := make([]opts.BarData, len(bins))
	for i, b := range bins {
		labels[i] = fmt.Sprintf("%d", int(b.Lo))
		d := opts.BarData{Name: b.Label, Value: b.N, ItemStyle: &opts.ItemStyle{Color: colGrey}}
		if b.Here {
			d.ItemStyle = &opts.ItemStyle{Color: colBlue}
			d.Label = &opts.Label{Show: opts.Bool(true), Position: "top", Formatter: "here"} // a name could be clipped on a phone
		}
		data[i] = d
	}
	bar.SetXAxis(labels).AddSeries("councils", data)
	return bar
}

func markNote(who string) string {
	if who == "" {
		return "."
	}
	return ", with the band of " + who + " marked."
}

func radarChart(id string, cats []CatScore, peer PeerGroup, who string) Chart {
	return Chart{ID: id, Option: option(radar(cats, peer, who)), Summary: "Category scores of " + who + " against the median of " + peer.Label + "."}
}

func radar(cats []CatScore, peer PeerGroup, who string) *charts.Radar {
	r := charts.NewRadar()
	ind := make([]*opts.Indicator, 0, len(cats))
	mine := make([]float64, 0, len(cats))
	med := make([]float64, 0, len(cats))
	medBy := map[string]Quartiles{}
	for _, q := range peer.Stats {
		medBy[q.Category] = q
	}
	for _, c := range cats {
		ind = append(ind, &opts.Indicator{Name: titleCase(c.Category), Max: 100})
		mine = append(mine, c.Score)
		med = append(med, medBy[c.Category].Median)
	}
	r.SetGlobalOptions(append(global("360px"),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithRadarComponentOpts(opts.RadarComponent{Indicator: ind, Shape: "polygon", SplitNumber: 5}))...)
	r.AddSeries(who, []opts.RadarData{{Name: who, Value: mine}}, charts.WithItemStyleOpts(opts.ItemStyle{Color: colBlue}))
	r.AddSeries("Peer median", []opts.RadarData{{Name: "Peer median", Value: med}}, charts.WithItemStyleOpts(opts.ItemStyle{Color: colBlack}))
	return r
}

func trendChart(id string, pts []TrendPoint, cats []string) Chart {
	return Chart{ID: id, Option: option(trendLine(pts, cats)), Summary: "Site score and category scores in each crawl run."}
}

func trendLine(pts []TrendPoint, cats []string) *charts.Line {
	l := charts.NewLine()
	l.SetGlobalOptions(append(global("360px"),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithYAxisOpts(opts.YAxis{Name: "score", Min: 0, Max: 100}))...)
	x := make([]string, len(pts))
	for i, p := range pts {
		x[i] = runShort(p.Run)
	}
	l.SetXAxis(x)
	ov := make([]opts.LineData, len(pts))
	for i, p := range pts {
		ov[i] = lineValue(p.Overall, p.HasOverall)
	}
	l.AddSeries("Site score", ov, charts.WithLineStyleOpts(opts.LineStyle{Width: 4, Color: colBlack}), charts.WithItemStyleOpts(opts.ItemStyle{Color: colBlack}))
	for ci, cat := range cats {
		d := make([]opts.LineData, len(pts))
		for i, p := range pts {
			d[i] = lineValue(p.Categories[ci].Score, p.Categories[ci].Has)
		}
		l.AddSeries(titleCase(cat), d)
	}
	return l
}

func lineValue(v float64, ok bool) opts.LineData {
	if !ok {
		return opts.LineData{Value: "-"}
	}
	return opts.LineData{Value: v}
}

func positionChart(id string, pts []TrendPoint) Chart {
	return Chart{ID: id, Option: option(positionLine(pts)), Summary: "League position in each crawl run, where first is best."}
}

func positionLine(pts []TrendPoint) *charts.Line {
	l := charts.NewLine()
	l.SetGlobalOptions(append(global("300px"),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithYAxisOpts(opts.YAxis{Name: "position", Inverse: opts.Bool(true), Min: 1, MinInterval: 1}))...)
	x := make([]string, len(pts))
	d := make([]opts.LineData, len(pts))
	for i, p := range pts {
		x[i] = runShort(p.Run)
		d[i] = lineValue(float64(p.Position), p.Position > 0)
	}
	l.SetXAxis(x).AddSeries("League position", d, charts.WithItemStyleOpts(opts.ItemStyle{Color: colBlue}))
	return l
}

func scatterChart(id string, pts []TaskPoint) Chart {
	return Chart{ID: id, Option: option(scatter(pts)), Summary: "Each top task's findability index against its review index."}
}

func scatter(pts []TaskPoint) *charts.Scatter {
	sc := charts.NewScatter()
	sc.SetGlobalOptions(append(global("380px"),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithXAxisOpts(opts.XAxis{Name: "findability", Type: "value", Min: 0, Max: 100}),
		charts.WithYAxisOpts(opts.YAxis{Name: "review index", Min: 0, Max: 100}))...)
	var d []opts.ScatterData
	for _, p := range pts {
		if p.HasFind && p.HasReview {
			d = append(d, opts.ScatterData{Name: p.Task.Name, Value: []float64{round1(p.Findability), round1(p.Review)}, SymbolSize: 14})
		}
	}
	sc.AddSeries("tasks", d, charts.WithItemStyleOpts(opts.ItemStyle{Color: colOrange}),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right", Formatter: "{b}"}))
	return sc
}
