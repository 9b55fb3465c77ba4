package crawler

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// decodeHTML converts an HTML body to valid UTF-8 using, in order, the BOM,
// the Content-Type charset, a valid-UTF-8 check, the <meta> prescan, and
// Windows-1252 as the last resort. Invalid sequences become U+FFFD.
func decodeHTML(raw []byte, contentType string) []byte {
	if len(raw) == 0 {
		return raw
	}
	enc, name, certain := charset.DetermineEncoding(raw, contentType)
	if !certain && utf8.Valid(raw) {
		enc, name = encoding.Nop, "utf-8"
	}
	if enc == nil {
		enc = charmap.Windows1252
	}
	if name == "utf-8" || enc == encoding.Nop {
		if utf8.Valid(raw) {
			return raw
		}
		return bytes.ToValidUTF8(raw, []byte("\uFFFD"))
	}
	out, err := io.ReadAll(enc.NewDecoder().Reader(bytes.NewReader(raw)))
	if err != nil || !utf8.Valid(out) {
		return bytes.ToValidUTF8(raw, []byte("\uFFFD"))
	}
	return out
}

// PageBody turns a body read back from the archive into what the crawler
// hands its Sink: UTF-8 HTML (see Page.Body), with ok false when it is not
// HTML (by its Content-Type, or binary by its first bytes). max > 0 caps the
// body first, as the fetch did (the 404 probe keeps Config.MaxNotFoundBody).
func PageBody(raw []byte, contentType string, max int64) ([]byte, bool) {
	if max > 0 && int64(len(raw)) > max {
		raw = raw[:max]
	}
	if !isHTMLType(contentType) || looksBinary(raw) {
		return nil, false
	}
	return decodeHTML(raw, contentType), true
}

// isHTMLType reports whether a Content-Type is (or may be) HTML.
func isHTMLType(ct string) bool {
	ct = strings.ToLower(strings.TrimSpace(ct))
	if ct == "" {
		return true // sniffed after download
	}
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.TrimSpace(mt)
	return mt == "text/html" || mt == "application/xhtml+xml"
}

// looksBinary sniffs the start of a body that claims to be HTML.
func looksBinary(body []byte) bool {
	if len(body) == 0 {
		return false
	}
	head := body
	if len(head) > 512 {
		head = head[:512]
	}
	ct := http.DetectContentType(head)
	if strings.HasPrefix(ct, "text/") {
		return false
	}
	// DetectContentType says octet-stream for any control byte; allow a
	// stray one or two in otherwise textual HTML.
	if ct == "application/octet-stream" {
		ctrl := 0
		for _, c := range head {
			if c == 0 || (c < 0x09) || (c > 0x0D && c < 0x20 && c != 0x1B) {
				ctrl++
			}
		}
		return ctrl*20 > len(head) || bytes.IndexByte(head, 0) >= 0
	}
	return true
}

// foundLink is one link found on a page.
type foundLink struct {
	URL      string // absolute, fragment removed
	InRegion bool   // inside <main> or a "result(s)" container
	Refresh  bool   // from <meta http-equiv=refresh>
	Text     string // the link's text (or its image's alt, aria-label, title), trimmed
	Selector string // a CSS selector that finds the element: its id, else tag and raw href
}

// maxLinkText bounds a link's text kept as evidence.
const maxLinkText = 200

// htmlForm is a form found on a page.
type htmlForm struct {
	Action    string // absolute
	Method    string // upper case, GET when missing
	Inputs    []formInput
	HasSearch bool // has a search-like text input
}

type formInput struct {
	Name, Type, Value string
}

type pageInfo struct {
	Links []foundLink
	Forms []htmlForm
}

var searchInputNames = map[string]bool{
	"q": true, "query": true, "search": true, "s": true, "keywords": true, "keyword": true,
	"term": true, "terms": true, "searchterm": true, "search_term": true, "searchtext": true, "text": true,
}

