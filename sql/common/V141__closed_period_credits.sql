-- What each grant paid of a period's usage at its close, and what of it the closing position counts as carried, for
-- positions recorded by carried-credit rule 3 (ADR 0021): a grant that ends before the first invoice that could spend
-- its credit carries, in the period's later positions, no more than it carried at the close.
CREATE TABLE closed_period_credit (
    customer_id VARCHAR(200) NOT NULL,
    period_start TIMESTAMP WITH TIME ZONE NOT NULL,
    grant_key VARCHAR(1000) NOT NULL,
    paid_usd NUMERIC(50, 26) NOT NULL,
    carried_usd NUMERIC(50, 26) NOT NULL,
    PRIMARY KEY (customer_id, period_start, grant_key)
);
