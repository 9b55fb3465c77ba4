package scoring

import (
	"fmt"
	"strconv"
	"strings"
)

// changes20262 says what changed from method 2026.1 to 2026.2, and why
// (issue 10: scores a council web editor would sign off). Each line names
// the rule it implements. docs/METHOD.md lists them.
var changes20262 = []string{
	// §2 pages that are not content
	"**Pages that are not content are not scored for content and readability** (an HTTP error, a soft 404 whose title or main heading says the page was not found, or under " +
		"{minwords} words of main content): PageResult.Unscored says why, and `councildash score` prints it. They still count for the technical and accessibility checks. " +
		"Why: an error page or a form shell has no writing to judge, and short pages scored 100 for lack of text.",
	"**New check tech-soft-404**: a page served with status 200 whose title or main heading says it was not found (a soft 404 tells search engines and browsers the wrong thing; tech-status keeps its meaning of the status code).",
	"**Cookie banners and widgets are left out of the writing checks, recognised by their own markup** (Cookiebot, Quantcast Choice, Civic Cookie Control, cookieconsent, OneTrust, AddToAny, AddThis, GovMetric, Hotjar, Google Translate, Browsealoud, GovDelivery overlays). " +
		"A generic cookie class marks a banner only on a small box that holds no main, article or h1, so a `with-cookiebanner` wrapper never hides the page.",
	// §3 false findings
	"**Hidden text is not prose**: `hidden`, inline `display:none`, `aria-hidden` where the check is about what is read, framework visually-hidden, print-only and phone-only classes (a phone-only copy of the content is not read twice).",
	"**Quoted text is the source's wording** (LGD golden rules are about our own writing): blockquote, q, text in quotation marks and wholly italic paragraphs (statutory definitions) are not judged by the writing rules.",
	"**Paragraphs are what the reader sees**: two `<br>` end a paragraph (lgd-text-blocks), cells of data tables are data, not prose (time, number, year-range and small-number rules), and a `main` left inside an unclosed header, or content inside a navigation element left open, is read as content.",
	"**Title checks judge the page's own part of the title** (LGD 1.13): the site name the template adds before or after a separator is stripped; a title that repeats itself is still reported.",
	"**lgd-repeated-link** counts one phrase linked to one place more than once in the body text only (LGD 1.4 \"don't repeat this\"), not menus, lists of documents or the same link in two templates.",
	"**lgd-ampersand** skips web addresses, initials (\"B&Q\", \"S & G Motors\"), firm names (\"& Sons\", \"& Co\") and the council's own name; **lgd-title-special-chars** judges the page's own part of the title (LGD 1.5 asks our writing to use \"and\", not to rename others).",
	"**lgd-council-capital and lgd-council-plural** (LGD 1.6, 1.1): \"The Council\" starting a sentence is now caught, while \"The Council\" inside a sentence or alone as a label is a title; bare plural verbs (\"the council consider\") are now caught, and \"Council Members are\" is not the council.",
	"**Dates, times and numbers** (LGD 1.7, 1.11): data cells, dates, addresses, file details (\"PDF, 2 MB\"), ratings, plan titles (\"Local Plan 2011-2031\") and copyright lines are left out of the time, year-range, number-range and small-number rules.",
	"**lgd-italics-underline** skips icon fonts and links (underlined links are links); **lgd-email-link** decodes percent-encoded mailto addresses and reports an address that links to a web page; **lgd-block-capitals** makes one finding per paragraph and skips strings of acronyms (\"NHS UK GP\") and wide data tables.",
	"**a11y-table-headers** follows WCAG 1.3.1 failure F91: a data table whose first row or column is set as headers visually but not marked up; layout tables and tables with headers pass.",
	"**a11y-pdf-links** asks that a link to a document say its file type and size (GOV.UK, \"Publishing accessible documents\"); data files (CSV, XLSX) are not documents.",
	"**a11y-skip-link** passes when the page has a main landmark (WCAG 2.4.1 is met by landmarks, technique ARIA11); **tech-page-weight** counts distinct files.",
	"**a11y-new-window** reports links in widgets apart from content links; **a11y-duplicate-id** only where something refers to the id, the rest split into **a11y-duplicate-id-unreferenced** (WCAG 2.2 removed 4.1.1 Parsing).",
	// §4 new checks
	"**New checks for breaches a reader listed as missed** (each quotes the standard in its description): lgd-link-text, lgd-links-in-text (LGD 1.4), lgd-needless-capitals (1.6), lgd-acronyms (1.2, advisory), lgd-date-format (1.7), lgd-number-words, lgd-percent (1.11), lgd-bullet-and, lgd-bullet-stop (1.3), lgd-bold-heading, lgd-heading-length and lgd-headings (golden rules: headings), lgd-you-and-us (1.1).",
	"**lgd-link-text** leaves out a web address given as data (a cell of a data table listing pages, a field labelled \"Website:\" or \"Page:\"): LGD 1.4 asks for link text that flows within the sentence; a file name standing for a document is still reported. **Tags and badges** (GOV.UK and NHS tags, Bootstrap badges and labels) are styled status words: not bold text and not headings.",
	"**lgd-click-here** also flags the fixed phrases the standard's rule covers: \"download\", \"view\", \"View / Download\", \"are available here\" (LGD 1.4 \"describe what you're linking to\").",
	// §5 scores
	"**Pass/fail checks that fail score 0**: a check that judges a page once (its title, language, viewport, status) scores the share of pages failing, so a page that fails scores 0 on it.",
	"**Text checks count per 100 words read**: a long page is not punished for having more sentences, nor a short one rewarded (the stored statistic carries the words read).",
	"**A missing accessibility statement is one failure** (stmt-present); its content checks are then not applicable, instead of failing five times.",
	"**The content category is put on the scale** (a floor: see how the bounds were set), and the golden rules weigh more than the grammar details: the bounds were calibrated so that the middle half of page content scores spans at least {spread} points.",
	"**Uncertainty and rank bands**: a site's score comes with a bootstrap interval over its pages, and ranks with bands where intervals overlap (see how sure a site's score is, above).",
}

