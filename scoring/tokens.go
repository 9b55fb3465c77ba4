package scoring

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// block flags, computed once per block, let text rules skip blocks that
// cannot match (most rules need a digit, a capital pair, £ or &).
const (
	fDigit = 1 << iota
	fUpper2
	fPound
	fAmp
	fAt
	fOrdinal
	fAbbrev
	fDigitDash // a digit, a dash and a digit ("200-400", "2012–13")
	fColonTime // a digit, a colon and a digit
	fQuote     // a quotation mark (" “ ‘)
	fDash      // a hyphen, an en dash or an em dash
	fAmPm      // "am" or "pm" (any case) ending a word, right after a digit or a digit and a space ("10am", "5 PM")
	fClockAmPm // a clock time and, after a space at most, an a or a p ("5.30pm", "10:45 a.m.")
	fPercent   // %
	fLink      // "link" in any case
	fRelated   // "related" in any case
	fHand      // "hand" in any case
	fEPrefix   // an e or E before a hyphen or a capital, or "mail": a candidate for lgd-e-prefix
	fSlash     // /
	fDigitP    // a digit followed by "p" ("4p")
	fDigitSep  // a digit, a / . or - and a digit ("1/2", "2.5")
	fCapRun    // a capital followed by a capital, ' or ’
	fCouncil   // "ouncil"
	fTel       // "Tel", "tel", "TEL", "Mob", "mob" or "MOB"
	fCompass   // "North", "South", "East" or "West"
	fDay       // "day"
	fHr        // "hr" or "hour"
	fOrm       // "orm"
	fAuthorit  // "Authorit"
	fMonth     // the start of a month name: "Jan", "Feb", ... "Dec"
)

