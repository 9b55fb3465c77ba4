package reviews

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Errors of the anti-abuse checks. Each has a message for people in the
// review pages (dashboard/reviewpages).
var (
	ErrBadToken    = errors.New("form token missing, wrong or expired")
	ErrTooFast     = errors.New("form sent faster than a person could fill it in")
	ErrHoneypot    = errors.New("the field that must stay empty was filled in")
	ErrRateLimited = errors.New("too many reviews from here for now")
	ErrOwnCouncil  = errors.New("peers cannot review their own council")
	ErrNotAllowed  = errors.New("not allowed")
	ErrBadSession  = errors.New("not signed in")
)

// keys are secrets derived from the configured secret, one per use.
type keys struct {
	form, session, ip []byte
}

func deriveKeys(secret []byte) keys {
	d := func(label string) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte("councildash reviews " + label))
		return m.Sum(nil)
	}
	return keys{form: d("form"), session: d("session"), ip: d("ip")}
}

func sign(key []byte, parts ...string) string {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// RandomToken returns n random bytes, base64url-encoded.
func RandomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

// HashToken is how peer tokens are stored: hex SHA-256.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// FormToken issues a CSRF token for a form: the issue time and a nonce,
// signed together with binding (the council code and, for signed-in users,
// their session id), so a token works only on the form it was issued for.
func (s *Service) FormToken(binding string, issued time.Time) string {
	ts := strconv.FormatInt(issued.Unix(), 10)
	nonce := randomHex(6)
	return ts + "." + nonce + "." + sign(s.keys.form, "form", binding, ts, nonce)
}

// CheckFormToken verifies a form token for binding at now and returns when
// it was issued. It does not check the minimum time on the form.
func (s *Service) CheckFormToken(tok, binding string, now time.Time) (time.Time, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return time.Time{}, ErrBadToken
	}
	want := sign(s.keys.form, "form", binding, parts[0], parts[1])
	if subtle.ConstantTimeCompare([]byte(want), []byte(parts[2])) != 1 {
		return time.Time{}, ErrBadToken
	}
	sec, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return time.Time{}, ErrBadToken
	}
	issued := time.Unix(sec, 0)
	if now.Sub(issued) > s.cfg.FormTokenTTL || issued.Sub(now) > time.Minute {
		return time.Time{}, ErrBadToken
	}
	return issued, nil
}

// ReissueFormToken returns a token for binding keeping the original issue
// time when tok is still valid (so a person correcting a mistake is not
// held back by the minimum time again), else a fresh one.
func (s *Service) ReissueFormToken(tok, binding string, now time.Time) string {
	if issued, err := s.CheckFormToken(tok, binding, now); err == nil {
		return s.FormToken(binding, issued)
	}
	return s.FormToken(binding, now)
}

// IPHash is the salted hash under which an address is rate limited and
// stored. The address itself is never stored.
func (s *Service) IPHash(ip string) string {
	return sign(s.keys.ip, "ip", ip)[:32]
}

// Session is a signed cookie value: a peer's or an admin's.
type Session struct {
	Kind    string `json:"k"` // "peer" or "admin"
	ID      string `json:"i"` // peer token id, or the moderator's name
	SID     string `json:"s"` // random per sign-in; CSRF tokens bind to it
	Expires int64  `json:"e"` // unix seconds
}

// Session kinds.
const (
	SessionPeer  = "peer"
	SessionAdmin = "admin"
)

func (s *Service) encodeSession(sess Session) string {
	b, _ := json.Marshal(sess)
	p := base64.RawURLEncoding.EncodeToString(b)
	return p + "." + sign(s.keys.session, "session", p)
}

func (s *Service) decodeSession(v, kind string, now time.Time) (Session, error) {
	p, sig, ok := strings.Cut(v, ".")
	if !ok || subtle.ConstantTimeCompare([]byte(sign(s.keys.session, "session", p)), []byte(sig)) != 1 {
		return Session{}, ErrBadSession
	}
	b, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return Session{}, ErrBadSession
	}
	var sess Session
	if err := json.Unmarshal(b, &sess); err != nil || sess.Kind != kind {
		return Session{}, ErrBadSession
	}
	if now.Unix() >= sess.Expires {
		return Session{}, fmt.Errorf("%w: session expired", ErrBadSession)
	}
	return sess, nil
}

// Admin is a signed-in moderator.
type Admin struct {
	Name    string
	SID     string
	Expires time.Time
}

// AdminEnabled reports whether an admin token is configured.
func (s *Service) AdminEnabled() bool { return s.cfg.AdminToken != "" }

// AdminSignIn checks the admin token and returns a session cookie value.
// Attempts are rate limited per address (ip): 10 in 15 minutes.
func (s *Service) AdminSignIn(token, name, ip string, now time.Time) (string, Admin, error) {
	if s.cfg.AdminToken == "" {
		return "", Admin{}, fmt.Errorf("%w: no admin token is configured", ErrNotAllowed)
	}
	if ok, wait := s.adminLim.take(s.IPHash(ip), now); !ok {
		return "", Admin{}, &RateLimitError{RetryAfter: wait}
	}
	a := sha256.Sum256([]byte(token))
	b := sha256.Sum256([]byte(s.cfg.AdminToken))
	if subtle.ConstantTimeCompare(a[:], b[:]) != 1 {
		return "", Admin{}, fmt.Errorf("%w: wrong admin token", ErrNotAllowed)
	}
	exp := now.Add(s.cfg.AdminSessionTTL)
	sess := Session{Kind: SessionAdmin, ID: name, SID: randomHex(12), Expires: exp.Unix()}
	return s.encodeSession(sess), Admin{Name: name, SID: sess.SID, Expires: exp}, nil
}

// AdminFromSession checks an admin session cookie value.
func (s *Service) AdminFromSession(v string, now time.Time) (Admin, error) {
	if s.cfg.AdminToken == "" {
		return Admin{}, ErrBadSession
	}
	sess, err := s.decodeSession(v, SessionAdmin, now)
	if err != nil {
		return Admin{}, err
	}
	return Admin{Name: sess.ID, SID: sess.SID, Expires: time.Unix(sess.Expires, 0)}, nil
}
