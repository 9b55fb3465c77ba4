package crawler

import (
	"bytes"
	"strings"
)

// robots.txt path matching (RFC 9309 §2.2), done here rather than by
// temoto/robotstxt: temoto compiles rules with `*` or `$` into regexps that
// are not anchored at the start of the path and ranks them by the regexp's
// length, so `Allow: /$` allowed every path ending in "/" and
// `Disallow: /*.pdf$` matched anywhere. temoto still reads Crawl-delay and
// Sitemap lines (robots.go).

// robotsRules are the allow and disallow rules robots.txt gives one product
// token. A nil *robotsRules allows everything.
type robotsRules struct {
	disallowAll bool // a 5xx robots.txt, or one that cannot be reached
	rules       []robotsRule
}

type robotsRule struct {
	allow    bool
	size     int      // octets of the path as written: the most specific (longest) match wins
	segs     []string // the normalised path cut at each '*'
	anchored bool     // the path ended in '$': the match must reach the end of the URL path
}

// robotsRulesFor returns the rules for a robots.txt answer: a 2xx body is
// parsed for token; 4xx (and any other status) allows everything; 5xx
// disallows everything (RFC 9309 §2.3.1).
func robotsRulesFor(status int, body []byte, token string) *robotsRules {
	switch {
	case status >= 200 && status < 300:
		return parseRobotsRules(body, token)
	case status >= 500 && status < 600:
		return &robotsRules{disallowAll: true}
	}
	return nil
}

// parseRobotsRules reads the groups of a robots.txt body and keeps the rules
// of the groups naming token (case-insensitive, merged when several do), or
// else of the `*` groups. Lines it cannot read are skipped; it never fails.
func parseRobotsRules(body []byte, token string) *robotsRules {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	type group struct {
		ours, global bool
		rules        []robotsRule
	}
	var groups []*group
	var cur *group
	agentLines := false // the last record read was a user-agent line
	for len(body) > 0 {
		var line []byte
		if i := bytes.IndexAny(body, "\r\n"); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			line, body = body, nil
		}
		key, value, ok := robotsLine(line)
		if !ok {
			continue
		}
		switch key {
		case "user-agent", "useragent", "user agent":
			if cur == nil || !agentLines {
				cur = &group{}
				groups = append(groups, cur)
			}
			agentLines = true
			switch {
			case value == "*" || strings.HasPrefix(value, "* ") || strings.HasPrefix(value, "*\t"):
				cur.global = true
			case strings.EqualFold(productToken(value), token):
				cur.ours = true
			}
		case "allow", "disallow", "dissallow", "dissalow", "disalow", "diasllow", "disallaw":
			agentLines = false
			if cur == nil || value == "" {
				continue // outside any group, or empty: no rule
			}
			cur.rules = append(cur.rules, newRobotsRule(key == "allow", value))
		default: // Sitemap, Crawl-delay, anything else: ends the user-agent lines
			agentLines = false
		}
	}
	r := &robotsRules{}
	ours := false
	for _, g := range groups {
		ours = ours || g.ours
	}
	for _, g := range groups {
		if (ours && g.ours) || (!ours && g.global) {
			r.rules = append(r.rules, g.rules...)
		}
	}
	return r
}

// robotsLine splits one line into its lower-case key and its value, without
// comment or surrounding blanks. Like Google's parser it takes a blank for a
// forgotten colon when the line holds exactly two words.
func robotsLine(line []byte) (key, value string, ok bool) {
	if i := bytes.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	s := strings.Trim(string(line), " \t")
	k, v, found := strings.Cut(s, ":")
	if !found {
		i := strings.IndexAny(s, " \t")
		if i < 0 {
			return "", "", false
		}
		k, v = s[:i], strings.TrimLeft(s[i:], " \t")
		if strings.ContainsAny(v, " \t") {
			return "", "", false
		}
	}
	k = strings.ToLower(strings.Trim(k, " \t"))
	if k == "" {
		return "", "", false
	}
	return k, strings.Trim(v, " \t"), true
}

