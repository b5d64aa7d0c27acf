-- A bucket's non-token units (web search requests, images, audio seconds) are part of its numbers:
-- a newer export replaces them like tokens (ADR 0012, ADR 0015).
ALTER TABLE usage_snapshot ADD COLUMN web_search_requests BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE usage_snapshot ADD COLUMN images BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE usage_snapshot ADD COLUMN audio_seconds BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE usage_snapshot_change ADD COLUMN old_web_search_requests BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE usage_snapshot_change ADD COLUMN new_web_search_requests BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE usage_snapshot_change ADD COLUMN old_images BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE usage_snapshot_change ADD COLUMN new_images BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE usage_snapshot_change ADD COLUMN old_audio_seconds BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE usage_snapshot_change ADD COLUMN new_audio_seconds BIGINT DEFAULT 0 NOT NULL;
