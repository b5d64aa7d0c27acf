-- Nothing looks usage_hourly up by its eight-column key: ingest builds each file's totals in memory,
-- one row per group, and commits them once with the file (ADR 0007). Keeping the key cost about half of
-- ingest's insert time on H2 (its uniqueness check compares strings on every row).
ALTER TABLE usage_hourly DROP CONSTRAINT usage_hourly_pkey;