// blockFacts reads, in one pass, the facts about a block's text that the
// text rules' prefilters test, and counts its words (countWords).
func blockFacts(s string) (f uint32, words int) {
	prevUpper, in := false, false
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				if !in {
					words++
				}
				in = true
			} else if r != '’' {
				in = false
			}
			prevUpper = false
			switch {
			case c == 0xC2:
				if i+1 < len(s) && s[i+1] == 0xA3 { // £ in UTF-8
					f |= fPound
				}
			case c == 0xE2:
				if i+2 < len(s) && s[i+1] == 0x80 {
					switch s[i+2] {
					case 0x9C, 0x98: // “ ‘
						f |= fQuote
					case 0x93, 0x94: // – —
						f |= fDash
					}
				}
			}
			i += size
			continue
		}
		k := asciiKind[c]
		switch k & akWord {
		case akAlnum:
			if !in {
				words++
			}
			in = true
		case 0:
			in = false
		}
		up := k&akUpper != 0
		if up {
			if prevUpper {
				f |= fUpper2
			}
			if i+1 < len(s) && (isUpperByte(s[i+1]) || s[i+1] == '\'') || strings.HasPrefix(s[i+1:], "’") {
				f |= fCapRun
			}
		}
		prevUpper = up
		if k>>akShift == bkNone {
			i++
			continue
		}
		// what may start here: the letters after s[i] (up to seven; "" past
		// the end) decide
		next := s[i+1 : min(i+8, len(s))]
		switch k >> akShift {
		case bkDigit:
			f |= fDigit
			if f&fClockAmPm == 0 && clockAmPmAt(s, i) {
				f |= fClockAmPm
			}
			if digitDashAt(s, i+1) {
				f |= fDigitDash
			}
			if len(next) >= 2 {
				switch next[0] {
				case ':':
					if isDigitByte(next[1]) {
						f |= fColonTime
					}
				case '/', '.', '-':
					if isDigitByte(next[1]) {
						f |= fDigitSep
					}
				}
				switch next[:2] {
				case "st", "nd", "rd", "th":
					f |= fOrdinal
				}
			}
			if len(next) >= 1 && next[0] == 'p' {
				f |= fDigitP
			}
		case bkAmp:
			f |= fAmp
		case bkDash:
			f |= fDash
		case bkPercent:
			f |= fPercent
		case bkAt:
			f |= fAt
		case bkQuote:
			f |= fQuote
		case bkSlash:
			f |= fSlash
		case bkDot:
			// "e.g." or "B.B.C.": letter, dot, letter, dot
			if i >= 1 && i+2 < len(s) && isASCIILetter(s[i-1]) && isASCIILetter(s[i+1]) && s[i+2] == '.' {
				f |= fAbbrev
			}
			if i >= 2 && (strings.EqualFold(s[i-2:i], "eg") || strings.EqualFold(s[i-2:i], "ie")) {
				f |= fAbbrev
			}
		case bkAP:
			if i+1 < len(s) && s[i+1]|0x20 == 'm' && (i+2 == len(s) || !isWordByte(s[i+2])) &&
				(i >= 1 && isDigitByte(s[i-1]) || i >= 2 && isSpaceByte(s[i-1]) && isDigitByte(s[i-2])) {
				f |= fAmPm
			}
			if c == 'A' {
				switch {
				case strings.HasPrefix(next, "pr") || strings.HasPrefix(next, "ug"):
					f |= fMonth
				case strings.HasPrefix(next, "uthorit"):
					f |= fAuthorit
				}
			}
		case bkE:
			if i+1 < len(s) && (s[i+1] == '-' || 'A' <= s[i+1] && s[i+1] <= 'Z') {
				f |= fEPrefix
			}
			if c == 'E' && strings.HasPrefix(next, "ast") {
				f |= fCompass
			}
		case bkM:
			switch {
			case strings.HasPrefix(next, "ail"):
				f |= fEPrefix
			case strings.HasPrefix(next, "ob") || c == 'M' && strings.HasPrefix(next, "OB"):
				f |= fTel
			case c == 'M' && (strings.HasPrefix(next, "ar") || strings.HasPrefix(next, "ay")):
				f |= fMonth
			}
		case bkL:
			// the second letter first: only it can match (EqualFold of
			// four bytes and an ASCII word is ASCII folding)
			if i+4 <= len(s) && s[i+1]|0x20 == 'i' && strings.EqualFold(s[i:i+4], "link") {
				f |= fLink
			}
		case bkR:
			if i+7 <= len(s) && s[i+1]|0x20 == 'e' && strings.EqualFold(s[i:i+7], "related") {
				f |= fRelated
			}
		case bkH:
			if i+4 <= len(s) && s[i+1]|0x20 == 'a' && strings.EqualFold(s[i:i+4], "hand") {
				f |= fHand
			}
			if c == 'h' && (strings.HasPrefix(next, "r") || strings.HasPrefix(next, "our")) {
				f |= fHr
			}
		case bkT:
			if strings.HasPrefix(next, "el") || c == 'T' && strings.HasPrefix(next, "EL") {
				f |= fTel
			}
		case bkO:
			switch {
			case c == 'o' && strings.HasPrefix(next, "uncil"):
				f |= fCouncil
			case c == 'o' && strings.HasPrefix(next, "rm"):
				f |= fOrm
			case c == 'O' && strings.HasPrefix(next, "ct"):
				f |= fMonth
			}
		case bkD:
			switch {
			case c == 'd' && strings.HasPrefix(next, "ay"):
				f |= fDay
			case c == 'D' && strings.HasPrefix(next, "ec"):
				f |= fMonth
			}
		case bkNSWJF:
			switch c {
			case 'N':
				if strings.HasPrefix(next, "orth") {
					f |= fCompass
				} else if strings.HasPrefix(next, "ov") {
					f |= fMonth
				}
			case 'S':
				if strings.HasPrefix(next, "outh") {
					f |= fCompass
				} else if strings.HasPrefix(next, "ep") {
					f |= fMonth
				}
			case 'W':
				if strings.HasPrefix(next, "est") {
					f |= fCompass
				}
			case 'J':
				if strings.HasPrefix(next, "an") || strings.HasPrefix(next, "un") || strings.HasPrefix(next, "ul") {
					f |= fMonth
				}
			case 'F':
				if strings.HasPrefix(next, "eb") {
					f |= fMonth
				}
			}
		}
		i++
	}
	return f, words
}

func isUpperByte(c byte) bool { return 'A' <= c && c <= 'Z' }

