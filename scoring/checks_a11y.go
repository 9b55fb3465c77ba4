package scoring

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

func chkDocTitle(e *Engine, p *page, em *emitter) {
	switch {
	case !p.hasTitle:
		em.add(SevError, nil, "", nil, "The page has no <title>")
	case p.title == "":
		em.add(SevError, nil, "", nil, "The page title is empty")
	}
}

func chkHTMLLang(e *Engine, p *page, em *emitter) {
	sel := "html"
	switch {
	case p.htmlLang == "":
		em.add(SevError, nil, sel, nil, "The page does not say its language: add lang=\"en\" to <html>")
	case !e.rx.langTag.MatchString(p.htmlLang):
		em.add(SevError, nil, sel, []string{p.htmlLang}, "\""+p.htmlLang+"\" is not a valid language code")
	}
}

func chkImageAlt(e *Engine, p *page, em *emitter) {
	for _, im := range p.imgs {
		src := attrv(im.node, "src")
		if im.tag == "area" {
			src = attrv(im.node, "href")
		}
		em.add(SevError, im.node, src, []string{"<" + im.tag + ">"}, "Image has no alt text: describe it, or use alt=\"\" if it is decorative")
	}
}

func chkLinkName(e *Engine, p *page, em *emitter) {
	for li := range p.links {
		l := &p.links[li]
		if l.hidden || presentational(l.node) {
			continue
		}
		if linkName(l) == "" && !l.ariaLabel {
			em.add(SevError, l.node, l.href, nil, "Link has no text: screen readers will only read out its address")
		}
	}
}

func chkButtonName(e *Engine, p *page, em *emitter) {
	for _, b := range p.buttons {
		em.add(SevError, b.node, "<"+b.tag+">", nil, "Button has no text: screen readers cannot say what it does")
	}
}

func chkLabel(e *Engine, p *page, em *emitter) {
	for _, c := range p.controls {
		name := attrv(c.node, "name")
		if name == "" {
			name = attrv(c.node, "id")
		}
		em.add(SevError, c.node, "<"+c.tag+" name="+name+">", nil, "Form field has no label")
	}
}

// chkDuplicateID: since WCAG 2.2 dropped 4.1.1 Parsing, a duplicated id
// fails only where something refers to it (a label's for, an ARIA
// relationship, an in-page link): the reference may reach the wrong element
// (4.1.2, 1.3.1). Duplicates nothing refers to are a11y-duplicate-id-unreferenced.
func chkDuplicateID(e *Engine, p *page, em *emitter) {
	refs := p.idRefs()
	for _, id := range p.duplicateIDs() {
		if ns := p.dupIDs[id]; refs[id] != "" {
			em.add(SevError, ns[1], "#"+id, []string{id}, "id \""+id+"\" is used "+strconv.Itoa(len(ns))+" times and is referenced by "+refs[id]+": the reference may reach the wrong element")
		}
	}
}

// chkDuplicateIDUnreferenced reports the duplicated ids nothing refers to
// (advisory: no user impact under WCAG 2.2).
func chkDuplicateIDUnreferenced(e *Engine, p *page, em *emitter) {
	refs := p.idRefs()
	for _, id := range p.duplicateIDs() {
		if ns := p.dupIDs[id]; refs[id] == "" {
			em.add(SevInfo, ns[1], "#"+id, []string{id}, "id \""+id+"\" is used "+strconv.Itoa(len(ns))+" times (nothing refers to it, so no one is affected today; keep ids unique)")
		}
	}
}

