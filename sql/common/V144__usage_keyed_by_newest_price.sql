-- Usage is summed and rated per price epoch and, from this version on, per the newest of its model's price versions
-- that had started by its time when it was read (ADR 0003's amendment of 2026-12-06): a version added later with
-- an earlier start (a back-dated price) that leaves the epoch as it was (another price of the model starts after it)
-- still keeps late rows out of the aggregates billed before it, as the README promises. Rows stored before read 0.
-- V145 (per database) puts the column in the keys of rated_aggregate and held_usage.
ALTER TABLE usage_hourly ADD COLUMN newest_price_id BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE usage_snapshot ADD COLUMN newest_price_id BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE rated_aggregate ADD COLUMN newest_price_id BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE held_usage ADD COLUMN newest_price_id BIGINT DEFAULT 0 NOT NULL;
