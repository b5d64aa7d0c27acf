-- The keys of rated_aggregate and held_usage end with newest_price_id (V144).
ALTER TABLE rated_aggregate DROP CONSTRAINT rated_aggregate_pkey;
ALTER TABLE rated_aggregate ADD PRIMARY KEY
    (hour_start, customer_id, model, token_type, service_tier, context_tier, price_epoch, newest_price_id);
ALTER TABLE held_usage DROP CONSTRAINT held_usage_pkey;
ALTER TABLE held_usage ADD PRIMARY KEY
    (hour_start, customer_id, model, token_type, service_tier, context_tier, price_epoch, newest_price_id);
