package dashboard

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/data"
)

// Badges: /badge/CODE.svg, a small SVG a council can put on its own site,
// with its site score, the method's version and the date of its latest
// crawl. It is an accessible image (role img, a title and a description
// naming the same figures as the text) whose every text has a contrast of
// 4.5:1 or more against its block (TestBadge works them out), drawn with
// presentation attributes only: no style, no script.

// Badge geometry: a fixed size, so the embedding HTML can say it.
const (
	badgeW, badgeH = 280, 40
	badgeSplit     = 84 // width of the "councildash" block
)

// badgeBand is a score band's block colour and text colour.
type badgeBand struct{ bg, fg, words string }

var (
	badgeBrand    = badgeBand{bg: "#0b0c0c", fg: "#ffffff"}
	badgeGood     = badgeBand{bg: "#00703c", fg: "#ffffff", words: "good"}
	badgeFair     = badgeBand{bg: "#ffdd00", fg: "#0b0c0c", words: "fair"}
	badgePoor     = badgeBand{bg: "#aa2a16", fg: "#ffffff", words: "poor"}
	badgeUnscored = badgeBand{bg: "#505a5f", fg: "#ffffff"}
)

func bandOf(score float64) badgeBand {
	switch band(score) {
	case "good":
		return badgeGood
	case "fair":
		return badgeFair
	}
	return badgePoor
}

// badgeText is what a badge says.
type badgeText struct {
	code, title, desc, line1, line2 string
	band                            badgeBand
}

// badgeSVG draws a badge. Text wider than its room (estimated) is
// squeezed to fit with textLength.
func badgeSVG(b badgeText) []byte {
	esc := html.EscapeString
	id := "councildash-badge-" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, b.code)
	fit := func(s string, size, room float64, bold bool) string {
		per := 0.56
		if bold {
			per = 0.62
		}
		if float64(len([]rune(s)))*size*per > room {
			return fmt.Sprintf(` textLength="%.0f" lengthAdjust="spacingAndGlyphs"`, room)
		}
		return ""
	}
	right := float64(badgeW - badgeSplit - 16)
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title %s-desc">`,
		badgeW, badgeH, badgeW, badgeH, id, id)
	fmt.Fprintf(&sb, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, esc(b.title), id, esc(b.desc))
	sb.WriteString(`<g font-family="Arial, Helvetica, sans-serif" aria-hidden="true">`)
	fmt.Fprintf(&sb, `<g><rect x="0" y="0" width="%d" height="%d" fill="%s"/>`, badgeSplit, badgeH, badgeBrand.bg)
	fmt.Fprintf(&sb, `<text x="%d" y="25" font-size="12" font-weight="bold" fill="%s"%s>councildash</text></g>`,
		8, badgeBrand.fg, fit("councildash", 12, badgeSplit-16, true))
	fmt.Fprintf(&sb, `<g><rect x="%d" y="0" width="%d" height="%d" fill="%s"/>`, badgeSplit, badgeW-badgeSplit, badgeH, b.band.bg)
	fmt.Fprintf(&sb, `<text x="%d" y="17" font-size="13" font-weight="bold" fill="%s"%s>%s</text>`,
		badgeSplit+8, b.band.fg, fit(b.line1, 13, right, true), esc(b.line1))
	fmt.Fprintf(&sb, `<text x="%d" y="32" font-size="10" fill="%s"%s>%s</text></g>`,
		badgeSplit+8, b.band.fg, fit(b.line2, 10, right, false), esc(b.line2))
	sb.WriteString(`</g></svg>`)
	return []byte(sb.String())
}

// badgeHTML is the HTML a council embeds: the badge, linking to its page.
// Its alternative text names the council, not the figures, which change
// with every crawl (the page it links to says them).
func badgeHTML(base, code, name string) string {
	base = strings.TrimRight(base, "/")
	esc := html.EscapeString
	p := url.PathEscape(code)
	return fmt.Sprintf(`<a href="%s/councils/%s"><img src="%s/badge/%s.svg" alt="%s on councildash: latest site score" width="%d" height="%d"></a>`,
		esc(base), esc(p), esc(base), esc(p), esc(name), badgeW, badgeH)
}

// badgeFor is a council's badge in the API.
func (s *Server) badgeFor(co data.Council) apiBadge {
	return apiBadge{SVGURL: s.abs("/badge/" + url.PathEscape(co.Code) + ".svg"), HTML: badgeHTML(s.baseURL, co.Code, co.Name)}
}

// badge serves GET /badge/CODE.svg.
func (s *Server) badge(c *gin.Context) {
	if _, ok := s.queryFor(c, opBadge); !ok {
		return
	}
	file := c.Param("file")
	code, ok := strings.CutSuffix(file, ".svg")
	if !ok {
		s.fail(c, notFound("file", "badges are SVG: ask for /badge/CODE.svg"))
		return
	}
	co, m, ok := s.councilAndModel(c, code)
	if !ok {
		return
	}
	b := badgeText{code: co.Code, band: badgeUnscored, line1: "Not scored yet", line2: "no crawl has scored this site",
		title: co.Name + " on councildash: not scored yet", desc: "No crawl has scored this council's website yet."}
	if row, ok := m.row(co.Code); ok && row.HasScore {
		when := row.Crawled.StartedAt.UTC()
		b.band = bandOf(row.Score)
		b.line1 = fmt.Sprintf("Site score %.1f/100", row.Score)
		b.line2 = fmt.Sprintf("method %s, crawled %s", row.MethodVersion, when.Format("2 Jan 2006"))
		b.title = fmt.Sprintf("%s on councildash: site score %.1f out of 100 (%s)", co.Name, row.Score, b.band.words)
		b.desc = fmt.Sprintf("Scored under method %s from the crawl of %s.", row.MethodVersion, when.Format("2 January 2006"))
		if row.Crawled.Demo {
			b.line2 = "demo data, " + b.line2
			b.desc += " Demo data: a crawl of a local copy, not of the council's live site."
		}
	}
	svg := badgeSVG(b)
	sum := sha256.Sum256(svg)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	h := c.Writer.Header()
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("ETag", etag)
	h.Set("Vary", "Accept-Encoding")
	if inm := c.GetHeader("If-None-Match"); inm != "" && strings.Contains(inm, etag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, "image/svg+xml; charset=utf-8", svg)
}
