-- V122 for the files registered before it: a file staged from an S3 object takes the object's URI as its path
-- (the name its run showed), and its staging file becomes its staged path, which it is still read from. Only
-- files their own object registered: content an object shared with an earlier file keeps that file's path.
-- (A staged path outlives its file: the file is deleted once the object is marked, the path stays as a record.)
UPDATE ingested_file SET staged_path = path, path = (
        SELECT MIN(r.path) FROM run_file r WHERE r.file_id = ingested_file.file_id
            AND r.ingest_run = ingested_file.ingest_run AND r.outcome <> 'ALREADY_INGESTED' AND r.path LIKE 's3://%')
    WHERE staged_path IS NULL
        AND file_id IN (SELECT file_id FROM s3_object WHERE file_id IS NOT NULL)
        AND EXISTS (SELECT 1 FROM run_file r WHERE r.file_id = ingested_file.file_id
            AND r.ingest_run = ingested_file.ingest_run AND r.outcome <> 'ALREADY_INGESTED' AND r.path LIKE 's3://%');
