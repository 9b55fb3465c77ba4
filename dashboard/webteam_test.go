package dashboard_test

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler/crawltest"
	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

var showing = regexp.MustCompile(`Showing (\w+) to (\w+) of (\w+)`)

// num reads a number the pages write in figures or, up to ten, in words.
func num(s string) int {
	for i, w := range []string{"none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"} {
		if s == w {
			return i
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// csvRows downloads an export and returns its header and rows.
func csvRows(t *testing.T, base, path string) ([]string, [][]string) {
	t.Helper()
	res, err := http.Get(base + strings.ReplaceAll(path, "&amp;", "&"))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	recs, err := csv.NewReader(res.Body).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("GET %s: %v", path, err)
	}
	return recs[0], recs[1:]
}

// TestWebTeamPages walks a web team's pages over real crawls: the
// fix-first list, every check's permalink, the findings view with its
// filters, pages and downloads (the export's rows, for the council only),
// broken links with their evidence, what changed, and the register's
// search.
func TestWebTeamPages(t *testing.T) {
	f := newFixture(t)
	_, hs := f.serve(t, true)
	base := hs.URL
	latest := f.runs[len(f.runs)-1]

	withFix := 0
	for _, co := range f.councils[:fixtureSites] {
		pg := get(t, base, "/councils/"+co.Code)
		mustStatus(t, pg, http.StatusOK, co.Code)
		for _, ch := range scoring.Catalog() {
			if !strings.Contains(pg.body, `id="check-`+ch.ID+`"`) {
				t.Errorf("%s: no permalink for %s", co.Code, ch.ID)
			}
		}
		if !strings.Contains(pg.body, `id="fix-first"`) {
			continue
		}
		withFix++
		items := strings.Split(pg.body, `<section class="app-fix" id="fix-`)[1:]
		if len(items) == 0 || len(items) > 5 {
			t.Errorf("%s: %d checks to fix first", co.Code, len(items))
		}
		for _, it := range items {
			id := it[:strings.Index(it, `"`)]
			if !strings.Contains(it, "How to fix it") || !strings.Contains(it, `/councils/`+co.Code+`/findings?check=`+id) ||
				!regexp.MustCompile(`Costs the site score</dt><dd class="govuk-summary-list__value"><strong>\d+\.\d points</strong>`).MatchString(it) {
				t.Errorf("%s: fix-first item %s lacks its cost, how to fix or findings link", co.Code, id)
			}
			if g, _ := scoring.Guidance(id); g.Rule != "" && !strings.Contains(it, "app-rule__quote") {
				t.Errorf("%s: fix-first item %s does not quote its rule", co.Code, id)
			}
		}
	}
	if withFix == 0 {
		t.Fatal("no council has a fix-first list")
	}

	co := f.councils[0]
	fv := get(t, base, "/councils/"+co.Code+"/findings")
	mustStatus(t, fv, http.StatusOK, "findings")
	m := showing.FindStringSubmatch(fv.body)
	if m == nil {
		t.Fatal("the findings view does not say how many it shows")
	}
	total := num(m[3])
	csvLink := regexp.MustCompile(`href="(/export/findings\.csv\?[^"]+)"`).FindStringSubmatch(fv.body)
	if csvLink == nil || !strings.Contains(csvLink[1], "council="+co.Code) || !strings.Contains(csvLink[1], "run="+latest.ID) {
		t.Fatalf("no CSV download of the council's findings: %v", csvLink)
	}
	head, rows := csvRows(t, base, csvLink[1])
	if len(rows) != total || !slices.Equal(head, strings.Split("run_id,method_version,council_code,check_id,category,severity,url,selector,snippet,matched,message,task,created_at,council_name,council_type,council_nation,council_region,run_started_at,demo,simulated", ",")) {
		t.Fatalf("the download has %d rows (want %d) and columns %v", len(rows), total, head)
	}
	perCheck := map[string]int{}
	for _, r := range rows {
		if r[0] != latest.ID || r[2] != co.Code {
			t.Fatalf("a row of another run or council: %v", r)
		}
		perCheck[r[3]]++
	}
	if !strings.Contains(fv.body, `<a class="govuk-link app-break" href="http`) {
		t.Error("page addresses are not links")
	}
	// Filtered by its busiest check: the same count as the download of it.
	busiest := ""
	for id, n := range perCheck {
		if busiest == "" || n > perCheck[busiest] || (n == perCheck[busiest] && id < busiest) {
			busiest = id
		}
	}
	fc := get(t, base, "/councils/"+co.Code+"/findings?check="+busiest)
	if m := showing.FindStringSubmatch(fc.body); m == nil || num(m[3]) != perCheck[busiest] || !strings.Contains(fc.body, "How to fix it") {
		t.Errorf("filtered by %s: %v, want %d", busiest, m, perCheck[busiest])
	}
	if _, r := csvRows(t, base, "/export/findings.csv?run="+latest.ID+"&council="+co.Code+"&check="+busiest); len(r) != perCheck[busiest] {
		t.Errorf("download of %s: %d rows", busiest, len(r))
	}
	cat := get(t, base, "/councils/"+co.Code+"/findings?category=accessibility")
	if m := showing.FindStringSubmatch(cat.body); m != nil && num(m[3]) == total {
		t.Error("the category filter keeps every finding")
	}
	if total > 50 {
		p2 := get(t, base, "/councils/"+co.Code+"/findings?p=2")
		if m := showing.FindStringSubmatch(p2.body); m == nil || m[1] != "51" {
			t.Errorf("second page: %v", m)
		}
	}
	for path, want := range map[string]int{
		"/councils/" + co.Code + "/findings?p=99999":     http.StatusNotFound,
		"/councils/" + co.Code + "/findings?p=0":         http.StatusBadRequest,
		"/councils/" + co.Code + "/findings?check=nope":  http.StatusNotFound,
		"/councils/" + co.Code + "/findings?category=x":  http.StatusBadRequest,
		"/councils/" + co.Code + "/findings?sort=x":      http.StatusBadRequest,
		"/councils/" + co.Code + "/findings?p=1&p=2":     http.StatusBadRequest,
		"/councils/" + co.Code + "/findings?check=a;b":   http.StatusBadRequest,
		"/changes?run=latest":                            http.StatusBadRequest,
		"/demo?x=1":                                      http.StatusBadRequest,
		"/councils/NOPE/findings":                        http.StatusNotFound,
		"/councils/" + co.Code + "/review/thanks?task=x": http.StatusSeeOther,
	} {
		res, err := noRedirect.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, res.StatusCode, want)
		}
		if want == http.StatusSeeOther && res.Header.Get("Location") != "/councils/"+co.Code+"/review" {
			t.Errorf("thanks without a review sends to %q", res.Header.Get("Location"))
		}
	}

	// The findings view checks its parameters as strictly as the API and
	// says what was wrong in words; the filter form's "all" (an empty
	// value) is no error.
	bad := get(t, base, "/councils/"+co.Code+"/findings?sort=x")
	if bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "is not a parameter here: use check, category, page, p") || strings.Contains(bad.body, `"error"`) {
		t.Errorf("an unknown parameter of the findings view: %d, no words naming it", bad.status)
	}
	if cb := get(t, base, "/councils/"+co.Code+"/findings?category=x"); !strings.Contains(cb.body, "category must be one of ") {
		t.Error("a bad category: no words saying which are allowed")
	}
	mustStatus(t, get(t, base, "/councils/"+co.Code+"/findings?check=&category=&page="), http.StatusOK, "the filter form's all")
	// /councils.json answers errors in the one error shape.
	for _, bad := range []string{"/councils.json?x=1", "/councils.json?q=", "/councils.json?q=" + strings.Repeat("x", 101), "/councils.json?q=a&q=b"} {
		if cj := get(t, base, bad); cj.status != http.StatusBadRequest || !strings.Contains(cj.body, `"param":"`) {
			t.Errorf("%s: %d %s", bad, cj.status, cj.body)
		}
	}

	// Broken links, with the page each is on, its text, element and answer
	// (every generated site has one: "Old page" on its third inner page).
	bl := get(t, base, "/councils/"+co.Code+"/findings?check=tech-broken-links")
	mustStatus(t, bl, http.StatusOK, "broken links")
	for _, want := range []string{"Old page", `a[href=&#34;/page/`, "HTTP 404 Not Found", `/page/3">`, "Broken links"} {
		if !strings.Contains(bl.body, want) {
			t.Errorf("broken links view lacks %q", want)
		}
	}

	// What changed between the two runs (same method).
	ch := get(t, base, "/changes")
	mustStatus(t, ch, http.StatusOK, "/changes")
	if !strings.Contains(ch.body, "Biggest rises") || !strings.Contains(ch.body, "Checks that changed most") {
		t.Error("the changes page lacks its sections")
	}

	// The register's search: a council with no score is found, with a
	// link to its page; its name in any words.
	s := get(t, base, "/?q=nevercrawled+council")
	if !strings.Contains(s.body, `href="/councils/N99999999"`) || !strings.Contains(s.body, "have no scores yet") {
		t.Error("searching for a council with no score finds nothing")
	}
	if rows := leagueOrder(get(t, base, "/?q="+strings.ToLower(strings.Fields(f.councils[1].Name)[1])).body); !slices.Contains(rows, f.councils[1].Code) {
		t.Errorf("search by part of a name: %v", rows)
	}
	res, err := http.Get(base + "/councils.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Items []struct {
			Code   string `json:"code"`
			Name   string `json:"name"`
			Scored bool   `json:"scored"`
		} `json:"items"`
	}
	err = json.NewDecoder(res.Body).Decode(&doc)
	res.Body.Close()
	names := doc.Items
	if err != nil || len(names) != len(f.councils) {
		t.Fatalf("councils.json: %d (%v)", len(names), err)
	}
	for _, n := range names {
		if n.Scored != (n.Code != "N99999999") {
			t.Errorf("councils.json: %+v", n)
		}
	}
	// The type-ahead's question: the councils a search finds, matched as
	// the league's search matches, scored or not, a few at a time.
	for q, want := range map[string][]string{
		"nevercrawled":                      {"N99999999"},
		"nevercrawled+district+council":     {"N99999999"},
		strings.ToLower(f.councils[1].Code): {f.councils[1].Code},
		"no+such+place+at+all":              {},
	} {
		var found struct {
			Items []struct {
				Code string `json:"code"`
			} `json:"items"`
			Total int `json:"total"`
		}
		cj := get(t, base, "/councils.json?limit=5&q="+q)
		if err := json.Unmarshal([]byte(cj.body), &found); err != nil || cj.status != http.StatusOK {
			t.Fatalf("/councils.json?q=%s: %d %v", q, cj.status, err)
		}
		var codes []string
		for _, it := range found.Items {
			codes = append(codes, it.Code)
		}
		if !slices.Equal(codes, want) && !(len(codes) == 0 && len(want) == 0) || found.Total != len(want) {
			t.Errorf("/councils.json?q=%s finds %v (total %d), want %v", q, codes, found.Total, want)
		}
	}
	var few struct {
		Items []json.RawMessage `json:"items"`
		Total int               `json:"total"`
		Next  *string           `json:"next"`
	}
	cj := get(t, base, "/councils.json?q=testshire&limit=2")
	if err := json.Unmarshal([]byte(cj.body), &few); err != nil || len(few.Items) != 2 || few.Total < 3 || few.Next == nil ||
		*few.Next != "/councils.json?limit=2&offset=2&q=testshire" {
		t.Errorf("/councils.json?q=testshire&limit=2: %d items of %d, next %v (%v)", len(few.Items), few.Total, few.Next, err)
	}
	// The review form's link to the council's site opens a new tab and
	// says so.
	if rf := get(t, base, "/councils/"+co.Code+"/review").body; !strings.Contains(rf, `target="_blank" rel="noopener noreferrer">`) || !strings.Contains(rf, "(opens in new tab)") {
		t.Error("the review form's site link")
	}
}

