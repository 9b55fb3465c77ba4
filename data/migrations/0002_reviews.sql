-- 0002: reviews (Council Usability Dashboard method), moderation events,
-- councils' responses (right of reply) and peer reviewer tokens.
-- Append-only: nothing is updated or deleted; the current state (comment
-- approved or rejected, ratings excluded, token used or revoked) is derived
-- in queries from the event tables. Works on ClickHouse 18.16 and current.
-- Route ratings: 5 very easy, 3 easy, 1 difficult, -3 gave up, 0 not tried.
-- ip_hash is a salted hash of the address, for rate limiting and abuse
-- checks only: never exported. demo = 1 marks bundled demo reviews.

CREATE TABLE IF NOT EXISTS reviews (
    review_id String,
    council_code String,
    task String,
    nav Int8,
    atoz Int8,
    search_engine Int8,
    site_search Int8,
    importance UInt8,
    comment String,
    end_url String,
    kind String,
    peer_token_id String,
    ip_hash String,
    demo UInt8,
    created_at DateTime
) ENGINE = MergeTree PARTITION BY toYYYYMM(created_at) ORDER BY (council_code, task, created_at, review_id);

CREATE TABLE IF NOT EXISTS review_moderation (
    review_id String,
    action String,
    reason String,
    moderator String,
    created_at DateTime,
    version UInt64
) ENGINE = MergeTree ORDER BY (review_id, version);

CREATE TABLE IF NOT EXISTS review_responses (
    response_id String,
    council_code String,
    task String,
    text String,
    peer_token_id String,
    created_at DateTime
) ENGINE = MergeTree ORDER BY (council_code, created_at, response_id);

CREATE TABLE IF NOT EXISTS peer_tokens (
    token_id String,
    token_hash String,
    email String,
    council_code String,
    created_by String,
    created_at DateTime,
    expires_at DateTime
) ENGINE = MergeTree ORDER BY token_id;

CREATE TABLE IF NOT EXISTS peer_token_events (
    token_id String,
    event String,
    detail String,
    created_at DateTime,
    version UInt64
) ENGINE = MergeTree ORDER BY (token_id, version);
