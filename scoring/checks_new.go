package scoring

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Checks added in method 2026.2 (issue 10 §4): breaches of the LocalGov
// Digital Content Standard that a reader found and the catalogue had no
// check for. Each is a project addition (see ProjectAdditions), tied to
// the standard's words in its catalogue description.

// checkRegexps2026 are the regexps of the 2026.2 checks, compiled once per Engine.
type checkRegexps2026 struct {
	webAddress, fileName, fileDigit, acronym    *regexp.Regexp
	bulletAnd                                   *regexp.Regexp
	dateNumeric, dateUS, monthRange, numberWord *regexp.Regexp
	percent, needlessCaps, linksElsewhere       *regexp.Regexp
}

func newNewRegexps() *checkRegexps2026 {
	m := regexp.MustCompile
	return &checkRegexps2026{
		webAddress:     m(`(?i)^(?:https?://\S+|www\.\S+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:gov\.uk|org\.uk|co\.uk|ac\.uk|nhs\.uk|uk|com|org|net|gov|info|eu)(?:/\S*)?)$`),
		fileName:       m(`(?i)^\S+\.(?:pdf|docx?|xlsx?|csv|zip|odt|ods|odp|json|geojson|kml|kmz|shp|txt|rtf|pptx?|xml)$|^[a-z0-9]+(?:[_][a-z0-9.\-]+){2,}$`),
		fileDigit:      m(`\d|\.[a-z]{2,4}$`),
		acronym:        m(`\b[A-Z]{2,6}s?\b`),
		bulletAnd:      m(`(?i)(?:^|[\s;,])(?:and|or)\s*$`),
		dateNumeric:    m(`\b(\d{1,2})([/.\-])(\d{1,2})([/.\-])(\d{4}|\d{2})\b`),
		dateUS:         m(`\b` + monthRe + `\.?\s+\d{1,2}(?:st|nd|rd|th)?,\s*(?:19|20)\d{2}\b`),
		monthRange:     m(`\b` + monthRe + `\s+(?:19|20)\d{2}\s?[\-–—]\s?` + monthRe + `\s+(?:19|20)\d{2}\b`),
		numberWord:     m(`(?i)\b(?:eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?\b`),
		percent:        m(`\d\s?%`),
		needlessCaps:   m(`\b(?:Local Planning Authorit(?:y|ies)|Local Authorit(?:y|ies)|Planning Authorit(?:y|ies))\b`),
		linksElsewhere: m(`(?i)\b(?:the|this|that)\s+above\s+links?\b|\b(?:the|this|that)\s+links?\s+(?:above|on the (?:right|left)|to the (?:right|left))\b|\blinks?\s+on the (?:right|left)\b|\bin the related (?:content|links|documents|pages|information) (?:section|box|panel|area)\b|\b(?:on|at) the (?:right|left)[- ]hand side of (?:this|the) (?:web ?)?page\b`),
	}
}

// chkLinkText: LGD 1.4 "describe what you're linking to": a link whose text
// is a raw web address ("https://www.gov.uk/guidance/...") or a bare file
// name ("brownfield-land.csv", "register_2019-12-31_rev1") says nothing a
// reader can use. The fixed phrases ("click here", "download") are
// lgd-click-here's.
func chkLinkText(e *Engine, p *page, em *emitter) {
	for li := range p.links {
		l := &p.links[li]
		if l.hidden || !p.inMain(l.zone) || l.control || l.widget != "" || l.isMailto || noDestination(l.href) {
			continue
		}
		t := strings.Trim(l.text, " .,;:()[]")
		if t == "" || strings.ContainsAny(t, " \t") || strings.Contains(t, "@") || strings.EqualFold(t, "gov.uk") {
			continue
		}
		switch {
		case e.nrx.webAddress.MatchString(t) && p.addressAsData(l):
			// an address given as data (a table of pages, "Website: ..."), not a link in a sentence
		case e.nrx.webAddress.MatchString(t):
			em.add(SevWarning, l.node, l.text, []string{t}, "Link text is a web address: say what the page is (\"brownfield land registers guidance on GOV.UK\")")
		case e.nrx.fileName.MatchString(t) && e.nrx.fileDigit.MatchString(t):
			// (a file name has a date, a number or an extension; "arrow_drop_down" is an icon's name)
			em.add(SevWarning, l.node, l.text, []string{t}, "Link text is a file name: say what the document is, with its type and size")
		}
	}
}

