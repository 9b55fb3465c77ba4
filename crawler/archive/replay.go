package archive

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/css"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// ReplayCSP is the Content-Security-Policy an archived page is served with:
// no script at all, nothing from another origin (only data: images and
// fonts, inline styles, and our own origin for resources the caller rewrote
// to archived copies), no forms, no <base>, and a sandbox.
const ReplayCSP = "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; " +
	"media-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'self'; sandbox allow-popups"

// ReplayHeader returns the headers the archive route must send with a
// replayed page.
func ReplayHeader() http.Header {
	h := http.Header{}
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", ReplayCSP)
	h.Set("X-Robots-Tag", "noindex, nofollow, noarchive")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	return h
}

// URLKind says what a URL in an archived page is for.
type URLKind int

const (
	// LinkURL is followed by the reader (a, area, cite...).
	LinkURL URLKind = iota
	// ResourceURL is loaded by the browser (img, stylesheet, CSS url()...).
	ResourceURL
)

// ReplayOptions describe the archived page.
type ReplayOptions struct {
	// URL is the address the page was captured from (the base for its
	// relative links).
	URL string
	// CapturedAt is when it was captured (the banner shows it).
	CapturedAt time.Time
	// ContentType is the archived Content-Type (for the charset).
	ContentType string
	// Rewrite maps an absolute http(s) URL of the page to the address of
	// its archived copy; ok false when there is none. nil: none is. URLs not
	// rewritten are neutralised: links lose their href, resources their src.
	// Rewrite must not return live URLs.
	Rewrite func(u *url.URL, kind URLKind) (string, bool)
}

// ReplayPage is a page ready to serve: Body with Header.
type ReplayPage struct {
	Header http.Header
	Body   []byte
}

// ErrNotHTML: the archived body is not an HTML page.
var ErrNotHTML = errors.New("archive: not an HTML page")

// ErrCannotReplay: the page cannot be made safe to show (HTML nested
// deeper than the parser allows, say).
var ErrCannotReplay = errors.New("archive: cannot replay page")

// Replay turns an archived HTML body into a page that is safe to show:
// script elements, event handler attributes and javascript: (and other
// script) URLs are removed; frames, objects, <base>, refresh and other
// http-equiv metas go; every URL is either rewritten by opt.Rewrite or
// neutralised, including srcset and CSS url() and @import in style
// attributes and <style>; a banner at the top says it is an archived copy,
// captured when and from where. The HTML is parsed and rewritten as a tree
// (golang.org/x/net/html), CSS as tokens (github.com/tdewolff/parse/v2/css).
// Serve Body with Header (ReplayHeader: strict CSP, X-Robots-Tag noindex).
func Replay(body []byte, opt ReplayOptions) (*ReplayPage, error) {
	ct := opt.ContentType
	if ct == "" {
		ct = http.DetectContentType(body)
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "text/html" && mt != "application/xhtml+xml") {
		return nil, fmt.Errorf("%w: %s", ErrNotHTML, ct)
	}
	base, err := url.Parse(opt.URL)
	if err != nil || !base.IsAbs() {
		return nil, fmt.Errorf("%w: page URL %q", ErrCannotReplay, opt.URL)
	}
	r, err := charset.NewReader(bytes.NewReader(body), ct)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCannotReplay, err)
	}
	doc, err := html.ParseWithOptions(r, html.ParseOptionEnableScripting(false))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCannotReplay, err)
	}
	rw := &rewriter{base: base, opt: opt}
	rw.clean(doc)
	rw.addBanner(doc)
	var out bytes.Buffer
	out.Grow(len(body) + 1024)
	if err := html.Render(&out, doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCannotReplay, err)
	}
	return &ReplayPage{Header: ReplayHeader(), Body: out.Bytes()}, nil
}

type rewriter struct {
	base *url.URL
	opt  ReplayOptions
}

// dropped elements, in any namespace: scripts, embedded browsing contexts
// and plugins, things that change where URLs point or navigate by
// themselves, and SVG animation (it can set attributes to script URLs).
var droppedElements = map[string]bool{
	"script": true, "noscript": true, "iframe": true, "frame": true, "frameset": true, "object": true,
	"embed": true, "applet": true, "param": true, "base": true, "portal": true, "fencedframe": true,
	"set": true, "animate": true, "animatemotion": true, "animatetransform": true, "handler": true, "listener": true,
}

