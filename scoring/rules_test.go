package scoring

import (
	"strings"
	"testing"
)

// Tests of the general rules of method 2026.2 (issue 10, sections 2 and 3),
// each on a small made-up page built the way council pages are built.

func TestShortAndErrorPagesNotScored(t *testing.T) {
	e := NewEngine(CurrentMethod())
	prose := strings.Repeat("You can find every site on the register and see what each one is for. ", 6)
	ok := testPage("", "<p>"+prose+"</p>")
	if r := e.ScorePage(ok); r.Unscored != "" || r.Summary.Unscored != "" {
		t.Errorf("a page of %d words is not scored: %q", r.Summary.Words, r.Unscored)
	}
	short := testPage("", "<p>Download the register.</p>")
	r := e.ScorePage(short)
	if !strings.Contains(r.Unscored, "words of main content") {
		t.Errorf("short page: unscored %q", r.Unscored)
	}
	if _, ok := r.Summary.Counts["lgd-ampersand"]; ok {
		t.Error("a short page was judged for content")
	}
	if _, ok := r.Summary.Counts["a11y-image-alt"]; !ok {
		t.Error("a short page was not judged for accessibility")
	}
	_, scores := e.ScoreSinglePage(short)
	for _, s := range scores {
		if s.Category == CatContent || s.Category == CatReadability {
			t.Errorf("short page scored for %s: %+v", s.Category, s)
		}
	}
	for _, title := range []string{"Page not found - Example Council", "404", "Sorry, we can't find that page", "Server error", "OOPS! Error 404"} {
		in := testPage("<title>"+title+"</title>", "<p>"+prose+"</p>")
		r := e.ScorePage(in)
		if !strings.Contains(r.Unscored, "soft 404") {
			t.Errorf("%q: unscored %q", title, r.Unscored)
		}
		if n := r.Summary.Counts["tech-soft-404"]; n != 1 {
			t.Errorf("%q: %d tech-soft-404 findings, want 1", title, n)
		}
	}
	for _, title := range []string{"404 bus timetable changes", "Report a missing bin", "Lost and found property"} {
		if r := e.ScorePage(testPage("<title>"+title+"</title>", "<p>"+prose+"</p>")); r.Unscored != "" || r.Summary.Counts["tech-soft-404"] != 0 {
			t.Errorf("%q taken for an error page: %q", title, r.Unscored)
		}
	}
	hard := testPage("", "<p>"+prose+"</p>")
	hard.Status = 404
	if r := e.ScorePage(hard); !strings.Contains(r.Unscored, "HTTP 404") || r.Summary.Counts["tech-soft-404"] != 0 {
		t.Errorf("HTTP 404: unscored %q, soft 404 %d", r.Unscored, r.Summary.Counts["tech-soft-404"])
	}
}

func TestSplitTitle(t *testing.T) {
	for _, c := range []struct{ title, host, own, site, rep string }{
		{"Brownfield land register | Brownfield land register | Harrogate Borough Council", "www.harrogate.gov.uk", "Brownfield land register | Brownfield land register", "Harrogate Borough Council", "Brownfield land register"},
		{"Brownfield register - Folkestone & Hythe District Council", "www.folkestone-hythe.gov.uk", "Brownfield register", "Folkestone & Hythe District Council", ""},
		{"Brownfield register information | Brownfield register | Nuneaton & Bedworth", "www.nuneatonandbedworth.gov.uk", "Brownfield register information | Brownfield register", "Nuneaton & Bedworth", ""},
		{"St Albans City & District Council - Brownfield register", "www.stalbans.gov.uk", "Brownfield register", "St Albans City & District Council", ""},
		{"Council tax | Anytown Council", "anytown.gov.uk", "Council tax", "Anytown Council", ""},
		{"Anytown Council: Council tax", "anytown.gov.uk", "Council tax", "Anytown Council", ""},
		{"Brownfield land register | London Borough of Hounslow", "www.hounslow.gov.uk", "Brownfield land register", "London Borough of Hounslow", ""},
		{"Southend-on-Sea Borough Council", "www.southend.gov.uk", "Southend-on-Sea Borough Council", "", ""},
		{"Roads and transport", "x.gov.uk", "Roads and transport", "", ""},
	} {
		tp := splitTitle(c.title, c.host, "")
		if tp.own != c.own || tp.site != c.site || tp.repeated != c.rep {
			t.Errorf("splitTitle(%q) = %+v, want own %q site %q repeated %q", c.title, tp, c.own, c.site, c.rep)
		}
	}
}

