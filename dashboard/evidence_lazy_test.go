package dashboard

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

// Evidence is read ahead for a bounded number of councils (principal ones
// first) and kept in a bounded cache; the others are read when their page
// is asked for, and evicted evidence is read again. Real ClickHouse; the
// evidence queries are counted through the batcher's query function.

// lazyRegister is four principal councils and eight parishes of theirs.
func lazyRegister(t *testing.T) []data.Council {
	t.Helper()
	var reg []data.Council
	for _, c := range data.EmbeddedRegister() {
		if c.Nation == "England" && (c.Tier == "district" || c.Tier == "unitary") {
			reg = append(reg, c)
			if len(reg) == 4 {
				break
			}
		}
	}
	for i := range 8 {
		p := reg[i%4]
		reg = append(reg, data.Council{Code: fmt.Sprintf("P%07d", i), Name: fmt.Sprintf("Lazyshire %02d Parish Council", i),
			Type: "Parish council", Tier: "parish", Nation: p.Nation, Region: p.Region, ParentCode: p.Code,
			HomepageURL: fmt.Sprintf("https://p%07d.example/", i)})
	}
	return data.MergeRegister(nil, reg)
}

// lazyMessage is the message of a council's findings: its page shows it.
func lazyMessage(code string) string { return code + " evidence of its own" }

