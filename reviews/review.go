// Package reviews is councildash's review model, after LocalGov Digital's
// Council Usability Dashboard (2014): a reviewer takes one top task on one
// council's site and tries up to four ways (navigation from the home page,
// the site's A to Z, a web search engine, the site's own search), rating each
// very easy (5), easy (3), difficult (1) or gave up (-3). The task's
// usability index is the sum over the ways tried (-12 to 20 with all
// four). The reviewer also rates the task's importance (1 to 5), may leave a
// comment and the URL where they ended, and says whether they are a
// resident, council staff (a signed-in peer) or other. The method calls the
// four ways "routes"; here they are Ways, apart from the web's routes.
//
// The package owns the rules (validation, anti-abuse, peer tokens,
// moderation, aggregation) and declares the narrow Store it needs; the data
// package implements it. It imports neither data nor the dashboard (its
// pages are dashboard/reviewpages).
package reviews

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Way is one way of looking for a task on a council's site.
type Way int

// The four ways, in the order the form asks about them.
const (
	WayNav          Way = iota // navigation from the home page
	WayAtoZ                    // the site's A to Z
	WaySearchEngine            // a web search engine
	WaySiteSearch              // the site's own search
	NumWays         = 4
)

// Ways lists the ways in form order.
func Ways() []Way { return []Way{WayNav, WayAtoZ, WaySearchEngine, WaySiteSearch} }

// Key is the way's stable identifier (form field and export column).
func (r Way) Key() string {
	switch r {
	case WayNav:
		return "nav"
	case WayAtoZ:
		return "atoz"
	case WaySearchEngine:
		return "search-engine"
	case WaySiteSearch:
		return "site-search"
	}
	return "way" + strconv.Itoa(int(r))
}

// Label is the way's name for people.
func (r Way) Label() string {
	switch r {
	case WayNav:
		return "Navigation from the home page"
	case WayAtoZ:
		return "The site's A to Z"
	case WaySearchEngine:
		return "A web search engine"
	case WaySiteSearch:
		return "The site's own search"
	}
	return r.Key()
}

// Rating is one way's result. Zero means the way was not tried.
type Rating int8

// Ratings of the method.
const (
	NotTried  Rating = 0
	VeryEasy  Rating = 5
	Easy      Rating = 3
	Difficult Rating = 1
	GaveUp    Rating = -3
)

// RatingChoice is one answer the form offers for a way.
type RatingChoice struct {
	Value string // form value
	Label string
	R     Rating
}

// RatingChoices lists the answers, "not tried" last.
func RatingChoices() []RatingChoice {
	return []RatingChoice{
		{"very-easy", "Very easy", VeryEasy},
		{"easy", "Easy", Easy},
		{"difficult", "Difficult", Difficult},
		{"gave-up", "I gave up", GaveUp},
		{"not-tried", "I did not try this way", NotTried},
	}
}

// ParseRating reads a form value ("very-easy" ... "not-tried"; the numbers
// 5, 3, 1, -3 and 0 are accepted too).
func ParseRating(s string) (Rating, bool) {
	s = strings.TrimSpace(s)
	for _, c := range RatingChoices() {
		if s == c.Value || s == strconv.Itoa(int(c.R)) {
			return c.R, true
		}
	}
	return 0, false
}

// FormValue is the rating's form value.
func (r Rating) FormValue() string {
	for _, c := range RatingChoices() {
		if c.R == r {
			return c.Value
		}
	}
	return ""
}

// Reviewer kinds. Peer is only ever set from a signed-in peer session.
const (
	KindResident = "resident"
	KindPeer     = "peer"
	KindOther    = "other"
)

// Public reports whether a kind counts as the public (not peer).
func Public(kind string) bool { return kind != KindPeer }

// Limits of the form.
const (
	MaxComment    = 2000 // characters
	MaxEndURL     = 2000 // characters
	MaxResponse   = 2000 // characters (right of reply)
	MaxReason     = 1000 // characters (moderation reason)
	MinImportance = 1
	MaxImportance = 5
)

// Review is one stored review.
type Review struct {
	ID         string
	Council    string
	Task       string
	Ratings    [NumWays]Rating
	Importance int
	Comment    string
	EndURL     string
	Kind       string
	PeerID     string // peer token id for peer reviews
	IPHash     string // salted hash (rate limiting and abuse checks only; never exported)
	Demo       bool
	CreatedAt  time.Time
}

// Tried is how many ways were tried.
func (r Review) Tried() int {
	n := 0
	for _, x := range r.Ratings {
		if x != NotTried {
			n++
		}
	}
	return n
}

// Index is the task's usability index: the sum over the ways tried.
func (r Review) Index() int {
	s := 0
	for _, x := range r.Ratings {
		s += int(x)
	}
	return s
}

// Found reports whether the reviewer completed the task by some way
// (any way tried and not given up).
func (r Review) Found() bool {
	for _, x := range r.Ratings {
		if x > 0 {
			return true
		}
	}
	return false
}

// Score is the review on a 0 to 100 scale: the index placed between its
// worst (-3 per way tried) and best (5 per way tried), so reviews that
// tried different numbers of ways compare.
func (r Review) Score() float64 { return IndexScore(float64(r.Index()), r.Tried()) }

