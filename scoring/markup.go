package scoring

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// What an element's id and class names say about it, beyond the chrome
// words of chromeKind: the common consent and widget tools by their own
// markup, framework classes that hide an element, and the like. All of it
// is how pages are built in general (framework and vendor conventions), not
// how any one site is built.

// classFlags are facts read from an element's class (and, for widgets, id).
type classFlags uint8

const (
	// cHidden: a framework class that hides the element from everyone
	// (Bootstrap d-none and hidden, hide, is-hidden) or shows it only on
	// paper (print-only classes): its text is not on the screen.
	cHidden classFlags = 1 << iota
	// cVisuallyHidden: text for screen readers only (sr-only,
	// visually-hidden, element-invisible, offscreen...): read out, not seen.
	cVisuallyHidden
	// cDialog: a modal, tooltip or popup box, shown on demand.
	cDialog
	// cIcon: an icon-font glyph (fa, glyphicon, material-icons...).
	cIcon
	// cSmallOnly: shown on small screens only (Bootstrap visible-xs,
	// d-md-none, Foundation show-for-small-only...): templates that print
	// the content twice, once for phones, mark the phone copy so.
	cSmallOnly
	// cBadge: a tag, badge or label component (GOV.UK and NHS tags,
	// Bootstrap badges and labels): a styled status word, not emphasis
	// and not a heading, however bold its style.
	cBadge
)

var badgeClasses = map[string]bool{
	"tag": true, "badge": true, "pill": true, "chip": true, "lozenge": true, "label": true,
	"govuk-tag": true, "nhsuk-tag": true, "ds_tag": true, "lgd-tag": true,
}

var smallOnlyClasses = map[string]bool{
	"visible-xs": true, "visible-xs-block": true, "visible-xs-inline": true, "visible-xs-inline-block": true,
	"d-sm-none": true, "d-md-none": true, "d-lg-none": true, "hidden-md": true, "hidden-lg": true,
	"show-for-small-only": true, "show-for-small": true, "hide-for-large": true, "hide-for-medium-up": true,
	"hide-for-medium": true, "mobile-only": true, "visible-mobile": true, "visible-phone": true, "hidden-desktop": true,
}

var hiddenClasses = map[string]bool{
	"d-none": true, "hidden": true, "hide": true, "is-hidden": true, "element-hidden": true, "js-hidden": true,
	"printonly": true, "print-only": true, "visible-print": true, "visible-print-block": true, "visible-print-inline": true,
	"visible-print-inline-block": true, "d-print-block": true, "d-print-inline": true, "d-print-inline-block": true,
	"show-for-print": true, "print-only-block": true, "printable-only": true,
}

var visuallyHiddenClasses = map[string]bool{
	"sr-only": true, "visually-hidden": true, "visuallyhidden": true, "element-invisible": true, "offscreen": true,
	"off-screen": true, "screen-reader-text": true, "screen-reader-only": true, "screenreader": true, "sr-text": true,
	"govuk-visually-hidden": true, "hidden-visually": true, "show-for-sr": true, "u-visually-hidden": true,
	"assistive-text": true, "ui-helper-hidden-accessible": true, "visually-hidden-focusable": true, "sr-only-focusable": true,
	"element-invisible-focusable": true, "a11y-hidden": true,
}

// classTokenFlags are the framework class names above, by the flag each
// sets (the three lists do not overlap: TestClassListsApart).
var classTokenFlags = func() map[string]classFlags {
	out := map[string]classFlags{}
	for set, f := range map[*map[string]bool]classFlags{&hiddenClasses: cHidden, &visuallyHiddenClasses: cVisuallyHidden, &smallOnlyClasses: cSmallOnly, &badgeClasses: cBadge} {
		for t := range *set {
			out[t] |= f
		}
	}
	return out
}()

// classFlagsOf reads the class attribute, one token at a time.
func classFlagsOf(class string) classFlags {
	f, _, _ := classInfoOf(lowerASCII(class))
	return f
}

// classInfoOf reads a lower-case class attribute in one pass: its flags,
// the tool it names (see widgetOf), if any, and its chrome kind (what
// chromeKind says of it).
func classInfoOf(class string) (f classFlags, widget string, chrome int) {
	for i := 0; i < len(class); {
		if classSpace[class[i]] {
			i++
			continue
		}
		j := i + 1
		for j < len(class) && !classSpace[class[j]] {
			j++
		}
		t := class[i:j]
		i = j
		if widget == "" && widgetFirst[t[0]] {
			widget = widgetToken(t)
		}
		if len(t) < len(classTokenFirst) && classTokenFirst[len(t)][t[0]] && classTokenLast[t[len(t)-1]] {
			if v, ok := classTokenFlags[t]; ok {
				f |= v
				continue
			}
		}
		switch {
		case iconToken(t):
			f |= cIcon
		case badgeToken(t):
			f |= cBadge
		case dialogToken(t):
			f |= cDialog
		}
	}
	return f, widget, chromeKind(class)
}

