package scoring

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// mapSums is the plain way to sum statistics by check: a map keyed by
// check id, checks in the order they first appear. statSums must give
// exactly what it gives.
func mapSums(pages [][]CheckStat, idx []int, site []CheckStat) []CheckStat {
	sum := map[string]*CheckStat{}
	var order []string
	add := func(st CheckStat) {
		s, ok := sum[st.CheckID]
		if !ok {
			s = &CheckStat{CheckID: st.CheckID, Category: st.Category}
			sum[st.CheckID] = s
			order = append(order, st.CheckID)
		}
		s.PagesTotal += st.PagesTotal
		s.PagesAffected += st.PagesAffected
		s.Findings += st.Findings
		s.Words += st.Words
	}
	if idx == nil {
		for _, p := range pages {
			for _, st := range p {
				add(st)
			}
		}
	} else {
		for _, i := range idx {
			for _, st := range pages[i] {
				add(st)
			}
		}
	}
	for _, st := range site {
		add(st)
	}
	out := make([]CheckStat, 0, len(order))
	for _, id := range order {
		out = append(out, *sum[id])
	}
	return out
}

// TestStatSumsAsMap: the bootstrap's slot sums equal the map sums over
// random pages with differing check sets (pages not scored for content
// lack its checks), site statistics sharing ids with page ones, and
// redraws that repeat and skip pages.
func TestStatSumsAsMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ids := []string{"a", "b", "c", "d", "e", "f"}
	for trial := 0; trial < 50; trial++ {
		pages := make([][]CheckStat, 1+rng.IntN(12))
		for i := range pages {
			for _, id := range ids {
				if rng.IntN(3) == 0 {
					continue
				}
				n := rng.IntN(4)
				pages[i] = append(pages[i], CheckStat{CheckID: id, Category: "cat-" + id + string(rune('0'+rng.IntN(2))),
					PagesTotal: 1, PagesAffected: min(n, 1), Findings: n, Words: rng.IntN(900)})
			}
		}
		site := []CheckStat{{CheckID: "site", Category: "s", PagesTotal: 1, PagesAffected: 1, Findings: 1}, {CheckID: ids[rng.IntN(len(ids))], Category: "x", PagesTotal: 2}}
		s := newStatSums(pages, site)
		if got, want := s.aggregate(pages, nil, site), mapSums(pages, nil, site); !reflect.DeepEqual(got, want) {
			t.Fatalf("all pages: %+v, want %+v", got, want)
		}
		for r := 0; r < 20; r++ {
			idx := make([]int, len(pages))
			for i := range idx {
				idx[i] = rng.IntN(len(pages))
			}
			if got, want := s.aggregate(pages, idx, site), mapSums(pages, idx, site); !reflect.DeepEqual(got, want) {
				t.Fatalf("redraw %v: %+v, want %+v", idx, got, want)
			}
		}
	}
}
