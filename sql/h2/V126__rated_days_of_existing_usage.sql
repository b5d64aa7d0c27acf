-- The rated days of the usage rated before rated_day (V125), summed once.
INSERT INTO rated_day (customer_id, day_start, model, token_type, usd_per_million, markup_percent, tokens, billed_usd)
SELECT customer_id, DATE_TRUNC('DAY', hour_start), model, token_type, usd_per_million, markup_percent, SUM(tokens),
       SUM(billed_usd)
FROM rated_aggregate
WHERE attributed = TRUE
GROUP BY customer_id, DATE_TRUNC('DAY', hour_start), model, token_type, usd_per_million, markup_percent;