// badgeToken reports whether a lower-case class token is a variant of a
// tag or badge component ("govuk-tag--grey", "badge-info", "label-default").
func badgeToken(t string) bool {
	if t == "" {
		return false
	}
	switch t[0] {
	case 'g':
		return strings.HasPrefix(t, "govuk-tag--")
	case 'n':
		return strings.HasPrefix(t, "nhsuk-tag--")
	case 'b':
		return strings.HasPrefix(t, "badge-")
	case 'l':
		return strings.HasPrefix(t, "label-")
	}
	return false
}

// classSpace are the bytes that separate the tokens of a class attribute.
var classSpace = [256]bool{' ': true, '\t': true, '\n': true, '\f': true, '\r': true}

// widgetFirst are the first bytes of the tokens widgetToken may name a
// tool by (either case).
var widgetFirst = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = len(widgetsByFirst[lowerByte(byte(c))]) > 0
	}
	return
}()

// classTokenFirst and classTokenLast are the first bytes (by length) and
// the last bytes of the names in classTokenFlags (all shorter than 64
// bytes): a token that does not fit them is not looked up.
var classTokenFirst, classTokenLast = func() (first [64][256]bool, last [256]bool) {
	for t := range classTokenFlags {
		first[len(t)][t[0]] = true
		last[t[len(t)-1]] = true
	}
	return
}()

// dialogToken reports whether a lower-case class token holds "modal",
// "tooltip", "popup", "popover" or "lightbox" (one pass over its o's).
func dialogToken(t string) bool {
	for k := strings.IndexByte(t, 'o'); k >= 0; {
		switch {
		case k >= 1 && (t[k-1] == 'm' && strings.HasPrefix(t[k-1:], "modal") || t[k-1] == 't' && strings.HasPrefix(t[k-1:], "tooltip") ||
			t[k-1] == 'p' && (strings.HasPrefix(t[k-1:], "popup") || strings.HasPrefix(t[k-1:], "popover"))):
			return true
		case k >= 6 && strings.HasPrefix(t[k-6:], "lightbox"):
			return true
		}
		next := strings.IndexByte(t[k+1:], 'o')
		if next < 0 {
			break
		}
		k += next + 1
	}
	return false
}

// iconToken reports whether a lower-case class token names an icon-font
// glyph.
func iconToken(t string) bool {
	if t == "" {
		return false
	}
	switch t[0] {
	case 'f':
		return t == "fa" || t == "fas" || t == "far" || t == "fab" || t == "fal" || strings.HasPrefix(t, "fa-")
	case 'i':
		return t == "icon" || strings.HasPrefix(t, "icon-")
	case 'g':
		return t == "glyphicon" || strings.HasPrefix(t, "glyphicon-")
	case 'm':
		return strings.HasPrefix(t, "material-icons")
	case 'b':
		return t == "bi" || strings.HasPrefix(t, "bi-")
	}
	return false
}

// widgetPrefixes name third-party consent, sharing, feedback and reading
// tools by the id and class names their scripts write into every page that
// uses them. Their text is the supplier's, not the council's: it is left
// out of the writing checks, and their links are reported apart.
var widgetPrefixes = []struct{ prefix, name string }{
	{"cybotcookiebot", "Cookiebot"},
	{"qc-cmp", "Quantcast Choice"}, {"qccmp", "Quantcast Choice"},
	{"ccc-", "Civic Cookie Control"}, {"cccwr", "Civic Cookie Control"},
	{"cc_banner", "cookieconsent"}, {"cc-window", "cookieconsent"}, {"cc-banner", "cookieconsent"}, {"cc_container", "cookieconsent"}, {"cc-revoke", "cookieconsent"},
	{"onetrust", "OneTrust"}, {"optanon", "OneTrust"}, {"ot-sdk", "OneTrust"},
	{"eu-cookie-compliance", "EU Cookie Compliance"}, {"cookie-law-info", "GDPR Cookie Consent"}, {"cky-", "CookieYes"},
	{"truste", "TrustArc"}, {"usercentrics", "Usercentrics"}, {"cmplz-", "Complianz"}, {"moove_gdpr", "GDPR Cookie Compliance"},
	{"borlabs-cookie", "Borlabs Cookie"}, {"iubenda-cs", "iubenda"},
	{"a2a_", "AddToAny"}, {"a2apage", "AddToAny"}, {"addtoany", "AddToAny"},
	{"addthis", "AddThis"}, {"at4-", "AddThis"}, {"sharethis", "ShareThis"}, {"st_gdpr", "ShareThis"},
	{"govmetric", "GovMetric"}, {"gm_sidebar", "GovMetric"},
	{"_hj", "Hotjar"},
	{"goog-gt-", "Google Translate"}, {"goog-te-", "Google Translate"}, {"skiptranslate", "Google Translate"},
	{"__ba_", "Browsealoud"}, {"prefix-overlay", "GovDelivery sign-up overlay"},
}

