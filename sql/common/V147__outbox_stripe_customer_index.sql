-- The read-back sums every customer's meter events sent to a Stripe customer, meter and day (after two customers
-- swapped Stripe ids, a day of each id holds both customers' events); without an index each read walked the outbox.
CREATE INDEX ix_outbox_stripe_customer ON outbox (stripe_customer_id);
