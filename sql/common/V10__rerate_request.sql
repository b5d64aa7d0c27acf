-- Re-rating history at today's catalog happens only through 'prices rerate', which records who and why.
CREATE TABLE rerate_request (
    ingest_run BIGINT NOT NULL PRIMARY KEY,     -- the rerate job's instance: its run_hour rows are the hours
    from_date DATE NOT NULL,
    to_date DATE NOT NULL,                      -- inclusive
    requested_by VARCHAR(200) NOT NULL,
    reason VARCHAR(2000) NOT NULL,
    requested_at TIMESTAMP WITH TIME ZONE NOT NULL,
    billed_delta_usd NUMERIC(48, 24) NOT NULL   -- what the preview said the re-rating changes in total
);
