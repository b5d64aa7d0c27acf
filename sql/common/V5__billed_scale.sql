-- cost (18 decimals) x markup percent (6 decimals) / 100 has up to 26 decimals: keep them all, so a
-- rerun compares exact amounts and does not rewrite unchanged aggregates.
ALTER TABLE rated_aggregate ALTER COLUMN billed_usd SET DATA TYPE NUMERIC(50, 26);