// addressAsData reports whether a link stands as a value, not in a
// sentence: in a cell of a data table (a list of pages with their
// addresses), or as the value of a field labelled as an address
// ("Website:", "Page:"). LGD 1.4's "make the link text flow within the sentence" is
// about links in prose; a web address given as data is the data (a file
// name standing for a document is still the document's only name).
func (p *page) addressAsData(l *linkInfo) bool {
	if l.blockAt < 0 || l.blockAt >= len(p.blocks) {
		return false
	}
	b := &p.blocks[l.blockAt]
	if b.node != l.blockNode {
		return false
	}
	if b.cell != nil && p.dataCell(b) {
		return true
	}
	if dd := b.node; dd != nil && dd.Type == html.ElementNode && dd.Data == "dd" {
		// a description list's value: <dt>Website</dt><dd><a>...</a></dd>
		for dt := dd.PrevSibling; dt != nil; dt = dt.PrevSibling {
			if dt.Type == html.ElementNode {
				return dt.Data == "dt" && addressLabels[strings.ToLower(strings.Trim(collapse(textOf(dt)), " :"))]
			}
		}
	}
	i := strings.Index(b.text, l.text)
	if i < 0 {
		return false
	}
	label, ok := strings.CutSuffix(strings.TrimSpace(b.text[:i]), ":")
	return ok && addressLabels[strings.ToLower(strings.TrimSpace(label))]
}

// addressLabels are the field labels that introduce a web address as the
// value: "Website: www.example.org.uk".
var addressLabels = map[string]bool{"website": true, "web site": true, "web": true, "web address": true, "page": true, "url": true,
	"address": true, "site": true, "online": true, "internet": true, "link": true, "homepage": true, "home page": true}

// wellKnownAcronyms need no spelling out (LGD 1.2 "Well-known abbreviations
// and acronyms (e.g. BBC, UK) are acceptable"), with units, file types and
// Roman numerals, which are not acronyms to explain.
var wellKnownAcronyms = map[string]bool{
	"UK": true, "BBC": true, "NHS": true, "EU": true, "GP": true, "MP": true, "VAT": true, "PDF": true, "CSV": true, "HTML": true,
	"URL": true, "FAQ": true, "ID": true, "IT": true, "TV": true, "PC": true, "OK": true, "AM": true, "PM": true, "USA": true, "US": true,
	"UN": true, "DVLA": true, "MOT": true, "ATM": true, "DIY": true, "GCSE": true, "CCTV": true, "PIN": true, "KB": true, "MB": true,
	"GB": true, "KM": true, "HA": true, "II": true, "III": true, "IV": true, "VI": true, "VII": true, "VIII": true, "IX": true, "XI": true,
	"XII": true, "CV": true, "SMS": true, "GOV": true, "OS": true, "PO": true, "DOC": true, "DOCX": true, "XLS": true, "XLSX": true,
	"ODS": true, "ODT": true, "RTF": true, "JPG": true, "PNG": true, "GIS": true, "WC": true, "HGV": true, "RSS": true,
	"HM": true, "NB": true, "PS": true, "ZIP": true, "KML": true, "KMZ": true, "SHP": true, "TXT": true, "XML": true, "JSON": true, "API": true, "PPT": true, "PPTX": true,
}

// chkAcronyms (advisory): LGD 1.2 "always spell out acronyms or
// abbreviations in full the first time you use them". An acronym of two to
// six capitals that the page never introduces ("Greater London Authority
// (GLA)", "GLA (Greater London Authority)" or an abbr title) is a candidate
// for the editor to check: whether an acronym is well known needs a
// person. Codes ("13/00976/FUL") and file types are not acronyms.
func chkAcronyms(e *Engine, p *page, em *emitter) {
	text := p.mainText // the blocks of main content, one a line
	done := map[string]bool{}
	for bi := range p.mainBlocks {
		b := &p.mainBlocks[bi]
		if b.flags&fUpper2 == 0 || shouting(b.text) {
			continue
		}
		for _, m := range acronymMatches(b.text) {
			acr := b.text[m[0]:m[1]]
			if bf, af := runeBefore(b.text, m[0]), runeAfter(b.text, m[1]); bf == '/' || af == '/' || bf == '-' || af == '-' || unicode.IsDigit(bf) {
				continue // part of a code or reference
			}
			key := strings.TrimSuffix(acr, "s")
			if len(key) < 2 || done[key] || wellKnownAcronyms[key] || wellKnownAcronyms[acr] || inEmailToken(b.text, m[0]) {
				continue
			}
			done[key] = true
			if lower := strings.ToLower(key); len(key) > 2 && containsWord(text, lower) {
				continue // a word in capitals ("NOT", "FINAL"): the page uses it in lower case too
			}
			if p.abbrTitle[key] || spelledOut(text, key) {
				continue
			}
			em.add(SevInfo, b.node, around(b.text, m[0], m[1]), []string{key}, "\""+key+"\" is not spelled out on the page: write it in full the first time, with the acronym after it in brackets, unless readers all know it (a candidate for the editor to check)")
		}
	}
}

