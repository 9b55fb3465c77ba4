package scoring

import (
	"encoding/json"
	"fmt"
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

func matched0(f Finding) string {
	if len(f.Matched) == 0 {
		return ""
	}
	return f.Matched[0]
}

// axeRules maps each axe-core rule to the findings of ours that stand for
// it. Per page, axe's verdict (any violation) is the reference: precision is
// the share of pages we flag that axe flags too, recall the share of pages
// axe flags that we flag too. Floors are asserted where the two detect the
// same thing (0: reported only, see the note).
var axeRules = []struct {
	rule, check string
	counts      func(Finding) bool
	precision   float64 // floors
	recall      float64
	note        string
}{
	{"document-title", "a11y-document-title", nil, 0.9, 0.9, ""},
	{"html-has-lang", "a11y-html-lang", func(f Finding) bool { return len(f.Matched) == 0 }, 0.9, 0.9, ""},
	{"html-lang-valid", "a11y-html-lang", func(f Finding) bool { return len(f.Matched) > 0 }, 0, 0, "no page has an invalid lang"},
	{"image-alt", "a11y-image-alt", func(f Finding) bool { return matched0(f) == "<img>" }, 0.9, 0.9, ""},
	{"input-image-alt", "a11y-image-alt", func(f Finding) bool { return matched0(f) == "<input>" }, 0, 0, "one page"},
	{"area-alt", "a11y-image-alt", func(f Finding) bool { return matched0(f) == "<area>" }, 0, 0, "no page"},
	{"link-name", "a11y-link-name", nil, 0.85, 0.9, ""},
	{"button-name", "a11y-button-name", func(f Finding) bool { return f.Snippet != "<input>" }, 0.6, 0.75, "icon buttons of widgets hidden by CSS; names set by CSS"},
	{"input-button-name", "a11y-button-name", func(f Finding) bool { return f.Snippet == "<input>" }, 0.9, 0.9, ""},
	{"label", "a11y-label", func(f Finding) bool { return !strings.HasPrefix(f.Snippet, "<select") }, 0.9, 0.75, "axe-only: search boxes whose label[for] axe rejects (CSS)"},
	{"select-name", "a11y-label", func(f Finding) bool { return strings.HasPrefix(f.Snippet, "<select") }, 0.85, 0.9, ""},
	{"heading-order", "a11y-heading-order", func(f Finding) bool { return strings.Contains(matched0(f), "→") }, 0.9, 0.9, ""},
	{"page-has-heading-one", "a11y-heading-order", func(f Finding) bool { return matched0(f) == "no h1" }, 0.7, 0.9, ""},
	{"empty-heading", "a11y-empty-heading", nil, 0.8, 0.8, ""},
	{"meta-viewport", "a11y-meta-viewport", func(f Finding) bool { return len(f.Matched) > 0 }, 0.9, 0.9, "zoom part only; a missing viewport is not an axe rule"},
	{"meta-refresh", "a11y-meta-refresh", nil, 0, 0, "no page refreshes"},
	{"tabindex", "a11y-tabindex", nil, 0.9, 0.9, ""},
	{"landmark-one-main", "a11y-landmarks", nil, 0.8, 0.95, "role=main inside hidden or non-top-level regions"},
	{"bypass", "a11y-skip-link", nil, 0, 0, "axe passes bypass when the page has a landmark or heading; we ask for a skip link"},
	{"duplicate-id-aria", "a11y-duplicate-id", func(f Finding) bool { return f.Severity == SevError }, 0, 0, "axe 4.14 no longer runs duplicate-id; referenced ids only"},
	{"td-has-header", "a11y-table-headers", nil, 0, 0, "not run by axe on these pages"},
}

// TestAxeAgreement compares our static accessibility checks with axe-core's
// verdicts on the same shared pages, rule by rule.
func TestAxeAgreement(t *testing.T) {
	sharedPages(t)
	raw := readReference(t, "axe-shared-pages.json")
	var ax axeFile
	if err := json.Unmarshal([]byte(raw), &ax); err != nil {
		t.Fatal(err)
	}
	if len(ax.Results) < 200 {
		t.Fatalf("only %d axe results", len(ax.Results))
	}
	e := NewEngine(CurrentMethod())
	type tally struct{ both, axeOnly, oursOnly, neither, axeRan int }
	tl := make([]tally, len(axeRules))
	var disagreements []string
	for _, r := range ax.Results {
		in := readPage(t, filepath.Join(sharedPagesDir, filepath.FromSlash(r.File)))
		res := e.ScorePage(in)
		for i, m := range axeRules {
			_, passed := r.Passes[m.rule]
			axeViol := len(r.Violations[m.rule]) > 0
			if passed || axeViol {
				tl[i].axeRan++
			}
			ours := false
			for _, f := range res.Findings {
				if f.CheckID == m.check && (m.counts == nil || m.counts(f)) {
					ours = true
					break
				}
			}
			x := &tl[i]
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
			if (m.precision > 0 || m.recall > 0) && axeViol != ours {
				disagreements = append(disagreements, fmt.Sprintf("%s/%s %s axe=%v ours=%v", m.rule, m.check, r.File, axeViol, ours))
			}
		}
	}
	ratio := func(a, b int) (float64, string) {
		if b == 0 {
			return 1, "    -"
		}
		v := float64(a) / float64(b)
		return v, fmt.Sprintf("%5.2f", v)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "axe %s on %d pages (axe verdict as reference; per page)\n%-21s %-20s %5s %5s %5s %5s %5s %5s %5s  %s\n",
		ax.Axe, len(ax.Results), "axe rule", "our check", "ran", "both", "axe", "ours", "none", "prec", "rec", "note")
	for i, m := range axeRules {
		x := tl[i]
		p, ps := ratio(x.both, x.both+x.oursOnly)
		rc, rs := ratio(x.both, x.both+x.axeOnly)
		fmt.Fprintf(&b, "%-21s %-20s %5d %5d %5d %5d %5d %5s %5s  %s\n", m.rule, m.check, x.axeRan, x.both, x.axeOnly, x.oursOnly, x.neither, ps, rs, m.note)
		if p < m.precision {
			t.Errorf("%s vs axe %s: precision %.2f below floor %.2f", m.check, m.rule, p, m.precision)
		}
		if rc < m.recall {
			t.Errorf("%s vs axe %s: recall %.2f below floor %.2f", m.check, m.rule, rc, m.recall)
		}
	}
	t.Log("\n" + b.String())
	if t.Failed() || testing.Verbose() {
		t.Log("disagreements on asserted rules:\n" + strings.Join(disagreements, "\n"))
	}
}
