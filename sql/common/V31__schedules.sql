-- ShedLock's lock table: with several replicas of `serve`, one holds a schedule's lock while it decides
-- and starts that schedule's run (net.javacrumbs.shedlock, JDBC provider, database time).
CREATE TABLE shedlock (
    name VARCHAR(64) NOT NULL PRIMARY KEY,
    lock_until TIMESTAMP NOT NULL,
    locked_at TIMESTAMP NOT NULL,
    locked_by VARCHAR(255) NOT NULL
);

-- What became of every fire time of every schedule in jobs/: started on time, missed (the service was
-- down), caught up later, or failed to start. One row per (schedule, fire time), written under the lock.
CREATE TABLE schedule_fire (
    schedule_name VARCHAR(100) NOT NULL,
    fire_time TIMESTAMP WITH TIME ZONE NOT NULL,
    state VARCHAR(20) NOT NULL,                 -- STARTED | MISSED | CAUGHT_UP | NOT_STARTED
    execution_id BIGINT,
    detail VARCHAR(1000),
    recorded_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (schedule_name, fire_time)
);
