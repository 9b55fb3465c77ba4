package dashboard

import (
	"context"
	"math"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// How sure the scores are (method 2026.2, issue 10): each site score's
// bootstrap interval, the rank bands the league's intervals give, the
// method each score used, and the pages not scored for content and
// readability. Pure like model.go, except loadScoring, which reads the rows.

// unscoredPerCouncil is how many pages not scored a council page lists.
const unscoredPerCouncil = 20

// ScoreRange is a score's bootstrap interval: the middle Level share of
// the scores of its site's pages redrawn (scoring.Method.SiteScoreInterval).
type ScoreRange struct {
	Low    float64 `json:"low"`
	High   float64 `json:"high"`
	Level  float64 `json:"level"`
	Pages  int     `json:"pages"`
	TooFew bool    `json:"too_few_pages"` // too few pages to tell
}

// Percent is Level as a whole percentage (0.9 is 90).
func (r ScoreRange) Percent() int { return int(math.Round(r.Level * 100)) }

// RankBand is where a council ranks, as sure as the intervals allow
// (scoring.RankBands): a single rank, a band of ranks shared with the
// councils whose intervals overlap its own ("12th to 19th"), or none when
// it has too few pages to tell.
type RankBand struct {
	Best   int    `json:"best"`
	Worst  int    `json:"worst"`
	Joint  bool   `json:"joint"`
	Label  string `json:"label"`
	TooFew bool   `json:"too_few_pages"`
}

// scoringInput is what loadScoring reads beyond the scores: the intervals
// of the recent runs and, per run the pages show, the pages not scored.
type scoringInput struct {
	intervals []data.IntervalRow
	unscored  map[string]unscoredRows // by run
}

type unscoredRows struct {
	pages  []data.UnscoredPage
	counts []data.UnscoredCount
}

// unscoredView is what a council page shows of its pages not scored for
// content and readability.
type unscoredView struct {
	Total   int
	Reasons []data.UnscoredCount
	Pages   []data.UnscoredPage // up to unscoredPerCouncil
}

// loadScoring reads the intervals of the runs ids and the pages not scored
// of the runs needed (see neededRuns).
func (s *Server) loadScoring(ctx context.Context, ids, needed []string) (scoringInput, error) {
	in := scoringInput{unscored: map[string]unscoredRows{}}
	var err error
	if in.intervals, err = s.store.ScoreIntervals(ctx, ids); err != nil {
		return in, err
	}
	for _, id := range needed {
		var u unscoredRows
		if u.pages, u.counts, err = s.store.UnscoredPages(ctx, id, unscoredPerCouncil); err != nil {
			return in, err
		}
		in.unscored[id] = u
	}
	return in, nil
}

// intervalIndex keys intervals by run, council, method and category.
type intervalIndex map[string]ScoreRange

func intervalKey(run, council, method, category string) string {
	return run + "\x00" + council + "\x00" + method + "\x00" + category
}

func newIntervalIndex(rows []data.IntervalRow) intervalIndex {
	idx := make(intervalIndex, len(rows))
	for _, r := range rows {
		if r.Unavailable {
			continue
		}
		idx[intervalKey(r.RunID, r.Council, r.MethodVersion, r.Category)] = ScoreRange{Low: r.Low, High: r.High, Level: r.Level, Pages: r.Pages, TooFew: r.TooFew}
	}
	return idx
}

// get returns the interval of a score of the method it was made under
// (an interval of another method's score is never shown beside it).
func (idx intervalIndex) get(run, council, method, category string) *ScoreRange {
	r, ok := idx[intervalKey(run, council, method, category)]
	if !ok {
		return nil
	}
	return &r
}

// trendMethods names the method of each of a council's trend points.
func (cm *crawlModel) trendMethods(trend []TrendPoint, code string) {
	for i := range trend {
		trend[i].MethodVersion = cm.mv[trend[i].Run.ID][code]
	}
}

// addUncertainty gives the league's rows their intervals and rank bands.
// The bands rank the councils whose scores have an interval among
// themselves (a council with too few pages is unranked); a council whose
// score has none (crawled before method 2026.2, or re-scored without page
// statistics) keeps its plain rank and no band.
func (cm *crawlModel) addUncertainty(idx intervalIndex) {
	var items []scoring.Ranked
	for i := range cm.league {
		r := &cm.league[i]
		for j := range r.Categories {
			if r.Categories[j].Has {
				r.Categories[j].Range = idx.get(r.RunID, r.Council.Code, r.MethodVersion, r.Categories[j].Category)
			}
		}
		if !r.HasScore {
			continue
		}
		if r.Interval = idx.get(r.RunID, r.Council.Code, r.MethodVersion, scoring.CategoryOverall); r.Interval != nil {
			items = append(items, scoring.Ranked{ID: r.Council.Code, Score: r.Score, Low: r.Interval.Low, High: r.Interval.High, TooFew: r.Interval.TooFew})
		}
	}
	for _, b := range scoring.RankBands(items) {
		i, ok := cm.byCode[b.ID]
		if !ok {
			continue
		}
		cm.league[i].Band = &RankBand{Best: b.Best, Worst: b.Worst, Joint: b.Joint, Label: b.Label, TooFew: b.TooFew}
	}
}

// newUnscoredView is a council's pages not scored, from its run's rows.
func newUnscoredView(u unscoredRows, code string) unscoredView {
	var v unscoredView
	for _, c := range u.counts {
		if c.Council == code {
			v.Reasons = append(v.Reasons, c)
			v.Total += c.Pages
		}
	}
	for _, p := range u.pages {
		if p.Council == code {
			v.Pages = append(v.Pages, p)
		}
	}
	return v
}

// checkNotes are what the council page says of a check beyond its
// figures: that it is advisory (no weight in any score, and why), or that
// its score cannot be computed from the stored statistics under the
// method the scores used.
type checkNotes struct {
	Advisory   string
	Unscorable string
}

// notesFor says what is known of a check under method m: whether it is
// advisory, and, when the council's scores used m and the check has
// statistics r (has), whether m cannot score them (under another method
// the page says the scores are not comparable instead).
func notesFor(m scoring.Method, scoredUnder, checkID string, r data.CheckResult, has bool) checkNotes {
	n := checkNotes{Advisory: m.Advisory[checkID]}
	if has && scoredUnder == m.Version && !r.HasScore {
		n.Unscorable = m.Unscorable(scoring.CheckStat{CheckID: r.CheckID, Category: r.Category, PagesTotal: r.PagesTotal,
			PagesAffected: r.PagesAffected, Findings: r.Findings, Words: r.Words})
	}
	return n
}
