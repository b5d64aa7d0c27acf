-- Custom rates: a plan's own price per million for a model's token type and tiers, billed in place of the provider
-- cost times (1 + markup). A model override may give rates only, so its markup may be left out.
ALTER TABLE plan_markup_override ALTER COLUMN markup_percent DROP NOT NULL;

CREATE TABLE plan_custom_rate (
    plan_id VARCHAR(100) NOT NULL,
    model VARCHAR(200) NOT NULL,
    token_type VARCHAR(40) NOT NULL,
    service_tier VARCHAR(20) NOT NULL,
    context_tier VARCHAR(20) NOT NULL,
    usd_per_million NUMERIC(30, 12) NOT NULL,
    PRIMARY KEY (plan_id, model, token_type, service_tier, context_tier)
);

-- The custom rate that billed an aggregate (its markup_percent is then null), or null where the markup did.
ALTER TABLE rated_aggregate ADD COLUMN rate_usd_per_million NUMERIC(30, 12);

-- Rated days are summed per billed price per million (the custom rate, or the list price with the markup), which
-- is all a ledger and a statement line read of them. The table is built again: V139 sums every rated day once more.
DROP TABLE rated_day;
CREATE TABLE rated_day (
    customer_id VARCHAR(200) NOT NULL,
    day_start TIMESTAMP WITH TIME ZONE NOT NULL,
    model VARCHAR(200) NOT NULL,
    token_type VARCHAR(40) NOT NULL,
    service_tier VARCHAR(20) NOT NULL,
    context_tier VARCHAR(20) NOT NULL,
    billed_per_million NUMERIC(50, 20) NOT NULL,
    tokens BIGINT NOT NULL,
    billed_usd NUMERIC(56, 26) NOT NULL,
    PRIMARY KEY (customer_id, day_start, model, token_type, service_tier, context_tier, billed_per_million)
);
