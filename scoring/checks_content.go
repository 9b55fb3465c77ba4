package scoring

import (
	"net/url"
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
	timeAmPm, dayRange, dateBefore          *regexp.Regexp
	ratingAfter                             *regexp.Regexp
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
	fileType, fileSize                      *regexp.Regexp
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
		titleEtc:     m(`(?i)\betc\b`),
		titleSpecial: m(`[&@#*~^{}\[\]<>\\=+™®©¦§¬]`),
		clickHere: m(`(?i)^(?:click here|click|here|read more|more|link|this link|more info|more information|click here for more information|find out more here|` +
			`this|link here|download|download here|click to download|click here to download|click here to view|view|view here|view\s*/\s*download|download\s*/\s*view|(?:is |are )?available here|see here)$`),
		email:         m(`[A-Za-z0-9._%+&'\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`),
		telLabel:      m(`\b(?:Tel|TEL|tel|Mob|MOB|mob|Tel No|Tel no)\s*[.:]`),
		ampersand:     m(`&`),
		blockCaps:     m(`\b[A-Z][A-Z'’]+(?:[\s\-]+[A-Z][A-Z'’]*\b){2,}`),
		councilCap:    m(`\b[Tt]he (?:(?:County|District|Borough|City|Town|Parish) )?Council\b`),
		councilPlural: m(`\b[Cc]ouncil(?: [A-Z][A-Za-z]*)? (?:are|have|were|aren't|haven't|weren't|intend|consider|propose|believe|expect|feel|hope|wish|recognise|recognize|agree|think|know|acknowledge|accept|continue|seek|encourage|undertake|anticipate|remain)\b`),
		abbrevStops:   m(`(?:^|[^\w.@/])(?P<w1>(?:[A-Za-z]\.){2,})|(?i)(?:^|[^\w.@/])(?P<w2>(?:eg|ie)\.)(?:\s|,)`),
		formCode:      m(`\b[Ff]orm (?:[A-Z]{0,4}\d+[A-Za-z]?|[A-Z]{1,4}\d*[A-Z]?\d+)\b|\b[A-Z]{1,4}\d+[A-Z]? [Ff]orm\b`),
		time24:        m(`\b(?:[01]?\d|2[0-3]):[0-5]\d\b`),
		timeHrs:       m(`(?i)\b\d{1,2}[:.]?\d{2}\s?hrs?\b|\b\d{3,4}\s?(?:hrs|hours)\b`),
		timeRange:     m(`(?i)\b\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm)?\s?[\-–—]\s?\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm)\b`),
		timeAmPm:      m(`\b\d{1,2}[:.][0-5]\d\s?(?:am|pm|AM|PM|Am|Pm|a\.m\.|p\.m\.|A\.M\.|P\.M\.)`),
		ratingAfter:   m(`^\s*\(\d+\s+(?:votes?|ratings?|reviews?)\)`),
		dayRange:      m(`\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\s?[\-–—]\s?(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b`),
		dateBefore:    m(`(?i)(?:\b\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\b\d{1,2}\s+` + monthRe + `\s+\d{4}|\b` + monthRe + `\s+\d{1,2}(?:,?\s+\d{4})?)[\s,@at]*(?:\d{1,2}[:.]\d{2}\s?(?:am|pm)?\s?[-–—]\s?)?$`),
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
		fileType:      m(`(?i)\b(?:pdf|docx?|word|excel|xlsx?|pptx?|powerpoint|odt|odp|ods|rtf|opendocument|acrobat)\b`),
		fileSize:      m(`(?i)\b\d+(?:[.,]\d+)?\s?(?:[kmg]i?b|bytes|kilobytes|megabytes)\b`),
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
	flag := func(f uint32) func(*textBlock) bool { return func(b *textBlock) bool { return b.flags&f != 0 } }
	return map[*regexp.Regexp]func(*textBlock) bool{
		r.email: flag(fAt), r.ampersand: flag(fAmp), r.blockCaps: func(b *textBlock) bool { return b.flags&fCapRun != 0 && capsRunCandidate(b.text) },
		r.councilCap:    func(b *textBlock) bool { return b.flags&fCouncil != 0 && councilCapCandidate(b.text) },
		r.councilPlural: func(b *textBlock) bool { return b.flags&fCouncil != 0 && councilPluralCandidate(b.text) },
		r.abbrevStops:   flag(fAbbrev), r.formCode: func(b *textBlock) bool { return b.flags&(fDigit|fOrm) == fDigit|fOrm && formCodeCandidate(b.text) },
		r.time24: flag(fColonTime),
		r.timeHrs: func(b *textBlock) bool {
			// a digit and "hr" or "hour", and a digit right before an h
			return b.flags&(fDigit|fHr|fDigitH) == fDigit|fHr|fDigitH
		},
		r.timeRange: func(b *textBlock) bool {
			// The range needs a digit, a dash and a closing am or pm.
			return b.flags&(fDigit|fDash|fAmPm) == fDigit|fDash|fAmPm
		}, r.dateOrdinal: flag(fOrdinal), r.yearRange: func(b *textBlock) bool {
			return b.flags&fDigitDash != 0 || b.flags&(fDigit|fSlash) == fDigit|fSlash
		}, r.numRange: flag(fDigitDash),
		r.moneyPence: flag(fPound), r.moneyFraction: flag(fPound), r.moneyAbbrev: flag(fPound),
		r.pence: flag(fDigitP), r.smallNum: flag(fDigit),
		r.compass: flag(fCompass), r.telLabel: flag(fTel),
		r.timeAmPm: func(b *textBlock) bool {
			return b.flags&fClockAmPm != 0
		},
		r.dayRange: flag(fDay),
		r.ePrefix:  flag(fEPrefix),
	}
}

