-- H2 hands out sequence values in blocks of 32 and, after a crash, starts at the next block: a run killed as its
-- execution 1 was resumed as execution 33, and its job instance (the run id findings name) jumped the same way.
-- Execution and run ids are what operators type (restart N) and read: take them one at a time, as PostgreSQL does.
ALTER SEQUENCE BATCH_JOB_INSTANCE_SEQ CACHE 1;
ALTER SEQUENCE BATCH_JOB_EXECUTION_SEQ CACHE 1;
ALTER SEQUENCE BATCH_STEP_EXECUTION_SEQ CACHE 1;