// extractPage tokenizes an HTML body and returns its links (a, area,
// iframe/frame, meta refresh) and forms, resolved against base (honouring
// <base href>). It never fails; garbage yields what it can.
func extractPage(body []byte, base *url.URL, maxLinks int) pageInfo {
	var info pageInfo
	if base == nil {
		return info
	}
	z := html.NewTokenizer(bytes.NewReader(body))
	z.SetMaxBuf(8 << 20)
	type region struct {
		tag   string
		depth int
	}
	var regions []region
	var form *htmlForm
	seenBase := false
	// open is the index in info.Links of the <a> whose text is being
	// read (-1: none), and text that text so far.
	open := -1
	var text strings.Builder
	closeLink := func() {
		if open >= 0 && info.Links[open].Text == "" {
			info.Links[open].Text = linkText(text.String())
		}
		open = -1
		text.Reset()
	}
	add := func(ref string, refresh bool, sel string) bool {
		if maxLinks > 0 && len(info.Links) >= maxLinks {
			return false
		}
		if u := resolveRef(base, ref); u != "" {
			info.Links = append(info.Links, foundLink{URL: u, InRegion: len(regions) > 0, Refresh: refresh, Selector: sel})
			return true
		}
		return false
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			closeLink()
			if form != nil {
				info.Forms = append(info.Forms, *form)
			}
			return info
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			attrs := readAttrs(z, hasAttr)
			tag := atom.Lookup(name)
			tagName := string(name)
			if tt == html.StartTagToken {
				for i := range regions {
					if regions[i].tag == tagName {
						regions[i].depth++
					}
				}
				if isRegionStart(tag, attrs) && !voidElement(tag) {
					regions = append(regions, region{tag: tagName, depth: 1})
				}
			}
			switch tag {
			case atom.Base:
				if !seenBase {
					seenBase = true
					if u, err := base.Parse(strings.TrimSpace(attrs["href"])); err == nil && attrs["href"] != "" {
						base = u
					}
				}
			case atom.A, atom.Area:
				if tag == atom.A {
					closeLink() // an <a> left open ends where the next begins
				}
				if h, ok := attrs["href"]; ok && add(h, false, elementSelector(tagName, "href", h, attrs["id"])) {
					l := &info.Links[len(info.Links)-1]
					l.Text = linkText(firstNonEmpty(attrs["aria-label"], attrs["alt"]))
					if tag == atom.A && tt == html.StartTagToken {
						open = len(info.Links) - 1 // its text, unless labelled, is read up to </a>
					} else if l.Text == "" {
						l.Text = linkText(attrs["title"])
					}
				}
			case atom.Img:
				if open >= 0 {
					text.WriteString(" " + attrs["alt"] + " ")
				}
			case atom.Iframe, atom.Frame:
				if s, ok := attrs["src"]; ok && add(s, false, elementSelector(tagName, "src", s, attrs["id"])) {
					info.Links[len(info.Links)-1].Text = linkText(attrs["title"])
				}
			case atom.Meta:
				if strings.EqualFold(strings.TrimSpace(attrs["http-equiv"]), "refresh") {
					if ref := refreshURL(attrs["content"]); ref != "" {
						add(ref, true, `meta[http-equiv="refresh"]`)
					}
				}
			case atom.Form:
				if form != nil {
					info.Forms = append(info.Forms, *form)
				}
				method := strings.ToUpper(strings.TrimSpace(attrs["method"]))
				if method == "" {
					method = "GET"
				}
				action := base.String()
				if a := strings.TrimSpace(attrs["action"]); a != "" {
					action = resolveRef(base, a)
				}
				form = &htmlForm{Action: action, Method: method}
				if strings.Contains(strings.ToLower(attrs["role"]), "search") {
					form.HasSearch = true
				}
			case atom.Input:
				if form != nil {
					in := formInput{Name: attrs["name"], Type: strings.ToLower(attrs["type"]), Value: attrs["value"]}
					if in.Type == "" {
						in.Type = "text"
					}
					if in.Type == "search" || (in.Type == "text" && searchInputNames[strings.ToLower(in.Name)]) {
						form.HasSearch = true
					}
					if len(form.Inputs) < 50 {
						form.Inputs = append(form.Inputs, in)
					}
				}
			}
		case html.TextToken:
			if open >= 0 && text.Len() < 4*maxLinkText {
				text.Write(z.Text())
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			tagName := string(name)
			if atom.Lookup(name) == atom.A {
				closeLink()
			}
			if atom.Lookup(name) == atom.Form && form != nil {
				info.Forms = append(info.Forms, *form)
				form = nil
			}
			for i := len(regions) - 1; i >= 0; i-- {
				if regions[i].tag == tagName {
					regions[i].depth--
					if regions[i].depth <= 0 {
						regions = append(regions[:i], regions[i+1:]...)
					}
					break
				}
			}
		}
	}
}

