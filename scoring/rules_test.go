package scoring

import (
	"fmt"
	"math/rand"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
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
		// a web address given as data: a table of pages, a "Website:" field; a file name in an attachments table is still a name
		{"lgd-link-text", `<table><tr><th>Page</th><th>Findings</th></tr><tr><td><a href="https://x.gov.uk/a">https://x.gov.uk/a</a></td><td>3</td></tr><tr><td><a href="https://x.gov.uk/b">https://x.gov.uk/b</a></td><td>1</td></tr></table><p>Website: <a href="https://www.example.org.uk/">www.example.org.uk</a></p><dl><dt>Website</dt><dd><a href="https://www.example.gov.uk/">https://www.example.gov.uk/</a></dd></dl>`, 0},
		{"lgd-link-text", `<table><tr><th>Attachment</th><th>Size</th></tr><tr><td><a href="/f/brownfield-land.csv">brownfield-land.csv</a></td><td>25.92 KB</td></tr></table><p>Building with Nature: <a href="https://www.buildingwithnature.org.uk/">https://www.buildingwithnature.org.uk/</a></p>`, 2},
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
		// a GOV.UK tag or a badge is a styled status word, not a bold heading
		{"lgd-bold-heading", `<p><strong class="govuk-tag govuk-tag--grey">warning</strong></p><p>Page: the planning page.</p><p><span class="badge">New</span></p><p>More text follows here.</p>`, 0},
		{"lgd-heading-length", `<h2>Government regulations require local planning authorities to prepare and maintain a register of brownfield sites.</h2><h2>What was the process for deciding which sites to put on the register?</h2>`, 1},
		// LGD 1.2 acronyms (advisory)
		{"lgd-acronyms", `<p>The GLA is hosting the data. The Strategic Housing Land Availability Assessment (SHLAA) is here; see the SHLAA. The BBC and NHS are well known. This is NOT a drill, and not a test.</p>`, 1},
	} {
		if n, r := countOf(t, e, testPage("", c.main), c.id); n != c.want {
			t.Errorf("%s on %q: %d, want %d: %+v", c.id, trimSnippet(c.main, 80), n, c.want, findingsOf(r, c.id))
		}
	}
}

// TestNumberWordMatchesRegexp: the one-pass scanner lgd-number-words uses
// finds what its regexp finds.
func TestNumberWordMatchesRegexp(t *testing.T) {
	r := newNewRegexps().numberWord
	for _, s := range []string{"Twenty-one people", "twenty-first", "fifteen years", "Elevenses", "sixty_six", "x ninety-nine-ty", "seventeen.",
		"forty-two-three", "thirty-Eight", "fifty-", "a1twelve twelve9 twelve", "fourteené", "TWENTY-ONE", "", "eleven"} {
		if a, b := fmt.Sprint(r.FindAllStringIndex(s, -1)), fmt.Sprint(numberWordMatches(s)); a != b {
			t.Errorf("%q: regexp %s, scanner %s", s, a, b)
		}
	}
}

// TestFileTypeAndSizeMatchRegexps: the one-pass scanners a11y-pdf-links uses
// find what the regexps they replace find.
func TestFileTypeAndSizeMatchRegexps(t *testing.T) {
	r := newRegexps()
	pieces := []string{"PDF", "pdf", "docx", "Word", "wordy", "xls", "_pdf", "pdf2", "250", "1.2", "3,5", "1.", ",", " ", "  ", "KB", "kb", "MiB",
		"mb", "Gb", "gib", "bytes", "Kilobytes", "megabytes", "kbs", "(", ")", "a", "x1", "\t", "é", "-"}
	types, sizes := 0, 0
	for i := 0; i < 20000; i++ {
		var sb strings.Builder
		for j := 0; j < 1+i%5; j++ {
			sb.WriteString(pieces[(i*131+j*977+j*j*31+i/97)%len(pieces)])
		}
		s := sb.String()
		if r.fileType.MatchString(s) {
			types++
		}
		if r.fileSize.MatchString(s) {
			sizes++
		}
		if got, want := hasFileType(s), r.fileType.MatchString(s); got != want {
			t.Errorf("hasFileType(%q) = %v, regexp says %v", s, got, want)
		}
		if got, want := hasFileSize(s), r.fileSize.MatchString(s); got != want {
			t.Errorf("hasFileSize(%q) = %v, regexp says %v", s, got, want)
		}
	}
	if types < 100 || sizes < 100 {
		t.Errorf("the mixes matched %d types and %d sizes: too few to test", types, sizes)
	}
}