// changesMarkdown is the section of docs/METHOD.md on what changed in
// 2026.2, with the judged figures before (2026.1, frozen) and after.
func changesMarkdown(m Method, before, after evaluation) string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("## What changed in method 2026.2, and why\n\n")
	p("Method 2026.1 scored pages a reader would not sign off: 70.7%% of its judged findings were right, long pages scored lower for being long, and its content scores did not agree with a reader's ranking. 2026.2 fixes the false findings by general rules (not by page), adds checks for what it missed, and scores so that pages rank as an editor would. Changes, each with the rule it implements:\n\n")
	for _, c := range changes20262 {
		p("- %s\n", strings.NewReplacer("{minwords}", strconv.Itoa(m.Thresholds.MinWordsContent), "{spread}", num(contentSpreadFloor)).Replace(c))
	}
	p("\n**Checks added beyond the checks catalogue** (`../shared/reference/checks.md`; the catalogue test accepts exactly these, from `ProjectAdditions`):\n\n")
	add := ProjectAdditions()
	for _, c := range Catalog() {
		if why, ok := add[c.ID]; ok {
			p("- **%s** (%s): %s\n", c.ID, c.RuleRef, why)
		}
	}
	p("\n**Judged figures before and after.** Before: method 2026.1, the four readers' labels of the first %d drawn findings. After: method 2026.2 on the same pages, with the findings its rules now draw judged too (see the judged evaluation set above).\n\n", before.Drawn)
	p("| figure | 2026.1 | 2026.2 |\n|---|---|---|\n")
	bo, _ := before.overallPrecision(Method{})
	ao, _ := after.overallPrecision(m)
	p("| precision of the scored checks | %s (%d true, %d false, %d debatable) | %s (%d true, %d false, %d debatable) |\n",
		precisionText(bo), bo.True, bo.False, bo.Debatable, precisionText(ao), ao.True, ao.False, ao.Debatable)
	below := func(ev evaluation, mm Method) int {
		n := 0
		for _, c := range ev.Checks {
			if _, adv := mm.Advisory[c.CheckID]; adv {
				continue
			}
			if v, ok := c.precision(); ok && v < judgedFloorCheck {
				n++
			}
		}
		return n
	}
	p("| scored checks below %s | %d | %d |\n", pct(judgedFloorCheck), below(before, Method{}), below(after, m))
	p("| listed misses found | %d of %d | %d of %d |\n", before.Misses.Found, before.Misses.Listed, after.Misses.Found, after.Misses.Listed)
	br, ar := before.Ranking, after.Ranking
	p("| content score and the reader's ranking (Spearman) | %s | %s |\n", rho(br.ReaderRho), rho(ar.ReaderRho))
	p("| content score and words read (Spearman) | %s | %s |\n", rho(br.ContentWordsRho), rho(ar.ContentWordsRho))
	p("| readability score and words read (Spearman) | %s | %s |\n", rho(br.ReadabilityWordsRho), rho(ar.ReadabilityWordsRho))
	p("| page content scores: quartiles (middle half spans) | %s, %s, %s (%s points) | %s, %s, %s (%s points) |\n\n",
		num(br.ContentQ1), num(br.ContentMedian), num(br.ContentQ3), num(br.ContentQ3-br.ContentQ1),
		num(ar.ContentQ1), num(ar.ContentMedian), num(ar.ContentQ3), num(ar.ContentQ3-ar.ContentQ1))
	p("Per check (precision = true / (true + false); \"new\" where 2026.1 had no such check; a check marked advisory carries no weight):\n\n")
	p("| check | 2026.1: true / false / debatable | 2026.1 precision | 2026.2: true / false / debatable | 2026.2 precision |\n|---|---|---|---|---|\n")
	bc := map[string]checkPrecision{}
	for _, c := range before.Checks {
		bc[c.CheckID] = c
	}
	ac := map[string]checkPrecision{}
	for _, c := range after.Checks {
		ac[c.CheckID] = c
	}
	for _, c := range Catalog() {
		o, had := bc[c.ID]
		n, has := ac[c.ID]
		if !had && !has {
			continue
		}
		ot, op := "new", "new"
		if had {
			ot, op = fmt.Sprintf("%d / %d / %d", o.True, o.False, o.Debatable), precisionText(o)
		}
		nt, np := "none drawn", "none drawn"
		if has {
			nt, np = fmt.Sprintf("%d / %d / %d", n.True, n.False, n.Debatable), precisionText(n)
		}
		if _, adv := m.Advisory[c.ID]; adv {
			np += " (advisory)"
		}
		p("| %s | %s | %s | %s | %s |\n", c.ID, ot, op, nt, np)
	}
	p("\n")
	return b.String()
}

