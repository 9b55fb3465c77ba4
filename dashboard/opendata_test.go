package dashboard_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

var update = flag.Bool("update", false, "regenerate docs/API.md and docs/DATA.md from the OpenAPI document")

// getH is get with request headers.
func getH(t *testing.T, base, path string, h map[string]string) page {
	t.Helper()
	req, err := http.NewRequest("GET", base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
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

// apiError is the one error shape.
type apiError struct {
	Error struct {
		Param   string `json:"param"`
		Message string `json:"message"`
		Allowed any    `json:"allowed"`
	} `json:"error"`
	Status int `json:"status"`
}

func decodeError(t *testing.T, path string, p page) apiError {
	t.Helper()
	var e apiError
	if err := json.Unmarshal([]byte(p.body), &e); err != nil {
		t.Fatalf("%s: error body is not JSON: %v\n%s", path, err, p.body)
	}
	if e.Status != p.status || e.Error.Message == "" {
		t.Errorf("%s: error body %s does not have the status %d and a message", path, p.body, p.status)
	}
	if !strings.HasPrefix(p.header.Get("Content-Type"), "application/json") {
		t.Errorf("%s: error content type %q", path, p.header.Get("Content-Type"))
	}
	return e
}

// TestAPIParameters is the table test of every API route and export with
// good and bad parameters: the status, the one error shape naming the
// parameter, total and count, next links, CORS headers and 404s.
func TestAPIParameters(t *testing.T) {
	f := newFixture(t)
	_, hs := f.serve(t, true)
	base := hs.URL
	first := f.councils[0]
	latest, prev := f.runs[1], f.runs[0]
	check := "a11y-skip-link"

	type want struct {
		status int
		param  string // the parameter an error names
	}
	cases := []struct {
		path string
		want want
	}{
		// Good.
		{"/api/v1/councils", want{200, ""}},
		{"/api/v1/councils?limit=2&offset=1", want{200, ""}},
		{"/api/v1/councils/" + first.Code, want{200, ""}},
		{"/api/v1/councils/" + first.Code + "/reviews", want{200, ""}},
		{"/api/v1/runs", want{200, ""}},
		{"/api/v1/scores", want{200, ""}},
		{"/api/v1/scores?run=latest", want{200, ""}},
		{"/api/v1/scores?run=previous&council=" + first.Code, want{200, ""}},
		{"/api/v1/scores?run=" + prev.ID, want{200, ""}},
		{"/api/v1/checks?limit=5", want{200, ""}},
		{"/api/v1/findings", want{200, ""}},
		{"/api/v1/findings?run=latest&council=" + first.Code + "&check=" + check + "&limit=1000&offset=0", want{200, ""}},
		{"/api/v1/findings?run=previous", want{200, ""}},
		{"/api/v1/tasks", want{200, ""}},
		{"/api/v1/openapi.json", want{200, ""}},
		{"/export/scores.csv?run=latest", want{200, ""}},
		{"/export/findings.json?run=previous&council=" + first.Code + "&check=" + check, want{200, ""}},
		{"/export/scores.parquet?run=" + latest.ID, want{200, ""}},
		{"/export/reviews.csv?council=" + first.Code, want{200, ""}},
		{"/feed.atom", want{200, ""}},
		{"/councils/" + first.Code + "/feed.atom", want{200, ""}},
		{"/badge/" + first.Code + ".svg", want{200, ""}},
		// Bad values: 400 naming the parameter.
		{"/api/v1/findings?limit=1000000", want{400, "limit"}},
		{"/api/v1/findings?limit=abc", want{400, "limit"}},
		{"/api/v1/findings?limit=0", want{400, "limit"}},
		{"/api/v1/findings?offset=-1", want{400, "offset"}},
		{"/api/v1/councils?limit=1001", want{400, "limit"}},
		{"/api/v1/findings?limit=", want{400, "limit"}},
		{"/api/v1/findings?council=" + first.Code + ";DROP", want{400, "council"}},
		{"/api/v1/findings?council=" + first.Code + "&council=" + f.councils[1].Code, want{400, "council"}},
		{"/api/v1/findings?run=" + strings.Repeat("x", 201), want{400, "run"}},
		{"/api/v1/findings?counicl=" + first.Code, want{400, "counicl"}},
		{"/api/v1/runs?council=" + first.Code, want{400, "council"}},
		{"/api/v1/councils/" + first.Code + "?limit=3", want{400, "limit"}},
		{"/api/v1/scores?run=%zz", want{400, "run"}},
		{"/export/scores.csv?check=" + check, want{400, "check"}},
		{"/export/reviews.csv?run=latest", want{400, "run"}},
		{"/export/findings.csv?format=xml", want{400, "format"}},
		{"/badge/" + first.Code + ".svg?style=flat", want{400, "style"}},
		{"/feed.atom?page=2", want{400, "page"}},
		// Unknown things: 404 naming what.
		{"/api/v1/councils/NOPE", want{404, "code"}},
		{"/api/v1/councils/NOPE/reviews", want{404, "code"}},
		{"/api/v1/scores?run=nope", want{404, "run"}},
		{"/api/v1/scores?council=NOPE", want{404, "council"}},
		{"/api/v1/findings?run=nope", want{404, "run"}},
		{"/api/v1/findings?council=NOPE", want{404, "council"}},
		{"/api/v1/findings?check=no-such-check", want{404, "check"}},
		{"/export/scores.csv?run=nope", want{404, "run"}},
		{"/export/findings.csv?council=NOPE", want{404, "council"}},
		{"/export/findings.csv?check=no-such-check", want{404, "check"}},
		{"/export/secrets.csv", want{404, "file"}},
		{"/export/scores.xml", want{404, "file"}},
		{"/export/reviews.parquet", want{404, "file"}},
		{"/badge/NOPE.svg", want{404, "code"}},
		{"/badge/" + first.Code + ".png", want{404, "file"}},
		{"/councils/NOPE/feed.atom", want{404, "code"}},
		{"/api/v1/nowhere", want{404, ""}},
	}
	for _, tc := range cases {
		p := get(t, base, tc.path)
		if p.status != tc.want.status {
			t.Errorf("GET %s: %d, want %d\n%.500s", tc.path, p.status, tc.want.status, p.body)
			continue
		}
		// CORS: every answer of these routes, errors included.
		if p.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("GET %s: Access-Control-Allow-Origin %q", tc.path, p.header.Get("Access-Control-Allow-Origin"))
		}
		if tc.want.status >= 400 {
			e := decodeError(t, tc.path, p)
			if e.Error.Param != tc.want.param {
				t.Errorf("GET %s: error names %q, want %q: %s", tc.path, e.Error.Param, tc.want.param, p.body)
			}
			if tc.want.status == 400 && e.Error.Allowed == nil {
				t.Errorf("GET %s: a 400 without what is allowed: %s", tc.path, p.body)
			}
			continue
		}
		if strings.HasPrefix(tc.path, "/api/v1/") && !strings.HasPrefix(tc.path, "/api/v1/councils/") && tc.path != "/api/v1/openapi.json" {
			var l struct {
				Total, Count, Limit, Offset *int
				Next                        *string
				Items                       []json.RawMessage
			}
			if err := json.Unmarshal([]byte(p.body), &l); err != nil {
				t.Fatalf("%s: %v", tc.path, err)
			}
			if l.Total == nil || l.Count == nil || *l.Count != len(l.Items) || *l.Total < *l.Count {
				t.Errorf("GET %s: total %v, count %v, %d items", tc.path, l.Total, l.Count, len(l.Items))
			}
		}
	}

	// The examples word for word.
	e := decodeError(t, "limit", get(t, base, "/api/v1/findings?limit=1000000"))
	if e.Error.Message != "limit must be a whole number from 1 to 1000" {
		t.Errorf("limit message %q", e.Error.Message)
	}
	if al, _ := e.Error.Allowed.(map[string]any); al["minimum"] != float64(1) || al["maximum"] != float64(1000) {
		t.Errorf("limit allowed %v", e.Error.Allowed)
	}

	// total is every match, count this page; next pages through to the end.
	ctx := context.Background()
	rc, err := f.store.CountRun(ctx, latest.ID)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	next := "/api/v1/findings?limit=" + strconv.Itoa(int(rc.Findings)/3+1)
	pages := 0
	for next != "" {
		p := get(t, base, next)
		mustStatus(t, p, 200, next)
		var l struct {
			Total, Count int
			Next         *string
			RunID        string `json:"run_id"`
		}
		if err := json.Unmarshal([]byte(p.body), &l); err != nil {
			t.Fatal(err)
		}
		if uint64(l.Total) != rc.Findings || l.RunID != latest.ID {
			t.Fatalf("%s: total %d of run %s, the store counts %d in %s", next, l.Total, l.RunID, rc.Findings, latest.ID)
		}
		seen += l.Count
		pages++
		next = ""
		if l.Next != nil {
			next = *l.Next
		}
		if pages > 10 {
			t.Fatal("next never ends")
		}
	}
	if uint64(seen) != rc.Findings || pages != 3 {
		t.Errorf("paged through %d findings in %d pages, want %d in 3", seen, pages, rc.Findings)
	}
	// In-memory lists page the same way.
	p := get(t, base, "/api/v1/councils?limit=4")
	var cl struct {
		Total, Count int
		Next         *string
	}
	_ = json.Unmarshal([]byte(p.body), &cl)
	if cl.Total != len(f.councils) || cl.Count != 4 || cl.Next == nil || !strings.Contains(*cl.Next, "offset=4") {
		t.Errorf("councils?limit=4: total %d count %d next %v", cl.Total, cl.Count, cl.Next)
	}
	// latest and previous are the two runs.
	for ref, run := range map[string]data.Run{"latest": latest, "previous": prev} {
		var sl struct {
			RunID string `json:"run_id"`
			Items []struct {
				RunID string `json:"run_id"`
			}
		}
		_ = json.Unmarshal([]byte(get(t, base, "/api/v1/scores?run="+ref).body), &sl)
		if sl.RunID != run.ID || len(sl.Items) == 0 || sl.Items[0].RunID != run.ID {
			t.Errorf("run=%s answers run %s, want %s", ref, sl.RunID, run.ID)
		}
	}

	// Pages say what was wrong in words.
	hp := get(t, base, "/?sort=nope")
	if hp.status != 400 || !strings.Contains(hp.body, "sort must be one of name, score") {
		t.Errorf("home page's bad sort: %d, no words naming sort", hp.status)
	}
	if strings.Contains(hp.body, `"error"`) {
		t.Error("an HTML page answered JSON")
	}
}

// TestCORS: the public GET routes allow any origin; the review, peer and
// moderation routes never do.
func TestCORS(t *testing.T) {
	f := &fixture{store: datatest.Store(t), councils: []data.Council{{Code: "E1", Name: "Example Council", Type: "District", Nation: "England", HomepageURL: "https://www.example.gov.uk/"}}}
	_, hs := f.serve(t, true)
	origin := map[string]string{"Origin": "https://notebook.example"}
	for _, p := range []string{"/api/v1/councils", "/api/v1/councils/E1", "/api/v1/runs", "/api/v1/openapi.json", "/export/scores.csv",
		"/export/reviews.json", "/feed.atom", "/councils/E1/feed.atom", "/badge/E1.svg"} {
		pg := getH(t, hs.URL, p, origin)
		if pg.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("GET %s: no Access-Control-Allow-Origin: * (%d)", p, pg.status)
		}
	}
	for _, p := range []string{"/councils/E1/review", "/review/random", "/peer", "/peer/signin?token=x", "/moderation", "/councils/E1", "/", "/data", "/api"} {
		if pg := getH(t, hs.URL, p, origin); pg.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("GET %s allows other origins", p)
		}
	}
	for _, p := range []string{"/councils/E1/review", "/peer/signout", "/councils/E1/responses", "/moderation/signin", "/moderation/x"} {
		req, _ := http.NewRequest("POST", hs.URL+p, strings.NewReader("a=b"))
		req.Header.Set("Origin", "https://evil.example")
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("POST %s allows other origins", p)
		}
	}
}

