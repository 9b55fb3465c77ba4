package scoring

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// zone bits say where in the page an element sits.
const (
	zMain        = 1 << iota // inside <main>
	zRoleMain                // inside [role=main]
	zArticle                 // inside <article>
	zChrome                  // inside header, nav, footer, aside or a cookie banner
	zFooter                  // inside <footer> or [role=contentinfo]
	zLangSkip                // inside an element in Welsh or Gaelic
	zChromeClass             // inside an element whose class or id names navigation, menus or footers
	zCode                    // inside <code>, <samp> or <kbd>: computer text, not prose
	zWidget                  // inside a third-party consent, sharing, feedback or reading tool (see widgetOf)
	zQuote                   // inside <blockquote> or <q>: the source's wording, not the page's
	zDialog                  // inside a dialog, modal, tooltip or popup box, shown on demand
	zConsent                 // inside a cookie or consent box (also zChrome)
	zSmallOnly               // inside a copy of the content shown on small screens only
)

// maxDepth bounds the DOM depth walked, so hostile input cannot exhaust the
// stack; deeper nodes are ignored.
const maxDepth = 400

// textBlock is the text of one block-level element (or the run of text
// between two blocks), as a reader sees it.
type textBlock struct {
	node      *html.Node
	tag       string
	text      string
	zone      int
	boldWords int
	flags     uint32
	italic    int        // words in i or em
	spans     [][2]int   // word spans, computed on first use
	cell      *tableInfo // the table when the block is in one of its cells
	quotes    *[][2]int  // quoted spans of text, computed on first use
	nwords    int        // countWords(text) + 1, 0 until first counted (see words)
}

// words is countWords(b.text), counted once.
func (b *textBlock) words() int {
	if b.nwords == 0 {
		b.nwords = countWords(b.text) + 1
	}
	return b.nwords - 1
}

type linkInfo struct {
	node      *html.Node
	href      string // raw attribute
	abs       string // resolved, without fragment ("" when unresolvable)
	text      string // visible text
	aria      string // aria-label / aria-labelledby present
	title     string
	imgAlt    string // alt text of images inside
	target    string
	zone      int
	hidden    bool
	isMailto  bool
	ariaLabel bool
	control   bool   // a script control (role tab/button, aria-expanded, aria-controls)
	widget    string // the third-party tool it belongs to, if any
	blockAt   int    // index in page.blocks of the block holding it (when it is that block's)
	blockNode *html.Node
	nwords    int // countWords(text) + 1, 0 until first counted (see words)
}

// words is countWords(l.text), counted once.
func (l *linkInfo) words() int {
	if l.nwords == 0 {
		l.nwords = countWords(l.text) + 1
	}
	return l.nwords - 1
}

type elemInfo struct {
	node   *html.Node
	tag    string
	text   string
	zone   int
	hidden bool
	level  int        // heading level
	cls    classFlags // what its class says (icon, dialog...)
	linked bool       // styled text: all of it is link text
	at     int        // links before it in the page (tabindex: where it sits in the order)
}

type tableInfo struct {
	node      *html.Node
	rows      int
	maxCells  int
	cellsRow  int
	headers   int
	presented bool
	hidden    bool
	zone      int
	// what the first row and first column look like: a visual header is
	// a row (or column) whose every non-empty cell is bold or in thead
	firstRow, firstRowBold int
	firstCol, firstColBold int
	cells, linkCells       int // non-empty cells; cells that hold only links
	controls               bool
	nested                 bool // holds another table (a layout grid)
	dataClass              bool // its class calls it a data table ("datatable", "data-table")
}

// page is everything the checks need, gathered in one walk of the DOM.
type page struct {
	in        PageInput
	base      *url.URL
	https     bool
	doc       *goquery.Document
	title     string
	hasTitle  bool
	htmlLang  string
	metaDesc  string
	siteName  string          // og:site_name or application-name, when the page gives one
	abbrTitle map[string]bool // text of abbr elements that give their words in a title
	tparts    *titleParts
	hasDesc   bool
	viewport  string
	hasVP     bool
	viewports int // viewport meta tags seen (the last one applies)
	refresh   string
	hasMain   bool // <main> or role=main present
	mainMode  int  // zone bit used to pick main content, 0 = body minus chrome
	blocks    []textBlock
	links     []linkInfo
	headings  []elemInfo
	imgs      []elemInfo // img, area, input[type=image] lacking an accessible name
	imgTotal  int
	buttons   []elemInfo              // without an accessible name
	controls  []elemInfo              // form controls without a label
	ids       map[string]*html.Node   // the first element with each id
	dupIDs    map[string][]*html.Node // all the elements of each id used more than once
	labelFor  map[string]bool
	ariaRefs  map[string]bool
	tabindex  []elemInfo
	tables    []*tableInfo
	styled    []elemInfo // i, em, u with text
	resources []string   // src/href of sub-resources
	langWords int        // words skipped as Welsh/Gaelic
	langSeen  string     // first skipped language
	h1Text    string
	selCache  map[*html.Node]string
	linkWords map[*html.Node]int // words of link text per block node (see linkWordsIn)
	bullets   []bulletRef        // the bullets of the main content (see bulletBlocks), nil until first used
	sents     *[]sentence        // the sentences of the main content (see sentencesOf), nil until first used
	prose     []bool             // the links in prose (see proseLinks), nil until first used
	origin    string             // scheme and host of base, for resolvePlain
	errHead   *string            // what errorHeading found, nil until asked
	refs      map[string]string  // what refers to each id (see idRefs), nil until asked
	// main content, derived once
	mainBlocks []textBlock
	mainText   string
	mainWords  int
	fl         *fleschStats
	hasSearch  bool
	useClass   bool // mainMode 0: class names mark chrome too
}

// frame accumulates the text of an element of interest while walking.
type frame struct {
	node *html.Node
	sb   bytes.Buffer
	alt  bytes.Buffer
}

// newFrame returns a frame for n, reusing one the walker is done with.
func (w *walker) newFrame(n *html.Node) *frame {
	if k := len(w.freeFrames); k > 0 {
		f := w.freeFrames[k-1]
		w.freeFrames = w.freeFrames[:k-1]
		f.node = n
		f.sb.Reset()
		f.alt.Reset()
		return f
	}
	return &frame{node: n}
}

