package scoring

import (
	"strings"
	"testing"
	"time"
)

func htmlPage(url string, depth int, title, main, footer string) PageInput {
	body := `<!DOCTYPE html><html lang="en"><head><title>` + title + `</title></head><body><header><a href="#main">Skip to content</a></header><main id="main"><h1>` + title + `</h1>` + main + `</main><footer>` + footer + `</footer></body></html>`
	return PageInput{URL: url, FinalURL: url, Depth: depth, Status: 200, IsHTML: true, Body: []byte(body)}
}

func statOf(t *testing.T, r SiteResult, id string) CheckStat {
	t.Helper()
	for _, s := range r.Stats {
		if s.CheckID == id {
			return s
		}
	}
	t.Fatalf("no stat for %s", id)
	return CheckStat{}
}

var testNow = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

const footer = `<a href="https://www.x.gov.uk/accessibility-statement">Accessibility statement</a>`

func buildSite(e *Engine, stmt string) *SiteAccumulator {
	acc := e.NewSite("E0001", "https://www.x.gov.uk/")
	pages := []PageInput{
		htmlPage("https://www.x.gov.uk/", 0, "Example Council", `<a href="/council-tax">Council tax</a> <a href="/bins">Bins and recycling</a> <a href="/a-z">A to Z</a>`, footer),
		htmlPage("https://www.x.gov.uk/council-tax", 1, "Council tax", `<p>Pay it.</p>`, footer),
		htmlPage("https://www.x.gov.uk/bins", 1, "Bin collection day", `<p>Find it.</p>`, footer),
		htmlPage("https://www.x.gov.uk/deep/blue-badge", 5, "Blue badges", `<p>Apply.</p>`, footer),
		htmlPage("https://www.x.gov.uk/news/1", 2, "News", `<p>One.</p>`, footer),
		htmlPage("https://www.x.gov.uk/news/2", 2, "News", `<p>Two.</p>`, footer),
		htmlPage("https://www.x.gov.uk/a-z", 1, "A to Z of services", `<ul><li><a href="/council-tax">Council tax</a></li><li><a href="/councillors">Councillors</a></li></ul>`, footer),
	}
	if stmt != "" {
		pages = append(pages, htmlPage("https://www.x.gov.uk/accessibility-statement", 1, "Accessibility statement", stmt, footer))
	}
	for _, p := range pages {
		acc.Add(e.ScorePage(p))
	}
	return acc
}

func TestSiteChecks(t *testing.T) {
	e := NewEngine(CurrentMethod())
	good := `<p>This website is partially compliant with the Web Content Accessibility Guidelines version 2.1 AA standard.</p>
<p>If you find a problem, email <a href="mailto:web@x.gov.uk">web@x.gov.uk</a>.</p>
<p>The Equality and Human Rights Commission (EHRC) is responsible for enforcing the accessibility regulations.</p>
<p>This statement was prepared on 1 March 2020. It was last reviewed on 14 September 2026.</p>`
	facts := SiteFacts{HomeURL: "http://www.x.gov.uk/", FinalHomeURL: "https://www.x.gov.uk/", HTTPS: true, HTTPRedirectsToHTTPS: true,
		RobotsStatus: 200, RobotsParsed: true, Sitemaps: []string{"https://www.x.gov.uk/sitemap.xml"}, SitemapParsed: true,
		NotFoundStatus: 404, NotFoundBody: []byte(`<html><body><form role="search"><input type="search"></form></body></html>`),
		SearchResults: map[string][]string{"council tax": {"https://www.x.gov.uk/council-tax"}, "bins": {"https://www.x.gov.uk/news/1"}},
		LinksChecked:  100, LinksBroken: 2, BrokenLinks: []string{"https://www.x.gov.uk/old", "https://www.x.gov.uk/gone"},
		Now: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}
	r := buildSite(e, good).Finish(facts)
	if len(r.Stats) != len(Catalog()) {
		t.Fatalf("%d stats for %d checks", len(r.Stats), len(Catalog()))
	}
	want := map[string][3]int{ // total, affected, findings
		"lgd-title-unique":    {8, 2, 1},
		"tech-https":          {1, 0, 0},
		"tech-broken-links":   {100, 2, 2},
		"tech-robots-sitemap": {1, 0, 0},
		"tech-404-page":       {1, 0, 0},
		"stmt-present":        {1, 0, 0},
		"stmt-compliance":     {1, 0, 0},
		"stmt-contact":        {1, 0, 0},
		"stmt-enforcement":    {1, 0, 0},
		"stmt-reviewed":       {1, 0, 0},
		"task-home-link":      {16, 14, 14}, // council tax and bins linked from home
		"task-reachable":      {16, 14, 14}, // council tax, bins (blue badge is 5 clicks away)
		"task-site-search":    {2, 1, 1},    // "bins" search lists only news
		"task-a-to-z":         {16, 14, 14}, // council tax, councillors
		"a11y-image-alt":      {8, 0, 0},
	}
	for id, w := range want {
		s := statOf(t, r, id)
		if got := [3]int{s.PagesTotal, s.PagesAffected, s.Findings}; got != w {
			t.Errorf("%s: total/affected/findings %v, want %v", id, got, w)
		}
	}
	var taskFindings int
	for _, f := range r.Findings {
		if f.CheckID == "task-site-search" {
			taskFindings++
			if f.Task != "bin-collection-day" || len(f.Matched) != 1 || f.Matched[0] != "bins" {
				t.Errorf("search finding %+v", f)
			}
		}
		if f.URL == "" || f.Message == "" {
			t.Errorf("finding without URL or message: %+v", f)
		}
	}
	if taskFindings != 1 {
		t.Errorf("%d search findings", taskFindings)
	}
	if len(r.Scores) == 0 || r.MethodVersion == "" || r.Pages != 8 {
		t.Errorf("scores %d, version %q, pages %d", len(r.Scores), r.MethodVersion, r.Pages)
	}
	// the scores can be recomputed from the stats alone
	again := e.Method().Score(r.Stats)
	if len(again) != len(r.Scores) {
		t.Fatalf("re-scored %d, want %d", len(again), len(r.Scores))
	}
	for i := range again {
		if again[i] != r.Scores[i] {
			t.Errorf("re-score differs: %+v vs %+v", again[i], r.Scores[i])
		}
	}
}

