package dashboard

import (
	"context"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// The scores export's columns on how sure each score is (method 2026.2):
// the score's interval and, for category and overall scores, the band of
// positions it may hold among the councils of its run.

// scoreIntervalCols follow the scores export's first columns, in this order.
var scoreIntervalCols = []string{"score_low", "score_high", "interval_level", "too_few_pages", "rank_best", "rank_worst"}

// scoreExtras gives each exported score row its interval and rank band.
// The export streams rows in run order: each run's intervals are read
// once, when its first row comes, and ranked per method and category
// among the run's councils with an interval (scoring.RankBands).
type scoreExtras struct {
	store *data.Store
	run   string
	read  bool
	ivs   map[string]data.IntervalRow
	bands map[string]scoring.RankBand
}

func extrasKey(council, method, category string) string {
	return council + "\x00" + method + "\x00" + category
}

// cells are the row's values of scoreIntervalCols: nil (an empty cell,
// JSON null) where the score has no interval or no rank.
func (x *scoreExtras) cells(ctx context.Context, r data.ScoreExport) ([]any, error) {
	out := make([]any, len(scoreIntervalCols))
	if r.CheckID != "" {
		return out, nil // check scores have no interval
	}
	if !x.read || r.RunID != x.run {
		if err := x.load(ctx, r.RunID); err != nil {
			return nil, err
		}
	}
	k := extrasKey(r.Council, r.MethodVersion, r.Category)
	iv, ok := x.ivs[k]
	if !ok {
		return out, nil
	}
	out[0], out[1], out[2], out[3] = iv.Low, iv.High, iv.Level, iv.TooFew
	if b, ok := x.bands[k]; ok && !b.TooFew {
		out[4], out[5] = b.Best, b.Worst
	}
	return out, nil
}

// load reads a run's intervals and ranks them.
func (x *scoreExtras) load(ctx context.Context, run string) error {
	rows, err := x.store.ScoreIntervals(ctx, []string{run})
	if err != nil {
		return err
	}
	x.run, x.read = run, true
	x.ivs = map[string]data.IntervalRow{}
	x.bands = map[string]scoring.RankBand{}
	groups := map[string][]scoring.Ranked{} // method + category -> councils
	for _, iv := range rows {
		if iv.Unavailable {
			continue
		}
		x.ivs[extrasKey(iv.Council, iv.MethodVersion, iv.Category)] = iv
		g := iv.MethodVersion + "\x00" + iv.Category
		groups[g] = append(groups[g], scoring.Ranked{ID: iv.Council, Score: iv.Score, Low: iv.Low, High: iv.High, TooFew: iv.TooFew})
	}
	for g, items := range groups {
		for _, b := range scoring.RankBands(items) {
			x.bands[b.ID+"\x00"+g] = b
		}
	}
	return nil
}
