-- Usage with no price at its time (issue 5): held back, never billed at zero. The rate step writes
-- what it holds, every later run rates the held hours again, and a row is removed once a run rates it.
CREATE TABLE held_usage (
    hour_start TIMESTAMP WITH TIME ZONE NOT NULL,
    customer_id VARCHAR(200) NOT NULL,
    model VARCHAR(200) NOT NULL,
    token_type VARCHAR(40) NOT NULL,
    service_tier VARCHAR(20) NOT NULL,
    context_tier VARCHAR(20) NOT NULL,
    price_epoch TIMESTAMP WITH TIME ZONE NOT NULL,
    provider VARCHAR(50) NOT NULL,
    attributed BOOLEAN NOT NULL,
    requests BIGINT NOT NULL,
    tokens BIGINT NOT NULL,
    reason VARCHAR(1000) NOT NULL,
    held_run BIGINT NOT NULL,                   -- the latest run that rated the hour and still found no price
    PRIMARY KEY (hour_start, customer_id, model, token_type, service_tier, context_tier, price_epoch)
);
CREATE INDEX ix_held_usage_run ON held_usage (held_run);
