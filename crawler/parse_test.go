package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestExtractPage(t *testing.T) {
	body := []byte(`<html><head><base href="http://x.gov.uk/dir/"><meta http-equiv="Refresh" content="5; URL='next.html'"></head>
<body><nav><a href="/nav">Nav</a></nav>
<a href="rel">r</a><a href="#top">frag only</a><a href="mailto:a@b">m</a><a href="javascript:void(0)">j</a>
<a href="https://other.org/p#sec">ext</a><area href="/map"><iframe src="/frame"></iframe>
<main><div class="search-results"><div><a href="/r1">one</a></div><a href="/r2">two</a></div><a href="/inmain">in main</a></main>
<a href="/after">after</a>
<form action="/search" role="search"><input type="search" name="query"><input type="hidden" name="site" value="1"></form>
<form method="post" action="/login"><input name="user"></form>
<form action="/find"><input type="text" name="q"></form>
</body></html>`)
	info := extractPage(body, mustURL(t, "http://x.gov.uk/start"), 0)
	var got []string
	region := map[string]bool{}
	for _, l := range info.Links {
		got = append(got, l.URL)
		region[l.URL] = l.InRegion
	}
	want := []string{"http://x.gov.uk/dir/next.html", "http://x.gov.uk/nav", "http://x.gov.uk/dir/rel", "https://other.org/p",
		"http://x.gov.uk/map", "http://x.gov.uk/frame", "http://x.gov.uk/r1", "http://x.gov.uk/r2", "http://x.gov.uk/inmain", "http://x.gov.uk/after"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("links\n got %v\nwant %v", got, want)
	}
	if !info.Links[0].Refresh || info.Links[1].Refresh {
		t.Error("meta refresh not flagged")
	}
	for u, in := range map[string]bool{"http://x.gov.uk/r1": true, "http://x.gov.uk/r2": true, "http://x.gov.uk/inmain": true,
		"http://x.gov.uk/after": false, "http://x.gov.uk/nav": false} {
		if region[u] != in {
			t.Errorf("%s in region = %v, want %v", u, region[u], in)
		}
	}
	if len(info.Forms) != 3 {
		t.Fatalf("forms %+v", info.Forms)
	}
	f := info.Forms[0]
	if f.Method != "GET" || f.Action != "http://x.gov.uk/search" || !f.HasSearch || len(f.Inputs) != 2 {
		t.Errorf("search form %+v", f)
	}
	if info.Forms[1].Method != "POST" || info.Forms[1].HasSearch {
		t.Errorf("login form %+v", info.Forms[1])
	}
	if !info.Forms[2].HasSearch {
		t.Errorf("q text input not seen as search: %+v", info.Forms[2])
	}
	if n := len(extractPage(body, mustURL(t, "http://x.gov.uk/"), 3).Links); n != 3 {
		t.Errorf("maxLinks cap: %d", n)
	}
}

