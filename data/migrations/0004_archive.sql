-- 0004: the web archive (issue 11). Every fetched page (and link check)
-- records where its response is in the run's WARC files, so one record is
-- read without scanning a file; a run records its archive folder (empty:
-- not archived), where it came from (a crawl, or an import of WARC files)
-- and how it was last re-scored. A site report keeps the 404 probe's
-- record and the site search's results, which a re-score from the archive
-- needs. Plain ADD COLUMN with defaults: works on ClickHouse 18.16 and
-- current releases (the migrator skips a column that exists).

ALTER TABLE crawl_runs ADD COLUMN archive_dir String DEFAULT '';
ALTER TABLE crawl_runs ADD COLUMN source String DEFAULT 'crawl';
ALTER TABLE crawl_runs ADD COLUMN rescored String DEFAULT '';

ALTER TABLE pages ADD COLUMN warc_file String DEFAULT '';
ALTER TABLE pages ADD COLUMN warc_offset UInt64 DEFAULT 0;
ALTER TABLE pages ADD COLUMN warc_length UInt64 DEFAULT 0;
ALTER TABLE pages ADD COLUMN warc_record_id String DEFAULT '';
ALTER TABLE pages ADD COLUMN payload_digest String DEFAULT '';

ALTER TABLE links ADD COLUMN warc_file String DEFAULT '';
ALTER TABLE links ADD COLUMN warc_offset UInt64 DEFAULT 0;
ALTER TABLE links ADD COLUMN warc_length UInt64 DEFAULT 0;
ALTER TABLE links ADD COLUMN warc_record_id String DEFAULT '';

ALTER TABLE site_reports ADD COLUMN http_probe_unknown UInt8 DEFAULT 0;
ALTER TABLE site_reports ADD COLUMN search_results String DEFAULT '';
ALTER TABLE site_reports ADD COLUMN not_found_warc_file String DEFAULT '';
ALTER TABLE site_reports ADD COLUMN not_found_warc_offset UInt64 DEFAULT 0;
ALTER TABLE site_reports ADD COLUMN not_found_warc_length UInt64 DEFAULT 0;
ALTER TABLE site_reports ADD COLUMN not_found_warc_record_id String DEFAULT '';
