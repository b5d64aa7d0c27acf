-- Customers whose rated usage a run touched; the outbox build joins it instead of a sub-query.
CREATE TABLE run_customer (
    ingest_run BIGINT NOT NULL,
    customer_id VARCHAR(200) NOT NULL,
    PRIMARY KEY (ingest_run, customer_id)
);

