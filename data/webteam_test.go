package data_test

import (
	"context"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

// TestWebTeamReads: one council's findings filtered and paged, its facets,
// its broken links with their evidence, and example pages of a check, read
// back from a run stored through the sink (an abandoned attempt's rows never
// count).
func TestWebTeamReads(t *testing.T) {
	s := datatest.Store(t)
	ctx := context.Background()
	run, err := s.CreateRun(ctx, "test-1", "{}", "webteam", 2, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	w := s.NewWriter(data.WriterOptions{})
	sink := data.NewRunSink(w, run.ID, "test-1")
	f := func(url, check, cat string) scoring.Finding {
		return scoring.Finding{CheckID: check, Category: cat, Severity: scoring.SevWarning, URL: url, Message: check + " on " + url}
	}
	pages := []struct {
		url   string
		bytes int64
		fs    []scoring.Finding
	}{
		{"https://a.example/", 500, []scoring.Finding{f("https://a.example/", "lgd-ampersand", "content")}},
		{"https://a.example/big", 9000, nil},
		{"https://a.example/small", 100, nil},
		{"https://a.example/two", 800, []scoring.Finding{f("https://a.example/two", "lgd-ampersand", "content"),
			f("https://a.example/two", "lgd-ampersand", "content"), f("https://a.example/two", "a11y-image-alt", "accessibility")}},
	}
	for _, p := range pages {
		if err := sink.ScoredPage(ctx, &crawler.Page{Council: "A", URL: p.url, FinalURL: p.url, Status: 200, IsHTML: true, Bytes: p.bytes}, "T", p.fs); err != nil {
			t.Fatal(err)
		}
	}
	// B's big page has the finding: its example is its next largest page.
	for _, p := range []struct {
		url   string
		bytes int64
		fs    []scoring.Finding
	}{{"https://b.example/big", 9999, []scoring.Finding{f("https://b.example/big", "lgd-ampersand", "content")}}, {"https://b.example/ok", 10, nil}} {
		if err := sink.ScoredPage(ctx, &crawler.Page{Council: "B", URL: p.url, FinalURL: p.url, Status: 200, IsHTML: true, Bytes: p.bytes}, "T", p.fs); err != nil {
			t.Fatal(err)
		}
	}
	if err := sink.Links(ctx, []crawler.LinkCheck{
		{Council: "A", FromURL: "https://a.example/two", ToURL: "https://a.example/gone", Internal: true, Status: 404, Text: "Old report", Selector: `a[href="/gone"]`, FinalURL: "https://a.example/gone"},
		{Council: "A", FromURL: "https://a.example/", ToURL: "https://a.example/moved", Internal: true, Status: 500, Text: "Moved", Selector: "#m", FinalURL: "https://a.example/new"},
		{Council: "A", FromURL: "https://a.example/", ToURL: "https://a.example/big", Internal: true, Status: 200},
		{Council: "A", FromURL: "https://a.example/", ToURL: "https://a.example/private", Internal: true, ErrorClass: crawler.ErrRobotsDisallowed},
		{Council: "A", FromURL: "https://a.example/", ToURL: "https://down.example/", ErrorClass: crawler.ErrDNS, Text: "Partner"},
	}); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"A", "B"} {
		if err := sink.SiteDone(ctx, &crawler.SiteReport{Council: code, HomeURL: "https://" + code + ".example/", FinalHomeURL: "https://www." + code + ".example/"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}

	all, n, err := s.CouncilFindings(ctx, data.CouncilFindingFilter{RunID: run.ID, Council: "A", Limit: 2})
	if err != nil || n != 4 || len(all) != 2 || all[0].CheckID != "a11y-image-alt" {
		t.Fatalf("first page: %d of %d (%v): %+v", len(all), n, err, all)
	}
	rest, _, err := s.CouncilFindings(ctx, data.CouncilFindingFilter{RunID: run.ID, Council: "A", Limit: 2, Offset: 2})
	if err != nil || len(rest) != 2 || rest[1].URL != "https://a.example/two" {
		t.Fatalf("second page: %+v (%v)", rest, err)
	}
	for _, tc := range []struct {
		f    data.CouncilFindingFilter
		want int
	}{
		{data.CouncilFindingFilter{CheckID: "lgd-ampersand"}, 3},
		{data.CouncilFindingFilter{Category: "accessibility"}, 1},
		{data.CouncilFindingFilter{URL: "https://a.example/two"}, 3},
		{data.CouncilFindingFilter{CheckID: "lgd-ampersand", URL: "https://a.example/"}, 1},
		{data.CouncilFindingFilter{CheckID: "no-such-check"}, 0},
	} {
		tc.f.RunID, tc.f.Council, tc.f.Limit = run.ID, "A", 50
		got, n, err := s.CouncilFindings(ctx, tc.f)
		if err != nil || n != tc.want || len(got) != tc.want {
			t.Errorf("%+v: %d rows, %d in all (%v), want %d", tc.f, len(got), n, err, tc.want)
		}
	}
	if _, _, err := s.CouncilFindings(ctx, data.CouncilFindingFilter{RunID: run.ID}); err == nil {
		t.Error("no council: no error")
	}
	fc, err := s.CouncilFindingFacets(ctx, run.ID, "A")
	if err != nil || len(fc.Checks) != 2 || fc.Checks[1].CheckID != "lgd-ampersand" || fc.Checks[1].Findings != 3 || fc.Checks[1].Pages != 2 ||
		len(fc.Pages) != 2 || fc.Pages[0].URL != "https://a.example/two" || fc.Pages[0].N != 3 {
		t.Errorf("facets: %+v (%v)", fc, err)
	}

	bl, n, err := s.BrokenLinks(ctx, run.ID, "A", 10, 0)
	if err != nil || n != 3 || len(bl) != 3 {
		t.Fatalf("broken links: %+v, %d (%v)", bl, n, err)
	}
	if b := bl[0]; b.ToURL != "https://a.example/gone" || b.FromURL != "https://a.example/two" || b.Text != "Old report" ||
		b.Selector != `a[href="/gone"]` || b.Status != 404 || !b.Internal {
		t.Errorf("first broken link: %+v", b)
	}
	if b := bl[1]; b.FinalURL != "https://a.example/new" || b.Status != 500 {
		t.Errorf("second broken link: %+v", b)
	}
	if b := bl[2]; b.ErrorClass != crawler.ErrDNS || b.Internal || b.Text != "Partner" {
		t.Errorf("third broken link: %+v", b)
	}
	if page, _, _ := s.BrokenLinks(ctx, run.ID, "A", 1, 2); len(page) != 1 || page[0].ToURL != "https://down.example/" {
		t.Errorf("paged broken links: %+v", page)
	}

	// A re-score from the archive (LoadAttempt) reads the links back with
	// their evidence, so its broken-link findings are the crawl's.
	attempts, err := s.FinishedSites(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	att, err := s.LoadAttempt(ctx, run.ID, "A", attempts["A"])
	if err != nil {
		t.Fatal(err)
	}
	evidence := map[string]string{}
	for _, l := range att.Links {
		evidence[l.ToURL] = l.Text + "|" + l.Selector + "|" + l.FinalURL
	}
	if len(att.Links) != 5 || evidence["https://a.example/gone"] != `Old report|a[href="/gone"]|https://a.example/gone` ||
		evidence["https://a.example/moved"] != "Moved|#m|https://a.example/new" || evidence["https://down.example/"] != "Partner||" {
		t.Errorf("links of the attempt, read back: %v", evidence)
	}

	ex, err := s.ExamplePages(ctx, run.ID, "lgd-ampersand", []string{"A", "B", "C"})
	if err != nil || ex["A"] != "https://a.example/big" || ex["B"] != "https://b.example/ok" || len(ex) != 2 {
		t.Errorf("example pages: %v (%v)", ex, err)
	}
	home, err := s.HomePages(ctx, run.ID, []string{"A", "B"})
	if err != nil || home["A"] != "https://www.A.example/" || home["B"] != "https://www.B.example/" {
		t.Errorf("home pages: %v (%v)", home, err)
	}
}

// A run is simulated only when it is a demo run (Run.Demo, stored in
// crawl_runs.demo) whose settings say so.
func TestDemoRunSimulated(t *testing.T) {
	for _, tc := range []struct {
		r         data.Run
		simulated bool
	}{
		{data.Run{Label: "live crawl", Settings: `{"max_pages":100}`}, false},
		{data.Run{Label: "demo run 1", Demo: true, Settings: `{}`}, false},
		{data.Run{Label: "demo run 1", Demo: true, Settings: `{"simulated":false}`}, false},
		{data.Run{Label: "demo run 2", Demo: true, Settings: `{"simulated":true}`}, true},
		{data.Run{Label: "x", Settings: `{"simulated":true}`}, false},
		{data.Run{Label: "x", Demo: true, Settings: `{"simulated":`}, false},
	} {
		if tc.r.IsSimulated() != tc.simulated {
			t.Errorf("%+v: simulated %v", tc.r, tc.r.IsSimulated())
		}
	}
}
