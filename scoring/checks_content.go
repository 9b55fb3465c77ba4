package scoring

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// regexps are compiled once per Engine.
type regexps struct {
	titleEtc, titleSpecial                  *regexp.Regexp
	clickHere                               *regexp.Regexp
	email                                   *regexp.Regexp
	telLabel                                *regexp.Regexp
	ampersand                               *regexp.Regexp
	blockCaps                               *regexp.Regexp
	councilCap                              *regexp.Regexp
	councilPlural                           *regexp.Regexp
	abbrevStops                             *regexp.Regexp
	formCode                                *regexp.Regexp
	time24, timeHrs, timeRange              *regexp.Regexp
	dateOrdinal                             *regexp.Regexp
	yearRange                               *regexp.Regexp
	numRange                                *regexp.Regexp
	moneyPence, moneyFraction, moneyAbbrev  *regexp.Regexp
	pence                                   *regexp.Regexp
	smallNum                                *regexp.Regexp
	ePrefix                                 *regexp.Regexp
	compass                                 *regexp.Regexp
	newWindow                               *regexp.Regexp
	skipText                                *regexp.Regexp
	docExt                                  *regexp.Regexp
	formWord                                *regexp.Regexp
	sentenceEnd                             *regexp.Regexp
	passive                                 *regexp.Regexp
	avoid                                   *regexp.Regexp
	langTag                                 *regexp.Regexp
	a11yLink, a11yWord, stmtTitle, stmtBody *regexp.Regexp
	aToZ                                    *regexp.Regexp
	stmtFull, stmtPartial, stmtNon          *regexp.Regexp
	stmtEnforce, stmtPhone, stmtForm        *regexp.Regexp
	stmtDateCtx, dateDMY, dateMY, dateNum   *regexp.Regexp
	dateISO                                 *regexp.Regexp
}

const monthRe = `(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)`