// TestBulletAndIndexMatchesRegexp: the scanner lgd-bullet-and uses finds
// what its regexp finds.
func TestBulletAndIndexMatchesRegexp(t *testing.T) {
	r := newNewRegexps().bulletAnd
	pieces := []string{"and", "AND", "or", "Or", "x", "band", "for", " ", "\t", ";", ",", "\n", "  ", "é", "-", "."}
	for i := 0; i < 20000; i++ {
		var sb strings.Builder
		for j := 0; j < 1+i%5; j++ {
			sb.WriteString(pieces[(i*131+j*977+j*j*31+i/97)%len(pieces)])
		}
		s := sb.String()
		if got, want := fmt.Sprint(bulletAndIndex(s)), fmt.Sprint(r.FindStringIndex(s)); got != want {
			t.Errorf("bulletAndIndex(%q) = %s, regexp says %s", s, got, want)
		}
	}
}

// TestAcronymMatchesRegexp: the scanner lgd-acronyms uses finds what its
// regexp finds.
func TestAcronymMatchesRegexp(t *testing.T) {
	r := newNewRegexps().acronym
	pieces := []string{"GLA", "NHS", "s", "S", "A", "ABCDEFG", "Ab", "x", " ", "_", "1", "É", "é", "-", "(", "LPAs", "CIL", "ss"}
	for i := 0; i < 20000; i++ {
		var sb strings.Builder
		for j := 0; j < 1+i%5; j++ {
			sb.WriteString(pieces[(i*131+j*977+j*j*31+i/97)%len(pieces)])
		}
		s := sb.String()
		if got, want := fmt.Sprint(acronymMatches(s)), fmt.Sprint(r.FindAllStringIndex(s, -1)); got != want {
			t.Errorf("acronymMatches(%q) = %s, regexp says %s", s, got, want)
		}
	}
}

// TestCouncilCapAndCompassMatchRegexps: the scanners lgd-council-capital
// and lgd-compass use find what their regexps find, in texts built from
// their words, near misses and joins.
func TestCouncilCapAndCompassMatchRegexps(t *testing.T) {
	r := newRegexps()
	pieces := []string{"the", "The", "THE", "he", "xthe", "_the", " ", "  ", "\t", "\v", "-", "Council", "council", "Councils", "Councillor", "County", "District",
		"Borough", "City", "Town", "Parish", "Cities", "North", "South", "East", "West", "Eastern", "Northwest", "NorthEast", "west", "é", "1", ".", "(", "_", "WestCouncil"}
	caps, compass := 0, 0
	rnd := rand.New(rand.NewSource(1))
	for i := 0; i < 60000; i++ {
		var sb strings.Builder
		for j := 0; j < 1+i%7; j++ {
			sb.WriteString(pieces[rnd.Intn(len(pieces))])
			if rnd.Intn(3) != 0 {
				sb.WriteString(" ")
			}
		}
		s := sb.String()
		if i%2 == 0 { // a council, slot by slot
			var cb strings.Builder
			for _, sl := range [][]string{{"", "x", "_", "é", " ", "the Council "}, {"the", "The", "THE", "he", "tthe"}, {" ", "", "  ", "-"},
				{"", "", "County ", "District ", "Borough ", "City ", "Town ", "Parish ", "Cities ", "County  "}, {"Council", "council", "Councils", "Council_", "Council1"},
				{"", " ", ".", "é", "x", " the Council", " The City Council"}} {
				cb.WriteString(sl[rnd.Intn(len(sl))])
			}
			s = cb.String()
		}
		want := r.councilCap.FindAllStringIndex(s, -1)
		caps += len(want)
		if got := councilCapMatches(s); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("councilCapMatches(%q) = %v, regexp says %v", s, got, want)
		}
		want = r.compass.FindAllStringIndex(s, -1)
		compass += len(want)
		if got := compassMatches(s); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("compassMatches(%q) = %v, regexp says %v", s, got, want)
		}
	}
	t.Logf("%d council capitals, %d compass points", caps, compass)
	if caps < 500 || compass < 500 {
		t.Errorf("the mixes matched %d council capitals and %d compass points: too few to test", caps, compass)
	}
}

