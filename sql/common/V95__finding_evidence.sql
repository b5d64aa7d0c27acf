-- Findings carry their evidence (ADR 0022): the numbers compared and the source files with the lines behind them,
-- as JSON; the same key found again replaces it. Provider reconciliation lines keep the same evidence per run.
ALTER TABLE finding ADD COLUMN evidence VARCHAR(100000);
ALTER TABLE reconciliation_line ADD COLUMN evidence VARCHAR(100000);

-- The first and last line of a file that an hourly usage total sums (a range: the lines between may belong to
-- other totals); null for totals stored before this migration.
ALTER TABLE usage_hourly ADD COLUMN first_line BIGINT;
ALTER TABLE usage_hourly ADD COLUMN last_line BIGINT;
