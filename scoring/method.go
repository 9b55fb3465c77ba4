package scoring

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Bounds turn a check's statistics into a score from 0 to 100: a measure
// is scored linearly between a best value (100) and a worst value (0). Which
// measure depends on how the check is scored (Method.Measures):
// MeasurePassFail uses the share of pages (or units) failing; MeasurePerPage
// mixes that share with the findings per page, by ShareWeight;
// MeasurePerWords uses the findings per 100 words read.
type Bounds struct {
	ShareWeight  float64 // weight of the share of pages affected; 1-ShareWeight goes to findings per page (MeasurePerPage)
	ShareBest    float64 // share of pages affected that still scores 100
	ShareWorst   float64 // share that scores 0
	PerPageBest  float64 // findings per page that still score 100
	PerPageWorst float64 // findings per page that score 0
	RateBest     float64 // findings per 100 words read that still score 100 (MeasurePerWords)
	RateWorst    float64 // findings per 100 words read that score 0
}

// Thresholds are the limits the checks themselves use.
type Thresholds struct {
	TitleMaxWords       int
	TitleMaxChars       int
	MetaDescMaxChars    int
	ParagraphMaxWords   int
	SentenceMaxWords    int
	BoldMaxShare        float64
	MinWordsBold        int
	MinWordsReadability int
	MinWordsContent     int // pages with fewer words of main content are not scored for content and readability
	HeadingMaxWords     int // words of main content a reader should meet without a heading
	ReadingAgeMax       int
	SkipLinkWithin      int
	MaxRedirectHops     int
	TTFBMax             time.Duration
	TotalMax            time.Duration
	HTMLMaxBytes        int64
	MaxResources        int
	TaskMaxDepth        int
	SearchTop           int
	MaxFindingsPerCheck int // findings kept as evidence per check and page (all are counted)
}

// Method is the whole scoring method: weights, bounds and thresholds. Its
// Version is stored with every score, so stored statistics can be re-scored
// under a later method.
type Method struct {
	Version         string
	CategoryWeights map[string]float64
	CheckWeights    map[string]float64 // checks not listed weigh 1
	DefaultBounds   Bounds
	CheckBounds     map[string]Bounds // per-check overrides of DefaultBounds
	Thresholds      Thresholds
	// Advisory are checks whose findings are shown but carry no weight in
	// any score (check id -> why): a check whose judged precision is below
	// the floor (see docs/METHOD.md) is advisory until it gets there.
	Advisory map[string]string
	// Measures says how each check's statistics become its score (check id
	// -> MeasurePassFail, MeasurePerWords or MeasurePerPage; a check not
	// listed is scored MeasurePerPage).
	Measures map[string]string
	// CategoryFloor puts a category's weighted mean of check scores on the
	// scale: the mean that scores 0 (100 scores 100). A category not listed
	// is the plain weighted mean. Calibrated so that scores use the scale.
	CategoryFloor map[string]float64
}

