-- Every pricing model (issue 6): billing cycles and plan changes per customer, plan terms, purchases,
-- balances, and credit grants as outbox rows.

ALTER TABLE customer ADD COLUMN billing_interval VARCHAR(10) DEFAULT 'MONTH' NOT NULL;
ALTER TABLE customer ADD COLUMN billing_anchor_day INT DEFAULT 1 NOT NULL;
ALTER TABLE customer ADD COLUMN billing_anchor_month INT DEFAULT 1 NOT NULL;
ALTER TABLE customer ADD COLUMN billing_time_zone VARCHAR(64) DEFAULT 'UTC' NOT NULL;

-- Plan assignments over time: the customer is on plan_id from effective_from until its next row.
CREATE TABLE customer_plan (
    customer_id VARCHAR(200) NOT NULL,
    effective_from TIMESTAMP WITH TIME ZONE NOT NULL,
    plan_id VARCHAR(100) NOT NULL,
    PRIMARY KEY (customer_id, effective_from)
);
INSERT INTO customer_plan (customer_id, effective_from, plan_id)
    SELECT customer_id, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00:00', plan_id FROM customer;

ALTER TABLE plan ADD COLUMN consumption_order VARCHAR(100) DEFAULT 'included,promotional,paid' NOT NULL;
ALTER TABLE plan ADD COLUMN allow_overage BOOLEAN DEFAULT TRUE NOT NULL;

-- Included usage of fixed-fee and hybrid plans, per billing period: USD or tokens, for a model group.
CREATE TABLE plan_allowance (
    plan_id VARCHAR(100) NOT NULL,
    position INT NOT NULL,
    name VARCHAR(100) NOT NULL,
    usd NUMERIC(24, 2),
    tokens BIGINT,
    models VARCHAR(4000) NOT NULL,              -- comma-separated provider/model or provider/*; empty: every model
    PRIMARY KEY (plan_id, position)
);

-- The purchases feed: one row per purchase, refund or cancellation of a credit pack or top-up.
CREATE TABLE credit_purchase (
    purchase_id VARCHAR(200) NOT NULL,
    event VARCHAR(20) NOT NULL,                 -- PURCHASE | REFUND | CANCELLATION
    customer_id VARCHAR(200) NOT NULL,
    category VARCHAR(20),                       -- PAID | PROMOTIONAL (purchases only)
    amount_usd NUMERIC(24, 2),
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE,
    source_file VARCHAR(2100) NOT NULL,
    loaded_run BIGINT NOT NULL,
    PRIMARY KEY (purchase_id, event)
);
CREATE INDEX ix_credit_purchase_customer ON credit_purchase (customer_id);

-- Each customer's balance after the latest run that touched it.
CREATE TABLE customer_balance (
    customer_id VARCHAR(200) NOT NULL PRIMARY KEY,
    as_of TIMESTAMP WITH TIME ZONE NOT NULL,
    currency VARCHAR(3) NOT NULL,
    available_usd NUMERIC(40, 18) NOT NULL,
    included_usd NUMERIC(40, 18) NOT NULL,
    promotional_usd NUMERIC(40, 18) NOT NULL,
    paid_usd NUMERIC(40, 18) NOT NULL,
    included_tokens BIGINT NOT NULL,
    allow_usage BOOLEAN NOT NULL,
    computed_run BIGINT NOT NULL
);

-- Credit grants travel through the outbox: kind CREDIT_GRANT (create), CREDIT_GRANT_VOID, CREDIT_GRANT_EXPIRE.
ALTER TABLE outbox ADD COLUMN grant_category VARCHAR(20);
ALTER TABLE outbox ADD COLUMN grant_priority INT;
ALTER TABLE outbox ADD COLUMN grant_effective_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE outbox ADD COLUMN grant_expires_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE outbox ADD COLUMN grant_name VARCHAR(100);
ALTER TABLE outbox ADD COLUMN stripe_object_id VARCHAR(100);