func readAttrs(z *html.Tokenizer, more bool) map[string]string {
	if !more {
		return nil
	}
	m := make(map[string]string, 4)
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		key := string(k)
		if _, dup := m[key]; !dup {
			m[key] = string(v)
		}
	}
	return m
}

func isRegionStart(tag atom.Atom, attrs map[string]string) bool {
	if tag == atom.Main || strings.EqualFold(attrs["role"], "main") {
		return true
	}
	for _, a := range []string{attrs["class"], attrs["id"]} {
		if strings.Contains(strings.ToLower(a), "result") {
			return true
		}
	}
	return false
}

func voidElement(tag atom.Atom) bool {
	switch tag {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input,
		atom.Link, atom.Meta, atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
}

// refreshURL extracts the URL from a meta refresh content attribute such as
// "0; url='/next'".
func refreshURL(content string) string {
	_, rest, ok := strings.Cut(content, ";")
	if !ok {
		_, rest, ok = strings.Cut(content, ",")
		if !ok {
			return ""
		}
	}
	rest = strings.TrimSpace(rest)
	if len(rest) >= 3 && strings.EqualFold(rest[:3], "url") {
		rest = strings.TrimSpace(rest[3:])
		rest, ok = strings.CutPrefix(rest, "=")
		if !ok {
			return ""
		}
		rest = strings.TrimSpace(rest)
	}
	rest = strings.Trim(rest, `'"`)
	return strings.TrimSpace(rest)
}

// resolveRef resolves ref against base, returning an absolute http(s) URL
// without fragment, or "" when it is not a fetchable link.
func resolveRef(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "#") || len(ref) > 2048 {
		return ""
	}
	u, err := base.Parse(ref)
	if err != nil {
		return ""
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return ""
	}
	u.Fragment, u.RawFragment = "", ""
	u.User = nil
	return u.String()
}

// urlKey normalises a URL for the visited set: scheme and a leading "www."
// are ignored, host lower-cased, default ports and fragment dropped.
func urlKey(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	host = strings.TrimPrefix(host, "www.")
	port := u.Port()
	if port != "" && port != "80" && port != "443" {
		host += ":" + port
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		return host + p + "?" + u.RawQuery
	}
	return host + p
}

// docExtensions are link targets never fetched as pages (checked as links).
var docExtensions = []string{".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".csv",
	".zip", ".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".mp4", ".mp3", ".ics", ".xml", ".json", ".rss", ".css", ".js"}

func isDocPath(p string) bool {
	p = strings.ToLower(p)
	for _, e := range docExtensions {
		if strings.HasSuffix(p, e) {
			return true
		}
	}
	return false
}

func isPDFPath(p string) bool { return strings.HasSuffix(strings.ToLower(p), ".pdf") }

// linkText collapses a link's text and bounds it.
func linkText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > maxLinkText {
		s = string(r[:maxLinkText]) + "…"
	}
	return s
}

// elementSelector is a CSS selector for a link element: #id when it has a
// usable id, else the tag and its raw address attribute.
func elementSelector(tag, attr, raw, id string) string {
	if id = strings.TrimSpace(id); id != "" && !strings.ContainsAny(id, " \t\n\"'#.[]:>") && len(id) <= 100 {
		return "#" + id
	}
	if len(raw) > 300 {
		return tag
	}
	return tag + "[" + attr + "=\"" + strings.NewReplacer("\\", "\\\\", "\"", "\\\"", "\n", " ").Replace(raw) + "\"]"
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
