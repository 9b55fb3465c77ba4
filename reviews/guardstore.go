package reviews

import (
	"context"
	"time"
)

// What the security rules keep in the database, so that several dashboard
// instances over one database agree: sessions and what ends them, the uses
// of one-time form tokens, failed sign-ins, and the recent reviews that
// rate limits and duplicate suppression count. docs/SECURITY.md describes
// the protocols and their limits.

// SessionRecord is a stored sign-in. Only the hash of the cookie's random
// value is stored.
type SessionRecord struct {
	Hash      string
	Kind      string // SessionPeer or SessionAdmin
	Subject   string // the peer token id, or the moderator's name
	Binding   string // admin sessions: AdminBinding of the token signed in with
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Revocation scopes.
const (
	// RevokeSession ends one session (sign-out); the key is its hash.
	RevokeSession = "session"
	// RevokeSubject ends every session of a subject created up to then (a
	// peer link withdrawn); the key is the subject.
	RevokeSubject = "subject"
	// RevokeBinding records the admin token in force; the key is its
	// binding. Admin sessions bound to any other token end.
	RevokeBinding = "binding"
)

// Revocation is an appended event that ends sessions.
type Revocation struct {
	Scope  string
	Key    string
	Kind   string // SessionPeer or SessionAdmin
	Reason string
	At     time.Time
}

// SessionLookup is a stored session with what ends it.
type SessionLookup struct {
	Session SessionRecord
	// Revoked: a session revocation of it, or a subject revocation at or
	// after its creation.
	Revoked bool
	// Binding is the latest RevokeBinding key of its kind ("" when none).
	Binding string
}

// NonceUse is one attempt to use a form token's nonce.
type NonceUse struct {
	Nonce     string
	Instance  string // the service instance that tried
	RequestID string // random per attempt
	At        time.Time
}

// RateQuery asks for the reviews recently stored by one sender and for one
// council, for a stored duplicate of a review, and for the uses of a form
// nonce: everything a post checks, in one query.
type RateQuery struct {
	Peer         bool   // Who is a peer token id, not an address hash
	Who          string // address hash, or peer token id
	WhoSince     time.Time
	Council      string
	CouncilSince time.Time
	// Duplicate, when its ID is empty and DupSince is set, is a review
	// looked for among those stored since DupSince by Who: same council,
	// task, ratings, importance, kind, comment and end URL.
	Duplicate Review
	DupSince  time.Time
	// Nonce, when set, asks for its uses stored since NonceSince.
	Nonce      string
	NonceSince time.Time
}

// RateCounts answers a RateQuery.
type RateCounts struct {
	Who           int
	WhoOldest     time.Time // the oldest of them (zero when none)
	Council       int
	CouncilOldest time.Time
	DuplicateOf   string     // the id of a stored duplicate, or ""
	NonceUses     []NonceUse // the uses of Nonce (Instance and RequestID)
}

// SignInQuery asks for recent failed sign-ins of a kind, from one address
// and from everyone.
type SignInQuery struct {
	Kind      string // SessionPeer or SessionAdmin
	AddrHash  string
	AddrSince time.Time
	AllSince  time.Time
}

// SignInCounts answers a SignInQuery.
type SignInCounts struct {
	Addr       int
	AddrOldest time.Time
	All        int
	AllOldest  time.Time
}

// GuardStore is the part of Store the security rules use.
type GuardStore interface {
	// InsertSession stores a sign-in; it returns once the row is stored.
	InsertSession(ctx context.Context, s SessionRecord) error
	// InsertRevocation appends a revocation.
	InsertRevocation(ctx context.Context, r Revocation) error
	// LookupSession finds a session by hash with its revocations (an
	// error wrapping ErrNotFound when there is none).
	LookupSession(ctx context.Context, hash string) (SessionLookup, error)
	// LatestBinding is the latest RevokeBinding key of a kind ("" none).
	LatestBinding(ctx context.Context, kind string) (string, error)
	// InsertNonceUse stores a nonce use; it returns once a query on the
	// same database sees it (a synchronous insert).
	InsertNonceUse(ctx context.Context, u NonceUse) error
	// PeerTokenEvents lists a token's events of one kind, oldest first.
	PeerTokenEvents(ctx context.Context, tokenID, event string) ([]TokenEvent, error)
	// RateCounts counts recent reviews and reads a nonce's uses (see
	// RateQuery).
	RateCounts(ctx context.Context, q RateQuery) (RateCounts, error)
	// InsertSignInFailure appends a failed sign-in.
	InsertSignInFailure(ctx context.Context, kind, addrHash string, at time.Time) error
	// SignInFailures counts recent failed sign-ins.
	SignInFailures(ctx context.Context, q SignInQuery) (SignInCounts, error)
	// HeldReviews lists the reviews whose ratings are excluded by the
	// given moderator's latest decision (reviews held by a rate limit),
	// oldest first.
	HeldReviews(ctx context.Context, moderator string, limit int) ([]ReviewState, error)
}