// duplicateIDs are the ids used on more than one element, sorted.
func (p *page) duplicateIDs() []string {
	var out []string
	for id := range p.dupIDs {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// idRefs says, per id, what refers to it: a label, an ARIA attribute or an
// in-page link ("" when nothing does). Worked out once per page.
func (p *page) idRefs() map[string]string {
	if p.refs != nil {
		return p.refs
	}
	out := map[string]string{}
	defer func() { p.refs = out }()
	for id := range p.ariaRefs {
		out[id] = "an ARIA attribute"
	}
	for id := range p.labelFor {
		out[id] = "a label"
	}
	for li := range p.links {
		l := &p.links[li]
		if h := strings.TrimSpace(l.href); len(h) > 1 && h[0] == '#' {
			if _, ok := out[h[1:]]; !ok {
				out[h[1:]] = "an in-page link"
			}
		}
	}
	return out
}

// chkHeadingOrder: WCAG 1.3.1 asks that the structure shown is the
// structure in the markup. Headings hidden from everyone, and those of
// third-party widgets and of dialogs and tooltips (boxes shown on demand,
// each with an outline of its own), are not part of the page's outline
// when judging skipped levels. Several h1s are not a WCAG failure, so they
// are not reported.
func chkHeadingOrder(e *Engine, p *page, em *emitter) {
	prev, h1 := 0, 0
	for _, h := range p.headings {
		if h.level == 1 && (!h.hidden || !hiddenByMarkup(h.node)) {
			// "no h1" is said only when the markup has none: a main heading
			// hidden by a class or a widget's style sheet may be shown (on
			// paper, at some widths, on hover), and we do not read CSS
			h1++
		}
		if h.hidden || h.zone&(zWidget|zDialog) != 0 {
			continue
		}
		if prev > 0 && h.level > prev+1 {
			em.add(SevWarning, h.node, h.text, []string{"h" + strconv.Itoa(prev) + "→h" + strconv.Itoa(h.level)}, "Heading level skipped: h"+strconv.Itoa(prev)+" followed by h"+strconv.Itoa(h.level))
		}
		prev = h.level
	}
	if h1 == 0 {
		em.add(SevWarning, nil, "", []string{"no h1"}, "The page has no main heading (h1)")
	}
}

// hiddenByMarkup reports whether n or an ancestor is hidden by the hidden
// attribute, aria-hidden or an inline style (classes aside).
func hiddenByMarkup(n *html.Node) bool {
	for d := 0; n != nil && n.Type == html.ElementNode && d < maxDepth; d++ {
		if _, h := attr(n, "hidden"); h || strings.EqualFold(strings.TrimSpace(attrv(n, "aria-hidden")), "true") {
			return true
		}
		if st := strings.ToLower(strings.ReplaceAll(attrv(n, "style"), " ", "")); strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden") {
			return true
		}
		n = n.Parent
	}
	return false
}

// chkEmptyHeading: the empty heading of a dialog, tooltip or widget box is
// a template its script fills when the box opens.
func chkEmptyHeading(e *Engine, p *page, em *emitter) {
	for _, h := range p.headings {
		if !h.hidden && h.text == "" && h.zone&(zWidget|zDialog) == 0 {
			em.add(SevWarning, h.node, "<"+h.tag+">", nil, "Heading has no text")
		}
	}
}

// chkSkipLink: WCAG 2.4.1 asks for "a mechanism ... to bypass blocks of
// content that are repeated": an early skip link, or a main landmark
// (ARIA11), as axe's bypass rule accepts. Hidden links, and those of
// cookie boxes and third-party widgets, do not count towards "early".
func chkSkipLink(e *Engine, p *page, em *emitter) {
	if p.hasMain {
		return
	}
	seen := 0
	for li := range p.links {
		l := &p.links[li]
		if seen >= e.m.Thresholds.SkipLinkWithin {
			break
		}
		// a skip link is often hidden by a class until it has focus: only
		// links hidden by markup (attribute, inline style) are passed over
		if l.hidden && hiddenByMarkup(l.node) || l.zone&(zWidget|zConsent) != 0 {
			continue
		}
		seen++
		name := linkName(l)
		if name == "" && l.hidden {
			name = collapse(textOf(l.node)) // hidden until focused: its text was not collected
		}
		h := strings.TrimSpace(l.href)
		if len(h) < 2 || h[0] != '#' {
			if i := strings.IndexByte(h, '#'); i < 0 || !e.rx.skipText.MatchString(name) {
				continue
			}
		}
		target := h[strings.IndexByte(h, '#')+1:]
		if p.ids[target] != nil || e.rx.skipText.MatchString(name) {
			return
		}
	}
	em.add(SevWarning, nil, "", nil, "No \"skip to main content\" link among the first "+strconv.Itoa(e.m.Thresholds.SkipLinkWithin)+" links, and no main landmark: keyboard users cannot bypass the menus")
}

func chkViewport(e *Engine, p *page, em *emitter) {
	if !p.hasVP {
		em.add(SevWarning, nil, "", nil, "No viewport meta tag: the page will not fit phone screens")
		return
	}
	for _, part := range strings.FieldsFunc(strings.ToLower(p.viewport), func(r rune) bool { return r == ',' || r == ';' }) {
		k, v, _ := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "user-scalable":
			if v == "no" || v == "0" {
				em.add(SevError, nil, p.viewport, []string{part}, "Zooming is disabled (user-scalable=no)")
			}
		case "maximum-scale":
			if f, err := strconv.ParseFloat(v, 64); err == nil && f < 2 {
				em.add(SevError, nil, p.viewport, []string{part}, "Zooming is limited (maximum-scale below 2)")
			}
		}
	}
}