// acronymMatches finds what checkRegexps2026.acronym finds, in one pass: a
// word (a maximal run of ASCII letters, digits and _) of 2 to 6 capitals,
// with an optional plural "s".
func acronymMatches(s string) [][]int {
	var out [][]int
	for i := 0; i < len(s); {
		if !isWordByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isWordByte(s[j]) {
			j++
		}
		k := j
		if k-i >= 3 && s[k-1] == 's' {
			k--
		}
		if n := k - i; n >= 2 && n <= 6 {
			caps := true
			for x := i; x < k; x++ {
				if s[x] < 'A' || s[x] > 'Z' {
					caps = false
					break
				}
			}
			if caps {
				out = append(out, []int{i, j})
			}
		}
		i = j
	}
	return out
}

// inEmailToken reports whether position i of s is inside an email address.
func inEmailToken(s string, i int) bool {
	lo := strings.LastIndexAny(s[:i], " \t\n") + 1
	hi := strings.IndexAny(s[i:], " \t\n")
	if hi < 0 {
		hi = len(s)
	} else {
		hi += i
	}
	return strings.Contains(s[lo:hi], "@")
}

// containsWord reports whether s has the lower-case word w standing alone.
func containsWord(s, w string) bool {
	for k := 0; ; {
		j := strings.Index(s[k:], w)
		if j < 0 {
			return false
		}
		j += k
		if !isWordRune(runeBefore(s, j)) && !isWordRune(runeAfter(s, j+len(w))) {
			return true
		}
		k = j + len(w)
	}
}

// shouting reports whether more than a third of the letters of s are
// capitals: text in block capitals, where capitals do not mark acronyms.
func shouting(s string) bool {
	up, letters := 0, 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				up++
			}
		}
	}
	return letters > 0 && 3*up > letters
}

// spelledOut reports whether text introduces acronym acr: its words with
// "(ACR)" after them, or "ACR (" with the words after it.
func spelledOut(text, acr string) bool {
	if acr == "" {
		return strings.Contains(text, "()") || strings.Contains(text, "(s)") || strings.Contains(text, "(’s)") || strings.Contains(text, " (")
	}
	// "(ACR)", "(ACRs)", "(ACR’s)" or "ACR (", read at each place acr is
	for k := 0; ; {
		j := strings.Index(text[k:], acr)
		if j < 0 {
			return false
		}
		j += k
		after := text[j+len(acr):]
		if strings.HasPrefix(after, " (") {
			return true
		}
		if j > 0 && text[j-1] == '(' && (strings.HasPrefix(after, ")") || strings.HasPrefix(after, "s)") || strings.HasPrefix(after, "’s)")) {
			return true
		}
		k = j + 1
	}
}

// listItem returns the li element a block belongs to (the block itself, or
// its parent), or nil.
func listItem(n *html.Node) *html.Node {
	for d := 0; n != nil && d < 2; d++ {
		if n.Type == html.ElementNode && n.Data == "li" {
			return n
		}
		n = n.Parent
	}
	return nil
}

// bulletBlocks calls fn with the blocks of the main content that are the
// text of a bullet point: list items written by the editor, not menus or
// lists of links, and not in tables.
func (p *page) bulletBlocks(fn func(b *textBlock, li *html.Node)) {
	if p.bullets == nil {
		p.bullets = []bulletRef{}
		for bi := range p.mainBlocks {
			b := &p.mainBlocks[bi]
			li := listItem(b.node)
			if li == nil || b.cell != nil || b.zone&zQuote != 0 {
				continue
			}
			if w := b.words(); w == 0 || 2*p.linkWordsIn(b.node) > w {
				continue // a list of links
			}
			if holdsControl(li) {
				continue // the options of a form
			}
			p.bullets = append(p.bullets, bulletRef{bi, li})
		}
	}
	for _, r := range p.bullets {
		fn(&p.mainBlocks[r.block], r.li)
	}
}

// bulletRef is a bullet's block (an index into page.mainBlocks) and li.
type bulletRef struct {
	block int
	li    *html.Node
}

// holdsControl reports whether n holds a form control.
func holdsControl(n *html.Node) bool {
	found := false
	var walk func(*html.Node, int)
	walk = func(n *html.Node, d int) {
		for c := n.FirstChild; c != nil && !found && d < 20; c = c.NextSibling {
			if c.Type == html.ElementNode {
				switch c.Data {
				case "input", "select", "textarea", "button":
					found = true
					return
				}
				walk(c, d+1)
			}
		}
	}
	walk(n, 0)
	return found
}

// chkBulletAnd: LGD 1.3 "Don't put 'or', 'and' after the bullets".
func chkBulletAnd(e *Engine, p *page, em *emitter) {
	p.bulletBlocks(func(b *textBlock, li *html.Node) {
		if m := bulletAndIndex(b.text); m != nil {
			em.add(SevInfo, b.node, around(b.text, m[0], len(b.text)), []string{tail(b.text, 80)}, "Bullet ends with \""+strings.TrimSpace(strings.TrimLeft(b.text[m[0]:], ";, "))+"\": leave out \"and\" and \"or\" after bullets")
		}
	})
}

