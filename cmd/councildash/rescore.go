package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

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
// A run that kept its pages (WARC) is scored again from them, site by site,
// as a crawl scores (rescore_archive.go); a site that cannot be, and every
// site of a run without an archive, from its stored statistics
// (rescoreFromStatistics).
func rescoreRunWith(ctx context.Context, env *Env, db dbFlags, runID string, e *scoring.Engine) error {
	m := e.Method()
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
		if err := rescoreFromStatistics(ctx, env, store, runID, m, fromStats); err != nil {
			return err
		}
	}
	return store.SetRunRescored(ctx, runID, how)
}

// rescoreFromStatistics re-scores councils of a run under method m: each
// site's scores from its stored check statistics and, where its pages' own
// statistics are stored (crawls since method 2026.2), the intervals of its
// scores, bootstrapped as the crawl does. A check m counts per 100 words
// whose statistics carry no words read (stored before 2026.2) cannot be
// computed from them: it is left out of the scores (m.Unscorable) and
// named in the output, never scored another way. Checks new to m cannot run
// at all without the pages.
func rescoreFromStatistics(ctx context.Context, env *Env, store *data.Store, runID string, m scoring.Method, councils []string) error {
	stats, err := store.RunCheckStats(ctx, runID)
	if err != nil {
		return err
	}
	todo := map[string]bool{}
	for _, c := range councils {
		todo[c] = true
	}
	intervals, err := rescoreIntervals(ctx, store, runID, m, stats, todo)
	if err != nil {
		return err
	}
	unscorable := map[string]int{} // check id -> sites where it cannot be computed
	for _, c := range councils {
		for _, st := range stats[c] {
			if m.Unscorable(st) != "" {
				unscorable[st.CheckID]++
			}
		}
		// Intervals first: the dashboard rebuilds when scores arrive.
		if err := store.WriteIntervals(ctx, runID, c, m.Version, intervals[c]); err != nil {
			return err
		}
		if err := store.WriteScores(ctx, runID, c, m.Score(stats[c])); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stdout, "re-scored %d sites of run %s under method %s from the stored statistics (checks new to the method cannot run without the pages)\n",
		len(councils), runID, m.Version)
	if len(unscorable) > 0 {
		ids := make([]string, 0, len(unscorable))
		for id := range unscorable {
			ids = append(ids, fmt.Sprintf("%s (%d sites)", id, unscorable[id]))
		}
		sort.Strings(ids)
		fmt.Fprintf(env.Stdout, "%d checks cannot be computed from stored statistics: method %s counts them per 100 words read, and this run's statistics carry no words read (stored before method 2026.2). They are left out of the scores, not scored another way: %s\n",
			len(unscorable), m.Version, strings.Join(ids, ", "))
	}
	with := 0
	for _, c := range councils {
		if len(intervals[c]) > 0 {
			with++
		}
	}
	if with < len(councils) {
		fmt.Fprintf(env.Stdout, "%d of %d sites have no page statistics stored (crawled before method 2026.2): their scores have no interval and no rank band\n", len(councils)-with, len(councils))
	}
	return nil
}

// rescoreIntervals bootstraps the score intervals of the councils in todo
// from their stored page statistics (one site's pages in memory at a
// time); a site whose pages were stored without statistics gets none.
func rescoreIntervals(ctx context.Context, store *data.Store, runID string, m scoring.Method, stats map[string][]scoring.CheckStat, todo map[string]bool) (map[string][]scoring.ScoreInterval, error) {
	catalog := map[string]string{}
	for _, c := range scoring.Catalog() {
		catalog[c.ID] = c.Category
	}
	out := map[string][]scoring.ScoreInterval{}
	err := store.StreamRunPageStats(ctx, runID, func(council string, pages []data.PageStat) error {
		if !todo[council] {
			return nil
		}
		cats := map[string]string{}
		for _, st := range stats[council] {
			cats[st.CheckID] = st.Category
		}
		category := func(id string) string {
			if c, ok := cats[id]; ok {
				return c
			}
			return catalog[id]
		}
		ps := make([]pageStats, 0, len(pages))
		for _, p := range pages {
			if p.Counts == nil {
				return nil // stored without page statistics: no interval
			}
			ps = append(ps, pageStats{url: p.URL, stats: p.CheckStats(category)})
		}
		out[council] = siteIntervals(m, council, ps, stats[council])
		return nil
	})
	return out, err
}
