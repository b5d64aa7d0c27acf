-- Source roles (ADR 0010): billable (default), cost (provider usage for reconciliation, never billed) or both.
ALTER TABLE ingested_file ADD COLUMN source_role VARCHAR(10) DEFAULT 'billable' NOT NULL;

-- Provider cost exports as the provider charged them: one row per bucket (a newer export of the same bucket
-- replaces it), with the provider's own amount, unit and currency.
CREATE TABLE provider_cost (
    bucket_key VARCHAR(1000) NOT NULL PRIMARY KEY,
    file_id BIGINT NOT NULL,
    line_no BIGINT NOT NULL,
    ingest_run BIGINT NOT NULL,
    cost_day DATE NOT NULL,                     -- the bucket's UTC day
    provider VARCHAR(50) NOT NULL,
    model VARCHAR(200),                         -- canonical provider/model when known, else as the provider wrote it
    raw_model VARCHAR(200),
    token_type VARCHAR(40),                     -- canonical token type when the line names one
    service_tier VARCHAR(20),
    context_tier VARCHAR(20),
    cost_type VARCHAR(50),                      -- tokens, web_search, ... (Anthropic); null when not given
    line_item VARCHAR(500),                     -- OpenAI line_item, Anthropic description
    project_id VARCHAR(200),                    -- OpenAI project, Anthropic workspace
    api_key_id VARCHAR(200),
    amount NUMERIC(38, 12) NOT NULL,            -- as the provider wrote it, in amount_unit
    amount_unit VARCHAR(10) NOT NULL,           -- major (e.g. dollars) or cents
    currency VARCHAR(3) NOT NULL,
    amount_major NUMERIC(38, 14) NOT NULL,      -- the amount in the currency's major unit
    quantity NUMERIC(38, 6),
    quantity_unit VARCHAR(40)
);
CREATE INDEX ix_provider_cost_day ON provider_cost (cost_day, provider);

-- What the reconcile step compared, per run, for reconciliation.csv.
CREATE TABLE reconciliation_line (
    ingest_run BIGINT NOT NULL,
    line_key VARCHAR(500) NOT NULL,
    check_kind VARCHAR(40) NOT NULL,            -- provider-usage | provider-charge
    usage_day DATE NOT NULL,
    provider VARCHAR(50) NOT NULL,
    model VARCHAR(200) NOT NULL,
    token_type VARCHAR(40) NOT NULL,
    provider_tokens BIGINT,
    billable_tokens BIGINT,
    provider_usd NUMERIC(48, 24) NOT NULL,
    other_usd NUMERIC(48, 24) NOT NULL,
    difference_usd NUMERIC(48, 24) NOT NULL,
    difference_tokens BIGINT,
    tolerance VARCHAR(100) NOT NULL,
    verdict VARCHAR(30) NOT NULL,
    finding_key VARCHAR(300),
    files VARCHAR(4000),
    PRIMARY KEY (ingest_run, line_key)
);
