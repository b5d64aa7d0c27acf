-- When each schedule was first looked at: the start of the first process whose scheduler looked at it. A schedule
-- that has never fired looks for missed fire times since then, as one that has looks since its last recorded fire
-- time: a process stopped before a schedule's first fire and started again after it missed that fire time, which was
-- found by nobody before (hunt EG).
CREATE TABLE schedule_watch (
    schedule_name VARCHAR(100) NOT NULL PRIMARY KEY,
    watched_since TIMESTAMP WITH TIME ZONE NOT NULL
);
