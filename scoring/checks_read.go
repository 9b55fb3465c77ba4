package scoring

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

type sentence struct {
	node   *html.Node
	text   string
	words  int
	quoted bool // mostly quoted words: the source's wording, not the page's
}

type fleschStats struct {
	words, sentences, syllables int
	ease                        float64
	age                         int
	long                        []sentence
}

// sentencesOf splits the main content into sentences (of 3 words or more:
// menus, labels and headings are not prose).
func sentencesOf(p *page, re *regexp.Regexp) []sentence {
	if p.sents != nil {
		return *p.sents // split once per page
	}
	out := []sentence{}
	defer func() { p.sents = &out }()
	for bi := range p.mainBlocks {
		b := &p.mainBlocks[bi]
		if strings.HasPrefix(b.tag, "h") && len(b.tag) == 2 {
			continue
		}
		splitSentences(b.text, func(i, j int) {
			t := strings.TrimSpace(b.text[i:j])
			w := countWords(t)
			if w < 3 {
				return
			}
			q := b.zone&zQuote != 0
			if !q && len(b.quoted()) > 0 {
				qw := 0
				for _, sp := range b.quoted() {
					if lo, hi := max(sp[0], i), min(sp[1], j); lo < hi {
						qw += countWords(b.text[lo:hi])
					}
				}
				q = 2*qw >= w
			}
			out = append(out, sentence{node: b.node, text: t, words: w, quoted: q})
		})
	}
	return out
}

func fleschOf(p *page, re *regexp.Regexp) fleschStats {
	if p.fl != nil {
		return *p.fl
	}
	var fs fleschStats
	ss := sentencesOf(p, re)
	for _, s := range ss {
		fs.sentences++
		fs.words += s.words
		fs.syllables += syllablesIn(s.text)
		if s.words > 25 {
			fs.long = append(fs.long, s)
		}
	}
	if fs.words > 0 && fs.sentences > 0 {
		fs.ease = 206.835 - 1.015*float64(fs.words)/float64(fs.sentences) - 84.6*float64(fs.syllables)/float64(fs.words)
		fs.age = 20 - int(math.Floor(fs.ease/10))
		if fs.age < 5 {
			fs.age = 5
		}
	}
	p.fl = &fs
	return fs
}

// syllablesIn estimates the syllables of the words of s.
func syllablesIn(s string) int {
	total, start, n := 0, -1, 0 // the word being read starts at start, with n vowel groups so far
	var prevV uint8             // the byte before was a vowel
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiLetter[c] {
				if start < 0 {
					start, n, prevV = i, 0, 0
				}
				v := vowelU8[c]
				n += int(v &^ prevV)
				prevV = v
			} else if start >= 0 {
				total += wordSyllables(s[start:i], n)
				start = -1
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsLetter(r) {
			if start < 0 {
				start, n = i, 0
			}
			prevV = 0 // the bytes of a non-ASCII letter are no vowels
		} else if start >= 0 {
			total += wordSyllables(s[start:i], n)
			start = -1
		}
		i += size
	}
	if start >= 0 {
		total += wordSyllables(s[start:], n)
	}
	return total
}

// asciiLetter says which ASCII bytes are letters; vowelU8 is 1 for the
// bytes that are, in ASCII lower case (b|0x20), a vowel or y.
var asciiLetter, vowelU8 = func() (letter [256]bool, vowel [256]uint8) {
	for c := 0; c < 256; c++ {
		letter[c] = c < utf8.RuneSelf && isASCIILetter(byte(c))
		switch c | 0x20 {
		case 'a', 'e', 'i', 'o', 'u', 'y':
			vowel[c] = 1
		}
	}
	return
}()

// wordSyllables estimates the syllables of an English word w given its n
// groups of vowels (y counts as one): a silent final e (not after l) is
// not one, and every word has one at least.
func wordSyllables(w string, n int) int {
	if l := len(w); l > 2 && w[l-1]|0x20 == 'e' && w[l-2]|0x20 != 'l' && n > 1 {
		n--
	}
	if n == 0 {
		n = 1
	}
	return n
}

func chkFlesch(e *Engine, p *page, em *emitter) {
	fs := fleschOf(p, e.rx.sentenceEnd)
	if fs.words < e.m.Thresholds.MinWordsReadability {
		em.notApplied("only " + strconv.Itoa(fs.words) + " words of prose in the main content")
		return
	}
	if over := fs.age - e.m.Thresholds.ReadingAgeMax; over > 0 {
		sev := SevWarning
		if over > 4 {
			sev = SevError
		}
		// counted once per year above the target, so the score grades it
		em.addW(over, sev, nil, "", nil, "Reading age about "+strconv.Itoa(fs.age)+" (Flesch reading ease "+strconv.FormatFloat(round1(fs.ease), 'f', 1, 64)+", "+strconv.Itoa(fs.words)+" words): aim for 9 to 11")
	}
}