// bulletAndIndex finds what checkRegexps2026.bulletAnd finds, without the
// regexp: "and" or "or" (any case) ending the text, after white space, ";"
// or "," or at its start; the match runs from that character to the end.
func bulletAndIndex(s string) []int {
	t := strings.TrimRight(s, " \t\n\f\r")
	k := -1
	switch {
	case len(t) >= 3 && strings.EqualFold(t[len(t)-3:], "and"):
		k = len(t) - 3
	case len(t) >= 2 && strings.EqualFold(t[len(t)-2:], "or"):
		k = len(t) - 2
	default:
		return nil
	}
	switch {
	case k == 0:
		return []int{0, len(s)}
	case strings.IndexByte(" \t\n\f\r;,", t[k-1]) >= 0:
		return []int{k - 1, len(s)}
	}
	return nil
}

// chkBulletStop: LGD 1.3 "Don't end bullets with a full-stop". One finding
// per list, however many of its bullets end so.
func chkBulletStop(e *Engine, p *page, em *emitter) {
	type list struct {
		first *textBlock
		items []string
	}
	lists := map[*html.Node]*list{}
	var order []*html.Node
	p.bulletBlocks(func(b *textBlock, li *html.Node) {
		t := strings.TrimRight(b.text, " ")
		if !strings.HasSuffix(t, ".") || strings.HasSuffix(t, "..") || countWords(t) < 2 {
			return
		}
		ul := li.Parent
		l := lists[ul]
		if l == nil {
			l = &list{first: b}
			lists[ul] = l
			order = append(order, ul)
		}
		if len(l.items) < 10 {
			l.items = append(l.items, tail(t, 100))
		}
	})
	for _, ul := range order {
		l := lists[ul]
		em.add(SevInfo, l.first.node, tail(l.first.text, 120), l.items, strconv.Itoa(len(l.items))+" bullet(s) of this list end with a full stop: leave it out")
	}
}

// tail is the last n bytes or so of s (from a word start).
func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	if j := strings.IndexByte(s[i:], ' '); j >= 0 && j < 20 {
		i += j + 1
	}
	return s[i:]
}

// chkBoldHeading: LGD golden rule 3 "use the correct HTML headings rather
// than bold text": a short paragraph wholly in bold, not a sentence, with
// more text after it, stands in for a heading.
func chkBoldHeading(e *Engine, p *page, em *emitter) {
	for bi := range p.mainBlocks {
		if !p.boldHeading(bi) {
			continue
		}
		b := &p.mainBlocks[bi]
		t := strings.TrimSpace(b.text)
		em.add(SevInfo, b.node, t, []string{t}, "Bold text \""+trimSnippet(t, 60)+"\" is used as a heading: make it a heading (h2, h3) so screen readers can find it")
	}
}

// boldHeading reports whether main block bi is a short paragraph wholly in
// bold that stands as the heading of the text after it.
func (p *page) boldHeading(bi int) bool {
	b := &p.mainBlocks[bi]
	if b.tag != "p" && b.tag != "div" || b.cell != nil || listItem(b.node) != nil || b.zone&zQuote != 0 {
		return false
	}
	w := b.words()
	if w == 0 || w > 12 || b.boldWords < w || bi+1 >= len(p.mainBlocks) {
		return false
	}
	t := strings.TrimSpace(b.text)
	if r, _ := utf8.DecodeLastRuneInString(t); r == '.' || r == '!' || r == '?' || r == ',' || r == ';' {
		return false // a sentence in bold is emphasis, not a heading
	}
	if next := &p.mainBlocks[bi+1]; next.boldWords >= next.words() || len(next.tag) == 2 && next.tag[0] == 'h' {
		return false // bold text before a heading or more bold text is not heading the content
	}
	return !p.allLinkText(b)
}

// allLinkText reports whether the text of b is all link text.
func (p *page) allLinkText(b *textBlock) bool {
	n := p.linkWordsIn(b.node)
	return n > 0 && n >= b.words()
}

// linkWordsIn is the number of words of link text in the block of node
// (counted for all blocks at once, on first use).
func (p *page) linkWordsIn(node *html.Node) int {
	if p.linkWords == nil {
		p.linkWords = map[*html.Node]int{}
		for i := range p.links {
			if l := &p.links[i]; l.blockNode != nil {
				p.linkWords[l.blockNode] += l.words()
			}
		}
	}
	return p.linkWords[node]
}

// chkHeadingLength: LGD golden rule 3 "Headings provide a means for
// customers to quickly scan a page": a heading of more than 12 words that
// is a sentence (it ends with a full stop or a colon), or of more than 20
// words, is a paragraph set as a heading.
func chkHeadingLength(e *Engine, p *page, em *emitter) {
	for _, h := range p.headings {
		if h.hidden || !p.inMain(h.zone) || h.zone&(zWidget|zDialog) != 0 {
			continue
		}
		t := collapse(h.text)
		// a question or a title of 13 to 20 words is a long heading, not
		// a paragraph; a heading that is a sentence (or lead-in) is
		end := strings.TrimRight(t, " ")
		sentence := strings.HasSuffix(end, ".") || strings.HasSuffix(end, ":") || strings.Contains(end, ". ")
		if n := countWords(t); n > 20 || n > 12 && sentence {
			em.add(SevInfo, h.node, t, []string{trimSnippet(t, 400)}, "Heading of "+strconv.Itoa(n)+" words: keep headings short enough to scan, and put the detail in the text")
		}
	}
}

