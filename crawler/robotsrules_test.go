package crawler

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// robotsCase: a robots.txt body, the product token asking, and the paths it
// may and may not fetch.
type robotsCase struct {
	name, robots, agent string
	allow, disallow     []string
}

// The examples of RFC 9309 (§2.2, §5.1, §5.2) and of Google's robots.txt
// documentation ("URL matching based on path values", "Order of precedence
// for rules", user-agent and group handling), then the rules temoto got
// wrong and the parser's edge cases.
var robotsCases = []robotsCase{
	// RFC 9309 §5.1.
	{name: "rfc 5.1 foobot", robots: rfcExample, agent: "foobot",
		allow:    []string{"/example/page.html", "/example/allowed.gif"},
		disallow: []string{"/", "/example/", "/publications/", "/other.gif"}},
	{name: "rfc 5.1 barbot", robots: rfcExample, agent: "barbot",
		allow:    []string{"/", "/example/", "/example/page.htm", "/x.gif"},
		disallow: []string{"/example/page.html", "/example/page.html?x=1"}},
	{name: "rfc 5.1 bazbot shares barbot's group", robots: rfcExample, agent: "BazBot",
		allow: []string{"/example/"}, disallow: []string{"/example/page.html"}},
	{name: "rfc 5.1 quxbot has an empty group: all allowed, * ignored", robots: rfcExample, agent: "quxbot",
		allow: []string{"/", "/example/", "/a.gif"}},
	{name: "rfc 5.1 any other agent takes *", robots: rfcExample, agent: "councildash",
		allow:    []string{"/", "/publications/", "/publications/a.html", "/publications/b.gif", "/a.gif?x", "/a.gif/"},
		disallow: []string{"/a.gif", "/dir/b.gif", "/example/", "/example/x.html"}},
	// RFC 9309 §5.2: the longest match wins.
	{name: "rfc 5.2 longest match", robots: "User-Agent: foobot\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n", agent: "foobot",
		allow:    []string{"/example/page/", "/example/page/allowed.gif", "/elsewhere"},
		disallow: []string{"/example/page/disallowed.gif", "/example/page/disallowed.gif2"}},
	// RFC 9309 §2.2.2: percent-encoding, both ways; /robots.txt implicitly allowed.
	{name: "rfc 2.2.2 utf-8 rule, encoded url", robots: "User-agent: *\nDisallow: /foo/bar/ツ\n", agent: "councildash",
		allow: []string{"/foo/bar/", "/robots.txt"}, disallow: []string{"/foo/bar/%E3%83%84", "/foo/bar/%e3%83%84/x"}},
	{name: "rfc 2.2.2 encoded rule", robots: "User-agent: *\nDisallow: /foo/bar/%e3%83%84\n", agent: "councildash",
		disallow: []string{"/foo/bar/%E3%83%84"}},
	{name: "rfc 2.2.2 unreserved octets are decoded (url)", robots: "User-agent: *\nDisallow: /foo/bar/baz\n", agent: "councildash",
		allow: []string{"/foo/bar/ba"}, disallow: []string{"/foo/bar/%62%61%7A", "/foo/bar/%62az"}},
	{name: "rfc 2.2.2 unreserved octets are decoded (rule)", robots: "User-agent: *\nDisallow: /foo/bar/%62%61%7A\n", agent: "councildash",
		disallow: []string{"/foo/bar/baz"}},
	{name: "rfc 2.2.2 reserved octets stay encoded", robots: "User-agent: *\nDisallow: /a%2Fb\nDisallow: /foo/bar?baz=https%3A%2F%2Ffoo.bar\n", agent: "councildash",
		allow: []string{"/a/b"}, disallow: []string{"/a%2fb", "/foo/bar?baz=https%3a%2f%2ffoo.bar"}},
	{name: "rfc 2.2.3 %2A and %24 are literal * and $", robots: "User-agent: *\nDisallow: /path/file-with-a-%2A.html\nDisallow: /path/foo-%24\n", agent: "councildash",
		allow:    []string{"/path/file-with-a-x.html", "/path/foo-"},
		disallow: []string{"/path/file-with-a-*.html", "/path/file-with-a-%2a.html", "/path/foo-$", "/path/foo-$/more"}},
	{name: "rfc 2.2.2 /robots.txt always allowed", robots: "User-agent: *\nDisallow: /\nDisallow: /robots.txt\n", agent: "councildash",
		allow: []string{"/robots.txt", "/robots.txt?x=1", "/robots%2Etxt"}, disallow: []string{"/robots.txt2", "/robots.tx", "/"}},

	// Google: URL matching based on path values.
	{name: "google /", robots: "User-agent: *\nDisallow: /\n", agent: "councildash",
		disallow: []string{"/", "/a", "/a/b?c"}},
	{name: "google /* is /", robots: "User-agent: *\nDisallow: /*\n", agent: "councildash",
		disallow: []string{"/", "/a", "/a/b?c"}},
	{name: "google /$ home only", robots: "User-agent: *\nAllow: /$\nDisallow: /\n", agent: "councildash",
		allow:    []string{"/"},
		disallow: []string{"/council/", "/a/b/", "/page.htm", "/?q=1", "//"}},
	{name: "google /fish", robots: "User-agent: *\nDisallow: /fish\n", agent: "councildash",
		allow:    []string{"/Fish.asp", "/catfish", "/?id=fish", "/desert/fish"},
		disallow: []string{"/fish", "/fish.html", "/fish/salmon.html", "/fishheads", "/fishheads/yummy.html", "/fish.php?id=anything"}},
	{name: "google /fish*", robots: "User-agent: *\nDisallow: /fish*\n", agent: "councildash",
		allow:    []string{"/Fish.asp", "/catfish", "/?id=fish", "/desert/fish"},
		disallow: []string{"/fish", "/fish.html", "/fish/salmon.html", "/fishheads", "/fishheads/yummy.html", "/fish.php?id=anything"}},
	{name: "google /fish/", robots: "User-agent: *\nDisallow: /fish/\n", agent: "councildash",
		allow:    []string{"/fish", "/fish.html", "/animals/fish/", "/Fish/Salmon.asp"},
		disallow: []string{"/fish/", "/fish/?id=anything", "/fish/salmon.htm"}},
	{name: "google /*.php", robots: "User-agent: *\nDisallow: /*.php\n", agent: "councildash",
		allow:    []string{"/", "/windows.PHP"},
		disallow: []string{"/index.php", "/filename.php", "/folder/filename.php", "/folder/filename.php?parameters", "/folder/any.php.file.html", "/filename.php/"}},
	{name: "google /*.php$", robots: "User-agent: *\nDisallow: /*.php$\n", agent: "councildash",
		allow:    []string{"/filename.php?parameters", "/filename.php/", "/filename.php5", "/windows.PHP", "/"},
		disallow: []string{"/filename.php", "/folder/filename.php", "/a.php.php"}},
	{name: "google /fish*.php", robots: "User-agent: *\nDisallow: /fish*.php\n", agent: "councildash",
		allow:    []string{"/Fish.PHP", "/catfish.php"},
		disallow: []string{"/fish.php", "/fishheads/catfish.php?parameters"}},
	// Google: order of precedence for rules.
	{name: "google allow /p beats disallow /", robots: "User-agent: *\nAllow: /p\nDisallow: /\n", agent: "councildash",
		allow: []string{"/page", "/p"}, disallow: []string{"/", "/other"}},
	{name: "google tie: allow wins", robots: "User-agent: *\nAllow: /folder\nDisallow: /folder\n", agent: "councildash",
		allow: []string{"/folder/page", "/folder"}},
	{name: "google tie: allow wins, whatever the order", robots: "User-agent: *\nDisallow: /folder\nAllow: /folder\n", agent: "councildash",
		allow: []string{"/folder/page"}},
	{name: "google longer wildcard rule wins", robots: "User-agent: *\nAllow: /page\nDisallow: /*.html\n", agent: "councildash",
		allow: []string{"/page", "/page.htm"}, disallow: []string{"/page.html", "/x.html"}},
	{name: "google /$ allow, / disallow", robots: "User-agent: *\nAllow: /$\nDisallow: /\n", agent: "councildash",
		allow: []string{"/"}, disallow: []string{"/page.htm"}},
	// Google: groups.
	{name: "google groups for one agent merge", robots: "user-agent: councildash\ndisallow: /fish\n\nuser-agent: *\ndisallow: /carrots\n\nuser-agent: councildash\ndisallow: /shrimp\n", agent: "councildash",
		allow: []string{"/carrots", "/"}, disallow: []string{"/fish", "/shrimp"}},
	{name: "google user-agent lines share a group", robots: "user-agent: a\nuser-agent: councildash\ndisallow: /x\nuser-agent: b\ndisallow: /y\n", agent: "councildash",
		allow: []string{"/y"}, disallow: []string{"/x"}},
	{name: "case of the user-agent line and key", robots: "USER-AGENT: CouncilDash\nDISALLOW: /a\n\nuser-agent: *\ndisallow: /b\n", agent: "councildash",
		allow: []string{"/b", "/A"}, disallow: []string{"/a"}},
	{name: "product token with a version", robots: "User-agent: councildash/2.1 (+https://councildash.org)\nDisallow: /a\n\nUser-agent: *\nDisallow: /b\n", agent: "councildash",
		allow: []string{"/b"}, disallow: []string{"/a"}},
	{name: "another token that starts like ours is not ours", robots: "User-agent: councildashbot\nDisallow: /a\n\nUser-agent: council\nDisallow: /c\n\nUser-agent: *\nDisallow: /b\n", agent: "councildash",
		allow: []string{"/a", "/c"}, disallow: []string{"/b"}},
	{name: "no group for us, no *: all allowed", robots: "User-agent: other\nDisallow: /\n", agent: "councildash",
		allow: []string{"/", "/a"}},

	// What temoto v1.1.2 got wrong: wildcards unanchored at the start.
	{name: "wildcard is anchored at the start", robots: "User-agent: *\nDisallow: /private*\nDisallow: /*.pdf$\nDisallow: /tmp*/cache\n", agent: "councildash",
		allow:    []string{"/x/private", "/a.pdf?download=1", "/a.pdfx", "/x/private/", "/x/tmp/cache", "/x/tmp1/cache/y"},
		disallow: []string{"/private", "/privately/x", "/a.pdf", "/docs/2024/a.pdf", "/tmp/cache", "/tmp1/cache/y"}},
	{name: "* and $ count in a rule's length: a tie, Allow wins", robots: "User-agent: *\nAllow: /*.html$\nDisallow: /folder/\n", agent: "councildash",
		allow: []string{"/folder/a.html", "/a.html"}, disallow: []string{"/folder/a.htm", "/folder/a.html?x"}},
	{name: "query string matched", robots: "User-agent: *\nDisallow: /*?month=\nDisallow: /search?\n", agent: "councildash",
		allow:    []string{"/events", "/events?year=2024", "/search", "/search/x"},
		disallow: []string{"/events?month=5", "/events/x?month=5&a=1", "/search?q=bins"}},

	// Parser edge cases.
	{name: "rules before any user-agent are ignored", robots: "Disallow: /a\nUser-agent: *\nDisallow: /b\n", agent: "councildash",
		allow: []string{"/a"}, disallow: []string{"/b"}},
	{name: "empty disallow allows all", robots: "User-agent: *\nDisallow:\n", agent: "councildash",
		allow: []string{"/", "/a"}},
	{name: "comments, blanks, CRLF, BOM", robots: "\xef\xbb\xbf# hello\r\nUser-agent: * # all\r\n\r\n  Disallow : /a # not /b\r\n", agent: "councildash",
		allow: []string{"/b", "/"}, disallow: []string{"/a"}},
	{name: "CR line ends", robots: "User-agent: *\rDisallow: /a\r", agent: "councildash",
		allow: []string{"/b"}, disallow: []string{"/a"}},
	{name: "a forgotten colon", robots: "User-agent *\nDisallow /a\n", agent: "councildash",
		allow: []string{"/b"}, disallow: []string{"/a"}},
	{name: "typo in disallow", robots: "User-agent: *\nDisalow: /a\n", agent: "councildash",
		allow: []string{"/b"}, disallow: []string{"/a"}},
	{name: "crawl-delay and sitemap end the user-agent lines", robots: "User-agent: councildash\nCrawl-delay: 5\nUser-agent: other\nDisallow: /\n", agent: "councildash",
		allow: []string{"/", "/a"}},
	{name: "path without a leading slash", robots: "User-agent: *\nDisallow: private\n", agent: "councildash",
		allow: []string{"/"}, disallow: []string{"/private"}},
	{name: "* with a comment-like tail is still *", robots: "User-agent: * everyone\nDisallow: /a\n", agent: "councildash",
		disallow: []string{"/a"}},
	{name: "$ inside a rule is literal", robots: "User-agent: *\nDisallow: /a$b\n", agent: "councildash",
		allow: []string{"/a"}, disallow: []string{"/a$b", "/a%24b/c"}},
	{name: "space inside a rule", robots: "User-agent: *\nDisallow: /my page\n", agent: "councildash",
		allow: []string{"/my"}, disallow: []string{"/my%20page"}},
	{name: "paths are case-sensitive", robots: "User-agent: *\nDisallow: /Admin\n", agent: "councildash",
		allow: []string{"/admin"}, disallow: []string{"/Admin/x"}},
	{name: "several wildcards", robots: "User-agent: *\nDisallow: /*/*/*.html$\nAllow: /a/**/b/*.html$\n", agent: "councildash",
		allow:    []string{"/x.html", "/x/y.html", "/x/y/z.htm", "/a/q/b/c.html"},
		disallow: []string{"/x/y/z.html", "/x/y/z/w.html", "/a/b/c.html"}},
}