func newRegexps() *regexps {
	m := regexp.MustCompile
	r := &regexps{
		titleEtc:      m(`(?i)\betc\b`),
		titleSpecial:  m(`[&@#*~^{}\[\]<>\\=+™®©¦§¬]`),
		clickHere:     m(`(?i)^(?:click here|click|here|read more|more|link|this link|more info|more information|click here for more information|find out more here)$`),
		email:         m(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`),
		telLabel:      m(`\b(?:Tel|TEL|tel|Mob|MOB|mob|Tel No|Tel no)\s*[.:]`),
		ampersand:     m(`&`),
		blockCaps:     m(`\b[A-Z][A-Z'’]+(?:[\s\-]+[A-Z][A-Z'’]*\b){2,}`),
		councilCap:    m(`\bthe (?:(?:County|District|Borough|City|Town|Parish) )?Council\b`),
		councilPlural: m(`\b[Cc]ouncil(?: [A-Z][A-Za-z]*)? (?:are|have|were|aren't|haven't|weren't)\b`),
		abbrevStops:   m(`(?:^|[^\w.@/])(?P<w1>(?:[A-Za-z]\.){2,})|(?i)(?:^|[^\w.@/])(?P<w2>(?:eg|ie)\.)(?:\s|,)`),
		formCode:      m(`\b[Ff]orm (?:[A-Z]{0,4}\d+[A-Za-z]?|[A-Z]{1,4}\d*[A-Z]?\d+)\b|\b[A-Z]{1,4}\d+[A-Z]? [Ff]orm\b`),
		time24:        m(`\b(?:[01]?\d|2[0-3]):[0-5]\d\b`),
		timeHrs:       m(`(?i)\b\d{1,2}[:.]?\d{2}\s?hrs?\b|\b\d{3,4}\s?(?:hrs|hours)\b`),
		timeRange:     m(`(?i)\b\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm)?\s?[\-–—]\s?\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm)\b`),
		dateOrdinal:   m(`\b\d{1,2}(?:st|nd|rd|th)\s+(?:of\s+)?` + monthRe + `\b|\b` + monthRe + `\s+\d{1,2}(?:st|nd|rd|th)\b`),
		yearRange:     m(`\b((?:19|20)\d{2})(?:\s?[\-–—]\s?|/)(\d{1,4})\b`),
		numRange:      m(`\d[\d,]*(?:\.\d+)?\s?[\-–—]\s?£?\d[\d,]*(?:\.\d+)?`),
		moneyPence:    m(`£\s?\d[\d,]*\.00\b`),
		moneyFraction: m(`(?i)£\s?0\.\d+\s?(?:m|million|bn|billion)\b`),
		moneyAbbrev:   m(`£\s?\d[\d,]*(?:\.\d+)?\s?(?:m|bn|k)\b`),
		pence:         m(`\b\d{1,2}p\b`),
		smallNum:      m(`\b(?:[1-9]|10)\b`),
		ePrefix:       m(`\b[Ee][\- ][Mm]ail\b|\b[Ee]-?[A-Z][a-z]{2,}\b|\bE-[a-z]{3,}\b`),
		compass:       m(`\b(?:North|South|East|West)(?:[\s\-](?:East|West))?\b`),
		newWindow:     m(`(?i)new (?:window|tab)|opens in|external (?:site|link|website)`),
		skipText:      m(`(?i)skip|jump to|main content|go to content|to content`),
		docExt:        m(`(?i)\.(pdf|docx?|xlsx?|pptx?|odt|ods|odp|rtf)(?:$|[?#])`),
		formWord:      m(`(?i)\bform\b`),
		sentenceEnd:   m(`[.!?]+["'’”)]*(?:\s+|$)`),
		passive:       m(`(?i)\b(?:am|is|are|was|were|be|been|being)\s+(?:[a-z]+ly\s+)?([a-z]+ed|known|made|taken|given|shown|seen|done|written|held|sent|built|paid|found|kept|told|brought|bought|chosen|drawn|driven|forgotten|hidden|lost|meant|sold|spent|spoken|stolen|thought|understood|won|begun|broken|grown|thrown|laid|led|sought|taught|set out|put)\b`),
		langTag:       m(`^(?i)[a-z]{2,3}(?:-[a-z0-9]{2,8})*$`),
		a11yLink:      m(`(?i)\baccessibility\b`),
		a11yWord:      m(`(?i)\baccessibility\b`),
		stmtTitle:     m(`(?i)accessibility\s+statement`),
		stmtBody:      m(`(?i)accessibility regulations|WCAG|web content accessibility guidelines`),
		aToZ:          m(`(?i)\bA\s?(?:-|–|to)\s?Z\b`),
		stmtFull:      m(`(?i)\bfully compliant\b|\bfull compliance\b`),
		stmtPartial:   m(`(?i)\bpartially compliant\b|\bpartial compliance\b`),
		stmtNon:       m(`(?i)\bnot compliant\b|\bnon-?compliant\b|\bnon-?compliance\b`),
		stmtEnforce:   m(`(?i)equality and human rights commission|\bEHRC\b|equality commission for northern ireland|\bECNI\b|equality advisory (?:and support )?service|equalityadvisoryservice`),
		stmtPhone:     m(`\b0\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b|\+44`),
		stmtForm:      m(`(?i)contact form|online form|report (?:an? )?(?:accessibility )?problem|feedback form|contact us`),
		stmtDateCtx:   m(`(?i)prepared|reviewed|review|updated|last tested|tested`),
		dateDMY:       m(`\b(\d{1,2})(?:st|nd|rd|th)?\s+(` + monthRe + `)\s+((?:19|20)\d{2})\b`),
		dateMY:        m(`\b(` + monthRe + `)\s+((?:19|20)\d{2})\b`),
		dateNum:       m(`\b(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})\b`),
		dateISO:       m(`\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b`),
	}
	r.avoid = avoidRegexp()
	return r
}

func (b *textBlock) wordSpans() [][2]int {
	if b.spans == nil {
		b.spans = wordSpans(b.text)
	}
	return b.spans
}

// prefilters says, per regexp, which blocks can possibly match.
func prefilters(r *regexps) map[*regexp.Regexp]func(*textBlock) bool {
	flag := func(f uint16) func(*textBlock) bool { return func(b *textBlock) bool { return b.flags&f != 0 } }
	has := func(subs ...string) func(*textBlock) bool {
		return func(b *textBlock) bool {
			for _, s := range subs {
				if strings.Contains(b.text, s) {
					return true
				}
			}
			return false
		}
	}
	return map[*regexp.Regexp]func(*textBlock) bool{
		r.email: flag(fAt), r.ampersand: flag(fAmp), r.blockCaps: func(b *textBlock) bool { return capsRunCandidate(b.text) },
		r.councilCap: has("Council"), r.councilPlural: has("ouncil "),
		r.abbrevStops: flag(fAbbrev), r.formCode: func(b *textBlock) bool { return b.flags&fDigit != 0 && strings.Contains(b.text, "orm") },
		r.time24: flag(fColonTime),
		r.timeHrs: func(b *textBlock) bool {
			return b.flags&fDigit != 0 && (strings.Contains(b.text, "hr") || strings.Contains(b.text, "hour"))
		},
		r.timeRange: func(b *textBlock) bool {
			// The range needs a digit, a dash and a closing am or pm.
			return b.flags&fDigit != 0 && strings.ContainsAny(b.text, "-–—") && (containsFold(b.text, "am") || containsFold(b.text, "pm"))
		}, r.dateOrdinal: flag(fOrdinal), r.yearRange: func(b *textBlock) bool {
			return b.flags&fDigitDash != 0 || b.flags&fDigit != 0 && strings.Contains(b.text, "/")
		}, r.numRange: flag(fDigitDash),
		r.moneyPence: flag(fPound), r.moneyFraction: flag(fPound), r.moneyAbbrev: flag(fPound),
		r.pence: func(b *textBlock) bool { return b.flags&fDigit != 0 && digitThenP(b.text) }, r.smallNum: flag(fDigit),
		r.compass: has("North", "South", "East", "West"), r.telLabel: has("Tel", "tel", "Mob", "mob", "TEL", "MOB"),
		r.ePrefix: func(b *textBlock) bool { return ePrefixCandidate(b.text) },
	}
}

// capsRunCandidate reports, in one pass, whether s can match the block
// capitals regexp: three words of capitals ([A-Z'’], the first of two or
// more characters) separated by white space or hyphens. Word boundaries are
// not checked, so this is a necessary condition, not the rule.
func capsRunCandidate(s string) bool {
	isCap := func(c byte) bool { return 'A' <= c && c <= 'Z' }
	run := func(j int) int { // end of a run of [A-Z'’] starting at j
		for j < len(s) {
			switch {
			case isCap(s[j]) || s[j] == '\'':
				j++
			case strings.HasPrefix(s[j:], "’"):
				j += len("’")
			default:
				return j
			}
		}
		return j
	}
	seps := func(j int) int { // end of a run of [\t\n\f\r -] starting at j
		for j < len(s) && (s[j] == ' ' || s[j] == '-' || s[j] == '\t' || s[j] == '\n' || s[j] == '\f' || s[j] == '\r') {
			j++
		}
		return j
	}
	for i := 0; i+1 < len(s); i++ {
		if !isCap(s[i]) {
			continue
		}
		j := run(i + 1)
		if j == i+1 {
			continue
		}
		words := 1
		for words < 3 {
			k := seps(j)
			if k == j || k >= len(s) || !isCap(s[k]) {
				break
			}
			j = run(k + 1)
			words++
		}
		if words >= 3 {
			return true
		}
	}
	return false
}

// ePrefixCandidate reports, in one pass, whether s can match the e-prefix
// regexp: it needs "e" or "E" before a hyphen or a capital letter, or "mail"
// ("e mail", "E Mail").
func ePrefixCandidate(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		switch s[i] {
		case 'e', 'E':
			if n := s[i+1]; n == '-' || 'A' <= n && n <= 'Z' {
				return true
			}
		case 'm', 'M':
			if strings.HasPrefix(s[i+1:], "ail") {
				return true
			}
		}
	}
	return false
}

