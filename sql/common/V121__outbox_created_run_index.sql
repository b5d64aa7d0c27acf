-- The reconcile step's findings read the outbox rows a run created (late usage sent as invoice items, usage
-- dated after the run): without an index each read walked the whole outbox, which only grows.
CREATE INDEX ix_outbox_created_run ON outbox (created_run);