type walker struct {
	p          *page
	frames     []*frame
	freeFrames []*frame     // frames done with, for newFrame
	buf        bytes.Buffer // reused between blocks (Reset keeps its capacity)
	bufBold    int
	bufItalic  int
	italic     int
	blockNode  *html.Node
	blockTag   string
	blockZone  int
	blockCell  *tableInfo
	flushes    int // blocks flushed so far (tells whether a bold run stayed in one block)
	brAt       int // buffer length after the last <br>, -1 when none in this block
	widgets    []string
	cells      []*tableInfo
	chromeIn   []*html.Node // navigation boxes open inside the main content
	h1Nav      *html.Node   // the one holding the first main heading, if any
	notChrome  *html.Node   // read this box as content (see parsePage)
	bold       int
	labelDep   int
	tables     []*tableInfo
	linkIdx    []int // open link indices into p.links
	headIdx    []int
	btnOpen    []elemInfo
	btnFrames  []*frame
	lastClass  string    // the class attribute classOf read last
	lastInfo   classInfo // and what it says
	haveClass  bool
	classes    map[string]classInfo // every class attribute read so far (pages repeat theirs)
}

// classInfo is what a class attribute says: its flags, the tool it names
// (widgetOf) and its chrome kind (chromeKind).
type classInfo struct {
	flags  classFlags
	widget string
	chrome int
}

// classOf reads a class attribute once per page: the last one is kept (a
// box's class is asked twice) and every one read is remembered (a page
// repeats the same class attributes on its menu items, cards and rows).
func (w *walker) classOf(class string) classInfo {
	if w.lastClass == class && w.haveClass {
		return w.lastInfo
	}
	ci, ok := w.classes[class]
	if !ok {
		f, widget, chrome := classInfoOf(lowerASCII(class))
		ci = classInfo{flags: f, widget: widget, chrome: chrome}
		if w.classes == nil {
			w.classes = make(map[string]classInfo, 128) // pages hold about a hundred
		}
		w.classes[class] = ci
	}
	w.lastClass, w.lastInfo, w.haveClass = class, ci, true
	return ci
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val, true
		}
	}
	return "", false
}

func attrv(n *html.Node, key string) string {
	v, _ := attr(n, key)
	return v
}

var blockTags = map[string]bool{
	"p": true, "li": true, "td": true, "th": true, "dd": true, "dt": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"blockquote": true, "div": true, "section": true, "article": true, "main": true,
	"caption": true, "figcaption": true, "pre": true, "address": true, "legend": true,
	"summary": true, "ul": true, "ol": true, "dl": true, "table": true, "tr": true,
	"header": true, "footer": true, "nav": true, "aside": true, "form": true,
	"fieldset": true, "details": true, "figure": true, "body": true, "label": true,
	"hr": true, "br": false, "option": true, "button": true, "tbody": true, "thead": true,
}

// Kinds of element: a block (blockTags) and one whose content is skipped
// (skipTags).
const (
	ekBlock = 1 << iota
	ekSkip
)

// elemKind is what blockTags and skipTags say of n's tag, by its atom when
// the parser knows it (a table look-up, cheaper than the maps).
func elemKind(n *html.Node) uint8 {
	if n.DataAtom != 0 {
		return elemKinds.get(n.DataAtom)
	}
	var k uint8
	if blockTags[n.Data] {
		k |= ekBlock
	}
	if skipTags[n.Data] {
		k |= ekSkip
	}
	return k
}

// atomTable maps atoms to small values: an open-addressed table, probed
// from a multiplicative hash of the atom.
type atomTable struct {
	slots [512]struct {
		a atom.Atom
		v uint8
	}
}

func (t *atomTable) slot(a atom.Atom) int { return int(uint32(a) * 0x9E3779B1 >> 23) }

func (t *atomTable) get(a atom.Atom) uint8 {
	for i := t.slot(a); ; i = (i + 1) % len(t.slots) {
		switch t.slots[i].a {
		case a:
			return t.slots[i].v
		case 0:
			return 0
		}
	}
}

func (t *atomTable) set(a atom.Atom, v uint8) {
	i := t.slot(a)
	for t.slots[i].a != 0 && t.slots[i].a != a {
		i = (i + 1) % len(t.slots)
	}
	t.slots[i].a = a
	t.slots[i].v |= v
}

var elemKinds = func() *atomTable {
	t := &atomTable{}
	for m, k := range map[*map[string]bool]uint8{&blockTags: ekBlock, &skipTags: ekSkip} {
		for tag, v := range *m {
			if a := atom.Lookup([]byte(tag)); a != 0 && v {
				t.set(a, k)
			}
		}
	}
	return t
}()

var skipTags = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true,
	"select": true, "textarea": true, "iframe": true, "object": true, "svg": true,
	"canvas": true, "video": true, "audio": true, "math": true,
}

// chromeKind classifies one lower-cased id or class attribute: 2 when it
// names a cookie banner (cookie, consent, gdpr), 1 for navigation, menus,
// breadcrumbs, browse panels, footers and the like (or a "header", "site-header" or
// "sidebar" token), else 0. One pass, dispatching on each byte.
func chromeKind(s string) int {
	kind, tokens := 0, false
	for i := 0; i+1 < len(s); i++ { // every word has three letters or more
		if m := chromeSecond[s[i]]; m == 0 || m&(1<<(lowerByte(s[i+1])&31)) == 0 {
			continue // no word starts with these two letters
		}
		rest := s[i:]
		switch lowerByte(s[i]) {
		case 'c':
			if hasPrefixFold(rest, "cookie") || hasPrefixFold(rest, "consent") {
				return 2
			}
		case 'g':
			if hasPrefixFold(rest, "gdpr") {
				return 2
			}
		case 'n':
			if hasPrefixFold(rest, "nav") {
				kind = 1
			}
		case 'm':
			if hasPrefixFold(rest, "menu") || hasPrefixFold(rest, "masthead") {
				kind = 1
			}
		case 'b':
			if hasPrefixFold(rest, "breadcrumb") || hasPrefixFold(rest, "browse") {
				kind = 1
			}
		case 'f':
			if hasPrefixFold(rest, "footer") {
				kind = 1
			}
		case 'a':
			if hasPrefixFold(rest, "accesskey") {
				kind = 1
			}
		case 's':
			if hasPrefixFold(rest, "skiplink") || hasPrefixFold(rest, "skip-link") {
				kind = 1
			} else if hasPrefixFold(rest, "sidebar") {
				tokens = true
			}
		case 'h':
			if hasPrefixFold(rest, "header") {
				tokens = true
			}
		}
	}
	if kind == 0 && tokens {
		for f := range strings.FieldsSeq(s) {
			if strings.EqualFold(f, "header") || strings.EqualFold(f, "site-header") || strings.EqualFold(f, "sidebar") {
				return 1
			}
		}
	}
	return kind
}