// textRule runs re over each block of main content; keep decides whether a
// match (indices into the block text) is a finding, and may return a message.
func textRule(p *page, em *emitter, re *regexp.Regexp, sev string, keep func(s string, m []int) (bool, string)) {
	names := re.SubexpNames()
	pre := em.e.pre[re]
	for bi := range p.mainBlocks {
		b := &p.mainBlocks[bi]
		if pre != nil && !pre(b) {
			continue
		}
		var ms [][]int
		switch re {
		case em.e.rx.avoid:
			ms = em.e.avoidMatches(b.text, b.wordSpans())
		case em.e.rx.passive:
			ms = passiveMatches(b.text, b.wordSpans())
		case em.e.rx.smallNum:
			ms = smallNumberMatches(b.text, b.wordSpans())
		case em.e.rx.ePrefix:
			ms = ePrefixMatches(b.text, b.wordSpans())
		default:
			if re.NumSubexp() == 0 {
				ms = re.FindAllStringIndex(b.text, -1) // no groups: cheaper than tracking them
			} else {
				ms = re.FindAllStringSubmatchIndex(b.text, -1)
			}
		}
		for _, m := range ms {
			ok, msg := keep(b.text, m)
			if !ok {
				continue
			}
			if em.full() { // counted, but no more evidence is kept
				em.countOnly(1)
				continue
			}
			i, j := m[0], m[1]
			// report the first non-empty group named w* when the regexp has them
			for g := 1; g < len(m)/2 && g < len(names); g++ {
				if strings.HasPrefix(names[g], "w") && m[2*g] >= 0 {
					i, j = m[2*g], m[2*g+1]
					break
				}
			}
			em.add(sev, b.node, around(b.text, i, j), []string{strings.TrimSpace(b.text[i:j])}, msg)
		}
	}
}

