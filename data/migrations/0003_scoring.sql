-- 0003: scoring method 2026.2 (issue 10). Works on ClickHouse 18.16 and current
-- releases (plain ADD COLUMN; the migrator skips a column that exists).
--
-- Words read: text checks are counted per 100 words read under 2026.2, so a
-- check's statistics keep the words of main content read on the pages it
-- applied to. Rows stored before this migration read 0: such a check cannot be
-- scored per 100 words (scoring.Method.Unscorable), never scored another way.
ALTER TABLE check_stats ADD COLUMN words UInt64 DEFAULT 0;

-- Each page: why it is not scored for content and readability ('' when it
-- is: an error page, a soft 404, too little main content), the words of main
-- content read, and the page's own check statistics (the checks applied to it,
-- in check_ids, and each one's findings, in check_findings at the same index).
-- The page statistics are what a site's score interval is bootstrapped from,
-- so `councildash score --run` can compute intervals again under a new method.
ALTER TABLE pages ADD COLUMN unscored String DEFAULT '';
ALTER TABLE pages ADD COLUMN words UInt32 DEFAULT 0;
ALTER TABLE pages ADD COLUMN check_ids Array(String);
ALTER TABLE pages ADD COLUMN check_findings Array(UInt32);

-- How sure each site score is: the bootstrap interval over the site's pages
-- (scoring.Method.SiteScoreInterval) of the overall score and of each
-- category's, under the method named. A table of its own, append-only, beside
-- scores rather than columns of it: an interval needs each page's statistics,
-- which re-scoring from a run's site statistics alone does not have, so a
-- score with no interval is a score with no row here (not a sentinel value),
-- and no reader of the scores table changes. Rows are found by run, council,
-- method and category; the latest computed_at wins.
CREATE TABLE IF NOT EXISTS score_intervals (
    run_id String,
    council_code String,
    method_version String,
    category String,
    score Float64,
    low Float64,
    high Float64,
    level Float64,
    pages UInt32,
    too_few UInt8,
    unavailable UInt8,
    computed_at DateTime
) ENGINE = ReplacingMergeTree(computed_at) ORDER BY (council_code, run_id, method_version, category);
