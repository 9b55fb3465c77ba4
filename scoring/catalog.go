package scoring

// Rule texts. The LocalGov Digital Content Standard is cited by section
// ("LGD 1.4"); its published home is LGDStandardURL.
const (
	// LGDStandardURL is the standard's published source, which keeps its
	// section headings as anchors (localgovdigital.info no longer serves it).
	LGDStandardURL  = "https://github.com/LocalGovDigital/content-standards/blob/HEAD/markdown/LocalGovDigital_ContentStandards.md"
	wcagURL         = "https://www.w3.org/WAI/WCAG22/Understanding/"
	govukStyleURL   = "https://www.gov.uk/guidance/style-guide/a-to-z"
	govukWritingURL = "https://www.gov.uk/guidance/content-design/writing-for-gov-uk"
	psbarURL        = "https://www.legislation.gov.uk/uksi/2018/952/regulation/8"
	betterConnURL   = "https://betterconnected.socitm.net/"
)

// checkDef is a check with the function that runs it.
type checkDef struct {
	Check
	// addition says why a check that is not in the checks catalogue
	// (../shared/reference/checks.md) is run: a project addition (issue 10).
	addition string
	english  bool                                  // judges English text: skipped for Welsh/Gaelic
	page     func(e *Engine, p *page, em *emitter) // page-level
	site     func(s *siteEval)                     // site-level
}

// lgd links a section of the standard: its heading's anchor in the source.
func lgd(sec string) string {
	if a, ok := lgdAnchors[sec]; ok {
		sec = a
	}
	return LGDStandardURL + "#" + sec
}

// lgdAnchors maps the checks' names of sections to the headings of the
// standard's source where they differ.
var lgdAnchors = map[string]string{
	"links":            "links-and-email-addresses",
	"meta-description": "meta-description-points",
	"abbreviations":    "abbreviations-and-jargon",
}

// passFailChecks are the page-level checks that judge a page once, as a
// whole: the page passes or fails.
var passFailChecks = map[string]bool{
	"lgd-title-length": true, "lgd-title-etc": true, "lgd-title-special-chars": true, "lgd-meta-description": true,
	"lgd-bold-overuse": true, "a11y-document-title": true, "a11y-html-lang": true,
	"a11y-meta-viewport": true, "a11y-meta-refresh": true, "a11y-landmarks": true, "a11y-skip-link": true,
	"tech-status": true, "tech-soft-404": true, "tech-response-time": true, "tech-page-weight": true,
}

// perPageChecks are the page-level checks that count elements of the page
// (images, links, fields, files): they are scored on pages affected and
// findings per page. The other page-level checks read the text and are
// counted per 100 words read.
var perPageChecks = map[string]bool{
	"a11y-image-alt": true, "a11y-link-name": true, "a11y-button-name": true, "a11y-label": true, "a11y-duplicate-id": true,
	"a11y-duplicate-id-unreferenced": true, "a11y-heading-order": true, "a11y-empty-heading": true, "a11y-tabindex": true,
	"a11y-new-window": true, "a11y-table-headers": true, "a11y-pdf-links": true, "tech-mixed-content": true,
	"lgd-you-and-us": true, // one finding per page, counted in tenths short of its target
	"read-flesch":    true, // one finding per page, counted once per year of reading age above the target
}

// measureOf says how a check is scored: site checks (judged once, or once
// per task or link) and page checks that judge the page as a whole pass or
// fail; element counts are per page; text checks are per 100 words.
func measureOf(d checkDef) string {
	switch {
	case d.Level == LevelSite || passFailChecks[d.ID]:
		return MeasurePassFail
	case perPageChecks[d.ID]:
		return MeasurePerPage
	}
	return MeasurePerWords
}

// checkDefs is the table of all checks, in catalogue order.
func checkDefs() []checkDef {
	defs := checkTable()
	for i := range defs {
		defs[i].Measure = measureOf(defs[i])
	}
	return defs
}

