package archive

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

const liveHost = "www.example-council.gov.uk"

// hostilePage tries every way we know to run script or load from the live
// site.
const hostilePage = `<!doctype html>
<html><head>
<meta charset="windows-1252">
<meta http-equiv="refresh" content="0; url=https://www.example-council.gov.uk/next">
<meta http-equiv="Content-Security-Policy" content="script-src *">
<base href="https://www.example-council.gov.uk/">
<title>Bins &amp; recycling</title>
<link rel="stylesheet" href="/css/site.css">
<link rel="preconnect" href="https://www.example-council.gov.uk">
<link rel="icon" href="https://www.example-council.gov.uk/favicon.ico">
<script>alert(1)</script>
<script src="https://www.example-council.gov.uk/app.js"></script>
<style>
@import url("https://www.example-council.gov.uk/print.css");
@import 'theme.css';
body { background: url(/img/bg.png) } .hero { background-image: url( "https://www.example-council.gov.uk/hero.jpg" ) }
.x { background: image-set("/a.png" 1x, '/b.png' 2x) } .y { behavior: url(javascript:alert(1)) }
@font-face { src: url(https://www.example-council.gov.uk/font.woff2) format("woff2") }
</style>
<!--[if IE]><script src="https://www.example-council.gov.uk/ie.js"></script><![endif]-->
</head>
<body onload="alert(1)" background="https://www.example-council.gov.uk/bg.gif">
<h1 onclick="steal()">Bin collections</h1>
<a href="/bins/day?uprn=1">Your bin day</a>
<a href="https://www.example-council.gov.uk/council-tax" ping="https://tracker.example/">Council tax</a>
<a href="https://other.example.org/page">Elsewhere</a>
<a href="javascript:alert(1)">click</a>
<a href="  JaVa&#x09;ScRiPt:alert(1)">click</a>
<a href="#main">Skip</a>
<a href="mailto:bins@example-council.gov.uk">Email us</a>
<img src="/img/logo.png" srcset="/img/logo-2x.png 2x, https://www.example-council.gov.uk/img/logo-3x.png 3x" alt="Logo" onerror="alert(1)">
<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">
<img src="data:text/html,<script>alert(1)</script>" alt="bad">
<picture><source srcset="https://www.example-council.gov.uk/a.webp" type="image/webp"><img src="x.jpg" alt=""></picture>
<video src="/v.mp4" poster="/poster.jpg"></video>
<iframe src="https://www.example-council.gov.uk/map"></iframe>
<iframe srcdoc="<script>alert(1)</script>"></iframe>
<object data="https://www.example-council.gov.uk/x.swf"></object><embed src="/x.swf">
<form action="https://www.example-council.gov.uk/search" method="get"><input name="q"><button formaction="https://evil.example/">Go</button><input type="image" src="/go.png"></form>
<div style="background:url('https://www.example-council.gov.uk/div.png')">styled</div>
<div style="width:e\78pression(alert(1))">escaped</div>
<p style="color: red">kept style</p>
<svg><a xlink:href="javascript:alert(1)"><text>svg link</text></a><use href="https://www.example-council.gov.uk/sprite.svg#i"></use><use href="#local"></use>
<image href="https://www.example-council.gov.uk/i.png"></image><set attributeName="href" to="javascript:alert(1)"></set><script>alert(2)</script></svg>
<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">m</maction></math>
<noscript><img src="https://www.example-council.gov.uk/pixel.gif"></noscript>
<blockquote cite="https://www.example-council.gov.uk/source">quote</blockquote>
<p>Caf&eacute; &pound;5 &#8211; done</p>
</body></html>`

// rewriteArchived maps the live site's own pages to /archive/run/<path>,
// like the dashboard would for pages it has.
func rewriteArchived(u *url.URL, kind URLKind) (string, bool) {
	if kind == LinkURL && u.Host == liveHost && strings.HasPrefix(u.Path, "/bins") {
		return "/archive/run-1/" + url.PathEscape(u.String()), true
	}
	return "", false
}

// walkAttrs calls fn for every element's attributes and every <style> text.
func walkAttrs(t *testing.T, page []byte, fn func(el, key, val string)) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				fn(n.Data, strings.ToLower(a.Key), a.Val)
			}
			if n.Data == "style" && n.FirstChild != nil {
				fn("style", "#text", n.FirstChild.Data)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return doc
}

// assertSafe checks a replayed page: no script element, no handler, no
// script URL, no plugin or frame, nothing pointing at the live host in a
// URL attribute or CSS; the banner first in the body.
func assertSafe(t *testing.T, page []byte) {
	t.Helper()
	lower := strings.ToLower(string(page))
	for _, bad := range []string{"<script", "<iframe", "<object", "<embed", "<base", "http-equiv", "<frame", "<noscript", "<set "} {
		if strings.Contains(lower, bad) {
			t.Errorf("replayed page contains %q", bad)
		}
	}
	walkAttrs(t, page, func(el, key, val string) {
		v := strings.ToLower(val)
		if strings.HasPrefix(key, "on") {
			t.Errorf("<%s %s=%q> handler left", el, key, val)
		}
		if scriptURL(val) || strings.Contains(v, "javascript:") || strings.Contains(v, "expression(") {
			t.Errorf("<%s %s=%q> script left", el, key, val)
		}
		switch key {
		case "src", "href", "srcset", "poster", "background", "data", "style", "#text", "action", "formaction", "cite", "ping", "imagesrcset":
			if strings.HasPrefix(v, "/archive/run-1/") { // our own archive route
				return
			}
			if strings.Contains(v, liveHost) || strings.Contains(v, "//") {
				t.Errorf("<%s %s=%q> points at the live web", el, key, val)
			}
		}
	})
}

