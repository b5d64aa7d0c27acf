-- Non-token units (issue 5, custom rates): web search requests, generated images and audio seconds,
-- summed per file and hour like the token buckets and rated as token types of their own.
ALTER TABLE usage_hourly ADD COLUMN web_search_requests BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE usage_hourly ADD COLUMN images BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE usage_hourly ADD COLUMN audio_seconds BIGINT DEFAULT 0 NOT NULL;
