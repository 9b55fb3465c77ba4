package data_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/reviews"
)

// TestSessionsAndRevocations: the sessions table and what ends a session,
// on the real server (ClickHouse 18.16 here).
func TestSessionsAndRevocations(t *testing.T) {
	s := datatest.Store(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if _, err := s.LookupSession(ctx, "nope"); !errors.Is(err, reviews.ErrNotFound) || !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("unknown session: %v", err)
	}
	peer := reviews.SessionRecord{Hash: "h-peer", Kind: reviews.SessionPeer, Subject: "pt_1", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	admin := reviews.SessionRecord{Hash: "h-admin", Kind: reviews.SessionAdmin, Subject: "Mo", Binding: "b1", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	for _, r := range []reviews.SessionRecord{peer, admin} {
		if err := s.InsertSession(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	look := func(h string) reviews.SessionLookup {
		t.Helper()
		l, err := s.LookupSession(ctx, h)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	same := func(a, b reviews.SessionRecord) bool {
		return a.Hash == b.Hash && a.Kind == b.Kind && a.Subject == b.Subject && a.Binding == b.Binding &&
			a.CreatedAt.Equal(b.CreatedAt) && a.ExpiresAt.Equal(b.ExpiresAt)
	}
	if l := look("h-peer"); !same(l.Session, peer) || l.Revoked || l.Binding != "" {
		t.Fatalf("peer: %+v", l)
	}
	// A subject revocation before the session's creation does not end it;
	// one at or after does.
	if err := s.InsertRevocation(ctx, reviews.Revocation{Scope: reviews.RevokeSubject, Key: "pt_1", Kind: reviews.SessionPeer, At: t0.Add(-time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if look("h-peer").Revoked {
		t.Fatal("an older revocation ended a newer session")
	}
	if err := s.InsertRevocation(ctx, reviews.Revocation{Scope: reviews.RevokeSubject, Key: "pt_1", Kind: reviews.SessionPeer, At: t0}); err != nil {
		t.Fatal(err)
	}
	if !look("h-peer").Revoked {
		t.Fatal("subject revocation missed")
	}
	// Another kind's revocation of the same subject name ends nothing.
	if err := s.InsertRevocation(ctx, reviews.Revocation{Scope: reviews.RevokeSubject, Key: "Mo", Kind: reviews.SessionPeer, At: t0.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if look("h-admin").Revoked {
		t.Fatal("a peer revocation ended an admin session")
	}
	// Bindings: the latest wins.
	if b, err := s.LatestBinding(ctx, reviews.SessionAdmin); err != nil || b != "" {
		t.Fatalf("no binding yet: %q %v", b, err)
	}
	for _, b := range []string{"b1", "b2"} {
		if err := s.InsertRevocation(ctx, reviews.Revocation{Scope: reviews.RevokeBinding, Key: b, Kind: reviews.SessionAdmin, At: t0}); err != nil {
			t.Fatal(err)
		}
	}
	if b, _ := s.LatestBinding(ctx, reviews.SessionAdmin); b != "b2" {
		t.Fatalf("latest binding %q", b)
	}
	if l := look("h-admin"); l.Binding != "b2" || l.Revoked {
		t.Fatalf("admin: %+v", l)
	}
	if err := s.InsertRevocation(ctx, reviews.Revocation{Scope: reviews.RevokeSession, Key: "h-admin", Kind: reviews.SessionAdmin, At: t0}); err != nil {
		t.Fatal(err)
	}
	if !look("h-admin").Revoked {
		t.Fatal("sign-out missed")
	}
}

// TestNonceUsesReadAfterWrite: once InsertNonceUse returns, NonceUses sees
// the row, through the group commit too, with many writers at once.
func TestNonceUsesReadAfterWrite(t *testing.T) {
	s := datatest.Store(t)
	rs := data.NewReviewStore(s)
	ctx := context.Background()
	now := time.Now().UTC()
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := fmt.Sprintf("nonce-%d", i%50)
			u := reviews.NonceUse{Nonce: n, Instance: "i", RequestID: fmt.Sprint(i), At: now}
			if err := rs.InsertNonceUse(ctx, u); err != nil {
				errs <- err
				return
			}
			uses, err := rs.NonceUses(ctx, n, now.Add(-time.Minute))
			if err != nil {
				errs <- err
				return
			}
			for _, x := range uses {
				if x.RequestID == u.RequestID {
					return
				}
			}
			errs <- fmt.Errorf("use %d not seen after its insert returned (%d rows)", i, len(uses))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if uses, _ := rs.NonceUses(ctx, "nonce-7", now.Add(-time.Minute)); len(uses) != 4 {
		t.Fatalf("nonce-7: %d uses, want 4", len(uses))
	}
	if uses, _ := rs.NonceUses(ctx, "nonce-7", now.Add(time.Hour)); len(uses) != 0 {
		t.Fatalf("uses before their time: %d", len(uses))
	}
}

// TestRateCountsAndHolds: recent reviews counted per sender and council, a
// stored duplicate found, held reviews listed.
func TestRateCountsAndHolds(t *testing.T) {
	s := datatest.Store(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	mk := func(i int, council, ip, peer string, at time.Time, comment string) reviews.Review {
		r := mkReview(i, council, "pay-council-tax", reviews.KindResident, [4]reviews.Rating{5, 3, 0, 0}, comment)
		r.IPHash, r.PeerID, r.CreatedAt = ip, peer, at
		return r
	}
	rs := []reviews.Review{
		mk(1, "AAA", "ip1", "", now.Add(-10*time.Minute), "one"),
		mk(2, "AAA", "ip1", "", now.Add(-20*time.Minute), "two"),
		mk(3, "AAA", "ip2", "", now.Add(-30*time.Minute), "three"),
		mk(4, "BBB", "ip1", "", now.Add(-40*time.Minute), "four"),
		mk(5, "AAA", "ip1", "", now.Add(-2*time.Hour), "old"),
		mk(6, "CCC", "ipp", "pt_9", now.Add(-5*time.Minute), "peer"),
	}
	if err := s.InsertReviews(ctx, rs); err != nil {
		t.Fatal(err)
	}
	q := reviews.RateQuery{Who: "ip1", WhoSince: now.Add(-time.Hour), Council: "AAA", CouncilSince: now.Add(-time.Hour),
		Duplicate: rs[0], DupSince: now.Add(-time.Hour)}
	c, err := s.RateCounts(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if c.Who != 3 || c.Council != 3 || !c.WhoOldest.Equal(now.Add(-40*time.Minute)) || !c.CouncilOldest.Equal(now.Add(-30*time.Minute)) || c.DuplicateOf != rs[0].ID {
		t.Fatalf("counts %+v", c)
	}
	// Not a duplicate: another comment, another sender, or no window.
	for name, q2 := range map[string]reviews.RateQuery{
		"other comment": func() reviews.RateQuery { x := q; x.Duplicate.Comment = "else"; return x }(),
		"other sender":  func() reviews.RateQuery { x := q; x.Who = "ip2"; return x }(),
		"no window":     func() reviews.RateQuery { x := q; x.DupSince = time.Time{}; return x }(),
	} {
		if c, err := s.RateCounts(ctx, q2); err != nil || c.DuplicateOf != "" {
			t.Errorf("%s: %+v %v", name, c, err)
		}
	}
	// The same query reads a nonce's uses.
	for _, r := range []string{"r1", "r2"} {
		if err := s.InsertNonceUse(ctx, reviews.NonceUse{Nonce: "n1", Instance: "i1", RequestID: r, At: now}); err != nil {
			t.Fatal(err)
		}
	}
	q.Nonce, q.NonceSince = "n1", now.Add(-time.Minute)
	if c, err := s.RateCounts(ctx, q); err != nil || len(c.NonceUses) != 2 || c.NonceUses[0].Instance != "i1" || c.NonceUses[0].Nonce != "n1" {
		t.Fatalf("nonce uses %+v %v", c.NonceUses, err)
	}
	q.NonceSince = now.Add(time.Minute)
	if c, err := s.RateCounts(ctx, q); err != nil || len(c.NonceUses) != 0 {
		t.Fatalf("nonce uses before their time %+v %v", c.NonceUses, err)
	}
	// Peers are counted by token.
	pc, err := s.RateCounts(ctx, reviews.RateQuery{Peer: true, Who: "pt_9", WhoSince: now.Add(-time.Hour), Council: "ZZZ", CouncilSince: now.Add(-time.Hour)})
	if err != nil || pc.Who != 1 || pc.Council != 0 || !pc.CouncilOldest.IsZero() {
		t.Fatalf("peer counts %+v %v", pc, err)
	}
	// A hold excludes a review until a moderator includes it.
	hold := reviews.ModerationEvent{ReviewID: rs[2].ID, Action: reviews.ActionExclude, Reason: "held", Moderator: reviews.HoldModerator, At: now}
	if err := data.NewReviewStore(s).InsertModeration(ctx, hold); err != nil {
		t.Fatal(err)
	}
	held, err := s.HeldReviews(ctx, reviews.HoldModerator, 10)
	if err != nil || len(held) != 1 || held[0].ID != rs[2].ID || !held[0].Excluded {
		t.Fatalf("held %+v %v", held, err)
	}
	if err := s.InsertModeration(ctx, reviews.ModerationEvent{ReviewID: rs[2].ID, Action: reviews.ActionInclude, Moderator: "Mo", At: now.Add(time.Second)}); err != nil {
		t.Fatal(err)
	}
	if held, _ := s.HeldReviews(ctx, reviews.HoldModerator, 10); len(held) != 0 {
		t.Fatalf("still held after include: %d", len(held))
	}
}

// TestSignInFailures counts per address and globally, in their windows.
func TestSignInFailures(t *testing.T) {
	s := datatest.Store(t)
	rs := data.NewReviewStore(s)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i, x := range []struct {
		kind, addr string
		ago        time.Duration
	}{{"peer", "a", time.Minute}, {"peer", "a", 10 * time.Minute}, {"peer", "b", 30 * time.Second}, {"peer", "a", time.Hour}, {"admin", "a", time.Second}} {
		if err := rs.InsertSignInFailure(ctx, x.kind, x.addr, now.Add(-x.ago)); err != nil {
			t.Fatalf("%d: %v", i, err)
		}
	}
	c, err := s.SignInFailures(ctx, reviews.SignInQuery{Kind: "peer", AddrHash: "a", AddrSince: now.Add(-15 * time.Minute), AllSince: now.Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != 2 || !c.AddrOldest.Equal(now.Add(-10*time.Minute)) || c.All != 2 || !c.AllOldest.Equal(now.Add(-time.Minute)) {
		t.Fatalf("%+v", c)
	}
}

// TestPruneSecurity drops whole partitions past their use and keeps the
// rest (18.16 has no TTL).
func TestPruneSecurity(t *testing.T) {
	s := datatest.Store(t)
	ctx := context.Background()
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	for _, at := range []time.Time{now, now.AddDate(0, 0, -1), now.AddDate(0, 0, -5), now.AddDate(0, 0, -40)} {
		if err := s.InsertNonceUse(ctx, reviews.NonceUse{Nonce: "n" + at.Format("0102"), Instance: "i", RequestID: "r", At: at}); err != nil {
			t.Fatal(err)
		}
		if err := s.InsertSignInFailure(ctx, "peer", "a", at); err != nil {
			t.Fatal(err)
		}
	}
	for _, at := range []time.Time{now, now.AddDate(0, -1, 0), now.AddDate(0, -3, 0)} {
		if err := s.InsertSession(ctx, reviews.SessionRecord{Hash: "s" + at.Format("0102"), Kind: "peer", CreatedAt: at, ExpiresAt: at.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := s.InsertRevocation(ctx, reviews.Revocation{Scope: reviews.RevokeSession, Key: "s" + at.Format("0102"), Kind: "peer", At: at}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.PruneSecurity(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	// guard_events (nonces, failures): the 40-day-old day; sessions and
	// revocations: the 3-month-old month (1 each).
	if n != 3 {
		t.Fatalf("dropped %d partitions, want 3", n)
	}
	for at, want := range map[time.Time]int{now: 1, now.AddDate(0, 0, -1): 1, now.AddDate(0, 0, -5): 1, now.AddDate(0, 0, -40): 0} {
		uses, err := s.NonceUses(ctx, "n"+at.Format("0102"), time.Unix(0, 0))
		if err != nil || len(uses) != want {
			t.Errorf("nonce of %s: %d rows (%v), want %d", at.Format("2006-01-02"), len(uses), err, want)
		}
	}
	for at, want := range map[time.Time]bool{now: true, now.AddDate(0, -1, 0): true, now.AddDate(0, -3, 0): false} {
		_, err := s.LookupSession(ctx, "s"+at.Format("0102"))
		if (err == nil) != want {
			t.Errorf("session of %s: %v, want kept=%v", at.Format("2006-01"), err, want)
		}
	}
	c, err := s.SignInFailures(ctx, reviews.SignInQuery{Kind: "peer", AddrHash: "a", AddrSince: time.Unix(0, 0), AllSince: time.Unix(0, 0)})
	if err != nil || c.All != 3 {
		t.Fatalf("failures kept: %+v %v", c, err)
	}
	if n, err := s.PruneSecurity(ctx, now); err != nil || n != 0 {
		t.Fatalf("second prune: %d %v", n, err)
	}
}
