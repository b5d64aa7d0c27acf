-- H2's migration of this version takes its Spring Batch sequence values one at a time, so that a killed process
-- leaves no gap of 32 in execution ids; PostgreSQL's sequences already hand out one value at a time to a process
-- (CACHE 1), and a killed application leaves no gap. Kept for the same version on both databases: nothing to do.
SELECT 1;
