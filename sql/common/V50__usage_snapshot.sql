-- Aggregated exports are snapshots of their buckets (ADR 0012): the latest numbers of each bucket,
-- keyed by source and bucket id, and every replacement of a bucket's numbers by a newer export.
CREATE TABLE usage_snapshot (
    snapshot_key VARCHAR(32) NOT NULL PRIMARY KEY,   -- hex of the first 16 bytes of SHA-256 over source and bucket id
    source VARCHAR(200) NOT NULL,
    bucket_id VARCHAR(500) NOT NULL,
    file_id BIGINT NOT NULL,                         -- the export whose numbers these are
    ingest_run BIGINT NOT NULL,
    hour_start TIMESTAMP WITH TIME ZONE NOT NULL,
    customer_id VARCHAR(200) NOT NULL,
    attributed BOOLEAN NOT NULL,
    provider VARCHAR(50) NOT NULL,
    model VARCHAR(200) NOT NULL,
    service_tier VARCHAR(20) NOT NULL,
    context_tier VARCHAR(20) NOT NULL,
    price_epoch TIMESTAMP WITH TIME ZONE NOT NULL,
    billable BOOLEAN NOT NULL,
    input_tokens BIGINT NOT NULL,
    cache_read_tokens BIGINT NOT NULL,
    cache_write_5m_tokens BIGINT NOT NULL,
    cache_write_1h_tokens BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    reasoning_tokens BIGINT NOT NULL
);

CREATE TABLE usage_snapshot_change (
    ingest_run BIGINT NOT NULL,
    file_id BIGINT NOT NULL,                         -- the newer export
    previous_file_id BIGINT NOT NULL,                -- the export whose numbers it replaced
    source VARCHAR(200) NOT NULL,
    bucket_id VARCHAR(500) NOT NULL,
    old_customer_id VARCHAR(200) NOT NULL,
    new_customer_id VARCHAR(200) NOT NULL,
    model VARCHAR(200) NOT NULL,
    old_input_tokens BIGINT NOT NULL,
    new_input_tokens BIGINT NOT NULL,
    old_cache_read_tokens BIGINT NOT NULL,
    new_cache_read_tokens BIGINT NOT NULL,
    old_cache_write_5m_tokens BIGINT NOT NULL,
    new_cache_write_5m_tokens BIGINT NOT NULL,
    old_cache_write_1h_tokens BIGINT NOT NULL,
    new_cache_write_1h_tokens BIGINT NOT NULL,
    old_output_tokens BIGINT NOT NULL,
    new_output_tokens BIGINT NOT NULL,
    old_reasoning_tokens BIGINT NOT NULL,
    new_reasoning_tokens BIGINT NOT NULL,
    PRIMARY KEY (file_id, bucket_id)
);
CREATE INDEX ix_usage_snapshot_change_run ON usage_snapshot_change (ingest_run);