func checkTable() []checkDef {
	c := func(id, cat, level, ref, url, desc string) Check {
		return Check{ID: id, Category: cat, Level: level, Description: desc, RuleURL: url, RuleRef: ref}
	}
	P, S := LevelPage, LevelSite
	return []checkDef{
		// content
		{Check: c("lgd-title-length", CatContent, P, "LGD 1.13", lgd("page-titles"), "Page title is missing, longer than 8 words or longer than 65 characters"), page: chkTitleLength},
		{Check: c("lgd-title-etc", CatContent, P, "LGD golden rule 4", lgd("golden-rules"), "Page title contains \"etc\": be precise, nobody searches for etc"), page: chkTitleEtc, english: true},
		{Check: c("lgd-title-special-chars", CatContent, P, "LGD 1.5", lgd("ampersands"), "Page title contains & or other special characters"), page: chkTitleSpecial},
		{Check: c("lgd-title-unique", CatContent, S, "GOV.UK", govukWritingURL, "Several different pages share the same title"), site: siteTitleUnique},
		{Check: c("lgd-meta-description", CatContent, P, "LGD 1.13", lgd("meta-description"), "Meta description is missing, repeats the title, is over 160 characters or has full stops"), page: chkMetaDesc},
		{Check: c("lgd-click-here", CatContent, P, "LGD 1.4; WCAG 2.4.4", lgd("links"), "Link text says nothing on its own (\"click here\", \"read more\")"), page: chkClickHere, english: true},
		{Check: c("lgd-link-text", CatContent, P, "LGD 1.4", lgd("links"), "Link text is a raw web address or a bare file name: LGD 1.4 \"describe what you're linking to\""), page: chkLinkText,
			addition: "issue 10 §4: links named by a web address or a file name say nothing on their own; lgd-click-here keeps the fixed phrases"},
		{Check: c("lgd-links-in-text", CatContent, P, "LGD 1.4", lgd("links"), "Text sends the reader to a link elsewhere (\"the above link\", \"the link on the right\"): LGD 1.4 \"Links to other pages should always be in the text\""), page: chkLinksInText, english: true,
			addition: "issue 10 §4 (a reader's listed misses): LGD 1.4 asks for links in the text"},
		{Check: c("lgd-repeated-link", CatContent, P, "LGD 1.4", lgd("links"), "The same phrase linked to the same place more than once in the body text: LGD 1.4 \"Once you've linked a document, page or resource once using a phrase in the text, don't repeat this\""), page: chkRepeatedLink},
		{Check: c("lgd-email-link", CatContent, P, "LGD 1.4", lgd("links"), "Email address not written in full, in lower case, as a link whose text is the address"), page: chkEmailLink},
		{Check: c("lgd-telephone-label", CatContent, P, "LGD 1.4", lgd("telephone-numbers"), "\"Tel:\" or \"Mob:\" used instead of \"Telephone:\" or \"Mobile:\""), page: chkTelephone, english: true},
		{Check: c("lgd-ampersand", CatContent, P, "LGD 1.5", lgd("ampersands"), "Ampersand (&) used in body text instead of \"and\""), page: chkAmpersand, english: true},
		{Check: c("lgd-block-capitals", CatContent, P, "LGD 1.6", lgd("capital-letters"), "Three or more words in a row in block capitals"), page: chkBlockCaps, english: true},
		{Check: c("lgd-council-capital", CatContent, P, "LGD 1.6", lgd("capital-letters"), "\"the Council\" capitalised when it is not the formal name"), page: chkCouncilCapital, english: true},
		{Check: c("lgd-council-plural", CatContent, P, "LGD 1.1", lgd("you-and-us"), "The council treated as plural (\"the council are\")"), page: chkCouncilPlural, english: true},
		{Check: c("lgd-you-and-us", CatContent, P, "LGD 1.1", lgd("you-and-us"), "Fewer than one sentence in five speaks to the reader as \"you\" or for the council as \"we\": LGD 1.1 \"refer to your service, organisation, or the council in general, as 'we' and 'us'. Refer to the readers as 'you'\" (counted in tenths short of that)"), page: chkYouAndUs, english: true,
			addition: "issue 10 §5: LGD 1.1's first rule, which the reader's ranking valued most and no check judged; a page-level finding counted in tenths of the way short of one in five"},
		{Check: c("lgd-needless-capitals", CatContent, P, "LGD 1.6", lgd("capital-letters"), "Common nouns capitalised mid-sentence (\"all Local Planning Authorities\"): LGD 1.6 \"Keep everything in lower case unless it's a proper noun\""), page: chkNeedlessCapitals, english: true,
			addition: "issue 10 §4 (a reader's listed misses): LGD 1.6 capital letters, for the local government terms most often capitalised"},
		{Check: c("lgd-abbreviation-stops", CatContent, P, "LGD 1.2, 1.9", lgd("abbreviations"), "Full stops in abbreviations (B.B.C., e.g., i.e.)"), page: chkAbbrevStops, english: true},
		{Check: c("lgd-acronyms", CatContent, P, "LGD 1.2", lgd("abbreviations"), "Acronym not spelled out on the page: LGD 1.2 \"always spell out acronyms or abbreviations in full the first time you use them\" (advisory: candidates for the editor)"), page: chkAcronyms, english: true,
			addition: "issue 10 §4: acronyms not spelled out on first use, advisory (whether an acronym is well known needs a person)"},
		{Check: c("lgd-form-codes", CatContent, P, "LGD 1.2", lgd("abbreviations"), "Form named by its code (\"Form 21B\") instead of a friendly name"), page: chkFormCodes, english: true},
		{Check: c("lgd-time-format", CatContent, P, "LGD 1.7", lgd("dates-and-times"), "Time written as 24-hour (\"1730hrs\", \"17:30\") or as a dashed range (\"10-11am\")"), page: chkTimeFormat, english: true},
		{Check: c("lgd-date-ordinals", CatContent, P, "LGD 1.7", lgd("dates-and-times"), "Dates written with st, nd, rd or th (\"1st June\")"), page: chkDateOrdinals, english: true},
		{Check: c("lgd-date-format", CatContent, P, "LGD 1.7", lgd("dates-and-times"), "Dates as numbers (\"23/05/2018\"), in American order (\"March 21, 2019\") or ranges with a dash (\"April 2017 - March 2018\"): LGD 1.7 \"Use the following formatting: ... 10 November to 21 December\""), page: chkDateFormat, english: true,
			addition: "issue 10 §4: dates in the wrong form; lgd-date-ordinals keeps its meaning (st, nd, rd, th)"},
		{Check: c("lgd-year-range", CatContent, P, "LGD 1.7", lgd("dates-and-times"), "Financial years written \"2012-13\" instead of 2012/13 or \"2012 to 2013\""), page: chkYearRange, english: true},
		{Check: c("lgd-number-range-dash", CatContent, P, "LGD 1.11", lgd("numbers"), "Number range with a dash (\"200-400\") instead of \"200 to 400\""), page: chkNumberRange, english: true},
		{Check: c("lgd-money-format", CatContent, P, "LGD 1.11", lgd("money"), "Money written with needless pence (\"£75.00\") or as fractions of millions (\"£0.7million\")"), page: chkMoney, english: true},
		{Check: c("lgd-small-numbers", CatContent, P, "LGD 1.11", lgd("numbers"), "Numbers up to ten written as digits in prose (write \"three\")"), page: chkSmallNumbers, english: true},
		{Check: c("lgd-number-words", CatContent, P, "LGD 1.11", lgd("numbers"), "Numbers of 11 and over written in words (\"fifteen years\"): LGD 1.11 \"11 and over are given in figures unless they start a sentence\""), page: chkNumberWords, english: true,
			addition: "issue 10 §4 (a reader's listed misses): the other half of LGD 1.11's rule on numbers"},
		{Check: c("lgd-percent", CatContent, P, "LGD 1.11", lgd("numbers"), "% in running text: LGD 1.11 \"Percent should be written in full in the text: in graphs and tables use %\""), page: chkPercent, english: true,
			addition: "issue 10 §4 (a reader's listed misses): table cells and captions are left out, as the rule allows % there"},
		{Check: c("lgd-italics-underline", CatContent, P, "LGD general advice", lgd("golden-rules"), "Italics or underlining used in body text"), page: chkItalics},
		{Check: c("lgd-bold-overuse", CatContent, P, "LGD general advice", lgd("golden-rules"), "Too much bold text in the body"), page: chkBold},
		{Check: c("lgd-text-blocks", CatContent, P, "LGD golden rule 2", lgd("golden-rules"), "Paragraph over 100 words: break it up"), page: chkTextBlocks},
		{Check: c("lgd-bullet-and", CatContent, P, "LGD 1.3", lgd("bullet-points"), "Bullet ending in \"and\" or \"or\": LGD 1.3 \"Don't put 'or', 'and' after the bullets\""), page: chkBulletAnd, english: true,
			addition: "issue 10 §4: bullets ending in \"and\" or \"or\""},
		{Check: c("lgd-bullet-stop", CatContent, P, "LGD 1.3", lgd("bullet-points"), "Bullets ending with a full stop (one finding per list): LGD 1.3 \"Don't end bullets with a full-stop\""), page: chkBulletStop,
			addition: "issue 10 §4 (a reader's listed misses): the same section of the standard as lgd-bullet-and"},
		{Check: c("lgd-bold-heading", CatContent, P, "LGD golden rule 3", lgd("golden-rules"), "Bold paragraph used as a heading: LGD \"use the correct HTML headings rather than bold text\""), page: chkBoldHeading,
			addition: "issue 10 §4: bold paragraphs standing in for headings"},
		{Check: c("lgd-headings", CatContent, P, "LGD golden rule 3", lgd("golden-rules"), "More than 300 words of main text with no heading: LGD \"Are headings used appropriately to break content up into identifiable sections?\" (counted once per 300 words; bold text set as a heading breaks the text too, and is counted by lgd-bold-heading)"), page: chkHeadings,
			addition: "issue 10 §5: the golden rule on headings, which the reader's ranking valued and no check judged"},
		{Check: c("lgd-heading-length", CatContent, P, "LGD golden rule 3", lgd("golden-rules"), "Heading of more than 12 words (a paragraph set as a heading): LGD \"Headings provide a means for customers to quickly scan a page\""), page: chkHeadingLength,
			addition: "issue 10 §4: headings that are paragraphs"},
		{Check: c("lgd-e-prefix", CatContent, P, "LGD 1.8", lgd("e-as-a-prefix"), "\"e\" prefix written \"eBusiness\" or \"E-mail\" instead of \"e-business\", \"email\""), page: chkEPrefix, english: true},
		{Check: c("lgd-compass-caps", CatContent, P, "LGD 1.10", lgd("geography-and-regions"), "Compass directions capitalised outside names (\"the North\")"), page: chkCompass, english: true},

		// accessibility
		{Check: c("a11y-document-title", CatAccessibility, P, "WCAG 2.4.2", wcagURL+"page-titled", "Page has no title, or an empty one"), page: chkDocTitle},
		{Check: c("a11y-html-lang", CatAccessibility, P, "WCAG 3.1.1", wcagURL+"language-of-page", "Page does not declare a valid language (<html lang>)"), page: chkHTMLLang},
		{Check: c("a11y-image-alt", CatAccessibility, P, "WCAG 1.1.1", wcagURL+"non-text-content", "Image without alternative text (alt)"), page: chkImageAlt},
		{Check: c("a11y-link-name", CatAccessibility, P, "WCAG 2.4.4, 4.1.2", wcagURL+"link-purpose-in-context", "Link with no text a screen reader can announce"), page: chkLinkName},
		{Check: c("a11y-button-name", CatAccessibility, P, "WCAG 4.1.2", wcagURL+"name-role-value", "Button with no text a screen reader can announce"), page: chkButtonName},
		{Check: c("a11y-label", CatAccessibility, P, "WCAG 1.3.1, 4.1.2", wcagURL+"info-and-relationships", "Form field with no label"), page: chkLabel},
		{Check: c("a11y-duplicate-id", CatAccessibility, P, "WCAG 4.1.2", wcagURL+"name-role-value", "The same id used on several elements and referenced by a label, an ARIA attribute or an in-page link, which may reach the wrong one"), page: chkDuplicateID},
		{Check: c("a11y-duplicate-id-unreferenced", CatAccessibility, P, "WCAG 2.2 (4.1.1 removed)", wcagURL+"parsing", "The same id used on several elements that nothing refers to: no one is affected today (advisory)"), page: chkDuplicateIDUnreferenced,
			addition: "split from a11y-duplicate-id (issue 10 §3): WCAG 2.2 removed 4.1.1 Parsing, so only ids something refers to fail; the rest are shown as advice, with no weight"},
		{Check: c("a11y-heading-order", CatAccessibility, P, "WCAG 1.3.1", wcagURL+"info-and-relationships", "Heading levels skipped, no main heading (h1) or several"), page: chkHeadingOrder},
		{Check: c("a11y-empty-heading", CatAccessibility, P, "WCAG 2.4.6", wcagURL+"headings-and-labels", "Heading with no text"), page: chkEmptyHeading},
		{Check: c("a11y-skip-link", CatAccessibility, P, "WCAG 2.4.1", wcagURL+"bypass-blocks", "No early \"skip to main content\" link, and no main landmark to skip to (either meets WCAG 2.4.1: techniques G1, ARIA11)"), page: chkSkipLink},
		{Check: c("a11y-meta-viewport", CatAccessibility, P, "WCAG 1.4.4", wcagURL+"resize-text", "No mobile viewport, or zooming disabled"), page: chkViewport},
		{Check: c("a11y-meta-refresh", CatAccessibility, P, "WCAG 2.2.1", wcagURL+"timing-adjustable", "Page refreshes or redirects itself after a delay"), page: chkRefresh},
		{Check: c("a11y-tabindex", CatAccessibility, P, "WCAG 2.4.3", wcagURL+"focus-order", "Positive tabindex changes the keyboard order"), page: chkTabindex},
		{Check: c("a11y-new-window", CatAccessibility, P, "WCAG 3.2.5", wcagURL+"change-on-request", "Link opens a new window without saying so"), page: chkNewWindow},
		{Check: c("a11y-table-headers", CatAccessibility, P, "WCAG 1.3.1", wcagURL+"info-and-relationships", "Data table whose header row or column is not marked up as headers (th): WCAG 1.3.1 failure F91"), page: chkTableHeaders},
		{Check: c("a11y-landmarks", CatAccessibility, P, "WCAG 1.3.1", wcagURL+"info-and-relationships", "No main landmark (<main>)"), page: chkLandmarks},
		{Check: c("a11y-pdf-links", CatAccessibility, P, "GDS; Better Connected", "https://www.gov.uk/guidance/publishing-accessible-documents", "Form published as a PDF or Office document (counts double), or link to a document that does not say its file type and size (GOV.UK publishing accessible documents)"), page: chkPDFLinks},

		// readability
		{Check: c("read-flesch", CatReadability, P, "GOV.UK; Flesch", govukWritingURL, "Reading age of the main text above 11 (Flesch reading ease)"), page: chkFlesch, english: true},
		{Check: c("read-long-sentences", CatReadability, P, "GOV.UK", govukWritingURL, "Sentence over 25 words"), page: chkLongSentences, english: true},
		{Check: c("read-words-to-avoid", CatReadability, P, "GOV.UK style guide", govukStyleURL+"#words-to-avoid", "Word from the GOV.UK \"words to avoid\" list"), page: chkWordsToAvoid, english: true},
		{Check: c("read-passive", CatReadability, P, "GOV.UK", govukWritingURL, "Passive voice (candidate: \"is provided\", \"was decided\")"), page: chkPassive, english: true},

		// technical
		{Check: c("tech-https", CatTechnical, S, "Sitemorse", "https://www.ncsc.gov.uk/blog-post/serve-websites-over-https-always", "Home page not on HTTPS, or HTTP not redirected to HTTPS"), site: siteHTTPS},
		{Check: c("tech-status", CatTechnical, P, "Sitemorse", "https://developer.mozilla.org/en-US/docs/Web/HTTP/Status", "Page answers with an error (4xx/5xx) or a chain of over 2 redirects"), page: chkStatus},
		{Check: c("tech-soft-404", CatTechnical, P, "HTTP; Google Search Central", "https://developers.google.com/search/docs/crawling-indexing/http-network-errors#soft-404-errors", "Page says it is not found or an error (\"Page not found\", \"404\", \"Server error\") but answers 200: a soft 404"), page: chkSoft404,
			addition: "issue 10 §2: a soft 404 is a technical finding; tech-status only sees the status code, and its id keeps that meaning"},
		{Check: c("tech-broken-links", CatTechnical, S, "Sitemorse; Silktide", "https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/404", "Links that lead to an error page"), site: siteBrokenLinks},
		{Check: c("tech-response-time", CatTechnical, P, "Sitemorse", "https://web.dev/articles/ttfb", "Page slow to start (time to first byte) or to download"), page: chkResponseTime},
		{Check: c("tech-page-weight", CatTechnical, P, "sitespeed.io", "https://www.sitespeed.io/documentation/", "Heavy page: large HTML or many images, scripts and styles"), page: chkPageWeight},
		{Check: c("tech-robots-sitemap", CatTechnical, S, "robots.txt; sitemaps.org", "https://www.sitemaps.org/protocol.html", "robots.txt or XML sitemap missing or unreadable"), site: siteRobots},
		{Check: c("tech-404-page", CatTechnical, S, "HTTP", "https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/404", "A missing page does not answer 404, or offers no search or navigation"), site: site404},
		{Check: c("tech-mixed-content", CatTechnical, P, "WCAG none; browsers", "https://developer.mozilla.org/en-US/docs/Web/Security/Mixed_content", "Secure page loads images, scripts or styles over plain http://"), page: chkMixed},

		// statement
		{Check: c("stmt-present", CatStatement, S, "PSBAR 2018 reg. 8", psbarURL, "No accessibility statement found, linked from the home page or footer"), site: siteStmtPresent},
		{Check: c("stmt-compliance", CatStatement, S, "PSBAR 2018 reg. 8", psbarURL, "Accessibility statement does not say whether the site is fully, partially or not compliant"), site: siteStmtCompliance},
		{Check: c("stmt-contact", CatStatement, S, "PSBAR 2018 reg. 8", psbarURL, "Accessibility statement gives no way to report a problem"), site: siteStmtContact},
		{Check: c("stmt-enforcement", CatStatement, S, "PSBAR 2018 reg. 8", psbarURL, "Accessibility statement does not name the enforcement procedure (EHRC or ECNI)"), site: siteStmtEnforcement},
		{Check: c("stmt-reviewed", CatStatement, S, "PSBAR 2018 reg. 8", psbarURL, "Accessibility statement not prepared or reviewed in the last 12 months"), site: siteStmtReviewed},

		// findability
		{Check: c("task-home-link", CatFindability, S, "Better Connected", betterConnURL, "Home page has no link to the task in the words residents use"), site: siteTaskHome},
		{Check: c("task-reachable", CatFindability, S, "Better Connected", betterConnURL, "No page about the task within 3 clicks of the home page"), site: siteTaskReachable},
		{Check: c("task-site-search", CatFindability, S, "Better Connected", betterConnURL, "The site's own search does not list the task's page in its top 5"), site: siteTaskSearch},
		{Check: c("task-a-to-z", CatFindability, S, "Better Connected", betterConnURL, "The A to Z does not list the task"), site: siteTaskAToZ},
	}
}

