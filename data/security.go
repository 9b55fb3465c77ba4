package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/councildash/councildash/reviews"
)

// The security tables (migration 0005): sessions and their revocations, and
// guard_events, the events that one-time form tokens, rate limits,
// duplicate suppression and sign-in throttles count by key. They implement
// reviews.GuardStore. Times are bound as unix seconds (toDateTime(?)),
// which every ClickHouse release reads the same way.

const (
	sqlInsertSession    = `INSERT INTO sessions (session_hash, kind, subject, binding, created_at, expires_at)`
	sqlInsertRevocation = `INSERT INTO session_revocations (scope, key, kind, reason, created_at, version)`
	sqlSessionByHash    = `SELECT session_hash, kind, subject, binding, created_at, expires_at FROM sessions WHERE session_hash = ? LIMIT 1`
	// sqlSessionEnds counts the revocations of one session (by its hash,
	// or by its subject at or after its creation) and reads the latest
	// admin-token binding of its kind.
	sqlSessionEnds = `SELECT countIf((scope = 'session' AND key = ?) OR (scope = 'subject' AND key = ? AND created_at >= toDateTime(?))),
       argMaxIf(key, version, scope = 'binding'), countIf(scope = 'binding')
FROM session_revocations
WHERE kind = ? AND (scope = 'binding' OR key IN (?, ?))`
	sqlLatestBinding = `SELECT argMax(key, version), count() FROM session_revocations WHERE scope = 'binding' AND kind = ?`

	// guard_events: events counted by key (migration 0005 says which).
	sqlInsertGuardEvent = `INSERT INTO guard_events (key, value, created_at)`
	sqlNonceUses        = `SELECT value, created_at FROM guard_events WHERE key = ? AND created_at >= toDateTime(?) ORDER BY created_at, value LIMIT 1000`

	sqlPeerTokenEvents = `SELECT token_id, event, detail, created_at FROM peer_token_events WHERE token_id = ? AND event = ? ORDER BY version LIMIT 10000`

	// sqlSignInFailures counts failed sign-ins from one address and from
	// everyone (keys fa: and fg:).
	sqlSignInFailures = `SELECT countIf(key = ? AND created_at >= toDateTime(?)), toUInt32(minIf(created_at, key = ? AND created_at >= toDateTime(?))),
       countIf(key = ? AND created_at >= toDateTime(?)), toUInt32(minIf(created_at, key = ? AND created_at >= toDateTime(?)))
FROM guard_events
WHERE key IN (?, ?) AND created_at >= toDateTime(?)`

	// sqlRateCounts answers everything a post checks in one primary-key
	// query: its sender's and its council's recent reviews, a stored
	// duplicate (the same content hash guard_reviews_mv writes, typed as
	// the reviews columns are) and the uses of its form nonce.
	sqlRateCounts = `WITH concat('d:', hex(cityHash64(?, ?, ?, toInt8(?), toInt8(?), toInt8(?), toInt8(?), toUInt8(?), ?, ?, ?))) AS dupkey
SELECT countIf(key = ? AND created_at >= toDateTime(?)), toUInt32(minIf(created_at, key = ? AND created_at >= toDateTime(?))),
       countIf(key = ? AND created_at >= toDateTime(?)), toUInt32(minIf(created_at, key = ? AND created_at >= toDateTime(?))),
       anyIf(value, key = dupkey AND created_at >= toDateTime(?)),
       groupArrayIf(value, key = ? AND created_at >= toDateTime(?))
FROM guard_events
WHERE key IN (?, ?, dupkey, ?) AND created_at >= toDateTime(?)`

	// sqlHeldReviews lists reviews whose latest ratings decision is an
	// exclusion by the given moderator (the rate limit's hold).
	sqlHeldReviews = sqlReviewState + `WHERE r.review_id IN (
    SELECT review_id FROM review_moderation WHERE action IN ('exclude', 'include')
    GROUP BY review_id HAVING argMax(action, version) = 'exclude' AND argMax(moderator, version) = ?
) ORDER BY r.created_at, r.review_id LIMIT ?`

	sqlActivePartitions = `SELECT DISTINCT partition FROM system.parts WHERE database = currentDatabase() AND table = ? AND active`
)

