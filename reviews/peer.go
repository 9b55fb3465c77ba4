package reviews

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"
)

// Peer is a signed-in council staff member.
type Peer struct {
	TokenID string
	Council string
	Email   string
	SID     string // session id; CSRF tokens bind to it
	Expires time.Time
}

// Sign-in refusals, each with its own message for people.
var (
	ErrTokenUnknown = errors.New("this sign-in link is not recognised")
	ErrTokenUsed    = errors.New("this sign-in link has already been used")
	ErrTokenRevoked = errors.New("this sign-in link has been withdrawn")
	ErrTokenExpired = errors.New("this sign-in link has expired")
)

// IssuedToken is a new peer token: the secret (shown once, never stored)
// and its stored record.
type IssuedToken struct {
	Token  string
	Record PeerToken
}

// SignInURL is the one-time link for a token.
func SignInURL(baseURL, token string) string {
	return strings.TrimRight(baseURL, "/") + "/peer/signin?token=" + url.QueryEscape(token)
}

// IssuePeerToken creates a peer token for a member of a council's staff.
// validCouncil checks the council code against the register.
func (s *Service) IssuePeerToken(ctx context.Context, email, council string, ttl time.Duration, createdBy string, validCouncil func(string) bool, now time.Time) (IssuedToken, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return IssuedToken{}, fmt.Errorf("email %q: enter a full email address like name@council.gov.uk", email)
	}
	council = strings.TrimSpace(council)
	if council == "" || (validCouncil != nil && !validCouncil(council)) {
		return IssuedToken{}, fmt.Errorf("council %q is not in the register (see `councildash councils`)", council)
	}
	if ttl <= 0 || ttl > 366*24*time.Hour {
		return IssuedToken{}, fmt.Errorf("expiry %s: choose between 1m and 8784h (a year)", ttl)
	}
	tok, err := RandomToken(32)
	if err != nil {
		return IssuedToken{}, err
	}
	rec := PeerToken{ID: "pt_" + randomHex(8), Hash: HashToken(tok), Email: email, Council: council, CreatedBy: createdBy,
		CreatedAt: now.UTC().Truncate(time.Second), ExpiresAt: now.Add(ttl).UTC().Truncate(time.Second)}
	if err := s.store.InsertPeerToken(ctx, rec); err != nil {
		return IssuedToken{}, fmt.Errorf("store peer token: %w", wrapUnavailable(err))
	}
	return IssuedToken{Token: tok, Record: rec}, nil
}

// PeerTokens lists issued tokens, newest first.
func (s *Service) PeerTokens(ctx context.Context) ([]PeerToken, error) {
	ts, err := s.store.PeerTokens(ctx, 10000)
	if err != nil {
		return nil, wrapUnavailable(err)
	}
	return ts, nil
}

// RevokePeerToken withdraws a token: its link no longer signs in and its
// sessions end.
func (s *Service) RevokePeerToken(ctx context.Context, id, reason string, now time.Time) (PeerToken, error) {
	t, err := s.store.PeerTokenByID(ctx, strings.TrimSpace(id))
	if err != nil {
		return PeerToken{}, wrapUnavailable(err)
	}
	if !t.RevokedAt.IsZero() {
		return t, nil
	}
	if err := s.store.InsertPeerTokenEvent(ctx, TokenEvent{TokenID: t.ID, Event: TokenEventRevoked, Detail: reason, At: now.UTC()}); err != nil {
		return PeerToken{}, fmt.Errorf("store revocation: %w", wrapUnavailable(err))
	}
	t.RevokedAt = now.UTC()
	return t, nil
}

// PeerSignIn uses a one-time sign-in link and returns the session cookie
// value. Errors: ErrTokenUnknown, ErrTokenUsed, ErrTokenRevoked,
// ErrTokenExpired or one wrapping ErrUnavailable.
func (s *Service) PeerSignIn(ctx context.Context, token string, now time.Time) (string, Peer, error) {
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 200 {
		return "", Peer{}, ErrTokenUnknown
	}
	s.signInMu.Lock()
	defer s.signInMu.Unlock()
	t, err := s.store.PeerTokenByHash(ctx, HashToken(token))
	if errors.Is(err, ErrNotFound) {
		return "", Peer{}, ErrTokenUnknown
	}
	if err != nil {
		return "", Peer{}, wrapUnavailable(err)
	}
	switch t.Status(now) {
	case TokenRevoked:
		return "", Peer{}, ErrTokenRevoked
	case TokenExpired:
		return "", Peer{}, ErrTokenExpired
	case TokenUsed:
		return "", Peer{}, ErrTokenUsed
	}
	if err := s.store.InsertPeerTokenEvent(ctx, TokenEvent{TokenID: t.ID, Event: TokenEventUsed, At: now.UTC()}); err != nil {
		return "", Peer{}, fmt.Errorf("record sign-in: %w", wrapUnavailable(err))
	}
	exp := t.ExpiresAt
	if limit := now.Add(s.cfg.MaxPeerSession); limit.Before(exp) {
		exp = limit
	}
	sess := Session{Kind: SessionPeer, ID: t.ID, SID: randomHex(12), Expires: exp.Unix()}
	return s.encodeSession(sess), Peer{TokenID: t.ID, Council: t.Council, Email: t.Email, SID: sess.SID, Expires: exp}, nil
}

// PeerFromSession checks a peer session cookie value, and that its token
// has not been revoked or expired since. Errors: ErrBadSession (sign in
// again), ErrTokenRevoked, ErrTokenExpired, or one wrapping ErrUnavailable.
func (s *Service) PeerFromSession(ctx context.Context, v string, now time.Time) (Peer, error) {
	sess, err := s.decodeSession(v, SessionPeer, now)
	if err != nil {
		return Peer{}, err
	}
	t, err := s.store.PeerTokenByID(ctx, sess.ID)
	if errors.Is(err, ErrNotFound) {
		return Peer{}, ErrBadSession
	}
	if err != nil {
		return Peer{}, wrapUnavailable(err)
	}
	switch t.Status(now) {
	case TokenRevoked:
		return Peer{}, ErrTokenRevoked
	case TokenExpired:
		return Peer{}, ErrTokenExpired
	}
	return Peer{TokenID: t.ID, Council: t.Council, Email: t.Email, SID: sess.SID, Expires: time.Unix(sess.Expires, 0)}, nil
}
