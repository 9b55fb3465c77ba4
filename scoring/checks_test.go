package scoring

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// page builds a page with body text inside <main>, wrapped in a site header,
// navigation and footer that the text checks must ignore.
func testPage(head, main string) PageInput {
	if head == "" {
		head = `<title>Bin collections</title><meta name="description" content="When your bins are collected"><meta name="viewport" content="width=device-width, initial-scale=1">`
	}
	body := `<!DOCTYPE html><html lang="en"><head>` + head + `</head><body>` +
		`<a href="#main">Skip to main content</a><header><nav><a href="/">HOME &amp; AWAY SECTION LINKS</a> <a href="/x">click here</a></nav></header>` +
		`<main id="main"><h1>Bin collections</h1>` + main + `</main>` +
		`<footer>Copyright THE COUNCIL ARE GREAT 2012-13 <a href="/accessibility">Accessibility statement</a></footer></body></html>`
	return PageInput{URL: "https://www.example.gov.uk/bins", Status: 200, IsHTML: true, Body: []byte(body)}
}

// checkEngine is the current method for tests of single checks on small
// made-up pages: they have fewer words than a page needs to be scored for
// content (MinWordsContent), which TestShortAndErrorPagesNotScored tests.
func checkEngine() *Engine {
	m := CurrentMethod()
	m.Thresholds.MinWordsContent = 0
	return NewEngine(m)
}

func countOf(t *testing.T, e *Engine, in PageInput, id string) (int, PageResult) {
	t.Helper()
	r := e.ScorePage(in)
	n, ok := r.Summary.Counts[id]
	if !ok {
		t.Fatalf("%s not applied: %v", id, r.NotApplied)
	}
	return n, r
}

func TestTextChecks(t *testing.T) {
	e := checkEngine()
	cases := []struct {
		id   string
		text string // inside <main>
		want int
	}{
		// LGD 1.1: the council is singular
		{"lgd-council-plural", "<p>Council X are launching a new service.</p>", 1},
		{"lgd-council-plural", "<p>Council X is launching a new service.</p>", 0},
		{"lgd-council-plural", "<p>The council have decided to close the road.</p>", 1},
		{"lgd-council-plural", "<p>Council tenants are asked to pay rent on Monday.</p>", 0},
		{"lgd-council-plural", "<p>Council Members are elected every four years.</p>", 0},
		// LGD 1.11 money
		{"lgd-money-format", "<p>The fee is £75.00 a year.</p>", 1},
		{"lgd-money-format", "<p>The fee is £75.50 a year.</p>", 0},
		{"lgd-money-format", "<p>The fee is £75 a year.</p>", 0},
		{"lgd-money-format", "<p>We spent £0.7million on roads.</p>", 1},
		{"lgd-money-format", "<p>We spent £700,000 on roads and £138 million on schools.</p>", 0},
		{"lgd-money-format", "<p>We spent £138m on schools.</p>", 1},
		{"lgd-money-format", "<p>Calls cost 4p per minute from a landline.</p>", 1},
		{"lgd-money-format", "<p>Calls cost 4 pence per minute from a landline.</p>", 0},
		// LGD 1.7 times
		{"lgd-time-format", "<p>The office closes at 1730hrs.</p>", 1},
		{"lgd-time-format", "<p>The office closes at 5:30pm.</p>", 0},
		{"lgd-time-format", "<p>The office closes at 17:30 each day.</p>", 1},
		{"lgd-time-format", "<p>Open 10-11am on Mondays.</p>", 1},
		{"lgd-time-format", "<p>Open 10am to 11am, Monday to Friday, 9am to 5pm.</p>", 0},
		// LGD 1.7 dates
		{"lgd-date-ordinals", "<p>Collections restart on 2nd January.</p>", 1},
		{"lgd-date-ordinals", "<p>He lived in the 19th century.</p>", 0},
		{"lgd-date-ordinals", "<p>Collections restart on 2 January.</p>", 0},
		{"lgd-year-range", "<p>Funding is available for 2012-13.</p>", 1},
		{"lgd-year-range", "<p>Funding is available for 2012-2013.</p>", 1},
		{"lgd-year-range", "<p>Funding is available for 2012/13.</p>", 0},
		{"lgd-year-range", "<p>Funding is available for 2012-3 and 2012/3.</p>", 2},
		{"lgd-year-range", "<p>Seasons 2012/2013 and dates 2012/3/4 are left alone.</p>", 0},
		{"lgd-year-range", "<p>Tax year 2012 to 2013, captured 2019-12-30.</p>", 0},
		// LGD 1.11 numbers
		{"lgd-number-range-dash", "<p>We expect 200-400 people.</p>", 1},
		{"lgd-number-range-dash", "<p>We expect 200 to 400 people.</p>", 0},
		{"lgd-number-range-dash", "<p>Write to 14-20 High Street or call 01234 567-890.</p>", 0},
		{"lgd-small-numbers", "<p>We have 3 recycling centres.</p>", 1},
		{"lgd-small-numbers", "<p>We have three recycling centres, 12 bins and 1 April is the start. See section 5.</p>", 0},
		{"lgd-small-numbers", "<p>The fee is £5 and it is 10% more.</p>", 0},
		// LGD 1.2, 1.9 abbreviations
		{"lgd-abbreviation-stops", "<p>Bring proof, e.g. a bill.</p>", 1},
		{"lgd-abbreviation-stops", "<p>Watch the B.B.C. news.</p>", 1},
		{"lgd-abbreviation-stops", "<p>Bring proof, eg a bill, from www.gov.uk.</p>", 0},
		{"lgd-form-codes", "<p>Fill in Form 21B and send it.</p>", 1},
		{"lgd-form-codes", "<p>Fill in the form to apply for a parking permit.</p>", 0},
		// LGD 1.4
		{"lgd-telephone-label", "<p>Tel: 01234 567890</p>", 1},
		{"lgd-telephone-label", "<p>Telephone: 01234 567890</p>", 0},
		{"lgd-click-here", `<p>To apply <a href="/apply">click here</a>.</p>`, 1},
		{"lgd-click-here", `<p><a href="/apply">Apply for a bin</a>.</p>`, 0},
		{"lgd-email-link", `<p>Email <a href="mailto:bins@example.gov.uk">bins@example.gov.uk</a>.</p>`, 0},
		{"lgd-email-link", `<p>Email <a href="mailto:bins@example.gov.uk">the bins team</a>.</p>`, 1},
		{"lgd-email-link", `<p>Email bins@example.gov.uk today.</p>`, 1},
		{"lgd-email-link", `<p>Email <a href="mailto:Bins@Example.gov.uk">Bins@Example.gov.uk</a>.</p>`, 1},
		// LGD 1.4: the same phrase linked to the same place twice in the text
		{"lgd-repeated-link", `<p>Read the <a href="/plan">local plan</a> first, then check the <a href="/plan">local plan</a> maps.</p>`, 1},
		{"lgd-repeated-link", `<p>Read the <a href="/plan">local plan</a> first, then its <a href="/plan">maps and policies</a> in detail.</p>`, 0},
		{"lgd-repeated-link", `<p>See <a href="/a#x">part one</a> of the guide and then <a href="/a#y">part one</a> of the annex here.</p>`, 0},
		{"lgd-repeated-link", `<p>Read the <a href="/plan">local plan</a> before you apply for anything.</p><ul><li><a href="/plan">local plan</a></li></ul>`, 0},
		{"lgd-repeated-link", `<p>Email <a href="mailto:a@b.gov.uk">a@b.gov.uk</a> or write to <a href="mailto:a@b.gov.uk">a@b.gov.uk</a> today.</p>`, 0},
		// LGD 1.5, 1.6
		{"lgd-ampersand", "<p>Roads &amp; transport</p>", 1},
		{"lgd-ampersand", "<p>Roads and transport, near M&amp;S</p>", 0},
		{"lgd-block-capitals", "<p>PLEASE DO NOT PARK HERE</p>", 1},
		{"lgd-block-capitals", "<p>Please do not park here (NHS UK GP)</p>", 0},
		{"lgd-council-capital", "<p>Contact the Council for help.</p>", 1},
		{"lgd-council-capital", "<p>Contact the council about the Council Tax.</p>", 0},
		// LGD 1.8, 1.10
		{"lgd-e-prefix", "<p>Sign up for eBilling or send an E-mail.</p>", 2},
		{"lgd-e-prefix", "<p>Sign up for e-billing or send an email.</p>", 0},
		{"lgd-e-prefix", "<p>Try e-Learning today. E-learning is free.</p>", 2},
		{"lgd-e-prefix", "<p>Try e-learning today. e-Learning is free. Email us.</p>", 0},
		{"lgd-compass-caps", "<p>Homes in the North of the county.</p>", 1},
		{"lgd-compass-caps", "<p>Homes in the north, near North Yorkshire and the West Midlands.</p>", 0},
		// general advice
		{"lgd-italics-underline", "<p>This is <em>important</em>.</p>", 1},
		{"lgd-italics-underline", `<p>This is <strong>important</strong>. <i class="icon"></i></p>`, 0},
		{"lgd-text-blocks", "<p>" + strings.Repeat("word ", 101) + "</p>", 1},
		{"lgd-text-blocks", "<p>" + strings.Repeat("word ", 99) + "</p>", 0},
		{"lgd-bold-overuse", "<p><b>" + strings.Repeat("bold ", 30) + "</b>" + strings.Repeat("plain ", 60) + "</p>", 1},
		{"lgd-bold-overuse", "<p><b>bold</b> " + strings.Repeat("plain ", 60) + "</p>", 0},
		// readability
		{"read-words-to-avoid", "<p>We will leverage our partners and facilitate change going forward.</p>", 3},
		{"read-words-to-avoid", "<p>Your child is in Key Stage 2. We deliver post and foster children. This has an impact.</p>", 0},
		{"read-words-to-avoid", "<p>Roadworks will impact traffic. Lost your key? Key issues are listed.</p>", 2},
		{"read-words-to-avoid", "<p>We will initiate a review.</p>", 1},
		{"read-passive", "<p>Your bins will be collected on Monday.</p>", 1},
		{"read-passive", "<p>We will collect your bins on Monday.</p>", 0},
		{"read-long-sentences", "<p>" + strings.Repeat("word ", 30) + ".</p>", 1},
		{"read-long-sentences", "<p>" + strings.Repeat("word ", 20) + ".</p>", 0},
	}
	for _, c := range cases {
		n, r := countOf(t, e, testPage("", c.text), c.id)
		if n != c.want {
			t.Errorf("%s on %q: %d findings, want %d: %+v", c.id, c.text, n, c.want, findingsOf(r, c.id))
		}
	}
}