func chkRefresh(e *Engine, p *page, em *emitter) {
	if p.refresh == "" {
		return
	}
	d := p.refresh
	if i := strings.IndexAny(d, ";,"); i >= 0 {
		d = d[:i]
	}
	if f, err := strconv.ParseFloat(strings.TrimSpace(d), 64); err == nil && f > 0 {
		em.add(SevError, nil, p.refresh, nil, "The page refreshes or redirects itself after "+strings.TrimSpace(d)+" seconds")
	}
}

// chkTabindex: a positive tabindex sets the keyboard order by hand. It
// fails WCAG 2.4.3 only when the order it makes loses meaning, which needs
// a person to judge (the check is advisory); the message says whether it
// changes the order at all (compared with the links before it).
func chkTabindex(e *Engine, p *page, em *emitter) {
	changed := false
	positive := map[*html.Node]bool{}
	last := 0
	for _, t := range p.tabindex {
		positive[t.node] = true
		if t.level < last {
			changed = true
		}
		last = t.level
	}
	if k := len(p.tabindex); k > 0 && !changed {
		for _, l := range p.links[:min(p.tabindex[k-1].at, len(p.links))] {
			if !l.hidden && !positive[l.node] {
				changed = true // a link comes before it in the page, after it on the keyboard
				break
			}
		}
	}
	for _, t := range p.tabindex {
		msg := "Positive tabindex sets the keyboard order by hand: here it follows the page order, but breaks as soon as the page changes; remove it"
		if changed {
			msg = "Positive tabindex changes the order keyboard users move through the page: check the order still makes sense, or remove it"
		}
		em.add(SevWarning, t.node, "tabindex="+strconv.Itoa(t.level), nil, msg)
	}
}

// chkNewWindow: a link that opens a new window should say so (WCAG 3.2.5,
// G201), in its text, its title, its aria-label or text for screen readers.
// A third-party widget's links (a consent tool's, a share bar's) are the
// supplier's: they are reported apart, with no weight.
func chkNewWindow(e *Engine, p *page, em *emitter) {
	for li := range p.links {
		l := &p.links[li]
		if l.hidden || !strings.EqualFold(strings.TrimSpace(l.target), "_blank") {
			continue
		}
		name := linkName(l)
		said := name + " " + l.text + " " + l.title + " " + l.imgAlt
		if saysNewWindow(said, e.rx.newWindow) {
			continue
		}
		if w := firstNonEmpty(l.widget, widgetHost(l.abs)); w != "" {
			em.addW(0, SevInfo, l.node, name, []string{w}, "Link in a third-party widget ("+w+") opens a new window without saying so: not counted in the score; ask the supplier to fix it")
			continue
		}
		em.add(SevInfo, l.node, name, nil, "Link opens a new window without saying so")
	}
}

// newWindowPhrases are what regexps.newWindow matches: on plain ASCII
// text, the regexp is a search for one of them in any case.
var newWindowPhrases = []string{"new window", "new tab", "opens in", "external site", "external link", "external website"}

