package dashboard

import (
	"context"
	"reflect"
	"sync/atomic"
	"time"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/reviews"
)

// Keeping the read model fresh. serve builds it at start (Server.Refresh);
// otherwise the first request builds it and the others wait. Afterwards
// requests are served from the current model while, at most every
// Deps.Refresh, one of them looks at the database's change mark in the
// background. A new model is built and swapped in when:
//   - runs were started or ended, or a run was re-scored (at once);
//   - sites finished in a running crawl (at most every busyRebuild, which
//     also refreshes the home page's progress of a running crawl);
//   - reviews, moderation decisions or responses were stored (at once; a
//     post through the review pages marks the reviews stale at once, too).
//
// A failed refresh keeps the model there is. Server.Refresh rebuilds
// everything at once (the server's own background crawl calls it when a
// run ends).

// busyRebuild is how often the model follows a crawl in progress.
const busyRebuild = 30 * time.Second

// modelState is the current model and what it was built from.
type modelState struct {
	cur       atomic.Pointer[versioned]
	gen       atomic.Uint64
	lock      chan struct{} // one build at a time
	checking  atomic.Bool   // a background check is running
	checkedAt atomic.Int64  // unix nanos of the last check
	// reviewsStale is set when a review, decision or response was posted.
	reviewsStale atomic.Bool
}

// versioned is a model with the change marks it was built from.
type versioned struct {
	*model
	crawlMark  data.ChangeMark
	crawlBuilt time.Time
	revsMark   data.ChangeMark
	revsFailed bool // reviews could not be read: try again at the next check
	anyRunning bool
	// warmed is closed once the evidence of the crawl model's councils has
	// been read ahead (nil: nothing to wait for).
	warmed chan struct{}
}

func newModelState() *modelState { return &modelState{lock: make(chan struct{}, 1)} }

