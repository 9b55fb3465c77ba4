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
	fNonASCII  // a byte that is not ASCII
	fDigitH    // a digit, at most one white space and an h in any case ("1730hrs", "10 Hours")
)

// blockFacts reads, in one pass, the facts about a block's text that the
// text rules' prefilters test, and counts its words (countWords). The pass
// looks closer only at digits, capitals, some punctuation, non-ASCII runes
// and the pairs of letters that start the words it looks for.
func blockFacts(s string) (f uint32, words int) {
	var in, prevUp uint8 // in a word; the byte before was a capital
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			f |= fNonASCII
			r, size := utf8.DecodeRuneInString(s[i:])
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				words += int(1 &^ in)
				in = 1
			} else if r != '’' {
				in = 0
			}
			prevUp = 0
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
		// words, without branches: a letter or digit starts one unless in
		// one, an apostrophe or hyphen keeps the state, the rest ends it
		alnum := asciiAlnum[c]
		words += int(alnum &^ in)
		in = alnum | asciiJoin[c]&in
		k := asciiKind[c]
		if k == bkNone {
			prevUp = 0
			if i+1 < len(s) && lowerPair[int(c)<<7|int(s[i+1]&0x7F)] {
				f |= lowerWordAt(s[i:])
			}
			i++
			continue
		}
		next := s[i+1:]
		switch k {
		case bkUpper:
			if prevUp != 0 {
				f |= fUpper2
			}
			if len(next) > 0 && (isUpperByte(next[0]) || next[0] == '\'') || strings.HasPrefix(next, "’") {
				f |= fCapRun
			}
			if i > 0 && s[i-1]|0x20 == 'e' {
				f |= fEPrefix // "eBusiness", "E-Mail"
			}
			f |= capitalWord(c, next)
			prevUp = 1
			i++
			continue
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
			if len(next) > 0 && next[0] == 'p' {
				f |= fDigitP
			}
			if len(next) > 0 && next[0]|0x20 == 'h' || len(next) > 1 && isSpaceByte(next[0]) && next[1]|0x20 == 'h' {
				f |= fDigitH
			}
			// "am" or "pm" ending a word right after the digit, or after
			// it and a space
			if amPmAt(next) || len(next) > 0 && isSpaceByte(next[0]) && amPmAt(next[1:]) {
				f |= fAmPm
			}
		case bkAmp:
			f |= fAmp
		case bkDash:
			f |= fDash
			if i > 0 && s[i-1]|0x20 == 'e' {
				f |= fEPrefix // "e-mail"
			}
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
		}
		prevUp = 0
		i++
	}
	return f, words
}

// amPmAt reports whether s starts with "am" or "pm" (any case) ending a
// word.
func amPmAt(s string) bool {
	return len(s) >= 2 && (s[0]|0x20 == 'a' || s[0]|0x20 == 'p') && s[1]|0x20 == 'm' && (len(s) == 2 || !isWordByte(s[2]))
}

// lowerPair marks the first two bytes (the second's low seven bits) of the
// words lowerWordAt looks for: the pass looks closer only there.
var lowerPair = func() (t [128 * 128]bool) {
	for _, w := range []string{"li", "lI", "re", "rE", "ha", "hA", "ma", "mo", "te", "ou", "or", "da", "hr", "ho"} {
		t[int(w[0])<<7|int(w[1])] = true
	}
	return
}()

// lowerWordAt returns the flags of the word starting with a lower-case
// letter at the start of s: link, related and hand (in any case), mail,
// mob, tel, ouncil, orm, day, hr and hour.
func lowerWordAt(s string) uint32 {
	has := strings.HasPrefix
	switch s[0] {
	case 'l':
		if len(s) >= 4 && strings.EqualFold(s[:4], "link") {
			return fLink
		}
	case 'r':
		if len(s) >= 7 && strings.EqualFold(s[:7], "related") {
			return fRelated
		}
	case 'h':
		switch {
		case len(s) >= 4 && strings.EqualFold(s[:4], "hand"):
			return fHand
		case has(s, "hr") || has(s, "hour"):
			return fHr
		}
	case 'm':
		switch {
		case has(s, "mail"):
			return fEPrefix
		case has(s, "mob"):
			return fTel
		}
	case 't':
		if has(s, "tel") {
			return fTel
		}
	case 'o':
		switch {
		case has(s, "ouncil"):
			return fCouncil
		case has(s, "orm"):
			return fOrm
		}
	case 'd':
		if has(s, "day") {
			return fDay
		}
	}
	return 0
}