// CurrentMethod returns the method in force. Every call returns a fresh value.
func CurrentMethod() Method {
	return Method{
		Version: "2026.2",
		CategoryWeights: map[string]float64{
			CatContent:       1,
			CatAccessibility: 2,
			CatReadability:   1,
			CatTechnical:     1,
			CatStatement:     1,
			CatFindability:   2,
		},
		CheckWeights: map[string]float64{
			// content: the golden rules (plain, structured, readable text that
			// speaks to the reader) weigh most; links (also WCAG 2.4.4) next;
			// the grammar and presentation details of section 1 (capitals,
			// numbers, dates, punctuation) least
			"lgd-text-blocks":         4,
			"lgd-bold-heading":        4,
			"lgd-heading-length":      4,
			"lgd-headings":            4,
			"lgd-you-and-us":          4,
			"lgd-link-text":           1,
			"lgd-links-in-text":       1,
			"lgd-repeated-link":       1,
			"lgd-email-link":          1,
			"lgd-telephone-label":     0.5,
			"lgd-ampersand":           0.5,
			"lgd-block-capitals":      0.5,
			"lgd-council-capital":     0.5,
			"lgd-council-plural":      0.5,
			"lgd-needless-capitals":   0.5,
			"lgd-abbreviation-stops":  0.5,
			"lgd-form-codes":          0.5,
			"lgd-time-format":         0.5,
			"lgd-date-ordinals":       0.5,
			"lgd-date-format":         0.5,
			"lgd-year-range":          0.5,
			"lgd-number-range-dash":   0.5,
			"lgd-money-format":        0.5,
			"lgd-small-numbers":       0.5,
			"lgd-number-words":        0.5,
			"lgd-percent":             0.5,
			"lgd-italics-underline":   0.5,
			"lgd-bullet-and":          0.5,
			"lgd-bullet-stop":         0.5,
			"lgd-title-etc":           0.5,
			"lgd-title-special-chars": 0.5,
			"a11y-image-alt":          2,
			"a11y-link-name":          2,
			"a11y-label":              2,
			"a11y-html-lang":          2,
			"a11y-document-title":     2,
			"a11y-meta-viewport":      2,
			"lgd-click-here":          2,
			"read-flesch":             2,
			"tech-https":              3,
			"tech-status":             2,
			"tech-broken-links":       2,
			"stmt-present":            3,
			"task-reachable":          2,
			"task-home-link":          2,
			"lgd-bold-overuse":        0.5,
			"lgd-compass-caps":        0.5,
			"lgd-e-prefix":            0.5,
			"lgd-meta-description":    0.5,
			"a11y-new-window":         0.5,
			"a11y-duplicate-id":       0.5,
			"read-passive":            0.5,
		},
		// text checks: one finding per 100 words read scores 0
		DefaultBounds: Bounds{ShareWeight: 0.5, ShareBest: 0, ShareWorst: 1, PerPageBest: 0, PerPageWorst: 5, RateBest: 0, RateWorst: 1},
		CheckBounds: map[string]Bounds{
			// calibrated on the shared sample of council pages: most pages have
			// some of these, so the scale starts higher
			"read-passive":        {ShareWeight: 0.5, ShareBest: 0.2, ShareWorst: 1, PerPageBest: 1, PerPageWorst: 15, RateBest: 0.5, RateWorst: 4},
			"read-long-sentences": {ShareWeight: 0.5, ShareBest: 0.2, ShareWorst: 1, PerPageBest: 0.5, PerPageWorst: 10, RateBest: 0, RateWorst: 2},
			"lgd-you-and-us":      {ShareWeight: 0, ShareBest: 0, ShareWorst: 1, PerPageBest: 0, PerPageWorst: 10},
			// counted once per 300 words without a heading: a page with none
			// at all has 1 per 300 words, and scores 0
			"lgd-headings":       {ShareWeight: 0.5, ShareBest: 0, ShareWorst: 1, PerPageBest: 0, PerPageWorst: 5, RateBest: 0, RateWorst: 0.33},
			"read-flesch":        {ShareWeight: 0, ShareBest: 0.25, ShareWorst: 1, PerPageBest: 0, PerPageWorst: 8},
			"lgd-title-length":   {ShareWeight: 1, ShareBest: 0.1, ShareWorst: 0.8, PerPageBest: 0, PerPageWorst: 1},
			"a11y-pdf-links":     {ShareWeight: 0.5, ShareBest: 0.05, ShareWorst: 0.8, PerPageBest: 0, PerPageWorst: 10},
			"a11y-new-window":    {ShareWeight: 0.5, ShareBest: 0.1, ShareWorst: 1, PerPageBest: 0, PerPageWorst: 10},
			"a11y-skip-link":     {ShareWeight: 1, ShareBest: 0, ShareWorst: 0.5, PerPageBest: 0, PerPageWorst: 1},
			"a11y-duplicate-id":  {ShareWeight: 0.5, ShareBest: 0, ShareWorst: 1, PerPageBest: 0, PerPageWorst: 10},
			"tech-broken-links":  {ShareWeight: 1, ShareBest: 0, ShareWorst: 0.05, PerPageBest: 0, PerPageWorst: 1},
			"tech-status":        {ShareWeight: 1, ShareBest: 0, ShareWorst: 0.1, PerPageBest: 0, PerPageWorst: 1},
			"tech-page-weight":   {ShareWeight: 1, ShareBest: 0.05, ShareWorst: 0.8, PerPageBest: 0, PerPageWorst: 2},
			"tech-response-time": {ShareWeight: 1, ShareBest: 0.05, ShareWorst: 0.8, PerPageBest: 0, PerPageWorst: 2},
			"lgd-title-unique":   {ShareWeight: 1, ShareBest: 0, ShareWorst: 0.3, PerPageBest: 0, PerPageWorst: 1},
		},
		Measures: measures(),
		// Calibrated on the shared pages (see METHOD.md, how the bounds were
		// set): a round number a little below the lowest weighted mean of
		// content check scores of a page scored for content (about 75).
		CategoryFloor: map[string]float64{CatContent: 70},
		Advisory: map[string]string{
			"a11y-tabindex": "a positive tabindex fails WCAG 2.4.3 only when the keyboard order it sets loses meaning or operability, which needs a person to judge; " +
				"the judged set found none plainly wrong (the finding says whether the order changes at all)",
			"a11y-duplicate-id": "whether a duplicated id that a label, ARIA attribute or in-page link refers to makes the reference reach the wrong element depends on which copy was meant; " +
				"in the judged set only half did, so a person must check each one",
			"a11y-duplicate-id-unreferenced": "WCAG 2.2 removed 4.1.1 Parsing: a duplicated id that nothing refers to affects no one today; it is shown as advice only",
			"lgd-acronyms": "whether an acronym is well known to the page's readers (LGD 1.2 \"Well-known abbreviations and acronyms (e.g. BBC, UK) are acceptable\") needs a person: " +
				"the findings are candidates for the editor",
		},
		Thresholds: Thresholds{
			TitleMaxWords:       8,
			TitleMaxChars:       65,
			MetaDescMaxChars:    160,
			ParagraphMaxWords:   100,
			SentenceMaxWords:    25,
			BoldMaxShare:        0.10,
			MinWordsBold:        50,
			MinWordsReadability: 100,
			MinWordsContent:     50,
			HeadingMaxWords:     300,
			ReadingAgeMax:       11,
			SkipLinkWithin:      5,
			MaxRedirectHops:     2,
			TTFBMax:             1 * time.Second,
			TotalMax:            3 * time.Second,
			HTMLMaxBytes:        300 * 1024,
			MaxResources:        80,
			TaskMaxDepth:        3,
			SearchTop:           5,
			MaxFindingsPerCheck: 50,
		},
	}
}