// chkDateFormat: LGD 1.7 "Use the following formatting: ... 10 November to
// 21 December", "(14 June, 2012)": dates written as numbers ("23/05/2018",
// "31.12.2018"), in American order ("March 21, 2019"), or month ranges
// with a dash ("April 2017 - March 2018"). Cells of data tables hold data.
func chkDateFormat(e *Engine, p *page, em *emitter) {
	em.skipCells = true
	textRule(p, em, e.nrx.dateNumeric, SevInfo, func(s string, m []int) (bool, string) {
		if b := runeBefore(s, m[0]); b == '/' || b == '.' || b == '-' || unicode.IsDigit(b) || inURLToken(s, m[0]) {
			return false, ""
		}
		if a := runeAfter(s, m[1]); a == '/' || a == '-' || a == '.' && unicode.IsDigit(runeAfter(s, m[1]+1)) {
			return false, ""
		}
		if s[m[4]:m[5]] != s[m[8]:m[9]] {
			return false, "" // "1/2-3": not one date
		}
		if s[m[4]:m[5]] == "." && m[11]-m[10] == 2 {
			return false, "" // "1.2.03": section numbers, not a date
		}
		if letterWords(em.block.text) <= 1 {
			return false, "" // "From 31/12/2018": a field value
		}
		d, _ := strconv.Atoi(s[m[2]:m[3]])
		mo, _ := strconv.Atoi(s[m[6]:m[7]])
		if d < 1 || d > 31 || mo < 1 || mo > 12 {
			return false, ""
		}
		return true, "Write dates in words: " + strconv.Itoa(d) + " " + time0(mo) + ", not " + s[m[0]:m[1]]
	})
	textRule(p, em, e.nrx.dateUS, SevInfo, always("Write the day before the month: 21 March 2019, not March 21, 2019"))
	textRule(p, em, e.nrx.monthRange, SevInfo, always("Write date ranges with \"to\": April 2017 to March 2018"))
}

// letterWords counts the words of s that have a letter.
func letterWords(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		for _, r := range w {
			if unicode.IsLetter(r) {
				n++
				break
			}
		}
	}
	return n
}

func time0(mo int) string {
	return [...]string{"", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}[mo]
}

// chkNumberWords: LGD 1.11 "11 and over are given in figures unless they
// start a sentence".
func chkNumberWords(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.nrx.numberWord, SevInfo, func(s string, m []int) (bool, string) {
		if sentenceStart(s, m[0]) {
			return false, ""
		}
		if a := runeAfter(s, m[1]); a == '-' || unicode.IsLetter(a) {
			return false, "" // "twenty-first": an ordinal
		}
		return true, "Write numbers of 11 and over in figures: 15, not " + s[m[0]:m[1]]
	})
}

// chkPercent: LGD 1.11 "Percent should be written in full in the text: in
// graphs and tables use %".
func chkPercent(e *Engine, p *page, em *emitter) {
	em.skipCells = true
	textRule(p, em, e.nrx.percent, SevInfo, func(s string, m []int) (bool, string) {
		if em.block != nil && (em.block.cell != nil || em.block.tag == "figcaption" || em.block.tag == "caption") {
			return false, ""
		}
		return true, "Write \"percent\" in full in the text: 90 percent"
	})
}

// chkNeedlessCapitals: LGD 1.6 "Keep everything in lower case unless it's
// a proper noun": "local planning authorities" and "local authorities" are
// not names. Headings, the start of a sentence and a longer proper name
// ("Kent Local Authorities Group") are left alone.
func chkNeedlessCapitals(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.nrx.needlessCaps, SevInfo, func(s string, m []int) (bool, string) {
		if em.block != nil && len(em.block.tag) == 2 && em.block.tag[0] == 'h' || sentenceStart(s, m[0]) {
			return false, ""
		}
		if w := wordBefore(s, m[0]); w != "" && isCapWord(w) && !sentenceStart(s, strings.LastIndex(s[:m[0]], w)) {
			return false, "" // part of a longer name
		}
		if w := wordAfter(s, m[1]); w != "" && isCapWord(w) && runeAfter(s, m[1]) == ' ' {
			return false, ""
		}
		return true, "\"" + s[m[0]:m[1]] + "\" is not a proper noun: write it in lower case"
	})
}

