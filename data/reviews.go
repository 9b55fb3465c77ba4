package data

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/councildash/councildash/reviews"
)

// The reviews tables (migration 0002) are append-only. A review's current
// state comes from its moderation events: the latest approve/reject decides
// its comment, the latest exclude/include whether its ratings count.

var (
	_ reviews.Store = (*Store)(nil)
	_ reviews.Store = (*ReviewStore)(nil)
)

// ReviewStore is the reviews Store for a server: a *Store whose
// inserts on the paths of a post group-commit (reviews, moderation events,
// form nonce uses and failed sign-ins, see groupCommit), so a burst of
// posts makes a few ClickHouse parts rather than several per post. Each
// call still returns only once its row is stored, with its batch's error.
type ReviewStore struct {
	*Store
	reviews, moderation, guard *groupCommit
}

// NewReviewStore returns the group-committing reviews store over s.
func NewReviewStore(s *Store) *ReviewStore {
	return &ReviewStore{Store: s,
		reviews:    newGroupCommit(s, sqlInsertReview, "reviews"),
		moderation: newGroupCommit(s, sqlInsertModeration, "moderation"),
		guard:      newGroupCommit(s, sqlInsertGuardEvent, "guard events")}
}

// InsertReview queues the review for the next batch and waits until that
// batch is stored (or failed). It waits even if ctx is cancelled, so a
// review is never stored without its caller knowing.
func (rs *ReviewStore) InsertReview(ctx context.Context, r reviews.Review) error {
	if r.ID == "" || r.Council == "" || r.Task == "" {
		return fmt.Errorf("insert review: id, council and task are required")
	}
	return rs.reviews.add(ctx, reviewRow(r))
}

// InsertModeration appends a moderation event in the next batch.
func (rs *ReviewStore) InsertModeration(ctx context.Context, e reviews.ModerationEvent) error {
	return rs.moderation.add(ctx, moderationRow(e, rs.nextVersion()))
}

// InsertNonceUse stores a form nonce use in the next batch; once it
// returns, queries see the row.
func (rs *ReviewStore) InsertNonceUse(ctx context.Context, u reviews.NonceUse) error {
	return rs.guard.add(ctx, nonceUseRow(u))
}

// InsertSignInFailure appends a failed sign-in in the next batch.
func (rs *ReviewStore) InsertSignInFailure(ctx context.Context, kind, addrHash string, at time.Time) error {
	return rs.guard.add(ctx, signInFailureRows(kind, addrHash, at)...)
}

// reviewErr wraps a reviews query or insert failure so both data's and
// reviews' sentinels match it.
func reviewErr(what string, err error) error {
	if errors.Is(err, ErrNotFound) || errors.Is(err, reviews.ErrNotFound) {
		return err
	}
	return fmt.Errorf("%w: %w: %s: %v", ErrUnavailable, reviews.ErrUnavailable, what, err)
}

func reviewNotFound(what string) error {
	return fmt.Errorf("%s: %w: %w", what, ErrNotFound, reviews.ErrNotFound)
}

