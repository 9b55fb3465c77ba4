package dashboard_test

import (
	"encoding/xml"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/councildash/councildash/scoring"
)

// xmllintAtom validates a feed against RFC 4287's RELAX NG schema
// (testdata/atom) with libxml2's xmllint; it skips without xmllint, or
// fails under CI=true.
func xmllintAtom(t *testing.T, name, body string) error {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("validating the Atom feeds needs xmllint (Debian's libxml2-utils), which is not installed (CI=true: a failure, not a skip)")
		}
		t.Skip("validating the Atom feeds needs xmllint (apt-get install libxml2-utils): skipping")
	}
	file := filepath.Join(t.TempDir(), strings.NewReplacer("/", "_").Replace(name))
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--noout", "--relaxng", filepath.Join("testdata", "atom", "atom.rng"), file).CombinedOutput()
	if err != nil {
		return &xmllintError{string(out)}
	}
	return nil
}

type xmllintError struct{ out string }

func (e *xmllintError) Error() string { return e.out }

// TestFeeds: a council's feed and the league's are valid Atom (RFC 4287's
// schema, with xmllint), parse with gofeed, and hold what they promise:
// each run's score with the checks that changed, reviews and responses;
// the finished runs with their movers. Pages link them.
func TestFeeds(t *testing.T) {
	f := newFixture(t)
	_, hs := f.serve(t, true)
	first := f.councils[0]

	// The schema is not blind: a feed without an id fails it.
	bad := `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><updated>2026-01-01T00:00:00Z</updated><author><name>x</name></author></feed>`
	if err := xmllintAtom(t, "bad.atom", bad); err == nil {
		t.Fatal("the Atom schema accepts a feed without an id")
	}

	parse := func(path string) *gofeed.Feed {
		t.Helper()
		pg := get(t, hs.URL, path)
		mustStatus(t, pg, 200, path)
		if ct := pg.header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
			t.Errorf("%s: content type %q", path, ct)
		}
		if err := xmllintAtom(t, path, pg.body); err != nil {
			t.Fatalf("%s is not valid Atom (RFC 4287): %v\n%.3000s", path, err, pg.body)
		}
		feed, err := gofeed.NewParser().ParseString(pg.body)
		if err != nil {
			t.Fatalf("%s: gofeed: %v", path, err)
		}
		if feed.FeedType != "atom" || feed.FeedVersion != "1.0" {
			t.Errorf("%s: gofeed reads %s %s", path, feed.FeedType, feed.FeedVersion)
		}
		if feed.UpdatedParsed == nil || len(feed.Authors) == 0 || feed.Link == "" {
			t.Errorf("%s: feed lacks updated, author or link: %+v", path, feed)
		}
		ids := map[string]bool{}
		for i, it := range feed.Items {
			if it.GUID == "" || ids[it.GUID] || it.UpdatedParsed == nil || it.Title == "" || it.Link == "" {
				t.Errorf("%s entry %d: id %q (seen %v), updated %v, title %q, link %q", path, i, it.GUID, ids[it.GUID], it.UpdatedParsed, it.Title, it.Link)
			}
			ids[it.GUID] = true
			if i > 0 && it.UpdatedParsed != nil && feed.Items[i-1].UpdatedParsed != nil && it.UpdatedParsed.After(*feed.Items[i-1].UpdatedParsed) {
				t.Errorf("%s: entries not newest first", path)
			}
		}
		return feed
	}

	cf := parse("/councils/" + first.Code + "/feed.atom")
	if !strings.Contains(cf.Title, first.Name) || !strings.HasSuffix(cf.Link, "/councils/"+first.Code) {
		t.Errorf("council feed title %q link %q", cf.Title, cf.Link)
	}
	kinds := map[string]int{}
	changes := false
	for _, it := range cf.Items {
		for _, c := range it.Categories {
			kinds[c]++
		}
		if strings.Contains(it.Content, "Checks whose score changed since the crawl of") || strings.Contains(it.Content, "No check&#39;s score changed") ||
			strings.Contains(it.Content, "No check's score changed") {
			changes = true
		}
	}
	if kinds["Crawl run"] != 2 || kinds["Review"] == 0 || kinds["Council response"] == 0 {
		t.Errorf("council feed entries by kind %v: want 2 runs, reviews and responses", kinds)
	}
	if !changes {
		t.Error("the newer run's entry does not say which checks changed")
	}
	var latestRun *gofeed.Item
	for _, it := range cf.Items {
		if strings.HasPrefix(it.Title, "Site score") && (latestRun == nil || it.PublishedParsed.After(*latestRun.PublishedParsed)) {
			latestRun = it
		}
	}
	if latestRun == nil || !strings.Contains(latestRun.Title, "(up ") && !strings.Contains(latestRun.Title, "(down ") && !strings.Contains(latestRun.Title, "(no change)") {
		t.Errorf("the latest run's entry does not say the change: %+v", latestRun)
	}

	lf := parse("/feed.atom")
	if len(lf.Items) != 2 {
		t.Fatalf("league feed has %d entries, want one per finished run (2)", len(lf.Items))
	}
	if !strings.Contains(lf.Items[0].Title, strconv.Itoa(fixtureSites)+" councils scored") {
		t.Errorf("league entry title %q", lf.Items[0].Title)
	}
	if !strings.Contains(lf.Items[0].Content, "Biggest rises") && !strings.Contains(lf.Items[0].Content, "Biggest falls") {
		t.Errorf("league entry has no movers: %s", lf.Items[0].Content)
	}

	// Pages link the feeds.
	home := get(t, hs.URL, "/").body
	if !strings.Contains(home, `<link rel="alternate" type="application/atom+xml" href="/feed.atom"`) {
		t.Error("the home page does not link the league's feed")
	}
	council := get(t, hs.URL, "/councils/"+first.Code).body
	if !strings.Contains(council, `<link rel="alternate" type="application/atom+xml" href="/councils/`+first.Code+`/feed.atom"`) {
		t.Error("the council page does not link its feed")
	}
	// A council never crawled has a valid, empty feed.
	if nf := parse("/councils/N99999999/feed.atom"); len(nf.Items) != 0 {
		t.Errorf("a council never crawled has %d entries", len(nf.Items))
	}
}