// saysNewWindow reports whether a link's text says it opens a new window:
// the regexp, after a prefilter (it only matches text holding "new ",
// "opens in" or "external "), or for plain ASCII text its phrases.
func saysNewWindow(said string, re *regexp.Regexp) bool {
	if isASCII(said) {
		for _, ph := range newWindowPhrases {
			if containsFold(said, ph) {
				return true
			}
		}
		return false
	}
	return (containsFold(said, "new ") || containsFold(said, "opens in") || containsFold(said, "external ")) && re.MatchString(said)
}

// isASCII reports whether s is plain ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// chkTableHeaders: WCAG 1.3.1 (F91) fails a data table whose header cells
// are shown as headers (a bold or thead first row, a bold first column)
// but not marked up as th. Layout tables are not data tables: one row or
// column, role=presentation, a table holding tables or form fields, or one
// whose first row and column look like any other cells (link lists, icon
// grids, download lists with sizes). A table whose class calls it a data
// table is one.
func chkTableHeaders(e *Engine, p *page, em *emitter) {
	for _, t := range p.tables {
		if t.presented || t.hidden || t.rows < 2 || t.maxCells < 2 || t.headers > 0 || t.nested || t.controls || t.zone&(zWidget|zChrome) != 0 {
			continue
		}
		headRow := t.firstRow >= 2 && t.firstRowBold == t.firstRow
		headCol := t.firstCol >= 2 && t.firstColBold == t.firstCol && t.maxCells == 2 && t.firstRowBold < t.firstRow
		if !headRow && !headCol && !t.dataClass {
			continue
		}
		em.add(SevWarning, t.node, strconv.Itoa(t.rows)+" rows × "+strconv.Itoa(t.maxCells)+" columns", nil, "Table has no header cells (th): screen readers cannot name the columns")
	}
}

func chkLandmarks(e *Engine, p *page, em *emitter) {
	if !p.hasMain {
		em.add(SevWarning, nil, "", nil, "No main landmark: wrap the main content in <main>")
	}
}

// chkPDFLinks: a PDF or Office document must say what it is before the
// reader opens it ("tell users the file type and size", GOV.UK publishing
// accessible documents); a form as a PDF should be an online form (LGD
// digital forms) and counts double. Data files (CSV, spreadsheets, JSON,
// GeoJSON) are what open-data standards ask for, not documents instead of
// pages, and are not counted.
// pathSpaces turns the separators of an address's path into spaces.
var pathSpaces = strings.NewReplacer("-", " ", "_", " ", "/", " ")

func chkPDFLinks(e *Engine, p *page, em *emitter) {
	for i := range p.links {
		l := &p.links[i]
		if l.hidden || l.abs == "" || l.widget != "" {
			continue
		}
		path := cutQueryFragment(l.abs)
		ext := docExt(path)
		if ext == "" {
			continue
		}
		name := linkName(l)
		// The regexp only matches text holding "form".
		if containsFold(name, "form") && e.rx.formWord.MatchString(name) ||
			containsFold(path, "form") && e.rx.formWord.MatchString(pathSpaces.Replace(path)) {
			em.addW(2, SevWarning, l.node, name, []string{ext, "form"}, "Form published as a "+ext+" document: make it an online form")
			continue
		}
		typ, size := hasFileType(name), hasFileSize(name)
		if typ && size {
			continue // the link text says both (so does all that is said around it)
		}
		said := name + " " + l.imgAlt + " " + l.title + " " + p.textAfterLink(i, 60) + " " + nextCellText(l.node, 60)
		typ, size = hasFileType(said), hasFileSize(said)
		if typ && size {
			continue
		}
		missing := "file type and size"
		switch {
		case typ:
			missing = "file size"
		case size:
			missing = "file type"
		}
		em.add(SevInfo, l.node, name+" (no "+missing+")", []string{ext}, "Link to a "+ext+" document does not say its "+missing+": add them to the link, for example ("+ext+", 250 KB)")
	}
}

// cutQueryFragment returns u up to its first ? or # (two byte searches,
// cheaper than strings.IndexAny on addresses).
func cutQueryFragment(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u = u[:i]
	}
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u = u[:i]
	}
	return u
}