// chromeSecond says, for the first letter (either case) of each word
// chromeKind looks for, which second letters follow it: bit c&31 for the
// lower-case letter c (a superset: other bytes share those bits).
var chromeSecond = func() (t [256]uint32) {
	for _, w := range []string{"cookie", "consent", "gdpr", "nav", "menu", "masthead", "breadcrumb", "browse", "footer", "accesskey", "skiplink", "skip-link", "sidebar", "header"} {
		t[w[0]] |= 1 << (w[1] & 31)
		t[w[0]-'a'+'A'] |= 1 << (w[1] & 31)
	}
	return
}()

// lowerByte lower-cases an ASCII letter.
func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// hasPrefixFold reports whether s starts with the lower-case ASCII prefix,
// in any case.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for k := 0; k < len(prefix); k++ {
		if lowerByte(s[k]) != prefix[k] {
			return false
		}
	}
	return true
}

// lowerASCII lower-cases s, allocating only when s has an upper-case ASCII
// letter or a non-ASCII byte (then strings.ToLower does the work).
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || ('A' <= c && c <= 'Z') {
			return strings.ToLower(s)
		}
	}
	return s
}

// langSkipped reports whether a lang value is Welsh or Gaelic.
func langSkipped(l string) bool {
	l = strings.ToLower(strings.TrimSpace(l))
	return l == "cy" || l == "gd" || strings.HasPrefix(l, "cy-") || strings.HasPrefix(l, "gd-")
}

func newPage(in PageInput) *page {
	p := &page{in: in, ids: map[string]*html.Node{}, labelFor: map[string]bool{}, ariaRefs: map[string]bool{}, selCache: map[*html.Node]string{}}
	u := in.FinalURL
	if u == "" {
		u = in.URL
	}
	if b, err := url.Parse(u); err == nil {
		p.base = b
		p.https = strings.EqualFold(b.Scheme, "https")
	}
	return p
}

// parsePage parses the body once and walks it once.
func parsePage(in PageInput) *page {
	p := newPage(in)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(in.Body))
	if err != nil || doc == nil || len(doc.Nodes) == 0 {
		doc = goquery.NewDocumentFromNode(&html.Node{Type: html.DocumentNode})
	}
	p.doc = doc
	// Size the link list ahead: counting the links of the parsed page costs
	// less than growing the list (a page holds from none to thousands, not
	// in proportion to its length).
	links := linkCount(doc.Nodes[0], 0)
	p.links = make([]linkInfo, 0, links)
	w := &walker{p: p, brAt: -1}
	p.blocks = make([]textBlock, 0, len(in.Body)/512+16) // about one block per 600 bytes of HTML
	w.walk(doc.Nodes[0], 0, 0, false, false)
	w.flush()
	p.finish()
	if nav := w.h1Nav; nav != nil && p.mainWords < 50 {
		// The page's main heading sits in a navigation box inside the main
		// content, and almost nothing else is left: broken markup (a nav
		// never closed) has swallowed the content. Read it again with that
		// box as content.
		q := newPage(in)
		q.doc = doc
		q.links = make([]linkInfo, 0, links)
		w = &walker{p: q, brAt: -1, notChrome: nav}
		w.walk(doc.Nodes[0], 0, 0, false, false)
		w.flush()
		q.finish()
		if q.mainWords > p.mainWords {
			return q
		}
	}
	return p
}

// linkCount counts the a elements with an href under n, as deep as the
// walker reads.
func linkCount(n *html.Node, depth int) int {
	k := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if c.DataAtom == atom.A && c.Namespace == "" {
			if _, ok := attr(c, "href"); ok {
				k++
			}
		}
		if c.FirstChild != nil && depth < maxDepth {
			k += linkCount(c, depth+1)
		}
	}
	return k
}

func (w *walker) flush() {
	w.brAt = -1
	if w.buf.Len() == 0 {
		return
	}
	t := collapseText(w.buf.Bytes())
	if t != "" && w.blockZone&zLangSkip == 0 {
		tag := w.blockTag
		zone := w.blockZone
		if w.bufItalic >= 20 && 10*w.bufItalic >= 9*countWords(t) {
			zone |= zQuote // a paragraph set wholly in italics is a quotation, by convention
		}
		w.p.blocks = append(w.p.blocks, textBlock{node: w.blockNode, tag: tag, text: t, zone: zone, boldWords: w.bufBold, italic: w.bufItalic, cell: w.blockCell})
	}
	w.flushes++
	w.buf.Reset()
	w.bufBold = 0
	w.bufItalic = 0
}

