-- Statements name each line's service and context tier (batch and standard usage of one model and token type
-- are two lines, not two lines told apart by their price only), so the rated days are summed per tier too.
-- The table is built again: V130 sums every rated day once more, from the rated aggregates.
DROP TABLE rated_day;
CREATE TABLE rated_day (
    customer_id VARCHAR(200) NOT NULL,
    day_start TIMESTAMP WITH TIME ZONE NOT NULL,
    model VARCHAR(200) NOT NULL,
    token_type VARCHAR(40) NOT NULL,
    service_tier VARCHAR(20) NOT NULL,
    context_tier VARCHAR(20) NOT NULL,
    usd_per_million NUMERIC(30, 12) NOT NULL,
    markup_percent NUMERIC(12, 6) NOT NULL,
    tokens BIGINT NOT NULL,
    billed_usd NUMERIC(56, 26) NOT NULL,
    PRIMARY KEY (customer_id, day_start, model, token_type, service_tier, context_tier, usd_per_million,
                 markup_percent)
);