// widgetHosts are the same tools' own web addresses: a link to them is the
// tool's, wherever it sits.
var widgetHosts = []struct{ host, name string }{
	{"govmetric.com", "GovMetric"}, {"addtoany.com", "AddToAny"}, {"addthis.com", "AddThis"}, {"sharethis.com", "ShareThis"},
	{"cookiebot.com", "Cookiebot"}, {"civicuk.com", "Civic Cookie Control"}, {"onetrust.com", "OneTrust"}, {"cookiesandyou.com", "cookieconsent"},
	{"hotjar.com", "Hotjar"}, {"browsealoud.com", "Browsealoud"}, {"texthelp.com", "Browsealoud"},
}

// widgetOf names the tool an element belongs to, from its id and class
// tokens, or "".
func widgetOf(id, class string) string {
	if id != "" {
		if w := widgetToken(id); w != "" {
			return w
		}
	}
	for tok := range strings.FieldsSeq(class) {
		if w := widgetToken(lowerASCII(tok)); w != "" {
			return w
		}
	}
	return ""
}

func widgetToken(t string) string {
	if len(t) == 3 && strings.EqualFold(t, "ccc") {
		return "Civic Cookie Control"
	}
	if len(t) < 3 {
		return ""
	}
	c1 := lowerByte(t[1])
	for _, w := range widgetsByFirst[lowerByte(t[0])] {
		if w.prefix[1] == c1 && hasPrefixFold(t, w.prefix) {
			return w.name
		}
	}
	return ""
}

// widgetsByFirst are widgetPrefixes by their first byte.
var widgetsByFirst = func() (out [256][]struct{ prefix, name string }) {
	for _, w := range widgetPrefixes {
		out[w.prefix[0]] = append(out[w.prefix[0]], w)
	}
	return out
}()

// widgetHost names the tool whose own site a link points to, or "".
func widgetHost(abs string) string {
	h := hostOf(abs)
	if h == "" {
		return ""
	}
	for _, w := range widgetHosts {
		if h == w.host || strings.HasSuffix(h, "."+w.host) {
			return w.name
		}
	}
	return ""
}

// bannerSized reports whether an element named as a cookie or consent box
// by a generic class (cookie, consent, gdpr) is really that box, not a page
// wrapper whose class only says a banner is shown ("with-cookiebanner"): a
// banner holds no main landmark, article or main heading, and is small.
func bannerSized(n *html.Node) bool {
	const limit = 1500
	count := 0
	var walk func(*html.Node, int) bool
	walk = func(n *html.Node, depth int) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			count++
			if count > limit || depth > maxDepth {
				return false
			}
			switch c.Data {
			case "main", "article", "h1":
				return false
			}
			if r := attrv(c, "role"); strings.EqualFold(strings.TrimSpace(r), "main") {
				return false
			}
			if !walk(c, depth+1) {
				return false
			}
		}
		return true
	}
	return walk(n, 0)
}

// spaceOnly reports whether b holds only white space (no-break spaces
// included).
func spaceOnly(b []byte) bool {
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f':
		case c == 0xC2 && i+1 < len(b) && b[i+1] == 0xA0:
			i++
		default:
			return false
		}
	}
	return true
}

// boldLabel reports whether a bold run is a short label naming what
// follows ("File type:", "Telephone:"): one to four words ending in a colon.
func boldLabel(run []byte) bool {
	end := len(run)
	for end > 0 && (run[end-1] == ' ' || run[end-1] == '\n' || run[end-1] == '\t' || run[end-1] == '\r') {
		end--
	}
	if end == 0 || run[end-1] != ':' {
		return false
	}
	n := countWords(string(run[:end]))
	return n >= 1 && n <= 4
}

