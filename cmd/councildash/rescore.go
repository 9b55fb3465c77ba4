package main

import (
	"context"
	"fmt"
	"sort"

	"github.com/councildash/councildash/scoring"
)

// rescoreRun recomputes the scores of a stored crawl under the current
// method from the stored per-check statistics, without fetching again.
func rescoreRun(ctx context.Context, env *Env, db dbFlags, runID string) error {
	store, _, err := db.open(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	if _, err := store.GetRun(ctx, runID); err != nil {
		return err
	}
	stats, err := store.RunCheckStats(ctx, runID)
	if err != nil {
		return err
	}
	if len(stats) == 0 {
		return fmt.Errorf("run %s has no completed sites to score", runID)
	}
	m := scoring.CurrentMethod()
	councils := make([]string, 0, len(stats))
	for c := range stats {
		councils = append(councils, c)
	}
	sort.Strings(councils)
	for _, c := range councils {
		if err := store.WriteScores(ctx, runID, c, m.Score(stats[c])); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stdout, "re-scored %d sites of run %s under method %s\n", len(councils), runID, m.Version)
	return nil
}
