package dashboard

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/reviews"
	"github.com/councildash/councildash/scoring"
)

// The council page: scores against the peer group, the distribution, the
// trend, every check with its evidence, the top tasks and the reviews.

type checkView struct {
	Check    scoring.Check
	HTML     checkHTML     // the parts of the page that depend on the check alone
	Meta     template.HTML // the summary's score and cost (see metaHTML)
	Figures  template.HTML // the check's figures (see figuresHTML)
	Result   data.CheckResult
	Has      bool // statistics exist for this check
	Applied  bool
	Passed   int
	Cost     checkCost
	FixRank  int // its place in the fix-first list (0: not in it)
	Evidence []evidenceView
	Worst    []worstView
	Notes    checkNotes // advisory, or not computable from the stored statistics
}

// checkHTML are the pieces of a council page that depend on the check
// alone, rendered once per check (a council page lists every check, most
// of them twice): the opening of its details block up to its name, the
// rest of the summary's opening, its name linked to its page, and its
// guidance (the rule quoted and how to fix).
type checkHTML struct {
	Head, Body, Link template.HTML
	// Guide is under a level 3 heading (its own heading is a level 4),
	// Guide3 under a level 2.
	Guide, Guide3 template.HTML
}

// checkFragments renders the pieces of a check.
var checkFragments = template.Must(template.New("check").Funcs(template.FuncMap{"path": url.PathEscape}).Parse(
	`{{define "head"}}<details class="govuk-details app-check" id="check-{{.Check.ID}}">
  <summary class="govuk-details__summary">
    <span class="govuk-details__summary-text">{{.Label}}</span>{{if .Advisory}} <strong class="govuk-tag govuk-tag--grey">advisory</strong>{{end}}{{end}}` +
		`{{define "body"}}
  </summary>
  <div class="govuk-details__text">
    <dl class="govuk-summary-list govuk-summary-list--no-border app-summary-list--compact">
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Check</dt><dd class="govuk-summary-list__value"><a class="govuk-link" href="/checks/{{path .Check.ID}}">{{.Check.ID}}</a></dd></div>
      {{- if .Advisory}}
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Weight</dt><dd class="govuk-summary-list__value">none: advisory, its findings are for you to judge and do not count in any score ({{.Advisory}})</dd></div>
      {{- end}}
      {{end}}` +
		`{{define "link"}}<a class="govuk-link" href="/checks/{{path .Check.ID}}">{{.Label}}</a>{{if .Advisory}} (advisory: no weight){{end}}{{end}}` +
		`{{define "guide"}}{{with .Guide}}{{if .Rule}}<figure class="app-rule">
  <blockquote class="app-quote app-rule__quote"><p class="govuk-body">{{.Rule}}</p></blockquote>
  <figcaption class="govuk-body-s app-rule__source">{{.Source}}</figcaption>
</figure>{{else}}<p class="govuk-body-s">The check follows {{.Source}}.</p>{{end}}
<h{{$.Level}} class="govuk-heading-s govuk-!-margin-bottom-1">How to fix it</h{{$.Level}}>
<p class="govuk-body">{{.HowToFix}}</p>{{end}}{{end}}`))

// newCheckHTML renders every check's pieces under the method.
func newCheckHTML(m scoring.Method, checks []scoring.Check) (map[string]checkHTML, error) {
	out := make(map[string]checkHTML, len(checks))
	for _, c := range checks {
		g, _ := scoring.Guidance(c.ID)
		d := struct {
			Check    scoring.Check
			Label    string
			Guide    *scoring.Guide
			Level    int
			Advisory string // why the check carries no weight, when it is advisory
		}{c, m.CheckLabel(c), &g, 4, m.Advisory[c.ID]}
		if g.HowToFix == "" {
			d.Guide = nil
		}
		var parts [5]strings.Builder
		for i, name := range []string{"head", "body", "link", "guide", "guide"} {
			if i == 4 {
				d.Level = 3
			}
			if err := checkFragments.ExecuteTemplate(&parts[i], name, d); err != nil {
				return nil, err
			}
		}
		// escaped by checkFragments
		out[c.ID] = checkHTML{Head: template.HTML(parts[0].String()), Body: template.HTML(parts[1].String()),
			Link: template.HTML(parts[2].String()), Guide: template.HTML(parts[3].String()), Guide3: template.HTML(parts[4].String())}
	}
	return out, nil
}