func (w *walker) walk(n *html.Node, depth, zone int, hidden, inLink bool) {
	if depth > maxDepth {
		return
	}
	switch n.Type {
	case html.TextNode:
		if hidden {
			return
		}
		t := n.Data
		if zone&zCode != 0 {
			// Code and sample output are not prose: the writing rules do not
			// apply (link and button names still include it, below).
		} else if zone&zLangSkip != 0 {
			w.p.langWords += countWords(t)
		} else {
			w.buf.WriteString(t)
			if w.bold > 0 || w.italic > 0 {
				k := countWords(t)
				if w.bold > 0 {
					w.bufBold += k
				}
				if w.italic > 0 {
					w.bufItalic += k
				}
			}
		}
		for _, f := range w.frames {
			f.sb.WriteString(t)
		}
		return
	case html.DocumentNode:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.walk(c, depth+1, zone, hidden, inLink)
		}
		return
	case html.ElementNode:
	default:
		return
	}
	tag := n.Data
	p := w.p
	if n.Namespace != "" { // svg / math content
		if tag == "svg" && !strings.EqualFold(strings.TrimSpace(attrv(n, "aria-hidden")), "true") {
			// an svg's <title> (or aria-label) names its parent link or button
			name := attrv(n, "aria-label")
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && c.Data == "title" {
					name += " " + textOf(c)
				}
			}
			for _, f := range w.frames {
				f.alt.WriteString(" " + name)
			}
		}
		return
	}
	// one pass over the attributes (the last of a repeated one counts,
	// but for the ones of at, which are read as attr reads them: the first)
	var id, class, lang, role string
	hasLang, hid, modal, ctrl := false, false, false, false
	var at elemAttrs
	for _, a := range n.Attr {
		if a.Namespace != "" {
			continue
		}
		switch a.Key {
		case "href":
			at.set(&at.href, atHref, a.Val)
		case "target":
			at.set(&at.target, atTarget, a.Val)
		case "title":
			at.set(&at.title, atTitle, a.Val)
		case "aria-label":
			at.set(&at.ariaLabel, atAriaLabel, a.Val)
		case "tabindex":
			at.set(&at.tabindex, atTabindex, a.Val)
		case "id":
			id = a.Val
		case "class":
			class = a.Val
		case "lang":
			lang, hasLang = a.Val, true
		case "role":
			role = strings.ToLower(strings.TrimSpace(a.Val))
		case "hidden":
			hid = true
		case "aria-hidden":
			hid = hid || strings.EqualFold(strings.TrimSpace(a.Val), "true")
		case "style":
			if strings.Contains(a.Val, "none") || strings.Contains(a.Val, "hidden") {
				st := strings.ToLower(strings.ReplaceAll(a.Val, " ", ""))
				hid = hid || strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden")
			}
		case "aria-modal":
			modal = strings.EqualFold(strings.TrimSpace(a.Val), "true")
		case "aria-expanded":
			ctrl = true
		case "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns":
			if a.Key == "aria-labelledby" {
				at.set(&at.ariaLabelledby, atAriaLabelledby, a.Val)
			}
			for _, r := range strings.Fields(a.Val) {
				p.ariaRefs[r] = true
			}
			if a.Key == "aria-controls" {
				ctrl = true
			}
		}
	}
	var cls classFlags
	widget := ""
	if tag != "body" && tag != "html" && (id != "" || class != "") {
		ci := w.classOf(class)
		cls = ci.flags
		if zone&zWidget == 0 {
			if id != "" {
				widget = widgetToken(id)
			}
			if widget == "" {
				widget = ci.widget
			}
		}
		if cls&cHidden != 0 {
			hid = true
		}
	}
	if id != "" {
		if first, ok := p.ids[id]; !ok {
			p.ids[id] = n
		} else {
			if p.dupIDs == nil {
				p.dupIDs = map[string][]*html.Node{}
			}
			if p.dupIDs[id] == nil {
				p.dupIDs[id] = []*html.Node{first}
			}
			p.dupIDs[id] = append(p.dupIDs[id], n)
		}
	}
	if !hidden && (hid || tag == "input" && strings.EqualFold(attrv(n, "type"), "hidden")) {
		hidden = true
	}
	if hasLang {
		l := lang
		if tag == "html" {
			p.htmlLang = strings.TrimSpace(l)
		}
		if langSkipped(l) {
			zone |= zLangSkip
			if p.langSeen == "" {
				p.langSeen = strings.ToLower(strings.TrimSpace(l))
			}
		} else if strings.TrimSpace(l) != "" {
			zone &^= zLangSkip
		}
	}
	if tag == "code" || tag == "samp" || tag == "kbd" {
		zone |= zCode
	}
	if tag == "blockquote" || tag == "q" {
		zone |= zQuote
	}
	if cls&cSmallOnly != 0 {
		zone |= zSmallOnly
	}
	if role == "dialog" || role == "alertdialog" || role == "tooltip" || modal || tag == "dialog" || cls&cDialog != 0 {
		zone |= zDialog
	}
	// what to undo when leaving n (instead of defers, which a function
	// with this many returns would not open-code)
	var popWidget, popChrome, decLabel, decItalic, popTable bool
	if widget != "" {
		zone |= zWidget | zChrome
		w.widgets = append(w.widgets, widget)
		popWidget = true
	}
	inMainZone := zone&(zMain|zRoleMain|zArticle) != 0
	switch {
	case tag == "main" || role == "main":
		if tag == "main" {
			zone |= zMain
		} else {
			zone |= zRoleMain
		}
		// the main landmark is the main content, wherever broken markup
		// (an unclosed header) has put it
		zone &^= zChrome | zChromeClass
		if !hidden {
			p.hasMain = true
		}
	case tag == "article":
		zone |= zArticle
	case (tag == "header" || role == "banner") && inMainZone:
		// a header inside main or an article heads that content (it is not
		// the page's banner, and often holds the h1)
	case tag == "header" || tag == "nav" || tag == "aside" || role == "navigation" || role == "banner" || role == "search" || role == "complementary":
		if n == w.notChrome {
			break
		}
		zone |= zChrome
		if inMainZone && tag != "header" && role != "banner" {
			w.chromeIn = append(w.chromeIn, n)
			popChrome = true
		}
	case tag == "footer" || role == "contentinfo":
		zone |= zChrome | zFooter
	}
	if role == "search" || tag == "form" && strings.Contains(strings.ToLower(attrv(n, "action")), "search") {
		p.hasSearch = true
	}
	if tag == "input" {
		nm := strings.ToLower(attrv(n, "name") + " " + attrv(n, "id"))
		if strings.EqualFold(attrv(n, "type"), "search") || strings.TrimSpace(nm) == "q" || strings.HasPrefix(nm, "q ") || strings.Contains(nm, "search") {
			p.hasSearch = true
		}
	}
	if tag != "body" && tag != "html" && (id != "" || class != "") {
		switch max(chromeKind(id), w.classOf(class).chrome) {
		case 2:
			// a cookie or consent box, unless the class is on a wrapper of
			// the page ("with-cookiebanner"): that must never hide the page
			if zone&zChrome != 0 || bannerSized(n) {
				zone |= zChrome | zConsent
			}
		case 1:
			zone |= zChromeClass
			// navigation inside the main content (an in-page menu, a pager,
			// breadcrumbs) is not prose either, unless the class is on a
			// wrapper of the content itself
			if inMainZone && zone&zChrome == 0 && navClass(id, class) && bannerSized(n) {
				zone |= zChrome
			}
		}
	}

	switch tag {
	case "title":
		if !p.hasTitle && n.Parent != nil && n.Parent.Data != "svg" {
			p.hasTitle = true
			p.title = collapse(textOf(n))
		}
		w.unwind(popWidget, popChrome)
		return
	case "meta":
		name := strings.ToLower(attrv(n, "name"))
		switch {
		case name == "description" && !p.hasDesc:
			p.hasDesc = true
			p.metaDesc = collapse(attrv(n, "content"))
		case (name == "application-name" || strings.EqualFold(attrv(n, "property"), "og:site_name")) && p.siteName == "":
			p.siteName = collapse(attrv(n, "content"))
		case name == "viewport":
			// browsers apply the last viewport tag
			p.hasVP = true
			p.viewport = attrv(n, "content")
			p.viewports++
		case strings.EqualFold(attrv(n, "http-equiv"), "refresh") && p.refresh == "":
			p.refresh = strings.TrimSpace(attrv(n, "content"))
			if p.refresh == "" {
				p.refresh = "0"
			}
		}
		w.unwind(popWidget, popChrome)
		return
	case "link":
		rel := strings.ToLower(attrv(n, "rel"))
		if strings.Contains(rel, "stylesheet") || strings.Contains(rel, "icon") || strings.Contains(rel, "preload") {
			if h := attrv(n, "href"); h != "" {
				p.resources = append(p.resources, h)
			}
		}
		w.unwind(popWidget, popChrome)
		return
	case "script", "iframe", "embed", "source", "track", "audio", "video":
		if s := attrv(n, "src"); s != "" {
			p.resources = append(p.resources, s)
		}
	case "object":
		if s := attrv(n, "data"); s != "" {
			p.resources = append(p.resources, s)
		}
	}
	kind := elemKind(n)
	if kind&ekSkip != 0 {
		if tag == "select" || tag == "textarea" {
			w.control(n, zone, hidden)
		}
		w.unwind(popWidget, popChrome)
		return
	}

	isCell := (tag == "td" || tag == "th") && len(w.tables) > 0
	if isCell {
		w.cells = append(w.cells, w.tables[len(w.tables)-1])
	}
	isBlock := kind&ekBlock != 0
	var prevNode *html.Node
	var prevTag string
	var prevZone int
	var prevCell *tableInfo
	if isBlock {
		w.flush()
		prevNode, prevTag, prevZone, prevCell = w.blockNode, w.blockTag, w.blockZone, w.blockCell
		w.blockNode, w.blockTag, w.blockZone, w.blockCell = n, tag, zone, nil
		if k := len(w.cells); k > 0 {
			w.blockCell = w.cells[k-1]
		}
	}
	if tag == "br" {
		// two line breaks in a row end a paragraph, as the reader sees it
		if w.brAt >= 0 && spaceOnly(w.buf.Bytes()[w.brAt:]) {
			w.flush()
		} else {
			w.buf.WriteString("\n")
			w.brAt = w.buf.Len()
		}
	}

	var fr *frame
	linkPos, headPos := -1, -1
	isButton, isBold := false, false
	boldLen, boldFlushes, boldWords, cellCol := 0, 0, 0, 0
	switch tag {
	case "a":
		if at.has&atHref != 0 {
			fr = w.newFrame(n)
			wd := ""
			if k := len(w.widgets); k > 0 {
				wd = w.widgets[k-1]
			}
			p.links = append(p.links, linkInfo{node: n, href: at.href, target: at.target, zone: zone, hidden: hidden,
				control: ctrl || role == "tab" || role == "button" || role == "menuitem", widget: wd, blockAt: len(p.blocks), blockNode: w.blockNode})
			linkPos = len(p.links) - 1
		}
	case "h1", "h2", "h3", "h4", "h5", "h6":
		fr = w.newFrame(n)
		p.headings = append(p.headings, elemInfo{node: n, tag: tag, zone: zone, hidden: hidden, level: int(tag[1] - '0'), cls: cls})
		headPos = len(p.headings) - 1
	case "button":
		fr = w.newFrame(n)
		isButton = true
	case "img":
		p.imgTotal++
		alt, hasAlt := attr(n, "alt")
		for _, f := range w.frames {
			f.alt.WriteString(" " + alt + " " + attrv(n, "aria-label") + " " + attrv(n, "title"))
		}
		if s := attrv(n, "src"); s != "" {
			p.resources = append(p.resources, s)
		}
		if !hasAlt && !hidden && !presentational(n) && !hasAriaName(n) && strings.TrimSpace(attrv(n, "title")) == "" {
			p.imgs = append(p.imgs, elemInfo{node: n, tag: tag, zone: zone})
		}
	case "area":
		if at.has&atHref != 0 && !hidden {
			if strings.TrimSpace(attrv(n, "alt")) == "" && !hasAriaName(n) {
				p.imgs = append(p.imgs, elemInfo{node: n, tag: tag, zone: zone})
			}
		}
	case "input":
		typ := strings.ToLower(strings.TrimSpace(attrv(n, "type")))
		if typ != "hidden" && !hidden {
			// a control inside a heading or link gives it a name, as
			// accessible-name computation does
			for _, f := range w.frames {
				f.alt.WriteString(" " + attrv(n, "aria-label") + " " + attrv(n, "value") + " " + attrv(n, "placeholder") + " " + attrv(n, "alt"))
			}
		}
		switch typ {
		case "image":
			if strings.TrimSpace(attrv(n, "alt")) == "" && !hasAriaName(n) && strings.TrimSpace(attrv(n, "title")) == "" && !hidden {
				p.imgs = append(p.imgs, elemInfo{node: n, tag: tag, zone: zone})
			}
			if s := attrv(n, "src"); s != "" {
				p.resources = append(p.resources, s)
			}
		case "button":
			if !hidden && strings.TrimSpace(attrv(n, "value")) == "" && !hasAriaName(n) && strings.TrimSpace(attrv(n, "title")) == "" {
				p.buttons = append(p.buttons, elemInfo{node: n, tag: tag, zone: zone})
			}
		case "submit", "reset":
			// without a value they are named "Submit"/"Reset"; an empty value names them nothing
			if v, ok := attr(n, "value"); ok && !hidden && strings.TrimSpace(v) == "" && !hasAriaName(n) && strings.TrimSpace(attrv(n, "title")) == "" {
				p.buttons = append(p.buttons, elemInfo{node: n, tag: tag, zone: zone})
			}
		case "hidden":
		default:
			w.control(n, zone, hidden)
		}
	case "abbr", "acronym":
		if strings.TrimSpace(attrv(n, "title")) != "" {
			if p.abbrTitle == nil {
				p.abbrTitle = map[string]bool{}
			}
			p.abbrTitle[strings.TrimSuffix(collapse(textOf(n)), "s")] = true
		}
	case "label":
		if f := attrv(n, "for"); f != "" {
			p.labelFor[f] = true
		}
		w.labelDep++
		decLabel = true
	case "b", "strong":
		if cls&cBadge != 0 {
			break // a tag or badge: a styled label, not bold text
		}
		w.bold++
		isBold = true
		boldLen, boldFlushes, boldWords = w.buf.Len(), w.flushes, w.bufBold
	case "i", "em", "u":
		if tag != "u" {
			w.italic++
			decItalic = true
		}
		if !hidden {
			t, linked := styledText(n, inLink)
			if t != "" && zone&zLangSkip == 0 {
				p.styled = append(p.styled, elemInfo{node: n, tag: tag, text: t, zone: zone, cls: cls, linked: linked})
			}
		}
	case "table":
		t := &tableInfo{node: n, presented: role == "presentation" || role == "none", hidden: hidden, zone: zone,
			dataClass: class != "" && strings.Contains(lowerASCII(class), "data")}
		if k := len(w.tables); k > 0 {
			w.tables[k-1].nested = true
		}
		p.tables = append(p.tables, t)
		w.tables = append(w.tables, t)
		popTable = true
	case "tr":
		if k := len(w.tables); k > 0 {
			t := w.tables[k-1]
			t.rows++
			t.cellsRow = 0
		}
	case "td", "th":
		if k := len(w.tables); k > 0 {
			t := w.tables[k-1]
			t.cellsRow++
			cellCol = t.cellsRow
			if t.cellsRow > t.maxCells {
				t.maxCells = t.cellsRow
			}
			if tag == "th" {
				t.headers++
			}
		}
	}
	if role == "columnheader" || role == "rowheader" {
		if k := len(w.tables); k > 0 {
			w.tables[k-1].headers++
		}
	}
	if role == "button" && tag != "button" && tag != "input" && fr == nil {
		fr = w.newFrame(n)
		isButton = true
	}
	if at.has&atTabindex != 0 {
		if v, err := strconv.Atoi(strings.TrimSpace(at.tabindex)); err == nil && v > 0 {
			p.tabindex = append(p.tabindex, elemInfo{node: n, tag: tag, zone: zone, level: v, at: len(p.links), hidden: hidden})
		}
	}

	if fr != nil {
		w.frames = append(w.frames, fr)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, depth+1, zone, hidden, inLink || tag == "a")
	}
	if isBold {
		w.bold--
		// a short bold label ("File type:", "Telephone:") names the value
		// after it: it is not emphasis
		if w.flushes == boldFlushes && w.buf.Len() >= boldLen {
			if run := w.buf.Bytes()[boldLen:]; boldLabel(run) {
				w.bufBold = boldWords
			}
		}
	}
	if isCell {
		w.cells = w.cells[:len(w.cells)-1]
		w.cellDone(n, cellCol)
	}
	if fr != nil {
		w.frames = w.frames[:len(w.frames)-1]
		text := collapseText(fr.sb.Bytes())
		alt := collapseText(fr.alt.Bytes())
		w.freeFrames = append(w.freeFrames, fr)
		switch {
		case linkPos >= 0:
			l := &p.links[linkPos]
			l.text = text
			l.imgAlt = alt
			l.title = at.title
			l.ariaLabel = at.ariaName()
			if l.ariaLabel {
				l.aria = at.ariaLabel
			}
		case headPos >= 0:
			h := &p.headings[headPos]
			h.text = strings.TrimSpace(text + " " + alt)
			if h.text == "" && hasAriaName(n) {
				h.text = attrv(n, "aria-label") + "(aria)"
			}
			if tag == "h1" && p.h1Text == "" && !hidden {
				p.h1Text = text
				if k := len(w.chromeIn); k > 0 {
					w.h1Nav = w.chromeIn[0]
				}
			}
		case isButton:
			if !hidden && text == "" && alt == "" && !hasAriaName(n) && strings.TrimSpace(attrv(n, "title")) == "" {
				p.buttons = append(p.buttons, elemInfo{node: n, tag: tag, zone: zone})
			}
		}
	}
	if isBlock {
		w.flush()
		w.blockNode, w.blockTag, w.blockZone, w.blockCell = prevNode, prevTag, prevZone, prevCell
	}
	if decLabel {
		w.labelDep--
	}
	if decItalic {
		w.italic--
	}
	if popTable {
		w.tables = w.tables[:len(w.tables)-1]
	}
	w.unwind(popWidget, popChrome)
}