// shownTo reports whether an element is shown: not hidden by an attribute,
// an inline style or a framework class, and (unless sr is true) not text
// for screen readers only.
func shownTo(n *html.Node, sr bool) bool {
	if _, h := attr(n, "hidden"); h {
		return false
	}
	if strings.EqualFold(strings.TrimSpace(attrv(n, "aria-hidden")), "true") {
		return false
	}
	if st := attrv(n, "style"); st != "" && (strings.Contains(st, "none") || strings.Contains(st, "hidden")) {
		st = strings.ToLower(strings.ReplaceAll(st, " ", ""))
		if strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden") {
			return false
		}
	}
	if c := attrv(n, "class"); c != "" {
		f := classFlagsOf(c)
		if f&cHidden != 0 || !sr && f&cVisuallyHidden != 0 {
			return false
		}
	}
	return true
}

// styledText is the text an i, em or u element shows on the screen (text
// for screen readers only and hidden text left out), "" when it shows no
// letter or digit (an icon, a full stop), and whether all of it is link
// text (inLink: the element is itself inside a link).
func styledText(n *html.Node, inLink bool) (string, bool) {
	var sb strings.Builder
	linked := true
	var walk func(*html.Node, bool, int)
	walk = func(n *html.Node, link bool, d int) {
		if d > maxDepth {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				sb.WriteString(c.Data)
				if !link && strings.TrimSpace(c.Data) != "" {
					linked = false
				}
			case html.ElementNode:
				if c.Namespace != "" || skipTags[c.Data] || !shownTo(c, false) {
					continue
				}
				walk(c, link || c.Data == "a", d+1)
			}
		}
	}
	walk(n, inLink, 0)
	t := collapse(sb.String())
	if !hasAlnum(t) {
		return "", false
	}
	return t, linked
}

func hasAlnum(s string) bool {
	for _, r := range s {
		if r < 0x80 {
			if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
				return true
			}
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// cellDone records what a finished table cell looks like, for telling data
// tables from layout tables (a11y-table-headers).
func (w *walker) cellDone(n *html.Node, col int) {
	t := w.tables[len(w.tables)-1]
	words, bold, links, ctl := cellFacts(n)
	if ctl {
		t.controls = true
	}
	if words == 0 {
		return
	}
	t.cells++
	if links == words {
		t.linkCells++
	}
	head := n.Data == "th" || bold == words || n.Parent != nil && n.Parent.Parent != nil && n.Parent.Parent.Data == "thead"
	if t.rows == 1 {
		t.firstRow++
		if head {
			t.firstRowBold++
		}
	}
	if col == 1 {
		t.firstCol++
		if head {
			t.firstColBold++
		}
	}
}

// cellFacts counts the shown words of a cell, those in bold and those in
// links, and says whether it holds a form control.
func cellFacts(n *html.Node) (words, bold, links int, control bool) {
	var walk func(*html.Node, bool, bool, int)
	walk = func(n *html.Node, b, l bool, d int) {
		if d > maxDepth {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				k := countWords(c.Data)
				words += k
				if b {
					bold += k
				}
				if l {
					links += k
				}
			case html.ElementNode:
				switch c.Data {
				case "input", "select", "textarea", "button":
					if !strings.EqualFold(attrv(c, "type"), "hidden") {
						control = true
					}
					continue
				}
				if c.Namespace != "" || skipTags[c.Data] || !shownTo(c, true) {
					continue
				}
				cb := b || c.Data == "b" || c.Data == "strong" || c.Data == "th"
				if st := attrv(c, "style"); st != "" && strings.Contains(strings.ToLower(st), "font-weight") {
					st = strings.ToLower(strings.ReplaceAll(st, " ", ""))
					cb = cb || strings.Contains(st, "font-weight:bold") || strings.Contains(st, "font-weight:700") || strings.Contains(st, "font-weight:800")
				}
				walk(c, cb, l || c.Data == "a", d+1)
			}
		}
	}
	walk(n, false, false, 0)
	return
}

// navClass reports whether an id or class names navigation: a menu, a
// navigation bar, breadcrumbs, a pager or a browse panel.
func navClass(id, class string) bool {
	for _, s := range []string{lowerASCII(id), lowerASCII(class)} {
		for _, k := range []string{"nav", "menu", "breadcrumb", "pagination", "pager", "browse"} {
			if strings.Contains(s, k) {
				return true
			}
		}
	}
	return false
}
