package dashboard

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/reviews"
	"github.com/councildash/councildash/scoring"
)

// Atom feeds (RFC 4287): one per council (/councils/CODE/feed.atom: each
// run's score and the checks that changed, approved review comments and
// the council's responses) and one for the league (/feed.atom: runs that
// finished and their biggest movers). Built from the read model (and, for
// a council's check changes, one bounded query), served through the page
// cache, linked from pages with <link rel="alternate">.

type atomFeed struct {
	XMLName   xml.Name      `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string        `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID        string        `xml:"id"`
	Title     string        `xml:"title"`
	Subtitle  string        `xml:"subtitle,omitempty"`
	Updated   string        `xml:"updated"`
	Links     []atomLink    `xml:"link"`
	Author    atomPerson    `xml:"author"`
	Generator atomGenerator `xml:"generator"`
	Rights    string        `xml:"rights"`
	Entries   []atomEntry   `xml:"entry"`
}

type atomLink struct {
	Href  string `xml:"href,attr"`
	Rel   string `xml:"rel,attr,omitempty"`
	Type  string `xml:"type,attr,omitempty"`
	Title string `xml:"title,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomGenerator struct {
	URI     string `xml:"uri,attr,omitempty"`
	Version string `xml:"version,attr,omitempty"`
	Name    string `xml:",chardata"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomContent struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    string         `xml:"summary"`
	Content    *atomContent   `xml:"content,omitempty"`
	updated    time.Time
}

// feedIDSpace names the feeds' ids: name-based UUIDs, the same for the
// same thing on every server and every build.
var feedIDSpace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/councildash/councildash/feeds"))

func feedID(parts ...string) string {
	return "urn:uuid:" + uuid.NewSHA1(feedIDSpace, []byte(strings.Join(parts, "\x00"))).String()
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// runCompleteTime is when a run's results were complete: when it finished, or
// when it started while it has not.
func runCompleteTime(r data.Run) time.Time {
	if !r.FinishedAt.IsZero() && r.FinishedAt.After(r.StartedAt) {
		return r.FinishedAt
	}
	return r.StartedAt
}

// feedLinks are a feed's self and alternate links.
func (s *Server) feedLinks(self, page, title string) []atomLink {
	return []atomLink{
		{Href: s.abs(self), Rel: "self", Type: "application/atom+xml"},
		{Href: s.abs(page), Rel: "alternate", Type: "text/html", Title: title},
		{Href: s.abs("/api/v1/openapi.json"), Rel: "related", Type: "application/json", Title: "The councildash API"},
	}
}

// writeFeed sorts the entries newest first (at most maxEntries), dates the
// feed by its newest entry (or since when nothing happened) and sends it.
func (s *Server) writeFeed(c *gin.Context, f atomFeed, since time.Time) {
	const maxEntries = 60
	sort.SliceStable(f.Entries, func(i, j int) bool {
		a, b := f.Entries[i], f.Entries[j]
		if !a.updated.Equal(b.updated) {
			return a.updated.After(b.updated)
		}
		return a.Published > b.Published // RFC 3339 in UTC sorts as text
	})
	if len(f.Entries) > maxEntries {
		f.Entries = f.Entries[:maxEntries]
	}
	updated := since
	if len(f.Entries) > 0 {
		updated = f.Entries[0].updated
	}
	f.Updated = atomTime(updated)
	f.Lang = "en-GB"
	f.Author = atomPerson{Name: "councildash", URI: s.abs("/")}
	f.Generator = atomGenerator{URI: "https://github.com/councildash/councildash", Name: "councildash"}
	f.Rights = "Data licensed under " + LicenceName + " (" + LicenceURL + "); quotations from council websites stay with their councils."
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		s.fail(c, err)
		return
	}
	buf.WriteByte('\n')
	body := buf.Bytes()
	c.Set(bodyKey, body) // for the page cache
	c.Data(http.StatusOK, "application/atom+xml; charset=utf-8", body)
}

// htmlList renders items as an HTML list (escaped) for a content element.
func htmlList(items []string) string {
	var b strings.Builder
	b.WriteString("<ul>")
	for _, it := range items {
		b.WriteString("<li>" + html.EscapeString(it) + "</li>")
	}
	b.WriteString("</ul>")
	return b.String()
}

func signedWords(d float64) string {
	switch {
	case math.Abs(d) < 0.05:
		return "no change"
	case d > 0:
		return fmt.Sprintf("up %.1f", d)
	}
	return fmt.Sprintf("down %.1f", -d)
}

