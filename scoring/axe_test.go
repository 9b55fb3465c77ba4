package scoring

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type axeFile struct {
	Axe     string `json:"axe"`
	Results []struct {
		File       string              `json:"file"`
		Violations map[string][]string `json:"violations"`
		Passes     map[string]int      `json:"passes"`
	} `json:"results"`
}

// axeMap maps our accessibility checks to the axe-core rules they stand for.
// floor is the agreement asserted for rules that map cleanly (0: report only).
var axeMap = []struct {
	check string
	rules []string
	floor float64
}{
	{"a11y-document-title", []string{"document-title"}, 0.95},
	{"a11y-html-lang", []string{"html-has-lang", "html-lang-valid"}, 0.95},
	{"a11y-image-alt", []string{"image-alt", "input-image-alt", "area-alt"}, 0.85},
	{"a11y-link-name", []string{"link-name"}, 0.75},
	{"a11y-button-name", []string{"button-name", "input-button-name"}, 0.75},
	{"a11y-label", []string{"label", "select-name"}, 0.75},
	{"a11y-heading-order", []string{"heading-order", "page-has-heading-one"}, 0},
	{"a11y-empty-heading", []string{"empty-heading"}, 0},
	{"a11y-meta-viewport", []string{"meta-viewport"}, 0},
	{"a11y-meta-refresh", []string{"meta-refresh"}, 0},
	{"a11y-tabindex", []string{"tabindex"}, 0.9},
	{"a11y-table-headers", []string{"td-has-header"}, 0},
	{"a11y-landmarks", []string{"landmark-one-main"}, 0},
	{"a11y-skip-link", []string{"bypass"}, 0},
	{"a11y-duplicate-id", []string{"duplicate-id", "duplicate-id-aria"}, 0},
}

// TestAxeAgreement compares our static accessibility checks with axe-core's
// verdicts on the same shared pages, rule by rule.
func TestAxeAgreement(t *testing.T) {
	sharedPages(t)
	path := filepath.Join("..", "..", "shared", "reference", "axe-shared-pages.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: %v", path, err)
		}
		t.Skipf("%s absent: skipping", path)
	}
	var ax axeFile
	if err := json.Unmarshal(raw, &ax); err != nil {
		t.Fatal(err)
	}
	e := NewEngine(CurrentMethod())
	type tally struct{ both, axeOnly, oursOnly, neither int }
	tl := map[string]*tally{}
	for _, m := range axeMap {
		tl[m.check] = &tally{}
	}
	var disagreements []string
	for _, r := range ax.Results {
		in := readPage(t, filepath.Join(sharedPagesDir, filepath.FromSlash(r.File)))
		res := e.ScorePage(in)
		for _, m := range axeMap {
			axeViol := false
			for _, rule := range m.rules {
				if len(r.Violations[rule]) > 0 {
					axeViol = true
				}
			}
			ours := res.Summary.Counts[m.check] > 0
			x := tl[m.check]
			switch {
			case axeViol && ours:
				x.both++
			case axeViol:
				x.axeOnly++
			case ours:
				x.oursOnly++
			default:
				x.neither++
			}
			if m.floor > 0 && axeViol != ours && len(disagreements) < 40 {
				disagreements = append(disagreements, fmt.Sprintf("%s %s axe=%v ours=%v", m.check, r.File, axeViol, ours))
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "axe %s on %d pages\n%-20s %-34s %5s %5s %5s %5s %7s\n", ax.Axe, len(ax.Results), "check", "axe rules", "both", "axe", "ours", "none", "agree")
	for _, m := range axeMap {
		x := tl[m.check]
		n := x.both + x.axeOnly + x.oursOnly + x.neither
		agree := float64(x.both+x.neither) / float64(n)
		fmt.Fprintf(&b, "%-20s %-34s %5d %5d %5d %5d %6.1f%%\n", m.check, strings.Join(m.rules, ","), x.both, x.axeOnly, x.oursOnly, x.neither, 100*agree)
		if agree < m.floor {
			t.Errorf("%s: agreement with axe %.1f%% below floor %.0f%%", m.check, 100*agree, 100*m.floor)
		}
	}
	t.Log("\n" + b.String())
	if t.Failed() {
		t.Log(strings.Join(disagreements, "\n"))
	}
}
