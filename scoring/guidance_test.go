package scoring

import (
	"strings"
	"testing"
)

// noRuleText are the checks that follow common web practice which no rule
// text states: their guide names the practice and has no quote.
var noRuleText = map[string]bool{
	"tech-response-time": true, "tech-page-weight": true, "a11y-pdf-links": true, "a11y-duplicate-id-unreferenced": true,
}

// TestGuidance: every check of the catalogue has a guide with a source and
// a "how to fix" paragraph, and a quoted rule unless it is one of
// noRuleText.
func TestGuidance(t *testing.T) {
	for _, c := range Catalog() {
		g, ok := Guidance(c.ID)
		switch {
		case !ok:
			t.Errorf("%s: no guidance", c.ID)
		case strings.TrimSpace(g.HowToFix) == "" || strings.TrimSpace(g.Source) == "":
			t.Errorf("%s: guidance lacks its source or how to fix", c.ID)
		case g.Rule == "" && !noRuleText[c.ID]:
			t.Errorf("%s: guidance quotes no rule", c.ID)
		}
	}
	if _, ok := Guidance("no-such-check"); ok {
		t.Error("guidance for a check that does not exist")
	}
}

// normQuote folds typographic quotes, dashes and spaces so a quote matches
// the standard's text however it was typed.
func normQuote(s string) string {
	s = strings.NewReplacer("’", "'", "‘", "'", "“", "\"", "”", "\"", "–", "-", "—", "-").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// TestGuidanceQuotesTheStandard: every rule quoted from the LocalGov
// Digital Content Standard is word for word in the copy of the standard in
// ../shared/reference, and names a section the standard has.
func TestGuidanceQuotesTheStandard(t *testing.T) {
	std := normQuote(readReference(t, "localgov-digital-content-standard.md"))
	n := 0
	for id, g := range guides {
		section, ok := strings.CutPrefix(g.Source, srcLGD+", ")
		if !ok {
			continue
		}
		n++
		if !strings.Contains(std, normQuote(g.Rule)) {
			t.Errorf("%s: the quote is not in the standard: %q", id, g.Rule)
		}
		if section != "Golden rules" && !strings.Contains(std, normQuote(section)) {
			t.Errorf("%s: the standard has no section %q", id, section)
		}
	}
	if n < 30 {
		t.Errorf("only %d quotes of the standard checked", n)
	}
}

func TestWeights(t *testing.T) {
	m := CurrentMethod()
	if m.CheckWeight("tech-https") != m.CheckWeights["tech-https"] || m.CheckWeight("not-listed") != 1 {
		t.Errorf("check weights: %v %v", m.CheckWeight("tech-https"), m.CheckWeight("not-listed"))
	}
	if m.CategoryWeight(CatAccessibility) != m.CategoryWeights[CatAccessibility] || m.CategoryWeight("other") != 1 {
		t.Error("category weights")
	}
}

// githubSlug is the anchor GitHub gives a Markdown heading.
func githubSlug(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestRuleLinksReachTheStandard: every link of a check to the Content
// Standard names a heading of the standard's source (its anchor there), so
// "read the rule" lands on the rule.
func TestRuleLinksReachTheStandard(t *testing.T) {
	std := readReference(t, "localgov-digital-content-standard.md")
	anchors := map[string]bool{}
	lines := strings.Split(std, "\n")
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "#"):
			anchors[githubSlug(strings.TrimLeft(l, "#"))] = true
		case i > 0 && strings.HasPrefix(l, "---") && strings.TrimSpace(lines[i-1]) != "":
			anchors[githubSlug(lines[i-1])] = true
		}
	}
	n := 0
	for _, c := range Catalog() {
		a, ok := strings.CutPrefix(c.RuleURL, LGDStandardURL+"#")
		if !ok {
			continue
		}
		n++
		if !anchors[a] {
			t.Errorf("%s links #%s, which is no heading of the standard", c.ID, a)
		}
	}
	if n < 20 {
		t.Errorf("only %d links to the standard", n)
	}
}