// digitThenP reports whether s has a digit followed by "p" ("4p").
func digitThenP(s string) bool {
	for i := strings.IndexByte(s, 'p'); i >= 0; {
		if i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
			return true
		}
		j := strings.IndexByte(s[i+1:], 'p')
		if j < 0 {
			return false
		}
		i += j + 1
	}
	return false
}

func always(msg string) func(string, []int) (bool, string) {
	return func(string, []int) (bool, string) { return true, msg }
}

// runeBefore / runeAfter return the rune just outside s[i:j].
func runeBefore(s string, i int) rune {
	if i <= 0 {
		return 0
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

func runeAfter(s string, j int) rune {
	if j >= len(s) {
		return 0
	}
	r, _ := utf8.DecodeRuneInString(s[j:])
	return r
}

// wordAfter returns the next word after position j.
func wordAfter(s string, j int) string {
	rest := strings.TrimLeft(s[j:], " \t\n,")
	end := strings.IndexFunc(rest, func(r rune) bool { return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’') })
	if end < 0 {
		return rest
	}
	return rest[:end]
}

// wordBefore returns the word before position i.
func wordBefore(s string, i int) string {
	head := strings.TrimRight(s[:i], " \t\n")
	start := strings.LastIndexFunc(head, func(r rune) bool { return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’') })
	return head[start+1:]
}

func isCapWord(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// sentenceStart reports whether position i starts a sentence (start of the
// block or after . ! ? :).
func sentenceStart(s string, i int) bool {
	head := strings.TrimRight(s[:i], " \t\n\"'‘“(")
	if head == "" {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(head)
	return r == '.' || r == '!' || r == '?' || r == ':' || r == '•' || r == '|'
}

func chkTitleLength(e *Engine, p *page, em *emitter) {
	t := e.m.Thresholds
	switch {
	case p.title == "":
		em.add(SevError, nil, "", nil, "The page has no title")
	case countWords(p.title) > t.TitleMaxWords || utf8.RuneCountInString(p.title) > t.TitleMaxChars:
		em.add(SevWarning, nil, p.title, nil, "Title has "+strconv.Itoa(countWords(p.title))+" words and "+strconv.Itoa(utf8.RuneCountInString(p.title))+" characters: keep it to "+strconv.Itoa(t.TitleMaxWords)+" words and "+strconv.Itoa(t.TitleMaxChars)+" characters")
	}
}

func chkTitleEtc(e *Engine, p *page, em *emitter) {
	if m := e.rx.titleEtc.FindString(p.title); m != "" {
		em.add(SevWarning, nil, p.title, []string{m}, "Title uses \"etc\": say exactly what the page covers")
	}
}

func chkTitleSpecial(e *Engine, p *page, em *emitter) {
	if ms := e.rx.titleSpecial.FindAllString(p.title, -1); len(ms) > 0 {
		em.add(SevWarning, nil, p.title, dedupe(ms), "Title contains special characters: write \"and\" instead of &")
	}
}

func chkMetaDesc(e *Engine, p *page, em *emitter) {
	d := p.metaDesc
	switch {
	case !p.hasDesc || d == "":
		em.add(SevWarning, nil, "", nil, "No meta description: search engines will make up their own summary")
		return
	case strings.EqualFold(d, p.title):
		em.add(SevWarning, nil, d, nil, "Meta description repeats the title: describe what the page covers")
	}
	if n := utf8.RuneCountInString(d); n > e.m.Thresholds.MetaDescMaxChars {
		em.add(SevInfo, nil, d, nil, "Meta description is "+strconv.Itoa(n)+" characters: about 150 is best")
	}
	if strings.Contains(strings.TrimRight(d, ". "), ". ") || strings.HasSuffix(d, ".") {
		em.add(SevInfo, nil, d, []string{"."}, "Meta description has full stops: use dashes and commas")
	}
}

func chkClickHere(e *Engine, p *page, em *emitter) {
	for _, l := range p.links {
		if l.hidden || !p.inMain(l.zone) {
			continue
		}
		t := strings.Trim(strings.ToLower(l.text), " .:…>»›!")
		if t == "" || !e.rx.clickHere.MatchString(t) {
			continue
		}
		if a := strings.Trim(strings.ToLower(l.aria), " ."); a != "" && !e.rx.clickHere.MatchString(a) {
			continue // the accessible name says where the link goes
		}
		em.add(SevWarning, l.node, l.text, []string{l.text}, "Link text \""+l.text+"\" does not say where it goes")
	}
}

func chkRepeatedLink(e *Engine, p *page, em *emitter) {
	count := map[string]int{}
	first := map[string]int{}
	for i, l := range p.links {
		if l.hidden || !p.inMain(l.zone) || l.abs == "" || strings.HasPrefix(strings.TrimSpace(l.href), "#") || strings.HasPrefix(strings.ToLower(strings.TrimSpace(l.href)), "javascript:") {
			continue
		}
		if count[l.abs] == 0 {
			first[l.abs] = i
		}
		count[l.abs]++
	}
	for _, k := range sortedKeys(count) {
		if n := count[k]; n > 1 {
			l := p.links[first[k]]
			em.add(SevInfo, l.node, l.text, []string{k}, "Linked "+strconv.Itoa(n)+" times from the body text: link it once")
		}
	}
}

func chkEmailLink(e *Engine, p *page, em *emitter) {
	linked := map[string]bool{}
	for _, l := range p.links {
		if !l.isMailto || l.hidden {
			continue
		}
		addr := strings.TrimSpace(l.href)[len("mailto:"):]
		if i := strings.IndexAny(addr, "?#"); i >= 0 {
			addr = addr[:i]
		}
		addr = strings.TrimSpace(addr)
		linked[strings.ToLower(addr)] = true
		linked[strings.ToLower(l.text)] = true
		if !p.inMain(l.zone) {
			continue
		}
		switch {
		case !strings.EqualFold(l.text, addr):
			em.add(SevWarning, l.node, l.text, []string{addr}, "Email link text should be the address itself, "+strings.ToLower(addr))
		case l.text != strings.ToLower(l.text):
			em.add(SevInfo, l.node, l.text, []string{l.text}, "Write email addresses in lower case: "+strings.ToLower(l.text))
		}
	}
	textRule(p, em, e.rx.email, SevWarning, func(s string, m []int) (bool, string) {
		a := s[m[0]:m[1]]
		if linked[strings.ToLower(a)] {
			return false, ""
		}
		return true, "Email address is not a link: make it a mailto link"
	})
}

func chkTelephone(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.telLabel, SevInfo, always("Write \"Telephone:\" or \"Mobile:\" in full"))
}

func chkAmpersand(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.ampersand, SevInfo, func(s string, m []int) (bool, string) {
		// company names such as "M&S" or "B&Q" are left alone
		b, a := runeBefore(s, m[0]), runeAfter(s, m[1])
		if unicode.IsUpper(b) && unicode.IsUpper(a) {
			return false, ""
		}
		return true, "Write \"and\" instead of &"
	})
}

func chkBlockCaps(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.blockCaps, SevWarning, func(s string, m []int) (bool, string) {
		words := strings.FieldsFunc(s[m[0]:m[1]], func(r rune) bool { return r == ' ' || r == '-' || r == '\n' })
		long := 0
		for _, w := range words {
			if utf8.RuneCountInString(w) > 4 {
				long++
			}
		}
		if long == 0 { // a string of acronyms ("NHS UK GP") is not shouting
			return false, ""
		}
		return true, "Block capitals are hard to read: use sentence case"
	})
}

func chkCouncilCapital(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.councilCap, SevInfo, func(s string, m []int) (bool, string) {
		w := wordAfter(s, m[1])
		if w != "" && isCapWord(w) && runeAfter(s, m[1]) == ' ' {
			return false, "" // part of a name: "the Council Tax", "the Council House"
		}
		return true, "Write \"the council\" in lower case unless it is the formal name"
	})
}

func chkCouncilPlural(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.councilPlural, SevWarning, func(s string, m []int) (bool, string) {
		words := strings.Fields(s[m[0]:m[1]])
		if len(words) == 3 && strings.HasSuffix(words[1], "s") {
			return false, "" // "Council Members are": the subject is the plural noun
		}
		return true, "The council is singular: \"the council is\", \"the council has\""
	})
}

func chkAbbrevStops(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.abbrevStops, SevInfo, always("Do not use full stops in abbreviations: BBC, eg, ie"))
}

func chkFormCodes(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.formCode, SevInfo, always("Give the form a name that says what it is for, not just its code"))
}

func chkTimeFormat(e *Engine, p *page, em *emitter) {
	msg := "Write times as 5:30pm, and ranges as \"10am to 11am\""
	textRule(p, em, e.rx.time24, SevInfo, func(s string, m []int) (bool, string) {
		rest := strings.ToLower(strings.TrimLeft(s[m[1]:], " "))
		if strings.HasPrefix(rest, "am") || strings.HasPrefix(rest, "pm") || strings.HasPrefix(rest, "hrs") || strings.HasPrefix(rest, "hours") {
			return false, "" // 5:30pm is the house style; "hrs" caught below
		}
		if b := runeBefore(s, m[0]); b == ':' || b == '.' || unicode.IsDigit(b) {
			return false, ""
		}
		if a := runeAfter(s, m[1]); a == ':' || a == '.' && unicode.IsDigit(runeAfter(s, m[1]+1)) {
			return false, "" // 12:30:45 or version numbers
		}
		return true, msg
	})
	textRule(p, em, e.rx.timeHrs, SevInfo, always(msg))
	textRule(p, em, e.rx.timeRange, SevInfo, always(msg))
}

func chkDateOrdinals(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.dateOrdinal, SevInfo, always("Write dates without st, nd, rd or th: 1 June"))
}