const (
	sqlInsertReview = `INSERT INTO reviews (review_id, council_code, task, nav, atoz, search_engine, site_search, importance, comment, end_url, kind, peer_token_id, ip_hash, demo, created_at)`

	// sqlExcludedReviews lists the reviews whose ratings a moderator excluded.
	sqlExcludedReviews = `SELECT review_id FROM review_moderation WHERE action IN ('exclude', 'include') GROUP BY review_id HAVING argMax(action, version) = 'exclude'`

	// sqlReviewScore is one review's 0 to 100 score: its index placed
	// between -3 and 5 per way tried (reviews.IndexScore).
	sqlReviewScore = `((nav + atoz + search_engine + site_search) / ((nav != 0) + (atoz != 0) + (search_engine != 0) + (site_search != 0)) + 3) * 12.5`

	sqlReviewStatsSelect = `SELECT council_code, task, count(), countIf(kind != 'peer'), countIf(kind = 'peer'), countIf(demo = 1),
       countIf(nav > 0 OR atoz > 0 OR search_engine > 0 OR site_search > 0),
       sum(nav + atoz + search_engine + site_search), sumIf(score, kind != 'peer'), sumIf(score, kind = 'peer'), sum(importance),
       countIf(nav != 0), sum(nav), countIf(atoz != 0), sum(atoz),
       countIf(search_engine != 0), sum(search_engine), countIf(site_search != 0), sum(site_search)
FROM (
    SELECT council_code, task, kind, demo, nav, atoz, search_engine, site_search, importance, ` + sqlReviewScore + ` AS score
    FROM reviews
    WHERE `
	sqlReviewStatsTail = ` AND review_id NOT IN (` + sqlExcludedReviews + `)
)
GROUP BY council_code, task
ORDER BY council_code, task
LIMIT 500000`
	sqlReviewStatsAll     = sqlReviewStatsSelect + `1 = 1` + sqlReviewStatsTail
	sqlReviewStatsCouncil = sqlReviewStatsSelect + `council_code = ?` + sqlReviewStatsTail

	// sqlReviewState selects reviews with their moderation state. The
	// left side is a subquery so the JOIN runs where the query arrived:
	// on a cluster, 18.16 cannot send a JOIN ON with qualified names to
	// the shards of a Distributed table ("Unknown identifier: m.review_id").
	sqlReviewState = `SELECT r.review_id, r.council_code, r.task, r.nav, r.atoz, r.search_engine, r.site_search, r.importance,
       r.comment, r.end_url, r.kind, r.peer_token_id, r.demo, r.created_at, m.status, m.reason, m.excluded
FROM (SELECT * FROM reviews) AS r
LEFT JOIN (
    SELECT review_id,
           argMaxIf(action, version, action IN ('approve', 'reject')) AS status,
           argMaxIf(reason, version, action IN ('approve', 'reject')) AS reason,
           toUInt8(argMaxIf(action, version, action IN ('exclude', 'include')) = 'exclude') AS excluded
    FROM review_moderation
    GROUP BY review_id
) AS m ON r.review_id = m.review_id
`
	sqlCommentsPending        = sqlReviewState + `WHERE r.comment != '' AND m.status = '' ORDER BY r.created_at, r.review_id LIMIT ?`
	sqlCommentsPendingCouncil = sqlReviewState + `WHERE r.council_code = ? AND r.comment != '' AND m.status = '' ORDER BY r.created_at, r.review_id LIMIT ?`
	sqlCommentsDecided        = sqlReviewState + `WHERE r.comment != '' AND m.status = ? ORDER BY r.created_at DESC, r.review_id LIMIT ?`
	sqlCommentsDecidedCouncil = sqlReviewState + `WHERE r.council_code = ? AND r.comment != '' AND m.status = ? ORDER BY r.created_at DESC, r.review_id LIMIT ?`
	// sqlCommentsDecidedEach is sqlCommentsDecidedCouncil for every council at once.
	sqlCommentsDecidedEach  = sqlReviewState + `WHERE r.comment != '' AND m.status = ? ORDER BY r.council_code, r.created_at DESC, r.review_id LIMIT ? BY r.council_code LIMIT 1000000`
	sqlRecentReviews        = sqlReviewState + `ORDER BY r.created_at DESC, r.review_id LIMIT ?`
	sqlGetReview            = sqlReviewState + `WHERE r.review_id = ? LIMIT 1`
	sqlStreamReviews        = sqlReviewState + `ORDER BY r.created_at, r.review_id`
	sqlInsertModeration     = `INSERT INTO review_moderation (review_id, action, reason, moderator, created_at, version)`
	sqlInsertResponse       = `INSERT INTO review_responses (response_id, council_code, task, text, peer_token_id, created_at)`
	sqlResponses            = `SELECT response_id, council_code, task, text, peer_token_id, created_at FROM review_responses WHERE council_code = ? ORDER BY created_at DESC, response_id LIMIT ?`
	sqlResponsesEach        = `SELECT response_id, council_code, task, text, peer_token_id, created_at FROM review_responses ORDER BY council_code, created_at DESC, response_id LIMIT ? BY council_code LIMIT 1000000`
	sqlInsertPeerToken      = `INSERT INTO peer_tokens (token_id, token_hash, email, council_code, created_by, created_at, expires_at)`
	sqlInsertPeerTokenEvent = `INSERT INTO peer_token_events (token_id, event, detail, created_at, version)`
	// sqlPeerTokenSelect's left side is a subquery (see sqlReviewState).
	sqlPeerTokenSelect = `SELECT t.token_id, t.token_hash, t.email, t.council_code, t.created_by, t.created_at, t.expires_at, e.used_at, e.revoked_at, e.used, e.revoked
FROM (SELECT * FROM peer_tokens) AS t
LEFT JOIN (
    SELECT token_id, minIf(created_at, event = 'used') AS used_at, minIf(created_at, event = 'revoked') AS revoked_at,
           countIf(event = 'used') AS used, countIf(event = 'revoked') AS revoked
    FROM peer_token_events
    GROUP BY token_id
) AS e ON t.token_id = e.token_id
`
	sqlPeerTokenByHash = sqlPeerTokenSelect + `WHERE t.token_hash = ? LIMIT 1`
	sqlPeerTokenByID   = sqlPeerTokenSelect + `WHERE t.token_id = ? LIMIT 1`
	sqlPeerTokens      = sqlPeerTokenSelect + `ORDER BY t.created_at DESC, t.token_id LIMIT ?`
	sqlReviewIDCounts  = `SELECT review_id, count() FROM reviews GROUP BY review_id LIMIT 10000000`
	sqlReviewCounts    = `SELECT count(), countIf(demo = 1) FROM reviews`
)

