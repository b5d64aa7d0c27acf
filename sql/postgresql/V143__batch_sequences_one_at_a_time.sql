-- H2's migration of this version takes its Spring Batch sequence values one at a time (no jump of execution ids after
-- a crash); PostgreSQL's sequences are created that way (CACHE 1): nothing to do.
SELECT 1;
