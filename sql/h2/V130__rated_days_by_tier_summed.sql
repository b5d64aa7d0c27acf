-- The rated days of every attributed rated aggregate, summed again per tier (V129).
INSERT INTO rated_day (customer_id, day_start, model, token_type, service_tier, context_tier, usd_per_million,
                       markup_percent, tokens, billed_usd)
SELECT customer_id, DATE_TRUNC('DAY', hour_start), model, token_type, service_tier, context_tier, usd_per_million,
       markup_percent, SUM(tokens), SUM(billed_usd)
FROM rated_aggregate
WHERE attributed = TRUE
GROUP BY customer_id, DATE_TRUNC('DAY', hour_start), model, token_type, service_tier, context_tier, usd_per_million,
         markup_percent;