// councilFeed serves GET /councils/CODE/feed.atom.
func (s *Server) councilFeed(c *gin.Context) {
	if _, ok := s.queryFor(c, opCouncilFeed); !ok {
		return
	}
	co, m, ok := s.councilAndModel(c, c.Param("code"))
	if !ok {
		return
	}
	page := "/councils/" + url.PathEscape(co.Code)
	f := atomFeed{ID: feedID("council", co.Code), Title: co.Name + " on councildash",
		Subtitle: "Scores of " + co.Name + "'s website in each crawl, the checks that changed, reviews and the council's responses.",
		Links:    s.feedLinks(page+"/feed.atom", page, co.Name+" on councildash")}
	since := time.Unix(0, 0)
	if len(m.crawl.all) > 0 {
		since = m.crawl.all[len(m.crawl.all)-1].StartedAt
	}
	if cm := m.crawl.councils[co.Code]; cm != nil {
		entries, err := s.runEntries(c, co, cm.trend, page)
		if err != nil {
			s.fail(c, err)
			return
		}
		f.Entries = append(f.Entries, entries...)
	}
	if rv, ok := m.councilReviews(co.Code); ok {
		for _, cmt := range rv.Comments {
			who := "A resident"
			if cmt.Kind == reviews.KindPeer {
				who = "Staff of another council"
			}
			task := cmt.Task
			if t, ok := s.cat.taskBy[cmt.Task]; ok {
				task = t.Name
			}
			title := fmt.Sprintf("%s reviewed the task %q", who, task)
			if cmt.Demo {
				title += " (demo data)"
			}
			f.Entries = append(f.Entries, atomEntry{ID: feedID("review", cmt.ID), Title: title, updated: cmt.CreatedAt,
				Updated: atomTime(cmt.CreatedAt), Published: atomTime(cmt.CreatedAt), Summary: cmt.Comment,
				Links:      []atomLink{{Href: s.abs(page + "#reviews"), Rel: "alternate", Type: "text/html"}},
				Categories: []atomCategory{{Term: "review", Label: "Review"}}})
		}
		for _, r := range rv.Responses {
			title := co.Name + " responded"
			if demoResponse(r.ID) {
				title += " (demo data)"
			}
			f.Entries = append(f.Entries, atomEntry{ID: feedID("response", r.ID), Title: title, updated: r.CreatedAt,
				Updated: atomTime(r.CreatedAt), Published: atomTime(r.CreatedAt), Summary: r.Text,
				Links:      []atomLink{{Href: s.abs(page + "#reviews"), Rel: "alternate", Type: "text/html"}},
				Categories: []atomCategory{{Term: "response", Label: "Council response"}}})
		}
	}
	s.writeFeed(c, f, since)
}

// maxChangedChecks bounds the checks an entry lists.
const maxChangedChecks = 15