// capitalWord returns the flags of the words starting with the capital c
// that next begins: Mail, Tel, TEL, Mob, MOB, the compass points, the
// months and Authorit.
func capitalWord(c byte, next string) uint32 {
	has := strings.HasPrefix
	switch c {
	case 'M':
		switch {
		case has(next, "ail"):
			return fEPrefix
		case has(next, "ob") || has(next, "OB"):
			return fTel
		case has(next, "ar") || has(next, "ay"):
			return fMonth
		}
	case 'T':
		if has(next, "el") || has(next, "EL") {
			return fTel
		}
	case 'N':
		if has(next, "orth") {
			return fCompass
		} else if has(next, "ov") {
			return fMonth
		}
	case 'S':
		if has(next, "outh") {
			return fCompass
		} else if has(next, "ep") {
			return fMonth
		}
	case 'E':
		if has(next, "ast") {
			return fCompass
		}
	case 'W':
		if has(next, "est") {
			return fCompass
		}
	case 'A':
		if has(next, "pr") || has(next, "ug") {
			return fMonth
		} else if has(next, "uthorit") {
			return fAuthorit
		}
	case 'J':
		if has(next, "an") || has(next, "un") || has(next, "ul") {
			return fMonth
		}
	case 'F':
		if has(next, "eb") {
			return fMonth
		}
	case 'O':
		if has(next, "ct") {
			return fMonth
		}
	case 'D':
		if has(next, "ec") {
			return fMonth
		}
	case 'L':
		if len(next) >= 3 && strings.EqualFold(next[:3], "ink") {
			return fLink
		}
	case 'R':
		if len(next) >= 6 && strings.EqualFold(next[:6], "elated") {
			return fRelated
		}
	case 'H':
		if len(next) >= 3 && strings.EqualFold(next[:3], "and") {
			return fHand
		}
	}
	return 0
}

func isUpperByte(c byte) bool { return 'A' <= c && c <= 'Z' }

// byte kinds for blockFacts: the bytes it looks closer at
const (
	bkNone = iota
	bkUpper
	bkDigit
	bkAmp
	bkDash
	bkPercent
	bkAt
	bkQuote
	bkSlash
	bkDot
)

// asciiKind is each ASCII byte's kind for blockFacts; asciiAlnum and
// asciiJoin its word class (asciiClass 1 and 2) as 0 or 1.
var asciiKind, asciiAlnum, asciiJoin = func() (kind, alnum, join [utf8.RuneSelf]uint8) {
	for c := 0; c < utf8.RuneSelf; c++ {
		switch asciiClass[c] {
		case 1:
			alnum[c] = 1
		case 2:
			join[c] = 1
		}
		switch {
		case isUpperByte(byte(c)):
			kind[c] = bkUpper
		case isDigitByte(byte(c)):
			kind[c] = bkDigit
		default:
			kind[c] = map[byte]uint8{'&': bkAmp, '-': bkDash, '%': bkPercent, '@': bkAt, '"': bkQuote, '/': bkSlash, '.': bkDot}[byte(c)]
		}
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
	for i := 0; i < len(s); {
		c, size := s[i], 1
		var in, joiner bool
		if c < utf8.RuneSelf { // ASCII, by table
			in, joiner = asciiAlnum[c] == 1, c == '-' || c == '\''
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			in, joiner = unicode.IsLetter(r) || unicode.IsDigit(r), r == '’'
		}
		switch {
		case in:
			if start < 0 {
				start = i
			}
		case start >= 0:
			// keep inner hyphens and apostrophes when a letter follows
			if joiner && letterAt(s, i+size) {
				break
			}
			out = append(out, [2]int{start, i})
			start = -1
		}
		i += size
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(s)})
	}
	return out
}

// letterAt reports whether a letter starts at s[j:].
func letterAt(s string, j int) bool {
	if j >= len(s) {
		return false
	}
	if c := s[j]; c < utf8.RuneSelf {
		return isASCIILetter(c)
	}
	r, _ := utf8.DecodeRuneInString(s[j:])
	return unicode.IsLetter(r)
}

func onlySpace(s string) bool { return strings.TrimSpace(s) == "" }

// avoidMatches finds words-to-avoid forms in s, as regexp-style index pairs.
// ascii says s is plain ASCII (the filter of the words then need not look
// for other bytes).
func (e *Engine) avoidMatches(s string, spans [][2]int, ascii bool) [][]int {
	var out [][]int
	for i, sp := range spans {
		if w := s[sp[0]:sp[1]]; ascii && !e.avoidBits.mayASCII(w) || !ascii && !e.avoidBits.may(w) {
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
	return b.mayASCII(w)
}

// mayASCII is may for a word known to be plain ASCII.
func (b *wordBits) mayASCII(w string) bool {
	if b.other || len(w) == 0 {
		return true
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
		switch c := s[spans[i][0]]; {
		case c >= utf8.RuneSelf:
		case lowerByte(c) != 'a' && lowerByte(c) != 'i' && lowerByte(c) != 'b' && lowerByte(c) != 'w':
			continue // no form of "be" starts so
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
