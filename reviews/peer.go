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
// sessions end (at once on this instance, within the session cache time
// on the others).
func (s *Service) RevokePeerToken(ctx context.Context, id, reason string, now time.Time) (PeerToken, error) {
	t, err := s.store.PeerTokenByID(ctx, strings.TrimSpace(id))
	if err != nil {
		return PeerToken{}, wrapUnavailable(err)
	}
	if t.RevokedAt.IsZero() {
		if err := s.store.InsertPeerTokenEvent(ctx, TokenEvent{TokenID: t.ID, Event: TokenEventRevoked, Detail: reason, At: now.UTC()}); err != nil {
			return PeerToken{}, fmt.Errorf("store revocation: %w", wrapUnavailable(err))
		}
		t.RevokedAt = now.UTC()
	}
	// Also when the token was already revoked: a revocation stored by an
	// older release ended no session.
	if err := s.endSubject(ctx, SessionPeer, t.ID, "link withdrawn: "+reason, now); err != nil {
		return PeerToken{}, err
	}
	return t, nil
}

// PeerSignIn uses a one-time sign-in link and returns the session cookie
// value. Only a POST of the sign-in page calls it: looking at the link
// (a GET, a link preview, a mail scanner) changes nothing. Attempts are
// throttled per address (ip) and globally. The link is used once across
// every instance: the sign-in stores a "used" event naming itself, then
// reads the token's "used" events and goes on only when its own is the
// only one. Errors: ErrTokenUnknown, ErrTokenUsed, ErrTokenRevoked,
// ErrTokenExpired, *RateLimitError or one wrapping ErrUnavailable.
func (s *Service) PeerSignIn(ctx context.Context, token, ip string, now time.Time) (string, Peer, error) {
	addr := s.IPHash(ip)
	if err := s.signInAllowed(ctx, SessionPeer, addr, now); err != nil {
		return "", Peer{}, err
	}
	fail := func(why error) (string, Peer, error) {
		if err := s.signInFailed(ctx, SessionPeer, addr, now); err != nil {
			return "", Peer{}, err
		}
		return "", Peer{}, why
	}
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 200 {
		return fail(ErrTokenUnknown)
	}
	t, err := s.store.PeerTokenByHash(ctx, HashToken(token))
	if errors.Is(err, ErrNotFound) {
		return fail(ErrTokenUnknown)
	}
	if err != nil {
		return "", Peer{}, wrapUnavailable(err)
	}
	switch t.Status(now) {
	case TokenRevoked:
		return fail(ErrTokenRevoked)
	case TokenExpired:
		return fail(ErrTokenExpired)
	case TokenUsed:
		return fail(ErrTokenUsed)
	}
	claim := "sign-in " + randomHex(12)
	if err := s.store.InsertPeerTokenEvent(ctx, TokenEvent{TokenID: t.ID, Event: TokenEventUsed, Detail: claim, At: now.UTC()}); err != nil {
		return "", Peer{}, fmt.Errorf("record sign-in: %w", wrapUnavailable(err))
	}
	uses, err := s.store.PeerTokenEvents(ctx, t.ID, TokenEventUsed)
	if err != nil {
		return "", Peer{}, fmt.Errorf("read sign-ins: %w", wrapUnavailable(err))
	}
	if len(uses) != 1 || uses[0].Detail != claim {
		return fail(ErrTokenUsed)
	}
	exp := t.ExpiresAt
	if limit := now.Add(s.cfg.MaxPeerSession); limit.Before(exp) {
		exp = limit
	}
	cookie, rec, err := s.newSession(ctx, SessionPeer, t.ID, "", exp, now)
	if err != nil {
		return "", Peer{}, err
	}
	return cookie, Peer{TokenID: t.ID, Council: t.Council, Email: t.Email, SID: sessionSID(rec.Hash), Expires: rec.ExpiresAt}, nil
}

// PeerFromSession checks a peer session cookie value: a stored session,
// not signed out, whose token has not been revoked or expired since.
// Errors: ErrBadSession (sign in again), ErrTokenRevoked, ErrTokenExpired,
// or one wrapping ErrUnavailable.
func (s *Service) PeerFromSession(ctx context.Context, v string, now time.Time) (Peer, error) {
	e, err := s.session(ctx, v, SessionPeer, now)
	if e.token != nil {
		switch e.token.Status(now) {
		case TokenRevoked:
			return Peer{}, ErrTokenRevoked
		case TokenExpired:
			return Peer{}, ErrTokenExpired
		}
	}
	if err != nil {
		return Peer{}, err
	}
	t := e.token
	return Peer{TokenID: t.ID, Council: t.Council, Email: t.Email, SID: sessionSID(e.look.Session.Hash), Expires: e.look.Session.ExpiresAt}, nil
}

// PeerSignOut ends a peer session: the cookie no longer signs anything in
// (at once here, within the session cache time elsewhere).
func (s *Service) PeerSignOut(ctx context.Context, v string, now time.Time) error {
	return s.endSession(ctx, v, SessionPeer, "signed out", now)
}