func (st *modelState) acquire(ctx context.Context) error {
	select {
	case st.lock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (st *modelState) release() { <-st.lock }

// model returns the current read model, building the first one. It starts
// a background check for changes when one is due.
func (s *Server) model(ctx context.Context) (*model, error) {
	v := s.state.cur.Load()
	if v == nil {
		return s.firstModel(ctx)
	}
	if s.refresh < 0 { // tests: every request sees the database as it is
		if err := s.checkChanges(ctx, false); err != nil {
			return nil, err
		}
		return s.state.cur.Load().model, nil
	}
	if time.Since(time.Unix(0, s.state.checkedAt.Load())) >= s.refresh || s.state.reviewsStale.Load() {
		if s.state.checking.CompareAndSwap(false, true) {
			go func() {
				defer s.state.checking.Store(false)
				ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
				defer cancel()
				if err := s.checkChanges(ctx, false); err != nil {
					s.log.Warn("read model not refreshed", "err", err)
				}
			}()
		}
	}
	return v.model, nil
}

// firstModel builds the first model; concurrent callers wait for it.
func (s *Server) firstModel(ctx context.Context) (*model, error) {
	if err := s.state.acquire(ctx); err != nil {
		return nil, err
	}
	defer s.state.release()
	if v := s.state.cur.Load(); v != nil {
		return v.model, nil
	}
	v, err := s.build(context.WithoutCancel(ctx), nil, true, true)
	if err != nil {
		return nil, err
	}
	s.state.cur.Store(v)
	return v.model, nil
}

// Refresh rebuilds the read model now, whatever the change mark says, and
// waits (as long as ctx allows) for the evidence of its councils to be read
// ahead: serve calls it at start, so the first visitors find both ready.
func (s *Server) Refresh(ctx context.Context) error {
	if err := s.checkChanges(ctx, true); err != nil {
		return err
	}
	if v := s.state.cur.Load(); v != nil && v.warmed != nil {
		select {
		case <-v.warmed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// reviewsPosted marks the reviews stale: the next request refreshes them.
func (s *Server) reviewsPosted() { s.state.reviewsStale.Store(true) }

// checkChanges reads the change mark and builds a new model when something the
// model shows has changed (or always, when force is set).
func (s *Server) checkChanges(ctx context.Context, force bool) error {
	if err := s.state.acquire(ctx); err != nil {
		return err
	}
	defer s.state.release()
	prev := s.state.cur.Load()
	if prev == nil {
		v, err := s.build(ctx, nil, true, true)
		if err != nil {
			return err
		}
		s.state.cur.Store(v)
		return nil
	}
	mark, err := s.store.ChangeMark(ctx)
	s.state.checkedAt.Store(time.Now().UnixNano())
	if err != nil {
		return err
	}
	stale := s.state.reviewsStale.Swap(false)
	busy := busyRebuild
	if s.refresh < 0 {
		busy = 0
	}
	since := time.Since(prev.crawlBuilt)
	crawlDue := force ||
		mark.Runs != prev.crawlMark.Runs || // a run started, ended or was re-labelled
		(mark.Crawl(prev.crawlMark) && since >= busy) || // sites finished, a run re-scored
		(prev.anyRunning && since >= busy) // progress of a running crawl
	revsDue := s.reviews != nil && (force || stale || prev.revsFailed || mark.ReviewsChanged(prev.revsMark))
	if !crawlDue && !revsDue {
		return nil
	}
	v, err := s.buildWith(ctx, prev, crawlDue, revsDue, mark)
	if err != nil {
		if stale {
			s.state.reviewsStale.Store(true)
		}
		return err
	}
	s.state.cur.Store(v)
	return nil
}

// build reads the change mark, then builds a model.
func (s *Server) build(ctx context.Context, prev *versioned, crawl, revs bool) (*versioned, error) {
	mark, err := s.store.ChangeMark(ctx)
	s.state.checkedAt.Store(time.Now().UnixNano())
	if err != nil {
		return nil, err
	}
	return s.buildWith(ctx, prev, crawl, revs, mark)
}

// buildWith builds a model: the crawl part anew when crawl is set (else
// prev's), the reviews anew when revs is set. The mark was read before
// anything else, so whatever is stored after it shows at the next check.
func (s *Server) buildWith(ctx context.Context, prev *versioned, crawl, revs bool, mark data.ChangeMark) (*versioned, error) {
	start := time.Now()
	v := &versioned{}
	gen := s.state.gen.Add(1)
	var cm *crawlModel
	if crawl || prev == nil {
		in, err := s.loadCrawl(ctx)
		if err != nil {
			return nil, err
		}
		cm = newCrawlModel(s.cat, in)
		cm.gen = gen
		v.crawlMark, v.crawlBuilt = mark, time.Now()
		if s.ahead {
			v.warmed = make(chan struct{})
			go func() {
				defer close(v.warmed)
				s.warmEvidence(cm)
			}()
		}
	} else {
		cm, v.crawlMark, v.crawlBuilt, v.warmed = prev.crawl, prev.crawlMark, prev.crawlBuilt, prev.warmed
	}
	for _, r := range cm.all {
		v.anyRunning = v.anyRunning || r.Running()
	}
	var ov *reviews.Overview
	switch {
	case s.reviews == nil:
	case revs || prev == nil:
		o, err := s.reviews.Overview(ctx)
		if err != nil {
			// Pages show the scores without (new) reviews meanwhile.
			s.log.Warn("reviews unavailable", "err", err)
			v.revsFailed = true
			if prev != nil {
				ov, v.revsMark = prev.revs, prev.revsMark
			}
			break
		}
		ov, v.revsMark = &o, mark
		if prev != nil && prev.revs != nil && reflect.DeepEqual(*prev.revs, o) {
			ov = prev.revs // nothing public changed: pages keep their versions
		}
	default:
		ov, v.revsMark, v.revsFailed = prev.revs, prev.revsMark, prev.revsFailed
	}
	var pm *model
	if prev != nil {
		pm = prev.model
	}
	v.model = withReviews(gen, cm, ov, pm)
	s.log.Debug("read model built", "generation", gen, "crawl", crawl || prev == nil, "reviews", revs || prev == nil,
		"elapsed", time.Since(start).Round(time.Millisecond))
	return v, nil
}

// loadCrawl reads what a crawl model is built from: the runs, the category
// scores of the recent ones, and the check results and per-task counts of
// the runs the pages show.
func (s *Server) loadCrawl(ctx context.Context) (crawlInput, error) {
	in := crawlInput{councils: s.councils, results: map[string][]data.CheckResult{}, taskChecks: map[string][]data.TaskCheck{}}
	var err error
	if in.runs, err = s.store.RunsWithProgress(ctx); err != nil {
		return in, err
	}
	recent := recentRuns(in.runs)
	ids := make([]string, len(recent))
	for i, r := range recent {
		ids[i] = r.ID
	}
	if in.scores, err = s.store.CategoryScores(ctx, ids); err != nil {
		return in, err
	}
	needed := neededRuns(s.councils, in.runs, in.scores)
	for _, id := range needed {
		if in.results[id], err = s.store.CheckResults(ctx, id, "", ""); err != nil {
			return in, err
		}
		if in.taskChecks[id], err = s.store.TaskChecks(ctx, id); err != nil {
			return in, err
		}
	}
	in.scoring, err = s.loadScoring(ctx, ids, needed)
	return in, err
}
