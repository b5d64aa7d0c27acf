-- A billed amount has up to 26 decimals (cost at 18 x markup percent at 6 / 100; see V5). These columns hold
-- billed amounts, their sums or what follows from them, and kept 18 or 24 decimals: margin.csv and
-- margin-period.csv showed a billed amount and its margin rounded where report.json and the statements give
-- them exact. They keep all 26 now, as rated_aggregate does.
ALTER TABLE run_margin_line ALTER COLUMN cost_usd SET DATA TYPE NUMERIC(62, 26);
ALTER TABLE run_margin_line ALTER COLUMN billed_usd SET DATA TYPE NUMERIC(62, 26);
ALTER TABLE run_margin_line ALTER COLUMN list_cost_usd SET DATA TYPE NUMERIC(62, 26);
ALTER TABLE rerate_request ALTER COLUMN billed_delta_usd SET DATA TYPE NUMERIC(50, 26);
ALTER TABLE closed_period ALTER COLUMN overage_usd SET DATA TYPE NUMERIC(50, 26);
ALTER TABLE closed_period ALTER COLUMN carried_credits_usd SET DATA TYPE NUMERIC(50, 26);
ALTER TABLE customer_balance ALTER COLUMN available_usd SET DATA TYPE NUMERIC(50, 26);
ALTER TABLE customer_balance ALTER COLUMN included_usd SET DATA TYPE NUMERIC(50, 26);
ALTER TABLE customer_balance ALTER COLUMN promotional_usd SET DATA TYPE NUMERIC(50, 26);
ALTER TABLE customer_balance ALTER COLUMN paid_usd SET DATA TYPE NUMERIC(50, 26);
