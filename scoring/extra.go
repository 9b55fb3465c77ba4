package scoring

import (
	"fmt"

	"golang.org/x/net/html"
)

// PageCheck is a page-level check defined outside the catalogue: a
// research check tried on stored crawls before it joins the method (a
// re-score from the archive runs it on every archived page), or a test's.
type PageCheck struct {
	// Check describes it; Category must be one of Categories() and ID
	// must not be a catalogue check's. Level is set to LevelPage.
	Check
	// English says it judges English text (skipped on Welsh pages).
	English bool
	// Run returns the findings of one page: doc is the parsed page, in the
	// page as fetched. Only Severity, Selector, Snippet, Matched and
	// Message of the findings are used: the engine fills in the rest.
	Run func(doc *html.Node, in PageInput) []Finding
}

// WithChecks returns an engine that also runs checks, after the
// catalogue's, on every page: their findings and statistics come out as a
// catalogue check's do, and the method scores them (weight 1 unless
// CheckWeights says otherwise). e is not changed.
func (e *Engine) WithChecks(checks ...PageCheck) (*Engine, error) {
	cats := map[string]bool{}
	for _, c := range Categories() {
		cats[c] = true
	}
	out := *e
	out.defs = append([]checkDef(nil), e.defs...)
	out.byID = make(map[string]int, len(e.byID)+len(checks))
	for id, i := range e.byID {
		out.byID[id] = i
	}
	out.english = make(map[string]bool, len(e.english)+len(checks))
	for id, v := range e.english {
		out.english[id] = v
	}
	for _, c := range checks {
		if c.ID == "" || c.Run == nil {
			return nil, fmt.Errorf("scoring: extra check %q needs an id and a Run function", c.ID)
		}
		if !cats[c.Category] {
			return nil, fmt.Errorf("scoring: extra check %s: unknown category %q", c.ID, c.Category)
		}
		if _, dup := out.byID[c.ID]; dup {
			return nil, fmt.Errorf("scoring: extra check %s: the id is taken", c.ID)
		}
		c.Level = LevelPage
		run := c.Run
		d := checkDef{Check: c.Check, english: c.English, page: func(_ *Engine, p *page, em *emitter) {
			if p.doc == nil {
				return
			}
			for _, f := range run(p.doc.Get(0), p.in) {
				em.countOnly(1)
				if em.full() {
					continue
				}
				em.stored++
				em.findings = append(em.findings, Finding{CheckID: em.cur, Category: em.cat, Severity: severity(f.Severity),
					URL: p.pageURL(), Selector: f.Selector, Snippet: trimSnippet(f.Snippet, 160), Matched: f.Matched, Message: f.Message})
			}
		}}
		out.byID[c.ID] = len(out.defs)
		out.defs = append(out.defs, d)
		if c.English {
			out.english[c.ID] = true
		}
	}
	return &out, nil
}

func severity(s string) string {
	switch s {
	case SevInfo, SevError:
		return s
	}
	return SevWarning
}