// IndexScore maps a usability index over `tried` ways to 0 to 100.
func IndexScore(index float64, tried int) float64 {
	if tried <= 0 {
		return 0
	}
	lo, hi := float64(int(GaveUp)*tried), float64(int(VeryEasy)*tried)
	return (index - lo) / (hi - lo) * 100
}

// Input is what a reviewer typed, as strings from the form.
type Input struct {
	Task       string
	Ratings    [NumWays]string
	Importance string
	Comment    string
	EndURL     string
	Kind       string
}

// FieldError is one problem with one field, for the error summary.
type FieldError struct {
	Field   string // form field name
	Message string
}

// ValidationError lists every problem with a submission, in form order.
type ValidationError struct{ Fields []FieldError }

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("invalid review: ")
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %s", f.Field, f.Message)
	}
	return b.String()
}

// Message returns the message for a field, or "".
func (e *ValidationError) Message(field string) string {
	if e == nil {
		return ""
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return f.Message
		}
	}
	return ""
}

// Form field names, shared with the review pages (dashboard/reviewpages).
const (
	FieldTask       = "task"
	FieldImportance = "importance"
	FieldComment    = "comment"
	FieldEndURL     = "end_url"
	FieldKind       = "kind"
)

// WayField is the form field name of a way ("route-" and the key: the
// form's field names predate the name Way and stay as they are).
func WayField(r Way) string { return "route-" + r.Key() }

// ErrInvalid is wrapped by every *ValidationError's errors.Is.
var ErrInvalid = errors.New("invalid review")

// Is lets errors.Is(err, ErrInvalid) match a *ValidationError.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// cleanText normalises typed text: valid UTF-8, CRLF to LF, no control
// characters other than newline and tab, trimmed.
func cleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// Validate checks a submission against the rules and returns the review to
// store (without ID, council, kind for peers, IP hash or time) or every
// problem found. tasks are the task IDs allowed. peer is true when a peer
// session sends it (the kind is then peer, whatever the form says).
func Validate(in Input, validTask func(string) bool, peer bool) (Review, error) {
	var errs []FieldError
	add := func(f, m string) { errs = append(errs, FieldError{f, m}) }
	var r Review

	r.Task = strings.TrimSpace(in.Task)
	switch {
	case r.Task == "":
		add(FieldTask, "Choose the task you tried")
	case !validTask(r.Task):
		add(FieldTask, "Choose a task from the list")
	}

	tried := 0
	var wayErrs []FieldError
	for _, rt := range Ways() {
		v := strings.TrimSpace(in.Ratings[rt])
		if v == "" {
			continue // not answered: not tried
		}
		x, ok := ParseRating(v)
		if !ok {
			wayErrs = append(wayErrs, FieldError{WayField(rt), fmt.Sprintf("Choose how easy %s was, or that you did not try it", strings.ToLower(rt.Label()[:1])+rt.Label()[1:])})
			continue
		}
		r.Ratings[rt] = x
		if x != NotTried {
			tried++
		}
	}
	errs = append(errs, wayErrs...)
	if len(wayErrs) == 0 && tried == 0 {
		add(WayField(WayNav), "Rate at least one of the four ways of finding the task")
	}

	imp := strings.TrimSpace(in.Importance)
	if imp == "" {
		add(FieldImportance, "Choose how important this task is to you")
	} else if n, err := strconv.Atoi(imp); err != nil || n < MinImportance || n > MaxImportance {
		add(FieldImportance, "Importance must be a number from 1 to 5")
	} else {
		r.Importance = n
	}

	r.EndURL = cleanText(in.EndURL)
	if r.EndURL != "" {
		if n := utf8.RuneCountInString(r.EndURL); n > MaxEndURL {
			add(FieldEndURL, fmt.Sprintf("The web address must be %d characters or fewer (it has %d)", MaxEndURL, n))
		} else if u, err := url.Parse(r.EndURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(r.EndURL, " \n\t") {
			add(FieldEndURL, "Enter the web address where you ended in full, starting with https:// or http://, or leave it empty")
		}
	}

	r.Comment = cleanText(in.Comment)
	if n := utf8.RuneCountInString(r.Comment); n > MaxComment {
		add(FieldComment, fmt.Sprintf("Your comment must be %s characters or fewer (it has %s)", Thousands(MaxComment), Thousands(n)))
	}

	if peer {
		r.Kind = KindPeer
	} else {
		switch k := strings.TrimSpace(in.Kind); k {
		case KindResident, KindOther:
			r.Kind = k
		case "":
			add(FieldKind, "Say whether you are a resident, council staff or other")
		case KindPeer, "staff":
			add(FieldKind, "Council staff review as peers: sign in with the link your admin gave you, or choose resident or other")
		default:
			add(FieldKind, "Choose resident, council staff or other")
		}
	}
	if len(errs) > 0 {
		return Review{}, &ValidationError{Fields: errs}
	}
	return r, nil
}

// ValidateText checks a response or reason: required when min > 0, at most
// max characters.
func ValidateText(field, what, s string, min, max int) (string, *FieldError) {
	s = cleanText(s)
	n := utf8.RuneCountInString(s)
	switch {
	case n < min:
		return s, &FieldError{field, "Enter " + what}
	case n > max:
		return s, &FieldError{field, fmt.Sprintf("%s must be %s characters or fewer (it has %s)", upperFirst(what), Thousands(max), Thousands(n))}
	}
	return s, nil
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// Thousands writes n with thousands separators ("2,000").
func Thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + Thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