const rfcExample = `User-Agent: *
Disallow: *.gif$
Disallow: /example/
Allow: /publications/

User-Agent: foobot
Disallow:/
Allow:/example/page.html
Allow:/example/allowed.gif

User-Agent: barbot
User-Agent: bazbot
Disallow: /example/page.html

User-Agent: quxbot
`

func TestRobotsRules(t *testing.T) {
	for _, c := range robotsCases {
		r := parseRobotsRules([]byte(c.robots), c.agent)
		for _, p := range c.allow {
			if !r.allows(p) {
				t.Errorf("%s: %s disallowed, want allowed", c.name, p)
			}
		}
		for _, p := range c.disallow {
			if r.allows(p) {
				t.Errorf("%s: %s allowed, want disallowed", c.name, p)
			}
		}
		if len(c.allow)+len(c.disallow) == 0 {
			t.Errorf("%s: nothing asserted", c.name)
		}
	}
}

// A robots.txt answer's status decides before its body (RFC 9309 §2.3.1).
func TestRobotsRulesForStatus(t *testing.T) {
	body := []byte("User-agent: *\nDisallow: /a\n")
	for _, c := range []struct {
		status      int
		body        []byte
		slash, a    bool
		description string
	}{
		{200, body, true, false, "2xx: the rules"},
		{200, nil, true, true, "2xx, empty: allow all"},
		{200, []byte("<html>not robots</html>"), true, true, "2xx, garbage: allow all"},
		{404, body, true, true, "4xx: allow all"},
		{401, body, true, true, "4xx: allow all"},
		{503, body, false, false, "5xx: disallow all"},
		{0, body, true, true, "no status: allow all, as before"},
	} {
		r := robotsRulesFor(c.status, c.body, UserAgentToken)
		if r.allows("/") != c.slash || r.allows("/a") != c.a {
			t.Errorf("%d %s: / %v, /a %v", c.status, c.description, r.allows("/"), r.allows("/a"))
		}
		if !r.allows("/robots.txt") {
			t.Errorf("%d: /robots.txt disallowed", c.status)
		}
	}
}

