package scoring

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// The judged evaluation set: a seeded sample of the findings the engine
// makes on real council pages, each judged by a reader against the rule's
// own words. The sampler and the judging test live in judged_test.go; the
// figures they measure are written to precision_gen.go and rendered into
// docs/METHOD.md by MethodMarkdown. These constants are the sampling rule.
const (
	// judgedSeed keys the hash that ranks the findings of each check.
	judgedSeed = "councildash judged evaluation set, issue 10"
	// judgedCap is the number of findings drawn per check.
	judgedCap = 10
	// judgedMinDrawn is the least number of findings drawn over all checks.
	judgedMinDrawn = 400
	// judgedFloorOverall is the least precision over the judged findings of
	// all scored checks; judgedFloorCheck the least for each scored check
	// (a check below it must be advisory, see Method.Advisory).
	judgedFloorOverall = 0.95
	judgedFloorCheck   = 0.85
	// readerRankingFloor is the least Spearman correlation between page
	// content scores and a reader's ranking of the same pages;
	// wordsCorrelationMax the largest size of the correlation between
	// content score and words read.
	readerRankingFloor  = 0.6
	wordsCorrelationMax = 0.3
	// contentSpreadFloor is the least interquartile range, in points, of
	// the content scores of the shared pages: the middle half of the pages
	// must use the scale, not sit together near the top.
	contentSpreadFloor = 20.0
	// missesFoundFloor is the least share of the listed misses found, of
	// at least minMissesListed; minRankedPages is the least number of pages
	// the reader ranks.
	missesFoundFloor = 0.8
	minMissesListed  = 40
	minRankedPages   = 30
)

// evaluation is what the judged evaluation set measured (precision_gen.go).
type evaluation struct {
	Pages   int // shared pages scored
	Drawn   int // findings drawn, over all checks
	Checks  []checkPrecision
	Misses  missFigures
	Ranking rankingFigures
	Audit   auditFigures // an independent auditor's re-judgement (evaluation_audit.go)
}

// checkPrecision is one check's row of the evaluation.
type checkPrecision struct {
	CheckID       string
	Findings      int // over all shared pages
	PagesAffected int
	Drawn         int
	True          int
	False         int
	Debatable     int
}

// precision is True / (True + False); ok is false when nothing drawn is
// judged true or false.
func (c checkPrecision) precision() (float64, bool) {
	if c.True+c.False == 0 {
		return 0, false
	}
	return float64(c.True) / float64(c.True+c.False), true
}

// missFigures count the breaches a reader listed that the engine should
// find: Proposed of them are under check ids the catalogue does not have.
type missFigures struct {
	Listed   int
	Found    int
	Proposed int
}

// rankingFigures compare page scores with a reader's judgement and with
// the words read (Spearman correlations; NaN when not measurable).
type rankingFigures struct {
	ReaderPages         int // pages the reader ranked that have a content score
	ReaderLeftOut       int // ranked pages not scored for content
	ReaderRho           float64
	WordsPages          int // shared pages with a content score
	WordsLeftOut        int
	ContentWordsRho     float64
	ReadabilityPages    int // shared pages with a readability score
	ReadabilityWordsRho float64
	// ContentQ1, ContentMedian and ContentQ3 are the quartiles of the
	// content scores of the shared pages (WordsPages of them).
	ContentQ1, ContentMedian, ContentQ3 float64
}

// quartiles returns the first quartile, median and third quartile of v
// (linear interpolation between order statistics; NaN when v is empty).
func quartiles(v []float64) (q1, med, q3 float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	at := func(q float64) float64 {
		x := q * float64(len(s)-1)
		i := int(x)
		if i+1 >= len(s) {
			return s[len(s)-1]
		}
		return s[i] + (x-float64(i))*(s[i+1]-s[i])
	}
	return at(0.25), at(0.5), at(0.75)
}

// overallPrecision is the precision over the judged findings of the checks
// m scores (advisory checks left out).
func (ev evaluation) overallPrecision(m Method) (checkPrecision, bool) {
	var all checkPrecision
	for _, c := range ev.Checks {
		if _, adv := m.Advisory[c.CheckID]; adv {
			continue
		}
		all.Findings += c.Findings
		all.Drawn += c.Drawn
		all.True += c.True
		all.False += c.False
		all.Debatable += c.Debatable
	}
	_, ok := all.precision()
	return all, ok
}

func rho(v float64) string {
	if math.IsNaN(v) {
		return "not measured"
	}
	return fmt.Sprintf("%.2f", v)
}

