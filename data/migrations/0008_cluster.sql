-- 0008: past one machine (issue 16). Works on ClickHouse 18.16 and current
-- releases; append-only like the rest.

-- A sharded crawl of one run: each of the n crawler processes (or machines)
-- running `councildash crawl --run RUN_ID --shard i/n` reports its shard's
-- state and progress here, a new version each time. The run is finished
-- when every one of its n shards has reported finished (data.Store.Runs
-- works the run's status out from the latest row of each shard). On a
-- cluster the rows of one run stay on one shard (sharded by run_id).
CREATE TABLE IF NOT EXISTS crawl_run_shards (
    run_id String,
    shard UInt16,
    shards UInt16,
    status Enum8('running' = 1, 'finished' = 2, 'interrupted' = 3, 'failed' = 4),
    sites UInt32,
    sites_done UInt32,
    pages UInt64,
    page_errors UInt64,
    host String,
    started_at DateTime,
    updated_at DateTime,
    version UInt64
) ENGINE = ReplacingMergeTree(version) ORDER BY (run_id, shard);

-- A parish-scale register: a parish or town council names its parent
-- council (the district or unitary council whose area it is in) by code.
-- Rows stored before have it empty.
ALTER TABLE councils ADD COLUMN parent_code String DEFAULT '';
