-- The contents runs saw at a path, newest run first: what a changed file at that path is compared with.
CREATE INDEX ix_run_file_path ON run_file (source, path, ingest_run);