// robotsInfo.allows takes a URL as url.Parse gives it: escaped path, query.
func TestRobotsInfoAllowsURL(t *testing.T) {
	info := &robotsInfo{rules: parseRobotsRules([]byte("User-agent: *\nAllow: /$\nDisallow: /\nAllow: /caf%C3%A9\nAllow: /q?a=1\n"), UserAgentToken)}
	for raw, want := range map[string]bool{
		"http://a.gov.uk":                true,
		"http://a.gov.uk/":               true,
		"http://a.gov.uk/#top":           true,
		"http://a.gov.uk/?x=1":           false,
		"http://a.gov.uk/council/":       false,
		"http://a.gov.uk/café":           true,
		"http://a.gov.uk/caf%c3%a9/menu": true,
		"http://a.gov.uk/q?a=1&b=2":      true,
		"http://a.gov.uk/q?b=2":          false,
		"http://a.gov.uk/robots.txt":     true,
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.allows(u); got != want {
			t.Errorf("%s: allowed %v, want %v", raw, got, want)
		}
	}
	if !(&robotsInfo{}).allows(&url.URL{Path: "/x"}) {
		t.Error("no rules must allow all")
	}
}

// refMatch is an independent reading of a rule: an anchored regexp over the
// normalised path.
func refMatch(r robotsRule, p string) bool {
	q := make([]string, len(r.segs))
	for i, s := range r.segs {
		q[i] = regexp.QuoteMeta(s)
	}
	expr := `(?s)^` + strings.Join(q, `.*`)
	if r.anchored {
		expr += `$`
	}
	return regexp.MustCompile(expr).MatchString(p)
}