func TestRefreshURL(t *testing.T) {
	for in, want := range map[string]string{
		"0; url=/a":          "/a",
		"0;URL='/b c'":       "/b c",
		`3; url="http://x/"`: "http://x/",
		"5":                  "",
		"0, url=/d":          "/d",
		"0; /e":              "/e",
		"0; urlx":            "",
	} {
		if got := refreshURL(in); got != want {
			t.Errorf("refreshURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDecodeHTML(t *testing.T) {
	cases := []struct {
		name, ct string
		raw      []byte
		want     string
	}{
		{"header charset", "text/html; charset=windows-1252", []byte("caf\xe9 \xa35"), "café £5"},
		{"meta charset", "text/html", []byte("<meta charset=\"iso-8859-1\">na\xefve"), "naïve"},
		{"utf-8 late", "text/html", append(bytes.Repeat([]byte("a"), 2000), "£"...), "£"},
		{"invalid utf-8", "text/html; charset=utf-8", []byte("ok \xff\xfe end"), "ok \uFFFD end"},
		{"no hints, latin1", "", []byte("r\xe9sum\xe9"), "résumé"},
		{"bom utf-16", "text/html", []byte("\xff\xfeh\x00i\x00"), "hi"},
	}
	for _, c := range cases {
		got := decodeHTML(c.raw, c.ct)
		if !utf8.Valid(got) || !strings.Contains(string(got), c.want) {
			t.Errorf("%s: got %q, want it to contain %q", c.name, got, c.want)
		}
	}
}

func TestLooksBinary(t *testing.T) {
	if looksBinary([]byte("<!doctype html><p>hello</p>")) || looksBinary([]byte("plain \x0c text")) || looksBinary(nil) {
		t.Error("text seen as binary")
	}
	if !looksBinary([]byte("\x89PNG\r\n\x1a\n....")) || !looksBinary([]byte("abc\x00\x01\x02def")) || !looksBinary([]byte("%PDF-1.4 ...")) {
		t.Error("binary not detected")
	}
}

func TestURLKey(t *testing.T) {
	a := urlKey(mustURL(t, "https://WWW.Example.gov.uk:443/a?x=1"))
	b := urlKey(mustURL(t, "http://example.gov.uk/a?x=1"))
	if a != b {
		t.Errorf("%q != %q", a, b)
	}
	if urlKey(mustURL(t, "http://example.gov.uk")) != "example.gov.uk/" || urlKey(mustURL(t, "http://e.uk:8080/")) != "e.uk:8080/" {
		t.Error("root/port normalisation")
	}
}

func gz(t testing.TB, s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = io.WriteString(zw, s)
	_ = zw.Close()
	return b.Bytes()
}

func TestParseSitemap(t *testing.T) {
	urlset := `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc> http://a/1 </loc><lastmod>2024-01-01</lastmod></url><url><loc>http://a/2</loc></url><url><loc>http://a/3</loc></url></urlset>`
	index := `<sitemapindex><sitemap><loc>http://a/s1.xml</loc></sitemap><sitemap><loc>http://a/s2.xml.gz</loc></sitemap></sitemapindex>`
	collect := func(r io.Reader, maxBytes int64, maxURLs int) (sitemapResult, []string, error) {
		var locs []string
		res, err := parseSitemap(r, maxBytes, maxURLs, func(l string, _ sitemapKind) { locs = append(locs, l) })
		return res, locs, err
	}
	res, locs, err := collect(strings.NewReader(urlset), 1<<20, 100)
	if err != nil || res.Kind != sitemapURLSet || res.Count != 3 || res.Truncated || strings.Join(locs, ",") != "http://a/1,http://a/2,http://a/3" {
		t.Errorf("urlset: %+v %v %v", res, locs, err)
	}
	res, locs, err = collect(bytes.NewReader(gz(t, index)), 1<<20, 100)
	if err != nil || res.Kind != sitemapIndex || len(locs) != 2 {
		t.Errorf("gzip index: %+v %v %v", res, locs, err)
	}
	res, locs, _ = collect(strings.NewReader(urlset), 1<<20, 2)
	if !res.Truncated || len(locs) != 2 {
		t.Errorf("url cap: %+v %v", res, locs)
	}
	res, _, _ = collect(strings.NewReader(urlset), 100, 100)
	if !res.Truncated {
		t.Errorf("byte cap: %+v", res)
	}
	if _, _, err = collect(strings.NewReader("<html><body>not a sitemap</body></html>"), 1<<20, 10); err == nil {
		t.Error("html accepted as sitemap")
	}
	if _, _, err = collect(bytes.NewReader([]byte{0x1f, 0x8b, 1, 2, 3}), 1<<20, 10); !errors.Is(err, errDecompression) {
		t.Errorf("corrupt gzip: %v", err)
	}
	// Nested <loc> in image extensions is not a page URL.
	res, locs, _ = collect(strings.NewReader(`<urlset><url><loc>http://a/p</loc><image:image><image:loc>http://a/i.png</image:loc></image:image></url></urlset>`), 1<<20, 10)
	if len(locs) != 1 {
		t.Errorf("image loc counted: %v", locs)
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestClassify(t *testing.T) {
	cases := map[string]error{
		ErrNone:             nil,
		ErrDNS:              &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", IsNotFound: true}},
		ErrTimeout:          &url.Error{Op: "Get", URL: "u", Err: timeoutErr{}},
		ErrRefused:          &net.OpError{Op: "dial", Err: fmt.Errorf("connect: %w", syscall.ECONNREFUSED)},
		ErrReset:            fmt.Errorf("read: %w", syscall.ECONNRESET),
		ErrRedirectLoop:     &url.Error{Op: "Get", URL: "u", Err: errRedirectLoop},
		ErrTooManyRedirects: &url.Error{Op: "Get", URL: "u", Err: errTooManyRedirects},
		ErrTooLarge:         errTooLarge,
		ErrDecompression:    errors.Join(errDecompression, gzip.ErrHeader),
		ErrTLS:              errors.New("tls: handshake failure"),
		ErrOther:            errors.New("weird"),
	}
	cases[ErrTimeout+"|ctx"] = fmt.Errorf("x: %w", context.DeadlineExceeded)
	for want, err := range cases {
		want, _, _ = strings.Cut(want, "|")
		if got := classify(err); got != want {
			t.Errorf("classify(%v) = %q, want %q", err, got, want)
		}
	}
	if statusClass(404) != ErrHTTP4xx || statusClass(503) != ErrHTTP5xx || statusClass(301) != ErrNone {
		t.Error("statusClass")
	}
}

func TestCappedBody(t *testing.T) {
	read := func(body []byte, gzipped bool, max int64) ([]byte, *fetchState, error) {
		st := newFetchState(max, 100, "")
		b := &cappedBody{raw: io.NopCloser(bytes.NewReader(body)), gzipped: gzipped, st: st}
		b.wire = &countingReader{r: b.raw, st: st}
		out, err := io.ReadAll(b)
		if err == nil {
			err = st.capErr()
		}
		return out, st, err
	}
	out, _, err := read([]byte("hello"), false, 5)
	if err != nil || string(out) != "hello" {
		t.Errorf("exact cap: %q %v", out, err)
	}
	out, _, err = read([]byte("hello!"), false, 5)
	if !errors.Is(err, errTooLarge) || string(out) != "hello" {
		t.Errorf("over cap: %q %v", out, err)
	}
	out, _, err = read(gz(t, "hello"), true, 100)
	if err != nil || string(out) != "hello" {
		t.Errorf("gzip: %q %v", out, err)
	}
	member := gz(t, strings.Repeat(" ", 1<<20))
	_, _, err = read(bytes.Repeat(member, 8), true, 1<<20)
	if !errors.Is(err, errDecompression) {
		t.Errorf("bomb: %v", err)
	}
	_, _, err = read(gz(t, randomText(5000)), true, 1000)
	if !errors.Is(err, errTooLarge) {
		t.Errorf("large but not a bomb: %v", err)
	}
	_, _, err = read([]byte("not gzip at all"), true, 1000)
	if !errors.Is(err, errDecompression) {
		t.Errorf("corrupt gzip: %v", err)
	}
}

func randomText(n int) string {
	var b strings.Builder
	x := uint32(1)
	for b.Len() < n {
		x = x*1664525 + 1013904223
		b.WriteByte(byte('a' + x>>24%26))
	}
	return b.String()
}

func FuzzExtractPage(f *testing.F) {
	f.Add([]byte(`<a href="/x">x</a><form action="?q"><input type=search name=q></form><meta http-equiv=refresh content="0;url=/y">`), "http://a.gov.uk/p")
	f.Add([]byte("<base href=\"::\"><main><main></main><a href=//b/c>"), "https://b/")
	f.Add([]byte("\xff\xfe<\x00a\x00"), "http://x/")
	f.Fuzz(func(t *testing.T, body []byte, base string) {
		u, err := url.Parse(base)
		if err != nil {
			return
		}
		info := extractPage(body, u, 1000)
		if len(info.Links) > 1000 {
			t.Fatalf("cap exceeded: %d", len(info.Links))
		}
		for _, l := range info.Links {
			lu, err := url.Parse(l.URL)
			if err != nil || (lu.Scheme != "http" && lu.Scheme != "https") || lu.Host == "" || lu.Fragment != "" {
				t.Fatalf("bad link %q", l.URL)
			}
		}
	})
}

func FuzzDecodeHTML(f *testing.F) {
	f.Add([]byte("caf\xe9"), "text/html; charset=windows-1252")
	f.Add([]byte(`<meta charset="shift_jis">\x82\xa0`), "")
	f.Add([]byte("\xef\xbb\xbfok\xff"), "text/html; charset=bogus")
	f.Fuzz(func(t *testing.T, raw []byte, ct string) {
		out := decodeHTML(raw, ct)
		if !utf8.Valid(out) {
			t.Fatalf("invalid UTF-8 out for %q", raw)
		}
		_ = looksBinary(raw)
	})
}

func FuzzParseSitemap(f *testing.F) {
	f.Add([]byte(`<urlset><url><loc>http://a/1</loc></url></urlset>`))
	f.Add([]byte(`<sitemapindex><sitemap><loc>http://a/s.xml</loc></sitemap></sitemapindex>`))
	f.Add(gz(f, `<urlset><url><loc>http://a/1</loc></url></urlset>`))
	f.Add([]byte(`<?xml version="1.0" encoding="windows-1252"?><urlset><url><loc>http://a/\xe9</loc></url></urlset>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		res, _ := parseSitemap(bytes.NewReader(data), 1<<16, 50, func(string, sitemapKind) { n++ })
		if n > 50 || res.Count != n {
			t.Fatalf("count %d, callbacks %d", res.Count, n)
		}
	})
}

func FuzzParseResolve(f *testing.F) {
	f.Add("a=1.2.3.4:80")
	f.Add("*=[::1]:8080\n# c\nb=nxdomain")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ReadResolve(strings.NewReader(s))
		if err != nil {
			return
		}
		for k, v := range m {
			if k == "" || v == "" {
				t.Fatalf("empty entry %q=%q", k, v)
			}
		}
	})
}

// FuzzParseRobots: whatever the status and body, parsing never panics; a
// 4xx answer allows everything and a 5xx answer forbids everything (RFC
// 9309); the rules answer any path; and the delay the crawler keeps is
// never below its own delay nor above the cap, whatever Crawl-delay says.
func FuzzParseRobots(f *testing.F) {
	f.Add(200, []byte("User-agent: *\nDisallow: /private\nCrawl-delay: 2\nSitemap: http://a/s.xml\n"))
	f.Add(200, []byte("User-agent: councildash\nAllow: /\nDisallow: /*?month=*$\n\nUser-agent: *\nDisallow: /\n"))
	f.Add(503, []byte(nil))
	f.Add(404, []byte("User-agent: *\nDisallow: /\n"))
	f.Add(200, []byte("\xef\xbb\xbfUser-agent:*\r\nCrawl-delay: 1e308\r\nDisallow:\x00\xff/\n"))
	f.Add(200, []byte("User-agent: councildash\nCrawl-delay: -5\n"))
	f.Add(200, []byte("User-agent: councildash\nCrawl-delay: 3600\n"))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		rules := robotsRulesFor(status, body, UserAgentToken)
		paths := []string{"/", "/a/b?c=d", "", "/private"}
		for _, p := range paths {
			ok := rules.allows(p)
			switch {
			case status >= 400 && status < 500 && !ok:
				t.Fatalf("status %d disallows %q: a 4xx robots.txt allows everything", status, p)
			case status >= 500 && status < 600 && ok:
				t.Fatalf("status %d allows %q: a 5xx robots.txt disallows everything", status, p)
			}
		}
		data, err := parseRobots(status, body)
		if err != nil || data == nil {
			if status >= 400 && status < 600 {
				t.Fatalf("status %d: no Crawl-delay and Sitemap reader (%v)", status, err)
			}
			return
		}
		const current, max = time.Second, 10 * time.Second
		declared, delay := robotsDelay(data, current, max)
		if declared < 0 || delay < current || delay > max {
			t.Fatalf("declared %v gives delay %v: want %v <= delay <= %v", declared, delay, current, max)
		}
		if declared > 0 && delay != min(declared, max) && delay != current {
			t.Fatalf("declared %v gives delay %v", declared, delay)
		}
	})
}

func FuzzRefreshAndURLKey(f *testing.F) {
	f.Add("0; url='/next'", "http://www.a.gov.uk:80/p?q=1#f")
	f.Add("5,URL=http://x", "https://A.gov.uk./")
	f.Add("url=", "http://[::1]:8080/%zz")
	f.Fuzz(func(t *testing.T, content, raw string) {
		_ = refreshURL(content)
		base, err := url.Parse(raw)
		if err != nil {
			return
		}
		_ = urlKey(base)
		if abs := resolveRef(base, refreshURL(content)); abs != "" {
			u, err := url.Parse(abs)
			if err != nil || u.Host == "" || u.Fragment != "" {
				t.Fatalf("resolveRef gave %q", abs)
			}
			if urlKey(u) == "" {
				t.Fatal("empty url key")
			}
		}
	})
}

// TestLinkEvidence: each link carries its text (or its image's alt, or its
// aria-label) and a selector that finds it, for the broken-links evidence.
func TestLinkEvidence(t *testing.T) {
	body := []byte(`<html><body><main>
<a href="/one" id="first">Pay <b>council</b>
  tax</a>
<a href="/two"><img src="x.png" alt="Bins logo"></a>
<a href="/three" aria-label="Report a pothole">Report</a>
<a href='/fo"ur'>Quoted</a>
<a href="/five">Never closed
<a href="/six" title="Six">   </a>
<iframe src="/map" title="Map of the area"></iframe>
</main></body></html>`)
	info := extractPage(body, mustURL(t, "https://www.x.gov.uk/page"), 0)
	want := []struct{ url, text, sel string }{
		{"https://www.x.gov.uk/one", "Pay council tax", "#first"},
		{"https://www.x.gov.uk/two", "Bins logo", `a[href="/two"]`},
		{"https://www.x.gov.uk/three", "Report a pothole", `a[href="/three"]`},
		{"https://www.x.gov.uk/fo%22ur", "Quoted", `a[href="/fo\"ur"]`},
		{"https://www.x.gov.uk/five", "Never closed", `a[href="/five"]`},
		{"https://www.x.gov.uk/six", "", `a[href="/six"]`},
		{"https://www.x.gov.uk/map", "Map of the area", `iframe[src="/map"]`},
	}
	if len(info.Links) != len(want) {
		t.Fatalf("%d links, want %d: %+v", len(info.Links), len(want), info.Links)
	}
	for i, w := range want {
		l := info.Links[i]
		if l.URL != w.url || l.Text != w.text || l.Selector != w.sel {
			t.Errorf("link %d: got %q %q %q, want %q %q %q", i, l.URL, l.Text, l.Selector, w.url, w.text, w.sel)
		}
	}
}
