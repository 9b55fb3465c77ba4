package dashboard

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/councildash/councildash/scoring"
)

// maxRuns is how many recent runs the score snapshot covers (trends, league
// position over time).
const maxRuns = 24

// CatScore is one category score, Has false when the category did not apply.
type CatScore struct {
	Category string  `json:"category"`
	Score    float64 `json:"score"`
	Has      bool    `json:"has_score"`
}

// LeagueRow is one council's line of the league table.
type LeagueRow struct {
	Rank          int         `json:"rank"`
	Council       Council     `json:"council"`
	RunID         string      `json:"run_id"`
	MethodVersion string      `json:"method_version"`
	Crawled       Run         `json:"run"`
	Score         float64     `json:"score"`
	HasScore      bool        `json:"has_score"`
	Categories    []CatScore  `json:"categories"`
	Change        float64     `json:"change"`
	HasChange     bool        `json:"has_change"`
	PrevRunID     string      `json:"previous_run_id,omitempty"`
	Review        ReviewScore `json:"review"`
	HasReview     bool        `json:"has_review"`
}

// snapshot is the category and overall scores of every council over the
// recent runs, from one query, cached with a short TTL. League, trends,
// positions, peer groups and distributions are all derived from it in memory.
type snapshot struct {
	all    []Run                                    // every run, newest first (running ones included)
	runs   []Run                                    // newest first, runs with scores only
	scores map[string]map[string]map[string]float64 // run -> council -> category -> score
	mv     map[string]map[string]string             // run -> council -> method version
	league []LeagueRow                              // every council with a score, ranked
	byCode map[string]int                           // index into league
}

