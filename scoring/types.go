// Package scoring turns fetched pages and site facts into findings and
// scores. It is pure: parsed page in, findings and scores out, no I/O.
package scoring

import "time"

// Categories of checks, as in the checks catalogue.
const (
	CatContent       = "content"
	CatAccessibility = "accessibility"
	CatReadability   = "readability"
	CatTechnical     = "technical"
	CatStatement     = "statement"
	CatFindability   = "findability"
)

// Severity of a finding.
const (
	SevInfo    = "info"
	SevWarning = "warning"
	SevError   = "error"
)

// Level says whether a check judges one page or a whole site.
const (
	LevelPage = "page"
	LevelSite = "site"
)

// Check describes one check of the catalogue.
type Check struct {
	ID          string // stable id from the checks catalogue, e.g. "lgd-title-length"
	Category    string
	Level       string
	Description string // one line a web editor understands
	RuleURL     string // link to the rule text (section of the standard or WCAG criterion)
	RuleRef     string // short reference, e.g. "LGD 1.13" or "WCAG 2.4.4"
	Measure     string // how its statistics become a score: MeasurePassFail, MeasurePerWords or MeasurePerPage
}

// How a check's statistics become its score (see Method.CheckScore).
const (
	// MeasurePassFail: each page (or the site, a task, a link) passes or
	// fails; the score is the share of them failing, put on the check's
	// share bounds (a site judged once that fails scores 0).
	MeasurePassFail = "pass/fail"
	// MeasurePerWords: findings per 100 words of main content read, put
	// on the check's rate bounds, so long pages are not punished for their
	// length and short ones are not rewarded.
	MeasurePerWords = "per 100 words"
	// MeasurePerPage: the share of pages affected and the findings per page
	// (elements of the page: images, links, form fields), mixed by the
	// check's share weight.
	MeasurePerPage = "per page"
)

// Finding is one problem found, with the evidence a council needs to fix it.
type Finding struct {
	CheckID  string
	Category string
	Severity string
	URL      string // page the finding is on (home page URL for site checks)
	Selector string // CSS selector of the element, when there is one
	Snippet  string // trimmed text or HTML snippet (plain text; escaping is the renderer's job)
	Matched  []string
	Message  string // one line, specific to this finding
	Task     string // top task id for findability findings, else ""
}

// PageInput is one fetched page as scoring needs it.
type PageInput struct {
	Council      string
	URL          string
	FinalURL     string
	Depth        int
	Status       int
	ContentType  string
	IsHTML       bool
	Body         []byte // UTF-8 HTML
	Bytes        int64
	RedirectHops int
	TTFB         time.Duration
	Total        time.Duration
	ErrorClass   string
}

// CheckStat is the per-site aggregate of one check: what the scores are
// computed from, and what is stored so a crawl can be re-scored under a new
// method without fetching again.
type CheckStat struct {
	CheckID       string
	Category      string
	PagesTotal    int // pages (or tasks, for per-task site checks) the check applied to
	PagesAffected int // pages (or tasks) with at least one finding
	Findings      int // total findings
	// Words is the number of words of main content read on the pages the
	// check applied to (the denominator of MeasurePerWords checks). A
	// statistic stored before method 2026.2 has none: such a check cannot
	// be scored under 2026.2 (see Method.Unscorable).
	Words int
}

// Score is one score (0 to 100) of a site: per check, per category, or
// overall (Category "overall", CheckID "").
type Score struct {
	Category      string
	CheckID       string
	Score         float64
	MethodVersion string
}
