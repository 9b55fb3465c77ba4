// Frozen copy of what the judged evaluation set measured on method 2026.1
// (precision_gen.go as regenerated at commit d68c794, before any rule of
// 2026.2 changed; the labels are the four readers' of commit 712a932), and
// the quartiles of the page content scores under 2026.1, measured the same
// way. docs/METHOD.md compares 2026.2 with it. Not generated: keep as is.

package scoring

// judgedEvaluation20261 is the judged evaluation of method 2026.1.
func judgedEvaluation20261() evaluation {
	return evaluation{
		Pages: 219,
		Drawn: 419,
		Checks: []checkPrecision{
			{CheckID: "lgd-title-length", Findings: 38, PagesAffected: 38, Drawn: 10, True: 8, False: 1, Debatable: 1},
			{CheckID: "lgd-title-special-chars", Findings: 8, PagesAffected: 8, Drawn: 8, True: 2, False: 6, Debatable: 0},
			{CheckID: "lgd-meta-description", Findings: 186, PagesAffected: 155, Drawn: 10, True: 10, False: 0, Debatable: 0},
			{CheckID: "lgd-click-here", Findings: 25, PagesAffected: 16, Drawn: 10, True: 7, False: 1, Debatable: 2},
			{CheckID: "lgd-repeated-link", Findings: 423, PagesAffected: 79, Drawn: 10, True: 0, False: 9, Debatable: 1},
			{CheckID: "lgd-email-link", Findings: 42, PagesAffected: 34, Drawn: 10, True: 7, False: 2, Debatable: 1},
			{CheckID: "lgd-telephone-label", Findings: 13, PagesAffected: 12, Drawn: 10, True: 9, False: 0, Debatable: 1},
			{CheckID: "lgd-ampersand", Findings: 148, PagesAffected: 35, Drawn: 10, True: 5, False: 1, Debatable: 4},
			{CheckID: "lgd-block-capitals", Findings: 27, PagesAffected: 4, Drawn: 10, True: 4, False: 6, Debatable: 0},
			{CheckID: "lgd-council-capital", Findings: 212, PagesAffected: 79, Drawn: 10, True: 10, False: 0, Debatable: 0},
			{CheckID: "lgd-council-plural", Findings: 13, PagesAffected: 11, Drawn: 10, True: 9, False: 1, Debatable: 0},
			{CheckID: "lgd-abbreviation-stops", Findings: 29, PagesAffected: 20, Drawn: 10, True: 10, False: 0, Debatable: 0},
			{CheckID: "lgd-form-codes", Findings: 3, PagesAffected: 2, Drawn: 3, True: 2, False: 1, Debatable: 0},
			{CheckID: "lgd-time-format", Findings: 21, PagesAffected: 8, Drawn: 10, True: 4, False: 4, Debatable: 2},
			{CheckID: "lgd-date-ordinals", Findings: 49, PagesAffected: 33, Drawn: 10, True: 9, False: 0, Debatable: 1},
			{CheckID: "lgd-year-range", Findings: 59, PagesAffected: 21, Drawn: 10, True: 4, False: 5, Debatable: 1},
			{CheckID: "lgd-number-range-dash", Findings: 15, PagesAffected: 7, Drawn: 10, True: 1, False: 9, Debatable: 0},
			{CheckID: "lgd-small-numbers", Findings: 127, PagesAffected: 83, Drawn: 10, True: 6, False: 4, Debatable: 0},
			{CheckID: "lgd-italics-underline", Findings: 123, PagesAffected: 29, Drawn: 10, True: 3, False: 6, Debatable: 1},
			{CheckID: "lgd-bold-overuse", Findings: 5, PagesAffected: 5, Drawn: 5, True: 3, False: 1, Debatable: 1},
			{CheckID: "lgd-text-blocks", Findings: 63, PagesAffected: 41, Drawn: 10, True: 4, False: 6, Debatable: 0},
			{CheckID: "lgd-e-prefix", Findings: 6, PagesAffected: 6, Drawn: 6, True: 4, False: 0, Debatable: 2},
			{CheckID: "lgd-compass-caps", Findings: 6, PagesAffected: 4, Drawn: 6, True: 5, False: 1, Debatable: 0},
			{CheckID: "a11y-document-title", Findings: 1, PagesAffected: 1, Drawn: 1, True: 1, False: 0, Debatable: 0},
			{CheckID: "a11y-html-lang", Findings: 16, PagesAffected: 16, Drawn: 10, True: 10, False: 0, Debatable: 0},
			{CheckID: "a11y-image-alt", Findings: 76, PagesAffected: 29, Drawn: 10, True: 9, False: 0, Debatable: 1},
			{CheckID: "a11y-link-name", Findings: 133, PagesAffected: 52, Drawn: 10, True: 10, False: 0, Debatable: 0},
			{CheckID: "a11y-button-name", Findings: 49, PagesAffected: 32, Drawn: 10, True: 4, False: 0, Debatable: 6},
			{CheckID: "a11y-label", Findings: 52, PagesAffected: 25, Drawn: 10, True: 9, False: 0, Debatable: 1},
			{CheckID: "a11y-duplicate-id", Findings: 95, PagesAffected: 34, Drawn: 10, True: 0, False: 8, Debatable: 2},
			{CheckID: "a11y-heading-order", Findings: 142, PagesAffected: 106, Drawn: 10, True: 2, False: 4, Debatable: 4},
			{CheckID: "a11y-empty-heading", Findings: 18, PagesAffected: 12, Drawn: 10, True: 7, False: 3, Debatable: 0},
			{CheckID: "a11y-skip-link", Findings: 61, PagesAffected: 61, Drawn: 10, True: 4, False: 2, Debatable: 4},
			{CheckID: "a11y-meta-viewport", Findings: 47, PagesAffected: 36, Drawn: 10, True: 7, False: 1, Debatable: 2},
			{CheckID: "a11y-tabindex", Findings: 117, PagesAffected: 26, Drawn: 10, True: 0, False: 3, Debatable: 7},
			{CheckID: "a11y-new-window", Findings: 2252, PagesAffected: 157, Drawn: 10, True: 8, False: 0, Debatable: 2},
			{CheckID: "a11y-table-headers", Findings: 28, PagesAffected: 18, Drawn: 10, True: 3, False: 7, Debatable: 0},
			{CheckID: "a11y-landmarks", Findings: 95, PagesAffected: 95, Drawn: 10, True: 3, False: 0, Debatable: 7},
			{CheckID: "a11y-pdf-links", Findings: 1618, PagesAffected: 120, Drawn: 10, True: 4, False: 5, Debatable: 1},
			{CheckID: "read-flesch", Findings: 187, PagesAffected: 187, Drawn: 10, True: 10, False: 0, Debatable: 0},
			{CheckID: "read-long-sentences", Findings: 892, PagesAffected: 175, Drawn: 10, True: 7, False: 1, Debatable: 2},
			{CheckID: "read-words-to-avoid", Findings: 67, PagesAffected: 40, Drawn: 10, True: 8, False: 0, Debatable: 2},
			{CheckID: "read-passive", Findings: 1725, PagesAffected: 194, Drawn: 10, True: 6, False: 3, Debatable: 1},
			{CheckID: "tech-page-weight", Findings: 14, PagesAffected: 14, Drawn: 10, True: 6, False: 4, Debatable: 0},
			{CheckID: "tech-mixed-content", Findings: 10, PagesAffected: 8, Drawn: 10, True: 9, False: 0, Debatable: 1},
		},
		Misses:  missFigures{Listed: 113, Found: 48, Proposed: 49},
		Ranking: rankingFigures{ReaderPages: 33, ReaderLeftOut: 0, ReaderRho: -0.058, WordsPages: 219, WordsLeftOut: 0, ContentWordsRho: -0.701, ReadabilityPages: 219, ReadabilityWordsRho: -0.763, ContentQ1: 87.7, ContentMedian: 92.2, ContentQ3: 95.4},
	}
}
