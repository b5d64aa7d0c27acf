-- Which grants' credits a closing position counts as carried (ADR 0021), so that the period's later positions are
-- computed by the rule its closing position was: 1, grants usable after the period's end (positions recorded before
-- this migration); 2, those that also do not expire inside the next period, which Stripe never applies again.
ALTER TABLE closed_period ADD COLUMN carried_rule SMALLINT DEFAULT 1 NOT NULL;