// calibrationNotes say how the bounds and the floor were set. The figures
// from the shared pages are those seen when the bounds were set (in
// sample: the same pages the judged evaluation set measures).
func calibrationNotes(m Method) []string {
	d := m.DefaultBounds
	bd := func(id string) Bounds { return m.bounds(id) }
	notes := []string{
		fmt.Sprintf("**Text checks, per 100 words** (default %s to %s): a rule broken once in every 100 words read, about once a paragraph, scores 0 on that check. "+
			"On the shared pages most text checks find nothing on most pages, so the score falls only for pages that break the rule again and again, in proportion to what was read.", num(d.RateBest), num(d.RateWorst)),
		fmt.Sprintf("**read-passive** (%s to %s per 100 words): the passive is ordinary English in moderation, and the check flags every passive clause. "+
			"When set, the shared pages had a median of 1.6 per 100 words and at most 3.8: a page that uses it rarely scores 100, and the worst value sits just above the worst page seen.", num(bd("read-passive").RateBest), num(bd("read-passive").RateWorst)),
		fmt.Sprintf("**read-long-sentences** (%s to %s per 100 words): median 0.8 and at most 2.1 when set; one sentence over %d words in every 50 words scores 0.", num(bd("read-long-sentences").RateBest), num(bd("read-long-sentences").RateWorst), m.Thresholds.SentenceMaxWords),
		fmt.Sprintf("**lgd-headings** (%s to %s per 100 words): the check counts once per %d words without a heading, so a page with no heading at all has %s per 100 words and scores 0.", num(bd("lgd-headings").RateBest), num(bd("lgd-headings").RateWorst), m.Thresholds.HeadingMaxWords, num(100/float64(m.Thresholds.HeadingMaxWords))),
		fmt.Sprintf("**lgd-you-and-us** (%s to %s per page): one finding per page, counted in tenths of the way short of one sentence in five that speaks to the reader as \"you\" or for the council as \"we\"; a page where no sentence does scores 0, a page at one in five or more 100. Judged on pages with at least %d sentences.", num(bd("lgd-you-and-us").PerPageBest), num(bd("lgd-you-and-us").PerPageWorst), youAndUsMinSentences),
		fmt.Sprintf("**read-flesch** (%s to %s per page): counted once per year of reading age above %d; %s years above it (a reading age of %d or more) scores 0. When set, the median page was 5 years above.", num(bd("read-flesch").PerPageBest), num(bd("read-flesch").PerPageWorst), m.Thresholds.ReadingAgeMax, num(bd("read-flesch").PerPageWorst), m.Thresholds.ReadingAgeMax+int(bd("read-flesch").PerPageWorst)),
		"**The other marked bounds** (title length, unique titles, documents, new windows, skip link, duplicate ids, status, broken links, page weight, response time) are those of 2026.1, calibrated then on a sample of real council pages where most pages have some of these findings.",
	}
	if f, ok := m.CategoryFloor[CatContent]; ok {
		notes = append(notes, fmt.Sprintf("**Content floor %s**: under 2026.1 the content scores of the shared pages sat together near the top (middle half from 87.7 to 95.4), which ranks pages by noise. "+
			"When set, the weighted mean of a page's content check scores ranged from about 75 to 100 (median 91); the floor, a round number a little below the lowest mean seen, scores a mean of %s as 0 and 100 as 100, so the same order of pages uses the scale. "+
			"The judged tests assert the result: the middle half of page content scores spans at least %s points, and the scores agree with the reader's ranking (Spearman at least %s) without following the words read (at most %s either way).",
			num(f), num(f), num(contentSpreadFloor), num(readerRankingFloor), num(wordsCorrelationMax)))
	}
	notes = append(notes, "**Check weights in the content category**: the golden rules of the standard (text broken up by headings, short paragraphs, speaking to the reader) weigh 4, links 1 or 2, the grammar and presentation details of section 1 (capitals, dates, numbers, punctuation) 0.5: the standard puts the golden rules first, and so did the reader who ranked pages. "+
		"The bounds and weights were set on the shared pages the tests measure, so the figures here are in sample; the engine is also measured on council pages nobody tuned it to.")
	return notes
}
