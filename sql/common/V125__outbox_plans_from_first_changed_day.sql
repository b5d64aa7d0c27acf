-- The build-outbox step plans a billing period from the first day whose rated usage changed since it last
-- planned it, and statements read whole days of rated usage, not every hour of the period (ADR 0025).

-- Hours whose rated aggregates were written, or whose meter event or invoice item Stripe refused for good,
-- since the build-outbox step last planned them. marked_run is the run that wrote the hour, or minus the id of
-- the refused outbox row, so the step forgets only the marks it read, never one set meanwhile.
CREATE TABLE unplanned_hour (
    hour_start TIMESTAMP WITH TIME ZONE NOT NULL,
    marked_run BIGINT NOT NULL,
    PRIMARY KEY (hour_start, marked_run)
);

-- The attributed rated aggregates of a customer's UTC day, summed per model, token type and price.
CREATE TABLE rated_day (
    customer_id VARCHAR(200) NOT NULL,
    day_start TIMESTAMP WITH TIME ZONE NOT NULL,
    model VARCHAR(200) NOT NULL,
    token_type VARCHAR(40) NOT NULL,
    usd_per_million NUMERIC(30, 12) NOT NULL,
    markup_percent NUMERIC(12, 6) NOT NULL,
    tokens BIGINT NOT NULL,
    billed_usd NUMERIC(56, 26) NOT NULL,
    PRIMARY KEY (customer_id, day_start, model, token_type, usd_per_million, markup_percent)
);

-- The customers' days whose rated aggregates were written since their rated_day rows were summed, each marked
-- by the run that wrote them.
CREATE TABLE unsummed_day (
    customer_id VARCHAR(200) NOT NULL,
    day_start TIMESTAMP WITH TIME ZONE NOT NULL,
    marked_run BIGINT NOT NULL,
    PRIMARY KEY (customer_id, day_start, marked_run)
);

-- The meter layout the build-outbox step last planned with (one row). When it differs, every rated hour is
-- unplanned again. A database that rated usage before this table planned it with a layout not recorded.
CREATE TABLE outbox_plan_layout (
    layout VARCHAR(400) NOT NULL
);
INSERT INTO outbox_plan_layout (layout) SELECT 'not recorded' FROM rated_aggregate FETCH FIRST 1 ROWS ONLY;