// TestTitleSepMatchesRegexp: the scanner that splits titles finds what
// titleSep finds.
func TestTitleSepMatchesRegexp(t *testing.T) {
	pieces := []string{"Bins", " ", "  ", "\t", "\v", "|", "-", "–", "—", ":", "::", "»", "·", "~", "/", "x", "é", "Council", "\u00a0", ".", ";"}
	rnd := rand.New(rand.NewSource(2))
	seps := 0
	for i := 0; i < 50000; i++ {
		var sb strings.Builder
		for j := 0; j < 1+rnd.Intn(9); j++ {
			sb.WriteString(pieces[rnd.Intn(len(pieces))])
		}
		s := sb.String()
		want := titleSep.FindAllStringIndex(s, -1)
		seps += len(want)
		if got := titleSepMatches(s); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("titleSepMatches(%q) = %v, regexp says %v", s, got, want)
		}
	}
	if seps < 10000 {
		t.Errorf("only %d separators: the test reads too little", seps)
	}
}

// TestDateMatchersMatchRegexps: the scanners lgd-date-format uses find what
// its regexps find.
func TestDateMatchersMatchRegexps(t *testing.T) {
	r := newNewRegexps()
	us, ranges := 0, 0
	// slots of a date, each with near misses: texts built slot by slot
	slots := [][]string{
		{"", "on ", "x", "_", "(", "1"},
		{"March", "Mar", "Sept", "Sep", "May", "Marc", "march", "MARCH"},
		{"", ".", ".."},
		{" ", "", "  ", "\t"},
		{"21", "1", "123", "2019", "x"},
		{"", "st", "th", "nd", "ST"},
		{",", "", ";", ", "},
		{" ", "", "  "},
		{"2019", "1999", "2101", "20190", "19"},
		{"", " - ", "-", "–", " — ", "x", "."},
		{"", "April ", "Apr", "june ", "Dec "},
		{"", "2020", "1888", "20201", " and"},
	}
	for i := 0; i < 60000; i++ {
		var sb strings.Builder
		for j, sl := range slots {
			if (i>>(j%7))&5 == 5 && j == 8 {
				sb.WriteString(" ")
			}
			sb.WriteString(sl[(i*(j+7)+i/(j+3)+j*i/11)%len(sl)])
		}
		s := sb.String()
		if i%2 == 1 { // a month range
			var rb strings.Builder
			for j, sl := range [][]string{{"", "from ", "x", "_"}, {"April", "Apr", "Sept", "Sep", "Aprl", "april"}, {" ", "", "  "},
				{"2017", "1999", "2101", "20170"}, {"", " ", "  "}, {"-", "–", "—", "/", "x"}, {"", " ", "  "},
				{"March", "Mar", "Sept", "mar", "Marc"}, {" ", "", "\n"}, {"2018", "1988", "201", "20189"}, {"", ".", "x", " to"}} {
				rb.WriteString(sl[(i*(j+5)+i/(j+2)+j*i/13)%len(sl)])
			}
			s = rb.String()
		}
		want := r.dateUS.FindAllStringIndex(s, -1)
		us += len(want)
		if got := usDateMatches(s); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("usDateMatches(%q) = %v, regexp says %v", s, got, want)
		}
		want = r.monthRange.FindAllStringIndex(s, -1)
		ranges += len(want)
		if got := monthRangeMatches(s); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("monthRangeMatches(%q) = %v, regexp says %v", s, got, want)
		}
	}
	for _, s := range []string{"March 21, 2019", "Sept 3rd,2020", "April 2017 - March 2018", "Jan 2019–Dec 2019", "on May 1st, 2020 and June 2, 2021"} {
		if fmt.Sprint(usDateMatches(s)) != fmt.Sprint(r.dateUS.FindAllStringIndex(s, -1)) || fmt.Sprint(monthRangeMatches(s)) != fmt.Sprint(r.monthRange.FindAllStringIndex(s, -1)) {
			t.Errorf("%q: scanners and regexps disagree", s)
		}
	}
	t.Logf("%d American dates, %d month ranges", us, ranges)
	if us < 50 || ranges < 10 {
		t.Errorf("the mixes matched %d American dates and %d month ranges: too few to test", us, ranges)
	}
}

