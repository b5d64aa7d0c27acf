-- Every S3 object version (key and ETag) the engine has claimed, so each is ingested exactly once,
-- across restarts and replicas, and then marked processed or failed in the bucket.
CREATE TABLE s3_object (
    object_uri VARCHAR(2100) NOT NULL,          -- s3://bucket/key; keys are at most 1,024 bytes
    etag VARCHAR(200) NOT NULL,
    source VARCHAR(200) NOT NULL,
    size_bytes BIGINT NOT NULL,
    claimed_run BIGINT NOT NULL,                -- the run that claimed (staged and registered) it
    claimed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    file_id BIGINT,                             -- its content in the file registry, once staged
    status VARCHAR(20) NOT NULL,                -- CLAIMED | PROCESSED | FAILED
    detail VARCHAR(4000),
    marked_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (object_uri, etag)
);
CREATE INDEX ix_s3_object_run ON s3_object (claimed_run);

-- Object URIs are shown as the path of a run's files.
ALTER TABLE run_file ALTER COLUMN path SET DATA TYPE VARCHAR(2100);
