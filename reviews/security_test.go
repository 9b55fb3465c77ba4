package reviews

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// tokenService is a service for the pure token and address rules: they
// never reach the store.
func tokenService(secret string) *Service {
	cfg := DefaultConfig()
	cfg.Secret = []byte(secret)
	return &Service{cfg: cfg, keys: deriveKeys(cfg.Secret)}
}

func TestAddrKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1":               "192.0.2.1",
		" 192.0.2.1 ":             "192.0.2.1",
		"::ffff:192.0.2.1":        "192.0.2.1",
		"2001:db8:1:2:3:4:5:6":    "2001:db8:1:2::/64",
		"2001:db8:1:2::1":         "2001:db8:1:2::/64",
		"2001:DB8:1:2:ffff::9":    "2001:db8:1:2::/64",
		"fe80::1%eth0":            "fe80::/64",
		"not an address":          "not an address",
		"":                        "",
		"2001:db8:1:3::1":         "2001:db8:1:3::/64",
		"[2001:db8::1]":           "[2001:db8::1]",
		"10.0.0.1:443":            "10.0.0.1:443",
		"2001:db8:1:2:3:4:5:6:7:": "2001:db8:1:2:3:4:5:6:7:",
	} {
		if got := AddrKey(in); got != want {
			t.Errorf("AddrKey(%q) = %q, want %q", in, got, want)
		}
	}
	s := tokenService("one")
	if s.IPHash("2001:db8:1:2::1") != s.IPHash("2001:db8:1:2:ffff::9") {
		t.Error("one /64, two hashes")
	}
	if s.IPHash("2001:db8:1:2::1") == s.IPHash("2001:db8:1:3::1") || s.IPHash("192.0.2.1") == s.IPHash("192.0.2.2") {
		t.Error("two networks, one hash")
	}
	if s.IPHash("192.0.2.1") == tokenService("two").IPHash("192.0.2.1") {
		t.Error("the hash does not depend on the secret")
	}
	if AddrHasher([]byte("one"))("192.0.2.1") != s.IPHash("192.0.2.1") {
		t.Error("AddrHasher differs from IPHash")
	}
	if strings.Contains(s.IPHash("192.0.2.1"), "192") || len(s.IPHash("192.0.2.1")) != 32 {
		t.Error("hash shape")
	}
}