func findingsOf(r PageResult, id string) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.CheckID == id {
			out = append(out, f)
		}
	}
	return out
}

func TestPageChecks(t *testing.T) {
	e := checkEngine()
	vp := `<meta name="viewport" content="width=device-width">`
	cases := []struct {
		id         string
		head, main string
		want       int
	}{
		{"lgd-title-length", "<title>Bins</title>", "", 0},
		{"lgd-title-length", "<title>Applying for and obtaining a licence for a firearm in this district</title>", "", 1},
		{"lgd-title-length", "<title></title>", "", 1},
		{"lgd-title-etc", "<title>Bins, boxes etc</title>", "", 1},
		{"lgd-title-etc", "<title>Bins and boxes</title>", "", 0},
		{"lgd-title-special-chars", "<title>Roads &amp; transport</title>", "", 1},
		{"lgd-title-special-chars", "<title>Roads and transport | Example Council</title>", "", 0},
		{"lgd-meta-description", "<title>Bins</title>", "", 1},
		{"lgd-meta-description", `<title>Bins</title><meta name="description" content="Bins">`, "", 1},
		{"lgd-meta-description", `<title>Bins</title><meta name="description" content="Find your day. Report a missed bin.">`, "", 1},
		{"lgd-meta-description", `<title>Bins</title><meta name="description" content="Find your bin day, report a missed bin - and order a new one">`, "", 0},
		{"a11y-document-title", "<title> </title>", "", 1},
		{"a11y-document-title", "<title>Bins</title>", "", 0},
		{"a11y-image-alt", "", `<img src="a.png"><img src="b.png" alt=""><img src="c.png" role="presentation"><img src="d.png" aria-hidden="true">`, 1},
		{"a11y-image-alt", "", `<input type="image" src="go.png"><map><area href="/x"></map>`, 2},
		{"a11y-link-name", "", `<a href="/a"></a><a href="/b"><img src="x.png" alt="Bins"></a><a href="/c" aria-label="Council tax"></a>`, 1},
		{"a11y-button-name", "", `<button></button><button>Search</button><button aria-label="Close"></button><input type="button"><input type="submit">`, 2},
		{"a11y-label", "", `<input name="q"><label for="p">Postcode</label><input id="p"><label>Name <input name="n"></label><input aria-label="x"><select name="s"></select><input type="hidden" name="h">`, 2},
		{"a11y-duplicate-id", "", `<div id="a"></div><div id="a"></div><div id="b"></div>`, 0},
		{"a11y-duplicate-id", "", `<label for="a">Name</label><input id="a"><input id="a"><a href="#b">x</a><p id="b">b</p><p id="b">b</p>`, 2},
		{"a11y-duplicate-id-unreferenced", "", `<div id="a"></div><div id="a"></div><div id="b"></div>`, 1},
		{"a11y-heading-order", "", `<h2>Two</h2><h4>Four</h4>`, 1},
		{"a11y-heading-order", "", `<h2>Two</h2><h3>Three</h3>`, 0},
		{"a11y-empty-heading", "", `<h2></h2><h3><img src="x" alt="Bins"></h3>`, 1},
		{"a11y-meta-viewport", "<title>x</title>", "", 1},
		{"a11y-meta-viewport", `<title>x</title><meta name="viewport" content="width=device-width, user-scalable=no">`, "", 1},
		{"a11y-meta-viewport", `<title>x</title><meta name="viewport" content="width=device-width, maximum-scale=1.0">`, "", 1},
		{"a11y-meta-viewport", `<title>x</title>` + vp, "", 0},
		{"a11y-meta-refresh", `<title>x</title><meta http-equiv="refresh" content="30">`, "", 1},
		{"a11y-meta-refresh", `<title>x</title><meta http-equiv="refresh" content="0; url=/new">`, "", 0},
		{"a11y-tabindex", "", `<div tabindex="1"></div><div tabindex="0"></div><a href="/" tabindex="-1">x</a>`, 1},
		{"a11y-new-window", "", `<a href="/a" target="_blank">Apply</a><a href="/b" target="_blank">Apply (opens in new window)</a>`, 1},
		// WCAG 1.3.1 (F91): headers shown (a bold first row or column) but not marked up
		{"a11y-table-headers", "", `<table><tr><td><b>Site</b></td><td><strong>Area</strong></td></tr><tr><td>c</td><td>d</td></tr></table>`, 1},
		{"a11y-table-headers", "", `<table><tr><td><b>Updated</b></td><td>1 May 2019</td></tr><tr><td><b>Owner</b></td><td>Planning</td></tr></table>`, 1},
		{"a11y-table-headers", "", `<table class="dataTable"><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>`, 1},
		{"a11y-table-headers", "", `<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>`, 0},
		{"a11y-table-headers", "", `<table><tr><td><a href="/a.pdf">Site 1</a></td><td>(pdf 1 MB)</td></tr><tr><td><a href="/b.pdf">Site 2</a></td><td>(pdf 2 MB)</td></tr></table>`, 0},
		{"a11y-table-headers", "", `<table><tr><td><b>Name</b></td><td><input name="n"></td></tr><tr><td><b>Email</b></td><td><input name="e"></td></tr></table>`, 0},
		{"a11y-table-headers", "", `<table><tr><th>a</th><th>b</th></tr><tr><td>c</td><td>d</td></tr></table><table role="presentation"><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>`, 0},
		{"a11y-pdf-links", "", `<a href="/docs/plan.pdf">Local plan</a><a href="/docs/apply-form.pdf">Application form</a><a href="/page">Page</a>`, 3},
		{"a11y-pdf-links", "", `<p><a href="/docs/plan.pdf">Local plan</a> (PDF, 1.2 MB)</p><p><a href="/docs/map.pdf">Site map (PDF 200 KB)</a></p><a href="/data/sites.csv">Sites</a><a href="/data/sites.xlsx">Sites</a>`, 0},
		{"a11y-pdf-links", "", `<p><a href="/docs/plan.pdf">Local plan</a> (PDF)</p>`, 1},
		{"tech-mixed-content", "", `<img src="http://cdn.example.com/a.png" alt=""><img src="https://cdn.example.com/b.png" alt=""><a href="http://example.com">x</a>`, 1},
	}
	for _, c := range cases {
		n, r := countOf(t, e, testPage(c.head, c.main), c.id)
		if n != c.want {
			t.Errorf("%s on %q %q: %d findings, want %d: %+v", c.id, c.head, c.main, n, c.want, findingsOf(r, c.id))
		}
	}
}

