package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/reviews"
	"github.com/councildash/councildash/scoring"
)

// demoComments are canned demo comments (made up; marked as demo wherever
// they show).
func demoComments() []string {
	return []string{
		"Found it from the home page in two clicks.",
		"The A to Z sent me to an old page that said the service had moved.",
		"Search on the site gave me a PDF from 2019 first.",
		"Easy once I knew the service had a different name on the site.",
		"The page asked me to phone during office hours; I wanted to do it online.",
		"Clear and quick. The form worked on my phone.",
		"I gave up and used a search engine, which found it straight away.",
		"Too many steps and the link text all said \"click here\".",
		"Worked, but I had to create an account first.",
		"The bin day finder needed my full postcode with a space.",
	}
}

// demoSeed makes the demo reviews the same on every run.
const demoSeed = 20140601

// seedDemoReviews stores opts.reviews demo reviews (demo = 1), spread
// deterministically over councils the demo crawled, the top tasks and the
// four ways: some by peers, some with comments a "demo" moderator
// approved, a few pending, and a few council responses. It does nothing
// when demo reviews are already stored.
func seedDemoReviews(ctx context.Context, env *Env, store *data.Store, reg []data.Council, opts demoOptions) error {
	if opts.reviews <= 0 {
		return nil
	}
	if _, demo, err := store.ReviewCounts(ctx); err != nil {
		return err
	} else if demo > 0 {
		env.Logger.Info("demo reviews already stored", "reviews", demo)
		return nil
	}
	codes := demoReviewCouncils(ctx, store, reg)
	if len(codes) == 0 {
		return nil
	}
	rs, mods, resps := demoReviews(codes, opts.reviews, time.Now().UTC())
	if err := store.InsertReviews(ctx, rs); err != nil {
		return err
	}
	if len(mods) > 0 {
		if err := store.InsertModerations(ctx, mods); err != nil {
			return err
		}
	}
	for _, r := range resps {
		if err := store.InsertResponse(ctx, r); err != nil {
			return err
		}
	}
	env.Logger.Info("demo reviews seeded", "reviews", len(rs), "councils", min(len(codes), demoReviewCouncilCap), "moderation_events", len(mods), "responses", len(resps))
	return nil
}

// demoReviewCouncilCap bounds the councils with demo reviews, so most of
// them have enough reviews to be ranked.
const demoReviewCouncilCap = 40

// demoReviewCouncils lists the councils of the latest finished crawl (the
// demo web's), else the register, in code order.
func demoReviewCouncils(ctx context.Context, store *data.Store, reg []data.Council) []string {
	var codes []string
	if runs, err := store.Runs(ctx); err == nil {
		for _, r := range runs {
			done, err := store.FinishedSites(ctx, r.ID)
			if err == nil && len(done) > 0 {
				for c := range done {
					codes = append(codes, c)
				}
				break
			}
		}
	}
	if len(codes) == 0 {
		for _, c := range reg {
			codes = append(codes, c.Code)
		}
	}
	sort.Strings(codes)
	return codes
}

// demoReviews builds n deterministic demo reviews over codes.
func demoReviews(codes []string, n int, now time.Time) ([]reviews.Review, []reviews.ModerationEvent, []reviews.Response) {
	rng := rand.New(rand.NewPCG(demoSeed, 7))
	// Pick up to demoReviewCouncilCap councils spread over the list.
	var picked []string
	step := max(1, len(codes)/demoReviewCouncilCap)
	for i := 0; i < len(codes) && len(picked) < demoReviewCouncilCap; i += step {
		picked = append(picked, codes[i])
	}
	quality := make(map[string]float64, len(picked))
	for _, c := range picked {
		quality[c] = 0.25 + 0.65*rng.Float64() // how easy this council's site is
	}
	tasks := scoring.Tasks()
	ratings := []reviews.Rating{reviews.VeryEasy, reviews.Easy, reviews.Difficult, reviews.GaveUp}
	comments := demoComments()
	var rs []reviews.Review
	var mods []reviews.ModerationEvent
	for i := range n {
		code := picked[rng.IntN(len(picked))]
		q := quality[code]
		r := reviews.Review{
			ID:         fmt.Sprintf("de000000-0000-4000-8000-%012d", i+1),
			Council:    code,
			Task:       tasks[rng.IntN(len(tasks))].ID,
			Importance: 2 + rng.IntN(4),
			Kind:       reviews.KindResident,
			IPHash:     "demo",
			Demo:       true,
			CreatedAt:  now.Add(-time.Duration(rng.IntN(60*24)) * time.Hour).Truncate(time.Second),
		}
		switch x := rng.Float64(); {
		case x < 0.2:
			r.Kind, r.PeerID = reviews.KindPeer, "demo-peer"
		case x < 0.35:
			r.Kind = reviews.KindOther
		}
		for _, rt := range reviews.Ways() {
			if rng.Float64() < 0.7 {
				// A better site makes the easier answers likelier.
				x := rng.Float64()
				idx := 0
				switch {
				case x < q*0.7:
					idx = 0
				case x < q:
					idx = 1
				case x < q+(1-q)*0.6:
					idx = 2
				default:
					idx = 3
				}
				r.Ratings[rt] = ratings[idx]
			}
		}
		if r.Tried() == 0 {
			r.Ratings[reviews.WayNav] = ratings[rng.IntN(len(ratings))]
		}
		if rng.Float64() < 0.3 {
			r.Comment = comments[rng.IntN(len(comments))]
			at := r.CreatedAt.Add(time.Duration(1+rng.IntN(48)) * time.Hour)
			if at.After(now) {
				at = now
			}
			switch x := rng.Float64(); {
			case x < 0.75:
				mods = append(mods, reviews.ModerationEvent{ReviewID: r.ID, Action: reviews.ActionApprove, Moderator: "demo", At: at})
			case x < 0.85:
				mods = append(mods, reviews.ModerationEvent{ReviewID: r.ID, Action: reviews.ActionReject, Reason: "demo: off topic", Moderator: "demo", At: at})
			} // else pending
		}
		rs = append(rs, r)
	}
	var resps []reviews.Response
	for i, c := range picked {
		if i%8 != 0 {
			continue
		}
		resps = append(resps, reviews.Response{ID: fmt.Sprintf("demo-response-%d", i), Council: c, Task: tasks[i%len(tasks)].ID,
			Text:      "(Demo) Thank you for the reviews. We have added this task to our A to Z and are improving the page.",
			PeerID:    "demo-peer",
			CreatedAt: now.Add(-time.Duration(24*(i+1)) * time.Hour).Truncate(time.Second)})
	}
	return rs, mods, resps
}