// yearRangeAt reports whether the yearRange match m is a financial-year style
// range (not an ISO date).
func yearRangeAt(s string, m []int) bool {
	if runeAfter(s, m[1]) == '-' || runeAfter(s, m[1]) == '/' || runeBefore(s, m[0]) == '-' || runeBefore(s, m[0]) == '/' {
		return false
	}
	y1, _ := strconv.Atoi(s[m[2]:m[3]])
	y2s := s[m[4]:m[5]]
	if strings.Contains(s[m[3]:m[4]], "/") && len(y2s) != 1 {
		return false // 2012/13 is the house style; 2012/2013 is left alone
	}
	y2, _ := strconv.Atoi(y2s)
	switch len(y2s) {
	case 1:
		return y2 == (y1+1)%10
	case 2:
		return y2 == (y1+1)%100
	case 4:
		return y2 > y1 && y2 < y1+100
	}
	return false
}

func chkYearRange(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.yearRange, SevInfo, func(s string, m []int) (bool, string) {
		if !yearRangeAt(s, m) {
			return false, ""
		}
		return true, "Write financial and school years as 2012/13, and ranges as \"2012 to 2013\""
	})
}

func chkNumberRange(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.numRange, SevInfo, func(s string, m []int) (bool, string) {
		if b := runeBefore(s, m[0]); unicode.IsLetter(b) || unicode.IsDigit(b) || b == '-' || b == '/' || b == '.' || b == ':' || b == '+' || b == '(' {
			return false, "" // codes (A1-2), dates, phone numbers
		}
		if a := runeAfter(s, m[1]); unicode.IsLetter(a) || a == '-' || a == '/' || a == '.' && unicode.IsDigit(runeAfter(s, m[1]+1)) || a == ':' {
			return false, "" // 10-11am (time rule), 2019-12-30, units
		}
		if w := wordAfter(s, m[1]); w != "" && isCapWord(w) {
			return false, "" // addresses: "14-20 High Street"
		}
		if w := wordBefore(s, m[0]); w != "" && strings.Trim(w, "0123456789") == "" {
			return false, "" // telephone numbers: "01234 567-890"
		}
		t := s[m[0]:m[1]]
		if ym := e.rx.yearRange.FindStringSubmatchIndex(t); ym != nil && ym[0] == 0 {
			return false, "" // year ranges have their own rule
		}
		parts := strings.FieldsFunc(t, func(r rune) bool { return r == '-' || r == '–' || r == '—' || r == ' ' || r == '£' })
		if len(parts) != 2 {
			return false, ""
		}
		for _, q := range parts {
			if strings.HasPrefix(q, "0") && len(q) > 1 {
				return false, "" // phone numbers and zero-padded codes
			}
		}
		if wordBefore(s, m[0]) != "" && isCapWord(wordBefore(s, m[0])) && !sentenceStart(s, m[0]-len(wordBefore(s, m[0]))) {
			return false, "" // "Policy 3-4", "Zone 1-2": references
		}
		return true, "Write ranges with \"to\": 200 to 400"
	})
}