func TestSiteChecksFailing(t *testing.T) {
	e := NewEngine(CurrentMethod())
	old := `<p>We aim to make this site accessible.</p><p>This statement was prepared on 1 March 2020.</p>`
	facts := SiteFacts{HomeURL: "http://www.x.gov.uk/", FinalHomeURL: "http://www.x.gov.uk/", RobotsStatus: 404,
		NotFoundStatus: 200, NotFoundBody: []byte(`<html><body>Oops</body></html>`), Now: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}
	r := buildSite(e, old).Finish(facts)
	for _, id := range []string{"tech-https", "tech-robots-sitemap", "tech-404-page", "stmt-compliance", "stmt-contact", "stmt-enforcement", "stmt-reviewed"} {
		if s := statOf(t, r, id); s.PagesAffected != 1 {
			t.Errorf("%s: %+v, want affected", id, s)
		}
	}
	if s := statOf(t, r, "stmt-present"); s.PagesAffected != 0 {
		t.Errorf("stmt-present: %+v", s)
	}
	for _, id := range []string{"tech-broken-links", "task-site-search"} {
		if s := statOf(t, r, id); s.PagesTotal != 0 {
			t.Errorf("%s judged without facts: %+v", id, s)
		}
	}
	// no statement at all: one failure (stmt-present); the checks of its
	// contents do not apply
	r = buildSite(e, "").Finish(facts)
	if s := statOf(t, r, "stmt-present"); s.PagesAffected != 1 || s.PagesTotal != 1 {
		t.Errorf("stmt-present without a statement: %+v", s)
	}
	for _, id := range []string{"stmt-compliance", "stmt-contact", "stmt-enforcement", "stmt-reviewed"} {
		if s := statOf(t, r, id); s.PagesTotal != 0 {
			t.Errorf("%s applied without a statement: %+v", id, s)
		}
	}
	if v, ok := scoreOf(r.Scores, CatStatement, ""); !ok || v != 0 {
		t.Errorf("statement category without a statement: %v (scored %v), want 0 (one failure)", v, ok)
	}
	// an empty site: no panic, site checks not applicable
	r = e.NewSite("E0002", "https://y.gov.uk/").Finish(SiteFacts{})
	if len(r.Stats) != len(Catalog()) {
		t.Errorf("empty site: %d stats", len(r.Stats))
	}
	for _, s := range r.Stats {
		if s.PagesTotal != 0 {
			t.Errorf("empty site: %+v", s)
		}
	}
}

func TestStatementFacts(t *testing.T) {
	e := NewEngine(CurrentMethod())
	r := e.ScorePage(htmlPage("https://x.gov.uk/accessibility", 1, "Accessibility statement for Example Council",
		`<p>This website is fully compliant with WCAG 2.2.</p><p>Call 01234 567890.</p><p>Contact the Equality Advisory and Support Service (EASS).</p><p>Last reviewed: 03/02/2026</p>`, ""))
	s := r.Summary
	if !s.IsStatement || s.Statement.Compliance != "full" || !s.Statement.Contact || !s.Statement.Enforcement || !s.Statement.Reviewed.Equal(time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("statement facts %+v", s)
	}
	if !strings.Contains(s.Statement.ReviewText, "reviewed") {
		t.Errorf("review text %q", s.Statement.ReviewText)
	}
}
