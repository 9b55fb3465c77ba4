package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/councildash/councildash/crawler/crawltest"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

const scoreTestPage = `<!DOCTYPE html><html lang="en"><head><title>Bin collections</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
<a href="#main">Skip to main content</a><nav><a href="/">Home</a></nav>
<main id="main"><h1>Bin collections</h1><p id="fee">The council are charging £75.00 for 3 bins. Open 10-11am.</p>
<p>You can put your bins out the night before collection day. We collect household waste every week and garden waste every
fortnight from March to November. Find your collection day by entering your postcode on our bin collection page, and tell us
if we miss your bin so that we can come back for it.</p>
<img src="bin.png"></main></body></html>`

// scoreEnv is an Env whose output the test reads.
func scoreEnv(t *testing.T, getenv map[string]string) (*Env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return getenv[k] },
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))}, &out, &errb
}

func decodeScore(t *testing.T, b []byte) scoreJSON {
	t.Helper()
	var r scoreJSON
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, b)
	}
	return r
}

func hasCheck(r scoreJSON, id string) *scoreFinding {
	for i := range r.Findings {
		if r.Findings[i].CheckID == id {
			return &r.Findings[i]
		}
	}
	return nil
}

func TestScoreFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bins.html")
	if err := os.WriteFile(file, []byte(scoreTestPage), 0o644); err != nil {
		t.Fatal(err)
	}
	env, out, errb := scoreEnv(t, nil)
	if code := run(context.Background(), env, []string{"score", file}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	for _, want := range []string{"lgd-council-plural", "lgd-money-format", "£75.00", "a11y-image-alt", "#fee", "CATEGORY", "overall", "Method: " + scoring.CurrentMethod().Version} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("human output lacks %q:\n%s", want, out)
		}
	}
	env, out, _ = scoreEnv(t, nil)
	if code := run(context.Background(), env, []string{"score", "--json", file}); code != 0 {
		t.Fatalf("--json exit %d", code)
	}
	r := decodeScore(t, out.Bytes())
	if r.MethodVersion != scoring.CurrentMethod().Version || r.Title != "Bin collections" || len(r.Scores) == 0 {
		t.Errorf("JSON result %+v", r)
	}
	f := hasCheck(r, "lgd-money-format")
	if f == nil || f.Selector != "#fee" || len(f.Matched) != 1 || f.Matched[0] != "£75.00" || !strings.HasPrefix(f.URL, "file://") {
		t.Errorf("money finding evidence: %+v", f)
	}
	// flags after the page work too; errors are clear
	env, out, _ = scoreEnv(t, nil)
	if code := run(context.Background(), env, []string{"score", file, "--json"}); code != 0 || decodeScore(t, out.Bytes()).Title == "" {
		t.Errorf("flag after the page: exit %d", code)
	}
	// a page with too little main content is not scored for content, and says so
	short := filepath.Join(t.TempDir(), "short.html")
	if err := os.WriteFile(short, []byte(`<!DOCTYPE html><html lang="en"><head><title>Bins</title></head><body><main><h1>Bins</h1><p>Download the list.</p></main></body></html>`), 0o644); err != nil {
		t.Fatal(err)
	}
	env, out, _ = scoreEnv(t, nil)
	if code := run(context.Background(), env, []string{"score", short}); code != 0 || !strings.Contains(out.String(), "Not scored for content and readability: only") {
		t.Errorf("short page: exit %d, output lacks the reason:\n%s", code, out)
	}
	env, out, _ = scoreEnv(t, nil)
	if code := run(context.Background(), env, []string{"score", "--json", short}); code != 0 || !strings.Contains(decodeScore(t, out.Bytes()).Unscored, "words of main content") {
		t.Errorf("short page JSON: exit %d, not_scored %q", code, decodeScore(t, out.Bytes()).Unscored)
	}
	for _, args := range [][]string{{"score"}, {"score", filepath.Join(t.TempDir(), "missing.html")}, {"score", file, "other.html"}, {"score", file, "--run", "x"}} {
		env, _, errb := scoreEnv(t, nil)
		if code := run(context.Background(), env, args); code == 0 || errb.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q", args, code, errb)
		}
	}
}

func TestScoreURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/bins", http.StatusMovedPermanently)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, scoreTestPage)
	}))
	defer srv.Close()
	env, out, errb := scoreEnv(t, nil)
	if code := run(context.Background(), env, []string{"score", "--json", srv.URL + "/old"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	r := decodeScore(t, out.Bytes())
	if r.Status != 200 || hasCheck(r, "lgd-council-plural") == nil || r.URL != srv.URL+"/old" {
		t.Errorf("URL result: status %d url %s findings %d", r.Status, r.URL, len(r.Findings))
	}
	for _, na := range r.NotApplied {
		if strings.HasPrefix(na, "tech-response-time") {
			t.Errorf("a live fetch has timings, but %s", na)
		}
	}
}

// Every real shared page scores without error, in both output forms.
func TestScoreSharedPages(t *testing.T) {
	dir := crawltest.RequireSharedPages(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.html"))
	if len(files) == 0 {
		t.Fatalf("no pages in %s", dir)
	}
	for i, f := range files {
		args := []string{"score", "--json", f}
		if i%20 == 0 {
			args = []string{"score", f}
		}
		env, out, errb := scoreEnv(t, nil)
		if err := cmdScore(context.Background(), env, args[1:]); err != nil {
			t.Errorf("%s: %v %s", f, err, errb)
			continue
		}
		if args[1] == "--json" && decodeScore(t, out.Bytes()).MethodVersion == "" {
			t.Errorf("%s: no method version", f)
		}
	}
}

// score --run re-scores a stored crawl from its stored statistics alone.
func TestScoreRerun(t *testing.T) {
	cfg := datatest.Config(t)
	store := datatest.OpenConfig(t, cfg)
	ctx := context.Background()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	web, err := crawltest.NewWeb(crawltest.Options{Sites: 3, PagesPerSite: 10, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	defer web.Close()
	run0, _, err := runCrawl(ctx, testEnv(t), store, crawlJob{sites: web.Sites, cfg: testCrawlConfig(web, 10), label: "rescore"})
	if err != nil {
		t.Fatal(err)
	}
	stats, err := store.RunCheckStats(ctx, run0.ID)
	if err != nil || len(stats) != len(web.Sites) {
		t.Fatalf("stored stats for %d sites (%v), want %d", len(stats), err, len(web.Sites))
	}
	web.Close() // nothing is fetched again

	dbArgs := []string{"--clickhouse", cfg.Addr, "--database", cfg.Database}
	env, out, errb := scoreEnv(t, nil)
	if code := run(ctx, env, append([]string{"score", "--run", run0.ID}, dbArgs...)); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	// The crawl already scored the run under the current method: nothing to do.
	want := fmt.Sprintf("run %s is already scored under method %s (%d sites); nothing to do", run0.ID, scoring.CurrentMethod().Version, len(web.Sites))
	if !strings.Contains(out.String(), want) {
		t.Errorf("output %q, want %q", out, want)
	}
	// latest names the same run.
	env, out, errb = scoreEnv(t, nil)
	if code := run(ctx, env, append([]string{"score", "--run", "latest"}, dbArgs...)); code != 0 || !strings.Contains(out.String(), want) {
		t.Errorf("score --run latest: exit %d, %q %s", code, out, errb)
	}
	// Under another method version every completed site is scored again from
	// the stored statistics, once, beside the original scores.
	m := scoring.CurrentMethod()
	m.Version = "rescore-test"
	var db dbFlags
	db.addr, db.database, db.user = cfg.Addr, cfg.Database, "default"
	env, out, errb = scoreEnv(t, nil)
	if err := rescoreRunWith(ctx, env, db, run0.ID, scoring.NewEngine(m)); err != nil {
		t.Fatalf("rescore: %v (%s)", err, errb)
	}
	want = fmt.Sprintf("re-scored %d sites of run %s under method %s", len(web.Sites), run0.ID, m.Version)
	if !strings.Contains(out.String(), want) {
		t.Errorf("output %q, want %q", out, want)
	}
	counts, err := store.CountRun(ctx, run0.ID)
	if err != nil || counts.OverallScores != uint64(2*len(web.Sites)) || counts.DuplicateScores != 0 {
		t.Errorf("overall scores %+v (%v), want one per site and method", counts, err)
	}
	env, _, errb = scoreEnv(t, nil)
	if code := run(ctx, env, append([]string{"score", "--run", "no-such-run"}, dbArgs...)); code == 0 || !strings.Contains(errb.String(), "no-such-run") {
		t.Errorf("unknown run: exit %d, %q", code, errb)
	}
}
