-- Usage whose model had no price at ingest keeps the row's own id and a provisional context tier. Once a
-- price exists, the rate step settles it as ingest would have then: the priced id and, unless the row
-- stated its tier, the tier its input gives under the price's long-context threshold (ADR 0014).
ALTER TABLE usage_hourly ADD COLUMN held BOOLEAN DEFAULT FALSE NOT NULL;
-- The request's whole input (cached and cache-write tokens included), kept for held rows that did not
-- state a context tier; held rows are summed per distinct value, so each keeps its own tier.
ALTER TABLE usage_hourly ADD COLUMN held_input_tokens BIGINT;

-- Where held rows lie, so the rate step finds them without scanning the usage table.
CREATE TABLE held_model_hour (
    provider VARCHAR(50) NOT NULL,
    model VARCHAR(200) NOT NULL,
    hour_start TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (provider, model, hour_start)
);