// measures is how each check of the catalogue is scored.
func measures() map[string]string {
	out := map[string]string{}
	for _, c := range Catalog() {
		out[c.ID] = c.Measure
	}
	return out
}

// CategoryOverall is the Category of the site's overall score.
const CategoryOverall = "overall"

// measure is how check id is scored.
func (m Method) measure(id string) string {
	if v, ok := m.Measures[id]; ok {
		return v
	}
	return MeasurePerPage
}

func (m Method) bounds(id string) Bounds {
	b, ok := m.CheckBounds[id]
	if !ok {
		return m.DefaultBounds
	}
	if b.RateWorst <= b.RateBest {
		b.RateBest, b.RateWorst = m.DefaultBounds.RateBest, m.DefaultBounds.RateWorst
	}
	return b
}

// ownBounds reports whether check id has bounds of its own for the measure
// it is scored by (not the defaults).
func (m Method) ownBounds(id string) bool {
	b, d := m.bounds(id), m.DefaultBounds
	switch m.measure(id) {
	case MeasurePassFail:
		return b.ShareBest != d.ShareBest || b.ShareWorst != d.ShareWorst
	case MeasurePerWords:
		return b.RateBest != d.RateBest || b.RateWorst != d.RateWorst
	}
	return b != d
}

// checkWeight is a check's weight in its category: 0 for an advisory check.
func (m Method) checkWeight(id string) float64 {
	if _, ok := m.Advisory[id]; ok {
		return 0
	}
	if w, ok := m.CheckWeights[id]; ok {
		return w
	}
	return 1
}

