package reviews

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
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
	// ErrFormUsed: the form's one-time token was already used (the same
	// form sent twice, or a token replayed).
	ErrFormUsed = errors.New("this form has already been sent")
)

// keys are secrets derived from the configured secret, one per use.
type keys struct {
	form, ip []byte
}

func deriveKeys(secret []byte) keys {
	d := func(label string) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte("councildash reviews " + label))
		return m.Sum(nil)
	}
	return keys{form: d("form"), ip: d("ip")}
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

// A form token is "issued.nonce.signature": the issue time (unix seconds),
// a random nonce, and a MAC of both with the form's binding (the council,
// the signed-in session if any, and the first-party form cookie), so a
// token works only on the form it was issued for, in the browser it was
// issued to. The public review form's token is also used once: its nonce
// is recorded in the database when a post uses it (useNonce).

// FormToken issues a form token for binding.
func (s *Service) FormToken(binding string, issued time.Time) string {
	return s.signFormToken(binding, strconv.FormatInt(issued.Unix(), 10), randomHex(12))
}

func (s *Service) signFormToken(binding, ts, nonce string) string {
	return ts + "." + nonce + "." + sign(s.keys.form, "form", binding, ts, nonce)
}

// formToken is a checked form token.
type formToken struct {
	issued time.Time
	nonce  string
}

func (s *Service) parseFormToken(tok, binding string, now time.Time) (formToken, error) {
	parts := strings.Split(tok, ".")
	if len(tok) > 200 || len(parts) != 3 {
		return formToken{}, ErrBadToken
	}
	want := sign(s.keys.form, "form", binding, parts[0], parts[1])
	if subtle.ConstantTimeCompare([]byte(want), []byte(parts[2])) != 1 {
		return formToken{}, ErrBadToken
	}
	sec, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return formToken{}, ErrBadToken
	}
	issued := time.Unix(sec, 0)
	if now.Sub(issued) > s.cfg.FormTokenTTL || issued.Sub(now) > time.Minute {
		return formToken{}, ErrBadToken
	}
	return formToken{issued: issued, nonce: parts[1]}, nil
}

// CheckFormToken verifies a form token for binding at now and returns when
// it was issued. It does not check the minimum time on the form, nor use
// the token up.
func (s *Service) CheckFormToken(tok, binding string, now time.Time) (time.Time, error) {
	ft, err := s.parseFormToken(tok, binding, now)
	return ft.issued, err
}

// NextFormToken is the token of a form shown again after a refused post
// (err is what Submit returned). When the post was refused before it used
// its token (a mistake in the answers, too fast, the honeypot), it is the
// same token, so the person is not held back by the minimum time again and
// the token still yields one review only. Otherwise (the token was used,
// expired, forged, or the post was rate limited) it is a fresh token issued
// now, so every review needs its own wait on the form.
func (s *Service) NextFormToken(tok, binding string, now time.Time, err error) string {
	var verr *ValidationError
	unused := errors.As(err, &verr) || errors.Is(err, ErrTooFast) || errors.Is(err, ErrHoneypot) || errors.Is(err, ErrOwnCouncil)
	if unused {
		if _, perr := s.parseFormToken(tok, binding, now); perr == nil {
			return tok
		}
	}
	return s.FormToken(binding, now)
}

// A form token's nonce is used once across every instance over the
// database: a post stores a use row (claimNonce), then reads every use row
// of the nonce (with its other checks, Store.RateCounts), and goes on only
// when its own row is the only one (onlyUse). Two posts racing each see the
// other's row and are both refused (safe: the person sends the form again
// with the fresh token of the page they get back). Never both accepted:
// an insert returns only once queries see its row, so of two posts, the
// one that reads second sees the other's row.

// claimNonce stores a use row of a form token's nonce.
func (s *Service) claimNonce(ctx context.Context, nonce string, now time.Time) (NonceUse, error) {
	u := NonceUse{Nonce: nonce, Instance: s.instance, RequestID: randomHex(8), At: now.UTC()}
	if err := s.store.InsertNonceUse(ctx, u); err != nil {
		return u, fmt.Errorf("record form use: %w", wrapUnavailable(err))
	}
	return u, nil
}

// onlyUse reports whether mine is the only use of its nonce.
func onlyUse(uses []NonceUse, mine NonceUse) bool {
	return len(uses) == 1 && uses[0].Instance == mine.Instance && uses[0].RequestID == mine.RequestID
}

// AddrKey is what rate limits and logs group a client address by: an IPv4
// address as it is, an IPv6 address by its /64 (one subscriber's network),
// an IPv4-mapped IPv6 address as IPv4. Text that is not an address is kept
// as it is.
func AddrKey(ip string) string {
	a, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return ip
	}
	a = a.Unmap().WithZone("")
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// IPHash is the keyed hash under which an address is rate limited, stored
// and logged (its AddrKey: IPv6 by /64). The address itself is never
// stored or logged.
func (s *Service) IPHash(ip string) string { return addrHash(s.keys.ip, ip) }

func addrHash(key []byte, ip string) string { return sign(key, "ip", AddrKey(ip))[:32] }

// AddrHasher is IPHash for a secret, without a service (a dashboard
// without reviews logs addresses the same way).
func AddrHasher(secret []byte) func(ip string) string {
	key := deriveKeys(secret).ip
	return func(ip string) string { return addrHash(key, ip) }
}

// AdminBinding is what admin sessions are bound to: a hash of the admin
// token. Sessions signed in with another token end.
func AdminBinding(token string) string {
	h := sha256.Sum256([]byte("councildash admin token\x00" + token))
	return hex.EncodeToString(h[:])
}

// MinAdminToken is the shortest admin token accepted.
const MinAdminToken = 32

