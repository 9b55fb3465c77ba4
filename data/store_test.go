package data_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

func TestServerVersion(t *testing.T) {
	s := datatest.Open(t)
	v, err := s.ServerVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Printed on purpose: CI logs show which ClickHouse the suite ran against.
	fmt.Printf("ClickHouse server version: %s\n", v)
	t.Logf("ClickHouse server version: %s", v)
}

func TestMigrateIdempotentAndConcurrent(t *testing.T) {
	cfg := datatest.Config(t)
	s := datatest.OpenConfig(t, cfg)
	ctx := context.Background()
	ms, err := data.Migrations()
	if err != nil {
		t.Fatal(err)
	}

	// Three runners at once: exactly one applies each migration.
	var wg sync.WaitGroup
	applied := make([][]string, 3)
	errs := make([]error, 3)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := data.Open(ctx, cfg)
			if err != nil {
				errs[i] = err
				return
			}
			defer st.Close()
			applied[i], errs[i] = st.Migrate(ctx)
		}()
	}
	wg.Wait()
	total := 0
	for i := range 3 {
		if errs[i] != nil {
			t.Fatalf("runner %d: %v", i, errs[i])
		}
		total += len(applied[i])
	}
	if total != len(ms) {
		t.Fatalf("concurrent runners applied %d migrations in all (%v), want each of %d exactly once", total, applied, len(ms))
	}
	// Run again: nothing to do.
	again, err := s.Migrate(ctx)
	if err != nil || len(again) != 0 {
		t.Fatalf("second migrate applied %v (err %v), want nothing", again, err)
	}
}