// byte kinds for blockFacts: what a byte may start (a digit, a dash...,
// or a word some flag looks for)
const (
	bkNone = iota
	bkDigit
	bkAmp
	bkDash
	bkPercent
	bkAt
	bkQuote
	bkSlash
	bkDot
	bkAP    // a, p (either case): am, pm; A: April, August, Authority
	bkE     // e; E: East
	bkM     // m: mail, mob; M: Mob, MOB, March, May
	bkL     // l: link
	bkR     // r: related
	bkH     // h: hand, hr, hour
	bkT     // t, T: tel, Tel, TEL
	bkO     // o: ouncil, orm; O: October
	bkD     // d: day; D: December
	bkNSWJF // N, S, W: North, South, West; N, S, J, F: months
)

// asciiKind is, per ASCII byte, its word class (akWord bits: as
// asciiClass), whether it is a capital (akUpper) and its byte kind (the
// bits from akShift up).
const (
	akWord  = 3
	akAlnum = 1
	akUpper = 4
	akShift = 3
)

var asciiKind = func() (t [utf8.RuneSelf]uint8) {
	kinds := map[byte]uint8{'&': bkAmp, '-': bkDash, '%': bkPercent, '@': bkAt, '"': bkQuote, '/': bkSlash, '.': bkDot,
		'a': bkAP, 'A': bkAP, 'p': bkAP, 'P': bkAP, 'e': bkE, 'E': bkE, 'm': bkM, 'M': bkM, 'l': bkL, 'L': bkL, 'r': bkR, 'R': bkR,
		'h': bkH, 'H': bkH, 't': bkT, 'T': bkT, 'o': bkO, 'O': bkO, 'd': bkD, 'D': bkD, 'N': bkNSWJF, 'S': bkNSWJF, 'W': bkNSWJF,
		'J': bkNSWJF, 'F': bkNSWJF}
	for c := 0; c < utf8.RuneSelf; c++ {
		t[c] = asciiClass[c]
		if isUpperByte(byte(c)) {
			t[c] |= akUpper
		}
		k := kinds[byte(c)]
		if isDigitByte(byte(c)) {
			k = bkDigit
		}
		t[c] |= k << akShift
	}
	return
}()

func isDigitByte(c byte) bool { return '0' <= c && c <= '9' }

// clockAmPmAt reports whether s[i:] is a clock time ("5.30", "10:45") and,
// after one white space at most, an a or a p.
func clockAmPmAt(s string, i int) bool {
	if i+4 >= len(s) || s[i+1] != ':' && s[i+1] != '.' || s[i+2] < '0' || s[i+2] > '5' || !isDigitByte(s[i+3]) {
		return false
	}
	j := i + 4
	if isSpaceByte(s[j]) {
		j++
	}
	return j < len(s) && (s[j]|0x20 == 'a' || s[j]|0x20 == 'p')
}

// digitDashAt reports whether s[i:] is an optional space, a dash (-, – or
// —), an optional space, an optional £ or am/pm, and a digit.
func digitDashAt(s string, i int) bool {
	if i < len(s) && s[i] == ' ' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '-':
		i++
	case i+2 < len(s) && s[i] == 0xE2 && s[i+1] == 0x80 && (s[i+2] == 0x93 || s[i+2] == 0x94):
		i += 3
	default:
		return false
	}
	if i < len(s) && s[i] == ' ' {
		i++
	}
	if i+1 < len(s) && s[i] == 0xC2 && s[i+1] == 0xA3 {
		i += 2
	}
	return i < len(s) && s[i] >= '0' && s[i] <= '9'
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// wordSpans returns the byte spans of the words of s (letters and digits,
// with inner apostrophes and hyphens).
func wordSpans(s string) [][2]int {
	out := make([][2]int, 0, len(s)/6+1) // about one word per six bytes of prose
	start := -1
	for i, r := range s {
		var in bool
		if r < utf8.RuneSelf { // ASCII, inline
			in = 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
		} else {
			in = unicode.IsLetter(r) || unicode.IsDigit(r)
		}
		if !in && start >= 0 && (r == '-' || r == '\'' || r == '’') {
			// keep inner hyphens and apostrophes when a letter follows
			if j := i + utf8.RuneLen(r); j < len(s) {
				n, _ := utf8.DecodeRuneInString(s[j:])
				if unicode.IsLetter(n) {
					continue
				}
			}
		}
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			out = append(out, [2]int{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(s)})
	}
	return out
}