func chkMoney(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.moneyPence, SevInfo, always("Leave out \".00\": write £75"))
	textRule(p, em, e.rx.moneyFraction, SevInfo, always("Write sums under £1 million in full: £700,000"))
	textRule(p, em, e.rx.moneyAbbrev, SevInfo, func(s string, m []int) (bool, string) {
		if e.rx.moneyFraction.MatchString(s[m[0]:m[1]]) {
			return false, ""
		}
		return true, "Write the word: £138 million"
	})
	// LGD 1.11 Money: "Write out 'pence' in full, eg: 4 pence per minute"
	textRule(p, em, e.rx.pence, SevInfo, func(s string, m []int) (bool, string) {
		if b := runeBefore(s, m[0]); b == '£' || b == '.' || b == ',' || b == '-' || b == '/' {
			return false, ""
		}
		return true, "Write pence in full: 4 pence"
	})
}

var smallNumberWords = map[string]bool{
	"page": true, "pages": true, "section": true, "sections": true, "step": true, "steps": true, "chapter": true,
	"part": true, "no": true, "number": true, "phase": true, "policy": true, "appendix": true, "table": true,
	"figure": true, "fig": true, "schedule": true, "article": true, "regulation": true, "class": true, "band": true,
	"zone": true, "ward": true, "year": true, "stage": true, "level": true, "floor": true, "flat": true, "unit": true,
	"room": true, "tier": true, "option": true, "item": true, "paragraph": true, "para": true, "annex": true,
	"grade": true, "site": true, "plot": true, "route": true, "platform": true, "bus": true, "version": true,
	"v": true, "area": true, "lot": true, "block": true, "rule": true, "criterion": true, "objective": true, "map": true,
	"question": true, "priority": true, "plan": true, "covid": true, "type": true, "category": true, "ref": true,
	"reference": true, "box": true, "line": true, "column": true, "row": true, "issue": true, "volume": true, "vol": true,
}