// productToken is the leading run of letters, '_' and '-' of a user-agent
// value ("councildash/1.0" names councildash), as RFC 9309 §2.2.1 defines
// product tokens.
func productToken(v string) string {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-') {
			return v[:i]
		}
	}
	return v
}

func newRobotsRule(allow bool, path string) robotsRule {
	r := robotsRule{allow: allow, size: len(path)}
	if path[0] != '/' && path[0] != '*' {
		path = "/" + path // not a valid path; read it as one rather than drop a Disallow
	}
	if strings.HasSuffix(path, "$") {
		r.anchored, path = true, path[:len(path)-1]
	}
	r.segs = strings.Split(path, "*")
	for i, s := range r.segs {
		r.segs[i] = robotsNormalise(s)
	}
	return r
}

// robotsNormalise brings a URL path (or a rule's path between wildcards) to
// the form both are compared in (RFC 9309 §2.2.2): %-escapes of unreserved
// characters decoded, other %-escapes in upper case, octets outside printable
// ASCII %-encoded, and '*', '$' and a '%' that starts no escape %-encoded so
// that they only match themselves.
func robotsNormalise(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			d := unhex(s[i+1])<<4 | unhex(s[i+2])
			if isUnreserved(d) {
				b.WriteByte(d)
			} else {
				b.WriteByte('%')
				b.WriteByte(hex[d>>4])
				b.WriteByte(hex[d&15])
			}
			i += 2
		case c <= ' ' || c >= 0x7f || c == '*' || c == '$' || c == '%':
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// isUnreserved: RFC 3986 §2.3.
func isUnreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// allows reports whether rules let the crawler fetch pathQuery (the URL's
// escaped path and "?query", if any): the longest matching rule decides, an
// Allow wins a tie, no matching rule allows, and /robots.txt is always
// allowed (RFC 9309 §2.2.2).
func (r *robotsRules) allows(pathQuery string) bool {
	if pathQuery == "" || pathQuery[0] != '/' {
		pathQuery = "/" + pathQuery
	}
	p := robotsNormalise(pathQuery)
	if path, _, _ := strings.Cut(p, "?"); path == "/robots.txt" {
		return true
	}
	if r == nil {
		return true
	}
	if r.disallowAll {
		return false
	}
	best, allowed := -1, true
	for i := range r.rules {
		rule := &r.rules[i]
		if rule.size < best || (rule.size == best && !rule.allow) || !rule.matches(p) {
			continue
		}
		best, allowed = rule.size, rule.allow
	}
	return allowed
}

// matches: the rule matches p from its start, '*' standing for any run of
// octets; the segments are found leftmost first, which is enough for
// patterns whose only wildcard is '*', and costs O(len(p)) per segment.
func (r *robotsRule) matches(p string) bool {
	last := len(r.segs) - 1
	if last == 0 {
		if r.anchored {
			return p == r.segs[0]
		}
		return strings.HasPrefix(p, r.segs[0])
	}
	if !strings.HasPrefix(p, r.segs[0]) {
		return false
	}
	i := len(r.segs[0])
	for _, s := range r.segs[1:last] {
		j := strings.Index(p[i:], s)
		if j < 0 {
			return false
		}
		i += j + len(s)
	}
	s := r.segs[last]
	if r.anchored {
		return len(p)-i >= len(s) && strings.HasSuffix(p, s)
	}
	return strings.Contains(p[i:], s)
}

// RobotsAllows reports whether a robots.txt body, answered with status,
// lets councildash fetch pathQuery (a URL's escaped path and query), matched
// exactly as the crawler matches it. Local webs built for tests and the
// demo use it to check what they tell crawlers.
func RobotsAllows(status int, body []byte, pathQuery string) bool {
	return robotsRulesFor(status, body, UserAgentToken).allows(pathQuery)
}
