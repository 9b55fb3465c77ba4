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
)

func blockFlags(s string) uint16 {
	var f uint16
	prevUpper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			f |= fDigit
			if digitDashAt(s, i+1) {
				f |= fDigitDash
			}
			if i+2 < len(s) && s[i+1] == ':' && s[i+2] >= '0' && s[i+2] <= '9' {
				f |= fColonTime
			}
			if i+2 < len(s) {
				switch s[i+1 : i+3] {
				case "st", "nd", "rd", "th":
					f |= fOrdinal
				}
			}
		case c == '&':
			f |= fAmp
		case c == '@':
			f |= fAt
		case c == '.':
			// "e.g." or "B.B.C.": letter, dot, letter, dot
			if i >= 1 && i+2 < len(s) && isASCIILetter(s[i-1]) && isASCIILetter(s[i+1]) && s[i+2] == '.' {
				f |= fAbbrev
			}
			if i >= 2 && (strings.EqualFold(s[i-2:i], "eg") || strings.EqualFold(s[i-2:i], "ie")) {
				f |= fAbbrev
			}
		case c == 0xC2 && i+1 < len(s) && s[i+1] == 0xA3: // £ in UTF-8
			f |= fPound
		case c == '"' || c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0x9C || s[i+2] == 0x98): // " “ ‘
			f |= fQuote
		}
		up := c >= 'A' && c <= 'Z'
		if up && prevUpper {
			f |= fUpper2
		}
		prevUpper = up
	}
	return f
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
		w := strings.ToLower(s[sp[0]:sp[1]])
		for _, f := range e.avoidIndex[w] {
			end := sp[1]
			ok := true
			for k := 1; k < len(f); k++ {
				if i+k >= len(spans) || !onlySpace(s[spans[i+k-1][1]:spans[i+k][0]]) || strings.ToLower(s[spans[i+k][0]:spans[i+k][1]]) != f[k] {
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

var beForms = map[string]bool{"am": true, "is": true, "are": true, "was": true, "were": true, "be": true, "been": true, "being": true}

var irregularParticiples = map[string]bool{"known": true, "made": true, "taken": true, "given": true, "shown": true, "seen": true, "done": true, "written": true, "held": true, "sent": true, "built": true, "paid": true, "found": true, "kept": true, "told": true, "brought": true, "bought": true, "chosen": true, "drawn": true, "driven": true, "forgotten": true, "hidden": true, "lost": true, "meant": true, "sold": true, "spent": true, "spoken": true, "stolen": true, "thought": true, "understood": true, "won": true, "begun": true, "broken": true, "grown": true, "thrown": true, "laid": true, "led": true, "sought": true, "taught": true, "put": true, "set": true}

// passiveMatches finds "be + past participle" as index quadruples (whole
// match, then the participle).
func passiveMatches(s string, spans [][2]int) [][]int {
	var out [][]int
	for i := 0; i+1 < len(spans); i++ {
		if !beForms[strings.ToLower(s[spans[i][0]:spans[i][1]])] {
			continue
		}
		j := i + 1
		if w := strings.ToLower(s[spans[j][0]:spans[j][1]]); strings.HasSuffix(w, "ly") && j+1 < len(spans) && onlySpace(s[spans[i][1]:spans[j][0]]) {
			j++
		}
		if !onlySpace(s[spans[j-1][1]:spans[j][0]]) || !onlySpace(s[spans[i][1]:spans[i+1][0]]) {
			continue
		}
		w := strings.ToLower(s[spans[j][0]:spans[j][1]])
		if strings.HasSuffix(w, "ed") || irregularParticiples[w] {
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
