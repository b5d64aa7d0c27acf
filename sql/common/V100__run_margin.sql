-- The margin lines the reconcile step computed for a run's days (ADR 0023), so the run report reads them instead
-- of computing the same days again. run_margin_day marks each day the step covered (a day may have no lines).
CREATE TABLE run_margin_day (
    run_id BIGINT NOT NULL,
    margin_day DATE NOT NULL,
    PRIMARY KEY (run_id, margin_day)
);
CREATE TABLE run_margin_line (
    run_id BIGINT NOT NULL,
    margin_day DATE NOT NULL,
    customer_id VARCHAR(200) NOT NULL,
    model VARCHAR(200) NOT NULL,
    cost_usd NUMERIC(60, 24) NOT NULL,
    billed_usd NUMERIC(60, 24) NOT NULL,
    list_cost_usd NUMERIC(60, 24) NOT NULL,
    cost_basis VARCHAR(10) NOT NULL,
    PRIMARY KEY (run_id, margin_day, customer_id, model)
);
