package scoring

import (
	"bytes"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// SiteFacts are what the site-level checks need beyond the pages: HTTP facts
// gathered by the crawler.
type SiteFacts struct {
	HomeURL              string
	FinalHomeURL         string
	HTTPS                bool // the final home page is on https
	HTTPRedirectsToHTTPS bool // http:// of the home page redirects to https://
	// HTTPProbeUnknown: whether http:// redirects is not known (a web
	// archive without the http:// home page); no finding is made of it.
	HTTPProbeUnknown bool
	RobotsStatus     int // 0 = not fetched
	RobotsParsed     bool
	Sitemaps         []string
	SitemapParsed    bool
	NotFoundStatus   int // status of a made-up URL; 0 = not tried
	NotFoundBody     []byte
	SearchResults    map[string][]string // query (task words) -> result URLs, best first
	LinksChecked     int
	LinksBroken      int
	BrokenLinks      []string // sample, for evidence
	// Broken are broken links with their evidence (the page they are on,
	// their text and element, the answer): when set, the broken-links
	// findings are made from them rather than from BrokenLinks.
	Broken []BrokenLink
	Now    time.Time
}

// BrokenLink is one broken link with what a web team needs to find and fix
// it.
type BrokenLink struct {
	From, To       string // the page the link is on; the address it points to
	Text, Selector string // the link's text; a CSS selector of its element
	Status         int    // the HTTP status answered (0 when none)
	ErrorClass     string // why there was no answer (crawler error class), or ""
	Final          string // where To led after redirects, when known
}

// brokenMessage says what went wrong with a broken link, in one line.
func brokenMessage(b BrokenLink) string {
	msg := "Broken link to " + b.To + ": "
	switch {
	case b.Status >= 400:
		msg += "the address answers HTTP " + strconv.Itoa(b.Status)
	case b.ErrorClass != "":
		msg += "no answer (" + b.ErrorClass + ")"
	default:
		msg += "the address answers with an error"
	}
	if b.Final != "" && b.Final != b.To {
		msg += ", after redirects to " + b.Final
	}
	return msg
}

// SiteResult is the outcome of scoring one site.
type SiteResult struct {
	Council       string
	HomeURL       string
	MethodVersion string
	Pages         int
	Findings      []Finding   // site-level findings
	Stats         []CheckStat // every check, page and site level
	Scores        []Score
}

// SiteAccumulator gathers page summaries of one site. It is not safe for
// concurrent use: use one per site.
type SiteAccumulator struct {
	e       *Engine
	council string
	home    string
	pages   []PageSummary
}

// NewSite starts the accumulation of one site's pages.
func (e *Engine) NewSite(council, homeURL string) *SiteAccumulator {
	return &SiteAccumulator{e: e, council: council, home: homeURL}
}

// Add keeps the summary of one page result.
func (a *SiteAccumulator) Add(r PageResult) { a.pages = append(a.pages, r.Summary) }

// siteEval is the state of one site evaluation.
type siteEval struct {
	e        *Engine
	a        *SiteAccumulator
	f        SiteFacts
	cur      checkDef
	stat     CheckStat
	findings []Finding
	homeURL  string
	home     *PageSummary
	stmt     *PageSummary
	atoz     *PageSummary
}

func (s *siteEval) add(sev, snippet string, matched []string, msg, task string) {
	s.stat.Findings++
	if s.cur.ID != "" && s.countStored() >= s.e.m.Thresholds.MaxFindingsPerCheck {
		return
	}
	s.findings = append(s.findings, Finding{CheckID: s.cur.ID, Category: s.cur.Category, Severity: sev, URL: s.homeURL, Snippet: trimSnippet(snippet, 160), Matched: matched, Message: msg, Task: task})
}

func (s *siteEval) countStored() int {
	n := 0
	for i := len(s.findings) - 1; i >= 0 && s.findings[i].CheckID == s.cur.ID; i-- {
		n++
	}
	return n
}

// Finish runs the site-level checks and aggregates every check over the site.
func (a *SiteAccumulator) Finish(f SiteFacts) SiteResult {
	e := a.e
	s := &siteEval{e: e, a: a, f: f, homeURL: firstNonEmpty(f.FinalHomeURL, f.HomeURL, a.home)}
	s.locate()
	res := SiteResult{Council: a.council, HomeURL: s.homeURL, MethodVersion: e.m.Version, Pages: len(a.pages)}
	for _, d := range e.defs {
		st := CheckStat{CheckID: d.ID, Category: d.Category}
		if d.page != nil {
			for _, p := range a.pages {
				n, ok := p.Counts[d.ID]
				if !ok {
					continue
				}
				st.PagesTotal++
				st.Findings += n
				st.Words += p.Words
				if n > 0 {
					st.PagesAffected++
				}
			}
		} else if d.site != nil {
			s.cur = d
			s.stat = st
			d.site(s)
			st = s.stat
		}
		res.Stats = append(res.Stats, st)
	}
	res.Findings = s.findings
	res.Scores = e.m.Score(res.Stats)
	return res
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func sameURL(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	na, nb := normURL(a), normURL(b)
	return na == nb
}

func normURL(u string) string {
	x, err := url.Parse(strings.TrimSpace(u))
	if err != nil {
		return u
	}
	h := strings.TrimPrefix(strings.ToLower(x.Hostname()), "www.")
	return h + strings.TrimRight(x.EscapedPath(), "/") + "?" + x.RawQuery
}

// locate finds the home page, the accessibility statement and the A to Z.
func (s *siteEval) locate() {
	ps := s.a.pages
	for i := range ps {
		p := &ps[i]
		if p.Depth == 0 && (s.home == nil || sameURL(p.URL, s.f.HomeURL)) {
			s.home = p
		}
	}
	var linked string
	if s.home != nil {
		linked = s.home.A11yLink
	}
	for i := range ps {
		p := &ps[i]
		if p.IsStatement && (p.Status == 0 || p.Status < 400) {
			if s.stmt == nil || sameURL(p.FinalURL, linked) || sameURL(p.URL, linked) && !sameURL(s.stmt.URL, linked) || p.Depth < s.stmt.Depth && !sameURL(s.stmt.URL, linked) {
				s.stmt = p
			}
		}
		if p.IsAToZ && (s.atoz == nil || len(p.AToZLinks) > len(s.atoz.AToZLinks)) {
			s.atoz = p
		}
	}
}

func (s *siteEval) na() { s.stat.PagesTotal, s.stat.PagesAffected, s.stat.Findings = 0, 0, 0 }

// one marks a site check judged once (PagesTotal 1).
func (s *siteEval) one() {
	s.stat.PagesTotal = 1
	if s.stat.Findings > 0 {
		s.stat.PagesAffected = 1
	}
}

func siteTitleUnique(s *siteEval) {
	groups := map[string][]string{}
	shown := map[string]string{}
	for _, p := range s.a.pages {
		if !p.IsHTML || p.Status >= 400 || strings.TrimSpace(p.Title) == "" {
			continue
		}
		k := strings.ToLower(collapse(p.Title))
		u := normURL(p.FinalURL)
		dup := false
		for _, x := range groups[k] {
			if normURL(x) == u {
				dup = true
			}
		}
		if !dup {
			groups[k] = append(groups[k], p.FinalURL)
			shown[k] = p.Title
		}
	}
	for _, k := range sortedKeys(groups) {
		s.stat.PagesTotal += len(groups[k])
		if us := groups[k]; len(us) > 1 {
			s.stat.PagesAffected += len(us)
			m := us
			if len(m) > 10 {
				m = m[:10]
			}
			s.add(SevWarning, shown[k], m, strconv.Itoa(len(us))+" pages share the title \""+shown[k]+"\": give each page its own title", "")
		}
	}
}

func siteHTTPS(s *siteEval) {
	if s.f.HomeURL == "" && s.f.FinalHomeURL == "" {
		s.na()
		return
	}
	if !s.f.HTTPS {
		s.add(SevError, s.homeURL, nil, "The home page is not served over HTTPS", "")
	} else if !s.f.HTTPRedirectsToHTTPS && !s.f.HTTPProbeUnknown {
		s.add(SevWarning, s.homeURL, nil, "The http:// address does not redirect to https://", "")
	}
	s.one()
}

func siteBrokenLinks(s *siteEval) {
	if s.f.LinksChecked <= 0 {
		s.na()
		return
	}
	for i, b := range s.f.Broken {
		if i >= s.e.m.Thresholds.MaxFindingsPerCheck {
			break
		}
		s.findings = append(s.findings, Finding{CheckID: s.cur.ID, Category: s.cur.Category, Severity: SevWarning,
			URL: firstNonEmpty(b.From, s.homeURL), Selector: b.Selector, Snippet: trimSnippet(b.Text, 160), Matched: []string{b.To},
			Message: brokenMessage(b)})
	}
	for i, u := range s.f.BrokenLinks {
		if len(s.f.Broken) > 0 || i >= s.e.m.Thresholds.MaxFindingsPerCheck {
			break
		}
		s.add(SevWarning, u, []string{u}, "Broken link: the address answers with an error", "")
	}
	s.stat.PagesTotal = s.f.LinksChecked
	s.stat.PagesAffected = min(s.f.LinksBroken, s.f.LinksChecked)
	s.stat.Findings = s.f.LinksBroken
}

func siteRobots(s *siteEval) {
	if s.f.RobotsStatus == 0 {
		s.na()
		return
	}
	switch {
	case s.f.RobotsStatus != 200:
		s.add(SevWarning, "robots.txt", nil, "No robots.txt (HTTP "+strconv.Itoa(s.f.RobotsStatus)+")", "")
	case !s.f.RobotsParsed:
		s.add(SevWarning, "robots.txt", nil, "robots.txt could not be read", "")
	}
	switch {
	case len(s.f.Sitemaps) == 0:
		s.add(SevWarning, "sitemap", nil, "No XML sitemap found (none listed in robots.txt or at /sitemap.xml)", "")
	case !s.f.SitemapParsed:
		s.add(SevWarning, s.f.Sitemaps[0], s.f.Sitemaps, "The XML sitemap could not be read", "")
	}
	s.one()
}

func site404(s *siteEval) {
	if s.f.NotFoundStatus == 0 {
		s.na()
		return
	}
	switch st := s.f.NotFoundStatus; {
	case st >= 200 && st < 300:
		s.add(SevError, strconv.Itoa(st), nil, "A missing page answers "+strconv.Itoa(st)+" instead of 404 (a \"soft 404\")", "")
	case st != 404 && st != 410:
		s.add(SevWarning, strconv.Itoa(st), nil, "A missing page answers "+strconv.Itoa(st)+" instead of 404", "")
	}
	if st := s.f.NotFoundStatus; st == 404 || st == 410 || st < 300 {
		links, search := 0, false
		if len(s.f.NotFoundBody) > 0 {
			if doc, err := goquery.NewDocumentFromReader(bytes.NewReader(s.f.NotFoundBody)); err == nil {
				links = doc.Find("a[href]").Length()
				search = doc.Find(`input[type=search], form[role=search], [role=search], form[action*=search], input[name=q], input[name*=search]`).Length() > 0
			}
		}
		if !search && links < 3 {
			s.add(SevWarning, "", nil, "The 'page not found' page offers no search and no navigation", "")
		}
	}
	s.one()
}

// noStatement reports whether the site has no accessibility statement:
// then the checks of its contents do not apply (stmt-present is the one
// failure).
func (s *siteEval) noStatement() bool {
	if s.stmt != nil {
		return false
	}
	s.na()
	return true
}

func siteStmtPresent(s *siteEval) {
	if len(s.a.pages) == 0 {
		s.na()
		return
	}
	if s.stmt == nil {
		s.add(SevError, "", nil, "No accessibility statement found", "")
		s.one()
		return
	}
	linked := false
	for _, p := range s.a.pages {
		if p.A11yLink != "" && (p.A11yInFooter || s.home != nil && p.URL == s.home.URL) {
			linked = true
			break
		}
	}
	if !linked {
		s.add(SevWarning, s.stmt.FinalURL, []string{s.stmt.FinalURL}, "Accessibility statement found, but not linked from the home page or the footer", "")
	}
	s.one()
}

func siteStmtCompliance(s *siteEval) {
	if len(s.a.pages) == 0 {
		s.na()
		return
	}
	if s.noStatement() {
		return
	}
	if s.stmt.Statement.Compliance == "" {
		s.add(SevError, s.stmt.FinalURL, []string{s.stmt.FinalURL}, "The statement does not say whether the site is fully, partially or not compliant with WCAG", "")
	}
	s.one()
}

func siteStmtContact(s *siteEval) {
	if len(s.a.pages) == 0 {
		s.na()
		return
	}
	if s.noStatement() {
		return
	}
	if !s.stmt.Statement.Contact {
		s.add(SevError, s.stmt.FinalURL, []string{s.stmt.FinalURL}, "The statement gives no email, telephone or form for reporting accessibility problems", "")
	}
	s.one()
}

func siteStmtEnforcement(s *siteEval) {
	if len(s.a.pages) == 0 {
		s.na()
		return
	}
	if s.noStatement() {
		return
	}
	if !s.stmt.Statement.Enforcement {
		s.add(SevError, s.stmt.FinalURL, []string{s.stmt.FinalURL}, "The statement does not name the enforcement procedure (EHRC, or ECNI in Northern Ireland)", "")
	}
	s.one()
}

func siteStmtReviewed(s *siteEval) {
	if len(s.a.pages) == 0 || s.f.Now.IsZero() {
		s.na()
		return
	}
	if s.noStatement() {
		return
	}
	st := s.stmt.Statement
	switch {
	case st.Reviewed.IsZero():
		s.add(SevWarning, s.stmt.FinalURL, []string{s.stmt.FinalURL}, "The statement gives no preparation or review date", "")
	case s.f.Now.Sub(st.Reviewed) > 366*24*time.Hour:
		s.add(SevWarning, st.ReviewText, []string{st.Reviewed.Format("2 January 2006")}, "The statement was last reviewed on "+st.Reviewed.Format("2 January 2006")+": review it every year", "")
	}
	s.one()
}

// perTask runs judge for every task; judge returns "" when the task passes,
// or the message of the finding and its evidence.
func (s *siteEval) perTask(judge func(t taskMatcher) (ok, applies bool, msg string, matched []string)) {
	for _, t := range s.e.tasks {
		ok, applies, msg, matched := judge(t)
		if !applies {
			continue
		}
		s.stat.PagesTotal++
		if !ok {
			s.stat.PagesAffected++
			s.add(SevWarning, t.Name, matched, msg, t.ID)
		}
	}
}

func siteTaskHome(s *siteEval) {
	if s.home == nil {
		s.na()
		return
	}
	s.perTask(func(t taskMatcher) (bool, bool, string, []string) {
		for _, l := range s.home.HomeLinks {
			if t.re.MatchString(l.Text) {
				return true, true, "", nil
			}
		}
		return false, true, "The home page has no link for \"" + t.Name + "\" (looked for: " + strings.Join(t.Words, ", ") + ")", nil
	})
}

func siteTaskReachable(s *siteEval) {
	if len(s.a.pages) == 0 {
		s.na()
		return
	}
	max := s.e.m.Thresholds.TaskMaxDepth
	s.perTask(func(t taskMatcher) (bool, bool, string, []string) {
		for _, p := range s.a.pages {
			if p.Depth <= max && p.Status < 400 && contains(p.Tasks, t.ID) {
				return true, true, "", nil
			}
		}
		return false, true, "No page about \"" + t.Name + "\" found within " + strconv.Itoa(max) + " clicks of the home page", nil
	})
}

func siteTaskSearch(s *siteEval) {
	if len(s.f.SearchResults) == 0 {
		s.na()
		return
	}
	about := map[string][]string{}
	for _, p := range s.a.pages {
		about[normURL(p.URL)] = p.Tasks
		about[normURL(p.FinalURL)] = p.Tasks
	}
	top := s.e.m.Thresholds.SearchTop
	s.perTask(func(t taskMatcher) (bool, bool, string, []string) {
		var asked []string
		for _, w := range t.Words {
			res, ok := s.f.SearchResults[w]
			if !ok {
				continue
			}
			asked = append(asked, w)
			for i, u := range res {
				if i >= top {
					break
				}
				if contains(about[normURL(u)], t.ID) {
					return true, true, "", nil
				}
				if x, err := url.Parse(u); err == nil && t.re.MatchString(pathSpaces.Replace(x.Path)) {
					return true, true, "", nil
				}
			}
		}
		if len(asked) == 0 {
			return true, false, "", nil
		}
		return false, true, "The site's search, asked \"" + strings.Join(asked, "\", \"") + "\", does not list a page about \"" + t.Name + "\" in its top " + strconv.Itoa(top), asked
	})
}

func siteTaskAToZ(s *siteEval) {
	if s.atoz == nil {
		s.na()
		return
	}
	s.perTask(func(t taskMatcher) (bool, bool, string, []string) {
		for _, l := range s.atoz.AToZLinks {
			if t.re.MatchString(l) {
				return true, true, "", nil
			}
		}
		return false, true, "The A to Z (" + s.atoz.FinalURL + ") does not list \"" + t.Name + "\"", []string{s.atoz.FinalURL}
	})
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// statementFacts reads an accessibility statement page.
func (e *Engine) statementFacts(p *page) StatementFacts {
	var f StatementFacts
	text := p.mainText
	blocks := p.mainBlocks
	if strings.TrimSpace(text) == "" {
		var sb strings.Builder
		for bi := range p.blocks {
			b := &p.blocks[bi]
			sb.WriteString(b.text + "\n")
		}
		text, blocks = sb.String(), p.blocks
	}
	switch {
	case e.rx.stmtPartial.MatchString(text):
		f.Compliance = "partial"
	case e.rx.stmtNon.MatchString(text):
		f.Compliance = "non"
	case e.rx.stmtFull.MatchString(text):
		f.Compliance = "full"
	}
	f.Enforcement = e.rx.stmtEnforce.MatchString(text)
	f.Contact = e.rx.email.MatchString(text) || e.rx.stmtPhone.MatchString(text) || e.rx.stmtForm.MatchString(text)
	if !f.Contact {
		for li := range p.links {
			l := &p.links[li]
			if l.isMailto && p.inMain(l.zone) {
				f.Contact = true
			}
		}
	}
	for pass := 0; pass < 2 && f.Reviewed.IsZero(); pass++ {
		for _, b := range blocks {
			if pass == 0 && !e.rx.stmtDateCtx.MatchString(b.text) {
				continue
			}
			for _, d := range e.datesIn(b.text) {
				if d.After(f.Reviewed) {
					f.Reviewed = d
					f.ReviewText = trimSnippet(b.text, 160)
				}
			}
		}
	}
	return f
}

var monthNum = map[string]time.Month{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

func monthOf(s string) time.Month {
	if len(s) < 3 {
		return 0
	}
	return monthNum[strings.ToLower(s[:3])]
}

func (e *Engine) datesIn(s string) []time.Time {
	var out []time.Time
	mk := func(y, m, d int) {
		if m >= 1 && m <= 12 && d >= 1 && d <= 31 && y >= 1990 && y <= 2100 {
			out = append(out, time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC))
		}
	}
	for _, m := range e.rx.dateDMY.FindAllStringSubmatch(s, -1) {
		d, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[3])
		mk(y, int(monthOf(m[2])), d)
	}
	if len(out) == 0 {
		for _, m := range e.rx.dateMY.FindAllStringSubmatch(s, -1) {
			y, _ := strconv.Atoi(m[2])
			mk(y, int(monthOf(m[1])), 1)
		}
	}
	for _, m := range e.rx.dateNum.FindAllStringSubmatch(s, -1) {
		d, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		y, _ := strconv.Atoi(m[3])
		mk(y, mo, d)
	}
	for _, m := range e.rx.dateISO.FindAllStringSubmatch(s, -1) {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		mk(y, mo, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}
