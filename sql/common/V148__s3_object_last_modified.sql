-- When S3 says the claimed version was put (its listing's LastModified, to the second): with mark=tag, a version put
-- again under its key later (the same bytes, so the same ETag; the put drops its tags) is tagged again. Null for
-- versions claimed before: those are compared with the time of their mark instead.
ALTER TABLE s3_object ADD COLUMN last_modified TIMESTAMP WITH TIME ZONE;