func TestNoMainLandmarkAndSkipLink(t *testing.T) {
	e := checkEngine()
	in := PageInput{URL: "https://x.gov.uk/", Status: 200, IsHTML: true, Body: []byte(`<html lang="en"><head><title>x</title></head><body><div><a href="/a">A</a></div><p>Text</p></body></html>`)}
	r := e.ScorePage(in)
	if r.Summary.Counts["a11y-landmarks"] != 1 || r.Summary.Counts["a11y-skip-link"] != 1 {
		t.Errorf("landmarks %d skip-link %d, want 1 and 1", r.Summary.Counts["a11y-landmarks"], r.Summary.Counts["a11y-skip-link"])
	}
	r = e.ScorePage(testPage("", "<p>x</p>"))
	if r.Summary.Counts["a11y-landmarks"] != 0 || r.Summary.Counts["a11y-skip-link"] != 0 {
		t.Errorf("landmarks %d skip-link %d, want 0 and 0", r.Summary.Counts["a11y-landmarks"], r.Summary.Counts["a11y-skip-link"])
	}
}

func TestHTMLLang(t *testing.T) {
	e := checkEngine()
	for lang, want := range map[string]int{`lang="en-GB"`: 0, `lang="en"`: 0, ``: 1, `lang=""`: 1, `lang="english language"`: 1} {
		in := PageInput{URL: "https://x.gov.uk/", IsHTML: true, Body: []byte(`<html ` + lang + `><head><title>x</title></head><body><main><p>hi</p></main></body></html>`)}
		if n, _ := countOf(t, e, in, "a11y-html-lang"); n != want {
			t.Errorf("%s: %d findings, want %d", lang, n, want)
		}
	}
}