// runEntries are a council's entries for its runs with scores: the site
// and category scores and the checks whose score changed since the run
// before (one query for the check scores of every run of the trend).
func (s *Server) runEntries(c *gin.Context, co data.Council, trend []TrendPoint, page string) ([]atomEntry, error) {
	ids := make([]string, 0, len(trend))
	for _, p := range trend {
		ids = append(ids, p.Run.ID)
	}
	scores, err := s.store.CheckScores(c.Request.Context(), co.Code, ids)
	if err != nil {
		return nil, err
	}
	byRun := map[string]map[string]float64{}
	for _, sc := range scores {
		if byRun[sc.RunID] == nil {
			byRun[sc.RunID] = map[string]float64{}
		}
		byRun[sc.RunID][sc.CheckID] = sc.Score
	}
	var out []atomEntry
	for i, p := range trend {
		when := p.Run.StartedAt.UTC().Format("2 January 2006")
		title := "Not scored in the crawl of " + when
		summary := "No check applied to the site in this crawl."
		if p.HasOverall {
			title = fmt.Sprintf("Site score %.1f out of 100 in the crawl of %s", p.Overall, when)
			summary = fmt.Sprintf("Site score %.1f out of 100 under scoring method %s.", p.Overall, p.Run.MethodVersion)
			if i > 0 && trend[i-1].HasOverall {
				title += " (" + signedWords(round1(p.Overall-trend[i-1].Overall)) + ")"
			}
		}
		if p.Run.Demo {
			title += " (demo data)"
			summary += " Demo data: a crawl of a local copy, not of the council's live site."
		}
		var cats []string
		for _, cs := range p.Categories {
			if cs.Has {
				cats = append(cats, fmt.Sprintf("%s: %.1f", titleCase(cs.Category), cs.Score))
			}
		}
		body := "<p>" + html.EscapeString(summary) + "</p><p>Scores by category:</p>" + htmlList(cats)
		if i > 0 {
			changed := checkChangeWords(s.cat, byRun[trend[i-1].Run.ID], byRun[p.Run.ID])
			switch {
			case len(changed) == 0:
				body += "<p>No check's score changed since the crawl of " + html.EscapeString(trend[i-1].Run.StartedAt.UTC().Format("2 January 2006")) + ".</p>"
			default:
				more := ""
				if len(changed) > maxChangedChecks {
					more = fmt.Sprintf("<p>And %d more: see the council's page.</p>", len(changed)-maxChangedChecks)
					changed = changed[:maxChangedChecks]
				}
				body += "<p>Checks whose score changed since the crawl of " + html.EscapeString(trend[i-1].Run.StartedAt.UTC().Format("2 January 2006")) + ", biggest change first:</p>" + htmlList(changed) + more
			}
		}
		t := runCompleteTime(p.Run)
		out = append(out, atomEntry{ID: feedID("run", p.Run.ID, co.Code), Title: title, updated: t, Updated: atomTime(t), Published: atomTime(p.Run.StartedAt),
			Links:      []atomLink{{Href: s.abs(page), Rel: "alternate", Type: "text/html"}},
			Categories: []atomCategory{{Term: "run", Label: "Crawl run"}},
			Summary:    summary, Content: &atomContent{Type: "html", Body: body}})
	}
	return out, nil
}

// checkChangeWords lists the checks whose score changed between two runs,
// biggest change first, in words.
func checkChangeWords(cat catalogue, before, after map[string]float64) []string {
	type change struct {
		id       string
		from, to float64
		had, has bool
	}
	var cs []change
	for id, to := range after {
		from, had := before[id]
		if had && math.Abs(to-from) < 0.05 {
			continue
		}
		cs = append(cs, change{id: id, from: from, to: to, had: had, has: true})
	}
	for id, from := range before {
		if _, ok := after[id]; !ok {
			cs = append(cs, change{id: id, from: from, had: true})
		}
	}
	size := func(c change) float64 {
		if c.had && c.has {
			return math.Abs(c.to - c.from)
		}
		return 101 // a check that started or stopped applying comes first
	}
	sort.Slice(cs, func(i, j int) bool {
		if size(cs[i]) != size(cs[j]) {
			return size(cs[i]) > size(cs[j])
		}
		return cs[i].id < cs[j].id
	})
	out := make([]string, len(cs))
	for i, c := range cs {
		label := c.id
		if ch, ok := cat.checkBy[c.id]; ok {
			label = cat.method.CheckLabel(ch)
		}
		switch {
		case !c.had:
			out[i] = fmt.Sprintf("%s (%s): %.1f, applied for the first time", label, c.id, c.to)
		case !c.has:
			out[i] = fmt.Sprintf("%s (%s): no longer applied (was %.1f)", label, c.id, c.from)
		default:
			out[i] = fmt.Sprintf("%s (%s): %.1f, %s", label, c.id, c.to, signedWords(round1(c.to-c.from)))
		}
	}
	return out
}