// bannerPaths are the pages (and error pages) the demo banner test reads.
func bannerPaths(code string) []string {
	return []string{"/", "/councils/" + code, "/councils/" + code + "/findings", "/compare", "/compare?c=" + code, "/checks",
		"/checks/a11y-skip-link", "/changes", "/tasks", "/method", "/data", "/demo", "/no-such-page", "/councils/NOPE",
		"/councils/" + code + "/findings?check=nope"}
}

// TestDemoBanner: the banner is on every page, error pages too, while
// demo data is shown, and on none when it is not: real crawls without
// reviews; real crawls with demo reviews; a demo crawl.
func TestDemoBanner(t *testing.T) {
	f := newFixture(t)
	code := f.councils[0].Code
	check := func(t *testing.T, base string, paths []string, want string) {
		t.Helper()
		for _, p := range paths {
			pg := get(t, base, p)
			has := strings.Contains(pg.body, `class="app-demo-banner"`)
			switch {
			case want == "" && has:
				t.Errorf("%s (%d): a demo banner without demo data", p, pg.status)
			case want != "" && (!has || !strings.Contains(pg.body, want)):
				t.Errorf("%s (%d): no demo banner saying %q", p, pg.status, want)
			}
		}
	}
	t.Run("no demo data", func(t *testing.T) {
		_, hs := f.serve(t, false)
		check(t, hs.URL, bannerPaths(code), "")
		checkDemoFields(t, hs.URL, code, false)
		checkSimulated(t, hs.URL, code, map[string]bool{f.runs[0].ID: false, f.runs[1].ID: false})
	})
	t.Run("demo reviews", func(t *testing.T) { // the fixture's reviews are partly demo
		_, hs := f.serve(t, true)
		check(t, hs.URL, append(bannerPaths(code), "/councils/"+code+"/review"), "invented reviews")
		// The API says so too: the answer, and the rows whose review
		// scores count demo reviews (the scores are a real crawl's).
		var l struct {
			Items []struct {
				Latest *struct {
					Demo   bool `json:"demo"`
					Review struct {
						Demo int `json:"demo_reviews"`
					} `json:"review"`
				} `json:"latest"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(get(t, hs.URL, "/api/v1/councils").body), &l); err != nil {
			t.Fatal(err)
		}
		marked := 0
		for _, it := range l.Items {
			if it.Latest != nil && it.Latest.Demo != (it.Latest.Review.Demo > 0) {
				t.Errorf("a league row with %d demo reviews has demo %v", it.Latest.Review.Demo, it.Latest.Demo)
			}
			if it.Latest != nil && it.Latest.Demo {
				marked++
			}
		}
		if marked == 0 {
			t.Error("no league row is marked demo, with demo reviews")
		}
	})
	t.Run("a demo crawl", func(t *testing.T) {
		// As `councildash demo` makes them: a first run kept only to show
		// a trend (simulated), then the run the pages show first.
		store := datatest.Store(t)
		web, err := crawltest.NewWeb(crawltest.Options{Sites: 2, PagesPerSite: 10, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		sim := crawlRunAs(t, store, web, time.Time{}, data.DemoRunLabelPrefix+" 1: test", true, `{"simulated":true}`)
		time.Sleep(time.Until(sim.StartedAt.Add(time.Second))) // runs are stored to the second: the next starts in a second of its own
		run := crawlRunAs(t, store, web, time.Time{}, data.DemoRunLabelPrefix+" 2: test", true, "{}")
		web.Close()
		var councils []data.Council
		for _, s := range web.Sites {
			councils = append(councils, data.Council{Code: s.Council, Name: s.Name, Type: "District", Nation: "England", HomepageURL: s.HomeURL})
		}
		srv, err := dashboard.New(dashboard.Deps{Store: store, Councils: councils, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(srv.Handler())
		defer hs.Close()
		check(t, hs.URL, bannerPaths(councils[0].Code), "a local copy of council pages from 2019/20")
		checkDemoFields(t, hs.URL, councils[0].Code, true)
		checkSimulated(t, hs.URL, councils[0].Code, map[string]bool{sim.ID: true, run.ID: false})
		home := get(t, hs.URL, "/").body
		if !strings.Contains(home, "demo run</strong>") || !strings.Contains(home, runTimeOf(run)) {
			t.Errorf("the home page does not label the demo run with its time %q", runTimeOf(run))
		}
		if cp := get(t, hs.URL, "/councils/"+councils[0].Code).body; !strings.Contains(cp, "These scores come from a demo crawl") {
			t.Error("the council page does not say its scores come from a demo crawl")
		}
	})
}

// demoAPIPaths are the JSON answers: the API's and the search fields'
// list of councils.
func demoAPIPaths(code string) []string {
	return []string{"/api/v1/councils", "/api/v1/councils/" + code, "/api/v1/runs", "/api/v1/scores",
		"/api/v1/scores?council=" + code, "/api/v1/checks", "/api/v1/findings", "/api/v1/findings?council=" + code, "/api/v1/tasks",
		"/councils.json"}
}

// demoFields are the demo fields of a JSON answer: its own, and those of
// every object inside it, each with where it is.
func demoFields(v any, at string, out map[string]any) {
	switch x := v.(type) {
	case map[string]any:
		if d, ok := x["demo"]; ok {
			out[at] = d
		}
		for k, c := range x {
			demoFields(c, at+"."+k, out)
		}
	case []any:
		for i, c := range x {
			demoFields(c, at+"["+strconv.Itoa(i)+"]", out)
		}
	}
}

// checkDemoFields: with every run a demo crawl's (demo) or none, every
// demo field anywhere in every JSON answer, nested ones included (league
// rows, their runs, peer groups, trend points, checks, scores, findings,
// tasks), is demo, and so is every item of a list and the demo column of
// every row of the scores and findings exports, CSV and JSON. The checks'
// catalogue is the method's, never demo data: its items carry no demo
// field. (TestDemoFlags checks the flags run by run, on one council.)
func checkDemoFields(t *testing.T, base, code string, demo bool) {
	t.Helper()
	for _, p := range demoAPIPaths(code) {
		pg := get(t, base, p)
		var v any
		if err := json.Unmarshal([]byte(pg.body), &v); err != nil || pg.status != http.StatusOK {
			t.Errorf("%s: %d %v", p, pg.status, err)
			continue
		}
		top, ok := v.(map[string]any)
		if !ok {
			t.Errorf("%s: not an object", p)
			continue
		}
		catalogue := strings.HasPrefix(p, "/api/v1/checks")
		items, isList := top["items"].([]any)
		if !isList && top["demo"] != demo { // an object answer says so itself
			t.Errorf("%s: demo %v, want %v", p, top["demo"], demo)
		}
		if isList && len(items) == 0 {
			t.Errorf("%s: no items to check", p)
		}
		for i, it := range items {
			o, _ := it.(map[string]any)
			d, has := o["demo"]
			switch {
			case catalogue && has:
				t.Errorf("%s: item %d has demo %v: the catalogue is not demo data", p, i, d)
			case !catalogue && p == "/councils.json" && o["scored"] == false:
				if d != false {
					t.Errorf("%s: a council not scored has demo %v", p, d)
				}
			case !catalogue && d != demo:
				t.Errorf("%s: item %d has demo %v, want %v", p, i, d, demo)
			}
		}
		// Nothing is demo without demo data; with a demo crawl everything
		// is but a review score (its demo says whether demo reviews are
		// among its reviews: none here) and a council not scored.
		all := map[string]any{}
		demoFields(v, "", all)
		for at, d := range all {
			if d != demo && !(demo && (strings.HasSuffix(at, ".review") || p == "/councils.json")) {
				t.Errorf("%s: %s has demo %v, want %v", p, at, d, demo)
			}
		}
	}
	// The council's trend and latest scores are marked too.
	var one struct {
		Latest struct {
			Demo *bool `json:"demo"`
		} `json:"latest"`
		Trend []struct {
			Demo *bool `json:"demo"`
		} `json:"trend"`
	}
	if err := json.Unmarshal([]byte(get(t, base, "/api/v1/councils/"+code).body), &one); err != nil || one.Latest.Demo == nil || *one.Latest.Demo != demo ||
		len(one.Trend) == 0 || one.Trend[0].Demo == nil || *one.Trend[0].Demo != demo {
		t.Errorf("/api/v1/councils/%s: latest or trend without demo %v (%v)", code, demo, err)
	}
	for _, kind := range []string{"scores", "findings"} {
		head, rows := csvRows(t, base, "/export/"+kind+".csv")
		i := slices.Index(head, "demo")
		if i < 0 || len(rows) == 0 {
			t.Errorf("%s.csv: no demo column (%v) or no rows", kind, head)
			continue
		}
		for _, r := range rows {
			if r[i] != strconv.FormatBool(demo) {
				t.Errorf("%s.csv: row %v has demo %q, want %v", kind, r, r[i], demo)
				break
			}
		}
		var js struct {
			Rows []map[string]any `json:"rows"`
		}
		if err := json.Unmarshal([]byte(get(t, base, "/export/"+kind+".json").body), &js); err != nil || len(js.Rows) != len(rows) {
			t.Errorf("%s.json: %d rows, %v", kind, len(js.Rows), err)
			continue
		}
		for _, r := range js.Rows {
			if r["demo"] != demo {
				t.Errorf("%s.json: row %v has demo %v, want %v", kind, r, r["demo"], demo)
				break
			}
		}
	}
}

// checkSimulated: a run kept only to show a trend says so (simulated)
// wherever a run is: the runs list, a league row's run, a council's trend
// points, and the simulated column of every export row of the run (CSV
// and JSON; the Parquet export is compared with the CSV elsewhere).
// simulated maps every run of the store to whether it is simulated.
func checkSimulated(t *testing.T, base, code string, simulated map[string]bool) {
	t.Helper()
	type run struct {
		RunID     string `json:"run_id"`
		Simulated *bool  `json:"simulated"`
	}
	var runs struct{ Items []run }
	var one struct {
		Latest struct{ Run run } `json:"latest"`
		Trend  []run             `json:"trend"`
	}
	if err := json.Unmarshal([]byte(get(t, base, "/api/v1/runs").body), &runs); err != nil || len(runs.Items) != len(simulated) {
		t.Fatalf("/api/v1/runs: %d runs, want %d (%v)", len(runs.Items), len(simulated), err)
	}
	if err := json.Unmarshal([]byte(get(t, base, "/api/v1/councils/"+code).body), &one); err != nil || len(one.Trend) != len(simulated) {
		t.Fatalf("/api/v1/councils/%s: %d trend points, want %d (%v)", code, len(one.Trend), len(simulated), err)
	}
	for where, rs := range map[string][]run{"runs": runs.Items, "trend": one.Trend, "latest.run": {one.Latest.Run}} {
		for _, r := range rs {
			want, known := simulated[r.RunID]
			if !known || r.Simulated == nil || *r.Simulated != want {
				t.Errorf("%s: run %q simulated %v, want %v", where, r.RunID, r.Simulated, want)
			}
		}
	}
	for _, kind := range []string{"scores", "findings"} {
		head, rows := csvRows(t, base, "/export/"+kind+".csv")
		si, ri := slices.Index(head, "simulated"), slices.Index(head, "run_id")
		if si < 0 {
			t.Errorf("%s.csv: no simulated column: %v", kind, head)
			continue
		}
		seen := map[string]bool{}
		for _, r := range rows {
			seen[r[ri]] = true
			if r[si] != strconv.FormatBool(simulated[r[ri]]) {
				t.Errorf("%s.csv: a row of run %s has simulated %q", kind, r[ri], r[si])
				break
			}
		}
		if len(seen) != len(simulated) {
			t.Errorf("%s.csv: rows of %d runs, want %d", kind, len(seen), len(simulated))
		}
		var js struct {
			Rows []map[string]any `json:"rows"`
		}
		if err := json.Unmarshal([]byte(get(t, base, "/export/"+kind+".json").body), &js); err != nil {
			t.Fatal(err)
		}
		for _, r := range js.Rows {
			id, _ := r["run_id"].(string)
			if r["simulated"] != simulated[id] {
				t.Errorf("%s.json: a row of run %s has simulated %v", kind, id, r["simulated"])
				break
			}
		}
	}
}

// runTimeOf is how the pages write a demo run's start.
func runTimeOf(r data.Run) string {
	t := r.StartedAt.UTC()
	return t.Format("2 January 2006") + " at " + strings.ToLower(t.Format("3:04PM")) + " UTC"
}