// unwind undoes what walk pushed for an element: its widget and its
// navigation box inside the main content.
func (w *walker) unwind(popWidget, popChrome bool) {
	if popChrome {
		w.chromeIn = w.chromeIn[:len(w.chromeIn)-1]
	}
	if popWidget {
		w.widgets = w.widgets[:len(w.widgets)-1]
	}
}

// elemAttrs are attributes of an element the walker reads, each as attr
// reads it (the first of the name; has says which the element has).
type elemAttrs struct {
	has                                                      uint8
	href, target, title, ariaLabel, ariaLabelledby, tabindex string
}

const (
	atHref = 1 << iota
	atTarget
	atTitle
	atAriaLabel
	atAriaLabelledby
	atTabindex
)

// set keeps v as *f (bit b of has) unless the element gave it already.
func (a *elemAttrs) set(f *string, b uint8, v string) {
	if a.has&b == 0 {
		*f, a.has = v, a.has|b
	}
}

// ariaName is hasAriaName of the element.
func (a *elemAttrs) ariaName() bool {
	return strings.TrimSpace(a.ariaLabel) != "" || strings.TrimSpace(a.ariaLabelledby) != ""
}

func (w *walker) control(n *html.Node, zone int, hidden bool) {
	if hidden || presentational(n) {
		return
	}
	if w.labelDep > 0 || hasAriaName(n) || strings.TrimSpace(attrv(n, "title")) != "" || strings.TrimSpace(attrv(n, "placeholder")) != "" {
		return
	}
	// label[for] may come later in the document: decided in finish.
	w.p.controls = append(w.p.controls, elemInfo{node: n, tag: n.Data, zone: zone})
}

