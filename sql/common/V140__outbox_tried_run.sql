-- The run (job instance) that last claimed an outbox row for a call: an upload's UPLOAD_NOT_SENT counts the rows
-- it tried and left pending, not those another uploader tried meanwhile.
ALTER TABLE outbox ADD COLUMN tried_run BIGINT;
