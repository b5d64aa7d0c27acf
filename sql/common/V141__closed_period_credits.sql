-- The carried credits of a closing position recorded by carried-credit rule 3 (ADR 0021), by grant: a grant that ends
-- before the next period's end carries, in the period's later positions, what it carried at the close.
CREATE TABLE closed_period_credit (
    customer_id VARCHAR(200) NOT NULL,
    period_start TIMESTAMP WITH TIME ZONE NOT NULL,
    grant_key VARCHAR(1000) NOT NULL,
    carried_usd NUMERIC(50, 26) NOT NULL,
    PRIMARY KEY (customer_id, period_start, grant_key)
);