func TestFormTokens(t *testing.T) {
	s := tokenService("secret")
	now := time.Unix(1_800_000_000, 0)
	b := FormBinding("AAA", nil, "cookie-1")
	tok := s.FormToken(b, now)
	ft, err := s.parseFormToken(tok, b, now.Add(time.Minute))
	if err != nil || !ft.issued.Equal(now) || len(ft.nonce) != 24 {
		t.Fatalf("parse: %+v %v", ft, err)
	}
	if s.FormToken(b, now) == tok {
		t.Fatal("two tokens alike: the nonce is not random")
	}
	parts := strings.Split(tok, ".")
	for name, bad := range map[string]string{
		"other cookie":   s.FormToken(FormBinding("AAA", nil, "cookie-2"), now),
		"other council":  s.FormToken(FormBinding("BBB", nil, "cookie-1"), now),
		"peer's session": s.FormToken(FormBinding("AAA", &Peer{SID: "sid"}, "cookie-1"), now),
		"other secret":   tokenService("other").FormToken(b, now),
		"nonce changed":  parts[0] + ".000000000000000000000000." + parts[2],
		"time changed":   "1800000001." + parts[1] + "." + parts[2],
		"empty":          "",
		"too long":       strings.Repeat("a", 201),
	} {
		if _, err := s.parseFormToken(bad, b, now); !errors.Is(err, ErrBadToken) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := s.parseFormToken(tok, b, now.Add(s.cfg.FormTokenTTL+time.Second)); !errors.Is(err, ErrBadToken) {
		t.Error("expired token accepted")
	}
	if _, err := s.parseFormToken(tok, b, now.Add(-2*time.Minute)); !errors.Is(err, ErrBadToken) {
		t.Error("token from the future accepted")
	}
	// The next form's token: the same while unused, fresh (issued now) once
	// used or refused for what it is.
	later := now.Add(10 * time.Second)
	for _, err := range []error{&ValidationError{}, ErrTooFast, ErrHoneypot, ErrOwnCouncil} {
		if got := s.NextFormToken(tok, b, later, err); got != tok {
			t.Errorf("after %v: a new token", err)
		}
	}
	for _, err := range []error{ErrFormUsed, &RateLimitError{}, ErrBadToken, ErrUnavailable} {
		got := s.NextFormToken(tok, b, later, err)
		ft, perr := s.parseFormToken(got, b, later)
		if got == tok || perr != nil || !ft.issued.Equal(later) {
			t.Errorf("after %v: %v %v", err, got == tok, perr)
		}
	}
	// An unused but expired token is replaced.
	if got := s.NextFormToken(tok, b, now.Add(5*time.Hour), ErrTooFast); got == tok {
		t.Error("an expired token came back")
	}
}

func FuzzParseFormToken(f *testing.F) {
	s := tokenService("fuzz")
	now := time.Unix(1_800_000_000, 0)
	b := FormBinding("AAA", nil, "c")
	f.Add(s.FormToken(b, now))
	f.Add("1800000000.abc.def")
	f.Add("..")
	f.Add("-1.x.y")
	f.Fuzz(func(t *testing.T, tok string) {
		ft, err := s.parseFormToken(tok, b, now)
		if err != nil {
			return
		}
		// Accepted: exactly a token this service signs, within its time.
		parts := strings.Split(tok, ".")
		if len(parts) != 3 || s.signFormToken(b, parts[0], parts[1]) != tok || ft.nonce != parts[1] || now.Sub(ft.issued) > s.cfg.FormTokenTTL {
			t.Fatalf("accepted %q", tok)
		}
	})
}

func TestSessionCache(t *testing.T) {
	c := newSessionCache(5 * time.Second)
	now := time.Unix(1_800_000_000, 0)
	c.put("h1", sessionEntry{look: SessionLookup{Session: SessionRecord{Kind: SessionPeer, Subject: "pt_1"}}, at: now})
	c.put("h2", sessionEntry{look: SessionLookup{Session: SessionRecord{Kind: SessionAdmin, Subject: "pt_1"}}, at: now})
	if _, ok := c.get("h1", now.Add(4*time.Second)); !ok {
		t.Fatal("fresh entry missed")
	}
	if _, ok := c.get("h1", now.Add(5*time.Second)); ok {
		t.Fatal("entry kept past its time")
	}
	if _, ok := c.get("h1", now.Add(-time.Second)); ok {
		t.Fatal("entry from the future served")
	}
	c.drop(func(_ string, e sessionEntry) bool {
		return e.look.Session.Kind == SessionPeer && e.look.Session.Subject == "pt_1"
	})
	if _, ok := c.get("h1", now); ok {
		t.Fatal("dropped entry served")
	}
	if _, ok := c.get("h2", now); !ok {
		t.Fatal("another kind's entry dropped")
	}
	off := newSessionCache(-1)
	off.put("h", sessionEntry{at: now})
	if _, ok := off.get("h", now); ok {
		t.Fatal("a cache that is off served an entry")
	}
	// Bounded.
	small := newSessionCache(time.Minute)
	small.max = 3
	for i := range 10 {
		small.put(string(rune('a'+i)), sessionEntry{at: now})
	}
	if len(small.m) > 3 {
		t.Fatalf("%d entries kept, bound 3", len(small.m))
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	if got := retryAfter(now.Add(-50*time.Minute), time.Hour, now); got != 10*time.Minute {
		t.Errorf("%s", got)
	}
	if got := retryAfter(time.Time{}, time.Hour, now); got != time.Hour {
		t.Errorf("no oldest: %s", got)
	}
	if got := retryAfter(now.Add(-2*time.Hour), time.Hour, now); got != time.Second {
		t.Errorf("already out of the window: %s", got)
	}
}

func TestAdminTokenLength(t *testing.T) {
	c := Config{AdminToken: strings.Repeat("a", MinAdminToken-1)}
	if err := c.defaults(); !errors.Is(err, ErrAdminTokenShort) || !strings.Contains(err.Error(), "openssl rand -hex 32") {
		t.Fatalf("%v", err)
	}
	c = Config{AdminToken: strings.Repeat("a", MinAdminToken)}
	if err := c.defaults(); err != nil {
		t.Fatal(err)
	}
	c = Config{RatePerIP: Rate{N: 10, Per: 32 * 24 * time.Hour}}
	if err := c.defaults(); err == nil {
		t.Fatal("a 32-day rate window accepted (guard events are kept 32 days)")
	}
	if AdminBinding("a") == AdminBinding("b") || len(AdminBinding("a")) != 64 {
		t.Fatal("binding")
	}
}