func presentational(n *html.Node) bool {
	r := strings.ToLower(strings.TrimSpace(attrv(n, "role")))
	return r == "presentation" || r == "none"
}

func hasAriaName(n *html.Node) bool {
	return strings.TrimSpace(attrv(n, "aria-label")) != "" || strings.TrimSpace(attrv(n, "aria-labelledby")) != ""
}

// finish resolves what needs the whole page: labels declared after their
// control, resolved link URLs, and the main content.
func (p *page) finish() {
	kept := p.controls[:0]
	for _, c := range p.controls {
		if id := attrv(c.node, "id"); id != "" && p.labelFor[id] {
			continue
		}
		kept = append(kept, c)
	}
	p.controls = kept
	// Pages repeat hrefs ("/", "#main", the same menu twice): resolve each
	// once (a plain href is resolved without parsing, and needs no memo).
	var resolved map[string]string
	for i := range p.links {
		l := &p.links[i]
		h := strings.TrimSpace(l.href)
		if len(h) >= 7 && strings.EqualFold(h[:7], "mailto:") {
			l.isMailto = true
		}
		if p.base == nil {
			continue
		}
		abs, ok := p.resolvePlain(h)
		if !ok {
			if abs, ok = resolved[h]; !ok {
				if u, err := p.base.Parse(h); err == nil {
					u.Fragment = ""
					abs = u.String()
				}
				if resolved == nil {
					resolved = map[string]string{}
				}
				resolved[h] = abs
			}
		}
		l.abs = abs
	}
	switch {
	case p.zoneUsed(zMain):
		p.mainMode = zMain
	case p.zoneUsed(zRoleMain):
		p.mainMode = zRoleMain
	case p.zoneUsed(zArticle) && p.articleHoldsContent():
		p.mainMode = zArticle
	}
	if p.mainMode == 0 {
		// guess chrome from class names, unless that leaves little text
		all, kept := 0, 0
		for bi := range p.blocks {
			b := &p.blocks[bi]
			if b.zone&zChrome == 0 {
				n := len(b.text)
				all += n
				if b.zone&zChromeClass == 0 {
					kept += n
				}
			}
		}
		p.useClass = kept*4 >= all
	}
	var sb strings.Builder
	nMain, size := 0, 0
	for bi := range p.blocks {
		if p.inMain(p.blocks[bi].zone) {
			nMain++
			size += len(p.blocks[bi].text) + 1
		}
	}
	sb.Grow(size)
	p.mainBlocks = make([]textBlock, 0, nMain)
	for bi := range p.blocks {
		if p.inMain(p.blocks[bi].zone) {
			b := p.blocks[bi]
			f, n := blockFacts(b.text)
			b.flags, b.nwords = f, n+1 // as b.words() counts them
			p.mainBlocks = append(p.mainBlocks, b)
			sb.WriteString(b.text)
			sb.WriteString("\n")
			p.mainWords += n
		}
	}
	p.mainText = sb.String()
}

