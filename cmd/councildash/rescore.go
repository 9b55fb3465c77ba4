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
	return rescoreRunWith(ctx, env, db, runID, scoring.CurrentMethod())
}

// rescoreRunWith re-scores a run under method m.
func rescoreRunWith(ctx context.Context, env *Env, db dbFlags, runID string, m scoring.Method) error {
	store, _, err := db.open(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	run, err := store.ResolveRun(ctx, runID) // an id, latest or previous
	if err != nil {
		return err
	}
	runID = run.ID
	stats, err := store.RunCheckStats(ctx, runID)
	if err != nil {
		return err
	}
	if len(stats) == 0 {
		return fmt.Errorf("run %s has no completed sites to score", runID)
	}
	done, err := store.ScoredCouncils(ctx, runID, m.Version)
	if err != nil {
		return err
	}
	councils := make([]string, 0, len(stats))
	for c := range stats {
		if !done[c] { // already scored under this method: the same rows again would only be duplicates
			councils = append(councils, c)
		}
	}
	if len(councils) == 0 {
		fmt.Fprintf(env.Stdout, "run %s is already scored under method %s (%d sites); nothing to do\n", runID, m.Version, len(done))
		return nil
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