// chkLinksInText: LGD 1.4 "Links to other pages should always be in the
// text": words that send the reader to a link somewhere else ("the above
// link", "the link on the right", "in the Related Content section")
// instead of linking where the text names the page. "The links below" is
// left alone: it leads in to a list of links, which the standard allows
// ("a collection of related links somewhere else on the page").
func chkLinksInText(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.nrx.linksElsewhere, SevInfo, always("The text points to a link elsewhere on the page: link the words that name the page, here in the sentence"))
}

// youAndUsShare is the least share of sentences that speak to the reader
// as "you" or for the council as "we" (one in five), and youAndUsMinSentences
// the fewest sentences of prose a page needs before its tone is judged.
const (
	youAndUsShare        = 0.2
	youAndUsMinSentences = 5
)

// chkYouAndUs: LGD 1.1 "Unless you need to do so formally, refer to your
// service, organisation, or the council in general, as 'we' and 'us'.
// Refer to the readers as 'you' where appropriate". A page whose prose
// (quotations aside) has fewer than one sentence in five with "we", "us",
// "our", "you" or "your" talks about its service and its readers instead
// of to them. One finding for the page, counted in tenths of the way short
// of one in five (10 when no sentence does), so the score grades how far the
// page is from it, whatever its length.
func chkYouAndUs(e *Engine, p *page, em *emitter) {
	var total, personal int
	var firstImpersonal string
	for _, s := range sentencesOf(p, e.rx.sentenceEnd) {
		if s.quoted || s.words < 5 || !endsSentence(s.text) {
			continue // quotations, labels and lists of titles are not the page's sentences
		}
		total++
		if personalWord(s.text) {
			personal++
		} else if firstImpersonal == "" {
			firstImpersonal = s.text
		}
	}
	if total < youAndUsMinSentences {
		em.notApplied("only " + strconv.Itoa(total) + " sentences of prose: too few to judge the tone")
		return
	}
	share := float64(personal) / float64(total)
	if short := int(math.Ceil(10 * (youAndUsShare - share) / youAndUsShare)); share < youAndUsShare && short > 0 {
		em.addW(min(short, 10), SevInfo, nil, trimSnippet(firstImpersonal, 120), []string{strconv.Itoa(personal) + " of " + strconv.Itoa(total)},
			"Only "+strconv.Itoa(personal)+" of "+strconv.Itoa(total)+" sentences speak to the reader as \"you\" or for the council as \"we\": write \"we\" for the council and \"you\" for the reader (aim for one sentence in five or more)")
	}
}

// endsSentence reports whether s ends as a sentence does: with a full
// stop, a question or an exclamation mark (closing quotes and brackets
// aside).
func endsSentence(s string) bool {
	s = strings.TrimRight(s, " \"'’”)")
	return strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!")
}

// personalWord reports whether s has "we", "us", "our", "ours", "you",
// "your" or "yours" (with their contractions) as a word.
func personalWord(s string) bool {
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && isASCIILetter(s[j]) {
			j++
		}
		if j > i {
			w := s[i:j]
			switch len(w) {
			case 2:
				if strings.EqualFold(w, "we") || strings.EqualFold(w, "us") {
					return true
				}
			case 3:
				if strings.EqualFold(w, "our") || strings.EqualFold(w, "you") {
					return true
				}
			case 4:
				if strings.EqualFold(w, "ours") || strings.EqualFold(w, "your") {
					return true
				}
			case 5:
				if strings.EqualFold(w, "yours") {
					return true
				}
			}
			i = j
			continue
		}
		i++
	}
	return false
}

// chkHeadings: LGD golden rule 3 "Are headings used appropriately to break
// content up into identifiable sections?" and "If you need to include a
// great deal of information, think about how it might be best broken up
// into sub-headings": a stretch of more than Thresholds.HeadingMaxWords
// words of main content with no heading. One finding per stretch, counted
// once per that many words of it.
func chkHeadings(e *Engine, p *page, em *emitter) {
	stretch := e.m.Thresholds.HeadingMaxWords
	var start *textBlock
	words := 0
	flush := func() {
		if words > stretch && start != nil {
			em.addW(words/stretch, SevInfo, start.node, start.text, []string{strconv.Itoa(words) + " words"},
				strconv.Itoa(words)+" words with no heading: break the text up with headings (h2, h3) so readers can scan it")
		}
		start, words = nil, 0
	}
	for bi := range p.mainBlocks {
		b := &p.mainBlocks[bi]
		if len(b.tag) == 2 && b.tag[0] == 'h' && b.tag[1] >= '1' && b.tag[1] <= '6' {
			flush()
			continue
		}
		if b.cell != nil {
			continue // a table is scanned by its own headers
		}
		if w := b.words(); w > 0 && w <= 12 && b.boldWords >= w {
			// a short line in bold breaks the text up for the eye;
			// lgd-bold-heading counts it when it stands as a heading
			flush()
			continue
		}
		if p.allLinkText(b) {
			if listItem(b.node) == nil && b.words() <= 12 {
				flush() // a link on its own line titles the text after it, as on a landing page
			}
			continue // a list of links (documents, pages) is scanned by its link text
		}
		if start == nil {
			start = b
		}
		words += b.words()
	}
	flush()
}

