package main

import (
	"math/rand/v2"
	"testing"

	"github.com/councildash/councildash/scoring"
)

// The dashboard bench's sites are scored like crawled ones: their text
// checks carry the words read (none is left out as not computable), their
// site statistics are the sums of their pages', and their scores use the
// scale rather than sit at 100.
func TestBenchSiteStatsLikeACrawl(t *testing.T) {
	m := scoring.CurrentMethod()
	checks := scoring.Catalog()
	rng := rand.New(rand.NewPCG(1, 2))
	var overall []float64
	for _, q := range []float64{0.2, 0.5, 0.8} {
		pages, stats := benchSiteStats(rng, checks, len(scoring.Tasks()), q, 400)
		if len(pages) != benchPages {
			t.Fatalf("%d pages, want %d", len(pages), benchPages)
		}
		perPage := map[string]scoring.CheckStat{}
		for _, p := range pages {
			for _, st := range p.stats {
				s := perPage[st.CheckID]
				s.PagesTotal += st.PagesTotal
				s.PagesAffected += st.PagesAffected
				s.Findings += st.Findings
				s.Words += st.Words
				perPage[st.CheckID] = s
			}
		}
		for _, st := range stats {
			if why := m.Unscorable(st); why != "" {
				t.Errorf("q %v: %s", q, why)
			}
			if p, ok := perPage[st.CheckID]; ok && (p.PagesTotal != st.PagesTotal || p.Findings != st.Findings || p.Words != st.Words) {
				t.Errorf("q %v %s: site statistics %+v are not the sum of its pages' %+v", q, st.CheckID, st, p)
			}
		}
		for _, sc := range m.Score(stats) {
			if sc.Category == scoring.CategoryOverall {
				overall = append(overall, sc.Score)
			}
		}
	}
	if len(overall) != 3 || !(overall[0] < overall[1] && overall[1] < overall[2]) || overall[0] <= 0 || overall[2] >= 100 {
		t.Errorf("overall scores %v at quality 0.2, 0.5 and 0.8: want them rising, inside 0 to 100", overall)
	}
	t.Logf("overall scores at quality 0.2, 0.5, 0.8: %v", overall)
}