func chkSmallNumbers(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.smallNum, SevInfo, func(s string, m []int) (bool, string) {
		b, a := runeBefore(s, m[0]), runeAfter(s, m[1])
		switch {
		case b == '£' || b == '$' || b == '#' || b == '/' || b == '.' || b == ':' || b == '-' || b == '–' || b == ',' && unicode.IsDigit(runeBefore(s, m[0]-1)) || b == '(' && a == ')' || b == '[':
			return false, ""
		case a == '/' || a == ':' || a == '%' || a == '-' || a == '–' || a == '.' && unicode.IsDigit(runeAfter(s, m[1]+1)) || a == ')' && sentenceStart(s, m[0]) || a == '.' && sentenceStart(s, m[0]) || a == ',' && unicode.IsDigit(runeAfter(s, m[1]+1)):
			return false, "" // fractions, times, decimals, list numbers
		}
		if strings.TrimSpace(s) == s[m[0]:m[1]] {
			return false, "" // a number alone in a cell or list item
		}
		next := wordAfter(s, m[1])
		nl := strings.ToLower(next)
		if next != "" && isCapWord(next) || nl == "am" || nl == "pm" || nl == "x" || nl == "and" && unicode.IsDigit(runeAfter(s, m[1]+5)) {
			return false, "" // addresses, dates ("5 High Street", "1 April"), times
		}
		if nl == "per" || nl == "percent" || nl == "pence" || nl == "p" || nl == "kg" || nl == "km" || nl == "m" || nl == "mm" || nl == "cm" || nl == "mph" || nl == "ha" || nl == "hectares" || nl == "miles" || nl == "metres" || nl == "tonnes" || nl == "or" && unicode.IsDigit(runeAfter(s, m[1]+4)) {
			return false, "" // measures
		}
		prev := wordBefore(s, m[0])
		if prev != "" && (smallNumberWords[strings.ToLower(prev)] || isCapWord(prev) && !sentenceStart(s, m[0]-len(prev)) || unicode.IsDigit([]rune(prev)[len([]rune(prev))-1])) {
			return false, "" // "Section 5", "Key Stage 2", "01234 5"
		}
		if strings.EqualFold(prev, "to") || strings.EqualFold(prev, "and") || strings.EqualFold(prev, "or") {
			pw := wordBefore(s, strings.LastIndex(s[:m[0]], prev))
			if pw != "" && unicode.IsDigit([]rune(pw)[0]) {
				return false, "" // "7 to 10": part of a range with big numbers
			}
		}
		if monthAround(s, m) {
			return false, ""
		}
		return true, "Write numbers up to ten in words: \"three\", not \"3\""
	})
}