// Admin is a signed-in moderator.
type Admin struct {
	Name    string
	SID     string // CSRF tokens bind to it
	Expires time.Time
}

// AdminEnabled reports whether an admin token is configured.
func (s *Service) AdminEnabled() bool { return s.cfg.AdminToken != "" }

// AnnounceAdminToken records the admin token in force (its binding), when
// it is not already the latest recorded: admin sessions bound to another
// token end on every instance (within the session cache time). serve calls
// it at start; the first admin sign-in does too.
func (s *Service) AnnounceAdminToken(ctx context.Context, now time.Time) error {
	if !s.AdminEnabled() {
		return nil
	}
	if s.announced.Load() {
		return nil
	}
	latest, err := s.store.LatestBinding(ctx, SessionAdmin)
	if err != nil {
		return wrapUnavailable(err)
	}
	if latest != s.adminBinding {
		if err := s.store.InsertRevocation(ctx, Revocation{Scope: RevokeBinding, Key: s.adminBinding, Kind: SessionAdmin,
			Reason: "admin token in force", At: now.UTC()}); err != nil {
			return wrapUnavailable(err)
		}
	}
	s.announced.Store(true)
	return nil
}

// AdminSignIn checks the admin token and returns a session cookie value.
// Attempts are throttled per address (ip) and globally.
func (s *Service) AdminSignIn(ctx context.Context, token, name, ip string, now time.Time) (string, Admin, error) {
	if s.cfg.AdminToken == "" {
		return "", Admin{}, fmt.Errorf("%w: no admin token is configured", ErrNotAllowed)
	}
	addr := s.IPHash(ip)
	if err := s.signInAllowed(ctx, SessionAdmin, addr, now); err != nil {
		return "", Admin{}, err
	}
	a := sha256.Sum256([]byte(token))
	b := sha256.Sum256([]byte(s.cfg.AdminToken))
	if subtle.ConstantTimeCompare(a[:], b[:]) != 1 {
		if err := s.signInFailed(ctx, SessionAdmin, addr, now); err != nil {
			return "", Admin{}, err
		}
		return "", Admin{}, fmt.Errorf("%w: wrong admin token", ErrNotAllowed)
	}
	if err := s.AnnounceAdminToken(ctx, now); err != nil {
		return "", Admin{}, err
	}
	exp := now.Add(s.cfg.AdminSessionTTL)
	cookie, rec, err := s.newSession(ctx, SessionAdmin, name, s.adminBinding, exp, now)
	if err != nil {
		return "", Admin{}, err
	}
	return cookie, Admin{Name: name, SID: sessionSID(rec.Hash), Expires: exp}, nil
}

// AdminFromSession checks an admin session cookie value: a stored session,
// not signed out, bound to the admin token in force. Errors: ErrBadSession
// or one wrapping ErrUnavailable.
func (s *Service) AdminFromSession(ctx context.Context, v string, now time.Time) (Admin, error) {
	if s.cfg.AdminToken == "" {
		return Admin{}, ErrBadSession
	}
	e, err := s.session(ctx, v, SessionAdmin, now)
	if err != nil {
		return Admin{}, err
	}
	if e.look.Session.Binding != s.adminBinding || (e.look.Binding != "" && e.look.Binding != s.adminBinding) {
		return Admin{}, fmt.Errorf("%w: the admin token has changed", ErrBadSession)
	}
	return Admin{Name: e.look.Session.Subject, SID: sessionSID(e.look.Session.Hash), Expires: e.look.Session.ExpiresAt}, nil
}

// AdminSignOut ends an admin session (at once here; elsewhere within the
// session cache time).
func (s *Service) AdminSignOut(ctx context.Context, v string, now time.Time) error {
	return s.endSession(ctx, v, SessionAdmin, "signed out", now)
}

// ---- sign-in throttles ----

// signInAllowed refuses a sign-in attempt when its address, or everyone,
// has failed too often lately: first an in-process limit of attempts per
// address (no query for a flood from one address), then the failures
// recorded in the database by every instance.
func (s *Service) signInAllowed(ctx context.Context, kind, addr string, now time.Time) error {
	if ok, wait := s.signInLim.take(kind+"|"+addr, now); !ok {
		return &RateLimitError{RetryAfter: wait}
	}
	perAddr, global := s.cfg.SignInPerAddress, s.cfg.SignInGlobal
	if perAddr.N <= 0 && global.N <= 0 {
		return nil
	}
	c, err := s.store.SignInFailures(ctx, SignInQuery{Kind: kind, AddrHash: addr, AddrSince: now.Add(-perAddr.Per), AllSince: now.Add(-global.Per)})
	if err != nil {
		return wrapUnavailable(err)
	}
	if perAddr.N > 0 && c.Addr >= perAddr.N {
		return &RateLimitError{RetryAfter: retryAfter(c.AddrOldest, perAddr.Per, now)}
	}
	if global.N > 0 && c.All >= global.N {
		return &RateLimitError{RetryAfter: retryAfter(c.AllOldest, global.Per, now), Global: true}
	}
	return nil
}

// signInFailed records a failed sign-in for the throttles.
func (s *Service) signInFailed(ctx context.Context, kind, addr string, now time.Time) error {
	if err := s.store.InsertSignInFailure(ctx, kind, addr, now.UTC()); err != nil {
		return fmt.Errorf("record failed sign-in: %w", wrapUnavailable(err))
	}
	return nil
}

// retryAfter is how long until the oldest of the counted events leaves
// the window (at least a second).
func retryAfter(oldest time.Time, per time.Duration, now time.Time) time.Duration {
	if oldest.IsZero() {
		return per
	}
	return max(time.Second, oldest.Add(per).Sub(now))
}
