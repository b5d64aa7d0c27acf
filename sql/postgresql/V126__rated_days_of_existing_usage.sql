-- The rated days of the usage rated before rated_day (V125), summed once; days are UTC days.
INSERT INTO rated_day (customer_id, day_start, model, token_type, usd_per_million, markup_percent, tokens, billed_usd)
SELECT customer_id, date_trunc('day', hour_start, 'UTC'), model, token_type, usd_per_million, markup_percent,
       SUM(tokens), SUM(billed_usd)
FROM rated_aggregate
WHERE attributed = TRUE
GROUP BY customer_id, date_trunc('day', hour_start, 'UTC'), model, token_type, usd_per_million, markup_percent;
