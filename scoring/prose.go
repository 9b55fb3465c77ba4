package scoring

import (
	"unicode"
	"unicode/utf8"
)

// What in the main content is the page's own prose. Quoted text (a
// blockquote, a q element, or words between quotation marks) is the
// source's wording: the writing rules do not judge it. Cells of data tables
// hold data, not prose: the rules about numbers, times and dates in running
// text do not judge them.

// quoted returns the spans of b's text between quotation marks: “...”,
// "...", and ‘...’ (an opening ‘ after a space or bracket, closed by a ’
// that is not an apostrophe inside a word). A mark left open quotes nothing.
func (b *textBlock) quoted() [][2]int {
	if b.quotes != nil {
		return *b.quotes
	}
	var out [][2]int
	if b.flags&fQuote == 0 {
		b.quotes = &out
		return out
	}
	s := b.text
	open, openRune := -1, rune(0)
	prev := rune(' ')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		next := rune(' ')
		if i+size < len(s) {
			next, _ = utf8.DecodeRuneInString(s[i+size:])
		}
		switch {
		case open < 0 && (r == '“' || r == '"' && !isWordRune(prev)):
			open, openRune = i+size, r
		case open < 0 && r == '‘' && !isWordRune(prev):
			open, openRune = i+size, r
		case open >= 0 && (openRune == '“' && r == '”' || openRune == '"' && r == '"' || openRune == '‘' && r == '’' && !isWordRune(next)):
			out = append(out, [2]int{open, i})
			open = -1
		}
		prev = r
		i += size
	}
	b.quotes = &out
	return out
}

func isWordRune(r rune) bool {
	return r < utf8.RuneSelf && ('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') || r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// inQuote reports whether position i of b's text is quoted (or the whole
// block is a quotation).
func (b *textBlock) inQuote(i int) bool {
	if b.zone&zQuote != 0 {
		return true
	}
	for _, q := range b.quoted() {
		if q[0] <= i && i < q[1] {
			return true
		}
	}
	return false
}

// quotedWords counts the words of b that are quoted.
func (b *textBlock) quotedWords() int {
	if b.zone&zQuote != 0 {
		return countWords(b.text)
	}
	n := 0
	for _, q := range b.quoted() {
		n += countWords(b.text[q[0]:q[1]])
	}
	return n
}

// dataCell reports whether b is a short cell of a data table: a table of
// two rows and two columns or more that is not a layout grid (holding other
// tables) or marked presentational.
func (p *page) dataCell(b *textBlock) bool {
	t := b.cell
	return t != nil && !t.presented && !t.nested && t.rows >= 2 && t.maxCells >= 2 && countWords(b.text) <= 40
}

// wideTable reports whether b is a cell of a table of ten columns or more:
// a dataset shown whole (every field of a register), not written content.
func (p *page) wideTable(b *textBlock) bool {
	return b.cell != nil && b.cell.maxCells >= 10 && !b.cell.nested
}