// docExt returns the document type of a path ("PDF", "DOCX"), or "".
func docExt(path string) string {
	i := strings.LastIndexByte(path, '.')
	if i < 0 || len(path)-i > 6 || strings.LastIndexByte(path, '/') > i {
		return ""
	}
	switch ext := strings.ToLower(path[i+1:]); ext {
	case "pdf", "doc", "docx", "ppt", "pptx", "odt", "odp", "rtf":
		return strings.ToUpper(ext)
	}
	return ""
}

// textAfterLink is up to n bytes of the text that follows link i in its
// block ("Site plan (PDF, 200 KB)"), or "".
func (p *page) textAfterLink(i, n int) string {
	l := p.links[i]
	if l.text == "" || l.blockAt < 0 || l.blockAt >= len(p.blocks) {
		return ""
	}
	b := p.blocks[l.blockAt]
	if b.node != l.blockNode {
		return ""
	}
	j := strings.Index(b.text, l.text)
	if j < 0 {
		return ""
	}
	rest := b.text[j+len(l.text):]
	if len(rest) > n {
		k := n
		for k > 0 && !utf8.RuneStart(rest[k]) {
			k--
		}
		rest = rest[:k]
	}
	return rest
}

// nextCellText is up to n bytes of the text of the table cell after the
// one holding n ("(pdf 1.13 MB)" beside a link), or "".
func nextCellText(n *html.Node, max int) string {
	for d := 0; n != nil && d < 12; d++ {
		if n.Type == html.ElementNode && (n.Data == "td" || n.Data == "th") {
			for c := n.NextSibling; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
					t := collapse(textOf(c))
					if len(t) > max {
						t = t[:max]
					}
					return t
				}
			}
			return ""
		}
		n = n.Parent
	}
	return ""
}

// fileTypeWords are the words that say a document's type (the regexp
// regexps.fileType, without it: hasFileType scans once).
var fileTypeWords = map[string]bool{"pdf": true, "doc": true, "docx": true, "word": true, "excel": true, "xls": true, "xlsx": true, "ppt": true,
	"pptx": true, "powerpoint": true, "odt": true, "odp": true, "ods": true, "rtf": true, "opendocument": true, "acrobat": true}

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// hasFileType reports whether s has a word (a run of ASCII letters, digits
// and _) naming a document type, in any case: what regexps.fileType finds.
func hasFileType(s string) bool {
	for i := 0; i < len(s); {
		if !isWordByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isWordByte(s[j]) {
			j++
		}
		if n := j - i; n >= 3 && n <= 12 && inLowerSet(fileTypeWords, s[i:j]) {
			return true
		}
		i = j
	}
	return false
}

// hasFileSize reports whether s has a file size ("250 KB", "1.2MB",
// "3 bytes"): what regexps.fileSize finds, in one pass.
func hasFileSize(s string) bool {
	digit := func(i int) bool { return i < len(s) && '0' <= s[i] && s[i] <= '9' }
	for i := 0; i < len(s); i++ {
		if !digit(i) || i > 0 && isWordByte(s[i-1]) {
			continue
		}
		j := i
		for digit(j) {
			j++
		}
		if j+1 < len(s) && (s[j] == '.' || s[j] == ',') && digit(j+1) {
			j++
			for digit(j) {
				j++
			}
		}
		if j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\f' || s[j] == '\r') && sizeUnitAt(s, j+1) {
			return true
		}
		if sizeUnitAt(s, j) {
			return true
		}
	}
	return false
}

// sizeUnitAt reports whether s[j:] starts with a unit of file size (kb, mb,
// gb, kib, mib, gib, bytes, kilobytes, megabytes, in any case) that ends
// a word.
func sizeUnitAt(s string, j int) bool {
	for _, u := range [...]string{"kb", "mb", "gb", "kib", "mib", "gib", "bytes", "kilobytes", "megabytes"} {
		if k := j + len(u); k <= len(s) && strings.EqualFold(s[j:k], u) && (k == len(s) || !isWordByte(s[k])) {
			return true
		}
	}
	return false
}
