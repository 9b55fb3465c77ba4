package scoring

import (
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Engine scores pages and sites under one Method. Everything it needs is
// compiled once in NewEngine; it holds no mutable state, so ScorePage is safe
// for concurrent use.
type Engine struct {
	m       Method
	defs    []checkDef
	byID    map[string]int
	rx      *regexps
	nrx     *checkRegexps2026
	avoid   []avoidWord
	tasks   []taskMatcher
	english map[string]bool
	pre     map[*regexp.Regexp]func(*textBlock) bool
	// avoidIndex maps the first word of each words-to-avoid form to the
	// forms (as word lists) starting with it.
	avoidIndex map[string][][]string
	avoidBits  wordBits // a quick filter of the keys of avoidIndex
}

type taskMatcher struct {
	Task
	re *regexp.Regexp
	// firsts are the lower-cased first tokens of the task's words: a text
	// can only match re if it contains one of them (a cheap prefilter);
	// nil means always try re.
	firsts []string
	// phrases are the task's words split at their spaces, for matchLower;
	// nil when a word is not lower-case ASCII letters and single spaces.
	phrases [][]string
}

// matchLower is re.MatchString for plain ASCII text, given lower-cased,
// without the regexp (m.phrases must not be nil): one of the phrases, its
// words joined by runs of white space or hyphens, between word boundaries.
func (m taskMatcher) matchLower(lower string) bool {
	for _, ws := range m.phrases {
		for i := 0; i+len(ws[0]) <= len(lower); {
			k := strings.Index(lower[i:], ws[0])
			if k < 0 {
				break
			}
			k += i
			if (k == 0 || !isWordByte(lower[k-1])) && phraseAt(lower, k+len(ws[0]), ws[1:]) {
				return true
			}
			i = k + 1
		}
	}
	return false
}

// phraseAt reports whether the words ws follow at j in s, each after a run
// of white space or hyphens ([\s\-]+), the last ending at a word boundary.
func phraseAt(s string, j int, ws []string) bool {
	for _, w := range ws {
		k := j
		for k < len(s) && (s[k] == ' ' || s[k] == '-' || s[k] == '\t' || s[k] == '\n' || s[k] == '\f' || s[k] == '\r') {
			k++
		}
		if k == j || !strings.HasPrefix(s[k:], w) {
			return false
		}
		j = k + len(w)
	}
	return j == len(s) || !isWordByte(s[j])
}

// taskPhrases splits words at their spaces for matchLower, or returns nil
// when one is not lower-case ASCII letters and single spaces.
func taskPhrases(words []string) [][]string {
	var out [][]string
	for _, w := range words {
		ws := strings.Split(w, " ")
		for _, x := range ws {
			if x == "" {
				return nil
			}
			for i := 0; i < len(x); i++ {
				if x[i] < 'a' || x[i] > 'z' {
					return nil
				}
			}
		}
		out = append(out, ws)
	}
	return out
}

// mayMatch is the prefilter of m.re.
func (m taskMatcher) mayMatch(s string) bool {
	if m.firsts == nil {
		return true
	}
	for _, f := range m.firsts {
		if containsFold(s, f) {
			return true
		}
	}
	return false
}

// mayMatchLower is a sharper mayMatch for plain ASCII text, lower-cased:
// the regexp matches at a word boundary, so one of the first tokens
// (letters and digits) must start where a word starts.
func (m taskMatcher) mayMatchLower(lower string) bool {
	if m.firsts == nil {
		return true
	}
	for _, f := range m.firsts {
		for i := 0; i+len(f) <= len(lower); {
			k := strings.Index(lower[i:], f)
			if k < 0 {
				break
			}
			if j := i + k; j == 0 || !isWordByte(lower[j-1]) {
				return true
			}
			i += k + 1
		}
	}
	return false
}

// lowerIfASCII lower-cases s when it is plain ASCII; ok is false otherwise.
func lowerIfASCII(s string) (string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return "", false
		}
	}
	return strings.ToLower(s), true
}