// FuzzRobotsRules: whatever the body and path, parsing and matching never
// panic, /robots.txt is always allowed, the answer is the same twice, and it
// is the one an anchored-regexp reading of the same rules gives (longest
// match, Allow on a tie, allowed when nothing matches).
func FuzzRobotsRules(f *testing.F) {
	for _, c := range robotsCases {
		for _, p := range append(append([]string{}, c.allow...), c.disallow...) {
			f.Add([]byte(c.robots), p)
		}
	}
	f.Add([]byte("User-agent: *\nDisallow: /*a*a*a*a*a*a*a*b$\n"), "/"+strings.Repeat("a", 200))
	f.Add([]byte("User-agent:*\nDisallow:%\nAllow:%zz*%2\n"), "/%zz%2")
	f.Fuzz(func(t *testing.T, body []byte, path string) {
		r := parseRobotsRules(body, UserAgentToken)
		got := r.allows(path)
		if again := parseRobotsRules(body, UserAgentToken).allows(path); again != got || r.allows(path) != got {
			t.Fatalf("not deterministic for %q", path)
		}
		for _, rr := range []*robotsRules{r, nil, {disallowAll: true}} {
			if !rr.allows("/robots.txt") {
				t.Fatal("/robots.txt disallowed")
			}
		}
		p := path
		if p == "" || p[0] != '/' {
			p = "/" + p
		}
		p = robotsNormalise(p)
		if pp, _, _ := strings.Cut(p, "?"); pp == "/robots.txt" {
			return
		}
		best, want := -1, true
		for _, rule := range r.rules {
			m := refMatch(rule, p)
			if m != rule.matches(p) {
				t.Fatalf("rule %q (anchored %v) on %q: matches %v, regexp %v", rule.segs, rule.anchored, p, rule.matches(p), m)
			}
			if m && (rule.size > best || (rule.size == best && rule.allow)) {
				best, want = rule.size, rule.allow
			}
		}
		if got != want {
			t.Fatalf("%q: allowed %v, want %v", path, got, want)
		}
	})
}
