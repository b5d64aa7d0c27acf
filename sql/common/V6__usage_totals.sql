-- Ingest keeps usage summed per file and hour instead of one row per request (ADR 0007).
CREATE TABLE usage_hourly (
    file_id BIGINT NOT NULL,
    ingest_run BIGINT NOT NULL,
    hour_start TIMESTAMP WITH TIME ZONE NOT NULL,
    customer_id VARCHAR(200) NOT NULL,
    attributed BOOLEAN NOT NULL,
    provider VARCHAR(50) NOT NULL,
    model VARCHAR(200) NOT NULL,
    service_tier VARCHAR(20) NOT NULL,
    context_tier VARCHAR(20) NOT NULL,
    price_epoch TIMESTAMP WITH TIME ZONE NOT NULL,  -- latest price change of the model at or before the usage
    billable BOOLEAN NOT NULL,                      -- false for status=error rows
    requests BIGINT NOT NULL,
    input_tokens BIGINT NOT NULL,
    cache_read_tokens BIGINT NOT NULL,
    cache_write_5m_tokens BIGINT NOT NULL,
    cache_write_1h_tokens BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    reasoning_tokens BIGINT NOT NULL,               -- a sub-count of output_tokens
    PRIMARY KEY (file_id, hour_start, customer_id, model, service_tier, context_tier, price_epoch, billable)
);
CREATE INDEX ix_usage_hourly_hour ON usage_hourly (hour_start);

INSERT INTO usage_hourly (file_id, ingest_run, hour_start, customer_id, attributed, provider, model, service_tier,
        context_tier, price_epoch, billable, requests, input_tokens, cache_read_tokens, cache_write_5m_tokens,
        cache_write_1h_tokens, output_tokens, reasoning_tokens)
    SELECT u.file_id, MIN(u.ingest_run), u.hour_start, u.customer_id,
        CASE WHEN MIN(c.customer_id) IS NULL THEN FALSE ELSE TRUE END, MIN(u.provider), u.model, u.service_tier,
        u.context_tier, u.price_epoch, u.billable, COUNT(*), SUM(u.input_tokens), SUM(u.cache_read_tokens),
        SUM(u.cache_write_5m_tokens), SUM(u.cache_write_1h_tokens), SUM(u.output_tokens), SUM(u.reasoning_tokens)
    FROM usage_line u LEFT JOIN customer c ON c.customer_id = u.customer_id
    GROUP BY u.file_id, u.hour_start, u.customer_id, u.model, u.service_tier, u.context_tier, u.price_epoch, u.billable;

DROP TABLE usage_line;