// TestClassListsApart: no class name is in two of the framework lists
// (classTokenFlags merges them).
func TestClassListsApart(t *testing.T) {
	seen := map[string]int{}
	for _, set := range []map[string]bool{hiddenClasses, visuallyHiddenClasses, smallOnlyClasses, badgeClasses} {
		for c := range set {
			seen[c]++
		}
	}
	for c, n := range seen {
		if n > 1 {
			t.Errorf("class %q is in %d lists", c, n)
		}
	}
}

// TestHostOfPlainAgreesWithParse: the fast path of hostOf reads hosts as
// url.Parse does.
func TestHostOfPlainAgreesWithParse(t *testing.T) {
	slow := func(u string) string {
		x, err := url.Parse(u)
		if err != nil {
			return ""
		}
		return strings.TrimPrefix(strings.ToLower(x.Hostname()), "www.")
	}
	for _, u := range []string{"https://www.Bristol.gov.uk/a/b?c#d", "http://x.gov.uk:8080/", "http://x.gov.uk:/", "HTTPS://X.GOV.UK", "http://user@x.gov.uk/",
		"http://[::1]:80/", "mailto:a@b.gov.uk", "/relative", "", "://x", "1http://x", "http://exa mple.com/", "http://x.gov.uk:80a/", "http://x_y.gov.uk",
		"ftp://files.x.gov.uk/a", "https://x.gov.uk?q=1", "https://x.gov.uk#top", "javascript://x", "http://%41.gov.uk/", "http://", "https://a..b/"} {
		if got, want := hostOf(u), slow(u); got != want {
			t.Errorf("hostOf(%q) = %q, url.Parse gives %q", u, got, want)
		}
	}
}

// TestResolvePlainAgreesWithParse: the fast path of link resolution gives
// what url.Parse and URL.String give, or leaves the href to them.
func TestResolvePlainAgreesWithParse(t *testing.T) {
	for _, base := range []string{"https://www.x.gov.uk/a/b/page.aspx?x=1", "http://x.gov.uk:8080/", "https://user@x.gov.uk/"} {
		p := newPage(PageInput{URL: base})
		for _, h := range []string{"/", "/a/b", "/a b", "/a/../b", "/a/./b", "/a?q=1&r=2#top", "/a#", "/a?", "//cdn.x.com/a", "https://www.gov.uk/guidance/x",
			"https://x.gov.uk", "https://x.gov.uk?q", "https://X.GOV.UK/A", "http://x.gov.uk:80/a", "https://user@x.gov.uk/", "https://x.gov.uk/%41",
			"https://x.gov.uk/a(b)", "https://x.gov.uk/é", "relative/page", "?q=1", "#frag", "mailto:a@b.gov.uk", "javascript:void(0)", "/a?q=é", "/a?q=a b",
			"https://x.gov.uk/a/..", "/~user/a-b_c.d/$&+,;=:@", "/a?b?c#d", "https://x.gov.uk#f", "https://x.gov.uk?#", "https://x_y.gov.uk/a",
			"https://x.gov.uk/a?q=\x7f", "https:///a", "/a#b?c", "https://x.gov.uk/a.b/.c"} {
			want := ""
			if u, err := p.base.Parse(h); err == nil {
				u.Fragment = ""
				want = u.String()
			}
			if got, ok := p.resolvePlain(h); ok && got != want {
				t.Errorf("base %s, href %q: fast %q, url.Parse %q", base, h, got, want)
			}
		}
	}
}

// TestDialogToken: the one-pass test finds the dialog words anywhere in a
// class name.
func TestDialogToken(t *testing.T) {
	words := []string{"modal", "tooltip", "popup", "popover", "lightbox"}
	for _, tok := range []string{"modal", "js-modal-window", "tooltip", "has-tooltip", "popup", "popover-x", "lightbox", "mylightbox", "ooomodal", "tolltip",
		"pop", "box", "light-box", "o", "", "model", "toolbar", "modalpopup", "xpopupx", "too", "lightbo", "oooo", "ppopup", "tooltooltip"} {
		want := false
		for _, w := range words {
			want = want || strings.Contains(tok, w)
		}
		if got := dialogToken(tok); got != want {
			t.Errorf("dialogToken(%q) = %v, want %v", tok, got, want)
		}
	}
}

