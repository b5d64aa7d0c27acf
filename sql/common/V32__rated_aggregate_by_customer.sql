-- Credits, statements and balances read one customer's rated usage over its billing period.
CREATE INDEX ix_rated_aggregate_customer ON rated_aggregate (customer_id, hour_start);