func chkLongSentences(e *Engine, p *page, em *emitter) {
	fs := fleschOf(p, e.rx.sentenceEnd)
	for _, s := range fs.long {
		if s.words > e.m.Thresholds.SentenceMaxWords && !s.quoted {
			em.add(SevInfo, s.node, s.text, nil, "Sentence of "+strconv.Itoa(s.words)+" words: aim for 25 or fewer")
		}
	}
}

// avoidWord is one entry of the GOV.UK "words to avoid" list.
type avoidWord struct {
	word    string   // as listed
	forms   []string // the forms matched
	fine    *regexp.Regexp
	instead string
	verb    bool // only flagged as a verb
}

// avoidWords is words-to-avoid.tsv as code: the word, its forms, when it is
// fine (a regexp over the words around it) and what to say instead.
func avoidWords() []avoidWord {
	fine := func(s string) *regexp.Regexp {
		if s == "" {
			return nil
		}
		return regexp.MustCompile(`(?i)` + s)
	}
	w := func(word, fineRe, instead string, forms ...string) avoidWord {
		if len(forms) == 0 {
			forms = []string{word}
		}
		return avoidWord{word: word, forms: forms, fine: fine(fineRe), instead: instead}
	}
	return []avoidWord{
		w("agenda", `meeting|committee|minutes|cabinet|item|papers|council|board`, "", "agenda", "agendas"),
		w("advancing", "", "", "advancing"),
		w("collaborate", "", "working with", "collaborate", "collaborates", "collaborated", "collaborating"),
		w("combating", "", "", "combating", "combatting"),
		w("commit", `crime|offence|offense|suicide|murder|fraud`, "say what you are doing", "commit", "commits", "committing"),
		w("pledge", "", "say what you are doing", "pledge", "pledges", "pledged"),
		w("countering", "", "", "countering"),
		w("deliver", `pizza|post|parcel|letter|leaflet|service|mail|newspaper|food|meal|parcels`, "say what you are doing", "deliver", "delivers", "delivered", "delivering"),
		w("deploy", `military|troops|army|software|code|release|server`, "", "deploy", "deploys", "deployed", "deploying"),
		w("dialogue", "", "we speak to people", "dialogue"),
		w("disincentivise", "", "", "disincentivise", "disincentivize"),
		w("incentivise", "", "", "incentivise", "incentivize"),
		w("drive", `car|vehicle|van|lorry|bus|road|cattle|licen[cs]e|driving|park|test|taxi|motor|wheel|hard drive|usb`, "", "drive", "drives", "driving"),
		w("empower", "", "", "empower", "empowers", "empowered", "empowering"),
		w("facilitate", "", "say how you are helping", "facilitate", "facilitates", "facilitated", "facilitating"),
		w("focusing", "", "", "focusing", "focussing"),
		w("foster", `child|children|carer|care|fostering|family|families|adopt`, "", "foster", "fosters", "fostered", "fostering"),
		w("going forward", "", "from now on", "going forward"),
		{word: "impact", forms: []string{"impact", "impacts", "impacted", "impacting"}, verb: true},
		w("initiate", "", "start", "initiate", "initiates", "initiated", "initiating"),
		{word: "key", forms: []string{"key"}, fine: fine(`^key (?:stage|worker|holder|safe|fob|box|ring|cutting|code|card)`), instead: "important"},
		{word: "land", forms: []string{"land", "landed", "landing"}, verb: true},
		w("leverage", `financ|loan|debt|borrow|capital|fund|invest`, "", "leverage", "leverages", "leveraged", "leveraging"),
		w("liaise", "", "work with", "liaise", "liaises", "liaised", "liaising"),
		w("one-stop shop", "", "", "one-stop shop", "one stop shop"),
		w("overarching", "", "", "overarching", "over-arching"),
		{word: "progress", forms: []string{"progress", "progresses", "progressed", "progressing"}, verb: true},
		w("promote", `campaign|advert|poster`, "", "promote", "promotes", "promoted", "promoting"),
		w("ring fencing", "", "", "ring fencing", "ring-fencing", "ringfencing", "ring fenced", "ring-fenced"),
		w("robust", `material|structure|bridge|building|construction|container|physical|wall|fence|bin`, "", "robust"),
		w("slimming down", "", "removing", "slimming down"),
		w("streamline", "", "", "streamline", "streamlines", "streamlined", "streamlining"),
		w("strengthening", `bridge|structure|wall|building|flood`, "", "strengthening"),
		w("tackling", `rugby|football|sport|match|game|tackle`, "", "tackling"),
		w("transforming", "", "say what you are changing", "transforming"),
		w("utilise", "", "use", "utilise", "utilises", "utilised", "utilising", "utilize", "utilizes", "utilized", "utilizing"),
	}
}