// linear maps x to 100 at best and 0 at worst, clamped.
func linear(x, best, worst float64) float64 {
	if worst == best {
		if x <= best {
			return 100
		}
		return 0
	}
	v := 100 * (worst - x) / (worst - best)
	return math.Max(0, math.Min(100, v))
}

// CheckScore scores one check's statistics; ok is false when the check did
// not apply to anything, or cannot be scored under this method (see
// Unscorable): no score.
func (m Method) CheckScore(st CheckStat) (score float64, ok bool) {
	if st.PagesTotal <= 0 || m.Unscorable(st) != "" {
		return 0, false
	}
	b := m.bounds(st.CheckID)
	share := float64(st.PagesAffected) / float64(st.PagesTotal)
	var v float64
	switch m.measure(st.CheckID) {
	case MeasurePassFail:
		v = linear(share, b.ShareBest, b.ShareWorst)
	case MeasurePerWords:
		v = linear(float64(st.Findings)*100/float64(st.Words), b.RateBest, b.RateWorst)
	default:
		per := float64(st.Findings) / float64(st.PagesTotal)
		w := math.Max(0, math.Min(1, b.ShareWeight))
		v = w*linear(share, b.ShareBest, b.ShareWorst) + (1-w)*linear(per, b.PerPageBest, b.PerPageWorst)
	}
	return math.Round(v*10) / 10, true
}

// Unscorable says why a statistic that applied to something cannot be
// scored under this method, or "": a check counted per 100 words read needs
// the words read, which statistics stored before method 2026.2 do not
// have. Such a check is left out of the scores (never mixed with a score
// made another way); re-crawl, or store the words, to score it.
func (m Method) Unscorable(st CheckStat) string {
	if st.PagesTotal > 0 && st.Words <= 0 && m.measure(st.CheckID) == MeasurePerWords {
		return st.CheckID + " is counted per 100 words read under method " + m.Version + ", and this statistic has no words read (stored before 2026.2): not scored"
	}
	return ""
}

// Score computes per-check, per-category and overall scores from stored
// statistics alone. Checks that applied to nothing get no score; categories
// with no scored check get none; the overall score is the weighted mean of
// the categories that have one.
func (m Method) Score(stats []CheckStat) []Score {
	var out []Score
	sum := map[string]float64{}
	wsum := map[string]float64{}
	var extraCats []string
	known := map[string]bool{}
	for _, c := range Categories() {
		known[c] = true
	}
	for _, st := range stats {
		v, ok := m.CheckScore(st)
		if !ok {
			continue
		}
		out = append(out, Score{Category: st.Category, CheckID: st.CheckID, Score: v, MethodVersion: m.Version})
		w := m.checkWeight(st.CheckID)
		if w <= 0 {
			continue
		}
		if !known[st.Category] {
			known[st.Category] = true
			extraCats = append(extraCats, st.Category)
		}
		sum[st.Category] += w * v
		wsum[st.Category] += w
	}
	var osum, owsum float64
	for _, c := range append(Categories(), extraCats...) {
		if wsum[c] <= 0 {
			continue
		}
		mean := sum[c] / wsum[c]
		if floor, ok := m.CategoryFloor[c]; ok && floor < 100 {
			mean = linear(mean, 100, floor)
		}
		v := math.Round(mean*10) / 10
		out = append(out, Score{Category: c, Score: v, MethodVersion: m.Version})
		cw, ok := m.CategoryWeights[c]
		if !ok {
			cw = 1
		}
		osum += cw * v
		owsum += cw
	}
	if owsum > 0 {
		out = append(out, Score{Category: CategoryOverall, Score: math.Round(osum/owsum*10) / 10, MethodVersion: m.Version})
	}
	return out
}

