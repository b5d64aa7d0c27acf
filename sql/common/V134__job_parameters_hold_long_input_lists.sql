-- A run keeps its inputs as one job parameter, joined by ';' with every folder made absolute: 2,500 characters
-- (Spring Batch's default) were a dozen inputs with long paths or S3 prefixes, and the run failed to start with
-- the database's words. 100,000 hold hundreds.
ALTER TABLE BATCH_JOB_EXECUTION_PARAMS ALTER COLUMN PARAMETER_VALUE SET DATA TYPE VARCHAR(100000);