// Text in menus, headers, footers and cookie banners is not judged.
func TestMainContentOnly(t *testing.T) {
	e := checkEngine()
	r := e.ScorePage(testPage("", `<p>Plain words.</p><div class="cookie-banner">WE USE COOKIES ON THIS SITE &amp; MORE</div>`))
	for _, id := range []string{"lgd-block-capitals", "lgd-ampersand", "lgd-council-plural", "lgd-year-range", "lgd-click-here"} {
		if r.Summary.Counts[id] != 0 {
			t.Errorf("%s judged chrome text: %+v", id, findingsOf(r, id))
		}
	}
	// without <main>: body minus header, nav, footer
	in := PageInput{URL: "https://x.gov.uk/", IsHTML: true, Body: []byte(`<html lang="en"><body><nav>ROADS &amp; TRAVEL</nav><div>Roads &amp; travel</div><footer>A &amp; B</footer></body></html>`)}
	if n, r := countOf(t, e, in, "lgd-ampersand"); n != 1 {
		t.Errorf("ampersand outside main: %d, want 1: %+v", n, findingsOf(r, "lgd-ampersand"))
	}
}

func TestWelshNotJudged(t *testing.T) {
	e := checkEngine()
	// whole page in Welsh
	in := PageInput{URL: "https://x.gov.uk/", IsHTML: true, Body: []byte(`<html lang="cy"><head><title>Biniau</title></head><body><main><p>Mae'r Cyngor are ar 2012-13 &amp; 1730hrs.</p></main></body></html>`)}
	r := e.ScorePage(in)
	if _, ok := r.Summary.Counts["lgd-ampersand"]; ok {
		t.Error("English rule applied to a Welsh page")
	}
	found := false
	for _, na := range r.NotApplied {
		if strings.HasPrefix(na, "lgd-ampersand:") && strings.Contains(na, "cy") {
			found = true
		}
	}
	if !found {
		t.Errorf("NotApplied does not name lgd-ampersand and cy: %v", r.NotApplied)
	}
	if _, ok := r.Summary.Counts["a11y-image-alt"]; !ok {
		t.Error("language-independent check not applied to a Welsh page")
	}
	// a bilingual page: the Welsh part is skipped, the English part judged
	r = e.ScorePage(testPage("", `<p lang="cy">Ffyrdd &amp; trafnidiaeth</p><p>Roads &amp; transport</p><div lang="gd"><p>Rathaidean &amp; còmhdhail</p><p lang="en">Back &amp; forth</p></div>`))
	if n := r.Summary.Counts["lgd-ampersand"]; n != 2 {
		t.Errorf("bilingual page: %d ampersands, want 2 (English only): %+v", n, findingsOf(r, "lgd-ampersand"))
	}
	if !strings.Contains(r.LangNote, "cy") {
		t.Errorf("LangNote %q does not mention cy", r.LangNote)
	}
}

func TestEvidence(t *testing.T) {
	e := checkEngine()
	r := e.ScorePage(testPage("", `<div class="x"><p id="fee">The fee is £75.00 a year.</p></div><p>Second <img src="a.png"></p>`))
	f := findingsOf(r, "lgd-money-format")
	if len(f) != 1 || f[0].Selector != "#fee" || !strings.Contains(f[0].Snippet, "£75.00") || len(f[0].Matched) != 1 || f[0].Matched[0] != "£75.00" || f[0].URL == "" {
		t.Errorf("money evidence: %+v", f)
	}
	im := findingsOf(r, "a11y-image-alt")
	if len(im) != 1 || im[0].Selector != "#main > p:nth-child(3) > img:nth-child(1)" || im[0].Snippet != "a.png" {
		t.Errorf("image evidence: %+v", im)
	}
	if got := r.Summary.Title; got != "Bin collections" {
		t.Errorf("title %q", got)
	}
}

func TestTechPageChecks(t *testing.T) {
	e := checkEngine()
	in := testPage("", "<p>x</p>")
	in.Status, in.RedirectHops, in.TTFB, in.Total = 404, 3, 2*time.Second, 5*time.Second
	r := e.ScorePage(in)
	if r.Summary.Counts["tech-status"] != 2 || r.Summary.Counts["tech-response-time"] != 2 {
		t.Errorf("status %d response %d, want 2, 2", r.Summary.Counts["tech-status"], r.Summary.Counts["tech-response-time"])
	}
	if _, ok := r.Summary.Counts["lgd-ampersand"]; ok {
		t.Error("content checks ran on an error page")
	}
	in = testPage("", "<p>x</p>")
	r = e.ScorePage(in)
	if _, ok := r.Summary.Counts["tech-response-time"]; ok {
		t.Error("response time judged without timings")
	}
	in.Body = append(in.Body, []byte(strings.Repeat("<!-- padding -->", 30000))...)
	if n, _ := countOf(t, e, in, "tech-page-weight"); n != 1 {
		t.Errorf("page weight: %d, want 1", n)
	}
	r = e.ScorePage(PageInput{URL: "https://x.gov.uk/a.pdf", Status: 200, ContentType: "application/pdf", Body: []byte("%PDF")})
	if len(r.Findings) != 0 || len(r.NotApplied) == 0 {
		t.Errorf("non-HTML page: findings %v, not applied %d", r.Findings, len(r.NotApplied))
	}
}

func TestCatalogue(t *testing.T) {
	cat := Catalog()
	seen := map[string]bool{}
	cats := map[string]bool{}
	for _, c := range cat {
		if seen[c.ID] || c.ID == "" || c.Description == "" || c.RuleURL == "" || c.RuleRef == "" || (c.Level != LevelPage && c.Level != LevelSite) {
			t.Errorf("bad or duplicate check %+v", c)
		}
		seen[c.ID] = true
		cats[c.Category] = true
	}
	// the 64 checks of the catalogue, and the documented project additions
	if add := len(ProjectAdditions()); len(cat) != 64+add || len(cats) != 6 {
		t.Errorf("%d checks in %d categories, want %d (64 and %d additions) in 6", len(cat), len(cats), 64+add, add)
	}
	for _, d := range checkDefs() {
		if (d.page == nil) == (d.site == nil) || (d.page != nil) != (d.Level == LevelPage) {
			t.Errorf("%s: level %s does not match its function", d.ID, d.Level)
		}
	}
	ts := Tasks()
	ids := map[string]bool{}
	for _, tk := range ts {
		if ids[tk.ID] || len(tk.Words) == 0 {
			t.Errorf("bad task %+v", tk)
		}
		ids[tk.ID] = true
	}
	if len(ts) != 16 || !ids["pay-council-tax"] {
		t.Errorf("%d tasks", len(ts))
	}
}

