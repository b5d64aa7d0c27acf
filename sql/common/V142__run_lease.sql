-- The lease of each job execution a process is running, renewed by that process while it runs (by the database's
-- clock), so that a process of another host can tell a run whose process died, its lease not renewed for minutes,
-- from one still running. Taken when an execution begins, given back when it ends.
CREATE TABLE run_lease (
    job_execution_id BIGINT PRIMARY KEY,
    host VARCHAR(255) NOT NULL,
    pid BIGINT NOT NULL,
    renewed_at TIMESTAMP WITH TIME ZONE NOT NULL
);
