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
	Figures  template.HTML // a failing check's figures (see figuresHTML)
	Result   data.CheckResult
	Has      bool // statistics exist for this check
	Applied  bool
	Passed   int
	Evidence []evidenceView
	Worst    []worstView
	Notes    checkNotes // advisory, or not computable from the stored statistics
}

// checkHTML are the pieces of a council page that depend on the check
// alone, rendered once per check (a council page lists every check, most
// of them twice): the head of its details block, up to the figure of pages
// checked, and its name linked to its page.
type checkHTML struct {
	Head, Link template.HTML
}

// checkFragments renders as the council template once did inline.
var checkFragments = template.Must(template.New("check").Funcs(template.FuncMap{"path": url.PathEscape}).Parse(
	`{{define "head"}}<details class="govuk-details app-check">
  <summary class="govuk-details__summary">
    <span class="govuk-details__summary-text">{{.Label}}</span>
    <span class="app-check__meta"><strong class="govuk-tag govuk-tag--red">problems</strong>{{if .Advisory}} <strong class="govuk-tag govuk-tag--grey">advisory</strong>{{end}}</span>
  </summary>
  <div class="govuk-details__text">
    <dl class="govuk-summary-list govuk-summary-list--no-border app-summary-list--compact">
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Check</dt><dd class="govuk-summary-list__value"><a class="govuk-link" href="/checks/{{path .Check.ID}}">{{.Check.ID}}</a></dd></div>
      {{- if .Advisory}}
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Weight</dt><dd class="govuk-summary-list__value">none: advisory, its findings are for you to judge and do not count in any score ({{.Advisory}})</dd></div>
      {{- end}}
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{{if eq .Check.Level "site"}}Checked (pages or tasks){{else}}Pages checked{{end}}</dt><dd class="govuk-summary-list__value">{{end}}` +
		`{{define "link"}}<a class="govuk-link" href="/checks/{{path .Check.ID}}">{{.Label}}</a>{{if .Advisory}} (advisory: no weight){{end}}{{end}}`))

// newCheckHTML renders every check's pieces under the method.
func newCheckHTML(m scoring.Method, checks []scoring.Check) (map[string]checkHTML, error) {
	out := make(map[string]checkHTML, len(checks))
	for _, c := range checks {
		d := struct {
			Check    scoring.Check
			Label    string
			Advisory string // why the check carries no weight, when it is advisory
		}{c, m.CheckLabel(c), m.Advisory[c.ID]}
		var head, link strings.Builder
		if err := checkFragments.ExecuteTemplate(&head, "head", d); err != nil {
			return nil, err
		}
		if err := checkFragments.ExecuteTemplate(&link, "link", d); err != nil {
			return nil, err
		}
		out[c.ID] = checkHTML{Head: template.HTML(head.String()), Link: template.HTML(link.String())} // escaped by checkFragments
	}
	return out, nil
}

// figuresHTML writes a failing check's figures, the rows of its details
// after the head: numbers only, in fixed markup, so they need no escaping
// (each was an action of the template; a council page has dozens).
func figuresHTML(r data.CheckResult, passed int) template.HTML {
	const row = "</dd></div>\n      <div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
	const value = "</dt><dd class=\"govuk-summary-list__value\">"
	var b strings.Builder
	b.WriteString(strconv.Itoa(r.PagesTotal))
	b.WriteString(row + "Passed" + value + strconv.Itoa(passed))
	b.WriteString(row + "Failed" + value + strconv.Itoa(r.PagesAffected))
	b.WriteString(row + "Findings" + value + strconv.Itoa(r.Findings))
	b.WriteString("</dd></div>\n      ")
	if r.HasScore {
		b.WriteString(`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Check score` + value + fmt.Sprintf("%.1f", r.Score) + "</dd></div>")
	}
	return template.HTML(b.String()) // numbers in fixed markup
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

// buildCouncil makes a council page's view model; ev is the evidence of
// the council's latest scored run (empty when it has none).
func buildCouncil(st site, m *model, co data.Council, ev evidence) councilPage {
	cats := st.cat.cats
	p := councilPage{Council: co, Method: st.method, Cats: cats, ReviewsOn: st.reviewsOn,
		ReviewForm: st.reviewForm, LeagueLength: len(m.league), CurrentMethod: st.method}
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
	find := findability(st.cat, nil, nil)
	if p.HasRow && cm != nil {
		p.Run = p.Row.Crawled
		p.Trend = cm.trend
		p.RunsInTrend = len(p.Trend)
		p.Hist, p.TrendChart, p.Position, p.Radar = cm.charts.hist, cm.charts.trend, cm.charts.position, cm.charts.radar
		results, find = cm.results, cm.find
		p.Unscored = cm.unscored
	} else {
		p.Hist = histogramChart("chart-distribution", p.Bins, co.Name)
	}
	if p.HasRow && p.Row.MethodVersion != "" {
		p.Method = p.Row.MethodVersion
	}
	p.Comparable = p.Method == st.method
	if p.HasRow {
		p.ScoredFrom = scoredFrom(p.Run, p.Method)
	}
	// Checks by category.
	res := map[string]data.CheckResult{}
	for _, r := range results {
		res[r.CheckID] = r
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
			v := checkView{Check: ch, HTML: st.cat.checkHTML[ch.ID], Result: r, Has: has, Applied: has && r.PagesTotal > 0,
				Notes: notesFor(st.cat.method, p.Method, ch.ID, r, has)}
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
				v.Figures = figuresHTML(r, v.Passed)
			}
			if v.Applied && r.PagesAffected > 0 {
				cv.Failing++
			}
			cv.Checks = append(cv.Checks, v)
		}
		// Failing checks first, worst share first.
		sort.SliceStable(cv.Checks, func(a, b int) bool {
			x, y := cv.Checks[a], cv.Checks[b]
			fx, fy := x.Applied && x.Result.PagesAffected > 0, y.Applied && y.Result.PagesAffected > 0
			if fx != fy {
				return fx
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
	if row, ok := m.row(co.Code); ok {
		var err error
		if ev, err = s.evidence(c.Request.Context(), row.RunID, row.MethodVersion, co.Code); err != nil {
			s.fail(c, err)
			return
		}
	}
	s.renderPage(c, http.StatusOK, "council", co.Name, func() any { return buildCouncil(s.site(), m, co, ev) })
}
