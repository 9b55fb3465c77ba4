package dashboard_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// syntheticFindings are a council's findings as the scale crawls' synthetic
// sites have them: 20 pages, 4.5 findings a page over 12 page checks, with
// addresses, selectors, snippets and messages of a real finding's length.
// Each message names the council, so its page can be told apart.
func syntheticFindings(checks []scoring.Check) func(i int, c data.Council) []scoring.Finding {
	return func(i int, c data.Council) []scoring.Finding {
		var out []scoring.Finding
		for p := range 20 {
			for j := range 4 + p%2 {
				ch := checks[(p+j*5+i)%min(12, len(checks))]
				out = append(out, scoring.Finding{CheckID: ch.ID, Category: ch.Category, Severity: scoring.SevWarning,
					URL:      fmt.Sprintf("%sservices/housing-and-council-tax/page-%02d", c.HomepageURL, p),
					Selector: fmt.Sprintf("main#content > div.govuk-grid-row > div.govuk-grid-column-two-thirds > p:nth-of-type(%d)", j+1),
					Snippet:  "Find out about council tax bands, discounts and exemptions, how to pay and what to do if you are struggling to pay your bill",
					Message:  fmt.Sprintf("%s: the text of this element does not meet the check (page %d, finding %d)", c.Code, p, j)})
			}
		}
		return out
	}
}

// TestParishScaleEvidenceAtStart measures what a dashboard's start costs
// at parish scale with evidence to read (docs/SCALING.md): the register of
// 10,382 councils, all but every 40th scored with the findings of
// syntheticFindings. It reports the time Refresh takes (the read model and
// the evidence read ahead), the heap it leaves and the peak of the heap and
// of the process's resident memory meanwhile, then visits parish pages one
// by one and reports the heap again. It is a measurement, slow and heavy:
// run it on its own with COUNCILDASH_SCALE_MEASURE=1, without -race for
// true figures.
func TestParishScaleEvidenceAtStart(t *testing.T) {
	if os.Getenv("COUNCILDASH_SCALE_MEASURE") == "" {
		t.Skip("a measurement: set COUNCILDASH_SCALE_MEASURE=1 to run it")
	}
	var pageChecks []scoring.Check
	for _, ch := range scoring.Catalog() {
		if ch.Level == scoring.LevelPage {
			pageChecks = append(pageChecks, ch)
		}
	}
	t0 := time.Now()
	store, reg, _, _ := seedScaleWith(t, syntheticFindings(pageChecks))
	t.Logf("seeded %d councils in %s", len(reg), time.Since(t0).Round(time.Millisecond))

	heap := func() float64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return float64(ms.HeapAlloc) / (1 << 20)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	logger := slog.New(slog.NewTextHandler(newTestLog(t), &slog.HandlerOptions{Level: slog.LevelWarn}))
	// The read model alone, as the bench's probe measures it.
	before := heap()
	probe, err := dashboard.New(dashboard.Deps{Store: store, Councils: reg, Logger: logger, NoEvidenceAhead: true})
	if err != nil {
		t.Fatal(err)
	}
	t1 := time.Now()
	if err := probe.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("read model alone: %s, heap kept %.0f MB", time.Since(t1).Round(time.Millisecond), heap()-before)
	runtime.KeepAlive(probe)
	probe = nil

	// As serve starts: the read model, then the evidence read ahead.
	before = heap()
	resetPeakRSS(t)
	stop := sampleHeap()
	srv, err := dashboard.New(dashboard.Deps{Store: store, Councils: reg, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	t1 = time.Now()
	if err := srv.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	took := time.Since(t1)
	peakHeap := stop()
	after := heap()
	n, b := dashboard.EvidenceHeld(srv)
	t.Logf("start (read model and evidence read ahead): %s; heap kept %.0f MB (%.0f MB before, %.0f after); peak heap %.0f MB; peak RSS %.0f MB; evidence of %d councils kept, about %.1f MB",
		took.Round(time.Millisecond), after-before, before, after, peakHeap, peakRSS(t), n, float64(b)/(1<<20))

	// Parish pages, one by one, each showing its own evidence.
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	const visits = 3000
	t2 := time.Now()
	seen := 0
	for i, c := range reg {
		if seen == visits {
			break
		}
		if c.Tier != "parish" || i%40 == 39 {
			continue
		}
		seen++
		pg := get(t, hs.URL, "/councils/"+c.Code)
		mustStatus(t, pg, 200, c.Code)
		if !strings.Contains(pg.body, c.Code+": the text of this element") {
			t.Fatalf("%s's page lacks its evidence", c.Code)
		}
	}
	kept := heap() - before
	n, b = dashboard.EvidenceHeld(srv)
	t.Logf("%d parish pages visited in %s; heap kept %.0f MB; peak RSS %.0f MB; evidence of %d councils kept, about %.1f MB",
		visits, time.Since(t2).Round(time.Millisecond), kept, peakRSS(t), n, float64(b)/(1<<20))
	runtime.KeepAlive(srv)
}

// sampleHeap samples the heap's live objects every 10 ms until stop, which
// returns their peak in MB.
func sampleHeap() (stop func() float64) {
	peak := new(atomic.Uint64)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() float64 {
		close(done)
		wg.Wait()
		return float64(peak.Load()) / (1 << 20)
	}
}

// resetPeakRSS resets the process's peak resident memory (Linux).
func resetPeakRSS(t *testing.T) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Logf("peak RSS not reset: %v", err)
	}
}

// peakRSS is the process's peak resident memory in MB (Linux: VmHWM).
func peakRSS(t *testing.T) float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Logf("peak RSS: %v", err)
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(v), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}
