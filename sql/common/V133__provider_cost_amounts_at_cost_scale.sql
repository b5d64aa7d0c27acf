-- A provider's charge is read exactly to 18 decimals, the scale of stored costs (ADR 0022); its columns kept 12
-- (as written) and 14 (in major units), so an amount such as OpenAI's 0.06935999999999999 was stored rounded.
-- An amount in cents has two decimals more in dollars.
ALTER TABLE provider_cost ALTER COLUMN amount SET DATA TYPE NUMERIC(44, 18);
ALTER TABLE provider_cost ALTER COLUMN amount_major SET DATA TYPE NUMERIC(44, 20);
