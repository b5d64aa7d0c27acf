-- When a finding was resolved, and by which run: NULL resolved_by_run with a resolved_at means by hand (findings
-- resolve, or POST /api/findings/resolve). Both are cleared when the finding opens again.
ALTER TABLE finding ADD COLUMN resolved_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE finding ADD COLUMN resolved_by_run BIGINT;