func TestReplayHostilePage(t *testing.T) {
	captured := time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC)
	p, err := Replay([]byte(hostilePage), ReplayOptions{URL: "https://" + liveHost + "/bins", CapturedAt: captured,
		ContentType: "text/html; charset=windows-1252", Rewrite: rewriteArchived})
	if err != nil {
		t.Fatal(err)
	}
	assertSafe(t, p.Body)
	out := string(p.Body)
	for _, want := range []string{
		`<meta charset="utf-8"/>`,
		"Archived copy.",
		"captured it on 1 May 2026 at 09:30 UTC from https://" + liveHost + "/bins",
		`href="/archive/run-1/https:%2F%2F` + liveHost + `%2Fbins%2Fday%3Fuprn=1"`, // rewritten through the caller
		`title="Not in the archive: https://` + liveHost + `/council-tax"`,         // neutralised link says where it went
		`href="#main"`, `href="mailto:bins@example-council.gov.uk"`, `src="data:image/png;base64,iVBORw0KGgo="`,
		`<p style="color: red">kept style</p>`, `<use href="#local">`,
		"Café £5 – done", // windows-1252 entities and text decoded to UTF-8
		`url("about:invalid")`,
		"<title>Bins &amp; recycling</title>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("replayed page lacks %q", want)
		}
	}
	if strings.Contains(out, "escaped") && strings.Contains(out, `e\78pression`) {
		t.Error("escaped expression() kept")
	}
	// The banner is the body's first element.
	doc := walkAttrs(t, p.Body, func(string, string, string) {})
	var body *html.Node
	var find func(*html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "body" {
			body = n
		}
		for c := n.FirstChild; c != nil && body == nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	if body == nil || body.FirstChild == nil || attr(body.FirstChild, "id") != "councildash-archive-banner" {
		t.Fatal("banner is not the first thing in the body")
	}
	h := p.Header
	if h.Get("X-Robots-Tag") == "" || !strings.Contains(h.Get("X-Robots-Tag"), "noindex") ||
		!strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") ||
		!strings.Contains(h.Get("Content-Security-Policy"), "sandbox") ||
		strings.Contains(h.Get("Content-Security-Policy"), "script-src") ||
		h.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("headers %v", h)
	}
}

// TestReplayWithoutRewrite: with no archived copies every live URL is
// neutralised.
func TestReplayWithoutRewrite(t *testing.T) {
	p, err := Replay([]byte(hostilePage), ReplayOptions{URL: "https://" + liveHost + "/bins", ContentType: "text/html"})
	if err != nil {
		t.Fatal(err)
	}
	assertSafe(t, p.Body)
	if strings.Contains(string(p.Body), "/archive/") {
		t.Error("rewritten link without a Rewrite function")
	}
	if !strings.Contains(string(p.Body), "at an unknown time") {
		t.Error("banner without a capture time should say so")
	}
}

// TestReplayRefuses: not HTML, a bad page URL, HTML nested past the
// parser's limit: clear errors, no panic.
func TestReplayRefuses(t *testing.T) {
	if _, err := Replay([]byte("%PDF-1.7"), ReplayOptions{URL: "https://x.example/", ContentType: "application/pdf"}); !errors.Is(err, ErrNotHTML) {
		t.Errorf("pdf: %v", err)
	}
	if _, err := Replay([]byte{0x89, 'P', 'N', 'G', 0, 0}, ReplayOptions{URL: "https://x.example/"}); !errors.Is(err, ErrNotHTML) {
		t.Errorf("sniffed png: %v", err)
	}
	if _, err := Replay([]byte("<p>x"), ReplayOptions{URL: "relative", ContentType: "text/html"}); !errors.Is(err, ErrCannotReplay) {
		t.Errorf("relative URL: %v", err)
	}
	deep := strings.Repeat("<div>", 5000)
	if _, err := Replay([]byte(deep), ReplayOptions{URL: "https://x.example/", ContentType: "text/html"}); !errors.Is(err, ErrCannotReplay) {
		t.Errorf("deep nesting: %v", err)
	}
}

// TestReplayArchivedRecord: the whole path the /archive route will take,
// write, read at the Location, replay.
func TestReplayArchivedRecord(t *testing.T) {
	dir := t.TempDir()
	w := newWriter(t, dir, nil)
	req, _ := http.NewRequest(http.MethodGet, "https://"+liveHost+"/bins", nil)
	loc, err := w.RecordFetch(context.Background(), Fetch{Request: req, StatusCode: 200,
		Header: http.Header{"Content-Type": {"text/html; charset=windows-1252"}}, Body: strings.NewReader(hostilePage)})
	if err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	rec, err := ReadRecord(dir, loc, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Replay(rec.Body, ReplayOptions{URL: rec.TargetURI, CapturedAt: rec.Date, ContentType: rec.Header.Get("Content-Type"), Rewrite: rewriteArchived})
	if err != nil {
		t.Fatal(err)
	}
	assertSafe(t, p.Body)
	if !strings.Contains(string(p.Body), rec.Date.UTC().Format("2 January 2006 at 15:04 UTC")) {
		t.Error("banner lacks the capture time")
	}
}

func TestCSSUnescape(t *testing.T) {
	for in, want := range map[string]string{`a\62 c`: "abc", `\"q\"`: `"q"`, `x\
y`: "xy", `\0`: "\ufffd", `plain`: "plain", `\1F600`: "😀", `end\`: `end\`} {
		if got := cssUnescape(in); got != want {
			t.Errorf("cssUnescape(%q) = %q, want %q", in, got, want)
		}
	}
}
