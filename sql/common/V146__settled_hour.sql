-- Hours whose held usage a run settled (priced at last): that run reconciles their days, whose usage it bills now,
-- though its files did not bring it (their usage_hourly rows keep the run that read them).
CREATE TABLE settled_hour (
    ingest_run BIGINT NOT NULL,
    hour_start TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (ingest_run, hour_start)
);