// checkUnit is what a check counts: pages, links, top tasks, or the site
// judged once.
type checkUnit struct {
	Total, Passed, Failed string // figure labels
	Noun                  string // what it counts: pages, links, top tasks
	Once                  bool   // judged once for the whole site
}

func unitOf(ch scoring.Check) checkUnit {
	switch {
	case ch.ID == "tech-broken-links":
		return checkUnit{Total: "Links checked", Passed: "Links that work", Failed: "Broken links", Noun: "links"}
	case ch.Category == scoring.CatFindability && strings.HasPrefix(ch.ID, "task-"):
		return checkUnit{Total: "Top tasks checked", Passed: "Tasks passed", Failed: "Tasks failed", Noun: "top tasks"}
	case ch.Level == scoring.LevelSite:
		return checkUnit{Total: "Checked", Once: true}
	}
	return checkUnit{Total: "Pages checked", Passed: "Pages with no finding", Failed: "Pages with findings", Noun: "pages"}
}

// metaHTML writes a check's score and cost for its summary line: numbers
// in fixed markup. The tag's colour follows the score's band, and its words
// say the score, so colour never carries meaning alone.
func metaHTML(r data.CheckResult, cost checkCost) template.HTML {
	if !r.HasScore {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<span class="app-check__meta"><strong class="govuk-tag `)
	b.WriteString(bandTag(r.Score))
	b.WriteString(`">score `)
	b.WriteString(fmt.Sprintf("%.1f", r.Score))
	b.WriteString(`</strong>`)
	if cost.Points >= 0.05 {
		b.WriteString(` <span class="app-check__cost">costs `)
		b.WriteString(points(cost.Points))
		b.WriteString(`</span>`)
	}
	b.WriteString(`</span>`)
	return template.HTML(b.String()) // numbers in fixed markup
}

// points writes a number of points in words a reader expects.
func points(p float64) string {
	s := fmt.Sprintf("%.1f", p)
	if s == "1.0" {
		return "1 point"
	}
	return s + " points"
}

// figuresHTML writes a check's figures, the rows of its details after the
// check's id: numbers and fixed labels only, so they need no escaping
// (each was an action of the template; a council page has dozens).
func figuresHTML(r data.CheckResult, passed int, u checkUnit, cost checkCost) template.HTML {
	const open = "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
	const value = "</dt><dd class=\"govuk-summary-list__value\">"
	const end = "</dd></div>\n      "
	var b strings.Builder
	row := func(k, v string) { b.WriteString(open + k + value + v + end) }
	if u.Once {
		row(u.Total, "the site as a whole")
	} else {
		row(u.Total, strconv.Itoa(r.PagesTotal))
		row(u.Passed, strconv.Itoa(passed))
		row(u.Failed, strconv.Itoa(r.PagesAffected))
	}
	row("Findings", strconv.Itoa(r.Findings))
	if r.HasScore {
		row("Check score (out of 100)", fmt.Sprintf("%.1f", r.Score))
	}
	if cost.Points >= 0.05 {
		row("Points it costs the site score", fmt.Sprintf("%.1f (%.0f percent of the points it loses)", cost.Points, 100*cost.Share))
	}
	return template.HTML(b.String()) // numbers and fixed labels
}

// evidenceView is one finding shown as evidence. Link is true the first
// time its URL appears on the page: later mentions are plain text, so the
// page links each URL once. (Fields, not an embedded data.Finding: the
// template finds them faster.)
type evidenceView struct {
	Severity, Message, URL, Selector, Snippet string
	Link                                      bool
	Archived                                  string // address of the page as crawled ("" when not kept)
}

type worstView struct {
	URL      string
	N        int
	Link     bool
	Archived string // address of the page as crawled ("" when not kept)
}

type categoryView struct {
	Category string
	Score    CatScore
	Peer     Quartiles
	Checks   []checkView // failing checks first, worst share first
	Failing  int
	// The checks split as the page shows them: with problems, passed,
	// and not applied (each in Checks' order).
	FailingChecks, PassedChecks, NotAppliedChecks []checkView
}

type taskView struct {
	Task      scoring.Task
	Results   []TaskResult
	Index     float64
	HasIndex  bool
	Review    reviews.TaskAggregate
	HasReview bool
}

// commentView is an approved comment as the page shows it: its task by
// name.
type commentView struct {
	Task      string
	Kind      string // resident, other or peer
	Text      string
	Demo      bool
	CreatedAt time.Time
}

// reviewsView is a council's reviews as the page shows them.
type reviewsView struct {
	Score     reviews.CouncilScore
	Comments  []commentView
	Responses []reviews.Response
}

type councilPage struct {
	withCharts
	Council      data.Council
	Row          LeagueRow
	HasRow       bool
	Run          data.Run
	ScoredFrom   string // how the scores shown were made (page_archive.go)
	Method       string
	Categories   []categoryView
	Overall      Quartiles
	Trend        []TrendPoint
	Peer         PeerGroup
	Bins         []Bin
	Tasks        []taskView
	Reviews      reviewsView
	HasReviews   bool
	ReviewsOn    bool
	ReviewForm   bool
	Cats         []string
	Hist, Radar  Chart
	TrendChart   Chart
	Position     Chart
	RunsInTrend  int
	LeagueLength int
	// FixFirst are the checks that cost the site score most, most first;
	// Lost is the points the site score loses in all.
	FixFirst []fixItem
	Lost     float64
	// Simulated: the trend shows a simulated demo run.
	Simulated bool
	// Changes since the previous run scored under the same method.
	Prev          data.Run
	HasPrev       bool
	Better, Worse []checkChange
	MinTaskSample int // reviews a task needs before its score is shown
	Findings      int // findings of the latest run, in all
	// CurrentMethod is the method in force; Comparable is false when the
	// scores shown used another (they are not comparable with scores under
	// CurrentMethod). Unscorable names the checks the scores' method cannot
	// compute from this crawl's stored statistics; Unscored are the pages
	// not scored for content and readability.
	CurrentMethod string
	Comparable    bool
	Unscorable    []string
	Unscored      unscoredView
}

// fixItem is one check of the fix-first list.
type fixItem struct {
	Check  scoring.Check
	Label  string
	HTML   checkHTML
	Result data.CheckResult
	Unit   checkUnit
	Cost   checkCost
	Peers  []peerView
}

// peerView is a peer that does well on a check, with a page of theirs to
// learn from.
type peerView struct {
	Council     data.Council
	Score       float64
	Example     string // a page of theirs with no finding of the check ("" when none is known)
	ExampleHome bool   // the example is their home page (a site check)
	// LinkCouncil and LinkExample are false when the page links them
	// already, higher up: each address is linked once.
	LinkCouncil, LinkExample bool
}

// examples are pages of peers to learn from: check id -> council code ->
// page (see Server.peerExamples).
type examples map[string]map[string]string

// peerViews are the best peers of co's type on a check, with their example
// pages.
func peerViews(m *model, checkID string, co data.Council, own float64, ex examples, site bool) []peerView {
	var out []peerView
	for _, p := range m.crawl.peersFor(checkID, co, own) {
		out = append(out, peerView{Council: p.Council, Score: p.Result.Score, Example: ex[checkID][p.Council.Code], ExampleHome: site,
			LinkCouncil: true, LinkExample: true})
	}
	return out
}

// linkOnce clears the link marks of peers whose council page or example
// page an earlier peer links (seen holds the addresses linked so far).
func linkOnce(peers []peerView, seen map[string]bool) {
	for i := range peers {
		p := &peers[i]
		if k := "/councils/" + p.Council.Code; seen[k] {
			p.LinkCouncil = false
		} else {
			seen[k] = true
		}
		if p.Example != "" {
			if seen[p.Example] {
				p.LinkExample = false
			} else {
				seen[p.Example] = true
			}
		}
	}
}

// buildCouncil makes a council page's view model; ev is the evidence of
// the council's latest scored run (empty when it has none), ex the peers'
// example pages of its fix-first checks.
func buildCouncil(st site, m *model, co data.Council, ev evidence, ex examples) councilPage {
	cats := st.cat.cats
	p := councilPage{Council: co, Method: st.method, Cats: cats, ReviewsOn: st.reviewsOn,
		ReviewForm: st.reviewForm, LeagueLength: len(m.league), MinTaskSample: st.minTaskSample, CurrentMethod: st.method}
	p.Row, p.HasRow = m.row(co.Code)
	p.Peer = m.peers(cats, co)
	peerBy := map[string]Quartiles{}
	for _, q := range p.Peer.Stats {
		peerBy[q.Category] = q
	}
	p.Overall = peerBy[scoring.CategoryOverall]
	p.Bins = m.distribution(p.Row.Score, p.HasRow && p.Row.HasScore)

	cm := m.crawl.councils[co.Code]
	var results []data.CheckResult
	costs := map[string]checkCost{}
	find := findability(st.cat, nil, nil)
	if p.HasRow && cm != nil {
		p.Run = p.Row.Crawled
		p.Trend = cm.trend
		p.RunsInTrend = len(p.Trend)
		p.Simulated = simulatedTrend(p.Trend)
		ch := cm.chartSet()
		p.Hist, p.TrendChart, p.Position, p.Radar = ch.hist, ch.trend, ch.position, ch.radar
		results, find, costs = cm.results, cm.find, cm.costs
		p.Unscored = cm.unscored
		if cm.hasPrev {
			p.Prev, p.HasPrev = cm.prev, true
			p.Better, p.Worse = checkChanges(st.cat, cm.prevResults, cm.results)
		}
	} else {
		p.Hist = histogramChart("chart-distribution", p.Bins, co.Name)
	}
	if p.HasRow && p.Row.MethodVersion != "" {
		p.Method = p.Row.MethodVersion
	}
	if p.HasRow && p.Row.HasScore {
		p.Lost = round1(100 - p.Row.Score)
	}
	p.Comparable = p.Method == st.method
	if p.HasRow {
		p.ScoredFrom = scoredFrom(p.Run, p.Method)
	}
	// Checks by category.
	res := map[string]data.CheckResult{}
	for _, r := range results {
		res[r.CheckID] = r
		p.Findings += r.Findings
	}
	seenPeers := map[string]bool{}
	fixRank := map[string]int{}
	for _, id := range fixFirstIDs(costs) {
		ch := st.cat.checkBy[id]
		if ch.ID == "" {
			continue
		}
		it := fixItem{Check: ch, Label: st.cat.method.CheckLabel(ch), HTML: st.cat.checkHTML[id],
			Result: res[id], Unit: unitOf(ch), Cost: costs[id], Peers: peerViews(m, id, co, res[id].Score, ex, ch.Level == scoring.LevelSite)}
		linkOnce(it.Peers, seenPeers)
		p.FixFirst = append(p.FixFirst, it)
		fixRank[id] = len(p.FixFirst)
	}
	evBy := map[string][]data.Finding{}
	for _, f := range ev.findings {
		evBy[f.CheckID] = append(evBy[f.CheckID], f)
	}
	worst := map[string][]data.PageCount{}
	for _, w := range ev.worst {
		worst[w.CheckID] = append(worst[w.CheckID], w)
	}
	for i, cat := range cats {
		cv := categoryView{Category: cat, Peer: peerBy[cat]}
		if p.HasRow && i < len(p.Row.Categories) {
			cv.Score = p.Row.Categories[i]
		}
		for _, ch := range st.cat.checks {
			if ch.Category != cat {
				continue
			}
			r, has := res[ch.ID]
			v := checkView{Check: ch, HTML: st.cat.checkHTML[ch.ID], Result: r, Has: has, Applied: has && r.PagesTotal > 0, Cost: costs[ch.ID],
				FixRank: fixRank[ch.ID], Notes: notesFor(st.cat.method, p.Method, ch.ID, r, has)}
			if v.Notes.Unscorable != "" {
				p.Unscorable = append(p.Unscorable, ch.ID)
			}
			for _, f := range evBy[ch.ID] {
				v.Evidence = append(v.Evidence, evidenceView{Severity: f.Severity, Message: f.Message, URL: f.URL, Selector: f.Selector, Snippet: f.Snippet,
					Archived: archivedHref(p.Row.RunID, ev.archived[f.URL])})
			}
			for _, w := range worst[ch.ID] {
				v.Worst = append(v.Worst, worstView{URL: w.URL, N: w.N, Archived: archivedHref(p.Row.RunID, ev.archived[w.URL])})
			}
			v.Passed = r.PagesTotal - r.PagesAffected
			if v.Applied && r.PagesAffected > 0 {
				v.Meta = metaHTML(r, v.Cost)
				v.Figures = figuresHTML(r, v.Passed, unitOf(ch), v.Cost)
				cv.Failing++
			}
			cv.Checks = append(cv.Checks, v)
		}
		// Checks with findings first, those costing most points first.
		sort.SliceStable(cv.Checks, func(a, b int) bool {
			x, y := cv.Checks[a], cv.Checks[b]
			fx, fy := x.Applied && x.Result.PagesAffected > 0, y.Applied && y.Result.PagesAffected > 0
			if fx != fy {
				return fx
			}
			if x.Cost.Points != y.Cost.Points {
				return x.Cost.Points > y.Cost.Points
			}
			return x.Result.Findings > y.Result.Findings
		})
		p.Categories = append(p.Categories, cv)
	}
	// Link each evidence URL once, in display order.
	linked := map[string]bool{co.HomepageURL: true} // the summary links the home page
	for ci := range p.Categories {
		cv := &p.Categories[ci]
		for ki := range cv.Checks {
			v := &cv.Checks[ki]
			for i := range v.Worst {
				if u := v.Worst[i].URL; isHTTP(u) && !linked[u] {
					linked[u], v.Worst[i].Link = true, true
				}
			}
			for i := range v.Evidence {
				if u := v.Evidence[i].URL; isHTTP(u) && !linked[u] {
					linked[u], v.Evidence[i].Link = true, true
				}
			}
			switch {
			case v.Applied && v.Result.PagesAffected > 0:
				cv.FailingChecks = append(cv.FailingChecks, *v)
			case v.Applied:
				cv.PassedChecks = append(cv.PassedChecks, *v)
			default:
				cv.NotAppliedChecks = append(cv.NotAppliedChecks, *v)
			}
		}
	}
	// Reviews.
	var taskReviews []reviews.TaskAggregate
	if rv, ok := m.councilReviews(co.Code); ok {
		p.HasReviews = true
		p.Reviews = reviewsView{Score: rv.Score, Responses: rv.Responses}
		for _, cm := range rv.Comments {
			cv := commentView{Task: cm.Task, Kind: cm.Kind, Text: cm.Comment, Demo: cm.Demo, CreatedAt: cm.CreatedAt}
			if t, ok := st.cat.taskBy[cm.Task]; ok { // comments name their task by id: show its name
				cv.Task = t.Name
			}
			p.Reviews.Comments = append(p.Reviews.Comments, cv)
		}
		taskReviews = rv.Tasks
	}
	trByTask := map[string]reviews.TaskAggregate{}
	for _, tr := range taskReviews {
		trByTask[tr.Task] = tr
	}
	for _, t := range st.cat.tasks {
		tv := taskView{Task: t, Results: find[t.ID]}
		tv.Index, tv.HasIndex = taskIndex(tv.Results)
		tv.Review, tv.HasReview = trByTask[t.ID]
		p.Tasks = append(p.Tasks, tv)
	}
	return p
}

func (s *Server) council(c *gin.Context) {
	co, ok := s.byCode[c.Param("code")]
	if !ok { // decided without the database
		s.fail(c, ErrNotFound)
		return
	}
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	var ev evidence
	ex := examples{}
	if row, ok := m.row(co.Code); ok {
		var err error
		if ev, err = s.evidence(c.Request.Context(), row.RunID, row.MethodVersion, co.Code); err != nil {
			s.fail(c, err)
			return
		}
		if cm := m.crawl.councils[co.Code]; cm != nil {
			own := map[string]float64{}
			for _, r := range cm.results {
				own[r.CheckID] = r.Score
			}
			for _, id := range fixFirstIDs(cm.costs) {
				if ex[id], err = s.peerExamples(c.Request.Context(), m, id, m.crawl.peersFor(id, co, own[id])); err != nil {
					s.fail(c, err)
					return
				}
			}
		}
	}
	s.renderPage(c, http.StatusOK, "council", co.Name, func() any { return buildCouncil(s.site(), m, co, ev, ex) })
}