// councilCapCandidate reports whether s has "Council" with "he " in the 13
// bytes before it ("the Council", "The Borough Council"): necessary for
// the council capital regexp.
func councilCapCandidate(s string) bool {
	for i := 0; ; {
		k := strings.Index(s[i:], "Council")
		if k < 0 {
			return false
		}
		k += i
		if strings.Contains(s[max(0, k-13):k], "he ") {
			return true
		}
		i = k + 1
	}
}

// councilCapMatches finds what regexps.councilCap finds, in one pass: "the
// Council", "The Borough Council" (the word before Council one of County,
// District, Borough, City, Town or Parish), between word boundaries.
func councilCapMatches(s string) [][]int {
	var out [][]int
	for i := 0; ; {
		k := strings.Index(s[i:], "Council")
		if k < 0 {
			return out
		}
		k += i
		end := k + len("Council")
		i = end
		if end < len(s) && isWordByte(s[end]) {
			continue
		}
		// "[Tt]he " right before, or "[Tt]he " and one of the words and a
		// space (never both: none of the words ends in "he")
		start := theAt(s, k-len("the "))
		if start < 0 {
			for _, w := range councilKinds {
				if j := k - len(w) - 1; j >= 0 && s[k-1] == ' ' && s[j:k-1] == w {
					start = theAt(s, j-len("the "))
					break
				}
			}
		}
		if start >= 0 {
			out = append(out, []int{start, end})
		}
	}
}

// councilKinds are the words regexps.councilCap allows before Council.
var councilKinds = []string{"County", "District", "Borough", "City", "Town", "Parish"}

// theAt returns j when s[j:] starts with "the " or "The " at a word
// boundary, else -1.
func theAt(s string, j int) int {
	if j < 0 || j+4 > len(s) || s[j+1:j+4] != "he " || s[j] != 'T' && s[j] != 't' || j > 0 && isWordByte(s[j-1]) {
		return -1
	}
	return j
}

// compassMatches finds what regexps.compass finds, in one pass: North,
// South, East or West as a word, and an East or West joined to it by a
// white space or a hyphen ("North East", "South-West") when one is.
func compassMatches(s string) [][]int {
	var out [][]int
	for i := 0; i < len(s); {
		k := strings.IndexAny(s[i:], "NSEW")
		if k < 0 {
			break
		}
		k += i
		n := compassWordAt(s, k)
		if n == 0 || k > 0 && isWordByte(s[k-1]) {
			i = k + 1
			continue
		}
		end := k + n
		if end+1 < len(s) && (isSpaceByte(s[end]) || s[end] == '-') {
			if m := compassWordAt(s, end+1); (m == 4 && (s[end+1] == 'E' || s[end+1] == 'W')) && (end+1+m == len(s) || !isWordByte(s[end+1+m])) {
				out = append(out, []int{k, end + 1 + m})
				i = end + 1 + m
				continue
			}
		}
		if end == len(s) || !isWordByte(s[end]) {
			out = append(out, []int{k, end})
			i = end
			continue
		}
		i = k + 1
	}
	return out
}

// compassWordAt returns the length of North, South, East or West at s[k:],
// or 0.
func compassWordAt(s string, k int) int {
	for _, w := range [...]string{"North", "South", "East", "West"} {
		if strings.HasPrefix(s[k:], w) {
			return len(w)
		}
	}
	return 0
}

// councilPluralVerbs are the plural verbs of the council plural regexp.
var councilPluralVerbs = []string{"are", "have", "were", "aren't", "haven't", "weren't", "intend",
	"consider", "propose", "believe", "expect", "feel", "hope", "wish", "recognise", "recognize",
	"agree", "think", "know", "acknowledge", "accept", "continue", "seek", "encourage",
	"undertake", "anticipate", "remain"}

// councilPluralCandidate reports whether s has "ouncil " followed, at once
// or after one more word, by a word that starts like one of the plural
// verbs: necessary for the council plural regexp.
func councilPluralCandidate(s string) bool {
	for i := 0; ; {
		k := strings.Index(s[i:], "ouncil ")
		if k < 0 {
			return false
		}
		k += i + len("ouncil ")
		for w, at := 0, k; w < 2 && at < len(s); w++ {
			end := at
			for end < len(s) && s[end] != ' ' {
				end++
			}
			word := s[at:end]
			for _, v := range councilPluralVerbs {
				if strings.HasPrefix(word, v) {
					return true
				}
			}
			at = end + 1
		}
		i = k
	}
}

