-- A file staged from an S3 object is registered under the object's URI, which findings, logs and rejects.csv
-- show; the local copy it is read from is kept here, and dropped once the object is marked processed or failed.
-- NULL for a local file, which is read from its own path.
ALTER TABLE ingested_file ADD COLUMN staged_path VARCHAR(4000);