// resolvePlain resolves a plain href without parsing it: an absolute
// http(s) address, or a path from the site's root ("/a/b?c"), made of
// characters that url.Parse and URL.String leave as they are, with no dot
// segments; the fragment is dropped. ok is false for anything else, which
// url.Parse then resolves (TestResolvePlainAgreesWithParse).
func (p *page) resolvePlain(h string) (string, bool) {
	k := 0 // where the path starts in h
	switch {
	case strings.HasPrefix(h, "https://"):
		k = len("https://")
	case strings.HasPrefix(h, "http://"):
		k = len("http://")
	case len(h) > 0 && h[0] == '/' && (len(h) == 1 || h[1] != '/'):
		if p.origin == "" {
			if p.base.User != nil || p.base.Opaque != "" || p.base.Host == "" || strings.ContainsAny(p.base.Host, "%[") {
				return "", false
			}
			p.origin = p.base.Scheme + "://" + p.base.Host
		}
	default:
		return "", false
	}
	if k > 0 { // the host: letters, digits, dots, hyphens and underscores (no port)
		for k < len(h) && plainHostByte[h[k]] {
			k++
		}
		if k < len(h) && h[k] != '/' && h[k] != '?' && h[k] != '#' {
			return "", false
		}
	}
	i := k
	for i < len(h) && plainPathByte[h[i]] {
		i++
	}
	if i < len(h) && h[i] != '?' && h[i] != '#' || strings.Contains(h[k:i], "/.") {
		return "", false // a byte to escape, or dot segments (removed when resolving)
	}
	if i < len(h) && h[i] == '?' {
		for i++; i < len(h) && h[i] != '#'; i++ {
			if c := h[i]; c <= ' ' || c >= 0x7f {
				return "", false
			}
		}
	}
	// h[i:] is the fragment (or nothing): dropped
	if h[0] != '/' {
		return h[:i], true // an absolute address is its own, up to the fragment
	}
	return p.origin + h[:i], true
}

// plainHostByte are the bytes of a plain host name (see plainHost).
var plainHostByte = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_'
	}
	return
}()

// plainPathByte are the bytes of a path that url.Parse and URL.String
// leave as they are: letters, digits and -._~/$&+,;=:@.
var plainPathByte = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~/$&+,;=:@", byte(c)) >= 0
	}
	return
}()

// articleHoldsContent reports whether the article elements hold a third or
// more of the text outside the page's chrome: some templates wrap their
// header, search box or breadcrumbs in articles and leave the content out.
func (p *page) articleHoldsContent() bool {
	in, all := 0, 0
	for bi := range p.blocks {
		b := &p.blocks[bi]
		if b.zone&zChrome != 0 {
			continue
		}
		all += len(b.text)
		if b.zone&zArticle != 0 {
			in += len(b.text)
		}
	}
	return 3*in >= all
}

func (p *page) zoneUsed(z int) bool {
	for bi := range p.blocks {
		b := &p.blocks[bi]
		if b.zone&z != 0 && b.zone&zChrome == 0 {
			return true
		}
	}
	return false
}

// inMain reports whether something in zone z belongs to the main content.
func (p *page) inMain(z int) bool {
	if z&(zChrome|zSmallOnly) != 0 || p.useClass && z&zChromeClass != 0 {
		return false
	}
	if p.mainMode == 0 {
		return true
	}
	return z&p.mainMode != 0
}

func textOf(n *html.Node) string {
	var sb strings.Builder
	var f func(*html.Node, int)
	f = func(n *html.Node, d int) {
		if d > maxDepth {
			return
		}
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
			return
		}
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style") {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			f(c, d+1)
		}
	}
	f(n, 0)
	return sb.String()
}

// collapse folds runs of white space into one space and trims the ends.
func collapse(s string) string { return collapseText(s) }

// collapseText is collapse for text held as a string or as bytes (the
// walker's buffer), so that bytes become a string in one allocation.
func collapseText[T string | []byte](s T) string {
	// ASCII white space at the ends goes: many texts are only that (the
	// white space between blocks), and the rest need less room
	i, j := 0, len(s)
	for i < j && spaceKind[s[i]] == skSpace {
		i++
	}
	for j > i && spaceKind[s[j-1]] == skSpace {
		j--
	}
	if i == j {
		return ""
	}
	s = s[i:j]
	k := firstUncollapsed(s)
	if k < 0 {
		return string(s)
	}
	// s[:k] is already collapsed: copy it as it is (a single space at its
	// end is held back, as the loop below would) and fold the rest, a run
	// of plain ASCII at a time.
	var sb strings.Builder
	sb.Grow(len(s))
	space := false
	pre := s[:k]
	if len(pre) > 0 && pre[len(pre)-1] == ' ' {
		pre, space = pre[:len(pre)-1], true
	}
	writeText(&sb, pre)
	for i := k; i < len(s); {
		c := s[i]
		switch spaceKind[c] {
		case skPlain:
			j := i + 1
			for j < len(s) && spaceKind[s[j]] == skPlain {
				j++
			}
			if space && sb.Len() > 0 {
				sb.WriteByte(' ')
			}
			space = false
			writeText(&sb, s[i:j])
			i = j
			continue
		case skSpace:
			space = true
			i++
			for i < len(s) && spaceKind[s[i]] == skSpace {
				i++
			}
			continue
		}
		var buf [utf8.UTFMax]byte
		n := copy(buf[:], s[i:min(i+utf8.UTFMax, len(s))])
		r, size := utf8.DecodeRune(buf[:n])
		if unicode.IsSpace(r) || r == '\u00a0' {
			space = true
			i += size
			continue
		}
		if space && sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		space = false
		if r == utf8.RuneError && size == 1 {
			sb.WriteRune(r) // an invalid byte becomes U+FFFD
		} else {
			writeText(&sb, s[i:i+size]) // a rune's own bytes are its encoding
		}
		i += size
	}
	return sb.String()
}