func onlySpace(s string) bool { return strings.TrimSpace(s) == "" }

// avoidMatches finds words-to-avoid forms in s, as regexp-style index pairs.
func (e *Engine) avoidMatches(s string, spans [][2]int) [][]int {
	var out [][]int
	for i, sp := range spans {
		if !e.avoidBits.may(s[sp[0]:sp[1]]) {
			continue
		}
		fs, _ := lowerLookup(e.avoidIndex, s[sp[0]:sp[1]])
		for _, f := range fs {
			end := sp[1]
			ok := true
			for k := 1; k < len(f); k++ {
				if i+k >= len(spans) || !onlySpace(s[spans[i+k-1][1]:spans[i+k][0]]) || !lowerEquals(s[spans[i+k][0]:spans[i+k][1]], f[k]) {
					ok = false
					break
				}
				end = spans[i+k][1]
			}
			if ok {
				out = append(out, []int{sp[0], end})
				break
			}
		}
	}
	return out
}

// wordBits is a quick filter of a set of lower-case words: by length, first
// and last letter. may is false only for a word that cannot be in the set.
type wordBits struct {
	bits  [16][26]uint32
	other bool // the set has a word this filter cannot describe
}

func (b *wordBits) add(w string) {
	if len(w) >= 16 || len(w) == 0 || w[0] < 'a' || w[0] > 'z' || w[len(w)-1] < 'a' || w[len(w)-1] > 'z' {
		b.other = true
		return
	}
	b.bits[len(w)][w[0]-'a'] |= 1 << (w[len(w)-1] - 'a')
}

func (b *wordBits) may(w string) bool {
	if b.other || len(w) == 0 {
		return true
	}
	for k := 0; k < len(w); k++ {
		if w[k] >= utf8.RuneSelf {
			return true // lower-casing may change it: look it up
		}
	}
	if len(w) >= 16 {
		return false
	}
	f, l := lowerByte(w[0]), lowerByte(w[len(w)-1])
	if f < 'a' || f > 'z' || l < 'a' || l > 'z' {
		return false
	}
	return b.bits[len(w)][f-'a']&(1<<(l-'a')) != 0
}

