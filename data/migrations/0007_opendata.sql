-- 0007: open data. crawl_runs.demo marks the runs the offline demo made
-- (councildash demo, serve --crawl demo): their scores and findings are demo
-- data in the API and the exports. Rows stored before this migration get the
-- default, worked out from the label the demo has always given its runs
-- ("demo run N (local web)"); new rows name the column.
-- Works on ClickHouse 18.16 and current releases.

ALTER TABLE crawl_runs ADD COLUMN demo UInt8 DEFAULT startsWith(label, 'demo run');
