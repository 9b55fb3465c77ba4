package scoring

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// TestScoreAllSharedPages scores every shared page: no panic; for each, at
// least 20 checks applied, scores from 0 to 100, a title exactly when no
// a11y-document-title finding says it has none, findings with an id, a
// message and a URL, and counts only for page checks of the catalogue.
// Over all pages, no check finds a problem on every single real page (such
// an outlier is a broken check, not 219 broken councils); the per-check
// table is logged worst first.
func TestScoreAllSharedPages(t *testing.T) {
	files := sharedPages(t)
	e := NewEngine(CurrentMethod())
	pageCheck := map[string]bool{}
	for _, c := range Catalog() {
		if c.Level == LevelPage {
			pageCheck[c.ID] = true
		}
	}
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
		for _, s := range scores {
			if s.Score < 0 || s.Score > 100 {
				t.Errorf("%s: %s/%s score %v out of 0 to 100", f, s.Category, s.CheckID, s.Score)
			}
		}
		noTitle := false
		for _, fd := range r.Findings {
			if fd.CheckID == "" || fd.Message == "" || fd.URL == "" {
				t.Errorf("%s: finding without id, message or URL: %+v", f, fd)
			}
			noTitle = noTitle || fd.CheckID == "a11y-document-title"
		}
		if (strings.TrimSpace(r.Title) == "") != noTitle {
			t.Errorf("%s: title %q but a11y-document-title finding %v", f, r.Title, noTitle)
		}
		for id, n := range r.Summary.Counts {
			if !pageCheck[id] {
				t.Errorf("%s: count for %q, which is not a page check of the catalogue", f, id)
			}
			counts[id] += n
			if n > 0 {
				pages[id]++
			}
		}
	}
	ids := make([]string, 0, len(pageCheck))
	for id := range pageCheck {
		ids = append(ids, id)
		if pages[id] == len(files) {
			t.Errorf("%s finds problems on all %d real pages: an outlier", id, len(files))
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		if pages[ids[i]] != pages[ids[j]] {
			return pages[ids[i]] > pages[ids[j]]
		}
		if counts[ids[i]] != counts[ids[j]] {
			return counts[ids[i]] > counts[ids[j]]
		}
		return ids[i] < ids[j]
	})
	var b strings.Builder
	fmt.Fprintf(&b, "%-26s %8s %6s (of %d pages)\n", "check", "findings", "pages", len(files))
	for _, id := range ids {
		fmt.Fprintf(&b, "%-26s %8d %6d\n", id, counts[id], pages[id])
	}
	t.Log("\n" + b.String())
}