// lowerLookup looks w up in m as strings.ToLower(w), without allocating
// for ASCII words of up to 32 bytes.
func lowerLookup[V any](m map[string]V, w string) (V, bool) {
	if len(w) > 32 {
		v, ok := m[strings.ToLower(w)]
		return v, ok
	}
	var buf [32]byte
	for k := 0; k < len(w); k++ {
		c := w[k]
		if c >= utf8.RuneSelf {
			v, ok := m[strings.ToLower(w)]
			return v, ok
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[k] = c
	}
	v, ok := m[string(buf[:len(w)])]
	return v, ok
}

// lowerEquals reports whether strings.ToLower(w) == lower.
func lowerEquals(w, lower string) bool {
	if len(w) != len(lower) {
		return strings.ToLower(w) == lower // only non-ASCII lower-casing changes the length
	}
	for k := 0; k < len(w); k++ {
		c := w[k]
		if c >= utf8.RuneSelf {
			return strings.ToLower(w) == lower
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[k] {
			return false
		}
	}
	return true
}

// lowerSuffix reports whether strings.ToLower(w) ends in the ASCII suffix.
func lowerSuffix(w, suffix string) bool {
	if len(w) < len(suffix) {
		return false
	}
	for k := 0; k < len(w); k++ {
		if w[k] >= utf8.RuneSelf {
			return strings.HasSuffix(strings.ToLower(w), suffix)
		}
	}
	return strings.EqualFold(w[len(w)-len(suffix):], suffix)
}

var beForms = map[string]bool{"am": true, "is": true, "are": true, "was": true, "were": true, "be": true, "been": true, "being": true}

var irregularParticiples = map[string]bool{"known": true, "made": true, "taken": true, "given": true, "shown": true, "seen": true, "done": true, "written": true, "held": true, "sent": true, "built": true, "paid": true, "found": true, "kept": true, "told": true, "brought": true, "bought": true, "chosen": true, "drawn": true, "driven": true, "forgotten": true, "hidden": true, "lost": true, "meant": true, "sold": true, "spent": true, "spoken": true, "stolen": true, "thought": true, "understood": true, "won": true, "begun": true, "broken": true, "grown": true, "thrown": true, "laid": true, "led": true, "sought": true, "taught": true, "put": true, "set": true}

// passiveMatches finds "be + past participle" as index quadruples (whole
// match, then the participle).
func passiveMatches(s string, spans [][2]int) [][]int {
	var out [][]int
	for i := 0; i+1 < len(spans); i++ {
		if n := spans[i][1] - spans[i][0]; n < 2 || n > 5 {
			continue // the forms of "be" have 2 to 5 letters
		}
		if be, _ := lowerLookup(beForms, s[spans[i][0]:spans[i][1]]); !be {
			continue
		}
		j := i + 1
		if w := s[spans[j][0]:spans[j][1]]; lowerSuffix(w, "ly") && j+1 < len(spans) && onlySpace(s[spans[i][1]:spans[j][0]]) {
			j++
		}
		if !onlySpace(s[spans[j-1][1]:spans[j][0]]) || !onlySpace(s[spans[i][1]:spans[i+1][0]]) {
			continue
		}
		w := s[spans[j][0]:spans[j][1]]
		if irr, _ := lowerLookup(irregularParticiples, w); lowerSuffix(w, "ed") || irr {
			out = append(out, []int{spans[i][0], spans[j][1], spans[j][0], spans[j][1]})
		}
	}
	return out
}

// ePrefixMatches finds "eBusiness", "E-mail", "e mail" and "E-learning"
// style words.
func ePrefixMatches(s string, spans [][2]int) [][]int {
	var out [][]int
	for i, sp := range spans {
		w := s[sp[0]:sp[1]]
		switch {
		case len(w) >= 4 && (w[0] == 'e' || w[0] == 'E') && w[1] == '-':
			// "E-mail", "E-business"; "e-Business" (right only at the start
			// of a sentence: chkEPrefix decides)
			if strings.EqualFold(w[2:], "mail") || len(w) >= 5 && (w[0] == 'E' && w[2] >= 'a' && w[2] <= 'z' || w[0] == 'e' && w[2] >= 'A' && w[2] <= 'Z' && w[3] >= 'a' && w[3] <= 'z') {
				out = append(out, []int{sp[0], sp[1]})
			}
		case len(w) >= 4 && w[0] == 'e' && w[1] >= 'A' && w[1] <= 'Z' && w[2] >= 'a' && w[2] <= 'z':
			out = append(out, []int{sp[0], sp[1]})
		case (w == "e" || w == "E") && i+1 < len(spans) && strings.EqualFold(s[spans[i+1][0]:spans[i+1][1]], "mail") && onlySpace(s[sp[1]:spans[i+1][0]]):
			out = append(out, []int{sp[0], spans[i+1][1]})
		}
	}
	return out
}

// splitSentences calls fn with the span of each sentence of s: text up to
// . ! or ? (and closing quotes) followed by white space or the end, or up
// to a bullet (•) run into the text.
func splitSentences(s string, fn func(start, end int)) {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2] == 0xA2 { // •
			fn(start, i)
			start = i + 3
			i += 2
			continue
		}
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < len(s) && (s[j] == '.' || s[j] == '!' || s[j] == '?' || s[j] == '"' || s[j] == '\'' || s[j] == ')') {
			j++
		}
		if j < len(s) && s[j] != ' ' && s[j] != '\n' && s[j] != '\t' {
			i = j - 1
			continue
		}
		fn(start, j)
		start = j
		i = j - 1
	}
	if start < len(s) {
		fn(start, len(s))
	}
}

// smallNumberMatches finds the numbers 1 to 10 standing as words.
func smallNumberMatches(s string, spans [][2]int) [][]int {
	var out [][]int
	for _, sp := range spans {
		w := s[sp[0]:sp[1]]
		if len(w) == 1 && w[0] >= '1' && w[0] <= '9' || w == "10" {
			out = append(out, []int{sp[0], sp[1]})
		}
	}
	return out
}