func avoidRegexp() *regexp.Regexp {
	var alts []string
	for _, a := range avoidWords() {
		for _, f := range a.forms {
			alts = append(alts, strings.ReplaceAll(regexp.QuoteMeta(f), " ", `\s+`))
		}
	}
	return regexp.MustCompile(`(?i)\b(?:` + strings.Join(alts, "|") + `)\b`)
}

var keyNotAdj = map[string]bool{"to": true, "is": true, "was": true, "are": true, "has": true, "will": true, "and": true, "or": true, "of": true, "in": true, "for": true, "from": true, "at": true, "on": true, "with": true, "can": true, "should": true, "must": true}

var verbCues = map[string]bool{"to": true, "will": true, "would": true, "may": true, "might": true, "could": true, "can": true, "cannot": true, "not": true, "should": true, "must": true, "we": true, "they": true, "it": true, "which": true, "that": true, "negatively": true, "positively": true, "directly": true, "further": true, "being": true, "been": true}

func (e *Engine) avoidEntry(m string) *avoidWord {
	lm := strings.ToLower(strings.Join(strings.Fields(m), " "))
	for i := range e.avoid {
		for _, f := range e.avoid[i].forms {
			if f == lm {
				return &e.avoid[i]
			}
		}
	}
	return nil
}

func chkWordsToAvoid(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.avoid, SevInfo, func(s string, m []int) (bool, string) {
		w := s[m[0]:m[1]]
		a := e.avoidEntry(w)
		if a == nil {
			return false, ""
		}
		// proper names: "Park Drive", "Key Stage 2", "Progress 8"
		if isCapWord(w) && !sentenceStart(s, m[0]) {
			return false, ""
		}
		if nx := wordAfter(s, m[1]); isCapWord(w) && nx != "" && (isCapWord(nx) || unicode.IsDigit([]rune(nx)[0])) {
			return false, ""
		}
		lo, hi := m[0]-60, m[1]+60
		if lo < 0 {
			lo = 0
		}
		if hi > len(s) {
			hi = len(s)
		}
		if a.verb {
			lw := strings.ToLower(w)
			prev := strings.ToLower(wordBefore(s, m[0]))
			if !(strings.HasSuffix(lw, "ed") && a.word != "land" || verbCues[prev]) {
				return false, ""
			}
			if a.word == "land" && !(prev == "to" || prev == "will" || prev == "we") || a.word == "land" && strings.HasPrefix(strings.ToLower(wordAfter(s, m[1])), "at") {
				return false, ""
			}
		}
		if a.word == "key" {
			// only the adjective ("key issues") is on the list, not the noun ("your key")
			nx := wordAfter(s, m[1])
			if strings.EqualFold(wordBefore(s, m[0]), "access") || nx == "" || runeAfter(s, m[1]) != ' ' || isCapWord(nx) || keyNotAdj[strings.ToLower(nx)] {
				return false, ""
			}
		}
		if a.fine != nil {
			win := s[lo:hi]
			if a.word == "key" {
				win = strings.ToLower(s[m[0]:hi])
			}
			if a.fine.MatchString(win) {
				return false, ""
			}
		}
		msg := "\"" + a.word + "\" is on the GOV.UK words to avoid list"
		switch {
		case strings.HasPrefix(a.instead, "say "):
			msg += ": " + a.instead
		case a.instead != "":
			msg += ": try \"" + a.instead + "\""
		}
		return true, msg
	})
}

var notParticiple = map[string]bool{"need": true, "speed": true, "seed": true, "feed": true, "bed": true, "red": true, "shed": true, "hundred": true, "sacred": true, "naked": true, "wicked": true, "kindred": true, "indeed": true, "proceed": true, "exceed": true, "succeed": true, "interested": true, "concerned": true, "based": true, "used": true, "supposed": true, "tired": true, "married": true, "worried": true, "pleased": true, "aged": true, "closed": true, "limited": true, "dedicated": true, "qualified": true, "located": true, "situated": true, "committed": true, "involved": true, "registered": true, "prepared": true, "required": true}

func chkPassive(e *Engine, p *page, em *emitter) {
	textRule(p, em, e.rx.passive, SevInfo, func(s string, m []int) (bool, string) {
		pp := strings.ToLower(s[m[2]:m[3]])
		if notParticiple[pp] || len(pp) <= 4 && strings.HasSuffix(pp, "ed") {
			return false, ""
		}
		return true, "Passive voice: say who does what (\"we will send\", not \"will be sent\")"
	})
}
