package scoring

import (
	"regexp"
	"strconv"
	"strings"
)

// What kind of page this is, before its writing is judged: an error page
// (or a "soft 404" that answers 200) or a page with too little main content
// has nothing to score for content and readability. And which part of the
// title is the page's own, not the site name the template adds.

// softNotFound matches the title or main heading of an error page.
var softNotFound = regexp.MustCompile(`(?i)^(?:oops[!,.]*\s*)?(?:error\s*)?(?:404|410|500|503)(?:\s*(?:error|page|[-:–|]).*)?$|` +
	`\bpage\s+(?:was\s+|is\s+)?(?:not|cannot\s+be|can['’]?t\s+be|could\s+not\s+be|couldn['’]t\s+be)\s+found\b|^(?:error\s*[-:–]?\s*)?(?:page\s+|file\s+)?not\s+found\b|` +
	`\bpage\s+(?:does\s+not|doesn['’]t|no\s+longer)\s+exists?\b|^(?:sorry[,!]?\s+)?(?:we\s+)?(?:can(?:no|['’])?t|could\s+not|couldn['’]t)\s+find\s+(?:that|the|this|your)\s+page\b|` +
	`^sorry,?\s+(?:this|that|the)\s+page\b.*\b(?:found|exist|available|moved)|^(?:internal\s+)?server\s+error\b|^service\s+(?:temporarily\s+)?unavailable\b|^(?:http\s+)?error\s+[45]\d\d\b`)

// errorHeading returns the title (own part) or main heading that says the
// page is an error page, or "".
func (p *page) errorHeading() string {
	if p.errHead != nil {
		return *p.errHead
	}
	h := ""
	own := p.titleParts().own
	for _, s := range []string{own, collapse(p.h1Text)} {
		s = strings.Trim(s, " .!:-–|")
		if s != "" && len(s) <= 120 && mayBeErrorText(s) && softNotFound.MatchString(s) {
			h = s
			break
		}
	}
	p.errHead = &h
	return h
}

// mayBeErrorText reports whether s has one of the words softNotFound needs
// (a status code, "found", "exist", "find", "error", "unavailable"): the
// regexp is not run on other titles.
func mayBeErrorText(s string) bool {
	for _, w := range [...]string{"404", "410", "500", "503", "found", "exist", "find", "error", "unavailable"} {
		if containsFold(s, w) {
			return true
		}
	}
	return false
}

// unscored says why the page's content and readability are not scored, or
// "" when they are: an error page (HTTP 400 or more), a soft 404 (a page
// that answers 200 but says it is an error page), or a page with too little
// main content to judge.
func (e *Engine) unscored(p *page) string {
	switch {
	case p.in.Status >= 400:
		return "error page (HTTP " + strconv.Itoa(p.in.Status) + ")"
	case p.doc == nil:
		return "not an HTML page"
	}
	if h := p.errorHeading(); h != "" {
		return "error page: it says \"" + trimSnippet(h, 60) + "\" (a soft 404)"
	}
	if min := e.m.Thresholds.MinWordsContent; p.mainWords < min {
		return "only " + strconv.Itoa(p.mainWords) + " words of main content: too little to judge (under " + strconv.Itoa(min) + ")"
	}
	return ""
}

// chkSoft404: a page that says it is not found (or is a server error) but
// answers 200 hides the error from browsers, search engines and link
// checkers.
func chkSoft404(e *Engine, p *page, em *emitter) {
	if p.in.Status >= 400 {
		return
	}
	if h := p.errorHeading(); h != "" {
		st := p.in.Status
		if st == 0 {
			st = 200
		}
		em.add(SevError, nil, h, []string{h}, "The page says \""+trimSnippet(h, 60)+"\" but answers HTTP "+strconv.Itoa(st)+": a soft 404; answer with 404 (or 410) so browsers, search engines and link checkers see the error")
	}
}

// titleParts is a page title split at its separators (" | ", " - ", ": "
// ...) into the page's own part and the site name the template adds at one
// end, with the first part that is repeated, if any.
type titleParts struct {
	own, site, repeated string
}

var titleSep = regexp.MustCompile(`\s+(?:\||-|–|—|::|»|·|~|/)\s+|\s*\|\s*|:\s+`)