// firstTokens returns the lower-cased first token of each word or phrase,
// or nil when one is not plain ASCII (the prefilter would not be exact).
func firstTokens(words []string) []string {
	out := make([]string, 0, len(words))
	for _, w := range words {
		f := strings.ToLower(strings.Fields(w + " ")[0])
		for i := 0; i < len(f); i++ {
			if c := f[i]; c >= 0x80 || !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
				return nil
			}
		}
		out = append(out, f)
	}
	return out
}

// NewEngine compiles the checks for method m.
func NewEngine(m Method) *Engine {
	e := &Engine{m: m, defs: checkDefs(), byID: map[string]int{}, rx: newRegexps(), nrx: newNewRegexps(), english: map[string]bool{}}
	for i, d := range e.defs {
		e.byID[d.ID] = i
		if d.english {
			e.english[d.ID] = true
		}
	}
	e.avoid = avoidWords()
	e.pre = prefilters(e.rx)
	for re, f := range newPrefilters(e.nrx) {
		e.pre[re] = f
	}
	e.avoidIndex = map[string][][]string{}
	for _, a := range e.avoid {
		for _, f := range a.forms {
			ws := strings.Fields(f)
			e.avoidIndex[ws[0]] = append(e.avoidIndex[ws[0]], ws)
		}
	}
	for k := range e.avoidIndex {
		e.avoidBits.add(k)
	}
	for _, t := range Tasks() {
		e.tasks = append(e.tasks, taskMatcher{Task: t, re: wordsRegexp(t.Words), firsts: firstTokens(t.Words), phrases: taskPhrases(t.Words)})
	}
	return e
}

// Method returns the engine's method.
func (e *Engine) Method() Method { return e.m }

func wordsRegexp(words []string) *regexp.Regexp {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = strings.ReplaceAll(regexp.QuoteMeta(w), " ", `[\s\-]+`)
	}
	return regexp.MustCompile(`(?i)\b(?:` + strings.Join(q, "|") + `)\b`)
}

// PageResult is the outcome of scoring one page.
type PageResult struct {
	URL        string
	Title      string
	Lang       string // <html lang>
	Findings   []Finding
	NotApplied []string // "check-id: reason" for checks that were not run on this page
	// Unscored says why the page has no content or readability score ("" when
	// it has them): an error page, a soft 404, or too little main content. It
	// still counts for the technical (and, unless it is an HTTP error, the
	// accessibility) checks.
	Unscored string
	LangNote string // text skipped as Welsh/Gaelic, when only part of the page is
	Summary  PageSummary
}

// LinkSummary is a link's text and resolved address.
type LinkSummary struct {
	Text string
	Href string
}

// StatementFacts are what an accessibility statement page says.
type StatementFacts struct {
	Compliance  string    // "full", "partial", "non" or ""
	Contact     bool      // email, telephone or form to report problems
	Enforcement bool      // names EHRC / ECNI / Equality Advisory Service
	Reviewed    time.Time // latest preparation or review date found (zero if none)
	ReviewText  string    // the text the date was found in
}

// PageSummary is the small part of a page result that site-level checks and
// site statistics need. It holds no body.
type PageSummary struct {
	URL          string
	FinalURL     string
	Depth        int
	Status       int
	IsHTML       bool
	Title        string
	H1           string
	Counts       map[string]int // check id -> findings (weighted), for checks applied to this page
	Words        int            // words of main content (the "words read" text checks are counted per)
	Unscored     string         // why the page has no content and readability score, or ""
	Flesch       float64        // Flesch reading ease (0 when not measured)
	ReadingAge   int
	PDFLinks     int
	Tasks        []string // ids of top tasks the page is about
	HomeLinks    []LinkSummary
	HasSearch    bool   // page has a search form
	A11yLink     string // href of a link to an accessibility page/statement, if any
	A11yInFooter bool   // that link sits in the footer
	IsStatement  bool
	Statement    StatementFacts
	IsAToZ       bool
	AToZLinks    []string
}