func TestRegisterLoaded(t *testing.T) {
	s := datatest.Store(t)
	ctx := context.Background()
	if err := s.LoadCouncils(ctx, data.EmbeddedRegister()); err != nil {
		t.Fatal(err)
	}
	// Loading twice keeps one row per council.
	if err := s.LoadCouncils(ctx, data.EmbeddedRegister()); err != nil {
		t.Fatal(err)
	}
	all, err := s.Councils(ctx, data.CouncilFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 382 {
		t.Fatalf("stored register has %d councils, want 382", len(all))
	}
	scot, err := s.Councils(ctx, data.CouncilFilter{Nation: "Scotland"})
	if err != nil || len(scot) != 32 {
		t.Fatalf("Scotland: %d (%v), want 32", len(scot), err)
	}
}

func TestBatchInsert100kFindings(t *testing.T) {
	s := datatest.Store(t)
	ctx := context.Background()
	run, err := s.CreateRun(ctx, "test-1", "{}", "batch test", 10, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	w := s.NewWriter(data.WriterOptions{FlushRows: 20000})
	sink := data.NewRunSink(w, run.ID, "test-1")
	const n = 100_000
	checks := []string{"lgd-ampersand", "a11y-image-alt", "read-flesch", "tech-status"}
	start := time.Now()
	batch := make([]scoring.Finding, 0, 1000)
	for i := range n {
		batch = append(batch, scoring.Finding{
			CheckID: checks[i%len(checks)], Category: "content", Severity: scoring.SevWarning,
			URL: fmt.Sprintf("https://c%d.example/p%d", i%10, i), Snippet: "Fish & chips <b>", Matched: []string{"&"},
		})
		if len(batch) == cap(batch) {
			if err := sink.Findings(ctx, fmt.Sprintf("C%02d", i%10), batch); err != nil {
				t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	t.Logf("inserted %d findings in %s (%.0f rows/s)", n, elapsed, n/elapsed.Seconds())
	counts, err := s.FindingCounts(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	var total uint64
	for _, c := range checks {
		if counts[c] != n/uint64(len(checks)) {
			t.Errorf("%s: %d findings, want %d", c, counts[c], n/len(checks))
		}
		total += counts[c]
	}
	if total != n {
		t.Fatalf("read back %d findings, want %d", total, n)
	}
}

func TestRunSinkAttemptsAndResume(t *testing.T) {
	s := datatest.Store(t)
	ctx := context.Background()
	run, err := s.CreateRun(ctx, "test-1", "{}", "", 2, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	w := s.NewWriter(data.WriterOptions{})
	sink := data.NewRunSink(w, run.ID, "test-1")
	page := &crawler.Page{Council: "A", URL: "https://a.example/", FinalURL: "https://a.example/", Status: 200, IsHTML: true}
	if err := sink.ScoredPage(ctx, page, "Home", nil); err != nil {
		t.Fatal(err)
	}
	if err := sink.SiteDone(ctx, &crawler.SiteReport{Council: "A", HomeURL: "https://a.example/"}); err != nil {
		t.Fatal(err)
	}
	// B is interrupted: pages but no site report.
	if err := sink.Page(ctx, &crawler.Page{Council: "B", URL: "https://b.example/"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	done, err := s.FinishedSites(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 1 || done["A"] != sink.Attempt("A") {
		t.Fatalf("finished sites %v, want only A with its attempt", done)
	}
	if err := s.SetRunStatus(ctx, run.ID, data.RunInterrupted, time.Time{}); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetRun(ctx, run.ID)
	if err != nil || got.Status != data.RunInterrupted || got.SitesDone != 1 || got.SitesTotal != 2 {
		t.Fatalf("run %+v (%v): want interrupted, 1 of 2 sites done", got, err)
	}
}

// TestEvidenceOfManyCouncils: evidence read for several councils at once is,
// council by council, what reading each alone gives, in a full order (the
// examples of a page holding several findings of a check never depend on
// how the rows were read), from completed attempts only.
func TestEvidenceOfManyCouncils(t *testing.T) {
	s := datatest.Store(t)
	ctx := context.Background()
	run, err := s.CreateRun(ctx, "test-1", "{}", "", 3, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	w := s.NewWriter(data.WriterOptions{})
	sink := data.NewRunSink(w, run.ID, "test-1")
	for ci, code := range []string{"A", "B", "C"} {
		var fs []scoring.Finding
		for i := range 12 { // four findings on each of three pages, for two checks
			fs = append(fs, scoring.Finding{CheckID: []string{"lgd-ampersand", "a11y-image-alt"}[i%2], Category: "content",
				Severity: scoring.SevWarning, URL: fmt.Sprintf("https://%s.example/p%d", code, i%3),
				Selector: fmt.Sprintf("p:nth-child(%d)", 12-i), Snippet: fmt.Sprintf("snippet %d", i), Message: "m"})
		}
		if err := sink.Findings(ctx, code, fs); err != nil {
			t.Fatal(err)
		}
		if ci < 2 { // C never finished: its findings do not count
			if err := sink.SiteDone(ctx, &crawler.SiteReport{Council: code, HomeURL: "https://" + code + ".example/"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	key := func(f data.Finding) string { return f.Council + " " + f.CheckID + " " + f.URL + " " + f.Selector }
	all, err := s.Evidence(ctx, run.ID, []string{"A", "B", "C"}, 3)
	if err != nil {
		t.Fatal(err)
	}
	worst, err := s.WorstPages(ctx, run.ID, []string{"B", "A"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	var got, each, gotWorst, eachWorst []string
	for _, f := range all {
		got = append(got, key(f))
	}
	for _, w := range worst {
		gotWorst = append(gotWorst, fmt.Sprintf("%s %s %s %d", w.Council, w.CheckID, w.URL, w.N))
	}
	for _, code := range []string{"A", "B"} {
		one, err := s.Evidence(ctx, run.ID, []string{code}, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range one {
			each = append(each, key(f))
		}
		ow, err := s.WorstPages(ctx, run.ID, []string{code}, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range ow {
			eachWorst = append(eachWorst, fmt.Sprintf("%s %s %s %d", w.Council, w.CheckID, w.URL, w.N))
		}
	}
	if len(got) != 12 || strings.Join(got, "\n") != strings.Join(each, "\n") {
		t.Errorf("evidence of A, B and C together:\n%s\none by one:\n%s", strings.Join(got, "\n"), strings.Join(each, "\n"))
	}
	// Full order: within a check and page, by selector (p0 holds findings 3
	// and 9 of a11y-image-alt, selectors nth-child(9) and (3)).
	if got[0] != "A a11y-image-alt https://A.example/p0 p:nth-child(3)" || got[1] != "A a11y-image-alt https://A.example/p0 p:nth-child(9)" {
		t.Errorf("first example %q", got[0])
	}
	if strings.Join(gotWorst, "\n") != strings.Join(eachWorst, "\n") || len(gotWorst) != 8 {
		t.Errorf("worst pages together:\n%s\none by one:\n%s", strings.Join(gotWorst, "\n"), strings.Join(eachWorst, "\n"))
	}
	if _, err := s.Evidence(ctx, run.ID, nil, 3); err == nil {
		t.Error("evidence of no council accepted")
	}
}