func TestTitleChecksJudgeTheOwnPart(t *testing.T) {
	e := checkEngine()
	for _, c := range []struct {
		id, title string
		want      int
	}{
		{"lgd-title-special-chars", "Brownfield register - Telford & Wrekin Council", 0},
		{"lgd-title-special-chars", "Evidence & supporting documents - Mid Sussex District Council", 1},
		{"lgd-title-length", "Brownfield Land Register - Vale of White Horse District Council", 0},
		{"lgd-title-length", "Bins | Bins | Example Council", 1},
		{"lgd-title-length", "How to apply for and obtain a licence for a firearm in this district - Example Council", 1},
	} {
		if n, r := countOf(t, e, testPage("<title>"+c.title+"</title>", ""), c.id); n != c.want {
			t.Errorf("%s on %q: %d, want %d: %+v", c.id, c.title, n, c.want, findingsOf(r, c.id))
		}
	}
}

func TestWrapperIsNotACookieBanner(t *testing.T) {
	e := checkEngine()
	body := `<!DOCTYPE html><html lang="en"><head><title>Bins</title></head><body><div id="page" class="with-sidebar with-cookiebanner">` +
		`<div class="cookie-banner"><p>We use cookies &amp; similar things.</p></div>` +
		`<h1>Bins</h1><p>Put bins out by 7am &amp; bring them in.</p></div></body></html>`
	n, r := countOf(t, e, PageInput{URL: "https://x.gov.uk/bins", Status: 200, IsHTML: true, Body: []byte(body)}, "lgd-ampersand")
	if n != 1 {
		t.Errorf("ampersands %d, want 1 (the page's, not the banner's): %+v", n, findingsOf(r, "lgd-ampersand"))
	}
}

func TestWidgetsAndHiddenTextAreNotProse(t *testing.T) {
	e := checkEngine()
	main := `<p>Put bins out by 7am.</p>` +
		`<div id="CybotCookiebotDialog"><p>We &amp; our partners use cookies. <a href="/c">More info</a></p></div>` +
		`<div class="a2a_kit"><a href="https://www.addtoany.com/share" target="_blank">Share</a></div>` +
		`<p class="d-none">Old notice &amp; more</p><p class="printonly">Printed at 15:26 hrs</p><p hidden>Hidden &amp; gone</p>`
	in := testPage("", main)
	for id, want := range map[string]int{"lgd-ampersand": 0, "lgd-click-here": 0, "lgd-time-format": 0} {
		if n, r := countOf(t, e, in, id); n != want {
			t.Errorf("%s: %d, want %d: %+v", id, n, want, findingsOf(r, id))
		}
	}
	r := e.ScorePage(in)
	nw := findingsOf(r, "a11y-new-window")
	if len(nw) != 1 || !strings.Contains(nw[0].Message, "AddToAny") || r.Summary.Counts["a11y-new-window"] != 0 {
		t.Errorf("widget link: findings %+v, counted %d (want one, reported apart, not counted)", nw, r.Summary.Counts["a11y-new-window"])
	}
}

func TestQuotedTextIsTheSourcesWording(t *testing.T) {
	e := checkEngine()
	long := strings.Repeat("land which is or was occupied by a permanent structure including the curtilage ", 10)
	for _, c := range []struct {
		id, main string
		want     int
	}{
		{"lgd-text-blocks", `<p>The NPPF defines it as: "` + long + `".</p>`, 0},
		{"lgd-text-blocks", `<blockquote><p>` + long + `</p></blockquote>`, 0},
		{"lgd-text-blocks", `<p>` + long + `</p>`, 1},
		{"lgd-small-numbers", `<p>The rules say "development will take place within 5 years of the entry date".</p>`, 0},
		{"lgd-small-numbers", `<p>We will build at least 5 homes on the site.</p>`, 1},
		{"read-passive", `<p>It says “land which is or was occupied by a structure”.</p>`, 0},
		{"lgd-italics-underline", `<p>It says <em>“within 15 years of the entry date”</em>.</p>`, 0},
	} {
		if n, r := countOf(t, e, testPage("", c.main), c.id); n != c.want {
			t.Errorf("%s on %q: %d, want %d: %+v", c.id, trimSnippet(c.main, 60), n, c.want, findingsOf(r, c.id))
		}
	}
}

