package scoring

import (
	"fmt"
	"strconv"
)

// Short names of the checks, for the places that list many checks. The
// catalogue's descriptions quote the very mistakes they look for ("the
// Council", "Tel:"), so a page listing every description would fail its own
// content checks; the full description is shown on each check's own page.
// Figures in a name come from the method's thresholds.

// CheckLabel is a check's short name under the method, or its description
// when it has none.
func (m Method) CheckLabel(c Check) string {
	switch c.ID {
	case "task-reachable":
		return "Top tasks within " + smallNumber(m.Thresholds.TaskMaxDepth) + " clicks"
	}
	if l, ok := checkLabels[c.ID]; ok {
		return l
	}
	return c.Description
}

// TaskCheckLabel names a per-task findability check as a heading over one
// task's verdicts ("Within 3 clicks"); other checks are named by their id.
func (m Method) TaskCheckLabel(checkID string) string {
	switch checkID {
	case "task-home-link":
		return "Linked from the home page"
	case "task-reachable":
		return fmt.Sprintf("Within %d clicks", m.Thresholds.TaskMaxDepth)
	case "task-site-search":
		return "Found by site search"
	case "task-a-to-z":
		return "In the A to Z"
	}
	return checkID
}

// smallNumber writes 0 to 10 as a word (Content Standard: "write three"),
// larger numbers as digits.
func smallNumber(n int) string {
	words := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
	if n >= 0 && n < len(words) {
		return words[n]
	}
	return strconv.Itoa(n)
}

var checkLabels = map[string]string{
	"lgd-title-length":               "Page title length",
	"lgd-title-etc":                  "Vague words in page titles",
	"lgd-title-special-chars":        "Special characters in page titles",
	"lgd-title-unique":               "Unique page titles",
	"lgd-meta-description":           "Meta descriptions",
	"lgd-click-here":                 "Link text that makes sense on its own",
	"lgd-repeated-link":              "Links repeated in the body text",
	"lgd-email-link":                 "Email addresses written as links",
	"lgd-telephone-label":            "Telephone number labels",
	"lgd-ampersand":                  "Ampersands in body text",
	"lgd-block-capitals":             "Block capitals",
	"lgd-council-capital":            "Capital letter for the word council",
	"lgd-council-plural":             "The council as a single body",
	"lgd-abbreviation-stops":         "Full stops in abbreviations",
	"lgd-form-codes":                 "Forms named by their code",
	"lgd-time-format":                "Times of day",
	"lgd-date-ordinals":              "Dates without ordinals",
	"lgd-year-range":                 "Financial and school years",
	"lgd-number-range-dash":          "Number ranges",
	"lgd-money-format":               "Sums of money",
	"lgd-small-numbers":              "Small numbers written as words",
	"lgd-italics-underline":          "Italics and underlining",
	"lgd-bold-overuse":               "Too much bold text",
	"lgd-text-blocks":                "Long paragraphs",
	"lgd-e-prefix":                   "The e prefix",
	"lgd-compass-caps":               "Compass directions",
	"lgd-link-text":                  "Links named by a file or a web address",
	"lgd-links-in-text":              "Links placed in the text",
	"lgd-you-and-us":                 "Writing to the reader as you",
	"lgd-needless-capitals":          "Capital letters only where needed",
	"lgd-acronyms":                   "Acronyms spelled out on first use",
	"lgd-date-format":                "Dates written in full",
	"lgd-number-words":               "Numbers of 11 and over in figures",
	"lgd-percent":                    "Per cent in text",
	"lgd-bullet-and":                 "Bullets that end in and or or",
	"lgd-bullet-stop":                "Full stops after bullets",
	"lgd-bold-heading":               "Bold text used as a heading",
	"lgd-headings":                   "Headings that break up long text",
	"lgd-heading-length":             "Short headings",
	"a11y-duplicate-id-unreferenced": "Identifiers used twice but not referred to",
	"tech-soft-404":                  "Error pages that answer as found",
	"a11y-document-title":            "Page has a title",
	"a11y-html-lang":                 "Language of the page",
	"a11y-image-alt":                 "Text alternatives for images",
	"a11y-link-name":                 "Links a screen reader can announce",
	"a11y-button-name":               "Buttons a screen reader can announce",
	"a11y-label":                     "Labels for form fields",
	"a11y-duplicate-id":              "Unique element identifiers",
	"a11y-heading-order":             "Heading structure",
	"a11y-empty-heading":             "Empty headings",
	"a11y-skip-link":                 "Skip to main content link",
	"a11y-meta-viewport":             "Zoom and mobile viewport",
	"a11y-meta-refresh":              "Pages that refresh themselves",
	"a11y-tabindex":                  "Keyboard order",
	"a11y-new-window":                "Links that open a new window",
	"a11y-table-headers":             "Table header cells",
	"a11y-landmarks":                 "Main landmark",
	"a11y-pdf-links":                 "Links to PDF and Office documents",
	"read-flesch":                    "Reading age",
	"read-long-sentences":            "Long sentences",
	"read-words-to-avoid":            "Words to avoid",
	"read-passive":                   "Passive voice",
	"tech-https":                     "Secure connection (HTTPS)",
	"tech-status":                    "Pages that answer with an error",
	"tech-broken-links":              "Broken links",
	"tech-response-time":             "Response time",
	"tech-page-weight":               "Page weight",
	"tech-robots-sitemap":            "Robots file and sitemap",
	"tech-404-page":                  "Page not found handling",
	"tech-mixed-content":             "Insecure content on secure pages",
	"stmt-present":                   "Accessibility statement published",
	"stmt-compliance":                "Statement says how compliant the site is",
	"stmt-contact":                   "Statement says how to report a problem",
	"stmt-enforcement":               "Statement names the enforcement procedure",
	"stmt-reviewed":                  "Statement reviewed in the last year",
	"task-home-link":                 "Top tasks linked from the home page",
	"task-site-search":               "Top tasks found by site search",
	"task-a-to-z":                    "Top tasks in the A to Z",
}