func monthAround(s string, m []int) bool {
	prev := wordBefore(s, m[0])
	switch strings.ToLower(prev) {
	case "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec":
		return true
	}
	return false
}

func chkItalics(e *Engine, p *page, em *emitter) {
	for _, el := range p.styled {
		if !p.inMain(el.zone) {
			continue
		}
		what := "Italics"
		if el.tag == "u" {
			what = "Underlining"
		}
		em.add(SevInfo, el.node, el.text, []string{"<" + el.tag + ">"}, what+" make text harder to read: use plain text, or bold sparingly")
	}
}

func chkBold(e *Engine, p *page, em *emitter) {
	bold := 0
	for _, b := range p.mainBlocks {
		if b.tag == "h1" || b.tag == "h2" || b.tag == "h3" || b.tag == "h4" || b.tag == "h5" || b.tag == "h6" || b.tag == "th" {
			continue
		}
		bold += b.boldWords
	}
	if p.mainWords < e.m.Thresholds.MinWordsBold {
		return
	}
	share := float64(bold) / float64(p.mainWords)
	if share > e.m.Thresholds.BoldMaxShare {
		em.add(SevInfo, nil, "", nil, strconv.Itoa(bold)+" of "+strconv.Itoa(p.mainWords)+" words are bold ("+strconv.Itoa(int(share*100+0.5))+"%): use bold sparingly")
	}
}

func chkTextBlocks(e *Engine, p *page, em *emitter) {
	for _, b := range p.mainBlocks {
		if b.tag != "p" && b.tag != "div" && b.tag != "blockquote" && b.tag != "li" && b.tag != "dd" && b.tag != "td" {
			continue
		}
		if n := countWords(b.text); n > e.m.Thresholds.ParagraphMaxWords {
			em.add(SevInfo, b.node, b.text, nil, "Paragraph of "+strconv.Itoa(n)+" words: break it up, or use a list")
		}
	}
}

func chkEPrefix(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.ePrefix, SevInfo, func(s string, m []int) (bool, string) {
		w := s[m[0]:m[1]]
		lw := strings.ToLower(w)
		if lw == "ebay" {
			return false, ""
		}
		if strings.Contains(lw, "mail") {
			return true, "Write \"email\""
		}
		if strings.HasPrefix(w, "e-") {
			// LGD 1.8: "e-Business" is right at the start of a sentence only
			if sentenceStart(s, m[0]) {
				return false, ""
			}
			return true, "Write the e prefix in lower case with a hyphen, and the word after it in lower case: e-business"
		}
		if sentenceStart(s, m[0]) {
			return true, "At the start of a sentence, capitalise the word after the e, not the e: e-Business"
		}
		return true, "Write the e prefix in lower case with a hyphen: e-business"
	})
}

func chkCompass(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.compass, SevInfo, func(s string, m []int) (bool, string) {
		if sentenceStart(s, m[0]) {
			return false, ""
		}
		if w := wordAfter(s, m[1]); w != "" && isCapWord(w) {
			return false, "" // North Yorkshire, West Midlands
		}
		if w := wordBefore(s, m[0]); w == "" || isCapWord(w) || w == "of" && m[0] >= 3 && isCapWord(wordBefore(s, m[0]-3)) {
			return false, "" // part of a name: "Hertfordshire North", "Isle of West"
		}
		if a := runeAfter(s, m[1]); a == '-' || unicode.IsLetter(a) {
			return false, ""
		}
		return true, "Write compass directions in lower case unless part of a name: the north, the south-west"
	})
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