// ProjectAdditions are the checks councildash runs beyond the checks
// catalogue (../shared/reference/checks.md), with why: check id -> reason.
func ProjectAdditions() map[string]string {
	out := map[string]string{}
	for _, d := range checkDefs() {
		if d.addition != "" {
			out[d.ID] = d.addition
		}
	}
	return out
}

// Catalog returns every check, in a stable order.
func Catalog() []Check {
	defs := checkDefs()
	out := make([]Check, len(defs))
	for i, d := range defs {
		out[i] = d.Check
	}
	return out
}

// Categories returns the categories in display order.
func Categories() []string {
	return []string{CatContent, CatAccessibility, CatReadability, CatTechnical, CatStatement, CatFindability}
}

// Task is one of the top tasks residents come to a council website for, with
// the words they use for it.
type Task struct {
	ID    string
	Name  string
	Words []string
}

// Tasks returns the 16 top tasks (Council Usability Dashboard list).
func Tasks() []Task {
	return []Task{
		{"pay-council-tax", "Pay council tax", []string{"council tax", "pay council tax"}},
		{"bin-collection-day", "Find bin collection day", []string{"bins", "bin collection", "bin day", "rubbish", "recycling", "waste collection", "collection day"}},
		{"report-missed-bin", "Report a missed bin", []string{"missed bin", "missed bins", "missed collection", "missed collections"}},
		{"apply-blue-badge", "Apply for a blue badge", []string{"blue badge", "blue badges", "disabled parking"}},
		{"report-street-light", "Report a street light", []string{"street light", "street lights", "streetlight", "street lighting", "lamp post"}},
		{"book-bulky-waste", "Book bulky waste", []string{"bulky waste", "bulky items", "bulky item", "bulky collection", "large items"}},
		{"apply-housing-benefit", "Apply for housing benefit", []string{"housing benefit", "benefits", "benefit"}},
		{"find-recycling-centre", "Find a recycling centre (tip)", []string{"recycling centre", "recycling centres", "tip", "tips", "household waste recycling", "hwrc", "dump"}},
		{"find-councillor", "Find my councillor", []string{"councillor", "councillors", "find my councillor", "your councillor"}},
		{"register-death", "Register a death", []string{"register a death", "death", "deaths", "bereavement"}},
		{"foi-request", "Make a freedom of information request", []string{"freedom of information", "foi", "information request"}},
		{"report-housing-repair", "Report a housing repair", []string{"housing repair", "housing repairs", "repair", "repairs"}},
		{"register-to-vote", "Register to vote", []string{"register to vote", "electoral register", "electoral registration", "voting", "elections"}},
		{"report-child-concern", "Report concern about a child", []string{"concern about a child", "worried about a child", "child protection", "safeguarding children", "safeguarding"}},
		{"pay-parking-fine", "Pay a parking fine", []string{"parking fine", "parking fines", "penalty charge", "pcn", "parking ticket"}},
		{"school-term-dates", "School term dates", []string{"term dates", "school term", "school holidays", "term times"}},
	}
}
