package dashboard

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// The compare page: up to five councils side by side, each against its
// peer group.

type compareCol struct {
	Council data.Council
	Row     LeagueRow
	HasRow  bool
	Peer    PeerGroup
}

type compareLine struct {
	Label string
	Cells []compareCell
}

type compareCell struct {
	Score    float64
	Has      bool
	Peer     Quartiles
	Position string // against the peer group: below the lower quartile, ...
}

type compareSelect struct {
	ID      string
	Label   string
	Options template.HTML // the <option>s, one per council (see councilOptions)
}

// councilOptions are a select's options, "Choose a council" then every
// council by name, each rendered once, unselected and selected: a compare
// page has five selects of every council, too many to render each time.
type councilOptions struct {
	choose, chooseSelected string
	plain, selected        []string // by council, in the register's name order
}

// optionHTML renders one option as the compare template once did inline.
var optionHTML = template.Must(template.New("option").Parse(`<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>`))

func newCouncilOptions(councils []data.Council) (councilOptions, error) {
	render := func(o Option) (string, error) {
		var b strings.Builder
		err := optionHTML.Execute(&b, o)
		return b.String(), err
	}
	var co councilOptions
	var err error
	if co.choose, err = render(Option{Value: "", Label: "Choose a council"}); err != nil {
		return co, err
	}
	if co.chooseSelected, err = render(Option{Value: "", Label: "Choose a council", Selected: true}); err != nil {
		return co, err
	}
	for _, c := range councils {
		p, err := render(Option{Value: c.Code, Label: c.Name})
		if err != nil {
			return co, err
		}
		sel, err := render(Option{Value: c.Code, Label: c.Name, Selected: true})
		if err != nil {
			return co, err
		}
		co.plain, co.selected = append(co.plain, p), append(co.selected, sel)
	}
	return co, nil
}

// html joins the options of the councils the picker lists (pick: indices
// into councils) with the council of code selected ("": none). A chosen
// council the picker does not list (a parish of a large register) is
// listed too, selected.
func (co councilOptions) html(councils []data.Council, pick []int, code string) template.HTML {
	var b strings.Builder
	if code == "" {
		b.WriteString(co.chooseSelected)
	} else {
		b.WriteString(co.choose)
	}
	listed := false
	for _, i := range pick {
		if councils[i].Code == code {
			b.WriteString(co.selected[i])
			listed = true
		} else {
			b.WriteString(co.plain[i])
		}
	}
	if !listed && code != "" {
		for i, c := range councils {
			if c.Code == code {
				b.WriteString(co.selected[i])
				break
			}
		}
	}
	return template.HTML(b.String()) // rendered by optionHTML, escaped there
}

type comparePage struct {
	withTypeAhead
	Selects []compareSelect
	Cols    []compareCol
	Lines   []compareLine
	Error   string
	// A large register's picker lists principal councils; the others are
	// found by name (page_scale.go): Find is the search, Found its first
	// matches, each with the address that adds it to the comparison.
	Large     bool
	Find      string
	Found     []compareFound
	FoundMore int
	Chosen    []string // the councils chosen so far, kept by the search form
}

type compareFound struct {
	Council data.Council
	AddURL  string
}

func peerPosition(v float64, q Quartiles) string {
	switch {
	case q.N == 0:
		return "no peers scored"
	case v < q.Q1:
		return "bottom quarter of peers"
	case v > q.Q3:
		return "top quarter of peers"
	case v == q.Median:
		return "at the peer median"
	case v > q.Median:
		return "above peer median"
	}
	return "below peer median"
}

// buildCompare makes the compare page's view model from the councils asked
// for (the c parameters, in order).
func buildCompare(st site, m *model, asked []string) comparePage {
	return buildCompareFind(st, m, asked, "")
}

// buildCompareFind is buildCompare with a search for councils to add (a
// large register's picker lists principal councils only).
func buildCompareFind(st site, m *model, asked []string, find string) comparePage {
	codes := compareCodes(st.byCode, asked)
	ix := st.regIndex()
	p := comparePage{Large: ix.large, Find: find, Chosen: codes}
	if ix.large && find != "" {
		found, n := ix.find(st.councils, find, findMax)
		p.FoundMore = n - len(found)
		for _, c := range found {
			v := url.Values{"c": append(append([]string(nil), codes...), c.Code)}
			p.Found = append(p.Found, compareFound{Council: c, AddURL: "/compare?" + v.Encode()})
		}
	}
	for i := 0; i < 5; i++ {
		sel := ""
		if i < len(codes) {
			sel = codes[i]
		}
		cs := compareSelect{ID: fmt.Sprintf("c%d", i+1), Label: fmt.Sprintf("Council %d", i+1)}
		if i >= 2 {
			cs.Label += " (optional)"
		}
		cs.Options = st.options.html(st.councils, ix.pick, sel)
		p.Selects = append(p.Selects, cs)
	}
	if len(asked) > 0 && len(codes) < 2 && find == "" {
		p.Error = "Choose at least 2 different councils to compare"
	}
	if len(codes) >= 2 {
		for _, code := range codes {
			col := compareCol{Council: st.byCode[code]}
			col.Row, col.HasRow = m.row(code)
			col.Peer = m.peers(st.cat.cats, col.Council)
			p.Cols = append(p.Cols, col)
		}
		for ci, cat := range append([]string{scoring.CategoryOverall}, st.cat.cats...) {
			line := compareLine{Label: titleCase(cat)}
			if ci == 0 {
				line.Label = "Site score"
			}
			for _, col := range p.Cols {
				cell := compareCell{Peer: col.Peer.Stats[ci]}
				if col.HasRow {
					if ci == 0 {
						cell.Score, cell.Has = col.Row.Score, col.Row.HasScore
					} else {
						cs := col.Row.Categories[ci-1]
						cell.Score, cell.Has = cs.Score, cs.Has
					}
				}
				if cell.Has {
					cell.Position = peerPosition(cell.Score, cell.Peer)
				}
				line.Cells = append(line.Cells, cell)
			}
			p.Lines = append(p.Lines, line)
		}
	}
	return p
}

// compareCodes keeps the known councils asked for, each once, at most five.
func compareCodes(byCode map[string]data.Council, asked []string) []string {
	var codes []string
	seen := map[string]bool{}
	for _, code := range asked {
		if _, ok := byCode[code]; ok && !seen[code] && len(codes) < 5 {
			seen[code] = true
			codes = append(codes, code)
		}
	}
	return codes
}

func (s *Server) compare(c *gin.Context) {
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	asked := c.QueryArray("c")
	find := strings.TrimSpace(c.Query("find"))
	if len(find) > 100 {
		s.fail(c, ErrBadRequest)
		return
	}
	status := http.StatusOK
	if len(asked) > 0 && len(compareCodes(s.byCode, asked)) < 2 && find == "" {
		status = http.StatusBadRequest // buildCompare says why
	}
	s.renderPage(c, status, "compare", "Compare councils", func() any { return buildCompareFind(s.site(), m, asked, find) })
}