// emitter collects the findings of one page.
type emitter struct {
	e        *Engine
	p        *page
	cur      string
	cat      string
	findings []Finding
	counts   map[string]int
	stored   int
	skip     map[string]string
	// options of textRule for the current check
	quotesToo bool       // judge quoted text too
	skipCells bool       // leave out the cells of data tables
	block     *textBlock // the block textRule is reading
}

func (em *emitter) add(sev string, n *html.Node, snippet string, matched []string, msg string) {
	em.addW(1, sev, n, snippet, matched, msg)
}

// full reports whether the current check has kept all the evidence it may:
// callers then only count (countOnly), without building snippets.
func (em *emitter) full() bool { return em.stored >= em.e.m.Thresholds.MaxFindingsPerCheck }

// countOnly counts a finding whose evidence is not kept (see full).
func (em *emitter) countOnly(w int) { em.counts[em.cur] += w }

// addW adds a finding that counts w times in the statistics; its evidence
// is kept while the check is not full.
func (em *emitter) addW(w int, sev string, n *html.Node, snippet string, matched []string, msg string) {
	em.countOnly(w)
	if em.full() {
		return
	}
	em.stored++
	f := Finding{CheckID: em.cur, Category: em.cat, Severity: sev, URL: em.p.pageURL(), Snippet: trimSnippet(snippet, 160), Matched: matched, Message: msg}
	if n != nil {
		f.Selector = em.p.selector(n)
	}
	em.findings = append(em.findings, f)
}

// notApplied marks the current check as not applied to this page.
func (em *emitter) notApplied(reason string) { em.skip[em.cur] = reason }

func (p *page) pageURL() string {
	if p.in.URL != "" {
		return p.in.URL
	}
	return p.in.FinalURL
}

var techAlways = map[string]bool{"tech-status": true, "tech-response-time": true}

// ScorePage runs every page-level check on one page.
func (e *Engine) ScorePage(in PageInput) PageResult {
	em := &emitter{e: e, counts: make(map[string]int, len(e.defs)), skip: map[string]string{}, findings: make([]Finding, 0, 64)}
	var p *page
	htmlOK := (in.IsHTML || in.ContentType == "" || strings.Contains(strings.ToLower(in.ContentType), "html")) && len(in.Body) > 0
	if htmlOK {
		p = parsePage(in)
	} else {
		p = newPage(in)
		p.doc = nil
	}
	em.p = p
	wholeLang := langSkipped(p.htmlLang)
	unscored := ""
	if htmlOK && in.Status < 400 {
		unscored = e.unscored(p)
	}
	for _, d := range e.defs {
		if d.page == nil {
			continue
		}
		switch {
		case !htmlOK && !techAlways[d.ID]:
			em.skip[d.ID] = "not an HTML page"
			continue
		case in.Status >= 400 && !techAlways[d.ID]:
			em.skip[d.ID] = "error page (status " + strconv.Itoa(in.Status) + ")"
			continue
		case unscored != "" && (d.Category == CatContent || d.Category == CatReadability):
			em.skip[d.ID] = unscored
			continue
		case d.english && wholeLang:
			em.skip[d.ID] = "page language is " + p.htmlLang + ": English rules not applied"
			continue
		}
		em.cur, em.cat, em.stored = d.ID, d.Category, 0
		em.quotesToo, em.skipCells, em.block = false, false, nil
		em.counts[d.ID] = 0
		d.page(e, p, em)
		if _, ok := em.skip[d.ID]; ok {
			delete(em.counts, d.ID)
		}
	}
	if len(em.findings) == 0 {
		em.findings = nil // as before the list was sized ahead
	}
	r := PageResult{URL: p.pageURL(), Title: p.title, Lang: p.htmlLang, Findings: em.findings, Unscored: unscored}
	if in.Status >= 400 {
		r.Unscored = "error page (HTTP " + strconv.Itoa(in.Status) + ")"
	} else if !htmlOK {
		r.Unscored = "not an HTML page"
	}
	for _, d := range e.defs {
		if why, ok := em.skip[d.ID]; ok {
			r.NotApplied = append(r.NotApplied, d.ID+": "+why)
		}
	}
	if p.langWords > 0 && !wholeLang {
		r.LangNote = strconv.Itoa(p.langWords) + " words in " + p.langSeen + " not judged by English rules"
	}
	r.Summary = e.summarise(p, em.counts)
	r.Summary.Unscored = r.Unscored
	return r
}

