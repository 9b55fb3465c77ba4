-- 0005: security (issue 14). Server-side sessions, their revocations, and
-- the events rate limits, one-time form tokens and sign-in throttles count,
-- so that several dashboard instances over one database agree. Append-only
-- like the rest: a session ends by a revocation row, never by an update.
-- Old rows are dropped by whole partitions (data.Store.PruneSecurity), as
-- 18.16 has no TTL.
-- Works on ClickHouse 18.16 and current releases.

-- One row per sign-in. session_hash is the hex SHA-256 of the cookie's
-- random value: the cookie itself is never stored. subject is the peer
-- token id (peers) or the name a moderator typed (admins); binding is, for
-- admin sessions, a hash of the admin token they signed in with.
CREATE TABLE IF NOT EXISTS sessions (
    session_hash String,
    kind String,
    subject String,
    binding String,
    created_at DateTime,
    expires_at DateTime
) ENGINE = MergeTree PARTITION BY toYYYYMM(created_at) ORDER BY session_hash;

-- What ends sessions. scope 'session': one session (sign-out), key = its
-- hash; 'subject': every session of a subject created up to then (a peer
-- link revoked), key = the subject; 'binding': the admin token now in
-- force, key = its binding: admin sessions bound to any other token end.
CREATE TABLE IF NOT EXISTS session_revocations (
    scope String,
    key String,
    kind String,
    reason String,
    created_at DateTime,
    version UInt64
) ENGINE = MergeTree PARTITION BY toYYYYMM(created_at) ORDER BY (scope, key, version);

-- Events the anti-abuse rules count, by key, so that one primary-key query
-- per post or sign-in answers every question: 'n:' + a form nonce, one row
-- per attempt to use it (value: instance and request id; a post goes on
-- only when its own row is the only one); 'c:' + a council, 'a:' + an
-- address hash (an IPv6 address by its /64) or 'p:' + a peer link id, and
-- 'd:' + a hash of a review's content and sender, one row per stored review
-- each (value: the review id; written by guard_reviews_mv in the same
-- insert as the review); 'fa:' + kind + address hash and 'fg:' + kind, one
-- row per failed sign-in. Addresses appear only as keyed hashes. Reviews
-- stored before this migration have no rows here.
CREATE TABLE IF NOT EXISTS guard_events (
    key String,
    value String,
    created_at DateTime
) ENGINE = MergeTree PARTITION BY toYYYYMMDD(created_at) ORDER BY (key, created_at);

CREATE MATERIALIZED VIEW IF NOT EXISTS guard_reviews_mv TO guard_events AS
SELECT key, review_id AS value, created_at FROM reviews
ARRAY JOIN [
    concat('c:', council_code),
    if(peer_token_id != '', concat('p:', peer_token_id), concat('a:', ip_hash)),
    concat('d:', hex(cityHash64(if(peer_token_id != '', concat('p:', peer_token_id), concat('a:', ip_hash)),
        council_code, task, nav, atoz, search_engine, site_search, importance, kind, comment, end_url)))
] AS key;