// Computer text (code, sample output, keyboard input) is not prose: the
// writing rules skip it, but a link's name still includes it.
func TestCodeIsNotProse(t *testing.T) {
	e := checkEngine()
	in := testPage("", `<p>Avoid link text such as <code>click here</code> and <samp>Roads &amp; travel</samp>; press <kbd>CTRL &amp; S</kbd>.</p><p>Roads &amp; travel.</p><p><a href="/pay"><code>Pay</code> your council tax</a></p>`)
	if n, r := countOf(t, e, in, "lgd-ampersand"); n != 1 {
		t.Errorf("ampersand findings %d, want 1 (the prose one): %+v", n, findingsOf(r, "lgd-ampersand"))
	}
	if n, r := countOf(t, e, in, "lgd-click-here"); n != 0 {
		t.Errorf("click-here judged quoted code: %+v", findingsOf(r, "lgd-click-here"))
	}
	if n, r := countOf(t, e, in, "a11y-link-name"); n != 0 {
		t.Errorf("a link named partly by <code> lost its name: %+v", findingsOf(r, "a11y-link-name"))
	}
}

// chromeKind is a one-pass scan; it must agree with the plain definition.
func TestChromeKindMatchesDefinition(t *testing.T) {
	def := func(s string) int {
		if strings.Contains(s, "cookie") || strings.Contains(s, "consent") || strings.Contains(s, "gdpr") {
			return 2
		}
		for _, k := range []string{"nav", "menu", "breadcrumb", "browse", "footer", "masthead", "accesskey", "skiplink", "skip-link"} {
			if strings.Contains(s, k) {
				return 1
			}
		}
		for _, f := range strings.Fields(s) {
			if f == "header" || f == "site-header" || f == "sidebar" {
				return 1
			}
		}
		return 0
	}
	inputs := []string{"", "govuk-grid-row", "main-nav", "site-header", "header", "page-header", "sidebar", "sidebar-left",
		"cookie-banner nav", "nav gdpr", "consent", "skip-link", "skiplink", "breadcrumbs", "footer-links", "masthead",
		"accesskeys", "menu", "x header y", "headers", "c", "coo", "gdp", "s", "h", "na"}
	words := []string{"nav", "cookie", "header", "side", "bar", "foot", "er", "skip", "-", "link", " ", "gd", "pr", "x", "menu", "sidebar", "site-", "brow", "se"}
	for i := 0; i < 2000; i++ {
		var b strings.Builder
		for j := 0; j < 1+(i*7+j*3)%5; j++ {
			b.WriteString(words[(i*31+j*17)%len(words)])
		}
		inputs = append(inputs, b.String())
	}
	for _, in := range inputs {
		// ids and classes are read in any case
		for _, v := range []string{in, strings.ToUpper(in), mixedCase(in)} {
			if got, want := chromeKind(v), def(in); got != want {
				t.Errorf("chromeKind(%q) = %d, want %d", v, got, want)
			}
		}
	}
}

// mixedCase upper-cases every other letter of s.
func mixedCase(s string) string {
	b := []byte(s)
	for i := 0; i < len(b); i += 2 {
		b[i] = byte(unicode.ToUpper(rune(b[i])))
	}
	return string(b)
}

// Every prefilter is a necessary condition of its regexp: whenever the
// regexp matches a text, the prefilter lets the text through. Texts are the
// standard's own examples and many generated mixes of their pieces.
func TestPrefiltersNeverHideAMatch(t *testing.T) {
	e := checkEngine()
	texts := []string{"PAY YOUR COUNCIL TAX", "D'ARCY AND SONS LTD", "THE COUNCIL-TAX BILL", "10am - 11am", "10-11am", "9.30am – 5pm",
		"17:30", "1730hrs", "the Council are", "Council Tax have", "2012-13", "2012/3", "£75.00", "£0.7million", "£2m", "£3.5bn", "4p", "1st June",
		"Form 21B", "E-mail", "e mail", "eBusiness", "EBusiness", "North West", "Tel: 01234", "Mob.", "e.g. this", "B.B.C.", "Roads & travel",
		"write to x@y.gov.uk", "it was paid", "200-400", "3 bins", "SOUTH EAST REGION", "A B C", "AB C D", "AB’C DE F",
		"Monday-Friday", "Monday – Friday", "12.05pm", "07:46PM", "9.30 a.m.",
		// the 2026.2 text rules
		"March 21, 2019", "Sept 3rd,2020", "April 2017 - March 2018", "Jan 2019–Dec 2019", "90%", "5 %", "the above link", "this link on the right",
		"links on the left", "in the related documents section", "on the right-hand side of this page", "Local Planning Authorities", "Local Authority",
		"23/05/2018", "1.2.2003", "01-02-19", "3/4-2019",
		"the County Council", "The Council", "the  Council", "Council Members are", "the council have", "Council are", "Council Tax have", "council Cabinet agreed",
		"Form 21B", "form A1", "SA100 form", "FORM 2", "form 12", "the Council Tax"}
	pieces := []string{"COUNCIL", "TAX", "UK", "D'ARCY", "A", "B", "AB", "’", "x", "Council", "the", "are", "10", "9", "1730", "hrs",
		"10am", "11am", "am", "pm", "30", "2012", "13", "£", "0.7", "m", "4p", "1st", "June", "Form", "21B", "e", "E", "mail", "Mail",
		"Business", "North", "West", "Tel", "Mob", "e.g.", "&", "is", "paid", "200", "400", "hours", "AM", "PM", "(", ")", ","}
	seps := []string{" ", "", "-", " - ", " – ", ":", ".", "/", "\n", "  "}
	for i := 0; i < 30000; i++ {
		var sb strings.Builder
		for j := 0; j < 2+i%6; j++ {
			if j > 0 {
				sb.WriteString(seps[(i*7+j*13+i/len(pieces))%len(seps)])
			}
			sb.WriteString(pieces[(i*131+j*977+j*j*31+i/97)%len(pieces)])
		}
		texts = append(texts, sb.String())
	}
	// Denser mixes for the rules whose matches need several pieces in a row.
	for _, set := range [][]string{
		{"COUNCIL", "TAX", "UK", "D'ARCY", "A", "AB", "’", "X", "Y", "x", "(", ","},
		{"10", "9", "11", "9.30", "10:30", "am", "pm", "AM", "PM", "10am", "5pm", "x"},
		{"March", "21", "2019", "Sept", "3rd", "April", "2017", "Jan", "Dec", "%", "5", "23", "05", "1", "x"},
		{"link", "links", "the", "this", "above", "on", "right", "left", "hand", "side", "of", "page", "Local", "Planning", "Authority", "Authorities", "x"},
		{"the", "The", "he", "County", "District", "Council", "council", "Council's", "Members", "are", "have", "were", "agree", "agreed", "x"},
		{"Form", "form", "orm", "21B", "A1", "SA100", "2", "x", "AB", "12c"},
	} {
		for i := 0; i < 5000; i++ {
			var sb strings.Builder
			for j := 0; j < 2+i%5; j++ {
				if j > 0 {
					sb.WriteString(seps[(i*3+j*7+i/11)%len(seps)])
				}
				sb.WriteString(set[(i*17+j*29+j*j*5+i/13)%len(set)])
			}
			texts = append(texts, sb.String())
		}
	}
	matched := map[string]int{}
	for _, s := range texts {
		f, words := blockFacts(s)
		if words != countWords(s) {
			t.Errorf("blockFacts(%q) counts %d words, countWords %d", s, words, countWords(s))
		}
		b := textBlock{text: s, flags: f}
		for re, pre := range e.pre {
			if re.MatchString(s) {
				matched[re.String()]++
				if !pre(&b) {
					t.Errorf("prefilter of %s hides a match in %q", re, s)
				}
			}
		}
	}
	for re := range e.pre {
		if matched[re.String()] == 0 {
			t.Errorf("no text matches %s: the test does not exercise its prefilter", re)
		}
	}
}