// seedLazy stores the register and one finished run scoring every council,
// each with findings of one page check on three pages.
func seedLazy(t *testing.T, reg []data.Council) *data.Store {
	t.Helper()
	store := datatest.Store(t)
	ctx := context.Background()
	if err := store.LoadCouncils(ctx, reg); err != nil {
		t.Fatal(err)
	}
	method := scoring.CurrentMethod()
	run, err := store.CreateRun(ctx, method.Version, "{}", "lazy", len(reg), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var check scoring.Check
	for _, ch := range scoring.Catalog() {
		if ch.Level == scoring.LevelPage {
			check = ch
			break
		}
	}
	w := store.NewWriter(data.WriterOptions{})
	sink := data.NewRunSink(w, run.ID, method.Version)
	for i, c := range reg {
		var fs []scoring.Finding
		for p := range 3 {
			fs = append(fs, scoring.Finding{CheckID: check.ID, Category: check.Category, Severity: scoring.SevWarning,
				URL: fmt.Sprintf("%spage-%d", c.HomepageURL, p), Selector: "main > p", Snippet: "a snippet", Message: lazyMessage(c.Code)})
		}
		var stats []scoring.CheckStat
		for _, ch := range scoring.Catalog() {
			st := scoring.CheckStat{CheckID: ch.ID, Category: ch.Category, PagesTotal: 10}
			if ch.ID == check.ID {
				st.PagesAffected, st.Findings = 3, 3
			} else if (i+len(ch.ID))%3 == 0 {
				st.PagesAffected, st.Findings = i%5, i%5 // a league with some spread
			}
			stats = append(stats, st)
		}
		if err := sink.SiteResult(ctx, c.Code, fs, stats, method.Score(stats)); err != nil {
			t.Fatal(err)
		}
		if err := sink.SiteDone(ctx, &crawler.SiteReport{Council: c.Code, HomeURL: c.HomepageURL, PagesFetched: 10}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := store.SetRunStatus(ctx, run.ID, data.RunFinished, time.Time{}); err != nil {
		t.Fatal(err)
	}
	return store
}

// queryCounter counts the councils each evidence query asks for.
type queryCounter struct {
	mu    sync.Mutex
	asked map[string]int
}

func (q *queryCounter) count(code string) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.asked[code]
}

func (q *queryCounter) codes() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []string
	for c := range q.asked {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// lazyServer serves the store with its evidence queries counted and no
// rendered page kept (every council page asks for its evidence).
func lazyServer(t *testing.T, store *data.Store, reg []data.Council, tune func(s *Server)) (*Server, *queryCounter, string) {
	t.Helper()
	s, err := New(Deps{Store: store, Councils: reg, PageCacheBytes: 1,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	q := &queryCounter{asked: map[string]int{}}
	s.batcher = newBatcher(2, func(ctx context.Context, runID string, councils []string) (map[string]evidence, error) {
		q.mu.Lock()
		for _, c := range councils {
			q.asked[c]++
		}
		q.mu.Unlock()
		return s.queryEvidence(ctx, runID, councils)
	})
	tune(s)
	if err := s.Refresh(context.Background()); err != nil { // waits for the evidence read ahead
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return s, q, hs.URL
}

// councilShows asks for a council's page and checks it shows its evidence.
func councilShows(t *testing.T, base, code string) {
	t.Helper()
	res, err := http.Get(base + "/councils/" + code)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), lazyMessage(code)) {
		t.Fatalf("%s's page: status %d, its evidence shown: %v", code, res.StatusCode, strings.Contains(string(b), lazyMessage(code)))
	}
}

// TestEvidenceReadAheadIsBounded: only the first warmMax councils, the
// principal ones first and then the league's order, are read ahead, a
// few at a time; a council past the bound is read when its page is first
// asked for, and once.
func TestEvidenceReadAheadIsBounded(t *testing.T) {
	reg := lazyRegister(t)
	store := seedLazy(t, reg)
	s, q, base := lazyServer(t, store, reg, func(s *Server) { s.warmMax, s.warmChunk = 6, 4 })
	m, err := s.model(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(m.league) != len(reg) {
		t.Fatalf("league of %d, want every council of %d", len(m.league), len(reg))
	}
	// Read ahead: the four principal councils and the two parishes
	// highest in the league.
	var want, parishes []string
	for _, row := range m.league {
		if row.Council.Tier == "parish" {
			parishes = append(parishes, row.Council.Code)
		} else {
			want = append(want, row.Council.Code)
		}
	}
	want = append(want, parishes[:2]...)
	sort.Strings(want)
	if got := q.codes(); !slices.Equal(got, want) {
		t.Fatalf("read ahead %v, want %v", got, want)
	}
	for _, c := range want {
		if q.count(c) != 1 {
			t.Errorf("%s read %d times ahead", c, q.count(c))
		}
	}
	// A parish not read ahead is read when its page is asked for, shown,
	// and kept: asking again reads nothing.
	later := parishes[len(parishes)-1]
	councilShows(t, base, later)
	councilShows(t, base, later)
	if n := q.count(later); n != 1 {
		t.Errorf("%s read %d times for two visits, want once", later, n)
	}
	// A principal council's page reads nothing more.
	councilShows(t, base, want[0])
	if n := q.count(want[0]); n != 1 {
		t.Errorf("%s, read ahead, read %d times", want[0], n)
	}
	if got := len(q.codes()); got != len(want)+1 {
		t.Errorf("%d councils read, want %d", got, len(want)+1)
	}
}

// TestEvidenceCacheIsBounded: visiting every council's page keeps no more
// evidence than the cache's bound in bytes; evidence evicted is read again
// when its page is asked for, and shown.
func TestEvidenceCacheIsBounded(t *testing.T) {
	reg := lazyRegister(t)
	store := seedLazy(t, reg)
	// Every council's evidence has the same shape: the bound holds three.
	probe, err := New(Deps{Store: store, Councils: reg, NoEvidenceAhead: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	m, err := probe.model(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	row := m.league[0]
	one, err := probe.evidence(context.Background(), row.RunID, row.MethodVersion, row.Council.Code)
	if err != nil || len(one.findings) != 3 {
		t.Fatalf("evidence of %s: %d findings, %v", row.Council.Code, len(one.findings), err)
	}
	size := evidenceBytes(one) + len(evidenceKey(row.RunID, row.MethodVersion, row.Council.Code))
	bound := 3*size + size/2
	s, q, base := lazyServer(t, store, reg, func(s *Server) {
		s.ahead = false // every council is read by its page
		s.evidenceCache = newSizedCached(0, 100, bound, evidenceBytes)
	})
	if n, _ := s.evidenceCache.held(); n != 0 {
		t.Fatalf("nothing read ahead, yet the cache holds %d councils", n)
	}
	for _, c := range reg {
		councilShows(t, base, c.Code)
		n, b := s.evidenceCache.held()
		if n > 3 || b > bound || n == 0 {
			t.Fatalf("after %s's page the cache holds %d councils in %d bytes; bound %d bytes (three councils)", c.Code, n, b, bound)
		}
	}
	for _, c := range reg {
		if n := q.count(c.Code); n != 1 {
			t.Errorf("%s read %d times, want once", c.Code, n)
		}
	}
	// The first council visited has been evicted: its page reads it again.
	first := reg[0].Code
	r, _ := m.row(first)
	if s.evidenceCache.has(evidenceKey(r.RunID, r.MethodVersion, first)) {
		t.Fatalf("%s still kept after %d other councils", first, len(reg)-1)
	}
	councilShows(t, base, first)
	if n := q.count(first); n != 2 {
		t.Errorf("%s read %d times, want twice (once evicted)", first, n)
	}
	if n, b := s.evidenceCache.held(); n > 3 || b > bound {
		t.Errorf("the cache holds %d councils in %d bytes past its bound of %d", n, b, bound)
	}
}