func (s *Server) snapshot(ctx context.Context) (*snapshot, error) {
	v, err := s.cache.get(ctx, "snapshot", func(ctx context.Context) (any, error) {
		runs, err := s.src.DashboardRuns(ctx)
		if err != nil {
			return nil, err
		}
		recent := runs
		if len(recent) > maxRuns {
			recent = recent[:maxRuns]
		}
		ids := make([]string, len(recent))
		for i, r := range recent {
			ids[i] = r.ID
		}
		rows, err := s.src.CategoryScores(ctx, ids)
		if err != nil {
			return nil, err
		}
		sn := s.buildSnapshot(recent, rows)
		sn.all = runs
		return sn, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*snapshot), nil
}

func (s *Server) buildSnapshot(runs []Run, rows []ScoreRow) *snapshot {
	sn := &snapshot{scores: map[string]map[string]map[string]float64{}, mv: map[string]map[string]string{}, byCode: map[string]int{}}
	for _, r := range rows {
		byC := sn.scores[r.RunID]
		if byC == nil {
			byC = map[string]map[string]float64{}
			sn.scores[r.RunID] = byC
			sn.mv[r.RunID] = map[string]string{}
		}
		if byC[r.Council] == nil {
			byC[r.Council] = map[string]float64{}
		}
		byC[r.Council][r.Category] = r.Score
		sn.mv[r.RunID][r.Council] = r.MethodVersion
	}
	for _, r := range runs {
		if len(sn.scores[r.ID]) > 0 {
			sn.runs = append(sn.runs, r)
		}
	}
	for _, c := range s.councils {
		row := LeagueRow{Council: c}
		found := false
		for _, r := range sn.runs {
			cs, ok := sn.scores[r.ID][c.Code]
			if !ok {
				continue
			}
			ov, hasOv := cs[scoring.CategoryOverall]
			if !found {
				found = true
				row.RunID, row.Crawled, row.MethodVersion = r.ID, r, sn.mv[r.ID][c.Code]
				row.Score, row.HasScore = ov, hasOv
				row.Categories = s.catScores(cs)
				continue
			}
			if hasOv && row.HasScore {
				row.Change, row.HasChange, row.PrevRunID = round1(row.Score-ov), true, r.ID
			}
			break
		}
		if found {
			sn.league = append(sn.league, row)
		}
	}
	sort.SliceStable(sn.league, func(i, j int) bool {
		a, b := sn.league[i], sn.league[j]
		if a.HasScore != b.HasScore {
			return a.HasScore
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return a.Council.Name < b.Council.Name
	})
	for i := range sn.league {
		if i > 0 && sn.league[i].HasScore && sn.league[i].Score == sn.league[i-1].Score {
			sn.league[i].Rank = sn.league[i-1].Rank
		} else if sn.league[i].HasScore {
			sn.league[i].Rank = i + 1
		}
		sn.byCode[sn.league[i].Council.Code] = i
	}
	return sn
}

func (s *Server) catScores(cs map[string]float64) []CatScore {
	out := make([]CatScore, len(s.cats))
	for i, cat := range s.cats {
		v, ok := cs[cat]
		out[i] = CatScore{Category: cat, Score: v, Has: ok}
	}
	return out
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// row returns a council's league row.
func (sn *snapshot) row(code string) (LeagueRow, bool) {
	i, ok := sn.byCode[code]
	if !ok {
		return LeagueRow{}, false
	}
	return sn.league[i], true
}

// TrendPoint is a council's scores in one run.
type TrendPoint struct {
	Run        Run
	Overall    float64
	HasOverall bool
	Categories []CatScore
	Position   int // league position in that run, 0 when unranked
	Of         int // councils ranked in that run
}

// trend returns a council's scores over the snapshot's runs, oldest first.
func (s *Server) trend(sn *snapshot, code string) []TrendPoint {
	var out []TrendPoint
	for i := len(sn.runs) - 1; i >= 0; i-- {
		r := sn.runs[i]
		cs, ok := sn.scores[r.ID][code]
		if !ok {
			continue
		}
		p := TrendPoint{Run: r, Categories: s.catScores(cs)}
		p.Overall, p.HasOverall = cs[scoring.CategoryOverall]
		if p.HasOverall {
			better := 0
			for _, o := range sn.scores[r.ID] {
				if v, ok := o[scoring.CategoryOverall]; ok {
					p.Of++
					if v > p.Overall {
						better++
					}
				}
			}
			p.Position = better + 1
		}
		out = append(out, p)
	}
	return out
}

// Quartiles of a set of scores.
type Quartiles struct {
	Category string  `json:"category"`
	N        int     `json:"n"`
	Q1       float64 `json:"q1"`
	Median   float64 `json:"median"`
	Q3       float64 `json:"q3"`
}

func quartiles(cat string, vs []float64) Quartiles {
	q := Quartiles{Category: cat, N: len(vs)}
	if len(vs) == 0 {
		return q
	}
	sort.Float64s(vs)
	q.Q1, q.Median, q.Q3 = round1(quantile(vs, 0.25)), round1(quantile(vs, 0.5)), round1(quantile(vs, 0.75))
	return q
}

// quantile interpolates linearly between closest ranks (sorted input).
func quantile(vs []float64, p float64) float64 {
	if len(vs) == 1 {
		return vs[0]
	}
	pos := p * float64(len(vs)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	return vs[lo] + (vs[hi]-vs[lo])*(pos-float64(lo))
}

// PeerGroup describes a council's peers: same type and nation.
type PeerGroup struct {
	Label  string      `json:"label"`
	Type   string      `json:"type"`
	Nation string      `json:"nation"`
	N      int         `json:"councils"`
	Stats  []Quartiles `json:"quartiles"` // overall first, then categories
}

func peerLabel(c Council) string {
	t := c.Type
	if t == "" {
		t = c.Tier
	}
	return fmt.Sprintf("%s councils in %s", strings.ToLower(t), c.Nation)
}

// peers computes the peer group statistics of a council from the latest
// league rows.
func (s *Server) peers(sn *snapshot, c Council) PeerGroup {
	pg := PeerGroup{Label: peerLabel(c), Type: c.Type, Nation: c.Nation}
	vals := map[string][]float64{}
	for _, r := range sn.league {
		if !strings.EqualFold(r.Council.Type, c.Type) || !strings.EqualFold(r.Council.Nation, c.Nation) {
			continue
		}
		pg.N++
		if r.HasScore {
			vals[scoring.CategoryOverall] = append(vals[scoring.CategoryOverall], r.Score)
		}
		for _, cs := range r.Categories {
			if cs.Has {
				vals[cs.Category] = append(vals[cs.Category], cs.Score)
			}
		}
	}
	pg.Stats = append(pg.Stats, quartiles(scoring.CategoryOverall, vals[scoring.CategoryOverall]))
	for _, cat := range s.cats {
		pg.Stats = append(pg.Stats, quartiles(cat, vals[cat]))
	}
	return pg
}

// Bin is one bar of the score distribution.
type Bin struct {
	Label string
	Lo    float64
	Hi    float64 // exclusive, except for the last bin (100 included)
	N     int
	Here  bool // the council being shown falls in this bin
}

// distribution bins the latest overall scores in tens.
func distribution(sn *snapshot, mark float64, hasMark bool) []Bin {
	bins := make([]Bin, 10)
	for i := range bins {
		lo := float64(i * 10)
		hi := lo + 10
		bins[i] = Bin{Lo: lo, Hi: hi, Label: fmt.Sprintf("%d to %d", int(lo), int(hi))}
		if i < 9 {
			bins[i].Label = fmt.Sprintf("%d to under %d", int(lo), int(hi))
		}
	}
	idx := func(v float64) int { return min(max(int(v/10), 0), 9) }
	for _, r := range sn.league {
		if r.HasScore {
			bins[idx(r.Score)].N++
		}
	}
	if hasMark {
		bins[idx(mark)].Here = true
	}
	return bins
}
