package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/reviews"
	"github.com/councildash/councildash/reviews/web"
)

// reviewsAdapter adapts *reviews.Service to dashboard.Reviews.
type reviewsAdapter struct{ svc *reviews.Service }

var _ dashboard.Reviews = reviewsAdapter{}

// dashErr makes the reviews sentinels match the dashboard's too.
func dashErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, reviews.ErrUnavailable):
		return fmt.Errorf("%w: %w", dashboard.ErrUnavailable, err)
	case errors.Is(err, reviews.ErrNotFound):
		return fmt.Errorf("%w: %w", dashboard.ErrNotFound, err)
	}
	return err
}

func dashScore(s reviews.CouncilScore) dashboard.ReviewScore {
	return dashboard.ReviewScore{Score: s.Score, N: s.N, Ranked: s.Ranked, Demo: s.DemoN}
}

func dashTask(t reviews.TaskAggregate) dashboard.TaskReview {
	return dashboard.TaskReview{Council: t.Council, Task: t.Task, Index: t.Score, N: t.N, PublicN: t.PublicN, PeerN: t.PeerN, FoundRate: t.FoundRate}
}

func (a reviewsAdapter) ReviewScores(ctx context.Context) (map[string]dashboard.ReviewScore, error) {
	m, err := a.svc.Scores(ctx)
	if err != nil {
		return nil, dashErr(err)
	}
	out := make(map[string]dashboard.ReviewScore, len(m))
	for code, s := range m {
		out[code] = dashScore(s)
	}
	return out, nil
}

func (a reviewsAdapter) CouncilReviews(ctx context.Context, code string) (dashboard.CouncilReviews, error) {
	s, err := a.svc.Council(ctx, code)
	if err != nil {
		return dashboard.CouncilReviews{}, dashErr(err)
	}
	out := dashboard.CouncilReviews{Score: dashScore(s.Score), Tasks: []dashboard.TaskReview{}, Comments: []dashboard.Comment{}, Responses: []dashboard.Response{}}
	for _, t := range s.Tasks {
		out.Tasks = append(out.Tasks, dashTask(t))
	}
	for _, c := range s.Comments {
		kind := "public"
		if c.Kind == reviews.KindPeer {
			kind = "peer"
		}
		out.Comments = append(out.Comments, dashboard.Comment{Task: c.Task, Kind: kind, Text: c.Comment, Demo: c.Demo, CreatedAt: c.CreatedAt})
	}
	for _, r := range s.Responses {
		out.Responses = append(out.Responses, dashboard.Response{Text: r.Text, CreatedAt: r.CreatedAt})
	}
	return out, nil
}

func (a reviewsAdapter) TaskReviews(ctx context.Context) ([]dashboard.TaskReview, error) {
	ts, err := a.svc.TaskAggregates(ctx)
	if err != nil {
		return nil, dashErr(err)
	}
	out := make([]dashboard.TaskReview, 0, len(ts))
	for _, t := range ts {
		out = append(out, dashTask(t))
	}
	return out, nil
}

func (a reviewsAdapter) ExportColumns() []string { return reviews.ExportColumns() }

func (a reviewsAdapter) ExportReviews(ctx context.Context, fn func(row []any) error) error {
	return dashErr(a.svc.Export(ctx, fn))
}

// reviewsSetup builds the reviews service (configured from the
// environment, see reviews.ConfigFromEnv) over the store, and the review
// pages rendering through r. serve uses it:
//
//	r, _ := dashboard.NewRenderer(log, web.Templates)
//	svc, pages, err := reviewsSetup(env, store, reg, r)
//	dashboard.New(dashboard.Deps{Renderer: r, ReviewPages: pages, Reviews: reviewsAdapter{svc},
//	    Unavailable: []error{data.ErrUnavailable, reviews.ErrUnavailable}, ...})
//
// Set COUNCILDASH_REVIEW_SECRET (stable sessions and rate limits across
// restarts), COUNCILDASH_ADMIN_TOKEN (moderation) and, behind HTTPS,
// COUNCILDASH_SECURE_COOKIES=1.
func reviewsSetup(env *Env, store *data.Store, reg []data.Council, r web.Renderer) (*reviews.Service, *web.Handlers, error) {
	svc, cfg, err := newReviewService(env, store)
	if err != nil {
		return nil, nil, err
	}
	if len(cfg.Secret) == 0 {
		env.Logger.Warn("COUNCILDASH_REVIEW_SECRET is not set: peer and moderator sign-ins and rate limits reset when the server restarts")
	}
	if cfg.AdminToken == "" {
		env.Logger.Info("COUNCILDASH_ADMIN_TOKEN is not set: moderation sign-in is off (comments stay pending)")
	}
	pages, err := web.New(web.Deps{Service: svc, Renderer: r, Councils: webCouncils(reg), Logger: loggerOr(env.Logger),
		Config: web.Config{SecureCookies: env.Getenv("COUNCILDASH_SECURE_COOKIES") == "1"}})
	if err != nil {
		return nil, nil, err
	}
	return svc, pages, nil
}

// newReviewService builds the reviews service over store, configured from
// the environment (COUNCILDASH_REVIEW_*, COUNCILDASH_ADMIN_TOKEN).
func newReviewService(env *Env, store *data.Store) (*reviews.Service, reviews.Config, error) {
	cfg, err := reviews.ConfigFromEnv(env.Getenv)
	if err != nil {
		return nil, cfg, err
	}
	svc, err := reviews.New(data.NewReviewStore(store), cfg)
	return svc, cfg, err
}

func webCouncils(reg []data.Council) []web.Council {
	out := make([]web.Council, 0, len(reg))
	for _, c := range reg {
		out = append(out, web.Council{Code: c.Code, Name: c.Name, HomepageURL: c.HomepageURL})
	}
	return out
}

func loggerOr(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