// unix binds a time as unix seconds (never negative).
func unix(t time.Time) int64 { return max(0, t.Unix()) }

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// fromUnix reads a toUInt32 time (0: none).
func fromUnix(s uint32) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(int64(s), 0).UTC()
}

// InsertSession stores a sign-in.
func (s *Store) InsertSession(ctx context.Context, r reviews.SessionRecord) error {
	if r.Hash == "" || r.Kind == "" {
		return fmt.Errorf("insert session: hash and kind are required")
	}
	if err := s.insertRows(ctx, sqlInsertSession, []any{r.Hash, r.Kind, r.Subject, r.Binding, nz(r.CreatedAt), nz(r.ExpiresAt)}); err != nil {
		return reviewErr("insert session", err)
	}
	return nil
}

// InsertRevocation appends a revocation.
func (s *Store) InsertRevocation(ctx context.Context, r reviews.Revocation) error {
	if err := s.insertRows(ctx, sqlInsertRevocation, []any{r.Scope, r.Key, r.Kind, r.Reason, nz(r.At), s.nextVersion()}); err != nil {
		return reviewErr("insert revocation", err)
	}
	return nil
}

// LookupSession finds a session by its hash, with what ends it.
func (s *Store) LookupSession(ctx context.Context, hash string) (reviews.SessionLookup, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	var out reviews.SessionLookup
	r := &out.Session
	err := s.conn.QueryRow(ctx, sqlSessionByHash, hash).Scan(&r.Hash, &r.Kind, &r.Subject, &r.Binding, &r.CreatedAt, &r.ExpiresAt)
	if err != nil {
		if isNoRows(err) {
			return out, reviewNotFound("session")
		}
		return out, reviewErr("session", err)
	}
	var revoked, bindings uint64
	var binding string
	if err := s.conn.QueryRow(ctx, sqlSessionEnds, r.Hash, r.Subject, unix(r.CreatedAt), r.Kind, r.Hash, r.Subject).Scan(&revoked, &binding, &bindings); err != nil {
		return out, reviewErr("session revocations", err)
	}
	out.Revoked = revoked > 0
	if bindings > 0 {
		out.Binding = binding
	}
	return out, nil
}

// LatestBinding is the latest binding recorded for a kind of session.
func (s *Store) LatestBinding(ctx context.Context, kind string) (string, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	var key string
	var n uint64
	if err := s.conn.QueryRow(ctx, sqlLatestBinding, kind).Scan(&key, &n); err != nil {
		return "", reviewErr("latest binding", err)
	}
	if n == 0 {
		return "", nil
	}
	return key, nil
}

// Keys of guard_events.
func nonceKey(nonce string) string         { return "n:" + nonce }
func failAddrKey(kind, addr string) string { return "fa:" + kind + ":" + addr }
func failAllKey(kind string) string        { return "fg:" + kind }
func senderKey(peer bool, who string) string {
	if peer {
		return "p:" + who
	}
	return "a:" + who
}

func nonceUseRow(u reviews.NonceUse) []any {
	return []any{nonceKey(u.Nonce), u.Instance + " " + u.RequestID, nz(u.At)}
}

// InsertNonceUse stores a form nonce use (synchronously: once it returns,
// queries on this server see it).
func (s *Store) InsertNonceUse(ctx context.Context, u reviews.NonceUse) error {
	if err := s.insertRows(ctx, sqlInsertGuardEvent, nonceUseRow(u)); err != nil {
		return reviewErr("insert nonce use", err)
	}
	return nil
}

// NonceUses lists the uses of a nonce stored since since.
func (s *Store) NonceUses(ctx context.Context, nonce string, since time.Time) ([]reviews.NonceUse, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlNonceUses, nonceKey(nonce), unix(since))
	if err != nil {
		return nil, reviewErr("nonce uses", err)
	}
	defer rows.Close()
	var out []reviews.NonceUse
	for rows.Next() {
		var v string
		u := reviews.NonceUse{Nonce: nonce}
		if err := rows.Scan(&v, &u.At); err != nil {
			return nil, reviewErr("nonce uses", err)
		}
		u.Instance, u.RequestID, _ = strings.Cut(v, " ")
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, reviewErr("nonce uses", err)
	}
	return out, nil
}