// URL-bearing attributes and what their URL is for.
var urlAttrs = map[string]URLKind{
	"href": LinkURL, "cite": LinkURL, "longdesc": LinkURL,
	"src": ResourceURL, "poster": ResourceURL, "background": ResourceURL, "lowsrc": ResourceURL, "dynsrc": ResourceURL,
	"data": ResourceURL, "codebase": ResourceURL, "archive": ResourceURL, "classid": ResourceURL, "manifest": ResourceURL,
	"icon": ResourceURL, "profile": ResourceURL, "usemap": LinkURL, "itemtype": LinkURL,
}

// droppedAttrs send requests or submit on their own.
var droppedAttrs = map[string]bool{"ping": true, "action": true, "formaction": true, "srcdoc": true, "http-equiv": true, "attributename": true}

// clean walks the tree (without recursion) and removes or rewrites what is
// unsafe.
func (rw *rewriter) clean(doc *html.Node) {
	var remove []*html.Node
	stack := []*html.Node{doc}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch n.Type {
		case html.ElementNode:
			name := strings.ToLower(n.Data)
			if droppedElements[name] || rw.dropMeta(n, name) {
				remove = append(remove, n)
				continue
			}
			rw.cleanAttrs(n, name)
			if name == "link" && attr(n, "href") == "" {
				remove = append(remove, n) // a stylesheet or preload from the live site
				continue
			}
			if name == "style" {
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.TextNode {
						c.Data = rw.css(c.Data)
					}
				}
			}
		case html.CommentNode:
			remove = append(remove, n) // conditional comments, and nothing to show
			continue
		}
		for c := n.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, c)
		}
	}
	for _, n := range remove {
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
}

// dropMeta: <meta http-equiv> (refresh, set-cookie, CSP...) and charset
// declarations (the page is re-encoded as UTF-8; ours comes first).
func (rw *rewriter) dropMeta(n *html.Node, name string) bool {
	if name != "meta" {
		return false
	}
	for _, a := range n.Attr {
		k := strings.ToLower(a.Key)
		if k == "http-equiv" || k == "charset" {
			return true
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

func (rw *rewriter) cleanAttrs(n *html.Node, name string) {
	out := n.Attr[:0]
	title := ""
	for _, a := range n.Attr {
		k := strings.ToLower(a.Key)
		kind, isURL := urlAttrs[k]
		switch {
		case strings.HasPrefix(k, "on"), droppedAttrs[k]:
			continue
		case k == "style":
			a.Val = rw.css(a.Val)
			if a.Val == "" {
				continue
			}
		case k == "srcset" || k == "imagesrcset":
			v, ok := rw.srcset(a.Val)
			if !ok {
				continue
			}
			a.Val = v
		case isURL:
			if k == "href" && (name == "link" || (n.Namespace == "svg" && name != "a")) {
				kind = ResourceURL
			}
			v, ok := rw.url(a.Val, kind)
			if !ok {
				if kind == LinkURL && (name == "a" || name == "area") {
					if u := rw.abs(a.Val); u != nil && (u.Scheme == "http" || u.Scheme == "https") {
						title = "Not in the archive: " + u.String()
					}
				}
				continue
			}
			a.Val = v
		case scriptURL(a.Val):
			continue
		}
		out = append(out, a)
	}
	n.Attr = out
	if title != "" && attr(n, "title") == "" {
		n.Attr = append(n.Attr, html.Attribute{Key: "title", Val: title})
	}
}

// scriptURL reports whether v, as a browser would read it as a URL, runs
// script.
func scriptURL(v string) bool {
	s := strings.ToLower(strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, v))
	return strings.HasPrefix(s, "javascript:") || strings.HasPrefix(s, "vbscript:") || strings.HasPrefix(s, "livescript:") ||
		strings.HasPrefix(s, "data:text/html") || strings.HasPrefix(s, "data:application/xhtml") || strings.HasPrefix(s, "data:image/svg")
}

// abs resolves v (an attribute value) against the page URL.
func (rw *rewriter) abs(v string) *url.URL {
	v = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, strings.TrimFunc(v, func(r rune) bool { return r <= ' ' }))
	u, err := rw.base.Parse(v)
	if err != nil {
		return nil
	}
	return u
}

// url rewrites one URL: same-page fragments stay, mailto:/tel: links stay,
// data: images stay, http(s) URLs go through opt.Rewrite; the rest (and
// what Rewrite refuses) is neutralised (ok false).
func (rw *rewriter) url(v string, kind URLKind) (string, bool) {
	t := strings.TrimFunc(v, func(r rune) bool { return r <= ' ' })
	if t == "" || strings.HasPrefix(t, "#") {
		return t, !scriptURL(t)
	}
	if scriptURL(t) {
		return "", false
	}
	u := rw.abs(t)
	if u == nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if rw.opt.Rewrite != nil {
			if s, ok := rw.opt.Rewrite(u, kind); ok && !scriptURL(s) {
				return s, true
			}
		}
		return "", false
	case "mailto", "tel":
		return t, kind == LinkURL
	case "data":
		return t, kind == ResourceURL && strings.HasPrefix(strings.ToLower(u.Opaque), "image/")
	}
	return "", false
}

