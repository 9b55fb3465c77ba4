package reviews

import (
	"context"
	"errors"
	"time"
)

// ErrUnavailable is wrapped by a Store's errors when the database cannot be
// reached or fails: the person is told to try again and their input kept.
var ErrUnavailable = errors.New("review store unavailable")

// ErrNotFound is wrapped by a Store's errors for a row that does not exist.
var ErrNotFound = errors.New("not found")

// Comment statuses (derived from moderation events).
const (
	CommentPending  = "pending"
	CommentApproved = "approved"
	CommentRejected = "rejected"
)

// Moderation actions. Approve and reject decide a comment; exclude and
// include decide whether the review's ratings count.
const (
	ActionApprove = "approve"
	ActionReject  = "reject"
	ActionExclude = "exclude"
	ActionInclude = "include"
)

// ModerationEvent is one appended moderation action (who, when, why).
type ModerationEvent struct {
	ReviewID  string
	Action    string
	Reason    string
	Moderator string
	At        time.Time
}

// ReviewState is a stored review with its current moderation state.
type ReviewState struct {
	Review
	CommentStatus string // pending, approved or rejected ("" when there is no comment)
	Excluded      bool
	Reason        string // the reason of the latest comment decision
}

// CommentQuery selects comments.
type CommentQuery struct {
	Council string // "" means every council
	Status  string // CommentPending, CommentApproved or CommentRejected
	Limit   int
	// PerCouncil, with Council "" and Status CommentApproved, lists every
	// council's approved comments, each council's newest PerCouncil (by
	// council, then newest first); Limit is then not used.
	PerCouncil int
}

// Response is a council's right of reply.
type Response struct {
	ID        string
	Council   string
	Task      string // optional: the task it answers
	Text      string
	PeerID    string // the token of the staff member who posted it
	CreatedAt time.Time
}

// PeerToken is an issued peer sign-in token. Only its hash is stored.
type PeerToken struct {
	ID        string
	Hash      string
	Email     string
	Council   string
	CreatedBy string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero: the sign-in link has not been used
	RevokedAt time.Time // zero: not revoked
}

// Token states.
const (
	TokenActive  = "active"  // link not yet used
	TokenUsed    = "used"    // signed in (the session lives on until expiry)
	TokenRevoked = "revoked" // no sign-in, sessions end
	TokenExpired = "expired"
)

// Status of the token at now.
func (t PeerToken) Status(now time.Time) string {
	switch {
	case !t.RevokedAt.IsZero():
		return TokenRevoked
	case !now.Before(t.ExpiresAt):
		return TokenExpired
	case !t.UsedAt.IsZero():
		return TokenUsed
	}
	return TokenActive
}

// Token events.
const (
	TokenEventUsed    = "used"
	TokenEventRevoked = "revoked"
)

// TokenEvent is an appended event of a peer token.
type TokenEvent struct {
	TokenID string
	Event   string
	Detail  string
	At      time.Time
}

// Store is what the reviews service needs from the database. *data.Store
// implements it. Errors wrap ErrUnavailable (database down or failing) or
// ErrNotFound.
type Store interface {
	// InsertReview stores one review; it returns only once the row is stored.
	InsertReview(ctx context.Context, r Review) error
	// ReviewTaskStats sums the counted reviews per council and task;
	// council "" means every council.
	ReviewTaskStats(ctx context.Context, council string) ([]TaskStats, error)
	// ReviewComments lists comments in a status, newest first (pending:
	// oldest first), bounded by q.Limit.
	ReviewComments(ctx context.Context, q CommentQuery) ([]ReviewState, error)
	// RecentReviews lists the newest reviews with their state.
	RecentReviews(ctx context.Context, limit int) ([]ReviewState, error)
	// GetReview returns one review with its state.
	GetReview(ctx context.Context, id string) (ReviewState, error)
	// InsertModeration appends a moderation event.
	InsertModeration(ctx context.Context, e ModerationEvent) error
	// InsertResponse stores a council's response.
	InsertResponse(ctx context.Context, r Response) error
	// ReviewResponses lists a council's responses, newest first, at most
	// limit; council "" lists every council's (by council, limit each).
	ReviewResponses(ctx context.Context, council string, limit int) ([]Response, error)
	// InsertPeerToken stores an issued token (its hash, never the token).
	InsertPeerToken(ctx context.Context, t PeerToken) error
	// InsertPeerTokenEvent appends a token event.
	InsertPeerTokenEvent(ctx context.Context, e TokenEvent) error
	// PeerTokenByHash and PeerTokenByID find a token with its events.
	PeerTokenByHash(ctx context.Context, hash string) (PeerToken, error)
	PeerTokenByID(ctx context.Context, id string) (PeerToken, error)
	// PeerTokens lists tokens, newest first.
	PeerTokens(ctx context.Context, limit int) ([]PeerToken, error)
	// StreamReviews calls fn for every review with its state, oldest first.
	StreamReviews(ctx context.Context, fn func(ReviewState) error) error
	// GuardStore: sessions, one-time tokens, throttles (guardstore.go).
	GuardStore
}