// formCodeCandidate reports whether s has "orm" followed by a space and a
// capital or digit ("Form 21B"), or "form" after a capital or digit and a
// space ("SA100 form"): necessary for the form code regexp.
func formCodeCandidate(s string) bool {
	code := func(c byte) bool { return 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' }
	for i := 0; ; {
		k := strings.Index(s[i:], "orm")
		if k < 0 {
			return false
		}
		k += i
		if k+4 < len(s) && s[k+3] == ' ' && code(s[k+4]) || k >= 3 && (s[k-1] == 'F' || s[k-1] == 'f') && s[k-2] == ' ' && code(s[k-3]) {
			return true
		}
		i = k + 1
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

// textRule runs re over each block of main content; keep decides whether a
// match (indices into the block text) is a finding, and may return a message.
// Quoted text is skipped (unless em.quotesToo), and so are the cells of data
// tables when em.skipCells is set; em.block is the block being read.
func textRule(p *page, em *emitter, re *regexp.Regexp, sev string, keep func(s string, m []int) (bool, string)) {
	names := re.SubexpNames()
	pre := em.e.pre[re]
	for bi := range p.mainBlocks {
		b := &p.mainBlocks[bi]
		if pre != nil && !pre(b) {
			continue
		}
		if em.skipCells && p.dataCell(b) || !em.quotesToo && b.zone&zQuote != 0 {
			continue
		}
		em.block = b
		var ms [][]int
		switch re {
		case em.e.rx.avoid:
			ms = em.e.avoidMatches(b.text, b.wordSpans(), b.flags&fNonASCII == 0)
		case em.e.rx.passive:
			ms = passiveMatches(b.text, b.wordSpans())
		case em.e.rx.smallNum:
			ms = smallNumberMatches(b.text, b.wordSpans())
		case em.e.rx.ePrefix:
			ms = ePrefixMatches(b.text, b.wordSpans())
		case em.e.nrx.numberWord:
			ms = numberWordMatches(b.text)
		case em.e.nrx.dateUS:
			ms = usDateMatches(b.text)
		case em.e.nrx.monthRange:
			ms = monthRangeMatches(b.text)
		case em.e.rx.councilCap:
			ms = councilCapMatches(b.text)
		case em.e.rx.compass:
			ms = compassMatches(b.text)
		default:
			if re.NumSubexp() == 0 {
				ms = re.FindAllStringIndex(b.text, -1) // no groups: cheaper than tracking them
			} else {
				ms = re.FindAllStringSubmatchIndex(b.text, -1)
			}
		}
		for _, m := range ms {
			if !em.quotesToo && b.inQuote(m[0]) {
				continue
			}
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
	if start < 0 {
		return head
	}
	_, size := utf8.DecodeRuneInString(head[start:])
	return head[start+size:]
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

// chkTitleLength: LGD 1.13 "Keep it short: eight words will appear in
// search". The page's own part of the title is measured, not the site name
// the template adds ("... - Brighton & Hove City Council"); a title that
// repeats a part of itself wastes those words and is always reported.
func chkTitleLength(e *Engine, p *page, em *emitter) {
	t := e.m.Thresholds
	if p.title == "" {
		em.add(SevError, nil, "", nil, "The page has no title")
		return
	}
	tp := p.titleParts()
	words, chars := countWords(tp.own), utf8.RuneCountInString(tp.own)
	long := words > t.TitleMaxWords || chars > t.TitleMaxChars
	limits := "keep it to " + strconv.Itoa(t.TitleMaxWords) + " words and " + strconv.Itoa(t.TitleMaxChars) + " characters"
	switch {
	case tp.repeated != "":
		em.add(SevWarning, nil, p.title, []string{tp.repeated}, "Title repeats \""+tp.repeated+"\" ("+strconv.Itoa(countWords(p.title))+" words, "+strconv.Itoa(utf8.RuneCountInString(p.title))+" characters): say it once, and "+limits)
	case long && tp.site != "":
		em.add(SevWarning, nil, p.title, nil, "The page's own part of the title, \""+tp.own+"\" (without the site name), has "+strconv.Itoa(words)+" words and "+strconv.Itoa(chars)+" characters: "+limits)
	case long:
		em.add(SevWarning, nil, p.title, nil, "Title has "+strconv.Itoa(words)+" words and "+strconv.Itoa(chars)+" characters: "+limits)
	}
}

// chkTitleEtc judges the page's own part of the title.
func chkTitleEtc(e *Engine, p *page, em *emitter) {
	if m := e.rx.titleEtc.FindString(p.titleParts().own); m != "" {
		em.add(SevWarning, nil, p.title, []string{m}, "Title uses \"etc\": say exactly what the page covers")
	}
}

// chkTitleSpecial: LGD 1.5 "Avoid using any special characters in titles",
// in the page's own part: the site's name ("Telford & Wrekin Council") is
// a proper name the template adds.
func chkTitleSpecial(e *Engine, p *page, em *emitter) {
	if ms := e.rx.titleSpecial.FindAllString(p.titleParts().own, -1); len(ms) > 0 {
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

// chkClickHere: LGD 1.4 "Never use phrases like 'click here' on their own
// ... describe what you're linking to". Controls that look like links but
// go nowhere (href "#", "" or javascript:, tabs, show/hide toggles) are not
// links in the text, and a third-party widget's links are not the page's.
func chkClickHere(e *Engine, p *page, em *emitter) {
	for li := range p.links {
		l := &p.links[li]
		if l.hidden || !p.inMain(l.zone) || l.control || l.widget != "" || noDestination(l.href) {
			continue
		}
		t := strings.Trim(strings.ToLower(l.text), " .:…>»›!")
		if t == "" || !saysClickHere(t, e.rx.clickHere) {
			continue
		}
		if a := strings.Trim(strings.ToLower(l.aria), " ."); a != "" && !e.rx.clickHere.MatchString(a) {
			continue // the accessible name says where the link goes
		}
		em.add(SevWarning, l.node, l.text, []string{l.text}, "Link text \""+l.text+"\" does not say where it goes")
	}
}

// clickHerePhrases are the fixed phrases of rx.clickHere (its whole text,
// lower case); the regexp also takes "view / download" and "download /
// view" with any white space around the slash.
var clickHerePhrases = map[string]bool{"click here": true, "click": true, "here": true, "read more": true, "more": true,
	"link": true, "this link": true, "more info": true, "more information": true, "click here for more information": true,
	"find out more here": true, "this": true, "link here": true, "download": true, "download here": true, "click to download": true,
	"click here to download": true, "click here to view": true, "view": true, "view here": true, "available here": true,
	"is available here": true, "are available here": true, "see here": true}

// saysClickHere reports whether link text (lower-cased by the caller) is
// one of the phrases of re (rx.clickHere): for plain ASCII text a look-up,
// else the prefilter and the regexp.
func saysClickHere(t string, re *regexp.Regexp) bool {
	if !isASCII(t) {
		return mayClickHere(t) && re.MatchString(t)
	}
	t = lowerASCII(t) // the regexp ignores case
	return clickHerePhrases[t] || slashPair(t, "view", "download") || slashPair(t, "download", "view")
}

// slashPair reports whether t is a, white space ([\t\n\f\r ]*), a slash,
// white space and b.
func slashPair(t, a, b string) bool {
	if len(t) < len(a)+len(b)+1 || !strings.HasPrefix(t, a) || !strings.HasSuffix(t, b) {
		return false
	}
	return strings.Trim(t[len(a):len(t)-len(b)], " \t\n\f\r") == "/"
}

// mayClickHere is an exact prefilter of rx.clickHere for lower-cased
// text: plain ASCII text can only match when it starts with the first
// letter of one of the phrases and is no longer than the longest ("click
// here for more information"), unless it holds a "/" ("view / download").
// Other text is left to the regexp.
func mayClickHere(t string) bool {
	for i := 0; i < len(t); i++ {
		if t[i] >= utf8.RuneSelf {
			return true
		}
	}
	if len(t) > len("click here for more information") && !strings.Contains(t, "/") {
		return false
	}
	switch t[0] {
	case 'a', 'c', 'd', 'f', 'h', 'i', 'l', 'm', 'r', 's', 't', 'v':
		return true
	}
	return false
}

// chkRepeatedLink: LGD 1.4 "Once you've linked a document, page or
// resource once using a phrase in the text, don't repeat this each time the
// same phrase is used afterwards", while "you can include them in a
// collection of related links somewhere else on the page too". So a repeat
// is the same phrase linked to the same place (anchors kept: #a and #b are
// different places) twice or more within the prose of the main content:
// links inside sentences, not lists of links, menus, cards, tables or
// related-links boxes. Email addresses are left out: the standard asks for
// every address to be written as a link.
func chkRepeatedLink(e *Engine, p *page, em *emitter) {
	type key struct{ dest, phrase string }
	count := map[key]int{}
	first := map[key]int{}
	var order []key
	prose := p.proseLinks()
	for i := range p.links {
		l := &p.links[i]
		if !prose[i] || l.isMailto {
			continue
		}
		dest := l.abs
		if j := strings.IndexByte(l.href, '#'); j >= 0 {
			dest += l.href[j:]
		}
		k := key{dest, strings.ToLower(l.text)}
		if count[k] == 0 {
			first[k] = i
			order = append(order, k)
		}
		count[k]++
	}
	for _, k := range order {
		if n := count[k]; n > 1 {
			l := p.links[first[k]]
			em.add(SevInfo, l.node, l.text, []string{k.dest}, "\""+l.text+"\" is linked "+strconv.Itoa(n)+" times from the text: link it the first time only")
		}
	}
}

// chkEmailLink: LGD 1.4 "Write email addresses in full, in lowercase and
// as active links. Don't include any other words as part of the link." The
// href is read as a browser reads it (percent-decoded); a full stop the
// sentence puts after the address is not another word; a link with no text
// is a11y-link-name's; a "share by email" link (no address, a subject or
// body) is not an address; and an address shown as the text of a link to a
// contact form is a link, not an address left unlinked.
func chkEmailLink(e *Engine, p *page, em *emitter) {
	em.quotesToo = true
	linked := map[string]bool{}
	for li := range p.links {
		l := &p.links[li]
		if l.hidden {
			continue
		}
		if !strings.Contains(l.text, "@") {
			// no address in the link text
		} else if t := strings.ToLower(strings.Trim(l.text, " .,;:)(")); strings.Contains(t, "@") {
			linked[t] = true // an address shown as link text, wherever it goes
			if !l.isMailto && strings.Contains(l.href, "@") && p.inMain(l.zone) && l.widget == "" && e.rx.email.MatchString(t) {
				// an address written into a web link by mistake
				em.add(SevWarning, l.node, l.text, []string{l.href}, "The address links to a web address ("+trimSnippet(l.href, 60)+"), not to mailto:"+t)
			}
		}
		if !l.isMailto {
			continue
		}
		raw := strings.TrimSpace(l.href)[len("mailto:"):]
		for len(raw) >= 7 && strings.EqualFold(raw[:7], "mailto:") {
			raw = raw[7:]
		}
		if dec, err := url.PathUnescape(raw); err == nil {
			raw = dec
		}
		addr := raw
		if i := strings.IndexAny(addr, "?#"); i >= 0 {
			addr = addr[:i]
		}
		addr = strings.TrimSpace(addr)
		if addr == "" {
			continue // "email this page": a share link with no address
		}
		linked[strings.ToLower(addr)] = true
		text := strings.Trim(l.text, " .,;:")
		if !p.inMain(l.zone) || text == "" || l.widget != "" {
			continue
		}
		switch {
		case !strings.EqualFold(text, addr):
			em.add(SevWarning, l.node, l.text, []string{addr}, "Email link text should be the address itself, "+strings.ToLower(addr))
		case text != strings.ToLower(text):
			em.add(SevInfo, l.node, l.text, []string{l.text}, "Write email addresses in lower case: "+strings.ToLower(text))
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

// chkAmpersand: LGD 1.5 "avoid using the ampersand (&)" in prose. Not
// prose: an & inside a web address or query string, a company's initials
// ("M&S", "S & G Motors"), a firm's "& Sons" or "& Co", and the site's own
// name ("Redcar & Cleveland" on redcar-cleveland.gov.uk, "Telford & Wrekin"
// when the title's site name has it).
func chkAmpersand(e *Engine, p *page, em *emitter) {
	tp := p.titleParts()
	site := strings.ToLower(tp.site + " | " + p.siteName)
	label := hostLabelLetters(hostOf(p.pageURL()))
	textRule(p, em, e.rx.ampersand, SevInfo, func(s string, m []int) (bool, string) {
		b, a := runeBefore(s, m[0]), runeAfter(s, m[1])
		if unicode.IsUpper(b) && unicode.IsUpper(a) {
			return false, "" // "M&S", "B&Q"
		}
		if inURLToken(s, m[0]) {
			return false, ""
		}
		before, after := wordBefore(s, m[0]), wordAfter(s, m[1])
		if len(before) == 1 && len(after) == 1 && isCapWord(before) && isCapWord(after) {
			return false, "" // "S & G Motors": initials of a name
		}
		switch strings.ToLower(after) {
		case "sons", "son", "co", "company", "partners", "associates":
			return false, "" // "Smith & Sons"
		}
		if name := capsAround(s, m[0], m[1]); name != "" {
			ln := strings.ToLower(name)
			if site != " | " && strings.Contains(site, ln) || label != "" && (lettersOf(strings.ReplaceAll(ln, "&", "and")) == label || lettersOf(ln) == label) {
				return false, "" // the council's own name
			}
		}
		return true, "Write \"and\" instead of &"
	})
}

// chkBlockCaps: LGD 1.6 "Don't use block capitals". Three or more words in
// capitals; a hyphenated name ("HENLEY-ON-THAMES") is one word, a string
// of acronyms is not shouting, and a dataset shown whole (a table of ten
// columns or more) is data, not writing.
func chkBlockCaps(e *Engine, p *page, em *emitter) {
	var last *textBlock // one finding per paragraph: a sentence in capitals is one fault
	textRule(p, em, e.rx.blockCaps, SevWarning, func(s string, m []int) (bool, string) {
		if p.wideTable(em.block) || em.block == last {
			return false, ""
		}
		words := strings.Fields(s[m[0]:m[1]])
		if len(words) < 3 {
			return false, ""
		}
		long := 0
		for _, w := range words {
			if utf8.RuneCountInString(w) > 4 {
				long++
			}
		}
		if long == 0 { // a string of acronyms ("NHS UK GP") is not shouting
			return false, ""
		}
		last = em.block
		return true, "Block capitals are hard to read: use sentence case"
	})
}

// chkCouncilCapital: LGD 1.6 "When referring to 'the council' in a general
// way, don't capitalise the 'C'" - mid-sentence ("the Council") and at the
// start of one ("The Council has"), unless it is part of a name ("the
// Council Tax", "The Council of the Isles of Scilly").
func chkCouncilCapital(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.councilCap, SevInfo, func(s string, m []int) (bool, string) {
		if s[m[0]] == 'T' && !sentenceStart(s, m[0]) {
			return false, "" // "The Council" inside a sentence is a title ("Reports to The Council")
		}
		if s[m[0]] == 'T' && countWords(firstSentence(s[m[1]:])) < 2 {
			return false, "" // a label or menu item ("The Council"), not a sentence
		}
		w := wordAfter(s, m[1])
		if w != "" && isCapWord(w) && runeAfter(s, m[1]) == ' ' {
			return false, "" // part of a name: "the Council Tax", "the Council House"
		}
		if strings.EqualFold(w, "of") && runeAfter(s, m[1]) == ' ' {
			return false, "" // a formal name: "the Council of the Isles of Scilly"
		}
		if s[m[0]] == 'T' {
			return true, "Write \"the council\" in lower case unless it is the formal name: \"The council has...\""
		}
		return true, "Write \"the council\" in lower case unless it is the formal name"
	})
}

// chkCouncilPlural: LGD 1.1 "the council is referred to as a singular
// term". A plural verb after "the council" or "X Council": "are", "have",
// "were", and bare verbs such as "intend" or "consider". Not when the verb
// follows an auxiliary or a causative ("does the council have", "will
// the council consider", "let the council know").
func chkCouncilPlural(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.councilPlural, SevWarning, func(s string, m []int) (bool, string) {
		words := strings.Fields(s[m[0]:m[1]])
		if len(words) == 3 && strings.HasSuffix(words[1], "s") {
			return false, "" // "Council Members are": the subject is the plural noun
		}
		before := strings.ToLower(wordBefore(s, m[0]))
		subj := m[0]
		if before == "the" || before == "a" || before == "this" {
			subj = strings.LastIndex(s[:m[0]], wordBefore(s, m[0]))
		} else if before != "" && isCapWord(wordBefore(s, m[0])) {
			// "Sefton Council are": skip back over the name
			for subj > 0 {
				w := wordBefore(s, subj)
				if w == "" || !isCapWord(w) {
					break
				}
				subj = strings.LastIndex(s[:subj], w)
			}
		} else if !councilPluralAux[words[len(words)-1]] {
			return false, "" // a bare verb needs "the council" or a council's name as its subject
		}
		if councilAux[strings.ToLower(wordBefore(s, subj))] {
			return false, ""
		}
		return true, "The council is singular: \"the council is\", \"the council has\", \"the council intends\""
	})
}

// councilPluralAux are the plural forms of be and have (the other plural
// verbs need "the council" or a name as their subject).
var councilPluralAux = map[string]bool{"are": true, "have": true, "were": true, "aren't": true, "haven't": true, "weren't": true}

// councilAux are the words after which a bare verb is right: auxiliaries
// and causatives ("does the council have", "let the council know").
var councilAux = map[string]bool{"do": true, "does": true, "did": true, "will": true, "would": true, "can": true, "could": true, "should": true,
	"may": true, "might": true, "must": true, "shall": true, "to": true, "let": true, "lets": true, "letting": true, "help": true, "helps": true,
	"helped": true, "helping": true, "make": true, "makes": true, "made": true, "making": true, "have": true, "has": true, "had": true,
	"doesn't": true, "didn't": true, "won't": true, "wouldn't": true, "can't": true, "couldn't": true, "shouldn't": true}

func chkAbbrevStops(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.abbrevStops, SevInfo, always("Do not use full stops in abbreviations: BBC, eg, ie"))
}

// chkFormCodes: LGD 1.2 "Avoid referring to forms or documents by numbers
// (e.g. 'Form 21B')". Not the verb: "to form 45 studio apartments".
func chkFormCodes(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.formCode, SevInfo, func(s string, m []int) (bool, string) {
		if strings.HasPrefix(s[m[0]:], "form ") && councilAux[strings.ToLower(wordBefore(s, m[0]))] {
			return false, "" // "to form 45 flats", "will form 3 lots": the verb
		}
		return true, "Give the form a name that says what it is for, not just its code"
	})
}

// chkTimeFormat: LGD 1.7 "5:30pm (not 1730hrs)", "10am to 11am (not
// 10–11am)", "Monday to Friday, 9am to 5pm". Also times written against
// that form: "07:46PM", "12.05pm". A date-time in a data table cell
// ("12/12/2018 11:14" in a file list) is generated data, not prose.
func chkTimeFormat(e *Engine, p *page, em *emitter) {
	msg := "Write times as 5:30pm, and ranges as \"10am to 11am\""
	dateTime := func(s string, m []int) bool {
		return em.block != nil && em.block.cell != nil && e.rx.dateBefore.MatchString(s[max(0, m[0]-32):m[0]])
	}
	textRule(p, em, e.rx.time24, SevInfo, func(s string, m []int) (bool, string) {
		rest := strings.ToLower(strings.TrimLeft(s[m[1]:], " "))
		if strings.HasPrefix(rest, "am") || strings.HasPrefix(rest, "pm") || strings.HasPrefix(rest, "a.m") || strings.HasPrefix(rest, "p.m") || strings.HasPrefix(rest, "hrs") || strings.HasPrefix(rest, "hours") {
			return false, "" // am/pm times are judged below; "hrs" caught below
		}
		if b := runeBefore(s, m[0]); b == ':' || b == '.' || unicode.IsDigit(b) {
			return false, ""
		}
		if a := runeAfter(s, m[1]); a == ':' || a == '.' && unicode.IsDigit(runeAfter(s, m[1]+1)) {
			return false, "" // 12:30:45 or version numbers
		}
		if dateTime(s, m) {
			return false, ""
		}
		return true, msg
	})
	textRule(p, em, e.rx.timeHrs, SevInfo, func(s string, m []int) (bool, string) {
		return !dateTime(s, m), msg
	})
	textRule(p, em, e.rx.timeRange, SevInfo, always(msg))
	textRule(p, em, e.rx.timeAmPm, SevInfo, func(s string, m []int) (bool, string) {
		t := s[m[0]:m[1]]
		if b := runeBefore(s, m[0]); b == ':' || b == '.' || b == '/' || unicode.IsDigit(b) {
			return false, ""
		}
		for _, r := range e.rx.timeRange.FindAllStringIndex(s, -1) {
			if r[0] <= m[0] && m[1] <= r[1] {
				return false, "" // the range is reported once, above
			}
		}
		if dateTime(s, m) {
			return false, ""
		}
		sep := strings.IndexAny(t, ":.")
		switch {
		case t[0] == '0':
			return true, "Write times without a leading zero: 7:46pm, not " + t
		case strings.ContainsAny(t, "AP") || strings.Contains(strings.ToLower(t), "m."):
			return true, "Write times as 5:30pm (am and pm in lower case, without full stops), not " + t
		case t[sep] == '.':
			return true, "Write times with a colon: 12:05pm, not " + t
		}
		return false, ""
	})
	textRule(p, em, e.rx.dayRange, SevInfo, always("Write day ranges with \"to\": Monday to Friday"))
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

// chkYearRange: LGD 1.7 "For financial years ... write 2012/13 not
// 2012-13, 2012-3, 2012/3 or 2012-2013", and "Tax year 2012 to 2013". A
// one-year span is always such a year. A longer span is a period ("for
// the 2017-2032 period"), except in the formal title of a plan or document
// ("Local Plan 2011-2031", "SHLAA (2018-2036)") or a linked title: a
// proper name, not the page's wording.
func chkYearRange(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.yearRange, SevInfo, func(s string, m []int) (bool, string) {
		if !yearRangeAt(s, m) {
			return false, ""
		}
		if head := strings.ToLower(s[max(0, m[0]-60):m[0]]); strings.Contains(head, "copyright") || strings.Contains(head, "©") || strings.Contains(head, "database right") {
			return false, "" // a copyright notice ("© Crown copyright and database right 2017-2019") is a legal formula
		}
		y1, _ := strconv.Atoi(s[m[2]:m[3]])
		y2s := s[m[4]:m[5]]
		y2, _ := strconv.Atoi(y2s)
		if len(y2s) == 4 && y2 > y1+1 {
			if p.inLinkText(em.block, m[0], m[1]) {
				return false, "" // a linked document's title
			}
			head := strings.TrimRight(s[:m[0]], " ,(–-")
			if documentTitleWord(wordBefore(head, len(head))) {
				return false, "" // "Local Plan 2011-2031", "SHLAA (2018-2036)"
			}
		}
		return true, "Write financial and school years as 2012/13, and ranges as \"2012 to 2013\""
	})
}

// chkNumberRange: LGD 1.11 "Use '200 to 400' and not '200-400'" in
// prose. Not ranges: dates ("12-2019", "24 - 12 - 2019", judged by the
// date rules), codes and telephone numbers, street numbers in an address
// ("112-118 Rose Avenue", "51-53 and 55 High Street"), and the cells of
// data tables.
func chkNumberRange(e *Engine, p *page, em *emitter) {
	em.skipCells = true
	textRule(p, em, e.rx.numRange, SevInfo, func(s string, m []int) (bool, string) {
		if b := runeBefore(s, m[0]); unicode.IsLetter(b) || unicode.IsDigit(b) || b == '-' || b == '/' || b == '.' || b == ':' || b == '+' || b == '(' {
			return false, "" // codes (A1-2), dates, phone numbers
		}
		if a := runeAfter(s, m[1]); unicode.IsLetter(a) || a == '-' || a == '/' || a == '.' && unicode.IsDigit(runeAfter(s, m[1]+1)) || a == ':' {
			return false, "" // 10-11am (time rule), 2019-12-30, units
		}
		if dashNumberAt(s, m[1]) || dashNumberBefore(s, m[0]) {
			return false, "" // "24 - 12 - 2019": a date
		}
		if w := wordAfter(s, m[1]); w != "" && isCapWord(w) {
			return false, "" // addresses: "14-20 High Street"
		}
		if streetAhead(s, m[1]) {
			return false, "" // "112-118 and 155-161 Rose Avenue"
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
		if n1, err := strconv.Atoi(parts[0]); err == nil && n1 >= 1 && n1 <= 12 {
			if y, err := strconv.Atoi(parts[1]); err == nil && (len(parts[1]) == 4 && y >= 1900 && y <= 2100) {
				return false, "" // "12-2019": a month and year
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

// smallNumberUnits follow a number that is a measure or a count shown by
// the page's machinery, not a number in prose.
var smallNumberUnits = map[string]bool{"per": true, "percent": true, "pence": true, "p": true, "kg": true, "km": true, "m": true, "mm": true,
	"cm": true, "mph": true, "ha": true, "hectares": true, "hectare": true, "acres": true, "acre": true, "sqm": true, "sq": true, "m2": true,
	"miles": true, "mile": true, "metres": true, "metre": true, "meters": true, "tonnes": true, "litres": true, "kb": true, "mb": true,
	"gb": true, "bytes": true, "page": true, "pages": true, "votes": true, "vote": true, "ratings": true, "stars": true, "star": true}

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

// chkSmallNumbers: LGD 1.11 "Numbers up to and including ten are written
// in full (three, five, nine)" - in prose. Not prose: data table cells,
// quoted text, short labels and field values ("Retention period: 1 year",
// "2 items"), file details ("PDF, 1 page", "4 kB"), ratings ("3 (2
// votes)"), reference numbers ("Part 1", "site number: 1"), list
// numbering, dates, times, money and measurements.
func chkSmallNumbers(e *Engine, p *page, em *emitter) {
	em.skipCells = true
	textRule(p, em, e.rx.smallNum, SevInfo, func(s string, m []int) (bool, string) {
		if em.block != nil && countWords(em.block.text) <= 3 {
			return false, "" // a label or a value, not a sentence
		}
		if head := strings.TrimRight(s[:m[0]], " "); strings.HasSuffix(head, ":") {
			if lw := strings.ToLower(wordBefore(head, len(head)-1)); smallNumberWords[lw] || countWords(s) <= 12 || lw == "id" || lw == "size" || lw == "pages" {
				return false, "" // "Site number: 1": a field and its value
			}
		}
		if e.rx.ratingAfter.MatchString(s[m[1]:]) {
			return false, "" // "3 (2 votes)"
		}
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
		if smallNumberUnits[nl] || nl == "or" && unicode.IsDigit(runeAfter(s, m[1]+4)) {
			return false, "" // measures, file details, counts shown by a list or a rating
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

// chkItalics: LGD golden rules "never use italics or underlining", in body
// text. Not text: an icon-font glyph (<i class="fa ...">), an element that
// shows no letter or digit (a full stop, an empty caption placeholder),
// text for screen readers only; underlining on or inside a link is the
// link's own; italics for a quotation keep the source's wording.
func chkItalics(e *Engine, p *page, em *emitter) {
	for _, el := range p.styled {
		if !p.inMain(el.zone) || el.cls&cIcon != 0 || el.tag == "u" && el.linked || el.zone&zQuote != 0 || quotedText(el.text) {
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
	for bi := range p.mainBlocks {
		b := &p.mainBlocks[bi]
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

// chkTextBlocks: LGD golden rule 2 "Big blocks of text are difficult to
// read". A paragraph as the reader sees it (two line breaks end one) of
// over 100 words of the page's own wording: quoted text (a blockquote, a
// quoted legal definition) is the source's.
func chkTextBlocks(e *Engine, p *page, em *emitter) {
	for bi := range p.mainBlocks {
		b := &p.mainBlocks[bi]
		if b.tag != "p" && b.tag != "div" && b.tag != "blockquote" && b.tag != "li" && b.tag != "dd" && b.tag != "td" || b.zone&zQuote != 0 {
			continue
		}
		n := b.words()
		if n <= e.m.Thresholds.ParagraphMaxWords {
			continue
		}
		if own := n - b.quotedWords(); own > e.m.Thresholds.ParagraphMaxWords {
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

// chkCompass: LGD 1.10 "Compass directions are all in lowercase ... The
// only exception is where these are part of a particular name, such as
// North Yorkshire, East Croydon, the West Midlands" - and the English
// regions ("the North East of England").
func chkCompass(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.compass, SevInfo, func(s string, m []int) (bool, string) {
		if sentenceStart(s, m[0]) {
			return false, ""
		}
		if w := wordAfter(s, m[1]); w != "" && isCapWord(w) {
			return false, "" // North Yorkshire, West Midlands
		}
		if rest := s[m[1]:]; strings.HasPrefix(rest, " of England") || strings.HasPrefix(rest, " England") {
			return false, "" // an English region: "the North East of England"
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

// noDestination reports whether an href leads nowhere: empty, "#" or
// javascript: (a script control, not a link).
func noDestination(href string) bool {
	h := strings.TrimSpace(href)
	return h == "" || h == "#" || len(h) >= 11 && strings.EqualFold(h[:11], "javascript:")
}

// proseLinks marks the links that sit inside sentences of the main content:
// in a paragraph or list item (not a heading or table cell) whose text has
// at least four words beyond its links, and whose words are mostly not link
// text (a list of links is navigation, not prose).
func (p *page) proseLinks() []bool {
	if p.prose != nil {
		return p.prose // worked out once per page
	}
	linkWords := make([]int, len(p.blocks))
	for i := range p.links {
		if l := &p.links[i]; l.blockAt >= 0 && l.blockAt < len(p.blocks) && p.blocks[l.blockAt].node == l.blockNode {
			linkWords[l.blockAt] += l.words()
		}
	}
	out := make([]bool, len(p.links))
	for i := range p.links {
		l := &p.links[i]
		if l.hidden || l.control || l.widget != "" || !p.inMain(l.zone) || l.abs == "" || l.text == "" || noDestination(l.href) || strings.HasPrefix(strings.TrimSpace(l.href), "#") {
			continue
		}
		if l.blockAt < 0 || l.blockAt >= len(p.blocks) {
			continue
		}
		b := &p.blocks[l.blockAt]
		if b.node != l.blockNode || b.cell != nil || b.tag == "th" || b.tag == "td" || len(b.tag) == 2 && b.tag[0] == 'h' {
			continue
		}
		words, lw := b.words(), linkWords[l.blockAt]
		if words-lw >= 4 && 2*lw <= words {
			out[i] = true
		}
	}
	p.prose = out
	return out
}

// inURLToken reports whether position i of s is inside a web address (a run
// of text without spaces holding "://", "www." or a query "?...=").
func inURLToken(s string, i int) bool {
	lo := strings.LastIndexAny(s[:i], " \t\n") + 1
	hi := strings.IndexAny(s[i:], " \t\n")
	if hi < 0 {
		hi = len(s)
	} else {
		hi += i
	}
	tok := s[lo:hi]
	return strings.Contains(tok, "://") || strings.Contains(tok, "www.") || strings.Contains(tok, "?") && strings.Contains(tok, "=") || strings.Contains(tok, ".aspx") || strings.Contains(tok, ".do?")
}

// capsAround is the run of capitalised words either side of s[i:j] ("Redcar
// & Cleveland" for the & of "for Redcar & Cleveland has"), or "".
func capsAround(s string, i, j int) string {
	lo := i
	for {
		w := wordBefore(s, lo)
		if w == "" || !isCapWord(w) {
			break
		}
		lo = strings.LastIndex(s[:lo], w)
	}
	hi := j
	for {
		w := wordAfter(s, hi)
		if w == "" || !isCapWord(w) {
			break
		}
		hi = strings.Index(s[hi:], w) + hi + len(w)
	}
	if lo == i || hi == j {
		return ""
	}
	return collapse(s[lo:hi])
}

// lettersOf keeps the ASCII letters of s, lower-cased.

func lettersOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c >= 'a' && c <= 'z' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// hostLabelLetters is the letters of the first label of a host that names
// the organisation ("redcarcleveland" for redcar-cleveland.gov.uk).
func hostLabelLetters(h string) string {
	if i := strings.IndexByte(h, '.'); i > 0 {
		h = h[:i]
	}
	if l := lettersOf(h); len(l) >= 4 {
		return l
	}
	return ""
}

// documentTitleWord reports whether w ends the name of a plan or document
// that is followed by its period ("Local Plan 2011-2031").
func documentTitleWord(w string) bool {
	switch strings.ToLower(w) {
	case "plan", "plans", "strategy", "scheme", "framework", "programme", "program", "assessment", "study", "review",
		"policy", "policies", "statement", "shlaa", "shelaa", "helaa", "slaa", "elr", "sfra", "survey", "report", "document":
		return true
	}
	return false
}

// inLinkText reports whether b.text[i:j] is inside the text of a link.

func (p *page) inLinkText(b *textBlock, i, j int) bool {
	if b == nil {
		return false
	}
	for li := range p.links {
		l := &p.links[li]
		if l.blockNode != b.node || l.text == "" || len(l.text) < j-i {
			continue
		}
		for k := 0; k <= len(b.text)-len(l.text); {
			x := strings.Index(b.text[k:], l.text)
			if x < 0 {
				break
			}
			x += k
			if x <= i && j <= x+len(l.text) {
				return true
			}
			k = x + 1
		}
	}
	return false
}

// dashNumberAt reports whether s[j:] starts with a dash and a number
// (optionally spaced): the match is part of a longer dashed string.
func dashNumberAt(s string, j int) bool {
	r := strings.TrimLeft(s[j:], " ")
	for _, d := range []string{"-", "–", "—"} {
		if strings.HasPrefix(r, d) {
			r = strings.TrimLeft(r[len(d):], " ")
			return r != "" && r[0] >= '0' && r[0] <= '9'
		}
	}
	return false
}

// dashNumberBefore is dashNumberAt looking back from i.

func dashNumberBefore(s string, i int) bool {
	l := strings.TrimRight(s[:i], " ")
	for _, d := range []string{"-", "–", "—"} {
		if strings.HasSuffix(l, d) {
			l = strings.TrimRight(l[:len(l)-len(d)], " ")
			return l != "" && l[len(l)-1] >= '0' && l[len(l)-1] <= '9'
		}
	}
	return false
}

var streetWords = map[string]bool{"road": true, "street": true, "avenue": true, "lane": true, "drive": true, "close": true, "way": true,
	"place": true, "court": true, "terrace": true, "hill": true, "gardens": true, "crescent": true, "grove": true, "square": true, "row": true,
	"walk": true, "mews": true, "parade": true, "rise": true, "yard": true, "wharf": true, "quay": true, "buildings": true, "cottages": true,
	"rd": true, "st": true, "ave": true}

// streetAhead reports whether a capitalised street word ("Road", "Avenue")
// comes within the next five words: the numbers are house numbers.
func streetAhead(s string, j int) bool {
	rest := s[j:]
	if len(rest) > 80 {
		rest = rest[:80]
	}
	ws := strings.FieldsFunc(rest, func(r rune) bool { return !(unicode.IsLetter(r) || unicode.IsDigit(r)) })
	for k, w := range ws {
		if k >= 6 {
			break
		}
		if isCapWord(w) && streetWords[strings.ToLower(w)] {
			return true
		}
	}
	return false
}

// quotedText reports whether s is a quotation in quotation marks.
func quotedText(s string) bool {
	s = strings.TrimRight(s, " .,;:")
	if len(s) < 2 {
		return false
	}
	f, _ := utf8.DecodeRuneInString(s)
	l, _ := utf8.DecodeLastRuneInString(s)
	return (f == '"' || f == '“' || f == '‘') && (l == '"' || l == '”' || l == '’')
}

// firstSentence is s up to its first full stop, question or exclamation
// mark, or all of it.
func firstSentence(s string) string {
	if i := strings.IndexAny(s, ".?!"); i >= 0 {
		return s[:i]
	}
	return s
}