// elemKind reads blockTags and skipTags by atom: it must say what the maps
// say of every tag, known to the parser or not.
func TestElemKindAgreesWithMaps(t *testing.T) {
	tags := []string{"p", "li", "div", "br", "span", "a", "b", "td", "table", "script", "style", "svg", "template", "main",
		"header", "img", "input", "select", "my-widget", "x", "h1", "h7", "option", "iframe", "object", "canvas", "math"}
	for tag := range blockTags {
		tags = append(tags, tag)
	}
	for tag := range skipTags {
		tags = append(tags, tag)
	}
	for _, tag := range tags {
		n := &html.Node{Type: html.ElementNode, Data: tag, DataAtom: atom.Lookup([]byte(tag))}
		k := elemKind(n)
		if got, want := k&ekBlock != 0, blockTags[tag]; got != want {
			t.Errorf("%s: block %v, want %v", tag, got, want)
		}
		if got, want := k&ekSkip != 0, skipTags[tag]; got != want {
			t.Errorf("%s: skip %v, want %v", tag, got, want)
		}
	}
}

// saysNewWindow reads plain ASCII link text without the regexp: it must say
// what the prefilter and the regexp say.
func TestSaysNewWindowAgreesWithRegexp(t *testing.T) {
	re := newRegexps().newWindow
	pieces := []string{"new", "New", "NEW", " ", "  ", "window", "Window", "tab", "TAB", "tabs", "opens", "Opens", "in", "IN", "external", "External",
		"site", "website", "link", "Link", "x", "é", "-", "(", ")", "\u212a", "newwindow"}
	said := 0
	for i := 0; i < 30000; i++ {
		var sb strings.Builder
		for j := 0; j < 1+i%6; j++ {
			sb.WriteString(pieces[(i*131+j*977+j*j*31+i/97)%len(pieces)])
			if (i/3+j)%4 != 0 {
				sb.WriteString(" ")
			}
		}
		s := sb.String()
		want := (containsFold(s, "new ") || containsFold(s, "opens in") || containsFold(s, "external ")) && re.MatchString(s)
		if want {
			said++
		}
		if got := saysNewWindow(s, re); got != want {
			t.Errorf("saysNewWindow(%q) = %v, want %v", s, got, want)
		}
	}
	if said < 1000 {
		t.Errorf("only %d texts say so: the test reads too little", said)
	}
}

// syllablesIn reads ASCII by table: the same counts as reading rune by rune
// and comparing bytes with the vowels.
func TestSyllablesInByRune(t *testing.T) {
	syllables := func(w string) int {
		n, prevV := 0, false
		for i := 0; i < len(w); i++ {
			c := w[i] | 0x20 // ASCII lower case
			v := c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'
			if v && !prevV {
				n++
			}
			prevV = v
		}
		if l := len(w); l > 2 && w[l-1]|0x20 == 'e' && w[l-2]|0x20 != 'l' && n > 1 {
			n--
		}
		if n == 0 {
			n = 1
		}
		return n
	}
	ref := func(s string) int {
		n, start := 0, -1
		for i, r := range s {
			if unicode.IsLetter(r) {
				if start < 0 {
					start = i
				}
				continue
			}
			if start >= 0 {
				n += syllables(s[start:i])
				start = -1
			}
		}
		if start >= 0 {
			n += syllables(s[start:])
		}
		return n
	}
	pieces := []string{"a", "e", "Y", "x", "the", "table", "Idea", " ", "-", "é", "café", "日本", "\xff", "queue", "’", "1", "ÆON"}
	for i := 0; i < 20000; i++ {
		var sb strings.Builder
		for j := 0; j < i%12; j++ {
			sb.WriteString(pieces[(i*7+j*13+j*j*3+i/7)%len(pieces)])
		}
		s := sb.String()
		if got, want := syllablesIn(s), ref(s); got != want {
			t.Fatalf("syllablesIn(%q) = %d, want %d", s, got, want)
		}
	}
}