// pathWords turns an address's path into words.
var pathWords = strings.NewReplacer("-", " ", "_", " ", "/", " ", ".", " ")

func (e *Engine) summarise(p *page, counts map[string]int) PageSummary {
	in := p.in
	s := PageSummary{URL: in.URL, FinalURL: in.FinalURL, Depth: in.Depth, Status: in.Status, IsHTML: p.doc != nil,
		Title: p.title, H1: collapse(p.h1Text), Counts: counts, Words: p.mainWords}
	if s.FinalURL == "" {
		s.FinalURL = s.URL
	}
	if p.doc == nil {
		return s
	}
	fl := fleschOf(p, e.rx.sentenceEnd)
	if fl.words >= e.m.Thresholds.MinWordsReadability {
		s.Flesch = round1(fl.ease)
		s.ReadingAge = fl.age
	}
	s.PDFLinks = counts["a11y-pdf-links"]
	// what the page is about: title, main heading and address
	about := p.title + " \n " + s.H1
	if p.base != nil {
		about += " \n " + pathWords.Replace(p.base.Path)
	}
	aboutLower, ascii := lowerIfASCII(about)
	for _, t := range e.tasks {
		if ascii && t.phrases != nil {
			if t.matchLower(aboutLower) {
				s.Tasks = append(s.Tasks, t.ID)
			}
			continue
		}
		if ascii && !t.mayMatchLower(aboutLower) || !ascii && !t.mayMatch(about) {
			continue
		}
		if t.re.MatchString(about) {
			s.Tasks = append(s.Tasks, t.ID)
		}
	}
	for li := range p.links {
		l := &p.links[li]
		if l.hidden {
			continue
		}
		name := linkName(l)
		if !containsFold(name, "accessibility") {
			continue
		}
		if s.A11yLink == "" {
			s.A11yLink = l.abs
			s.A11yInFooter = l.zone&zFooter != 0
		} else if !s.A11yInFooter && l.zone&zFooter != 0 {
			s.A11yLink = l.abs
			s.A11yInFooter = true
		}
	}
	if in.Depth == 0 {
		n := 0
		for li := range p.links {
			if l := &p.links[li]; !l.hidden && l.abs != "" {
				n++
			}
		}
		if n > 0 {
			s.HomeLinks = make([]LinkSummary, 0, n)
		}
		for li := range p.links {
			l := &p.links[li]
			if l.hidden || l.abs == "" {
				continue
			}
			s.HomeLinks = append(s.HomeLinks, LinkSummary{Text: trimSnippet(linkName(l), 80), Href: l.abs})
		}
	}
	s.HasSearch = p.hasSearch
	head := p.title + " " + s.H1
	if e.rx.stmtTitle.MatchString(head) || (e.rx.a11yWord.MatchString(head) && e.rx.stmtBody.MatchString(p.mainText)) {
		s.IsStatement = true
		s.Statement = e.statementFacts(p)
	}
	if e.rx.aToZ.MatchString(head) {
		s.IsAToZ = true
		seen := map[string]bool{}
		for li := range p.links {
			l := &p.links[li]
			if !p.inMain(l.zone) || l.hidden {
				continue
			}
			t := trimSnippet(linkName(l), 80)
			if t != "" && !seen[t] {
				seen[t] = true
				s.AToZLinks = append(s.AToZLinks, t)
			}
		}
	}
	return s
}