// TestLowerHelpersAgreeWithToLower: the non-allocating look-ups read words
// as strings.ToLower does.
func TestLowerHelpersAgreeWithToLower(t *testing.T) {
	m := map[string]bool{"was": true, "made": true, "été": true, "straße": true}
	for _, w := range []string{"was", "WAS", "Was", "wAs", "made", "MADE", "été", "ÉTÉ", "Été", "STRASSE", "Straße", "İs", "K", "x", "", "published",
		"PUBLISHED", "Publishéd", "quickly", "QUICKLY", strings.Repeat("A", 40)} {
		if got, want := m[strings.ToLower(w)], func() bool { v, _ := lowerLookup(m, w); return v }(); got != want {
			t.Errorf("lowerLookup(%q) = %v, ToLower gives %v", w, want, got)
		}
		for _, l := range []string{"was", "made", "été", "published", "quickly"} {
			if got, want := lowerEquals(w, l), strings.ToLower(w) == l; got != want {
				t.Errorf("lowerEquals(%q, %q) = %v, want %v", w, l, got, want)
			}
		}
		for _, suf := range []string{"ed", "ly"} {
			if got, want := lowerSuffix(w, suf), strings.HasSuffix(strings.ToLower(w), suf); got != want {
				t.Errorf("lowerSuffix(%q, %q) = %v, want %v", w, suf, got, want)
			}
		}
	}
}

// TestContainsFold: the jumping search agrees with a plain fold search.
func TestContainsFold(t *testing.T) {
	plain := func(s, sub string) bool {
		for i := 0; i+len(sub) <= len(s); i++ {
			if strings.EqualFold(s[i:i+len(sub)], sub) {
				return true
			}
		}
		return len(sub) == 0
	}
	pieces := []string{"new ", "NEW", "Opens in", "ne", "w", " ", "x", "External ", "é", "N", "n"}
	for i := 0; i < 5000; i++ {
		var sb strings.Builder
		for j := 0; j < 1+i%6; j++ {
			sb.WriteString(pieces[(i*131+j*977+j*j*31+i/97)%len(pieces)])
		}
		s := sb.String()
		for _, sub := range []string{"new ", "opens in", "external ", "n", "", "404", " new"} {
			if got, want := containsFold(s, sub), plain(s, sub); got != want {
				t.Errorf("containsFold(%q, %q) = %v, want %v", s, sub, got, want)
			}
		}
	}
}

// TestTrimSnippetPrefix: trimming a long text reads only its start, and
// gives what trimming the whole collapsed text gives.
func TestTrimSnippetPrefix(t *testing.T) {
	whole := func(s string, max int) string {
		s = collapse(s)
		if utf8.RuneCountInString(s) <= max {
			return s
		}
		r := []rune(s)
		cut := max
		for i := max; i > max*2/3; i-- {
			if r[i] == ' ' {
				cut = i
				break
			}
		}
		return strings.TrimSpace(string(r[:cut])) + "…"
	}
	pieces := []string{"word", " ", "      ", "\n\n", "é", "longerword", "日本", "x", "  \t ", "\xff", "\u00a0"}
	for i := 0; i < 3000; i++ {
		var sb strings.Builder
		for j := 0; j < 1+i%90; j++ {
			sb.WriteString(pieces[(i*131+j*977+j*j*31+i/97)%len(pieces)])
		}
		s := sb.String()
		for _, max := range []int{10, 60, 80} {
			if got, want := trimSnippet(s, max), whole(s, max); got != want {
				t.Errorf("trimSnippet(%q, %d) = %q, want %q", s, max, got, want)
			}
		}
	}
}

// TestClassChromeByToken: the chrome kind read token by token is what
// chromeKind says of the whole class attribute.
func TestClassChromeByToken(t *testing.T) {
	for _, c := range []string{"", "nav", "main-nav x", "cookie-banner", "x consent", "header", "site-header", "page-header", "sidebar", "sidebar-left",
		"gdpr-box nav", "footer-links", "breadcrumbs", "skip-link", "skiplink", "masthead", "accesskeys", "browse-panel", "menu", "content main",
		"header nav", "headerbar", "col-md-4 sidebar", "x  header  ", "cookie", "with-cookiebanner page"} {
		if _, _, got := classInfoOf(c); got != chromeKind(c) {
			t.Errorf("class %q: chrome %d by token, chromeKind %d", c, got, chromeKind(c))
		}
	}
}
