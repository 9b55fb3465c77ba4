package dashboard_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/dashboard/reviewpages/formclient"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/reviews"
	"github.com/councildash/councildash/scoring"
)

type page struct {
	status int
	header http.Header
	body   string
}

func get(t *testing.T, base, path string) page {
	t.Helper()
	res, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return page{res.StatusCode, res.Header, string(b)}
}

// noRedirect returns redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func mustStatus(t *testing.T, p page, want int, path string) {
	t.Helper()
	if p.status != want {
		t.Fatalf("GET %s: status %d, want %d\n%.2000s", path, p.status, want, p.body)
	}
}

// leagueOrder returns the council codes of the league table rows in order.
var rowCode = regexp.MustCompile(`<th scope="row"><a class="govuk-link" href="/councils/([^"]+)">`)

func leagueOrder(body string) []string {
	var out []string
	for _, m := range rowCode.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestDashboard runs every page, export and API call against one fixture
// of real crawl data in ClickHouse.
func TestDashboard(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, hs := f.serve(t, true)
	base := hs.URL
	first, second := f.councils[0], f.councils[1]
	latest := f.runs[len(f.runs)-1]

	t.Run("every page renders with real data", func(t *testing.T) {
		paths := []string{"/", "/compare", "/compare?c=" + first.Code + "&c=" + second.Code + "&c=" + f.councils[2].Code,
			"/checks", "/tasks", "/method", "/data", "/councils/N99999999"}
		for _, c := range f.councils[:fixtureSites] {
			paths = append(paths, "/councils/"+c.Code)
		}
		for _, ch := range scoring.Catalog() {
			paths = append(paths, "/checks/"+ch.ID)
		}
		for _, p := range paths {
			pg := get(t, base, p)
			mustStatus(t, pg, http.StatusOK, p)
			if !strings.Contains(pg.header.Get("Content-Type"), "text/html") {
				t.Errorf("%s: content type %q", p, pg.header.Get("Content-Type"))
			}
			if !strings.Contains(pg.body, `<main class="govuk-main-wrapper" id="main-content">`) || !strings.Contains(pg.body, "</html>") {
				t.Errorf("%s: not a whole page", p)
			}
		}
	})

	t.Run("home is the league table with reviews, changes, export and filters", func(t *testing.T) {
		pg := get(t, base, "/")
		mustStatus(t, pg, 200, "/")
		order := leagueOrder(pg.body)
		if len(order) != fixtureSites {
			t.Fatalf("league has %d rows, want %d: %v", len(order), fixtureSites, order)
		}
		for _, want := range []string{"Review score", "Change", "/export/scores.csv?run=" + latest.ID, "Councils not scored yet",
			"Nevercrawled District Council", `aria-sort="descending"`, `name="nation"`, `name="type"`, `name="region"`, `name="q"`} {
			if !strings.Contains(pg.body, want) {
				t.Errorf("home lacks %q", want)
			}
		}
		// Two runs: every council has a change since the previous one.
		if strings.Contains(pg.body, "first crawl") {
			t.Error("a council shows no change although it was crawled twice")
		}
	})

	t.Run("sort keys are whitelisted and applied", func(t *testing.T) {
		for _, bad := range []string{"/?sort=name%3BDROP", "/?sort=score&dir=sideways", "/?sort=council_code", "/?sort=" + strings.Repeat("x", 300)} {
			pg := get(t, base, bad)
			mustStatus(t, pg, http.StatusBadRequest, bad)
			if !strings.Contains(pg.body, "There is a problem with the request") {
				t.Errorf("%s: no error page", bad)
			}
		}
		byName := leagueOrder(get(t, base, "/?sort=name&dir=asc").body)
		names := map[string]string{}
		for _, c := range f.councils {
			names[c.Code] = c.Name
		}
		if !sort.SliceIsSorted(byName, func(i, j int) bool { return names[byName[i]] < names[byName[j]] }) {
			t.Errorf("not sorted by name: %v", byName)
		}
		desc := leagueOrder(get(t, base, "/?sort=name&dir=desc").body)
		slices.Reverse(desc)
		if !slices.Equal(desc, byName) {
			t.Errorf("descending is not the reverse of ascending: %v vs %v", desc, byName)
		}
		for _, key := range append([]string{"score", "review", "reviews", "change"}, scoring.Categories()...) {
			mustStatus(t, get(t, base, "/?sort="+key+"&dir=asc"), 200, key)
		}
	})

	t.Run("filters and search", func(t *testing.T) {
		rows := leagueOrder(get(t, base, "/?nation=Wales").body)
		for _, code := range rows {
			if code != f.councils[2].Code {
				t.Errorf("nation=Wales shows %s", code)
			}
		}
		if len(rows) != 1 {
			t.Errorf("nation=Wales: %d rows, want 1", len(rows))
		}
		rows = leagueOrder(get(t, base, "/?type=District&nation=England").body)
		if len(rows) != 2 {
			t.Errorf("district councils in England: %v", rows)
		}
		rows = leagueOrder(get(t, base, "/?region=London").body)
		if !slices.Equal(rows, []string{f.councils[5].Code}) {
			t.Errorf("region=London: %v", rows)
		}
		rows = leagueOrder(get(t, base, "/?q="+url.QueryEscape(strings.ToLower(second.Name[:13]))).body)
		if !slices.Contains(rows, second.Code) || len(rows) != 1 {
			t.Errorf("search %q: %v", second.Name[:13], rows)
		}
		if pg := get(t, base, "/?q=nothing+like+this"); !strings.Contains(pg.body, "No scored council matches your filters") {
			t.Error("empty search has no message")
		}
	})

	t.Run("council page: scores, evidence, tasks, trend, reviews", func(t *testing.T) {
		pg := get(t, base, "/councils/"+first.Code)
		mustStatus(t, pg, 200, first.Code)
		for _, want := range []string{first.Name, "Method version", scoring.CurrentMethod().Version, "Scores by category",
			"Checks and evidence", "Pages with most findings", "Examples of findings", `href="/checks/`,
			"Top tasks", "Pay council tax", "Trend over crawls", "chart-trend", "Reviews and responses",
			"Thank you, we are fixing the bins page", "demo data", "Try a task on this site",
			`href="/councils/` + first.Code + `/review"`, `/review?task=pay-council-tax`, "Peer median"} {
			if !strings.Contains(pg.body, want) {
				t.Errorf("council page lacks %q", want)
			}
		}
		// Evidence: a crawled URL of this council, linked once.
		host := strings.TrimSuffix(strings.TrimPrefix(first.HomepageURL, "http://"), "/")
		if !strings.Contains(pg.body, `href="http://`+host+`/`) {
			t.Errorf("no evidence link to %s", host)
		}
		// Comment text is escaped, not markup.
		if strings.Contains(pg.body, "<b>from</b>") || !strings.Contains(pg.body, "&lt;b&gt;from&lt;/b&gt;") {
			t.Error("review comment not escaped")
		}
		// Every chart has its table next to it.
		for _, caption := range []string{"Category scores against the peer group", "Councils by site score", "Scores in each crawl"} {
			if !strings.Contains(pg.body, caption) {
				t.Errorf("no table alternative %q", caption)
			}
		}
		// An unscored council still has a page, saying so.
		pg = get(t, base, "/councils/N99999999")
		if !strings.Contains(pg.body, "No crawl of this council") {
			t.Error("unscored council page does not say it has no scores")
		}
	})

	t.Run("compare with peer groups, and its errors", func(t *testing.T) {
		p := "/compare?c=" + first.Code + "&c=" + second.Code
		pg := get(t, base, p)
		mustStatus(t, pg, 200, p)
		for _, want := range []string{first.Name, second.Name, "Scores side by side", "Peer groups", "Lower quartile", "Median", "Upper quartile"} {
			if !strings.Contains(pg.body, want) {
				t.Errorf("compare lacks %q", want)
			}
		}
		pg = get(t, base, "/compare?c="+first.Code)
		mustStatus(t, pg, http.StatusBadRequest, "compare one")
		if !strings.Contains(pg.body, "govuk-error-summary") {
			t.Error("compare with one council shows no error summary")
		}
	})

	t.Run("unknown things are 404, machine paths answer JSON", func(t *testing.T) {
		for _, p := range []string{"/councils/NOPE", "/checks/no-such-check", "/nowhere", "/export/secrets.csv", "/export/scores.xml"} {
			pg := get(t, base, p)
			mustStatus(t, pg, http.StatusNotFound, p)
		}
		pg := get(t, base, "/councils/NOPE")
		if !strings.Contains(pg.body, "Page not found") {
			t.Error("404 page has no heading")
		}
		pg = get(t, base, "/api/v1/councils/NOPE")
		mustStatus(t, pg, http.StatusNotFound, "api 404")
		var e map[string]any
		if err := json.Unmarshal([]byte(pg.body), &e); err != nil || e["status"] != float64(404) {
			t.Errorf("api 404 body %q", pg.body)
		}
	})

	t.Run("review pages are routed", func(t *testing.T) {
		pg := get(t, base, "/councils/"+first.Code+"/review")
		mustStatus(t, pg, 200, "review form")
		if !strings.Contains(pg.body, `name="form_token"`) || !strings.Contains(pg.body, first.Name) {
			t.Error("review form is not the form")
		}
		pg = get(t, base, "/peer")
		mustStatus(t, pg, http.StatusUnauthorized, "peer home signed out")
		if !strings.Contains(pg.body, "one-time link") {
			t.Error("peer page signed out does not say how to sign in")
		}
		pg = get(t, base, "/moderation")
		mustStatus(t, pg, 200, "moderation")
		if !strings.Contains(pg.body, "Sign in to moderate") {
			t.Error("moderation page is not its sign-in form")
		}
		res, err := noRedirect.Get(base + "/review/random")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusFound || !strings.Contains(res.Header.Get("Location"), "/review?task=") {
			t.Errorf("random review: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
	})

	t.Run("exports stream every row", func(t *testing.T) {
		wantScores, err := f.store.CountScoreRows(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		var wantFindings uint64
		for _, r := range f.runs {
			rc, err := f.store.CountRun(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantFindings += rc.Findings
		}
		if wantScores == 0 || wantFindings == 0 {
			t.Fatalf("fixture has %d scores and %d findings", wantScores, wantFindings)
		}
		csvRows := func(p string) [][]string {
			pg := get(t, base, p)
			mustStatus(t, pg, 200, p)
			if !strings.HasPrefix(pg.header.Get("Content-Type"), "text/csv") {
				t.Errorf("%s: content type %q", p, pg.header.Get("Content-Type"))
			}
			recs, err := csv.NewReader(strings.NewReader(pg.body)).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			return recs
		}
		jsonRows := func(p string) []map[string]any {
			pg := get(t, base, p)
			mustStatus(t, pg, 200, p)
			var doc struct {
				Meta map[string]any   `json:"meta"`
				Rows []map[string]any `json:"rows"`
			}
			if err := json.Unmarshal([]byte(pg.body), &doc); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if doc.Meta["method_version"] != scoring.CurrentMethod().Version {
				t.Errorf("%s: meta %v", p, doc.Meta)
			}
			return doc.Rows
		}
		if recs := csvRows("/export/scores.csv"); uint64(len(recs)-1) != wantScores {
			t.Errorf("scores.csv has %d rows, the database %d", len(recs)-1, wantScores)
		} else if !slices.Equal(recs[0], []string{"run_id", "method_version", "council_code", "category", "check_id", "score", "scored_at",
			"score_low", "score_high", "interval_level", "too_few_pages", "rank_best", "rank_worst",
			"council_name", "council_type", "council_nation", "council_region", "run_started_at", "demo", "simulated"}) {
			t.Errorf("scores.csv header %v", recs[0])
		}
		if rows := jsonRows("/export/scores.json"); uint64(len(rows)) != wantScores {
			t.Errorf("scores.json has %d rows, the database %d", len(rows), wantScores)
		}
		if recs := csvRows("/export/findings.csv"); uint64(len(recs)-1) != wantFindings {
			t.Errorf("findings.csv has %d rows, the database %d", len(recs)-1, wantFindings)
		}
		if rows := jsonRows("/export/findings.json"); uint64(len(rows)) != wantFindings {
			t.Errorf("findings.json has %d rows, the database %d", len(rows), wantFindings)
		} else if rows[0]["url"] == "" || rows[0]["run_id"] == "" {
			t.Errorf("finding row %v", rows[0])
		}
		// Filters.
		recs := csvRows("/export/findings.csv?run=" + latest.ID + "&council=" + first.Code + "&check=a11y-skip-link")
		for _, r := range recs[1:] {
			if r[0] != latest.ID || r[2] != first.Code || r[3] != "a11y-skip-link" {
				t.Fatalf("filtered export has row %v", r)
			}
		}
		lrecs := csvRows("/export/scores.csv?run=latest")
		n, _ := f.store.CountScoreRows(ctx, latest.ID)
		if uint64(len(lrecs)-1) != n {
			t.Errorf("scores of the latest run: %d rows, want %d", len(lrecs)-1, n)
		}
		// Reviews: every one stored, the demo ones marked.
		rows := jsonRows("/export/reviews.json")
		demo := 0
		for _, r := range rows {
			if r["demo"] == true {
				demo++
			}
		}
		if len(rows) != f.reviews || demo != fixtureSites {
			t.Errorf("reviews export: %d rows (%d demo), want %d (%d demo)", len(rows), demo, f.reviews, fixtureSites)
		}
		// The HTTP export and dashboard.Export (what the CLI runs) write the same bytes.
		for _, format := range []string{"csv", "json"} {
			var buf bytes.Buffer
			req := dashboard.ExportRequest{Kind: "findings", Format: format, Run: latest.ID, MethodVersion: scoring.CurrentMethod().Version}
			if err := dashboard.Export(ctx, &buf, dashboard.ExportSource{Store: f.store, Councils: f.councils}, req); err != nil {
				t.Fatal(err)
			}
			if pg := get(t, base, "/export/findings."+format+"?run="+latest.ID); pg.body != buf.String() {
				t.Errorf("findings.%s: HTTP and Export differ (%d vs %d bytes)", format, len(pg.body), buf.Len())
			}
		}
	})

	t.Run("API field names are stable", func(t *testing.T) {
		keys := func(p string) map[string]any {
			pg := get(t, base, p)
			mustStatus(t, pg, 200, p)
			var m map[string]any
			if err := json.Unmarshal([]byte(pg.body), &m); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			return m
		}
		has := func(p string, m map[string]any, want ...string) {
			t.Helper()
			for _, k := range want {
				if _, ok := m[k]; !ok {
					t.Errorf("%s: no field %q in %v", p, k, m)
				}
			}
		}
		item := func(m map[string]any) map[string]any {
			items, _ := m["items"].([]any)
			if len(items) == 0 {
				t.Fatalf("no items in %v", m)
			}
			return items[0].(map[string]any)
		}
		m := keys("/api/v1/councils")
		has("/api/v1/councils", m, "method_version", "run_id", "count", "items")
		it := item(m)
		has("council item", it, "code", "name", "type", "tier", "nation", "region", "homepage_url")
		if lt, ok := it["latest"].(map[string]any); ok {
			has("latest", lt, "rank", "score", "categories", "change", "has_change", "run_id", "method_version", "review")
		}
		m = keys("/api/v1/councils/" + first.Code)
		has("council", m, "council", "latest", "peer_group", "trend", "checks", "method_version")
		if tr, _ := m["trend"].([]any); len(tr) != 2 {
			t.Errorf("trend has %d points, want 2", len(tr))
		}
		m = keys("/api/v1/runs")
		has("runs", item(m), "run_id", "status", "started_at", "finished_at", "method_version", "sites_total", "sites_done")
		m = keys("/api/v1/scores")
		has("scores", item(m), "run_id", "method_version", "council_code", "category", "score")
		m = keys("/api/v1/checks")
		has("checks", item(m), "id", "category", "level", "description", "rule_ref", "rule_url")
		m = keys("/api/v1/findings?limit=3")
		has("findings", m, "items", "count", "limit", "offset", "next_offset", "run_id")
		has("finding", item(m), "run_id", "method_version", "council_code", "check_id", "category", "severity", "url", "selector", "snippet", "matched", "message", "task", "created_at")
		if m["count"] != float64(3) {
			t.Errorf("findings?limit=3 returned %v", m["count"])
		}
		m = keys("/api/v1/tasks")
		has("tasks", item(m), "id", "name", "words", "findability_index", "councils_checked", "review_index", "reviews")
		m = keys("/api/v1/councils/" + first.Code + "/reviews")
		has("reviews", m, "council_code", "reviews")
		for _, bad := range []string{"/api/v1/findings?limit=0", "/api/v1/findings?limit=x", "/api/v1/findings?offset=-1"} {
			mustStatus(t, get(t, base, bad), http.StatusBadRequest, bad)
		}
		mustStatus(t, get(t, base, "/api/v1/scores?run=no-such-run"), http.StatusNotFound, "scores of unknown run")
	})

	t.Run("operations: healthz, metrics, gzip, cache headers", func(t *testing.T) {
		pg := get(t, base, "/healthz")
		mustStatus(t, pg, 200, "/healthz")
		if !strings.Contains(pg.body, `"clickhouse":"up"`) {
			t.Errorf("healthz %s", pg.body)
		}
		// /metrics on the dashboard's listener needs the token.
		unauth := get(t, base, "/metrics")
		mustStatus(t, unauth, http.StatusUnauthorized, "/metrics without the token")
		decodeError(t, "/metrics", unauth) // the one error shape
		// A machine address refuses a post from another site in that shape too.
		xreq, _ := http.NewRequest("POST", base+"/api/v1/councils", strings.NewReader("x=1"))
		xreq.Header.Set("Origin", "https://evil.example")
		xreq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		xres, err := http.DefaultClient.Do(xreq)
		if err != nil {
			t.Fatal(err)
		}
		xb, _ := io.ReadAll(xres.Body)
		xres.Body.Close()
		xp := page{xres.StatusCode, xres.Header, string(xb)}
		mustStatus(t, xp, http.StatusForbidden, "cross-site post to the API")
		decodeError(t, "POST /api/v1/councils from another site", xp)
		mreq, _ := http.NewRequest("GET", base+"/metrics", nil)
		mreq.Header.Set("Authorization", "Bearer "+fixtureMetricsToken)
		mres, err := http.DefaultClient.Do(mreq)
		if err != nil {
			t.Fatal(err)
		}
		mb, _ := io.ReadAll(mres.Body)
		mres.Body.Close()
		if !strings.Contains(string(mb), `councildash_http_requests_total{method="GET",route="/councils/:code",status="200"}`) {
			t.Errorf("metrics lack per-route counts:\n%.1500s", mb)
		}
		req, _ := http.NewRequest("GET", base+"/", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("home not gzipped: %v", res.Header)
		} else if zr, err := gzip.NewReader(res.Body); err != nil {
			t.Error(err)
		} else if b, _ := io.ReadAll(zr); !strings.Contains(string(b), "league table") {
			t.Error("gzipped body is not the page")
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("page Cache-Control %q", cc)
		}
		for p, want := range map[string]string{"/static/vendor/govuk-frontend/govuk-frontend.min.css": "max-age=604800",
			"/static/app.css": "max-age=3600", "/static/charts.js": "max-age=3600", "/export/scores.csv": "no-store"} {
			if cc := get(t, base, p).header.Get("Cache-Control"); !strings.Contains(cc, want) {
				t.Errorf("%s: Cache-Control %q, want %q", p, cc, want)
			}
		}
	})

	t.Run("pages pass our own accessibility and content checks", func(t *testing.T) {
		for _, p := range []string{"/", "/councils/" + first.Code, "/compare?c=" + first.Code + "&c=" + second.Code, "/checks", "/tasks"} {
			pg := get(t, base, p)
			checkOwnScore(t, p, []byte(pg.body))
		}
	})
}

// ownQuotes are the parts of a page that quote others: evidence snippets
// (text from council pages, in <blockquote class="app-quote">) and the
// scoring engine's messages about them (<samp class="app-samp">). They show
// the very mistakes the checks look for, so they are left out when the
// dashboard scores its own writing.
var ownQuotes = regexp.MustCompile(`(?s)<blockquote class="app-quote".*?</blockquote>|<samp class="app-samp">.*?</samp>`)

// checkOwnScore scores a rendered page with councildash's own engine and
// requires accessibility and content scores of at least 95.
func checkOwnScore(t *testing.T, name string, body []byte) {
	t.Helper()
	body = ownQuotes.ReplaceAll(body, nil)
	m := scoring.CurrentMethod()
	e := scoring.NewEngine(m)
	res := e.ScorePage(scoring.PageInput{URL: "http://127.0.0.1/", FinalURL: "http://127.0.0.1/", Status: 200,
		IsHTML: true, ContentType: "text/html; charset=utf-8", Body: body, Bytes: int64(len(body)), Total: time.Millisecond})
	scores := m.Score(e.PageStats(res.Summary))
	for _, s := range scores {
		if s.CheckID != "" || (s.Category != scoring.CatAccessibility && s.Category != scoring.CatContent) {
			continue
		}
		if s.Score < 95 {
			var why []string
			for _, f := range res.Findings {
				if f.Category == s.Category {
					why = append(why, f.CheckID+": "+f.Message+" ["+f.Snippet+"]")
				}
			}
			t.Errorf("%s: own %s score %.1f < 95:\n  %s", name, s.Category, s.Score, strings.Join(why, "\n  "))
		}
	}
}

// TestUnavailable: with ClickHouse gone, pages answer 503 with a plain
// error page and no raw error text; /healthz says so.
func TestUnavailable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := data.Open(ctx, data.Config{Addr: "127.0.0.1:1"}); err == nil {
		t.Fatal("data.Open against a closed port succeeded")
	}
	store := datatest.Store(t)
	f := &fixture{store: store, councils: []data.Council{{Code: "E1", Name: "Example Council", Type: "District", Nation: "England"}}}
	_, hs := f.serve(t, false)
	if err := store.Close(); err != nil { // ClickHouse is now out of reach
		t.Fatal(err)
	}
	for _, p := range []string{"/", "/councils/E1", "/checks", "/compare?c=E1&c=E1", "/data", "/api/v1/councils", "/export/findings.csv"} {
		pg := get(t, hs.URL, p)
		mustStatus(t, pg, http.StatusServiceUnavailable, p)
		low := strings.ToLower(pg.body)
		for _, leak := range []string{"clickhouse", "connection", "closed", "sql", "error:"} {
			if strings.Contains(low, leak) {
				t.Errorf("%s: page shows raw error text %q:\n%s", p, leak, pg.body)
			}
		}
	}
	if pg := get(t, hs.URL, "/healthz"); pg.status != http.StatusServiceUnavailable {
		t.Errorf("healthz %d", pg.status)
	}
	// Unknown councils are still 404 (decided without the database).
	mustStatus(t, get(t, hs.URL, "/councils/NOPE"), http.StatusNotFound, "unknown council")
}

// TestEmpty: before any crawl every page renders and says so.
func TestEmpty(t *testing.T) {
	store := datatest.Store(t)
	f := &fixture{store: store, councils: []data.Council{{Code: "E1", Name: "Example Council", Type: "District", Nation: "England", HomepageURL: "https://www.example.gov.uk/"}}}
	_, hs := f.serve(t, false)
	for _, p := range []string{"/", "/councils/E1", "/checks", "/checks/lgd-ampersand", "/tasks", "/data", "/method", "/api/v1/councils", "/api/v1/findings", "/api/v1/tasks"} {
		mustStatus(t, get(t, hs.URL, p), 200, p)
	}
	if pg := get(t, hs.URL, "/"); !strings.Contains(pg.body, "No crawl has finished scoring a council yet") {
		t.Error("empty home does not say so")
	}
	if pg := get(t, hs.URL, "/export/scores.csv"); pg.status != 200 || strings.Count(pg.body, "\n") != 1 {
		t.Errorf("empty export: %d %q", pg.status, pg.body)
	}
	// Reviews off: no reviews export or API.
	mustStatus(t, get(t, hs.URL, "/export/reviews.csv"), http.StatusNotFound, "reviews export when off")
	mustStatus(t, get(t, hs.URL, "/api/v1/councils/E1/reviews"), http.StatusNotFound, "reviews api when off")
}

// TestRunningCrawlProgress: the home page shows a running crawl's progress.
func TestRunningCrawlProgress(t *testing.T) {
	store := datatest.Store(t)
	ctx := context.Background()
	if _, err := store.CreateRun(ctx, scoring.CurrentMethod().Version, "{}", "live", 382, time.Time{}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: store, councils: []data.Council{{Code: "E1", Name: "Example Council", Type: "District", Nation: "England"}}}
	_, hs := f.serve(t, false)
	pg := get(t, hs.URL, "/")
	mustStatus(t, pg, 200, "/")
	for _, want := range []string{"A crawl is in progress", "Sites in this crawl", ">382<", "Pages fetched"} {
		if !strings.Contains(pg.body, want) {
			t.Errorf("home lacks %q", want)
		}
	}
}

// TestReadModelFollowsChanges: the pages follow the database: a run that
// finishes shows after Refresh (or, with Refresh negative, at the next
// request), a review posted shows on its council's page, and a page the
// data did not change is served again as it was.
func TestReadModelFollowsChanges(t *testing.T) {
	store := datatest.Store(t)
	ctx := context.Background()
	councils := []data.Council{
		{Code: "E1", Name: "Example Council", Type: "District", Nation: "England", HomepageURL: "https://www.example.gov.uk/"},
		{Code: "E2", Name: "Other Council", Type: "District", Nation: "England", HomepageURL: "https://www.other.gov.uk/"},
	}
	method := scoring.CurrentMethod()
	finishRun := func(code string) {
		t.Helper()
		run, err := store.CreateRun(ctx, method.Version, "{}", "test", 1, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		w := store.NewWriter(data.WriterOptions{})
		sink := data.NewRunSink(w, run.ID, method.Version)
		var stats []scoring.CheckStat
		for _, ch := range scoring.Catalog() {
			stats = append(stats, scoring.CheckStat{CheckID: ch.ID, Category: ch.Category, PagesTotal: 10, PagesAffected: 2, Findings: 3})
		}
		if err := sink.SiteResult(ctx, code, nil, stats, method.Score(stats)); err != nil {
			t.Fatal(err)
		}
		if err := sink.SiteDone(ctx, &crawler.SiteReport{Council: code, HomeURL: "https://www.example.gov.uk/"}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if err := store.SetRunStatus(ctx, run.ID, data.RunFinished, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	svc, err := reviews.New(data.NewReviewStore(store), reviews.Config{Secret: []byte("x"), MinFormTime: -1})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := dashboard.New(dashboard.Deps{Store: store, Councils: councils, Reviews: svc, Refresh: time.Hour,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	if pg := get(t, hs.URL, "/"); !strings.Contains(pg.body, "No crawl has finished scoring a council yet") {
		t.Fatal("empty home does not say so")
	}
	checks := get(t, hs.URL, "/checks/lgd-ampersand").body

	finishRun("E1")
	if pg := get(t, hs.URL, "/"); !strings.Contains(pg.body, "No crawl has finished scoring a council yet") {
		t.Fatal("the model changed before its next look at the database (Refresh is an hour)")
	}
	if err := srv.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if rows := leagueOrder(get(t, hs.URL, "/").body); !slices.Equal(rows, []string{"E1"}) {
		t.Fatalf("after Refresh the league is %v, want E1", rows)
	}
	if pg := get(t, hs.URL, "/checks/lgd-ampersand"); pg.body == checks || !strings.Contains(pg.body, "Example Council") {
		t.Error("check page not rendered again after the run")
	}
	council := get(t, hs.URL, "/councils/E2").body

	// A review of E1: E1's page and the league change at the next look;
	// E2's page is the same bytes.
	r := reviews.Review{ID: "00000000-0000-4000-8000-000000000001", Council: "E1", Task: "pay-council-tax",
		Ratings: [reviews.NumWays]reviews.Rating{reviews.VeryEasy}, Importance: 3, Kind: reviews.KindResident, IPHash: "h", CreatedAt: time.Now()}
	if err := store.InsertReviews(ctx, []reviews.Review{r}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if pg := get(t, hs.URL, "/councils/E1"); !strings.Contains(pg.body, "(too few reviews to rank)") {
		t.Error("E1's page does not show its new review")
	}
	if pg := get(t, hs.URL, "/councils/E2"); pg.body != council {
		t.Error("E2's page changed although its data did not")
	}

	// A review posted through the review pages marks the reviews stale:
	// the next request looks again (in the background), without waiting
	// for Refresh (an hour).
	jar, _ := cookiejar.New(nil) // the form's token is bound to its cookie
	c := formclient.NoRedirects(&http.Client{Jar: jar, Timeout: 30 * time.Second})
	form, err := formclient.Do(c, "GET", hs.URL+"/councils/E1/review", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := formclient.FormToken(form.Body)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := formclient.Do(c, "POST", hs.URL+"/councils/E1/review", formclient.ReviewForm(tok, "pay-council-tax", "fine"), ""); err != nil || r.Status != http.StatusSeeOther {
		t.Fatalf("review post: %v %v", r.Status, err)
	}
	twoReviews := regexp.MustCompile(`Reviews</dt>\s*<dd class="govuk-summary-list__value">two</dd>`) // numbers up to ten in words (LGD 1.11)
	deadline := time.Now().Add(20 * time.Second)                                                      // a bound on the wait, not a speed test
	for !twoReviews.MatchString(get(t, hs.URL, "/councils/E1").body) {
		if time.Now().After(deadline) {
			t.Fatal("E1's page never showed the review posted through the review pages")
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Refresh negative: every request looks at the database.
	live, err := dashboard.New(dashboard.Deps{Store: store, Councils: councils, Refresh: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ls := httptest.NewServer(live.Handler())
	defer ls.Close()
	if rows := leagueOrder(get(t, ls.URL, "/").body); len(rows) != 1 {
		t.Fatalf("league %v", rows)
	}
	finishRun("E2")
	if rows := leagueOrder(get(t, ls.URL, "/").body); len(rows) != 2 {
		t.Fatalf("with Refresh negative the new run does not show at once: %v", rows)
	}
}