// spelledOut finds an acronym's brackets at each place it is: what the four
// searches of its definition find.
func TestSpelledOutDefinition(t *testing.T) {
	def := func(text, acr string) bool {
		return strings.Contains(text, "("+acr+")") || strings.Contains(text, "("+acr+"s)") || strings.Contains(text, "("+acr+"’s)") || strings.Contains(text, acr+" (")
	}
	pieces := []string{"GLA", "GL", "A", "(", ")", "s", "’", "’s", " ", "x", "GLAGLA", "Greater London Authority"}
	for i := 0; i < 30000; i++ {
		var sb strings.Builder
		for j := 0; j < i%9; j++ {
			sb.WriteString(pieces[(i*7+j*13+j*j*3+i/7)%len(pieces)])
		}
		text := sb.String()
		for _, acr := range []string{"GLA", "GL", "AGL", "A", ""} {
			if got, want := spelledOut(text, acr), def(text, acr); got != want {
				t.Fatalf("spelledOut(%q, %q) = %v, want %v", text, acr, got, want)
			}
		}
	}
}

// countWords counts runs of letters and digits, joined by apostrophes (' ’)
// and hyphens, rune by rune as the definition reads.
func TestCountWordsDefinition(t *testing.T) {
	def := func(s string) int {
		n, in := 0, false
		for _, r := range s {
			switch {
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				if !in {
					n++
				}
				in = true
			case r == '\'' || r == '-' || r == '’':
			default:
				in = false
			}
		}
		return n
	}
	alphabet := []string{"a", "B", " ", "\n", "\u00a0", "é", "’", "'", "-", "日本", "9", "\xff", "\xe2\x80", "£", "“", "—", "x-y", "don’t", "ö1", "_", "'a", ".", "٣"}
	for i := 0; i < 20000; i++ {
		var sb strings.Builder
		for j := 0; j < i%11; j++ {
			sb.WriteString(alphabet[(i*7+j*13+j*j*3+i/7)%len(alphabet)])
		}
		s := sb.String()
		if got, want := countWords(s), def(s); got != want {
			t.Fatalf("countWords(%q) = %d, want %d", s, got, want)
		}
	}
}

// blockFacts counts words as countWords does, whatever the text.
func TestBlockFactsCountsWords(t *testing.T) {
	alphabet := []string{"a", "B", " ", "\n", "\u00a0", "é", "’", "'", "-", "日本", "9", "\xff", "\xe2\x80", "£", "“", "—", "x-y", "don’t", "ö1"}
	for i := 0; i < 20000; i++ {
		var sb strings.Builder
		for j := 0; j < i%11; j++ {
			sb.WriteString(alphabet[(i*7+j*13+j*j*3+i/7)%len(alphabet)])
		}
		s := sb.String()
		if _, got := blockFacts(s); got != countWords(s) {
			t.Fatalf("blockFacts(%q) counts %d words, countWords %d", s, got, countWords(s))
		}
	}
}

// The walker reads a link's attributes in its one pass over them: what it
// keeps is what attr reads, on a made-up page and the shared pages.
func TestLinkAttributesAsAttrReadsThem(t *testing.T) {
	ins := []PageInput{testPage("", `<p>See <a href="/a" target="_blank" title=" T " aria-label="L" tabindex="2">this</a> and <a href="" aria-labelledby="x">that</a> <a>none</a></p>`)}
	files, _ := globPages()
	for _, f := range files {
		in, err := sharedPageInput(f)
		if err != nil {
			t.Fatal(err)
		}
		ins = append(ins, in)
	}
	n := 0
	for _, in := range ins {
		p := parsePage(in)
		for _, l := range p.links {
			n++
			href, _ := attr(l.node, "href")
			if l.href != href || l.target != attrv(l.node, "target") || l.title != attrv(l.node, "title") || l.ariaLabel != hasAriaName(l.node) ||
				l.ariaLabel && l.aria != attrv(l.node, "aria-label") {
				t.Errorf("%s: link %+v does not keep its attributes %v", in.URL, l, l.node.Attr)
			}
		}
		for _, ti := range p.tabindex {
			if v := attrv(ti.node, "tabindex"); strings.TrimSpace(v) == "" {
				t.Errorf("%s: tabindex %d kept for %v", in.URL, ti.level, ti.node.Attr)
			}
		}
	}
	if n < 3 {
		t.Errorf("only %d links read", n)
	}
}

// An invalid byte is read as U+FFFD, as the text of a rune.
func TestCollapseInvalidUTF8(t *testing.T) {
	for in, want := range map[string]string{"a\xffb": "a\ufffdb", "  \xff  x\n\xe2\x80": "\ufffd x \ufffd\ufffd", "\xed\xa0\x80 é": "\ufffd\ufffd\ufffd é"} {
		if got := collapse(in); got != want {
			t.Errorf("collapse(%q) = %q, want %q", in, got, want)
		}
	}
}

// collapse folds white space (including no-break spaces) into single spaces
// and trims: the same as splitting into fields and joining them.
func TestCollapseMatchesFields(t *testing.T) {
	alphabet := []string{"a", "B", " ", "  ", "\n", "\t", "\u00a0", "é", "’", "-", "x y", "\r\n", "\u2003", "9"}
	want := func(s string) string {
		return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\u00a0' }), " ")
	}
	for i := 0; i < 20000; i++ {
		var sb strings.Builder
		for j := 0; j < i%9; j++ {
			sb.WriteString(alphabet[(i*7+j*11+j*j*3+i/5)%len(alphabet)])
		}
		s := sb.String()
		if got := collapse(s); got != want(s) {
			t.Fatalf("collapse(%q) = %q, want %q", s, got, want(s))
		}
		if got := collapseText([]byte(s)); got != want(s) {
			t.Fatalf("collapseText(%q bytes) = %q, want %q", s, got, want(s))
		}
	}
}

