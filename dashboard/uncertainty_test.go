package dashboard_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

// TestScoresSayHowSure: the league table, the council page, the API and
// the scores export show each score's interval and rank band (joint where
// intervals overlap, none where a site has too few pages), the method each
// score used (an older one is not comparable), the checks that cannot be
// computed from the stored statistics, the pages not scored and why, and
// advisory checks as advisory.
func TestScoresSayHowSure(t *testing.T) {
	store := datatest.Store(t)
	ctx := context.Background()
	m := scoring.CurrentMethod()
	run, err := store.CreateRun(ctx, m.Version, "{}", "how sure", 5, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	w := store.NewWriter(data.WriterOptions{})
	sink := data.NewRunSink(w, run.ID, m.Version)
	type site struct {
		code, method    string
		score, low, hi  float64
		pages           int
		tooFew, noRange bool
	}
	sites := []site{
		{code: "A1", method: m.Version, score: 80, low: 75, hi: 85, pages: 20},
		{code: "B1", method: m.Version, score: 78, low: 70, hi: 82, pages: 20},
		{code: "C1", method: m.Version, score: 40, low: 35, hi: 45, pages: 20},
		{code: "D1", method: m.Version, score: 60, low: 20, hi: 90, pages: 3, tooFew: true},
		{code: "E1", method: "2025.9", score: 50, noRange: true},
	}
	var councils []data.Council
	for _, s := range sites {
		councils = append(councils, data.Council{Code: s.code, Name: "Council " + s.code, Type: "District", Nation: "England",
			HomepageURL: "https://" + strings.ToLower(s.code) + ".example/"})
		stats := []scoring.CheckStat{
			{CheckID: "lgd-title-length", Category: scoring.CatContent, PagesTotal: 20, PagesAffected: 2, Findings: 2},
			{CheckID: "lgd-acronyms", Category: scoring.CatContent, PagesTotal: 20, PagesAffected: 5, Findings: 9, Words: 8000},
		}
		scores := []scoring.Score{
			{Category: scoring.CatContent, CheckID: "lgd-title-length", Score: 90, MethodVersion: s.method},
			{Category: scoring.CatContent, CheckID: "lgd-acronyms", Score: 70, MethodVersion: s.method},
			{Category: scoring.CatContent, Score: s.score, MethodVersion: s.method},
			{Category: scoring.CategoryOverall, Score: s.score, MethodVersion: s.method},
		}
		if s.code == "B1" { // stored without words: cannot be scored per 100 words
			stats = append(stats, scoring.CheckStat{CheckID: "lgd-click-here", Category: scoring.CatContent, PagesTotal: 20, PagesAffected: 3, Findings: 4})
			for _, u := range []struct{ url, why string }{{"https://b1.example/gone", "error page (HTTP 404)"}, {"https://b1.example/", ""}} {
				if err := sink.PageResult(ctx, &crawler.Page{Council: s.code, URL: u.url, Status: 200, IsHTML: true},
					scoring.PageResult{Unscored: u.why, Summary: scoring.PageSummary{Counts: map[string]int{"tech-status": 0}}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if !s.noRange {
			ivs := []scoring.ScoreInterval{
				{Category: scoring.CatContent, Score: s.score, Low: s.low, High: s.hi, Level: 0.9, Pages: s.pages, TooFew: s.tooFew},
				{Category: scoring.CategoryOverall, Score: s.score, Low: s.low, High: s.hi, Level: 0.9, Pages: s.pages, TooFew: s.tooFew},
			}
			if err := sink.SiteIntervals(ctx, s.code, s.method, ivs); err != nil {
				t.Fatal(err)
			}
		}
		if err := sink.SiteResult(ctx, s.code, nil, stats, scores); err != nil {
			t.Fatal(err)
		}
		if err := sink.SiteDone(ctx, &crawler.SiteReport{Council: s.code, HomeURL: "https://" + strings.ToLower(s.code) + ".example/"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := store.SetRunStatus(ctx, run.ID, data.RunFinished, time.Time{}); err != nil {
		t.Fatal(err)
	}
	srv, err := dashboard.New(dashboard.Deps{Store: store, Councils: councils, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()

	// Bands: A and B overlap (joint 1st to 2nd), C is clear of them, D has
	// too few pages, E has no interval (plain position, older method).
	wantBand := map[string]string{"A1": "1st to 2nd", "B1": "1st to 2nd", "C1": "3rd", "D1": "too few pages to tell"}

	t.Run("API", func(t *testing.T) {
		pg := get(t, hs.URL, "/api/v1/councils")
		mustStatus(t, pg, 200, "/api/v1/councils")
		var doc struct {
			Items []struct {
				Code   string `json:"code"`
				Latest *struct {
					Rank          int     `json:"rank"`
					Score         float64 `json:"score"`
					MethodVersion string  `json:"method_version"`
					Interval      *struct {
						Low, High, Level float64
						TooFew           bool `json:"too_few_pages"`
					} `json:"interval"`
					RankBand *struct {
						Best, Worst int
						Joint       bool
						Label       string
					} `json:"rank_band"`
					Categories []struct {
						Category string          `json:"category"`
						Interval json.RawMessage `json:"interval"`
					} `json:"categories"`
				} `json:"latest"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(pg.body), &doc); err != nil {
			t.Fatal(err)
		}
		for _, it := range doc.Items {
			l := it.Latest
			if l == nil {
				t.Fatalf("%s: no league row", it.Code)
			}
			want, banded := wantBand[it.Code]
			switch {
			case !banded:
				if l.RankBand != nil || l.Interval != nil || l.MethodVersion != "2025.9" || l.Rank != 4 {
					t.Errorf("%s: %+v: want no band or interval, method 2025.9, plain rank 4", it.Code, l)
				}
			case l.RankBand == nil || l.RankBand.Label != want || l.Interval == nil:
				t.Errorf("%s: band %+v interval %+v, want %q", it.Code, l.RankBand, l.Interval, want)
			case l.Interval.Low > l.Score || l.Interval.High < l.Score || l.Interval.Level != 0.9:
				t.Errorf("%s: interval %+v around %v", it.Code, l.Interval, l.Score)
			}
			for _, c := range l.Categories {
				if c.Category == scoring.CatContent && banded && len(c.Interval) == 0 {
					t.Errorf("%s: content score without its interval", it.Code)
				}
			}
		}
		pg = get(t, hs.URL, "/api/v1/councils/E1")
		if !strings.Contains(pg.body, `"method_version":"2025.9"}]`) {
			t.Errorf("/api/v1/councils/E1: the trend does not name the method of its scores:\n%.2000s", pg.body)
		}
		pg = get(t, hs.URL, "/api/v1/councils/B1")
		for _, want := range []string{`"not_scored_pages":{"total":1,"reasons":[{"council_code":"B1","reason":"error page (HTTP 404)","pages":1}]`,
			`"check_id":"lgd-acronyms"`, `"advisory":true`, `"unscorable":"lgd-click-here is counted per 100 words read`} {
			if !strings.Contains(pg.body, want) {
				t.Errorf("/api/v1/councils/B1 lacks %s:\n%.3000s", want, pg.body)
			}
		}
		pg = get(t, hs.URL, "/api/v1/checks")
		if !strings.Contains(pg.body, `"id":"lgd-acronyms","category":"content"`) || !strings.Contains(pg.body, `"advisory":true,"advisory_reason":`) {
			t.Errorf("/api/v1/checks does not mark advisory checks:\n%.2000s", pg.body)
		}
		pg = get(t, hs.URL, "/api/v1/scores?council=A1")
		if !strings.Contains(pg.body, `"category":"overall","score":80,"interval":{"low":75,"high":85,"level":0.9,"pages":20,"too_few_pages":false}`) {
			t.Errorf("/api/v1/scores lacks the interval:\n%s", pg.body)
		}
	})

	t.Run("league table", func(t *testing.T) {
		pg := get(t, hs.URL, "/")
		mustStatus(t, pg, 200, "/")
		for _, want := range []string{"<td>1st to 2nd</td>", "<td>3rd</td>", "<td>too few pages to tell</td>", "<td>4</td>",
			`<span class="app-muted">75.0 to 85.0</span>`, "method 2025.9: not comparable"} {
			if !strings.Contains(pg.body, want) {
				t.Errorf("league table lacks %s", want)
			}
		}
		if n := strings.Count(pg.body, "not comparable"); n != 1 {
			t.Errorf("%d rows marked not comparable, want 1 (E1)", n)
		}
	})

	t.Run("council pages", func(t *testing.T) {
		pg := get(t, hs.URL, "/councils/A1")
		for _, want := range []string{"likely between 75.0 and 85.0 (90 percent", "1st to 2nd (a joint position", "75.0 to 85.0</td>",
			`<strong class="govuk-tag govuk-tag--grey">advisory</strong>`, "none: advisory"} {
			if !strings.Contains(pg.body, want) {
				t.Errorf("/councils/A1 lacks %s", want)
			}
		}
		if strings.Contains(pg.body, "not comparable") {
			t.Error("/councils/A1 says its scores are not comparable")
		}
		pg = get(t, hs.URL, "/councils/B1")
		for _, want := range []string{"Checks not scored", "cannot be computed from stored statistics: lgd-click-here is counted per 100 words",
			"https://b1.example/gone</td><td class=\"govuk-table__cell\">error page (HTTP 404)"} {
			if !strings.Contains(pg.body, want) {
				t.Errorf("/councils/B1 lacks %s", want)
			}
		}
		pg = get(t, hs.URL, "/councils/E1")
		if !strings.Contains(pg.body, "2025.9</a>: an older method than "+m.Version+", so these scores are not comparable") {
			t.Errorf("/councils/E1 does not say its method is older and not comparable")
		}
		if pg := get(t, hs.URL, "/councils/D1"); strings.Count(pg.body, "too few pages to tell") != 2 { // the score and the position
			t.Errorf("/councils/D1 does not say twice that it has too few pages to tell")
		}
	})

	t.Run("checks pages", func(t *testing.T) {
		pg := get(t, hs.URL, "/checks")
		if !strings.Contains(pg.body, `/checks/lgd-acronyms">`) || strings.Count(pg.body, "advisory: no weight") != len(m.Advisory) {
			t.Errorf("/checks marks %d checks advisory, want %d", strings.Count(pg.body, "advisory: no weight"), len(m.Advisory))
		}
		if pg := get(t, hs.URL, "/checks/lgd-acronyms"); !strings.Contains(pg.body, "none: advisory") {
			t.Error("/checks/lgd-acronyms does not say it is advisory")
		}
		if pg := get(t, hs.URL, "/checks/lgd-title-length"); strings.Contains(pg.body, "none: advisory") {
			t.Error("/checks/lgd-title-length says it is advisory")
		}
	})

	t.Run("scores export", func(t *testing.T) {
		pg := get(t, hs.URL, "/export/scores.csv?run="+run.ID)
		recs, err := csv.NewReader(strings.NewReader(pg.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, c := range recs[0] {
			col[c] = i
		}
		got := map[string][]string{}
		for _, r := range recs[1:] {
			if r[col["category"]] == scoring.CategoryOverall {
				got[r[col["council_code"]]] = []string{r[col["score_low"]], r[col["score_high"]], r[col["interval_level"]],
					r[col["too_few_pages"]], r[col["rank_best"]], r[col["rank_worst"]]}
			}
			if r[col["check_id"]] != "" && r[col["score_low"]] != "" {
				t.Errorf("check score row with an interval: %v", r)
			}
		}
		want := map[string][]string{
			"A1": {"75", "85", "0.9", "false", "1", "2"},
			"B1": {"70", "82", "0.9", "false", "1", "2"},
			"C1": {"35", "45", "0.9", "false", "3", "3"},
			"D1": {"20", "90", "0.9", "true", "", ""},
			"E1": {"", "", "", "", "", ""},
		}
		for code, w := range want {
			if strings.Join(got[code], ",") != strings.Join(w, ",") {
				t.Errorf("%s overall: %v, want %v", code, got[code], w)
			}
		}
	})
}