// newPrefilters are cheap tests a block must pass before the 2026.2 text
// rules run their regexps on it (each a necessary condition of a match).
func newPrefilters(r *checkRegexps2026) map[*regexp.Regexp]func(*textBlock) bool {
	flag := func(f uint32) func(*textBlock) bool { return func(b *textBlock) bool { return b.flags&f != 0 } }
	return map[*regexp.Regexp]func(*textBlock) bool{
		r.dateNumeric: func(b *textBlock) bool { return b.flags&fDigitSep != 0 && numericDateCandidate(b.text) },
		r.dateUS: func(b *textBlock) bool {
			return b.flags&(fDigit|fMonth) == fDigit|fMonth && strings.IndexByte(b.text, ',') >= 0 && monthThenDigit(b.text)
		},
		r.monthRange: func(b *textBlock) bool {
			return b.flags&(fDigit|fDash|fMonth) == fDigit|fDash|fMonth && monthThenDigit(b.text)
		},
		r.percent:      func(b *textBlock) bool { return b.flags&(fDigit|fPercent) == fDigit|fPercent },
		r.needlessCaps: flag(fAuthorit),
		r.linksElsewhere: func(b *textBlock) bool {
			return b.flags&fRelated != 0 || b.flags&fHand != 0 && containsFold(b.text, "hand side") ||
				b.flags&fLink != 0 && (containsFold(b.text, "above") || containsFold(b.text, "right") || containsFold(b.text, "left"))
		},
	}
}

// numericDateCandidate reports whether s has a digit, a / . or -, and a
// digit, twice in a row ("1/2/2019"): necessary for the numeric date regexp.
func numericDateCandidate(s string) bool {
	digit := func(i int) bool { return i >= 0 && i < len(s) && s[i] >= '0' && s[i] <= '9' }
	for i := 1; i+1 < len(s); i++ {
		if c := s[i]; (c == '/' || c == '.' || c == '-') && digit(i-1) && digit(i+1) {
			j := i + 2
			if digit(j) {
				j++
			}
			if j+1 < len(s) && (s[j] == '/' || s[j] == '.' || s[j] == '-') && digit(j+1) {
				return true
			}
		}
	}
	return false
}

// monthThenDigit reports whether s has the start of an English month name
// with its capital ("Jan", "Feb", ... "Dec") followed, after the rest of
// the word, an optional full stop and white space, by a digit: necessary
// for the regexps of American dates and month ranges.
func monthThenDigit(s string) bool {
	for i := 0; i+3 <= len(s); i++ {
		switch s[i] {
		case 'J', 'F', 'M', 'A', 'S', 'O', 'N', 'D':
		default:
			continue
		}
		switch s[i : i+3] {
		case "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec":
		default:
			continue
		}
		j := i + 3
		for j < len(s) && 'a' <= s[j] && s[j] <= 'z' {
			j++
		}
		if j < len(s) && s[j] == '.' {
			j++
		}
		k := j
		for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\f' || s[k] == '\r') {
			k++
		}
		if k > j && k < len(s) && '0' <= s[k] && s[k] <= '9' {
			return true
		}
	}
	return false
}

// numberWords are the number words of 11 and over that the standard wants
// in figures, and numberUnits the units a hyphen may join to the tens.
var (
	numberWords = map[string]bool{"eleven": true, "twelve": true, "thirteen": true, "fourteen": true, "fifteen": true, "sixteen": true,
		"seventeen": true, "eighteen": true, "nineteen": true, "twenty": true, "thirty": true, "forty": true, "fifty": true, "sixty": true,
		"seventy": true, "eighty": true, "ninety": true}
	numberUnits = map[string]bool{"one": true, "two": true, "three": true, "four": true, "five": true, "six": true, "seven": true, "eight": true, "nine": true}
)