// MethodMarkdown explains the method in plain English. docs/METHOD.md is
// generated from it.
func MethodMarkdown(m Method) string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("# How councildash scores council websites\n\n")
	p("<!-- Generated from scoring.CurrentMethod() by `go test ./scoring -update`. Do not edit by hand. -->\n\n")
	p("Method version: **%s**. Every stored score carries the version of the method that produced it. ", m.Version)
	p("Scores are computed from stored check statistics alone (pages checked, pages affected, findings, words read), so a past crawl can be re-scored under a new method without fetching the sites again.\n\n")
	p("## From findings to scores\n\n")
	p("Each check looks at every page (or, for site checks, at the site once, or once per top task) and records findings, each with its evidence.\n")
	p("For each check and site we keep four numbers: how many pages (or tasks) it applied to, how many had at least one finding, how many findings there were, and how many words of main content were read on the pages it applied to.\n\n")
	p("**Check score (0 to 100).** How a check's numbers become its score depends on what the check measures (the *measure* column of the table below). ")
	p("Each scale is a straight line between a *best* value (scores 100, or better) and a *worst* value (scores 0, or worse).\n\n")
	p("- **pass/fail**: checks that judge a page, a site or a task once, as a whole (a title, the page's language, HTTPS, the accessibility statement). The score is the share of pages that pass, on the line between the share-affected bounds: a single page that fails scores 0.\n")
	p("- **per 100 words**: checks that read the text (capitals, dates, sentences, links in the text). The score is the findings per 100 words read, on the line between the rate bounds, so a long page is neither punished for having more sentences nor a short one rewarded for having few.\n")
	p("- **per page**: checks that count elements of a page (images, links, form fields, documents), and the two text checks that make one graded finding per page (reading age, you and us). The score mixes the share of pages affected and the findings per page, by the check's share weight.\n\n")
	p("A check that applied to no page has no score, and is left out rather than counted as 0. ")
	p("A statistic counted per 100 words that carries no words read (stored by a method before 2026.2, which did not keep them) cannot be scored under %s: the check is left out of the scores and says why (`Method.Unscorable`), never scored another way and mixed in. Re-crawling, or storing the words, scores it.\n\n", m.Version)
	p("**Category score.** The weighted mean of the scores of the category's checks (weights below; a check not listed weighs 1, an advisory check 0). ")
	if len(m.CategoryFloor) > 0 {
		var fl []string
		for _, c := range Categories() {
			if f, ok := m.CategoryFloor[c]; ok {
				fl = append(fl, fmt.Sprintf("%s %s", c, num(f)))
			}
		}
		p("Where a category has a *floor* (%s), the mean is put on the scale: the floor scores 0 and 100 scores 100 (see how the bounds were set, below).\n\n", strings.Join(fl, ", "))
	} else {
		p("\n\n")
	}
	p("**Site score.** The weighted mean of the category scores. It is always shown with each category score beside it, never alone, and with how sure it is (below).\n\n")
	p("In symbols, for a check with *n* pages checked, *a* pages affected, *f* findings and *words* words read, share weight *w*, and bounds (best, worst):\n\n")
	p("    line(x, best, worst) = 100 × (worst − x) / (worst − best), kept between 0 and 100\n")
	p("    pass/fail            = line(a / n, share best, share worst)\n")
	p("    per 100 words        = line(100 × f / words, rate best, rate worst)\n")
	p("    per page             = w × line(a / n, share best, share worst) + (1 − w) × line(f / n, per page best, per page worst)\n")
	p("    category score       = line(Σ (check weight × check score) / Σ check weight, 100, floor), over the category's scored checks (floor 0 when none is set)\n")
	p("    site score           = Σ (category weight × category score) / Σ category weight, over the scored categories\n\n")
	p("Each is rounded to one decimal place. Site checks judged once (HTTPS, robots.txt, the 404 page, each statement check) count as one page; ")
	p("per-task checks (findability) count each top task as one page; broken links count each link checked; ")
	p("a check that could not be judged (for example the site's search when the home page has no GET search form) has no score. ")
	p("When a site has no accessibility statement, that is one failure (stmt-present), and the checks of the statement's content are not applicable.\n\n")
	p("**Pages not scored for content and readability.** An error page (HTTP status 400 or more), a soft 404 (status 200, but the title or main heading says the page was not found: tech-soft-404) and a page with fewer than %d words of main content have no writing to judge: ", m.Thresholds.MinWordsContent)
	p("they get no content or readability score, and the page's result says why (`PageResult.Unscored`; `councildash score` prints it). They still count for the technical and accessibility checks.\n\n")
	p("## How sure a site's score is, and rank bands\n\n")
	p("A site is scored from a sample of its pages; another sample would give another score. `Method.SiteScoreInterval` takes the statistics of each page (`Engine.PageStats` of each page's result) and of the site-level checks, ")
	p("redraws the pages with replacement (1,000 times by default, from a fixed seed, so the same input always gives the same interval), scores each redraw, and gives the overall and category scores each with the interval holding the middle 90%% (or 95%%) of the redrawn scores. ")
	p("Site-level checks are judged once for the site and are not redrawn. A site with fewer than 5 pages is flagged as too few to tell. ")
	p("`RankBands` turns a set of scores with intervals into ranks: a site's band runs from the best rank it could hold (1 + the sites whose interval lies wholly above its own) to the worst (1 + the sites whose interval reaches its own or above); sites whose intervals overlap share ranks (\"12th to 19th\"), a site whose interval overlaps no other holds a single rank, and sites with too few pages are listed last, unranked.\n\n")
	p("## Category weights\n\n| category | weight |\n|---|---|\n")
	for _, c := range Categories() {
		w, ok := m.CategoryWeights[c]
		if !ok {
			w = 1
		}
		p("| %s | %s |\n", c, num(w))
	}
	d := m.DefaultBounds
	p("\n## Default bounds\n\nUnless a check says otherwise below: share of pages affected scores 100 at %s and 0 at %s; findings per 100 words read score 100 at %s and 0 at %s; share weight %s and findings per page 100 at %s and 0 at %s (per page checks).\n\n",
		pct(d.ShareBest), pct(d.ShareWorst), num(d.RateBest), num(d.RateWorst), num(d.ShareWeight), num(d.PerPageBest), num(d.PerPageWorst))
	p("## Checks\n\n| check | category | level | what it looks for | measure | weight | bounds |\n|---|---|---|---|---|---|---|\n")
	for _, c := range Catalog() {
		bd := m.bounds(c.ID)
		mark := ""
		if m.ownBounds(c.ID) {
			mark = " *"
		}
		weight := num(m.checkWeight(c.ID))
		if _, adv := m.Advisory[c.ID]; adv {
			weight = "0 (advisory)"
		}
		var bounds string
		switch m.measure(c.ID) {
		case MeasurePassFail:
			bounds = fmt.Sprintf("share failing %s to %s", pct(bd.ShareBest), pct(bd.ShareWorst))
		case MeasurePerWords:
			bounds = fmt.Sprintf("%s to %s per 100 words", num(bd.RateBest), num(bd.RateWorst))
		default:
			switch {
			case bd.ShareWeight <= 0:
				bounds = fmt.Sprintf("%s to %s per page", num(bd.PerPageBest), num(bd.PerPageWorst))
			case bd.ShareWeight >= 1:
				bounds = fmt.Sprintf("share affected %s to %s", pct(bd.ShareBest), pct(bd.ShareWorst))
			default:
				bounds = fmt.Sprintf("share affected %s to %s, weight %s; %s to %s per page", pct(bd.ShareBest), pct(bd.ShareWorst), num(bd.ShareWeight), num(bd.PerPageBest), num(bd.PerPageWorst))
			}
		}
		p("| %s | %s | %s | %s | %s | %s | %s%s |\n", c.ID, c.Category, c.Level, strings.ReplaceAll(c.Description, "|", "\\|"), m.measure(c.ID), weight, bounds, mark)
	}
	p("\n\\* bounds set for this check (see how the bounds were set).\n\n")
	p("## How the bounds were set\n\n")
	for _, c := range calibrationNotes(m) {
		p("- %s\n", c)
	}
	p("\n")
	b.WriteString(evaluationMarkdown(m, judgedEvaluation()))
	b.WriteString(changesMarkdown(m, judgedEvaluation20261(), judgedEvaluation()))
	t := m.Thresholds
	p("## Limits used by the checks\n\n")
	p("- A page title should have at most %d words and %d characters.\n", t.TitleMaxWords, t.TitleMaxChars)
	p("- A meta description should have at most %d characters.\n", t.MetaDescMaxChars)
	p("- A paragraph should have at most %d words; a sentence at most %d words.\n", t.ParagraphMaxWords, t.SentenceMaxWords)
	p("- Bold text should be at most %s of the words of the main content (judged on pages of %d words or more).\n", pct(t.BoldMaxShare), t.MinWordsBold)
	p("- Reading age (20 minus the Flesch reading ease divided by 10, rounded down) should be at most %d; it is measured on pages with at least %d words of prose.\n", t.ReadingAgeMax, t.MinWordsReadability)
	p("- A skip link should be among the first %d links of the page.\n", t.SkipLinkWithin)
	p("- At most %d redirects to reach a page.\n", t.MaxRedirectHops)
	p("- Time to first byte at most %s; whole download at most %s.\n", t.TTFBMax, t.TotalMax)
	p("- HTML at most %d KB; at most %d images, scripts and styles referenced.\n", t.HTMLMaxBytes/1024, t.MaxResources)
	p("- A top task's page should be within %d clicks of the home page, and in the top %d results of the site's own search.\n", t.TaskMaxDepth, t.SearchTop)
	p("- Up to %d findings per check and page are kept as evidence; all are counted.\n", t.MaxFindingsPerCheck)
	p("\n## Text and language\n\n")
	p("Text checks read the page's main content (the `main` element, `role=main` or `article`; otherwise the body without header, navigation, footer and cookie banners), not menus. ")
	p("Text in Welsh or Gaelic (`lang=\"cy\"` or `lang=\"gd\"`) is not judged by English rules, and the page's record says which rules were not applied and why. ")
	p("Text in `code`, `samp` and `kbd` elements is computer text, not prose: the writing rules skip it (link and button names still include it).\n\n")
	p("## Top tasks\n\n| task | words residents use |\n|---|---|\n")
	for _, tk := range Tasks() {
		p("| %s | %s |\n", tk.Name, strings.Join(tk.Words, ", "))
	}
	p("\nA page is about a task when its title, main heading or address contains one of the task's words. ")
	p("The site's own search is the GET search form found on the home page; it is asked the first word of each task, at the crawler's polite rate like any other fetch, and passes when a page about the task is among its first %d results.\n", t.SearchTop)
	p("\n## Where councildash follows the standard rather than the checks catalogue\n\n")
	for _, d := range standardNotes {
		p("- %s\n", d)
	}
	p("\n## Parts of the standard not checked automatically\n\n")
	for _, d := range notChecked {
		p("- %s\n", d)
	}
	return b.String()
}

