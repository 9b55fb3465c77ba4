package reviews

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Sessions are kept on the server, in the database, so that every instance
// agrees and a session can end before it expires. A cookie holds 32 random
// bytes; the database holds their SHA-256 (a stolen database signs nobody
// in). A session ends when it expires or when a revocation names it (sign
// out), its subject (a peer link withdrawn) or, for admin sessions, another
// admin token (the token was changed). Lookups are kept for a few seconds
// (Config.SessionCacheTTL): what this instance revokes ends at once here,
// and within that time on the others.

// Session kinds.
const (
	SessionPeer  = "peer"
	SessionAdmin = "admin"
)

// sessionEntry is a looked-up session, kept for the cache time.
type sessionEntry struct {
	look    SessionLookup
	token   *PeerToken // peer sessions: their token, read with them
	missing bool       // no such session
	at      time.Time
}

// sessionCache keeps session lookups for ttl (none when ttl <= 0), at most
// max of them.
type sessionCache struct {
	ttl time.Duration
	max int

	mu sync.Mutex
	m  map[string]sessionEntry // by session hash
}

func newSessionCache(ttl time.Duration) *sessionCache {
	return &sessionCache{ttl: ttl, max: 10000, m: map[string]sessionEntry{}}
}

func (c *sessionCache) get(hash string, now time.Time) (sessionEntry, bool) {
	if c.ttl <= 0 {
		return sessionEntry{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok || now.Sub(e.at) >= c.ttl || now.Before(e.at) {
		return sessionEntry{}, false
	}
	return e, true
}

func (c *sessionCache) put(hash string, e sessionEntry) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		for k, old := range c.m {
			if e.at.Sub(old.at) >= c.ttl {
				delete(c.m, k)
			}
		}
		if len(c.m) >= c.max {
			clear(c.m)
		}
	}
	c.m[hash] = e
}

// drop forgets the entries match selects.
func (c *sessionCache) drop(match func(hash string, e sessionEntry) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.m {
		if match(k, e) {
			delete(c.m, k)
		}
	}
}

// sessionSID is the id CSRF tokens of a session's forms bind to.
func sessionSID(hash string) string { return hash[:32] }

// newSession stores a new session and returns its cookie value.
func (s *Service) newSession(ctx context.Context, kind, subject, binding string, expires, now time.Time) (string, SessionRecord, error) {
	cookie, err := RandomToken(32)
	if err != nil {
		return "", SessionRecord{}, err
	}
	rec := SessionRecord{Hash: HashToken(cookie), Kind: kind, Subject: subject, Binding: binding,
		CreatedAt: now.UTC().Truncate(time.Second), ExpiresAt: expires.UTC().Truncate(time.Second)}
	if err := s.store.InsertSession(ctx, rec); err != nil {
		return "", SessionRecord{}, fmt.Errorf("store session: %w", wrapUnavailable(err))
	}
	return cookie, rec, nil
}

// session looks a session cookie value up (from the cache when fresh). The
// entry is returned with the error when the session exists but has ended,
// so callers can say why. Errors: ErrBadSession, or one wrapping
// ErrUnavailable.
func (s *Service) session(ctx context.Context, v, kind string, now time.Time) (sessionEntry, error) {
	if v == "" || len(v) > 200 {
		return sessionEntry{}, ErrBadSession
	}
	hash := HashToken(v)
	e, ok := s.sessions.get(hash, now)
	if !ok {
		look, err := s.store.LookupSession(ctx, hash)
		switch {
		case errors.Is(err, ErrNotFound):
			e = sessionEntry{missing: true, at: now}
		case err != nil:
			return sessionEntry{}, wrapUnavailable(err)
		default:
			e = sessionEntry{look: look, at: now}
			if look.Session.Kind == SessionPeer {
				t, err := s.store.PeerTokenByID(ctx, look.Session.Subject)
				switch {
				case errors.Is(err, ErrNotFound):
					e = sessionEntry{missing: true, at: now}
				case err != nil:
					return sessionEntry{}, wrapUnavailable(err)
				default:
					e.token = &t
				}
			}
		}
		s.sessions.put(hash, e)
	}
	switch {
	case e.missing || e.look.Session.Kind != kind:
		return sessionEntry{}, ErrBadSession
	case !now.Before(e.look.Session.ExpiresAt):
		return e, fmt.Errorf("%w: session expired", ErrBadSession)
	case e.look.Revoked:
		return e, fmt.Errorf("%w: session ended", ErrBadSession)
	}
	return e, nil
}

// endSession records that a session ended (sign-out) and forgets it here.
// An unknown or empty cookie value is not an error: there is nothing to end.
func (s *Service) endSession(ctx context.Context, v, kind, reason string, now time.Time) error {
	if v == "" || len(v) > 200 {
		return nil
	}
	hash := HashToken(v)
	if err := s.store.InsertRevocation(ctx, Revocation{Scope: RevokeSession, Key: hash, Kind: kind, Reason: reason, At: now.UTC()}); err != nil {
		return fmt.Errorf("store sign-out: %w", wrapUnavailable(err))
	}
	s.sessions.drop(func(h string, _ sessionEntry) bool { return h == hash })
	return nil
}

// endSubject ends every session of a subject (a withdrawn peer link).
func (s *Service) endSubject(ctx context.Context, kind, subject, reason string, now time.Time) error {
	if err := s.store.InsertRevocation(ctx, Revocation{Scope: RevokeSubject, Key: subject, Kind: kind, Reason: reason, At: now.UTC()}); err != nil {
		return fmt.Errorf("store revocation: %w", wrapUnavailable(err))
	}
	s.sessions.drop(func(_ string, e sessionEntry) bool {
		return e.look.Session.Kind == kind && e.look.Session.Subject == subject
	})
	return nil
}
