-- Billing periods closed for Stripe (ADR 0021): the position of a customer's period when a run first
-- found it past its end plus the close grace, computed from the usage rated before that run rated
-- anything. Later changes of the period go to Stripe as invoice items (outbox rows of meter
-- 'closed-period'), never as meter events.
CREATE TABLE closed_period (
    customer_id VARCHAR(200) NOT NULL,
    period_start TIMESTAMP WITH TIME ZONE NOT NULL,
    period_end TIMESTAMP WITH TIME ZONE NOT NULL,
    overage_usd NUMERIC(40, 18) NOT NULL,       -- overage after included usage and credits
    carried_credits_usd NUMERIC(40, 18) NOT NULL, -- credits from grants that outlive the period
    closed_run BIGINT NOT NULL,
    closed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (customer_id, period_start)
);
