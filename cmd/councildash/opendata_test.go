package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/councildash/councildash/crawler/crawltest"
	"github.com/councildash/councildash/data/datatest"
)

var snakeKey = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// badKeys lists the keys of a JSON value that are not snake_case.
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

// TestJSONOutputsSnakeCase walks `councildash score --json` and
// `councildash councils --format json` and fails on a key that is not
// snake_case (the server's JSON is walked in dashboard's TestSnakeCase).
func TestJSONOutputsSnakeCase(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bins.html")
	if err := os.WriteFile(file, []byte(scoreTestPage), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"score", "--json", file}, {"councils", "--format", "json"}, {"councils", "--format", "json", "--nation", "Wales"}} {
		env, out, errb := scoreEnv(t, nil)
		if code := run(context.Background(), env, args); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb)
		}
		var v any
		if err := json.Unmarshal(out.Bytes(), &v); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		var bad []string
		badKeys(v, "", &bad)
		if len(bad) > 0 {
			sort.Strings(bad)
			t.Errorf("%v: keys not in snake_case: %v", args, bad)
		}
		if args[0] == "score" {
			for _, want := range []string{`"check_id"`, `"snippet"`, `"method_version"`} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("score --json lacks %s", want)
				}
			}
		}
	}
}

// TestExportCommand: `councildash export --format parquet` writes a
// Parquet file with the CSV's rows; latest and previous name the runs; an
// unknown run is an error that names it and leaves no file behind.
func TestExportCommand(t *testing.T) {
	cfg := datatest.Config(t)
	store := datatest.OpenConfig(t, cfg)
	ctx := context.Background()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var runs []string
	for i := range 2 {
		if i > 0 {
			// Runs are stored to the second: the second run starts in a
			// second of its own, or "latest" and "previous" tie.
			time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
		}
		web, err := crawltest.NewWeb(crawltest.Options{Sites: 2, PagesPerSite: 8, Seed: int64(20 + i)})
		if err != nil {
			t.Fatal(err)
		}
		r, _, err := runCrawl(ctx, testEnv(t), store, crawlJob{sites: web.Sites, cfg: testCrawlConfig(web, 8), label: fmt.Sprintf("export %d", i)})
		web.Close()
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, r.ID)
	}
	dir := t.TempDir()
	db := []string{"--clickhouse", cfg.Addr, "--database", cfg.Database}
	export := func(args ...string) (string, int) {
		env, out, errb := scoreEnv(t, nil)
		code := run(ctx, env, append(append([]string{"export"}, args...), db...))
		return out.String() + errb.String(), code
	}
	for ref, want := range map[string]string{"latest": runs[1], "previous": runs[0]} {
		pq := filepath.Join(dir, ref+".parquet")
		if msg, code := export("--what", "findings", "--format", "parquet", "--run", ref, "--out", pq); code != 0 {
			t.Fatalf("export parquet --run %s: %d %s", ref, code, msg)
		}
		csvText, code := export("--what", "findings", "--format", "csv", "--run", ref)
		if code != 0 {
			t.Fatalf("export csv: %d %s", code, csvText)
		}
		recs, err := csv.NewReader(strings.NewReader(csvText)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(pq)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("%s: %v", pq, err)
		}
		if f.NumRows() != int64(len(recs)-1) || len(recs) < 2 {
			t.Errorf("--run %s: Parquet has %d rows, CSV %d", ref, f.NumRows(), len(recs)-1)
		}
		for _, r := range recs[1:] {
			if r[0] != want {
				t.Fatalf("--run %s exported a row of run %s, want %s", ref, r[0], want)
			}
		}
	}
	out := filepath.Join(dir, "nope.csv")
	msg, code := export("--what", "scores", "--run", "no-such-run", "--out", out)
	if code == 0 || !strings.Contains(msg, "no-such-run") {
		t.Errorf("unknown run: exit %d, %q", code, msg)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a failed export left a file")
	}
	if msg, code := export("--what", "reviews", "--format", "parquet"); code == 0 || !strings.Contains(msg, "parquet") {
		t.Errorf("reviews as parquet: exit %d, %q", code, msg)
	}
}