// svgNode is an SVG element, for the badge's contrast.
type svgNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Content  string     `xml:",chardata"`
	Children []svgNode  `xml:",any"`
}

func (n svgNode) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// luminance and contrast are WCAG 2's.
func luminance(hex string) float64 {
	hex = strings.TrimPrefix(hex, "#")
	ch := func(i int) float64 {
		v, _ := strconv.ParseUint(hex[i:i+2], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(0) + 0.7152*ch(2) + 0.0722*ch(4)
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestBadge: a scored council's badge is an accessible SVG (role img, a
// title and a description with the score, method and date), every text
// of it has a contrast of 4.5:1 or more against its block, it is
// cacheable with an ETag; a council not scored gets "not scored yet", an
// unknown code a 404.
func TestBadge(t *testing.T) {
	f := newFixture(t)
	_, hs := f.serve(t, true)
	first := f.councils[0]
	check := func(path string, wantText ...string) page {
		t.Helper()
		pg := get(t, hs.URL, path)
		mustStatus(t, pg, 200, path)
		if ct := pg.header.Get("Content-Type"); ct != "image/svg+xml; charset=utf-8" {
			t.Errorf("%s: content type %q", path, ct)
		}
		if cc := pg.header.Get("Cache-Control"); cc != "public, max-age=3600" || pg.header.Get("ETag") == "" {
			t.Errorf("%s: Cache-Control %q ETag %q", path, cc, pg.header.Get("ETag"))
		}
		var root svgNode
		if err := xml.Unmarshal([]byte(pg.body), &root); err != nil {
			t.Fatalf("%s: not XML: %v", path, err)
		}
		if root.XMLName.Local != "svg" || root.attr("role") != "img" || root.attr("aria-labelledby") == "" {
			t.Errorf("%s: root %s role %q labelledby %q", path, root.XMLName.Local, root.attr("role"), root.attr("aria-labelledby"))
		}
		ids := map[string]string{}
		var texts []string
		var walk func(n svgNode, bg string)
		walk = func(n svgNode, bg string) {
			if id := n.attr("id"); id != "" {
				ids[id] = n.Content
			}
			if n.attr("style") != "" || n.XMLName.Local == "style" || n.XMLName.Local == "script" || n.XMLName.Local == "foreignObject" {
				t.Errorf("%s: has %s (style or script)", path, n.XMLName.Local)
			}
			for _, c := range n.Children {
				if c.XMLName.Local == "rect" {
					bg = c.attr("fill")
				}
			}
			for _, c := range n.Children {
				if c.XMLName.Local == "text" {
					texts = append(texts, c.Content)
					if bg == "" {
						t.Errorf("%s: text %q on no block", path, c.Content)
					} else if cr := contrast(c.attr("fill"), bg); cr < 4.5 {
						t.Errorf("%s: text %q %s on %s has contrast %.2f < 4.5", path, c.Content, c.attr("fill"), bg, cr)
					}
				}
				walk(c, bg)
			}
		}
		walk(root, "")
		label := ""
		for _, id := range strings.Fields(root.attr("aria-labelledby")) {
			label += ids[id] + " "
		}
		all := label + strings.Join(texts, " ")
		for _, w := range wantText {
			if !strings.Contains(all, w) {
				t.Errorf("%s: badge says %q, lacks %q", path, all, w)
			}
		}
		return pg
	}
	latest := f.runs[1]
	pg := check("/badge/"+first.Code+".svg", "Site score", first.Name, "out of 100", methodWords(), latest.StartedAt.UTC().Format("2 January 2006"),
		latest.StartedAt.UTC().Format("2 Jan 2006"))
	// Cacheable: the same ETag gets a 304.
	again := getH(t, hs.URL, "/badge/"+first.Code+".svg", map[string]string{"If-None-Match": pg.header.Get("ETag")})
	if again.status != 304 || again.body != "" {
		t.Errorf("If-None-Match: %d %q", again.status, again.body)
	}
	check("/badge/N99999999.svg", "not scored yet", "Nevercrawled District Council")
	mustStatus(t, get(t, hs.URL, "/badge/NOPE.svg"), 404, "unknown badge")

	// The API gives the HTML to embed it, linking back to the council's page.
	api := get(t, hs.URL, "/api/v1/councils/"+first.Code).body
	for _, want := range []string{`"svg_url":"http://localhost:8080/badge/` + first.Code + `.svg"`,
		`\u003ca href=\"http://localhost:8080/councils/` + first.Code + `\"\u003e\u003cimg src=\"http://localhost:8080/badge/` + first.Code + `.svg\" alt=\"`} {
		if !strings.Contains(api, want) {
			t.Errorf("council API lacks %s", want)
		}
	}
	// /data shows a badge embedded (the browser test runs axe on it).
	if d := get(t, hs.URL, "/data").body; !strings.Contains(d, `<img src="/badge/`) {
		t.Error("/data shows no badge")
	}
}

func methodWords() string { return "method " + scoring.CurrentMethod().Version }