func (p *page) titleParts() titleParts {
	if p.title == "" {
		return titleParts{}
	}
	if p.tparts != nil {
		return *p.tparts
	}
	tp := splitTitle(p.title, hostOf(p.pageURL()), p.siteName)
	p.tparts = &tp
	return tp
}

// titleSepMatches finds what titleSep finds, in one pass: white space, a
// separator (| - – — :: » · ~ /) and white space; or a bar with any white
// space around it; or a colon and white space.
func titleSepMatches(s string) [][]int {
	var out [][]int
	ws := func(i int) int { // end of the run of white space (\s) from i
		for i < len(s) && isSpaceByte(s[i]) {
			i++
		}
		return i
	}
	for i := 0; i < len(s); {
		end := -1
		switch c := s[i]; {
		case isSpaceByte(c):
			j := ws(i)
			if n := titleSepAt(s[j:]); n > 0 {
				if k := ws(j + n); k > j+n {
					end = k // white space, a separator, white space
				} else if s[j] == '|' {
					end = k // white space and a bar
				}
			}
		case c == '|':
			end = ws(i + 1)
		case c == ':':
			if k := ws(i + 1); k > i+1 {
				end = k
			}
		}
		if end < 0 {
			i++
			continue
		}
		out = append(out, []int{i, end})
		i = end
	}
	return out
}

// titleSepAt returns the length of the separator of titleSep's first
// alternative at the start of s, or 0.
func titleSepAt(s string) int {
	for _, sep := range [...]string{"|", "-", "–", "—", "::", "»", "·", "~", "/"} {
		if strings.HasPrefix(s, sep) {
			return len(sep)
		}
	}
	return 0
}

// splitTitle finds the site name at the end (or else the start) of title:
// the part that names the organisation ("... Council", "London Borough of
// ..."), the site's own address ("nuneatonandbedworth.gov.uk" for
// "Nuneaton & Bedworth") or the page's declared site name.
func splitTitle(title, host, siteName string) titleParts {
	locs := titleSepMatches(title)
	tp := titleParts{own: title}
	if len(locs) == 0 {
		return tp
	}
	type seg struct {
		text     string
		from, to int
	}
	var segs []seg
	start := 0
	for _, l := range locs {
		segs = append(segs, seg{strings.TrimSpace(title[start:l[0]]), start, l[0]})
		start = l[1]
	}
	segs = append(segs, seg{strings.TrimSpace(title[start:]), start, len(title)})
	seen := map[string]bool{}
	for _, s := range segs {
		k := strings.ToLower(s.text)
		if k == "" {
			continue
		}
		if seen[k] && tp.repeated == "" {
			tp.repeated = s.text
		}
		seen[k] = true
	}
	last, first := segs[len(segs)-1], segs[0]
	switch {
	case isSiteName(last.text, host, siteName):
		tp.site = last.text
		tp.own = strings.TrimSpace(title[:locs[len(locs)-1][0]])
	case isSiteName(first.text, host, siteName):
		tp.site = first.text
		tp.own = strings.TrimSpace(title[locs[0][1]:])
	}
	if tp.own == "" {
		tp.own = title
	}
	return tp
}

var orgEnd = regexp.MustCompile(`(?i)\b(?:council|authority|gov\.uk|borough|county)$|^(?:the\s+)?(?:royal\s+|london\s+|metropolitan\s+)?(?:borough|city|county|district)(?:\s+council)?\s+of\s+|^(?:cyngor|comhairle)\b`)

// isSiteName reports whether a title part names the site's organisation.
func isSiteName(s, host, siteName string) bool {
	if s == "" {
		return false
	}
	if siteName != "" && strings.EqualFold(s, siteName) {
		return true
	}
	if orgEnd.MatchString(s) {
		return true
	}
	// the site's own address: "Nuneaton & Bedworth" on nuneatonandbedworth.gov.uk
	letters := func(x string) string {
		var b strings.Builder
		for _, r := range strings.ToLower(strings.ReplaceAll(x, "&", "and")) {
			if r >= 'a' && r <= 'z' {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	label := strings.TrimPrefix(strings.ToLower(host), "www.")
	if i := strings.IndexByte(label, '.'); i > 0 {
		label = label[:i]
	}
	label = letters(label)
	ls := letters(s)
	return len(label) >= 4 && ls == label
}