// standardNotes are the places where the checks follow the LocalGov Digital
// Content Standard where the checks catalogue says less or otherwise.
var standardNotes = []string{
	"**lgd-year-range** also flags \"2012/3\": the standard (1.7) names 2012-13, 2012-3, 2012/3 and 2012-2013 as wrong; 2012/13 is right.",
	"**lgd-money-format** also flags pence written as \"4p\": the standard (1.11, Money) asks for \"4 pence\".",
	"**lgd-e-prefix** follows the standard (1.8): \"e-business\" in a sentence, \"e-Business\" at the start of one, and \"email\" always; \"E-business\", \"eBusiness\" and \"E-mail\" are flagged wherever they are.",
	"**lgd-title-length**: the standard (1.13) asks for about eight words; the 65-character limit is GOV.UK's and the catalogue's.",
	"**lgd-meta-description**: the standard (1.13) says about 150 characters is best; descriptions over 160 are flagged, as the catalogue says.",
	"**lgd-year-range** leaves out a multi-year span that is part of a document's title (\"Local Plan 2011-2031\", a linked document's name) and copyright lines: the title is the document's own name, which the page cannot rename.",
	"**Title checks** (lgd-title-length, lgd-title-etc, lgd-title-special-chars) judge the page's own part of the title: the site name the template adds (\"Planning policy | Anytown Council\") is not the editor's writing. A title that repeats itself is still reported.",
	"**lgd-repeated-link** follows the standard's words (1.4, \"Once you've linked a document, page or resource once using a phrase in the text, don't repeat this\"): the same phrase linked to the same place more than once in the body text; the catalogue's \"same href\" also caught menus and document lists.",
	"**a11y-skip-link**: a main landmark also meets WCAG 2.4.1 (technique ARIA11, and axe's bypass rule), so a page with `main` passes without a skip link.",
	"**a11y-table-headers** reports data tables whose first row or column is set out as headers but not marked up (WCAG 1.3.1 failure F91); a layout table, or a one-row table, has no headers to mark.",
	"**a11y-duplicate-id** keeps the ids something refers to (a label, an ARIA attribute, an in-page link), as the catalogue says to rank first; ids nothing refers to are **a11y-duplicate-id-unreferenced**, advisory, since WCAG 2.2 removed 4.1.1 Parsing.",
	"**a11y-pdf-links**: a form published as a document still counts double (the catalogue), but another document counts only when its link does not say its file type and size (GOV.UK, \"Publishing accessible documents\"): the standard does not forbid documents, and a council must publish many.",
	"**lgd-you-and-us** asks for at least one sentence in five that speaks to the reader as \"you\" or for the council as \"we\" (1.1 says \"where appropriate\", so the threshold is low); **lgd-headings** asks for a heading at least every 300 words (the standard gives no number).",
	"**read-words-to-avoid** uses every word of the catalogue's words-to-avoid.tsv (a test keeps the coded list and the file in step), with each word's exception (\"agenda\" for a meeting, \"foster\" for children, \"impact\" and \"progress\" as nouns, \"key\" for things that unlock).",
}

// notChecked are the parts of the standard no check judges, and why.
var notChecked = []string{
	"Spaces in telephone numbers (1.4, \"use spaces between the dialling code and the local exchange\"): the catalogue has no check id for it, and widening lgd-telephone-label would change that id's meaning.",
	"Comma separators in numbers over 1,000 (1.11, \"1,962 not 1962\"): a four-digit number cannot be told from a year without judgement.",
	"Bullet points (1.3): the lead-in sentence, and whether each bullet runs on from it, need a reader; full stops and \"and\"/\"or\" at the end of bullets are checked (lgd-bullet-stop, lgd-bullet-and).",
	"Whether an acronym is well known (1.2, \"Well-known abbreviations and acronyms (e.g. BBC, UK) are acceptable\"): lgd-acronyms lists the acronyms a page never spells out, as advice with no weight.",
	"People and teams (1.4), and whether an image is worth having (1.12): these need a reader's judgement; reviewers settle them.",
	"Alt text quality (1.12): a11y-image-alt checks that alt text is there, not that it describes the image.",
	"The guidance by type of content (section 2: forms, services, events, statutory content...): it needs judgement, and is left to human review.",
}

func num(f float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
}

func pct(f float64) string { return num(f*100) + "%" }
