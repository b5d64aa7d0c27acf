-- A run's margin lines are kept only until its report is written (RunReportListener forgets them then):
-- drop those of the runs that completed before that rule, which nothing reads again.
DELETE FROM run_margin_line WHERE run_id IN (SELECT JOB_INSTANCE_ID FROM BATCH_JOB_EXECUTION WHERE STATUS = 'COMPLETED');
DELETE FROM run_margin_day WHERE run_id IN (SELECT JOB_INSTANCE_ID FROM BATCH_JOB_EXECUTION WHERE STATUS = 'COMPLETED');