// inLowerSet reports whether set holds w lower-cased (ASCII, up to 16
// bytes), without allocating.
func inLowerSet(set map[string]bool, w string) bool {
	if len(w) > 16 {
		return false
	}
	var buf [16]byte
	for k := 0; k < len(w); k++ {
		c := w[k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[k] = c
	}
	return set[string(buf[:len(w)])]
}

// numberWordMatches finds what checkRegexps2026.numberWord matches, in one
// pass without the regexp: a number word of 11 and over standing as a
// word, in any case, with a hyphenated unit ("twenty-one") when it has one.
func numberWordMatches(s string) [][]int {
	wordByte := func(i int) bool {
		if i < 0 || i >= len(s) {
			return false
		}
		c := s[i]
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
	}
	letters := func(i int) int { // end of the run of ASCII letters from i
		for i < len(s) && ('a' <= s[i]|0x20 && s[i]|0x20 <= 'z') {
			i++
		}
		return i
	}
	var out [][]int
	for i := 0; i < len(s); {
		if !('a' <= s[i]|0x20 && s[i]|0x20 <= 'z') || wordByte(i-1) {
			i++
			continue
		}
		j := letters(i)
		if n := j - i; n >= 5 && n <= 9 && !wordByte(j) && inLowerSet(numberWords, s[i:j]) {
			end := j
			if j+1 < len(s) && s[j] == '-' {
				if k := letters(j + 1); k-j-1 >= 3 && k-j-1 <= 5 && !wordByte(k) && inLowerSet(numberUnits, s[j+1:k]) {
					end = k
				}
			}
			out = append(out, []int{i, end})
			i = end
			continue
		}
		i = j
	}
	return out
}

// monthNames are the month names and abbreviations of monthRe.
var monthNames = map[string]bool{"January": true, "February": true, "March": true, "April": true, "May": true, "June": true, "July": true,
	"August": true, "September": true, "October": true, "November": true, "December": true, "Jan": true, "Feb": true, "Mar": true, "Apr": true,
	"Jun": true, "Jul": true, "Aug": true, "Sep": true, "Sept": true, "Oct": true, "Nov": true, "Dec": true}

// monthAt returns the end of a month name starting at i (a capital and
// the lower-case letters after it, one of monthNames), or -1.
func monthAt(s string, i int) int {
	if i >= len(s) || s[i] < 'A' || s[i] > 'Z' {
		return -1
	}
	j := i + 1
	for j < len(s) && 'a' <= s[j] && s[j] <= 'z' {
		j++
	}
	if !monthNames[s[i:j]] {
		return -1
	}
	return j
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

// yearAt returns the end of a year 19xx or 20xx starting at i, or -1.
func yearAt(s string, i int) int {
	if i+4 > len(s) || !(s[i] == '1' && s[i+1] == '9' || s[i] == '2' && s[i+1] == '0') || s[i+2] < '0' || s[i+2] > '9' || s[i+3] < '0' || s[i+3] > '9' {
		return -1
	}
	return i + 4
}

// usDateMatches finds what checkRegexps2026.dateUS finds, in one pass: a
// month, an optional full stop, white space, a day of one or two digits
// (with st, nd, rd or th), a comma, and a year: "March 21, 2019".
func usDateMatches(s string) [][]int {
	var out [][]int
	for i := 0; i < len(s); i++ {
		if i > 0 && isWordByte(s[i-1]) {
			continue
		}
		j := monthAt(s, i)
		if j < 0 {
			continue
		}
		if j < len(s) && s[j] == '.' {
			j++
		}
		k := j
		for k < len(s) && isSpaceByte(s[k]) {
			k++
		}
		if k == j {
			continue
		}
		d := k
		for d < len(s) && '0' <= s[d] && s[d] <= '9' {
			d++
		}
		if n := d - k; n < 1 || n > 2 {
			continue
		}
		if d+2 <= len(s) {
			switch s[d : d+2] {
			case "st", "nd", "rd", "th":
				if d+2 < len(s) && s[d+2] == ',' {
					d += 2
				}
			}
		}
		if d >= len(s) || s[d] != ',' {
			continue
		}
		d++
		for d < len(s) && isSpaceByte(s[d]) {
			d++
		}
		if e := yearAt(s, d); e > 0 && (e == len(s) || !isWordByte(s[e])) {
			out = append(out, []int{i, e})
			i = e - 1
		}
	}
	return out
}

// monthRangeMatches finds what checkRegexps2026.monthRange finds, in one
// pass: "April 2017 - March 2018", with a hyphen or a dash.
func monthRangeMatches(s string) [][]int {
	var out [][]int
	for i := 0; i < len(s); i++ {
		if i > 0 && isWordByte(s[i-1]) {
			continue
		}
		j := monthAt(s, i)
		if j < 0 {
			continue
		}
		k := j
		for k < len(s) && isSpaceByte(s[k]) {
			k++
		}
		if k == j {
			continue
		}
		y := yearAt(s, k)
		if y < 0 {
			continue
		}
		if y < len(s) && isSpaceByte(s[y]) {
			y++
		}
		switch {
		case y < len(s) && s[y] == '-':
			y++
		case strings.HasPrefix(s[y:], "–") || strings.HasPrefix(s[y:], "—"):
			y += len("–")
		default:
			continue
		}
		if y < len(s) && isSpaceByte(s[y]) {
			y++
		}
		m := monthAt(s, y)
		if m < 0 {
			continue
		}
		k = m
		for k < len(s) && isSpaceByte(s[k]) {
			k++
		}
		if k == m {
			continue
		}
		if e := yearAt(s, k); e > 0 && (e == len(s) || !isWordByte(s[e])) {
			out = append(out, []int{i, e})
			i = e - 1
		}
	}
	return out
}
