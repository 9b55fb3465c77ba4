package data_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/reviews"
)

func mkReview(i int, council, task, kind string, ratings [4]reviews.Rating, comment string) reviews.Review {
	return reviews.Review{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Council: council, Task: task, Ratings: ratings,
		Importance: 1 + i%5, Comment: comment, Kind: kind, IPHash: "h", CreatedAt: time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC)}
}

func TestReviewsStoreAggregatesAndModeration(t *testing.T) {
	s := datatest.Store(t)
	ctx := context.Background()
	var rs []reviews.Review
	rs = append(rs, mkReview(1, "AAA", "pay-council-tax", reviews.KindResident, [4]reviews.Rating{5, 3, 0, 0}, "Easy to find"))
	rs = append(rs, mkReview(2, "AAA", "pay-council-tax", reviews.KindOther, [4]reviews.Rating{-3, -3, -3, -3}, ""))
	rs = append(rs, mkReview(3, "AAA", "pay-council-tax", reviews.KindPeer, [4]reviews.Rating{1, 0, 5, 0}, "<script>x</script>"))
	rs = append(rs, mkReview(4, "AAA", "register-to-vote", reviews.KindResident, [4]reviews.Rating{0, 0, 0, 3}, "needs approval"))
	rs = append(rs, mkReview(5, "BBB", "pay-council-tax", reviews.KindResident, [4]reviews.Rating{5, 5, 5, 5}, ""))
	rs[4].Demo = true
	if err := s.InsertReviews(ctx, rs); err != nil {
		t.Fatal(err)
	}
	stats, err := s.ReviewTaskStats(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	want := reviews.StatsOf(rs)
	if len(stats) != len(want) {
		t.Fatalf("stats rows: got %d want %d", len(stats), len(want))
	}
	byKey := map[string]reviews.TaskStats{}
	for _, w := range want {
		byKey[w.Council+"/"+w.Task] = w
	}
	for _, g := range stats {
		w := byKey[g.Council+"/"+g.Task]
		if g.N != w.N || g.PublicN != w.PublicN || g.PeerN != w.PeerN || g.DemoN != w.DemoN || g.FoundN != w.FoundN ||
			g.IndexSum != w.IndexSum || g.ImportanceSum != w.ImportanceSum || g.WayN != w.WayN || g.WaySum != w.WaySum ||
			math.Abs(g.PublicScoreSum-w.PublicScoreSum) > 1e-9 || math.Abs(g.PeerScoreSum-w.PeerScoreSum) > 1e-9 {
			t.Errorf("%s/%s: store %+v\nwant %+v", g.Council, g.Task, g, w)
		}
	}
	one, err := s.ReviewTaskStats(ctx, "BBB")
	if err != nil || len(one) != 1 || one[0].N != 1 || one[0].DemoN != 1 {
		t.Fatalf("BBB stats: %+v %v", one, err)
	}

	// Pending comments: oldest first.
	pend, err := s.ReviewComments(ctx, reviews.CommentQuery{Status: reviews.CommentPending, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(pend) != 3 || pend[0].ID != rs[0].ID || pend[0].CommentStatus != reviews.CommentPending {
		t.Fatalf("pending: %+v", pend)
	}
	// Approve one, reject one; exclude review 2's ratings, then include and exclude again.
	ev := func(id, action, reason string) {
		t.Helper()
		if err := s.InsertModeration(ctx, reviews.ModerationEvent{ReviewID: id, Action: action, Reason: reason, Moderator: "mod", At: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	ev(rs[0].ID, reviews.ActionApprove, "")
	ev(rs[2].ID, reviews.ActionReject, "script")
	ev(rs[1].ID, reviews.ActionExclude, "spam")
	ev(rs[1].ID, reviews.ActionInclude, "not spam")
	ev(rs[1].ID, reviews.ActionExclude, "spam after all")
	appr, err := s.ReviewComments(ctx, reviews.CommentQuery{Council: "AAA", Status: reviews.CommentApproved, Limit: 10})
	if err != nil || len(appr) != 1 || appr[0].Comment != "Easy to find" {
		t.Fatalf("approved: %+v %v", appr, err)
	}
	pend, _ = s.ReviewComments(ctx, reviews.CommentQuery{Status: reviews.CommentPending, Limit: 10})
	if len(pend) != 1 || pend[0].ID != rs[3].ID {
		t.Fatalf("pending after moderation: %+v", pend)
	}
	rej, _ := s.ReviewComments(ctx, reviews.CommentQuery{Status: reviews.CommentRejected, Limit: 10})
	if len(rej) != 1 || rej[0].Reason != "script" {
		t.Fatalf("rejected: %+v", rej)
	}
	got, err := s.GetReview(ctx, rs[1].ID)
	if err != nil || !got.Excluded || got.CommentStatus != "" {
		t.Fatalf("review 2 state: %+v %v", got, err)
	}
	if _, err := s.GetReview(ctx, "00000000-0000-4000-8000-999999999999"); !errors.Is(err, reviews.ErrNotFound) || !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("missing review: %v", err)
	}
	stats, _ = s.ReviewTaskStats(ctx, "AAA")
	for _, g := range stats {
		if g.Task == "pay-council-tax" && (g.N != 2 || g.PublicN != 1) {
			t.Fatalf("excluded review still counted: %+v", g)
		}
	}

	// Export stream: every review with its state.
	n := 0
	if err := s.StreamReviews(ctx, func(r reviews.ReviewState) error { n++; return nil }); err != nil || n != 5 {
		t.Fatalf("stream: %d %v", n, err)
	}
	stop := errors.New("stop")
	if err := s.StreamReviews(ctx, func(r reviews.ReviewState) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("callback error not returned: %v", err)
	}

	// Responses.
	if err := s.InsertResponse(ctx, reviews.Response{ID: "r1", Council: "AAA", Text: "We are fixing it", PeerID: "pt_1", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	resp, err := s.ReviewResponses(ctx, "AAA", 10)
	if err != nil || len(resp) != 1 || resp[0].Text != "We are fixing it" {
		t.Fatalf("responses: %+v %v", resp, err)
	}
	counts, err := s.ReviewIDCounts(ctx)
	if err != nil || len(counts) != 5 {
		t.Fatalf("id counts: %v %v", counts, err)
	}
}

func TestPeerTokensStore(t *testing.T) {
	s := datatest.Store(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	tok := reviews.PeerToken{ID: "pt_a", Hash: reviews.HashToken("secret"), Email: "a@x.gov.uk", Council: "AAA", CreatedBy: "cli", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := s.InsertPeerToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	got, err := s.PeerTokenByHash(ctx, reviews.HashToken("secret"))
	if err != nil || got.ID != "pt_a" || !got.UsedAt.IsZero() || !got.RevokedAt.IsZero() || got.Status(now) != reviews.TokenActive {
		t.Fatalf("by hash: %+v %v", got, err)
	}
	if _, err := s.PeerTokenByHash(ctx, reviews.HashToken("other")); !errors.Is(err, reviews.ErrNotFound) {
		t.Fatalf("unknown hash: %v", err)
	}
	if err := s.InsertPeerTokenEvent(ctx, reviews.TokenEvent{TokenID: "pt_a", Event: reviews.TokenEventUsed, At: now}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.PeerTokenByID(ctx, "pt_a")
	if got.Status(now) != reviews.TokenUsed {
		t.Fatalf("after use: %+v", got)
	}
	if err := s.InsertPeerTokenEvent(ctx, reviews.TokenEvent{TokenID: "pt_a", Event: reviews.TokenEventRevoked, At: now}); err != nil {
		t.Fatal(err)
	}
	all, err := s.PeerTokens(ctx, 10)
	if err != nil || len(all) != 1 || all[0].Status(now) != reviews.TokenRevoked {
		t.Fatalf("list: %+v %v", all, err)
	}
	if got.Status(now.Add(2*time.Hour)) != reviews.TokenExpired {
		t.Fatalf("expiry not applied")
	}
}

func TestReviewStoreGroupCommit(t *testing.T) {
	s := datatest.Store(t)
	rs := data.NewReviewStore(s)
	ctx := context.Background()
	const n = 600
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- rs.InsertReview(ctx, mkReview(i, "AAA", "pay-council-tax", reviews.KindResident, [4]reviews.Rating{5, 0, 0, 0}, ""))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	counts, err := s.ReviewIDCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != n {
		t.Fatalf("stored %d distinct reviews, want %d", len(counts), n)
	}
	for id, c := range counts {
		if c != 1 {
			t.Fatalf("%s stored %d times", id, c)
		}
	}
	if err := rs.InsertReview(ctx, reviews.Review{}); err == nil {
		t.Fatal("empty review accepted")
	}
}

// TestOverviewIsEveryCouncil: the three all-council queries behind
// reviews.Service.Overview give each council exactly what Council gives it
// (the per-council limits too).
func TestOverviewIsEveryCouncil(t *testing.T) {
	s := datatest.Store(t)
	ctx := context.Background()
	svc, err := reviews.New(s, reviews.Config{Secret: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	var rs []reviews.Review
	var mods []reviews.ModerationEvent
	tasks := []string{"pay-council-tax", "register-to-vote", "bin-collection-day"}
	// CCC has more approved comments than the page shows.
	for i := range 3 * reviews.MaxCommentsShown {
		code := []string{"AAA", "BBB", "CCC", "CCC", "CCC"}[i%5]
		r := mkReview(i+1, code, tasks[i%3], []string{reviews.KindResident, reviews.KindPeer, reviews.KindOther}[i%3],
			[4]reviews.Rating{reviews.Rating([]int{5, 3, 1, -3}[i%4]), 0, 3, 0}, fmt.Sprintf("comment %d", i))
		rs = append(rs, r)
		switch i % 4 {
		case 0, 1, 3:
			mods = append(mods, reviews.ModerationEvent{ReviewID: r.ID, Action: reviews.ActionApprove, Moderator: "m", At: r.CreatedAt})
		case 2:
			mods = append(mods, reviews.ModerationEvent{ReviewID: r.ID, Action: reviews.ActionReject, Reason: "x", Moderator: "m", At: r.CreatedAt})
		}
	}
	if err := s.InsertReviews(ctx, rs); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertModerations(ctx, mods); err != nil {
		t.Fatal(err)
	}
	for i := range reviews.MaxResponsesShown + 5 {
		code := []string{"AAA", "DDD"}[i%2] // DDD has responses but no reviews
		if i > 3 {
			code = "BBB"
		}
		if err := s.InsertResponse(ctx, reviews.Response{ID: fmt.Sprintf("resp-%03d", i), Council: code, Text: fmt.Sprintf("reply %d", i),
			CreatedAt: time.Date(2026, 2, 1, 0, 0, i, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
	}
	ov, err := svc.Overview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ov.Councils) != 4 {
		t.Errorf("overview has %d councils, want 4", len(ov.Councils))
	}
	for _, code := range []string{"AAA", "BBB", "CCC", "DDD", "EEE"} {
		one, err := svc.Council(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := ov.Councils[code]
		if !ok {
			got.Score.Council = code
		}
		if len(got.Tasks) == 0 && len(one.Tasks) == 0 {
			got.Tasks, one.Tasks = nil, nil
		}
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", one) {
			t.Errorf("%s: overview\n%+v\nCouncil\n%+v", code, got, one)
		}
		if sc := ov.Scores[code]; sc.N != one.Score.N || sc.Score != one.Score.Score {
			t.Errorf("%s: overview score %+v, Council %+v", code, sc, one.Score)
		}
	}
	if n := len(ov.Councils["CCC"].Comments); n != reviews.MaxCommentsShown {
		t.Errorf("CCC shows %d comments, want the newest %d", n, reviews.MaxCommentsShown)
	}
	if n := len(ov.Councils["BBB"].Responses); n != reviews.MaxResponsesShown {
		t.Errorf("BBB shows %d responses, want the newest %d", n, reviews.MaxResponsesShown)
	}
}
