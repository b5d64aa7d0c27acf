-- The threshold webhook's deliveries: one row per threshold finding (its stable key), so a threshold
-- crossed once in a period is posted once. A failed delivery is kept with its error and tried again by
-- later runs, up to tokentally.balances.webhook-max-attempts; it never fails the run.
CREATE TABLE threshold_notice (
    finding_key VARCHAR(300) NOT NULL PRIMARY KEY,
    customer_id VARCHAR(200) NOT NULL,
    kind VARCHAR(50) NOT NULL,
    state VARCHAR(20) NOT NULL,                 -- PENDING | SENT | FAILED
    attempts INT NOT NULL,
    last_status INT,
    last_error VARCHAR(1000),
    first_run BIGINT NOT NULL,
    last_attempt_at TIMESTAMP WITH TIME ZONE,
    sent_at TIMESTAMP WITH TIME ZONE
);