func TestGeneralFalseFindingRules(t *testing.T) {
	e := checkEngine()
	for _, c := range []struct {
		id, main string
		want     int
	}{
		// small numbers: file details, ratings, field values, references, data cells
		{"lgd-small-numbers", `<p>Download the <a href="/r.pdf">register</a> (PDF, 1 page, 4 kB) today.</p>`, 0},
		{"lgd-small-numbers", `<p>Rated 3 (2 votes) by people who used this page.</p>`, 0},
		{"lgd-small-numbers", `<dl><dt>Retention period</dt><dd>1 year</dd></dl>`, 0},
		{"lgd-small-numbers", `<p>All sites are entered into ‘Part 1’ of the register by the council.</p>`, 0},
		{"lgd-small-numbers", `<table><tr><td>Site</td><td>Homes</td></tr><tr><td>Mill Lane</td><td>about 5 new homes</td></tr></table>`, 0},
		// number ranges: dates, addresses, cells
		{"lgd-number-range-dash", `<p>Last reviewed: 24 - 12 - 2019 by the team.</p>`, 0},
		{"lgd-number-range-dash", `<p>Sites at 112-118 and 155-161 Rose Avenue are on the list.</p>`, 0},
		{"lgd-number-range-dash", `<p>We expect 50-60 homes on the site.</p>`, 1},
		// time: date-times in table cells are data; "12.05pm" and "07:46PM" are not the style
		{"lgd-time-format", `<table><tr><td>Plan.pdf</td><td>12/12/2018 11:14</td></tr><tr><td>Map.pdf</td><td>1/2/2019 09:10</td></tr></table>`, 0},
		{"lgd-time-format", `<p>Last updated: 12.05pm on Wednesday.</p><p>Sent at 07:46PM.</p>`, 2},
		// year ranges: plan titles are names; one-year spans are financial years
		{"lgd-year-range", `<p>Read the Local Plan 2011-2031 and the report for 2017-18.</p>`, 1},
		// council: "The Council" starting a sentence; auxiliaries
		{"lgd-council-capital", `<p>The Council has a duty. The Council Tax is due.</p>`, 1},
		{"lgd-council-plural", `<p>Does the council have a five-year supply? The council intend to publish it.</p>`, 1},
		// ampersands in addresses and names
		{"lgd-ampersand", `<p>See <a href="/x">findCaseFile.do?appNumber=1&amp;appType=P</a> or call S &amp; G Motors.</p>`, 0},
		// block capitals: a hyphenated town is one word
		{"lgd-block-capitals", `<p>Townlands Hospital York Road HENLEY-ON-THAMES RG9 2EB</p>`, 0},
		// italics: icons, a lone full stop, underlined links
		{"lgd-italics-underline", `<p><a href="/x">Decision</a><em>.</em> <i class="fa fa-pinterest"><span class="sr-only">Pinterest</span></i> <u><a href="/y">Decision</a></u></p>`, 0},
		// click here: controls that go nowhere
		{"lgd-click-here", `<p><a href="#">More</a> <a href="" class="accordion">Read more</a></p>`, 0},
		{"lgd-click-here", `<p>The responses received <a href="/r">are available here</a>.</p>`, 1},
		// email: percent-encoded href, a trailing full stop, share links
		{"lgd-email-link", `<p>Email <a href="mailto:plan%40x.gov.uk">plan@x.gov.uk</a> or <a href="mailto:plan@x.gov.uk">plan@x.gov.uk.</a> <a href="mailto:?subject=Page">Email this page</a></p>`, 0},
		// compass: English regions
		{"lgd-compass-caps", `<p>A study of waste in the North East of England.</p>`, 0},
		// form codes: the verb
		{"lgd-form-codes", `<p>Upper floors were converted to form 45 studio flats.</p>`, 0},
	} {
		if n, r := countOf(t, e, testPage("", c.main), c.id); n != c.want {
			t.Errorf("%s on %q: %d, want %d: %+v", c.id, trimSnippet(c.main, 70), n, c.want, findingsOf(r, c.id))
		}
	}
}