// evaluationMarkdown is the METHOD.md section on the judged evaluation set.
func evaluationMarkdown(m Method, ev evaluation) string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("## How far the findings can be trusted: the judged evaluation set\n\n")
	p("A finding is only useful if a web editor agrees it is a breach. So we measure it: a seeded sample of the findings the engine makes on real council pages is judged by a reader, and the share found right is published here, per check.\n\n")
	p("**How the set is drawn.** Every page-level check is run on the %d real council pages kept outside the repository (`../shared/data/pages`), and every finding is collected (not only the %d per check and page kept as evidence). ", ev.Pages, m.Thresholds.MaxFindingsPerCheck)
	p("Site-level checks (HTTPS, robots.txt and sitemap, the 404 page, unique titles, broken links, the accessibility statement, top tasks) are not in the set: the shared pages are single pages, not whole sites. ")
	p("A finding is known by its page, check, CSS selector and snippet, with white space collapsed; findings that share all four are one item. ")
	p("Each gets a rank: the first 8 bytes of the SHA-256 hash of the seed %q, the page, the check, the selector and the snippet. ", judgedSeed)
	p("For each check, the lowest-ranked finding of each page is drawn first, lowest rank first, up to %d findings from %d different pages; ", judgedCap, judgedCap)
	p("only when fewer than %d pages have the check are the pages' second-lowest findings drawn, then their third, and so on. ", judgedCap)
	p("The rank of a finding does not depend on the other findings, so when a rule changes, a finding it still makes stays drawn unless a new finding on the same page, or on another page, ranks lower: labels are kept, and only new findings need judging. ")
	p("At least %d findings must be drawn in all; %d are drawn now.\n\n", judgedMinDrawn, ev.Drawn)
	p("**How it is judged.** A reader reads the page around each drawn finding against the rule's own words (the section of the LocalGov Digital Content Standard, or the WCAG criterion, that the check cites) and labels it ")
	p("*true* (a breach an editor would agree to fix), *false* (not a breach of the rule), or *debatable* (the rule's words do not settle it), with a one-line reason quoting the rule. ")
	p("The labels are data in the repository (`scoring/testdata/judged/labels/`, one file per check). A test recomputes every check, draws the set again, and fails when a drawn finding has no label, so a new or changed check cannot be published unjudged.\n\n")
	p("**Precision** is true / (true + false): the share of the findings a reader could settle that are right. Debatable findings are counted but left out of it. ")
	p("The test asserts precision of at least %s over the judged findings of all scored checks, and at least %s for every scored check. ", pct(judgedFloorOverall), pct(judgedFloorCheck))
	p("A check below that is *advisory*: its findings are still shown, but it carries no weight in any score until it gets there.\n\n")
	p("| check | findings | pages | drawn | true | false | debatable | precision | status |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, c := range ev.Checks {
		status := "scored"
		if _, adv := m.Advisory[c.CheckID]; adv {
			status = "advisory"
		}
		p("| %s | %d | %d | %d | %d | %d | %d | %s | %s |\n", c.CheckID, c.Findings, c.PagesAffected, c.Drawn, c.True, c.False, c.Debatable, precisionText(c), status)
	}
	all, _ := ev.overallPrecision(m)
	p("| **all scored checks** | %d |  | %d | %d | %d | %d | %s |  |\n\n", all.Findings, all.Drawn, all.True, all.False, all.Debatable, precisionText(all))
	if len(m.Advisory) == 0 {
		p("No check is advisory at present.\n\n")
	} else {
		p("Advisory checks (no weight in any score):\n\n")
		for _, id := range sortedKeys(m.Advisory) {
			p("- **%s**: %s\n", id, m.Advisory[id])
		}
		p("\n")
	}
	b.WriteString(auditMarkdown(m, ev))
	p("**Breaches the engine misses.** A reader also lists clear breaches the checks should find (`scoring/testdata/judged/misses.tsv`); a listed breach is found when the engine makes a finding of the named check on that page whose snippet or matched words contain the listed text. ")
	if ev.Misses.Listed == 0 {
		p("None is listed yet.")
	} else {
		p("Found: %d of %d (%s); %d of them name checks the catalogue does not have yet.", ev.Misses.Found, ev.Misses.Listed, pct(round3(float64(ev.Misses.Found)/float64(ev.Misses.Listed))), ev.Misses.Proposed)
	}
	p(" The test asserts that at least %d are listed, and at least %s of them found.\n\n", minMissesListed, pct(missesFoundFloor))
	r := ev.Ranking
	p("**Do the scores rank pages the way a reader would?** Each page is scored on its own (as `councildash score FILE` does), and its content score is compared, by Spearman's rank correlation (tied values share their average rank), ")
	p("with a reader's ranking of at least %d pages by content quality, made without seeing the scores (`scoring/testdata/judged/ranking.tsv`; positive means the scores agree with the reader), and with the number of words read (near 0 means long pages are neither punished nor rewarded). ", minRankedPages)
	p("Pages not scored for content are left out.\n\n")
	p("| comparison | pages | Spearman's rho | asserted |\n|---|---|---|---|\n")
	if r.ReaderPages == 0 && r.ReaderLeftOut == 0 {
		p("| content score and the reader's ranking | not ranked yet | not measured | at least %s |\n", num(readerRankingFloor))
	} else {
		p("| content score and the reader's ranking | %d (%d left out) | %s | at least %s |\n", r.ReaderPages, r.ReaderLeftOut, rho(r.ReaderRho), num(readerRankingFloor))
	}
	p("| content score and words read | %d (%d left out) | %s | between −%s and %s |\n", r.WordsPages, r.WordsLeftOut, rho(r.ContentWordsRho), num(wordsCorrelationMax), num(wordsCorrelationMax))
	p("| readability score and words read | %d | %s | reported only |\n\n", r.ReadabilityPages, rho(r.ReadabilityWordsRho))
	p("**Do the scores use the scale?** Over the %d shared pages scored for content, the content scores have quartiles %s, %s (median) and %s: the middle half spans %s points. The test asserts at least %s.\n\n",
		r.WordsPages, num(r.ContentQ1), num(r.ContentMedian), num(r.ContentQ3), num(r.ContentQ3-r.ContentQ1), num(contentSpreadFloor))
	return b.String()
}

func precisionText(c checkPrecision) string {
	v, ok := c.precision()
	if !ok {
		if c.Drawn > 0 && c.True+c.False+c.Debatable < c.Drawn {
			return "not judged yet"
		}
		return "none true or false"
	}
	if n := c.True + c.False + c.Debatable; n < c.Drawn {
		return fmt.Sprintf("%s (%d of %d judged)", pct(round3(v)), n, c.Drawn)
	}
	return pct(round3(v))
}

// round3 rounds to three decimal places (a precision shown as 87.3%).
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