// writeText writes a string or bytes to sb.
func writeText[T string | []byte](sb *strings.Builder, s T) {
	switch v := any(s).(type) {
	case string:
		sb.WriteString(v)
	case []byte:
		sb.Write(v)
	}
}

// spaceKind sorts the bytes for collapse: plain ASCII, ASCII white space,
// or the first or a later byte of a multi-byte rune.
const (
	skPlain = iota
	skSpace
	skRune
)

var spaceKind = func() (t [256]uint8) {
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] = skRune
	}
	for _, c := range []byte{' ', '\t', '\n', '\r', '\f', '\v'} {
		t[c] = skSpace
	}
	return
}()

// firstUncollapsed returns the index of the first byte of s that collapse
// may change (white space to fold or trim, or an invalid byte, which
// becomes U+FFFD), or -1 when s is already collapsed.
func firstUncollapsed[T string | []byte](s T) int {
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			if i == 0 || prevSpace {
				return i
			}
			prevSpace = true
		case c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			return i
		case c >= utf8.RuneSelf:
			var buf [utf8.UTFMax]byte
			n := copy(buf[:], s[i:min(i+utf8.UTFMax, len(s))])
			r, size := utf8.DecodeRune(buf[:n])
			if r == utf8.RuneError && size == 1 || unicode.IsSpace(r) || r == '\u00a0' {
				return i
			}
			prevSpace = false
			i += size - 1
		default:
			prevSpace = false
		}
	}
	if prevSpace {
		return len(s) - 1
	}
	return -1
}

func countWords(s string) int {
	n := 0
	var in uint8 // 1 inside a word
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf { // ASCII, by table and without branches (see blockFacts)
			alnum := asciiAlnum[c]
			n += int(alnum &^ in)
			in = alnum | asciiJoin[c]&in
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n += int(1 &^ in)
			in = 1
		} else if r != '’' {
			in = 0
		}
	}
	return n
}

// asciiClass is, per ASCII byte, 1 for a letter or digit, 2 for the
// apostrophe and hyphen (which join a word), 0 for the rest.
var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := 0; c < utf8.RuneSelf; c++ {
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9':
			t[c] = 1
		case c == '\'' || c == '-':
			t[c] = 2
		}
	}
	return
}()

// trimSnippet shortens s to about max runes, on a word boundary.
func trimSnippet(s string, max int) string {
	if len(s) <= max && firstUncollapsed(s) < 0 {
		return s // short and collapsed already (link and heading text)
	}
	if k := 4 * (max + 2); len(s) > k {
		// a long text: its first max+2 runes are all that is read, and a
		// prefix that still has them after collapsing gives the same cut
		for k > 0 && !utf8.RuneStart(s[k]) {
			k--
		}
		if pre := collapse(s[:k]); utf8.RuneCountInString(pre) >= max+2 {
			s = pre
		} else {
			s = collapse(s)
		}
	} else {
		s = collapse(s)
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	// cut before the last space among runes max*2/3+1 to max, else at rune
	// max (s is valid UTF-8, as collapse leaves it: byte offsets stand for
	// rune indices)
	cut, at := -1, 0
	for i, off := 0, 0; i <= max; i++ {
		if i == max {
			at = off
		}
		r, size := utf8.DecodeRuneInString(s[off:])
		if i > max*2/3 && r == ' ' {
			cut = off
		}
		off += size
	}
	if cut < 0 {
		cut = at
	}
	return strings.TrimSpace(s[:cut]) + "…"
}

// around returns the text around s[i:j], trimmed to about 80 runes.
func around(s string, i, j int) string {
	lo, hi := i-40, j+40
	if lo < 0 {
		lo = 0
	}
	if hi > len(s) {
		hi = len(s)
	}
	for lo > 0 && !utf8.RuneStart(s[lo]) {
		lo--
	}
	for hi < len(s) && !utf8.RuneStart(s[hi]) {
		hi++
	}
	out := collapse(s[lo:hi])
	if lo > 0 {
		out = "…" + out
	}
	if hi < len(s) {
		out += "…"
	}
	return out
}

// selector returns a CSS selector for n: a path of nth-child steps up to the
// nearest ancestor with a unique id.
func (p *page) selector(n *html.Node) string {
	if n == nil {
		return ""
	}
	if s, ok := p.selCache[n]; ok {
		return s
	}
	// the steps from n up, then written once, root first
	type step struct {
		name string // "#id", "html", "body", "head" or a tag name
		idx  int    // nth-child index of a tag name; 0 for the others
	}
	var stack [32]step
	parts := stack[:0]
	size := 0
	cur := n
	for d := 0; cur != nil && cur.Type == html.ElementNode && d < maxDepth; d++ {
		if id := attrv(cur, "id"); id != "" && p.ids[id] != nil && p.dupIDs[id] == nil && cssIdent(id) {
			parts = append(parts, step{name: "#" + id})
			size += len(id) + 1
			break
		}
		if cur.Data == "html" || cur.Data == "body" || cur.Data == "head" {
			parts = append(parts, step{name: cur.Data})
			size += len(cur.Data)
			break
		}
		idx := 1
		for s := cur.PrevSibling; s != nil; s = s.PrevSibling {
			if s.Type == html.ElementNode {
				idx++
			}
		}
		parts = append(parts, step{name: cur.Data, idx: idx})
		size += len(cur.Data) + len(":nth-child()") + 4
		cur = cur.Parent
	}
	var sb strings.Builder
	sb.Grow(size + 3*len(parts))
	for i := len(parts) - 1; i >= 0; i-- {
		st := parts[i]
		sb.WriteString(st.name)
		if st.idx > 0 {
			sb.WriteString(":nth-child(")
			var nb [20]byte
			sb.Write(strconv.AppendInt(nb[:0], int64(st.idx), 10))
			sb.WriteByte(')')
		}
		if i > 0 {
			sb.WriteString(" > ")
		}
	}
	s := sb.String()
	p.selCache[n] = s
	return s
}

func cssIdent(s string) bool {
	for i, r := range s {
		if !(r == '-' || r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r))) {
			return false
		}
	}
	return s != "" && !(s[0] == '-' && len(s) > 1 && s[1] >= '0' && s[1] <= '9')
}