// jsonKeys walks a JSON value and reports keys that are not snake_case.
var snakeKey = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

func badKeys(v any, at string, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if !snakeKey.MatchString(k) {
				*out = append(*out, at+"."+k)
			}
			badKeys(e, at+"."+k, out)
		}
	case []any:
		for i, e := range x {
			badKeys(e, fmt.Sprintf("%s[%d]", at, i), out)
		}
	}
}

func requireSnake(t *testing.T, name string, body []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%s: not JSON: %v", name, err)
	}
	var bad []string
	badKeys(v, "", &bad)
	if len(bad) > 0 {
		sort.Strings(bad)
		t.Errorf("%s: keys not in snake_case: %v", name, bad)
	}
}

// TestSnakeCase walks every JSON output of the server (every API route,
// every JSON export, the error answers, the OpenAPI document's examples)
// and fails on a key that is not snake_case. (`councildash score --json`
// and `councils --format json` are walked in cmd/councildash.)
func TestSnakeCase(t *testing.T) {
	f := newFixture(t)
	_, hs := f.serve(t, true)
	first := f.councils[0]
	paths := []string{"/api/v1/councils", "/api/v1/councils/" + first.Code, "/api/v1/councils/N99999999", "/api/v1/councils/" + first.Code + "/reviews",
		"/api/v1/runs", "/api/v1/scores", "/api/v1/checks", "/api/v1/findings?limit=50", "/api/v1/tasks", "/healthz",
		"/export/scores.json", "/export/findings.json", "/export/reviews.json",
		"/api/v1/findings?limit=x", "/api/v1/councils/NOPE", "/export/nope.json", "/api/v1/nowhere"}
	for _, p := range paths {
		pg := get(t, hs.URL, p)
		requireSnake(t, p, []byte(pg.body))
	}
	// The OpenAPI document's examples.
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]struct {
					Example json.RawMessage `json:"example"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(get(t, hs.URL, "/api/v1/openapi.json").body), &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for path, ops := range doc.Paths {
		for _, r := range ops["get"].Responses {
			for _, c := range r.Content {
				if len(c.Example) > 0 {
					n++
					requireSnake(t, "example of "+path, c.Example)
				}
			}
		}
	}
	if n < 8 {
		t.Errorf("only %d examples in the OpenAPI document", n)
	}
	// The walker itself finds what it must.
	var bad []string
	badKeys(map[string]any{"ok_key": []any{map[string]any{"CheckID": 1, "snake_1": 2}}}, "", &bad)
	if !slices.Equal(bad, []string{".ok_key[0].CheckID"}) {
		t.Errorf("walker found %v", bad)
	}
}

// TestDemoFlags: rows of a demo run and demo reviews are marked demo in
// the API and the exports; rows of a live run are not.
func TestDemoFlags(t *testing.T) {
	store := datatest.Store(t)
	ctx := context.Background()
	method := scoring.CurrentMethod()
	councils := []data.Council{
		{Code: "E1", Name: "Example Council", Type: "District", Nation: "England", Region: "East", HomepageURL: "https://www.example.gov.uk/"},
	}
	finish := func(demo bool, started time.Time) data.Run {
		create := store.CreateRun
		if demo {
			create = store.CreateDemoRun
		}
		run, err := create(ctx, method.Version, "{}", "test", 1, started)
		if err != nil {
			t.Fatal(err)
		}
		w := store.NewWriter(data.WriterOptions{})
		sink := data.NewRunSink(w, run.ID, method.Version)
		var stats []scoring.CheckStat
		for _, ch := range scoring.Catalog() {
			stats = append(stats, scoring.CheckStat{CheckID: ch.ID, Category: ch.Category, PagesTotal: 10, PagesAffected: 2, Findings: 3})
		}
		fd := []scoring.Finding{{CheckID: "lgd-ampersand", Category: "content", Severity: "warning", URL: "https://www.example.gov.uk/", Message: "x"}}
		if err := sink.SiteResult(ctx, "E1", fd, stats, method.Score(stats)); err != nil {
			t.Fatal(err)
		}
		if err := sink.SiteDone(ctx, &crawler.SiteReport{Council: "E1", HomeURL: "https://www.example.gov.uk/"}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if err := store.SetRunStatus(ctx, run.ID, data.RunFinished, time.Time{}); err != nil {
			t.Fatal(err)
		}
		return run
	}
	live := finish(false, time.Now().Add(-48*time.Hour))
	demo := finish(true, time.Time{})
	runs, err := store.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.Demo != (r.ID == demo.ID) {
			t.Errorf("run %s: demo %v after SetRunStatus", r.ID, r.Demo)
		}
	}
	srv, err := dashboard.New(dashboard.Deps{Store: store, Councils: councils, Refresh: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	demoOf := func(path string) []bool {
		var l struct {
			Items []struct {
				Demo *bool `json:"demo"`
			}
		}
		if err := json.Unmarshal([]byte(get(t, hs.URL, path).body), &l); err != nil {
			t.Fatal(err)
		}
		var out []bool
		for _, it := range l.Items {
			if it.Demo == nil {
				t.Fatalf("%s: an item without demo", path)
			}
			out = append(out, *it.Demo)
		}
		return out
	}
	for path, want := range map[string]bool{
		"/api/v1/scores?run=latest": true, "/api/v1/scores?run=previous": false,
		"/api/v1/findings?run=" + demo.ID: true, "/api/v1/findings?run=" + live.ID: false,
		"/api/v1/councils": true, // its latest row is the demo run's
	} {
		got := demoOf(path)
		if len(got) == 0 {
			t.Errorf("%s: no items", path)
		}
		for _, d := range got {
			if d != want {
				t.Errorf("%s: demo %v, want %v", path, d, want)
				break
			}
		}
	}
	var runList struct {
		Items []data.Run `json:"items"`
	}
	_ = json.Unmarshal([]byte(get(t, hs.URL, "/api/v1/runs").body), &runList)
	if len(runList.Items) != 2 || !runList.Items[0].Demo || runList.Items[1].Demo {
		t.Errorf("runs: %+v", runList.Items)
	}
	var detail struct {
		Demo  bool `json:"demo"`
		Trend []struct {
			RunID string `json:"run_id"`
			Demo  bool   `json:"demo"`
		}
	}
	_ = json.Unmarshal([]byte(get(t, hs.URL, "/api/v1/councils/E1").body), &detail)
	if !detail.Demo || len(detail.Trend) != 2 || detail.Trend[0].Demo || !detail.Trend[1].Demo {
		t.Errorf("council detail demo flags: %+v", detail)
	}
	// Exports: every row's demo column is its run's.
	for _, kind := range []string{"scores", "findings"} {
		recs, err := csv.NewReader(strings.NewReader(get(t, hs.URL, "/export/"+kind+".csv").body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		di, ri := slices.Index(recs[0], "demo"), slices.Index(recs[0], "run_id")
		counts := map[string]int{}
		for _, r := range recs[1:] {
			counts[r[ri]+"="+r[di]]++
		}
		if counts[demo.ID+"=true"] == 0 || counts[live.ID+"=false"] == 0 || counts[demo.ID+"=false"]+counts[live.ID+"=true"] != 0 {
			t.Errorf("%s export demo column by run: %v", kind, counts)
		}
	}
}

// nodeTools installs (once, with npm ci from the committed lock file) the
// independent readers of testdata/opendata and returns node's path and the
// folder. Without node or npm it skips, or under CI=true fails.
func nodeTools(t *testing.T) (string, string) {
	t.Helper()
	paths := map[string]string{}
	for _, n := range []string{"node", "npm"} {
		p, err := exec.LookPath(n)
		if err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("the open data readers need %s, which is not installed (CI=true: a failure, not a skip)", n)
			}
			t.Skipf("the open data readers need %s, which is not installed: skipping", n)
		}
		paths[n] = p
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "opendata"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "hyparquet", "package.json")); err != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, paths["npm"], "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			msg := "npm ci in " + dir + " failed (is the npm registry reachable?): " + err.Error() + "\n" + string(out)
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	return paths["node"], dir
}

// runNode runs one of testdata/opendata's scripts on a file and decodes
// its JSON output into v.
func runNode(t *testing.T, script, file string, v any) {
	t.Helper()
	node, dir := nodeTools(t)
	cmd := exec.Command(node, filepath.Join(dir, script), file)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s %s: %v\n%s", script, file, err, stderr.String())
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("node %s: %v\n%.2000s", script, err, out)
	}
}

type hyparquetFile struct {
	Metadata  map[string]string `json:"metadata"`
	CreatedBy string            `json:"created_by"`
	Schema    []struct {
		Name, Type, Logical, Converted, Repetition string
	} `json:"schema"`
	RowGroups []int            `json:"row_groups"`
	Rows      []map[string]any `json:"rows"`
}

// TestParquetExport reads the Parquet exports of scores and findings with
// hyparquet and compares every value of every row with the CSV of the same
// run (and of every run), column by column, in the same order.
func TestParquetExport(t *testing.T) {
	nodeTools(t) // skip early without node
	f := newFixture(t)
	_, hs := f.serve(t, true)
	dir := t.TempDir()
	latest := f.runs[1]
	for _, q := range []string{"?run=" + latest.ID, "", "?run=previous&council=" + f.councils[0].Code} {
		for _, kind := range []string{"scores", "findings"} {
			name := kind + q
			pq := get(t, hs.URL, "/export/"+kind+".parquet"+q)
			mustStatus(t, pq, 200, name)
			if ct := pq.header.Get("Content-Type"); ct != "application/vnd.apache.parquet" {
				t.Errorf("%s: content type %q", name, ct)
			}
			cd := pq.header.Get("Content-Disposition")
			if q == "?run="+latest.ID {
				want := fmt.Sprintf(`attachment; filename="councildash-%s-%s-%s.parquet"`, kind, latest.StartedAt.UTC().Format("2006-01-02"), latest.ID)
				if cd != want {
					t.Errorf("%s: Content-Disposition %q, want %q", name, cd, want)
				}
			}
			file := filepath.Join(dir, strings.NewReplacer("?", "_", "&", "_", "=", "_").Replace(name)+".parquet")
			if err := os.WriteFile(file, []byte(pq.body), 0o644); err != nil {
				t.Fatal(err)
			}
			var got hyparquetFile
			runNode(t, "parquet.mjs", file, &got)
			recs, err := csv.NewReader(strings.NewReader(get(t, hs.URL, "/export/"+kind+".csv"+q).body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			header := recs[0]
			if kind == "scores" {
				// main's interval columns are exercised: some rows have them, some
				// (check scores) are empty, and both read back the same.
				for _, col := range []string{"score_low", "interval_level", "too_few_pages", "rank_best"} {
					j, filled := slices.Index(header, col), 0
					for _, r := range recs[1:] {
						if j >= 0 && r[j] != "" {
							filled++
						}
					}
					if j < 0 || filled == 0 || filled == len(recs)-1 {
						t.Errorf("%s: column %s filled on %d of %d rows: want some, not all", name, col, filled, len(recs)-1)
					}
				}
			}
			var cols []string
			types := map[string]string{}
			for _, s := range got.Schema {
				if s.Name == "list" || s.Name == "element" { // the LIST's inner levels
					continue
				}
				cols = append(cols, s.Name)
				types[s.Name] = s.Type + "/" + s.Logical + s.Converted
			}
			if !slices.Equal(cols, header) {
				t.Fatalf("%s: Parquet columns %v, CSV %v", name, cols, header)
			}
			for col, want := range map[string]string{"score": "DOUBLE/", "demo": "BOOLEAN/", "run_started_at": "INT64/TIMESTAMP", "council_name": "BYTE_ARRAY/STRING"} {
				if _, ok := types[col]; ok && !strings.HasPrefix(types[col], want) {
					t.Errorf("%s: column %s is %s, want %s", name, col, types[col], want)
				}
			}
			if len(got.Rows) != len(recs)-1 || len(got.Rows) == 0 {
				t.Fatalf("%s: %d Parquet rows, %d CSV rows", name, len(got.Rows), len(recs)-1)
			}
			diffs := 0
			for i, row := range got.Rows {
				for j, col := range header {
					if pv, cv := parquetCell(row[col]), recs[i+1][j]; pv != cv && "'"+pv != cv {
						if diffs++; diffs <= 5 {
							t.Errorf("%s row %d column %s: Parquet %q, CSV %q", name, i, col, pv, cv)
						}
					}
				}
			}
			if got.Metadata["licence"] != "CC BY 4.0" || !strings.Contains(got.Metadata["citation"], "CC BY 4.0") ||
				got.Metadata["export"] != kind || got.Metadata["method_version"] != scoring.CurrentMethod().Version {
				t.Errorf("%s: key-value metadata %v", name, got.Metadata)
			}
		}
	}
	// The command line's writer (dashboard.Export) writes the same bytes.
	var buf bytes.Buffer
	req := dashboard.ExportRequest{Kind: "findings", Format: "parquet", Run: "latest", MethodVersion: scoring.CurrentMethod().Version}
	if err := dashboard.Export(context.Background(), &buf, dashboard.ExportSource{Store: f.store, Councils: f.councils}, req); err != nil {
		t.Fatal(err)
	}
	if pg := get(t, hs.URL, "/export/findings.parquet?run=latest"); pg.body != buf.String() {
		t.Errorf("findings.parquet: HTTP and Export differ (%d vs %d bytes)", len(pg.body), buf.Len())
	}
}

// parquetCell writes a hyparquet value as the CSV writes the column.
func parquetCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = parquetCell(e)
		}
		return strings.Join(parts, " | ")
	}
	return fmt.Sprint(v)
}

// TestOpenAPIDocument: the document passes two independent validators
// from npm, every route of the route table that is not a page is
// documented, every documented route answers, its answers and examples
// validate against the document's schemas, and every field is described.
func TestOpenAPIDocument(t *testing.T) {
	f := newFixture(t)
	srv, hs := f.serve(t, true)
	raw := []byte(get(t, hs.URL, "/api/v1/openapi.json").body)
	dir := t.TempDir()
	file := filepath.Join(dir, "openapi.json")
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	type verdict struct {
		Valid   bool     `json:"valid"`
		Version string   `json:"version"`
		OpenAPI string   `json:"openapi"`
		Paths   []string `json:"paths"`
		Errors  any      `json:"errors"`
	}
	var v struct {
		SchemaValidator verdict `json:"schema_validator"`
		SwaggerParser   verdict `json:"swagger_parser"`
	}
	runNode(t, "openapi.mjs", file, &v)
	if !v.SchemaValidator.Valid || v.SchemaValidator.Version != "3.1" {
		t.Errorf("openapi-schema-validator: %+v", v.SchemaValidator)
	}
	if !v.SwaggerParser.Valid || v.SwaggerParser.OpenAPI != "3.1.0" {
		t.Errorf("swagger-parser: %+v", v.SwaggerParser)
	}
	// The validators are not blind: a response without its description
	// and a path parameter missing from the path fail both.
	broken := strings.Replace(string(raw), `"/api/v1/councils/{code}": {`, `"/api/v1/councils/{cod}": {`, 1)
	broken = strings.Replace(broken, `"description": "One page of a run's findings, with evidence"`, `"x-no-description": ""`, 1)
	bad := filepath.Join(dir, "broken.json")
	if err := os.WriteFile(bad, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	var vb struct {
		SchemaValidator verdict `json:"schema_validator"`
		SwaggerParser   verdict `json:"swagger_parser"`
	}
	runNode(t, "openapi.mjs", bad, &vb)
	if vb.SchemaValidator.Valid || vb.SwaggerParser.Valid {
		t.Errorf("a broken document passes: %+v %+v", vb.SchemaValidator, vb.SwaggerParser)
	}

	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string                `json:"operationId"`
			Security    []map[string][]string `json:"security"`
			Parameters  []struct {
				Name, In string
				Example  any
				Schema   map[string]any
			}
			Responses map[string]struct {
				Content map[string]struct {
					Schema  map[string]any  `json:"schema"`
					Example json.RawMessage `json:"example"`
				}
			}
		}
		Components struct {
			Schemas map[string]map[string]any
		}
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	// Every route of the route table is documented, but the pages.
	pages := map[string]bool{"/": true, "/councils/:code": true, "/compare": true, "/checks": true, "/checks/:id": true, "/tasks": true,
		"/method": true, "/data": true, "/api": true, "/councils/:code/review": true, "/councils/:code/review/thanks": true,
		"/review/random": true, "/peer/signin": true, "/peer": true, "/peer/signout": true, "/councils/:code/responses": true,
		"/moderation": true, "/moderation/signin": true, "/moderation/signout": true, "/moderation/:id": true, "/static/*file": true, "/favicon.ico": true,
		"/archive/:run/:record": true, // a page as crawled (issue 11), not an API
		// A web team's pages (issue 12).
		"/councils/:code/findings": true, "/changes": true, "/demo": true}
	ginToOpenAPI := regexp.MustCompile(`:([a-z]+)`)
	routes := srv.Routes()
	if len(routes) < 20 {
		t.Fatalf("the route table has %d routes", len(routes))
	}
	for _, r := range routes {
		if pages[r.Path] {
			if r.Method == "GET" && !strings.Contains(r.Path, ":") && !strings.Contains(r.Path, "*") && r.Path != "/favicon.ico" &&
				r.Path != "/review/random" && r.Path != "/peer/signin" {
				if ct := get(t, hs.URL, r.Path).header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
					t.Errorf("%s is listed as a page but answers %q", r.Path, ct)
				}
			}
			continue
		}
		p := ginToOpenAPI.ReplaceAllString(r.Path, "{$1}")
		if _, ok := doc.Paths[p][strings.ToLower(r.Method)]; !ok {
			t.Errorf("route %s %s is not in the OpenAPI document (as %s)", r.Method, r.Path, p)
		}
	}
	// Every documented route answers with its example parameters, and its
	// JSON validates against the documented schema.
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	res, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("https://councildash.test/openapi.json", res); err != nil {
		t.Fatal(err)
	}
	schemaOf := func(s map[string]any) *jsonschema.Schema {
		t.Helper()
		ref, _ := s["$ref"].(string)
		if ref == "" {
			return nil
		}
		sch, err := c.Compile("https://councildash.test/openapi.json" + ref)
		if err != nil {
			t.Fatalf("compile %s: %v", ref, err)
		}
		return sch
	}
	validate := func(name string, sch *jsonschema.Schema, body []byte) {
		t.Helper()
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s does not match its schema: %v", name, err)
		}
	}
	first := f.councils[0].Code
	for path, ops := range doc.Paths {
		op := ops["get"]
		u := path
		q := url.Values{}
		for _, p := range op.Parameters {
			val := fmt.Sprint(p.Example)
			switch p.Name {
			case "code":
				val = first
			case "council":
				val = first
			case "file":
				if strings.HasPrefix(path, "/badge/") {
					val = first + ".svg"
				}
			}
			if p.In == "path" {
				u = strings.Replace(u, "{"+p.Name+"}", url.PathEscape(val), 1)
			}
		}
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		var pg page
		if len(op.Security) > 0 { // /metrics: with the fixture's token, and refused without it
			pg = getH(t, hs.URL, u, map[string]string{"Authorization": "Bearer " + fixtureMetricsToken})
			if st := get(t, hs.URL, u).status; st != 401 {
				t.Errorf("documented GET %s answers %d without its token, want 401", u, st)
			}
		} else {
			pg = get(t, hs.URL, u)
		}
		if pg.status != 200 {
			t.Errorf("documented GET %s answers %d", u, pg.status)
			continue
		}
		ok := op.Responses["200"]
		if ct, mt := pg.header.Get("Content-Type"), ok.Content["application/json"]; strings.HasPrefix(ct, "application/json") && mt.Schema != nil {
			if sch := schemaOf(mt.Schema); sch != nil {
				validate("GET "+u, sch, []byte(pg.body))
			}
		} else {
			found := false
			for mtype := range ok.Content {
				found = found || strings.HasPrefix(ct, mtype)
			}
			if !found {
				t.Errorf("GET %s answers %q, not a documented media type", u, ct)
			}
		}
		for mtype, mt := range ok.Content {
			if len(mt.Example) > 0 {
				if sch := schemaOf(mt.Schema); sch != nil {
					validate("the example of "+path+" ("+mtype+")", sch, mt.Example)
				}
			}
		}
	}
	// Answers with query parameters and the JSON exports validate too.
	for _, u := range []string{"/api/v1/findings?limit=3&run=latest", "/api/v1/scores?run=previous", "/export/scores.json", "/export/findings.json?run=latest",
		"/export/reviews.json", "/api/v1/findings?limit=x", "/api/v1/councils/NOPE", "/api/v1/councils/N99999999"} {
		pg := get(t, hs.URL, u)
		ref := map[string]string{"/api/v1/findings?limit=3&run=latest": "FindingList", "/api/v1/scores?run=previous": "ScoreList",
			"/export/scores.json": "ExportDocument", "/export/findings.json?run=latest": "ExportDocument", "/export/reviews.json": "ExportDocument",
			"/api/v1/findings?limit=x": "Error", "/api/v1/councils/NOPE": "Error", "/api/v1/councils/N99999999": "CouncilDetail"}[u]
		validate("GET "+u, schemaOf(map[string]any{"$ref": "#/components/schemas/" + ref}), []byte(pg.body))
	}
	// Every field is described.
	for name, s := range doc.Components.Schemas {
		if s["description"] == nil {
			t.Errorf("schema %s has no description", name)
		}
		props, _ := s["properties"].(map[string]any)
		for field, p := range props {
			pm, _ := p.(map[string]any)
			desc, _ := pm["description"].(string)
			if one, ok := pm["oneOf"].([]any); ok && desc == "" {
				fm, _ := one[0].(map[string]any)
				desc, _ = fm["description"].(string)
			}
			if desc == "" {
				t.Errorf("field %s.%s has no description", name, field)
			}
		}
	}
	// The /api page is the document in words, server-rendered, no script
	// or style of its own.
	pg := get(t, hs.URL, "/api")
	mustStatus(t, pg, 200, "/api")
	for path := range doc.Paths {
		if !strings.Contains(pg.body, "GET "+path) {
			t.Errorf("/api does not show %s", path)
		}
	}
	if regexp.MustCompile(`<script>|<script [^>]*>[^<]|style=|<style`).MatchString(pg.body) {
		t.Error("/api has an inline script or style")
	}
	checkOwnScore(t, "/api", []byte(pg.body))
}

// TestDocsFromOpenAPI: docs/API.md and docs/DATA.md are what the OpenAPI
// document generates (-update writes them).
func TestDocsFromOpenAPI(t *testing.T) {
	doc, err := dashboard.OpenAPIDocument("http://localhost:8080")
	if err != nil {
		t.Fatal(err)
	}
	for file, gen := range map[string]func([]byte) (string, error){"API.md": dashboard.APIMarkdown, "DATA.md": dashboard.DataMarkdown} {
		want, err := gen(doc)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("..", "docs", file)
		if *update {
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("docs/%s is not what the OpenAPI document generates: run go test ./dashboard -run TestDocsFromOpenAPI -update", file)
		}
	}
	// What the documents must say, whoever edits the generator.
	api, _ := dashboard.APIMarkdown(doc)
	dm, _ := dashboard.DataMarkdown(doc)
	for _, want := range []string{"### `GET /api/v1/findings`", "`limit` | query | whole number from 1 to 1000, default 100", "Access-Control-Allow-Origin", "`next`", "### FindingList"} {
		if !strings.Contains(api, want) {
			t.Errorf("API.md lacks %q", want)
		}
	}
	for _, want := range []string{"CC BY 4.0", "how to cite", "| `council_name` | text |", "| `run_started_at` | date and time (UTC) |", "| `demo` | true or false |", "| `matched` | list of text |"} {
		if !strings.Contains(dm, want) {
			t.Errorf("DATA.md lacks %q", want)
		}
	}
}
