package dashboard

import (
	"fmt"
	"net/http"

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
	Options []Option
}

type comparePage struct {
	Selects []compareSelect
	Cols    []compareCol
	Lines   []compareLine
	Error   string
}

func peerPosition(v float64, q Quartiles) string {
	switch {
	case q.N == 0:
		return "no peers scored"
	case v < q.Q1:
		return "bottom quarter of peers"
	case v > q.Q3:
		return "top quarter of peers"
	case v >= q.Median:
		return "above peer median"
	}
	return "below peer median"
}

// buildCompare makes the compare page's view model from the councils asked
// for (the c parameters, in order).
func buildCompare(st site, m *model, asked []string) comparePage {
	var codes []string
	seen := map[string]bool{}
	for _, code := range asked {
		if _, ok := st.byCode[code]; ok && !seen[code] && len(codes) < 5 {
			seen[code] = true
			codes = append(codes, code)
		}
	}
	p := comparePage{}
	for i := 0; i < 5; i++ {
		sel := ""
		if i < len(codes) {
			sel = codes[i]
		}
		cs := compareSelect{ID: fmt.Sprintf("c%d", i+1), Label: fmt.Sprintf("Council %d", i+1)}
		if i >= 2 {
			cs.Label += " (optional)"
		}
		cs.Options = append(cs.Options, Option{Value: "", Label: "Choose a council", Selected: sel == ""})
		for _, co := range st.councils {
			cs.Options = append(cs.Options, Option{Value: co.Code, Label: co.Name, Selected: co.Code == sel})
		}
		p.Selects = append(p.Selects, cs)
	}
	if len(asked) > 0 && len(codes) < 2 {
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

func (s *Server) compare(c *gin.Context) {
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	p := buildCompare(s.site(), m, c.QueryArray("c"))
	status := http.StatusOK
	if p.Error != "" {
		status = http.StatusBadRequest
	}
	s.render.Render(c, status, "compare", "Compare councils", p)
}
