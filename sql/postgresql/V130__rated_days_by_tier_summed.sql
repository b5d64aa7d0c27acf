-- The rated days of every attributed rated aggregate, summed again per tier (V129); days are UTC days.
INSERT INTO rated_day (customer_id, day_start, model, token_type, service_tier, context_tier, usd_per_million,
                       markup_percent, tokens, billed_usd)
SELECT customer_id, date_trunc('day', hour_start, 'UTC'), model, token_type, service_tier, context_tier,
       usd_per_million, markup_percent, SUM(tokens), SUM(billed_usd)
FROM rated_aggregate
WHERE attributed = TRUE
GROUP BY customer_id, date_trunc('day', hour_start, 'UTC'), model, token_type, service_tier, context_tier,
         usd_per_million, markup_percent;
