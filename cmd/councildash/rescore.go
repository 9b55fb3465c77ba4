package main

import (
	"context"
	"fmt"
	"sort"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// rescoreRun re-scores a stored crawl under the current method without
// fetching again: from its archived pages when the run kept them (every
// check runs, new ones included), else from the stored per-check
// statistics.
func rescoreRun(ctx context.Context, env *Env, db dbFlags, runID string) error {
	return rescoreRunWith(ctx, env, db, runID, scoring.NewEngine(scoring.CurrentMethod()))
}

// rescoreRunWith re-scores a run with engine e (its method, its checks).
func rescoreRunWith(ctx context.Context, env *Env, db dbFlags, runID string, e *scoring.Engine) error {
	m := e.Method()
	store, _, err := db.open(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	run, err := store.GetRun(ctx, runID)
	if err != nil {
		return err
	}
	attempts, err := store.FinishedSites(ctx, runID)
	if err != nil {
		return err
	}
	if len(attempts) == 0 {
		return fmt.Errorf("run %s has no completed sites to score", runID)
	}
	done, err := store.ScoredCouncils(ctx, runID, m.Version)
	if err != nil {
		return err
	}
	councils := make([]string, 0, len(attempts))
	for c := range attempts {
		if !done[c] { // already scored under this method: the same rows again would only be duplicates
			councils = append(councils, c)
		}
	}
	if len(councils) == 0 {
		fmt.Fprintf(env.Stdout, "run %s is already scored under method %s (%d sites); nothing to do\n", runID, m.Version, len(done))
		return nil
	}
	sort.Strings(councils)

	fromStats := councils
	how := data.RescoredStatistics
	if run.Archived() {
		res, err := rescoreFromArchive(ctx, env, store, run, e, councils, attempts)
		if err != nil {
			return err
		}
		fromStats = nil
		for c, why := range res.fallback {
			fmt.Fprintf(env.Stderr, "%s: not re-scored from the archive (%v): re-scored from its stored statistics\n", c, why)
			fromStats = append(fromStats, c)
		}
		sort.Strings(fromStats)
		how = data.RescoredArchive
		if len(fromStats) > 0 {
			how = data.RescoredMixed
		}
		fmt.Fprintf(env.Stdout, "re-scored %d sites of run %s under method %s from the archived pages (%d pages read again, every check run)\n",
			len(res.fromArchive), runID, m.Version, res.pages)
	}
	if len(fromStats) > 0 {
		stats, err := store.RunCheckStats(ctx, runID)
		if err != nil {
			return err
		}
		for _, c := range fromStats {
			if err := store.WriteScores(ctx, runID, c, m.Score(stats[c])); err != nil {
				return err
			}
		}
		fmt.Fprintf(env.Stdout, "re-scored %d sites of run %s under method %s from the stored statistics (checks new to the method cannot run without the pages)\n",
			len(fromStats), runID, m.Version)
	}
	return store.SetRunRescored(ctx, runID, how)
}
