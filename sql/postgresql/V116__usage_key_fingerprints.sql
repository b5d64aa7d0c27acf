-- The fingerprint of what each key's first copy counted (8 bytes per key, in the order of request_keys),
-- so that a repeat with other numbers is told from a plain repeat. NULL in blocks stored before.
ALTER TABLE usage_key_block ADD COLUMN request_fingerprints BYTEA;
