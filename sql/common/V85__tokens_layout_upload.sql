-- The tokens meter layout on the upload (ADR 0020). A token meter's row carries a token count in
-- value_micros and, in amount_usd, the exact billed USD that count stands for, so an hour too old
-- for meter events can hand the rest of its amount to the amount meters without losing any.
ALTER TABLE outbox ADD COLUMN amount_usd NUMERIC(50, 26);

-- When the subscription items of a plan move to a new Stripe price: at the change's effective
-- instant (effective_instant) or at the start of the next billing period (next_period).
ALTER TABLE plan ADD COLUMN stripe_price_moves VARCHAR(20) DEFAULT 'effective_instant' NOT NULL;