// PeerTokenEvents lists a token's events of one kind, oldest first.
func (s *Store) PeerTokenEvents(ctx context.Context, tokenID, event string) ([]reviews.TokenEvent, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlPeerTokenEvents, tokenID, event)
	if err != nil {
		return nil, reviewErr("peer token events", err)
	}
	defer rows.Close()
	var out []reviews.TokenEvent
	for rows.Next() {
		var e reviews.TokenEvent
		if err := rows.Scan(&e.TokenID, &e.Event, &e.Detail, &e.At); err != nil {
			return nil, reviewErr("peer token events", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, reviewErr("peer token events", err)
	}
	return out, nil
}

// RateCounts counts a sender's and a council's recent reviews, looks for
// a stored duplicate and reads a nonce's uses, in one query.
func (s *Store) RateCounts(ctx context.Context, q reviews.RateQuery) (reviews.RateCounts, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	sender, council, nonce := senderKey(q.Peer, q.Who), "c:"+q.Council, nonceKey(q.Nonce)
	d := q.Duplicate
	dupSince := q.DupSince
	if dupSince.IsZero() {
		// No duplicate wanted: a window that matches nothing.
		dupSince = time.Unix(1<<32-1, 0)
	}
	nonceSince := q.NonceSince
	if q.Nonce == "" {
		nonceSince = time.Unix(1<<32-1, 0)
	}
	since := q.WhoSince
	for _, t := range []time.Time{q.CouncilSince, q.DupSince, q.NonceSince} {
		if !t.IsZero() && t.Before(since) {
			since = t
		}
	}
	args := []any{sender, q.Council, d.Task, int8(d.Ratings[reviews.WayNav]), int8(d.Ratings[reviews.WayAtoZ]),
		int8(d.Ratings[reviews.WaySearchEngine]), int8(d.Ratings[reviews.WaySiteSearch]), uint8(d.Importance), d.Kind, d.Comment, d.EndURL,
		sender, unix(q.WhoSince), sender, unix(q.WhoSince), council, unix(q.CouncilSince), council, unix(q.CouncilSince),
		unix(dupSince), nonce, unix(nonceSince),
		sender, council, nonce, unix(since)}
	var out reviews.RateCounts
	var who, councilN uint64
	var whoOldest, councilOldest uint32
	var uses []string
	if err := s.conn.QueryRow(ctx, sqlRateCounts, args...).Scan(&who, &whoOldest, &councilN, &councilOldest, &out.DuplicateOf, &uses); err != nil {
		return out, reviewErr("rate counts", err)
	}
	for _, u := range uses {
		inst, req, _ := strings.Cut(u, " ")
		out.NonceUses = append(out.NonceUses, reviews.NonceUse{Nonce: q.Nonce, Instance: inst, RequestID: req})
	}
	out.Who, out.WhoOldest = int(who), fromUnix(whoOldest)
	out.Council, out.CouncilOldest = int(councilN), fromUnix(councilOldest)
	return out, nil
}

func signInFailureRows(kind, addrHash string, at time.Time) [][]any {
	return [][]any{{failAddrKey(kind, addrHash), "", nz(at)}, {failAllKey(kind), "", nz(at)}}
}

// InsertSignInFailure appends a failed sign-in.
func (s *Store) InsertSignInFailure(ctx context.Context, kind, addrHash string, at time.Time) error {
	if err := s.insertRows(ctx, sqlInsertGuardEvent, signInFailureRows(kind, addrHash, at)...); err != nil {
		return reviewErr("insert failed sign-in", err)
	}
	return nil
}

// SignInFailures counts recent failed sign-ins from an address and from
// everyone.
func (s *Store) SignInFailures(ctx context.Context, q reviews.SignInQuery) (reviews.SignInCounts, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	since := q.AddrSince
	if q.AllSince.Before(since) {
		since = q.AllSince
	}
	addr, all := failAddrKey(q.Kind, q.AddrHash), failAllKey(q.Kind)
	var out reviews.SignInCounts
	var addrN, allN uint64
	var addrOldest, allOldest uint32
	if err := s.conn.QueryRow(ctx, sqlSignInFailures, addr, unix(q.AddrSince), addr, unix(q.AddrSince),
		all, unix(q.AllSince), all, unix(q.AllSince), addr, all, unix(since)).Scan(&addrN, &addrOldest, &allN, &allOldest); err != nil {
		return out, reviewErr("failed sign-ins", err)
	}
	out.Addr, out.AddrOldest, out.All, out.AllOldest = int(addrN), fromUnix(addrOldest), int(allN), fromUnix(allOldest)
	return out, nil
}

// HeldReviews lists the reviews held by the given moderator's exclusion,
// oldest first.
func (s *Store) HeldReviews(ctx context.Context, moderator string, limit int) ([]reviews.ReviewState, error) {
	return s.queryReviewStates(ctx, "held reviews", sqlHeldReviews, moderator, boundLimit(limit, 200))
}

// Retention of the security tables: partitions wholly older than these
// are dropped by PruneSecurity. guard_events matter for the rate windows
// (an hour by default, a month at most), form tokens (hours) and throttles
// (an hour at most); sessions and revocations while a session may live (30
// days at most), with a month's margin.
const (
	keepGuardDays      = 32
	keepSessionsMonths = 2
	pruneDaily         = "daily"
	pruneMonthly       = "monthly"
	tableGuardEvents   = "guard_events"
	tableSessions      = "sessions"
	tableRevocations   = "session_revocations"
)

// PruneSecurity drops the partitions of the security tables that hold only
// rows past their use (see the retention above), and returns how many it
// dropped. ClickHouse 18.16 has no TTL: serve calls this every hour.
func (s *Store) PruneSecurity(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC()
	dayCut := now.AddDate(0, 0, -keepGuardDays)
	dayKey, _ := strconv.Atoi(dayCut.Format("20060102"))
	monthCut := now.AddDate(0, -keepSessionsMonths, 0)
	monthKey, _ := strconv.Atoi(monthCut.Format("200601"))
	tables := []struct{ name, kind string }{
		{tableGuardEvents, pruneDaily}, {tableSessions, pruneMonthly}, {tableRevocations, pruneMonthly},
	}
	// In cluster mode each node drops its own local table's partitions
	// (data/cluster.go); on one server, the table's. A partition counts
	// once however many shards held it.
	seen := map[string]bool{}
	err := s.eachNode(ctx, func(ctx context.Context, conn driver.Conn) error {
		for _, t := range tables {
			table := s.localTable(t.name)
			parts, err := partitionsOn(ctx, s, conn, table)
			if err != nil {
				return err
			}
			for _, p := range parts {
				cut := dayKey
				if t.kind == pruneMonthly {
					cut = monthKey
				}
				if p >= cut {
					continue
				}
				// The table name is one of the constants above and the partition
				// a number read back from system.parts: DDL takes no bound
				// parameters.
				if err := conn.Exec(ctx, "ALTER TABLE "+table+" DROP PARTITION "+strconv.Itoa(p)); err != nil {
					return reviewErr("drop partition of "+table, err)
				}
				seen[t.name+"/"+strconv.Itoa(p)] = true
			}
		}
		return nil
	})
	return len(seen), err
}

// partitions lists a table's active partitions as numbers, ascending.
func partitionsOn(ctx context.Context, s *Store, conn driver.Conn, table string) ([]int, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := conn.Query(ctx, sqlActivePartitions, table)
	if err != nil {
		return nil, reviewErr("partitions of "+table, err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, reviewErr("partitions of "+table, err)
		}
		if n, err := strconv.Atoi(p); err == nil {
			out = append(out, n)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, reviewErr("partitions of "+table, err)
	}
	sort.Ints(out)
	return out, nil
}