// linkName is the accessible name of a link, as far as static HTML tells.
func linkName(l *linkInfo) string {
	switch {
	case strings.TrimSpace(l.aria) != "":
		return collapse(l.aria)
	case l.text != "":
		return l.text
	case l.imgAlt != "":
		return l.imgAlt
	}
	return collapse(l.title)
}

// containsFold reports whether s contains the lower-case ASCII word sub,
// ignoring case.
func containsFold(s, sub string) bool {
	n := len(sub)
	if n == 0 {
		return true
	}
	c := sub[0]
	if c < 'a' || c > 'z' {
		for i := 0; i+n <= len(s); i++ {
			if s[i]|0x20 == c && strings.EqualFold(s[i:i+n], sub) {
				return true
			}
		}
		return false
	}
	// jump from one place the first letter (either case) is to the next
	up := c - ('a' - 'A')
	nextLo, nextUp := -2, -2 // next index of c and of up at or after i; -1: none left
	for i := 0; i+n <= len(s); {
		if nextLo != -1 && nextLo < i {
			if k := strings.IndexByte(s[i:], c); k >= 0 {
				nextLo = i + k
			} else {
				nextLo = -1
			}
		}
		if nextUp != -1 && nextUp < i {
			if k := strings.IndexByte(s[i:], up); k >= 0 {
				nextUp = i + k
			} else {
				nextUp = -1
			}
		}
		j := nextLo
		if j < 0 || nextUp >= 0 && nextUp < j {
			j = nextUp
		}
		if j < 0 || j+n > len(s) {
			return false
		}
		if strings.EqualFold(s[j:j+n], sub) {
			return true
		}
		i = j + 1
	}
	return false
}

func round1(f float64) float64 {
	if f < 0 {
		return -round1(-f)
	}
	return float64(int64(f*10+0.5)) / 10
}

// ScoreSinglePage scores one page on its own: its findings, and scores
// computed from the page-level checks alone.
func (e *Engine) ScoreSinglePage(in PageInput) (PageResult, []Score) {
	r := e.ScorePage(in)
	return r, e.m.Score(e.PageStats(r.Summary))
}

// PageStats are the statistics of one page's page-level checks (a page is
// one unit: PagesTotal 1): what a site's statistics are the sums of, and
// what the bootstrap of a site's score resamples (SiteScoreInterval).
func (e *Engine) PageStats(s PageSummary) []CheckStat {
	var stats []CheckStat
	for _, d := range e.defs {
		if d.page == nil {
			continue
		}
		n, ok := s.Counts[d.ID]
		if !ok {
			continue
		}
		st := CheckStat{CheckID: d.ID, Category: d.Category, PagesTotal: 1, Findings: n, Words: s.Words}
		if n > 0 {
			st.PagesAffected = 1
		}
		stats = append(stats, st)
	}
	return stats
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func hostOf(u string) string {
	if h, ok := plainHost(u); ok {
		return strings.TrimPrefix(lowerASCII(h), "www.")
	}
	x, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(x.Hostname()), "www.")
}

// plainHost reads the host of a plain absolute URL ("https://x.gov.uk:8080/a")
// without parsing it; ok is false when the URL is anything less plain
// (no scheme, user info, an IPv6 host, escapes, odd characters), which
// url.Parse then reads.
func plainHost(u string) (string, bool) {
	i := strings.Index(u, "://")
	if i <= 0 {
		return "", false
	}
	for k := 0; k < i; k++ {
		c := u[k]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || k > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return "", false
		}
	}
	rest := u[i+3:]
	if j := strings.IndexAny(rest, "/?#"); j >= 0 {
		rest = rest[:j]
	}
	for k := 0; k < len(rest); k++ {
		c := rest[k]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
			if c == ':' && k > 0 {
				for _, d := range []byte(rest[k+1:]) {
					if d < '0' || d > '9' {
						return "", false
					}
				}
				return rest[:k], true
			}
			return "", false
		}
	}
	return rest, true
}
