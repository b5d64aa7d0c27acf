-- The rated days of every attributed rated aggregate, summed again per billed price per million (V138); days are
-- UTC days.
INSERT INTO rated_day (customer_id, day_start, model, token_type, service_tier, context_tier, billed_per_million,
                       tokens, billed_usd)
SELECT customer_id, date_trunc('day', hour_start, 'UTC'), model, token_type, service_tier, context_tier,
       COALESCE(rate_usd_per_million, usd_per_million * (100 + markup_percent) * 0.01), SUM(tokens), SUM(billed_usd)
FROM rated_aggregate
WHERE attributed = TRUE
GROUP BY customer_id, date_trunc('day', hour_start, 'UTC'), model, token_type, service_tier, context_tier,
         COALESCE(rate_usd_per_million, usd_per_million * (100 + markup_percent) * 0.01);
