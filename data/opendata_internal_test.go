package data

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// TestRunDemoDefault: runs stored before migration 0007 (rows without the
// demo column) are demo runs when the demo labelled them so, and no
// others; runs stored since say it themselves.
func TestRunDemoDefault(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	old := `INSERT INTO crawl_runs (run_id, status, started_at, finished_at, method_version, settings, label, sites_total, version)`
	now := time.Now().UTC().Truncate(time.Second)
	ids := map[string]bool{}
	for label, demo := range map[string]bool{"demo run 1 (local web)": true, "live": false, "a demo run of sorts": false} {
		id := newID()
		ids[id] = demo
		if err := s.insertRows(ctx, old, []any{id, RunFinished, now, now, "2026.1", "{}", label, uint32(1), s.nextVersion()}); err != nil {
			t.Fatal(err)
		}
	}
	d, err := s.CreateDemoRun(ctx, "2026.1", "{}", "not labelled as demo", 1, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	ids[d.ID] = true
	l, err := s.CreateRun(ctx, "2026.1", "{}", "demo run 9 (a live run whose label looks like the demo's)", 1, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	ids[l.ID] = false
	if err := s.SetRunStatus(ctx, d.ID, RunFinished, time.Time{}); err != nil {
		t.Fatal(err)
	}
	runs, err := s.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != len(ids) {
		t.Fatalf("%d runs, want %d", len(runs), len(ids))
	}
	for _, r := range runs {
		if r.Demo != ids[r.ID] {
			t.Errorf("run %q: demo %v, want %v", r.Label, r.Demo, ids[r.ID])
		}
	}
	// latest and previous.
	if _, err := s.ResolveRun(ctx, RunLatest); err == nil {
		t.Error("latest resolves though no run has scores")
	}
	if r, err := s.ResolveRun(ctx, d.ID); err != nil || r.ID != d.ID || !r.Demo {
		t.Errorf("resolve by id: %+v %v", r, err)
	}
}

// testStore is a migrated store on a fresh database of the test server
// (datatest's, which this package's own tests cannot import: it imports
// data).
func testStore(t *testing.T) *Store {
	t.Helper()
	addr := os.Getenv("COUNCILDASH_CLICKHOUSE_ADDR")
	if addr == "" {
		addr = "127.0.0.1:19000"
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg := Config{Addr: addr, Database: "cdtest_data_" + strings.ReplaceAll(newID()[:8], "-", "")}
	s, err := Open(ctx, cfg)
	if err != nil {
		msg := fmt.Sprintf("ClickHouse is not reachable at %s (%v)", addr, err)
		if os.Getenv("CI") == "true" || os.Getenv("COUNCILDASH_REQUIRE_CLICKHOUSE") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Cleanup(func() {
		_ = s.DropDatabase(context.Background())
		_ = s.Close()
	})
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}