func reviewRow(r reviews.Review) []any {
	return []any{r.ID, r.Council, r.Task, int8(r.Ratings[reviews.WayNav]), int8(r.Ratings[reviews.WayAtoZ]),
		int8(r.Ratings[reviews.WaySearchEngine]), int8(r.Ratings[reviews.WaySiteSearch]), uint8(r.Importance),
		r.Comment, r.EndURL, r.Kind, r.PeerID, r.IPHash, b2u(r.Demo), r.CreatedAt.UTC()}
}

// InsertReview stores one review and returns once ClickHouse has it.
func (s *Store) InsertReview(ctx context.Context, r reviews.Review) error {
	return s.InsertReviews(ctx, []reviews.Review{r})
}

// InsertReviews stores reviews in one batch (all or none).
func (s *Store) InsertReviews(ctx context.Context, rs []reviews.Review) error {
	rows := make([][]any, 0, len(rs))
	for _, r := range rs {
		if r.ID == "" || r.Council == "" || r.Task == "" {
			return fmt.Errorf("insert review: id, council and task are required")
		}
		rows = append(rows, reviewRow(r))
	}
	if err := s.insertRows(ctx, sqlInsertReview, rows...); err != nil {
		return reviewErr("insert reviews", err)
	}
	return nil
}

// ReviewTaskStats sums counted reviews per council and task ("" = all councils).
func (s *Store) ReviewTaskStats(ctx context.Context, council string) ([]reviews.TaskStats, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	q, args := sqlReviewStatsAll, []any{}
	if council != "" {
		q, args = sqlReviewStatsCouncil, []any{council}
	}
	rows, err := s.conn.Query(ctx, q, args...)
	if err != nil {
		return nil, reviewErr("review stats", err)
	}
	defer rows.Close()
	var out []reviews.TaskStats
	for rows.Next() {
		var t reviews.TaskStats
		var n, pub, peer, demo, found, imp uint64
		var idx int64
		var pubScore, peerScore float64
		var rn [reviews.NumWays]uint64
		var rs [reviews.NumWays]int64
		if err := rows.Scan(&t.Council, &t.Task, &n, &pub, &peer, &demo, &found, &idx, &pubScore, &peerScore, &imp,
			&rn[0], &rs[0], &rn[1], &rs[1], &rn[2], &rs[2], &rn[3], &rs[3]); err != nil {
			return nil, reviewErr("review stats", err)
		}
		t.N, t.PublicN, t.PeerN, t.DemoN, t.FoundN = int(n), int(pub), int(peer), int(demo), int(found)
		t.IndexSum, t.PublicScoreSum, t.PeerScoreSum, t.ImportanceSum = float64(idx), pubScore, peerScore, float64(imp)
		for i := range rn {
			t.WayN[i], t.WaySum[i] = int(rn[i]), float64(rs[i])
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, reviewErr("review stats", err)
	}
	return out, nil
}

func scanReviewState(rows interface{ Scan(...any) error }) (reviews.ReviewState, error) {
	var st reviews.ReviewState
	var r [reviews.NumWays]int8
	var imp, demo, excluded uint8
	var status string
	if err := rows.Scan(&st.ID, &st.Council, &st.Task, &r[0], &r[1], &r[2], &r[3], &imp, &st.Comment, &st.EndURL,
		&st.Kind, &st.PeerID, &demo, &st.CreatedAt, &status, &st.Reason, &excluded); err != nil {
		return st, err
	}
	for i := range r {
		st.Ratings[i] = reviews.Rating(r[i])
	}
	st.Importance, st.Demo, st.Excluded = int(imp), demo == 1, excluded == 1
	switch {
	case st.Comment == "":
		st.CommentStatus = ""
	case status == reviews.ActionApprove:
		st.CommentStatus = reviews.CommentApproved
	case status == reviews.ActionReject:
		st.CommentStatus = reviews.CommentRejected
	default:
		st.CommentStatus = reviews.CommentPending
	}
	return st, nil
}

func (s *Store) queryReviewStates(ctx context.Context, what, q string, args ...any) ([]reviews.ReviewState, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, q, args...)
	if err != nil {
		return nil, reviewErr(what, err)
	}
	defer rows.Close()
	var out []reviews.ReviewState
	for rows.Next() {
		st, err := scanReviewState(rows)
		if err != nil {
			return nil, reviewErr(what, err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, reviewErr(what, err)
	}
	return out, nil
}

func boundLimit(n, def int) int {
	if n <= 0 || n > 10000 {
		return def
	}
	return n
}

// ReviewComments lists comments in a status: pending oldest first, decided
// newest first (with PerCouncil: by council, then newest first).
func (s *Store) ReviewComments(ctx context.Context, q reviews.CommentQuery) ([]reviews.ReviewState, error) {
	limit := boundLimit(q.Limit, 200)
	if q.PerCouncil > 0 && q.Council == "" && q.Status == reviews.CommentApproved {
		return s.queryReviewStates(ctx, "comments", sqlCommentsDecidedEach, reviews.ActionApprove, boundLimit(q.PerCouncil, 100))
	}
	switch q.Status {
	case reviews.CommentPending:
		if q.Council != "" {
			return s.queryReviewStates(ctx, "pending comments", sqlCommentsPendingCouncil, q.Council, limit)
		}
		return s.queryReviewStates(ctx, "pending comments", sqlCommentsPending, limit)
	case reviews.CommentApproved, reviews.CommentRejected:
		action := reviews.ActionApprove
		if q.Status == reviews.CommentRejected {
			action = reviews.ActionReject
		}
		if q.Council != "" {
			return s.queryReviewStates(ctx, "comments", sqlCommentsDecidedCouncil, q.Council, action, limit)
		}
		return s.queryReviewStates(ctx, "comments", sqlCommentsDecided, action, limit)
	}
	return nil, fmt.Errorf("comments: unknown status %q", q.Status)
}

// RecentReviews lists the newest reviews with their state.
func (s *Store) RecentReviews(ctx context.Context, limit int) ([]reviews.ReviewState, error) {
	return s.queryReviewStates(ctx, "recent reviews", sqlRecentReviews, boundLimit(limit, 50))
}

// GetReview returns one review with its state.
func (s *Store) GetReview(ctx context.Context, id string) (reviews.ReviewState, error) {
	out, err := s.queryReviewStates(ctx, "get review", sqlGetReview, id)
	if err != nil {
		return reviews.ReviewState{}, err
	}
	if len(out) == 0 {
		return reviews.ReviewState{}, reviewNotFound("review " + id)
	}
	return out[0], nil
}

// StreamReviews calls fn for every review with its state, oldest first,
// streamed from the database. An error of fn is returned as is.
func (s *Store) StreamReviews(ctx context.Context, fn func(reviews.ReviewState) error) error {
	rows, err := s.conn.Query(ctx, sqlStreamReviews)
	if err != nil {
		return reviewErr("stream reviews", err)
	}
	defer rows.Close()
	for rows.Next() {
		st, err := scanReviewState(rows)
		if err != nil {
			return reviewErr("stream reviews", err)
		}
		if err := fn(st); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return reviewErr("stream reviews", err)
	}
	return nil
}

// InsertModeration appends a moderation event.
func (s *Store) InsertModeration(ctx context.Context, e reviews.ModerationEvent) error {
	if err := s.insertRows(ctx, sqlInsertModeration, moderationRow(e, s.nextVersion())); err != nil {
		return reviewErr("insert moderation", err)
	}
	return nil
}

func moderationRow(e reviews.ModerationEvent, version uint64) []any {
	return []any{e.ReviewID, e.Action, e.Reason, e.Moderator, nz(e.At), version}
}

// InsertModerations appends moderation events in one batch (the demo).
func (s *Store) InsertModerations(ctx context.Context, es []reviews.ModerationEvent) error {
	rows := make([][]any, 0, len(es))
	for _, e := range es {
		rows = append(rows, []any{e.ReviewID, e.Action, e.Reason, e.Moderator, e.At.UTC(), s.nextVersion()})
	}
	if err := s.insertRows(ctx, sqlInsertModeration, rows...); err != nil {
		return reviewErr("insert moderation", err)
	}
	return nil
}

// ReviewCounts counts stored review rows, and the demo ones among them.
func (s *Store) ReviewCounts(ctx context.Context) (total, demo uint64, err error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	if err := s.conn.QueryRow(ctx, sqlReviewCounts).Scan(&total, &demo); err != nil {
		return 0, 0, reviewErr("count reviews", err)
	}
	return total, demo, nil
}

// InsertResponse stores a council's response.
func (s *Store) InsertResponse(ctx context.Context, r reviews.Response) error {
	if err := s.insertRows(ctx, sqlInsertResponse, []any{r.ID, r.Council, r.Task, r.Text, r.PeerID, r.CreatedAt.UTC()}); err != nil {
		return reviewErr("insert response", err)
	}
	return nil
}

// ReviewResponses lists a council's responses, newest first; council ""
// lists every council's, by council, limit each.
func (s *Store) ReviewResponses(ctx context.Context, council string, limit int) ([]reviews.Response, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	q, args := sqlResponses, []any{council, boundLimit(limit, 50)}
	if council == "" {
		q, args = sqlResponsesEach, []any{boundLimit(limit, 50)}
	}
	rows, err := s.conn.Query(ctx, q, args...)
	if err != nil {
		return nil, reviewErr("responses", err)
	}
	defer rows.Close()
	var out []reviews.Response
	for rows.Next() {
		var r reviews.Response
		if err := rows.Scan(&r.ID, &r.Council, &r.Task, &r.Text, &r.PeerID, &r.CreatedAt); err != nil {
			return nil, reviewErr("responses", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, reviewErr("responses", err)
	}
	return out, nil
}

// InsertPeerToken stores an issued token's hash and details.
func (s *Store) InsertPeerToken(ctx context.Context, t reviews.PeerToken) error {
	if err := s.insertRows(ctx, sqlInsertPeerToken, []any{t.ID, t.Hash, t.Email, t.Council, t.CreatedBy, t.CreatedAt.UTC(), t.ExpiresAt.UTC()}); err != nil {
		return reviewErr("insert peer token", err)
	}
	return nil
}

// InsertPeerTokenEvent appends a token event (used, revoked).
func (s *Store) InsertPeerTokenEvent(ctx context.Context, e reviews.TokenEvent) error {
	if err := s.insertRows(ctx, sqlInsertPeerTokenEvent, []any{e.TokenID, e.Event, e.Detail, nz(e.At), s.nextVersion()}); err != nil {
		return reviewErr("insert peer token event", err)
	}
	return nil
}

func (s *Store) queryPeerTokens(ctx context.Context, q string, args ...any) ([]reviews.PeerToken, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, q, args...)
	if err != nil {
		return nil, reviewErr("peer tokens", err)
	}
	defer rows.Close()
	var out []reviews.PeerToken
	for rows.Next() {
		var t reviews.PeerToken
		var usedAt, revokedAt time.Time
		var used, revoked uint64
		if err := rows.Scan(&t.ID, &t.Hash, &t.Email, &t.Council, &t.CreatedBy, &t.CreatedAt, &t.ExpiresAt,
			&usedAt, &revokedAt, &used, &revoked); err != nil {
			return nil, reviewErr("peer tokens", err)
		}
		if used > 0 {
			t.UsedAt = usedAt
		}
		if revoked > 0 {
			t.RevokedAt = revokedAt
			if t.RevokedAt.IsZero() {
				t.RevokedAt = time.Unix(1, 0)
			}
		}
		if used > 0 && t.UsedAt.IsZero() {
			t.UsedAt = time.Unix(1, 0)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, reviewErr("peer tokens", err)
	}
	return out, nil
}

// PeerTokenByHash finds a token by the hash of its secret.
func (s *Store) PeerTokenByHash(ctx context.Context, hash string) (reviews.PeerToken, error) {
	ts, err := s.queryPeerTokens(ctx, sqlPeerTokenByHash, hash)
	if err != nil {
		return reviews.PeerToken{}, err
	}
	if len(ts) == 0 {
		return reviews.PeerToken{}, reviewNotFound("peer token")
	}
	return ts[0], nil
}

// PeerTokenByID finds a token by id.
func (s *Store) PeerTokenByID(ctx context.Context, id string) (reviews.PeerToken, error) {
	ts, err := s.queryPeerTokens(ctx, sqlPeerTokenByID, id)
	if err != nil {
		return reviews.PeerToken{}, err
	}
	if len(ts) == 0 {
		return reviews.PeerToken{}, reviewNotFound("peer token " + id)
	}
	return ts[0], nil
}

// PeerTokens lists tokens, newest first.
func (s *Store) PeerTokens(ctx context.Context, limit int) ([]reviews.PeerToken, error) {
	return s.queryPeerTokens(ctx, sqlPeerTokens, boundLimit(limit, 1000))
}

// ReviewIDCounts counts the stored rows of each review id (tests and the
// bench check that every accepted review is stored exactly once).
func (s *Store) ReviewIDCounts(ctx context.Context) (map[string]uint64, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlReviewIDCounts)
	if err != nil {
		return nil, reviewErr("review id counts", err)
	}
	defer rows.Close()
	out := map[string]uint64{}
	for rows.Next() {
		var id string
		var n uint64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, reviewErr("review id counts", err)
		}
		out[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, reviewErr("review id counts", err)
	}
	return out, nil
}
