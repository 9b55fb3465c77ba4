package dashboard_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

// parishScale is a register of the size of England's parishes: the 382
// principal councils and 10,000 parish councils, each parish with a parent.
const parishScale = 10_000

func parishRegister() []data.Council {
	reg := data.EmbeddedRegister()
	var parents []data.Council
	for _, c := range reg {
		if c.Tier == "district" || c.Tier == "unitary" {
			parents = append(parents, c)
		}
	}
	for i := range parishScale {
		p := parents[i%len(parents)]
		reg = append(reg, data.Council{Code: fmt.Sprintf("P%07d", i), Name: fmt.Sprintf("Testshire %05d Parish Council", i),
			Type: "Parish council", Tier: "parish", Nation: p.Nation, Region: p.Region, ParentCode: p.Code,
			HomepageURL: fmt.Sprintf("https://p%07d.example/", i)})
	}
	return data.MergeRegister(nil, reg)
}

// seedScale stores the parish-scale register and one finished run
// scoring every council but every 40th (by name).
func seedScale(t *testing.T) (*data.Store, []data.Council, string, int) {
	t.Helper()
	return seedScaleWith(t, nil)
}

// seedScaleWith is seedScale storing, when findings is set, each scored
// council's findings too, with check statistics that count them (20 pages
// a site).
func seedScaleWith(t *testing.T, findings func(i int, c data.Council) []scoring.Finding) (*data.Store, []data.Council, string, int) {
	t.Helper()
	store := datatest.Store(t)
	ctx := context.Background()
	reg := parishRegister()
	if err := data.CheckParents(reg); err != nil {
		t.Fatal(err)
	}
	if err := store.LoadCouncils(ctx, reg); err != nil {
		t.Fatal(err)
	}
	method := scoring.CurrentMethod()
	run, err := store.CreateRun(ctx, method.Version, "{}", "scale", len(reg), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	w := store.NewWriter(data.WriterOptions{FlushRows: 50000})
	sink := data.NewRunSink(w, run.ID, method.Version)
	unscored := 0
	checks := scoring.Catalog()
	for i, c := range reg {
		if i%40 == 39 {
			unscored++ // never crawled
			continue
		}
		var fs []scoring.Finding
		if findings != nil {
			fs = findings(i, c)
		}
		stats := make([]scoring.CheckStat, 0, len(checks))
		for k, ch := range checks {
			st := scoring.CheckStat{CheckID: ch.ID, Category: ch.Category, PagesTotal: 20, PagesAffected: (i + k) % 21, Findings: (i + k) % 21}
			if findings != nil {
				pages := map[string]bool{}
				st.Findings = 0
				for _, f := range fs {
					if f.CheckID == ch.ID {
						pages[f.URL] = true
						st.Findings++
					}
				}
				st.PagesAffected = len(pages)
			}
			stats = append(stats, st)
		}
		if err := sink.SiteResult(ctx, c.Code, fs, stats, method.Score(stats)); err != nil {
			t.Fatal(err)
		}
		if err := sink.SiteDone(ctx, &crawler.SiteReport{Council: c.Code, HomeURL: c.HomepageURL, PagesFetched: 20}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := store.SetRunStatus(ctx, run.ID, data.RunFinished, time.Time{}); err != nil {
		t.Fatal(err)
	}
	return store, reg, run.ID, unscored
}

// Every page that lists councils stays a page at a time with a register
// of 10,382 councils, all but a few scored: the league table comes 100
// rows a page with GOV.UK pagination, search finds one parish among them,
// the councils not scored are cut short, the compare picker lists the
// principal councils and finds parishes by name, and two parishes compare.
func TestParishScaleRegister(t *testing.T) {
	t0 := time.Now()
	store, reg, runID, unscored := seedScale(t)
	scored := len(reg) - unscored
	t.Logf("seeded in %s", time.Since(t0).Round(time.Millisecond))
	// The server's warnings and errors go to the test's log: a page that
	// answers other than 200 says why there.
	srv, err := dashboard.New(dashboard.Deps{Store: store, Councils: reg,
		Logger: slog.New(slog.NewTextHandler(newTestLog(t), &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	// As serve does: the read model is built before the first visitor (at
	// this size it may take longer than a page's 30 s write deadline).
	rctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := srv.Refresh(rctx); err != nil {
		t.Logf("read model at start: %v (the first request builds it)", err)
	}
	t.Logf("read model built in %s", time.Since(t0).Round(time.Millisecond))
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)

	home := get(t, hs.URL, "/")
	t.Logf("first page in %s", time.Since(t0).Round(time.Millisecond))
	mustStatus(t, home, 200, "/")
	rows := leagueOrder(home.body)
	if len(rows) != 100 {
		t.Fatalf("league page 1 has %d rows, want 100\n%s", len(rows), home.body[strings.Index(home.body, "<main"):])
	}
	for _, want := range []string{fmt.Sprintf("Showing 1 to 100 of %d", scored), `class="govuk-pagination"`, `aria-current="page">1<`,
		`href="/?page=2#league" rel="next"`, fmt.Sprintf(`aria-label="Page %d"`, (scored+99)/100), fmt.Sprintf("And %d more.", unscored-200)} {
		if !strings.Contains(home.body, want) {
			t.Errorf("league page 1 lacks %q", want)
		}
	}
	if len(home.body) > 400_000 {
		t.Errorf("league page 1 is %d bytes: one page of the league should not grow with the register", len(home.body))
	}
	last := (scored + 99) / 100
	pg := get(t, hs.URL, fmt.Sprintf("/?page=%d", last))
	mustStatus(t, pg, 200, "last page")
	if n := len(leagueOrder(pg.body)); n != scored-(last-1)*100 {
		t.Errorf("last page has %d rows, want %d", n, scored-(last-1)*100)
	}
	if past := get(t, hs.URL, "/?page=99999"); past.status != 200 || len(leagueOrder(past.body)) != scored-(last-1)*100 {
		t.Errorf("a page past the last: status %d, %d rows; want the last page", past.status, len(leagueOrder(past.body)))
	}
	for _, bad := range []string{"/?page=0", "/?page=x", "/?page=-1"} {
		if p := get(t, hs.URL, bad); p.status != 400 {
			t.Errorf("GET %s: status %d, want 400", bad, p.status)
		}
	}
	// Pages of every order hold every row once.
	seen := map[string]bool{}
	for page := 1; page <= last; page += 17 {
		for _, code := range leagueOrder(get(t, hs.URL, fmt.Sprintf("/?sort=name&dir=asc&page=%d", page)).body) {
			if seen[code] {
				t.Fatalf("%s on two pages", code)
			}
			seen[code] = true
		}
	}

	// Search, with the sort and the page kept in the links.
	found := get(t, hs.URL, "/?q=testshire+01234")
	if got := leagueOrder(found.body); len(got) != 1 || got[0] != "P0001234" {
		t.Errorf("search for one parish: %v", got)
	}
	many := get(t, hs.URL, "/?q=parish&sort=name&dir=asc&page=3")
	var byName []string // the scored parishes by name
	for i, c := range reg {
		if c.Tier == "parish" && i%40 != 39 {
			byName = append(byName, c.Code)
		}
	}
	want201 := byName[200]
	if got := leagueOrder(many.body); len(got) != 100 || got[0] != want201 {
		t.Errorf("page 3 of the parishes by name starts %v", got[:min(len(got), 1)])
	}
	if !strings.Contains(many.body, `href="/?dir=asc&amp;page=4&amp;q=parish&amp;sort=name#league"`) {
		t.Errorf("the next page link loses the search or the order")
	}

	// The search field's type-ahead asks for the few councils its words
	// find, never the whole register: a keystroke's answer stays small.
	names := func(path string) (codes []string, total int, size int) {
		t.Helper()
		pg := get(t, hs.URL, path)
		mustStatus(t, pg, 200, path)
		var doc struct {
			Items []struct {
				Code string `json:"code"`
			} `json:"items"`
			Total int `json:"total"`
		}
		if err := json.Unmarshal([]byte(pg.body), &doc); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, it := range doc.Items {
			codes = append(codes, it.Code)
		}
		return codes, doc.Total, len(pg.body)
	}
	if codes, total, _ := names("/councils.json?q=testshire+01234&limit=20"); total != 1 || !slices.Equal(codes, []string{"P0001234"}) {
		t.Errorf("the type-ahead's search for one parish: %v of %d", codes, total)
	}
	// A parish not scored is found too.
	var notScored data.Council
	for i, c := range reg {
		if c.Tier == "parish" && i%40 == 39 {
			notScored = c
			break
		}
	}
	if codes, total, _ := names("/councils.json?limit=20&q=" + strings.ReplaceAll(strings.ToLower(notScored.Name), " ", "+")); total != 1 || !slices.Equal(codes, []string{notScored.Code}) {
		t.Errorf("the type-ahead's search for %s, not scored: %v of %d", notScored.Name, codes, total)
	}
	codes, total, small := names("/councils.json?q=testshire&limit=20")
	if len(codes) != 20 || total != parishScale || small > 5_000 {
		t.Errorf("a keystroke's answer: %d councils of %d in %d bytes, want 20 of %d in a few kilobytes", len(codes), total, small, parishScale)
	}
	all, total, size := names("/councils.json")
	if len(all) != 1000 || total != len(reg) || size > 200_000 {
		t.Errorf("/councils.json without a search: %d councils of %d in %d bytes, want a page of 1000 of %d", len(all), total, size, len(reg))
	}
	t.Logf("/councils.json: 20 councils in %d bytes; a page of 1000 in %d bytes", small, size)

	// The exports stream every council's rows, whatever the register's size.
	exp := get(t, hs.URL, "/export/scores.csv?run="+runID)
	mustStatus(t, exp, 200, "scores export")
	recs, err := csv.NewReader(strings.NewReader(exp.body)).ReadAll()
	if err != nil || len(recs) < 2 || recs[0][2] != "council_code" {
		t.Fatalf("scores export: %v, %d records", err, len(recs))
	}
	inExport := map[string]bool{}
	for _, r := range recs[1:] {
		inExport[r[2]] = true
	}
	if len(inExport) != scored {
		t.Errorf("the scores export holds %d councils, want the %d scored", len(inExport), scored)
	}

	// The compare picker: principal councils in the lists, parishes found.
	cmp := get(t, hs.URL, "/compare")
	mustStatus(t, cmp, 200, "/compare")
	if n := strings.Count(cmp.body, "<option value=\"P"); n != 0 {
		t.Errorf("the compare lists offer %d parishes: with %d councils they list the principal ones", n, len(reg))
	}
	if n := strings.Count(cmp.body, "<option value="); n < 5*382 || len(cmp.body) > 600_000 {
		t.Errorf("compare page: %d options, %d bytes", n, len(cmp.body))
	}
	find := get(t, hs.URL, "/compare?c=E06000001&find=testshire+009")
	mustStatus(t, find, 200, "find")
	if !strings.Contains(find.body, `href="/compare?c=E06000001&amp;c=P0000900"`) || !strings.Contains(find.body, "And 80 more") {
		t.Errorf("find lacks the add link of Testshire 00900 or the count of the rest:\n%s", find.body[strings.Index(find.body, "Find a parish"):])
	}
	two := get(t, hs.URL, "/compare?c=P0000001&c=P0000002")
	mustStatus(t, two, 200, "two parishes")
	for _, want := range []string{`<option value="P0000001" selected>`, `<option value="P0000002" selected>`, "Scores side by side", "Testshire 00002 Parish Council"} {
		if !strings.Contains(two.body, want) {
			t.Errorf("comparing two parishes: page lacks %q", want)
		}
	}
}

// testLog writes a logger's lines to the test's log.
// Lines written once the test has ended (a background refresh) are dropped.
type testLog struct {
	t    testing.TB
	done *atomic.Bool
}

func newTestLog(t testing.TB) testLog {
	w := testLog{t: t, done: new(atomic.Bool)}
	t.Cleanup(func() { w.done.Store(true) })
	return w
}

func (w testLog) Write(p []byte) (int, error) {
	if !w.done.Load() {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

// A sharded run in progress shows each crawler's progress on the home
// page.
func TestShardedRunProgress(t *testing.T) {
	store := datatest.Store(t)
	ctx := context.Background()
	if _, err := store.CreateRunWithID(ctx, "sharded-live", scoring.CurrentMethod().Version, "{}", "live", 382, time.Time{}); err != nil {
		t.Fatal(err)
	}
	for i, st := range []string{data.RunFinished, data.RunRunning} {
		if err := store.ReportShard(ctx, "sharded-live", data.RunShard{Shard: i, Shards: 2, Status: st, Sites: 191, SitesDone: 191 - 100*i,
			Pages: int64(4000 - 1000*i), StartedAt: time.Now(), UpdatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	f := &fixture{store: store, councils: []data.Council{{Code: "E1", Name: "Example Council", Type: "District", Nation: "England"}}}
	_, hs := f.serve(t, false)
	pg := get(t, hs.URL, "/")
	mustStatus(t, pg, 200, "/")
	for _, want := range []string{"A crawl is in progress", "Crawler 1 of 2: finished, 191 of 191 sites, 4000 pages", "Crawler 2 of 2: running, 91 of 191 sites, 3000 pages"} {
		if !strings.Contains(pg.body, want) {
			t.Errorf("home lacks %q", want)
		}
	}
	api := get(t, hs.URL, "/api/v1/runs")
	if !regexp.MustCompile(`"shards":\[\{[^]]*"status":"finished"`).MatchString(api.body) {
		t.Errorf("/api/v1/runs lacks the shards: %.500s", api.body)
	}
}