// srcset rewrites each candidate's URL; if one cannot be kept the whole
// attribute goes (src remains).
func (rw *rewriter) srcset(v string) (string, bool) {
	var out []string
	s := v
	for {
		s = strings.TrimLeft(s, " \t\n\r\f,")
		if s == "" {
			break
		}
		u, rest := s, ""
		if i := strings.IndexAny(s, " \t\n\r\f"); i >= 0 {
			u, rest = s[:i], s[i:]
		}
		desc := ""
		if strings.HasSuffix(u, ",") {
			u, s = strings.TrimRight(u, ","), rest
		} else if j := strings.IndexByte(rest, ','); j >= 0 {
			desc, s = rest[:j], rest[j+1:]
		} else {
			desc, s = rest, ""
		}
		if u == "" || strings.HasPrefix(u, "#") || strings.Contains(u, ",") {
			return "", false // nothing to load, or odd enough to read two ways
		}
		nu, ok := rw.url(u, ResourceURL)
		if !ok || nu == "" {
			return "", false
		}
		c := nu
		if d := strings.TrimSpace(desc); d != "" {
			c += " " + d
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return "", false
	}
	return strings.Join(out, ", "), true
}

// urlFunctions take URL strings as arguments.
var urlFunctions = map[string]bool{"image-set": true, "-webkit-image-set": true, "src": true, "image": true, "cross-fade": true}

// css rewrites the URLs in a style sheet or style attribute: url() and the
// strings of image-set() and the like go through url() (neutralised to
// about:invalid), @import rules are dropped. A style using escapes in
// function or at-rule names, or expression(), is dropped whole ("").
func (rw *rewriter) css(src string) string {
	l := css.NewLexer(parse.NewInputString(src))
	var b strings.Builder
	depth, urlDepth := 0, -1 // paren depth; depth of the url-taking function we are in
	skipping := false        // inside an @import rule
	for {
		tt, data := l.Next()
		if tt == css.ErrorToken {
			break
		}
		if skipping {
			if tt == css.SemicolonToken || tt == css.LeftBraceToken || tt == css.RightBraceToken {
				skipping = false
			}
			continue
		}
		switch tt {
		case css.URLToken:
			b.WriteString(rw.cssURL(cssURLValue(data)))
			continue
		case css.BadURLToken:
			b.WriteString(`url("about:invalid")`)
			continue
		case css.FunctionToken:
			name := strings.ToLower(strings.TrimSuffix(string(data), "("))
			if strings.Contains(name, `\`) || name == "expression" || name == "url" {
				return ""
			}
			depth++
			if urlFunctions[name] && urlDepth < 0 {
				urlDepth = depth
			}
		case css.LeftParenthesisToken:
			depth++
		case css.RightParenthesisToken:
			if depth == urlDepth {
				urlDepth = -1
			}
			if depth > 0 {
				depth--
			}
		case css.AtKeywordToken:
			name := strings.ToLower(string(data))
			if strings.Contains(name, `\`) {
				return ""
			}
			if name == "@import" {
				skipping = true
				continue
			}
		case css.StringToken:
			if urlDepth >= 0 {
				b.WriteString(cssString(rw.cssTarget(cssUnquote(data))))
				continue
			}
		}
		b.Write(data)
	}
	return b.String()
}

// cssURL returns url("...") for the rewritten or neutralised raw URL.
func (rw *rewriter) cssURL(raw string) string {
	return "url(" + cssString(rw.cssTarget(raw)) + ")"
}

func (rw *rewriter) cssTarget(raw string) string {
	if v, ok := rw.url(raw, ResourceURL); ok && v != "" {
		return v
	}
	return "about:invalid"
}

// cssURLValue extracts the URL of a url(...) token.
func cssURLValue(tok []byte) string {
	s := string(tok)
	if i := strings.IndexByte(s, '('); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimSuffix(s, ")")
	s = strings.TrimSpace(s)
	if len(s) > 0 && (s[0] == '"' || s[0] == '\'') {
		return cssUnquote([]byte(s))
	}
	return cssUnescape(s)
}

// cssUnquote removes a string token's quotes and escapes.
func cssUnquote(tok []byte) string {
	s := string(tok)
	if len(s) >= 1 && (s[0] == '"' || s[0] == '\'') {
		q := s[0]
		s = s[1:]
		if len(s) > 0 && s[len(s)-1] == q {
			s = s[:len(s)-1]
		}
	}
	return cssUnescape(s)
}

// cssUnescape resolves CSS escapes (\\XX hex, \\c, escaped newline).
func cssUnescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		if s[i] == '\n' {
			continue
		}
		j := i
		for j < len(s) && j-i < 6 && strings.IndexByte("0123456789abcdefABCDEF", s[j]) >= 0 {
			j++
		}
		if j == i {
			b.WriteByte(s[i])
			continue
		}
		n, _ := strconv.ParseUint(s[i:j], 16, 32)
		if n == 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff) {
			n = 0xfffd
		}
		b.WriteRune(rune(n))
		if j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n') {
			j++
		}
		i = j - 1
	}
	return b.String()
}

// cssString quotes s as a CSS string, escaping everything but plain URL
// characters (so "</style>" can never appear).
func cssString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r >= 0x20 && r < 0x7f && !strings.ContainsRune(`"'\<>()&`, r) {
			b.WriteRune(r)
			continue
		}
		fmt.Fprintf(&b, `\%x `, r)
	}
	b.WriteByte('"')
	return b.String()
}

// addBanner puts our metas first in <head> and the banner first in <body>.
func (rw *rewriter) addBanner(doc *html.Node) {
	var htmlEl, head, body *html.Node
	for c := doc.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == atom.Html {
			htmlEl = c
		}
	}
	if htmlEl == nil {
		htmlEl = &html.Node{Type: html.ElementNode, Data: "html", DataAtom: atom.Html}
		doc.AppendChild(htmlEl)
	}
	for c := htmlEl.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.ElementNode && c.DataAtom == atom.Head:
			head = c
		case c.Type == html.ElementNode && c.DataAtom == atom.Body:
			body = c
		}
	}
	if head == nil {
		head = &html.Node{Type: html.ElementNode, Data: "head", DataAtom: atom.Head}
		htmlEl.InsertBefore(head, htmlEl.FirstChild)
	}
	if body == nil {
		body = &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
		htmlEl.AppendChild(body)
	}
	metas := []*html.Node{
		el("meta", atom.Meta, "charset", "utf-8"),
		el("meta", atom.Meta, "name", "robots", "content", "noindex, nofollow"),
		el("meta", atom.Meta, "name", "referrer", "content", "no-referrer"),
	}
	for i := len(metas) - 1; i >= 0; i-- {
		head.InsertBefore(metas[i], head.FirstChild)
	}
	when := "at an unknown time"
	if !rw.opt.CapturedAt.IsZero() {
		when = "on " + rw.opt.CapturedAt.UTC().Format("2 January 2006 at 15:04 UTC")
	}
	banner := el("div", atom.Div, "id", "councildash-archive-banner", "role", "note", "style",
		"all:initial;display:block;box-sizing:border-box;width:100%;margin:0;padding:10px 14px;background:#fff7d6;"+
			"border-bottom:3px solid #b58100;color:#1f1f1f;font:15px/1.4 Arial,Helvetica,sans-serif;text-align:left;")
	strong := el("strong", atom.Strong, "style", "all:initial;font:bold 15px/1.4 Arial,Helvetica,sans-serif;color:#1f1f1f;")
	strong.AppendChild(&html.Node{Type: html.TextNode, Data: "Archived copy. "})
	banner.AppendChild(strong)
	banner.AppendChild(&html.Node{Type: html.TextNode, Data: "This is the page as councildash captured it " + when +
		" from " + rw.base.String() + ". It may have changed since. Scripts are removed and nothing is loaded from the live site; " +
		"links lead to other archived pages, or nowhere."})
	body.InsertBefore(banner, body.FirstChild)
}

func el(name string, a atom.Atom, kv ...string) *html.Node {
	n := &html.Node{Type: html.ElementNode, Data: name, DataAtom: a}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Attr = append(n.Attr, html.Attribute{Key: kv[i], Val: kv[i+1]})
	}
	return n
}