// leagueFeed serves GET /feed.atom: runs that finished and their movers.
func (s *Server) leagueFeed(c *gin.Context) {
	if _, ok := s.queryFor(c, opLeagueFeed); !ok {
		return
	}
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	f := atomFeed{ID: feedID("league"), Title: "councildash: UK council websites league",
		Subtitle: "Each crawl run of the UK's council websites as it finishes: councils scored, the median site score and the biggest movers.",
		Links:    s.feedLinks("/feed.atom", "/", "The league table")}
	since := time.Unix(0, 0)
	if len(m.crawl.all) > 0 {
		since = m.crawl.all[len(m.crawl.all)-1].StartedAt
	}
	names := map[string]string{}
	for _, co := range s.councils {
		names[co.Code] = co.Name
	}
	runs := m.crawl.runs
	for i, r := range runs {
		if r.Status != data.RunFinished {
			continue
		}
		var overall []float64
		for _, cs := range m.crawl.scores[r.ID] {
			if v, ok := cs[scoring.CategoryOverall]; ok {
				overall = append(overall, v)
			}
		}
		if len(overall) == 0 {
			continue
		}
		sort.Float64s(overall)
		when := r.StartedAt.UTC().Format("2 January 2006")
		title := fmt.Sprintf("Crawl of %s: %d councils scored, median site score %.1f", when, len(overall), round1(quantile(overall, 0.5)))
		summary := fmt.Sprintf("The crawl run of %s (%s) finished: %d councils scored under method %s.", when, r.ID, len(overall), r.MethodVersion)
		if r.Demo {
			title += " (demo data)"
			summary += " Demo data: a crawl of a local web of council sites, not of their live sites."
		}
		body := "<p>" + html.EscapeString(summary) + "</p>"
		if prev := previousScored(runs, i); prev != nil {
			up, down := movers(m.crawl.scores[prev.ID], m.crawl.scores[r.ID], names)
			prevWhen := prev.StartedAt.UTC().Format("2 January 2006")
			if len(up) > 0 {
				body += "<p>Biggest rises since the crawl of " + html.EscapeString(prevWhen) + ":</p>" + htmlList(up)
			}
			if len(down) > 0 {
				body += "<p>Biggest falls since the crawl of " + html.EscapeString(prevWhen) + ":</p>" + htmlList(down)
			}
			if len(up)+len(down) == 0 {
				body += "<p>No council's site score changed since the crawl of " + html.EscapeString(prevWhen) + ".</p>"
			}
		}
		t := runCompleteTime(r)
		f.Entries = append(f.Entries, atomEntry{ID: feedID("league-run", r.ID), Title: title, updated: t, Updated: atomTime(t),
			Published: atomTime(r.StartedAt), Summary: summary, Content: &atomContent{Type: "html", Body: body},
			Links: []atomLink{{Href: s.abs("/"), Rel: "alternate", Type: "text/html"},
				{Href: s.abs("/export/scores.csv?run=" + url.QueryEscape(r.ID)), Rel: "enclosure", Type: "text/csv", Title: "Scores of this run (CSV)"}},
			Categories: []atomCategory{{Term: "run", Label: "Crawl run"}}})
	}
	s.writeFeed(c, f, since)
}

// previousScored is the scored run before runs[i] (runs newest first).
func previousScored(runs []data.Run, i int) *data.Run {
	if i+1 < len(runs) {
		return &runs[i+1]
	}
	return nil
}

// maxMovers is how many rises and falls a league entry lists.
const maxMovers = 5

// movers lists the councils whose site score rose and fell most between
// two runs.
func movers(before, after map[string]map[string]float64, names map[string]string) (up, down []string) {
	type mv struct {
		code     string
		from, to float64
	}
	var ms []mv
	for code, cs := range after {
		to, ok := cs[scoring.CategoryOverall]
		from, had := before[code][scoring.CategoryOverall]
		if ok && had && math.Abs(to-from) >= 0.05 {
			ms = append(ms, mv{code, from, to})
		}
	}
	sort.Slice(ms, func(i, j int) bool {
		di, dj := ms[i].to-ms[i].from, ms[j].to-ms[j].from
		if di != dj {
			return di > dj
		}
		return ms[i].code < ms[j].code
	})
	say := func(m mv) string {
		n := names[m.code]
		if n == "" {
			n = m.code
		}
		return fmt.Sprintf("%s: %.1f, %s", n, m.to, signedWords(round1(m.to-m.from)))
	}
	for i := 0; i < len(ms) && i < maxMovers && ms[i].to > ms[i].from; i++ {
		up = append(up, say(ms[i]))
	}
	for i := len(ms) - 1; i >= 0 && len(ms)-1-i < maxMovers && ms[i].to < ms[i].from; i-- {
		down = append(down, say(ms[i]))
	}
	return up, down
}

// FeedLink is a feed a page links with <link rel="alternate">.
type FeedLink struct{ Href, Title string }

// feedsFor names the feeds of a page: the league's on every page, a
// council's on its pages.
func feedsFor(path string) []FeedLink {
	out := []FeedLink{{Href: "/feed.atom", Title: "councildash: crawl runs and the league's biggest movers (Atom)"}}
	if rest, ok := strings.CutPrefix(path, "/councils/"); ok {
		code, _, _ := strings.Cut(rest, "/")
		if code != "" {
			out = append(out, FeedLink{Href: "/councils/" + url.PathEscape(code) + "/feed.atom", Title: "This council's results on councildash (Atom)"})
		}
	}
	return out
}
