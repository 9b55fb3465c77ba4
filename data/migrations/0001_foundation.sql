-- 0001: councils, crawl runs, pages, links, site reports, findings, check stats, scores.
-- Works on ClickHouse 18.16 and current releases. Append-only: current state is
-- derived in queries (argMax over a version column).
-- A crawl of one site is an "attempt"; only attempts recorded in site_reports
-- are complete, so a resumed run never counts a half-crawled site twice.

CREATE TABLE IF NOT EXISTS councils (
    code String,
    name String,
    type String,
    tier String,
    nation String,
    homepage_url String,
    region String,
    parent_county String,
    la_code String,
    govuk_slug String,
    source String,
    loaded_at DateTime
) ENGINE = ReplacingMergeTree(loaded_at) ORDER BY code;

CREATE TABLE IF NOT EXISTS crawl_runs (
    run_id String,
    status Enum8('running' = 1, 'finished' = 2, 'interrupted' = 3, 'failed' = 4),
    started_at DateTime,
    finished_at DateTime,
    method_version String,
    settings String,
    label String,
    sites_total UInt32,
    version UInt64
) ENGINE = ReplacingMergeTree(version) ORDER BY run_id;

CREATE TABLE IF NOT EXISTS pages (
    run_id String,
    council_code String,
    attempt String,
    url String,
    final_url String,
    redirect_chain Array(String),
    depth UInt16,
    status UInt16,
    content_type String,
    bytes UInt64,
    ttfb_ms UInt32,
    total_ms UInt32,
    error_class String,
    title String,
    is_html UInt8,
    fetched_at DateTime
) ENGINE = MergeTree PARTITION BY toYYYYMM(fetched_at) ORDER BY (council_code, run_id, url);

CREATE TABLE IF NOT EXISTS links (
    run_id String,
    council_code String,
    attempt String,
    from_url String,
    to_url String,
    internal UInt8,
    method String,
    status UInt16,
    error_class String,
    total_ms UInt32,
    checked_at DateTime
) ENGINE = MergeTree PARTITION BY toYYYYMM(checked_at) ORDER BY (council_code, run_id, to_url);

CREATE TABLE IF NOT EXISTS site_reports (
    run_id String,
    council_code String,
    attempt String,
    home_url String,
    final_home_url String,
    home_status UInt16,
    home_error_class String,
    https UInt8,
    http_redirects_https UInt8,
    robots_status UInt16,
    robots_bytes UInt64,
    robots_parsed UInt8,
    robots_disallow_all UInt8,
    crawl_delay_ms UInt32,
    sitemaps Array(String),
    sitemap_urls UInt32,
    sitemap_parsed UInt8,
    not_found_url String,
    not_found_status UInt16,
    search_form_action String,
    pages_fetched UInt32,
    pages_errored UInt32,
    pdfs UInt32,
    links_checked UInt32,
    links_broken UInt32,
    started_at DateTime,
    finished_at DateTime
) ENGINE = ReplacingMergeTree(finished_at) ORDER BY (council_code, run_id);

CREATE TABLE IF NOT EXISTS findings (
    run_id String,
    council_code String,
    attempt String,
    url String,
    check_id String,
    category String,
    severity Enum8('info' = 1, 'warning' = 2, 'error' = 3),
    selector String,
    snippet String,
    matched Array(String),
    message String,
    task String,
    method_version String,
    created_at DateTime
) ENGINE = MergeTree PARTITION BY toYYYYMM(created_at) ORDER BY (council_code, run_id, check_id, url);

CREATE TABLE IF NOT EXISTS check_stats (
    run_id String,
    council_code String,
    attempt String,
    check_id String,
    category String,
    pages_total UInt32,
    pages_affected UInt32,
    findings UInt32,
    created_at DateTime
) ENGINE = ReplacingMergeTree(created_at) ORDER BY (council_code, run_id, check_id);

CREATE TABLE IF NOT EXISTS scores (
    run_id String,
    council_code String,
    method_version String,
    category String,
    check_id String,
    score Float64,
    scored_at DateTime
) ENGINE = ReplacingMergeTree(scored_at) ORDER BY (council_code, run_id, method_version, category, check_id);
