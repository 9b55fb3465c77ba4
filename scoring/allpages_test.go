package scoring

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// TestScoreAllSharedPages scores every shared page: no panic, a result with a
// title and applied checks for each, and a count of findings per check over
// all pages so outliers show.
func TestScoreAllSharedPages(t *testing.T) {
	files := sharedPages(t)
	e := NewEngine(CurrentMethod())
	counts := map[string]int{}
	pages := map[string]int{}
	for _, f := range files {
		in := readPage(t, f)
		r, scores := e.ScoreSinglePage(in)
		if len(r.Summary.Counts) < 20 {
			t.Errorf("%s: only %d checks applied", f, len(r.Summary.Counts))
		}
		if len(scores) == 0 {
			t.Errorf("%s: no scores", f)
		}
		for id, n := range r.Summary.Counts {
			counts[id] += n
			if n > 0 {
				pages[id]++
			}
		}
		for _, fd := range r.Findings {
			if fd.CheckID == "" || fd.Message == "" || fd.URL == "" {
				t.Errorf("%s: finding without id, message or URL: %+v", f, fd)
			}
		}
	}
	var b strings.Builder
	ids := make([]string, 0, len(counts))
	for _, c := range Catalog() {
		if c.Level == LevelPage {
			ids = append(ids, c.ID)
		}
	}
	sort.SliceStable(ids, func(i, j int) bool { return false })
	fmt.Fprintf(&b, "%-26s %8s %6s (of %d pages)\n", "check", "findings", "pages", len(files))
	for _, id := range ids {
		fmt.Fprintf(&b, "%-26s %8d %6d\n", id, counts[id], pages[id])
	}
	t.Log("\n" + b.String())
}