// TestMayClickHereNeverDropsAMatch: the prefilter of lgd-click-here only
// rules out text the regexp cannot match: every phrase of the rule (and
// the link texts of the shared pages) that the regexp matches passes it.
// saysClickHere reads plain ASCII link text by look-up: it must say what
// the regexp says, on the phrases, near misses and the shared pages' links.
func TestSaysClickHereAgreesWithRegexp(t *testing.T) {
	re := newRegexps().clickHere
	texts := []string{"view / download", "view/download", "view \t/\n download", "view //download", "view/ download/view", "viewdownload",
		"download/view", "download  /view", "view/", "/download", "view /  downloads", "is  available here", "it is available here", "ſee here"}
	for ph := range clickHerePhrases {
		texts = append(texts, ph, ph+" ", " "+ph, ph+"s", strings.ToUpper(ph), strings.ReplaceAll(ph, " ", "  "), strings.ReplaceAll(ph, " ", "\t"))
	}
	files, _ := globPages() // the shared pages add real link texts when present
	for _, f := range files {
		in, err := sharedPageInput(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range parsePage(in).links {
			texts = append(texts, strings.Trim(strings.ToLower(l.text), " .:…>»›!"))
		}
	}
	matched := 0
	for _, s := range texts {
		want := re.MatchString(s)
		if want {
			matched++
		}
		if got := saysClickHere(s, re); got != want {
			t.Errorf("saysClickHere(%q) = %v, regexp says %v", s, got, want)
		}
	}
	if matched < len(clickHerePhrases) {
		t.Errorf("only %d texts match: the test reads too little", matched)
	}
}

func TestMayClickHereNeverDropsAMatch(t *testing.T) {
	e := NewEngine(CurrentMethod())
	texts := []string{"click here", "click", "here", "read more", "more", "link", "this link", "more info",
		"more information", "click here for more information", "find out more here", "this", "link here",
		"download", "download here", "click to download", "click here to download", "click here to view", "view",
		"view here", "view/download", "view   /   download", "download / view", "is available here",
		"are available here", "available here", "see here", "ſee here", "more informations", "clicking here"}
	files, _ := globPages() // the shared pages add real link texts when present
	for _, f := range files {
		in, err := sharedPageInput(f)
		if err != nil {
			t.Fatal(err)
		}
		p := parsePage(in)
		for _, l := range p.links {
			texts = append(texts, strings.Trim(strings.ToLower(l.text), " .:…>»›!"))
		}
	}
	matched := 0
	for _, s := range texts {
		if s == "" || !e.rx.clickHere.MatchString(s) {
			continue
		}
		matched++
		if !mayClickHere(s) {
			t.Errorf("%q matches the click-here rule but the prefilter drops it", s)
		}
	}
	if matched < 25 {
		t.Errorf("only %d texts matched the rule: the test reads nothing", matched)
	}
	if mayClickHere("apply for a parking permit online today please") || mayClickHere("planning") {
		t.Error("the prefilter lets through text that cannot match")
	}
}

// TestTaskPrefilterNeverDropsAMatch: the word-start prefilter of the top
// tasks only rules out text a task's regexp cannot match: over the title,
// main heading and address words of every shared page (and a few made-up
// ones), each task the regexp matches passes it.
func TestTaskPrefilterNeverDropsAMatch(t *testing.T) {
	e := NewEngine(CurrentMethod())
	matched, dropped := 0, 0
	for _, a := range taskAbouts(t, e) {
		lower, ascii := lowerIfASCII(a)
		for _, tk := range e.tasks {
			if !tk.re.MatchString(a) {
				if ascii && !tk.mayMatchLower(lower) {
					dropped++
				}
				continue
			}
			matched++
			if ascii && !tk.mayMatchLower(lower) {
				t.Errorf("task %s matches %q but the prefilter drops it", tk.ID, a)
			}
		}
	}
	if matched < 10 || dropped == 0 {
		t.Errorf("%d matches, %d ruled out: the test reads too little", matched, dropped)
	}
}

// TestTaskMatchLowerAgreesWithRegexp: the scanner that reads plain ASCII
// titles for top tasks says what each task's regexp says.
func TestTaskMatchLowerAgreesWithRegexp(t *testing.T) {
	e := NewEngine(CurrentMethod())
	abouts := taskAbouts(t, e)
	for _, tk := range e.tasks { // near misses: joins, boundaries and cases
		for _, w := range tk.Words {
			for _, v := range []string{strings.ReplaceAll(w, " ", " - "), strings.ReplaceAll(w, " ", "\t\n"), strings.ReplaceAll(w, " ", "_"),
				strings.ReplaceAll(w, " ", "--"), strings.ReplaceAll(w, " ", " \v "), strings.ToUpper(w), "x" + w, w + "s", w + "_", "_" + w, w + "9",
				"(" + w + ")", w + "-", "-" + w, w[:len(w)-1], "a " + w + " b"} {
				abouts = append(abouts, v)
			}
		}
	}
	matched, phrased := 0, 0
	for _, a := range abouts {
		lower, ascii := lowerIfASCII(a)
		if !ascii {
			continue
		}
		for _, tk := range e.tasks {
			if tk.phrases == nil {
				continue
			}
			phrased++
			want := tk.re.MatchString(a)
			if want {
				matched++
			}
			if got := tk.matchLower(lower); got != want {
				t.Errorf("task %s on %q: scanner %v, regexp %v", tk.ID, a, got, want)
			}
		}
	}
	if matched < 100 || phrased == 0 {
		t.Errorf("%d matches of %d tries: the test reads too little", matched, phrased)
	}
}

// taskAbouts are texts to read for top tasks: titles and addresses built
// from the tasks' own words, and the shared pages' titles when present.
func taskAbouts(t *testing.T, e *Engine) []string {
	abouts := []string{"Bin collection days", "Pay your council tax", "council-tax/pay", "Report a pothole",
		"Planning applications search", "Parking permits", "cabinet meeting", "Recycling_centres", "Housing benefit"}
	for _, tk := range e.tasks { // every phrase of every task, as a title and as an address
		for _, w := range tk.Words {
			abouts = append(abouts, "Apply: "+w+" online", "x \n "+pathWords.Replace("/"+strings.ReplaceAll(w, " ", "-")))
		}
	}
	files, _ := globPages() // the shared pages add real titles when present
	for _, f := range files {
		in, err := sharedPageInput(f)
		if err != nil {
			t.Fatal(err)
		}
		p := parsePage(in)
		about := p.title + " \n " + collapse(p.h1Text)
		if p.base != nil {
			about += " \n " + pathWords.Replace(p.base.Path)
		}
		abouts = append(abouts, about)
	}
	return abouts
}