// The checks added in method 2026.2 (issue 10 §4), each on the standard's
// own examples and on what it must leave alone.
func TestNewChecks(t *testing.T) {
	e := checkEngine()
	for _, c := range []struct {
		id, main string
		want     int
	}{
		// LGD 1.4 describe what you're linking to
		{"lgd-link-text", `<p>See <a href="https://www.gov.uk/guidance/brownfield-land-registers">https://www.gov.uk/guidance/brownfield-land-registers</a> for more.</p>`, 1},
		{"lgd-link-text", `<p>Download <a href="/a.csv">brownfield-land.csv</a> or <a href="/b">erewash_brownfieldlandregister_2017-12-05_rev1</a>.</p>`, 2},
		{"lgd-link-text", `<p>Read the <a href="/g">guidance on brownfield land registers</a>, or email <a href="mailto:a@b.gov.uk">a@b.gov.uk</a> or visit <a href="https://www.gov.uk">GOV.UK</a>.</p>`, 0},
		{"lgd-click-here", `<p>The register <a href="/r.xlsm">View / Download</a> (xlsm 57 kB)</p>`, 1},
		{"lgd-links-in-text", `<p>Part 1 may be downloaded on the above link. There is a link to this in the Related Content section.</p>`, 2},
		{"lgd-links-in-text", `<p>You can download the register using the links below:</p>`, 0},
		// LGD 1.3 bullets
		{"lgd-bullet-and", `<ul><li>the land is suitable; and</li><li>the land is available, or</li><li>the land is achievable</li></ul>`, 2},
		{"lgd-bullet-stop", `<ul><li>the land is suitable.</li><li>the land is available.</li></ul><ul><li>one</li><li>two</li></ul>`, 1},
		{"lgd-bullet-stop", `<ul><li><a href="/a">Annual report.</a></li><li><a href="/b">Plan.</a></li></ul>`, 0},
		// LGD 1.6 capitals
		{"lgd-needless-capitals", `<p>The rules require all Local Planning Authorities to keep a register.</p>`, 1},
		{"lgd-needless-capitals", `<p>Local Authorities must keep one. See the Kent Local Authorities Group.</p>`, 0},
		// LGD 1.7 dates
		{"lgd-date-format", `<p>Published 23/05/2018 and updated on Thursday, March 21, 2019, for April 2017 - March 2018.</p>`, 3},
		{"lgd-date-format", `<p>See section 1.2.03 and the meeting on 21 March 2019.</p>`, 0},
		// LGD 1.11 numbers
		{"lgd-number-words", `<p>Sites must be achievable within fifteen years. Twelve sites are listed; it is the twenty-first.</p>`, 1},
		{"lgd-percent", `<p>The aim is that 90% of sites have permission.</p><table><tr><td>Site</td><td>Share</td></tr><tr><td>A</td><td>20%</td></tr></table>`, 1},
		// headings
		{"lgd-bold-heading", `<p><strong>Useful links</strong></p><p>These pages explain the rules in more detail.</p><p><strong>This is a bold sentence for emphasis.</strong></p><p>More text follows here.</p>`, 1},
		{"lgd-heading-length", `<h2>Government regulations require local planning authorities to prepare and maintain a register of brownfield sites.</h2><h2>What was the process for deciding which sites to put on the register?</h2>`, 1},
		// LGD 1.2 acronyms (advisory)
		{"lgd-acronyms", `<p>The GLA is hosting the data. The Strategic Housing Land Availability Assessment (SHLAA) is here; see the SHLAA. The BBC and NHS are well known. This is NOT a drill, and not a test.</p>`, 1},
	} {
		if n, r := countOf(t, e, testPage("", c.main), c.id); n != c.want {
			t.Errorf("%s on %q: %d, want %d: %+v", c.id, trimSnippet(c.main, 80), n, c.want, findingsOf(r, c.id))
		}
	}
}
