-- The rows a run sent: the upload's check for meter events that reached Stripe after their period closed, and the
-- report's counts, read them after every upload; without an index each read walked the whole outbox.
CREATE INDEX ix_outbox_sent_run ON outbox (sent_run);
